#include "training_kernels.h"

#include <stddef.h>

/* The portable bodies are written in axpy form (the innermost loop runs over contiguous output columns without a
 * reduction) so the compiler vectorises them without reassociating floating-point sums. On x86-64 an AVX2+FMA
 * register-tiled product (below) is chosen at run time instead. */

static inline __attribute__((always_inline)) void gemm_nn_body(int m, int n, int k, const float *a, int lda,
                                                              const float *b, int ldb, float *c, int ldc) {
    int row = 0;
    for (; row + 4 <= m; row += 4) {
        float *c0 = c + (size_t)row * ldc, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
        const float *a0 = a + (size_t)row * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        for (int p = 0; p < k; p++) {
            const float v0 = a0[p], v1 = a1[p], v2 = a2[p], v3 = a3[p];
            if (v0 == 0.0f && v1 == 0.0f && v2 == 0.0f && v3 == 0.0f) continue;
            const float *bp = b + (size_t)p * ldb;
            for (int col = 0; col < n; col++) {
                const float bv = bp[col];
                c0[col] += v0 * bv;
                c1[col] += v1 * bv;
                c2[col] += v2 * bv;
                c3[col] += v3 * bv;
            }
        }
    }
    for (; row < m; row++) {
        float *cr = c + (size_t)row * ldc;
        const float *ar = a + (size_t)row * lda;
        for (int p = 0; p < k; p++) {
            const float v = ar[p];
            if (v == 0.0f) continue;
            const float *bp = b + (size_t)p * ldb;
            for (int col = 0; col < n; col++) cr[col] += v * bp[col];
        }
    }
}

static inline __attribute__((always_inline)) void gemm_tn_body(int m, int n, int k, const float *a, int lda,
                                                              const float *b, int ldb, float *c, int ldc) {
    int p = 0;
    for (; p + 2 <= k; p += 2) {
        const float *ap0 = a + (size_t)p * lda, *ap1 = ap0 + lda;
        const float *bp0 = b + (size_t)p * ldb, *bp1 = bp0 + ldb;
        for (int row = 0; row < m; row++) {
            const float v0 = ap0[row], v1 = ap1[row];
            if (v0 == 0.0f && v1 == 0.0f) continue;
            float *cr = c + (size_t)row * ldc;
            for (int col = 0; col < n; col++) cr[col] += v0 * bp0[col] + v1 * bp1[col];
        }
    }
    for (; p < k; p++) {
        const float *ap = a + (size_t)p * lda;
        const float *bp = b + (size_t)p * ldb;
        for (int row = 0; row < m; row++) {
            const float v = ap[row];
            if (v == 0.0f) continue;
            float *cr = c + (size_t)row * ldc;
            for (int col = 0; col < n; col++) cr[col] += v * bp[col];
        }
    }
}

static void gemm_nn_portable(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c,
                             int ldc) {
    gemm_nn_body(m, n, k, a, lda, b, ldb, c, ldc);
}

static void gemm_tn_portable(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c,
                             int ldc) {
    gemm_tn_body(m, n, k, a, lda, b, ldb, c, ldc);
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define TK_HAVE_AVX2_VARIANT 1
#include <immintrin.h>

/* Lanes [0, count) of an 8-float vector, for the right edge of a tile (count 0..8). */
__attribute__((target("avx2,fma"))) static inline __m256i lane_mask(int count) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lanes);
}

/* C[i][j] += sum_p A(i,p) * B[p][j] with A(i,p) = a[i*a_row + p*a_col]: a register-tiled product. Each tile of
 * TK_TILE_ROWS rows x 16 columns of C stays in eight accumulators for the whole reduction, so C is read and
 * written once per tile instead of once per p, and one broadcast of A(i,p) feeds two FMAs. Every element still
 * accumulates p = 0, 1, ..., k-1 in order with one fused multiply-add each, like the axpy loops above. */
