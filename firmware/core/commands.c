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
    session.selected = FW_NO_SLOT;
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

static void forget_interpreter(void) {
    session.selected = FW_NO_SLOT;
    session.interpreter = 0;
    session.staging = 0;
    session.staged_bytes = 0;
    session.outputs_valid = 0;
}

static void forget_everything(void) {
    forget_interpreter();
    fw_memset(&session.upload, 0, sizeof session.upload);
    fw_memset(session.slots, 0, sizeof session.slots);
}

static uint32_t slot_count(void) {
    uint32_t n = board_slot_count();
    return n > FW_MAX_SLOTS ? FW_MAX_SLOTS : n;
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
    /* version 2 fields */
    fw_write_u8(reply, (uint8_t)slot_count());
    fw_write_u8(reply, session.selected);
    fw_write_u8(reply, board_boot_reason());
    fw_write_u32(reply, FW_MAX_WINDOW_INFERENCES);
    fw_write_u32(reply, FW_MAX_WINDOW_MS);
    fw_write_u32(reply, FW_BAUD_CONFIRM_MS);
    /* version 2, appended in December 2026 (issue 14): a host that stops reading after baud_confirm_ms ignores it */
    fw_write_string(reply, board_serial_number());
    return FW_MSG_HELLO | FW_MSG_REPLY_BIT;
}

/* ---- LOAD_BEGIN / LOAD_CHUNK / LOAD_END ---- */

static uint8_t load_begin(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 10u) {
        return bad_length(reply, 10, f->payload_length,
                          "LOAD_BEGIN needs u32 model_bytes, u32 model_crc32, u8 storage, u8 slot");
    }
    uint32_t model_bytes = fw_get_u32(f->payload);
    uint32_t slot = f->payload[9];
    uint32_t capacity = board_slot_capacity_bytes();
    if (slot >= slot_count()) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, (int32_t)slot, -1, slot, slot_count(),
                              "no such model slot (HELLO's slot_count)");
    }
    fw_memset(&session.upload, 0, sizeof session.upload);
    session.slots[slot].loaded = 0;
    if (session.selected == slot) {
        forget_interpreter(); /* its model bytes are about to be overwritten */
    }
    if (model_bytes > capacity) {
        return fw_error_reply(reply, FW_ERR_MODEL_TOO_LARGE, -1, -1, model_bytes, capacity,
                              "model is larger than the board's model slot");
    }
    if (model_bytes == 0u) {
        return fw_error_reply(reply, FW_ERR_MODEL_INVALID, (int32_t)TH_ERR_BAD_ARGUMENT, -1, 0, 0,
                              "model_bytes is 0");
    }
    if (board_slot_begin(slot, model_bytes) != 0) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, model_bytes, capacity,
                              "the board could not prepare its model slot");
    }
    session.upload.active = 1;
    session.upload.slot = (uint8_t)slot;
    session.upload.model_bytes = model_bytes;
    session.upload.model_crc32 = fw_get_u32(f->payload + 4);
    fw_write_u32(reply, capacity);
    fw_write_u32(reply, FW_MAX_PAYLOAD_BYTES - 4u);
    return FW_MSG_LOAD_BEGIN | FW_MSG_REPLY_BIT;
}

static uint8_t load_chunk(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 4u) {
        return bad_length(reply, 4, f->payload_length, "LOAD_CHUNK needs u32 offset, then bytes");
    }
    fw_upload *up = &session.upload;
    if (!up->active) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0, "LOAD_CHUNK without LOAD_BEGIN");
    }
    uint32_t offset = fw_get_u32(f->payload);
    uint32_t count = f->payload_length - 4u;
    if (up->have_last_chunk && offset == up->last_chunk_offset && count == up->last_chunk_bytes &&
        (uint64_t)offset + count == up->bytes_received) {
        fw_write_u32(reply, up->bytes_received); /* a repeat of the previous chunk: acknowledge again */
        return FW_MSG_LOAD_CHUNK | FW_MSG_REPLY_BIT;
    }
    if (offset != up->bytes_received) {
        return fw_error_reply(reply, FW_ERR_CHUNK_OUT_OF_ORDER, -1, -1, up->bytes_received, offset,
                              "LOAD_CHUNK offset must equal the bytes received so far");
    }
    if (count > up->model_bytes - offset) {
        return bad_length(reply, up->model_bytes - offset, count, "LOAD_CHUNK goes past the announced model_bytes");
    }
    if (board_slot_write(up->slot, offset, f->payload + 4, count) != 0) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0, "the board could not write the model slot");
    }
    up->bytes_received += count;
    up->last_chunk_offset = offset;
    up->last_chunk_bytes = count;
    up->have_last_chunk = 1;
    fw_write_u32(reply, up->bytes_received);
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

