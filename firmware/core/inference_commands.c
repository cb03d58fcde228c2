#include "inference_commands.h"

#include "board.h"
#include "command_errors.h"
#include "mem.h"
#include "model_session.h"
#include "protocol.h"
#include "tensor_io.h"

/* One th_invoke bracketed by the board's stopwatch; the counter covers th_invoke only. */
static th_status timed_invoke(th_error *err, uint64_t *counter) {
    fw_memset(err, 0, sizeof *err);
    board_stopwatch_start();
    th_status status = th_invoke(fw_session.interpreter, err);
    *counter = board_stopwatch_read();
    fw_session.outputs_valid = status == TH_OK;
    return status;
}

static uint32_t micros_of(uint64_t counter) { return board_counter_to_micros(counter); }

uint8_t fw_infer(const fw_frame *f, fw_writer *reply) {
    if (fw_session.selected == FW_NO_SLOT) {
        return fw_need_model(reply);
    }
    const uint8_t *input = 0;
    uint8_t failed = fw_input_source(f->payload, f->payload_length, "INFER", reply, &input);
    if (failed) {
        return failed;
    }
    fw_set_inputs(input);
    th_error err;
    uint64_t counter;
    if (timed_invoke(&err, &counter) != TH_OK) {
        return fw_engine_failure(reply, &err);
    }
    fw_write_u64(reply, counter);
    fw_write_u32(reply, micros_of(counter));
    if ((uint64_t)12u + fw_session.output_bytes <= reply->capacity) {
        fw_write_outputs(reply); /* outputs that do not fit one reply are read with OUTPUT_CHUNK */
    }
    return FW_MSG_INFER | FW_MSG_REPLY_BIT;
}

uint8_t fw_infer_batch(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 3u) {
        return fw_bad_length(reply, 3, f->payload_length, "INFER_BATCH needs u8 result_mode, u16 count, inputs");
    }
    uint8_t mode = f->payload[0];
    uint32_t count = fw_get_u16(f->payload + 1);
    if (mode > 1u) {
        return fw_error_reply(reply, FW_ERR_UNKNOWN_COMMAND, FW_MSG_INFER_BATCH, mode, 0, 0,
                              "INFER_BATCH result_mode must be 0 (full output) or 1 (top-1)");
    }
    if (fw_session.selected == FW_NO_SLOT) {
        return fw_need_model(reply);
    }
    /* 64-bit products: count (< 2^16) times a tensor size (< 2^32) cannot wrap. */
    uint64_t got = f->payload_length - 3u;
    uint64_t needed = (uint64_t)count * fw_session.input_bytes;
    if (got != needed) {
        return fw_error_reply(reply, FW_ERR_INPUT_SIZE_MISMATCH, -1, -1, needed > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)needed,
                              (uint32_t)got, "INFER_BATCH needs count x input tensor bytes after its 3-byte header");
    }
    uint64_t per_result = mode == 0u ? 8u + (uint64_t)fw_session.output_bytes : 16u;
    uint64_t reply_bytes = 2u + (uint64_t)count * per_result;
    if (reply_bytes > reply->capacity) {
        return fw_error_reply(reply, FW_ERR_BATCH_TOO_LARGE, -1, -1,
                              reply_bytes > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)reply_bytes, reply->capacity,
                              "the batch's reply would not fit max_payload; send fewer inputs per request");
    }
    fw_write_u16(reply, (uint16_t)count);
    const uint8_t *input = f->payload + 3;
    for (uint32_t n = 0; n < count; n++, input += fw_session.input_bytes) {
        board_watchdog_feed();
        fw_set_inputs(input);
        th_error err;
        uint64_t counter;
        if (timed_invoke(&err, &counter) != TH_OK) {
            return fw_engine_failure(reply, &err);
        }
        fw_write_u64(reply, counter);
        if (mode == 0u) {
            fw_write_outputs(reply);
        } else {
            uint32_t index;
            int32_t value;
            fw_output_top1(&index, &value);
            fw_write_u32(reply, index);
            fw_write_u32(reply, (uint32_t)value);
        }
    }
    return FW_MSG_INFER_BATCH | FW_MSG_REPLY_BIT;
}

/* PROFILE: the hook restarts the stopwatch at each operator's start and stores its count at the end,
 * straight into the reply (op_count u16, then 12 bytes per operator: i32 builtin_code, u64 counter). In marker
 * mode 1 the marker level flips at the start of every operator (high for operators 0, 2, 4 ...) and ends low. */
typedef struct profile_target {
    uint8_t *entries;
    uint32_t op_count;
    uint8_t marker_mode;
} profile_target;

static void profile_hook(void *ctx, uint32_t op_index, int32_t builtin_code, int is_end) {
    (void)builtin_code;
    const profile_target *target = (const profile_target *)ctx;
    if (!is_end) {
        if (target->marker_mode == FW_PROFILE_MARKER_PER_OPERATOR) {
            board_marker_set((op_index & 1u) == 0u);
        }
        board_stopwatch_start();
        return;
    }
    uint64_t counter = board_stopwatch_read();
    if (op_index < target->op_count) {
        uint8_t *entry = target->entries + 12u * op_index + 4u;
        fw_put_u32(entry, (uint32_t)counter);
        fw_put_u32(entry + 4, (uint32_t)(counter >> 32));
    }
}

