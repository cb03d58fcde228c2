/* The requantize-and-store loop of the Cortex-M0+ kernels (see requant_store_armv6m.h). */
#include "requant_store_armv6m.h"
#include "conv_armv6m.h"
#include "requant_armv6m.h"

#if defined(TH_HAVE_ARMV6M_KERNELS)

/* |x| >= 2^15: the general requantization, called from the assembly below */
int32_t th_requant_slow_armv6m(int32_t x, int32_t multiplier, int32_t right);
int32_t th_requant_slow_armv6m(int32_t x, int32_t multiplier, int32_t right) {
  return th_mbqm_armv6m(x, multiplier, -right);
}

#if defined(__ARM_ARCH_6M__)
/* th_requant_encoded in assembly: GCC -Os keeps the loop's pointers and bounds on the stack (about
 * 55 instructions per output, read in the generated code); here x, m and enc stream in through
 * LDM, the bounds sit in r8-r11 and 2^14 in ip: 31 instructions per output when |x| < 2^15. */
__asm__(
    ".syntax unified\n"
    ".text\n"
    ".thumb\n"
    ".align 1\n"
    ".global th_requant_store_armv6m\n"
    ".thumb_func\n"
    ".type th_requant_store_armv6m, %function\n"
    "th_requant_store_armv6m:\n"
    "  push {r4, r5, r6, r7, lr}\n"
    "  mov r4, r8\n"
    "  mov r5, r9\n"
    "  mov r6, r10\n"
    "  mov r7, r11\n"
    "  push {r4, r5, r6, r7}\n"
    "  adds r2, r1, r2\n"          /* end of y */
    "  mov r8, r2\n"
    "  ldr r4, [r3, #8]\n"
    "  mov r9, r4\n"               /* output zero point */
    "  ldr r4, [r3, #12]\n"
    "  mov r10, r4\n"              /* lo */
    "  ldr r4, [r3, #16]\n"
    "  mov r11, r4\n"              /* hi */
    "  ldr r2, [r3, #4]\n"         /* enc */
    "  ldr r3, [r3, #0]\n"         /* multiplier */
    "  movs r4, #1\n"
    "  lsls r4, r4, #14\n"
    "  mov ip, r4\n"               /* 2^14 */
    "1:\n"
    "  ldm r0!, {r4}\n"            /* x */
    "  ldm r3!, {r5}\n"            /* m */
    "  ldm r2!, {r7}\n"            /* enc = 2^(14+r) + 15 + r */
    "  sxth r6, r4\n"
    "  cmp r6, r4\n"
    "  bne 5f\n"                   /* |x| >= 2^15 */
    "  uxth r6, r5\n"
    "  muls r6, r4\n"              /* x * ml */
    "  asrs r6, r6, #16\n"
    "  lsrs r5, r5, #16\n"
    "  muls r5, r4\n"              /* x * mh */
    "  adds r5, r5, r6\n"
    "  add r5, ip\n"               /* t */
    "  asrs r6, r5, #31\n"
    "  lsls r6, r6, #15\n"
    "  adds r5, r5, r6\n"          /* t - (t < 0) * 2^15 */
    "  movs r6, #31\n"
    "  ands r6, r7\n"              /* 15 + r */
    "  subs r7, r7, r6\n"          /* 2^(14+r) */
    "  adds r5, r5, r7\n"
    "  asrs r5, r6\n"
    "2:\n"
    "  add r5, r9\n"
    "  cmp r5, r10\n"
    "  bge 3f\n"
    "  mov r5, r10\n"
    "3:\n"
    "  cmp r5, r11\n"
    "  ble 4f\n"
    "  mov r5, r11\n"
    "4:\n"
    "  strb r5, [r1]\n"
    "  adds r1, r1, #1\n"
    "  cmp r1, r8\n"
    "  bne 1b\n"
    "  pop {r4, r5, r6, r7}\n"
    "  mov r8, r4\n"
    "  mov r9, r5\n"
    "  mov r10, r6\n"
    "  mov r11, r7\n"
    "  pop {r4, r5, r6, r7, pc}\n"
    "5:\n"                         /* five words keep sp 8-byte aligned at the call */
    "  push {r0, r1, r2, r3, r4}\n"
    "  movs r0, r4\n"
    "  movs r1, r5\n"
    "  movs r2, #31\n"
    "  ands r2, r7\n"
    "  subs r2, r2, #15\n"
    "  bl th_requant_slow_armv6m\n"
    "  movs r5, r0\n"
    "  pop {r0, r1, r2, r3, r4}\n"
    "  movs r6, #1\n"
    "  lsls r6, r6, #14\n"
    "  mov ip, r6\n"
    "  b 2b\n"
    ".size th_requant_store_armv6m, .-th_requant_store_armv6m\n");
#else
void th_requant_store_armv6m(const int32_t *acc, int8_t *y, int32_t n, const th_requant_args *a) {
  for (int32_t j = 0; j < n; j++)
    y[j] = (int8_t)th_clamp(th_requant_encoded(acc[j], a->multiplier[j], a->enc[j]) + a->output_zp, a->lo, a->hi);
}
#endif

int32_t th_requant_encode_shifts(th_conv_params *p, int32_t n) {
  for (int32_t c = 0; c < n; c++)
    if (!th_requant_encodable(p->shift[c])) return 1;
  for (int32_t c = 0; c < n; c++) p->shift[c] = th_requant_encode(p->shift[c]);
  return 2;
}


void th_requant_outputs_armv6m(const int32_t *acc, int32_t c, int32_t n, const th_conv_params *p, int8_t *y) {
  if (p->armv6m == 2) {
    const th_requant_args a = {p->multiplier + c, p->shift + c, p->output_zp, p->act_min, p->act_max};
    th_requant_store_armv6m(acc, y + c, n, &a);
    return;
  }
  for (int32_t j = 0; j < n; j++)
    y[c + j] = (int8_t)th_clamp(th_mbqm_armv6m(acc[j], p->multiplier[c + j], p->shift[c + j]) + p->output_zp,
                                p->act_min, p->act_max);
}

#endif
