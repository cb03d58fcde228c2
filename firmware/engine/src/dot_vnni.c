/* AVX-512 VNNI dot products (x86-64 hosts only; see dot_x86.h), chosen at run time. */
#include "dot_x86.h"

#include <string.h>

#if defined(TH_HAVE_VNNI_DOT)
#include <immintrin.h>

#include "requant_avx2.h"

#define TH_VNNI __attribute__((target("avx2,avx512f,avx512vl,avx512bw,avx512vnni")))

int th_cpu_has_vnni(void) {
  /* libgcc/compiler-rt also check that the OS saves the AVX-512 state */
  return __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512bw") ? 1 : 0;
}

/* The accumulation loop over filter rows and 4-byte groups for two pixels at once (xp, xq):
 * twice the independent accumulator chains (vpdpbusd has a latency of several cycles) and one
 * weight load for both. */
#define TH_GROUPS_LOOP2(BODY)                                                  \
  do {                                                                         \
    const int32_t *col = wp + o;                                               \
    for (int32_t r = 0; r < rows; r++) {                                       \
      const uint8_t *xr = xp + (int64_t)r * row_stride;                        \
      const uint8_t *xs = xq + (int64_t)r * row_stride;                        \
      for (int32_t g = 0; g < row_groups; g++, col += ws) {                    \
        int32_t quad_p, quad_q;                                                \
        memcpy(&quad_p, xr + 4 * g, 4);                                        \
        memcpy(&quad_q, xs + 4 * g, 4);                                        \
        const __m256i xv = _mm256_set1_epi32(quad_p);                          \
        const __m256i xw = _mm256_set1_epi32(quad_q);                          \
        BODY                                                                   \
      }                                                                        \
    }                                                                          \
  } while (0)
#define TH_DP2(accp, accq, off)                                                              \
  {                                                                                          \
    const __m256i wv = _mm256_loadu_si256((const __m256i *)(const void *)(col + (off)));     \
    accp = _mm256_dpbusd_epi32(accp, xv, wv);                                                \
    accq = _mm256_dpbusd_epi32(accq, xw, wv);                                                \
  }
#define TH_ST2(accp, accq, off)                     \
  store_lanes(outp + o + (off), accp, n_out - o - (off)); \
  store_lanes(outq + o + (off), accq, n_out - o - (off));
#define TH_Z(a) __m256i a = _mm256_setzero_si256();

/* stores the first min(lanes, 8) lanes of v */
TH_VNNI static inline void store_lanes(int32_t *dst, __m256i v, int32_t lanes) {
  if (lanes >= 8) _mm256_storeu_si256((__m256i *)(void *)dst, v);
  else _mm256_mask_storeu_epi32(dst, (__mmask8)((1u << lanes) - 1u), v);
}

/* A lone last pixel is paired with itself. */
/* Channels o .. o + 15 (or o .. o + 7) of four pixels: with few groups per pixel, two pixels give
 * too few independent accumulator chains to hide vpdpbusd's latency. */
#define TH_GROUPS_LOOP4(BODY)                                                  \
  do {                                                                         \
    const int32_t *col = wp + o;                                               \
    for (int32_t r = 0; r < rows; r++) {                                       \
      const int64_t row = (int64_t)r * row_stride;                             \
      for (int32_t g = 0; g < row_groups; g++, col += ws) {                    \
        int32_t quad[4];                                                       \
        for (int32_t i = 0; i < 4; i++) memcpy(&quad[i], xs[i] + row + 4 * g, 4); \
        const __m256i x0 = _mm256_set1_epi32(quad[0]), x1 = _mm256_set1_epi32(quad[1]); \
        const __m256i x2 = _mm256_set1_epi32(quad[2]), x3 = _mm256_set1_epi32(quad[3]); \
        BODY                                                                   \
      }                                                                        \
    }                                                                          \
  } while (0)
