#include "frame_receiver.h"

#include "crc32.h"
#include "protocol.h"
#include "wire.h"

static void restart(fw_frame_receiver *r) {
    r->length = 0;
    r->block_remaining = 0;
    r->block_code = 0;
    r->overflow = 0;
    r->started = 0;
}

void fw_receiver_init(fw_frame_receiver *r, uint8_t *buffer, uint32_t capacity) {
    r->buffer = buffer;
    r->capacity = capacity;
    r->frames_dropped = 0;
    restart(r);
}

static void append(fw_frame_receiver *r, uint8_t byte) {
    if (r->length >= r->capacity) {
        r->overflow = 1;
        r->frames_dropped++;
        return;
    }
    r->buffer[r->length++] = byte;
}

static int finish(fw_frame_receiver *r, fw_frame *out) {
    if (!r->started) {
        return 0; /* empty frame: a resynchronising 0x00 */
    }
    if (r->block_remaining != 0 || r->length < FW_FRAME_OVERHEAD_BYTES) {
        r->frames_dropped++; /* truncated COBS block or too short for a header and a CRC */
        return 0;
    }
    const uint8_t *b = r->buffer;
    uint16_t payload_length = fw_get_u16(b + 4);
    if ((uint32_t)payload_length + FW_FRAME_OVERHEAD_BYTES != r->length) {
        r->frames_dropped++;
        return 0;
    }
    uint32_t body = r->length - FW_CRC_BYTES;
    if (fw_crc32(b, body) != fw_get_u32(b + body)) {
        r->frames_dropped++;
        return 0;
    }
    out->version = b[0];
    out->type = b[1];
    out->sequence = fw_get_u16(b + 2);
    out->payload_length = payload_length;
    out->payload = b + FW_HEADER_BYTES;
    out->crc = fw_get_u32(b + body);
    return 1;
}

int fw_receiver_push(fw_frame_receiver *r, uint8_t byte, fw_frame *out) {
    if (byte == 0x00) {
        int complete = r->overflow ? 0 : finish(r, out);
        restart(r);
        return complete;
    }
    if (r->overflow) {
        return 0;
    }
    r->started = 1;
    if (r->block_remaining == 0) {
        /* A code byte. The zero implied by the previous block is only emitted once we know another block
         * follows, so the final block's implied zero (the end of the frame) is never appended. */
        if (r->block_code != 0 && r->block_code != 0xFF) {
            append(r, 0x00);
        }
        r->block_code = byte;
        r->block_remaining = (uint8_t)(byte - 1u);
        return 0;
    }
    append(r, byte);
    r->block_remaining--;
    return 0;
}
