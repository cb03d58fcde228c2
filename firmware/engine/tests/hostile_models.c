/* Hostile one-operator models (see hostile_models.h). */
#include "hostile_models.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tflite_writer.h"

enum { T_F32 = 0, T_I32 = 2, T_I8 = 9 };
#define MAX_SYMS 10

typedef void (*template_fn)(tw_model *m, const int32_t *v);

typedef struct hm_template {
  const char *name;
  int32_t syms;
  int32_t base[MAX_SYMS];
  template_fn build;
} hm_template;

static uint32_t elem_size(int8_t type) { return type == T_I8 ? 1u : 4u; }

static tw_tensor *add(tw_model *m, int8_t type, int32_t rank, const int32_t *dims) {
  tw_tensor *t = &m->tensors[m->tensor_count++];
  memset(t, 0, sizeof(*t));
  t->type = type;
  t->rank = rank;
  for (int32_t i = 0; i < rank; i++) t->dims[i] = dims[i];
  return t;
}

static void quant(tw_tensor *t, float scale, int64_t zp) {
  t->quantized = 1;
  t->scale = scale;
  t->zero_point = zp;
  t->scale_count = 1;
}

/* Constant data: exactly the declared size when it is small; otherwise 16 bytes (the loader must
 * then refuse a Buffer shorter than the shape, unless a zero dimension makes it empty). */
static void constant(tw_tensor *t, const int32_t *values, int32_t count) {
  uint64_t n = elem_size(t->type);
  for (int32_t i = 0; i < t->rank; i++) n *= (uint64_t)(uint32_t)t->dims[i];
  t->constant = 1;
  t->data_bytes = (n == 0u || n > 65536u) ? 16u : (uint32_t)n;
  t->i32_values = values;
  t->i32_count = count;
}

static void opt(tw_model *m, uint16_t slot, uint8_t size, int32_t value) {
  tw_option *o = &m->options[m->option_count++];
  o->slot = slot;
  o->size = size;
  o->value = value;
  o->fvalue = (float)value;
}

static void io(tw_model *m, int32_t n_in, const int32_t *in, int32_t out) {
  m->input_count = n_in;
  for (int32_t i = 0; i < n_in; i++) m->inputs[i] = in[i];
  m->output = out;
}

static const int32_t bias_values[2] = {100, -50};

/* CONV_2D: N H W C O K stride dilation padding act */
static void t_conv(tw_model *m, const int32_t *v) {
  m->builtin_code = 3;
  tw_tensor *t = add(m, T_I8, 4, (int32_t[]){v[0], v[1], v[2], v[3]});
  quant(t, 0.05f, 1);
  t = add(m, T_I8, 4, (int32_t[]){v[4], v[5], v[5], v[3]});
  quant(t, 0.02f, 0);
  if (v[4] > 1 && v[4] <= 64) t->scale_count = v[4];
  constant(t, NULL, 0);
  t = add(m, T_I32, 1, (int32_t[]){v[4]});
  constant(t, bias_values, 2);
  t = add(m, T_I8, 4, (int32_t[]){v[0], v[1], v[2], v[4]});
  quant(t, 0.1f, -3);
  io(m, 3, (int32_t[]){0, 1, 2}, 3);
  m->options_type = 1;
  opt(m, 0, 1, v[8]);
  opt(m, 1, 4, v[6]);
  opt(m, 2, 4, v[6]);
  opt(m, 3, 1, v[9]);
  opt(m, 4, 4, v[7]);
  opt(m, 5, 4, v[7]);
}

