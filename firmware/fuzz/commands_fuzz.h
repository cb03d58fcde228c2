/* The command-layer fuzz target's entry point (libFuzzer's), also driven by regression_main.c. */
#ifndef TINYHIL_COMMANDS_FUZZ_H
#define TINYHIL_COMMANDS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_MODEL_COUNT 4u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
