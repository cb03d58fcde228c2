/* Host test driver for the TinyHIL engine (test code: uses the C library and the heap; the
 * engine itself does not).
 *
 *   engine_test [options] MODEL.tflite...
 *     For each model: th_plan (head compared with MODEL.tflm_arena.json when present), init,
 *     and when MODEL.inputs.npy and MODEL.tflm_outputs.npy exist, every sample is run and
 *     compared with TFLite Micro's output: int8/int32 exactly, float32 within --float-ulps
 *     (default 4) units in the last place or 1e-6 absolute.
 *   --fuzz N      additionally run N deterministic corruptions of each model: every one must
 *                 fail cleanly with an error or run to completion (the sanitizers watch).
 *   --bench N     run the first input N times and print inferences per second.
 *   --hostile     run the generated hostile models (tests/hostile_models.h): each must give a
 *                 filled th_error or run cleanly, never write outside the arena (guard bytes around
 *                 it) or into the model; base models must run; audited findings must be refused.
 *   --write-hostile DIR   write the generated hostile models to DIR/hostile_NNNNN.tflite (fuzz seeds).
 *   --quiet       only failures and the summary.
 *   --simd T      use at most vector tier T: baseline, avx2 or vnni (default: the best the CPU has).
 * Exit status 0 only if every check passed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinyhil_engine.h"
#include "../src/engine_internal.h"
#include "../src/quant_math.h"
#include "hostile_models.h"
#include "../src/kernels/armv6m/requant_armv6m.h"

static int g_quiet = 0;
static int g_float_ulps = 4;
static th_simd g_simd = TH_SIMD_AVX512_VNNI;   /* --simd: highest vector tier to use */

typedef struct npy {
  char kind;          /* 'f', 'i', 'u' */
  int item;           /* bytes per element */
  int rank;
  long dims[8];
  long count;
  uint8_t *data;
} npy;

static uint8_t *read_file(const char *path, long *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = (uint8_t *)malloc(n > 0 ? (size_t)n : 1u);
  if (b && n > 0 && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  if (b) *size = n;
  return b;
}

static int load_npy(const char *path, npy *out) {
  long size = 0;
  uint8_t *b = read_file(path, &size);
  memset(out, 0, sizeof(*out));
  if (!b) return 0;
  if (size < 10 || memcmp(b, "\x93NUMPY", 6) != 0) {
    free(b);
    return 0;
  }
  int major = b[6];
  long hlen, hstart;
  if (major == 1) {
    hlen = b[8] | (b[9] << 8);
    hstart = 10;
  } else {
    hlen = (long)b[8] | ((long)b[9] << 8) | ((long)b[10] << 16) | ((long)b[11] << 24);
    hstart = 12;
  }
  if (hstart + hlen > size) {
    free(b);
    return 0;
  }
  char header[4096];
  long n = hlen < 4095 ? hlen : 4095;
  memcpy(header, b + hstart, (size_t)n);
  header[n] = 0;
  char *d = strstr(header, "'descr'");
  if (!d) {
    free(b);
    return 0;
  }
  d = strchr(d + 7, '\'');
  if (!d || strlen(d) < 4) {
    free(b);
    return 0;
  }
  out->kind = d[2];
  out->item = atoi(d + 3);
  if (strstr(header, "'fortran_order': True")) {
    free(b);
    return 0;
  }
  char *s = strstr(header, "'shape'");
  if (!s || !(s = strchr(s, '('))) {
    free(b);
    return 0;
  }
  s++;
  out->count = 1;
  while (*s && *s != ')') {
    while (*s == ' ' || *s == ',') s++;
    if (*s == ')') break;
    long v = strtol(s, &s, 10);
    if (out->rank < 8) out->dims[out->rank++] = v;
    out->count *= v;
  }
  if (hstart + hlen + out->count * out->item > size) {
    free(b);
    return 0;
  }
  out->data = (uint8_t *)malloc((size_t)(out->count * out->item) + 1u);
  memcpy(out->data, b + hstart + hlen, (size_t)(out->count * out->item));
  free(b);
  return 1;
}

static long json_int(const char *path, const char *key) {
  long size = 0;
  uint8_t *b = read_file(path, &size);
  if (!b) return -1;
  char *txt = (char *)realloc(b, (size_t)size + 1u);
  txt[size] = 0;
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\"", key);
  char *p = strstr(txt, pat);
  long v = -1;
  if (p && (p = strchr(p, ':'))) v = strtol(p + 1, NULL, 10);
  free(txt);
  return v;
}

