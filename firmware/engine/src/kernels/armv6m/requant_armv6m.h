/* Requantization for Cortex-M0+ (no 64-bit multiply instruction): TFLM's
 * MultiplyByQuantizedMultiplier from 16-bit partial products, with no call to the 64-bit
 * multiply, shift or division helpers. For multiplier >= 0 (every multiplier the engine computes)
 * SaturatingRoundingDoublingHighMul(a, m) == floor((a * m + 2^30) / 2^31) (the identity
 * engine_test checks on 2 million operand pairs; INT32_MIN * INT32_MIN cannot occur). */
#ifndef TH_REQUANT_ARMV6M_H
#define TH_REQUANT_ARMV6M_H

#include <stdint.h>

#if defined(__GNUC__)
#define TH_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define TH_ALWAYS_INLINE inline
#endif

static TH_ALWAYS_INLINE int32_t th_srdhm_nonneg_m(int32_t a, int32_t m) {
  /* a*m = p3*2^32 + (p1 + p2)*2^16 + p0 with a = ah*2^16 + al, m = mh*2^16 + ml; splitting p1, p2
   * and p0 at bit 16 gives the 64-bit product as hi*2^32 + lo in 32-bit operations only */
  const uint32_t al = (uint32_t)a & 0xffffu, ml = (uint32_t)m & 0xffffu, mh = (uint32_t)m >> 16;
  const int32_t ah = a >> 16;
  const uint32_t p0 = al * ml, p1 = al * mh;                  /* p1 < 2^31 */
  const int32_t p2 = ah * (int32_t)ml, p3 = ah * (int32_t)mh;
  const uint32_t t = (p1 & 0xffffu) + ((uint32_t)p2 & 0xffffu) + (p0 >> 16);
  uint32_t hi = (uint32_t)p3 + (p1 >> 16) + (uint32_t)(p2 >> 16) + (t >> 16);
  const uint32_t lo = (t << 16) | (p0 & 0xffffu);
  const uint32_t lo_n = lo + (1u << 30);                      /* + 2^30, carry into hi */
  hi += lo_n < lo ? 1u : 0u;
  return (int32_t)((hi << 1) | (lo_n >> 31));                /* floor(/ 2^31), low 32 bits */
}

/* RoundingDivideByPOT (round half away from zero) of h by 2^right, right >= 1: with
 * h = q * 2^right + rem (0 <= rem < 2^right) it is q + floor((rem + 2^(right-1) - (h < 0)) / 2^right),
 * and that sum stays below 2^(right+1), so nothing overflows */
static TH_ALWAYS_INLINE int32_t th_rdbp_armv6m(int32_t h, int32_t right) {
  const uint32_t rem = (uint32_t)h & ((1u << right) - 1u);
  const uint32_t t = rem + (1u << (right - 1)) - ((uint32_t)h >> 31);
  return (h >> right) + (int32_t)(t >> right);
}

static TH_ALWAYS_INLINE int32_t th_mbqm_armv6m(int32_t x, int32_t multiplier, int32_t shift) {
  int32_t right = 0;
  if (shift > 0) x = (int32_t)((uint32_t)x << shift);
  else right = -shift;
  if ((uint32_t)x + 32768u < 65536u && right <= 15) {
    /* |x| < 2^15 (most accumulators of small layers): with m = mh * 2^16 + ml both x * mh and x * ml
     * fit 32 bits, and since 2^30 is a multiple of 2^16,
     *   h = floor((x * m + 2^30) / 2^31) = floor(t / 2^15),  t = x * mh + floor(x * ml / 2^16) + 2^14,
     * |t| < 2^30 + 2^16. The rounding shift that follows folds into the same floor division:
     *   RoundingDivideByPOT(h, r) = floor((h + 2^(r-1) - (h < 0)) / 2^r)
     *                             = floor((t + 2^(14+r) - (t < 0) * 2^15) / 2^(15+r)),
     * inside int32 for r <= 15. */
    const int32_t ml = (int32_t)((uint32_t)multiplier & 0xffffu), mh = (int32_t)((uint32_t)multiplier >> 16);
    const int32_t t = x * mh + ((x * ml) >> 16) + 16384;
    if (right == 0) return t >> 15;
    return (t + (1 << (14 + right)) - (t < 0 ? 32768 : 0)) >> (15 + right);
  }
  const int32_t h = th_srdhm_nonneg_m(x, multiplier);
  return right == 0 ? h : th_rdbp_armv6m(h, right);
}


/* The per-channel requantization of an operator whose every channel shifts right by 1..15 (the
 * usual case), in the form the Cortex-M0+ loop uses: the channel's shift is replaced at prepare
 * by enc = 2^(14+r) + (15+r), so that for |x| < 2^15 the result is
 *   (t + 2^(14+r) - (t < 0) * 2^15) >> (15+r),  t = x * mh + ((x * ml) >> 16) + 2^14
 * (th_mbqm_armv6m's fast path with the constants precomputed), and otherwise th_mbqm_armv6m. */
#define TH_REQUANT_ENC_SHIFT_MASK 31
static inline int th_requant_encodable(int32_t shift) { return shift <= -1 && shift >= -15; }
static inline int32_t th_requant_encode(int32_t shift) { return (int32_t)((1u << (14 - shift)) + (uint32_t)(15 - shift)); }
static inline int32_t th_requant_decode_right(int32_t enc) { return (enc & TH_REQUANT_ENC_SHIFT_MASK) - 15; }

static TH_ALWAYS_INLINE int32_t th_requant_encoded(int32_t x, int32_t multiplier, int32_t enc) {
  if ((int32_t)(int16_t)x != x) return th_mbqm_armv6m(x, multiplier, -th_requant_decode_right(enc));
  const int32_t ml = (int32_t)((uint32_t)multiplier & 0xffffu), mh = (int32_t)((uint32_t)multiplier >> 16);
  int32_t t = x * mh + ((x * ml) >> 16) + 16384;
  t -= t < 0 ? 32768 : 0;
  const int32_t s = enc & TH_REQUANT_ENC_SHIFT_MASK;
  return (t + (enc - s)) >> s;
}

/* The requantization a portable kernel uses on this target: the 32-bit form on Cortex-M0+ builds
 * (no __aeabi_lmul per output), TFLM's 64-bit th_mbqm elsewhere. Equal for multiplier >= 0. */
#if defined(__ARM_ARCH_6M__) || defined(TH_ARMV6M_KERNELS)
#define th_mbqm_target th_mbqm_armv6m
#else
#define th_mbqm_target th_mbqm
#endif

#endif
