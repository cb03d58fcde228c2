/* RESHAPE: a copy of the bytes (TFLM does not alias input and output either). */
#include "kernels.h"

static th_status th_prepare_reshape(const th_prep *c) {
  th_status st = th_require_inputs(c, 1, 2);
  if (st != TH_OK) return st;
  const th_tensor *in = th_in(c, 0), *out = th_out(c);
  if (in->type != out->type)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "RESHAPE: output type must match input", th_tensor_id(c, out));
  if (in->bytes != out->bytes)
    return th_prep_fail(c, TH_ERR_SHAPE_MISMATCH, "RESHAPE: output element count must equal input element count", th_tensor_id(c, out));
  return TH_OK;
}

static void th_eval_reshape(th_interpreter *ip, const th_op *op) {
  const th_tensor *in = TH_T(ip, op->in[0]), *out = TH_T(ip, op->out);
  if (out->data != in->data && in->bytes > 0u) memcpy(out->data, in->data, in->bytes);
}

const th_registration th_registration_reshape = {.code = 22, .name = "RESHAPE", .prepare = th_prepare_reshape, .eval = th_eval_reshape};
