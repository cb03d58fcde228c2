/* Reading the .tflite Model tables in place, with every field checked. */
#include "engine_internal.h"
#include "sparse_weights.h"

th_status th_fail(th_error *err, th_status s, const char *what, int32_t op, int32_t tensor,
                  int32_t code) {
  if (err) {
    err->status = s;
    err->op_index = op;
    err->tensor_index = tensor;
    err->builtin_code = code;
    err->bytes_needed = 0;
    err->bytes_available = 0;
    err->what = what;
  }
  return s;
}

#define MALFORMED(what) th_fail(err, TH_ERR_MODEL_MALFORMED, what, -1, -1, -1)

th_status th_model_open(th_model *m, const uint8_t *bytes, uint32_t size, th_error *err) {
  th_fb_table root, sg;
  th_fb_vec subgraphs;
  int r;
  memset(m, 0, sizeof(*m));
  if (bytes == NULL) return th_fail(err, TH_ERR_BAD_ARGUMENT, "model pointer is NULL", -1, -1, -1);
  if (size < 8u) return MALFORMED("model: shorter than a FlatBuffer header (8 bytes)");
  if (memcmp(bytes + 4, "TFL3", 4) != 0) return MALFORMED("model: file identifier is not TFL3");
  m->fb.b = bytes;
  m->fb.n = size;
  if (!th_fb_table_at(&m->fb, th_ld_u32(bytes), &root)) return MALFORMED("Model: root table offset/vtable");
  if (th_fb_u32(&m->fb, &root, 0, 0) != 3u) return MALFORMED("Model.version: must be 3");
  r = th_fb_vector(&m->fb, &root, 1, 4, &m->opcodes);
  if (r < 0) return MALFORMED("Model.operator_codes: vector out of bounds");
  r = th_fb_vector(&m->fb, &root, 2, 4, &subgraphs);
  if (r < 0) return MALFORMED("Model.subgraphs: vector out of bounds");
  if (r == 0 || subgraphs.len == 0) return MALFORMED("Model.subgraphs: empty");
  if (subgraphs.len > 1)
    return th_fail(err, TH_ERR_LIMIT_EXCEEDED, "Model.subgraphs: only one subgraph is supported", -1, -1, -1);
  r = th_fb_vector(&m->fb, &root, 4, 4, &m->buffers);
  if (r < 0) return MALFORMED("Model.buffers: vector out of bounds");
  r = th_fb_vector(&m->fb, &root, 6, 4, &m->metadata);
  if (r < 0) return MALFORMED("Model.metadata: vector out of bounds");
  if (r == 0) m->metadata.len = 0;
  if (!th_fb_vec_table(&m->fb, &subgraphs, 0, &sg)) return MALFORMED("Model.subgraphs[0]: table out of bounds");
  if (th_fb_vector(&m->fb, &sg, 0, 4, &m->tensors) < 0) return MALFORMED("SubGraph.tensors: vector out of bounds");
  if (th_fb_vector(&m->fb, &sg, 1, 4, &m->inputs) < 0) return MALFORMED("SubGraph.inputs: vector out of bounds");
  if (th_fb_vector(&m->fb, &sg, 2, 4, &m->outputs) < 0) return MALFORMED("SubGraph.outputs: vector out of bounds");
  if (th_fb_vector(&m->fb, &sg, 3, 4, &m->operators) < 0) return MALFORMED("SubGraph.operators: vector out of bounds");
  if (m->tensors.len > 32767u)
    return th_fail(err, TH_ERR_LIMIT_EXCEEDED, "SubGraph.tensors: more than 32767 tensors", -1, -1, -1);
  if (m->operators.len > 32767u)
    return th_fail(err, TH_ERR_LIMIT_EXCEEDED, "SubGraph.operators: more than 32767 operators", -1, -1, -1);
  for (uint32_t i = 0; i < m->inputs.len; i++) {
    int32_t idx;
    th_status s = th_model_tensor_index(m, &m->inputs, i, &idx, 0, -1, err);
    if (s != TH_OK) return s;
  }
  for (uint32_t i = 0; i < m->outputs.len; i++) {
    int32_t idx;
    th_status s = th_model_tensor_index(m, &m->outputs, i, &idx, 0, -1, err);
    if (s != TH_OK) return s;
  }
  return TH_OK;
}

th_status th_model_tensor_index(const th_model *m, const th_fb_vec *v, uint32_t i, int32_t *out,
                                int allow_omitted, int32_t op_index, th_error *err) {
  int32_t idx = th_ld_i32(m->fb.b + v->pos + 4u * i);
  if (idx == -1 && allow_omitted) {
    *out = -1;
    return TH_OK;
  }
  if (idx < 0 || (uint32_t)idx >= m->tensors.len)
    return th_fail(err, TH_ERR_MODEL_MALFORMED, "tensor index out of range (SubGraph.inputs/outputs or Operator.inputs/outputs)",
                   op_index, idx, -1);
  *out = idx;
  return TH_OK;
}

