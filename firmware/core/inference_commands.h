/* The commands that run the selected model: INFER, INFER_BATCH, PROFILE and RUN_WINDOW (docs/protocol.md §2). */
#ifndef TINYHIL_INFERENCE_COMMANDS_H
#define TINYHIL_INFERENCE_COMMANDS_H

#include <stdint.h>

#include "commands.h"

uint8_t fw_infer(const fw_frame *f, fw_writer *reply);
uint8_t fw_infer_batch(const fw_frame *f, fw_writer *reply);
uint8_t fw_profile(const fw_frame *f, fw_writer *reply);
/* Runs up to the requested inferences with the marker high; a byte from the host ends the window early and is
 * kept in `after->held_byte`. */
uint8_t fw_run_window(const fw_frame *f, fw_writer *reply, fw_after_reply *after);

#endif
