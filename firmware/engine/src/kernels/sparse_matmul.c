/* Sparse int8 FULLY_CONNECTED / CONV_2D (sparse_matmul.h). Activations are read as u = x + 128
 * (uint8: the M0+ loads them with an immediate offset), so the per-channel constant is
 * bias - (input_zp + 128) * sum(w). One output channel at a time: walk the row's pairs, advancing
 * a pointer into the activation row / patch (kernel scratch, one spare byte for a row's padding
 * entry) by each 4-bit gap. */
#include "sparse_matmul.h"
#include "../sparse_weights.h"
#include "armv6m/conv_armv6m.h"
#if defined(TH_HAVE_ARMV6M_KERNELS)
#include "armv6m/requant_store_armv6m.h"
#endif

th_status th_prepare_sparse_weights(const th_prep *c) {
  th_conv_params *p = &c->op->p.conv;
  const th_tensor *filter = th_in(c, 1);
  th_sparse_view v;
  if (filter->zero_point != 0)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "sparse weights: weights zero point must be 0", th_tensor_id(c, filter));
  th_sparse_open(filter->data, &v);
  if ((uint64_t)v.cols + 1u > c->ip->scratch_bytes)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "sparse weights: kernel scratch smaller than planned (engine bug)", -1);
  for (uint32_t r = 0; r < v.rows; r++) {
    int32_t sum = 0;
    for (uint32_t q = th_sparse_row_start(&v, r); q < th_sparse_row_start(&v, r + 1u); q++)
      sum += (int8_t)v.stream[3u * q + 1u] + (int8_t)v.stream[3u * q + 2u];
    p->filter_sum[r] = (int32_t)((uint32_t)p->filter_sum[r] - (uint32_t)(p->input_zp + 128) * (uint32_t)sum);
  }
#if defined(TH_HAVE_ARMV6M_KERNELS)
  {
    int ok = 1;
    for (uint32_t r = 0; r < v.rows; r++)
      if (p->multiplier[r] < 0) ok = 0;
    p->armv6m = ok ? th_requant_encode_shifts(p, (int32_t)v.rows) : 0;
  }
#endif
  p->sparse = 1;
  c->op->kernel = c->op->code == TH_OP_CONV_2D ? TH_KERNEL_SPARSE_CONV_2D : TH_KERNEL_SPARSE_FULLY_CONNECTED;
  return TH_OK;
}

/* sum over `pairs` 3-byte pairs (gap byte, value, value) of value * u[column]; u: activations + 128 */
static int32_t sparse_dot(const uint8_t *u, const uint8_t *stream, uint32_t pairs) {
  int32_t acc = 0;
  if (pairs == 0u) return 0;
#if defined(__ARM_ARCH_6M__)
  /* per pair 18 instructions: LDRB gap, LSLS/LSRS low nibble, ADDS, LDRB u, LDRSB w, MULS, ADD,
   * LSRS high nibble, ADDS, ADDS index, LDRB u, LDRSB w, MULS, ADD, ADDS pointer, ADDS index, BNE
   * (seven low registers: the frame pointer r7 may be taken; the sum in r8) */
  const uint8_t *end = stream + 3u * pairs, *end1 = end + 1;
  int32_t i = -3 * (int32_t)pairs, g, t, w;
  register int32_t sum __asm__("r8") = 0;
  __asm__ volatile(
      ".syntax unified\n\t"
      "1:\n\t"
      "ldrb %[g], [%[e0], %[i]]\n\t"
      "lsls %[t], %[g], #28\n\t"
      "lsrs %[t], %[t], #28\n\t"
      "adds %[u], %[u], %[t]\n\t"
      "ldrb %[t], [%[u], #0]\n\t"
      "ldrsb %[w], [%[e1], %[i]]\n\t"
      "muls %[t], %[w], %[t]\n\t"
      "add %[acc], %[t]\n\t"
      "lsrs %[g], %[g], #4\n\t"
      "adds %[u], %[u], %[g]\n\t"
      "adds %[i], %[i], #1\n\t"
      "ldrb %[t], [%[u], #1]\n\t"
      "ldrsb %[w], [%[e1], %[i]]\n\t"
      "muls %[t], %[w], %[t]\n\t"
      "add %[acc], %[t]\n\t"
      "adds %[u], %[u], #2\n\t"
      "adds %[i], %[i], #2\n\t"
      "bne 1b\n\t"
      : [i] "+l"(i), [u] "+l"(u), [g] "=&l"(g), [t] "=&l"(t), [w] "=&l"(w), [acc] "+r"(sum)
      : [e0] "l"(end), [e1] "l"(end1)
      : "cc", "memory");
  acc = sum;
#else
  do {
    const uint32_t g = stream[0];
    u += g & 15u;
    acc += (int32_t)u[0] * (int8_t)stream[1];
    u += g >> 4;
    acc += (int32_t)u[1] * (int8_t)stream[2];
    u += 2;
    stream += 3;
  } while (--pairs);
#endif
  return acc;
}

