/* The operators the engine runs: one registration per builtin operator, each defined beside its
 * kernel (kernels/<operator>.c). Adding an operator = its file + one line in each list below. */
#include "kernels.h"

extern const th_registration th_registration_add, th_registration_average_pool_2d,
    th_registration_concatenation, th_registration_conv_2d, th_registration_depthwise_conv_2d,
    th_registration_dequantize, th_registration_fully_connected, th_registration_max_pool_2d,
    th_registration_mul, th_registration_reshape, th_registration_softmax, th_registration_pad,
    th_registration_mean, th_registration_quantize;

static const th_registration *const builtin_registrations[] = {
  &th_registration_add,
  &th_registration_average_pool_2d,
  &th_registration_concatenation,
  &th_registration_conv_2d,
  &th_registration_depthwise_conv_2d,
  &th_registration_dequantize,
  &th_registration_fully_connected,
  &th_registration_max_pool_2d,
  &th_registration_mul,
  &th_registration_reshape,
  &th_registration_softmax,
  &th_registration_pad,
  &th_registration_mean,
  &th_registration_quantize,
};

const th_registration *th_find_registration(int32_t code) {
  for (size_t i = 0; i < sizeof(builtin_registrations) / sizeof(builtin_registrations[0]); i++)
    if (builtin_registrations[i]->code == code) return builtin_registrations[i];
  return NULL;
}
