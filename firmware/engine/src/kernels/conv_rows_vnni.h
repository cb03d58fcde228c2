/* Host-only CONV_2D int8 path for CPUs with AVX-512 VNNI (x86-64): see conv_rows_vnni.c. */
#ifndef TH_CONV_ROWS_VNNI_H
#define TH_CONV_ROWS_VNNI_H

#include "../dot_x86.h"
#include "../engine_internal.h"

#if defined(TH_HAVE_VNNI_DOT)
/* Runs the operator and returns 1, or returns 0 without touching anything when the shape does
 * not suit this path (horizontal dilation, per-call buffers above their stack caps, fewer than 8
 * output pixels); the caller then uses another path. Bit-identical to the generic path. */
int th_conv_int8_rows_vnni(th_interpreter *ip, const th_op *op);
#endif

#endif
