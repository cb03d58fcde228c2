#!/usr/bin/env python3
"""Writes the hand-made hostile-frame scripts of firmware/fuzz/corpus (format: commands_fuzz.c's header).

Each seed names the hostile input class it covers. `make -C firmware/engine commands-test` runs them all under
ASan/UBSan; reproducers of bugs the fuzzer found are kept in the corpus under their own names (not written here).
Run: python3 firmware/fuzz/make_seeds.py  (rewrites only the seed-* files)."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

HELLO, LOAD_BEGIN, LOAD_CHUNK, LOAD_END, INFER, INFER_BATCH, PROFILE, MARKER, RESET, RUN_WINDOW, \
    INPUT_CHUNK, OUTPUT_CHUNK, SELECT, SET_BAUD = range(1, 15)

# fixture models of commands_fuzz.c: 1 add_two_inputs_int8, 2 softmax_float32, 3 dscnn_int8, 4 vww_int8
ADD2, SOFTMAX, DSCNN, VWW = 1, 2, 3, 4
# input bytes of those models (checked by the seeds that need an exact size: a wrong size is just an error)
INPUT_BYTES = {ADD2: 288, SOFTMAX: 160, DSCNN: 784, VWW: 27648}  # outputs: 144, 160, 10, 2


def setup(slot0=0, slot1=0):
    return bytes([slot0 | (slot1 << 3)])


def frame(kind_flags, type_, payload, lie=None):
    kind = 2 if lie is not None else 1
    out = bytes([kind | kind_flags, type_]) + struct.pack("<H", len(payload)) + payload
    if lie is not None:
        out += struct.pack("<H", lie)
    return out


def ok(type_, payload=b""):
    return frame(0, type_, payload)


def raw(data):
    out = b""
    for i in range(0, len(data), 255):
        piece = data[i:i + 255]
        out += bytes([0, len(piece)]) + piece
    return out


def idle(n):
    return bytes([3, n])


u8 = lambda v: struct.pack("<B", v)
u16 = lambda v: struct.pack("<H", v)
u32 = lambda v: struct.pack("<I", v & 0xFFFFFFFF)

BAD_CRC, OLD_VERSION, RETRY, CUT, GLUED = 0x04, 0x08, 0x10, 0x20, 0x80

seeds = {
    # framing
    "bad-crc-hello": setup() + frame(BAD_CRC, HELLO, u8(2)) + ok(HELLO, u8(2)),
    "truncated-frames": setup(DSCNN) + frame(CUT, INFER, bytes(784)) + frame(CUT | 0xC0, HELLO, u8(2))
    + frame(CUT, LOAD_BEGIN, u32(100) + u32(0) + u8(0) + u8(1)),
    "header-length-lies": setup(SOFTMAX) + frame(0, HELLO, u8(2), lie=0xFFFF) + frame(0, INFER, b"\x01" * 40, lie=3)
    + frame(0, LOAD_CHUNK, u32(0), lie=0),
    "oversized-frame": setup() + ok(HELLO, u8(2)) + frame(0, LOAD_CHUNK, u32(0) + bytes(9000)) + ok(HELLO, u8(2)),
    "oversized-raw-no-delimiter": setup(ADD2) + raw(bytes(range(1, 256)) * 40) + ok(HELLO, u8(2)),
    "garbage-then-glued-frame": setup() + raw(b"\x05\x02\x01\x00\x00\x07\xff\xff\x03") + frame(GLUED, HELLO, u8(2))
    + ok(HELLO, u8(2)),
    "cobs-code-past-end": setup() + raw(b"\xff\x02\x00") + raw(b"\x09\x02\x01\x00") + ok(HELLO, u8(2)),
    "wrong-versions": setup() + frame(OLD_VERSION, HELLO, u8(1)) + frame(OLD_VERSION | 0x40, INFER, b"")
    + ok(HELLO, u8(2)),
    "empty-payloads-every-type": setup(DSCNN) + b"".join(ok(t) for t in range(0, 0x80)) + ok(HELLO, u8(2)),
    "unknown-types": setup() + b"".join(ok(t, b"\x00" * 8) for t in (0, 0x0F, 0x10, 0x7E, 0x7F, 0x80, 0x81, 0xFF)),
    "retries-same-sequence": setup(SOFTMAX) + ok(HELLO, u8(2)) + frame(RETRY, HELLO, u8(2))
    + frame(RETRY, HELLO, u8(2)) + frame(RETRY, MARKER, u8(1)) + ok(MARKER, u8(0)),
    # load sessions
    "load-chunk-without-begin": setup() + ok(LOAD_CHUNK, u32(0) + b"abc") + ok(LOAD_END),
    "load-past-declared-size": setup() + ok(LOAD_BEGIN, u32(8) + u32(0) + u8(0) + u8(0))
    + ok(LOAD_CHUNK, u32(0) + bytes(12)) + ok(LOAD_CHUNK, u32(0) + bytes(8)) + ok(LOAD_CHUNK, u32(8) + bytes(1))
    + ok(LOAD_END),
    "load-offset-wraps-32-bits": setup() + ok(LOAD_BEGIN, u32(64) + u32(0) + u8(0) + u8(1))
    + ok(LOAD_CHUNK, u32(0) + bytes(16)) + ok(LOAD_CHUNK, u32(0xFFFFFFF8) + bytes(16))
    + ok(LOAD_CHUNK, u32(0xFFFFFFFF) + bytes(2)) + ok(LOAD_CHUNK, u32(16) + bytes(48)) + ok(LOAD_END),
    "load-larger-than-slot": setup() + ok(LOAD_BEGIN, u32(0xFFFFFFFF) + u32(0) + u8(0) + u8(0))
    + ok(LOAD_BEGIN, u32(64 * 1024 + 1) + u32(0) + u8(0) + u8(0)) + ok(LOAD_CHUNK, u32(0) + bytes(100)),
    "load-zero-bytes": setup() + ok(LOAD_BEGIN, u32(0) + u32(0) + u8(0) + u8(0)) + ok(LOAD_END),
    "load-missing-slot": setup() + ok(LOAD_BEGIN, u32(16) + u32(0) + u8(0) + u8(2))
    + ok(LOAD_BEGIN, u32(16) + u32(0) + u8(0) + u8(255)),
    "load-bad-checksum": setup() + ok(LOAD_BEGIN, u32(16) + u32(1234) + u8(0) + u8(0))
    + ok(LOAD_CHUNK, u32(0) + bytes(16)) + ok(LOAD_END) + ok(LOAD_END),
    "load-garbage-model-valid-crc": setup() + ok(LOAD_BEGIN, u32(16) + u32(0xECBB4B55) + u8(0) + u8(0))
    + ok(LOAD_CHUNK, u32(0) + bytes(16)) + ok(LOAD_END) + ok(SELECT, u8(0)) + ok(INFER),
    "load-end-early": setup() + ok(LOAD_BEGIN, u32(100) + u32(0) + u8(0) + u8(0)) + ok(LOAD_CHUNK, u32(0) + bytes(10))
    + ok(LOAD_END),
    "interleaved-sessions": setup(DSCNN, SOFTMAX) + ok(LOAD_BEGIN, u32(32) + u32(0) + u8(0) + u8(0))
    + ok(LOAD_CHUNK, u32(0) + bytes(16)) + ok(LOAD_BEGIN, u32(32) + u32(0) + u8(0) + u8(1))
    + ok(LOAD_CHUNK, u32(16) + bytes(16)) + ok(SELECT, u8(0)) + ok(SELECT, u8(1)) + ok(INFER) + ok(LOAD_END)
    + ok(HELLO, u8(2)),
    "overwrite-selected-slot": setup(SOFTMAX, DSCNN) + ok(LOAD_BEGIN, u32(100) + u32(0) + u8(0) + u8(1))
    + ok(INFER, bytes(784)) + ok(OUTPUT_CHUNK, u32(0) + u16(16)) + ok(SELECT, u8(1)) + ok(SELECT, u8(0))
    + ok(INFER, b""),
    # slots
    "select-missing-slot": setup(SOFTMAX) + ok(SELECT, u8(1)) + ok(SELECT, u8(2)) + ok(SELECT, u8(255)) + ok(SELECT)
    + ok(INFER),
    # inference with hostile sizes
    "infer-without-model": setup() + ok(INFER, bytes(4)) + ok(INFER_BATCH, u8(0) + u16(1)) + ok(PROFILE, u8(0))
    + ok(RUN_WINDOW, u32(5)) + ok(INPUT_CHUNK, u32(0) + bytes(4)) + ok(OUTPUT_CHUNK, u32(0) + u16(4)),
    "infer-wrong-sizes": setup(DSCNN) + ok(INFER, bytes(489)) + ok(INFER, bytes(491)) + ok(INFER, bytes(784))
    + ok(INFER),
    "infer-batch-huge-count": setup(DSCNN) + ok(INFER_BATCH, u8(0) + u16(0xFFFF) + bytes(784))
    + ok(INFER_BATCH, u8(1) + u16(0xFFFF)) + ok(INFER_BATCH, u8(2) + u16(1) + bytes(784))
    + ok(INFER_BATCH, u8(1) + u16(10) + bytes(784 * 10)) + ok(INFER_BATCH, u8(0) + u16(0)),
    "infer-batch-top1": setup(SOFTMAX) + ok(INFER_BATCH, u8(1) + u16(2) + bytes(320)) + ok(INFER_BATCH, u8(1) + u16(3)),
    "output-chunk-wraps": setup(DSCNN) + ok(OUTPUT_CHUNK, u32(0) + u16(4)) + ok(INFER, bytes(784))
    + ok(OUTPUT_CHUNK, u32(0xFFFFFFFF) + u16(2)) + ok(OUTPUT_CHUNK, u32(0xFFFFFFF0) + u16(0xFFFF))
    + ok(OUTPUT_CHUNK, u32(0) + u16(0xFFFF)) + ok(OUTPUT_CHUNK, u32(9) + u16(1)) + ok(OUTPUT_CHUNK, u32(10) + u16(0)) + ok(OUTPUT_CHUNK, u32(10) + u16(1))
    + ok(OUTPUT_CHUNK, u32(1) + u16(8000)),
    "input-chunk-wraps": setup(VWW) + ok(INPUT_CHUNK, u32(0xFFFFFFFF) + bytes(2)) + ok(INPUT_CHUNK, u32(0xFFFFF000) + bytes(8000))
    + ok(INPUT_CHUNK, u32(27000) + bytes(300)) + ok(INPUT_CHUNK, u32(0) + bytes(8000)) + ok(INPUT_CHUNK, u32(27647) + bytes(2))
    + ok(INPUT_CHUNK, u32(8000) + bytes(8000)) + ok(INPUT_CHUNK, u32(16000) + bytes(8000))
    + ok(INPUT_CHUNK, u32(24000) + bytes(3648)) + ok(INFER) + ok(OUTPUT_CHUNK, u32(0) + u16(2))
    + ok(INPUT_CHUNK, u32(24000) + bytes(3649)) + ok(INFER_BATCH, u8(0) + u16(1)),
    "input-chunk-skips": setup(VWW) + ok(INPUT_CHUNK, u32(100) + bytes(10)) + ok(INFER) + ok(PROFILE, u8(1))
    + ok(RUN_WINDOW, u32(1)),
    "vww-staged-then-reload": setup(VWW) + ok(INPUT_CHUNK, u32(0) + bytes(8000)) + ok(INPUT_CHUNK, u32(8000) + bytes(8000))
    + ok(INPUT_CHUNK, u32(16000) + bytes(8000)) + ok(INPUT_CHUNK, u32(24000) + bytes(3648)) + ok(PROFILE, u8(1)) + ok(PROFILE, u8(2)) + ok(RUN_WINDOW, u32(3)) + ok(LOAD_BEGIN, u32(10) + u32(0) + u8(0) + u8(0))
    + ok(INFER) + ok(INPUT_CHUNK, u32(0) + bytes(4)),
    # windows, markers, reset, baud
    "run-window-absurd-counts": setup(SOFTMAX) + ok(RUN_WINDOW, u32(0xFFFFFFFF)) + ok(RUN_WINDOW, u32(1000001))
    + ok(RUN_WINDOW, u32(1000000)) + ok(RUN_WINDOW, u32(0)) + ok(RUN_WINDOW, u32(3) + bytes(7)),
    "run-window-time-limit": setup(DSCNN) + ok(RUN_WINDOW, u32(1000000) + bytes(784)),
    "marker-reset-baud": setup(ADD2) + ok(MARKER, u8(2)) + ok(MARKER, u8(1)) + ok(RESET, u8(7)) + ok(RESET, u8(0))
    + ok(INFER) + ok(SET_BAUD, u32(0)) + ok(SET_BAUD, u32(0xFFFFFFFF)) + ok(SET_BAUD, u32(921600)) + idle(40)
    + ok(HELLO, u8(2)),
    "reset-reboot-mid-stream": setup(SOFTMAX, DSCNN) + ok(RESET, u8(1)) + ok(SELECT, u8(0)) + ok(INFER)
    + ok(RESET, u8(1)) + frame(RETRY, RESET, u8(1)) + ok(HELLO, u8(2)),
    "profile-modes": setup(DSCNN) + ok(PROFILE, u8(0) + bytes(784)) + ok(PROFILE, u8(1) + bytes(784))
    + ok(PROFILE, u8(9)) + ok(PROFILE, u8(0) + bytes(3)),
}

os.makedirs(CORPUS, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(CORPUS, "seed-" + name), "wb") as f:
        f.write(data)
print(f"wrote {len(seeds)} seeds to {CORPUS}")
