/* SOFTMAX over the last dimension.
 * int8 -> int8 (output scale 1/256, zero point -128): TFLM's gemmlowp fixed-point algorithm
 * (reference_ops::Softmax), bit-exact. float32: exp((x - max) * beta) / sum, with th_expf (within
 * 1 ulp of glibc expf, in practice identical), so outputs match TFLM within a few ulp. */
#include "kernels.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

static th_status th_prepare_softmax(const th_prep *c) {
  th_softmax_params *p = &c->op->p.softmax;
  th_status st = th_require_inputs(c, 1, 1);
  if (st != TH_OK) return st;
  const th_tensor *in = th_in(c, 0), *out = th_out(c);
  if (in->type != TH_INT8 && in->type != TH_FLOAT32)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "SOFTMAX: input must be int8 or float32", th_tensor_id(c, in));
  if (out->type != in->type)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "SOFTMAX: output type must match input (int16 output not supported)", th_tensor_id(c, out));
  st = th_same_shape(c, in, out, "SOFTMAX: output shape must equal input shape");
  if (st != TH_OK) return st;
  if (in->rank < 1) return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "SOFTMAX: input must have rank >= 1", th_tensor_id(c, in));
  p->depth = in->dims[in->rank - 1];
  p->outer = p->depth > 0 ? th_elements(in) / p->depth : 0;
  th_fb_table o = th_options(c, 9);
  p->beta = th_fb_f32(&c->m->fb, &o, 0, 0.0f);
  if (in->type == TH_FLOAT32) return TH_OK;
  if (!in->has_quant || !out->has_quant)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "SOFTMAX int8: input and output need quantization parameters", th_tensor_id(c, in));
  if (out->zero_point != -128 || out->scale != 1.0f / 256.0f)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "SOFTMAX int8: output must have scale 1/256 and zero point -128 (as TFLM)", th_tensor_id(c, out));
  double real = (double)p->beta * (double)in->scale * (double)(1 << (31 - 5));
  if (real > 2147483647.0) real = 2147483647.0;
  if (!(real > 1.0))
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "SOFTMAX int8: beta * input_scale * 2^26 must exceed 1", th_tensor_id(c, in));
  if (!th_quantize_multiplier(real, &p->input_multiplier, &p->input_left_shift) || p->input_left_shift < 0)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "SOFTMAX int8: input multiplier not representable", th_tensor_id(c, in));
  double radius = 31.0 * (double)(1LL << 26) / (double)(1LL << p->input_left_shift);
  int32_t r = (int32_t)radius;   /* floor for a positive value */
  p->diff_min = -r;
  return TH_OK;
}

static void eval_int8(th_interpreter *ip, const th_op *op) {
  const th_softmax_params *p = &op->p.softmax;
  const int8_t *x = (const int8_t *)TH_T(ip, op->in[0])->data;
  int8_t *y = (int8_t *)TH_T(ip, op->out)->data;
  const int32_t depth = p->depth;
  for (int32_t i = 0; i < p->outer; i++) {
    const int8_t *xr = x + (int64_t)i * depth;
    int8_t *yr = y + (int64_t)i * depth;
    int32_t max = -128;
    for (int32_t ch = 0; ch < depth; ch++)
      if (xr[ch] > max) max = xr[ch];
    int32_t sum = 0;
    for (int32_t ch = 0; ch < depth; ch++) {
      int32_t diff = (int32_t)xr[ch] - max;
      if (diff >= p->diff_min) {
        int32_t scaled = th_srdhm(th_shl_wrap(diff, p->input_left_shift), p->input_multiplier);
        sum = th_add_wrap(sum, th_rdbpot(th_exp_on_negative_values_q5(scaled), 12));
      }
    }
    int32_t bits_over_unit;
    int32_t shifted_scale = th_get_reciprocal(sum, 12, &bits_over_unit);
    int32_t exponent = bits_over_unit + 31 - 8;
    if (exponent < 0 || exponent > 31) {
      ip->eval_error = "SOFTMAX int8: sum of exponentials out of range (TFLM aborts here too: too many near-equal logits)";
      exponent = exponent < 0 ? 0 : 31;
    }
    for (int32_t ch = 0; ch < depth; ch++) {
      int32_t diff = (int32_t)xr[ch] - max;
      if (diff >= p->diff_min) {
        int32_t scaled = th_srdhm(th_shl_wrap(diff, p->input_left_shift), p->input_multiplier);
        int32_t e = th_exp_on_negative_values_q5(scaled);
        int32_t v = th_rdbpot(th_srdhm(shifted_scale, e), exponent) - 128;
        yr[ch] = (int8_t)th_clamp(v, -128, 127);
      } else {
        yr[ch] = -128;
      }
    }
  }
}

static void eval_f32(th_interpreter *ip, const th_op *op) {
  const th_softmax_params *p = &op->p.softmax;
  const uint8_t *x = TH_T(ip, op->in[0])->data;
  float *y = (float *)(void *)TH_T(ip, op->out)->data;
  const int32_t depth = p->depth;
  for (int32_t i = 0; i < p->outer; i++) {
    float max = -3.40282347e+38f;
    for (int32_t ch = 0; ch < depth; ch++) {
      float v = th_f32_at(x, i * depth + ch);
      max = max < v ? v : max;
    }
    float sum = 0.0f;
    for (int32_t ch = 0; ch < depth; ch++) {
      float e = th_expf((th_f32_at(x, i * depth + ch) - max) * p->beta);
      y[i * depth + ch] = e;
      sum += e;
    }
    for (int32_t ch = 0; ch < depth; ch++) y[i * depth + ch] = y[i * depth + ch] / sum;
  }
}

static void th_eval_softmax(th_interpreter *ip, const th_op *op) {
  if (TH_T(ip, op->in[0])->type == TH_INT8) eval_int8(ip, op);
  else eval_f32(ip, op);
}

const th_registration th_registration_softmax = {.code = 25, .name = "SOFTMAX", .prepare = th_prepare_softmax, .eval = th_eval_softmax};
