/* Back-to-front FlatBuffer building of a one-operator .tflite model (see tflite_writer.h).
 * Offsets are kept as "distance from the end of the buffer", as the FlatBuffers builder does. */
#include "tflite_writer.h"

#include <string.h>

typedef struct fbb {
  uint8_t *b;
  uint32_t cap, head;          /* used bytes are b[head, cap) */
  int overflow;
} fbb;

typedef struct table_build {
  uint32_t start;
  int32_t n;
  uint16_t slot[16];
  uint32_t at[16];             /* field position, from the end */
} table_build;

static uint32_t off(const fbb *f) { return f->cap - f->head; }

static void put(fbb *f, const void *p, uint32_t n) {
  if (f->overflow || f->head < n) {
    f->overflow = 1;
    return;
  }
  f->head -= n;
  memcpy(f->b + f->head, p, n);
}

static void align(fbb *f, uint32_t a, uint32_t extra) {
  static const uint8_t zero = 0;
  while (!f->overflow && (off(f) + extra) % a != 0u) put(f, &zero, 1);
}

static void put_u32(fbb *f, uint32_t v) {
  align(f, 4, 4);
  put(f, &v, 4);
}

/* A uoffset to `target` (an earlier-built object), written at the current position. */
static void put_ref(fbb *f, uint32_t target) {
  align(f, 4, 4);
  uint32_t v = off(f) + 4u - target;
  put(f, &v, 4);
}

static uint32_t vec_i32(fbb *f, const int32_t *v, int32_t n) {
  align(f, 4, 4u * (uint32_t)n + 4u);
  for (int32_t i = n - 1; i >= 0; i--) put(f, &v[i], 4);
  put_u32(f, (uint32_t)n);
  return off(f);
}

static uint32_t vec_refs(fbb *f, const uint32_t *targets, int32_t n) {
  align(f, 4, 4u * (uint32_t)n + 4u);
  for (int32_t i = n - 1; i >= 0; i--) put_ref(f, targets[i]);
  put_u32(f, (uint32_t)n);
  return off(f);
}

static void tb_start(fbb *f, table_build *t) {
  t->start = off(f);
  t->n = 0;
}

static void tb_note(fbb *f, table_build *t, uint16_t slot) {
  if (t->n < 16) {
    t->slot[t->n] = slot;
    t->at[t->n] = off(f);
    t->n++;
  }
}

static void tb_i8(fbb *f, table_build *t, uint16_t slot, int8_t v) {
  put(f, &v, 1);
  tb_note(f, t, slot);
}

static void tb_i32(fbb *f, table_build *t, uint16_t slot, int32_t v) {
  align(f, 4, 4);
  put(f, &v, 4);
  tb_note(f, t, slot);
}

static void tb_f32(fbb *f, table_build *t, uint16_t slot, float v) {
  align(f, 4, 4);
  put(f, &v, 4);
  tb_note(f, t, slot);
}

static void tb_ref(fbb *f, table_build *t, uint16_t slot, uint32_t target) {
  put_ref(f, target);
  tb_note(f, t, slot);
}

static uint32_t tb_end(fbb *f, table_build *t) {
  int32_t placeholder = 0;
  align(f, 4, 4);
  put(f, &placeholder, 4);
  const uint32_t table = off(f);
  uint16_t max_slot = 0;
  for (int32_t i = 0; i < t->n; i++)
    if (t->slot[i] + 1u > max_slot) max_slot = (uint16_t)(t->slot[i] + 1u);
  uint16_t entries[32];
  memset(entries, 0, sizeof(entries));
  for (int32_t i = 0; i < t->n; i++) entries[t->slot[i]] = (uint16_t)(table - t->at[i]);
  for (int32_t i = (int32_t)max_slot - 1; i >= 0; i--) put(f, &entries[i], 2);
  uint16_t tsize = (uint16_t)(table - t->start), vsize = (uint16_t)(4u + 2u * max_slot);
  put(f, &tsize, 2);
  put(f, &vsize, 2);
  const int32_t so = (int32_t)(off(f) - table);   /* vtable sits below the table */
  if (!f->overflow) memcpy(f->b + (f->cap - table), &so, 4);
  return table;
}

static uint32_t write_buffer(fbb *f, const tw_tensor *t) {
  table_build tb;
  uint32_t data = 0;
  if (t->constant) {
    align(f, 4, t->data_bytes + 4u);
    for (uint32_t i = t->data_bytes; i-- > 0u;) {
      uint8_t byte;
      if (t->i32_values != NULL && t->i32_count > 0) {
        int32_t v = t->i32_values[(i / 4u) % (uint32_t)t->i32_count];
        byte = (uint8_t)((uint32_t)v >> (8u * (i % 4u)));
      } else {
        byte = (uint8_t)(i * 37u + 11u);
      }
      put(f, &byte, 1);
    }
    put_u32(f, t->data_bytes);
    data = off(f);
  }
  tb_start(f, &tb);
  if (t->constant) tb_ref(f, &tb, 0, data);
  return tb_end(f, &tb);
}

