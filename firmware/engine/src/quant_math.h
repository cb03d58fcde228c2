/* Integer arithmetic shared by the kernels, identical to TensorFlow Lite Micro's (double
 * rounding, gemmlowp fixed point). Right shifts of negative values are arithmetic (as with every
 * compiler this engine targets: GCC, Clang). */
#ifndef TH_QUANT_MATH_H
#define TH_QUANT_MATH_H

#include <stdint.h>

/* gemmlowp SaturatingRoundingDoublingHighMul */
static inline int32_t th_srdhm(int32_t a, int32_t b) {
  if (a == b && a == INT32_MIN) return INT32_MAX;
  int64_t ab = (int64_t)a * (int64_t)b;
  int64_t nudge = ab >= 0 ? (int64_t)(1 << 30) : (int64_t)(1 - (1 << 30));
  return (int32_t)((ab + nudge) / (int64_t)(1LL << 31));
}

/* gemmlowp RoundingDivideByPOT, 0 <= exponent <= 31 */
static inline int32_t th_rdbpot(int32_t x, int32_t exponent) {
  const int32_t mask = (int32_t)((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* x * 2^left with two's-complement wrap-around (TFLM relies on it, unchecked) */
static inline int32_t th_shl_wrap(int32_t x, int32_t left) {
  return (int32_t)((uint32_t)x << left);
}

/* MultiplyByQuantizedMultiplier (TFLITE_SINGLE_ROUNDING off). shift in [-31, 30]. */
static inline int32_t th_mbqm(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = shift > 0 ? 0 : -shift;
  return th_rdbpot(th_srdhm(th_shl_wrap(x, left), multiplier), right);
}

static inline int32_t th_clamp(int32_t x, int32_t lo, int32_t hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

static inline int32_t th_add_wrap(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t th_sub_wrap(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }

/* Exact unsigned division by a small divisor through a multiply (for per-element divisions by a
 * per-window constant, e.g. average pooling). With m = ceil(2^32 / d), floor(n * m / 2^32) equals
 * floor(n / d) whenever n * (m * d - 2^32) < 2^32, which holds for 1 <= d <= TH_MAGIC_MAX_DIVISOR
 * and n <= 256 * d (m * d - 2^32 < d). engine_test checks every d with every n up to 129 * d. */
#define TH_MAGIC_MAX_DIVISOR 4096
static inline uint64_t th_magic_for(uint32_t d) { return (((uint64_t)1 << 32) + d - 1u) / d; }
static inline uint32_t th_div_magic(uint32_t n, uint64_t magic) { return (uint32_t)(((uint64_t)n * magic) >> 32); }

/* frexp by bit manipulation (exact, as libm). */
double th_frexp(double x, int *exponent);
/* round half away from zero (as C's round / roundf) */
double th_round(double x);
float th_roundf(float x);
/* QuantizeMultiplier. Returns 0 if the multiplier is negative or not finite, or the shift is
 * outside [-31, 30] after TFLM's own clamping. */
int th_quantize_multiplier(double real, int32_t *multiplier, int32_t *shift);
/* float activation bounds; quantized bounds (returns 0 on overflow, as TFLM's check) */
void th_activation_range_f32(int32_t act, float *lo, float *hi);
int th_activation_range_q(int32_t act, float scale, int32_t zero_point, int32_t qmin,
                          int32_t qmax, int32_t *lo, int32_t *hi);
/* gemmlowp exp_on_negative_values for a Q5.26 input; result Q0.31 */
int32_t th_exp_on_negative_values_q5(int32_t a);
/* TFLM GetReciprocal (x in Q(x_integer_digits)) */
int32_t th_get_reciprocal(int32_t x, int32_t x_integer_digits, int32_t *num_bits_over_unit);
/* count leading zeros of a 32-bit value (32 for 0) */
int32_t th_clz32(uint32_t x);
int32_t th_clz64(uint64_t x);
/* expf. Computed in double with a degree-13 polynomial after reduction by ln 2 and rounded
 * once to float: the result is the correctly rounded exp(x) except within ~1e-16 relative of a
 * rounding boundary, so it matches glibc's expf (correctly rounded) in practice and is always
 * within 1 ulp of it. */
float th_expf(float x);

#endif
