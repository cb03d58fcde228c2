#include "training_kernels.h"

#include <stddef.h>

/* Both walk the taps row by row. Where a filter row lies wholly inside the input with no horizontal dilation,
 * its kernel_width x channels values are contiguous in the sample and move in one plain loop (the compiler
 * vectorises it; a memcpy call per tap of one or a few channels cost more than the copy). */

static int row_is_contiguous(const tk_conv_geometry *g, int ix0) {
    return g->dilation_width == 1 && ix0 >= 0 && ix0 + g->kernel_width <= g->in_width;
}

void tk_im2col(const tk_conv_geometry *g, const float *in, float *patches) {
    const int channels = g->channels;
    const int run = g->kernel_width * channels;
    float *tap = patches;
    for (int oy = 0; oy < g->out_height; oy++) {
        for (int ox = 0; ox < g->out_width; ox++) {
            const int ix0 = ox * g->stride_width - g->pad_left;
            const int contiguous = row_is_contiguous(g, ix0);
            for (int ky = 0; ky < g->kernel_height; ky++, tap += run) {
                const int iy = oy * g->stride_height - g->pad_top + ky * g->dilation_height;
                if (iy < 0 || iy >= g->in_height) {
                    for (int e = 0; e < run; e++) tap[e] = 0.0f;
                    continue;
                }
                const float *row = in + (size_t)iy * g->in_width * channels;
                if (contiguous) {
                    const float *src = row + (size_t)ix0 * channels;
                    for (int e = 0; e < run; e++) tap[e] = src[e];
                    continue;
                }
                for (int kx = 0; kx < g->kernel_width; kx++) {
                    const int ix = ix0 + kx * g->dilation_width;
                    float *dst = tap + kx * channels;
                    if (ix < 0 || ix >= g->in_width) {
                        for (int c = 0; c < channels; c++) dst[c] = 0.0f;
                    } else {
                        const float *src = row + (size_t)ix * channels;
                        for (int c = 0; c < channels; c++) dst[c] = src[c];
                    }
                }
            }
        }
    }
}

void tk_col2im(const tk_conv_geometry *g, const float *patches, float *in_gradient) {
    const int channels = g->channels;
    const int run = g->kernel_width * channels;
    const float *tap = patches;
    for (int oy = 0; oy < g->out_height; oy++) {
        for (int ox = 0; ox < g->out_width; ox++) {
            const int ix0 = ox * g->stride_width - g->pad_left;
            const int contiguous = row_is_contiguous(g, ix0);
            for (int ky = 0; ky < g->kernel_height; ky++, tap += run) {
                const int iy = oy * g->stride_height - g->pad_top + ky * g->dilation_height;
                if (iy < 0 || iy >= g->in_height) continue;
                float *row = in_gradient + (size_t)iy * g->in_width * channels;
                if (contiguous) {
                    float *dst = row + (size_t)ix0 * channels;
                    for (int e = 0; e < run; e++) dst[e] += tap[e];
                    continue;
                }
                for (int kx = 0; kx < g->kernel_width; kx++) {
                    const int ix = ix0 + kx * g->dilation_width;
                    if (ix < 0 || ix >= g->in_width) continue;
                    float *dst = row + (size_t)ix * channels;
                    const float *src = tap + kx * channels;
                    for (int c = 0; c < channels; c++) dst[c] += src[c];
                }
            }
        }
    }
}
