/* CONV_2D: int8 (per-channel or per-tensor weights) and float32; stride, dilation, SAME/VALID.
 * int8: acc = sum w * (x - input_zp) + bias, requantized per output channel (TFLM ConvPerChannel).
 * The int8 path gathers each receptive field into an int16 patch of x - input_zp (padded taps 0,
 * i.e. they contribute nothing, as in TFLM) and takes its dot product with each filter row. */
#include "conv.h"
#include "../dot.h"
#include "armv6m/conv_armv6m.h"
#include "sparse_matmul.h"
#include "x86/select_x86.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* int16 patch of the receptive field (kh x kw x cin) + 8 zeros read by the SIMD dot products */
static uint32_t th_conv_scratch_bytes(const th_tensor *in, const th_tensor *filter, const th_tensor *out) {
  (void)in;
  (void)out;
  if (filter == NULL || filter->rank != 4) return 0;
  uint64_t k = (uint64_t)filter->dims[1] * (uint64_t)filter->dims[2] * (uint64_t)filter->dims[3];
  return 2u * (k > TH_MAX_ACCUMULATION ? TH_MAX_ACCUMULATION : (uint32_t)k) + 16u;
}

static th_status th_prepare_conv(const th_prep *c) {
  th_conv_params *p = &c->op->p.conv;
  th_status st = th_require_inputs(c, 2, 3);
  if (st != TH_OK) return st;
  const th_tensor *in = th_in(c, 0), *filter = th_in(c, 1), *bias = th_in(c, 2), *out = th_out(c);
  const int32_t type = in->type;
  if (type != TH_INT8 && type != TH_FLOAT32)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "CONV_2D: input must be int8 or float32", th_tensor_id(c, in));
  if (filter->type != type)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "CONV_2D: filter type must match input (int8/float32)", th_tensor_id(c, filter));
  if (out->type != type)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "CONV_2D: output type must match input", th_tensor_id(c, out));
  if (bias && bias->type != (type == TH_INT8 ? TH_INT32 : TH_FLOAT32))
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "CONV_2D: bias must be int32 (int8 model) or float32", th_tensor_id(c, bias));
  if (in->rank != 4 || filter->rank != 4 || out->rank != 4)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "CONV_2D: input, filter and output must be 4-D", th_tensor_id(c, in));
  const int32_t cin = in->dims[3], cout = filter->dims[0], kh = filter->dims[1], kw = filter->dims[2];
  if (cout > TH_MAX_CHANNELS)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "CONV_2D: more than 2^20 output channels (filter dimension 0)", th_tensor_id(c, filter));
  if (filter->dims[3] != cin)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_OPERATOR, "CONV_2D: filter depth must equal input depth (grouped convolution not supported)", th_tensor_id(c, filter));
  if (out->dims[0] != in->dims[0] || out->dims[3] != cout)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "CONV_2D: output batch/depth do not match input/filter", th_tensor_id(c, out));
  if (bias && th_elements(bias) != cout)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "CONV_2D: bias length must equal output depth", th_tensor_id(c, bias));
  th_fb_table o = th_options(c, 1);
  const th_fb *fb = &c->m->fb;
  int32_t padding = th_fb_i8(fb, &o, 0, 0);
  p->stride_w = th_fb_i32(fb, &o, 1, 0);
  p->stride_h = th_fb_i32(fb, &o, 2, 0);
  int32_t act = th_fb_i8(fb, &o, 3, 0);
  p->dilation_w = th_fb_i32(fb, &o, 4, 1);
  p->dilation_h = th_fb_i32(fb, &o, 5, 1);
  int32_t oh, ow;
  if (!th_compute_padding(padding, in->dims[1], kh, p->stride_h, p->dilation_h, &oh, &p->pad_h) ||
      !th_compute_padding(padding, in->dims[2], kw, p->stride_w, p->dilation_w, &ow, &p->pad_w))
    return th_prep_fail(c, TH_ERR_MODEL_MALFORMED, "Conv2DOptions: invalid padding/stride/dilation", -1);
  if (oh != out->dims[1] || ow != out->dims[2])
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "CONV_2D: output height/width inconsistent with padding/stride/dilation", th_tensor_id(c, out));
  int64_t k = (int64_t)kh * kw * cin;
  if (k > TH_MAX_ACCUMULATION)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "CONV_2D: receptive field above 65536 values", th_tensor_id(c, filter));
  if (act < 0 || act > 3)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_OPERATOR, "fused_activation_function: only NONE, RELU, RELU_N1_TO_1, RELU6", -1);
  if (type == TH_FLOAT32) {
    th_activation_range_f32(act, &p->fact_min, &p->fact_max);
    return TH_OK;
  }
  if (th_conv_scratch_bytes(in, filter, out) > c->ip->scratch_bytes)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "CONV_2D: kernel scratch smaller than planned (engine bug)", -1);
  st = th_prepare_int8_channels(c, cout, 0, act, TH_SCALE_PRODUCT_DOUBLE);
  if (st != TH_OK) return st;
  if (filter->is_sparse) return th_prepare_sparse_weights(c);   /* THS1 weights: sparse_matmul.c */
  (void)th_select_conv_armv6m(c);   /* Cortex-M0+ builds: kernels/armv6m takes the operator (op->eval) */
  return TH_OK;
}

