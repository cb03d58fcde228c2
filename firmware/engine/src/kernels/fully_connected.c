/* FULLY_CONNECTED: int8 (per-channel or per-tensor weights) and float32, keep_num_dims.
 * int8 per-tensor: real multiplier = (double)(float)(input_scale * filter_scale) / output_scale,
 * per-channel: (double)input_scale * filter_scale[c] / output_scale (as TFLM). With weights zero
 * point 0 (always, for converter output) each input row is offset once into an int16 buffer and
 * dotted with the weight rows; otherwise TFLM's loop with both offsets. */
#include "kernels.h"
#include "../dot.h"
#include "armv6m/conv_armv6m.h"
#include "sparse_matmul.h"
#include "x86/select_x86.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* the int16 input row (depth values) + 8 zeros read by the SIMD dot products */
static uint32_t th_fully_connected_scratch_bytes(const th_tensor *in, const th_tensor *filter, const th_tensor *out) {
  (void)in;
  (void)out;
  if (filter == NULL || filter->rank != 2) return 0;
  uint32_t d = filter->dims[1] > TH_MAX_ACCUMULATION ? TH_MAX_ACCUMULATION : (uint32_t)filter->dims[1];
  return 2u * d + 16u;
}

static th_status th_prepare_fully_connected(const th_prep *c) {
  th_conv_params *p = &c->op->p.conv;
  th_status st = th_require_inputs(c, 2, 3);
  if (st != TH_OK) return st;
  const th_tensor *in = th_in(c, 0), *filter = th_in(c, 1), *bias = th_in(c, 2), *out = th_out(c);
  const int32_t type = in->type;
  const th_fb *fb = &c->m->fb;
  if (type != TH_INT8 && type != TH_FLOAT32)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "FULLY_CONNECTED: input must be int8 or float32", th_tensor_id(c, in));
  if (filter->type != type)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "FULLY_CONNECTED: weights type must match input (int8/float32)", th_tensor_id(c, filter));
  if (out->type != type)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "FULLY_CONNECTED: output type must match input", th_tensor_id(c, out));
  if (bias && bias->type != (type == TH_INT8 ? TH_INT32 : TH_FLOAT32))
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "FULLY_CONNECTED: bias must be int32 (int8 model) or float32", th_tensor_id(c, bias));
  if (filter->rank != 2 || out->rank < 1)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "FULLY_CONNECTED: weights must be 2-D [outputs, depth]", th_tensor_id(c, filter));
  const int32_t units = filter->dims[0], depth = filter->dims[1];
  if (units > TH_MAX_CHANNELS)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "FULLY_CONNECTED: more than 2^20 output units (weights dimension 0)", th_tensor_id(c, filter));
  if (out->dims[out->rank - 1] != units)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "FULLY_CONNECTED: output last dimension must equal weights rows", th_tensor_id(c, out));
  const int32_t out_elems = th_elements(out);
  const int32_t batches = units > 0 ? out_elems / units : 0;
  if ((int64_t)batches * depth != th_elements(in))
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "FULLY_CONNECTED: input elements must equal batches x weights depth", th_tensor_id(c, in));
  if (bias && th_elements(bias) != units)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "FULLY_CONNECTED: bias length must equal output units", th_tensor_id(c, bias));
  if (depth > TH_MAX_ACCUMULATION)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "FULLY_CONNECTED: depth above 65536", th_tensor_id(c, filter));
  th_fb_table o = th_options(c, 8);
  int32_t act = th_fb_i8(fb, &o, 0, 0);
  if (th_fb_i8(fb, &o, 1, 0) != 0)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_OPERATOR, "FullyConnectedOptions.weights_format: only DEFAULT", -1);
  p->keep_num_dims = th_fb_u8(fb, &o, 2, 0);
  if (act < 0 || act > 3)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_OPERATOR, "fused_activation_function: only NONE, RELU, RELU_N1_TO_1, RELU6", -1);
  if (type == TH_FLOAT32) {
    th_activation_range_f32(act, &p->fact_min, &p->fact_max);
    return TH_OK;
  }
  if (th_fully_connected_scratch_bytes(in, filter, out) > c->ip->scratch_bytes)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "FULLY_CONNECTED: kernel scratch smaller than planned (engine bug)", -1);
  st = th_prepare_int8_channels(c, units, 0, act, TH_SCALE_PRODUCT_FLOAT);
  if (st != TH_OK) return st;
  if (filter->is_sparse) return th_prepare_sparse_weights(c);   /* THS1 weights: sparse_matmul.c */
  (void)th_select_fully_connected_armv6m(c);   /* Cortex-M0+ builds: kernels/armv6m takes the operator (op->eval) */
  return TH_OK;
}

