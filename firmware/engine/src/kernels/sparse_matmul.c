/* Sparse int8 FULLY_CONNECTED / CONV_2D (sparse_matmul.h). Activations are read as u = x + 128
 * (uint8: the M0+ loads them with an immediate offset), so the per-channel constant is
 * bias - (input_zp + 128) * sum(w). One output channel at a time: walk the row's pairs, advancing
 * a pointer into the activation row (kernel scratch, one spare byte for a row's padding entry) by
 * each 4-bit gap. CONV_2D gathers two output positions' windows interleaved, so one walk of a row
 * serves both (the gap decode and loop are shared). */
#include "sparse_matmul.h"
#include "../sparse_weights.h"
#include "armv6m/conv_armv6m.h"
#if defined(TH_HAVE_ARMV6M_KERNELS)
#include "armv6m/requant_store_armv6m.h"
#endif

th_status th_prepare_sparse_weights(const th_prep *c) {
  th_conv_params *p = &c->op->p.conv;
  const th_tensor *filter = th_in(c, 1);
  th_sparse_view v;
  if (filter->zero_point != 0)
    return th_prep_fail(c, TH_ERR_UNSUPPORTED_TYPE, "sparse weights: weights zero point must be 0", th_tensor_id(c, filter));
  th_sparse_open(filter->data, &v);
  /* FULLY_CONNECTED: the row + 128 and a spare byte; CONV_2D: two windows interleaved, + 2 spare */
  if ((uint64_t)v.cols * 2u + 2u > c->ip->scratch_bytes)
    return th_prep_fail(c, TH_ERR_LIMIT_EXCEEDED, "sparse weights: kernel scratch smaller than planned (engine bug)", -1);
  const uint8_t *q = v.stream;
  for (uint32_t r = 0; r < v.rows; r++) {
    int32_t sum = 0;
    for (uint32_t k = th_sparse_row_pairs(&v, r); k > 0u; k--, q += 3) sum += (int8_t)q[1] + (int8_t)q[2];
    p->filter_sum[r] = (int32_t)((uint32_t)p->filter_sum[r] - (uint32_t)(p->input_zp + 128) * (uint32_t)sum);
  }
#if defined(TH_HAVE_ARMV6M_KERNELS)
  {
    int ok = 1;
    for (uint32_t r = 0; r < v.rows; r++)
      if (p->multiplier[r] < 0) ok = 0;
    p->armv6m = ok ? th_requant_encode_shifts(p, (int32_t)v.rows) : 0;
  }
#endif
  p->sparse = 1;
  c->op->eval = c->op->code == TH_OP_CONV_2D ? th_eval_sparse_conv : th_eval_sparse_fully_connected;
  return TH_OK;
}

/* sum over `pairs` (>= 1) pairs (gap byte, value, value) of value * u[column]; u: activations + 128 */
static int32_t sparse_dot(const uint8_t *u, const uint8_t *q, uint32_t pairs) {
#if defined(__ARM_ARCH_6M__)
  /* per pair 18 instructions: LDRB gap, LSLS/LSRS low nibble, ADDS, LDRB u, LDRSB w, MULS, ADD,
   * LSRS high nibble, ADDS, ADDS index, LDRB u, LDRSB w, MULS, ADD, ADDS pointer, ADDS index, BNE */
  const uint8_t *end = q + 3u * pairs, *end1 = end + 1;
  int32_t i = -3 * (int32_t)pairs, g, t, w;
  register int32_t sum __asm__("r8") = 0;
  __asm__ volatile(
      ".syntax unified\n\t"
      "1:\n\t"
      "ldrb %[g], [%[e0], %[i]]\n\t"
      "lsls %[t], %[g], #28\n\t"
      "lsrs %[t], %[t], #28\n\t"
      "adds %[u], %[u], %[t]\n\t"
      "ldrb %[t], [%[u], #0]\n\t"
      "ldrsb %[w], [%[e1], %[i]]\n\t"
      "muls %[t], %[w], %[t]\n\t"
      "add %[acc], %[t]\n\t"
      "lsrs %[g], %[g], #4\n\t"
      "adds %[u], %[u], %[g]\n\t"
      "adds %[i], %[i], #1\n\t"
      "ldrb %[t], [%[u], #1]\n\t"
      "ldrsb %[w], [%[e1], %[i]]\n\t"
      "muls %[t], %[w], %[t]\n\t"
      "add %[acc], %[t]\n\t"
      "adds %[u], %[u], #2\n\t"
      "adds %[i], %[i], #2\n\t"
      "bne 1b\n\t"
      : [i] "+l"(i), [u] "+l"(u), [g] "=&l"(g), [t] "=&l"(t), [w] "=&l"(w), [acc] "+r"(sum)
      : [e0] "l"(end), [e1] "l"(end1)
      : "cc", "memory");
  return sum;
#else
  int32_t acc = 0;
  do {
    const uint32_t g = q[0];
    u += g & 15u;
    acc += (int32_t)u[0] * (int8_t)q[1];
    u += g >> 4;
    acc += (int32_t)u[1] * (int8_t)q[2];
    u += 2;
    q += 3;
  } while (--pairs);
  return acc;
#endif
}