static void sibling(char *dst, size_t cap, const char *model, const char *suffix) {
  size_t n = strlen(model);
  if (n > 7 && strcmp(model + n - 7, ".tflite") == 0) n -= 7;
  snprintf(dst, cap, "%.*s%s", (int)n, model, suffix);
}

static void print_err(const char *ctx, th_status s, const th_error *e) {
  fprintf(stderr, "  %s: %s (%s) op=%d tensor=%d code=%d(%s) needed=%u available=%u\n", ctx, th_status_name(s),
          e->what ? e->what : "", e->op_index, e->tensor_index, e->builtin_code, th_builtin_name(e->builtin_code),
          e->bytes_needed, e->bytes_available);
}

static int32_t float_ulps(float a, float b) {
  int32_t ia, ib;
  memcpy(&ia, &a, 4);
  memcpy(&ib, &b, 4);
  if (ia < 0) ia = (int32_t)0x80000000 - ia;
  if (ib < 0) ib = (int32_t)0x80000000 - ib;
  int64_t d = (int64_t)ia - ib;
  if (d < 0) d = -d;
  return d > 0x7fffffff ? 0x7fffffff : (int32_t)d;
}

typedef struct op_timing { uint32_t begins, ends; } op_timing;
static void hook(void *ctx, uint32_t op_index, int32_t code, int is_end) {
  op_timing *t = (op_timing *)ctx;
  (void)op_index;
  (void)code;
  if (is_end) t->ends++;
  else t->begins++;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* returns number of failures */
/* A model with THS1 sparse weights: each malformed variant of its first sparse blob must be refused
 * at load with TH_ERR_MODEL_MALFORMED naming the field. Returns the failure count. */
static int sparse_malformed(const char *path, const uint8_t *model, long size) {
  long at = -1;
  for (long i = 0; i + 4 <= size; i++)
    if (memcmp(model + i, "THS1", 4) == 0) { at = i; break; }
  if (at < 0) return 0;
  uint8_t *m = (uint8_t *)malloc((size_t)size);
  int failures = 0, cases = 0;
  if (!m) return 1;
  const uint32_t rows = (uint32_t)model[at + 4] | (uint32_t)model[at + 5] << 8 | (uint32_t)model[at + 6] << 16 | (uint32_t)model[at + 7] << 24;
  const uint32_t pairs = (uint32_t)model[at + 12] | (uint32_t)model[at + 13] << 8 | (uint32_t)model[at + 14] << 16 | (uint32_t)model[at + 15] << 24;
  for (int k = 0; k < 7; k++) {
    const char *expect = NULL;
    memcpy(m, model, (size_t)size);
    switch (k) {
      case 0: m[at + 3] = '2'; expect = "magic"; break;                                   /* unknown format */
      case 1: m[at + 4] ^= 1u; expect = "rows"; break;                                    /* rows vs shape */
      case 2: m[at + 12] ^= 1u; expect = "buffer length"; break;                          /* pairs vs length */
      case 3: m[at + 16 + 2 * (rows - 1u)] += 1u; expect = "count"; break;                 /* last row: one pair more */
      case 4:                                                                             /* row 0 longer than its columns */
        m[at + 16] = 0xff; m[at + 17] = 0x7f; expect = "count"; break;
      case 5:                                                                             /* every gap 15: columns run out */
        for (uint32_t q = 0; q < pairs; q++) m[at + 16 + 2 * rows + 3u * q] = 0xffu;
        expect = "column index out of range"; break;
      case 6: m[at + 8] ^= 4u; expect = "cols"; break;                                    /* rows x cols vs shape */
      default: continue;
    }
    cases++;
    th_plan_info plan;
    th_error e;
    memset(&e, 0, sizeof(e));
    th_status s = th_plan(m, (uint32_t)size, &plan, &e);
    if (s != TH_ERR_MODEL_MALFORMED || e.what == NULL || strstr(e.what, "sparse weights") == NULL || strstr(e.what, expect) == NULL) {
      fprintf(stderr, "FAIL %s: malformed sparse case %d (%s) gave %s: %s\n", path, k, expect, th_status_name(s), e.what ? e.what : "-");
      failures++;
    }
  }
  free(m);
  if (!failures) printf("ok   %s: %d malformed sparse encodings refused at load, field named\n", path, cases);
  return failures;
}

static int run_model(const char *path, int bench) {
  long size = 0;
  uint8_t *model = read_file(path, &size);
  int failures = 0;
  th_error e;
  th_plan_info plan;
  char buf[1024];
  if (!model) {
    fprintf(stderr, "FAIL %s: cannot read\n", path);
    return 1;
  }
  failures += sparse_malformed(path, model, size);
  th_status s = th_plan(model, (uint32_t)size, &plan, &e);
  sibling(buf, sizeof buf, path, ".tflm_outputs.npy");
  FILE *has_ref = fopen(buf, "rb");
  if (has_ref) fclose(has_ref);
  if (s != TH_OK && !has_ref) {
    /* a model without reference outputs may be there to be refused (e.g. an unsupported op) */
    printf("refused %s: %s (%s) op=%d code=%d(%s) tensor=%d\n", path, th_status_name(s), e.what ? e.what : "",
           e.op_index, e.builtin_code, th_builtin_name(e.builtin_code), e.tensor_index);
    free(model);
    return e.status == s && e.what != NULL ? 0 : 1;
  }
  if (s != TH_OK) {
    print_err("th_plan", s, &e);
    fprintf(stderr, "FAIL %s: th_plan\n", path);
    free(model);
    return 1;
  }
  sibling(buf, sizeof buf, path, ".tflm_arena.json");
  long head = json_int(buf, "head");
  if (head >= 0 && head != (long)plan.head_bytes) {
    fprintf(stderr, "FAIL %s: head %u bytes, TFLM recorded %ld\n", path, plan.head_bytes, head);
    failures++;
  }
  uint8_t *arena_raw = (uint8_t *)malloc(plan.arena_bytes_required + 1u);
  {
    /* an arena smaller than the head must be refused with the bytes needed */
    th_interpreter *small = NULL;
    uint32_t give = plan.head_bytes > 64u ? plan.head_bytes : 64u;
    s = th_interpreter_init(&small, model, (uint32_t)size, arena_raw, give, &e);
    if (s != TH_ERR_ARENA_TOO_SMALL || e.bytes_needed != plan.arena_bytes_required || e.bytes_available != give ||
        small != NULL) {
      fprintf(stderr, "FAIL %s: arena of %u bytes gave %s (needed %u, available %u)\n", path, give, th_status_name(s),
              e.bytes_needed, e.bytes_available);
      failures++;
    }
  }
  uint8_t *arena = arena_raw + 1; /* deliberately unaligned */
  th_interpreter *ip = NULL;
  s = th_interpreter_init(&ip, model, (uint32_t)size, arena, plan.arena_bytes_required, &e);
  if (s != TH_OK) {
    print_err("th_interpreter_init", s, &e);
    fprintf(stderr, "FAIL %s: init\n", path);
    free(arena_raw);
    free(model);
    return failures + 1;
  }
  th_limit_simd(ip, g_simd);
  op_timing timing = {0, 0};
  th_set_op_hook(ip, hook, &timing);
  th_tensor_info in, out;
  th_input(ip, 0, &in);
  th_output(ip, 0, &out);
  npy x, y;
  char ypath[1024];
  sibling(buf, sizeof buf, path, ".inputs.npy");
  sibling(ypath, sizeof ypath, path, ".tflm_outputs.npy");
  int samples = 0, mismatched_samples = 0;
  int32_t worst_ulps = 0;
  if (load_npy(buf, &x) && load_npy(ypath, &y)) {
    long n = x.rank > 0 ? x.dims[0] : 0;
    long xin = n > 0 ? x.count / n * x.item : 0, yout = n > 0 ? y.count / n * y.item : 0;
    if (xin != (long)in.bytes || yout != (long)out.bytes || y.dims[0] != n) {
      fprintf(stderr, "FAIL %s: .npy sizes (%ld in, %ld out per sample) differ from tensors (%u, %u)\n", path, xin,
              yout, in.bytes, out.bytes);
      failures++;
      n = 0;
    }
    /* further inputs: X.inputs_1.npy, X.inputs_2.npy, ... */
    npy extra[7];
    th_tensor_info extra_info[7];
    int n_extra = 0;
    for (uint32_t k = 1; k < th_input_count(ip) && k < 8; k++) {
      char epath[1100];
      char suffix[32];
      snprintf(suffix, sizeof suffix, ".inputs_%u.npy", k);
      sibling(epath, sizeof epath, path, suffix);
      th_input(ip, k, &extra_info[n_extra]);
      if (!load_npy(epath, &extra[n_extra]) || extra[n_extra].count * extra[n_extra].item != (long)extra_info[n_extra].bytes * n) {
        fprintf(stderr, "FAIL %s: missing or mis-sized %s\n", path, epath);
        failures++;
        n = 0;
        break;
      }
      n_extra++;
    }
    for (long i = 0; i < n; i++) {
      memcpy(in.data, x.data + i * xin, (size_t)xin);
      for (int k = 0; k < n_extra; k++)
        memcpy(extra_info[k].data, extra[k].data + i * (long)extra_info[k].bytes, extra_info[k].bytes);
      s = th_invoke(ip, &e);
      if (s != TH_OK) {
        print_err("th_invoke", s, &e);
        failures++;
        break;
      }
      const uint8_t *ref = y.data + i * yout;
      int bad = 0;
      if (out.type == 0) {
        for (long k = 0; k < yout / 4; k++) {
          float a, b;
          memcpy(&a, (uint8_t *)out.data + 4 * k, 4);
          memcpy(&b, ref + 4 * k, 4);
          int32_t u = float_ulps(a, b);
          float diff = a > b ? a - b : b - a;
          if (u > worst_ulps) worst_ulps = u;
          if (u > g_float_ulps && diff > 1e-6f) bad++;
        }
      } else {
        for (long k = 0; k < yout; k++)
          if (((uint8_t *)out.data)[k] != ref[k]) bad++;
      }
      if (bad) {
        if (mismatched_samples < 3)
          fprintf(stderr, "  %s sample %ld: %d of %ld output values differ\n", path, i, bad, yout / (out.type == 0 ? 4 : 1));
        mismatched_samples++;
      }
      samples++;
    }
    free(x.data);
    free(y.data);
    for (int k = 0; k < n_extra; k++) free(extra[k].data);
    if (mismatched_samples) {
      fprintf(stderr, "FAIL %s: %d of %d samples differ from TFLM\n", path, mismatched_samples, samples);
      failures++;
    }
    if (timing.begins != (uint32_t)samples * th_operator_count(ip) || timing.ends != timing.begins) {
      fprintf(stderr, "FAIL %s: op hook called %u/%u times, expected %u\n", path, timing.begins, timing.ends,
              (uint32_t)samples * th_operator_count(ip));
      failures++;
    }
  }
  if (bench > 0) {
    th_set_op_hook(ip, NULL, NULL);
    double t0 = now_seconds();
    for (int i = 0; i < bench; i++) th_invoke(ip, &e);
    double dt = now_seconds() - t0;
    static const char *const tiers[] = {"baseline", "avx2", "avx512-vnni"};
    printf("bench %s: %d inferences in %.3f s = %.0f inferences/s (one thread, %s kernels)\n", path, bench, dt, bench / dt,
           tiers[th_simd_level(ip)]);
  }
  if (!g_quiet || failures)
    printf("%s %s: %u ops, head %u bytes (TFLM %ld), persistent %u, arena %u; %d samples%s%s",
           failures ? "FAIL" : "ok  ", path, th_operator_count(ip), plan.head_bytes, head, plan.persistent_bytes,
           plan.arena_bytes_required, samples, out.type == 0 ? ", float worst ulps " : "", "");
  if (!g_quiet || failures) {
    if (out.type == 0) printf("%d", worst_ulps);
    printf("\n");
  }
  free(arena_raw);
  free(model);
  return failures;
}

/* ---- corruption fuzzing ---- */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state >> 11);
}