#define TH_DP4(a, b, c, d, off)                                                              \
  {                                                                                          \
    const __m256i wv = _mm256_loadu_si256((const __m256i *)(const void *)(col + (off)));     \
    a = _mm256_dpbusd_epi32(a, x0, wv);                                                      \
    b = _mm256_dpbusd_epi32(b, x1, wv);                                                      \
    c = _mm256_dpbusd_epi32(c, x2, wv);                                                      \
    d = _mm256_dpbusd_epi32(d, x3, wv);                                                      \
  }
#define TH_ST4(a, b, c, d, off)                                  \
  store_lanes(outs[0] + o + (off), a, n_out - o - (off));        \
  store_lanes(outs[1] + o + (off), b, n_out - o - (off));        \
  store_lanes(outs[2] + o + (off), c, n_out - o - (off));        \
  store_lanes(outs[3] + o + (off), d, n_out - o - (off));

/* Pixels go four at a time (the last ones repeated when n_pixels is not a multiple of 4; they
 * store the same values twice): channels 32 at a time for two pixels, then the remaining 16 or 8
 * for all four. */
TH_VNNI void th_conv_acc_vnni(const uint8_t *x, int32_t pixel_step, int32_t n_pixels, int32_t row_stride, int32_t rows,
                              int32_t row_groups, const int32_t *wp, int32_t ws, int32_t n_out, int32_t *acc) {
  for (int32_t p4 = 0; p4 < n_pixels; p4 += 4) {
    const uint8_t *xs[4];
    int32_t *outs[4];
    for (int32_t i = 0; i < 4; i++) {
      const int32_t px = p4 + i < n_pixels ? p4 + i : n_pixels - 1;
      xs[i] = x + (int64_t)px * pixel_step;
      outs[i] = acc + (int64_t)px * n_out;
    }
    int32_t o = 0;
    for (; o + 32 <= n_out; o += 32)
      for (int32_t pair = 0; pair < 4; pair += 2) {
        const uint8_t *xp = xs[pair], *xq = xs[pair + 1];
        int32_t *outp = outs[pair], *outq = outs[pair + 1];
        TH_Z(p0) TH_Z(p1) TH_Z(p2) TH_Z(p3) TH_Z(q0) TH_Z(q1) TH_Z(q2) TH_Z(q3)
        TH_GROUPS_LOOP2(TH_DP2(p0, q0, 0) TH_DP2(p1, q1, 8) TH_DP2(p2, q2, 16) TH_DP2(p3, q3, 24));
        TH_ST2(p0, q0, 0) TH_ST2(p1, q1, 8) TH_ST2(p2, q2, 16) TH_ST2(p3, q3, 24)
      }
    for (; o + 8 < n_out; o += 16) {
      TH_Z(a0) TH_Z(a1) TH_Z(b0) TH_Z(b1) TH_Z(c0) TH_Z(c1) TH_Z(d0) TH_Z(d1)
      TH_GROUPS_LOOP4(TH_DP4(a0, b0, c0, d0, 0) TH_DP4(a1, b1, c1, d1, 8));
      TH_ST4(a0, b0, c0, d0, 0) TH_ST4(a1, b1, c1, d1, 8)
    }
    if (o < n_out) {
      TH_Z(a0) TH_Z(b0) TH_Z(c0) TH_Z(d0)
      TH_GROUPS_LOOP4(TH_DP4(a0, b0, c0, d0, 0));
      TH_ST4(a0, b0, c0, d0, 0)
    }
  }
}
#undef TH_ST4
#undef TH_DP4
#undef TH_GROUPS_LOOP4
#undef TH_Z
#undef TH_ST2
#undef TH_DP2
#undef TH_GROUPS_LOOP2

