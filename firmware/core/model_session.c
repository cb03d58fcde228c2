#include "model_session.h"

#include "board.h"
#include "command_errors.h"
#include "crc32.h"
#include "mem.h"
#include "protocol.h"

fw_model_session fw_session;

void fw_session_init(void) {
    fw_memset(&fw_session, 0, sizeof fw_session);
    fw_session.selected = FW_NO_SLOT;
}

static void forget_interpreter(void) {
    fw_session.selected = FW_NO_SLOT;
    fw_session.interpreter = 0;
    fw_session.staging = 0;
    fw_session.staged_bytes = 0;
    fw_session.outputs_valid = 0;
}

void fw_session_forget_everything(void) {
    forget_interpreter();
    fw_memset(&fw_session.upload, 0, sizeof fw_session.upload);
    fw_memset(fw_session.slots, 0, sizeof fw_session.slots);
}

uint32_t fw_session_slot_count(void) {
    uint32_t n = board_slot_count();
    return n > FW_MAX_SLOTS ? FW_MAX_SLOTS : n;
}

uint8_t fw_load_begin(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 10u) {
        return fw_bad_length(reply, 10, f->payload_length,
                          "LOAD_BEGIN needs u32 model_bytes, u32 model_crc32, u8 storage, u8 slot");
    }
    uint32_t model_bytes = fw_get_u32(f->payload);
    uint32_t slot = f->payload[9];
    uint32_t capacity = board_slot_capacity_bytes();
    if (slot >= fw_session_slot_count()) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, (int32_t)slot, -1, slot, fw_session_slot_count(),
                              "no such model slot (HELLO's slot_count)");
    }
    fw_memset(&fw_session.upload, 0, sizeof fw_session.upload);
    fw_session.slots[slot].loaded = 0;
    if (fw_session.selected == slot) {
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
    fw_session.upload.active = 1;
    fw_session.upload.slot = (uint8_t)slot;
    fw_session.upload.model_bytes = model_bytes;
    fw_session.upload.model_crc32 = fw_get_u32(f->payload + 4);
    fw_write_u32(reply, capacity);
    fw_write_u32(reply, FW_MAX_PAYLOAD_BYTES - 4u);
    return FW_MSG_LOAD_BEGIN | FW_MSG_REPLY_BIT;
}

uint8_t fw_load_chunk(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 4u) {
        return fw_bad_length(reply, 4, f->payload_length, "LOAD_CHUNK needs u32 offset, then bytes");
    }
    fw_upload *up = &fw_session.upload;
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
        return fw_bad_length(reply, up->model_bytes - offset, count, "LOAD_CHUNK goes past the announced model_bytes");
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
    th_interpreter *ip = fw_session.interpreter;
    fw_write_u32(reply, fw_session.slots[fw_session.selected].model_crc32);
    fw_write_u32(reply, fw_session.plan.head_bytes);
    fw_write_u32(reply, fw_session.plan.arena_bytes_required);
    fw_write_u16(reply, (uint16_t)th_operator_count(ip));
    fw_write_u8(reply, (uint8_t)fw_session.input_count);
    fw_write_u8(reply, (uint8_t)fw_session.output_count);
    th_tensor_info t;
    for (uint32_t i = 0; i < fw_session.input_count; i++) {
        (void)th_input(ip, i, &t);
        write_tensor_info(reply, &t);
    }
    for (uint32_t i = 0; i < fw_session.output_count; i++) {
        (void)th_output(ip, i, &t);
        write_tensor_info(reply, &t);
    }
    /* version 2 fields */
    fw_write_u8(reply, fw_session.selected);
    fw_write_u32(reply, fw_session.staging != 0 ? fw_session.input_bytes : 0u);
    return reply_type;
}

static uint32_t align16(uint32_t n) { return n > 0xFFFFFFF0u ? 0xFFFFFFF0u : (n + 15u) & ~15u; }

