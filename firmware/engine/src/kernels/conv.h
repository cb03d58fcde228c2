/* The int8 CONV_2D pixel loop shared by the portable kernel (conv.c) and the per-pixel host
 * variant (x86/conv_x86.c): each output pixel's receptive field is gathered into an int16 patch
 * of x - input_zp (padded taps 0) in ip->scratch, followed by 8 zeros, and handed to `outputs`. */
#ifndef TH_CONV_H
#define TH_CONV_H

#include "kernels.h"

/* yo[oc] for oc < cout from the patch (k values) and the filter rows w (k values each; the
 * weights end at w_end) */
typedef void (*th_conv_outputs_fn)(const th_op *op, const int16_t *patch, const int8_t *w, const int8_t *w_end,
                                   int32_t k, int32_t cout, int8_t *yo);
void th_conv_int8_pixels(th_interpreter *ip, const th_op *op, th_conv_outputs_fn outputs);

#endif
