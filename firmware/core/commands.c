#include "commands.h"

#include "board.h"
#include "crc32.h"
#include "mem.h"
#include "model_session.h"
#include "protocol.h"
#include "tinyhil_engine.h"
#include "version.h"


static fw_model_session session;
static fw_frame_receiver *receiver;
static uint8_t marker_level;

void fw_commands_init(fw_frame_receiver *frame_receiver) {
    receiver = frame_receiver;
    fw_memset(&session, 0, sizeof session);
    marker_level = 0;
    board_marker_set(0);
}

uint8_t fw_error_reply(fw_writer *reply, uint16_t code, int32_t detail0, int32_t detail1, uint32_t needed,
                       uint32_t available, const char *message) {
    fw_writer_init(reply, reply->bytes, reply->capacity);
    fw_write_u16(reply, code);
    fw_write_u32(reply, (uint32_t)detail0);
    fw_write_u32(reply, (uint32_t)detail1);
    fw_write_u32(reply, needed);
    fw_write_u32(reply, available);
    fw_write_string(reply, message);
    return FW_MSG_ERROR;
}

static uint8_t bad_length(fw_writer *reply, uint32_t needed, uint32_t got, const char *message) {
    return fw_error_reply(reply, FW_ERR_BAD_LENGTH, -1, -1, needed, got, message);
}

/* Copies "STATUS_NAME: what" into a static buffer for an error message. */
static const char *engine_message(const th_error *err) {
    static char text[160];
    uint32_t n = 0;
    const char *parts[3] = {th_status_name(err->status), ": ", err->what != 0 ? err->what : "(no detail)"};
    for (int p = 0; p < 3; p++) {
        for (const char *c = parts[p]; c != 0 && *c != '\0' && n + 1 < sizeof text; c++) {
            text[n++] = *c;
        }
    }
    text[n] = '\0';
    return text;
}

/* Maps an engine failure during LOAD_END to the protocol's error codes (§2 LOAD, §3). */
static uint8_t load_error(fw_writer *reply, const th_error *err) {
    const char *message = engine_message(err);
    switch (err->status) {
    case TH_ERR_UNSUPPORTED_OPERATOR:
        return fw_error_reply(reply, FW_ERR_UNSUPPORTED_OPERATOR, err->op_index, err->builtin_code, 0, 0, message);
    case TH_ERR_UNSUPPORTED_TYPE:
        return fw_error_reply(reply, FW_ERR_UNSUPPORTED_TYPE, err->op_index, err->tensor_index, 0, 0, message);
    case TH_ERR_ARENA_TOO_SMALL:
        return fw_error_reply(reply, FW_ERR_ARENA_TOO_SMALL, err->op_index, err->tensor_index, err->bytes_needed,
                              err->bytes_available, message);
    default:
        return fw_error_reply(reply, FW_ERR_MODEL_INVALID, (int32_t)err->status, err->op_index, 0, 0, message);
    }
}

static uint8_t engine_failure(fw_writer *reply, const th_error *err) {
    return fw_error_reply(reply, FW_ERR_ENGINE_FAILURE, (int32_t)err->status, err->op_index, 0, 0,
                          engine_message(err));
}

static void forget_model(void) {
    session.phase = FW_LOAD_NONE;
    session.interpreter = 0;
    session.have_last_chunk = 0;
}

/* ---- HELLO ---- */

static uint8_t hello(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 1u) {
        return bad_length(reply, 1, f->payload_length, "HELLO needs u8 host_protocol_version");
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
    return FW_MSG_HELLO | FW_MSG_REPLY_BIT;
}

/* ---- LOAD_BEGIN / LOAD_CHUNK / LOAD_END ---- */

