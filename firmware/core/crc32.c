#include "crc32.h"

/* Byte-wise table for the reflected polynomial 0xEDB88320, built at compile time by the macros below. */
#define FW_CRC_STEP(c) (((c) & 1u) ? (((c) >> 1) ^ 0xEDB88320u) : ((c) >> 1))
#define FW_CRC_ENTRY(n) FW_CRC_STEP(FW_CRC_STEP(FW_CRC_STEP(FW_CRC_STEP( \
                        FW_CRC_STEP(FW_CRC_STEP(FW_CRC_STEP(FW_CRC_STEP((uint32_t)(n)))))))))
#define FW_CRC_ROW4(n) FW_CRC_ENTRY(n), FW_CRC_ENTRY((n) + 1), FW_CRC_ENTRY((n) + 2), FW_CRC_ENTRY((n) + 3)
#define FW_CRC_ROW16(n) FW_CRC_ROW4(n), FW_CRC_ROW4((n) + 4), FW_CRC_ROW4((n) + 8), FW_CRC_ROW4((n) + 12)
#define FW_CRC_ROW64(n) FW_CRC_ROW16(n), FW_CRC_ROW16((n) + 16), FW_CRC_ROW16((n) + 32), FW_CRC_ROW16((n) + 48)

static const uint32_t crc_table[256] = {
    FW_CRC_ROW64(0), FW_CRC_ROW64(64), FW_CRC_ROW64(128), FW_CRC_ROW64(192)
};

uint32_t fw_crc32_update(uint32_t state, const uint8_t *bytes, size_t count) {
    for (size_t i = 0; i < count; i++) {
        state = crc_table[(state ^ bytes[i]) & 0xFFu] ^ (state >> 8);
    }
    return state;
}

uint32_t fw_crc32(const uint8_t *bytes, size_t count) {
    return fw_crc32_final(fw_crc32_update(FW_CRC32_INIT, bytes, count));
}
