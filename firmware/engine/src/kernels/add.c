/* ADD: int8 (TFLM: both inputs rescaled to 2*max(s1,s2) with left shift 20, summed, rescaled to
 * the output) and float32; NumPy broadcasting up to 6-D; fused activation. */
#include "binary_shape.h"
#include "armv6m/conv_armv6m.h"
#include "x86/select_x86.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

static th_status th_prepare_add(const th_prep *c) {
  th_binary_params *p = &c->op->p.binary;
  th_status st = th_require_inputs(c, 2, 2);
  if (st != TH_OK) return st;
  const th_tensor *a = th_in(c, 0), *b = th_in(c, 1), *out = th_out(c);
  if (a->type != TH_INT8 && a->type != TH_FLOAT32)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "ADD: inputs must be int8 or float32", th_tensor_id(c, a));
  if (b->type != a->type || out->type != a->type)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "ADD: inputs and output must have the same type", th_tensor_id(c, b));
  st = th_binary_shapes(c, p, a, b, out);
  if (st != TH_OK) return st;
  th_fb_table o = th_options(c, 11);
  int32_t act = th_fb_i8(&c->m->fb, &o, 0, 0);
  if (act < 0 || act > 3)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_OPERATOR, "fused_activation_function: only NONE, RELU, RELU_N1_TO_1, RELU6", -1);
  if (a->type == TH_FLOAT32) {
    th_activation_range_f32(act, &p->fact_min, &p->fact_max);
    return TH_OK;
  }
  if (!a->has_quant || !b->has_quant || !out->has_quant)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "ADD int8: inputs and output need quantization parameters", th_tensor_id(c, a));
  p->input1_offset = -a->zero_point;
  p->input2_offset = -b->zero_point;
  p->output_offset = out->zero_point;
  p->left_shift = 20;
  const double twice_max = 2.0 * (double)(a->scale > b->scale ? a->scale : b->scale);
  const double r1 = (double)a->scale / twice_max, r2 = (double)b->scale / twice_max;
  const double ro = twice_max / ((double)(1 << 20) * (double)out->scale);
  if (!(r1 > 0.0 && r1 < 1.0 && r2 > 0.0 && r2 < 1.0 && ro > 0.0 && ro < 1.0) ||
      !th_quantize_multiplier(r1, &p->input1_multiplier, &p->input1_shift) ||
      !th_quantize_multiplier(r2, &p->input2_multiplier, &p->input2_shift) ||
      !th_quantize_multiplier(ro, &p->output_multiplier, &p->output_shift) ||
      p->input1_shift > 0 || p->input2_shift > 0 || p->output_shift > 0)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "ADD int8: scales give multipliers outside (0, 1) (TFLM rejects them too)", th_tensor_id(c, out));
  st = th_quant_range(c, act, out, &p->act_min, &p->act_max);
  if (st != TH_OK) return st;
  (void)th_select_add_armv6m(c);   /* Cortex-M0+ builds: kernels/armv6m takes the operator (op->eval) */
  return TH_OK;
}

static inline int8_t add_int8(const th_binary_params *p, int32_t x1, int32_t x2) {
  const int32_t a = th_mbqm((x1 + p->input1_offset) * (1 << 20), p->input1_multiplier, p->input1_shift);
  const int32_t b = th_mbqm((x2 + p->input2_offset) * (1 << 20), p->input2_multiplier, p->input2_shift);
  const int32_t v = th_mbqm(a + b, p->output_multiplier, p->output_shift) + p->output_offset;
  return (int8_t)th_clamp(v, p->act_min, p->act_max);
}

static inline float add_f32(const th_binary_params *p, float a, float b) {
  float v = a + b;
  v = v < p->fact_min ? p->fact_min : v;
  return p->fact_max < v ? p->fact_max : v;
}

static void th_eval_add(th_interpreter *ip, const th_op *op) {
  const th_binary_params *p = &op->p.binary;
  const th_tensor *ta = TH_T(ip, op->in[0]), *tb = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int is_int8 = ta->type == TH_INT8;
  if (!p->broadcast) {
    const int32_t n = th_elements(out);
    if (is_int8) {
      const int8_t *a = (const int8_t *)ta->data, *b = (const int8_t *)tb->data;
      int8_t *y = (int8_t *)out->data;
      for (int32_t i = 0; i < n; i++) y[i] = add_int8(p, a[i], b[i]);
    } else {
      float *y = (float *)(void *)out->data;
      for (int32_t i = 0; i < n; i++) y[i] = add_f32(p, th_f32_at(ta->data, i), th_f32_at(tb->data, i));
    }
    return;
  }
  const int32_t *d = p->out_dims;
  int32_t o = 0;
  for (int32_t i0 = 0; i0 < d[0]; i0++)
    for (int32_t i1 = 0; i1 < d[1]; i1++)
      for (int32_t i2 = 0; i2 < d[2]; i2++)
        for (int32_t i3 = 0; i3 < d[3]; i3++)
          for (int32_t i4 = 0; i4 < d[4]; i4++)
            for (int32_t i5 = 0; i5 < d[5]; i5++, o++) {
              const int32_t ia = i0 * p->in1_strides[0] + i1 * p->in1_strides[1] + i2 * p->in1_strides[2] +
                                 i3 * p->in1_strides[3] + i4 * p->in1_strides[4] + i5 * p->in1_strides[5];
              const int32_t ib = i0 * p->in2_strides[0] + i1 * p->in2_strides[1] + i2 * p->in2_strides[2] +
                                 i3 * p->in2_strides[3] + i4 * p->in2_strides[4] + i5 * p->in2_strides[5];
              if (is_int8)
                ((int8_t *)out->data)[o] = add_int8(p, ((const int8_t *)ta->data)[ia], ((const int8_t *)tb->data)[ib]);
              else
                ((float *)(void *)out->data)[o] = add_f32(p, th_f32_at(ta->data, ia), th_f32_at(tb->data, ib));
            }
}

const th_registration th_registration_add = {
    .code = 0, .name = "ADD", .prepare = th_prepare_add, .eval = th_eval_add, .select_variant = th_select_add_x86,
};
