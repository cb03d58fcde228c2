/* libFuzzer target for the TinyHIL engine: load + plan + init + invoke of arbitrary bytes.
 *
 * Every input must end in a th_error (with status and `what` filled) or a clean run. Beyond what
 * AddressSanitizer/UBSan see, the target aborts when the engine writes outside its arena (guard
 * bytes on both sides, inside the same allocation, where ASan cannot see) or into the model bytes.
 * Build and run: make -C firmware/engine fuzz [FUZZ_SECONDS=N] (see docs/security.md). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinyhil_engine.h"

#define ARENA_BYTES (1u << 20)
#define GUARD_BYTES 4096u

static uint8_t *region;   /* guard | arena | guard */

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "engine_fuzz: %s\n", what);
    abort();
  }
}

static void check_error(th_status s, const th_error *e) {
  if (s != TH_OK) check(e->status == s && e->what != NULL, "error returned without a filled th_error");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (4u << 20)) return 0;
  if (region == NULL) region = (uint8_t *)malloc(ARENA_BYTES + 2u * GUARD_BYTES);
  uint8_t *model = (uint8_t *)malloc(size ? size : 1u);   /* exact size: reads past the end are seen */
  memcpy(model, data, size);
  uint8_t *arena = region + GUARD_BYTES;
  memset(region, 0xA5, GUARD_BYTES);
  memset(arena + ARENA_BYTES, 0xA5, GUARD_BYTES);

  th_plan_info plan;
  th_error e;
  th_interpreter *ip = NULL;
  memset(&e, 0, sizeof(e));
  th_status s = th_plan(model, (uint32_t)size, &plan, &e);
  check_error(s, &e);
  uint32_t give = (s == TH_OK && plan.arena_bytes_required < ARENA_BYTES) ? plan.arena_bytes_required : ARENA_BYTES;
  if (size > 0 && (data[size - 1] & 7u) == 0u && give > 64u) give -= 1u + data[size - 1] % 61u;   /* too small sometimes */
  memset(&e, 0, sizeof(e));
  s = th_interpreter_init(&ip, model, (uint32_t)size, arena, give, &e);
  check_error(s, &e);
  if (s == TH_OK) {
    th_tensor_info in;
    for (uint32_t i = 0; i < th_input_count(ip); i++)
      if (th_input(ip, i, &in) == TH_OK && in.bytes) memset(in.data, (int)(size & 0xffu), in.bytes);
    memset(&e, 0, sizeof(e));
    s = th_invoke(ip, &e);
    check_error(s, &e);
  }
  for (uint32_t i = 0; i < GUARD_BYTES; i++)
    check(region[i] == 0xA5u && arena[ARENA_BYTES + i] == 0xA5u, "wrote outside the arena (guard bytes changed)");
  check(memcmp(model, data, size) == 0, "wrote into the model bytes");
  free(model);
  return 0;
}
