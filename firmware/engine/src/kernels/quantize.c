/* QUANTIZE: float32 -> int8 (round half away from zero of x / scale, in float, plus zero point)
 * and int8 -> int8 requantization (MBQM(x - zp_in, in_scale/out_scale) + zp_out). */
#include "kernels.h"

static th_status th_prepare_quantize(const th_prep *c) {
  th_quant_params *p = &c->op->p.quant;
  th_status st = th_require_inputs(c, 1, 1);
  if (st != TH_OK) return st;
  const th_tensor *in = th_in(c, 0), *out = th_out(c);
  if (out->type != TH_INT8)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "QUANTIZE: output must be int8", th_tensor_id(c, out));
  if (in->type != TH_FLOAT32 && in->type != TH_INT8)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "QUANTIZE: input must be float32 or int8", th_tensor_id(c, in));
  if (!out->has_quant || out->scale_count != 1u)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "QUANTIZE: output needs one scale (per-tensor)", th_tensor_id(c, out));
  if (th_elements(in) != th_elements(out))
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "QUANTIZE: output element count must equal input", th_tensor_id(c, out));
  p->output_zp = out->zero_point;
  p->scale = out->scale;
  if (in->type == TH_INT8) {
    if (!in->has_quant)
      return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "QUANTIZE int8->int8: input needs quantization parameters", th_tensor_id(c, in));
    p->input_zp = in->zero_point;
    if (!th_quantize_multiplier((double)in->scale / (double)out->scale, &p->multiplier, &p->shift))
      return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "QUANTIZE: input/output scale ratio not representable", th_tensor_id(c, out));
  }
  return TH_OK;
}

static void th_eval_quantize(th_interpreter *ip, const th_op *op) {
  const th_quant_params *p = &op->p.quant;
  const th_tensor *in = TH_T(ip, op->in[0]), *out = TH_T(ip, op->out);
  const int32_t n = th_elements(in);
  int8_t *y = (int8_t *)out->data;
  if (in->type == TH_INT8) {
    const int8_t *x = (const int8_t *)in->data;
    for (int32_t i = 0; i < n; i++)
      y[i] = (int8_t)th_clamp(th_mbqm((int32_t)x[i] - p->input_zp, p->multiplier, p->shift) + p->output_zp, -128, 127);
  } else {
    for (int32_t i = 0; i < n; i++) {
      float r = th_roundf(th_f32_at(in->data, i) / p->scale);
      int32_t q;
      if (r != r) q = 0;                                 /* NaN: undefined in TFLM */
      else if (r > 1.0e6f) q = 1000000;
      else if (r < -1.0e6f) q = -1000000;
      else q = (int32_t)r;
      y[i] = (int8_t)th_clamp(q + p->output_zp, -128, 127);
    }
  }
}

const th_registration th_registration_quantize = {.code = 114, .name = "QUANTIZE", .prepare = th_prepare_quantize, .eval = th_eval_quantize};
