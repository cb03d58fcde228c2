/* Encodes one frame (header | payload | CRC-32, COBS, 0x00) straight onto the board's UART. */
#ifndef TINYHIL_FRAME_SENDER_H
#define TINYHIL_FRAME_SENDER_H

#include <stdint.h>

void fw_send_frame(uint8_t type, uint16_t sequence, const uint8_t *payload, uint16_t payload_length);
/* The same with another header version: a VERSION_MISMATCH reply is framed in the version the peer spoke. */
void fw_send_frame_version(uint8_t version, uint8_t type, uint16_t sequence, const uint8_t *payload,
                           uint16_t payload_length);

#endif
