/* int8 DEPTHWISE_CONV_2D (depth multiplier 1 or 2) with AVX2, 16 output channels at a time. Channels are
 * innermost in both the input and the [1, kh, kw, C] filter, so each filter tap is a contiguous
 * run of 16 (then 8) inputs and weights; two taps are interleaved as int16 pairs and one vpmaddwd sums
 * both for 8 channels. Taps in the padding are left out of the per-pixel tap list (they add 0, as
 * in TFLM). The last 1-7 channels are summed in scalar code; all are requantized
 * 8 at a time (requant_avx2.h). Weights read in place; nothing beyond a few stack arrays. */
#include "depthwise_avx2.h"

#if defined(TH_HAVE_AVX2_DOT)
#include <immintrin.h>
#include <string.h>

#include "../../requant_avx2.h"
#include "../kernels.h"

enum { MAX_TAPS = 64 };

__attribute__((target("avx2"))) static inline __m256i widen16(const int8_t *p) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)p));
}

__attribute__((target("avx2"))) static inline __m128i widen8(const int8_t *p) {
  return _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)p));
}

/* input channels for output channels c .. c + 15 (depth multiplier dm = 1 or 2; with 2, each input
 * value feeds two consecutive output channels) */
__attribute__((target("avx2"))) static inline __m256i inputs16(const int8_t *tap, int32_t c, int32_t dm) {
  if (dm == 1) return widen16(tap + c);
  const __m128i x = widen8(tap + c / 2);
  return _mm256_set_m128i(_mm_unpackhi_epi16(x, x), _mm_unpacklo_epi16(x, x));
}

/* the same for output channels c .. c + 7 */
__attribute__((target("avx2"))) static inline __m128i inputs8(const int8_t *tap, int32_t c, int32_t dm) {
  if (dm == 1) return widen8(tap + c);
  int32_t four;
  memcpy(&four, tap + c / 2, 4);
  const __m128i x = _mm_cvtepi8_epi16(_mm_cvtsi32_si128(four));
  return _mm_unpacklo_epi16(x, x);
}

int th_depthwise_avx2_fits(const th_interpreter *ip, const th_op *op) {
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]);
  const int32_t dm = op->p.conv.depth_multiplier;
  return (dm == 1 || dm == 2) && filter->dims[3] == in->dims[3] * dm && (int64_t)filter->dims[1] * filter->dims[2] <= MAX_TAPS;
}

