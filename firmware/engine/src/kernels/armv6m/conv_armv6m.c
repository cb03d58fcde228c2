/* Cortex-M0+ int8 CONV_2D and FULLY_CONNECTED (see conv_armv6m.h).
 * Register blocking: one activation patch against four filter rows per pass, so each activation
 * byte is loaded once for four multiply-accumulates; the loop counts down to zero so the compiler
 * keeps the index, the five base pointers and the four sums in registers (LDRSB with a register
 * offset, MULS, ADD: about 3.75 instructions per MAC). Activations stay int8 (the zero point is
 * folded into the per-channel constant), so the patch is gathered as bytes, and not at all when
 * a window row is already contiguous in the input (1x1 and single-row filters). */
#include "conv_armv6m.h"
#include "requant_armv6m.h"
#include "requant_store_armv6m.h"

#if defined(TH_HAVE_ARMV6M_KERNELS)

/* s[r] += sum_{i<k} x[i] * w[r*k + i], r = 0..3; k >= 1.
 * On ARMv6-M in assembly: GCC -Os spills the sums of the C loop to the stack (23 instructions per
 * pass, read in the generated code); here the index, the activation and five bases sit in r0-r7
 * and the four sums in high registers: per activation byte 5 LDRSB, 4 MULS, 4 ADD, SUBS, BPL. */
static void dot4_s8(const int8_t *x, const int8_t *w, int32_t k, int32_t *s) {
  const int8_t *w1 = w + k, *w2 = w1 + k, *w3 = w2 + k;
#if defined(__ARM_ARCH_6M__)
  register int32_t s0 __asm__("r8") = s[0];
  register int32_t s1 __asm__("r9") = s[1];
  register int32_t s2 __asm__("r10") = s[2];
  register int32_t s3 __asm__("r11") = s[3];
  int32_t i = k - 1, xv, t;
  __asm__ volatile(
      ".syntax unified\n\t"
      "1:\n\t"
      "ldrsb %[xv], [%[x], %[i]]\n\t"
      "ldrsb %[t], [%[w0], %[i]]\n\t"
      "muls %[t], %[xv], %[t]\n\t"
      "add %[s0], %[t]\n\t"
      "ldrsb %[t], [%[w1], %[i]]\n\t"
      "muls %[t], %[xv], %[t]\n\t"
      "add %[s1], %[t]\n\t"
      "ldrsb %[t], [%[w2], %[i]]\n\t"
      "muls %[t], %[xv], %[t]\n\t"
      "add %[s2], %[t]\n\t"
      "ldrsb %[t], [%[w3], %[i]]\n\t"
      "muls %[t], %[xv], %[t]\n\t"
      "add %[s3], %[t]\n\t"
      "subs %[i], %[i], #1\n\t"
      "bpl 1b\n\t"
      : [i] "+l"(i), [xv] "=&l"(xv), [t] "=&l"(t), [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3)
      : [x] "l"(x), [w0] "l"(w), [w1] "l"(w1), [w2] "l"(w2), [w3] "l"(w3)
      : "cc");
#else
  /* the sums start at 0 (|sum| <= 65536 * 128 * 128) and are added to s[] with wrap-around below,
   * as the reference adds the bias; the assembly adds in registers, which wrap */
  int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int32_t i = k;
  do {
    i--;
    const int32_t xv = x[i];
    s0 += xv * w[i];
    s1 += xv * w1[i];
    s2 += xv * w2[i];
    s3 += xv * w3[i];
  } while (i != 0);
  s0 = (int32_t)((uint32_t)s0 + (uint32_t)s[0]);
  s1 = (int32_t)((uint32_t)s1 + (uint32_t)s[1]);
  s2 = (int32_t)((uint32_t)s2 + (uint32_t)s[2]);
  s3 = (int32_t)((uint32_t)s3 + (uint32_t)s[3]);
#endif
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
  s[3] = s3;
}