static int fuzz_model(const char *path, int count) {
  long size = 0;
  uint8_t *model = read_file(path, &size);
  if (!model) return 1;
  static const uint32_t specials[] = {0u, 1u, 2u, 3u, 4u, 8u, 16u, 0x7fu, 0x80u, 0xffu, 0x7fffu, 0x8000u, 0xffffu,
                                      0x7fffffffu, 0x80000000u, 0xffffffffu, 0xfffffffeu, 0x10000u, 100000u};
  uint8_t *m = (uint8_t *)malloc((size_t)size);
  const uint32_t arena_cap = 8u << 20;
  uint8_t *arena = (uint8_t *)malloc(arena_cap);
  int ran = 0, rejected = 0;
  for (int it = 0; it < count; it++) {
    memcpy(m, model, (size_t)size);
    uint32_t n = (uint32_t)size;
    int kind = (int)(rnd() % 6u);
    int edits = 1 + (int)(rnd() % 4u);
    for (int k = 0; k < edits && n > 0u; k++) {
      uint32_t pos = rnd() % n;
      switch (kind) {
        case 0: m[pos] ^= (uint8_t)(1u << (rnd() % 8u)); break;
        case 1: m[pos] = (uint8_t)rnd(); break;
        case 2:
        case 3: {
          uint32_t v = specials[rnd() % (sizeof specials / sizeof specials[0])];
          if (kind == 3) v = rnd();
          pos &= ~3u;
          if (pos + 4u <= n) memcpy(m + pos, &v, 4);
          break;
        }
        case 4: { /* small integer nudge of a 32-bit value (offsets, lengths, indices, dims) */
          pos &= ~3u;
          if (pos + 4u <= n) {
            uint32_t v;
            memcpy(&v, m + pos, 4);
            v += (rnd() % 9u) - 4u;
            memcpy(m + pos, &v, 4);
          }
          break;
        }
        default: n = pos; break; /* truncate */
      }
    }
    th_plan_info plan;
    th_error e;
    th_interpreter *ip = NULL;
    th_status s = th_plan(m, n, &plan, &e);
    if (s != TH_OK) {
      if (e.status != s || e.what == NULL) {
        fprintf(stderr, "FAIL fuzz %s #%d: error not filled for %s\n", path, it, th_status_name(s));
        free(m);
        free(arena);
        free(model);
        return 1;
      }
      /* init must fail too (same checks) */
      s = th_interpreter_init(&ip, m, n, arena, arena_cap, &e);
      if (s == TH_OK && th_plan_scratch_bytes(m, n) <= 16384u) {
        fprintf(stderr, "FAIL fuzz %s #%d: th_plan failed but init succeeded\n", path, it);
        free(m);
        free(arena);
        free(model);
        return 1;
      }
      rejected++;
      continue;
    }
    uint32_t give = plan.arena_bytes_required <= arena_cap ? plan.arena_bytes_required : arena_cap;
    if (rnd() % 8u == 0u && give > 64u) give -= 1u + rnd() % 64u; /* sometimes too small */
    s = th_interpreter_init(&ip, m, n, arena, give, &e);
    if (s != TH_OK) {
      rejected++;
      continue;
    }
    th_tensor_info in;
    for (uint32_t i = 0; i < th_input_count(ip); i++)
      if (th_input(ip, i, &in) == TH_OK && in.bytes) memset(in.data, (int)(rnd() & 0xffu), in.bytes);
    (void)th_invoke(ip, &e);
    ran++;
  }
  if (!g_quiet) printf("fuzz %s: %d corruptions, %d rejected with an error, %d ran\n", path, count, rejected, ran);
  free(m);
  free(arena);
  free(model);
  return 0;
}

