/* MEAN over any set of axes, keep_dims or not.
 * int8 (TFLM reduce.h QuantizedMeanOrSum): int32 sums in TFLM's scratch buffer, then
 * MBQM(sum - zp_in * n, M', s') + zp_out with (M, s) = QuantizeMultiplier(s_in / s_out),
 * k = min(63 - clz64(n), 32, 31 + s), M' = (M << k) / n, s' = s - k.
 * float32: sums in input order into the output, then / n (same order as TFLM). */
#include "kernels.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

static th_status th_prepare_mean(const th_prep *c) {
  th_mean_params *p = &c->op->p.mean;
  th_status st = th_require_inputs(c, 2, 2);
  if (st != TH_OK) return st;
  const th_tensor *in = th_in(c, 0), *axis = th_in(c, 1), *out = th_out(c);
  if (in->type != TH_INT8 && in->type != TH_FLOAT32)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "MEAN: input must be int8 or float32", th_tensor_id(c, in));
  if (out->type != in->type)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "MEAN: output type must match input", th_tensor_id(c, out));
  if (axis->type != TH_INT32 || !axis->is_const)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "MEAN: axis must be a constant int32 tensor", th_tensor_id(c, axis));
  uint8_t reduce[TH_MAX_RANK] = {0, 0, 0, 0, 0, 0};
  const int32_t naxes = th_elements(axis);
  for (int32_t i = 0; i < naxes; i++) {
    int32_t a = th_i32_at(axis->data, i);
    if (a < -in->rank || a >= in->rank)
      return th_prep_fail(c, TH_ERR_MODEL_MALFORMED, "MEAN: axis value out of range of the input rank", th_tensor_id(c, axis));
    if (a < 0) a += in->rank;
    reduce[a] = 1;
  }
  th_fb_table o = th_options(c, 27);
  int keep_dims = th_fb_u8(&c->m->fb, &o, 0, 0) != 0;
  int32_t want[TH_MAX_RANK], wr = 0;
  int64_t n = 1;
  for (int32_t d = 0; d < in->rank; d++) {
    if (reduce[d]) {
      n *= in->dims[d];
      if (keep_dims) want[wr++] = 1;
    } else {
      want[wr++] = in->dims[d];
    }
  }
  int ok = out->rank == wr;
  for (int32_t d = 0; ok && d < wr; d++) ok = out->dims[d] == want[d];
  if (!ok) return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "MEAN: output shape inconsistent with axes and keep_dims", th_tensor_id(c, out));
  if (n > (1 << 23)) return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "MEAN: more than 2^23 values per output", th_tensor_id(c, in));
  p->count = (int32_t)n;
  p->out_elements = th_elements(out);
  /* 64-bit: the product of dimensions after a zero dimension may pass int32 */
  int64_t stride = 1;
  for (int32_t d = in->rank - 1; d >= 0; d--) {
    if (stride > 0x7fffffff)
      return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "MEAN: output strides above 2^31", th_tensor_id(c, in));
    if (reduce[d]) {
      p->out_stride[d] = 0;
    } else {
      p->out_stride[d] = (int32_t)stride;
      if (in->dims[d] > 0) stride *= in->dims[d];
    }
  }
  if (in->type == TH_FLOAT32) return TH_OK;
  if (!in->has_quant || !out->has_quant)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "MEAN int8: input and output need quantization parameters", th_tensor_id(c, in));
  p->input_zp = in->zero_point;
  p->output_zp = out->zero_point;
  int32_t m, s;
  if (!th_quantize_multiplier((double)in->scale / (double)out->scale, &m, &s))
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "MEAN int8: input/output scale ratio not representable", th_tensor_id(c, out));
  if (n > 0) {
    int32_t k = 63 - th_clz64((uint64_t)n);
    if (k > 32) k = 32;
    if (k > 31 + s) k = 31 + s;
    m = (int32_t)(((int64_t)m << k) / n);
    s = s - k;
  }
  p->multiplier = m;
  p->shift = s;
  return TH_OK;
}

static void th_eval_mean(th_interpreter *ip, const th_op *op) {
  const th_mean_params *p = &op->p.mean;
  const th_tensor *in = TH_T(ip, op->in[0]), *out = TH_T(ip, op->out);
  const int32_t rank = in->rank, total = th_elements(in), nout = p->out_elements;
  int32_t idx[TH_MAX_RANK] = {0, 0, 0, 0, 0, 0};
  int32_t o = 0;
  if (in->type == TH_INT8) {
    int32_t *acc = (int32_t *)(void *)(ip->head + p->scratch_offset);
    const int8_t *x = (const int8_t *)in->data;
    int8_t *y = (int8_t *)out->data;
    for (int32_t i = 0; i < nout; i++) {
      acc[i] = 0;
      y[i] = 0;
    }
    if (p->count == 0) return;
    for (int32_t i = 0; i < total; i++) {
      acc[o] += x[i];
      for (int32_t d = rank - 1; d >= 0; d--) {   /* advance the odometer */
        o += p->out_stride[d];
        if (++idx[d] < in->dims[d]) break;
        o -= p->out_stride[d] * in->dims[d];
        idx[d] = 0;
      }
    }
    for (int32_t i = 0; i < nout; i++) {
      int32_t shifted = (int32_t)((int64_t)acc[i] - (int64_t)p->input_zp * p->count);
      y[i] = (int8_t)th_clamp(th_mbqm(shifted, p->multiplier, p->shift) + p->output_zp, -128, 127);
    }
  } else {
    float *y = (float *)(void *)out->data;
    for (int32_t i = 0; i < nout; i++) y[i] = 0.0f;
    for (int32_t i = 0; i < total; i++) {
      y[o] += th_f32_at(in->data, i);
      for (int32_t d = rank - 1; d >= 0; d--) {
        o += p->out_stride[d];
        if (++idx[d] < in->dims[d]) break;
        o -= p->out_stride[d] * in->dims[d];
        idx[d] = 0;
      }
    }
    if (p->count > 0)
      for (int32_t i = 0; i < nout; i++) y[i] = y[i] / (float)p->count;
  }
}

const th_registration th_registration_mean = {.code = 40, .name = "MEAN", .prepare = th_prepare_mean, .eval = th_eval_mean};
