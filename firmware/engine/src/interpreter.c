/* The public API: planning, initialisation inside the caller's arena, invocation. */
#include "engine_internal.h"
#include "dot_x86.h"

#ifndef TH_PLAN_STACK_BYTES
#define TH_PLAN_STACK_BYTES 16384
#endif

static th_status plan_common(const uint8_t *model, uint32_t model_bytes, void *scratch,
                             uint32_t scratch_bytes, th_plan_info *out, th_error *err) {
  th_model m;
  th_plan_sizes s;
  th_status st;
  uint32_t head = 0;
  if (out == NULL) return th_fail(err, TH_ERR_BAD_ARGUMENT, "th_plan: out is NULL", -1, -1, -1);
  memset(out, 0, sizeof(*out));
  st = th_model_open(&m, model, model_bytes, err);
  if (st != TH_OK) return st;
  st = th_plan_measure(&m, &s, err);
  if (st != TH_OK) return st;
  if (scratch_bytes < s.planner_scratch_bytes) {
    th_fail(err, TH_ERR_LIMIT_EXCEEDED, "th_plan: planner scratch too small for this model (use th_plan_with_scratch)", -1, -1, -1);
    if (err) {
      err->bytes_needed = s.planner_scratch_bytes;
      err->bytes_available = scratch_bytes;
    }
    return TH_ERR_LIMIT_EXCEEDED;
  }
  st = th_plan_run(&m, &s, scratch, scratch_bytes, &head, NULL, err);
  if (st != TH_OK) return st;
  out->head_bytes = head;
  out->persistent_bytes = s.persistent_bytes;
  uint64_t working = head > s.planner_scratch_bytes ? head : s.planner_scratch_bytes;
  uint64_t total = working + s.persistent_bytes + TH_ARENA_SLACK;
  if (total > 0xffffffffu) return th_fail(err, TH_ERR_LIMIT_EXCEEDED, "arena above 4 GiB", -1, -1, -1);
  out->arena_bytes_required = (uint32_t)total;
  return TH_OK;
}

th_status th_plan(const uint8_t *model, uint32_t model_bytes, th_plan_info *out, th_error *err) {
  uint64_t scratch[TH_PLAN_STACK_BYTES / 8];
  return plan_common(model, model_bytes, scratch, (uint32_t)sizeof(scratch), out, err);
}

th_status th_plan_with_scratch(const uint8_t *model, uint32_t model_bytes, void *scratch,
                               uint32_t scratch_bytes, th_plan_info *out, th_error *err) {
  if (scratch == NULL && scratch_bytes != 0u)
    return th_fail(err, TH_ERR_BAD_ARGUMENT, "th_plan_with_scratch: scratch is NULL", -1, -1, -1);
  return plan_common(model, model_bytes, scratch, scratch_bytes, out, err);
}

uint32_t th_plan_scratch_bytes(const uint8_t *model, uint32_t model_bytes) {
  th_model m;
  th_plan_sizes s;
  if (th_model_open(&m, model, model_bytes, NULL) != TH_OK) return 0;
  if (th_plan_measure(&m, &s, NULL) != TH_OK) return 0;
  return s.planner_scratch_bytes;
}

static th_status too_small(th_error *err, uint32_t needed, uint32_t available) {
  th_fail(err, TH_ERR_ARENA_TOO_SMALL, "arena too small", -1, -1, -1);
  if (err) {
    err->bytes_needed = needed;
    err->bytes_available = available;
  }
  return TH_ERR_ARENA_TOO_SMALL;
}

