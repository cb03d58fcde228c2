#include "command_errors.h"

#include "protocol.h"

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

uint8_t fw_bad_length(fw_writer *reply, uint32_t needed, uint32_t got, const char *message) {
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
uint8_t fw_load_error(fw_writer *reply, const th_error *err) {
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

uint8_t fw_engine_failure(fw_writer *reply, const th_error *err) {
    return fw_error_reply(reply, FW_ERR_ENGINE_FAILURE, (int32_t)err->status, err->op_index, 0, 0,
                          engine_message(err));
}

uint8_t fw_need_model(fw_writer *reply) {
    return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0,
                          "no model selected (LOAD_BEGIN/CHUNK/END or SELECT first)");
}