__attribute__((target("avx2"))) int th_depthwise_int8_avx2(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t batches = in->dims[0], ih = in->dims[1], iw = in->dims[2], cin = in->dims[3];
  const int32_t kh = filter->dims[1], kw = filter->dims[2], channels = filter->dims[3];   /* output channels */
  const int32_t oh = out->dims[1], ow = out->dims[2], dm = p->depth_multiplier;
  if ((dm != 1 && dm != 2) || channels != cin * dm || (int64_t)kh * kw > MAX_TAPS) return 0;
  const int8_t *x = (const int8_t *)in->data, *w = (const int8_t *)filter->data;
  int8_t *y = (int8_t *)out->data;
  const int32_t zp = p->input_zp;
  const __m256i vzp16 = _mm256_set1_epi16((int16_t)zp);
  const __m256i vozp = _mm256_set1_epi32(p->output_zp), vlo = _mm256_set1_epi32(p->act_min),
                vhi = _mm256_set1_epi32(p->act_max);
  const int8_t *tap_x[MAX_TAPS], *tap_w[MAX_TAPS];
  for (int32_t b = 0; b < batches; b++)
    for (int32_t oy = 0; oy < oh; oy++)
      for (int32_t ox = 0; ox < ow; ox++) {
        const int32_t y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
        int32_t taps = 0;
        for (int32_t ky = 0; ky < kh; ky++) {
          const int32_t iy = y0 + ky * p->dilation_h;
          if (iy < 0 || iy >= ih) continue;
          for (int32_t kx = 0; kx < kw; kx++) {
            const int32_t ix = x0 + kx * p->dilation_w;
            if (ix < 0 || ix >= iw) continue;
            tap_x[taps] = x + (((int64_t)b * ih + iy) * iw + ix) * cin;
            tap_w[taps] = w + ((int64_t)ky * kw + kx) * channels;
            taps++;
          }
        }
        int8_t *yo = y + (((int64_t)b * oh + oy) * ow + ox) * channels;
        int32_t c = 0;
        for (; c + 16 <= channels; c += 16) {
          __m256i acc_lo = _mm256_setzero_si256(), acc_hi = _mm256_setzero_si256();
          for (int32_t t = 0; t < taps; t += 2) {
            const __m256i xa = _mm256_sub_epi16(inputs16(tap_x[t], c, dm), vzp16), wa = widen16(tap_w[t] + c);
            __m256i xb = _mm256_setzero_si256(), wb = _mm256_setzero_si256();
            if (t + 1 < taps) {
              xb = _mm256_sub_epi16(inputs16(tap_x[t + 1], c, dm), vzp16);
              wb = widen16(tap_w[t + 1] + c);
            }
            acc_lo = _mm256_add_epi32(acc_lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(xa, xb), _mm256_unpacklo_epi16(wa, wb)));
            acc_hi = _mm256_add_epi32(acc_hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(xa, xb), _mm256_unpackhi_epi16(wa, wb)));
          }
          /* acc_lo holds channels 0-3 and 8-11, acc_hi 4-7 and 12-15 */
          const __m256i first = _mm256_permute2x128_si256(acc_lo, acc_hi, 0x20);
          const __m256i second = _mm256_permute2x128_si256(acc_lo, acc_hi, 0x31);
          requantize8(first, p->filter_sum + c, p->multiplier + c, p->shift + c, 8, vozp, vlo, vhi, yo + c);
          requantize8(second, p->filter_sum + c + 8, p->multiplier + c + 8, p->shift + c + 8, 8, vozp, vlo, vhi,
                      yo + c + 8);
        }
        if (c + 8 <= channels) {   /* 8 more channels with 128-bit registers */
          const __m128i zp8 = _mm256_castsi256_si128(vzp16);
          __m128i acc_lo = _mm_setzero_si128(), acc_hi = _mm_setzero_si128();
          for (int32_t t = 0; t < taps; t += 2) {
            const __m128i xa = _mm_sub_epi16(inputs8(tap_x[t], c, dm), zp8), wa = widen8(tap_w[t] + c);
            __m128i xb = _mm_setzero_si128(), wb = _mm_setzero_si128();
            if (t + 1 < taps) {
              xb = _mm_sub_epi16(inputs8(tap_x[t + 1], c, dm), zp8);
              wb = widen8(tap_w[t + 1] + c);
            }
            acc_lo = _mm_add_epi32(acc_lo, _mm_madd_epi16(_mm_unpacklo_epi16(xa, xb), _mm_unpacklo_epi16(wa, wb)));
            acc_hi = _mm_add_epi32(acc_hi, _mm_madd_epi16(_mm_unpackhi_epi16(xa, xb), _mm_unpackhi_epi16(wa, wb)));
          }
          requantize8(_mm256_set_m128i(acc_hi, acc_lo), p->filter_sum + c, p->multiplier + c, p->shift + c, 8, vozp, vlo,
                      vhi, yo + c);
          c += 8;
        }
        if (c < channels) {   /* the last 1-7 channels */
          int32_t rest[8] = {0};
          const int32_t n = channels - c;
          for (int32_t t = 0; t < taps; t++)
            for (int32_t i = 0; i < n; i++) rest[i] += (int32_t)tap_w[t][c + i] * ((int32_t)tap_x[t][(c + i) / dm] - zp);
          for (int32_t i = 0; i < n; i += 8)
            requantize8(_mm256_loadu_si256((const __m256i *)(const void *)(rest + i)), p->filter_sum + c + i,
                        p->multiplier + c + i, p->shift + c + i, n - i < 8 ? n - i : 8, vozp, vlo, vhi, yo + c + i);
        }
      }
  return 1;
}
#endif
