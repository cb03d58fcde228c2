#include "mem.h"

#include <stdint.h>

/* Word copies when both pointers are word-aligned, bytes otherwise. The Makefile builds with
 * -fno-tree-loop-distribute-patterns so these loops are never turned back into calls to themselves. */

void fw_memcpy(void *dst, const void *src, size_t count) {
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    if ((((uintptr_t)d | (uintptr_t)s) & 3u) == 0) {
        while (count >= 4) {
            *(uint32_t *)(void *)d = *(const uint32_t *)(const void *)s;
            d += 4;
            s += 4;
            count -= 4;
        }
    }
    while (count-- > 0) {
        *d++ = *s++;
    }
}

void fw_memset(void *dst, int value, size_t count) {
    uint8_t *d = (uint8_t *)dst;
    uint8_t v = (uint8_t)value;
    while (count > 0 && ((uintptr_t)d & 3u) != 0) {
        *d++ = v;
        count--;
    }
    uint32_t word = v * 0x01010101u;
    while (count >= 4) {
        *(uint32_t *)(void *)d = word;
        d += 4;
        count -= 4;
    }
    while (count-- > 0) {
        *d++ = v;
    }
}

void *memcpy(void *dst, const void *src, size_t count);
void *memset(void *dst, int value, size_t count);
void *memmove(void *dst, const void *src, size_t count);
int memcmp(const void *a, const void *b, size_t count);

void *memcpy(void *dst, const void *src, size_t count) {
    fw_memcpy(dst, src, count);
    return dst;
}

void *memset(void *dst, int value, size_t count) {
    fw_memset(dst, value, count);
    return dst;
}

void *memmove(void *dst, const void *src, size_t count) {
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    if (d <= s || d >= s + count) {
        while (count-- > 0) {
            *d++ = *s++;
        }
    } else {
        d += count;
        s += count;
        while (count-- > 0) {
            *--d = *--s;
        }
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t count) {
    const uint8_t *x = (const uint8_t *)a;
    const uint8_t *y = (const uint8_t *)b;
    for (size_t i = 0; i < count; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}
