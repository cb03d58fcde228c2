/* CONCATENATION along any axis: int8 (inputs must share the output's scale and zero point, as
 * TFLM requires), float32, int32; no fused activation (TFLM rejects one). */
#include "kernels.h"

static th_status th_prepare_concatenation(const th_prep *c) {
  th_concat_params *p = &c->op->p.concat;
  th_status st = th_require_inputs(c, 1, TH_MAX_OP_INPUTS);
  if (st != TH_OK) return st;
  const th_tensor *out = th_out(c);
  for (int32_t i = 0; i < c->op->n_in; i++)
    if (c->op->in[i] < 0) return th_prep_fail(c, TH_ERR_MODEL_MALFORMED, "CONCATENATION: omitted input", -1);
  if (out->type != TH_INT8 && out->type != TH_FLOAT32 && out->type != TH_INT32)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "CONCATENATION: type must be int8, float32 or int32", th_tensor_id(c, out));
  th_fb_table o = th_options(c, 10);
  int32_t axis = th_fb_i32(&c->m->fb, &o, 0, 0);
  if (th_fb_i8(&c->m->fb, &o, 1, 0) != 0)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_OPERATOR, "CONCATENATION: fused activation not supported (as TFLM)", -1);
  if (axis < 0) axis += out->rank;
  if (axis < 0 || axis >= out->rank)
    return th_prep_fail(c, TH_ERR_MODEL_MALFORMED, "ConcatenationOptions.axis: out of range", th_tensor_id(c, out));
  int64_t sum = 0;
  for (int32_t i = 0; i < c->op->n_in; i++) {
    const th_tensor *t = th_in(c, i);
    if (t->type != out->type)
      return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "CONCATENATION: input type must match output", th_tensor_id(c, t));
    if (t->rank != out->rank)
      return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "CONCATENATION: input rank must match output", th_tensor_id(c, t));
    for (int32_t d = 0; d < out->rank; d++)
      if (d != axis && t->dims[d] != out->dims[d])
        return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "CONCATENATION: input dimensions must match output except on the axis", th_tensor_id(c, t));
    sum += t->dims[axis];
    if (out->type == TH_INT8 && (t->scale != out->scale || t->zero_point != out->zero_point))
      return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "CONCATENATION int8: inputs must share the output's scale and zero point (TFLM rejects others)", th_tensor_id(c, t));
  }
  if (sum != out->dims[axis])
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "CONCATENATION: output axis size must be the sum of the inputs'", th_tensor_id(c, out));
  p->axis = axis;
  /* 64-bit: dimensions after a zero dimension may multiply past int32 (the model loader bounds
   * the product of non-zero dimensions, this keeps the kernel independent of that) */
  int64_t outer = 1, inner = 1;
  for (int32_t d = 0; d < axis; d++) outer *= out->dims[d];
  for (int32_t d = axis + 1; d < out->rank; d++) inner *= out->dims[d];
  if (outer > 0x7fffffff || (int64_t)out->dims[axis] * inner * 4 > 0x7fffffff)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "CONCATENATION: output rows above 2^31 bytes", th_tensor_id(c, out));
  p->outer = (int32_t)outer;
  p->inner_out = (int32_t)inner;
  return TH_OK;
}

static void th_eval_concatenation(th_interpreter *ip, const th_op *op) {
  const th_concat_params *p = &op->p.concat;
  const th_tensor *out = TH_T(ip, op->out);
  const uint32_t es = out->type == TH_INT8 ? 1u : 4u;
  uint8_t *y = out->data;
  for (int32_t k = 0; k < p->outer; k++)
    for (int32_t i = 0; i < op->n_in; i++) {
      const th_tensor *t = TH_T(ip, op->in[i]);
      const uint32_t chunk = (uint32_t)t->dims[p->axis] * (uint32_t)p->inner_out * es;
      if (chunk) memcpy(y, t->data + (uint64_t)k * chunk, chunk);
      y += chunk;
    }
}

const th_registration th_registration_concatenation = {.code = 2, .name = "CONCATENATION", .prepare = th_prepare_concatenation, .eval = th_eval_concatenation};
