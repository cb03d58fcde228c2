/* AVERAGE_POOL_2D: int8 and float32; average over in-bounds taps. int8 rounds half away from
 * zero: (sum +- count/2) / count (TFLM reference_integer_ops::AveragePool); no rescale. */
#include "kernels.h"
#include "armv6m/average_2x2_armv6m.h"
#include "x86/select_x86.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* int32 sums, one per channel (capped: prepare refuses more than TH_MAX_CHANNELS channels) */
static uint32_t th_average_pool_scratch_bytes(const th_tensor *in, const th_tensor *filter, const th_tensor *out) {
  (void)in;
  (void)filter;
  if (out->rank != 4) return 0;
  uint64_t k = 4ull * (uint64_t)out->dims[3];
  return k > 0x10000000u ? 0x10000000u : (uint32_t)k;
}

static th_status th_prepare_average_pool(const th_prep *c) {
  th_status st = th_prepare_pool_common(c, "AVERAGE_POOL_2D");
  if (st != TH_OK) return st;
  const th_tensor *out = th_out(c);
  if (out->dims[3] > TH_MAX_CHANNELS)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "AVERAGE_POOL_2D: more than 2^20 channels", th_tensor_id(c, out));
  if (th_average_pool_scratch_bytes(th_in(c, 0), NULL, out) > c->ip->scratch_bytes)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "AVERAGE_POOL_2D: kernel scratch smaller than planned (engine bug)", -1);
  return TH_OK;
}

/* (s +- count/2) / count rounded toward zero, as TFLM's reference_integer_ops::AveragePool,
 * clamped to [lo, hi], for a whole window of channel sums. 2x2 and 3x3 windows get a constant
 * divisor (the compiler turns the loop into vector shifts/multiplies); other window sizes divide
 * through th_div_magic, exact because |sum| <= 128 * count. */
static void store_averages(const int32_t *restrict sum, int32_t depth, int32_t count, int32_t lo, int32_t hi,
                           int8_t *restrict py) {
  const int32_t half = count / 2;
  if (count == 4) {
    for (int32_t ch = 0; ch < depth; ch++) {
      const int32_t s = sum[ch], n = s > 0 ? s + 2 : s - 2;
      py[ch] = (int8_t)th_clamp(n / 4, lo, hi);
    }
  } else if (count == 9) {
    for (int32_t ch = 0; ch < depth; ch++) {
      const int32_t s = sum[ch], n = s > 0 ? s + 4 : s - 4;
      py[ch] = (int8_t)th_clamp(n / 9, lo, hi);
    }
  } else if (count <= TH_MAGIC_MAX_DIVISOR) {
    const uint64_t magic = th_magic_for((uint32_t)count);
    for (int32_t ch = 0; ch < depth; ch++) {
      const int32_t s = sum[ch], n = s > 0 ? s + half : s - half;
      const int32_t q = (int32_t)th_div_magic(n < 0 ? (uint32_t)0 - (uint32_t)n : (uint32_t)n, magic);
      py[ch] = (int8_t)th_clamp(n < 0 ? -q : q, lo, hi);
    }
  } else {
    for (int32_t ch = 0; ch < depth; ch++) {
      const int32_t s = sum[ch], n = s > 0 ? s + half : s - half;
      py[ch] = (int8_t)th_clamp(n / count, lo, hi);
    }
  }
}