static uint8_t load_begin(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 9u) {
        return bad_length(reply, 9, f->payload_length, "LOAD_BEGIN needs u32 model_bytes, u32 model_crc32, u8 storage");
    }
    uint32_t model_bytes = fw_get_u32(f->payload);
    uint32_t capacity = board_slot_capacity_bytes();
    forget_model();
    if (model_bytes > capacity) {
        return fw_error_reply(reply, FW_ERR_MODEL_TOO_LARGE, -1, -1, model_bytes, capacity,
                              "model is larger than the board's model store");
    }
    if (model_bytes == 0u) {
        return fw_error_reply(reply, FW_ERR_MODEL_INVALID, (int32_t)TH_ERR_BAD_ARGUMENT, -1, 0, 0,
                              "model_bytes is 0");
    }
    if (board_slot_begin(0, model_bytes) != 0) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, model_bytes, capacity,
                              "the board could not prepare its model store");
    }
    session.phase = FW_LOAD_RECEIVING;
    session.model_bytes = model_bytes;
    session.model_crc32 = fw_get_u32(f->payload + 4);
    session.bytes_received = 0;
    fw_write_u32(reply, capacity);
    fw_write_u32(reply, FW_MAX_PAYLOAD_BYTES - 4u);
    return FW_MSG_LOAD_BEGIN | FW_MSG_REPLY_BIT;
}

static uint8_t load_chunk(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 4u) {
        return bad_length(reply, 4, f->payload_length, "LOAD_CHUNK needs u32 offset, then bytes");
    }
    if (session.phase != FW_LOAD_RECEIVING) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0, "LOAD_CHUNK without LOAD_BEGIN");
    }
    uint32_t offset = fw_get_u32(f->payload);
    uint32_t count = f->payload_length - 4u;
    if (session.have_last_chunk && offset == session.last_chunk_offset && count == session.last_chunk_bytes &&
        offset + count == session.bytes_received) {
        fw_write_u32(reply, session.bytes_received); /* a repeat of the previous chunk: acknowledge again */
        return FW_MSG_LOAD_CHUNK | FW_MSG_REPLY_BIT;
    }
    if (offset != session.bytes_received) {
        return fw_error_reply(reply, FW_ERR_CHUNK_OUT_OF_ORDER, -1, -1, session.bytes_received, offset,
                              "LOAD_CHUNK offset must equal the bytes received so far");
    }
    if (count > session.model_bytes - offset) {
        return bad_length(reply, session.model_bytes - offset, count, "LOAD_CHUNK goes past the announced model_bytes");
    }
    if (board_slot_write(0, offset, f->payload + 4, count) != 0) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0, "the board could not write the model store");
    }
    session.bytes_received += count;
    session.last_chunk_offset = offset;
    session.last_chunk_bytes = count;
    session.have_last_chunk = 1;
    fw_write_u32(reply, session.bytes_received);
    return FW_MSG_LOAD_CHUNK | FW_MSG_REPLY_BIT;
}

static void write_tensor_info(fw_writer *reply, const th_tensor_info *t) {
    fw_write_u8(reply, (uint8_t)t->type);
    fw_write_u8(reply, (uint8_t)t->rank);
    for (int32_t d = 0; d < t->rank && d < TH_MAX_RANK; d++) {
        fw_write_u32(reply, (uint32_t)t->dims[d]);
    }
    uint32_t scale_bits;
    fw_memcpy(&scale_bits, &t->scale, sizeof scale_bits);
    fw_write_u32(reply, scale_bits);
    fw_write_u32(reply, (uint32_t)t->zero_point);
    fw_write_u32(reply, t->bytes);
}

static uint8_t model_info_reply(fw_writer *reply) {
    th_interpreter *ip = session.interpreter;
    fw_write_u32(reply, session.model_crc32);
    fw_write_u32(reply, session.plan.head_bytes);
    fw_write_u32(reply, session.plan.arena_bytes_required);
    fw_write_u16(reply, (uint16_t)th_operator_count(ip));
    fw_write_u8(reply, (uint8_t)session.input_count);
    fw_write_u8(reply, (uint8_t)session.output_count);
    th_tensor_info t;
    for (uint32_t i = 0; i < session.input_count; i++) {
        (void)th_input(ip, i, &t);
        write_tensor_info(reply, &t);
    }
    for (uint32_t i = 0; i < session.output_count; i++) {
        (void)th_output(ip, i, &t);
        write_tensor_info(reply, &t);
    }
    return FW_MSG_LOAD_END | FW_MSG_REPLY_BIT;
}

