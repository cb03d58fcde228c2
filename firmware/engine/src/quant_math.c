#include "quant_math.h"

#include <string.h>

static uint64_t bits_of(double x) {
  uint64_t u;
  memcpy(&u, &x, 8);
  return u;
}

static double double_of(uint64_t u) {
  double x;
  memcpy(&x, &u, 8);
  return x;
}

double th_frexp(double x, int *exponent) {
  uint64_t u = bits_of(x);
  int e = (int)((u >> 52) & 0x7ffu);
  *exponent = 0;
  if (e == 0x7ff) return x;                      /* inf, nan: returned unchanged */
  if (e == 0) {                                  /* zero or subnormal */
    if ((u << 1) == 0u) return x;
    x *= 18014398509481984.0;                    /* 2^54, exact */
    u = bits_of(x);
    e = (int)((u >> 52) & 0x7ffu) - 54;
  }
  *exponent = e - 1022;
  u = (u & ~(0x7ffull << 52)) | (1022ull << 52);
  return double_of(u);
}

double th_round(double x) {
  double a = x < 0 ? -x : x;
  if (!(a < 4503599627370496.0)) return x;       /* >= 2^52 (integral), inf, nan */
  double t = (double)(int64_t)a;                 /* truncation, exact */
  if (a - t >= 0.5) t += 1.0;                    /* a - t is exact */
  return x < 0 ? -t : t;
}

float th_roundf(float x) {
  float a = x < 0 ? -x : x;
  if (!(a < 8388608.0f)) return x;               /* >= 2^23, inf, nan */
  float t = (float)(int32_t)a;
  if (a - t >= 0.5f) t += 1.0f;
  return x < 0 ? -t : t;
}

int th_quantize_multiplier(double real, int32_t *multiplier, int32_t *shift) {
  int e;
  *multiplier = 0;
  *shift = 0;
  if (real != real || real < 0.0) return 0;
  if (real == 0.0) return 1;
  if (real > 1.0e300) return 0;
  double q = th_frexp(real, &e);
  int64_t qf = (int64_t)th_round(q * 2147483648.0);
  if (qf == (1LL << 31)) {
    qf /= 2;
    e++;
  }
  if (e < -31) {
    e = 0;
    qf = 0;
  }
  if (e > 30) return 0;
  *multiplier = (int32_t)qf;
  *shift = e;
  return 1;
}

void th_activation_range_f32(int32_t act, float *lo, float *hi) {
  const float fmax = 3.40282347e+38f;
  switch (act) {
    case 1: *lo = 0.0f; *hi = fmax; break;
    case 2: *lo = -1.0f; *hi = 1.0f; break;
    case 3: *lo = 0.0f; *hi = 6.0f; break;
    default: *lo = -fmax; *hi = fmax; break;
  }
}

static int quantize_value(float scale, int32_t zp, float f, int32_t *q) {
  float tmp = th_roundf(f / scale);
  if (!(tmp >= -2147483648.0f && tmp < 2147483648.0f)) return 0;
  int64_t v = (int64_t)zp + (int64_t)(int32_t)tmp;
  if (v < INT32_MIN || v > INT32_MAX) return 0;
  *q = (int32_t)v;
  return 1;
}

int th_activation_range_q(int32_t act, float scale, int32_t zero_point, int32_t qmin,
                          int32_t qmax, int32_t *lo, int32_t *hi) {
  int32_t t;
  *lo = qmin;
  *hi = qmax;
  if (act == 1) {
    if (!quantize_value(scale, zero_point, 0.0f, &t)) return 0;
    *lo = t > qmin ? t : qmin;
  } else if (act == 3) {
    if (!quantize_value(scale, zero_point, 0.0f, &t)) return 0;
    *lo = t > qmin ? t : qmin;
    if (!quantize_value(scale, zero_point, 6.0f, &t)) return 0;
    *hi = t < qmax ? t : qmax;
  } else if (act == 2) {
    if (!quantize_value(scale, zero_point, -1.0f, &t)) return 0;
    *lo = t > qmin ? t : qmin;
    if (!quantize_value(scale, zero_point, 1.0f, &t)) return 0;
    *hi = t < qmax ? t : qmax;
  } else if (act != 0) {
    return 0;
  }
  return 1;
}

int32_t th_clz32(uint32_t x) {
  int32_t n = 0;
  if (x == 0u) return 32;
  while (!(x & 0x80000000u)) {
    x <<= 1;
    n++;
  }
  return n;
}

int32_t th_clz64(uint64_t x) {
  if (x >> 32) return th_clz32((uint32_t)(x >> 32));
  return 32 + th_clz32((uint32_t)x);
}

/* ---- gemmlowp fixed point (int32 raw values) ---- */