/* int8: channel sums accumulated with the channel innermost (contiguous), then rounded. */
static void eval_int8(th_interpreter *ip, const th_op *op) {
  const th_pool_params *p = &op->p.pool;
  const th_tensor *in = TH_T(ip, op->in[0]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], depth = in->dims[3];
  const int32_t oh = out->dims[1], ow = out->dims[2];
  const int32_t sh = p->stride_h, sw = p->stride_w, ph = p->pad_h, pw = p->pad_w, fh = p->filter_h, fw = p->filter_w;
  const int32_t lo = p->act_min, hi = p->act_max;
  const int8_t *restrict x = (const int8_t *)in->data;
  int8_t *restrict y = (int8_t *)out->data;
  int32_t *restrict sum = (int32_t *)(void *)ip->scratch;
  for (int32_t b = 0; b < batches; b++)
    for (int32_t oy = 0; oy < oh; oy++)
      for (int32_t ox = 0; ox < ow; ox++) {
        const int32_t x0 = ox * sw - pw, y0 = oy * sh - ph;
        const int32_t fx0 = x0 < 0 ? -x0 : 0, fy0 = y0 < 0 ? -y0 : 0;
        const int32_t fx1 = fw < iw - x0 ? fw : iw - x0;
        const int32_t fy1 = fh < ih - y0 ? fh : ih - y0;
        const int32_t count = (fx1 > fx0 && fy1 > fy0) ? (fx1 - fx0) * (fy1 - fy0) : 0;
        /* 32-bit index arithmetic: model.c bounds every tensor's dimension product below 2^31 bytes,
         * and 64-bit products would cost a __aeabi_lmul call per pixel on Cortex-M0+ */
        int8_t *py = y + ((b * oh + oy) * ow + ox) * depth;
        if (count == 0) {
          for (int32_t ch = 0; ch < depth; ch++) py[ch] = (int8_t)th_clamp(0, lo, hi);
          continue;
        }
        if (count == 4 && fx1 - fx0 == 2) {
          /* a whole 2x2 window (the common pool of small CNNs): the four taps of a channel are summed
           * in a register and rounded at once, (s +- 2) / 4 toward zero, with no sum array */
          const int32_t row_stride = iw * depth;
          const int8_t *restrict a = x + ((b * ih + y0 + fy0) * iw + x0 + fx0) * depth;
          th_average_2x2(a, a + depth, a + row_stride, a + row_stride + depth, depth, lo, hi, py);
          continue;
        }
        for (int32_t ch = 0; ch < depth; ch++) sum[ch] = 0;
        for (int32_t fy = fy0; fy < fy1; fy++) {
          const int8_t *restrict row = x + (((int64_t)b * ih + y0 + fy) * iw + x0) * depth;
          for (int32_t fx = fx0; fx < fx1; fx++) {
            const int8_t *restrict px = row + (int64_t)fx * depth;
            for (int32_t ch = 0; ch < depth; ch++) sum[ch] += px[ch];
          }
        }
        store_averages(sum, depth, count, lo, hi, py);
      }
}

static void th_eval_average_pool(th_interpreter *ip, const th_op *op) {
  if (TH_T(ip, op->in[0])->type == TH_INT8) {
    eval_int8(ip, op);
    return;
  }
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
            int32_t sum = 0, count = 0;
            for (int32_t fy = fy0; fy < fy1; fy++)
              for (int32_t fx = fx0; fx < fx1; fx++) {
                sum += x[((b * ih + y0 + fy) * iw + x0 + fx) * depth + ch];
                count++;
              }
            int32_t avg = 0;
            if (count > 0) avg = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
            ((int8_t *)out->data)[o + ch] = (int8_t)th_clamp(avg, p->act_min, p->act_max);
          } else {
            float total = 0.0f, count = 0.0f;
            for (int32_t fy = fy0; fy < fy1; fy++)
              for (int32_t fx = fx0; fx < fx1; fx++) {
                total += th_f32_at(in->data, ((b * ih + y0 + fy) * iw + x0 + fx) * depth + ch);
                count += 1.0f;
              }
            float avg = count > 0.0f ? total / count : 0.0f;
            avg = avg < p->fact_min ? p->fact_min : avg;
            ((float *)(void *)out->data)[o + ch] = p->fact_max < avg ? p->fact_max : avg;
          }
        }
      }
}

const th_registration th_registration_average_pool_2d = {
    .code = 1, .name = "AVERAGE_POOL_2D", .prepare = th_prepare_average_pool, .eval = th_eval_average_pool,
    .scratch_bytes = th_average_pool_scratch_bytes,
    .select_variant = th_select_average_pool_x86,
};
