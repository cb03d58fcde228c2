/*
 * TinyHIL inference engine: portable C99, no heap, bit-exact with TensorFlow Lite Micro's
 * reference kernels for int8 models.
 *
 * Contract shared by the engine, the Swift `Inference` module and the firmware.
 *
 * Memory: the caller supplies one arena. th_interpreter_init places the interpreter and every
 * per-tensor/per-operator record at the END of the arena (the persistent "tail") and the
 * activation tensors at the START (the "head"), planned with TFLite Micro's greedy planner, so
 * th_plan_info.head_bytes equals TFLM's recorded head exactly. Any arena alignment works:
 * arena_bytes_required includes the slack for aligning both ends to 16 bytes.
 *
 * The model bytes are read in place and must stay alive and unchanged while an interpreter uses
 * them. The engine never assumes buffer data alignment (reads multi-byte values safely).
 * Every failure returns a th_status and, when err != NULL, fills *err.
 */
#ifndef TINYHIL_ENGINE_H
#define TINYHIL_ENGINE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TH_ENGINE_VERSION "0.1.0"
#define TH_MAX_RANK 6

typedef enum th_status {
  TH_OK = 0,
  TH_ERR_MODEL_MALFORMED,
  TH_ERR_UNSUPPORTED_OPERATOR,
  TH_ERR_UNSUPPORTED_TYPE,
  TH_ERR_ARENA_TOO_SMALL,
  TH_ERR_BAD_ARGUMENT,
  TH_ERR_SHAPE_MISMATCH,
  TH_ERR_LIMIT_EXCEEDED
} th_status;

typedef struct th_error {            /* filled on every failure; zeroed fields = not applicable (-1 for indices) */
  th_status status;
  int32_t op_index;                  /* operator at fault, or -1 */
  int32_t tensor_index;              /* tensor at fault, or -1 */
  int32_t builtin_code;              /* op code of that operator, or -1 */
  uint32_t bytes_needed, bytes_available;   /* for TH_ERR_ARENA_TOO_SMALL */
  const char *what;                  /* static string naming the table/field/check that failed */
} th_error;

typedef struct th_tensor_info {
  int32_t type;                      /* TFLite TensorType value (FLOAT32 0, INT32 2, UINT8 3, INT8 9) */
  int32_t rank; int32_t dims[TH_MAX_RANK];
  uint32_t bytes; float scale; int32_t zero_point;
  void *data;                        /* points into the arena */
} th_tensor_info;

typedef struct th_plan_info {
  uint32_t head_bytes;               /* non-persistent arena, TFLM greedy planner, exact */
  uint32_t persistent_bytes;         /* this engine's own persistent needs */
  uint32_t arena_bytes_required;     /* what th_interpreter_init needs in total (includes 32 bytes of alignment slack) */
} th_plan_info;

typedef struct th_interpreter th_interpreter;   /* lives inside the caller's arena */
typedef void (*th_op_hook)(void *ctx, uint32_t op_index, int32_t builtin_code, int is_end);

/* Plans a model without an arena. Uses a stack buffer of TH_PLAN_STACK_BYTES (compile-time,
 * default 16384: about 300 tensors) for the planner; a model too large for it gives
 * TH_ERR_LIMIT_EXCEEDED with bytes_needed: then use th_plan_with_scratch. On a board with a small
 * stack, build with a smaller TH_PLAN_STACK_BYTES or call th_plan_with_scratch /
 * th_interpreter_init directly (init plans inside the arena and reports the exact bytes needed
 * when the arena is too small). */
th_status th_plan(const uint8_t *model, uint32_t model_bytes, th_plan_info *out, th_error *err);
th_status th_interpreter_init(th_interpreter **out, const uint8_t *model, uint32_t model_bytes,
                              uint8_t *arena, uint32_t arena_bytes, th_error *err);
uint32_t  th_input_count(const th_interpreter *ip);
uint32_t  th_output_count(const th_interpreter *ip);
th_status th_input(const th_interpreter *ip, uint32_t index, th_tensor_info *out);
th_status th_output(const th_interpreter *ip, uint32_t index, th_tensor_info *out);
uint32_t  th_operator_count(const th_interpreter *ip);
int32_t   th_operator_code(const th_interpreter *ip, uint32_t op_index);   /* -1 if out of range */
void      th_set_op_hook(th_interpreter *ip, th_op_hook hook, void *ctx);
th_status th_invoke(th_interpreter *ip, th_error *err);
int       th_builtin_supported(int32_t builtin_code);
const char *th_status_name(th_status s);
const char *th_builtin_name(int32_t builtin_code);   /* "CONV_2D", ... or "UNKNOWN" */

/* ---- additions beyond the contract ---- */

/* Like th_plan, with caller-supplied scratch memory for the planner (any alignment). */
th_status th_plan_with_scratch(const uint8_t *model, uint32_t model_bytes, void *scratch,
                               uint32_t scratch_bytes, th_plan_info *out, th_error *err);
/* Bytes of planner scratch a model needs (0 on a malformed model). */
uint32_t  th_plan_scratch_bytes(const uint8_t *model, uint32_t model_bytes);
/* Any tensor of the model (weights point into the model bytes, activations into the arena). */
uint32_t  th_tensor_count(const th_interpreter *ip);
th_status th_tensor_at(const th_interpreter *ip, uint32_t tensor_index, th_tensor_info *out);

/* Vector kernels on hosts. Every tier computes the same integers; they differ only in speed.
 * BASELINE is the build's own code (SSE2 on x86-64, portable C elsewhere and on boards); AVX2 and
 * AVX-512 VNNI kernels are chosen at init when the build has them and the CPU supports them. */
typedef enum th_simd {
  TH_SIMD_BASELINE = 0,
  TH_SIMD_AVX2 = 1,
  TH_SIMD_AVX512_VNNI = 2
} th_simd;
/* The tier the interpreter uses (BASELINE for an invalid interpreter). */
th_simd   th_simd_level(const th_interpreter *ip);
/* Lowers the tier to at most `highest` (benchmarks, tests); never raises it. Returns the tier now
 * in effect. */
th_simd   th_limit_simd(th_interpreter *ip, th_simd highest);

#ifdef __cplusplus
}
#endif

#endif /* TINYHIL_ENGINE_H */
