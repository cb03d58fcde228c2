/* Cortex-M0+ int8 ADD without broadcasting: TFLM's three requantizations per element through
 * th_mbqm_armv6m (16-bit partial products) instead of the 64-bit multiply and shift helpers the
 * compiler calls on ARMv6-M. Every ADD multiplier is >= 0 (prepare rejects others). */
#include "conv_armv6m.h"
#include "requant_armv6m.h"

#if defined(TH_HAVE_ARMV6M_KERNELS)
static void eval_add_armv6m(th_interpreter *ip, const th_op *op) {
  const th_binary_params *p = &op->p.binary;
  const th_tensor *out = TH_T(ip, op->out);
  const int8_t *a = (const int8_t *)TH_T(ip, op->in[0])->data, *b = (const int8_t *)TH_T(ip, op->in[1])->data;
  int8_t *y = (int8_t *)out->data;
  const int32_t n = th_elements(out);
  const int32_t o1 = p->input1_offset, o2 = p->input2_offset, m1 = p->input1_multiplier, m2 = p->input2_multiplier;
  const int32_t s1 = p->input1_shift, s2 = p->input2_shift, mo = p->output_multiplier, so = p->output_shift;
  const int32_t ozp = p->output_offset, lo = p->act_min, hi = p->act_max;
  for (int32_t i = 0; i < n; i++) {
    const int32_t va = th_mbqm_armv6m((a[i] + o1) * (1 << 20), m1, s1);
    const int32_t vb = th_mbqm_armv6m((b[i] + o2) * (1 << 20), m2, s2);
    y[i] = (int8_t)th_clamp(th_mbqm_armv6m(va + vb, mo, so) + ozp, lo, hi);
  }
}

int th_select_add_armv6m(const th_prep *c) {
  if (th_in(c, 0)->type != TH_INT8 || c->op->p.binary.broadcast) return 0;
  c->op->eval = eval_add_armv6m;
  return 1;
}
#else /* other targets: the reference kernel runs */
int th_select_add_armv6m(const th_prep *c) {
  (void)c;
  return 0;
}
#endif
