/* Wire protocol version 2 constants (docs/protocol.md is the contract). */
#ifndef TINYHIL_PROTOCOL_H
#define TINYHIL_PROTOCOL_H

#define FW_PROTOCOL_VERSION 2u
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
/* RUN_WINDOW bounds: more inferences than this is refused (WINDOW_TOO_LONG); a window that has run this long
 * in board time stops early (stop_reason 2). Both stay far below what the watchdog would allow per inference. */
#define FW_MAX_WINDOW_INFERENCES 1000000u
#define FW_MAX_WINDOW_MS 600000u
/* After SET_BAUD the board returns to its previous rate unless a valid frame arrives within this time. */
#define FW_BAUD_CONFIRM_MS 2000u
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
    FW_MSG_INPUT_CHUNK = 0x0B,
    FW_MSG_OUTPUT_CHUNK = 0x0C,
    FW_MSG_SELECT = 0x0D,
    FW_MSG_SET_BAUD = 0x0E,
    FW_MSG_ERROR = 0x7F,
    FW_MSG_REPLY_BIT = 0x80
};

/* RUN_WINDOW stop reasons (v2 reply). */
#define FW_WINDOW_COMPLETE 0u
#define FW_WINDOW_INTERRUPTED 1u /* a byte from the host arrived: the window stopped early */
#define FW_WINDOW_TIME_LIMIT 2u  /* FW_MAX_WINDOW_MS of board time passed */

/* PROFILE marker modes (v2). */
#define FW_PROFILE_MARKER_OFF 0u
#define FW_PROFILE_MARKER_PER_OPERATOR 1u /* the marker toggles at every operator boundary */

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
    FW_ERR_BATCH_TOO_LARGE = 14,
    FW_ERR_WINDOW_TOO_LONG = 15,
    FW_ERR_BAUD_UNSUPPORTED = 16
};

#endif
