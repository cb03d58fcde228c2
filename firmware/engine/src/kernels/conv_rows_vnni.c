/* CONV_2D int8 on hosts with AVX-512 VNNI, one output row at a time.
 *
 * As conv_rows_avx2.c, but the kh input rows of an output row are copied as u8 = x + 128 (the
 * padding as 128 + input_zp, which stands for a contribution of 0), and the weights are packed as
 * groups of 4 bytes per output channel, so one vpdpbusd multiplies 4 taps by 8 channels. The
 * accumulators of a run of pixels are stored raw; the correction -(128 + input_zp) * sum(w) is
 * folded into the bias, and the whole run is requantized 8 values at a time with per-channel
 * arrays expanded to a multiple of the channel count (no partial blocks for 12 or 20 channels,
 * which pruned layers often have). Weights read in place; every buffer lives on the stack for the
 * call only. Results are identical to the generic path (engine_test runs both). */
#include "conv_rows_vnni.h"

#if defined(TH_HAVE_VNNI_DOT)
#include "kernels.h"

enum {
  PACKED_WORDS = 4096,   /* packed weights: 16 KiB */
  ROWS_BYTES = 16384,    /* input rows as u8: 16 KiB */
  MAX_BLOCK = 256,       /* output channels per pass */
  ACC_WORDS = 2048,      /* raw accumulators of a run of pixels: 8 KiB */
  MAX_PERIOD = 256       /* expanded per-channel arrays (3 x 1 KiB) */
};

/* wp[(r * row_groups + g) * ws + o] = bytes w[oc0 + o][r][4g .. 4g + 3] (zero past the run and
 * for o >= n); corr[o] = bias[oc0 + o] - (128 + input_zp) * sum of channel oc0 + o's weights */
static void pack_groups(const int8_t *w, int32_t k, int32_t rows, int32_t run, int32_t row_groups, int32_t oc0,
                        int32_t n, int32_t ws, const int32_t *bias, int32_t input_zp, int32_t *wp, int32_t *corr) {
  const int32_t full = run / 4;   /* groups wholly inside a filter row */
  for (int32_t o = 0; o < ws; o++) {
    int32_t *col = wp + o;
    if (o >= n) {
      for (int32_t g = 0; g < rows * row_groups; g++) col[(int64_t)g * ws] = 0;
      continue;
    }
    const int8_t *filter = w + (int64_t)(oc0 + o) * k;
    int32_t sum = 0;
    for (int32_t i = 0; i < k; i++) sum += filter[i];
    corr[o] = (int32_t)((uint32_t)bias[oc0 + o] - (uint32_t)(128 + input_zp) * (uint32_t)sum);
    for (int32_t r = 0; r < rows; r++) {
      const int8_t *src = filter + (int64_t)r * run;
      int32_t g = 0;
      for (; g < full; g++, col += ws) memcpy(col, src + 4 * g, 4);
      if (g < row_groups) {   /* the row's last 1-3 weights, zero above */
        uint32_t word = 0;
        for (int32_t i = 4 * g; i < run; i++) word |= (uint32_t)(uint8_t)src[i] << (8 * (i - 4 * g));
        *col = (int32_t)word;
        col += ws;
      }
    }
  }
}