/* s[r] += sum_{i<k} x[i] * w[r*k + i], r = 0, 1; k >= 1 (two sums fit the low registers in C) */
static void dot2_s8(const int8_t *x, const int8_t *w, int32_t k, int32_t *s) {
  const int8_t *w1 = w + k;
  int32_t s0 = 0, s1 = 0, i = k - 1;
#if defined(__ARM_ARCH_6M__)
  /* per activation byte 3 LDRSB, 2 MULS, 2 ADDS, SUBS, BPL (GCC: 11, reloading a base) */
  int32_t xv, t;
  __asm__ volatile(
      ".syntax unified\n\t"
      "1:\n\t"
      "ldrsb %[xv], [%[x], %[i]]\n\t"
      "ldrsb %[t], [%[w0], %[i]]\n\t"
      "muls %[t], %[xv], %[t]\n\t"
      "adds %[s0], %[s0], %[t]\n\t"
      "ldrsb %[t], [%[w1], %[i]]\n\t"
      "muls %[t], %[xv], %[t]\n\t"
      "adds %[s1], %[s1], %[t]\n\t"
      "subs %[i], %[i], #1\n\t"
      "bpl 1b\n\t"
      : [i] "+l"(i), [xv] "=&l"(xv), [t] "=&l"(t), [s0] "+l"(s0), [s1] "+l"(s1)
      : [x] "l"(x), [w0] "l"(w), [w1] "l"(w1)
      : "cc");
#else
  do {
    const int32_t xv = x[i];
    s0 += xv * w[i];
    s1 += xv * w1[i];
  } while (i-- != 0);
#endif
  s[0] = (int32_t)((uint32_t)s[0] + (uint32_t)s0);
  s[1] = (int32_t)((uint32_t)s[1] + (uint32_t)s1);
}

static int32_t dot1_s8(const int8_t *x, const int8_t *w, int32_t k) {
  int32_t s = 0, i = k;
  do {
    i--;
    s += x[i] * w[i];
  } while (i != 0);
  return s;
}

/* y[c] for c < n from the patch x (k values) and filter rows w (k values each) */
static void outputs_s8(const int8_t *x, const int8_t *w, int32_t k, int32_t n, const th_conv_params *p, int8_t *y) {
  const int32_t *bias = p->filter_sum;
  int32_t acc[16];   /* up to 16 channels per requantize-and-store call */
  for (int32_t c0 = 0; c0 < n; c0 += 16) {
    const int32_t count = n - c0 < 16 ? n - c0 : 16;
    const int8_t *wc = w + c0 * k;
    const int32_t *bc = bias + c0;
    int32_t j = 0;
    for (; j + 4 <= count; j += 4, wc += 4 * k) {
      acc[j] = bc[j], acc[j + 1] = bc[j + 1], acc[j + 2] = bc[j + 2], acc[j + 3] = bc[j + 3];
      dot4_s8(x, wc, k, acc + j);
    }
    if (j + 2 <= count) {
      acc[j] = bc[j], acc[j + 1] = bc[j + 1];
      dot2_s8(x, wc, k, acc + j);
      j += 2, wc += 2 * k;
    }
    if (j < count) acc[j] = (int32_t)((uint32_t)bc[j] + (uint32_t)dot1_s8(x, wc, k));
    th_requant_outputs_armv6m(acc, c0, count, p, y);
  }
}

void th_eval_conv_armv6m(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], cin = in->dims[3];
  const int32_t kh = filter->dims[1], kw = filter->dims[2], cout = filter->dims[0];
  const int32_t oh = out->dims[1], ow = out->dims[2];
  const int32_t k = kh * kw * cin, run = kw * cin;
  const int8_t *x = (const int8_t *)in->data, *w = (const int8_t *)filter->data;
  int8_t *y = (int8_t *)out->data;
  int8_t *patch = (int8_t *)ip->scratch;
  const int8_t zp = (int8_t)p->input_zp;
  const int32_t sh = p->stride_h, sw = p->stride_w, ph = p->pad_h, pw = p->pad_w, dh = p->dilation_h, dw = p->dilation_w;
  if (k == 0) return;
  for (int32_t b = 0; b < batches; b++) {
    const int8_t *xb = x + b * ih * iw * cin;
    for (int32_t oy = 0; oy < oh; oy++) {
      const int32_t y0 = oy * sh - ph;
      const int rows_inside = y0 >= 0 && y0 + (kh - 1) * dh < ih;
      for (int32_t ox = 0; ox < ow; ox++) {
        const int32_t x0 = ox * sw - pw;
        const int8_t *px;
        if (rows_inside && dw == 1 && x0 >= 0 && x0 + kw <= iw) {
          const int8_t *src = xb + (y0 * iw + x0) * cin;
          if (kh == 1) {
            px = src;   /* the window is one contiguous run of the input */
          } else {
            int8_t *pp = patch;
            for (int32_t ky = 0; ky < kh; ky++, src += dh * iw * cin)
              for (int32_t i = 0; i < run; i++) *pp++ = src[i];
            px = patch;
          }
        } else {
          int8_t *pp = patch;
          for (int32_t ky = 0; ky < kh; ky++) {
            const int32_t iy = y0 + ky * dh;
            if (iy < 0 || iy >= ih) {
              for (int32_t i = 0; i < run; i++) *pp++ = zp;
              continue;
            }
            const int8_t *row = xb + iy * iw * cin;
            for (int32_t kx = 0; kx < kw; kx++) {
              const int32_t ix = x0 + kx * dw;
              if (ix >= 0 && ix < iw) {
                const int8_t *src = row + ix * cin;
                for (int32_t i = 0; i < cin; i++) *pp++ = src[i];
              } else {
                for (int32_t i = 0; i < cin; i++) *pp++ = zp;
              }
            }
          }
          px = patch;
        }
        outputs_s8(px, w, k, cout, p, y + ((b * oh + oy) * ow + ox) * cout);
      }
    }
  }
}

