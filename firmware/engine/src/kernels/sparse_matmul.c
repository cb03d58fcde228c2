/* Sparse int8 FULLY_CONNECTED / CONV_2D (sparse_matmul.h). One output channel at a time: walk the
 * row's entries, advancing a pointer into the activation row / patch by each 4-bit gap + 1. */
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
  for (uint32_t r = 0; r < v.rows; r++) {
    int32_t sum = 0;
    for (uint32_t e = th_sparse_row_start(&v, r); e < th_sparse_row_start(&v, r + 1u); e++) sum += v.values[e];
    p->filter_sum[r] = (int32_t)((uint32_t)p->filter_sum[r] - (uint32_t)p->input_zp * (uint32_t)sum);
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

/* sum over the n entries of one row of values[e] * x[column e]; gaps: the row's packed nibbles */
static int32_t sparse_dot(const int8_t *x, const int8_t *values, const uint8_t *gaps, uint32_t n) {
  const int8_t *xp = x - 1;
  int32_t acc = 0;
  uint32_t pairs = n >> 1;
  while (pairs--) {
    const uint32_t g = *gaps++;
    xp += (g & 15u) + 1u;
    acc += *xp * values[0];
    xp += (g >> 4) + 1u;
    acc += *xp * values[1];
    values += 2;
  }
  if (n & 1u) {
    xp += (*gaps & 15u) + 1u;
    acc += *xp * values[0];
  }
  return acc;
}

/* all output channels of one activation row / patch x into y */
static void sparse_outputs(const th_sparse_view *v, const int8_t *x, const th_conv_params *p, int8_t *y) {
  int32_t acc[16];
  const uint8_t *gaps = v->gaps;
  uint32_t start = 0;
  for (uint32_t c0 = 0; c0 < v->rows; c0 += 16u) {
    const uint32_t count = v->rows - c0 < 16u ? v->rows - c0 : 16u;
    for (uint32_t j = 0; j < count; j++) {
      const uint32_t end = th_sparse_row_start(v, c0 + j + 1u), n = end - start;
      acc[j] = (int32_t)((uint32_t)p->filter_sum[c0 + j] + (uint32_t)sparse_dot(x, v->values + start, gaps, n));
      gaps += (n + 1u) >> 1;
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
  const int8_t *x = (const int8_t *)TH_T(ip, op->in[0])->data;
  int8_t *y = (int8_t *)out->data;
  for (int32_t b = 0; b < batches; b++) sparse_outputs(&v, x + b * depth, &op->p.conv, y + b * units);
}

void th_eval_sparse_conv(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], cin = in->dims[3];
  const int32_t kh = filter->dims[1], kw = filter->dims[2], cout = filter->dims[0];
  const int32_t oh = out->dims[1], ow = out->dims[2];
  const int32_t run = kw * cin;
  const int8_t *x = (const int8_t *)in->data;
  int8_t *y = (int8_t *)out->data, *patch = (int8_t *)ip->scratch;
  const int8_t zp = (int8_t)p->input_zp;
  const int32_t sh = p->stride_h, sw = p->stride_w, ph = p->pad_h, pw = p->pad_w, dh = p->dilation_h, dw = p->dilation_w;
  th_sparse_view v;
  th_sparse_open(filter->data, &v);
  for (int32_t b = 0; b < batches; b++) {
    const int8_t *xb = x + b * ih * iw * cin;
    for (int32_t oy = 0; oy < oh; oy++) {
      const int32_t y0 = oy * sh - ph;
      for (int32_t ox = 0; ox < ow; ox++) {
        const int32_t x0 = ox * sw - pw;
        int8_t *pp = patch;   /* the window, padded taps = input zero point (they add 0) */
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
        (void)cout;
        sparse_outputs(&v, patch, p, y + ((b * oh + oy) * ow + ox) * cout);
      }
    }
  }
}
