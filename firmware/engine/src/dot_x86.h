/* Host (x86-64) vector kernels chosen at run time: AVX2 (dot_x86.c) and AVX-512 VNNI (dot_vnni.c). */
#ifndef TH_DOT_X86_H
#define TH_DOT_X86_H

#include <stdint.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(TH_NO_SIMD) && !defined(TH_NO_AVX2)
#define TH_HAVE_AVX2_DOT 1
int32_t th_dot_s16_s8_avx2(const int16_t *x, const int8_t *w, int32_t n);
/* For each block of 4 rows of w (row length k; n_out rounded down to a multiple of 4):
 * y[o] = clamp(MBQM(x . w[o] + bias[o], mult[o], shift[o]) + out_zp, lo, hi).
 * x must have 8 zero elements after x[k - 1]: the last partial group of 8 is then read as a full
 * one (the weights read past a row belong to the next row and meet zeros), except where that
 * would read past w_end. */
void th_outputs4_avx2(const int16_t *x, const int8_t *w, const int8_t *w_end, int32_t k, int32_t n_out, const int32_t *bias,
                      const int32_t *mult, const int32_t *shift, int32_t out_zp, int32_t lo, int32_t hi, int8_t *y);
/* Raw dot sums of n_pixels output pixels into acc[px * n_out + o] (exactly n_pixels * n_out
 * entries): pixel px reads filter row r from x + px * pixel_step + r * row_stride as `row_groups`
 * int16 pairs; wp[(r * row_groups + g) * ws + o] holds the matching two weights of channel o as
 * int16 (low, high). ws is a multiple of 8, at least n_out rounded up to 8. */
void th_conv_acc_avx2(const int16_t *x, int32_t pixel_step, int32_t n_pixels, int32_t row_stride, int32_t rows,
                      int32_t row_groups, const int32_t *wp, int32_t ws, int32_t n_out, int32_t *acc);
/* y[i] = clamp(MBQM(acc[i] + bias_e[s], mult_e[s], shift_e[s]) + out_zp, lo, hi) for i < count,
 * s = (start + i) mod period over per-channel arrays expanded to period + 8 entries (period >= 8):
 * a row of output pixels is requantized 8 values at a time whatever its channel count. */
void th_requantize_row_avx2(const int32_t *acc, int32_t count, const int32_t *bias_e, const int32_t *mult_e,
                            const int32_t *shift_e, int32_t period, int32_t start, int32_t out_zp, int32_t lo,
                            int32_t hi, int8_t *y);
#endif
/* 1 if the AVX2 functions may be called on this CPU */
int th_cpu_has_avx2(void);

/* AVX-512 VNNI (vpdpbusd on 256-bit registers: 4 u8 x s8 products summed into each int32 lane,
 * no intermediate saturation), also chosen at run time; TH_NO_VNNI leaves it out. Activations
 * enter as u8 = x + 128, the weights as stored (s8); callers subtract (128 + input_zp) times the
 * weight sums, so the integer results equal the int16 paths'. */
#if defined(TH_HAVE_AVX2_DOT) && !defined(TH_NO_VNNI)
#define TH_HAVE_VNNI_DOT 1
/* As th_conv_acc_avx2 with u8 inputs in groups of 4 bytes: wp[(r * row_groups + g) * ws + o]
 * holds the 4 matching weights of channel o. */
void th_conv_acc_vnni(const uint8_t *x, int32_t pixel_step, int32_t n_pixels, int32_t row_stride, int32_t rows,
                      int32_t row_groups, const int32_t *wp, int32_t ws, int32_t n_out, int32_t *acc);
/* int8 FULLY_CONNECTED for one input row xu (u8 = x + 128, k values): for o < n_out,
 *   y[o] = clamp(MBQM(sum_i (xu[i] - 128 - input_zp) * w[o * k + i] + bias[o], mult[o], shift[o]) + out_zp, lo, hi)
 * reading the weight rows in place (no read past row n_out - 1 or past xu[k - 1]). */
void th_fully_connected_vnni(const uint8_t *xu, const int8_t *w, int32_t k, int32_t n_out, const int32_t *bias,
                             const int32_t *mult, const int32_t *shift, int32_t input_zp, int32_t out_zp, int32_t lo,
                             int32_t hi, int8_t *y);
#endif
/* 1 if the VNNI functions may be called on this CPU */
int th_cpu_has_vnni(void);

#endif