TH_VNNI static inline int32_t hsum256(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

TH_VNNI static void rows_dot(const uint8_t *xu, const int8_t *w, int32_t k, int32_t n_out, int32_t *acc, int32_t *wsum) {
  const __m256i ones = _mm256_set1_epi8(1);
  const int32_t tail = k & 31;
  const __mmask32 tail_mask = tail ? (__mmask32)((1u << tail) - 1u) : 0;
  const __m256i xtail = _mm256_maskz_loadu_epi8(tail_mask, xu + (k - tail));
  int32_t o = 0;
  for (; o + 2 <= n_out; o += 2) {
    const int8_t *w0 = w + (int64_t)o * k, *w1 = w0 + k;
    __m256i d0 = _mm256_setzero_si256(), d1 = _mm256_setzero_si256();
    __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
    int32_t i = 0;
    for (; i + 32 <= k; i += 32) {
      const __m256i xv = _mm256_loadu_si256((const __m256i *)(const void *)(xu + i));
      const __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)(w0 + i));
      const __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(w1 + i));
      d0 = _mm256_dpbusd_epi32(d0, xv, v0);
      d1 = _mm256_dpbusd_epi32(d1, xv, v1);
      s0 = _mm256_dpbusd_epi32(s0, ones, v0);
      s1 = _mm256_dpbusd_epi32(s1, ones, v1);
    }
    if (tail) {
      const __m256i v0 = _mm256_maskz_loadu_epi8(tail_mask, w0 + i);
      const __m256i v1 = _mm256_maskz_loadu_epi8(tail_mask, w1 + i);
      d0 = _mm256_dpbusd_epi32(d0, xtail, v0);
      d1 = _mm256_dpbusd_epi32(d1, xtail, v1);
      s0 = _mm256_dpbusd_epi32(s0, ones, v0);
      s1 = _mm256_dpbusd_epi32(s1, ones, v1);
    }
    acc[o] = hsum256(d0);
    acc[o + 1] = hsum256(d1);
    wsum[o] = hsum256(s0);
    wsum[o + 1] = hsum256(s1);
  }
  if (o < n_out) {
    const int8_t *w0 = w + (int64_t)o * k;
    __m256i d0 = _mm256_setzero_si256(), s0 = _mm256_setzero_si256();
    int32_t i = 0;
    for (; i + 32 <= k; i += 32) {
      const __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)(w0 + i));
      d0 = _mm256_dpbusd_epi32(d0, _mm256_loadu_si256((const __m256i *)(const void *)(xu + i)), v0);
      s0 = _mm256_dpbusd_epi32(s0, ones, v0);
    }
    if (tail) {
      const __m256i v0 = _mm256_maskz_loadu_epi8(tail_mask, w0 + i);
      d0 = _mm256_dpbusd_epi32(d0, xtail, v0);
      s0 = _mm256_dpbusd_epi32(s0, ones, v0);
    }
    acc[o] = hsum256(d0);
    wsum[o] = hsum256(s0);
  }
}
TH_VNNI void th_fully_connected_vnni(const uint8_t *xu, const int8_t *w, int32_t k, int32_t n_out, const int32_t *bias,
                                     const int32_t *mult, const int32_t *shift, int32_t input_zp, int32_t out_zp,
                                     int32_t lo, int32_t hi, int8_t *y) {
  enum { CHUNK = 256 };
  int32_t acc[CHUNK], wsum[CHUNK];
  const uint32_t offset = (uint32_t)(128 + input_zp);
  for (int32_t u0 = 0; u0 < n_out; u0 += CHUNK) {
    const int32_t n = n_out - u0 < CHUNK ? n_out - u0 : CHUNK;
    rows_dot(xu, w + (int64_t)u0 * k, k, n, acc, wsum);
    for (int32_t u = 0; u < n; u++) acc[u] = (int32_t)((uint32_t)acc[u] - offset * (uint32_t)wsum[u]);
    th_requantize_flat_avx2(acc, n, bias + u0, mult + u0, shift + u0, INT32_MAX, 0, out_zp, lo, hi, y + u0);
  }
}
#else
int th_cpu_has_vnni(void) { return 0; }
#endif
