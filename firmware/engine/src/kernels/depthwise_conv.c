/* DEPTHWISE_CONV_2D: int8 (per-channel or per-tensor) and float32; any depth multiplier,
 * stride, dilation, SAME/VALID. Output channel = in_channel * depth_multiplier + m.
 * int8: acc[oc] = sum over in-bounds taps of w * (x - input_zp) + bias (TFLM DepthwiseConvPerChannel). */
#include "kernels.h"
#include "armv6m/conv_armv6m.h"
#include "armv6m/requant_armv6m.h"
#include "x86/select_x86.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* int32 sums, one per output channel */
static uint32_t th_depthwise_conv_scratch_bytes(const th_tensor *in, const th_tensor *filter, const th_tensor *out) {
  (void)in;
  (void)filter;
  if (out->rank != 4) return 0;
  uint64_t k = 4ull * (uint64_t)out->dims[3];
  return k > 0x10000000u ? 0x10000000u : (uint32_t)k;
}

static th_status th_prepare_depthwise_conv(const th_prep *c) {
  th_conv_params *p = &c->op->p.conv;
  th_status st = th_require_inputs(c, 2, 3);
  if (st != TH_OK) return st;
  const th_tensor *in = th_in(c, 0), *filter = th_in(c, 1), *bias = th_in(c, 2), *out = th_out(c);
  const int32_t type = in->type;
  const th_fb *fb = &c->m->fb;
  if (type != TH_INT8 && type != TH_FLOAT32)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "DEPTHWISE_CONV_2D: input must be int8 or float32", th_tensor_id(c, in));
  if (filter->type != type)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "DEPTHWISE_CONV_2D: filter type must match input", th_tensor_id(c, filter));
  if (out->type != type)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "DEPTHWISE_CONV_2D: output type must match input", th_tensor_id(c, out));
  if (bias && bias->type != (type == TH_INT8 ? TH_INT32 : TH_FLOAT32))
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "DEPTHWISE_CONV_2D: bias must be int32 (int8 model) or float32", th_tensor_id(c, bias));
  if (in->rank != 4 || filter->rank != 4 || out->rank != 4)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "DEPTHWISE_CONV_2D: input, filter and output must be 4-D", th_tensor_id(c, in));
  const int32_t cin = in->dims[3], kh = filter->dims[1], kw = filter->dims[2], cout = filter->dims[3];
  if (cout > TH_MAX_CHANNELS)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "DEPTHWISE_CONV_2D: more than 2^20 output channels (filter dimension 3)", th_tensor_id(c, filter));
  if (filter->dims[0] != 1)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "DEPTHWISE_CONV_2D: filter must be [1, H, W, C]", th_tensor_id(c, filter));
  if (cin <= 0 || cout % cin != 0)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "DEPTHWISE_CONV_2D: output depth must be a multiple of input depth", th_tensor_id(c, filter));
  p->depth_multiplier = cout / cin;
  if (out->dims[0] != in->dims[0] || out->dims[3] != cout)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "DEPTHWISE_CONV_2D: output batch/depth do not match", th_tensor_id(c, out));
  if (bias && th_elements(bias) != cout)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "DEPTHWISE_CONV_2D: bias length must equal output depth", th_tensor_id(c, bias));
  th_fb_table o = th_options(c, 2);
  int32_t padding = th_fb_i8(fb, &o, 0, 0);
  p->stride_w = th_fb_i32(fb, &o, 1, 0);
  p->stride_h = th_fb_i32(fb, &o, 2, 0);
  int32_t act = th_fb_i8(fb, &o, 4, 0);
  p->dilation_w = th_fb_i32(fb, &o, 5, 1);
  p->dilation_h = th_fb_i32(fb, &o, 6, 1);
  int32_t oh, ow;
  if (!th_compute_padding(padding, in->dims[1], kh, p->stride_h, p->dilation_h, &oh, &p->pad_h) ||
      !th_compute_padding(padding, in->dims[2], kw, p->stride_w, p->dilation_w, &ow, &p->pad_w))
    return th_prep_fail(c, TH_ERR_MODEL_MALFORMED, "DepthwiseConv2DOptions: invalid padding/stride/dilation", -1);
  if (oh != out->dims[1] || ow != out->dims[2])
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "DEPTHWISE_CONV_2D: output height/width inconsistent with padding/stride/dilation", th_tensor_id(c, out));
  if ((int64_t)kh * kw > TH_MAX_ACCUMULATION)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "DEPTHWISE_CONV_2D: filter above 65536 taps", th_tensor_id(c, filter));
  if (act < 0 || act > 3)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_OPERATOR, "fused_activation_function: only NONE, RELU, RELU_N1_TO_1, RELU6", -1);
  if (type == TH_FLOAT32) {
    th_activation_range_f32(act, &p->fact_min, &p->fact_max);
    return TH_OK;
  }
  if (th_depthwise_conv_scratch_bytes(in, filter, out) > c->ip->scratch_bytes)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "DEPTHWISE_CONV_2D: kernel scratch smaller than planned (engine bug)", -1);
  st = th_prepare_int8_channels(c, cout, 3, act, TH_SCALE_PRODUCT_DOUBLE);
  if (st != TH_OK) return st;
  (void)th_select_depthwise_armv6m(c);   /* Cortex-M0+ builds: kernels/armv6m takes the operator (op->eval) */
  return TH_OK;
}