/* The same for two windows interleaved byte by byte (u[2c]: window 0, u[2c+1]: window 1): one walk
 * of the row serves two output positions. s[0], s[1] accumulate. */
static void sparse_dot2(const uint8_t *u, const uint8_t *q, uint32_t pairs, int32_t *s) {
#if defined(__ARM_ARCH_6M__)
  /* per pair (four MACs) 25 instructions: the gap decode, index and loop are shared */
  const uint8_t *end = q + 3u * pairs, *end1 = end + 1;
  int32_t i = -3 * (int32_t)pairs, g, t, a, w;
  register int32_t s0 __asm__("r8") = s[0];
  register int32_t s1 __asm__("r9") = s[1];
  __asm__ volatile(
      ".syntax unified\n\t"
      "1:\n\t"
      "ldrb %[g], [%[e0], %[i]]\n\t"
      "lsls %[t], %[g], #28\n\t"
      "lsrs %[t], %[t], #27\n\t"
      "adds %[u], %[u], %[t]\n\t"
      "ldrb %[t], [%[u], #0]\n\t"
      "ldrb %[a], [%[u], #1]\n\t"
      "ldrsb %[w], [%[e1], %[i]]\n\t"
      "muls %[t], %[w], %[t]\n\t"
      "add %[s0], %[t]\n\t"
      "muls %[a], %[w], %[a]\n\t"
      "add %[s1], %[a]\n\t"
      "lsrs %[g], %[g], #4\n\t"
      "lsls %[g], %[g], #1\n\t"
      "adds %[u], %[u], %[g]\n\t"
      "adds %[i], %[i], #1\n\t"
      "ldrb %[t], [%[u], #2]\n\t"
      "ldrb %[a], [%[u], #3]\n\t"
      "ldrsb %[w], [%[e1], %[i]]\n\t"
      "muls %[t], %[w], %[t]\n\t"
      "add %[s0], %[t]\n\t"
      "muls %[a], %[w], %[a]\n\t"
      "add %[s1], %[a]\n\t"
      "adds %[u], %[u], #4\n\t"
      "adds %[i], %[i], #2\n\t"
      "bne 1b\n\t"
      : [i] "+l"(i), [u] "+l"(u), [g] "=&l"(g), [t] "=&l"(t), [a] "=&l"(a), [w] "=&l"(w),
        [s0] "+r"(s0), [s1] "+r"(s1)
      : [e0] "l"(end), [e1] "l"(end1)
      : "cc", "memory");
  s[0] = s0;
  s[1] = s1;
#else
  int32_t s0 = 0, s1 = 0;
  do {
    const uint32_t g = q[0];
    const int32_t w0 = (int8_t)q[1], w1 = (int8_t)q[2];
    u += 2u * (g & 15u);
    s0 += (int32_t)u[0] * w0;
    s1 += (int32_t)u[1] * w0;
    u += 2u * (g >> 4);
    s0 += (int32_t)u[2] * w1;
    s1 += (int32_t)u[3] * w1;
    u += 4;
    q += 3;
  } while (--pairs);
  s[0] = (int32_t)((uint32_t)s[0] + (uint32_t)s0);
  s[1] = (int32_t)((uint32_t)s[1] + (uint32_t)s1);
#endif
}

#if !defined(__ARM_ARCH_6M__)
/* The same for four windows interleaved (u[4c + l]: window l), used when the kernel scratch (the
 * largest any operator of the model plans) holds 4 cols + 4 bytes. s[0..3] accumulate. On the
 * M0+ the whole row loop is th_sparse_rows4_armv6m below. */