static uint8_t model_info_reply(fw_writer *reply, uint8_t reply_type) {
    th_interpreter *ip = session.interpreter;
    fw_write_u32(reply, session.slots[session.selected].model_crc32);
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
    /* version 2 fields */
    fw_write_u8(reply, session.selected);
    fw_write_u32(reply, session.staging != 0 ? session.input_bytes : 0u);
    return reply_type;
}

static uint32_t align16(uint32_t n) { return n > 0xFFFFFFF0u ? 0xFFFFFFF0u : (n + 15u) & ~15u; }

/* Gives the engine the model in `slot` and the first arena_bytes_required bytes of the arena; the rest of the
 * arena, when it holds the whole input, becomes INPUT_CHUNK's staging buffer. On failure no slot is selected. */
static uint8_t prepare_interpreter(uint32_t slot, fw_writer *reply, uint8_t reply_type) {
    forget_interpreter();
    const uint8_t *model = board_slot_bytes(slot);
    uint32_t model_bytes = session.slots[slot].model_bytes;
    uint32_t arena_capacity = 0;
    uint8_t *arena = board_arena(&arena_capacity);
    th_error err;
    fw_memset(&err, 0, sizeof err);
    if (th_plan(model, model_bytes, &session.plan, &err) != TH_OK) {
        return load_error(reply, &err);
    }
    if (session.plan.arena_bytes_required > arena_capacity) {
        return fw_error_reply(reply, FW_ERR_ARENA_TOO_SMALL, -1, -1, session.plan.arena_bytes_required,
                              arena_capacity, "the model's tensor arena does not fit the board's arena");
    }
    uint32_t engine_bytes = align16(session.plan.arena_bytes_required);
    if (engine_bytes > arena_capacity) {
        engine_bytes = arena_capacity;
    }
    fw_memset(&err, 0, sizeof err);
    th_interpreter *ip = 0;
    if (th_interpreter_init(&ip, model, model_bytes, arena, engine_bytes, &err) != TH_OK) {
        return load_error(reply, &err);
    }
    uint32_t inputs = th_input_count(ip);
    uint32_t outputs = th_output_count(ip);
    if (inputs > FW_MAX_MODEL_TENSORS || outputs > FW_MAX_MODEL_TENSORS || inputs == 0u || outputs == 0u) {
        return fw_error_reply(reply, FW_ERR_MODEL_INVALID, (int32_t)TH_ERR_LIMIT_EXCEEDED, -1, FW_MAX_MODEL_TENSORS,
                              inputs > outputs ? inputs : outputs,
                              "the firmware handles 1 to 16 input and output tensors");
    }
    uint64_t input_total = 0;
    uint64_t output_total = 0;
    th_tensor_info t;
    for (uint32_t i = 0; i < inputs; i++) {
        (void)th_input(ip, i, &t);
        session.inputs[i].data = (uint8_t *)t.data;
        session.inputs[i].bytes = t.bytes;
        input_total += t.bytes;
    }
    for (uint32_t i = 0; i < outputs; i++) {
        (void)th_output(ip, i, &t);
        session.outputs[i].data = (uint8_t *)t.data;
        session.outputs[i].bytes = t.bytes;
        output_total += t.bytes;
    }
    if (input_total > arena_capacity || output_total > arena_capacity) {
        return fw_error_reply(reply, FW_ERR_MODEL_INVALID, (int32_t)TH_ERR_LIMIT_EXCEEDED, -1, 0, arena_capacity,
                              "the model's input or output tensors are larger than the arena");
    }
    session.interpreter = ip;
    session.input_count = inputs;
    session.output_count = outputs;
    session.input_bytes = (uint32_t)input_total;
    session.output_bytes = (uint32_t)output_total;
    session.staging = arena_capacity - engine_bytes >= session.input_bytes ? arena + engine_bytes : 0;
    session.selected = (uint8_t)slot;
    return model_info_reply(reply, reply_type);
}

