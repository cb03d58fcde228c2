/* Run-time selected AVX2 dot products (see dot_x86.c). */
#ifndef TH_DOT_X86_H
#define TH_DOT_X86_H

#include <stdint.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(TH_NO_SIMD) && !defined(TH_NO_AVX2)
#define TH_HAVE_AVX2_DOT 1
void th_dot4_s16_s8_avx2(const int16_t *x, const int8_t *w, int32_t ws, int32_t n, int32_t *out);
int32_t th_dot_s16_s8_avx2(const int16_t *x, const int8_t *w, int32_t n);
/* For each block of 4 rows of w (row length k; n_out rounded down to a multiple of 4):
 * y[o] = clamp(MBQM(x . w[o] + bias[o], mult[o], shift[o]) + out_zp, lo, hi).
 * x must have 8 zero elements after x[k - 1]: the last partial group of 8 is then read as a full
 * one (the weights read past a row belong to the next row and meet zeros), except where that
 * would read past w_end. */
void th_outputs4_avx2(const int16_t *x, const int8_t *w, const int8_t *w_end, int32_t k, int32_t n_out, const int32_t *bias,
                      const int32_t *mult, const int32_t *shift, int32_t out_zp, int32_t lo, int32_t hi, int8_t *y);
/* One output pixel of a convolution from pair-packed weights: for o in [0, n_out),
 *   y[o] = clamp(MBQM(sum_p x2[p] . wp[p * ws + o] + bias[o], mult[o], shift[o]) + out_zp, lo, hi)
 * where x2[p] is (x[2p], x[2p+1]) and each wp word holds weights 2p (low int16) and 2p+1 (high
 * int16) of output channel o. ws is a multiple of 8 and >= n_out rounded up to 8; x has 2 * pairs
 * elements. bias, mult and shift are read only below n_out. */
void th_conv_pixel_avx2(const int16_t *x, int32_t pairs, const int32_t *wp, int32_t ws, int32_t n_out, const int32_t *bias,
                        const int32_t *mult, const int32_t *shift, int32_t out_zp, int32_t lo, int32_t hi, int8_t *y);
#endif
/* 1 if the AVX2 functions may be called on this CPU */
int th_cpu_has_avx2(void);

#endif
