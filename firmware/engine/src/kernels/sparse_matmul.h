/* int8 FULLY_CONNECTED and CONV_2D with THS1 sparse weights (sparse_weights.h): only the stored
 * entries are multiplied. Same integers as the dense kernels (bias - input_zp * sum(w) folded at
 * prepare, as kernels/armv6m), so outputs equal TFLM's on the dense equivalent bit for bit. */
#ifndef TH_SPARSE_MATMUL_H
#define TH_SPARSE_MATMUL_H

#include "kernels.h"

/* At the end of the int8 prepare of an operator whose weights (input 1) are sparse: checks what
 * the sparse kernels need, folds the zero point, points op->eval at the sparse kernel. */
th_status th_prepare_sparse_weights(const th_prep *c);
void th_eval_sparse_fully_connected(th_interpreter *ip, const th_op *op);
void th_eval_sparse_conv(th_interpreter *ip, const th_op *op);

#endif