static uint32_t type_size(int32_t type) {
  switch (type) {
    case 0: return 4;   /* FLOAT32 */
    case 1: return 2;   /* FLOAT16 */
    case 2: return 4;   /* INT32 */
    case 3: return 1;   /* UINT8 */
    case 4: return 8;   /* INT64 */
    case 6: return 1;   /* BOOL */
    case 7: return 2;   /* INT16 */
    case 8: return 8;   /* COMPLEX64 */
    case 9: return 1;   /* INT8 */
    case 10: return 8;  /* FLOAT64 */
    case 11: return 16; /* COMPLEX128 */
    case 12: return 8;  /* UINT64 */
    case 15: return 4;  /* UINT32 */
    case 16: return 2;  /* UINT16 */
    default: return 0;
  }
}

th_status th_model_tensor(const th_model *m, uint32_t index, th_tensor *t, th_error *err) {
  const th_fb *fb = &m->fb;
  th_fb_table tt, q, buf;
  th_fb_vec shape, data;
  int r;
  int32_t ti = (int32_t)index;
  memset(t, 0, sizeof(*t));
  if (!th_fb_vec_table(fb, &m->tensors, index, &tt))
    return th_fail(err, TH_ERR_MODEL_MALFORMED, "SubGraph.tensors[i]: table out of bounds", -1, ti, -1);
  r = th_fb_vector(fb, &tt, 0, 4, &shape);
  if (r < 0) return th_fail(err, TH_ERR_MODEL_MALFORMED, "Tensor.shape: vector out of bounds", -1, ti, -1);
  if (r == 0) shape.len = 0;
  if (shape.len > TH_MAX_RANK)
    return th_fail(err, TH_ERR_LIMIT_EXCEEDED, "Tensor.shape: rank above 6", -1, ti, -1);
  t->rank = (int32_t)shape.len;
  /* `span` is the product with zero dimensions counted as 1: bounding it (not only the element
   * count, which a single zero dimension makes 0) keeps every product of this tensor's
   * dimensions, and every element index times the element size, inside int32 in the kernels. */
  uint64_t count = 1, span = 1;
  t->type = th_fb_i8(fb, &tt, 1, 0);
  uint32_t es = type_size(t->type);
  if (es == 0) return th_fail(err, TH_ERR_UNSUPPORTED_TYPE, "Tensor.type: not a fixed-size type", -1, ti, -1);
  for (uint32_t i = 0; i < shape.len; i++) {
    int32_t d = th_ld_i32(fb->b + shape.pos + 4u * i);
    if (d < 0) return th_fail(err, TH_ERR_MODEL_MALFORMED, "Tensor.shape: negative (dynamic) dimension", -1, ti, -1);
    t->dims[i] = d;
    count *= (uint64_t)d;
    if (d > 0) span *= (uint64_t)d;
    if (span * es > TH_MAX_BUFFER_BYTES)
      return th_fail(err, TH_ERR_LIMIT_EXCEEDED, "Tensor.shape: product of the non-zero dimensions times the element size above 2^31 - 16 bytes", -1, ti, -1);
  }
  t->bytes = (uint32_t)(count * es);
  if (th_fb_u8(fb, &tt, 5, 0))
    return th_fail(err, TH_ERR_UNSUPPORTED_TYPE, "Tensor.is_variable: variable tensors are not supported", -1, ti, -1);
  if (th_fb_field(fb, &tt, 6, 4))
    return th_fail(err, TH_ERR_UNSUPPORTED_TYPE, "Tensor.sparsity: TFLite SparsityParameters are not supported (tinyhil prune weights --encode sparse writes the engine's THS1 encoding)", -1, ti, -1);
  uint32_t bi = th_fb_u32(fb, &tt, 2, 0);
  const char *sparse_what = NULL;
  int sparse = th_sparse_listed(m, bi, &sparse_what);
  if (sparse < 0) return th_fail(err, TH_ERR_MODEL_MALFORMED, sparse_what, -1, ti, -1);
  if (bi != 0u || m->buffers.len > 0u) {
    if (bi >= m->buffers.len)
      return th_fail(err, TH_ERR_MODEL_MALFORMED, "Tensor.buffer: index out of range of Model.buffers", -1, ti, -1);
    if (!th_fb_vec_table(fb, &m->buffers, bi, &buf))
      return th_fail(err, TH_ERR_MODEL_MALFORMED, "Model.buffers[i]: table out of bounds", -1, ti, -1);
    r = th_fb_vector(fb, &buf, 0, 1, &data);
    if (r < 0) return th_fail(err, TH_ERR_MODEL_MALFORMED, "Buffer.data: vector out of bounds", -1, ti, -1);
    if (sparse) {
      const char *bad;
      if (r <= 0 || data.len == 0u)
        return th_fail(err, TH_ERR_MODEL_MALFORMED, "sparse weights: listed tensor has no Buffer.data", -1, ti, -1);
      bad = th_sparse_validate(fb->b + data.pos, data.len, t);
      if (bad) return th_fail(err, TH_ERR_MODEL_MALFORMED, bad, -1, ti, -1);
      t->is_const = 1;
      t->is_sparse = 1;
      t->data = (uint8_t *)(uintptr_t)(fb->b + data.pos);
    } else if (r > 0 && data.len > 0u) {
      if (data.len < t->bytes)
        return th_fail(err, TH_ERR_MODEL_MALFORMED, "Buffer.data: shorter than the tensor's shape and type need", -1, ti, -1);
      t->is_const = 1;
      t->data = (uint8_t *)(uintptr_t)(fb->b + data.pos);
    }
  }
  if (sparse && !t->is_sparse)
    return th_fail(err, TH_ERR_MODEL_MALFORMED, "sparse weights: listed tensor has no buffer", -1, ti, -1);
  r = th_fb_sub_table(fb, &tt, 4, &q);
  if (r < 0) return th_fail(err, TH_ERR_MODEL_MALFORMED, "Tensor.quantization: table out of bounds", -1, ti, -1);
  if (r > 0) {
    th_fb_vec sv, zv;
    int rs = th_fb_vector(fb, &q, 2, 4, &sv);
    int rz = th_fb_vector(fb, &q, 3, 8, &zv);
    if (rs < 0) return th_fail(err, TH_ERR_MODEL_MALFORMED, "QuantizationParameters.scale: vector out of bounds", -1, ti, -1);
    if (rz < 0) return th_fail(err, TH_ERR_MODEL_MALFORMED, "QuantizationParameters.zero_point: vector out of bounds", -1, ti, -1);
    if (rs > 0 && sv.len > 0u) {
      t->has_quant = 1;
      t->scale = th_ld_f32(fb->b + sv.pos);
      t->scale_pos = sv.pos;
      t->scale_count = sv.len;
      if (rz > 0 && zv.len > 0u) {
        int64_t zp = th_ld_i64(fb->b + zv.pos);
        if (zp < -2147483647LL || zp > 2147483647LL)
          return th_fail(err, TH_ERR_MODEL_MALFORMED, "QuantizationParameters.zero_point: outside int32", -1, ti, -1);
        t->zero_point = (int32_t)zp;
        if ((t->type == TH_INT8 && (zp < -128 || zp > 127)) || (t->type == TH_UINT8 && (zp < 0 || zp > 255)))
          return th_fail(err, TH_ERR_MODEL_MALFORMED, "QuantizationParameters.zero_point: outside the tensor type's range", -1, ti, -1);
      }
      t->quantized_dimension = th_fb_i32(fb, &q, 6, 0);   /* slot 6: details is a union (2 slots) */
    }
  }
  return TH_OK;
}