/* DEPTHWISE_CONV_2D: N H W C K stride dilation padding multiplier act */
static void t_depthwise(tw_model *m, const int32_t *v) {
  m->builtin_code = 4;
  tw_tensor *t = add(m, T_I8, 4, (int32_t[]){v[0], v[1], v[2], v[3]});
  quant(t, 0.05f, -2);
  t = add(m, T_I8, 4, (int32_t[]){1, v[4], v[4], v[3]});
  quant(t, 0.02f, 0);
  if (v[3] > 1 && v[3] <= 64) t->scale_count = v[3];
  t->quantized_dimension = 3;
  constant(t, NULL, 0);
  t = add(m, T_I32, 1, (int32_t[]){v[3]});
  constant(t, bias_values, 2);
  t = add(m, T_I8, 4, (int32_t[]){v[0], v[1], v[2], v[3]});
  quant(t, 0.1f, 4);
  io(m, 3, (int32_t[]){0, 1, 2}, 3);
  m->options_type = 2;
  opt(m, 0, 1, v[7]);
  opt(m, 1, 4, v[5]);
  opt(m, 2, 4, v[5]);
  opt(m, 3, 4, v[8]);
  opt(m, 4, 1, v[9]);
  opt(m, 5, 4, v[6]);
  opt(m, 6, 4, v[6]);
}

/* FULLY_CONNECTED int8: batches depth units keep_num_dims act */
static void t_fc(tw_model *m, const int32_t *v) {
  m->builtin_code = 9;
  tw_tensor *t = add(m, T_I8, 2, (int32_t[]){v[0], v[1]});
  quant(t, 0.05f, 3);
  t = add(m, T_I8, 2, (int32_t[]){v[2], v[1]});
  quant(t, 0.02f, 0);
  constant(t, NULL, 0);
  t = add(m, T_I32, 1, (int32_t[]){v[2]});
  constant(t, bias_values, 2);
  t = add(m, T_I8, 2, (int32_t[]){v[0], v[2]});
  quant(t, 0.1f, 0);
  io(m, 3, (int32_t[]){0, 1, 2}, 3);
  m->options_type = 8;
  opt(m, 0, 1, v[4]);
  opt(m, 2, 1, v[3]);
}

/* FULLY_CONNECTED float32: batches depth units */
static void t_fc_f32(tw_model *m, const int32_t *v) {
  m->builtin_code = 9;
  add(m, T_F32, 2, (int32_t[]){v[0], v[1]});
  tw_tensor *t = add(m, T_F32, 2, (int32_t[]){v[2], v[1]});
  constant(t, NULL, 0);
  add(m, T_F32, 2, (int32_t[]){v[0], v[2]});
  io(m, 2, (int32_t[]){0, 1}, 2);
}

/* MAX_POOL_2D / AVERAGE_POOL_2D: N H W C filter stride padding act */
static void pool(tw_model *m, const int32_t *v, int32_t code) {
  m->builtin_code = code;
  tw_tensor *t = add(m, T_I8, 4, (int32_t[]){v[0], v[1], v[2], v[3]});
  quant(t, 0.05f, -5);
  t = add(m, T_I8, 4, (int32_t[]){v[0], v[1], v[2], v[3]});
  quant(t, 0.05f, -5);
  io(m, 1, (int32_t[]){0}, 1);
  m->options_type = 5;
  opt(m, 0, 1, v[6]);
  opt(m, 1, 4, v[5]);
  opt(m, 2, 4, v[5]);
  opt(m, 3, 4, v[4]);
  opt(m, 4, 4, v[4]);
  opt(m, 5, 1, v[7]);
}
static void t_max_pool(tw_model *m, const int32_t *v) { pool(m, v, 17); }
static void t_avg_pool(tw_model *m, const int32_t *v) { pool(m, v, 1); }

/* RESHAPE: A B (input [A, B], output [B, A], shape tensor {B, A}) */
static int32_t reshape_values[2];
static void t_reshape(tw_model *m, const int32_t *v) {
  m->builtin_code = 22;
  tw_tensor *t = add(m, T_I8, 2, (int32_t[]){v[0], v[1]});
  quant(t, 0.05f, 0);
  reshape_values[0] = v[1];
  reshape_values[1] = v[0];
  t = add(m, T_I32, 1, (int32_t[]){2});
  constant(t, reshape_values, 2);
  t = add(m, T_I8, 2, (int32_t[]){v[1], v[0]});
  quant(t, 0.05f, 0);
  io(m, 2, (int32_t[]){0, 1}, 2);
}

