/* CONV_2D int8 on x86-64 hosts with AVX2 or AVX-512 VNNI, one output row at a time.
 *
 * - Input rows. The kh input rows an output row reads are copied once into a stack buffer, with
 *   the horizontal padding filled in, so every filter row of every output pixel is one contiguous
 *   run of kw * cin values and no per-pixel patch is gathered. AVX2 stores int16 x - input_zp
 *   (padding 0); VNNI stores u8 x + 128 (padding 128 + input_zp, i.e. a contribution of 0).
 * - Weights. Packed once per call, also on the stack, in groups of G consecutive taps of a filter
 *   row (G = 2 int16 for AVX2's vpmaddwd, 4 bytes for VNNI's vpdpbusd), column per output
 *   channel; a row whose length is not a multiple of G ends in zero weights, so the extra input
 *   values its last group reads add nothing. One instruction then multiplies a broadcast group of
 *   one pixel by 8 channels; the accumulation kernels run two pixels at a time.
 * - Requantization. VNNI sums u8 inputs, so -(128 + input_zp) * sum(w) is folded into the bias.
 *   The raw sums of a run of pixels are requantized 8 values at a time against per-channel arrays
 *   expanded to a multiple of the channel count, so 12 or 20 channels (common after pruning)
 *   waste no lanes.
 *
 * The model's weights are read in place; every buffer lives on the stack for the call only
 * (about 45 KiB). Integer arithmetic throughout, identical to the generic path: engine_test runs
 * every fixture through each tier and through builds without them. */
#include "conv_rows_x86.h"

#if defined(TH_HAVE_AVX2_DOT)
#include "../kernels.h"
#include "../../dot.h"

enum {
  PACKED_WORDS = 4096,   /* packed weights: 16 KiB */
  ROWS_BYTES = 16384,    /* input rows: 16 KiB */
  MAX_BLOCK = 256,       /* output channels per pass */
  ACC_WORDS = 2048,      /* raw sums of a run of pixels: 8 KiB */
  MAX_PERIOD = 256       /* expanded per-channel arrays: 3 x 1 KiB */
};

/* How one tier lays out inputs and weights. */
typedef struct row_format {
  int vnni;          /* 1: u8 inputs, groups of 4 bytes; 0: int16 inputs, groups of 2 */
  int32_t group;     /* taps per group */
  int32_t elem;      /* bytes per input value */
} row_format;

/* wp[(r * row_groups + g) * ws + o] = taps G*g .. G*g + G - 1 of filter row r of channel oc0 + o
 * (zero past the row and for o >= n); corr[o] = bias - (VNNI: (128 + input_zp) * sum of weights). */
static void pack_weights(const row_format *f, const int8_t *w, int32_t k, int32_t rows, int32_t run,
                         int32_t row_groups, int32_t oc0, int32_t n, int32_t ws, const int32_t *bias,
                         int32_t input_zp, int32_t *wp, int32_t *corr) {
  for (int32_t o = 0; o < ws; o++) {
    int32_t *col = wp + o;
    if (o >= n) {
      for (int32_t g = 0; g < rows * row_groups; g++) col[(int64_t)g * ws] = 0;
      continue;
    }
    const int8_t *filter = w + (int64_t)(oc0 + o) * k;
    int32_t sum = 0;
    for (int32_t i = 0; i < k; i++) sum += filter[i];
    corr[o] = f->vnni ? (int32_t)((uint32_t)bias[oc0 + o] - (uint32_t)(128 + input_zp) * (uint32_t)sum) : bias[oc0 + o];
    const int32_t full = run / f->group;   /* groups wholly inside a filter row */
    for (int32_t r = 0; r < rows; r++) {
      const int8_t *src = filter + (int64_t)r * run;
      int32_t g = 0;
      if (f->vnni) {
        for (; g < full; g++, col += ws) memcpy(col, src + 4 * g, 4);
      } else {
        for (; g < full; g++, col += ws)
          *col = (int32_t)((uint32_t)(uint16_t)(int16_t)src[2 * g] | (uint32_t)(uint16_t)(int16_t)src[2 * g + 1] << 16);
      }
      if (g < row_groups) {   /* the row's last taps, zero weights above them */
        uint32_t word = 0;
        for (int32_t i = f->group * g; i < run; i++) {
          const int32_t j = i - f->group * g;
          word |= f->vnni ? (uint32_t)(uint8_t)src[i] << (8 * j) : (uint32_t)(uint16_t)(int16_t)src[i] << (16 * j);
        }
        *col = (int32_t)word;
        col += ws;
      }
    }
  }
}

static void copy_row(const row_format *f, const int8_t *x, int32_t b, int32_t iy, int32_t ih, int32_t iw, int32_t cin,
                     int32_t pad_w, int64_t cols, int32_t zp, int64_t slot, uint8_t *dst) {
  const int64_t c0 = pad_w;                                           /* first in-bounds column */
  const int64_t c1 = cols - pad_w < iw ? cols : (int64_t)iw + pad_w;  /* past the last */
  const int in_image = iy >= 0 && iy < ih && c1 > c0;
  const int8_t *src = in_image ? x + (((int64_t)b * ih + iy) * iw) * cin : NULL;
  if (f->vnni) {
    memset(dst, (uint8_t)(128 + zp), (size_t)slot);
    if (in_image)
      for (int64_t i = 0; i < (c1 - c0) * cin; i++) dst[c0 * cin + i] = (uint8_t)((uint8_t)src[i] ^ 0x80u);
  } else {
    memset(dst, 0, (size_t)slot);
    if (in_image) th_widen_sub_s8(src, (int32_t)((c1 - c0) * cin), zp, (int16_t *)(void *)dst + c0 * cin);
  }
}

