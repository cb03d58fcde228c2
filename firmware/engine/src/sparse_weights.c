/* Load-time validation of THS1 sparse weights (sparse_weights.h). */
#include "sparse_weights.h"

static int name_is(const th_fb *fb, const th_fb_table *t, const char *name) {
  th_fb_vec s;
  uint32_t n = (uint32_t)strlen(name);
  if (th_fb_vector(fb, t, 0, 1, &s) <= 0 || s.len != n) return 0;
  return memcmp(fb->b + s.pos, name, n) == 0;
}

int th_sparse_listed(const th_model *m, uint32_t buffer, const char **what) {
  const th_fb *fb = &m->fb;
  for (uint32_t i = 0; i < m->metadata.len; i++) {
    th_fb_table md, buf;
    th_fb_vec data;
    if (!th_fb_vec_table(fb, &m->metadata, i, &md)) {
      *what = "Model.metadata[i]: table out of bounds";
      return -1;
    }
    if (!name_is(fb, &md, TH_SPARSE_METADATA_NAME)) continue;
    uint32_t bi = th_fb_u32(fb, &md, 1, 0);
    if (bi >= m->buffers.len || !th_fb_vec_table(fb, &m->buffers, bi, &buf) ||
        th_fb_vector(fb, &buf, 0, 1, &data) <= 0) {
      *what = "metadata tinyhil_sparse_v1: Metadata.buffer missing or without data";
      return -1;
    }
    if (data.len < 4u || data.len != 4u + 4u * (uint64_t)th_ld_u32(fb->b + data.pos)) {
      *what = "metadata tinyhil_sparse_v1: length is not 4 + 4 x count bytes";
      return -1;
    }
    for (uint32_t k = 0; k < th_ld_u32(fb->b + data.pos); k++) {
      uint32_t b = th_ld_u32(fb->b + data.pos + 4u + 4u * k);
      if (b == 0u || b >= m->buffers.len || b == bi) {
        *what = "metadata tinyhil_sparse_v1: buffer index out of range (0, the list itself, or beyond Model.buffers)";
        return -1;
      }
      if (b == buffer) return 1;
    }
  }
  return 0;
}

const char *th_sparse_validate(const uint8_t *blob, uint32_t bytes, const th_tensor *t) {
  if (t->type != TH_INT8) return "sparse weights: tensor type must be int8";
  if (t->rank < 2) return "sparse weights: tensor rank must be at least 2";
  if (bytes < TH_SPARSE_HEADER_BYTES || memcmp(blob, "THS1", 4) != 0) return "sparse weights: magic is not THS1";
  uint32_t rows = th_ld_u32(blob + 4), cols = th_ld_u32(blob + 8), entries = th_ld_u32(blob + 12);
  if ((int64_t)rows != t->dims[0]) return "sparse weights: rows differ from the tensor's dimension 0";
  if ((uint64_t)rows * cols != (uint64_t)(uint32_t)th_elements(t)) return "sparse weights: rows x cols differ from the tensor's element count";
  if (cols > TH_MAX_ACCUMULATION) return "sparse weights: cols above 65536";
  uint64_t head = TH_SPARSE_HEADER_BYTES + 4ull * ((uint64_t)rows + 1u);
  if (head + entries > bytes) return "sparse weights: row_ptr/values longer than the buffer";
  const uint8_t *row_ptr = blob + TH_SPARSE_HEADER_BYTES;
  const uint8_t *gaps = blob + head + entries;
  uint64_t gap_bytes = 0;
  if (th_ld_u32(row_ptr) != 0u) return "sparse weights: row_ptr[0] must be 0";
  for (uint32_t r = 0; r < rows; r++) {
    uint32_t a = th_ld_u32(row_ptr + 4u * r), b = th_ld_u32(row_ptr + 4u * r + 4u);
    if (b < a) return "sparse weights: row_ptr not monotonic";
    if (b > entries) return "sparse weights: row_ptr beyond entries";
    gap_bytes += (b - a + 1u) / 2u;
  }
  if (th_ld_u32(row_ptr + 4u * rows) != entries) return "sparse weights: row_ptr[rows] differs from entries";
  if (head + entries + gap_bytes != bytes) return "sparse weights: buffer length differs from header + row_ptr + values + gaps";
  const uint8_t *g = gaps;
  for (uint32_t r = 0; r < rows; r++) {
    uint32_t n = th_ld_u32(row_ptr + 4u * r + 4u) - th_ld_u32(row_ptr + 4u * r);
    uint64_t col = 0;   /* next column an entry may take */
    for (uint32_t e = 0; e < n; e++) {
      uint32_t nib = (e & 1u) ? (g[e / 2u] >> 4) : (g[e / 2u] & 15u);
      col += nib + 1u;
      if (col > cols) return "sparse weights: gaps: column index out of range";
    }
    if ((n & 1u) && (g[n / 2u] >> 4) != 0u) return "sparse weights: gaps: padding nibble of an odd row must be 0";
    g += (n + 1u) / 2u;
  }
  return NULL;
}

void th_sparse_open(const uint8_t *blob, th_sparse_view *v) {
  v->rows = th_ld_u32(blob + 4);
  v->cols = th_ld_u32(blob + 8);
  v->entries = th_ld_u32(blob + 12);
  v->row_ptr = blob + TH_SPARSE_HEADER_BYTES;
  v->values = (const int8_t *)(blob + TH_SPARSE_HEADER_BYTES + 4u * (v->rows + 1u));
  v->gaps = (const uint8_t *)v->values + v->entries;
}
