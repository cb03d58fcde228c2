/* Arena planning exactly as TensorFlow Lite Micro does it:
 * - lifetimes as in micro_allocation_info.cc (subgraph inputs from scope 0, operator i is scope
 *   i+1, subgraph outputs live to the last scope, scratch buffers live during their operator);
 * - buffers in tensor order, then kernel scratch requests in request order; sizes rounded up to 16;
 * - greedy_memory_planner.cc: list filled from the back, stable sort by size (largest first),
 *   each buffer placed in the first gap among time-overlapping buffers, in offset order. */
#include "engine_internal.h"

typedef struct plan_req { int32_t size, first, last; } plan_req;
typedef struct plan_entry { int64_t offset; int32_t req, next; } plan_entry;

#define PLANNER_BYTES_PER_BUFFER ((uint32_t)(sizeof(plan_req) + 2u * sizeof(int32_t) + sizeof(int64_t) + sizeof(plan_entry)))

/* Scratch requests TFLM's reference kernels make in Prepare (only MEAN among ours). Writes the
 * sizes in request order; returns their number. */
static uint32_t scratch_requests(const th_model *m, const th_model_op *op, uint64_t sizes[3]) {
  if (op->code != TH_OP_MEAN || op->inputs.len < 2u || op->outputs.len < 1u) return 0;
  th_tensor in, axis, out;
  int32_t ii, ai, oi;
  if (th_model_tensor_index(m, &op->inputs, 0, &ii, 0, -1, NULL) != TH_OK) return 0;
  if (th_model_tensor_index(m, &op->inputs, 1, &ai, 0, -1, NULL) != TH_OK) return 0;
  if (th_model_tensor_index(m, &op->outputs, 0, &oi, 0, -1, NULL) != TH_OK) return 0;
  if (th_model_tensor(m, (uint32_t)ii, &in, NULL) != TH_OK) return 0;
  if (th_model_tensor(m, (uint32_t)ai, &axis, NULL) != TH_OK) return 0;
  if (th_model_tensor(m, (uint32_t)oi, &out, NULL) != TH_OK) return 0;
  uint32_t n = 0;
  /* 64-bit: 4 x 2^30 output elements must not wrap to a small request */
  if (in.type == TH_INT8 || in.type == 7 /* INT16 */) sizes[n++] = 4u * (uint64_t)(uint32_t)th_elements(&out);
  sizes[n++] = 4u * (uint64_t)(uint32_t)in.rank;
  sizes[n++] = 4u * (uint64_t)(uint32_t)th_elements(&axis);
  return n;
}

static int is_planned(const th_tensor *t) { return !t->is_const && t->bytes != 0u; }

/* Every planned size is checked here, before th_plan_run narrows it to TFLM's int32: a buffer of
 * 0x7ffffff1 bytes would otherwise round up to INT32_MIN and be placed anywhere. */
static th_status check_buffer_size(uint64_t bytes, th_error *err, int32_t op, int32_t tensor, int32_t code) {
  if (th_align16_64(bytes) > TH_MAX_BUFFER_BYTES)
    return th_fail(err, TH_ERR_LIMIT_EXCEEDED, "planner: a tensor or scratch buffer above 2^31 - 16 bytes", op, tensor, code);
  return TH_OK;
}

