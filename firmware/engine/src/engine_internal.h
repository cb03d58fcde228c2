/* Internal structures of the TinyHIL engine: the parsed model, tensors, operators. */
#ifndef TH_ENGINE_INTERNAL_H
#define TH_ENGINE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tinyhil_engine.h"
#include "flatbuffer.h"

/* TFLite TensorType values used by the kernels. */
enum { TH_FLOAT32 = 0, TH_INT32 = 2, TH_UINT8 = 3, TH_INT64 = 4, TH_INT8 = 9 };

/* BuiltinOperator codes that code outside an operator's own file tests for (the supported
 * operators are the registrations listed in kernels/resolver.c). */
enum { TH_OP_CONV_2D = 3, TH_OP_FULLY_CONNECTED = 9, TH_OP_MEAN = 40 };

/* Fused activation function values in the options tables. */
enum { TH_ACT_NONE = 0, TH_ACT_RELU = 1, TH_ACT_RELU_N1_TO_1 = 2, TH_ACT_RELU6 = 3 };

#define TH_MAX_OP_INPUTS 10
/* Bound on accumulation depth / pooling window so int32 sums cannot overflow. */
#define TH_MAX_ACCUMULATION 65536
#define TH_ARENA_ALIGN 16u
/* slack in arena_bytes_required so any arena alignment fits */
#define TH_ARENA_SLACK 32u
/* Largest byte size of any one tensor or scratch buffer: its size rounded up to 16 still fits an
 * int32 (the planner's offsets and TFLM's sizes are int32). Tensor shapes are also bounded with
 * every zero dimension counted as 1 (model.c), so no product of dimensions of one tensor, and no
 * element index times element size, overflows an int32 even when a zero dimension makes the
 * tensor empty. */
#define TH_MAX_BUFFER_BYTES 0x7ffffff0u
/* Independent bound on output channels / units of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
 * (their per-channel multiplier, shift and bias arrays are allocated from it). */
#define TH_MAX_CHANNELS (1 << 20)

typedef struct th_tensor {
  uint8_t *data;               /* arena, or the model's buffer (read only) */
  uint32_t bytes;
  int32_t dims[TH_MAX_RANK];
  int32_t rank;
  int32_t type;
  uint8_t is_const;            /* data lives in the model */
  uint8_t is_planned;          /* data lives in the arena head */
  uint8_t has_quant;
  uint8_t is_sparse;           /* data is a THS1 sparse blob (sparse_weights.h), not dense bytes */
  float scale;                 /* scale[0] */
  int32_t zero_point;          /* zero_point[0] */
  uint32_t scale_pos;          /* model offset of the float scale vector elements */
  uint32_t scale_count;
  int32_t quantized_dimension;
} th_tensor;

typedef struct th_conv_params {
  int32_t stride_w, stride_h, dilation_w, dilation_h, pad_w, pad_h;
  int32_t depth_multiplier;
  int32_t act_min, act_max;    /* int8 */
  float fact_min, fact_max;    /* float32 */
  int32_t input_zp, output_zp, filter_zp;
  int32_t *multiplier, *shift; /* per output channel, persistent */
  int32_t *filter_sum;         /* per output channel: sum of weights (int8 fast path) */
  int32_t single_multiplier, single_shift; /* FULLY_CONNECTED with per-tensor weights */
  int32_t per_channel;
  int32_t keep_num_dims;
  int32_t armv6m;              /* Cortex-M0+ requantization of kernels/armv6m: 0 none, 1 th_mbqm_armv6m, 2 encoded shifts */
  int32_t sparse;              /* weights are THS1 sparse: kernels/sparse_*.c run this operator */
} th_conv_params;

typedef struct th_pool_params {
  int32_t stride_w, stride_h, filter_w, filter_h, pad_w, pad_h;
  int32_t act_min, act_max;
  float fact_min, fact_max;
} th_pool_params;

typedef struct th_softmax_params {
  int32_t input_multiplier, input_left_shift, diff_min;
  float beta;
  int32_t outer, depth;
} th_softmax_params;

typedef struct th_binary_params {
  int32_t input1_offset, input2_offset, output_offset, left_shift;
  int32_t input1_multiplier, input1_shift, input2_multiplier, input2_shift;
  int32_t output_multiplier, output_shift;
  int32_t act_min, act_max;
  float fact_min, fact_max;
  int32_t broadcast;           /* shapes differ: use the 6-D broadcasting loop */
  int32_t out_dims[TH_MAX_RANK], in1_strides[TH_MAX_RANK], in2_strides[TH_MAX_RANK];
} th_binary_params;

typedef struct th_mean_params {
  int32_t multiplier, shift;   /* already adjusted for 1/n */
  int32_t input_zp, output_zp;
  int32_t count;               /* elements reduced into each output */
  uint32_t scratch_offset;     /* int32 accumulators in the head (TFLM's scratch buffer) */
  int32_t out_stride[TH_MAX_RANK]; /* output offset step per input axis (0 if reduced) */
  int32_t out_elements;
} th_mean_params;

typedef struct th_pad_params {
  int32_t before[TH_MAX_RANK], after[TH_MAX_RANK];
  int32_t pad_value;           /* int8: output zero point or constant */
  float fpad_value;
} th_pad_params;

typedef struct th_concat_params {
  int32_t axis;
  int32_t outer, inner_out;    /* product of dims before axis; elements after per output row */
} th_concat_params;

typedef struct th_quant_params {
  int32_t multiplier, shift, input_zp, output_zp;
  float scale;                 /* QUANTIZE float->int8 */
  double dscale;               /* DEQUANTIZE */
} th_quant_params;