static uint8_t prepare_interpreter(fw_writer *reply) {
    const uint8_t *model = board_slot_bytes(0);
    uint32_t arena_capacity = 0;
    uint8_t *arena = board_arena(&arena_capacity);
    th_error err;
    fw_memset(&err, 0, sizeof err);
    if (th_plan(model, session.model_bytes, &session.plan, &err) != TH_OK) {
        return load_error(reply, &err);
    }
    if (session.plan.arena_bytes_required > arena_capacity) {
        return fw_error_reply(reply, FW_ERR_ARENA_TOO_SMALL, -1, -1, session.plan.arena_bytes_required,
                              arena_capacity, "the model's tensor arena does not fit the board's arena");
    }
    fw_memset(&err, 0, sizeof err);
    if (th_interpreter_init(&session.interpreter, model, session.model_bytes, arena, arena_capacity, &err) != TH_OK) {
        session.interpreter = 0;
        return load_error(reply, &err);
    }
    th_interpreter *ip = session.interpreter;
    session.input_count = th_input_count(ip);
    session.output_count = th_output_count(ip);
    if (session.input_count > FW_MAX_MODEL_TENSORS || session.output_count > FW_MAX_MODEL_TENSORS ||
        session.input_count == 0u || session.output_count == 0u) {
        return fw_error_reply(reply, FW_ERR_MODEL_INVALID, (int32_t)TH_ERR_LIMIT_EXCEEDED, -1, FW_MAX_MODEL_TENSORS,
                              session.input_count > session.output_count ? session.input_count : session.output_count,
                              "the firmware handles 1 to 16 input and output tensors");
    }
    session.input_bytes = 0;
    session.output_bytes = 0;
    th_tensor_info t;
    for (uint32_t i = 0; i < session.input_count; i++) {
        (void)th_input(ip, i, &t);
        session.inputs[i].data = (uint8_t *)t.data;
        session.inputs[i].bytes = t.bytes;
        session.input_bytes += t.bytes;
    }
    for (uint32_t i = 0; i < session.output_count; i++) {
        (void)th_output(ip, i, &t);
        session.outputs[i].data = (uint8_t *)t.data;
        session.outputs[i].bytes = t.bytes;
        session.output_bytes += t.bytes;
    }
    session.phase = FW_LOAD_READY;
    return model_info_reply(reply);
}

static uint8_t load_end(fw_writer *reply) {
    if (session.phase == FW_LOAD_READY) {
        return model_info_reply(reply); /* LOAD_END again (a retry with a new sequence): same answer */
    }
    if (session.phase != FW_LOAD_RECEIVING) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0, "LOAD_END without LOAD_BEGIN");
    }
    if (session.bytes_received != session.model_bytes) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, session.model_bytes, session.bytes_received,
                              "LOAD_END before all announced model bytes arrived");
    }
    if (board_slot_finish(0) != 0) {
        forget_model();
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0, "the board could not finish writing its model store");
    }
    uint32_t crc = fw_crc32(board_slot_bytes(0), session.model_bytes);
    if (crc != session.model_crc32) {
        forget_model();
        return fw_error_reply(reply, FW_ERR_CHECKSUM_MISMATCH, -1, -1, session.model_crc32, crc,
                              "CRC-32 of the stored model differs from LOAD_BEGIN's");
    }
    uint8_t type = prepare_interpreter(reply);
    if (type == FW_MSG_ERROR) {
        forget_model();
    }
    return type;
}

/* ---- inference ---- */

static uint8_t need_model(fw_writer *reply) {
    return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0, "no model loaded (LOAD_BEGIN/CHUNK/END first)");
}

static void set_inputs(const uint8_t *bytes) {
    for (uint32_t i = 0; i < session.input_count; i++) {
        fw_memcpy(session.inputs[i].data, bytes, session.inputs[i].bytes);
        bytes += session.inputs[i].bytes;
    }
}

