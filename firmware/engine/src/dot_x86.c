/* AVX2 versions of the int8 dot products (x86-64 hosts only), chosen at run time when the CPU
 * has AVX2; the default build flags stay baseline x86-64. Exact integer arithmetic: results are
 * identical to dot.h. */
#include "dot_x86.h"

#include <string.h>

#if defined(TH_HAVE_AVX2_DOT)
#include <immintrin.h>

#include "requant_avx2.h"

int th_cpu_has_avx2(void) {
  /* __cpu_model is filled by a constructor of libgcc/compiler-rt before main */
  return __builtin_cpu_supports("avx2") ? 1 : 0;
}

__attribute__((target("avx2"))) static inline int32_t hsum256(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
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
/* MultiplyByQuantizedMultiplier on 4 lanes: the 8-lane version of requant_avx2.h on a
 * zero-extended register (one implementation of the rounding for every AVX2 path). */
__attribute__((target("avx2"))) static inline __m128i mbqm4(__m128i x, __m128i m, __m128i shift) {
  return _mm256_castsi256_si128(mbqm8(_mm256_zextsi128_si256(x), _mm256_zextsi128_si256(m), _mm256_zextsi128_si256(shift)));
}

__attribute__((target("avx2"))) void th_outputs4_avx2(const int16_t *x, const int8_t *w, const int8_t *w_end, int32_t k, int32_t n_out,
                                                      const int32_t *bias, const int32_t *mult, const int32_t *shift,
                                                      int32_t out_zp, int32_t lo, int32_t hi, int8_t *y) {
  const __m128i vzp = _mm_set1_epi32(out_zp), vlo = _mm_set1_epi32(lo), vhi = _mm_set1_epi32(hi);
  for (int32_t oc = 0; oc + 4 <= n_out; oc += 4) {
    const int8_t *w0 = w + (int64_t)oc * k, *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;
    __m256i a0 = _mm256_setzero_si256(), a1 = _mm256_setzero_si256(), a2 = _mm256_setzero_si256(),
            a3 = _mm256_setzero_si256();
    int32_t i = 0;
    for (; i + 16 <= k; i += 16) {
      const __m256i xv = _mm256_loadu_si256((const __m256i *)(const void *)(x + i));
      a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(xv, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w0 + i)))));
      a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(xv, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w1 + i)))));
      a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(xv, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w2 + i)))));
      a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(xv, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w3 + i)))));
    }
    __m128i v0 = _mm_add_epi32(_mm256_castsi256_si128(a0), _mm256_extracti128_si256(a0, 1));
    __m128i v1 = _mm_add_epi32(_mm256_castsi256_si128(a1), _mm256_extracti128_si256(a1, 1));
    __m128i v2 = _mm_add_epi32(_mm256_castsi256_si128(a2), _mm256_extracti128_si256(a2, 1));
    __m128i v3 = _mm_add_epi32(_mm256_castsi256_si128(a3), _mm256_extracti128_si256(a3, 1));
    if (i + 8 <= k) {
      const __m128i xv = _mm_loadu_si128((const __m128i *)(const void *)(x + i));
      v0 = _mm_add_epi32(v0, _mm_madd_epi16(xv, _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w0 + i)))));
      v1 = _mm_add_epi32(v1, _mm_madd_epi16(xv, _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w1 + i)))));
      v2 = _mm_add_epi32(v2, _mm_madd_epi16(xv, _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w2 + i)))));
      v3 = _mm_add_epi32(v3, _mm_madd_epi16(xv, _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w3 + i)))));
      i += 8;
    }
    if (i < k && w3 + i + 8 <= w_end) {   /* zero-padded x: the extra products are 0 */
      const __m128i xv = _mm_loadu_si128((const __m128i *)(const void *)(x + i));
      v0 = _mm_add_epi32(v0, _mm_madd_epi16(xv, _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w0 + i)))));
      v1 = _mm_add_epi32(v1, _mm_madd_epi16(xv, _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w1 + i)))));
      v2 = _mm_add_epi32(v2, _mm_madd_epi16(xv, _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w2 + i)))));
      v3 = _mm_add_epi32(v3, _mm_madd_epi16(xv, _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w3 + i)))));
      i = k;
    }
    __m128i sums = _mm_hadd_epi32(_mm_hadd_epi32(v0, v1), _mm_hadd_epi32(v2, v3));
    if (i < k) {
      int32_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (; i < k; i++) {
        const int32_t v = x[i];
        t0 += v * w0[i];
        t1 += v * w1[i];
        t2 += v * w2[i];
        t3 += v * w3[i];
      }
      sums = _mm_add_epi32(sums, _mm_set_epi32(t3, t2, t1, t0));
    }
    const __m128i acc = _mm_add_epi32(sums, _mm_loadu_si128((const __m128i *)(const void *)(bias + oc)));
    __m128i r = _mm_add_epi32(mbqm4(acc, _mm_loadu_si128((const __m128i *)(const void *)(mult + oc)),
                                    _mm_loadu_si128((const __m128i *)(const void *)(shift + oc))), vzp);
    r = _mm_min_epi32(_mm_max_epi32(r, vlo), vhi);
    r = _mm_packs_epi16(_mm_packs_epi32(r, r), r);
    const int32_t packed = _mm_cvtsi128_si32(r);
    memcpy(y + oc, &packed, 4);
  }
}