th_status th_interpreter_init(th_interpreter **out, const uint8_t *model, uint32_t model_bytes,
                              uint8_t *arena, uint32_t arena_bytes, th_error *err) {
  th_model m;
  th_plan_sizes s;
  th_status st;
  if (out == NULL) return th_fail(err, TH_ERR_BAD_ARGUMENT, "th_interpreter_init: out is NULL", -1, -1, -1);
  *out = NULL;
  if (arena == NULL) return th_fail(err, TH_ERR_BAD_ARGUMENT, "th_interpreter_init: arena is NULL", -1, -1, -1);
  st = th_model_open(&m, model, model_bytes, err);
  if (st != TH_OK) return st;
  st = th_plan_measure(&m, &s, err);
  if (st != TH_OK) return st;

  uintptr_t a0 = ((uintptr_t)arena + 15u) & ~(uintptr_t)15u;
  uint32_t lost = (uint32_t)(a0 - (uintptr_t)arena);
  uint32_t avail = arena_bytes > lost ? arena_bytes - lost : 0u;
  if ((uint64_t)s.persistent_bytes + s.planner_scratch_bytes > avail) {
    /* say exactly how much is needed when the arena can at least hold the planner's scratch */
    uint32_t head = 0;
    uint64_t needed = (uint64_t)s.persistent_bytes + s.planner_scratch_bytes + TH_ARENA_SLACK;
    if (avail >= s.planner_scratch_bytes && th_plan_run(&m, &s, (void *)a0, avail, &head, NULL, NULL) == TH_OK) {
      uint64_t working = head > s.planner_scratch_bytes ? head : s.planner_scratch_bytes;
      needed = working + s.persistent_bytes + TH_ARENA_SLACK;
    }
    return too_small(err, needed > 0xffffffffu ? 0xffffffffu : (uint32_t)needed, arena_bytes);
  }

  /* persistent region at the end, 16-byte aligned */
  uintptr_t pend = (a0 + avail) & ~(uintptr_t)15u;
  uintptr_t p0 = pend - s.persistent_bytes;
  p0 &= ~(uintptr_t)15u;
  if (p0 < a0 + s.planner_scratch_bytes)
    return too_small(err, s.persistent_bytes + s.planner_scratch_bytes + TH_ARENA_SLACK, arena_bytes);
  th_interpreter *ip = (th_interpreter *)p0;
  memset(ip, 0, sizeof(*ip));
  ip->persistent_next = (uint8_t *)p0 + th_align16((uint32_t)sizeof(th_interpreter));
  ip->persistent_end = (uint8_t *)pend;
  ip->avx2 = th_cpu_has_avx2();   /* the operators' prepare chooses their variants for this tier */
  ip->vnni = ip->avx2 && th_cpu_has_vnni();
  ip->fb = m.fb;
  ip->tensor_count = s.tensor_count;
  ip->op_count = s.op_count;
  ip->input_count = s.input_count;
  ip->output_count = s.output_count;
  ip->tensors = (th_tensor *)th_persistent_alloc(ip, (uint32_t)sizeof(th_tensor) * s.tensor_count);
  ip->ops = (th_op *)th_persistent_alloc(ip, (uint32_t)sizeof(th_op) * s.op_count);
  ip->inputs = (int32_t *)th_persistent_alloc(ip, 4u * s.input_count);
  ip->outputs = (int32_t *)th_persistent_alloc(ip, 4u * s.output_count);
  ip->scratch = (uint8_t *)th_persistent_alloc(ip, s.kernel_scratch_bytes);
  ip->scratch_bytes = s.kernel_scratch_bytes;
  if (!ip->tensors || !ip->ops || !ip->inputs || !ip->outputs || !ip->scratch)
    return th_fail(err, TH_ERR_LIMIT_EXCEEDED, "persistent layout mismatch (engine bug)", -1, -1, -1);

  for (uint32_t i = 0; i < s.tensor_count; i++) {
    st = th_model_tensor(&m, i, &ip->tensors[i], err);
    if (st != TH_OK) return st;
  }
  for (uint32_t i = 0; i < s.input_count; i++)
    (void)th_model_tensor_index(&m, &m.inputs, i, &ip->inputs[i], 0, -1, NULL);
  for (uint32_t i = 0; i < s.output_count; i++)
    (void)th_model_tensor_index(&m, &m.outputs, i, &ip->outputs[i], 0, -1, NULL);
  for (uint32_t i = 0; i < s.input_count; i++)
    if (ip->tensors[ip->inputs[i]].is_const)
      return th_fail(err, TH_ERR_MODEL_MALFORMED, "SubGraph.inputs: input tensor has constant data", -1, ip->inputs[i], -1);
  for (uint32_t i = 0; i < s.output_count; i++)
    if (ip->tensors[ip->outputs[i]].is_const)
      return th_fail(err, TH_ERR_MODEL_MALFORMED, "SubGraph.outputs: output tensor has constant data", -1, ip->outputs[i], -1);
  for (uint32_t i = 0; i < s.op_count; i++) {
    th_model_op mop;
    st = th_model_operator(&m, i, &mop, err);
    if (st != TH_OK) return st;
    st = th_op_prepare(ip, i, &m, &mop, err);
    if (st != TH_OK) return st;
  }
  uint32_t head = 0;
  st = th_plan_run(&m, &s, (void *)a0, (uint32_t)(p0 - a0), &head, NULL, err);
  if (st != TH_OK) return st;
  if ((uint64_t)head > (uint64_t)(p0 - a0)) {
    uint64_t working = head > s.planner_scratch_bytes ? head : s.planner_scratch_bytes;
    return too_small(err, (uint32_t)(working + s.persistent_bytes + TH_ARENA_SLACK), arena_bytes);
  }
  ip->head = (uint8_t *)a0;
  ip->head_bytes = head;
  /* second run commits the offsets (the scratch is overwritten by the plan itself) */
  st = th_plan_run(&m, &s, (void *)a0, (uint32_t)(p0 - a0), &head, ip, err);
  if (st != TH_OK) return st;
  ip->magic = TH_INTERPRETER_MAGIC;
  *out = ip;
  return TH_OK;
}