/* ---- generated hostile models ---- */
#define HOSTILE_ARENA (512u << 10)
#define HOSTILE_GUARD 4096u
typedef struct hostile_run {
  uint8_t *region;             /* guard | arena | guard */
  long base, ran, rejected, findings;
  int failures;
  const char *write_dir;
} hostile_run;

static int guards_intact(const uint8_t *region) {
  for (uint32_t i = 0; i < HOSTILE_GUARD; i++)
    if (region[i] != 0xA5u || region[HOSTILE_GUARD + HOSTILE_ARENA + i] != 0xA5u) return 0;
  return 1;
}

static int hostile_fail(hostile_run *h, const char *name, const char *why, th_status s, const th_error *e) {
  fprintf(stderr, "FAIL hostile %s: %s (%s: %s)\n", name, why, th_status_name(s), e && e->what ? e->what : "-");
  h->failures++;
  return h->failures > 20;   /* stop after many failures */
}

static int hostile_visit(void *ctx, const char *name, const uint8_t *model, size_t bytes, int kind) {
  hostile_run *h = (hostile_run *)ctx;
  if (h->write_dir) {
    char path[512];
    snprintf(path, sizeof(path), "%s/hostile_%05ld.tflite", h->write_dir, h->base + h->ran + h->rejected + h->findings);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(model, 1, bytes, f) != bytes) {
      if (f) fclose(f);
      return hostile_fail(h, name, "cannot write the model file", TH_OK, NULL), 1;
    }
    fclose(f);
    if (kind == 0) h->base++;
    else if (kind == 2) h->findings++;
    else h->ran++;
    return 0;
  }
  uint8_t *m = (uint8_t *)malloc(bytes);   /* exact size: the sanitizer sees any read past the end */
  memcpy(m, model, bytes);
  uint8_t *arena = h->region + HOSTILE_GUARD;
  memset(h->region, 0xA5, HOSTILE_GUARD);
  memset(arena + HOSTILE_ARENA, 0xA5, HOSTILE_GUARD);
  th_plan_info plan;
  th_error e;
  th_interpreter *ip = NULL;
  int stop = 0;
  memset(&e, 0, sizeof(e));
  th_status s = th_plan(m, (uint32_t)bytes, &plan, &e);
  th_status si = TH_ERR_BAD_ARGUMENT;
  if (s != TH_OK && (e.status != s || e.what == NULL)) stop = hostile_fail(h, name, "th_plan error not filled", s, &e);
  if (!stop) {
    uint32_t give = s == TH_OK && plan.arena_bytes_required < HOSTILE_ARENA ? plan.arena_bytes_required : HOSTILE_ARENA;
    memset(&e, 0, sizeof(e));
    si = th_interpreter_init(&ip, m, (uint32_t)bytes, arena, give, &e);
    if (si != TH_OK && (e.status != si || e.what == NULL)) stop = hostile_fail(h, name, "init error not filled", si, &e);
    else if (s != TH_OK && si == TH_OK) stop = hostile_fail(h, name, "th_plan refused it but init accepted it", s, &e);
    if (!stop && si == TH_OK) {
      th_tensor_info in;
      for (uint32_t i = 0; i < th_input_count(ip); i++)
        if (th_input(ip, i, &in) == TH_OK && in.bytes) memset(in.data, 0x35, in.bytes);
      memset(&e, 0, sizeof(e));
      th_status sv = th_invoke(ip, &e);
      if (sv != TH_OK && (e.status != sv || e.what == NULL)) stop = hostile_fail(h, name, "invoke error not filled", sv, &e);
      if (!stop && kind == 0 && sv != TH_OK) stop = hostile_fail(h, name, "base model did not run", sv, &e);
    }
  }
  if (!stop && !guards_intact(h->region)) stop = hostile_fail(h, name, "wrote outside the arena (guard bytes changed)", si, &e);
  if (!stop && memcmp(m, model, bytes) != 0) stop = hostile_fail(h, name, "wrote into the model bytes", si, &e);
  if (!stop && kind == 0 && si != TH_OK) stop = hostile_fail(h, name, "base model refused (template or writer bug)", si, &e);
  if (!stop && kind == 2 && si == TH_OK) stop = hostile_fail(h, name, "audited finding accepted", si, &e);
  if (kind == 0) h->base++;
  else if (kind == 2) h->findings++;
  else if (si == TH_OK) h->ran++;
  else h->rejected++;
  free(m);
  return stop;
}

