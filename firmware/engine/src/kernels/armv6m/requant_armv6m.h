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

static TH_ALWAYS_INLINE int32_t th_mbqm_armv6m(int32_t x, int32_t multiplier, int32_t shift) {
  int32_t right = 0;
  if (shift > 0) x = (int32_t)((uint32_t)x << shift);
  else right = -shift;
  const int32_t h = th_srdhm_nonneg_m(x, multiplier);
  if (right == 0) return h;
  const int32_t mask = (int32_t)((1u << right) - 1u);
  const int32_t threshold = (mask >> 1) + (h < 0 ? 1 : 0);
  return (h >> right) + ((h & mask) > threshold ? 1 : 0);
}

#endif
