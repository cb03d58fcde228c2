/* Bounded reading of a FlatBuffer in place: every offset, length and index is checked before
 * use; scalars are read byte by byte (little-endian), so no alignment is assumed. */
#ifndef TH_FLATBUFFER_H
#define TH_FLATBUFFER_H

#include <stdint.h>
#include <string.h>

typedef struct th_fb { const uint8_t *b; uint32_t n; } th_fb;
typedef struct th_fb_table { uint32_t pos, vt; uint16_t vt_size, size; } th_fb_table;
typedef struct th_fb_vec { uint32_t pos, len; } th_fb_vec;   /* pos: first element */

static inline uint16_t th_ld_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t th_ld_u32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline int32_t th_ld_i32(const uint8_t *p) { return (int32_t)th_ld_u32(p); }
static inline int64_t th_ld_i64(const uint8_t *p) {
  return (int64_t)((uint64_t)th_ld_u32(p) | ((uint64_t)th_ld_u32(p + 4) << 32));
}
static inline float th_ld_f32(const uint8_t *p) {
  uint32_t u = th_ld_u32(p);
  float f;
  memcpy(&f, &u, 4);
  return f;
}

/* Opens the table whose position is `pos`. Returns 1 if its vtable and inline part are inside
 * the buffer. */
int th_fb_table_at(const th_fb *fb, uint32_t pos, th_fb_table *t);
/* Position of field `slot` if present and `size` bytes of it fit in the table; 0 if absent. */
uint32_t th_fb_field(const th_fb *fb, const th_fb_table *t, uint32_t slot, uint32_t size);
/* Scalar fields with defaults (absent field -> default). */
uint8_t th_fb_u8(const th_fb *fb, const th_fb_table *t, uint32_t slot, uint8_t def);
int8_t th_fb_i8(const th_fb *fb, const th_fb_table *t, uint32_t slot, int8_t def);
int32_t th_fb_i32(const th_fb *fb, const th_fb_table *t, uint32_t slot, int32_t def);
uint32_t th_fb_u32(const th_fb *fb, const th_fb_table *t, uint32_t slot, uint32_t def);
float th_fb_f32(const th_fb *fb, const th_fb_table *t, uint32_t slot, float def);
/* Offset fields. Return 1 = present and valid, 0 = absent, -1 = malformed. */
int th_fb_sub_table(const th_fb *fb, const th_fb_table *t, uint32_t slot, th_fb_table *out);
int th_fb_vector(const th_fb *fb, const th_fb_table *t, uint32_t slot, uint32_t elem_size,
                 th_fb_vec *out);
/* Element i of a vector of tables (i < v->len checked). Returns 1 if valid. */
int th_fb_vec_table(const th_fb *fb, const th_fb_vec *v, uint32_t i, th_fb_table *out);

#endif