/* SOFTMAX: A B beta */
static void t_softmax(tw_model *m, const int32_t *v) {
  m->builtin_code = 25;
  tw_tensor *t = add(m, T_I8, 2, (int32_t[]){v[0], v[1]});
  quant(t, 0.1f, 2);
  t = add(m, T_I8, 2, (int32_t[]){v[0], v[1]});
  quant(t, 1.0f / 256.0f, -128);
  io(m, 1, (int32_t[]){0}, 1);
  m->options_type = 9;
  opt(m, 0, 5, v[2]);
}

/* ADD / MUL: A B C E (input1 [A, B, C], input2 [1, 1, E] broadcast, output [A, B, C]) act */
static void binary(tw_model *m, const int32_t *v, int32_t code, uint8_t options) {
  m->builtin_code = code;
  tw_tensor *t = add(m, T_I8, 3, (int32_t[]){v[0], v[1], v[2]});
  quant(t, 0.05f, 1);
  t = add(m, T_I8, 3, (int32_t[]){1, 1, v[3]});
  quant(t, 0.07f, -1);
  t = add(m, T_I8, 3, (int32_t[]){v[0], v[1], v[2]});
  quant(t, 0.1f, 0);
  io(m, 2, (int32_t[]){0, 1}, 2);
  m->options_type = options;
  opt(m, 0, 1, v[4]);
}
static void t_add(tw_model *m, const int32_t *v) { binary(m, v, 0, 11); }
static void t_mul(tw_model *m, const int32_t *v) { binary(m, v, 18, 21); }

/* ADD with equal shapes: A B C D (both inputs and the output [A, B, C, D]) */
static void t_add_same(tw_model *m, const int32_t *v) {
  m->builtin_code = 0;
  for (int i = 0; i < 3; i++) {
    tw_tensor *t = add(m, T_I8, 4, (int32_t[]){v[0], v[1], v[2], v[3]});
    quant(t, 0.05f + 0.01f * (float)i, i - 1);
  }
  io(m, 2, (int32_t[]){0, 1}, 2);
}

/* MEAN over H and W: N H W C keep_dims */
static const int32_t mean_axes[2] = {1, 2};
static void t_mean(tw_model *m, const int32_t *v) {
  m->builtin_code = 40;
  tw_tensor *t = add(m, T_I8, 4, (int32_t[]){v[0], v[1], v[2], v[3]});
  quant(t, 0.05f, 3);
  t = add(m, T_I32, 1, (int32_t[]){2});
  constant(t, mean_axes, 2);
  if (v[4]) t = add(m, T_I8, 4, (int32_t[]){v[0], 1, 1, v[3]});
  else t = add(m, T_I8, 2, (int32_t[]){v[0], v[3]});
  quant(t, 0.04f, -1);
  io(m, 2, (int32_t[]){0, 1}, 2);
  m->options_type = 27;
  opt(m, 0, 1, v[4] != 0);
}

/* PAD: A B P0 P1 Y (input [A, B], paddings {{0, 0}, {P0, P1}}, output [A, Y]) */
static int32_t pad_values[4];
static void t_pad(tw_model *m, const int32_t *v) {
  m->builtin_code = 34;
  tw_tensor *t = add(m, T_I8, 2, (int32_t[]){v[0], v[1]});
  quant(t, 0.05f, 7);
  pad_values[0] = 0;
  pad_values[1] = 0;
  pad_values[2] = v[2];
  pad_values[3] = v[3];
  t = add(m, T_I32, 2, (int32_t[]){2, 2});
  constant(t, pad_values, 4);
  t = add(m, T_I8, 2, (int32_t[]){v[0], v[4]});
  quant(t, 0.05f, 7);
  io(m, 2, (int32_t[]){0, 1}, 2);
}

