/* AVX2 requantization of 8 int32 accumulators at once, exactly as the scalar th_mbqm path
 * (TFLM's MultiplyByQuantizedMultiplier; multipliers are >= 0). Included by the x86-64 kernel
 * files only; every function carries its own target attribute, so the default build flags stay
 * baseline x86-64 and the code runs only after a CPU check. */
#ifndef TH_REQUANT_AVX2_H
#define TH_REQUANT_AVX2_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

/* MultiplyByQuantizedMultiplier on 8 lanes, exactly as the scalar th_mbqm for multipliers >= 0.
 * SaturatingRoundingDoublingHighMul's "add 2^30 or 1 - 2^30 by sign, divide by 2^31 truncating
 * toward zero" equals floor((a * m + 2^30) / 2^31) for both signs (for a negative product
 * t = a*m + 1 - 2^30, trunc(t / 2^31) = floor((t + 2^31 - 1) / 2^31)), and the low 32 bits of
 * that floor are the same after a logical 64-bit shift: two multiplies, two adds, two shifts.
 * (engine_test checks the identity against th_srdhm on random operands.) */
__attribute__((target("avx2"))) static inline __m256i mbqm8(__m256i x, __m256i m, __m256i shift) {
  const __m256i zero = _mm256_setzero_si256(), one = _mm256_set1_epi32(1);
  const __m256i left = _mm256_max_epi32(shift, zero), right = _mm256_max_epi32(_mm256_sub_epi32(zero, shift), zero);
  const __m256i a = _mm256_sllv_epi32(x, left);
  const __m256i nudge = _mm256_set1_epi64x(1LL << 30);
  const __m256i h_even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(a, m), nudge), 31);
  const __m256i h_odd = _mm256_srli_epi64(
      _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(m, 32)), nudge), 31);
  const __m256i h = _mm256_blend_epi32(h_even, _mm256_slli_epi64(h_odd, 32), 0xAA);
  /* RoundingDivideByPOT(h, right) */
  const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, right), one);
  const __m256i rem = _mm256_and_si256(h, mask);
  const __m256i thr = _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), _mm256_cmpgt_epi32(zero, h));
  return _mm256_sub_epi32(_mm256_srav_epi32(h, right), _mm256_cmpgt_epi32(rem, thr));
}

/* Requantizes 8 accumulators: y[j] = clamp(MBQM(acc[j] + bias[j], mult[j], shift[j]) + zp, lo, hi)
 * for j < n (1 <= n <= 8), storing n bytes; the per-channel arrays are read with a lane mask,
 * never past element n - 1. */
__attribute__((target("avx2"))) static inline void requantize8(__m256i acc, const int32_t *bias, const int32_t *mult,
                                                               const int32_t *shift, int32_t n, __m256i vzp,
                                                               __m256i vlo, __m256i vhi, int8_t *y) {
  __m256i b, m, s;
  if (n >= 8) {
    b = _mm256_loadu_si256((const __m256i *)(const void *)bias);
    m = _mm256_loadu_si256((const __m256i *)(const void *)mult);
    s = _mm256_loadu_si256((const __m256i *)(const void *)shift);
  } else {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i keep = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lane);
    b = _mm256_maskload_epi32(bias, keep);
    m = _mm256_maskload_epi32(mult, keep);
    s = _mm256_maskload_epi32(shift, keep);
  }
  __m256i r = _mm256_add_epi32(mbqm8(_mm256_add_epi32(acc, b), m, s), vzp);
  r = _mm256_min_epi32(_mm256_max_epi32(r, vlo), vhi);
  const __m128i r16 = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
  const __m128i r8 = _mm_packs_epi16(r16, r16);
  if (n >= 8) {
    _mm_storel_epi64((__m128i *)(void *)y, r8);
  } else {
    int8_t tmp[16];
    _mm_storeu_si128((__m128i *)(void *)tmp, r8);
    memcpy(y, tmp, (size_t)n);
  }
}

/* y[i] = clamp(MBQM(acc[i] + bias_e[s], mult_e[s], shift_e[s]) + out_zp, lo, hi) for i < count,
 * where s = (start + i) mod period walks arrays expanded to period + 8 entries (period >= 8):
 * one vector of 8 outputs at a time whatever the channel count, so per-pixel partial blocks
 * (e.g. 12 channels) cost nothing extra. Writes exactly count bytes. */
__attribute__((target("avx2"))) static inline void th_requantize_flat_avx2(const int32_t *acc, int32_t count,
                                                                         const int32_t *bias_e, const int32_t *mult_e,
                                                                         const int32_t *shift_e, int32_t period,
                                                                         int32_t start, int32_t out_zp, int32_t lo,
                                                                         int32_t hi, int8_t *y) {
  const __m256i vzp = _mm256_set1_epi32(out_zp), vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi);
  int32_t s = start;
  int32_t i = 0;
  for (; i < count; i += 8) {
    const int32_t n = count - i < 8 ? count - i : 8;
    __m256i a;
    if (n == 8) {
      a = _mm256_loadu_si256((const __m256i *)(const void *)(acc + i));
    } else {
      const __m256i keep = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
      a = _mm256_maskload_epi32(acc + i, keep);
    }
    requantize8(a, bias_e + s, mult_e + s, shift_e + s, n, vzp, vlo, vhi, y + i);
    s += 8;
    if (s >= period) s -= period;
  }
}

#endif
