/* Host (x86-64) variant choice of DEPTHWISE_CONV_2D and ADD (select_x86.h); CONV_2D's and
 * FULLY_CONNECTED's are in conv_x86.c and fully_connected_x86.c. */
#include "select_x86.h"
#include "depthwise_avx2.h"
#include "add_avx2.h"

#if defined(TH_HAVE_AVX2_DOT)
static void eval_depthwise_avx2(th_interpreter *ip, const th_op *op) { th_depthwise_int8_avx2(ip, op); }

th_eval_fn th_select_depthwise_x86(const th_interpreter *ip, const th_op *op) {
  if (!ip->avx2 || TH_T(ip, op->in[0])->type != TH_INT8 || !th_depthwise_avx2_fits(ip, op))
    return th_find_registration(op->code)->eval;
  return eval_depthwise_avx2;
}

/* int8 ADD of two tensors of the output's shape (no broadcasting) */
static void eval_add_avx2(th_interpreter *ip, const th_op *op) {
  const th_tensor *out = TH_T(ip, op->out);
  th_add_int8_avx2(&op->p.binary, (const int8_t *)TH_T(ip, op->in[0])->data, (const int8_t *)TH_T(ip, op->in[1])->data,
                   (int8_t *)out->data, th_elements(out));
}

th_eval_fn th_select_add_x86(const th_interpreter *ip, const th_op *op) {
  if (!ip->avx2 || TH_T(ip, op->in[0])->type != TH_INT8 || op->p.binary.broadcast)
    return th_find_registration(op->code)->eval;
  return eval_add_avx2;
}
#else
th_eval_fn th_select_depthwise_x86(const th_interpreter *ip, const th_op *op) {
  (void)ip;
  return op->eval;
}
th_eval_fn th_select_add_x86(const th_interpreter *ip, const th_op *op) {
  (void)ip;
  return op->eval;
}
#endif
