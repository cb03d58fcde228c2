/* Shared int8 prepare of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (channel_quant.h). */
#include "kernels.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

uint64_t th_int8_channels_persistent_bytes(const th_tensor *out) {
  /* 64-bit: a channel count of 2^30 + 1 beside a zero dimension must not wrap to 4 bytes */
  uint64_t ch = out->rank > 0 ? (uint64_t)(uint32_t)out->dims[out->rank - 1] : 1u;
  return 3u * th_align16_64(4u * ch);
}

th_status th_prepare_int8_channels(const th_prep *c, int32_t channels, int32_t qdim, int32_t act,
                                   th_scale_product product) {
  th_conv_params *p = &c->op->p.conv;
  const th_tensor *in = th_in(c, 0), *filter = th_in(c, 1), *bias = th_in(c, 2), *out = th_out(c);
  const th_fb *fb = &c->m->fb;
  if (!in->has_quant || !out->has_quant || !filter->has_quant)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "int8: input, weights (filter) and output need quantization parameters", th_tensor_id(c, filter));
  if (filter->scale_count != 1u && filter->scale_count != (uint32_t)channels)
    return th_prep_fail(c, TH_ERR_MODEL_MALFORMED, "weights (filter) scale count must be 1 or the number of output channels", th_tensor_id(c, filter));
  if (filter->scale_count > 1u && filter->quantized_dimension != qdim)
    return th_prep_fail(c, TH_ERR_MODEL_MALFORMED, qdim == 0 ? "per-channel weights (filter) must use quantized_dimension 0"
                                                             : "per-channel filter must use quantized_dimension 3", th_tensor_id(c, filter));
  if (bias && !bias->is_const)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "int8: bias must be constant", th_tensor_id(c, bias));
  th_status st = th_quant_range(c, act, out, &p->act_min, &p->act_max);
  if (st != TH_OK) return st;
  p->input_zp = in->zero_point;
  p->output_zp = out->zero_point;
  p->filter_zp = filter->zero_point;
  p->per_channel = filter->scale_count > 1u;
  p->multiplier = (int32_t *)th_persistent_alloc(c->ip, 4u * (uint64_t)(uint32_t)channels);
  p->shift = (int32_t *)th_persistent_alloc(c->ip, 4u * (uint64_t)(uint32_t)channels);
  p->filter_sum = (int32_t *)th_persistent_alloc(c->ip, 4u * (uint64_t)(uint32_t)channels);   /* bias */
  if (!p->multiplier || !p->shift || !p->filter_sum)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "per-channel data larger than planned (engine bug)", -1);
  for (int32_t oc = 0; oc < channels; oc++) {
    const float fs = th_ld_f32(fb->b + filter->scale_pos + 4u * (p->per_channel ? (uint32_t)oc : 0u));
    const double real = !p->per_channel && product == TH_SCALE_PRODUCT_FLOAT
                            ? (double)(in->scale * fs) / (double)out->scale
                            : (double)in->scale * (double)fs / (double)out->scale;
    if (!th_quantize_multiplier(real, &p->multiplier[oc], &p->shift[oc]))
      return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "effective scale not representable (input * weights / output scale)", th_tensor_id(c, filter));
    p->filter_sum[oc] = bias ? th_i32_at(bias->data, oc) : 0;
  }
  return TH_OK;
}
