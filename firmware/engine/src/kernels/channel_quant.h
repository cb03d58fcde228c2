/* The int8 prepare shared by CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: quantization checks,
 * fused activation range, and per output channel the multiplier, shift and bias (filter_sum) in
 * persistent memory (th_int8_channels_persistent_bytes plans them). */
#ifndef TH_CHANNEL_QUANT_H
#define TH_CHANNEL_QUANT_H

/* How the effective scale of per-tensor weights is formed: CONV_2D and DEPTHWISE_CONV_2D multiply
 * in double (TFLM's per-channel path), FULLY_CONNECTED multiplies the two float scales in float
 * first (TFLM's GetQuantizedConvolutionMultipler). */
typedef enum { TH_SCALE_PRODUCT_DOUBLE = 0, TH_SCALE_PRODUCT_FLOAT = 1 } th_scale_product;

/* Inputs 0 (activations), 1 (weights), 2 (bias, optional) and the output of c: checks that all
 * carry quantization, that the weights have 1 or `channels` scales along quantized_dimension
 * `qdim`, that the bias is constant; fills c->op->p.conv (act_min/act_max from `act`, zero
 * points, per_channel, multiplier/shift/filter_sum for `channels` channels). */
th_status th_prepare_int8_channels(const th_prep *c, int32_t channels, int32_t qdim, int32_t act,
                                   th_scale_product product);
/* persistent bytes of th_prepare_int8_channels for an output whose last dimension is the channel count */
uint64_t th_int8_channels_persistent_bytes(const th_tensor *out);

#endif
