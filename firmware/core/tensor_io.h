/* Moving the selected model's input and output tensor bytes: inline in a request or reply, staged in pieces
 * (INPUT_CHUNK, OUTPUT_CHUNK), or reduced to the top-1 class. */
#ifndef TINYHIL_TENSOR_IO_H
#define TINYHIL_TENSOR_IO_H

#include <stdint.h>

#include "frame_receiver.h"
#include "wire.h"

/* Copies the model's input bytes (all inputs, back to back) into its input tensors. */
void fw_set_inputs(const uint8_t *bytes);
/* Appends every output tensor's bytes to `reply`. */
void fw_write_outputs(fw_writer *reply);
/* The input of INFER/PROFILE/RUN_WINDOW: the `given` bytes of the request when there are any (they must be the
 * model's input bytes), else the input staged by INPUT_CHUNK. Returns 0 and sets *out, or the ERROR reply type. */
uint8_t fw_input_source(const uint8_t *given, uint32_t given_bytes, const char *command, fw_writer *reply,
                        const uint8_t **out);
/* Index and raw value of the largest element of output 0 (lowest index on ties). Integer outputs report the
 * stored integer; FLOAT32 outputs report the IEEE-754 bit pattern of the float. */
void fw_output_top1(uint32_t *index, int32_t *value);

uint8_t fw_input_chunk(const fw_frame *f, fw_writer *reply);
uint8_t fw_output_chunk(const fw_frame *f, fw_writer *reply);

#endif