th_status th_plan_measure(const th_model *m, th_plan_sizes *s, th_error *err) {
  th_tensor t;
  th_model_op op;
  th_status st;
  uint64_t extra = 0, buffers = 0;
  uint32_t kscratch = 0;
  memset(s, 0, sizeof(*s));
  s->tensor_count = m->tensors.len;
  s->op_count = m->operators.len;
  s->input_count = m->inputs.len;
  s->output_count = m->outputs.len;
  for (uint32_t i = 0; i < m->tensors.len; i++) {
    st = th_model_tensor(m, i, &t, err);
    if (st != TH_OK) return st;
    if (is_planned(&t)) {
      st = check_buffer_size(t.bytes, err, -1, (int32_t)i, -1);
      if (st != TH_OK) return st;
      buffers++;
    }
  }
  for (uint32_t i = 0; i < m->operators.len; i++) {
    uint64_t sizes[3];
    st = th_model_operator(m, i, &op, err);
    if (st != TH_OK) return st;
    if (!th_builtin_supported(op.code))
      return th_fail(err, TH_ERR_UNSUPPORTED_OPERATOR, "operator not supported by the engine", (int32_t)i, -1, op.code);
    uint32_t nreq = scratch_requests(m, &op, sizes);
    for (uint32_t k = 0; k < nreq; k++) {
      st = check_buffer_size(sizes[k], err, (int32_t)i, -1, op.code);
      if (st != TH_OK) return st;
    }
    buffers += nreq;
    if (op.outputs.len >= 1u) {
      th_tensor out, in, filter;
      int32_t oi, ii = -1, fi = -1;
      (void)th_model_tensor_index(m, &op.outputs, 0, &oi, 0, -1, NULL);
      if (th_model_tensor(m, (uint32_t)oi, &out, err) != TH_OK) return TH_ERR_MODEL_MALFORMED;
      extra += th_op_extra_persistent(op.code, &out);
      if (op.inputs.len >= 1u) {
        (void)th_model_tensor_index(m, &op.inputs, 0, &ii, 1, -1, NULL);
        if (op.inputs.len >= 2u) (void)th_model_tensor_index(m, &op.inputs, 1, &fi, 1, -1, NULL);
        if (ii >= 0 && th_model_tensor(m, (uint32_t)ii, &in, NULL) == TH_OK) {
          int have_filter = fi >= 0 && th_model_tensor(m, (uint32_t)fi, &filter, NULL) == TH_OK;
          uint32_t k = th_op_kernel_scratch(op.code, &in, have_filter ? &filter : NULL, &out);
          if (k > kscratch) kscratch = k;
        }
      }
    }
  }
  s->buffer_count = (uint32_t)buffers;
  uint64_t planner = 16u + 8ull * s->tensor_count + (uint64_t)PLANNER_BYTES_PER_BUFFER * buffers;
  uint64_t persistent = th_align16((uint32_t)sizeof(th_interpreter)) +
                        (((uint64_t)sizeof(th_tensor) * s->tensor_count + 15u) & ~15ull) +
                        (((uint64_t)sizeof(th_op) * s->op_count + 15u) & ~15ull) +
                        (((uint64_t)4u * s->input_count + 15u) & ~15ull) +
                        (((uint64_t)4u * s->output_count + 15u) & ~15ull) + extra + th_align16(kscratch);
  if (planner > 0x7fffffffu || persistent > 0x7fffffffu)
    return th_fail(err, TH_ERR_LIMIT_EXCEEDED, "model: too many tensors/operators for a 32-bit arena", -1, -1, -1);
  s->planner_scratch_bytes = (uint32_t)planner;
  s->persistent_bytes = (uint32_t)persistent;
  s->kernel_scratch_bytes = th_align16(kscratch);
  s->extra_persistent_bytes = (uint32_t)extra;
  return TH_OK;
}

static void update_last(int32_t *last, int32_t t, int32_t scope) { last[t] = scope; }
static void update_first(int32_t *first, int32_t t, int32_t scope) {
  if (first[t] == -1) first[t] = scope;
}