static int run_hostile(const char *write_dir) {
  hostile_run h;
  memset(&h, 0, sizeof(h));
  h.write_dir = write_dir;
  h.region = (uint8_t *)malloc(HOSTILE_ARENA + 2u * HOSTILE_GUARD);
  long n = hm_generate(hostile_visit, &h);
  free(h.region);
  if (n < 0) {
    fprintf(stderr, "FAIL hostile: the model writer ran out of buffer (test bug)\n");
    return 1;
  }
  if (write_dir) printf("hostile: wrote %ld models to %s\n", n, write_dir);
  else if (h.failures == 0)
    printf("ok   hostile models: %ld generated (%ld base ran, %ld refused with an error, %ld ran, %ld audited findings refused), arena guards intact\n",
           n, h.base, h.rejected, h.ran, h.findings);
  return h.failures ? 1 : 0;
}

/* th_div_magic against C division: every divisor up to TH_MAGIC_MAX_DIVISOR, for each the
 * dividends around every multiple up to 129 * d (the largest error sits just below a multiple). */
static int check_magic_division(void) {
  long checked = 0;
  for (uint32_t d = 1; d <= TH_MAGIC_MAX_DIVISOR; d++) {
    const uint64_t m = th_magic_for(d);
    for (uint32_t q = 0; q <= 129u; q++) {
      const uint32_t around[4] = {q * d, q * d + d / 2u, q * d + d - 1u, q * d + 1u};
      for (int j = 0; j < 4; j++) {
        const uint32_t n = around[j];
        checked++;
        if (th_div_magic(n, m) != n / d) {
          fprintf(stderr, "FAIL th_div_magic(%u, magic for %u) = %u, expected %u\n", n, d, th_div_magic(n, m), n / d);
          return 1;
        }
      }
    }
  }
  if (!g_quiet) printf("ok   th_div_magic: %ld divisions exact\n", checked);
  return 0;
}

