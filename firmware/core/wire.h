/* Little-endian field access for protocol payloads (no alignment assumed). */
#ifndef TINYHIL_WIRE_H
#define TINYHIL_WIRE_H

#include <stdint.h>

static inline uint16_t fw_get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t fw_get_u32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline void fw_put_u16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void fw_put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* An append-only writer into a fixed reply buffer; `overflow` is set instead of writing past the end. */
typedef struct fw_writer {
    uint8_t *bytes;
    uint32_t length;
    uint32_t capacity;
    int overflow;
} fw_writer;

void fw_writer_init(fw_writer *w, uint8_t *bytes, uint32_t capacity);
void fw_write_u8(fw_writer *w, uint8_t v);
void fw_write_u16(fw_writer *w, uint16_t v);
void fw_write_u32(fw_writer *w, uint32_t v);
void fw_write_u64(fw_writer *w, uint64_t v);
void fw_write_bytes(fw_writer *w, const void *bytes, uint32_t count);
/* u8 length + bytes; strings longer than 255 bytes are cut at 255. */
void fw_write_string(fw_writer *w, const char *text);

#endif
