#include "commands.h"

#include "board.h"
#include "command_errors.h"
#include "inference_commands.h"
#include "model_session.h"
#include "protocol.h"
#include "tensor_io.h"
#include "tinyhil_engine.h"
#include "version.h"

/* The handlers of the load commands live in model_session.c, those that run the model in inference_commands.c,
 * the tensor byte movers in tensor_io.c; this file answers HELLO, MARKER, RESET and SET_BAUD and dispatches. */

static fw_frame_receiver *receiver;

void fw_commands_init(fw_frame_receiver *frame_receiver) {
    receiver = frame_receiver;
    fw_session_init();
    board_marker_set(0);
}

/* ---- HELLO ---- */

static uint8_t hello(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 1u) {
        return fw_bad_length(reply, 1, f->payload_length, "HELLO needs u8 host_protocol_version");
    }
    const board_facts *facts = board_get_facts();
    uint32_t arena_capacity = 0;
    (void)board_arena(&arena_capacity);
    fw_write_u8(reply, FW_PROTOCOL_VERSION);
    fw_write_u8(reply, facts->counter_unit);
    fw_write_u16(reply, (uint16_t)FW_MAX_PAYLOAD_BYTES);
    fw_write_u8(reply, FW_MAX_OUTSTANDING);
    fw_write_u8(reply, facts->flags);
    fw_write_u32(reply, facts->cpu_hz);
    fw_write_u32(reply, facts->ram_bytes);
    fw_write_u32(reply, board_slot_capacity_bytes());
    fw_write_u32(reply, arena_capacity);
    fw_write_u32(reply, receiver->frames_dropped);
    fw_write_u32(reply, board_boot_count());
    fw_write_string(reply, fw_firmware_version);
    fw_write_string(reply, fw_build_id);
    fw_write_string(reply, facts->name);
    fw_write_string(reply, TH_ENGINE_VERSION);
    uint32_t count_at = reply->length;
    uint8_t count = 0;
    fw_write_u8(reply, 0);
    for (int32_t code = 0; code < 256 && count < 255u; code++) {
        if (th_builtin_supported(code)) {
            fw_write_u16(reply, (uint16_t)code);
            count++;
        }
    }
    if (!reply->overflow) {
        reply->bytes[count_at] = count;
    }
    /* version 2 fields */
    fw_write_u8(reply, (uint8_t)fw_session_slot_count());
    fw_write_u8(reply, fw_session.selected);
    fw_write_u8(reply, board_boot_reason());
    fw_write_u32(reply, FW_MAX_WINDOW_INFERENCES);
    fw_write_u32(reply, FW_MAX_WINDOW_MS);
    fw_write_u32(reply, FW_BAUD_CONFIRM_MS);
    /* version 2, appended in December 2026 (issue 14): a host that stops reading after baud_confirm_ms ignores it */
    fw_write_string(reply, board_serial_number());
    return FW_MSG_HELLO | FW_MSG_REPLY_BIT;
}

/* ---- MARKER / RESET / SET_BAUD ---- */

static uint8_t marker(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 1u) {
        return fw_bad_length(reply, 1, f->payload_length, "MARKER needs u8 level");
    }
    uint8_t level = f->payload[0];
    if (level > 1u) {
        return fw_error_reply(reply, FW_ERR_UNKNOWN_COMMAND, FW_MSG_MARKER, level, 0, 0, "MARKER level must be 0 or 1");
    }
    board_marker_set(level);
    fw_write_u8(reply, level);
    return FW_MSG_MARKER | FW_MSG_REPLY_BIT;
}

static uint8_t reset(const fw_frame *f, fw_writer *reply, fw_after_reply *after) {
    if (f->payload_length < 1u) {
        return fw_bad_length(reply, 1, f->payload_length, "RESET needs u8 what");
    }
    uint8_t what = f->payload[0];
    if (what > 2u) {
        return fw_error_reply(reply, FW_ERR_UNKNOWN_COMMAND, FW_MSG_RESET, what, 0, 0,
                              "RESET what must be 0 (forget models and statistics), 1 (reboot) or 2 (USB bootloader)");
    }
    if (what == 2u && (board_get_facts()->flags & BOARD_FLAG_USB_BOOTLOADER) == 0u) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, FW_MSG_RESET, what, 0, 0,
                              "this board has no USB bootloader (HELLO flags bit 2): flash it another way");
    }
    fw_session_forget_everything();
    receiver->frames_dropped = 0;
    board_marker_set(0);
    after->reboot = what == 1u;
    after->bootloader = what == 2u;
    return FW_MSG_RESET | FW_MSG_REPLY_BIT;
}

static uint8_t set_baud(const fw_frame *f, fw_writer *reply, fw_after_reply *after) {
    if (f->payload_length < 4u) {
        return fw_bad_length(reply, 4, f->payload_length, "SET_BAUD needs u32 baud");
    }
    uint32_t baud = fw_get_u32(f->payload);
    if (baud < 1200u || baud > 12000000u) {
        return fw_error_reply(reply, FW_ERR_BAUD_UNSUPPORTED, -1, -1, baud, 0,
                              "SET_BAUD takes 1200 to 12000000 baud");
    }
    after->baud = baud;
    fw_write_u32(reply, baud);
    fw_write_u32(reply, FW_BAUD_CONFIRM_MS);
    return FW_MSG_SET_BAUD | FW_MSG_REPLY_BIT;
}

uint8_t fw_execute(const fw_frame *request, fw_writer *reply, fw_after_reply *after) {
    after->reboot = 0;
    after->bootloader = 0;
    after->baud = 0;
    after->held_byte = -1;
    uint8_t type;
    switch (request->type) {
    case FW_MSG_HELLO: type = hello(request, reply); break;
    case FW_MSG_LOAD_BEGIN: type = fw_load_begin(request, reply); break;
    case FW_MSG_LOAD_CHUNK: type = fw_load_chunk(request, reply); break;
    case FW_MSG_LOAD_END: type = fw_load_end(reply); break;
    case FW_MSG_INFER: type = fw_infer(request, reply); break;
    case FW_MSG_INFER_BATCH: type = fw_infer_batch(request, reply); break;
    case FW_MSG_PROFILE: type = fw_profile(request, reply); break;
    case FW_MSG_MARKER: type = marker(request, reply); break;
    case FW_MSG_RESET: type = reset(request, reply, after); break;
    case FW_MSG_RUN_WINDOW: type = fw_run_window(request, reply, after); break;
    case FW_MSG_INPUT_CHUNK: type = fw_input_chunk(request, reply); break;
    case FW_MSG_OUTPUT_CHUNK: type = fw_output_chunk(request, reply); break;
    case FW_MSG_SELECT: type = fw_select_slot(request, reply); break;
    case FW_MSG_SET_BAUD: type = set_baud(request, reply, after); break;
    default:
        return fw_error_reply(reply, FW_ERR_UNKNOWN_COMMAND, request->type, -1, 0, 0, "unknown request type");
    }
    if (reply->overflow) { /* a reply that outgrew max_payload is a firmware bug: say so instead of truncating */
        return fw_error_reply(reply, FW_ERR_BATCH_TOO_LARGE, request->type, -1, 0, reply->capacity,
                              "reply did not fit max_payload");
    }
    return type;
}
