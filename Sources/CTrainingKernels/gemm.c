#include "training_kernels.h"

#include <stddef.h>

/* The bodies are written in axpy form (the innermost loop runs over contiguous output columns without a
 * reduction) so the compiler vectorises them without reassociating floating-point sums. They are inlined into a
 * portable and, on x86-64, an AVX2+FMA wrapper chosen at run time. */

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
__attribute__((target("avx2,fma"))) static void gemm_nn_avx2(int m, int n, int k, const float *a, int lda,
                                                              const float *b, int ldb, float *c, int ldc) {
    gemm_nn_body(m, n, k, a, lda, b, ldb, c, ldc);
}

__attribute__((target("avx2,fma"))) static void gemm_tn_avx2(int m, int n, int k, const float *a, int lda,
                                                              const float *b, int ldb, float *c, int ldc) {
    gemm_tn_body(m, n, k, a, lda, b, ldb, c, ldc);
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
