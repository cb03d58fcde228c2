/* Generator of hostile one-operator models for the engine's tests and fuzz corpus.
 *
 * Every supported operator has a template whose dimensions and options are symbols (shared where
 * the operator ties them, e.g. CONV_2D input depth = filter depth), with a base assignment that is
 * a valid model. From each template the generator derives, in a fixed order:
 *   - each symbol set to each extreme value (0, 1, 2^16 +- 1, 2^23 + 1, 2^24 + 1, 2^30 + 1,
 *     0x7ffffff1, 2^31 - 1, -1, INT32_MIN);
 *   - the same with another symbol set to 0 (an empty tensor hides huge dimensions from the
 *     element count: the class behind the per-channel allocation and signed-overflow findings);
 *   - pairs of symbols set to 2^16 and 2^16 + 1 (products that wrap 32 bits);
 *   - every quantization scale set to 0, negative, denormal, huge, inf and NaN, and zero points
 *     outside the type;
 *   - hand-written cases for the audited findings (PAD/CONCATENATION outputs of 0x7ffffff1 bytes,
 *     MEAN scratch of 4 * 2^30 bytes, 2^30 + 1 channels beside a zero dimension).
 * The base model of every template must load and run (checked by the caller): a template that
 * is itself wrong would make the hostile variants test nothing. */
#ifndef TH_HOSTILE_MODELS_H
#define TH_HOSTILE_MODELS_H

#include <stddef.h>
#include <stdint.h>

/* kind: 0 = base (must load and run), 1 = hostile (any typed error or a clean run),
 * 2 = audited finding (must be rejected with an error at plan or init) */
typedef int (*hm_visit)(void *ctx, const char *name, const uint8_t *model, size_t bytes, int kind);

/* Calls visit for every generated model; stops early when visit returns non-zero. Returns the
 * number of models generated, or -1 if the writer failed (a buffer too small: a test bug). */
long hm_generate(hm_visit visit, void *ctx);

#endif