/* Gives the engine the model in `slot` and the first arena_bytes_required bytes of the arena; the rest of the
 * arena, when it holds the whole input, becomes INPUT_CHUNK's staging buffer. On failure no slot is selected. */
static uint8_t prepare_interpreter(uint32_t slot, fw_writer *reply, uint8_t reply_type) {
    forget_interpreter();
    const uint8_t *model = board_slot_bytes(slot);
    uint32_t model_bytes = fw_session.slots[slot].model_bytes;
    uint32_t arena_capacity = 0;
    uint8_t *arena = board_arena(&arena_capacity);
    th_error err;
    fw_memset(&err, 0, sizeof err);
    if (th_plan(model, model_bytes, &fw_session.plan, &err) != TH_OK) {
        return fw_load_error(reply, &err);
    }
    if (fw_session.plan.arena_bytes_required > arena_capacity) {
        return fw_error_reply(reply, FW_ERR_ARENA_TOO_SMALL, -1, -1, fw_session.plan.arena_bytes_required,
                              arena_capacity, "the model's tensor arena does not fit the board's arena");
    }
    uint32_t engine_bytes = align16(fw_session.plan.arena_bytes_required);
    if (engine_bytes > arena_capacity) {
        engine_bytes = arena_capacity;
    }
    fw_memset(&err, 0, sizeof err);
    th_interpreter *ip = 0;
    if (th_interpreter_init(&ip, model, model_bytes, arena, engine_bytes, &err) != TH_OK) {
        return fw_load_error(reply, &err);
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
        fw_session.inputs[i].data = (uint8_t *)t.data;
        fw_session.inputs[i].bytes = t.bytes;
        input_total += t.bytes;
    }
    for (uint32_t i = 0; i < outputs; i++) {
        (void)th_output(ip, i, &t);
        fw_session.outputs[i].data = (uint8_t *)t.data;
        fw_session.outputs[i].bytes = t.bytes;
        output_total += t.bytes;
    }
    if (input_total > arena_capacity || output_total > arena_capacity) {
        return fw_error_reply(reply, FW_ERR_MODEL_INVALID, (int32_t)TH_ERR_LIMIT_EXCEEDED, -1, 0, arena_capacity,
                              "the model's input or output tensors are larger than the arena");
    }
    fw_session.interpreter = ip;
    fw_session.input_count = inputs;
    fw_session.output_count = outputs;
    fw_session.input_bytes = (uint32_t)input_total;
    fw_session.output_bytes = (uint32_t)output_total;
    fw_session.staging = arena_capacity - engine_bytes >= fw_session.input_bytes ? arena + engine_bytes : 0;
    fw_session.selected = (uint8_t)slot;
    return model_info_reply(reply, reply_type);
}

uint8_t fw_load_end(fw_writer *reply) {
    fw_upload *up = &fw_session.upload;
    if (!up->active) {
        if (fw_session.selected != FW_NO_SLOT) {
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
    fw_session.slots[slot].model_bytes = up->model_bytes;
    fw_session.slots[slot].model_crc32 = up->model_crc32;
    board_watchdog_feed(); /* the CRC over a large model takes a while; planning gets a fresh timeout */
    uint8_t type = prepare_interpreter(slot, reply, FW_MSG_LOAD_END | FW_MSG_REPLY_BIT);
    fw_session.slots[slot].loaded = type != FW_MSG_ERROR;
    return type;
}

uint8_t fw_select_slot(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 1u) {
        return fw_bad_length(reply, 1, f->payload_length, "SELECT needs u8 slot");
    }
    uint32_t slot = f->payload[0];
    if (slot >= fw_session_slot_count() || !fw_session.slots[slot].loaded) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, (int32_t)slot, -1, slot, fw_session_slot_count(),
                              "SELECT of a slot that holds no loaded model");
    }
    if (fw_session.selected == slot) {
        return model_info_reply(reply, FW_MSG_SELECT | FW_MSG_REPLY_BIT);
    }
    return prepare_interpreter(slot, reply, FW_MSG_SELECT | FW_MSG_REPLY_BIT);
}
