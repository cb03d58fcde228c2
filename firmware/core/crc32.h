/* CRC-32/IEEE (reflected, polynomial 0xEDB88320, init 0xFFFFFFFF, final xor 0xFFFFFFFF). */
#ifndef TINYHIL_CRC32_H
#define TINYHIL_CRC32_H

#include <stddef.h>
#include <stdint.h>

#define FW_CRC32_INIT 0xFFFFFFFFu

/* Feeds bytes into a running CRC state (start with FW_CRC32_INIT). */
uint32_t fw_crc32_update(uint32_t state, const uint8_t *bytes, size_t count);
/* The finished CRC value of a running state. */
static inline uint32_t fw_crc32_final(uint32_t state) { return state ^ 0xFFFFFFFFu; }
/* CRC-32 of one buffer. */
uint32_t fw_crc32(const uint8_t *bytes, size_t count);

#endif
