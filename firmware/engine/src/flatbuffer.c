#include "flatbuffer.h"

int th_fb_table_at(const th_fb *fb, uint32_t pos, th_fb_table *t) {
  if (pos > fb->n || fb->n - pos < 4u) return 0;
  int64_t vt = (int64_t)pos - (int64_t)th_ld_i32(fb->b + pos);
  if (vt < 0 || vt > (int64_t)fb->n - 4) return 0;
  uint32_t v = (uint32_t)vt;
  uint16_t vt_size = th_ld_u16(fb->b + v);
  uint16_t size = th_ld_u16(fb->b + v + 2);
  if (vt_size < 4u || (vt_size & 1u) || vt_size > fb->n - v) return 0;
  if (size < 4u || size > fb->n - pos) return 0;
  t->pos = pos;
  t->vt = v;
  t->vt_size = vt_size;
  t->size = size;
  return 1;
}

uint32_t th_fb_field(const th_fb *fb, const th_fb_table *t, uint32_t slot, uint32_t size) {
  (void)fb;
  if (slot > 32000u) return 0;
  uint32_t entry = 4u + 2u * slot;
  if (entry + 2u > t->vt_size) return 0;
  uint32_t off = th_ld_u16(fb->b + t->vt + entry);
  if (off == 0u) return 0;
  if (off < 4u || off + size > t->size) return 0;   /* outside the inline table: ignore */
  return t->pos + off;
}

uint8_t th_fb_u8(const th_fb *fb, const th_fb_table *t, uint32_t slot, uint8_t def) {
  uint32_t p = th_fb_field(fb, t, slot, 1);
  return p ? fb->b[p] : def;
}

int8_t th_fb_i8(const th_fb *fb, const th_fb_table *t, uint32_t slot, int8_t def) {
  uint32_t p = th_fb_field(fb, t, slot, 1);
  return p ? (int8_t)fb->b[p] : def;
}

int32_t th_fb_i32(const th_fb *fb, const th_fb_table *t, uint32_t slot, int32_t def) {
  uint32_t p = th_fb_field(fb, t, slot, 4);
  return p ? th_ld_i32(fb->b + p) : def;
}

uint32_t th_fb_u32(const th_fb *fb, const th_fb_table *t, uint32_t slot, uint32_t def) {
  uint32_t p = th_fb_field(fb, t, slot, 4);
  return p ? th_ld_u32(fb->b + p) : def;
}

float th_fb_f32(const th_fb *fb, const th_fb_table *t, uint32_t slot, float def) {
  uint32_t p = th_fb_field(fb, t, slot, 4);
  return p ? th_ld_f32(fb->b + p) : def;
}

/* Follows the uoffset stored at p. Returns 1 and the target, or 0 if it points outside. */
static int follow(const th_fb *fb, uint32_t p, uint32_t *target) {
  uint32_t off = th_ld_u32(fb->b + p);
  uint64_t tgt = (uint64_t)p + off;
  if (off == 0u || tgt >= fb->n) return 0;
  *target = (uint32_t)tgt;
  return 1;
}

int th_fb_sub_table(const th_fb *fb, const th_fb_table *t, uint32_t slot, th_fb_table *out) {
  uint32_t p = th_fb_field(fb, t, slot, 4);
  uint32_t tgt;
  if (!p) return 0;
  if (!follow(fb, p, &tgt)) return -1;
  return th_fb_table_at(fb, tgt, out) ? 1 : -1;
}

int th_fb_vector(const th_fb *fb, const th_fb_table *t, uint32_t slot, uint32_t elem_size,
                 th_fb_vec *out) {
  uint32_t p = th_fb_field(fb, t, slot, 4);
  uint32_t v;
  if (!p) return 0;
  if (!follow(fb, p, &v)) return -1;
  if (fb->n - v < 4u) return -1;
  uint32_t len = th_ld_u32(fb->b + v);
  uint64_t end = (uint64_t)v + 4u + (uint64_t)len * elem_size;
  if (end > fb->n) return -1;
  out->pos = v + 4u;
  out->len = len;
  return 1;
}

int th_fb_vec_table(const th_fb *fb, const th_fb_vec *v, uint32_t i, th_fb_table *out) {
  uint32_t tgt;
  if (i >= v->len) return 0;
  if (!follow(fb, v->pos + 4u * i, &tgt)) return 0;
  return th_fb_table_at(fb, tgt, out);
}
