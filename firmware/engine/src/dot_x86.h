/* Run-time selected AVX2 dot products (see dot_x86.c). */
#ifndef TH_DOT_X86_H
#define TH_DOT_X86_H

#include <stdint.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(TH_NO_SIMD)
#define TH_HAVE_AVX2_DOT 1
void th_dot4_s16_s8_avx2(const int16_t *x, const int8_t *w, int32_t ws, int32_t n, int32_t *out);
int32_t th_dot_s16_s8_avx2(const int16_t *x, const int8_t *w, int32_t n);
#endif
/* 1 if the AVX2 functions may be called on this CPU */
int th_cpu_has_avx2(void);

#endif