static int valid(const th_interpreter *ip) { return ip != NULL && ip->magic == TH_INTERPRETER_MAGIC; }

uint32_t th_input_count(const th_interpreter *ip) { return valid(ip) ? ip->input_count : 0u; }
uint32_t th_output_count(const th_interpreter *ip) { return valid(ip) ? ip->output_count : 0u; }
uint32_t th_operator_count(const th_interpreter *ip) { return valid(ip) ? ip->op_count : 0u; }
uint32_t th_tensor_count(const th_interpreter *ip) { return valid(ip) ? ip->tensor_count : 0u; }

int32_t th_operator_code(const th_interpreter *ip, uint32_t op_index) {
  if (!valid(ip) || op_index >= ip->op_count) return -1;
  return ip->ops[op_index].code;
}

static void fill_info(const th_tensor *t, th_tensor_info *out) {
  memset(out, 0, sizeof(*out));
  out->type = t->type;
  out->rank = t->rank;
  for (int32_t i = 0; i < t->rank; i++) out->dims[i] = t->dims[i];
  out->bytes = t->bytes;
  out->scale = t->has_quant ? t->scale : 0.0f;
  out->zero_point = t->has_quant ? t->zero_point : 0;
  out->data = t->data;
}

th_status th_tensor_at(const th_interpreter *ip, uint32_t tensor_index, th_tensor_info *out) {
  if (!valid(ip) || out == NULL || tensor_index >= ip->tensor_count) return TH_ERR_BAD_ARGUMENT;
  fill_info(&ip->tensors[tensor_index], out);
  return TH_OK;
}

th_status th_input(const th_interpreter *ip, uint32_t index, th_tensor_info *out) {
  if (!valid(ip) || out == NULL || index >= ip->input_count) return TH_ERR_BAD_ARGUMENT;
  fill_info(&ip->tensors[ip->inputs[index]], out);
  return TH_OK;
}

th_status th_output(const th_interpreter *ip, uint32_t index, th_tensor_info *out) {
  if (!valid(ip) || out == NULL || index >= ip->output_count) return TH_ERR_BAD_ARGUMENT;
  fill_info(&ip->tensors[ip->outputs[index]], out);
  return TH_OK;
}

void th_set_op_hook(th_interpreter *ip, th_op_hook hook, void *ctx) {
  if (!valid(ip)) return;
  ip->hook = hook;
  ip->hook_ctx = ctx;
}

th_simd th_simd_level(const th_interpreter *ip) {
  if (!valid(ip)) return TH_SIMD_BASELINE;
  return ip->vnni ? TH_SIMD_AVX512_VNNI : ip->avx2 ? TH_SIMD_AVX2 : TH_SIMD_BASELINE;
}

th_simd th_limit_simd(th_interpreter *ip, th_simd highest) {
  if (!valid(ip)) return TH_SIMD_BASELINE;
  if (highest < TH_SIMD_AVX512_VNNI) ip->vnni = 0;
  if (highest < TH_SIMD_AVX2) ip->avx2 = 0;
  for (uint32_t i = 0; i < ip->op_count; i++) th_op_select_variant(ip, &ip->ops[i]);
  return th_simd_level(ip);
}

th_status th_invoke(th_interpreter *ip, th_error *err) {
  if (!valid(ip)) return th_fail(err, TH_ERR_BAD_ARGUMENT, "th_invoke: not an initialised interpreter", -1, -1, -1);
  for (uint32_t i = 0; i < ip->op_count; i++) {
    const th_op *op = &ip->ops[i];
    if (ip->hook) ip->hook(ip->hook_ctx, i, op->code, 0);
    ip->eval_error = NULL;
    /* An empty output has nothing to compute: skipping it keeps a model whose zero dimension
     * sits beside a batch of 2^24 (loops over batches x window with no element) from running
     * for minutes. */
    if (ip->tensors[op->out].bytes != 0u) op->eval(ip, op);
    if (ip->hook) ip->hook(ip->hook_ctx, i, op->code, 1);
    if (ip->eval_error) return th_fail(err, TH_ERR_LIMIT_EXCEEDED, ip->eval_error, (int32_t)i, op->out, op->code);
  }
  return TH_OK;
}