static void eval_int8(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], cin = in->dims[3];
  const int32_t kh = filter->dims[1], kw = filter->dims[2], cout = filter->dims[3];
  const int32_t oh = out->dims[1], ow = out->dims[2], dm = p->depth_multiplier;
  const int8_t *x = (const int8_t *)in->data, *w = (const int8_t *)filter->data;
  int8_t *y = (int8_t *)out->data;
  int32_t *acc = (int32_t *)(void *)ip->scratch;
  const int32_t zp = p->input_zp, ozp = p->output_zp, lo = p->act_min, hi = p->act_max;
  for (int32_t b = 0; b < batches; b++)
    for (int32_t oy = 0; oy < oh; oy++)
      for (int32_t ox = 0; ox < ow; ox++) {
        const int32_t y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
        memset(acc, 0, 4u * (size_t)cout);
        for (int32_t ky = 0; ky < kh; ky++) {
          const int32_t iy = y0 + ky * p->dilation_h;
          if (iy < 0 || iy >= ih) continue;
          for (int32_t kx = 0; kx < kw; kx++) {
            const int32_t ix = x0 + kx * p->dilation_w;
            if (ix < 0 || ix >= iw) continue;
            /* 32-bit index arithmetic: model.c bounds every tensor's dimension product below 2^31
             * bytes (64-bit products cost two __aeabi_lmul calls per tap on Cortex-M0+) */
            const int8_t *xp = x + ((b * ih + iy) * iw + ix) * cin;
            const int8_t *wp = w + (ky * kw + kx) * cout;
            if (dm == 1) {
              for (int32_t ch = 0; ch < cin; ch++) acc[ch] += (int32_t)wp[ch] * ((int32_t)xp[ch] - zp);
            } else {
              for (int32_t ch = 0; ch < cin; ch++) {
                const int32_t xv = (int32_t)xp[ch] - zp;
                for (int32_t m = 0; m < dm; m++) acc[ch * dm + m] += (int32_t)wp[ch * dm + m] * xv;
              }
            }
          }
        }
        int8_t *yo = y + ((b * oh + oy) * ow + ox) * cout;
        for (int32_t oc = 0; oc < cout; oc++) {
          int32_t v = th_mbqm_target(th_add_wrap(acc[oc], p->filter_sum[oc]), p->multiplier[oc], p->shift[oc]) + ozp;
          yo[oc] = (int8_t)th_clamp(v, lo, hi);
        }
      }
}

static void eval_f32(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const th_tensor *bias = (op->n_in > 2 && op->in[2] >= 0) ? TH_T(ip, op->in[2]) : NULL;
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], cin = in->dims[3];
  const int32_t kh = filter->dims[1], kw = filter->dims[2], cout = filter->dims[3];
  const int32_t oh = out->dims[1], ow = out->dims[2], dm = p->depth_multiplier;
  float *y = (float *)(void *)out->data;
  for (int32_t b = 0; b < batches; b++)
    for (int32_t oy = 0; oy < oh; oy++)
      for (int32_t ox = 0; ox < ow; ox++)
        for (int32_t ic = 0; ic < cin; ic++)
          for (int32_t m = 0; m < dm; m++) {
            const int32_t oc = m + ic * dm;
            const int32_t y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
            float total = 0.0f;
            for (int32_t ky = 0; ky < kh; ky++)
              for (int32_t kx = 0; kx < kw; kx++) {
                const int32_t ix = x0 + p->dilation_w * kx, iy = y0 + p->dilation_h * ky;
                if (ix >= 0 && ix < iw && iy >= 0 && iy < ih)
                  total += th_f32_at(in->data, ((b * ih + iy) * iw + ix) * cin + ic) *
                           th_f32_at(filter->data, (ky * kw + kx) * cout + oc);
              }
            float v = total + (bias ? th_f32_at(bias->data, oc) : 0.0f);
            v = v < p->fact_min ? p->fact_min : v;
            y[((b * oh + oy) * ow + ox) * cout + oc] = p->fact_max < v ? p->fact_max : v;
          }
}

static void th_eval_depthwise_conv(th_interpreter *ip, const th_op *op) {
  if (TH_T(ip, op->in[0])->type == TH_INT8) eval_int8(ip, op);
  else eval_f32(ip, op);
}

const th_registration th_registration_depthwise_conv_2d = {
    .code = 4, .name = "DEPTHWISE_CONV_2D", .prepare = th_prepare_depthwise_conv, .eval = th_eval_depthwise_conv,
    .scratch_bytes = th_depthwise_conv_scratch_bytes,
    .persistent_bytes = th_int8_channels_persistent_bytes,
    .select_variant = th_select_depthwise_x86,
};