/* The identity the AVX2 requantization uses: th_srdhm(a, m) == low 32 bits of
 * (a * m + 2^30) >> 31 for every a and every multiplier m >= 0 (random operands, some scaled
 * down, plus the edges). */
static int check_srdhm_identity(void) {
  uint64_t st = 0x9E3779B97F4A7C15ull;
  const int32_t edge[] = {0, 1, -1, 2, -2, INT32_MAX, INT32_MIN, INT32_MIN + 1, 1 << 30, -(1 << 30), 12345, -12345};
  const int edges = (int)(sizeof(edge) / sizeof(edge[0]));
  long checked = 0;
  for (long it = 0; it < 2000000; it++) {
    int32_t a, m;
    if (it < edges * edges) {
      a = edge[it / edges];
      m = edge[it % edges];
      if (m < 0 || (a == INT32_MIN && m == INT32_MIN)) continue;
    } else {
      st ^= st << 13; st ^= st >> 7; st ^= st << 17;
      a = (int32_t)(uint32_t)st;
      if (it & 1) a >>= (int)((st >> 40) % 31u);
      m = (int32_t)((st >> 32) & 0x7fffffffu);
      if (it & 2) m >>= (int)((st >> 56) % 31u);
    }
    const int32_t fast = (int32_t)(uint32_t)((uint64_t)((int64_t)a * m + (1 << 30)) >> 31);
    checked++;
    if (fast != th_srdhm(a, m)) {
      fprintf(stderr, "FAIL srdhm identity: a=%d m=%d: %d, th_srdhm %d\n", a, m, fast, th_srdhm(a, m));
      return 1;
    }
  }
  if (!g_quiet) printf("ok   srdhm identity: %ld operand pairs\n", checked);
  return 0;
}

