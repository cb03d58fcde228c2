/* Executes one request frame and writes its reply payload (docs/protocol.md §2). */
#ifndef TINYHIL_COMMANDS_H
#define TINYHIL_COMMANDS_H

#include <stdint.h>

#include "frame_receiver.h"
#include "wire.h"

/* `receiver` is the one whose frames_dropped counter HELLO reports and RESET 0 clears. */
void fw_commands_init(fw_frame_receiver *receiver);
/* Runs `request` and fills `reply` (capacity = max_payload). Returns the reply type: request type | 0x80,
 * or FW_MSG_ERROR with an error payload. Sets *reboot_after_reply for RESET 1. */
uint8_t fw_execute(const fw_frame *request, fw_writer *reply, int *reboot_after_reply);
/* Fills `reply` with an ERROR payload and returns FW_MSG_ERROR. */
uint8_t fw_error_reply(fw_writer *reply, uint16_t code, int32_t detail0, int32_t detail1, uint32_t needed,
                       uint32_t available, const char *message);

#endif
