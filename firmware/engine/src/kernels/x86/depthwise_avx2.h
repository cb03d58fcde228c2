/* Host-only int8 DEPTHWISE_CONV_2D for CPUs with AVX2 (x86-64): see depthwise_avx2.c. */
#ifndef TH_DEPTHWISE_AVX2_H
#define TH_DEPTHWISE_AVX2_H

#include "../../dot_x86.h"
#include "../kernels.h"

#if defined(TH_HAVE_AVX2_DOT)
/* Runs the operator and returns 1, or returns 0 without touching anything when it does not suit
 * this path (depth multiplier above 2, more than 64 filter taps); the caller then uses the
 * generic loop. Call only when the CPU has AVX2 (ip->avx2). Bit-identical to the generic loop. */
int th_depthwise_int8_avx2(th_interpreter *ip, const th_op *op);
/* 1 if th_depthwise_int8_avx2 takes this operator's shape (checked once at prepare) */
int th_depthwise_avx2_fits(const th_interpreter *ip, const th_op *op);
#endif

#endif
