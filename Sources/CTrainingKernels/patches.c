#include "training_kernels.h"

#include <stddef.h>
#include <string.h>

void tk_im2col(const tk_conv_geometry *g, const float *in, float *patches) {
    const int channels = g->channels;
    const size_t row_length = (size_t)g->kernel_height * g->kernel_width * channels;
    float *row = patches;
    for (int oy = 0; oy < g->out_height; oy++) {
        for (int ox = 0; ox < g->out_width; ox++, row += row_length) {
            float *tap = row;
            for (int ky = 0; ky < g->kernel_height; ky++) {
                const int iy = oy * g->stride_height - g->pad_top + ky * g->dilation_height;
                for (int kx = 0; kx < g->kernel_width; kx++, tap += channels) {
                    const int ix = ox * g->stride_width - g->pad_left + kx * g->dilation_width;
                    if (iy < 0 || iy >= g->in_height || ix < 0 || ix >= g->in_width) {
                        memset(tap, 0, sizeof(float) * (size_t)channels);
                    } else {
                        memcpy(tap, in + ((size_t)iy * g->in_width + ix) * channels, sizeof(float) * (size_t)channels);
                    }
                }
            }
        }
    }
}

void tk_col2im(const tk_conv_geometry *g, const float *patches, float *in_gradient) {
    const int channels = g->channels;
    const size_t row_length = (size_t)g->kernel_height * g->kernel_width * channels;
    const float *row = patches;
    for (int oy = 0; oy < g->out_height; oy++) {
        for (int ox = 0; ox < g->out_width; ox++, row += row_length) {
            const float *tap = row;
            for (int ky = 0; ky < g->kernel_height; ky++) {
                const int iy = oy * g->stride_height - g->pad_top + ky * g->dilation_height;
                for (int kx = 0; kx < g->kernel_width; kx++, tap += channels) {
                    const int ix = ox * g->stride_width - g->pad_left + kx * g->dilation_width;
                    if (iy < 0 || iy >= g->in_height || ix < 0 || ix >= g->in_width) continue;
                    float *dst = in_gradient + ((size_t)iy * g->in_width + ix) * channels;
                    for (int c = 0; c < channels; c++) dst[c] += tap[c];
                }
            }
        }
    }
}
