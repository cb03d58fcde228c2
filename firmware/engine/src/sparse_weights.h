/* TinyHIL's sparse weight encoding "THS1" (firmware/engine/README.md, "Sparse weights"): a
 * constant int8 tensor whose buffer is listed in the model's metadata entry "tinyhil_sparse_v1" holds, instead of
 * its dense bytes, the nonzero weights of each row (dimension 0: output channel / unit) with a
 * 4-bit column gap per entry. Validated once at load; the kernels read it in place from flash. */
#ifndef TH_SPARSE_WEIGHTS_H
#define TH_SPARSE_WEIGHTS_H

#include "engine_internal.h"

#define TH_SPARSE_METADATA_NAME "tinyhil_sparse_v1"
#define TH_SPARSE_HEADER_BYTES 16u

/* A validated THS1 blob: rows of `cols` columns; row r has count[r] pairs, which follow those of
 * the rows before it in the pair stream, 3 bytes each: gap byte (low nibble: gap before the first
 * entry, high nibble: gap before the second), first value (int8), second value (int8). An odd row
 * ends with a padding entry (gap 0, value 0), which may sit one column past the row. */
typedef struct th_sparse_view {
  uint32_t rows, cols, pairs;
  const uint8_t *count;        /* rows little-endian u16: pairs per row */
  const uint8_t *stream;       /* pairs x 3 bytes */
} th_sparse_view;

/* 1 if the model lists buffer `buffer` as sparse (metadata "tinyhil_sparse_v1": u32 count, then
 * count u32 indices into Model.buffers); 0 if not; -1 and *what set if that entry is malformed. */
int th_sparse_listed(const th_model *m, uint32_t buffer, const char **what);
/* Checks a blob of `bytes` bytes against the tensor's dense shape (dims[0] rows, the other
 * dimensions' product columns). Returns NULL if valid, else what is wrong (field named). */
const char *th_sparse_validate(const uint8_t *blob, uint32_t bytes, const th_tensor *t);
/* View of a blob that th_sparse_validate accepted. */
void th_sparse_open(const uint8_t *blob, th_sparse_view *v);
static inline uint32_t th_sparse_row_pairs(const th_sparse_view *v, uint32_t r) {
  return th_ld_u16(v->count + 2u * r);
}

#endif
