#!/usr/bin/env python3
"""Bring-up smoke test for the mps2-an385 firmware (Python stdlib only; the real tests are DeviceLink's).

Boots the firmware under QEMU on a Unix socket (QEMU waits for us before starting, so no output is lost),
checks the HELLO test vector of docs/protocol.md, uploads a model, runs INFER on the first input and
compares with the TFLM reference outputs, then optionally INFER_BATCH over many inputs and PROFILE.

    python3 firmware/boards/mps2-an385/smoke.py                       # LeNet int8 fixture, 1 input
    python3 firmware/boards/mps2-an385/smoke.py --batch 1000 --profile
"""
import argparse
import ast
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

HELLO, LOAD_BEGIN, LOAD_CHUNK, LOAD_END, INFER, INFER_BATCH, PROFILE, MARKER, RESET, RUN_WINDOW = range(1, 11)
INPUT_CHUNK, OUTPUT_CHUNK, SELECT, SET_BAUD = range(0x0B, 0x0F)
VERSION = 2
ERROR = 0x7F
ERROR_NAMES = {1: "UNKNOWN_COMMAND", 2: "BAD_LENGTH", 3: "BAD_STATE", 4: "MODEL_TOO_LARGE",
               5: "CHECKSUM_MISMATCH", 6: "MODEL_INVALID", 7: "UNSUPPORTED_OPERATOR", 8: "UNSUPPORTED_TYPE",
               9: "ARENA_TOO_SMALL", 10: "INPUT_SIZE_MISMATCH", 11: "CHUNK_OUT_OF_ORDER",
               12: "VERSION_MISMATCH", 13: "ENGINE_FAILURE", 14: "BATCH_TOO_LARGE", 15: "WINDOW_TOO_LONG",
               16: "BAUD_UNSUPPORTED"}
DTYPES = {0: ("<f4", 4), 2: ("<i4", 4), 3: ("|u1", 1), 7: ("<i2", 2), 9: ("|i1", 1)}


def cobs_encode(data: bytes) -> bytes:
    out, block = bytearray(), bytearray()
    for b in data:
        if b == 0:
            out += bytes([len(block) + 1]) + block
            block = bytearray()
        else:
            block.append(b)
            if len(block) == 254:
                out += b"\xff" + block
                block = bytearray()
    out += bytes([len(block) + 1]) + block
    return bytes(out)


def cobs_decode(data: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(data):
        code = data[i]
        if code == 0 or i + code > len(data):
            raise ValueError("bad COBS")
        out += data[i + 1:i + code]
        i += code
        if code != 0xFF and i < len(data):
            out.append(0)
    return bytes(out)


def encode_frame(msg_type: int, seq: int, payload: bytes, version: int = VERSION) -> bytes:
    body = struct.pack("<BBHH", version, msg_type, seq, len(payload)) + payload
    body += struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)
    return cobs_encode(body) + b"\x00"


class BoardError(Exception):
    pass


class Board:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.seq = 0
        self.buffer = bytearray()
        self.wire_bytes_sent = 0

    def send(self, msg_type: int, payload: bytes = b"") -> int:
        self.seq = self.seq % 0xFFFF + 1
        frame = encode_frame(msg_type, self.seq, payload)
        self.sock.sendall(frame)
        self.wire_bytes_sent += len(frame)
        return self.seq

    def receive(self, seq: int, msg_type: int, timeout: float = 60.0) -> bytes:
        deadline = time.time() + timeout
        while True:
            while b"\x00" not in self.buffer:
                remaining = deadline - time.time()
                if remaining <= 0:
                    raise TimeoutError(f"no reply to type {msg_type:#x} seq {seq}")
                self.sock.settimeout(remaining)
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("board closed the connection")
                self.buffer += chunk
            raw, _, rest = bytes(self.buffer).partition(b"\x00")
            self.buffer = bytearray(rest)
            if not raw:
                continue
            try:
                body = cobs_decode(raw)
            except ValueError:
                print(f"  (dropped non-frame bytes: {raw[:80]!r})")
                continue
            if len(body) < 10 or zlib.crc32(body[:-4]) & 0xFFFFFFFF != struct.unpack("<I", body[-4:])[0]:
                print(f"  (dropped bad frame: {raw[:80]!r})")
                continue
            version, rtype, rseq, length = struct.unpack("<BBHH", body[:6])
            payload = body[6:-4]
            assert length == len(payload), (version, length, len(payload))
            assert version == VERSION or rtype == ERROR, (version, rtype)
            if rseq != seq:
                continue
            if rtype == ERROR:
                code, d0, d1, needed, available, n = struct.unpack("<HiiIIB", payload[:19])
                message = payload[19:19 + n].decode()
                raise BoardError(f"{ERROR_NAMES.get(code, code)} detail0={d0} detail1={d1} "
                                 f"needed={needed} available={available}: {message}")
            assert rtype == msg_type | 0x80, (rtype, msg_type)
            return payload

    def call(self, msg_type: int, payload: bytes = b"", timeout: float = 60.0) -> bytes:
        return self.receive(self.send(msg_type, payload), msg_type, timeout)


