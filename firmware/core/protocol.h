/* Wire protocol version 1 constants (docs/protocol.md is the contract). */
#ifndef TINYHIL_PROTOCOL_H
#define TINYHIL_PROTOCOL_H

#define FW_PROTOCOL_VERSION 1u
#define FW_HEADER_BYTES 6u
#define FW_CRC_BYTES 4u
#define FW_FRAME_OVERHEAD_BYTES (FW_HEADER_BYTES + FW_CRC_BYTES)

/* Largest payload this firmware accepts and sends (announced in HELLO). */
#ifndef FW_MAX_PAYLOAD_BYTES
#define FW_MAX_PAYLOAD_BYTES 8192u
#endif
/* The watchdog reboots a board whose main loop stops feeding it for this long (one inference must finish
 * within it; long commands feed it between inferences). */
#ifndef FW_WATCHDOG_TIMEOUT_MS
#define FW_WATCHDOG_TIMEOUT_MS 5000u
#endif
/* INFER_BATCH requests the host may have in flight. */
#define FW_MAX_OUTSTANDING 2u

enum fw_message_type {
    FW_MSG_HELLO = 0x01,
    FW_MSG_LOAD_BEGIN = 0x02,
    FW_MSG_LOAD_CHUNK = 0x03,
    FW_MSG_LOAD_END = 0x04,
    FW_MSG_INFER = 0x05,
    FW_MSG_INFER_BATCH = 0x06,
    FW_MSG_PROFILE = 0x07,
    FW_MSG_MARKER = 0x08,
    FW_MSG_RESET = 0x09,
    FW_MSG_RUN_WINDOW = 0x0A,
    FW_MSG_ERROR = 0x7F,
    FW_MSG_REPLY_BIT = 0x80
};

enum fw_error_code {
    FW_ERR_UNKNOWN_COMMAND = 1,
    FW_ERR_BAD_LENGTH = 2,
    FW_ERR_BAD_STATE = 3,
    FW_ERR_MODEL_TOO_LARGE = 4,
    FW_ERR_CHECKSUM_MISMATCH = 5,
    FW_ERR_MODEL_INVALID = 6,
    FW_ERR_UNSUPPORTED_OPERATOR = 7,
    FW_ERR_UNSUPPORTED_TYPE = 8,
    FW_ERR_ARENA_TOO_SMALL = 9,
    FW_ERR_INPUT_SIZE_MISMATCH = 10,
    FW_ERR_CHUNK_OUT_OF_ORDER = 11,
    FW_ERR_VERSION_MISMATCH = 12,
    FW_ERR_ENGINE_FAILURE = 13,
    FW_ERR_BATCH_TOO_LARGE = 14
};

#endif