/* SaturatingRoundingMultiplyByPOT with a positive exponent: saturating left shift */
static int32_t sat_shl(int32_t x, int32_t exponent) {
  const int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1u);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return th_shl_wrap(x, exponent);
}

/* exp on [-1/4, 0), Q0.31 in and out */
static int32_t exp_on_interval(int32_t a) {
  const int32_t constant_term = 1895147668;     /* exp(-1/8) */
  const int32_t constant_1_over_3 = 715827883;
  int32_t x = th_add_wrap(a, 1 << 28);          /* a + 1/8 */
  int32_t x2 = th_srdhm(x, x);
  int32_t x3 = th_srdhm(x2, x);
  int32_t x4 = th_srdhm(x2, x2);
  int32_t x4_over_4 = th_rdbpot(x4, 2);
  int32_t poly = th_rdbpot(th_add_wrap(th_srdhm(th_add_wrap(x4_over_4, x3), constant_1_over_3), x2), 1);
  return th_add_wrap(constant_term, th_srdhm(constant_term, th_add_wrap(x, poly)));
}

int32_t th_exp_on_negative_values_q5(int32_t a) {
  const int32_t fractional_bits = 26;
  const int32_t one_quarter = 1 << (fractional_bits - 2);
  const int32_t mask = one_quarter - 1;
  int32_t a_mod_quarter_minus_one_quarter = th_sub_wrap(a & mask, one_quarter);
  int32_t result = exp_on_interval(sat_shl(a_mod_quarter_minus_one_quarter, 5));
  int32_t remainder = th_sub_wrap(a_mod_quarter_minus_one_quarter, a);
  static const int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308,
                                         39332535, 720401, 242};
  for (int32_t k = 0; k < 7; k++) {               /* exponents -2 .. +4 */
    int32_t shift_amount = fractional_bits + (k - 2);
    if (remainder & (int32_t)(1u << shift_amount)) result = th_srdhm(result, multipliers[k]);
  }
  if (a == 0) result = INT32_MAX;
  return result;
}

/* gemmlowp one_over_one_plus_x_for_x_in_0_1, Q0.31 in and out */
static int32_t one_over_one_plus_x(int32_t a) {
  int64_t sum = (int64_t)a + (int64_t)INT32_MAX;  /* RoundingHalfSum(a, One) */
  int64_t sign = sum >= 0 ? 1 : -1;
  int32_t half_denominator = (int32_t)((sum + sign) / 2);
  const int32_t constant_48_over_17 = 1515870810;       /* Q2.29 */
  const int32_t constant_neg_32_over_17 = -1010580540;  /* Q2.29 */
  int32_t x = th_add_wrap(constant_48_over_17, th_srdhm(half_denominator, constant_neg_32_over_17));
  for (int i = 0; i < 3; i++) {
    int32_t half_denominator_times_x = th_srdhm(half_denominator, x);
    int32_t one_minus = th_sub_wrap(1 << 29, half_denominator_times_x);
    x = th_add_wrap(x, sat_shl(th_srdhm(x, one_minus), 2));
  }
  return sat_shl(x, 1);
}

int32_t th_get_reciprocal(int32_t x, int32_t x_integer_digits, int32_t *num_bits_over_unit) {
  int32_t headroom_plus_one = th_clz32((uint32_t)x);
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  uint32_t shifted = headroom_plus_one >= 32 ? 0u : ((uint32_t)x << headroom_plus_one);
  int32_t shifted_sum_minus_one = (int32_t)(shifted - (1u << 31));
  return one_over_one_plus_x(shifted_sum_minus_one);
}

/* ---- expf ---- */
float th_expf(float xf) {
  if (xf != xf) return xf;
  if (xf > 89.0f) {
    uint32_t inf_bits = 0x7f800000u;
    float inf;
    memcpy(&inf, &inf_bits, 4);
    return inf;
  }
  if (xf < -103.97208f) return 0.0f;
  const double x = (double)xf;
  const double ln2_hi = 6.93147180369123816490e-01;   /* fdlibm split of ln 2 */
  const double ln2_lo = 1.90821492927058770002e-10;
  const double inv_ln2 = 1.44269504088896338700e+00;
  double kd = th_round(x * inv_ln2);
  int k = (int)kd;
  double r = (x - kd * ln2_hi) - kd * ln2_lo;        /* |r| <= 0.35 */
  /* Taylor series to degree 13: truncation error < 0.35^14/14! ~ 4e-18 */
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  /* scale by 2^k: k in [-150, 128]; split in two steps to stay normal in double */
  int k1 = k / 2, k2 = k - k / 2;
  double s1 = double_of((uint64_t)(k1 + 1023) << 52);
  double s2 = double_of((uint64_t)(k2 + 1023) << 52);
  double y = p * s1 * s2;
  if (y >= 3.4028235677973366e+38) return th_expf(90.0f); /* rounds to +inf */
  return (float)y;
}
