#include "firmware.h"

#include "board.h"
#include "commands.h"
#include "frame_receiver.h"
#include "frame_sender.h"
#include "protocol.h"

/* Decoded request frames (header | payload | crc) and the last reply payload, kept for duplicate
 * suppression (docs/protocol.md §1: same sequence and type as the previous request -> resend). */
static uint8_t request_buffer[FW_MAX_PAYLOAD_BYTES + FW_FRAME_OVERHEAD_BYTES] __attribute__((aligned(4)));
static uint8_t reply_buffer[FW_MAX_PAYLOAD_BYTES] __attribute__((aligned(4)));

typedef struct last_exchange {
    int valid;
    uint8_t request_type;
    uint16_t sequence;
    uint8_t reply_type;
    uint16_t reply_length;
} last_exchange;

static fw_frame_receiver receiver;
static last_exchange last;

static void handle(const fw_frame *request) {
    fw_writer reply;
    fw_writer_init(&reply, reply_buffer, sizeof reply_buffer);
    if (request->version != FW_PROTOCOL_VERSION) {
        uint8_t type = fw_error_reply(&reply, FW_ERR_VERSION_MISMATCH, FW_PROTOCOL_VERSION, request->version, 0, 0,
                                      "this board speaks protocol version 1");
        last.valid = 0;
        fw_send_frame(type, request->sequence, reply.bytes, (uint16_t)reply.length);
        return;
    }
    if (last.valid && request->sequence == last.sequence && request->type == last.request_type) {
        fw_send_frame(last.reply_type, last.sequence, reply_buffer, last.reply_length);
        return;
    }
    int reboot = 0;
    uint8_t type = fw_execute(request, &reply, &reboot);
    last.valid = 1;
    last.request_type = request->type;
    last.sequence = request->sequence;
    last.reply_type = type;
    last.reply_length = (uint16_t)reply.length;
    fw_send_frame(type, request->sequence, reply.bytes, (uint16_t)reply.length);
    if (reboot) {
        board_uart_flush();
        board_reboot();
    }
}

void fw_run(void) {
    fw_receiver_init(&receiver, request_buffer, sizeof request_buffer);
    fw_commands_init(&receiver);
    last.valid = 0;
    board_watchdog_arm(FW_WATCHDOG_TIMEOUT_MS);
    for (;;) {
        board_watchdog_feed();
        int byte = board_uart_read();
        if (byte < 0) {
            continue;
        }
        fw_frame request;
        if (fw_receiver_push(&receiver, (uint8_t)byte, &request)) {
            handle(&request);
        }
    }
}