/* all output channels of one activation row / patch u (activations + 128) into y */
static void sparse_outputs(const th_sparse_view *v, const uint8_t *u, const th_conv_params *p, int8_t *y) {
  int32_t acc[16];
  const uint8_t *stream = v->stream;
  const uint8_t *row_ptr = v->row_ptr;
  uint32_t start = 0;
  for (uint32_t c0 = 0; c0 < v->rows; c0 += 16u) {
    const uint32_t count = v->rows - c0 < 16u ? v->rows - c0 : 16u;
    for (uint32_t j = 0; j < count; j++) {
      row_ptr += 4;
      const uint32_t end = th_ld_u32(row_ptr), n = end - start;
      acc[j] = (int32_t)((uint32_t)p->filter_sum[c0 + j] + (uint32_t)sparse_dot(u, stream, n));
      stream += 3u * n;
      start = end;
    }
#if defined(TH_HAVE_ARMV6M_KERNELS)
    if (p->armv6m) {
      th_requant_outputs_armv6m(acc, (int32_t)c0, (int32_t)count, p, y);
      continue;
    }
#endif
    for (uint32_t j = 0; j < count; j++)
      y[c0 + j] = (int8_t)th_clamp(th_mbqm(acc[j], p->multiplier[c0 + j], p->shift[c0 + j]) + p->output_zp,
                                   p->act_min, p->act_max);
  }
}

void th_eval_sparse_fully_connected(th_interpreter *ip, const th_op *op) {
  const th_tensor *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  th_sparse_view v;
  th_sparse_open(filter->data, &v);
  const int32_t units = (int32_t)v.rows, depth = (int32_t)v.cols;
  const int32_t batches = units > 0 ? th_elements(out) / units : 0;
  const uint8_t *x = TH_T(ip, op->in[0])->data;
  uint8_t *u = ip->scratch;   /* depth + 1 bytes: the row + 128, and a spare byte */
  int8_t *y = (int8_t *)out->data;
  u[depth] = 0;
  for (int32_t b = 0; b < batches; b++) {
    for (int32_t i = 0; i < depth; i++) u[i] = (uint8_t)(x[b * depth + i] ^ 0x80u);
    sparse_outputs(&v, u, &op->p.conv, y + b * units);
  }
}

void th_eval_sparse_conv(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], cin = in->dims[3];
  const int32_t kh = filter->dims[1], kw = filter->dims[2], cout = filter->dims[0];
  const int32_t oh = out->dims[1], ow = out->dims[2];
  const int32_t run = kw * cin;
  const int8_t *x = (const int8_t *)in->data;
  int8_t *y = (int8_t *)out->data;
  uint8_t *patch = ip->scratch;   /* k + 1 bytes: the window + 128, and a spare byte */
  const uint8_t zp = (uint8_t)((uint32_t)p->input_zp ^ 0x80u);
  const int32_t sh = p->stride_h, sw = p->stride_w, ph = p->pad_h, pw = p->pad_w, dh = p->dilation_h, dw = p->dilation_w;
  th_sparse_view v;
  th_sparse_open(filter->data, &v);
  for (int32_t b = 0; b < batches; b++) {
    const int8_t *xb = x + b * ih * iw * cin;
    for (int32_t oy = 0; oy < oh; oy++) {
      const int32_t y0 = oy * sh - ph;
      for (int32_t ox = 0; ox < ow; ox++) {
        const int32_t x0 = ox * sw - pw;
        uint8_t *pp = patch;   /* the window, padded taps = input zero point (they add 0) */
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
              for (int32_t i = 0; i < cin; i++) *pp++ = (uint8_t)(src[i] ^ 0x80u);
            } else {
              for (int32_t i = 0; i < cin; i++) *pp++ = zp;
            }
          }
        }
        *pp = 0;
        sparse_outputs(&v, patch, p, y + ((b * oh + oy) * ow + ox) * cout);
      }
    }
  }
}