void th_eval_fully_connected_armv6m(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t units = filter->dims[0], depth = filter->dims[1];
  const int32_t batches = units > 0 ? th_elements(out) / units : 0;
  const int8_t *x = (const int8_t *)TH_T(ip, op->in[0])->data, *w = (const int8_t *)filter->data;
  int8_t *y = (int8_t *)out->data;
  if (depth == 0) return;
  for (int32_t b = 0; b < batches; b++) outputs_s8(x + b * depth, w, depth, units, p, y + b * units);
}

/* bias - zp * sum(w) per output channel, wrapping as the reference's int32 sum does */
static void fold_zero_point(const th_conv_params *p, const int8_t *w, int32_t k, int32_t n) {
  for (int32_t c = 0; c < n; c++) {
    int32_t sum = 0;
    for (int32_t i = 0; i < k; i++) sum += w[c * k + i];
    p->filter_sum[c] = (int32_t)((uint32_t)p->filter_sum[c] - (uint32_t)p->input_zp * (uint32_t)sum);
  }
}

int th_select_conv_armv6m(const th_prep *c) {
  th_conv_params *p = &c->op->p.conv;
  const th_tensor *filter = th_in(c, 1);
  const int32_t k = filter->dims[1] * filter->dims[2] * filter->dims[3];
  if (!filter->is_const) return 0;                      /* sum(w) is folded at prepare */
  if ((uint32_t)k > c->ip->scratch_bytes) return 0;   /* int8 patch; the reference plans 2k + 16 */
  for (int32_t i = 0; i < filter->dims[0]; i++)
    if (p->multiplier[i] < 0) return 0;
  fold_zero_point(p, (const int8_t *)filter->data, k, filter->dims[0]);
  p->armv6m = th_requant_encode_shifts(p, filter->dims[0]);
  c->op->eval = th_eval_conv_armv6m;
  return 1;
}

int th_select_fully_connected_armv6m(const th_prep *c) {
  th_conv_params *p = &c->op->p.conv;
  const th_tensor *filter = th_in(c, 1);
  if (p->filter_zp != 0 || !filter->is_const) return 0;   /* sum(w) is folded at prepare */
  for (int32_t i = 0; i < filter->dims[0]; i++)
    if (p->multiplier[i] < 0) return 0;
  fold_zero_point(p, (const int8_t *)filter->data, filter->dims[1], filter->dims[0]);
  p->armv6m = th_requant_encode_shifts(p, filter->dims[0]);
  c->op->eval = th_eval_fully_connected_armv6m;
  return 1;
}

#else /* other targets: the reference kernels run */

int th_select_conv_armv6m(const th_prep *c) {
  (void)c;
  return 0;
}
int th_select_fully_connected_armv6m(const th_prep *c) {
  (void)c;
  return 0;
}
void th_eval_conv_armv6m(th_interpreter *ip, const th_op *op) {
  (void)ip;
  (void)op;
}
void th_eval_fully_connected_armv6m(th_interpreter *ip, const th_op *op) {
  (void)ip;
  (void)op;
}

#endif
