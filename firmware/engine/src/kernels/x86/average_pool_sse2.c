/* AVERAGE_POOL_2D int8 on x86-64 (SSE2, every x86-64 CPU, so every tier): 8 channels of a window
 * at a time. Chosen at prepare by th_select_average_pool_x86 (select_x86.h) when the shape suits
 * every pixel (at least 8 channels, windows of at most 256 taps); otherwise the portable kernel runs. */
#include "select_x86.h"
#include "../../dot.h"

#if defined(TH_DOT_SSE2)
/* SSE2: 8 channels of one output pixel. int16 sums are exact up to 256 taps (|sum| <= 32768);
 * the division is th_div_magic on 32-bit lanes (pmuludq on even and odd lanes). */
static inline __m128i div_magic4(__m128i n, __m128i magic) {
  const __m128i sign = _mm_srai_epi32(n, 31);
  const __m128i a = _mm_sub_epi32(_mm_xor_si128(n, sign), sign);
  const __m128i even = _mm_srli_epi64(_mm_mul_epu32(a, magic), 32);
  const __m128i odd = _mm_and_si128(_mm_mul_epu32(_mm_srli_epi64(a, 32), magic), _mm_set_epi32(-1, 0, -1, 0));
  const __m128i q = _mm_or_si128(even, odd);
  return _mm_sub_epi32(_mm_xor_si128(q, sign), sign);
}

static inline __m128i rounded4(__m128i s, int32_t count, __m128i magic) {
  const __m128i half = _mm_set1_epi32(count / 2);
  const __m128i positive = _mm_cmpgt_epi32(s, _mm_setzero_si128());
  /* s + half where s > 0, s - half otherwise */
  const __m128i n = _mm_add_epi32(s, _mm_sub_epi32(_mm_and_si128(positive, half), _mm_andnot_si128(positive, half)));
  return count == 1 ? n : div_magic4(n, magic);
}

/* x points at the window's first in-bounds tap; taps_w x taps_h taps */
static void window_sse2(const int8_t *x, int64_t row_stride, int32_t depth, int32_t taps_w, int32_t taps_h, int32_t ch,
                        int32_t count, __m128i magic, __m128i vlo, __m128i vhi, int8_t *py) {
  __m128i sum = _mm_setzero_si128();
  for (int32_t fy = 0; fy < taps_h; fy++)
    for (int32_t fx = 0; fx < taps_w; fx++) {
      const __m128i v = _mm_loadl_epi64((const __m128i *)(const void *)(x + fy * row_stride + (int64_t)fx * depth + ch));
      sum = _mm_add_epi16(sum, _mm_srai_epi16(_mm_unpacklo_epi8(v, v), 8));
    }
  __m128i r;
  if (count == 4) {
    /* 2x2 windows: (s +- 2) / 4 toward zero in 16 bits (|s| <= 512): add 3 to negatives, shift */
    const __m128i two = _mm_set1_epi16(2);
    const __m128i negative = _mm_cmpgt_epi16(_mm_setzero_si128(), sum);
    const __m128i n = _mm_add_epi16(sum, _mm_sub_epi16(_mm_andnot_si128(negative, two), _mm_and_si128(negative, two)));
    r = _mm_srai_epi16(_mm_add_epi16(n, _mm_and_si128(_mm_srai_epi16(n, 15), _mm_set1_epi16(3))), 2);
  } else {
    const __m128i lo = _mm_srai_epi32(_mm_unpacklo_epi16(sum, sum), 16), hi = _mm_srai_epi32(_mm_unpackhi_epi16(sum, sum), 16);
    r = _mm_packs_epi32(rounded4(lo, count, magic), rounded4(hi, count, magic));
  }
  r = _mm_min_epi16(_mm_max_epi16(r, vlo), vhi);
  _mm_storel_epi64((__m128i *)(void *)(py + ch), _mm_packs_epi16(r, r));
}

static void eval_int8_sse2(th_interpreter *ip, const th_op *op) {
  const th_pool_params *p = &op->p.pool;
  const th_tensor *in = TH_T(ip, op->in[0]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], depth = in->dims[3];
  const int32_t oh = out->dims[1], ow = out->dims[2];
  const int32_t sh = p->stride_h, sw = p->stride_w, ph = p->pad_h, pw = p->pad_w, fh = p->filter_h, fw = p->filter_w;
  const int32_t lo = p->act_min, hi = p->act_max;
  const int8_t *x = (const int8_t *)in->data;
  int8_t *y = (int8_t *)out->data;
  __m128i magic = _mm_setzero_si128();
  int32_t magic_count = 0;
  for (int32_t b = 0; b < batches; b++)
    for (int32_t oy = 0; oy < oh; oy++)
      for (int32_t ox = 0; ox < ow; ox++) {
        const int32_t x0 = ox * sw - pw, y0 = oy * sh - ph;
        const int32_t fx0 = x0 < 0 ? -x0 : 0, fy0 = y0 < 0 ? -y0 : 0;
        const int32_t fx1 = fw < iw - x0 ? fw : iw - x0;
        const int32_t fy1 = fh < ih - y0 ? fh : ih - y0;
        const int32_t count = (fx1 > fx0 && fy1 > fy0) ? (fx1 - fx0) * (fy1 - fy0) : 0;
        int8_t *py = y + ((b * oh + oy) * ow + ox) * depth;
        if (count == 0) {
          for (int32_t ch = 0; ch < depth; ch++) py[ch] = (int8_t)th_clamp(0, lo, hi);
          continue;
        }
        /* chunks of 8 channels; the last one overlaps the one before when depth % 8 != 0 */
        if (count != magic_count) {   /* a 64-bit division: only when the window size changes */
          magic = _mm_set1_epi32((int32_t)(uint32_t)(count > 1 ? th_magic_for((uint32_t)count) : 0u));
          magic_count = count;
        }
        const __m128i vlo = _mm_set1_epi16((int16_t)lo), vhi = _mm_set1_epi16((int16_t)hi);
        const int8_t *first = x + (((int64_t)b * ih + y0 + fy0) * iw + x0 + fx0) * depth;
        for (int32_t ch = 0; ch < depth; ch += 8) {
          const int32_t c = ch + 8 <= depth ? ch : depth - 8;
          window_sse2(first, (int64_t)iw * depth, depth, fx1 - fx0, fy1 - fy0, c, count, magic, vlo, vhi, py);
        }
      }
}

th_eval_fn th_select_average_pool_x86(const th_interpreter *ip, const th_op *op) {
  const th_pool_params *p = &op->p.pool;
  /* every window has at most filter_w * filter_h taps (int16 sums exact up to 256) */
  if (TH_T(ip, op->in[0])->type != TH_INT8 || TH_T(ip, op->in[0])->dims[3] < 8 || (int64_t)p->filter_w * p->filter_h > 256)
    return th_find_registration(op->code)->eval;
  return eval_int8_sse2;
}
#else
th_eval_fn th_select_average_pool_x86(const th_interpreter *ip, const th_op *op) {
  (void)ip;
  return op->eval;
}
#endif