static uint8_t load_end(fw_writer *reply) {
    fw_upload *up = &session.upload;
    if (!up->active) {
        if (session.selected != FW_NO_SLOT) {
            return model_info_reply(reply, FW_MSG_LOAD_END | FW_MSG_REPLY_BIT); /* a retried LOAD_END */
        }
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0, "LOAD_END without LOAD_BEGIN");
    }
    if (up->bytes_received != up->model_bytes) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, up->model_bytes, up->bytes_received,
                              "LOAD_END before all announced model bytes arrived");
    }
    up->active = 0;
    uint32_t slot = up->slot;
    if (board_slot_finish(slot) != 0) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0, "the board could not finish writing its model slot");
    }
    /* CRC in 16 KiB pieces, feeding the watchdog between them (a 1 MiB model takes long on a slow core) */
    const uint8_t *stored = board_slot_bytes(slot);
    uint32_t crc = FW_CRC32_INIT;
    for (uint32_t at = 0; at < up->model_bytes; at += 16384u) {
        uint32_t piece = up->model_bytes - at < 16384u ? up->model_bytes - at : 16384u;
        crc = fw_crc32_update(crc, stored + at, piece);
        board_watchdog_feed();
    }
    crc = fw_crc32_final(crc);
    if (crc != up->model_crc32) {
        return fw_error_reply(reply, FW_ERR_CHECKSUM_MISMATCH, -1, -1, up->model_crc32, crc,
                              "CRC-32 of the stored model differs from LOAD_BEGIN's");
    }
    session.slots[slot].model_bytes = up->model_bytes;
    session.slots[slot].model_crc32 = up->model_crc32;
    board_watchdog_feed(); /* the CRC over a large model takes a while; planning gets a fresh timeout */
    uint8_t type = prepare_interpreter(slot, reply, FW_MSG_LOAD_END | FW_MSG_REPLY_BIT);
    session.slots[slot].loaded = type != FW_MSG_ERROR;
    return type;
}

static uint8_t select_slot(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 1u) {
        return bad_length(reply, 1, f->payload_length, "SELECT needs u8 slot");
    }
    uint32_t slot = f->payload[0];
    if (slot >= slot_count() || !session.slots[slot].loaded) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, (int32_t)slot, -1, slot, slot_count(),
                              "SELECT of a slot that holds no loaded model");
    }
    if (session.selected == slot) {
        return model_info_reply(reply, FW_MSG_SELECT | FW_MSG_REPLY_BIT);
    }
    return prepare_interpreter(slot, reply, FW_MSG_SELECT | FW_MSG_REPLY_BIT);
}

/* ---- inference ---- */

static uint8_t need_model(fw_writer *reply) {
    return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0,
                          "no model selected (LOAD_BEGIN/CHUNK/END or SELECT first)");
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

/* The input of INFER/PROFILE/RUN_WINDOW: the `given` bytes of the request when there are any (they must be the
 * model's input bytes), else the input staged by INPUT_CHUNK. Returns 0 and sets *out, or the ERROR reply type. */
static uint8_t input_source(const uint8_t *given, uint32_t given_bytes, const char *command, fw_writer *reply,
                            const uint8_t **out) {
    if (given_bytes == 0u && session.input_bytes != 0u) {
        if (session.staging == 0 || session.staged_bytes != session.input_bytes) {
            return fw_error_reply(reply, FW_ERR_INPUT_SIZE_MISMATCH, -1, -1, session.input_bytes,
                                  session.staging == 0 ? 0u : session.staged_bytes,
                                  session.staging == 0 ? "no staging room in the arena: the input must come inline"
                                                       : "the staged input is incomplete (INPUT_CHUNK from offset 0)");
        }
        *out = session.staging;
        return 0;
    }
    if (given_bytes != session.input_bytes) {
        (void)command;
        return fw_error_reply(reply, FW_ERR_INPUT_SIZE_MISMATCH, -1, -1, session.input_bytes, given_bytes,
                              "the request must carry the model's input tensor bytes, or none (staged input)");
    }
    *out = given;
    return 0;
}