/* CONCATENATION on an axis: A B C D axis (inputs [A, B], [A, C], output [A, D]) */
static void t_concat(tw_model *m, const int32_t *v) {
  m->builtin_code = 2;
  for (int i = 0; i < 3; i++) {
    tw_tensor *t = add(m, T_I8, 2, (int32_t[]){v[0], v[1 + i]});
    quant(t, 0.05f, 0);
  }
  io(m, 2, (int32_t[]){0, 1}, 2);
  m->options_type = 10;
  opt(m, 0, 4, v[4]);
}

/* QUANTIZE float32 -> int8 and DEQUANTIZE int8 -> float32: A B */
static void t_quantize(tw_model *m, const int32_t *v) {
  m->builtin_code = 114;
  add(m, T_F32, 2, (int32_t[]){v[0], v[1]});
  tw_tensor *t = add(m, T_I8, 2, (int32_t[]){v[0], v[1]});
  quant(t, 0.05f, -4);
  io(m, 1, (int32_t[]){0}, 1);
}
static void t_dequantize(tw_model *m, const int32_t *v) {
  m->builtin_code = 6;
  tw_tensor *t = add(m, T_I8, 2, (int32_t[]){v[0], v[1]});
  quant(t, 0.05f, -4);
  add(m, T_F32, 2, (int32_t[]){v[0], v[1]});
  io(m, 1, (int32_t[]){0}, 1);
}

static const hm_template templates[] = {
    {"conv", 10, {1, 5, 5, 2, 3, 3, 1, 1, 0, 1}, t_conv},
    {"depthwise", 10, {1, 5, 5, 3, 3, 1, 1, 0, 1, 0}, t_depthwise},
    {"fully_connected", 5, {2, 7, 5, 0, 1}, t_fc},
    {"fully_connected_f32", 3, {2, 7, 5}, t_fc_f32},
    {"max_pool", 8, {1, 6, 6, 3, 2, 1, 0, 0}, t_max_pool},
    {"average_pool", 8, {1, 6, 6, 3, 3, 1, 0, 1}, t_avg_pool},
    {"reshape", 2, {4, 6}, t_reshape},
    {"softmax", 3, {2, 10, 1}, t_softmax},
    {"add", 5, {2, 3, 4, 4, 0}, t_add},
    {"mul", 5, {2, 3, 4, 4, 1}, t_mul},
    {"add_same", 4, {1, 3, 4, 5}, t_add_same},
    {"mean", 5, {1, 4, 4, 3, 0}, t_mean},
    {"mean_keepdims", 5, {1, 4, 4, 3, 1}, t_mean},
    {"pad", 5, {2, 3, 1, 1, 5}, t_pad},
    {"concatenation", 5, {2, 3, 4, 7, 1}, t_concat},
    {"quantize", 2, {3, 5}, t_quantize},
    {"dequantize", 2, {3, 5}, t_dequantize},
};

static const int32_t extremes[] = {0, 1, 0xffff, 0x10001, (1 << 23) + 1, (1 << 24) + 1, (1 << 30) + 1,
                                   0x7ffffff1, 0x7fffffff, -1, INT32_MIN};

/* Audited findings: must be refused (template index, assignment). */
typedef struct hm_finding { const char *name; int32_t template_index; int32_t v[MAX_SYMS]; } hm_finding;
static const hm_finding findings[] = {
    /* PAD whose output is 0x7ffffff1 bytes: rounded to 16 it was INT32_MIN in the planner */
    {"pad_output_0x7ffffff1_bytes", 13, {1, 1, 0, 0x7ffffff0, 0x7ffffff1}},
    /* CONV_2D with 2^30 + 1 output channels beside a zero dimension: 4 * cout wrapped to 4 */
    {"conv_2pow30p1_channels_empty", 0, {1, 0, 5, 0, (1 << 30) + 1, 3, 1, 1, 0, 1}},
    /* FULLY_CONNECTED with 2^30 + 1 units and no batches */
    {"fc_2pow30p1_units_empty", 2, {0, 0, (1 << 30) + 1, 0, 1}},
    /* MEAN whose int32 scratch is 4 * 2^30 bytes (wrapped to 0) */
    {"mean_scratch_4x2pow30", 11, {1, 1, 1, 1 << 30, 0}},
    /* CONCATENATION output of 0x7ffffff1 bytes */
    {"concat_output_0x7ffffff1_bytes", 14, {1, 1, 0x7ffffff0, 0x7ffffff1, 1}},
};