void th_conv_int8_pixels(th_interpreter *ip, const th_op *op, th_conv_outputs_fn outputs) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], cin = in->dims[3];
  const int32_t kh = filter->dims[1], kw = filter->dims[2], cout = filter->dims[0];
  const int32_t oh = out->dims[1], ow = out->dims[2];
  const int32_t k = kh * kw * cin;
  const int8_t *x = (const int8_t *)in->data;
  const int8_t *w = (const int8_t *)filter->data;
  int8_t *y = (int8_t *)out->data;
  int16_t *patch = (int16_t *)(void *)ip->scratch;
  const int32_t zp = p->input_zp;
  const int32_t sh = p->stride_h, sw = p->stride_w, ph = p->pad_h, pw = p->pad_w, dh = p->dilation_h, dw = p->dilation_w;
  for (int32_t i = 0; i < 8; i++) patch[k + i] = 0;   /* zero tail read by vector dot products */
  for (int32_t b = 0; b < batches; b++) {
    for (int32_t oy = 0; oy < oh; oy++) {
      const int32_t y0 = oy * sh - ph;
      for (int32_t ox = 0; ox < ow; ox++) {
        const int32_t x0 = ox * sw - pw;
        int16_t *pp = patch;
        if (dw == 1 && x0 >= 0 && x0 + kw <= iw && y0 >= 0 && y0 + (kh - 1) * dh < ih) {
          /* interior window: each filter row is one contiguous run of kw * cin values */
          const int32_t run = kw * cin;
          for (int32_t ky = 0; ky < kh; ky++) {
            const int8_t *src = x + (((int64_t)b * ih + y0 + ky * dh) * iw + x0) * cin;
            for (int32_t i = 0; i < run; i++) pp[i] = (int16_t)(src[i] - zp);
            pp += run;
          }
        } else {
        for (int32_t ky = 0; ky < kh; ky++) {
          const int32_t iy = y0 + ky * dh;
          if (iy < 0 || iy >= ih) {
            for (int32_t i = 0; i < kw * cin; i++) pp[i] = 0;
            pp += kw * cin;
            continue;
          }
          const int8_t *row = x + ((int64_t)b * ih + iy) * iw * cin;
          for (int32_t kx = 0; kx < kw; kx++) {
            const int32_t ix = x0 + kx * dw;
            if (ix >= 0 && ix < iw) {
              const int8_t *src = row + (int64_t)ix * cin;
              if (cin == 1) pp[0] = (int16_t)(src[0] - zp);
              else for (int32_t i = 0; i < cin; i++) pp[i] = (int16_t)(src[i] - zp);
            } else {
              for (int32_t i = 0; i < cin; i++) pp[i] = 0;
            }
            pp += cin;
          }
        }
        }
        outputs(op, patch, w, w + filter->bytes, k, cout, y + (((int64_t)b * oh + oy) * ow + ox) * cout);
      }
    }
  }
}