def read_string(p: bytes, at: int):
    n = p[at]
    return p[at + 1:at + 1 + n].decode(), at + 1 + n


def parse_hello(p: bytes) -> dict:
    keys = ["protocol_version", "counter_unit", "max_payload", "max_outstanding", "flags", "cpu_hz",
            "ram_bytes", "model_capacity_bytes", "arena_capacity_bytes", "frames_dropped", "boot_count"]
    h = dict(zip(keys, struct.unpack("<BBHBBIIIIII", p[:30])))
    at = 30
    for key in ["firmware_version", "build_id", "board_name", "engine_version"]:
        h[key], at = read_string(p, at)
    count = p[at]
    h["supported_ops"] = list(struct.unpack(f"<{count}H", p[at + 1:at + 1 + 2 * count]))
    at += 1 + 2 * count
    keys = ["slot_count", "selected_slot", "boot_reason", "max_window_inferences", "max_window_ms", "baud_confirm_ms"]
    h.update(zip(keys, struct.unpack("<BBBIII", p[at:at + 15])))
    at += 15
    h["serial_number"] = read_string(p, at)[0] if at < len(p) else ""  # absent from older firmware
    return h


def parse_tensor(p: bytes, at: int):
    ttype, rank = p[at], p[at + 1]
    dims = list(struct.unpack(f"<{rank}i", p[at + 2:at + 2 + 4 * rank]))
    at += 2 + 4 * rank
    scale, zero_point, nbytes = struct.unpack("<fiI", p[at:at + 12])
    return {"type": ttype, "dims": dims, "scale": scale, "zero_point": zero_point, "bytes": nbytes}, at + 12


def parse_model_info(p: bytes) -> dict:
    crc, head, used, ops, n_in, n_out = struct.unpack("<IIIHBB", p[:16])
    info = {"model_crc32": crc, "arena_head_bytes": head, "arena_used_bytes": used, "operator_count": ops,
            "inputs": [], "outputs": []}
    at = 16
    for key, n in (("inputs", n_in), ("outputs", n_out)):
        for _ in range(n):
            t, at = parse_tensor(p, at)
            info[key].append(t)
    return info


