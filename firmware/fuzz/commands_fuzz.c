/* Fuzz target for firmware/core's command layer (frame receiver, duplicate suppression, command dispatch, load
 * sessions, slots, chunked input/output, RUN_WINDOW, SET_BAUD, RESET) built for the host with host_board.c.
 *
 * An input is a small script (so that the fuzzer gets past the CRC-32 and reaches the commands):
 *   byte 0   setup: bits 0-2 the fixture model loaded into slot 0 first (0 = none, 1..FUZZ_MODEL_COUNT),
 *            bits 3-5 the model loaded into slot 1 afterwards (it is then the selected one). The loads are
 *            well-formed LOAD_BEGIN/CHUNK/END frames, checked to succeed.
 *   then records, each starting with an op byte whose low 2 bits are the kind:
 *     0 RAW     u8 n, then n bytes fed to the UART as they are
 *     1 FRAME   u8 type, u16 payload length (cut to what is left), payload: framed with a correct header and CRC,
 *               changed by the op byte's flags: 0x04 flip a CRC bit, 0x08 header version 1 or 3 (op bit 0x40),
 *               0x10 reuse the previous sequence number (a retry), 0x20 cut 1-4 bytes off the end (op bits 6-7),
 *               0x80 no leading 0x00 (a frame glued to what came before)
 *     2 LIE     like FRAME, but the header's payload_length is the u16 that follows the payload (CRC correct)
 *     3 IDLE    u8 n: n polls with nothing to read (lets a SET_BAUD trial time out)
 * After the script a HELLO is sent. Checks beyond ASan/UBSan: every reply is a well-formed frame (COBS, length,
 * CRC-32, payload <= max_payload) of an expected type with a well-formed ERROR payload; every intact frame gets
 * exactly one reply and no damaged frame gets one; the final HELLO answers with the boot count the host board
 * counted; nothing outside the slots and the arena changed (guard bytes).
 * Build and run: make -C firmware/engine fuzz-commands (docs/security.md). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands_fuzz.h"
#include "firmware.h"
#include "host_board.h"
#include "protocol.h"

#ifndef FUZZ_FIXTURES_DIR
#define FUZZ_FIXTURES_DIR "fixtures"
#endif

static const char *const model_files[FUZZ_MODEL_COUNT] = {
    "ops/add_two_inputs_int8.tflite", /* two inputs */
    "ops/softmax_float32.tflite",     /* FLOAT32 in and out */
    "models/dscnn_int8.tflite",       /* larger model, several LOAD_CHUNKs */
    "models/vww_int8.tflite",         /* 9,216-byte input: only INPUT_CHUNK can deliver it */
};

typedef struct fuzz_model {
    uint8_t *bytes;
    uint32_t size;
    uint32_t crc32;
} fuzz_model;

static fuzz_model models[FUZZ_MODEL_COUNT];
static uint32_t crc32_bitwise(const uint8_t *bytes, size_t count);

static void fail(const char *what) {
    fprintf(stderr, "commands_fuzz: %s\n", what);
    abort();
}

static void load_models(void) {
    static int loaded;
    if (loaded) {
        return;
    }
    loaded = 1;
    const char *dir = getenv("TINYHIL_FIXTURES");
    for (uint32_t m = 0; m < FUZZ_MODEL_COUNT; m++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : FUZZ_FIXTURES_DIR, model_files[m]);
        FILE *f = fopen(path, "rb");
        if (f == NULL) {
            fprintf(stderr, "commands_fuzz: cannot open %s (set TINYHIL_FIXTURES to the fixtures folder)\n", path);
            exit(2);
        }
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        models[m].bytes = (uint8_t *)malloc((size_t)size);
        if (models[m].bytes == NULL || fread(models[m].bytes, 1, (size_t)size, f) != (size_t)size) {
            fail("cannot read a fixture model");
        }
        models[m].size = (uint32_t)size;
        models[m].crc32 = crc32_bitwise(models[m].bytes, models[m].size);
        fclose(f);
    }
}

/* ---- an independent frame encoder and decoder (not firmware/core's) ---- */

