/* CONV_2D int8 on hosts with AVX2, one output row at a time.
 *
 * Per output row, the kh input rows it reads are widened once to int16 (x - input_zp) in a stack
 * buffer, with the horizontal padding as zeros, so that every filter row of every output pixel is
 * one contiguous run of kw * cin values: no per-pixel patch gather. The weights are packed once
 * per call, also on the stack, as int16 pairs laid out column per output channel; a pixel is then
 * a sum over filter rows and pairs of "broadcast one input pair, multiply-add 8 channels"
 * (th_conv_pixel_rows_avx2). A filter row of odd length ends in a pair whose high weight is 0, so
 * the extra input value it reads (the next column, or the buffer's zero tail) adds nothing.
 *
 * The model's weights are read in place; both buffers live only for the call. Integer arithmetic
 * throughout, identical to the generic path (engine_test runs every fixture through both). */
#include "conv_rows_avx2.h"

#if defined(TH_HAVE_AVX2_DOT)
#include "kernels.h"
#include "../dot.h"

enum {
  PACKED_WORDS = 4096,   /* packed weights: 16 KiB of stack */
  ROWS_VALUES = 8192     /* widened input rows: 16 KiB of stack */
};

/* wp[(r * row_pairs + q) * ws + o] = (w[oc0 + o][r][2q], w[oc0 + o][r][2q + 1]) as int16 low/high,
 * where [r][i] indexes filter row r's run of `run` values; zero past the run and for o >= n. */
static void pack_rows(const int8_t *w, int32_t k, int32_t rows, int32_t run, int32_t row_pairs, int32_t oc0, int32_t n,
                      int32_t ws, int32_t *wp) {
  for (int32_t o = 0; o < ws; o++) {
    int32_t *col = wp + o;
    for (int32_t r = 0; r < rows; r++) {
      const int8_t *src = o < n ? w + (int64_t)(oc0 + o) * k + (int64_t)r * run : NULL;
      for (int32_t q = 0; q < row_pairs; q++, col += ws) {
        const int32_t i = 2 * q;
        const int32_t lo = src ? src[i] : 0;
        const int32_t hi = src && i + 1 < run ? src[i + 1] : 0;
        *col = (int32_t)((uint32_t)(uint16_t)(int16_t)lo | ((uint32_t)(uint16_t)(int16_t)hi << 16));
      }
    }
  }
}

int th_conv_int8_rows_avx2(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], cin = in->dims[3];
  const int32_t cout = filter->dims[0], kh = filter->dims[1], kw = filter->dims[2];
  const int32_t oh = out->dims[1], ow = out->dims[2];
  const int32_t sh = p->stride_h, sw = p->stride_w, dh = p->dilation_h, zp = p->input_zp;
  if (p->dilation_w != 1 || (int64_t)batches * oh * ow < 8) return 0;
  const int32_t run = kw * cin, row_pairs = (run + 1) / 2, pairs = kh * row_pairs;
  /* one widened row: columns -pad_w .. (ow - 1) * sw + kw - 1 - pad_w, plus one value read by
   * an odd run's last pair; even length keeps the pairs of the next slot aligned */
  const int64_t cols = (int64_t)(ow - 1) * sw + kw;
  const int64_t slot = (cols * cin + 2) & ~(int64_t)1;
  if (pairs <= 0 || slot * kh > ROWS_VALUES) return 0;
  int32_t ws = (PACKED_WORDS / pairs) & ~7;
  if (ws < 8) return 0;
  const int32_t cout8 = (cout + 7) & ~7;
  if (ws > cout8) ws = cout8;

  int32_t packed[PACKED_WORDS];
  int16_t rows[ROWS_VALUES];
  const int8_t *x = (const int8_t *)in->data, *w = (const int8_t *)filter->data;
  int8_t *y = (int8_t *)out->data;
  const int32_t k = kh * run;
  for (int32_t oc0 = 0; oc0 < cout; oc0 += ws) {
    const int32_t n = cout - oc0 < ws ? cout - oc0 : ws;
    pack_rows(w, k, kh, run, row_pairs, oc0, n, ws, packed);
    for (int32_t b = 0; b < batches; b++)
      for (int32_t oy = 0; oy < oh; oy++) {
        /* widen the kh input rows of this output row */
        for (int32_t r = 0; r < kh; r++) {
          int16_t *dst = rows + (int64_t)r * slot;
          const int32_t iy = oy * sh - p->pad_h + r * dh;
          if (iy < 0 || iy >= ih) {
            for (int64_t i = 0; i < slot; i++) dst[i] = 0;
            continue;
          }
          const int8_t *src = x + ((int64_t)b * ih + iy) * iw * cin;
          for (int64_t c = 0; c < cols; c++) {
            const int64_t ix = c - p->pad_w;
            if (ix >= 0 && ix < iw) {
              /* the in-bounds columns are one run: widen them together */
              int64_t end = cols - p->pad_w < iw ? cols - p->pad_w : iw;
              th_widen_sub_s8(src + ix * cin, (int32_t)((end - ix) * cin), zp, dst + c * cin);
              c = end + p->pad_w - 1;
            } else {
              for (int32_t i = 0; i < cin; i++) dst[c * cin + i] = 0;
            }
          }
          for (int64_t i = cols * cin; i < slot; i++) dst[i] = 0;
        }
        int8_t *yrow = y + ((int64_t)b * oh + oy) * ow * cout + oc0;
        for (int32_t ox = 0; ox < ow; ox++)
          th_conv_pixel_rows_avx2(rows + (int64_t)ox * sw * cin, (int32_t)slot, kh, row_pairs, packed, ws, n,
                                  p->filter_sum + oc0, p->multiplier + oc0, p->shift + oc0, p->output_zp,
                                  p->act_min, p->act_max, yrow + (int64_t)ox * cout);
      }
  }
  return 1;
}
#endif
