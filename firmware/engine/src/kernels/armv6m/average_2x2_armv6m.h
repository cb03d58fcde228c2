/* A whole 2x2 average-pool window, 8-bit taps summed per channel: in assembly on Cortex-M0+
 * (LDRSB needs a register offset; 21 instructions per channel), in C elsewhere. Inline in the
 * AVERAGE_POOL_2D pixel loop (kernels/average_pool.c). */
#ifndef TH_AVERAGE_2X2_ARMV6M_H
#define TH_AVERAGE_2X2_ARMV6M_H

#include "../../quant_math.h"
#include "requant_armv6m.h"

/* One whole 2x2 window (the common pool of small CNNs), taps t00..t11 (depth >= 1 channels each):
 * the four taps of a channel are summed in a register and rounded at once, (s +- 2) / 4 toward
 * zero == (s + 1 + (s > 0)) >> 2 (|s| <= 512), with no sum array. */
static TH_ALWAYS_INLINE void th_average_2x2(const int8_t *t00, const int8_t *t01, const int8_t *t10, const int8_t *t11, int32_t depth,
                        int32_t lo, int32_t hi, int8_t *py) {
#if defined(__ARM_ARCH_6M__)
  /* LDRSB takes only a register offset: the five bases and the channel index fill r0-r7 with the
   * sum and a temporary; the bounds sit in high registers (21 instructions per channel) */
  int32_t i = depth - 1, s, t;
  register int32_t lo_r __asm__("r8") = lo;
  register int32_t hi_r __asm__("r9") = hi;
  __asm__ volatile(
      ".syntax unified\n\t"
      "1:\n\t"
      "ldrsb %[s], [%[a], %[i]]\n\t"
      "ldrsb %[t], [%[b], %[i]]\n\t"
      "adds %[s], %[s], %[t]\n\t"
      "ldrsb %[t], [%[c], %[i]]\n\t"
      "adds %[s], %[s], %[t]\n\t"
      "ldrsb %[t], [%[d], %[i]]\n\t"
      "adds %[s], %[s], %[t]\n\t"
      "negs %[t], %[s]\n\t"
      "lsrs %[t], %[t], #31\n\t"
      "adds %[s], %[s], %[t]\n\t"
      "adds %[s], %[s], #1\n\t"
      "asrs %[s], %[s], #2\n\t"
      "cmp %[s], %[lo]\n\t"
      "bge 2f\n\t"
      "mov %[s], %[lo]\n\t"
      "2:\n\t"
      "cmp %[s], %[hi]\n\t"
      "ble 3f\n\t"
      "mov %[s], %[hi]\n\t"
      "3:\n\t"
      "strb %[s], [%[y], %[i]]\n\t"
      "subs %[i], %[i], #1\n\t"
      "bpl 1b\n\t"
      : [i] "+l"(i), [s] "=&l"(s), [t] "=&l"(t)
      : [a] "l"(t00), [b] "l"(t01), [c] "l"(t10), [d] "l"(t11), [y] "l"(py), [lo] "r"(lo_r), [hi] "r"(hi_r)
      : "cc", "memory");
#else
  for (int32_t ch = 0; ch < depth; ch++) {
    const int32_t s = t00[ch] + t01[ch] + t10[ch] + t11[ch];
    py[ch] = (int8_t)th_clamp((s + 1 + (s > 0 ? 1 : 0)) >> 2, lo, hi);
  }
#endif
}

#endif