static uint32_t crc32_bitwise(const uint8_t *bytes, size_t count) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < count; i++) {
        c ^= bytes[i];
        for (int k = 0; k < 8; k++) {
            c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        }
    }
    return ~c;
}

static void put_u16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put_u32(uint8_t *p, uint32_t v) {
    put_u16(p, v);
    put_u16(p + 2, v >> 16);
}
static uint32_t get_u16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
static uint32_t get_u32(const uint8_t *p) { return get_u16(p) | (get_u16(p + 2) << 16); }

/* COBS-encodes `raw` and queues it, followed by the 0x00 delimiter. */
static void queue_cobs(const uint8_t *raw, size_t count) {
    static uint8_t encoded[2 * 70000];
    size_t out = 1, code_at = 0;
    uint8_t code = 1;
    for (size_t i = 0; i < count; i++) {
        if (raw[i] == 0) {
            encoded[code_at] = code;
            code_at = out++;
            code = 1;
        } else {
            encoded[out++] = raw[i];
            if (++code == 0xFF) {
                encoded[code_at] = code;
                code_at = out++;
                code = 1;
            }
        }
    }
    encoded[code_at] = code;
    encoded[out++] = 0;
    host_board_queue(encoded, out);
}

typedef struct frame_plan {
    uint8_t version;
    uint8_t type;
    uint16_t sequence;
    uint32_t declared_length; /* header payload_length */
    const uint8_t *payload;
    uint32_t payload_length;
    int flip_crc;
    uint32_t cut_bytes;
    int resync; /* a 0x00 first */
} frame_plan;

static void queue_frame(const frame_plan *p) {
    static uint8_t raw[6 + 65535 + 4];
    raw[0] = p->version;
    raw[1] = p->type;
    put_u16(raw + 2, p->sequence);
    put_u16(raw + 4, p->declared_length);
    if (p->payload_length > 0u) memcpy(raw + 6, p->payload, p->payload_length);
    uint32_t body = 6u + p->payload_length;
    put_u32(raw + body, crc32_bitwise(raw, body) ^ (p->flip_crc ? 0x00010000u : 0u));
    if (p->resync) {
        static const uint8_t zero = 0;
        host_board_queue(&zero, 1);
    }
    queue_cobs(raw, body + 4u - p->cut_bytes);
}

/* ---- reply checks ---- */

typedef struct reply_log {
    uint32_t count;
    uint8_t last_type;
    uint8_t last_payload[FW_MAX_PAYLOAD_BYTES];
    uint32_t last_length;
} reply_log;

static void check_reply(const uint8_t *frame, uint32_t length, reply_log *log) {
    if (length < 10u) fail("reply shorter than a header and a CRC");
    uint32_t payload_length = get_u16(frame + 4);
    if (payload_length + 10u != length) fail("reply header length differs from the frame's");
    if (payload_length > FW_MAX_PAYLOAD_BYTES) fail("reply larger than max_payload");
    if (crc32_bitwise(frame, length - 4u) != get_u32(frame + length - 4u)) fail("reply CRC-32 wrong");
    uint8_t type = frame[1];
    const uint8_t *payload = frame + 6;
    if (type == FW_MSG_ERROR) {
        if (payload_length < 19u) fail("ERROR payload shorter than code, details and a string length");
        uint32_t code = get_u16(payload);
        if (code < FW_ERR_UNKNOWN_COMMAND || code > FW_ERR_BAUD_UNSUPPORTED) fail("ERROR code outside the protocol");
        if (19u + payload[18] != payload_length) fail("ERROR message length differs from the payload");
        if (payload[18] == 0u) fail("ERROR without a message");
        if (frame[0] != FW_PROTOCOL_VERSION && code != FW_ERR_VERSION_MISMATCH) fail("reply of another version");
    } else {
        if ((type & FW_MSG_REPLY_BIT) == 0u || (type & 0x7Fu) < FW_MSG_HELLO || (type & 0x7Fu) > FW_MSG_SET_BAUD) {
            fail("reply of a type that is neither a request's reply nor ERROR");
        }
        if (frame[0] != FW_PROTOCOL_VERSION) fail("non-ERROR reply of another protocol version");
    }
    if (getenv("TINYHIL_FUZZ_TRACE") != NULL) {
        if (type == FW_MSG_ERROR) {
            fprintf(stderr, "  reply ERROR %u: %.*s\n", get_u16(payload), payload[18], (const char *)payload + 19);
        } else {
            fprintf(stderr, "  reply 0x%02X, %u bytes\n", type, payload_length);
        }
    }
    log->count++;
    log->last_type = type;
    log->last_length = payload_length;
    memcpy(log->last_payload, payload, payload_length);
}

