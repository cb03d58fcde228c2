/* Operator prepare through the registrations (kernels/resolver.c) and the checks shared by every
 * kernel's prepare. */
#include "kernels/kernels.h"

th_status th_prep_fail(const th_prep *c, th_status s, const char *what, int32_t tensor) {
  return th_fail(c->err, s, what, c->index, tensor, c->op->code);
}

th_tensor *th_in(const th_prep *c, int32_t i) {
  if (i < 0 || i >= c->op->n_in || c->op->in[i] < 0) return NULL;
  return &c->ip->tensors[c->op->in[i]];
}

th_tensor *th_out(const th_prep *c) { return &c->ip->tensors[c->op->out]; }

int32_t th_tensor_id(const th_prep *c, const th_tensor *t) {
  return t ? (int32_t)(t - c->ip->tensors) : -1;
}

th_fb_table th_options(const th_prep *c, uint8_t expected_type) {
  th_fb_table t;
  if (c->mop->options_type == expected_type && c->mop->options.pos != 0u) return c->mop->options;
  memset(&t, 0, sizeof(t));
  return t;
}

th_status th_require_inputs(const th_prep *c, int32_t min_inputs, int32_t max_inputs) {
  if (c->op->n_in < min_inputs || c->op->n_in > max_inputs)
    return th_prep_fail(c, TH_ERR_MODEL_MALFORMED, "Operator.inputs: wrong number of inputs", -1);
  for (int32_t i = 0; i < min_inputs; i++)
    if (c->op->in[i] < 0)
      return th_prep_fail(c, TH_ERR_MODEL_MALFORMED, "Operator.inputs: required input omitted (-1)", -1);
  if (c->op->n_out != 1)
    return th_prep_fail(c, TH_ERR_MODEL_MALFORMED, "Operator.outputs: exactly one output expected", -1);
  return TH_OK;
}

th_status th_require_type(const th_prep *c, int32_t slot, int32_t type, const char *what) {
  const th_tensor *t = slot < 0 ? th_out(c) : th_in(c, slot);
  if (t == NULL || t->type != type) return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, what, th_tensor_id(c, t));
  return TH_OK;
}

th_status th_same_shape(const th_prep *c, const th_tensor *a, const th_tensor *b, const char *what) {
  if (a->rank != b->rank) return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, what, th_tensor_id(c, b));
  for (int32_t i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i]) return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, what, th_tensor_id(c, b));
  return TH_OK;
}

int th_compute_padding(int32_t padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation,
                       int32_t *out_size, int32_t *pad) {
  if ((padding != 0 && padding != 1) || in < 0 || filter <= 0 || stride <= 0 || dilation <= 0) return 0;
  /* bound every term so the kernels' int32 index arithmetic (o * stride - pad + k * dilation)
   * cannot overflow */
  const int32_t limit = 1 << 23;
  if (in > limit || filter > limit || stride > limit || dilation > limit) return 0;
  int64_t eff = ((int64_t)filter - 1) * dilation + 1;
  if (eff > limit) return 0;
  int64_t out;
  if (padding == 0) out = ((int64_t)in + stride - 1) / stride;
  else out = ((int64_t)in - eff + stride) / stride;
  if (out < 0) out = 0;
  if (out > 0x7fffffff) return 0;
  int64_t total = (out - 1) * stride + eff - in;
  if (total < 0) total = 0;
  if (total / 2 > 0x7fffffff) return 0;
  *out_size = (int32_t)out;
  *pad = (int32_t)(total / 2);
  return 1;
}

th_status th_quant_range(const th_prep *c, int32_t act, const th_tensor *out, int32_t *lo, int32_t *hi) {
  if (act < 0 || act > 3)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_OPERATOR, "fused_activation_function: only NONE, RELU, RELU_N1_TO_1, RELU6", -1);
  if (!th_activation_range_q(act, out->scale, out->zero_point, -128, 127, lo, hi))
    return th_prep_fail(c, TH_ERR_MODEL_MALFORMED, "fused activation: bounds overflow int32 (output scale)", th_tensor_id(c, out));
  return TH_OK;
}

uint64_t th_op_extra_persistent(int32_t code, const th_tensor *out) {
  const th_registration *r = th_find_registration(code);
  return r != NULL && r->persistent_bytes != NULL ? r->persistent_bytes(out) : 0u;
}

uint32_t th_op_kernel_scratch(int32_t code, const th_tensor *in, const th_tensor *filter,
                              const th_tensor *out) {
  const th_registration *r = th_find_registration(code);
  return r != NULL && r->scratch_bytes != NULL ? r->scratch_bytes(in, filter, out) : 0u;
}

void *th_persistent_alloc(th_interpreter *ip, uint64_t bytes) {
  uint64_t n = th_align16_64(bytes);
  if ((uint64_t)(ip->persistent_end - ip->persistent_next) < n) return NULL;
  void *p = ip->persistent_next;
  ip->persistent_next += n;
  return p;
}