static void sparse_dot4(const uint8_t *u, const uint8_t *q, uint32_t pairs, int32_t *s) {
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  do {
    const uint32_t g = q[0];
    const int32_t w0 = (int8_t)q[1], w1 = (int8_t)q[2];
    u += 4u * (g & 15u);
    a0 += (int32_t)u[0] * w0;
    a1 += (int32_t)u[1] * w0;
    a2 += (int32_t)u[2] * w0;
    a3 += (int32_t)u[3] * w0;
    u += 4u * (g >> 4);
    a0 += (int32_t)u[4] * w1;
    a1 += (int32_t)u[5] * w1;
    a2 += (int32_t)u[6] * w1;
    a3 += (int32_t)u[7] * w1;
    u += 8;
    q += 3;
  } while (--pairs);
  s[0] = (int32_t)((uint32_t)s[0] + (uint32_t)a0);
  s[1] = (int32_t)((uint32_t)s[1] + (uint32_t)a1);
  s[2] = (int32_t)((uint32_t)s[2] + (uint32_t)a2);
  s[3] = (int32_t)((uint32_t)s[3] + (uint32_t)a3);
}
#endif

static void requant_store(const int32_t *acc, uint32_t c0, uint32_t count, const th_conv_params *p, int8_t *y) {
#if defined(TH_HAVE_ARMV6M_KERNELS)
  if (p->armv6m) {
    th_requant_outputs_armv6m(acc, (int32_t)c0, (int32_t)count, p, y);
    return;
  }
#endif
  for (uint32_t j = 0; j < count; j++)
    y[c0 + j] = (int8_t)th_clamp(th_mbqm(acc[j], p->multiplier[c0 + j], p->shift[c0 + j]) + p->output_zp,
                                 p->act_min, p->act_max);
}

/* all output channels of one activation row u (+ 128) into y */
static void sparse_outputs(const th_sparse_view *v, const uint8_t *u, const th_conv_params *p, int8_t *y) {
  int32_t acc[16];
  const uint8_t *count = v->count, *q = v->stream;
  for (uint32_t c0 = 0; c0 < v->rows; c0 += 16u) {
    const uint32_t block = v->rows - c0 < 16u ? v->rows - c0 : 16u;
    for (uint32_t j = 0; j < block; j++, count += 2) {
      const uint32_t n = (uint32_t)count[0] | (uint32_t)count[1] << 8;
      int32_t s = p->filter_sum[c0 + j];
      if (n) {
        s = (int32_t)((uint32_t)s + (uint32_t)sparse_dot(u, q, n));
        q += 3u * n;
      }
      acc[j] = s;
    }
    requant_store(acc, c0, block, p, y);
  }
}

/* Rows of 4 interleaved windows: for each of a->rows rows, s = bias; s[l] += the row's walk over
 * window l; acc[l * 16 + j] = s[l] (j = the row within the block). Returns the stream after them. */
typedef struct th_sparse_rows_args {
  const uint8_t *count;        /* 0: u16 pairs per row, advanced */
  const int32_t *bias;         /* 4: advanced */
  int32_t rows;                /* 8: >= 1, counted down */
  int32_t *acc;                /* 12: advanced by one row */
} th_sparse_rows_args;

#if defined(__ARM_ARCH_6M__)
/* The row loop around the 4-lane pair loop of sparse_dot4 in assembly: GCC -Os keeps the row state
 * on the stack (about 130 instructions per row, read in the generated code); here the row state
 * lives in *a (through ip) and the four sums in r8-r11: about 40 instructions per row. */
