/* FULLY_CONNECTED int8 with weights zero point 0 on x86-64 hosts: VNNI dots each weight row in
 * place (th_fully_connected_vnni), AVX2 offsets the input row once into int16 and runs
 * th_outputs4_avx2; th_select_fully_connected_x86 picks the tier once (select_x86.h). */
#include "select_x86.h"
#include "../sparse_matmul.h"
#include "../../dot.h"

#if defined(TH_HAVE_AVX2_DOT)
#if defined(TH_HAVE_VNNI_DOT)
static void eval_vnni(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t units = filter->dims[0], depth = filter->dims[1];
  const int32_t batches = units > 0 ? th_elements(out) / units : 0;
  const int8_t *x = (const int8_t *)in->data, *w = (const int8_t *)filter->data;
  uint8_t *xu = ip->scratch;   /* the input row as u8 = x + 128 */
  for (int32_t b = 0; b < batches; b++) {
    const int8_t *xb = x + (int64_t)b * depth;
    for (int32_t i = 0; i < depth; i++) xu[i] = (uint8_t)((uint8_t)xb[i] ^ 0x80u);
    th_fully_connected_vnni(xu, w, depth, units, p->filter_sum, p->multiplier, p->shift, p->input_zp, p->output_zp,
                            p->act_min, p->act_max, (int8_t *)out->data + (int64_t)b * units);
  }
}
#endif

static void eval_avx2(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t units = filter->dims[0], depth = filter->dims[1];
  const int32_t batches = units > 0 ? th_elements(out) / units : 0;
  const int8_t *x = (const int8_t *)in->data, *w = (const int8_t *)filter->data;
  const int32_t ozp = p->output_zp, lo = p->act_min, hi = p->act_max;
  int16_t *x16 = (int16_t *)(void *)ip->scratch;
  for (int32_t b = 0; b < batches; b++) {
    const int8_t *xb = x + (int64_t)b * depth;
    int8_t *yb = (int8_t *)out->data + (int64_t)b * units;
    for (int32_t i = 0; i < depth; i++) x16[i] = (int16_t)(xb[i] - p->input_zp);
    for (int32_t i = 0; i < 8; i++) x16[depth + i] = 0;   /* zero tail read by th_outputs4_avx2 */
    th_outputs4_avx2(x16, w, w + filter->bytes, depth, units, p->filter_sum, p->multiplier, p->shift, ozp, lo, hi, yb);
    for (int32_t u = units & ~3; u < units; u++) {
      const int32_t a = th_add_wrap(th_dot_s16_s8_avx2(x16, w + (int64_t)u * depth, depth), p->filter_sum[u]);
      yb[u] = (int8_t)th_clamp(th_mbqm(a, p->multiplier[u], p->shift[u]) + ozp, lo, hi);
    }
  }
}

th_eval_fn th_select_fully_connected_x86(const th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  if (p->sparse) return th_eval_sparse_fully_connected;
  if (!ip->avx2 || TH_T(ip, op->in[0])->type != TH_INT8 || p->filter_zp != 0)
    return th_find_registration(op->code)->eval;
#if defined(TH_HAVE_VNNI_DOT)
  if (ip->vnni) return eval_vnni;
#endif
  return eval_avx2;
}
#else
th_eval_fn th_select_fully_connected_x86(const th_interpreter *ip, const th_op *op) {
  (void)ip;
  return op->eval;
}
#endif