/* stores the first min(lanes, 8) lanes of v */
__attribute__((target("avx2"))) static inline void store_lanes(int32_t *dst, __m256i v, int32_t lanes) {
  if (lanes >= 8) {
    _mm256_storeu_si256((__m256i *)(void *)dst, v);
  } else {
    const __m256i keep = _mm256_cmpgt_epi32(_mm256_set1_epi32(lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_epi32(dst, keep, v);
  }
}

/* Two pixels (xp, xq) at once over filter rows and int16 pairs: twice the independent
 * accumulator chains, one weight load for both. */
#define TH_PAIRS_LOOP2(BODY)                                                   \
  do {                                                                         \
    const int32_t *col = wp + o;                                               \
    for (int32_t r = 0; r < rows; r++) {                                       \
      const int16_t *xr = xp + (int64_t)r * row_stride;                        \
      const int16_t *xs = xq + (int64_t)r * row_stride;                        \
      for (int32_t g = 0; g < row_groups; g++, col += ws) {                    \
        int32_t pair_p, pair_q;                                                \
        memcpy(&pair_p, xr + 2 * g, 4);                                        \
        memcpy(&pair_q, xs + 2 * g, 4);                                        \
        const __m256i xv = _mm256_set1_epi32(pair_p);                          \
        const __m256i xw = _mm256_set1_epi32(pair_q);                          \
        BODY                                                                   \
      }                                                                        \
    }                                                                          \
  } while (0)
#define TH_MADD2(accp, accq, off)                                                            \
  {                                                                                          \
    const __m256i wv = _mm256_loadu_si256((const __m256i *)(const void *)(col + (off)));     \
    accp = _mm256_add_epi32(accp, _mm256_madd_epi16(xv, wv));                               \
    accq = _mm256_add_epi32(accq, _mm256_madd_epi16(xw, wv));                                \
  }
#define TH_ST2(accp, accq, off)                                \
  store_lanes(outp + o + (off), accp, n_out - o - (off));      \
  store_lanes(outq + o + (off), accq, n_out - o - (off));
#define TH_Z(a) __m256i a = _mm256_setzero_si256();

__attribute__((target("avx2"))) void th_conv_acc_avx2(const int16_t *x, int32_t pixel_step, int32_t n_pixels,
                                                      int32_t row_stride, int32_t rows, int32_t row_groups,
                                                      const int32_t *wp, int32_t ws, int32_t n_out, int32_t *acc) {
  for (int32_t px = 0; px < n_pixels; px += 2) {
    const int32_t qx = px + 1 < n_pixels ? px + 1 : px;   /* a lone last pixel pairs with itself */
    const int16_t *xp = x + (int64_t)px * pixel_step, *xq = x + (int64_t)qx * pixel_step;
    int32_t *outp = acc + (int64_t)px * n_out, *outq = acc + (int64_t)qx * n_out;
    int32_t o = 0;
    for (; o + 32 <= n_out; o += 32) {
      TH_Z(p0) TH_Z(p1) TH_Z(p2) TH_Z(p3) TH_Z(q0) TH_Z(q1) TH_Z(q2) TH_Z(q3)
      TH_PAIRS_LOOP2(TH_MADD2(p0, q0, 0) TH_MADD2(p1, q1, 8) TH_MADD2(p2, q2, 16) TH_MADD2(p3, q3, 24));
      TH_ST2(p0, q0, 0) TH_ST2(p1, q1, 8) TH_ST2(p2, q2, 16) TH_ST2(p3, q3, 24)
    }
    for (; o + 8 < n_out; o += 16) {
      TH_Z(p0) TH_Z(p1) TH_Z(q0) TH_Z(q1)
      TH_PAIRS_LOOP2(TH_MADD2(p0, q0, 0) TH_MADD2(p1, q1, 8));
      TH_ST2(p0, q0, 0) TH_ST2(p1, q1, 8)
    }
    if (o < n_out) {
      TH_Z(p0) TH_Z(q0)
      TH_PAIRS_LOOP2(TH_MADD2(p0, q0, 0));
      TH_ST2(p0, q0, 0)
    }
  }
}
#undef TH_Z
#undef TH_ST2
#undef TH_MADD2
#undef TH_PAIRS_LOOP2

__attribute__((target("avx2"))) void th_requantize_row_avx2(const int32_t *acc, int32_t count, const int32_t *bias_e,
                                                            const int32_t *mult_e, const int32_t *shift_e,
                                                            int32_t period, int32_t start, int32_t out_zp, int32_t lo,
                                                            int32_t hi, int8_t *y) {
  th_requantize_flat_avx2(acc, count, bias_e, mult_e, shift_e, period, start, out_zp, lo, hi, y);
}
#else
int th_cpu_has_avx2(void) { return 0; }
#endif
