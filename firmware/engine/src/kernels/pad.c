/* PAD: int8 (pad value = output zero point, or the constant_values input) and float32 (0.0 or
 * constant); paddings from a constant int32/int64 [rank, 2] tensor. */
#include "kernels.h"

static th_status th_prepare_pad(const th_prep *c) {
  th_pad_params *p = &c->op->p.pad;
  th_status st = th_require_inputs(c, 2, 3);
  if (st != TH_OK) return st;
  const th_tensor *in = th_in(c, 0), *pads = th_in(c, 1), *cv = th_in(c, 2), *out = th_out(c);
  if (in->type != TH_INT8 && in->type != TH_FLOAT32)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "PAD: input must be int8 or float32", th_tensor_id(c, in));
  if (out->type != in->type)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "PAD: output type must match input", th_tensor_id(c, out));
  if ((pads->type != TH_INT32 && pads->type != TH_INT64) || !pads->is_const)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "PAD: paddings must be a constant int32/int64 tensor", th_tensor_id(c, pads));
  if (th_elements(pads) != 2 * in->rank || out->rank != in->rank)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "PAD: paddings must be [rank, 2] and output rank equal input rank", th_tensor_id(c, pads));
  for (int32_t d = 0; d < in->rank; d++) {
    int64_t before, after;
    if (pads->type == TH_INT32) {
      before = th_i32_at(pads->data, 2 * d);
      after = th_i32_at(pads->data, 2 * d + 1);
    } else {
      before = th_ld_i64(pads->data + 16 * d);
      after = th_ld_i64(pads->data + 16 * d + 8);
    }
    if (before < 0 || after < 0 || before + after + in->dims[d] != out->dims[d])
      return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "PAD: output shape must equal input + paddings (non-negative)", th_tensor_id(c, out));
    p->before[d] = (int32_t)before;
    p->after[d] = (int32_t)after;
  }
  if (cv != NULL) {
    if (cv->type != in->type || th_elements(cv) != 1 || !cv->is_const)
      return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "PAD: constant_values must be one constant value of the input type", th_tensor_id(c, cv));
  }
  if (in->type == TH_FLOAT32) {
    p->fpad_value = cv ? th_f32_at(cv->data, 0) : 0.0f;
    return TH_OK;
  }
  if (cv != NULL) {
    if (cv->zero_point != out->zero_point || cv->scale != out->scale)
      return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "PAD int8: constant_values must share the output's quantization", th_tensor_id(c, cv));
    p->pad_value = (int8_t)cv->data[0];
  } else {
    if (out->zero_point < -128 || out->zero_point > 127)
      return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "PAD int8: output zero point outside int8", th_tensor_id(c, out));
    p->pad_value = out->zero_point;
  }
  return TH_OK;
}

static void th_eval_pad(th_interpreter *ip, const th_op *op) {
  const th_pad_params *p = &op->p.pad;
  const th_tensor *in = TH_T(ip, op->in[0]), *out = TH_T(ip, op->out);
  const int32_t rank = out->rank;
  const uint32_t es = in->type == TH_INT8 ? 1u : 4u;
  uint8_t padv[4];
  if (es == 1u) padv[0] = (uint8_t)(int8_t)p->pad_value;
  else memcpy(padv, &p->fpad_value, 4);
  const int32_t total = th_elements(out);
  if (total == 0) return;
  if (rank == 0) {
    memcpy(out->data, in->data, es);
    return;
  }
  /* odometer over output rows (all dimensions but the last) */
  int32_t idx[TH_MAX_RANK] = {0, 0, 0, 0, 0, 0};
  const int32_t last = rank - 1, row = out->dims[last], in_row = in->dims[last];
  uint8_t *y = out->data;
  const int32_t rows = total / row;
  for (int32_t r = 0; r < rows; r++) {
    int inside = 1;
    int64_t src = 0;
    for (int32_t d = 0; d < last; d++) {
      int32_t i = idx[d] - p->before[d];
      if (i < 0 || i >= in->dims[d]) inside = 0;
      src = src * in->dims[d] + i;
    }
    uint8_t *yr = y + (int64_t)r * row * es;
    for (int32_t j = 0; j < row; j++) {
      int32_t i = j - p->before[last];
      if (inside && i >= 0 && i < in_row) memcpy(yr + (int64_t)j * es, in->data + (src * in_row + i) * es, es);
      else memcpy(yr + (int64_t)j * es, padv, es);
    }
    for (int32_t d = last - 1; d >= 0; d--) {
      if (++idx[d] < out->dims[d]) break;
      idx[d] = 0;
    }
  }
}

const th_registration th_registration_pad = {.code = 34, .name = "PAD", .prepare = th_prepare_pad, .eval = th_eval_pad};
