/* AVX2 versions of the int8 dot products (x86-64 hosts only), chosen at run time when the CPU
 * has AVX2; the default build flags stay baseline x86-64. Exact integer arithmetic: results are
 * identical to dot.h. */
#include "dot_x86.h"

#if defined(TH_HAVE_AVX2_DOT)
#include <immintrin.h>

int th_cpu_has_avx2(void) {
  /* __cpu_model is filled by a constructor of libgcc/compiler-rt before main */
  return __builtin_cpu_supports("avx2") ? 1 : 0;
}

__attribute__((target("avx2"))) static inline int32_t hsum128(__m128i s) {
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

__attribute__((target("avx2"))) static inline int32_t hsum256(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

__attribute__((target("avx2"))) void th_dot4_s16_s8_avx2(const int16_t *x, const int8_t *w, int32_t ws, int32_t n,
                                                         int32_t *out) {
  const int8_t *w0 = w, *w1 = w + ws, *w2 = w + 2 * ws, *w3 = w + 3 * ws;
  __m256i a0 = _mm256_setzero_si256(), a1 = _mm256_setzero_si256(), a2 = _mm256_setzero_si256(),
          a3 = _mm256_setzero_si256();
  int32_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i xv = _mm256_loadu_si256((const __m256i *)(const void *)(x + i));
    a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(xv, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w0 + i)))));
    a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(xv, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w1 + i)))));
    a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(xv, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w2 + i)))));
    a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(xv, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w3 + i)))));
  }
  int32_t s0 = hsum256(a0), s1 = hsum256(a1), s2 = hsum256(a2), s3 = hsum256(a3);
  if (i + 8 <= n) {
    const __m128i xv = _mm_loadu_si128((const __m128i *)(const void *)(x + i));
    s0 += hsum128(_mm_madd_epi16(xv, _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w0 + i)))));
    s1 += hsum128(_mm_madd_epi16(xv, _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w1 + i)))));
    s2 += hsum128(_mm_madd_epi16(xv, _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w2 + i)))));
    s3 += hsum128(_mm_madd_epi16(xv, _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w3 + i)))));
    i += 8;
  }
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

__attribute__((target("avx2"))) int32_t th_dot_s16_s8_avx2(const int16_t *x, const int8_t *w, int32_t n) {
  __m256i a = _mm256_setzero_si256();
  int32_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i xv = _mm256_loadu_si256((const __m256i *)(const void *)(x + i));
    a = _mm256_add_epi32(a, _mm256_madd_epi16(xv, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w + i)))));
  }
  int32_t s = hsum256(a);
  for (; i < n; i++) s += (int32_t)x[i] * (int32_t)w[i];
  return s;
}
#else
int th_cpu_has_avx2(void) { return 0; }
#endif
