/* CONV_2D int8 on x86-64 hosts: th_select_conv_x86 picks, once at prepare (and again when
 * th_limit_simd lowers the tier), the row variant (conv_rows_x86.c, AVX2 or VNNI) when the shape
 * suits it, else the per-pixel AVX2 variant below, else the portable kernel (kernels/conv.c). */
#include "select_x86.h"
#include "conv_rows_x86.h"
#include "../conv.h"
#include "../sparse_matmul.h"

#if defined(TH_HAVE_AVX2_DOT)
/* one pixel's outputs from its int16 patch: four channels per th_outputs4_avx2 block, the rest
 * one dot product each */
static void outputs_avx2(const th_op *op, const int16_t *patch, const int8_t *w, const int8_t *w_end, int32_t k,
                         int32_t cout, int8_t *yo) {
  const th_conv_params *p = &op->p.conv;
  th_outputs4_avx2(patch, w, w_end, k, cout, p->filter_sum, p->multiplier, p->shift, p->output_zp, p->act_min,
                   p->act_max, yo);
  for (int32_t oc = cout & ~3; oc < cout; oc++) {
    const int32_t a = th_add_wrap(th_dot_s16_s8_avx2(patch, w + (int64_t)oc * k, k), p->filter_sum[oc]);
    yo[oc] = (int8_t)th_clamp(th_mbqm(a, p->multiplier[oc], p->shift[oc]) + p->output_zp, p->act_min, p->act_max);
  }
}

static void eval_pixels_avx2(th_interpreter *ip, const th_op *op) { th_conv_int8_pixels(ip, op, outputs_avx2); }

th_eval_fn th_select_conv_x86(const th_interpreter *ip, const th_op *op) {
  if (op->p.conv.sparse) return th_eval_sparse_conv;
  if (!ip->avx2 || TH_T(ip, op->in[0])->type != TH_INT8) return th_find_registration(op->code)->eval;
  return th_conv_rows_x86_fits(ip, op) ? th_eval_conv_rows_x86 : eval_pixels_avx2;
}
#else
th_eval_fn th_select_conv_x86(const th_interpreter *ip, const th_op *op) {
  (void)ip;
  return op->eval;
}
#endif
