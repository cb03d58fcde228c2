/* Host-only int8 ADD for CPUs with AVX2 (x86-64): see add_avx2.c. */
#ifndef TH_ADD_AVX2_H
#define TH_ADD_AVX2_H

#include "../../dot_x86.h"
#include "../kernels.h"

#if defined(TH_HAVE_AVX2_DOT)
/* y[i] = ADD(a[i], b[i]) for i < n (same shapes, no broadcasting), exactly as the scalar path.
 * Call only when the CPU has AVX2 (ip->avx2). */
void th_add_int8_avx2(const th_binary_params *p, const int8_t *a, const int8_t *b, int8_t *y, int32_t n);
#endif

#endif