const uint8_t *th_sparse_rows4_armv6m(const uint8_t *u, const uint8_t *q, th_sparse_rows_args *a);
__asm__(
    ".syntax unified\n"
    ".text\n"
    ".thumb\n"
    ".align 1\n"
    ".global th_sparse_rows4_armv6m\n"
    ".thumb_func\n"
    ".type th_sparse_rows4_armv6m, %function\n"
    "th_sparse_rows4_armv6m:\n"
    "  push {r4, r5, r6, r7, lr}\n"
    "  mov r4, r8\n"
    "  mov r5, r9\n"
    "  mov r6, r10\n"
    "  mov r7, r11\n"
    "  push {r4, r5, r6, r7}\n"
    "  mov ip, r2\n"
    "2:\n"                          /* row: n = count, advance */
    "  mov r2, ip\n"
    "  ldr r4, [r2, #0]\n"
    "  ldrb r3, [r4, #0]\n"
    "  ldrb r5, [r4, #1]\n"
    "  lsls r5, r5, #8\n"
    "  orrs r3, r5\n"
    "  adds r4, r4, #2\n"
    "  str r4, [r2, #0]\n"
    "  ldr r4, [r2, #4]\n"          /* bias */
    "  ldm r4!, {r5}\n"
    "  str r4, [r2, #4]\n"
    "  mov r8, r5\n"
    "  mov r9, r5\n"
    "  mov r10, r5\n"
    "  mov r11, r5\n"
    "  cmp r3, #0\n"
    "  beq 3f\n"
    "  lsls r4, r3, #1\n"
    "  adds r4, r4, r3\n"           /* 3n */
    "  adds r1, r1, r4\n"           /* end of the row = next row's start */
    "  adds r6, r1, #1\n"           /* e1 */
    "  rsbs r5, r4, #0\n"           /* i = -3n */
    "  movs r7, r0\n"               /* u */
    "1:\n"
    "  ldrb r2, [r1, r5]\n"
    "  lsls r3, r2, #28\n"
    "  lsrs r3, r3, #26\n"
    "  adds r7, r7, r3\n"
    "  ldrsb r4, [r6, r5]\n"
    "  ldrb r3, [r7, #0]\n"
    "  muls r3, r4, r3\n"
    "  add r8, r3\n"
    "  ldrb r3, [r7, #1]\n"
    "  muls r3, r4, r3\n"
    "  add r9, r3\n"
    "  ldrb r3, [r7, #2]\n"
    "  muls r3, r4, r3\n"
    "  add r10, r3\n"
    "  ldrb r3, [r7, #3]\n"
    "  muls r3, r4, r3\n"
    "  add r11, r3\n"
    "  lsrs r2, r2, #4\n"
    "  lsls r2, r2, #2\n"
    "  adds r7, r7, r2\n"
    "  adds r5, r5, #1\n"
    "  ldrsb r4, [r6, r5]\n"
    "  ldrb r3, [r7, #4]\n"
    "  muls r3, r4, r3\n"
    "  add r8, r3\n"
    "  ldrb r3, [r7, #5]\n"
    "  muls r3, r4, r3\n"
    "  add r9, r3\n"
    "  ldrb r3, [r7, #6]\n"
    "  muls r3, r4, r3\n"
    "  add r10, r3\n"
    "  ldrb r3, [r7, #7]\n"
    "  muls r3, r4, r3\n"
    "  add r11, r3\n"
    "  adds r7, r7, #8\n"
    "  adds r5, r5, #2\n"
    "  bne 1b\n"
    "3:\n"                          /* store the four sums, next row */
    "  mov r2, ip\n"
    "  ldr r4, [r2, #12]\n"
    "  mov r3, r8\n"
    "  str r3, [r4, #0]\n"
    "  mov r3, r9\n"
    "  str r3, [r4, #64]\n"
    "  movs r5, r4\n"
    "  adds r5, #128\n"
    "  mov r3, r10\n"
    "  str r3, [r5, #0]\n"
    "  mov r3, r11\n"
    "  str r3, [r5, #64]\n"
    "  adds r4, r4, #4\n"
    "  str r4, [r2, #12]\n"
    "  ldr r4, [r2, #8]\n"
    "  subs r4, r4, #1\n"
    "  str r4, [r2, #8]\n"
    "  bne 2b\n"
    "  movs r0, r1\n"
    "  pop {r4, r5, r6, r7}\n"
    "  mov r8, r4\n"
    "  mov r9, r5\n"
    "  mov r10, r6\n"
    "  mov r11, r7\n"
    "  pop {r4, r5, r6, r7, pc}\n"
    ".size th_sparse_rows4_armv6m, .-th_sparse_rows4_armv6m\n");
#define sparse_rows4 th_sparse_rows4_armv6m
#else
static const uint8_t *sparse_rows4(const uint8_t *u, const uint8_t *q, th_sparse_rows_args *a) {
  do {
    const uint32_t n = (uint32_t)a->count[0] | (uint32_t)a->count[1] << 8;
    int32_t s[4];
    a->count += 2;
    s[0] = s[1] = s[2] = s[3] = *a->bias++;
    if (n) {
      sparse_dot4(u, q, n, s);
      q += 3u * n;
    }
    a->acc[0] = s[0];
    a->acc[16] = s[1];
    a->acc[32] = s[2];
    a->acc[48] = s[3];
    a->acc++;
  } while (--a->rows);
  return q;
}
#endif