static void write_outputs(fw_writer *reply) {
    for (uint32_t i = 0; i < session.output_count; i++) {
        fw_write_bytes(reply, session.outputs[i].data, session.outputs[i].bytes);
    }
}

/* One th_invoke bracketed by the board's stopwatch; the counter covers th_invoke only. */
static th_status timed_invoke(th_error *err, uint64_t *counter) {
    fw_memset(err, 0, sizeof *err);
    board_stopwatch_start();
    th_status status = th_invoke(session.interpreter, err);
    *counter = board_stopwatch_read();
    return status;
}

static uint32_t micros_of(uint64_t counter) { return board_counter_to_micros(counter); }

static uint8_t infer(const fw_frame *f, fw_writer *reply) {
    if (session.phase != FW_LOAD_READY) {
        return need_model(reply);
    }
    if (f->payload_length != session.input_bytes) {
        return fw_error_reply(reply, FW_ERR_INPUT_SIZE_MISMATCH, -1, -1, session.input_bytes, f->payload_length,
                              "INFER payload must be the model's input tensor bytes");
    }
    if (12u + session.output_bytes > reply->capacity) {
        return fw_error_reply(reply, FW_ERR_BATCH_TOO_LARGE, -1, -1, 12u + session.output_bytes, reply->capacity,
                              "the output tensors do not fit one reply frame");
    }
    set_inputs(f->payload);
    th_error err;
    uint64_t counter;
    if (timed_invoke(&err, &counter) != TH_OK) {
        return engine_failure(reply, &err);
    }
    fw_write_u64(reply, counter);
    fw_write_u32(reply, micros_of(counter));
    write_outputs(reply);
    return FW_MSG_INFER | FW_MSG_REPLY_BIT;
}

/* Index and raw value of the largest element of output 0 (lowest index on ties). Integer outputs report the
 * stored integer; FLOAT32 outputs report the IEEE-754 bit pattern of the float. */
static void top1(uint16_t *index, int32_t *value) {
    th_tensor_info t;
    (void)th_output(session.interpreter, 0, &t);
    const uint8_t *d = (const uint8_t *)t.data;
    uint32_t best = 0;
    switch (t.type) {
    case 9: { /* INT8 */
        const int8_t *v = (const int8_t *)d;
        for (uint32_t i = 1; i < t.bytes; i++) best = v[i] > v[best] ? i : best;
        *value = v[best];
        break;
    }
    case 3: { /* UINT8 */
        for (uint32_t i = 1; i < t.bytes; i++) best = d[i] > d[best] ? i : best;
        *value = d[best];
        break;
    }
    case 7: { /* INT16 */
        const int16_t *v = (const int16_t *)(const void *)d;
        for (uint32_t i = 1; i < t.bytes / 2u; i++) best = v[i] > v[best] ? i : best;
        *value = v[best];
        break;
    }
    case 2: { /* INT32 */
        const int32_t *v = (const int32_t *)(const void *)d;
        for (uint32_t i = 1; i < t.bytes / 4u; i++) best = v[i] > v[best] ? i : best;
        *value = v[best];
        break;
    }
    case 0: { /* FLOAT32 */
        const float *v = (const float *)(const void *)d;
        for (uint32_t i = 1; i < t.bytes / 4u; i++) best = v[i] > v[best] ? i : best;
        fw_memcpy(value, &v[best], sizeof *value);
        break;
    }
    default:
        *value = 0;
        break;
    }
    *index = (uint16_t)best;
}