/* One th_invoke bracketed by the board's stopwatch; the counter covers th_invoke only. */
static th_status timed_invoke(th_error *err, uint64_t *counter) {
    fw_memset(err, 0, sizeof *err);
    board_stopwatch_start();
    th_status status = th_invoke(session.interpreter, err);
    *counter = board_stopwatch_read();
    session.outputs_valid = status == TH_OK;
    return status;
}

static uint32_t micros_of(uint64_t counter) { return board_counter_to_micros(counter); }

static uint8_t infer(const fw_frame *f, fw_writer *reply) {
    if (session.selected == FW_NO_SLOT) {
        return need_model(reply);
    }
    const uint8_t *input = 0;
    uint8_t failed = input_source(f->payload, f->payload_length, "INFER", reply, &input);
    if (failed) {
        return failed;
    }
    set_inputs(input);
    th_error err;
    uint64_t counter;
    if (timed_invoke(&err, &counter) != TH_OK) {
        return engine_failure(reply, &err);
    }
    fw_write_u64(reply, counter);
    fw_write_u32(reply, micros_of(counter));
    if ((uint64_t)12u + session.output_bytes <= reply->capacity) {
        write_outputs(reply); /* outputs that do not fit one reply are read with OUTPUT_CHUNK */
    }
    return FW_MSG_INFER | FW_MSG_REPLY_BIT;
}

/* Index and raw value of the largest element of output 0 (lowest index on ties). Integer outputs report the
 * stored integer; FLOAT32 outputs report the IEEE-754 bit pattern of the float. */
static void top1(uint32_t *index, int32_t *value) {
    th_tensor_info t;
    (void)th_output(session.interpreter, 0, &t);
    const uint8_t *d = (const uint8_t *)t.data;
    uint32_t best = 0;
    switch (t.type) {
    case 9: { /* INT8 */
        const int8_t *v = (const int8_t *)d;
        for (uint32_t i = 1; i < t.bytes; i++) best = v[i] > v[best] ? i : best;
        *value = t.bytes > 0u ? v[best] : 0;
        break;
    }
    case 3: { /* UINT8 */
        for (uint32_t i = 1; i < t.bytes; i++) best = d[i] > d[best] ? i : best;
        *value = t.bytes > 0u ? d[best] : 0;
        break;
    }
    case 7: { /* INT16 */
        const int16_t *v = (const int16_t *)(const void *)d;
        for (uint32_t i = 1; i < t.bytes / 2u; i++) best = v[i] > v[best] ? i : best;
        *value = t.bytes >= 2u ? v[best] : 0;
        break;
    }
    case 2: { /* INT32 */
        const int32_t *v = (const int32_t *)(const void *)d;
        for (uint32_t i = 1; i < t.bytes / 4u; i++) best = v[i] > v[best] ? i : best;
        *value = t.bytes >= 4u ? v[best] : 0;
        break;
    }
    case 0: { /* FLOAT32 */
        const float *v = (const float *)(const void *)d;
        for (uint32_t i = 1; i < t.bytes / 4u; i++) best = v[i] > v[best] ? i : best;
        if (t.bytes >= 4u) {
            fw_memcpy(value, &v[best], sizeof *value);
        } else {
            *value = 0;
        }
        break;
    }
    default:
        *value = 0;
        break;
    }
    *index = best;
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
    if (session.selected == FW_NO_SLOT) {
        return need_model(reply);
    }
    /* 64-bit products: count (< 2^16) times a tensor size (< 2^32) cannot wrap. */
    uint64_t got = f->payload_length - 3u;
    uint64_t needed = (uint64_t)count * session.input_bytes;
    if (got != needed) {
        return fw_error_reply(reply, FW_ERR_INPUT_SIZE_MISMATCH, -1, -1, needed > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)needed,
                              (uint32_t)got, "INFER_BATCH needs count x input tensor bytes after its 3-byte header");
    }
    uint64_t per_result = mode == 0u ? 8u + (uint64_t)session.output_bytes : 16u;
    uint64_t reply_bytes = 2u + (uint64_t)count * per_result;
    if (reply_bytes > reply->capacity) {
        return fw_error_reply(reply, FW_ERR_BATCH_TOO_LARGE, -1, -1,
                              reply_bytes > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)reply_bytes, reply->capacity,
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
            uint32_t index;
            int32_t value;
            top1(&index, &value);
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

static uint8_t profile(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 1u) {
        return bad_length(reply, 1, f->payload_length, "PROFILE needs u8 marker_mode, then the input (or none)");
    }
    uint8_t marker_mode = f->payload[0];
    if (marker_mode > FW_PROFILE_MARKER_PER_OPERATOR) {
        return fw_error_reply(reply, FW_ERR_UNKNOWN_COMMAND, FW_MSG_PROFILE, marker_mode, 0, 0,
                              "PROFILE marker_mode must be 0 (off) or 1 (toggle at every operator)");
    }
    if (session.selected == FW_NO_SLOT) {
        return need_model(reply);
    }
    const uint8_t *input = 0;
    uint8_t failed = input_source(f->payload + 1, f->payload_length - 1u, "PROFILE", reply, &input);
    if (failed) {
        return failed;
    }
    th_interpreter *ip = session.interpreter;
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
    set_inputs(input);
    th_error err;
    uint64_t total;
    if (timed_invoke(&err, &total) != TH_OK) { /* without the hook: the same count INFER reports */
        return engine_failure(reply, &err);
    }
    board_watchdog_feed();
    profile_target target = {reply->bytes + 2, op_count, marker_mode};
    set_inputs(input);
    th_set_op_hook(ip, profile_hook, &target);
    fw_memset(&err, 0, sizeof err);
    th_status status = th_invoke(ip, &err);
    th_set_op_hook(ip, 0, 0);
    if (marker_mode != FW_PROFILE_MARKER_OFF) {
        marker_level = 0;
        board_marker_set(0);
    }
    session.outputs_valid = status == TH_OK;
    if (status != TH_OK) {
        return engine_failure(reply, &err);
    }
    fw_write_u64(reply, total);
    fw_write_u8(reply, marker_mode);
    return FW_MSG_PROFILE | FW_MSG_REPLY_BIT;
}