/* all output channels of `lanes` (2 or 4) interleaved windows into y[l] (NULL: a padding lane) */
static void sparse_outputs_lanes(const th_sparse_view *v, const uint8_t *u, const th_conv_params *p, int8_t *const *y,
                                 int32_t lanes) {
  int32_t acc[4][16], s[4];
  const uint8_t *count = v->count, *q = v->stream;
  for (uint32_t c0 = 0; c0 < v->rows; c0 += 16u) {
    const uint32_t block = v->rows - c0 < 16u ? v->rows - c0 : 16u;
    if (lanes == 4) {
      th_sparse_rows_args a = {count, p->filter_sum + c0, (int32_t)block, &acc[0][0]};
      q = sparse_rows4(u, q, &a);
      count = a.count;
      for (int32_t l = 0; l < 4; l++)
        if (y[l]) requant_store(acc[l], c0, block, p, y[l]);
      continue;
    }
    for (uint32_t j = 0; j < block; j++, count += 2) {
      const uint32_t n = (uint32_t)count[0] | (uint32_t)count[1] << 8;
      s[0] = s[1] = s[2] = s[3] = p->filter_sum[c0 + j];
      if (n) {
        sparse_dot2(u, q, n, s);
        q += 3u * n;
      }
      acc[0][j] = s[0];
      acc[1][j] = s[1];
      acc[2][j] = s[2];
      acc[3][j] = s[3];
    }
    for (int32_t l = 0; l < lanes; l++)
      if (y[l]) requant_store(acc[l], c0, block, p, y[l]);
  }
}

void th_eval_sparse_fully_connected(th_interpreter *ip, const th_op *op) {
  const th_tensor *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  th_sparse_view v;
  th_sparse_open(filter->data, &v);
  const int32_t units = (int32_t)v.rows, depth = (int32_t)v.cols;
  const int32_t batches = units > 0 ? th_elements(out) / units : 0;
  const uint8_t *x = TH_T(ip, op->in[0])->data;
  uint8_t *u = ip->scratch;   /* depth + 1 bytes: the row + 128, and a spare byte */
  int8_t *y = (int8_t *)out->data;
  u[depth] = 0;
  for (int32_t b = 0; b < batches; b++) {
    for (int32_t i = 0; i < depth; i++) u[i] = (uint8_t)(x[b * depth + i] ^ 0x80u);
    sparse_outputs(&v, u, &op->p.conv, y + b * units);
  }
}

/* What gathering a window needs, computed once per invoke. */
typedef struct th_window_geometry {
  const int8_t *x;
  int32_t ih, iw, cin, kh, kw, run, row_step;    /* run = kw * cin; row_step = dilation_h * iw * cin */
  int32_t stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w, image;
  uint8_t zp;                                    /* input zero point + 128 */
} th_window_geometry;

/* dst[lanes * i] = src[i] + 128 for i < n (n >= 1) */
static void copy_offset_strided(uint8_t *dst, const uint8_t *src, int32_t n, int32_t lanes) {
#if defined(__ARM_ARCH_6M__)
  /* per byte 6 instructions (GCC -Os: 14, reloading the bounds) */
  const uint8_t *end = src + n;
  int32_t i = -n, t, flip = 0x80;
  __asm__ volatile(
      ".syntax unified\n\t"
      "1:\n\t"
      "ldrb %[t], [%[end], %[i]]\n\t"
      "eors %[t], %[flip]\n\t"
      "strb %[t], [%[dst], #0]\n\t"
      "adds %[dst], %[dst], %[lanes]\n\t"
      "adds %[i], %[i], #1\n\t"
      "bne 1b\n\t"
      : [i] "+l"(i), [dst] "+l"(dst), [t] "=&l"(t)
      : [end] "l"(end), [flip] "l"(flip), [lanes] "l"(lanes)
      : "cc", "memory");
#else
  for (int32_t i = 0; i < n; i++, dst += lanes) *dst = (uint8_t)(src[i] ^ 0x80u);
#endif
}