static uint8_t infer_batch(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 3u) {
        return bad_length(reply, 3, f->payload_length, "INFER_BATCH needs u8 result_mode, u16 count, inputs");
    }
    uint8_t mode = f->payload[0];
    uint32_t count = fw_get_u16(f->payload + 1);
    if (mode > 1u) {
        return fw_error_reply(reply, FW_ERR_UNKNOWN_COMMAND, FW_MSG_INFER_BATCH, mode, 0, 0,
                              "INFER_BATCH result_mode must be 0 (full output) or 1 (top-1)");
    }
    if (session.phase != FW_LOAD_READY) {
        return need_model(reply);
    }
    uint32_t got = f->payload_length - 3u;
    if (got != count * session.input_bytes) {
        return fw_error_reply(reply, FW_ERR_INPUT_SIZE_MISMATCH, -1, -1, count * session.input_bytes, got,
                              "INFER_BATCH needs count x input tensor bytes after its 3-byte header");
    }
    uint32_t per_result = mode == 0u ? 8u + session.output_bytes : 14u;
    uint32_t reply_bytes = 2u + count * per_result;
    if (reply_bytes > reply->capacity) {
        return fw_error_reply(reply, FW_ERR_BATCH_TOO_LARGE, -1, -1, reply_bytes, reply->capacity,
                              "the batch's reply would not fit max_payload; send fewer inputs per request");
    }
    fw_write_u16(reply, (uint16_t)count);
    const uint8_t *input = f->payload + 3;
    for (uint32_t n = 0; n < count; n++, input += session.input_bytes) {
        board_watchdog_feed();
        set_inputs(input);
        th_error err;
        uint64_t counter;
        if (timed_invoke(&err, &counter) != TH_OK) {
            return engine_failure(reply, &err);
        }
        fw_write_u64(reply, counter);
        if (mode == 0u) {
            write_outputs(reply);
        } else {
            uint16_t index;
            int32_t value;
            top1(&index, &value);
            fw_write_u16(reply, index);
            fw_write_u32(reply, (uint32_t)value);
        }
    }
    return FW_MSG_INFER_BATCH | FW_MSG_REPLY_BIT;
}

/* PROFILE: the hook restarts the stopwatch at each operator's start and stores its count at the end,
 * straight into the reply (op_count u16, then 12 bytes per operator: i32 builtin_code, u64 counter). */
typedef struct profile_target {
    uint8_t *entries;
    uint32_t op_count;
} profile_target;

