#include "frame_sender.h"

#include "board.h"
#include "crc32.h"
#include "protocol.h"
#include "wire.h"

/* Streaming COBS encoder: collects up to 254 non-zero bytes, then emits code byte + block. */
typedef struct cobs_stream {
    uint8_t block[255]; /* block[0] is the code byte */
    uint8_t count;      /* data bytes in block[1..] */
} cobs_stream;

static void emit_block(cobs_stream *s) {
    s->block[0] = (uint8_t)(s->count + 1u);
    board_uart_write(s->block, (size_t)s->count + 1u);
    s->count = 0;
}

static void put_byte(cobs_stream *s, uint8_t byte) {
    if (byte == 0x00) {
        emit_block(s);
        return;
    }
    s->block[++s->count] = byte;
    if (s->count == 254u) {
        emit_block(s); /* code 0xFF: 254 data bytes, no implied zero */
    }
}

static void put_bytes(cobs_stream *s, const uint8_t *bytes, uint32_t count) {
    for (uint32_t i = 0; i < count; i++) {
        put_byte(s, bytes[i]);
    }
}

void fw_send_frame(uint8_t type, uint16_t sequence, const uint8_t *payload, uint16_t payload_length) {
    fw_send_frame_version(FW_PROTOCOL_VERSION, type, sequence, payload, payload_length);
}

void fw_send_frame_version(uint8_t version, uint8_t type, uint16_t sequence, const uint8_t *payload,
                           uint16_t payload_length) {
    static cobs_stream stream;
    uint8_t header[FW_HEADER_BYTES];
    header[0] = version;
    header[1] = type;
    fw_put_u16(header + 2, sequence);
    fw_put_u16(header + 4, payload_length);
    uint32_t crc = fw_crc32_update(FW_CRC32_INIT, header, sizeof header);
    crc = fw_crc32_final(fw_crc32_update(crc, payload, payload_length));
    uint8_t trailer[FW_CRC_BYTES];
    fw_put_u32(trailer, crc);

    stream.count = 0;
    put_bytes(&stream, header, sizeof header);
    put_bytes(&stream, payload, payload_length);
    put_bytes(&stream, trailer, sizeof trailer);
    emit_block(&stream);
    static const uint8_t delimiter = 0x00;
    board_uart_write(&delimiter, 1);
}