struct th_op;
/* Runs one operator at invoke (the registration's eval or a variant chosen at prepare). */
typedef void (*th_eval_fn)(th_interpreter *ip, const struct th_op *op);

typedef struct th_op {
  int32_t code;                /* BuiltinOperator */
  int32_t n_in, n_out;
  int32_t in[TH_MAX_OP_INPUTS];
  int32_t out;
  th_eval_fn eval;             /* what th_invoke runs: set once at prepare */
  union {
    th_conv_params conv;
    th_pool_params pool;
    th_softmax_params softmax;
    th_binary_params binary;
    th_mean_params mean;
    th_pad_params pad;
    th_concat_params concat;
    th_quant_params quant;
  } p;
} th_op;

struct th_interpreter {
  uint32_t magic;
  th_fb fb;
  uint8_t *head;               /* 16-byte aligned start of the planned region */
  uint32_t head_bytes;
  th_tensor *tensors;
  uint32_t tensor_count;
  th_op *ops;
  uint32_t op_count;
  int32_t *inputs;
  uint32_t input_count;
  int32_t *outputs;
  uint32_t output_count;
  uint8_t *scratch;            /* engine's own kernel scratch (persistent region) */
  uint32_t scratch_bytes;
  uint8_t *persistent_next;    /* bump pointer inside the persistent region during init */
  uint8_t *persistent_end;
  th_op_hook hook;
  void *hook_ctx;
  const char *eval_error;      /* set by a kernel when TFLM would abort on this input */
  int32_t avx2;                /* host CPU has AVX2 (set before the operators' prepare) */
  int32_t vnni;                /* host CPU has AVX-512 VNNI (and AVX2) */
};

#define TH_INTERPRETER_MAGIC 0x54484950u

/* Parsed view of the model's root tables (subgraph 0). */
typedef struct th_model {
  th_fb fb;
  th_fb_vec opcodes, buffers, tensors, inputs, outputs, operators;
  th_fb_vec metadata;          /* Model.metadata (len 0 if absent) */
} th_model;

/* Operator as read from the FlatBuffer. */
typedef struct th_model_op {
  int32_t code;
  th_fb_vec inputs, outputs;
  th_fb_table options;         /* pos 0 = absent */
  uint8_t options_type;
} th_model_op;

/* error helpers */
th_status th_fail(th_error *err, th_status s, const char *what, int32_t op, int32_t tensor,
                  int32_t code);

/* model.c */
th_status th_model_open(th_model *m, const uint8_t *bytes, uint32_t size, th_error *err);
th_status th_model_tensor(const th_model *m, uint32_t index, th_tensor *t, th_error *err);
th_status th_model_operator(const th_model *m, uint32_t index, th_model_op *op, th_error *err);
th_status th_model_tensor_index(const th_model *m, const th_fb_vec *v, uint32_t i, int32_t *out,
                                int allow_omitted, int32_t op_index, th_error *err);

/* planner.c: sizes of the plan */
typedef struct th_plan_sizes {
  uint32_t tensor_count, op_count, input_count, output_count;
  uint32_t buffer_count;       /* planned tensors + scratch requests */
  uint32_t planner_scratch_bytes;
  uint32_t persistent_bytes;
  uint32_t kernel_scratch_bytes;
  uint32_t extra_persistent_bytes;
} th_plan_sizes;
th_status th_plan_measure(const th_model *m, th_plan_sizes *s, th_error *err);
/* Runs TFLM's greedy planner. tensors: parsed tensors (or NULL: parse from m). Writes the head
 * size, and per planned tensor/scratch buffer its offset via the callbacks below. */
th_status th_plan_run(const th_model *m, const th_plan_sizes *s, void *scratch,
                      uint32_t scratch_bytes, uint32_t *head_bytes, th_interpreter *ip,
                      th_error *err);

/* kernels/resolver.c: the registration of a builtin code (kernels/kernels.h), NULL if the engine
 * does not run it */
typedef struct th_registration th_registration;
const th_registration *th_find_registration(int32_t code);
/* names.c: the BuiltinOperator's name in the TFLite schema ("UNKNOWN" outside it) */
const char *th_schema_builtin_name(int32_t code);

/* ops.c: sizes from the registrations, and per-operator prepare */
uint64_t th_op_extra_persistent(int32_t code, const th_tensor *out_tensor);
uint32_t th_op_kernel_scratch(int32_t code, const th_tensor *in, const th_tensor *filter,
                              const th_tensor *out);
th_status th_op_prepare(th_interpreter *ip, uint32_t op_index, const th_model *m,
                        const th_model_op *mop, th_error *err);
/* (again) chooses a prepared operator's host vector variant for ip's tier (th_limit_simd) */
void th_op_select_variant(const th_interpreter *ip, th_op *op);

/* persistent bump allocation during init (16-byte aligned) */
void *th_persistent_alloc(th_interpreter *ip, uint64_t bytes);

/* Rounds up to 16 in 64 bits: a size near 2^32 cannot wrap to a small one. */
static inline uint64_t th_align16_64(uint64_t x) { return (x + 15u) & ~(uint64_t)15u; }
/* Only for sizes known to be at most TH_MAX_BUFFER_BYTES. */
static inline uint32_t th_align16(uint32_t x) { return (uint32_t)th_align16_64(x); }

/* element count of a tensor */
static inline int32_t th_elements(const th_tensor *t) {
  int32_t n = 1;
  for (int32_t i = 0; i < t->rank; i++) n *= t->dims[i];
  return n;
}

#endif
