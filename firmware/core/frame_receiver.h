/* Byte-at-a-time receiver: COBS-decodes while bytes arrive, and on each 0x00 delimiter checks length,
 * CRC-32 and leaves a complete frame in the caller's buffer. Bad frames are dropped silently and counted. */
#ifndef TINYHIL_FRAME_RECEIVER_H
#define TINYHIL_FRAME_RECEIVER_H

#include <stdint.h>

typedef struct fw_frame {
    uint8_t version;
    uint8_t type;
    uint16_t sequence;
    uint16_t payload_length;
    const uint8_t *payload;
    uint32_t crc; /* the frame's CRC-32 (duplicate suppression compares it) */
} fw_frame;

typedef struct fw_frame_receiver {
    uint8_t *buffer;            /* decoded header | payload | crc */
    uint32_t capacity;          /* max_payload + 10 */
    uint32_t length;            /* decoded bytes so far */
    uint8_t block_remaining;    /* data bytes left in the current COBS block */
    uint8_t block_code;         /* code byte of the current block (0 = no block yet) */
    uint8_t overflow;           /* discarding until the next delimiter */
    uint8_t started;            /* any non-delimiter byte seen since the last delimiter */
    uint32_t frames_dropped;    /* bad COBS, bad length, bad CRC, overflow */
} fw_frame_receiver;

void fw_receiver_init(fw_frame_receiver *r, uint8_t *buffer, uint32_t capacity);
/* Feeds one wire byte. Returns 1 when a complete, CRC-valid frame is in `out` (its payload points into
 * the receiver's buffer and stays valid until the next call), 0 otherwise. The version is not checked. */
int fw_receiver_push(fw_frame_receiver *r, uint8_t byte, fw_frame *out);

#endif