/* ---- INPUT_CHUNK / OUTPUT_CHUNK: inputs and outputs larger than one frame ---- */

static uint8_t input_chunk(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 4u) {
        return bad_length(reply, 4, f->payload_length, "INPUT_CHUNK needs u32 offset, then bytes");
    }
    if (session.selected == FW_NO_SLOT) {
        return need_model(reply);
    }
    if (session.staging == 0) {
        return fw_error_reply(reply, FW_ERR_ARENA_TOO_SMALL, -1, -1, session.input_bytes, 0,
                              "no room after the model's arena to stage its input");
    }
    uint32_t offset = fw_get_u32(f->payload);
    uint32_t count = f->payload_length - 4u;
    if (offset > session.staged_bytes && offset != 0u) {
        return fw_error_reply(reply, FW_ERR_CHUNK_OUT_OF_ORDER, -1, -1, session.staged_bytes, offset,
                              "INPUT_CHUNK offset must not skip bytes (start at 0, then consecutive)");
    }
    if ((uint64_t)offset + count > session.input_bytes) {
        return bad_length(reply, session.input_bytes - (offset < session.input_bytes ? offset : session.input_bytes),
                          count, "INPUT_CHUNK goes past the model's input bytes");
    }
    fw_memcpy(session.staging + offset, f->payload + 4, count);
    if (offset == 0u) {
        session.staged_bytes = count; /* a new input starts at offset 0 */
    } else if (offset + count > session.staged_bytes) {
        session.staged_bytes = offset + count;
    }
    fw_write_u32(reply, session.staged_bytes);
    return FW_MSG_INPUT_CHUNK | FW_MSG_REPLY_BIT;
}