#define TK_TILE_ROWS 4
__attribute__((target("avx2,fma"))) static void gemm_tiled_avx2(int m, int n, int k, const float *a, int a_row,
                                                                 int a_col, const float *b, int ldb, float *c,
                                                                 int ldc) {
    for (int col = 0; col < n; col += 16) {
        const int width = n - col < 16 ? n - col : 16;
        const __m256i mask0 = lane_mask(width < 8 ? width : 8);
        const __m256i mask1 = lane_mask(width > 8 ? width - 8 : 0);
        const float *bcol = b + col;
        int row = 0;
        for (; row + TK_TILE_ROWS <= m; row += TK_TILE_ROWS) {
            float *c0 = c + (size_t)row * ldc + col, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
            const float *a0 = a + (size_t)row * a_row, *a1 = a0 + a_row, *a2 = a1 + a_row, *a3 = a2 + a_row;
            __m256 s00 = _mm256_maskload_ps(c0, mask0), s01 = _mm256_maskload_ps(c0 + 8, mask1);
            __m256 s10 = _mm256_maskload_ps(c1, mask0), s11 = _mm256_maskload_ps(c1 + 8, mask1);
            __m256 s20 = _mm256_maskload_ps(c2, mask0), s21 = _mm256_maskload_ps(c2 + 8, mask1);
            __m256 s30 = _mm256_maskload_ps(c3, mask0), s31 = _mm256_maskload_ps(c3 + 8, mask1);
            if (width == 16) {
                for (int p = 0; p < k; p++) {
                    const float *bp = bcol + (size_t)p * ldb;
                    const size_t ap = (size_t)p * a_col;
                    const __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
                    __m256 v = _mm256_broadcast_ss(a0 + ap);
                    s00 = _mm256_fmadd_ps(v, b0, s00), s01 = _mm256_fmadd_ps(v, b1, s01);
                    v = _mm256_broadcast_ss(a1 + ap);
                    s10 = _mm256_fmadd_ps(v, b0, s10), s11 = _mm256_fmadd_ps(v, b1, s11);
                    v = _mm256_broadcast_ss(a2 + ap);
                    s20 = _mm256_fmadd_ps(v, b0, s20), s21 = _mm256_fmadd_ps(v, b1, s21);
                    v = _mm256_broadcast_ss(a3 + ap);
                    s30 = _mm256_fmadd_ps(v, b0, s30), s31 = _mm256_fmadd_ps(v, b1, s31);
                }
            } else {
                for (int p = 0; p < k; p++) {
                    const float *bp = bcol + (size_t)p * ldb;
                    const size_t ap = (size_t)p * a_col;
                    const __m256 b0 = _mm256_maskload_ps(bp, mask0), b1 = _mm256_maskload_ps(bp + 8, mask1);
                    __m256 v = _mm256_broadcast_ss(a0 + ap);
                    s00 = _mm256_fmadd_ps(v, b0, s00), s01 = _mm256_fmadd_ps(v, b1, s01);
                    v = _mm256_broadcast_ss(a1 + ap);
                    s10 = _mm256_fmadd_ps(v, b0, s10), s11 = _mm256_fmadd_ps(v, b1, s11);
                    v = _mm256_broadcast_ss(a2 + ap);
                    s20 = _mm256_fmadd_ps(v, b0, s20), s21 = _mm256_fmadd_ps(v, b1, s21);
                    v = _mm256_broadcast_ss(a3 + ap);
                    s30 = _mm256_fmadd_ps(v, b0, s30), s31 = _mm256_fmadd_ps(v, b1, s31);
                }
            }
            _mm256_maskstore_ps(c0, mask0, s00), _mm256_maskstore_ps(c0 + 8, mask1, s01);
            _mm256_maskstore_ps(c1, mask0, s10), _mm256_maskstore_ps(c1 + 8, mask1, s11);
            _mm256_maskstore_ps(c2, mask0, s20), _mm256_maskstore_ps(c2 + 8, mask1, s21);
            _mm256_maskstore_ps(c3, mask0, s30), _mm256_maskstore_ps(c3 + 8, mask1, s31);
        }
        for (; row < m; row++) {
            float *cr = c + (size_t)row * ldc + col;
            const float *ar = a + (size_t)row * a_row;
            __m256 s0 = _mm256_maskload_ps(cr, mask0), s1 = _mm256_maskload_ps(cr + 8, mask1);
            for (int p = 0; p < k; p++) {
                const float *bp = bcol + (size_t)p * ldb;
                const __m256 v = _mm256_broadcast_ss(ar + (size_t)p * a_col);
                s0 = _mm256_fmadd_ps(v, _mm256_maskload_ps(bp, mask0), s0);
                s1 = _mm256_fmadd_ps(v, _mm256_maskload_ps(bp + 8, mask1), s1);
            }
            _mm256_maskstore_ps(cr, mask0, s0), _mm256_maskstore_ps(cr + 8, mask1, s1);
        }
    }
}

__attribute__((target("avx2,fma"))) static void gemm_nn_avx2(int m, int n, int k, const float *a, int lda,
                                                              const float *b, int ldb, float *c, int ldc) {
    gemm_tiled_avx2(m, n, k, a, lda, 1, b, ldb, c, ldc);
}

__attribute__((target("avx2,fma"))) static void gemm_tn_avx2(int m, int n, int k, const float *a, int lda,
                                                              const float *b, int ldb, float *c, int ldc) {
    gemm_tiled_avx2(m, n, k, a, 1, lda, b, ldb, c, ldc);
}
#endif

int tk_vector_level(void) {
#ifdef TK_HAVE_AVX2_VARIANT
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
#else
    return 0;
#endif
}

void tk_gemm_nn(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
#ifdef TK_HAVE_AVX2_VARIANT
    if (tk_vector_level()) {
        gemm_nn_avx2(m, n, k, a, lda, b, ldb, c, ldc);
        return;
    }
#endif
    gemm_nn_portable(m, n, k, a, lda, b, ldb, c, ldc);
}

void tk_gemm_tn(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
#ifdef TK_HAVE_AVX2_VARIANT
    if (tk_vector_level()) {
        gemm_tn_avx2(m, n, k, a, lda, b, ldb, c, ldc);
        return;
    }
#endif
    gemm_tn_portable(m, n, k, a, lda, b, ldb, c, ldc);
}
