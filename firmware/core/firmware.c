#include "firmware.h"

#include "board.h"
#include "command_errors.h"
#include "commands.h"
#include "frame_receiver.h"
#include "frame_sender.h"
#include "protocol.h"

/* Decoded request frames (header | payload | crc) and the last reply payload, kept for duplicate
 * suppression (docs/protocol.md §1: same sequence, type and CRC as the previous request -> resend). */
static uint8_t request_buffer[FW_MAX_PAYLOAD_BYTES + FW_FRAME_OVERHEAD_BYTES] __attribute__((aligned(4)));
static uint8_t reply_buffer[FW_MAX_PAYLOAD_BYTES] __attribute__((aligned(4)));

typedef struct last_exchange {
    int valid;
    uint8_t request_type;
    uint16_t sequence;
    uint32_t request_crc;
    uint8_t reply_type;
    uint16_t reply_length;
} last_exchange;

/* A baud switch waiting for its first valid frame at the new rate (else the board returns to the old one). */
typedef struct baud_trial {
    int pending;
    uint32_t previous_baud;
    uint64_t started_counter;
} baud_trial;

static fw_frame_receiver receiver;
static last_exchange last;
static baud_trial trial;
static uint32_t current_baud = 115200u;

static void start_baud_trial(uint32_t baud) {
    board_uart_flush();
    if (board_uart_set_baud(baud) != 0) {
        return; /* the host's check at the new rate fails and it falls back */
    }
    trial.pending = 1;
    trial.previous_baud = current_baud;
    current_baud = baud;
    board_stopwatch_start();
    trial.started_counter = 0;
}

static void check_baud_trial(void) {
    if (!trial.pending) {
        return;
    }
    uint64_t elapsed_us = board_counter_to_micros(board_stopwatch_read() - trial.started_counter);
    if (elapsed_us >= (uint64_t)FW_BAUD_CONFIRM_MS * 1000u) {
        trial.pending = 0;
        current_baud = trial.previous_baud;
        (void)board_uart_set_baud(current_baud);
    }
}

static void handle(const fw_frame *request) {
    fw_writer reply;
    fw_writer_init(&reply, reply_buffer, sizeof reply_buffer);
    if (request->version != FW_PROTOCOL_VERSION) {
        uint8_t type = fw_error_reply(&reply, FW_ERR_VERSION_MISMATCH, FW_PROTOCOL_VERSION, request->version, 0, 0,
                                      "this board speaks protocol version 2: use a host of that version");
        last.valid = 0;
        fw_send_frame_version(request->version, type, request->sequence, reply.bytes, (uint16_t)reply.length);
        return;
    }
    trial.pending = 0; /* a valid frame at the current rate confirms a baud switch */
    if (last.valid && request->sequence == last.sequence && request->type == last.request_type &&
        request->crc == last.request_crc) {
        fw_send_frame(last.reply_type, last.sequence, reply_buffer, last.reply_length);
        return;
    }
    fw_after_reply after;
    uint8_t type = fw_execute(request, &reply, &after);
    last.valid = 1;
    last.request_type = request->type;
    last.sequence = request->sequence;
    last.request_crc = request->crc;
    last.reply_type = type;
    last.reply_length = (uint16_t)reply.length;
    fw_send_frame(type, request->sequence, reply.bytes, (uint16_t)reply.length);
    if (after.reboot) {
        board_uart_flush();
        board_reboot();
    }
    if (after.bootloader) {
        board_uart_flush();
        board_reboot_to_bootloader();
    }
    if (after.baud != 0u) {
        start_baud_trial(after.baud);
    }
    if (after.held_byte >= 0) { /* the byte that stopped a RUN_WINDOW begins the next frame */
        fw_frame next;
        if (fw_receiver_push(&receiver, (uint8_t)after.held_byte, &next)) {
            handle(&next);
        }
    }
}

void fw_start(void) {
    fw_receiver_init(&receiver, request_buffer, sizeof request_buffer);
    fw_commands_init(&receiver);
    last.valid = 0;
    trial.pending = 0;
    current_baud = 115200u;
    board_watchdog_arm(FW_WATCHDOG_TIMEOUT_MS);
}

void fw_poll(void) {
    board_watchdog_feed();
    int byte = board_uart_read();
    if (byte < 0) {
        check_baud_trial();
        return;
    }
    fw_frame request;
    if (fw_receiver_push(&receiver, (uint8_t)byte, &request)) {
        handle(&request);
    }
}

void fw_run(void) {
    fw_start();
    for (;;) {
        fw_poll();
    }
}
