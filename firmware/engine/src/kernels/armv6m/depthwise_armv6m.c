/* Cortex-M0+ int8 DEPTHWISE_CONV_2D, depth multiplier 1 (every depthwise layer of the fixture
 * networks). The reference kernel on ARMv6-M spends about 27 instructions per MAC: per tap it
 * re-reads and re-writes an int32 accumulator per channel and multiplies 64-bit index products.
 * Here the input zero point is folded at prepare into the per-channel constant, as in
 * conv_armv6m.c (bias - zp * sum over the taps of w, exact mod 2^32), so a padded tap reads a row
 * holding zp and contributes 0 exactly as the reference skips it; each output pixel first gathers
 * one pointer per tap (the row itself or the zero-point row), then accumulates each channel over
 * the taps in a register and requantizes 16 channels per call of the shared store loop. */
#include "conv_armv6m.h"
#include "requant_armv6m.h"
#include "requant_store_armv6m.h"

#if defined(TH_HAVE_ARMV6M_KERNELS)

enum { TH_DW_MAX_TAPS = 25 };   /* up to 5x5 windows; larger ones keep the reference kernel */

int th_select_depthwise_armv6m(const th_prep *c) {
  th_conv_params *p = &c->op->p.conv;
  const th_tensor *in = th_in(c, 0), *filter = th_in(c, 1);
  if (in->type != TH_INT8 || p->depth_multiplier != 1 || !filter->is_const) return 0;
  const int32_t taps = filter->dims[1] * filter->dims[2], channels = filter->dims[3];
  if (taps < 1 || taps > TH_DW_MAX_TAPS) return 0;
  if ((uint32_t)channels > c->ip->scratch_bytes) return 0;   /* the zero-point row lives in the scratch */
  const int8_t *w = (const int8_t *)filter->data;
  for (int32_t ch = 0; ch < channels; ch++) {
    int32_t sum = 0;
    for (int32_t t = 0; t < taps; t++) sum += w[t * channels + ch];
    p->filter_sum[ch] = (int32_t)((uint32_t)p->filter_sum[ch] - (uint32_t)p->input_zp * (uint32_t)sum);
  }
  p->armv6m = th_requant_encode_shifts(p, channels);
  c->op->eval = th_eval_depthwise_armv6m;
  return 1;
}

/* sum over the taps k of w[k * channels + ch] * tap[k][ch] (taps >= 1). On ARMv6-M in assembly,
 * from the last tap down: per MAC LDR (the tap's row), 2 LDRSB, MULS, ADDS and the loop's SUBS,
 * SUBS, BPL (GCC -Os spilled the weight pointer: 18 instructions per MAC). */
static int32_t taps_dot(const int8_t *const *tap, const int8_t *w, int32_t taps, int32_t channels, int32_t ch) {
#if defined(__ARM_ARCH_6M__)
  int32_t sum = 0, offset = 4 * (taps - 1), xv, wv;
  const int8_t *wk = w + (taps - 1) * channels;
  __asm__ volatile(
      ".syntax unified\n\t"
      "1:\n\t"
      "ldr %[xv], [%[tap], %[offset]]\n\t"
      "ldrsb %[xv], [%[xv], %[ch]]\n\t"
      "ldrsb %[wv], [%[wk], %[ch]]\n\t"
      "muls %[xv], %[wv], %[xv]\n\t"
      "adds %[sum], %[sum], %[xv]\n\t"
      "subs %[wk], %[wk], %[channels]\n\t"
      "subs %[offset], %[offset], #4\n\t"
      "bpl 1b\n\t"
      : [sum] "+l"(sum), [offset] "+l"(offset), [wk] "+l"(wk), [xv] "=&l"(xv), [wv] "=&l"(wv)
      : [tap] "l"(tap), [ch] "l"(ch), [channels] "l"(channels)
      : "cc");
  return sum;
#else
  int32_t sum = 0;
  for (int32_t k = 0; k < taps; k++) sum += w[k * channels + ch] * tap[k][ch];
  return sum;
#endif
}

void th_eval_depthwise_armv6m(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], channels = in->dims[3];
  const int32_t kh = filter->dims[1], kw = filter->dims[2], taps = kh * kw;
  const int32_t oh = out->dims[1], ow = out->dims[2];
  const int8_t *x = (const int8_t *)in->data, *w = (const int8_t *)filter->data;
  int8_t *y = (int8_t *)out->data;
  int8_t *zp_row = (int8_t *)ip->scratch;
  const int8_t *tap[TH_DW_MAX_TAPS];
  int32_t acc[16];
  for (int32_t ch = 0; ch < channels; ch++) zp_row[ch] = (int8_t)p->input_zp;
  /* 32-bit index arithmetic: model.c bounds every tensor's dimension product below 2^31 bytes */
  for (int32_t b = 0; b < batches; b++)
    for (int32_t oy = 0; oy < oh; oy++)
      for (int32_t ox = 0; ox < ow; ox++) {
        const int32_t y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
        int32_t t = 0;
        for (int32_t ky = 0; ky < kh; ky++) {
          const int32_t iy = y0 + ky * p->dilation_h;
          for (int32_t kx = 0; kx < kw; kx++, t++) {
            const int32_t ix = x0 + kx * p->dilation_w;
            tap[t] = (iy >= 0 && iy < ih && ix >= 0 && ix < iw) ? x + ((b * ih + iy) * iw + ix) * channels : zp_row;
          }
        }
        int8_t *yo = y + ((b * oh + oy) * ow + ox) * channels;
        for (int32_t c0 = 0; c0 < channels; c0 += 16) {
          const int32_t count = channels - c0 < 16 ? channels - c0 : 16;
          for (int32_t j = 0; j < count; j++) {
            const int32_t ch = c0 + j;
            acc[j] = (int32_t)((uint32_t)p->filter_sum[ch] + (uint32_t)taps_dot(tap, w, taps, channels, ch));
          }
          th_requant_outputs_armv6m(acc, c0, count, p, yo);
        }
      }
}

#else /* other targets: the reference kernel runs */

int th_select_depthwise_armv6m(const th_prep *c) {
  (void)c;
  return 0;
}
void th_eval_depthwise_armv6m(th_interpreter *ip, const th_op *op) {
  (void)ip;
  (void)op;
}

#endif