static void profile_hook(void *ctx, uint32_t op_index, int32_t builtin_code, int is_end) {
    (void)builtin_code;
    const profile_target *target = (const profile_target *)ctx;
    if (!is_end) {
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

static uint8_t profile(const fw_frame *f, fw_writer *reply) {
    if (session.phase != FW_LOAD_READY) {
        return need_model(reply);
    }
    if (f->payload_length != session.input_bytes) {
        return fw_error_reply(reply, FW_ERR_INPUT_SIZE_MISMATCH, -1, -1, session.input_bytes, f->payload_length,
                              "PROFILE payload must be the model's input tensor bytes");
    }
    th_interpreter *ip = session.interpreter;
    uint32_t op_count = th_operator_count(ip);
    uint32_t reply_bytes = 2u + 12u * op_count + 8u;
    if (reply_bytes > reply->capacity || op_count > 0xFFFFu) {
        return fw_error_reply(reply, FW_ERR_BATCH_TOO_LARGE, -1, -1, reply_bytes, reply->capacity,
                              "the per-operator table would not fit one reply frame");
    }
    fw_write_u16(reply, (uint16_t)op_count);
    for (uint32_t i = 0; i < op_count; i++) {
        fw_write_u32(reply, (uint32_t)th_operator_code(ip, i));
        fw_write_u64(reply, 0);
    }
    set_inputs(f->payload);
    th_error err;
    uint64_t total;
    if (timed_invoke(&err, &total) != TH_OK) { /* without the hook: the same count INFER reports */
        return engine_failure(reply, &err);
    }
    profile_target target = {reply->bytes + 2, op_count};
    set_inputs(f->payload);
    th_set_op_hook(ip, profile_hook, &target);
    fw_memset(&err, 0, sizeof err);
    th_status status = th_invoke(ip, &err);
    th_set_op_hook(ip, 0, 0);
    if (status != TH_OK) {
        return engine_failure(reply, &err);
    }
    fw_write_u64(reply, total);
    return FW_MSG_PROFILE | FW_MSG_REPLY_BIT;
}

/* ---- MARKER / RESET / RUN_WINDOW ---- */

static uint8_t marker(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 1u) {
        return bad_length(reply, 1, f->payload_length, "MARKER needs u8 level");
    }
    uint8_t level = f->payload[0];
    if (level > 1u) {
        return fw_error_reply(reply, FW_ERR_UNKNOWN_COMMAND, FW_MSG_MARKER, level, 0, 0, "MARKER level must be 0 or 1");
    }
    marker_level = level;
    board_marker_set(level);
    fw_write_u8(reply, level);
    return FW_MSG_MARKER | FW_MSG_REPLY_BIT;
}

static uint8_t reset(const fw_frame *f, fw_writer *reply, int *reboot_after_reply) {
    if (f->payload_length < 1u) {
        return bad_length(reply, 1, f->payload_length, "RESET needs u8 what");
    }
    uint8_t what = f->payload[0];
    if (what > 1u) {
        return fw_error_reply(reply, FW_ERR_UNKNOWN_COMMAND, FW_MSG_RESET, what, 0, 0,
                              "RESET what must be 0 (forget model and statistics) or 1 (reboot)");
    }
    forget_model();
    receiver->frames_dropped = 0;
    marker_level = 0;
    board_marker_set(0);
    *reboot_after_reply = what == 1u;
    return FW_MSG_RESET | FW_MSG_REPLY_BIT;
}

static uint8_t run_window(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 4u) {
        return bad_length(reply, 4, f->payload_length, "RUN_WINDOW needs u32 inferences, then the input tensor");
    }
    if (session.phase != FW_LOAD_READY) {
        return need_model(reply);
    }
    if (f->payload_length - 4u != session.input_bytes) {
        return fw_error_reply(reply, FW_ERR_INPUT_SIZE_MISMATCH, -1, -1, session.input_bytes,
                              f->payload_length - 4u, "RUN_WINDOW needs the model's input tensor bytes after u32 inferences");
    }
    uint32_t inferences = fw_get_u32(f->payload);
    th_error err;
    fw_memset(&err, 0, sizeof err);
    board_marker_set(1);
    board_stopwatch_start();
    for (uint32_t n = 0; n < inferences; n++) {
        /* The input is copied in again every time: the arena planner may reuse the input tensor's bytes
         * for later intermediate tensors, so an invoke can leave the input overwritten. */
        board_watchdog_feed();
        set_inputs(f->payload + 4);
        if (th_invoke(session.interpreter, &err) != TH_OK) {
            marker_level = 0;
            board_marker_set(0);
            return engine_failure(reply, &err);
        }
    }
    uint64_t total = board_stopwatch_read();
    marker_level = 0;
    board_marker_set(0);
    fw_write_u64(reply, total);
    fw_write_u32(reply, micros_of(total));
    return FW_MSG_RUN_WINDOW | FW_MSG_REPLY_BIT;
}

uint8_t fw_execute(const fw_frame *request, fw_writer *reply, int *reboot_after_reply) {
    *reboot_after_reply = 0;
    uint8_t type;
    switch (request->type) {
    case FW_MSG_HELLO: type = hello(request, reply); break;
    case FW_MSG_LOAD_BEGIN: type = load_begin(request, reply); break;
    case FW_MSG_LOAD_CHUNK: type = load_chunk(request, reply); break;
    case FW_MSG_LOAD_END: type = load_end(reply); break;
    case FW_MSG_INFER: type = infer(request, reply); break;
    case FW_MSG_INFER_BATCH: type = infer_batch(request, reply); break;
    case FW_MSG_PROFILE: type = profile(request, reply); break;
    case FW_MSG_MARKER: type = marker(request, reply); break;
    case FW_MSG_RESET: type = reset(request, reply, reboot_after_reply); break;
    case FW_MSG_RUN_WINDOW: type = run_window(request, reply); break;
    default:
        return fw_error_reply(reply, FW_ERR_UNKNOWN_COMMAND, request->type, -1, 0, 0, "unknown request type");
    }
    if (reply->overflow) { /* a reply that outgrew max_payload is a firmware bug: say so instead of truncating */
        return fw_error_reply(reply, FW_ERR_BATCH_TOO_LARGE, request->type, -1, 0, reply->capacity,
                              "reply did not fit max_payload");
    }
    return type;
}