static void eval_int8(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const th_tensor *bias = (op->n_in > 2 && op->in[2] >= 0) ? TH_T(ip, op->in[2]) : NULL;
  const int32_t units = filter->dims[0], depth = filter->dims[1];
  const int32_t batches = units > 0 ? th_elements(out) / units : 0;
  const int8_t *x = (const int8_t *)in->data, *w = (const int8_t *)filter->data;
  int8_t *y = (int8_t *)out->data;
  const int32_t ozp = p->output_zp, lo = p->act_min, hi = p->act_max, zp = p->input_zp;
  for (int32_t b = 0; b < batches; b++) {
    const int8_t *xb = x + (int64_t)b * depth;
    int8_t *yb = y + (int64_t)b * units;
    if (p->filter_zp == 0) {
      int16_t *x16 = (int16_t *)(void *)ip->scratch;
      for (int32_t i = 0; i < depth; i++) x16[i] = (int16_t)(xb[i] - zp);
      int32_t u = 0, acc[4];
      for (; u + 4 <= units; u += 4) {
        th_dot4_s16_s8(x16, w + (int64_t)u * depth, depth, depth, acc);
        for (int32_t j = 0; j < 4; j++) {
          int32_t v = th_mbqm(th_add_wrap(acc[j], p->filter_sum[u + j]), p->multiplier[u + j], p->shift[u + j]) + ozp;
          yb[u + j] = (int8_t)th_clamp(v, lo, hi);
        }
      }
      for (; u < units; u++) {
        int32_t a = th_add_wrap(th_dot_s16_s8(x16, w + (int64_t)u * depth, depth), p->filter_sum[u]);
        yb[u] = (int8_t)th_clamp(th_mbqm(a, p->multiplier[u], p->shift[u]) + ozp, lo, hi);
      }
    } else {
      for (int32_t u = 0; u < units; u++) {
        int32_t acc = 0;
        for (int32_t i = 0; i < depth; i++)
          acc = th_add_wrap(acc, ((int32_t)w[(int64_t)u * depth + i] - p->filter_zp) * ((int32_t)xb[i] - p->input_zp));
        if (bias) acc = th_add_wrap(acc, th_i32_at(bias->data, u));
        int32_t v = th_mbqm(acc, p->multiplier[u], p->shift[u]) + ozp;
        yb[u] = (int8_t)th_clamp(v, lo, hi);
      }
    }
  }
}

static void eval_f32(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const th_tensor *bias = (op->n_in > 2 && op->in[2] >= 0) ? TH_T(ip, op->in[2]) : NULL;
  const int32_t units = filter->dims[0], depth = filter->dims[1];
  const int32_t batches = units > 0 ? th_elements(out) / units : 0;
  float *y = (float *)(void *)out->data;
  for (int32_t b = 0; b < batches; b++)
    for (int32_t u = 0; u < units; u++) {
      float total = 0.0f;
      for (int32_t d = 0; d < depth; d++)
        total += th_f32_at(in->data, b * depth + d) * th_f32_at(filter->data, u * depth + d);
      float bv = bias ? th_f32_at(bias->data, u) : 0.0f;
      float v = total + bv;
      v = v < p->fact_min ? p->fact_min : v;
      y[b * units + u] = p->fact_max < v ? p->fact_max : v;
    }
}

static void th_eval_fully_connected(th_interpreter *ip, const th_op *op) {
  if (TH_T(ip, op->in[0])->type == TH_INT8) eval_int8(ip, op);
  else eval_f32(ip, op);
}

const th_registration th_registration_fully_connected = {
    .code = 9, .name = "FULLY_CONNECTED", .prepare = th_prepare_fully_connected, .eval = th_eval_fully_connected,
    .scratch_bytes = th_fully_connected_scratch_bytes,
    .persistent_bytes = th_int8_channels_persistent_bytes,
    .sparse_weights = 1,
    .select_variant = th_select_fully_connected_x86,
};