static uint32_t write_tensor(fbb *f, const tw_tensor *t, uint32_t buffer_index) {
  table_build tb;
  uint32_t shape = vec_i32(f, t->dims, t->rank), quant = 0;
  if (t->quantized) {
    int32_t n = t->scale_count > 0 ? t->scale_count : 1;
    align(f, 8, 8u * (uint32_t)n + 4u);
    for (int32_t i = 0; i < n; i++) put(f, &t->zero_point, 8);
    put_u32(f, (uint32_t)n);
    uint32_t zps = off(f);
    align(f, 4, 4u * (uint32_t)n + 4u);
    for (int32_t i = 0; i < n; i++) put(f, &t->scale, 4);
    put_u32(f, (uint32_t)n);
    uint32_t scales = off(f);
    table_build qb;
    tb_start(f, &qb);
    tb_ref(f, &qb, 2, scales);
    tb_ref(f, &qb, 3, zps);
    if (t->quantized_dimension != 0) tb_i32(f, &qb, 6, t->quantized_dimension);
    quant = tb_end(f, &qb);
  }
  tb_start(f, &tb);
  tb_ref(f, &tb, 0, shape);
  tb_i32(f, &tb, 2, (int32_t)buffer_index);
  if (quant) tb_ref(f, &tb, 4, quant);
  tb_i8(f, &tb, 1, t->type);
  return tb_end(f, &tb);
}

size_t tw_write(const tw_model *m, uint8_t *out, size_t cap, uint8_t **start) {
  fbb f = {out, (uint32_t)(cap & ~(size_t)15u), (uint32_t)(cap & ~(size_t)15u), 0};
  table_build tb;
  uint32_t buffers[TW_MAX_TENSORS + 1], tensors[TW_MAX_TENSORS], buffer_of[TW_MAX_TENSORS];
  int32_t nbuf = 1;
  tw_tensor empty;
  memset(&empty, 0, sizeof(empty));
  buffers[0] = write_buffer(&f, &empty);
  for (int32_t i = 0; i < m->tensor_count; i++) {
    buffer_of[i] = 0;
    if (m->tensors[i].constant) {
      buffer_of[i] = (uint32_t)nbuf;
      buffers[nbuf++] = write_buffer(&f, &m->tensors[i]);
    }
  }
  for (int32_t i = 0; i < m->tensor_count; i++) tensors[i] = write_tensor(&f, &m->tensors[i], buffer_of[i]);

  int32_t sg_inputs[TW_MAX_TENSORS], nsg = 0;
  for (int32_t i = 0; i < m->input_count; i++) {
    int32_t t = m->inputs[i];
    int seen = 0;
    for (int32_t k = 0; k < nsg; k++) seen |= sg_inputs[k] == t;
    if (t >= 0 && !m->tensors[t].constant && !seen) sg_inputs[nsg++] = t;
  }
  /* operator */
  uint32_t op_in = vec_i32(&f, m->inputs, m->input_count);
  uint32_t op_out = vec_i32(&f, &m->output, 1);
  uint32_t options = 0;
  if (m->options_type != 0) {
    table_build ob;
    tb_start(&f, &ob);
    for (int32_t i = 0; i < m->option_count; i++) {
      const tw_option *o = &m->options[i];
      if (o->size == 1) tb_i8(&f, &ob, o->slot, (int8_t)o->value);
      else if (o->size == 4) tb_i32(&f, &ob, o->slot, o->value);
      else tb_f32(&f, &ob, o->slot, o->fvalue);
    }
    options = tb_end(&f, &ob);
  }
  tb_start(&f, &tb);
  tb_ref(&f, &tb, 1, op_in);
  tb_ref(&f, &tb, 2, op_out);
  if (options) tb_ref(&f, &tb, 4, options);
  tb_i32(&f, &tb, 0, 0);
  if (options) tb_i8(&f, &tb, 3, (int8_t)m->options_type);
  uint32_t op = tb_end(&f, &tb);
  /* subgraph */
  uint32_t tvec = vec_refs(&f, tensors, m->tensor_count);
  uint32_t ivec = vec_i32(&f, sg_inputs, nsg);
  uint32_t ovec = vec_i32(&f, &m->output, 1);
  uint32_t opvec = vec_refs(&f, &op, 1);
  tb_start(&f, &tb);
  tb_ref(&f, &tb, 0, tvec);
  tb_ref(&f, &tb, 1, ivec);
  tb_ref(&f, &tb, 2, ovec);
  tb_ref(&f, &tb, 3, opvec);
  uint32_t sg = tb_end(&f, &tb);
  /* operator code */
  tb_start(&f, &tb);
  tb_i32(&f, &tb, 3, m->builtin_code);
  tb_i32(&f, &tb, 2, 1);
  tb_i8(&f, &tb, 0, (int8_t)(m->builtin_code < 127 ? m->builtin_code : 127));
  uint32_t opcode = tb_end(&f, &tb);
  uint32_t codes = vec_refs(&f, &opcode, 1);
  uint32_t sgs = vec_refs(&f, &sg, 1);
  uint32_t bufs = vec_refs(&f, buffers, nbuf);
  tb_start(&f, &tb);
  tb_ref(&f, &tb, 1, codes);
  tb_ref(&f, &tb, 2, sgs);
  tb_ref(&f, &tb, 4, bufs);
  tb_i32(&f, &tb, 0, 3);
  uint32_t model = tb_end(&f, &tb);
  align(&f, 16, 8);
  put(&f, "TFL3", 4);
  put_ref(&f, model);
  if (f.overflow) return 0;
  *start = f.b + f.head;
  return off(&f);
}