/* Decodes everything the board wrote since the last call into frames and checks each. */
static void collect_replies(reply_log *log) {
    size_t count;
    const uint8_t *out = host_board_output(&count);
    static uint8_t frame[FW_MAX_PAYLOAD_BYTES + 10u];
    uint32_t length = 0;
    size_t i = 0;
    while (i < count) {
        uint8_t code = out[i++];
        if (code == 0) { /* a delimiter */
            if (length != 0) fail("reply bytes before a delimiter that do not end a block");
            continue;
        }
        for (uint32_t k = 1; k < code; k++) {
            if (i >= count || out[i] == 0) fail("reply COBS block cut short");
            if (length >= sizeof frame) fail("reply longer than max_payload + 10");
            frame[length++] = out[i++];
        }
        if (i >= count) fail("reply without a delimiter");
        if (out[i] == 0) {
            i++;
            check_reply(frame, length, log);
            length = 0;
        } else if (code != 0xFF) {
            if (length >= sizeof frame) fail("reply longer than max_payload + 10");
            frame[length++] = 0;
        }
    }
    host_board_take_output();
}

/* ---- running the firmware ---- */

static int started;

/* Polls until the queue is empty, restarting the core after a board_reboot (RESET 1). */
static void run_queue(uint32_t polls_after) {
    volatile uint32_t extra_polls = polls_after; /* survives the longjmp */
    if (setjmp(host_board_reboot_target) != 0) {
        fw_start(); /* the board rebooted: the core starts afresh, slot contents stay */
    }
    if (!started) {
        started = 1;
        fw_start();
    }
    while (host_board_queued() > 0) {
        fw_poll();
    }
    while (extra_polls-- > 0) {
        fw_poll();
    }
}

static uint16_t next_sequence;

static void send_ok(uint8_t type, const uint8_t *payload, uint32_t length, reply_log *log) {
    frame_plan p = {FW_PROTOCOL_VERSION, type, next_sequence++, length, payload, length, 0, 0, 1};
    queue_frame(&p);
    uint32_t before = log->count;
    run_queue(0);
    collect_replies(log);
    if (log->count != before + 1u) fail("a well-formed setup frame got no reply or more than one");
}