uint8_t fw_profile(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 1u) {
        return fw_bad_length(reply, 1, f->payload_length, "PROFILE needs u8 marker_mode, then the input (or none)");
    }
    uint8_t marker_mode = f->payload[0];
    if (marker_mode > FW_PROFILE_MARKER_PER_OPERATOR) {
        return fw_error_reply(reply, FW_ERR_UNKNOWN_COMMAND, FW_MSG_PROFILE, marker_mode, 0, 0,
                              "PROFILE marker_mode must be 0 (off) or 1 (toggle at every operator)");
    }
    if (fw_session.selected == FW_NO_SLOT) {
        return fw_need_model(reply);
    }
    const uint8_t *input = 0;
    uint8_t failed = fw_input_source(f->payload + 1, f->payload_length - 1u, "PROFILE", reply, &input);
    if (failed) {
        return failed;
    }
    th_interpreter *ip = fw_session.interpreter;
    uint32_t op_count = th_operator_count(ip);
    uint64_t reply_bytes = 2u + 12u * (uint64_t)op_count + 8u + 1u;
    if (reply_bytes > reply->capacity || op_count > 0xFFFFu) {
        return fw_error_reply(reply, FW_ERR_BATCH_TOO_LARGE, -1, -1,
                              reply_bytes > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)reply_bytes, reply->capacity,
                              "the per-operator table would not fit one reply frame");
    }
    fw_write_u16(reply, (uint16_t)op_count);
    for (uint32_t i = 0; i < op_count; i++) {
        fw_write_u32(reply, (uint32_t)th_operator_code(ip, i));
        fw_write_u64(reply, 0);
    }
    fw_set_inputs(input);
    th_error err;
    uint64_t total;
    if (timed_invoke(&err, &total) != TH_OK) { /* without the hook: the same count INFER reports */
        return fw_engine_failure(reply, &err);
    }
    board_watchdog_feed();
    profile_target target = {reply->bytes + 2, op_count, marker_mode};
    fw_set_inputs(input);
    th_set_op_hook(ip, profile_hook, &target);
    fw_memset(&err, 0, sizeof err);
    th_status status = th_invoke(ip, &err);
    th_set_op_hook(ip, 0, 0);
    if (marker_mode != FW_PROFILE_MARKER_OFF) {
        board_marker_set(0);
    }
    fw_session.outputs_valid = status == TH_OK;
    if (status != TH_OK) {
        return fw_engine_failure(reply, &err);
    }
    fw_write_u64(reply, total);
    fw_write_u8(reply, marker_mode);
    return FW_MSG_PROFILE | FW_MSG_REPLY_BIT;
}

/* Runs up to `inferences` inferences with the marker high. It stops early when a byte arrives from the host (the
 * byte is kept and begins the next frame) or when FW_MAX_WINDOW_MS of board time have passed; the reply says how
 * many inferences ran and why the window ended. */
uint8_t fw_run_window(const fw_frame *f, fw_writer *reply, fw_after_reply *after) {
    if (f->payload_length < 4u) {
        return fw_bad_length(reply, 4, f->payload_length, "RUN_WINDOW needs u32 inferences, then the input (or none)");
    }
    if (fw_session.selected == FW_NO_SLOT) {
        return fw_need_model(reply);
    }
    uint32_t inferences = fw_get_u32(f->payload);
    if (inferences > FW_MAX_WINDOW_INFERENCES) {
        return fw_error_reply(reply, FW_ERR_WINDOW_TOO_LONG, -1, -1, inferences, FW_MAX_WINDOW_INFERENCES,
                              "RUN_WINDOW asks for more inferences than HELLO's max_window_inferences");
    }
    const uint8_t *input = 0;
    uint8_t failed = fw_input_source(f->payload + 4, f->payload_length - 4u, "RUN_WINDOW", reply, &input);
    if (failed) {
        return failed;
    }
    th_error err;
    fw_memset(&err, 0, sizeof err);
    uint8_t stop = FW_WINDOW_COMPLETE;
    uint32_t done = 0;
    board_marker_set(1);
    board_stopwatch_start();
    for (; done < inferences; done++) {
        board_watchdog_feed();
        int byte = board_uart_read();
        if (byte >= 0) {
            after->held_byte = byte;
            stop = FW_WINDOW_INTERRUPTED;
            break;
        }
        if (board_counter_to_micros(board_stopwatch_read()) >= (uint64_t)FW_MAX_WINDOW_MS * 1000u) {
            stop = FW_WINDOW_TIME_LIMIT;
            break;
        }
        /* The input is copied in again every time: the arena planner may reuse the input tensor's bytes
         * for later intermediate tensors, so an invoke can leave the input overwritten. */
        fw_set_inputs(input);
        if (th_invoke(fw_session.interpreter, &err) != TH_OK) {
            fw_session.outputs_valid = 0;
            board_marker_set(0);
            return fw_engine_failure(reply, &err);
        }
        fw_session.outputs_valid = 1;
    }
    uint64_t total = board_stopwatch_read();
    board_marker_set(0);
    fw_write_u64(reply, total);
    fw_write_u32(reply, micros_of(total));
    fw_write_u32(reply, done);
    fw_write_u8(reply, stop);
    return FW_MSG_RUN_WINDOW | FW_MSG_REPLY_BIT;
}
