/* The Cortex-M0+ requantize-and-store loop shared by the CONV_2D, FULLY_CONNECTED and
 * DEPTHWISE_CONV_2D variants (requant_store_armv6m.c): up to 16 accumulators of consecutive
 * channels to int8 outputs, with each channel's shift encoded at prepare (th_requant_encode). */
#ifndef TH_REQUANT_STORE_ARMV6M_H
#define TH_REQUANT_STORE_ARMV6M_H

#include "../kernels.h"

/* Arguments of the requantize-and-store loop (the assembly reads them at these offsets). */
typedef struct th_requant_args {
  const int32_t *multiplier;   /* 0 */
  const int32_t *enc;          /* 4: th_requant_encode(shift) per channel */
  int32_t output_zp, lo, hi;   /* 8, 12, 16 */
} th_requant_args;

/* y[j] = clamp(requant(acc[j]) + zp) for j < n (n >= 1), channels a->multiplier[j], a->enc[j] */
void th_requant_store_armv6m(const int32_t *acc, int8_t *y, int32_t n, const th_requant_args *a);

/* 2 when every one of the n channels' shifts is encodable (then p->shift holds th_requant_encode of
 * it and th_requant_store_armv6m requantizes), else 1 (th_mbqm_armv6m per output) */
int32_t th_requant_encode_shifts(th_conv_params *p, int32_t n);

/* requantizes and stores n (1..16) outputs of channels c.. of an operator whose p->armv6m is 1 or 2 */
void th_requant_outputs_armv6m(const int32_t *acc, int32_t c, int32_t n, const th_conv_params *p, int8_t *y);

#endif
