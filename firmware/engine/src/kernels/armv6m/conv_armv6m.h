/* Cortex-M0+ variants of the int8 CONV_2D and FULLY_CONNECTED kernels (ARMv6-M: one 32-bit
 * multiply per cycle, no SIMD, LDRSB only with a register offset). Chosen once at prepare by
 * th_select_*_armv6m (select_armv6m.c) on Cortex-M0+ builds, or on any build compiled with
 * -DTH_ARMV6M_KERNELS (the host tests use that to check them bit for bit against TFLM's
 * outputs). Same integers as the reference kernels:
 *   sum w * (x - zp) + bias == sum w * x + (bias - zp * sum w)   (mod 2^32, exact in int32)
 * so the inner loops read raw int8 activations (padded taps hold zp, contributing 0) and the
 * per-channel constant bias - zp * sum(w) is folded at prepare into filter_sum. */
#ifndef TH_CONV_ARMV6M_H
#define TH_CONV_ARMV6M_H

#include "../kernels.h"

#if defined(__ARM_ARCH_6M__) || defined(TH_ARMV6M_KERNELS)
#define TH_HAVE_ARMV6M_KERNELS 1
#endif

/* At the end of the int8 prepare: returns 1 and folds the zero point into p->filter_sum when the
 * variant takes this operator (then op->eval and p->armv6m are set), 0 to keep the reference kernel. */
int th_select_conv_armv6m(const th_prep *c);
int th_select_fully_connected_armv6m(const th_prep *c);
void th_eval_conv_armv6m(th_interpreter *ip, const th_op *op);
void th_eval_fully_connected_armv6m(th_interpreter *ip, const th_op *op);
/* int8 DEPTHWISE_CONV_2D with depth multiplier 1 and at most 25 taps (depthwise_armv6m.c) */
int th_select_depthwise_armv6m(const th_prep *c);
void th_eval_depthwise_armv6m(th_interpreter *ip, const th_op *op);
/* int8 ADD, equal shapes (add_armv6m.c): at the end of the int8 prepare, 1 when the variant takes
 * the operator (op->eval), 0 to keep the reference kernel */
int th_select_add_armv6m(const th_prep *c);

#endif
