/* Per-operator prepare (at init: validate shapes/types, compute multipliers) and eval
 * (at invoke: compute only). One operator per file. */
#ifndef TH_KERNELS_H
#define TH_KERNELS_H

#include "../engine_internal.h"
#include "../quant_math.h"

typedef struct th_prep {
  th_interpreter *ip;
  th_op *op;
  int32_t index;
  const th_model *m;
  const th_model_op *mop;
  th_error *err;
} th_prep;

/* helpers (ops.c) */
th_status th_prep_fail(const th_prep *c, th_status s, const char *what, int32_t tensor);
th_tensor *th_in(const th_prep *c, int32_t i);     /* NULL if omitted */
th_tensor *th_out(const th_prep *c);
/* Options table of the expected union type; an absent or differently typed table reads as
 * defaults (as TFLM). */
th_fb_table th_options(const th_prep *c, uint8_t expected_type);
th_status th_require_inputs(const th_prep *c, int32_t min_inputs, int32_t max_inputs);
th_status th_require_type(const th_prep *c, int32_t tensor_slot, int32_t type, const char *what);
th_status th_same_shape(const th_prep *c, const th_tensor *a, const th_tensor *b, const char *what);
int32_t th_tensor_id(const th_prep *c, const th_tensor *t);
/* SAME/VALID output size and leading padding, as TFLM's padding.h; 0 on invalid arguments */
int th_compute_padding(int32_t padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation,
                       int32_t *out_size, int32_t *pad);
/* MAX_POOL_2D / AVERAGE_POOL_2D shared validation (Pool2DOptions) */
th_status th_prepare_pool_common(const th_prep *c, const char *op_name);
th_status th_quant_range(const th_prep *c, int32_t act, const th_tensor *out, int32_t *lo, int32_t *hi);
/* reads element i of a tensor as float/int32 whatever the alignment */
static inline float th_f32_at(const uint8_t *p, int32_t i) { return th_ld_f32(p + 4 * i); }
static inline int32_t th_i32_at(const uint8_t *p, int32_t i) { return th_ld_i32(p + 4 * i); }

#define TH_KERNEL(name) \
  th_status th_prepare_##name(const th_prep *c); \
  void th_eval_##name(th_interpreter *ip, const th_op *op);

TH_KERNEL(conv)
TH_KERNEL(depthwise_conv)
TH_KERNEL(fully_connected)
TH_KERNEL(max_pool)
TH_KERNEL(average_pool)
TH_KERNEL(reshape)
TH_KERNEL(softmax)
TH_KERNEL(add)
TH_KERNEL(mul)
TH_KERNEL(mean)
TH_KERNEL(pad)
TH_KERNEL(concatenation)
TH_KERNEL(quantize)
TH_KERNEL(dequantize)

#define TH_T(ip, i) (&(ip)->tensors[(i)])

#endif
