/* Byte copies for a freestanding build. mem.c also defines memcpy/memset/memmove/memcmp, which the
 * compiler may call implicitly (struct copies, zero-initialisation) and the engine uses. */
#ifndef TINYHIL_MEM_H
#define TINYHIL_MEM_H

#include <stddef.h>

void fw_memcpy(void *dst, const void *src, size_t count);
void fw_memset(void *dst, int value, size_t count);

#endif