th_status th_plan_run(const th_model *m, const th_plan_sizes *s, void *scratch,
                      uint32_t scratch_bytes, uint32_t *head_bytes, th_interpreter *ip,
                      th_error *err) {
  const uint32_t T = s->tensor_count, B = s->buffer_count;
  uintptr_t base = ((uintptr_t)scratch + 15u) & ~(uintptr_t)15u;
  if (scratch == NULL || scratch_bytes < s->planner_scratch_bytes) {
    th_fail(err, TH_ERR_ARENA_TOO_SMALL, "planner scratch too small", -1, -1, -1);
    if (err) {
      err->bytes_needed = s->planner_scratch_bytes;
      err->bytes_available = scratch_bytes;
    }
    return TH_ERR_ARENA_TOO_SMALL;
  }
  int64_t *offsets = (int64_t *)base;
  plan_entry *list = (plan_entry *)(offsets + B);
  plan_req *req = (plan_req *)(list + B);
  int32_t *ids = (int32_t *)(req + B);
  int32_t *sorted_sizes = ids + B;
  int32_t *first = sorted_sizes + B;
  int32_t *last = first + T;
  th_tensor t;
  th_model_op op;
  int32_t idx;
  th_status st;

  for (uint32_t i = 0; i < T; i++) first[i] = last[i] = -1;
  for (uint32_t i = 0; i < m->inputs.len; i++) {
    (void)th_model_tensor_index(m, &m->inputs, i, &idx, 0, -1, NULL);
    update_first(first, idx, 0);
    update_last(last, idx, 0);
  }
  /* tensors first, scratch requests appended in operator order */
  uint32_t nb = 0;
  for (uint32_t i = 0; i < T; i++) {
    st = th_model_tensor(m, i, &t, err);
    if (st != TH_OK) return st;
    if (is_planned(&t)) {
      if (nb >= B) return th_fail(err, TH_ERR_MODEL_MALFORMED, "planner: buffer count changed", -1, (int32_t)i, -1);
      if (th_align16_64(t.bytes) > TH_MAX_BUFFER_BYTES)
        return th_fail(err, TH_ERR_LIMIT_EXCEEDED, "planner: a tensor above 2^31 - 16 bytes", -1, (int32_t)i, -1);
      req[nb].size = (int32_t)th_align16_64(t.bytes);
      nb++;
    }
  }
  uint32_t scratch_start = nb;
  for (uint32_t i = 0; i < m->operators.len; i++) {
    int32_t scope = (int32_t)i + 1;
    uint64_t sizes[3];
    uint32_t n;
    st = th_model_operator(m, i, &op, err);
    if (st != TH_OK) return st;
    for (uint32_t k = 0; k < op.outputs.len; k++) {
      (void)th_model_tensor_index(m, &op.outputs, k, &idx, 0, -1, NULL);
      update_first(first, idx, scope);
    }
    for (uint32_t k = 0; k < op.inputs.len; k++) {
      (void)th_model_tensor_index(m, &op.inputs, k, &idx, 1, -1, NULL);
      if (idx >= 0) update_last(last, idx, scope);
    }
    for (uint32_t k = 0; k < op.outputs.len; k++) {
      (void)th_model_tensor_index(m, &op.outputs, k, &idx, 0, -1, NULL);
      update_last(last, idx, scope);
    }
    n = scratch_requests(m, &op, sizes);
    for (uint32_t k = 0; k < n; k++) {
      if (nb >= B) return th_fail(err, TH_ERR_MODEL_MALFORMED, "planner: buffer count changed", (int32_t)i, -1, op.code);
      if (th_align16_64(sizes[k]) > TH_MAX_BUFFER_BYTES)
        return th_fail(err, TH_ERR_LIMIT_EXCEEDED, "planner: a scratch buffer above 2^31 - 16 bytes", (int32_t)i, -1, op.code);
      req[nb].size = (int32_t)th_align16_64(sizes[k]);
      req[nb].first = scope;
      req[nb].last = scope;
      if (ip != NULL && k == 0u && op.code == TH_OP_MEAN) ip->ops[i].p.mean.scratch_offset = nb; /* buffer id for now */
      nb++;
    }
  }
  if (nb != B) return th_fail(err, TH_ERR_MODEL_MALFORMED, "planner: buffer count changed", -1, -1, -1);
  {
    int32_t scope = (int32_t)m->operators.len;
    for (uint32_t i = 0; i < m->outputs.len; i++) {
      (void)th_model_tensor_index(m, &m->outputs, i, &idx, 0, -1, NULL);
      update_first(first, idx, scope);
      update_last(last, idx, scope);
    }
  }
  nb = 0;
  for (uint32_t i = 0; i < T; i++) {
    st = th_model_tensor(m, i, &t, err);
    if (st != TH_OK) return st;
    if (is_planned(&t)) {
      req[nb].first = first[i];
      req[nb].last = last[i];
      nb++;
    }
  }

  /* order: filled from the back, then stable sort by size, largest first */
  for (uint32_t i = 0; i < B; i++) {
    ids[B - 1u - i] = (int32_t)i;
    sorted_sizes[B - 1u - i] = req[i].size;
  }
  for (uint32_t i = 1; i < B; i++) {   /* stable insertion sort, descending */
    int32_t sz = sorted_sizes[i], id = ids[i];
    uint32_t j = i;
    while (j > 0u && sorted_sizes[j - 1u] < sz) {
      sorted_sizes[j] = sorted_sizes[j - 1u];
      ids[j] = ids[j - 1u];
      j--;
    }
    sorted_sizes[j] = sz;
    ids[j] = id;
  }

  int64_t head = 0;
  if (B > 0u) {
    int32_t first_entry = 0;
    uint32_t next_free = 1;
    list[0].offset = 0;
    list[0].req = ids[0];
    list[0].next = -1;
    offsets[ids[0]] = 0;
    for (uint32_t i = 1; i < B; i++) {
      int32_t id = ids[i];
      const plan_req *w = &req[id];
      int64_t candidate = 0;
      int32_t prior = -1;
      for (;;) {
        /* next buffer after `prior` (in offset order) that overlaps in time */
        int32_t e = prior < 0 ? first_entry : list[prior].next;
        int32_t next = -1;
        while (e >= 0) {
          const plan_req *r = &req[list[e].req];
          if (!(r->first > w->last || w->first > r->last)) {
            next = e;
            break;
          }
          e = list[e].next;
        }
        if (prior >= 0) {
          int64_t end = list[prior].offset + req[list[prior].req].size;
          if (end > candidate) candidate = end;
        }
        if (next < 0) break;
        if (list[next].offset - candidate >= w->size) break;
        prior = next;
      }
      offsets[id] = candidate;
      plan_entry *ne = &list[next_free];
      ne->offset = candidate;
      ne->req = id;
      int32_t ni = (int32_t)next_free;
      next_free++;
      if (list[first_entry].offset > candidate) {
        ne->next = first_entry;
        first_entry = ni;
      } else {
        int32_t cur = first_entry;
        for (;;) {
          int32_t nx = list[cur].next;
          if (nx < 0) {
            list[cur].next = ni;
            ne->next = -1;
            break;
          }
          if (list[nx].offset > candidate) {
            ne->next = nx;
            list[cur].next = ni;
            break;
          }
          cur = nx;
        }
      }
    }
    for (uint32_t i = 0; i < B; i++) {
      int64_t end = offsets[i] + req[i].size;
      if (end > head) head = end;
    }
  }
  if (head > 0x7fffffffLL)
    return th_fail(err, TH_ERR_LIMIT_EXCEEDED, "planner: head above 2^31 bytes", -1, -1, -1);
  *head_bytes = (uint32_t)head;

  if (ip != NULL) {
    /* commit: tensors in order, then scratch buffers */
    nb = 0;
    for (uint32_t i = 0; i < T; i++) {
      th_tensor *tt = &ip->tensors[i];
      if (!tt->is_const && tt->bytes != 0u) {
        tt->data = ip->head + offsets[nb];
        tt->is_planned = 1;
        nb++;
      } else if (!tt->is_const) {
        tt->data = ip->head;   /* zero-sized: a valid, never-dereferenced pointer */
      }
    }
    for (uint32_t i = 0; i < m->operators.len; i++) {
      th_op *o = &ip->ops[i];
      if (o->code == TH_OP_MEAN && o->p.mean.scratch_offset >= scratch_start &&
          o->p.mean.scratch_offset < B) {
        o->p.mean.scratch_offset = (uint32_t)offsets[o->p.mean.scratch_offset];
      }
    }
  }
  return TH_OK;
}
