/* Shape handling shared by the element-wise binary operators (ADD, MUL): NumPy broadcasting
 * over up to 6 dimensions. */
#ifndef TH_BINARY_SHAPE_H
#define TH_BINARY_SHAPE_H

#include "kernels.h"

/* Fills p->broadcast, out_dims and strides (right-aligned to 6-D). */
th_status th_binary_shapes(const th_prep *c, th_binary_params *p, const th_tensor *a,
                           const th_tensor *b, const th_tensor *out);

#endif
