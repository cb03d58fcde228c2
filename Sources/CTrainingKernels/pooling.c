#include "training_kernels.h"

#include <math.h>
#include <stddef.h>

/* One sample, NHWC. The taps of an output position are visited in (ky, kx) order, skipping those outside the
 * input, as TFLite's pooling does; an average divides by the number of in-bounds taps. */

static int tap_offset(const tk_conv_geometry *g, int oy, int ox, int ky, int kx) {
    const int iy = oy * g->stride_height - g->pad_top + ky * g->dilation_height;
    const int ix = ox * g->stride_width - g->pad_left + kx * g->dilation_width;
    if (iy < 0 || iy >= g->in_height || ix < 0 || ix >= g->in_width) return -1;
    return (iy * g->in_width + ix) * g->channels;
}

static int tap_count(const tk_conv_geometry *g, int oy, int ox) {
    int count = 0;
    for (int ky = 0; ky < g->kernel_height; ky++)
        for (int kx = 0; kx < g->kernel_width; kx++) count += tap_offset(g, oy, ox, ky, kx) >= 0;
    return count;
}

void tk_pool_forward(const tk_conv_geometry *g, int maximum, const float *in, float *out) {
    const int channels = g->channels;
    for (int oy = 0; oy < g->out_height; oy++) {
        for (int ox = 0; ox < g->out_width; ox++) {
            float *y = out + ((size_t)oy * g->out_width + ox) * channels;
            for (int c = 0; c < channels; c++) y[c] = maximum ? -INFINITY : 0.0f;
            for (int ky = 0; ky < g->kernel_height; ky++) {
                for (int kx = 0; kx < g->kernel_width; kx++) {
                    const int offset = tap_offset(g, oy, ox, ky, kx);
                    if (offset < 0) continue;
                    const float *x = in + offset;
                    if (maximum) {
                        for (int c = 0; c < channels; c++) y[c] = x[c] > y[c] ? x[c] : y[c];
                    } else {
                        for (int c = 0; c < channels; c++) y[c] += x[c];
                    }
                }
            }
            if (!maximum) {
                const int count = tap_count(g, oy, ox);
                const float scale = 1.0f / (float)(count > 1 ? count : 1);
                for (int c = 0; c < channels; c++) y[c] *= scale;
            }
        }
    }
}

void tk_pool_backward(const tk_conv_geometry *g, int maximum, const float *in, const float *out_gradient,
                      float *in_gradient) {
    const int channels = g->channels;
    for (int oy = 0; oy < g->out_height; oy++) {
        for (int ox = 0; ox < g->out_width; ox++) {
            const float *dy = out_gradient + ((size_t)oy * g->out_width + ox) * channels;
            if (!maximum) {
                const int count = tap_count(g, oy, ox);
                const float scale = 1.0f / (float)(count > 1 ? count : 1);
                for (int ky = 0; ky < g->kernel_height; ky++) {
                    for (int kx = 0; kx < g->kernel_width; kx++) {
                        const int offset = tap_offset(g, oy, ox, ky, kx);
                        if (offset < 0) continue;
                        float *dx = in_gradient + offset;
                        for (int c = 0; c < channels; c++) dx[c] += dy[c] * scale;
                    }
                }
                continue;
            }
            /* the gradient goes to the first maximum of each channel */
            for (int c = 0; c < channels; c++) {
                float best = -INFINITY;
                int best_offset = -1;
                for (int ky = 0; ky < g->kernel_height; ky++) {
                    for (int kx = 0; kx < g->kernel_width; kx++) {
                        const int offset = tap_offset(g, oy, ox, ky, kx);
                        if (offset >= 0 && in[offset + c] > best) {
                            best = in[offset + c];
                            best_offset = offset;
                        }
                    }
                }
                if (best_offset >= 0) in_gradient[best_offset + c] += dy[c];
            }
        }
    }
}
