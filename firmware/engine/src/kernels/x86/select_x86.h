/* Host (x86-64) variant choice of the int8 CONV_2D, FULLY_CONNECTED, DEPTHWISE_CONV_2D, ADD and AVERAGE_POOL_2D
 * kernels: each function returns what the operator runs at the interpreter's vector tier
 * (ip->avx2, ip->vnni) for its shape, the portable kernel when no variant suits. The
 * registrations name them (select_variant); th_op_prepare calls them after the operator's
 * prepare and th_limit_simd again after lowering the tier. Other targets: op->eval unchanged. */
#ifndef TH_SELECT_X86_H
#define TH_SELECT_X86_H

#include "../kernels.h"
#include "../../dot_x86.h"

th_eval_fn th_select_conv_x86(const th_interpreter *ip, const th_op *op);
th_eval_fn th_select_fully_connected_x86(const th_interpreter *ip, const th_op *op);
th_eval_fn th_select_depthwise_x86(const th_interpreter *ip, const th_op *op);
th_eval_fn th_select_add_x86(const th_interpreter *ip, const th_op *op);
th_eval_fn th_select_average_pool_x86(const th_interpreter *ip, const th_op *op);

#endif
