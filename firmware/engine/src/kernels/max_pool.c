/* MAX_POOL_2D: int8 and float32; maximum over in-bounds taps, then the activation clamp. */
#include "kernels.h"

static th_status th_prepare_max_pool(const th_prep *c) { return th_prepare_pool_common(c, "MAX_POOL_2D"); }

static void th_eval_max_pool(th_interpreter *ip, const th_op *op) {
  const th_pool_params *p = &op->p.pool;
  const th_tensor *in = TH_T(ip, op->in[0]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], depth = in->dims[3];
  const int32_t oh = out->dims[1], ow = out->dims[2];
  const int is_int8 = in->type == TH_INT8;
  for (int32_t b = 0; b < batches; b++)
    for (int32_t oy = 0; oy < oh; oy++)
      for (int32_t ox = 0; ox < ow; ox++) {
        const int32_t x0 = ox * p->stride_w - p->pad_w, y0 = oy * p->stride_h - p->pad_h;
        const int32_t fx0 = x0 < 0 ? -x0 : 0, fy0 = y0 < 0 ? -y0 : 0;
        const int32_t fx1 = p->filter_w < iw - x0 ? p->filter_w : iw - x0;
        const int32_t fy1 = p->filter_h < ih - y0 ? p->filter_h : ih - y0;
        const int32_t o = ((b * oh + oy) * ow + ox) * depth;
        for (int32_t ch = 0; ch < depth; ch++) {
          if (is_int8) {
            const int8_t *x = (const int8_t *)in->data;
            int32_t m = -128;
            for (int32_t fy = fy0; fy < fy1; fy++)
              for (int32_t fx = fx0; fx < fx1; fx++) {
                int32_t v = x[((b * ih + y0 + fy) * iw + x0 + fx) * depth + ch];
                if (v > m) m = v;
              }
            ((int8_t *)out->data)[o + ch] = (int8_t)th_clamp(m, p->act_min, p->act_max);
          } else {
            float m = -3.40282347e+38f;
            for (int32_t fy = fy0; fy < fy1; fy++)
              for (int32_t fx = fx0; fx < fx1; fx++) {
                float v = th_f32_at(in->data, ((b * ih + y0 + fy) * iw + x0 + fx) * depth + ch);
                m = m < v ? v : m;
              }
            m = m < p->fact_min ? p->fact_min : m;
            ((float *)(void *)out->data)[o + ch] = p->fact_max < m ? p->fact_max : m;
          }
        }
      }
}

const th_registration th_registration_max_pool_2d = {.code = 17, .name = "MAX_POOL_2D", .prepare = th_prepare_max_pool, .eval = th_eval_max_pool};
