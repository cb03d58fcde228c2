/* Host-only CONV_2D int8 path for x86-64 CPUs with AVX2 or AVX-512 VNNI: see conv_rows.c. */
#ifndef TH_CONV_ROWS_H
#define TH_CONV_ROWS_H

#include "../dot_x86.h"
#include "../engine_internal.h"

#if defined(TH_HAVE_AVX2_DOT)
/* Runs the operator with the interpreter's vector tier and returns 1, or returns 0 without
 * touching anything when the shape does not suit this path (horizontal dilation, per-call
 * buffers above their stack caps, fewer than 8 output pixels); the caller then uses the generic
 * path. Bit-identical to it. */
int th_conv_int8_rows(th_interpreter *ip, const th_op *op);
#endif

#endif
