/* DEQUANTIZE: int8 -> float32, (float)((double)scale * (q - zero_point)) as TFLM. */
#include "kernels.h"

static th_status th_prepare_dequantize(const th_prep *c) {
  th_quant_params *p = &c->op->p.quant;
  th_status st = th_require_inputs(c, 1, 1);
  if (st != TH_OK) return st;
  const th_tensor *in = th_in(c, 0), *out = th_out(c);
  if (in->type != TH_INT8)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "DEQUANTIZE: input must be int8", th_tensor_id(c, in));
  if (out->type != TH_FLOAT32)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "DEQUANTIZE: output must be float32", th_tensor_id(c, out));
  if (!in->has_quant)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "DEQUANTIZE: input needs quantization parameters", th_tensor_id(c, in));
  if (th_elements(in) != th_elements(out))
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "DEQUANTIZE: output element count must equal input", th_tensor_id(c, out));
  p->input_zp = in->zero_point;
  p->dscale = (double)in->scale;
  return TH_OK;
}

static void th_eval_dequantize(th_interpreter *ip, const th_op *op) {
  const th_quant_params *p = &op->p.quant;
  const th_tensor *in = TH_T(ip, op->in[0]), *out = TH_T(ip, op->out);
  const int32_t n = th_elements(in);
  const int8_t *x = (const int8_t *)in->data;
  float *y = (float *)(void *)out->data;
  for (int32_t i = 0; i < n; i++) y[i] = (float)(p->dscale * (double)((int32_t)x[i] - p->input_zp));
}

const th_registration th_registration_dequantize = {.code = 6, .name = "DEQUANTIZE", .prepare = th_prepare_dequantize, .eval = th_eval_dequantize};
