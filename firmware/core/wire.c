#include "wire.h"

#include "mem.h"

void fw_writer_init(fw_writer *w, uint8_t *bytes, uint32_t capacity) {
    w->bytes = bytes;
    w->length = 0;
    w->capacity = capacity;
    w->overflow = 0;
}

void fw_write_bytes(fw_writer *w, const void *bytes, uint32_t count) {
    if (w->overflow || count > w->capacity - w->length) {
        w->overflow = 1;
        return;
    }
    fw_memcpy(w->bytes + w->length, bytes, count);
    w->length += count;
}

void fw_write_u8(fw_writer *w, uint8_t v) { fw_write_bytes(w, &v, 1); }

void fw_write_u16(fw_writer *w, uint16_t v) {
    uint8_t b[2];
    fw_put_u16(b, v);
    fw_write_bytes(w, b, 2);
}

void fw_write_u32(fw_writer *w, uint32_t v) {
    uint8_t b[4];
    fw_put_u32(b, v);
    fw_write_bytes(w, b, 4);
}

void fw_write_u64(fw_writer *w, uint64_t v) {
    fw_write_u32(w, (uint32_t)v);
    fw_write_u32(w, (uint32_t)(v >> 32));
}

void fw_write_string(fw_writer *w, const char *text) {
    uint32_t n = 0;
    if (text != 0) {
        while (text[n] != '\0' && n < 255u) {
            n++;
        }
    }
    fw_write_u8(w, (uint8_t)n);
    fw_write_bytes(w, text, n);
}
