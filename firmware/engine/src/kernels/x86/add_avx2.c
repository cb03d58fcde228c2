/* int8 ADD, 8 elements at a time with AVX2: TFLM's three rescalings (each input to 2 * max scale
 * with a left shift of 20, the sum to the output) through the same exact 8-lane
 * MultiplyByQuantizedMultiplier as the convolutions (requant_avx2.h). */
#include "add_avx2.h"

#if defined(TH_HAVE_AVX2_DOT)
#include <immintrin.h>
#include <string.h>

#include "../../requant_avx2.h"

__attribute__((target("avx2"))) static inline __m128i add8(const th_binary_params *p, __m128i a8, __m128i b8) {
  const __m256i a = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtepi8_epi32(a8), _mm256_set1_epi32(p->input1_offset)), 20);
  const __m256i b = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtepi8_epi32(b8), _mm256_set1_epi32(p->input2_offset)), 20);
  const __m256i sa = mbqm8(a, _mm256_set1_epi32(p->input1_multiplier), _mm256_set1_epi32(p->input1_shift));
  const __m256i sb = mbqm8(b, _mm256_set1_epi32(p->input2_multiplier), _mm256_set1_epi32(p->input2_shift));
  __m256i r = mbqm8(_mm256_add_epi32(sa, sb), _mm256_set1_epi32(p->output_multiplier), _mm256_set1_epi32(p->output_shift));
  r = _mm256_add_epi32(r, _mm256_set1_epi32(p->output_offset));
  r = _mm256_min_epi32(_mm256_max_epi32(r, _mm256_set1_epi32(p->act_min)), _mm256_set1_epi32(p->act_max));
  const __m128i r16 = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
  return _mm_packs_epi16(r16, r16);
}

__attribute__((target("avx2"))) void th_add_int8_avx2(const th_binary_params *p, const int8_t *a, const int8_t *b, int8_t *y,
                                                      int32_t n) {
  int32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i r = add8(p, _mm_loadl_epi64((const __m128i *)(const void *)(a + i)),
                           _mm_loadl_epi64((const __m128i *)(const void *)(b + i)));
    _mm_storel_epi64((__m128i *)(void *)(y + i), r);
  }
  if (i < n) {   /* the last 1-7 elements through zero-padded copies */
    int8_t ta[8] = {0}, tb[8] = {0}, ty[16];
    memcpy(ta, a + i, (size_t)(n - i));
    memcpy(tb, b + i, (size_t)(n - i));
    _mm_storeu_si128((__m128i *)(void *)ty, add8(p, _mm_loadl_epi64((const __m128i *)(const void *)ta),
                                                 _mm_loadl_epi64((const __m128i *)(const void *)tb)));
    memcpy(y + i, ty, (size_t)(n - i));
  }
}
#endif