/* the window of output position (b, oy, ox) + 128 into every `lanes`-th byte of dst (padded taps:
 * the input zero point, which adds 0), then the spare column */
static void gather_window(const th_window_geometry *g, int32_t b, int32_t oy, int32_t ox, uint8_t *dst, int32_t lanes) {
  const int8_t *xb = g->x + b * g->image;
  const int32_t y0 = oy * g->stride_h - g->pad_h, x0 = ox * g->stride_w - g->pad_w;
  if (g->dilation_w == 1 && y0 >= 0 && y0 + (g->kh - 1) * g->dilation_h < g->ih && x0 >= 0 && x0 + g->kw <= g->iw) {
    /* inside the input: each window row is one contiguous run */
    const uint8_t *src = (const uint8_t *)xb + (y0 * g->iw + x0) * g->cin;
    if (g->run == 0) return;
    for (int32_t ky = g->kh; ky > 0; ky--, src += g->row_step, dst += lanes * g->run)
      copy_offset_strided(dst, src, g->run, lanes);
    *dst = 0;
    return;
  }
  for (int32_t ky = 0; ky < g->kh; ky++) {
    const int32_t iy = y0 + ky * g->dilation_h;
    const int row_inside = iy >= 0 && iy < g->ih;
    for (int32_t kx = 0; kx < g->kw; kx++) {
      const int32_t ix = x0 + kx * g->dilation_w;
      if (row_inside && ix >= 0 && ix < g->iw) {
        const int8_t *src = xb + (iy * g->iw + ix) * g->cin;
        for (int32_t i = 0; i < g->cin; i++, dst += lanes) *dst = (uint8_t)(src[i] ^ 0x80u);
      } else {
        for (int32_t i = 0; i < g->cin; i++, dst += lanes) *dst = g->zp;
      }
    }
  }
  *dst = 0;
}

void th_eval_sparse_conv(th_interpreter *ip, const th_op *op) {
  const th_conv_params *p = &op->p.conv;
  const th_tensor *in = TH_T(ip, op->in[0]), *filter = TH_T(ip, op->in[1]), *out = TH_T(ip, op->out);
  const int32_t oh = out->dims[1], ow = out->dims[2], cout = filter->dims[0];
  const int32_t positions = in->dims[0] * oh * ow;
  int8_t *y = (int8_t *)out->data;
  uint8_t *u = ip->scratch;   /* lanes x (cols + 1) bytes: the windows interleaved, and the spare column */
  th_sparse_view v;
  th_window_geometry g;
  th_sparse_open(filter->data, &v);
  g.x = (const int8_t *)in->data;
  g.ih = in->dims[1], g.iw = in->dims[2], g.cin = in->dims[3], g.kh = filter->dims[1], g.kw = filter->dims[2];
  g.run = g.kw * g.cin, g.row_step = p->dilation_h * g.iw * g.cin, g.image = g.ih * g.iw * g.cin;
  g.stride_h = p->stride_h, g.stride_w = p->stride_w, g.pad_h = p->pad_h, g.pad_w = p->pad_w;
  g.dilation_h = p->dilation_h, g.dilation_w = p->dilation_w;
  g.zp = (uint8_t)((uint32_t)p->input_zp ^ 0x80u);
  /* four windows per row walk when the scratch (planned for the model's largest need) holds them */
  const int32_t lanes = 4u * (uint64_t)v.cols + 4u <= ip->scratch_bytes ? 4 : 2;
  int32_t b = 0, oy = 0, ox = 0;   /* position o, counted without division (none on the M0+) */
  if (positions == 0 || ow == 0 || oh == 0) return;
  for (int32_t o = 0; o < positions; o += lanes) {
    int8_t *yl[4] = {NULL, NULL, NULL, NULL};
    for (int32_t l = 0; l < lanes; l++) {
      if (o + l < positions) {
        gather_window(&g, b, oy, ox, u + l, lanes);
        if (++ox == ow) { ox = 0; if (++oy == oh) { oy = 0; b++; } }
        yl[l] = y + (o + l) * cout;
      } else {   /* past the last position: repeat window 0, drop the outputs */
        for (int32_t i = 0; i < lanes * ((int32_t)v.cols + 1); i += lanes) u[i + l] = u[i];
      }
    }
    sparse_outputs_lanes(&v, u, p, yl, lanes);
  }
}