th_status th_op_prepare(th_interpreter *ip, uint32_t op_index, const th_model *m,
                        const th_model_op *mop, th_error *err) {
  th_op *op = &ip->ops[op_index];
  const th_registration *reg = th_find_registration(mop->code);
  th_prep c;
  memset(op, 0, sizeof(*op));
  op->code = mop->code;
  c.ip = ip;
  c.op = op;
  c.index = (int32_t)op_index;
  c.m = m;
  c.mop = mop;
  c.err = err;
  if (mop->inputs.len > TH_MAX_OP_INPUTS)
    return th_prep_fail(&c, TH_ERR_LIMIT_EXCEEDED, "Operator.inputs: more than 10 inputs", -1);
  op->n_in = (int32_t)mop->inputs.len;
  op->n_out = (int32_t)mop->outputs.len;
  for (uint32_t i = 0; i < mop->inputs.len; i++) {
    th_status s = th_model_tensor_index(m, &mop->inputs, i, &op->in[i], 1, c.index, err);
    if (s != TH_OK) return s;
  }
  if (mop->outputs.len < 1u) return th_prep_fail(&c, TH_ERR_MODEL_MALFORMED, "Operator.outputs: empty", -1);
  {
    th_status s = th_model_tensor_index(m, &mop->outputs, 0, &op->out, 0, c.index, err);
    if (s != TH_OK) return s;
  }
  for (int32_t i = 0; i < op->n_in; i++)
    if (op->in[i] >= 0 && ip->tensors[op->in[i]].is_sparse && !(i == 1 && reg != NULL && reg->sparse_weights))
      return th_prep_fail(&c, TH_ERR_UNSUPPORTED_OPERATOR, "sparse weights: only the weights (input 1) of FULLY_CONNECTED and CONV_2D may be sparse", op->in[i]);
  if (ip->tensors[op->out].is_const)
    return th_prep_fail(&c, TH_ERR_MODEL_MALFORMED, "operator output tensor has constant data (Buffer.data)", op->out);
  if (reg == NULL)
    return th_prep_fail(&c, TH_ERR_UNSUPPORTED_OPERATOR, "operator not supported by the engine", -1);
  op->eval = reg->eval;
  th_status st = reg->prepare(&c);
  if (st != TH_OK) return st;
  th_op_select_variant(ip, op);
  return TH_OK;
}

void th_op_select_variant(const th_interpreter *ip, th_op *op) {
  const th_registration *reg = th_find_registration(op->code);
  if (reg != NULL && reg->select_variant != NULL) op->eval = reg->select_variant(ip, op);
}

th_status th_prepare_pool_common(const th_prep *c, const char *op_name) {
  th_pool_params *p = &c->op->p.pool;
  const th_fb *fb = &c->m->fb;
  th_status st = th_require_inputs(c, 1, 1);
  (void)op_name;
  if (st != TH_OK) return st;
  const th_tensor *in = th_in(c, 0), *out = th_out(c);
  if (in->type != TH_INT8 && in->type != TH_FLOAT32)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "POOL_2D: input must be int8 or float32", th_tensor_id(c, in));
  if (out->type != in->type)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "POOL_2D: output type must match input", th_tensor_id(c, out));
  if (in->rank != 4 || out->rank != 4)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "POOL_2D: input and output must be 4-D", th_tensor_id(c, in));
  th_fb_table o = th_options(c, 5);
  int32_t padding = th_fb_i8(fb, &o, 0, 0);
  p->stride_w = th_fb_i32(fb, &o, 1, 0);
  p->stride_h = th_fb_i32(fb, &o, 2, 0);
  p->filter_w = th_fb_i32(fb, &o, 3, 0);
  p->filter_h = th_fb_i32(fb, &o, 4, 0);
  int32_t act = th_fb_i8(fb, &o, 5, 0);
  int32_t oh, ow;
  if (!th_compute_padding(padding, in->dims[1], p->filter_h, p->stride_h, 1, &oh, &p->pad_h) ||
      !th_compute_padding(padding, in->dims[2], p->filter_w, p->stride_w, 1, &ow, &p->pad_w))
    return th_prep_fail(c, TH_ERR_MODEL_MALFORMED, "Pool2DOptions: invalid padding/stride/filter size", -1);
  if (oh != out->dims[1] || ow != out->dims[2] || out->dims[0] != in->dims[0] || out->dims[3] != in->dims[3])
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "POOL_2D: output shape inconsistent with input, padding and stride", th_tensor_id(c, out));
  if ((int64_t)p->filter_w * p->filter_h > TH_MAX_ACCUMULATION)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "POOL_2D: window above 65536 taps", -1);
  if (act < 0 || act > 3)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_OPERATOR, "fused_activation_function: only NONE, RELU, RELU_N1_TO_1, RELU6", -1);
  if (in->type == TH_FLOAT32) {
    th_activation_range_f32(act, &p->fact_min, &p->fact_max);
    return TH_OK;
  }
  if (!in->has_quant || !out->has_quant)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "POOL_2D int8: input and output need quantization parameters", th_tensor_id(c, in));
  double d = (double)in->scale - (double)out->scale;
  if (d < 0) d = -d;
  if (d > 1.0e-6 || in->zero_point != out->zero_point)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "POOL_2D int8: input and output must share scale and zero point (as TFLM)", th_tensor_id(c, out));
  return th_quant_range(c, act, out, &p->act_min, &p->act_max);
}
