#include "training_kernels.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Branch-free loops over contiguous floats: the compiler vectorises them (the Swift loops they replace, with a
 * `where` clause per element, did not). */

void tk_clamp(float *values, long count, float lower, float upper) {
    for (long i = 0; i < count; i++) {
        const float v = values[i] < lower ? lower : values[i];
        values[i] = v > upper ? upper : v;
    }
}

/* As a bit mask (all ones where the output is inside, else zero) on the float's bits, so the loop has no branch
 * (the clamp patterns of RELU outputs mispredict) and vectorises; a zeroed element is +0.0 whatever it held. */
void tk_mask_gradient(float *gradient, const float *outputs, long count, float lower, float upper) {
    for (long i = 0; i < count; i++) {
        const float o = outputs[i];
        const uint32_t keep = 0u - (uint32_t)((o > lower) & (o < upper));
        uint32_t bits;
        memcpy(&bits, &gradient[i], sizeof bits);
        bits &= keep;
        memcpy(&gradient[i], &bits, sizeof bits);
    }
}

void tk_fill_rows(float *y, long rows, int channels, const float *row) {
    for (long r = 0; r < rows; r++) {
        float *out = y + (size_t)r * (size_t)channels;
        for (int c = 0; c < channels; c++) out[c] = row != NULL ? row[c] : 0.0f;
    }
}

void tk_sum_rows(float *sum, const float *x, long rows, int channels) {
    for (long r = 0; r < rows; r++) {
        const float *in = x + (size_t)r * (size_t)channels;
        for (int c = 0; c < channels; c++) sum[c] += in[c];
    }
}