static void load_model(uint32_t slot, const fuzz_model *m, reply_log *log) {
    uint8_t begin[10];
    put_u32(begin, m->size);
    put_u32(begin + 4, m->crc32);
    begin[8] = 0;
    begin[9] = (uint8_t)slot;
    send_ok(FW_MSG_LOAD_BEGIN, begin, sizeof begin, log);
    if (log->last_type != (FW_MSG_LOAD_BEGIN | FW_MSG_REPLY_BIT)) fail("setup LOAD_BEGIN refused");
    static uint8_t chunk[4 + 4096];
    for (uint32_t at = 0; at < m->size; at += 4096u) {
        uint32_t n = m->size - at < 4096u ? m->size - at : 4096u;
        put_u32(chunk, at);
        memcpy(chunk + 4, m->bytes + at, n);
        send_ok(FW_MSG_LOAD_CHUNK, chunk, 4u + n, log);
        if (log->last_type != (FW_MSG_LOAD_CHUNK | FW_MSG_REPLY_BIT)) fail("setup LOAD_CHUNK refused");
    }
    send_ok(FW_MSG_LOAD_END, NULL, 0, log);
    if (log->last_type != (FW_MSG_LOAD_END | FW_MSG_REPLY_BIT)) fail("setup LOAD_END refused a fixture model");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    load_models();
    host_board_reset();
    started = 0;
    next_sequence = 1;
    static reply_log log;
    log.count = 0;
    if (size == 0) {
        return 0;
    }
    uint32_t first = data[0] & 7u, second = (data[0] >> 3) & 7u;
    if (first >= 1u && first <= FUZZ_MODEL_COUNT) load_model(0, &models[first - 1u], &log);
    if (second >= 1u && second <= FUZZ_MODEL_COUNT) load_model(1, &models[second - 1u], &log);

    uint32_t expected = log.count; /* replies owed so far */
    int exact = 1;                 /* no RAW bytes or glued frames: the count of replies is known exactly */
    int after_raw = 0;
    size_t i = 1;
    while (i < size) {
        uint8_t op = data[i++];
        uint8_t kind = op & 3u;
        if (kind == 0u) {
            uint32_t n = i < size ? data[i++] : 0u;
            if (n > size - i) n = (uint32_t)(size - i);
            host_board_queue(data + i, n);
            i += n;
            exact = 0;
            after_raw = 1;
            run_queue(0);
            continue;
        }
        if (kind == 3u) {
            uint32_t n = i < size ? data[i++] : 0u;
            run_queue(n);
            continue;
        }
        if (size - i < 3u) break;
        frame_plan p;
        p.type = data[i];
        uint32_t length = get_u16(data + i + 1);
        i += 3;
        if (length > size - i) length = (uint32_t)(size - i);
        p.payload = data + i;
        p.payload_length = length;
        i += length;
        p.declared_length = length;
        if (kind == 2u) {
            if (size - i >= 2u) {
                p.declared_length = get_u16(data + i);
                i += 2;
            }
        }
        p.version = (op & 0x08u) ? ((op & 0x40u) ? 3u : 1u) : FW_PROTOCOL_VERSION;
        p.flip_crc = (op & 0x04u) != 0;
        p.sequence = (op & 0x10u) ? (uint16_t)(next_sequence - 1u) : next_sequence++;
        p.cut_bytes = (op & 0x20u) ? 1u + (op >> 6) : 0u;
        p.resync = (op & 0x80u) == 0u;
        int intact = !p.flip_crc && p.cut_bytes == 0u && p.declared_length == p.payload_length &&
                     p.payload_length <= FW_MAX_PAYLOAD_BYTES;
        if (!p.resync && after_raw) {
            exact = 0; /* glued to raw bytes: whether it arrives intact depends on them */
        } else if (intact) {
            expected++;
        }
        after_raw = 0;
        queue_frame(&p);
        run_queue(0);
        collect_replies(&log);
        if (exact && log.count != expected) {
            fprintf(stderr, "commands_fuzz: %u replies where %u frames were intact\n", log.count, expected);
            fail("every intact frame gets exactly one reply, a damaged one none");
        }
    }
    collect_replies(&log);
    if (!exact && log.count < expected) fail("an intact frame got no reply");

    uint8_t hello_payload[1] = {FW_PROTOCOL_VERSION};
    frame_plan hello = {FW_PROTOCOL_VERSION, FW_MSG_HELLO, (uint16_t)(next_sequence + 7u), 1, hello_payload, 1, 0, 0, 1};
    uint32_t before = log.count;
    queue_frame(&hello);
    run_queue(0);
    collect_replies(&log);
    if (log.count != before + 1u || log.last_type != (FW_MSG_HELLO | FW_MSG_REPLY_BIT)) {
        fail("the board does not answer HELLO after the script");
    }
    /* HELLO: u8 version, u8 unit, u16 max_payload, u8 outstanding, u8 flags, 4 x u32, u32 dropped, u32 boots */
    if (log.last_length < 30u || get_u32(log.last_payload + 26) != host_board_stats_now()->boots) {
        fail("HELLO's boot count differs from the boots the host board counted");
    }
    host_board_check_guards();
    return 0;
}