/* four channels per th_dot4_s16_s8, the rest one dot product each */
static void outputs_portable(const th_op *op, const int16_t *patch, const int8_t *w, const int8_t *w_end, int32_t k,
                             int32_t cout, int8_t *yo) {
  const th_conv_params *p = &op->p.conv;
  const int32_t ozp = p->output_zp, lo = p->act_min, hi = p->act_max;
  const int32_t *bias_term = p->filter_sum, *mult = p->multiplier, *shift = p->shift;
  int32_t oc = 0, acc[4];
  (void)w_end;
  for (; oc + 4 <= cout; oc += 4) {
    th_dot4_s16_s8(patch, w + (int64_t)oc * k, k, k, acc);
    for (int32_t j = 0; j < 4; j++) {
      int32_t v = th_mbqm(th_add_wrap(acc[j], bias_term[oc + j]), mult[oc + j], shift[oc + j]) + ozp;
      yo[oc + j] = (int8_t)th_clamp(v, lo, hi);
    }
  }
  for (; oc < cout; oc++) {
    int32_t a = th_add_wrap(th_dot_s16_s8(patch, w + (int64_t)oc * k, k), bias_term[oc]);
    int32_t v = th_mbqm(a, mult[oc], shift[oc]) + ozp;
    yo[oc] = (int8_t)th_clamp(v, lo, hi);
  }
}

static inline float act_f32(float v, float lo, float hi) {
  v = v < lo ? lo : v;
  return hi < v ? hi : v;
}

static void eval_f32(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const th_tensor *bias = (op->n_in > 2 && op->in[2] >= 0) ? TH_T(ip, op->in[2]) : NULL;
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], cin = in->dims[3];
  const int32_t kh = filter->dims[1], kw = filter->dims[2], cout = filter->dims[0];
  const int32_t oh = out->dims[1], ow = out->dims[2];
  const uint8_t *x = in->data, *w = filter->data;
  float *y = (float *)(void *)out->data;
  for (int32_t b = 0; b < batches; b++)
    for (int32_t oy = 0; oy < oh; oy++)
      for (int32_t ox = 0; ox < ow; ox++)
        for (int32_t oc = 0; oc < cout; oc++) {
          const int32_t y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
          float total = 0.0f;
          for (int32_t ky = 0; ky < kh; ky++) {
            const int32_t iy = y0 + ky * p->dilation_h;
            for (int32_t kx = 0; kx < kw; kx++) {
              const int32_t ix = x0 + kx * p->dilation_w;
              if (!(ix >= 0 && ix < iw && iy >= 0 && iy < ih)) continue;
              const int32_t xi = ((b * ih + iy) * iw + ix) * cin;
              const int32_t wi = ((oc * kh + ky) * kw + kx) * cin;
              for (int32_t ic = 0; ic < cin; ic++)
                total += th_f32_at(x, xi + ic) * th_f32_at(w, wi + ic);
            }
          }
          float bv = bias ? th_f32_at(bias->data, oc) : 0.0f;
          y[((b * oh + oy) * ow + ox) * cout + oc] = act_f32(total + bv, p->fact_min, p->fact_max);
        }
}

static void th_eval_conv(th_interpreter *ip, const th_op *op) {
  if (TH_T(ip, op->in[0])->type == TH_INT8) th_conv_int8_pixels(ip, op, outputs_portable);
  else eval_f32(ip, op);
}

const th_registration th_registration_conv_2d = {
    .code = 3, .name = "CONV_2D", .prepare = th_prepare_conv, .eval = th_eval_conv,
    .scratch_bytes = th_conv_scratch_bytes,
    .persistent_bytes = th_int8_channels_persistent_bytes,
    .sparse_weights = 1,
    .select_variant = th_select_conv_x86,
};
