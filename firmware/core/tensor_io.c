#include "tensor_io.h"

#include "command_errors.h"
#include "mem.h"
#include "model_session.h"
#include "protocol.h"

void fw_set_inputs(const uint8_t *bytes) {
    for (uint32_t i = 0; i < fw_session.input_count; i++) {
        fw_memcpy(fw_session.inputs[i].data, bytes, fw_session.inputs[i].bytes);
        bytes += fw_session.inputs[i].bytes;
    }
}

void fw_write_outputs(fw_writer *reply) {
    for (uint32_t i = 0; i < fw_session.output_count; i++) {
        fw_write_bytes(reply, fw_session.outputs[i].data, fw_session.outputs[i].bytes);
    }
}

uint8_t fw_input_source(const uint8_t *given, uint32_t given_bytes, const char *command, fw_writer *reply,
                        const uint8_t **out) {
    if (given_bytes == 0u && fw_session.input_bytes != 0u) {
        if (fw_session.staging == 0 || fw_session.staged_bytes != fw_session.input_bytes) {
            return fw_error_reply(reply, FW_ERR_INPUT_SIZE_MISMATCH, -1, -1, fw_session.input_bytes,
                                  fw_session.staging == 0 ? 0u : fw_session.staged_bytes,
                                  fw_session.staging == 0 ? "no staging room in the arena: the input must come inline"
                                                       : "the staged input is incomplete (INPUT_CHUNK from offset 0)");
        }
        *out = fw_session.staging;
        return 0;
    }
    if (given_bytes != fw_session.input_bytes) {
        (void)command;
        return fw_error_reply(reply, FW_ERR_INPUT_SIZE_MISMATCH, -1, -1, fw_session.input_bytes, given_bytes,
                              "the request must carry the model's input tensor bytes, or none (staged input)");
    }
    *out = given;
    return 0;
}

void fw_output_top1(uint32_t *index, int32_t *value) {
    th_tensor_info t;
    (void)th_output(fw_session.interpreter, 0, &t);
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

uint8_t fw_input_chunk(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 4u) {
        return fw_bad_length(reply, 4, f->payload_length, "INPUT_CHUNK needs u32 offset, then bytes");
    }
    if (fw_session.selected == FW_NO_SLOT) {
        return fw_need_model(reply);
    }
    if (fw_session.staging == 0) {
        return fw_error_reply(reply, FW_ERR_ARENA_TOO_SMALL, -1, -1, fw_session.input_bytes, 0,
                              "no room after the model's arena to stage its input");
    }
    uint32_t offset = fw_get_u32(f->payload);
    uint32_t count = f->payload_length - 4u;
    if (offset > fw_session.staged_bytes && offset != 0u) {
        return fw_error_reply(reply, FW_ERR_CHUNK_OUT_OF_ORDER, -1, -1, fw_session.staged_bytes, offset,
                              "INPUT_CHUNK offset must not skip bytes (start at 0, then consecutive)");
    }
    if ((uint64_t)offset + count > fw_session.input_bytes) {
        return fw_bad_length(reply, fw_session.input_bytes - (offset < fw_session.input_bytes ? offset : fw_session.input_bytes),
                          count, "INPUT_CHUNK goes past the model's input bytes");
    }
    fw_memcpy(fw_session.staging + offset, f->payload + 4, count);
    if (offset == 0u) {
        fw_session.staged_bytes = count; /* a new input starts at offset 0 */
    } else if (offset + count > fw_session.staged_bytes) {
        fw_session.staged_bytes = offset + count;
    }
    fw_write_u32(reply, fw_session.staged_bytes);
    return FW_MSG_INPUT_CHUNK | FW_MSG_REPLY_BIT;
}

uint8_t fw_output_chunk(const fw_frame *f, fw_writer *reply) {
    if (f->payload_length < 6u) {
        return fw_bad_length(reply, 6, f->payload_length, "OUTPUT_CHUNK needs u32 offset, u16 count");
    }
    if (fw_session.selected == FW_NO_SLOT) {
        return fw_need_model(reply);
    }
    if (!fw_session.outputs_valid) {
        return fw_error_reply(reply, FW_ERR_BAD_STATE, -1, -1, 0, 0, "no inference has produced outputs yet");
    }
    uint32_t offset = fw_get_u32(f->payload);
    uint32_t count = fw_get_u16(f->payload + 4);
    if ((uint64_t)offset + count > fw_session.output_bytes || 4u + count > reply->capacity) {
        return fw_bad_length(reply, fw_session.output_bytes, count,
                          "OUTPUT_CHUNK must lie within the output bytes and fit max_payload - 4");
    }
    fw_write_u32(reply, offset);
    uint32_t position = 0;
    for (uint32_t i = 0; i < fw_session.output_count && count > 0u; i++) {
        uint32_t bytes = fw_session.outputs[i].bytes;
        if (offset < position + bytes) {
            uint32_t from = offset - position;
            uint32_t take = bytes - from < count ? bytes - from : count;
            fw_write_bytes(reply, fw_session.outputs[i].data + from, take);
            offset += take;
            count -= take;
        }
        position += bytes;
    }
    return FW_MSG_OUTPUT_CHUNK | FW_MSG_REPLY_BIT;
}
