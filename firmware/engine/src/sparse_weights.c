/* Load-time validation of THS1 sparse weights (sparse_weights.h). */
#include "sparse_weights.h"

static int name_is(const th_fb *fb, const th_fb_table *t) {
  th_fb_vec s;
  uint32_t n = (uint32_t)sizeof(TH_SPARSE_METADATA_NAME) - 1u;   /* no strlen in the firmware's libc-free build */
  if (th_fb_vector(fb, t, 0, 1, &s) <= 0 || s.len != n) return 0;
  return memcmp(fb->b + s.pos, TH_SPARSE_METADATA_NAME, n) == 0;
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
    if (!name_is(fb, &md)) continue;
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
  uint32_t rows = th_ld_u32(blob + 4), cols = th_ld_u32(blob + 8), pairs = th_ld_u32(blob + 12);
  if ((int64_t)rows != t->dims[0]) return "sparse weights: rows differ from the tensor's dimension 0";
  if ((uint64_t)rows * cols != (uint64_t)(uint32_t)th_elements(t)) return "sparse weights: rows x cols differ from the tensor's element count";
  if (cols > TH_MAX_ACCUMULATION) return "sparse weights: cols above 65536";
  uint64_t head = TH_SPARSE_HEADER_BYTES + 2ull * rows;
  if (head + 3ull * pairs != bytes) return "sparse weights: buffer length differs from header + 2 x rows + 3 x pairs";
  const uint8_t *count = blob + TH_SPARSE_HEADER_BYTES;
  const uint8_t *q = blob + head;
  uint64_t total = 0;
  for (uint32_t r = 0; r < rows; r++) {
    const uint32_t n = th_ld_u16(count + 2u * r);
    if ((uint64_t)n * 2u > (uint64_t)cols + 1u) return "sparse weights: count: a row has more entries than columns";
    total += n;
    if (total > pairs) return "sparse weights: count: rows hold more pairs than the header's pairs";
    uint64_t next = 0;   /* first column the next entry may take */
    for (uint32_t k = 0; k < n; k++, q += 3) {
      next += (q[0] & 15u);
      if (next >= cols) return "sparse weights: gaps: column index out of range";
      next += 1u + (q[0] >> 4);
      if (next > cols || (next == cols && (k + 1u != n || q[2] != 0u || (q[0] >> 4) != 0u)))
        return "sparse weights: gaps: column index out of range";
      next += 1u;
    }
  }
  if (total != pairs) return "sparse weights: count: rows hold fewer pairs than the header's pairs";
  return NULL;
}

void th_sparse_open(const uint8_t *blob, th_sparse_view *v) {
  v->rows = th_ld_u32(blob + 4);
  v->cols = th_ld_u32(blob + 8);
  v->pairs = th_ld_u32(blob + 12);
  v->count = blob + TH_SPARSE_HEADER_BYTES;
  v->stream = blob + TH_SPARSE_HEADER_BYTES + 2u * v->rows;
}
