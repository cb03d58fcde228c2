/* Executes one request frame and writes its reply payload (docs/protocol.md §2). */
#ifndef TINYHIL_COMMANDS_H
#define TINYHIL_COMMANDS_H

#include <stdint.h>

#include "frame_receiver.h"
#include "wire.h"

/* What the main loop does once the reply has been sent. */
typedef struct fw_after_reply {
    int reboot;        /* RESET 1 */
    int bootloader;    /* RESET 2 */
    uint32_t baud;     /* SET_BAUD: switch to this rate (0 = no switch) */
    int held_byte;     /* a byte read while a RUN_WINDOW ran (it stopped the window), or -1 */
} fw_after_reply;

/* `receiver` is the one whose frames_dropped counter HELLO reports and RESET 0 clears. */
void fw_commands_init(fw_frame_receiver *receiver);
/* Runs `request` and fills `reply` (capacity = max_payload). Returns the reply type: request type | 0x80,
 * or FW_MSG_ERROR with an error payload. */
uint8_t fw_execute(const fw_frame *request, fw_writer *reply, fw_after_reply *after);

#endif
