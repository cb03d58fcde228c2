/* Host-only CONV_2D int8 path for x86-64 CPUs with AVX2 or AVX-512 VNNI: see conv_rows_x86.c. */
#ifndef TH_CONV_ROWS_H
#define TH_CONV_ROWS_H

#include "../../dot_x86.h"
#include "../kernels.h"

#if defined(TH_HAVE_AVX2_DOT)
/* 1 if the shape suits this path at the interpreter's vector tier (no horizontal dilation,
 * per-call buffers within their stack caps, at least 8 output pixels; ip->avx2 set), checked once
 * at prepare by th_select_conv_x86; 0: another kernel runs. */
int th_conv_rows_x86_fits(const th_interpreter *ip, const th_op *op);
/* Runs the operator (only when th_conv_rows_x86_fits said 1 for this tier); bit-identical to the
 * portable kernel. */
void th_eval_conv_rows_x86(th_interpreter *ip, const th_op *op);
#endif

#endif