/* The layout of one call: 0 when the shape does not suit this path */
typedef struct rows_plan {
  row_format f;
  int32_t run, row_groups;
  int64_t cols, slot_values, slot;
  int32_t ws;
} rows_plan;

static int plan_rows(const th_interpreter *ip, const th_op *op, rows_plan *r) {
  const th_conv_params *p = &op->p.conv;
  if (!ip->avx2) return 0;
  r->f = ip->vnni ? (row_format){1, 4, 1} : (row_format){0, 2, 2};
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], cin = in->dims[3];
  const int32_t cout = filter->dims[0], kh = filter->dims[1], kw = filter->dims[2];
  const int32_t oh = out->dims[1], ow = out->dims[2];
  if (p->dilation_w != 1 || p->pad_w < 0 || (int64_t)batches * oh * ow < 8) return 0;
  r->run = kw * cin;
  r->row_groups = (r->run + r->f.group - 1) / r->f.group;
  const int32_t groups = kh * r->row_groups;
  /* a row slot: columns -pad_w .. (ow - 1) * sw + kw - 1 - pad_w, the values a row's last group
   * reads past them, rounded to whole groups so the next slot stays aligned */
  r->cols = (int64_t)(ow - 1) * p->stride_w + kw;
  r->slot_values = (r->cols * cin + 2 * r->f.group - 1) / r->f.group * r->f.group;
  r->slot = r->slot_values * r->f.elem;
  if (groups <= 0 || r->slot * kh > ROWS_BYTES) return 0;
  r->ws = (PACKED_WORDS / groups) & ~7;
  if (r->ws < 8) return 0;
  const int32_t cout8 = (cout + 7) & ~7;
  if (r->ws > cout8) r->ws = cout8;
  if (r->ws > MAX_BLOCK) r->ws = MAX_BLOCK;
  return 1;
}

int th_conv_rows_x86_fits(const th_interpreter *ip, const th_op *op) {
  rows_plan r;
  return plan_rows(ip, op, &r);
}

void th_eval_conv_rows_x86(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  rows_plan plan;
  if (!plan_rows(ip, op, &plan)) return;   /* not reached: chosen only when it fits */
  const row_format f = plan.f;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], cin = in->dims[3];
  const int32_t cout = filter->dims[0], kh = filter->dims[1];
  const int32_t oh = out->dims[1], ow = out->dims[2];
  const int32_t sh = p->stride_h, sw = p->stride_w, dh = p->dilation_h, zp = p->input_zp;
  const int32_t run = plan.run, row_groups = plan.row_groups, ws = plan.ws;
  const int64_t cols = plan.cols, slot_values = plan.slot_values, slot = plan.slot;

  int32_t packed[PACKED_WORDS], corr[MAX_BLOCK], acc[ACC_WORDS];
  int32_t bias_e[MAX_PERIOD + 8], mult_e[MAX_PERIOD + 8], shift_e[MAX_PERIOD + 8];
  uint64_t rows_storage[ROWS_BYTES / 8];   /* aligned for the int16 rows */
  uint8_t *rows = (uint8_t *)rows_storage;
  const int8_t *x = (const int8_t *)in->data, *w = (const int8_t *)filter->data;
  int8_t *y = (int8_t *)out->data;
  const int32_t k = kh * run;
  for (int32_t oc0 = 0; oc0 < cout; oc0 += ws) {
    const int32_t n = cout - oc0 < ws ? cout - oc0 : ws;
    pack_weights(&f, w, k, kh, run, row_groups, oc0, n, ws, p->filter_sum, zp, packed, corr);
    /* all channels in one pass: requantize whole runs of pixels against expanded arrays */
    const int32_t period = n >= 8 ? n : n * ((8 + n - 1) / n);
    const int flat = n == cout && period <= MAX_PERIOD;
    if (flat)
      for (int32_t j = 0, c = 0; j < period + 8; j++, c = c + 1 == n ? 0 : c + 1) {
        bias_e[j] = corr[c];
        mult_e[j] = p->multiplier[c];
        shift_e[j] = p->shift[c];
      }
    const int32_t chunk = ACC_WORDS / n;
    for (int32_t b = 0; b < batches; b++)
      for (int32_t oy = 0; oy < oh; oy++) {
        for (int32_t r = 0; r < kh; r++)
          copy_row(&f, x, b, oy * sh - p->pad_h + r * dh, ih, iw, cin, p->pad_w, cols, zp, slot, rows + r * slot);
        int8_t *yrow = y + ((int64_t)b * oh + oy) * ow * cout;
        for (int32_t px0 = 0; px0 < ow; px0 += chunk) {
          const int32_t npx = ow - px0 < chunk ? ow - px0 : chunk;
          const int64_t first = (int64_t)px0 * sw * cin * f.elem;
#if defined(TH_HAVE_VNNI_DOT)
          if (f.vnni)
            th_conv_acc_vnni(rows + first, sw * cin, npx, (int32_t)slot_values, kh, row_groups, packed, ws, n, acc);
          else
#endif
            th_conv_acc_avx2((const int16_t *)(const void *)(rows + first), sw * cin, npx, (int32_t)slot_values, kh,
                             row_groups, packed, ws, n, acc);
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
}
#endif