static uint8_t out_buf[1 << 18];

static int emit(hm_visit visit, void *ctx, const hm_template *t, const int32_t *v, const char *name, int kind,
                int bad_scale_tensor, float bad_scale, int64_t bad_zp, long *count) {
  tw_model m;
  uint8_t *start = NULL;
  memset(&m, 0, sizeof(m));
  t->build(&m, v);
  if (bad_scale_tensor >= 0) {
    if (bad_scale_tensor >= m.tensor_count || !m.tensors[bad_scale_tensor].quantized) return 0;
    m.tensors[bad_scale_tensor].scale = bad_scale;
    m.tensors[bad_scale_tensor].zero_point = bad_zp;
  }
  size_t n = tw_write(&m, out_buf, sizeof(out_buf), &start);
  if (n == 0) return -1;
  (*count)++;
  return visit(ctx, name, start, n, kind);
}

long hm_generate(hm_visit visit, void *ctx) {
  long count = 0;
  char name[160];
  int r;
  const int n_templates = (int)(sizeof(templates) / sizeof(templates[0]));
  const int n_ext = (int)(sizeof(extremes) / sizeof(extremes[0]));
  for (int ti = 0; ti < n_templates; ti++) {
    const hm_template *t = &templates[ti];
    int32_t v[MAX_SYMS];
    snprintf(name, sizeof(name), "%s/base", t->name);
    if ((r = emit(visit, ctx, t, t->base, name, 0, -1, 0.0f, 0, &count)) != 0) return r < 0 ? -1 : count;
    for (int s = 0; s < t->syms; s++)
      for (int e = 0; e < n_ext; e++)
        for (int z = -1; z < t->syms; z++) {
          if (z == s) continue;
          memcpy(v, t->base, sizeof(v));
          if (z >= 0) v[z] = 0;
          v[s] = extremes[e];
          snprintf(name, sizeof(name), "%s/sym%d=%d,sym%d=0", t->name, s, extremes[e], z);
          if ((r = emit(visit, ctx, t, v, name, 1, -1, 0.0f, 0, &count)) != 0) return r < 0 ? -1 : count;
        }
    for (int s = 0; s < t->syms; s++)
      for (int u = s + 1; u < t->syms; u++) {
        memcpy(v, t->base, sizeof(v));
        v[s] = 0x10000;
        v[u] = 0x10001;
        snprintf(name, sizeof(name), "%s/sym%d*sym%d=2^16*(2^16+1)", t->name, s, u);
        if ((r = emit(visit, ctx, t, v, name, 1, -1, 0.0f, 0, &count)) != 0) return r < 0 ? -1 : count;
      }
    const float scales[] = {0.0f, -0.05f, 1.0e-45f, 3.0e38f, INFINITY, NAN};
    const int64_t zps[] = {0, -129, 128, (int64_t)1 << 40};
    for (int tensor = 0; tensor < TW_MAX_TENSORS; tensor++)
      for (int k = 0; k < 6 + 3; k++) {
        const float scale = k < 6 ? scales[k] : 0.05f;
        const int64_t zp = k < 6 ? 0 : zps[k - 5];
        snprintf(name, sizeof(name), "%s/tensor%d scale=%g zero_point=%lld", t->name, tensor, (double)scale, (long long)zp);
        if ((r = emit(visit, ctx, t, t->base, name, 1, tensor, scale, zp, &count)) != 0) return r < 0 ? -1 : count;
      }
  }
  for (size_t i = 0; i < sizeof(findings) / sizeof(findings[0]); i++) {
    const hm_finding *f = &findings[i];
    snprintf(name, sizeof(name), "finding/%s", f->name);
    if ((r = emit(visit, ctx, &templates[f->template_index], f->v, name, 2, -1, 0.0f, 0, &count)) != 0)
      return r < 0 ? -1 : count;
  }
  return count;
}
