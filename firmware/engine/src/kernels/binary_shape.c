#include "binary_shape.h"

th_status th_binary_shapes(const th_prep *c, th_binary_params *p, const th_tensor *a,
                           const th_tensor *b, const th_tensor *out) {
  int32_t da[TH_MAX_RANK], db[TH_MAX_RANK], dout[TH_MAX_RANK];
  p->broadcast = 0;
  if (a->rank != b->rank) p->broadcast = 1;
  else
    for (int32_t i = 0; i < a->rank; i++)
      if (a->dims[i] != b->dims[i]) p->broadcast = 1;
  for (int32_t i = 0; i < TH_MAX_RANK; i++) {
    int32_t ia = i - (TH_MAX_RANK - a->rank), ib = i - (TH_MAX_RANK - b->rank), io = i - (TH_MAX_RANK - out->rank);
    da[i] = ia >= 0 ? a->dims[ia] : 1;
    db[i] = ib >= 0 ? b->dims[ib] : 1;
    dout[i] = io >= 0 ? out->dims[io] : 1;
    int32_t want;
    if (da[i] == db[i]) want = da[i];
    else if (da[i] == 1) want = db[i];
    else if (db[i] == 1) want = da[i];
    else return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "element-wise operator: input shapes are not broadcastable", th_tensor_id(c, b));
    if (want != dout[i])
      return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "element-wise operator: output shape is not the broadcast of the inputs", th_tensor_id(c, out));
  }
  if (out->rank < a->rank || out->rank < b->rank)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "element-wise operator: output rank below input rank", th_tensor_id(c, out));
  /* strides in 64 bits: the product of dimensions after a zero dimension may pass int32 */
  int64_t sa = 1, sb = 1;
  for (int32_t i = TH_MAX_RANK - 1; i >= 0; i--) {
    if (sa > 0x7fffffff || sb > 0x7fffffff)
      return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "element-wise operator: input strides above 2^31", th_tensor_id(c, a));
    p->out_dims[i] = dout[i];
    p->in1_strides[i] = da[i] == 1 ? 0 : (int32_t)sa;
    p->in2_strides[i] = db[i] == 1 ? 0 : (int32_t)sb;
    if (da[i] > 0) sa *= da[i];
    if (db[i] > 0) sb *= db[i];
  }
  return TH_OK;
}