/* The Cortex-M0+ requantization (16-bit partial products) against th_mbqm, which follows TFLM's
 * definition with a 64-bit product: every multiplier >= 0 the engine can produce, every shift. */
static int check_mbqm_armv6m(void) {
  uint64_t st = 0x2545F4914F6CDD1Dull;
  const int32_t edge[] = {0, 1, -1, 2, -2, INT32_MAX, INT32_MIN, INT32_MIN + 1, 1 << 30, -(1 << 30), 65535, -65536, 65536, 32767, -32768, 32768, -32769};
  const int edges = (int)(sizeof(edge) / sizeof(edge[0]));
  long checked = 0;
  for (long it = 0; it < 2000000; it++) {
    int32_t x, m, sh;
    st ^= st << 13; st ^= st >> 7; st ^= st << 17;
    if (it < edges * 62) {
      x = edge[it % edges];
      sh = (int32_t)(it / edges) - 31;
      m = (int32_t)(0x40000000u + (uint32_t)(st >> 34));
    } else {
      x = (int32_t)(uint32_t)st;
      if (it & 1) x >>= (int)((st >> 40) % 31u);
      m = (int32_t)((st >> 32) & 0x7fffffffu);
      if (it & 2) m = (int32_t)(0x40000000u | (uint32_t)m);
      sh = (int32_t)((st >> 58) % 62u) - 31;
    }
    if (sh > 30) sh = 30;
    checked++;
    if (th_mbqm_armv6m(x, m, sh) != th_mbqm(x, m, sh)) {
      fprintf(stderr, "FAIL th_mbqm_armv6m(%d, %d, %d) = %d, th_mbqm %d\n", x, m, sh, th_mbqm_armv6m(x, m, sh), th_mbqm(x, m, sh));
      return 1;
    }
  }
  if (!g_quiet) printf("ok   Cortex-M0+ requantization: %ld operand triples equal th_mbqm\n", checked);
  return 0;
}

/* The encoded form the Cortex-M0+ requantize-and-store loop uses (shift folded into one constant
 * at prepare) against th_mbqm, for every right shift it accepts and accumulators of every size. */