th_status th_model_operator(const th_model *m, uint32_t index, th_model_op *op, th_error *err) {
  const th_fb *fb = &m->fb;
  th_fb_table ot, ct;
  int r;
  int32_t oi = (int32_t)index;
  memset(op, 0, sizeof(*op));
  op->code = -1;
  if (!th_fb_vec_table(fb, &m->operators, index, &ot))
    return th_fail(err, TH_ERR_MODEL_MALFORMED, "SubGraph.operators[i]: table out of bounds", oi, -1, -1);
  uint32_t ci = th_fb_u32(fb, &ot, 0, 0);
  if (ci >= m->opcodes.len)
    return th_fail(err, TH_ERR_MODEL_MALFORMED, "Operator.opcode_index: out of range of Model.operator_codes", oi, -1, -1);
  if (!th_fb_vec_table(fb, &m->opcodes, ci, &ct))
    return th_fail(err, TH_ERR_MODEL_MALFORMED, "Model.operator_codes[i]: table out of bounds", oi, -1, -1);
  int32_t deprecated = th_fb_i8(fb, &ct, 0, 0);
  int32_t code = th_fb_i32(fb, &ct, 3, 0);
  op->code = code > deprecated ? code : deprecated;
  r = th_fb_vector(fb, &ot, 1, 4, &op->inputs);
  if (r < 0) return th_fail(err, TH_ERR_MODEL_MALFORMED, "Operator.inputs: vector out of bounds", oi, -1, op->code);
  r = th_fb_vector(fb, &ot, 2, 4, &op->outputs);
  if (r < 0) return th_fail(err, TH_ERR_MODEL_MALFORMED, "Operator.outputs: vector out of bounds", oi, -1, op->code);
  for (uint32_t i = 0; i < op->inputs.len; i++) {
    int32_t idx;
    th_status s = th_model_tensor_index(m, &op->inputs, i, &idx, 1, oi, err);
    if (s != TH_OK) {
      if (err) err->builtin_code = op->code;
      return s;
    }
  }
  for (uint32_t i = 0; i < op->outputs.len; i++) {
    int32_t idx;
    th_status s = th_model_tensor_index(m, &op->outputs, i, &idx, 0, oi, err);
    if (s != TH_OK) {
      if (err) err->builtin_code = op->code;
      return s;
    }
  }
  op->options_type = th_fb_u8(fb, &ot, 3, 0);
  r = th_fb_sub_table(fb, &ot, 4, &op->options);
  if (r < 0) return th_fail(err, TH_ERR_MODEL_MALFORMED, "Operator.builtin_options: table out of bounds", oi, -1, op->code);
  if (r == 0) memset(&op->options, 0, sizeof(op->options));
  return TH_OK;
}
