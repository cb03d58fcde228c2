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

/* One registration per builtin operator (the role of TFLM's TFLMRegistration), defined at the
 * end of the operator's own file and listed once in resolver.c. th_op_prepare (ops.c) looks the
 * code up, sets op->eval to the registration's eval and runs its prepare; the prepare may point
 * op->eval at a variant its checks chose (kernels/armv6m on Cortex-M0+ builds, the sparse kernels),
 * then select_variant (kernels/x86) may pick a host vector variant. */
typedef th_status (*th_prepare_fn)(const th_prep *c);
/* Kernel scratch bytes (ip->scratch, shared by all operators, planned for the largest) for these
 * tensors; filter is NULL when the operator has no input 1. The planner sizes the scratch with it
 * and the operator's prepare checks against the same function. */
typedef uint32_t (*th_scratch_fn)(const th_tensor *in, const th_tensor *filter, const th_tensor *out);
/* Persistent bytes the prepare allocates with th_persistent_alloc, from the output tensor. */
typedef uint64_t (*th_persistent_fn)(const th_tensor *out);
/* The kernel a prepared operator runs at the interpreter's host vector tier (ip->avx2, ip->vnni):
 * a variant whose target and shape checks pass, else the portable choice of its prepare
 * (kernels/x86/select_x86.h). Called after prepare and again when th_limit_simd lowers the tier;
 * on other targets it returns op->eval. */
typedef th_eval_fn (*th_select_fn)(const th_interpreter *ip, const th_op *op);

struct th_registration {
  int32_t code;                    /* BuiltinOperator */
  const char *name;                /* schema name, e.g. "CONV_2D" */
  th_prepare_fn prepare;           /* at init: validate, compute parameters, choose a variant */
  th_eval_fn eval;                 /* at invoke (the reference kernel) */
  th_scratch_fn scratch_bytes;     /* NULL: no kernel scratch */
  th_persistent_fn persistent_bytes; /* NULL: nothing beyond the th_op record */
  uint8_t sparse_weights;          /* input 1 may hold THS1 sparse weights (sparse_matmul.h) */
  th_select_fn select_variant;     /* NULL: no host vector variant */
};

/* Shared int8 prepare of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (channel_quant.c). */
#include "channel_quant.h"

#define TH_T(ip, i) (&(ip)->tensors[(i)])

#endif