static uint8_t output_chunk(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 6u) {
        return bad_length(reply, 6, f->payload_length, "OUTPUT_CHUNK needs u32 offset, u16 count");
    }
    if (session.selected == FW_NO_SLOT) {
        return need_model(reply);
    }
    if (!session.outputs_valid) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0, "no inference has produced outputs yet");
    }
    uint32_t offset = fw_get_u32(f->payload);
    uint32_t count = fw_get_u16(f->payload + 4);
    if ((uint64_t)offset + count > session.output_bytes || 4u + count > reply->capacity) {
        return bad_length(reply, session.output_bytes, count,
                          "OUTPUT_CHUNK must lie within the output bytes and fit max_payload - 4");
    }
    fw_write_u32(reply, offset);
    uint32_t position = 0;
    for (uint32_t i = 0; i < session.output_count && count > 0u; i++) {
        uint32_t bytes = session.outputs[i].bytes;
        if (offset < position + bytes) {
            uint32_t from = offset - position;
            uint32_t take = bytes - from < count ? bytes - from : count;
            fw_write_bytes(reply, session.outputs[i].data + from, take);
            offset += take;
            count -= take;
        }
        position += bytes;
    }
    return FW_MSG_OUTPUT_CHUNK | FW_MSG_REPLY_BIT;
}

/* ---- MARKER / RESET / RUN_WINDOW / SET_BAUD ---- */

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

static uint8_t reset(const fw_frame *f, fw_writer *reply, fw_after_reply *after) {
    if (f->payload_length < 1u) {
        return bad_length(reply, 1, f->payload_length, "RESET needs u8 what");
    }
    uint8_t what = f->payload[0];
    if (what > 1u) {
        return fw_error_reply(reply, FW_ERR_UNKNOWN_COMMAND, FW_MSG_RESET, what, 0, 0,
                              "RESET what must be 0 (forget models and statistics) or 1 (reboot)");
    }
    forget_everything();
    receiver->frames_dropped = 0;
    marker_level = 0;
    board_marker_set(0);
    after->reboot = what == 1u;
    return FW_MSG_RESET | FW_MSG_REPLY_BIT;
}

/* Runs up to `inferences` inferences with the marker high. It stops early when a byte arrives from the host (the
 * byte is kept and begins the next frame) or when FW_MAX_WINDOW_MS of board time have passed; the reply says how
 * many inferences ran and why the window ended. */
static uint8_t run_window(const fw_frame *f, fw_writer *reply, fw_after_reply *after) {
    if (f->payload_length < 4u) {
        return bad_length(reply, 4, f->payload_length, "RUN_WINDOW needs u32 inferences, then the input (or none)");
    }
    if (session.selected == FW_NO_SLOT) {
        return need_model(reply);
    }
    uint32_t inferences = fw_get_u32(f->payload);
    if (inferences > FW_MAX_WINDOW_INFERENCES) {
        return fw_error_reply(reply, FW_ERR_WINDOW_TOO_LONG, -1, -1, inferences, FW_MAX_WINDOW_INFERENCES,
                              "RUN_WINDOW asks for more inferences than HELLO's max_window_inferences");
    }
    const uint8_t *input = 0;
    uint8_t failed = input_source(f->payload + 4, f->payload_length - 4u, "RUN_WINDOW", reply, &input);
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
        set_inputs(input);
        if (th_invoke(session.interpreter, &err) != TH_OK) {
            session.outputs_valid = 0;
            marker_level = 0;
            board_marker_set(0);
            return engine_failure(reply, &err);
        }
        session.outputs_valid = 1;
    }
    uint64_t total = board_stopwatch_read();
    marker_level = 0;
    board_marker_set(0);
    fw_write_u64(reply, total);
    fw_write_u32(reply, micros_of(total));
    fw_write_u32(reply, done);
    fw_write_u8(reply, stop);
    return FW_MSG_RUN_WINDOW | FW_MSG_REPLY_BIT;
}

static uint8_t set_baud(const fw_frame *f, fw_writer *reply, fw_after_reply *after) {
    if (f->payload_length < 4u) {
        return bad_length(reply, 4, f->payload_length, "SET_BAUD needs u32 baud");
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
    after->baud = 0;
    after->held_byte = -1;
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
    case FW_MSG_RESET: type = reset(request, reply, after); break;
    case FW_MSG_RUN_WINDOW: type = run_window(request, reply, after); break;
    case FW_MSG_INPUT_CHUNK: type = input_chunk(request, reply); break;
    case FW_MSG_OUTPUT_CHUNK: type = output_chunk(request, reply); break;
    case FW_MSG_SELECT: type = select_slot(request, reply); break;
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