def load_npy(path: str):
    """Returns (dtype descr, shape, raw little-endian bytes) of a C-order .npy file."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:6] == b"\x93NUMPY", path
    major = data[6]
    header_len = struct.unpack("<H" if major == 1 else "<I", data[8:10] if major == 1 else data[8:12])[0]
    start = 10 if major == 1 else 12
    header = ast.literal_eval(data[start:start + header_len].decode("latin1"))
    assert not header["fortran_order"], path
    return header["descr"], tuple(header["shape"]), data[start + header_len:]


def load_model(board: Board, model: bytes, chunk_hint: int, slot: int = 0) -> dict:
    capacity, chunk_bytes = struct.unpack("<II", board.call(LOAD_BEGIN, struct.pack("<IIBB", len(model),
                                                                                     zlib.crc32(model), 0, slot)))
    chunk_bytes = min(chunk_bytes, chunk_hint)
    for offset in range(0, len(model), chunk_bytes):
        received, = struct.unpack("<I", board.call(LOAD_CHUNK, struct.pack("<I", offset) +
                                                   model[offset:offset + chunk_bytes]))
        assert received == min(offset + chunk_bytes, len(model)), received
    return parse_model_info(board.call(LOAD_END, timeout=120))


def expect_error(board: Board, name: str, msg_type: int, payload: bytes = b"") -> str:
    try:
        board.call(msg_type, payload)
    except BoardError as e:
        assert str(e).startswith(name), f"expected {name}, got {e}"
        return str(e)
    raise AssertionError(f"expected {name}, got a normal reply")


def protocol_checks(board: Board, model: bytes, first_in: bytes, first_out: bytes, in_bytes: int) -> None:
    """Error paths and the retry rules of docs/protocol.md; leaves `model` loaded."""
    dropped = parse_hello(board.call(HELLO, b"\x02"))["frames_dropped"]
    # A corrupted frame (bad CRC), a truncated COBS block, garbage and an oversized frame are dropped and counted.
    good = bytearray(encode_frame(MARKER, 999, b"\x01"))
    good[3] ^= 0x40
    board.sock.sendall(bytes(good))
    board.sock.sendall(b"\x05\x01\x02\x00")
    board.sock.sendall(b"\xff" * 9000 + b"\x00")
    hello = parse_hello(board.call(HELLO, b"\x02"))
    assert hello["frames_dropped"] == dropped + 3, (dropped, hello["frames_dropped"])
    # Duplicate suppression: same sequence and type -> the previous reply again, without executing.
    seq = board.send(MARKER, b"\x01")
    assert board.receive(seq, MARKER) == b"\x01"
    board.sock.sendall(encode_frame(MARKER, seq, b"\x01"))  # same seq, type and CRC: the reply again
    assert board.receive(seq, MARKER) == b"\x01"
    board.sock.sendall(encode_frame(MARKER, seq, b"\x00"))  # same seq+type, other payload (CRC): a new request
    assert board.receive(seq, MARKER) == b"\x00"
    # Version mismatch (a version 1 peer gets the error framed as version 1), unknown command, short payloads.
    board.sock.sendall(encode_frame(HELLO, 4242, b"\x01", version=1))
    try:
        board.receive(4242, HELLO)
        raise AssertionError("version 1 frame was answered normally")
    except BoardError as e:
        assert str(e).startswith("VERSION_MISMATCH"), e
    expect_error(board, "UNKNOWN_COMMAND", 0x33)
    expect_error(board, "BAD_LENGTH", HELLO)
    expect_error(board, "BAD_LENGTH", LOAD_BEGIN, b"\x01\x02")
    expect_error(board, "UNKNOWN_COMMAND", MARKER, b"\x07")
    # No model: every inference command is BAD_STATE; a failed load leaves no model.
    board.call(RESET, b"\x00")
    assert parse_hello(board.call(HELLO, b"\x02"))["frames_dropped"] == 0
    for t, p in ((INFER, first_in), (PROFILE, b"\x00" + first_in), (RUN_WINDOW, b"\x01\0\0\0" + first_in),
                 (INFER_BATCH, b"\x00\x01\x00" + first_in), (LOAD_CHUNK, b"\0\0\0\0ab"), (LOAD_END, b"")):
        expect_error(board, "BAD_STATE", t, p)
    print("  ", expect_error(board, "MODEL_TOO_LARGE", LOAD_BEGIN, struct.pack("<IIBB", 50 << 20, 0, 0, 0)))
    board.call(LOAD_BEGIN, struct.pack("<IIBB", len(model), zlib.crc32(model) ^ 1, 0, 0))
    board.call(LOAD_CHUNK, struct.pack("<I", 0) + model[:1000])
    assert struct.unpack("<I", board.call(LOAD_CHUNK, struct.pack("<I", 0) + model[:1000]))[0] == 1000  # repeat
    expect_error(board, "CHUNK_OUT_OF_ORDER", LOAD_CHUNK, struct.pack("<I", 5000) + model[5000:6000])
    expect_error(board, "BAD_STATE", LOAD_END)
    for offset in range(1000, len(model), 8000):
        board.call(LOAD_CHUNK, struct.pack("<I", offset) + model[offset:offset + 8000])
    print("  ", expect_error(board, "CHECKSUM_MISMATCH", LOAD_END))
    expect_error(board, "BAD_STATE", INFER, first_in)
    junk = b"\x00" * 64
    board.call(LOAD_BEGIN, struct.pack("<IIBB", len(junk), zlib.crc32(junk), 0, 0))
    board.call(LOAD_CHUNK, struct.pack("<I", 0) + junk)
    print("  ", expect_error(board, "MODEL_INVALID", LOAD_END))
    # Load the real model again; size mismatches and batches too large.
    load_model(board, model, 8188)
    expect_error(board, "INPUT_SIZE_MISMATCH", INFER, first_in[:-1])
    expect_error(board, "INPUT_SIZE_MISMATCH", INFER_BATCH, b"\x00\x02\x00" + first_in)
    expect_error(board, "UNKNOWN_COMMAND", INFER_BATCH, b"\x05\x01\x00" + first_in)
    reply = board.call(INFER, first_in)
    assert reply[12:] == first_out
    one, = struct.unpack("<Q", reply[:8])
    # Top-1 mode agrees with the full output.
    p = board.call(INFER_BATCH, b"\x01\x01\x00" + first_in)
    n, counter, index, value = struct.unpack("<HQIi", p)
    ref = struct.unpack(f"<{len(first_out)}b", first_out)
    assert (index, value) == (ref.index(max(ref)), max(ref)), (index, value, ref)
    assert counter == one
    # RUN_WINDOW: the window's count is close to N x one inference (loop overhead only).
    total, micros, done, stop = struct.unpack("<QIIB", board.call(RUN_WINDOW, struct.pack("<I", 5) + first_in))
    assert (done, stop) == (5, 0), (done, stop)
    assert 0 <= total - 5 * one < 5 * 6000, (total, one)  # + copying the input in each time
    expect_error(board, "WINDOW_TOO_LONG", RUN_WINDOW, struct.pack("<I", 0xFFFFFFFF) + first_in)
    # A window is interrupted by the next byte the host sends: that byte begins the next request.
    print(f"   RUN_WINDOW 5: {total} instructions, {micros} us (5 x INFER = {5 * one})")
    seq = board.send(RUN_WINDOW, struct.pack("<I", 1000000) + first_in)
    time.sleep(1.0)
    hello_seq = board.send(HELLO, b"\x02")
    _, _, done, stop = struct.unpack("<QIIB", board.receive(seq, RUN_WINDOW, timeout=30))
    assert stop == 1 and 0 < done < 1000000, (done, stop)
    parse_hello(board.receive(hello_seq, HELLO))
    print(f"   RUN_WINDOW of 1000000 interrupted after {done} inferences")
    # Inputs and outputs in chunks: the staged input and OUTPUT_CHUNK give the same result as inline INFER.
    half = len(first_in) // 2
    assert struct.unpack("<I", board.call(INPUT_CHUNK, struct.pack("<I", 0) + first_in[:half]))[0] == half
    expect_error(board, "INPUT_SIZE_MISMATCH", INFER)  # staged input incomplete
    assert struct.unpack("<I", board.call(INPUT_CHUNK, struct.pack("<I", half) + first_in[half:]))[0] == len(first_in)
    staged = board.call(INFER)
    assert staged[:8] == reply[:8] and staged[12:] == first_out
    got = board.call(OUTPUT_CHUNK, struct.pack("<IH", 1, len(first_out) - 1))
    assert got[:4] == b"\x01\0\0\0" and got[4:] == first_out[1:], got
    expect_error(board, "BAD_LENGTH", OUTPUT_CHUNK, struct.pack("<IH", 1, len(first_out)))
    # PROFILE with the per-operator marker: same per-operator counts as without it.
    plain = board.call(PROFILE, b"\x00" + first_in)
    marked = board.call(PROFILE, b"\x01" + first_in)
    assert plain[-9:-1] == marked[-9:-1] and marked[-1] == 1, (plain[-9:], marked[-9:])
    # RESET 1 reboots: boot_count goes up, the model is gone.
    boots = parse_hello(board.call(HELLO, b"\x02"))["boot_count"]
    board.call(RESET, b"\x01")
    time.sleep(0.3)
    board.sock.sendall(b"\x00")
    hello = parse_hello(board.call(HELLO, b"\x02"))
    assert hello["boot_count"] == boots + 1, (boots, hello["boot_count"])
    expect_error(board, "BAD_STATE", INFER, first_in)
    load_model(board, model, 8188)
    print("   protocol checks passed")


def start_qemu(elf: str, socket_path: str) -> subprocess.Popen:
    command = ["qemu-system-arm", "-M", "mps2-an385", "-icount", "shift=0", "-nographic", "-monitor", "none",
               "-serial", f"unix:{socket_path},server=on,wait=on", "-kernel", elf]
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def connect(socket_path: str, qemu: subprocess.Popen) -> socket.socket:
    for _ in range(200):
        if qemu.poll() is not None:
            raise RuntimeError(f"QEMU exited: {qemu.stdout.read().decode(errors='replace')}")
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(socket_path)
            return s
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("could not connect to QEMU's serial socket")


def watchdog_check() -> int:
    """A runaway command ends in a watchdog reboot that HELLO shows (boot_count + 1, boot_reason 1)."""
    firmware = os.path.join(REPO, "firmware")
    subprocess.run(["make", "-s", "-C", firmware, "BUILD=build/mps2-an385-watchdog120",
                    "BOARD_DEFINES=-DFW_WATCHDOG_TIMEOUT_MS=120u"], check=True)
    elf = os.path.join(firmware, "build/mps2-an385-watchdog120/firmware.elf")
    with open(os.path.join(REPO, "fixtures/models/lenet_float32.tflite"), "rb") as f:
        model = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        socket_path = os.path.join(tmp, "uart0.sock")
        qemu = start_qemu(elf, socket_path)
        try:
            board = Board(connect(socket_path, qemu))
            before = parse_hello(board.call(HELLO, b"\x02", timeout=30))
            info = load_model(board, model, 8188)
            in_bytes = sum(t["bytes"] for t in info["inputs"])
            seq = board.send(INFER, bytes(in_bytes))
            try:
                board.receive(seq, INFER, timeout=20)
                print("FAIL: an inference longer than the watchdog timeout was answered")
                return 1
            except TimeoutError:
                pass
            board.sock.sendall(b"\x00")
            after = parse_hello(board.call(HELLO, b"\x02", timeout=30))
            print(f"before: boot_count {before['boot_count']} reason {before['boot_reason']}; "
                  f"after: boot_count {after['boot_count']} reason {after['boot_reason']}")
            ok = after["boot_count"] == before["boot_count"] + 1 and after["boot_reason"] == 1
            print("PASS" if ok else "FAIL")
            return 0 if ok else 1
        finally:
            qemu.kill()
            qemu.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--elf", default=os.path.join(REPO, "firmware/build/mps2-an385/firmware.elf"))
    parser.add_argument("--model", default=os.path.join(REPO, "fixtures/models/lenet_int8.tflite"))
    parser.add_argument("--batch", type=int, default=0, help="also run INFER_BATCH over this many inputs")
    parser.add_argument("--profile", action="store_true", help="also run PROFILE on the first input")
    parser.add_argument("--checks", action="store_true", help="also exercise error paths and retry rules")
    parser.add_argument("--chunk", type=int, default=1 << 16, help="largest LOAD_CHUNK data size to use")
    parser.add_argument("--watchdog", action="store_true",
                        help="build a variant with a 120 ms watchdog, run an inference longer than that (the float "
                             "LeNet, ~185 ms of virtual time) and check that the board reboots with boot reason 1")
    args = parser.parse_args()
    if args.watchdog:
        return watchdog_check()

    vector = bytes.fromhex("04 02 01 01 02 01 06 02 59 3f 03 13 00")
    assert encode_frame(HELLO, 1, b"\x02") == vector, "smoke.py's encoder disagrees with docs/protocol.md"

    with tempfile.TemporaryDirectory() as tmp:
        socket_path = os.path.join(tmp, "uart0.sock")
        qemu = start_qemu(args.elf, socket_path)
        try:
            board = Board(connect(socket_path, qemu))
            board.sock.sendall(b"\x00")  # flush the receiver, as a host may
            board.sock.sendall(vector)   # the HELLO test vector, sequence 1
            board.seq = 1
            hello = parse_hello(board.receive(1, HELLO, timeout=30))
            print("HELLO", {k: v for k, v in hello.items() if k != "supported_ops"})
            print("  supported builtin ops:", hello["supported_ops"])
            if not os.path.exists(args.model):
                print(f"SKIP: no model at {args.model}")
                return 0
            with open(args.model, "rb") as f:
                model = f.read()
            started = time.time()
            info = load_model(board, model, min(args.chunk, hello["max_payload"] - 4))
            print(f"LOAD {len(model)} bytes in {time.time() - started:.2f} s:", info)

            base = args.model[:-len(".tflite")]
            in_descr, in_shape, in_raw = load_npy(base + ".inputs.npy")
            out_descr, out_shape, out_raw = load_npy(base + ".tflm_outputs.npy")
            in_bytes = sum(t["bytes"] for t in info["inputs"])
            out_bytes = sum(t["bytes"] for t in info["outputs"])
            assert len(in_raw) == in_shape[0] * in_bytes, (len(in_raw), in_shape, in_bytes)
            assert len(out_raw) == out_shape[0] * out_bytes, (len(out_raw), out_shape, out_bytes)
            first_in, first_out = in_raw[:in_bytes], out_raw[:out_bytes]

            started = time.time()
            reply = board.call(INFER, first_in)
            counter, micros = struct.unpack("<QI", reply[:12])
            ok = reply[12:] == first_out
            print(f"INFER input 0: {counter} instructions, {micros} us virtual, "
                  f"{(time.time() - started) * 1000:.1f} ms wall, output {'MATCHES' if ok else 'DIFFERS FROM'} TFLM")
            failures = 0 if ok else 1
            if not ok:
                print("  board:", list(reply[12:]), "\n  tflm: ", list(first_out))

            if args.checks:
                protocol_checks(board, model, first_in, first_out, in_bytes)

            if args.profile:
                p = board.call(PROFILE, b"\x00" + first_in)
                n, = struct.unpack("<H", p[:2])
                rows = [struct.unpack("<iQ", p[2 + 12 * i:14 + 12 * i]) for i in range(n)]
                total, = struct.unpack("<Q", p[2 + 12 * n:10 + 12 * n])
                print(f"PROFILE: total {total} instructions (INFER said {counter})")
                for i, (code, count) in enumerate(rows):
                    print(f"  op {i:3d} builtin {code:3d}: {count:10d} ({100.0 * count / max(total, 1):5.1f} %)")

            if args.batch:
                count = args.batch  # inputs are reused cyclically when the fixture has fewer
                inputs = in_raw * (-(-count // in_shape[0]))
                outputs = out_raw * (-(-count // in_shape[0]))
                per_request = max(1, (hello["max_payload"] - 3) // in_bytes)
                per_request = min(per_request, (hello["max_payload"] - 2) // (8 + out_bytes))
                started = time.time()
                pending, done, mismatches, counters = [], 0, 0, []
                index = 0
                while done < count:
                    while index < count and len(pending) < hello["max_outstanding"]:
                        n = min(per_request, count - index)
                        seq = board.send(INFER_BATCH, struct.pack("<BH", 0, n) + inputs[index * in_bytes:(index + n) * in_bytes])
                        pending.append((seq, index, n))
                        index += n
                    seq, first, n = pending.pop(0)
                    p = board.receive(seq, INFER_BATCH, timeout=600)
                    assert struct.unpack("<H", p[:2])[0] == n
                    at = 2
                    for k in range(n):
                        counters.append(struct.unpack("<Q", p[at:at + 8])[0])
                        got = p[at + 8:at + 8 + out_bytes]
                        want = outputs[(first + k) * out_bytes:(first + k + 1) * out_bytes]
                        mismatches += got != want
                        at += 8 + out_bytes
                    done += n
                elapsed = time.time() - started
                print(f"INFER_BATCH {count} inputs ({per_request} per request): {mismatches} mismatches, "
                      f"{elapsed:.2f} s wall = {1000 * elapsed / count:.2f} ms per inference, "
                      f"instructions per inference min {min(counters)} max {max(counters)}")
                failures += mismatches
            hello2 = parse_hello(board.call(HELLO, b"\x02"))
            print(f"frames_dropped={hello2['frames_dropped']} boot_count={hello2['boot_count']}")
            print("PASS" if failures == 0 else f"FAIL ({failures} mismatching outputs)")
            return 0 if failures == 0 else 1
        finally:
            qemu.kill()
            qemu.wait()


if __name__ == "__main__":
    sys.exit(main())
