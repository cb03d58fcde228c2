/* Integer dot products for the int8 CONV_2D / FULLY_CONNECTED hot loops: int16 activations
 * (already offset by the input zero point) times int8 weights, int32 sums. Exact integer
 * arithmetic, so the SSE2 path and the portable path give identical results. Products are at most
 * 255 * 128 and depths are bounded by TH_MAX_ACCUMULATION, so the sums cannot overflow.
 * Define TH_NO_SIMD to force the portable path (what the Cortex-M0+ build uses), TH_NO_AVX2 to
 * keep SSE2 but leave out the run-time selected AVX2 kernels (tests build all three). */
#ifndef TH_DOT_H
#define TH_DOT_H

#include <stdint.h>

#include "dot_x86.h"

#if defined(__SSE2__) && !defined(TH_NO_SIMD)
#include <emmintrin.h>
#define TH_DOT_SSE2 1

static inline __m128i th_sext_lo_s8(__m128i v) { return _mm_srai_epi16(_mm_unpacklo_epi8(v, v), 8); }
static inline __m128i th_sext_hi_s8(__m128i v) { return _mm_srai_epi16(_mm_unpackhi_epi8(v, v), 8); }
static inline int32_t th_hsum_epi32(__m128i v) {
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0x4e));
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0xb1));
  return _mm_cvtsi128_si32(v);
}
#endif

/* dst[i] = src[i] - zp as int16, for i < n (the int16 patches the dot products read) */
static inline void th_widen_sub_s8(const int8_t *src, int32_t n, int32_t zp, int16_t *dst) {
  int32_t i = 0;
#if defined(TH_DOT_SSE2)
  const __m128i vzp = _mm_set1_epi16((int16_t)zp);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
    _mm_storeu_si128((__m128i *)(void *)(dst + i), _mm_sub_epi16(th_sext_lo_s8(v), vzp));
    _mm_storeu_si128((__m128i *)(void *)(dst + i + 8), _mm_sub_epi16(th_sext_hi_s8(v), vzp));
  }
  if (i + 8 <= n) {
    const __m128i v = _mm_loadl_epi64((const __m128i *)(const void *)(src + i));
    _mm_storeu_si128((__m128i *)(void *)(dst + i), _mm_sub_epi16(th_sext_lo_s8(v), vzp));
    i += 8;
  }
#endif
  for (; i < n; i++) dst[i] = (int16_t)(src[i] - zp);
}

/* sum_i x[i] * w[i] */
static inline int32_t th_dot_s16_s8(const int16_t *x, const int8_t *w, int32_t n) {
  int32_t i = 0, s = 0;
#if defined(TH_DOT_SSE2)
  __m128i acc = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    const __m128i wv = _mm_loadu_si128((const __m128i *)(const void *)(w + i));
    const __m128i xa = _mm_loadu_si128((const __m128i *)(const void *)(x + i));
    const __m128i xb = _mm_loadu_si128((const __m128i *)(const void *)(x + i + 8));
    acc = _mm_add_epi32(acc, _mm_madd_epi16(xa, th_sext_lo_s8(wv)));
    acc = _mm_add_epi32(acc, _mm_madd_epi16(xb, th_sext_hi_s8(wv)));
  }
  for (; i + 8 <= n; i += 8) {
    const __m128i wv = _mm_loadl_epi64((const __m128i *)(const void *)(w + i));
    const __m128i xa = _mm_loadu_si128((const __m128i *)(const void *)(x + i));
    acc = _mm_add_epi32(acc, _mm_madd_epi16(xa, th_sext_lo_s8(wv)));
  }
  s = th_hsum_epi32(acc);
#endif
  for (; i < n; i++) s += (int32_t)x[i] * (int32_t)w[i];
  return s;
}

/* Four weight rows (stride ws) against the same x: out[r] = sum_i x[i] * w[r*ws + i] */
static inline void th_dot4_s16_s8(const int16_t *x, const int8_t *w, int32_t ws, int32_t n, int32_t *out) {
  const int8_t *w0 = w, *w1 = w + ws, *w2 = w + 2 * ws, *w3 = w + 3 * ws;
  int32_t i = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#if defined(TH_DOT_SSE2)
  __m128i a0 = _mm_setzero_si128(), a1 = _mm_setzero_si128(), a2 = _mm_setzero_si128(), a3 = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    const __m128i xa = _mm_loadu_si128((const __m128i *)(const void *)(x + i));
    const __m128i xb = _mm_loadu_si128((const __m128i *)(const void *)(x + i + 8));
    __m128i wv;
    wv = _mm_loadu_si128((const __m128i *)(const void *)(w0 + i));
    a0 = _mm_add_epi32(a0, _mm_add_epi32(_mm_madd_epi16(xa, th_sext_lo_s8(wv)), _mm_madd_epi16(xb, th_sext_hi_s8(wv))));
    wv = _mm_loadu_si128((const __m128i *)(const void *)(w1 + i));
    a1 = _mm_add_epi32(a1, _mm_add_epi32(_mm_madd_epi16(xa, th_sext_lo_s8(wv)), _mm_madd_epi16(xb, th_sext_hi_s8(wv))));
    wv = _mm_loadu_si128((const __m128i *)(const void *)(w2 + i));
    a2 = _mm_add_epi32(a2, _mm_add_epi32(_mm_madd_epi16(xa, th_sext_lo_s8(wv)), _mm_madd_epi16(xb, th_sext_hi_s8(wv))));
    wv = _mm_loadu_si128((const __m128i *)(const void *)(w3 + i));
    a3 = _mm_add_epi32(a3, _mm_add_epi32(_mm_madd_epi16(xa, th_sext_lo_s8(wv)), _mm_madd_epi16(xb, th_sext_hi_s8(wv))));
  }
  for (; i + 8 <= n; i += 8) {
    const __m128i xa = _mm_loadu_si128((const __m128i *)(const void *)(x + i));
    a0 = _mm_add_epi32(a0, _mm_madd_epi16(xa, th_sext_lo_s8(_mm_loadl_epi64((const __m128i *)(const void *)(w0 + i)))));
    a1 = _mm_add_epi32(a1, _mm_madd_epi16(xa, th_sext_lo_s8(_mm_loadl_epi64((const __m128i *)(const void *)(w1 + i)))));
    a2 = _mm_add_epi32(a2, _mm_madd_epi16(xa, th_sext_lo_s8(_mm_loadl_epi64((const __m128i *)(const void *)(w2 + i)))));
    a3 = _mm_add_epi32(a3, _mm_madd_epi16(xa, th_sext_lo_s8(_mm_loadl_epi64((const __m128i *)(const void *)(w3 + i)))));
  }
  s0 = th_hsum_epi32(a0);
  s1 = th_hsum_epi32(a1);
  s2 = th_hsum_epi32(a2);
  s3 = th_hsum_epi32(a3);
#endif
  for (; i < n; i++) {
    const int32_t v = x[i];
    s0 += v * w0[i];
    s1 += v * w1[i];
    s2 += v * w2[i];
    s3 += v * w3[i];
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}

#endif