static int check_requant_encoded(void) {
  uint64_t st = 0x9E3779B97F4A7C15ull;
  long checked = 0;
  if (th_requant_encodable(0) || th_requant_encodable(1) || th_requant_encodable(-16) || !th_requant_encodable(-15)) {
    fprintf(stderr, "FAIL th_requant_encodable: accepts a shift outside -15..-1\n");
    return 1;
  }
  for (long it = 0; it < 2000000; it++) {
    st ^= st << 13; st ^= st >> 7; st ^= st << 17;
    int32_t x = (int32_t)(uint32_t)st;
    if (it % 4 != 3) x >>= (int)((st >> 40) % 31u);   /* mostly small accumulators, as in real layers */
    if (it < 64) x = (int32_t)(it % 2 ? 32767 - it / 2 : -32768 + it / 2);
    const int32_t m = (int32_t)(0x40000000u | (uint32_t)((st >> 33) & 0x3fffffffu));
    const int32_t sh = -1 - (int32_t)((st >> 59) % 15u);
    checked++;
    const int32_t got = th_requant_encoded(x, m, th_requant_encode(sh));
    if (got != th_mbqm(x, m, sh)) {
      fprintf(stderr, "FAIL th_requant_encoded(%d, %d, shift %d) = %d, th_mbqm %d\n", x, m, sh, got, th_mbqm(x, m, sh));
      return 1;
    }
  }
  if (!g_quiet) printf("ok   Cortex-M0+ encoded requantization: %ld operand triples equal th_mbqm\n", checked);
  return 0;
}

/* The resolver table (kernels/resolver.c) against the operator list of firmware/engine/README.md,
 * and each registration's name against the schema's name of its code (names.c). */
static int check_registrations(void) {
  static const int32_t readme_operators[] = {0, 1, 2, 3, 4, 6, 9, 17, 18, 22, 25, 34, 40, 114};
  int32_t supported = 0;
  for (int32_t code = -1; code < 256; code++) {
    if (!th_builtin_supported(code)) continue;
    supported++;
    int listed = 0;
    for (size_t i = 0; i < sizeof(readme_operators) / sizeof(readme_operators[0]); i++) listed |= readme_operators[i] == code;
    if (!listed || strcmp(th_builtin_name(code), th_schema_builtin_name(code)) != 0) {
      fprintf(stderr, "FAIL registration of code %d: name %s, schema name %s, in README's list: %d\n", code,
              th_builtin_name(code), th_schema_builtin_name(code), listed);
      return 1;
    }
  }
  if (supported != (int32_t)(sizeof(readme_operators) / sizeof(readme_operators[0]))) {
    fprintf(stderr, "FAIL registrations: %d operators registered, README lists %d\n", supported,
            (int)(sizeof(readme_operators) / sizeof(readme_operators[0])));
    return 1;
  }
  if (!g_quiet) printf("ok   %d operator registrations, named as in the schema\n", supported);
  return 0;
}

int main(int argc, char **argv) {
  int fuzz = 0, bench = 0, failures = 0, models = 0;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--quiet") == 0) g_quiet = 1;
  failures += check_registrations();
  failures += check_magic_division();
  failures += check_srdhm_identity();
  failures += check_requant_encoded();
  failures += check_mbqm_armv6m();
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--fuzz") == 0 && i + 1 < argc) fuzz = atoi(argv[++i]);
    else if (strcmp(argv[i], "--bench") == 0 && i + 1 < argc) bench = atoi(argv[++i]);
    else if (strcmp(argv[i], "--float-ulps") == 0 && i + 1 < argc) g_float_ulps = atoi(argv[++i]);
    else if (strcmp(argv[i], "--quiet") == 0) g_quiet = 1;
    else if (strcmp(argv[i], "--hostile") == 0) failures += run_hostile(NULL);
    else if (strcmp(argv[i], "--write-hostile") == 0 && i + 1 < argc) failures += run_hostile(argv[++i]);
    else if (strcmp(argv[i], "--simd") == 0 && i + 1 < argc) {
      const char *t = argv[++i];
      g_simd = strcmp(t, "baseline") == 0 ? TH_SIMD_BASELINE : strcmp(t, "avx2") == 0 ? TH_SIMD_AVX2 : TH_SIMD_AVX512_VNNI;
    } else {
      models++;
      failures += run_model(argv[i], bench);
      if (fuzz) failures += fuzz_model(argv[i], fuzz);
    }
  }
  printf("%d model(s), %d failure(s)\n", models, failures);
  return failures ? 1 : 0;
}