int th_conv_int8_rows_vnni(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], cin = in->dims[3];
  const int32_t cout = filter->dims[0], kh = filter->dims[1], kw = filter->dims[2];
  const int32_t oh = out->dims[1], ow = out->dims[2];
  const int32_t sh = p->stride_h, sw = p->stride_w, dh = p->dilation_h, zp = p->input_zp;
  if (p->dilation_w != 1 || (int64_t)batches * oh * ow < 8) return 0;
  const int32_t run = kw * cin, row_groups = (run + 3) / 4, groups = kh * row_groups;
  /* one row: columns -pad_w .. (ow - 1) * sw + kw - 1 - pad_w, plus up to 3 bytes read by the
   * last group of a run; a multiple of 4 keeps the next row's groups aligned */
  const int64_t cols = (int64_t)(ow - 1) * sw + kw;
  const int64_t slot = (cols * cin + 3 + 3) & ~(int64_t)3;
  if (groups <= 0 || slot * kh > ROWS_BYTES) return 0;
  int32_t ws = (PACKED_WORDS / groups) & ~7;
  if (ws < 8) return 0;
  const int32_t cout8 = (cout + 7) & ~7;
  if (ws > cout8) ws = cout8;
  if (ws > MAX_BLOCK) ws = MAX_BLOCK;

  int32_t packed[PACKED_WORDS], corr[MAX_BLOCK], acc[ACC_WORDS + 8];
  int32_t bias_e[MAX_PERIOD + 8], mult_e[MAX_PERIOD + 8], shift_e[MAX_PERIOD + 8];
  uint8_t rows[ROWS_BYTES];
  const int8_t *x = (const int8_t *)in->data, *w = (const int8_t *)filter->data;
  int8_t *y = (int8_t *)out->data;
  const uint8_t pad = (uint8_t)(128 + zp);
  const int32_t k = kh * run;
  for (int32_t oc0 = 0; oc0 < cout; oc0 += ws) {
    const int32_t n = cout - oc0 < ws ? cout - oc0 : ws;
    pack_groups(w, k, kh, run, row_groups, oc0, n, ws, p->filter_sum, zp, packed, corr);
    /* one block with every channel: requantize whole runs of pixels with expanded arrays */
    const int32_t period = n >= 8 ? n : n * ((8 + n - 1) / n);
    const int flat = n == cout && period <= MAX_PERIOD;
    if (flat)
      for (int32_t j = 0; j < period + 8; j++) {
        bias_e[j] = corr[j % n];
        mult_e[j] = p->multiplier[j % n];
        shift_e[j] = p->shift[j % n];
      }
    const int32_t chunk = ACC_WORDS / n;
    for (int32_t b = 0; b < batches; b++)
      for (int32_t oy = 0; oy < oh; oy++) {
        for (int32_t r = 0; r < kh; r++) {
          uint8_t *dst = rows + (int64_t)r * slot;
          const int32_t iy = oy * sh - p->pad_h + r * dh;
          memset(dst, pad, (size_t)slot);
          if (iy < 0 || iy >= ih) continue;
          const int64_t c0 = p->pad_w > 0 ? p->pad_w : 0;                      /* first in-bounds column */
          const int64_t c1 = cols - p->pad_w < iw ? cols : iw + (int64_t)p->pad_w;  /* past the last */
          const int8_t *src = x + (((int64_t)b * ih + iy) * iw + (c0 - p->pad_w)) * cin;
          for (int64_t i = 0; i < (c1 - c0) * cin; i++) dst[c0 * cin + i] = (uint8_t)((uint8_t)src[i] ^ 0x80u);
        }
        int8_t *yrow = y + ((int64_t)b * oh + oy) * ow * cout;
        for (int32_t px0 = 0; px0 < ow; px0 += chunk) {
          const int32_t npx = ow - px0 < chunk ? ow - px0 : chunk;
          th_conv_acc_vnni(rows + (int64_t)px0 * sw * cin, sw * cin, npx, (int32_t)slot, kh, row_groups, packed, ws, n,
                           acc);
          if (flat) {
            th_requantize_row_avx2(acc, npx * n, bias_e, mult_e, shift_e, period, (int32_t)(((int64_t)px0 * n) % period),
                                   p->output_zp, p->act_min, p->act_max, yrow + (int64_t)px0 * cout);
          } else {
            for (int32_t i = 0; i < npx; i++)
              th_requantize_row_avx2(acc + (int64_t)i * n, n, corr, p->multiplier + oc0, p->shift + oc0, INT32_MAX, 0,
                                     p->output_zp, p->act_min, p->act_max, yrow + (int64_t)(px0 + i) * cout + oc0);
          }
        }
      }
  }
  return 1;
}
#endif
