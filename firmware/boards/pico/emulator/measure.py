#!/usr/bin/env python3
"""Measures the emulated Pico: boots the UF2 in run_pico.py, checks HELLO, loads a model into the flash store,
runs INFER on the first fixture input, compares with the TFLite Micro reference outputs and prints the cycle
count and the emulator's speed (emulated cycles per wall second). Reuses the protocol helpers of the
mps2-an385 bring-up script (same protocol). Python standard library only, plus the emulator environment.

    $TINYHIL_PYTHON firmware/boards/pico/emulator/measure.py [--uf2 firmware/build/pico/firmware.uf2]
        [--model fixtures/models/lenet_int8.tflite] [--markers edges.csv]
"""
import argparse
import importlib.util
import os
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
_spec = importlib.util.spec_from_file_location("smoke", os.path.join(REPO, "firmware/boards/mps2-an385/smoke.py"))
smoke = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(smoke)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uf2", default=os.path.join(REPO, "firmware/build/pico/firmware.uf2"))
    parser.add_argument("--model", default=os.path.join(REPO, "fixtures/models/lenet_int8.tflite"))
    parser.add_argument("--markers", default=None, help="also write GP22 edges here")
    args = parser.parse_args()

    command = [sys.executable, os.path.join(HERE, "run_pico.py"), args.uf2]
    if args.markers:
        command += ["--markers", args.markers]
    runner = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    first = runner.stdout.readline().strip()
    if not first.startswith("listening tcp://"):
        print(f"runner did not start: {first!r}", file=sys.stderr)
        return 1
    port = int(first.rsplit(":", 1)[1])
    lines = []
    threading.Thread(target=lambda: lines.extend(l.strip() for l in runner.stdout), daemon=True).start()
    board = smoke.Board(socket.create_connection(("127.0.0.1", port)))
    try:
        hello = smoke.parse_hello(board.call(smoke.HELLO, b"\x01", timeout=60))
        print("HELLO", {k: v for k, v in hello.items() if k != "supported_ops"})
        with open(args.model, "rb") as f:
            model = f.read()
        started = time.time()
        info = smoke.load_model(board, model, hello["max_payload"] - 4)
        print(f"LOAD {len(model)} bytes into flash in {time.time() - started:.1f} s wall")
        base = args.model[:-len(".tflite")]
        _, in_shape, in_raw = smoke.load_npy(base + ".inputs.npy")
        _, _, out_raw = smoke.load_npy(base + ".tflm_outputs.npy")
        in_bytes = sum(t["bytes"] for t in info["inputs"])
        out_bytes = sum(t["bytes"] for t in info["outputs"])
        started = time.time()
        reply = board.call(smoke.INFER, in_raw[:in_bytes], timeout=600)
        wall = time.time() - started
        cycles, micros = struct.unpack("<QI", reply[:12])
        same = reply[12:] == out_raw[:out_bytes]
        print(f"INFER {os.path.basename(args.model)} input 0: {cycles} cycles = {micros} us at 125 MHz, output "
              f"{'bit-identical to' if same else 'DIFFERS FROM'} TFLite Micro; {wall:.2f} s wall = "
              f"{cycles / wall / 1e6:.2f} M emulated cycles per second (inference only)")
        return 0 if same else 1
    finally:
        board.sock.close()
        runner.wait(timeout=30)
        time.sleep(0.1)
        for line in lines:
            print("runner:", line)
            if line.startswith("stats "):
                fields = dict(field.split("=") for field in line.split()[1:])
                cycles, cpu = int(fields["cycles"]), float(fields["cpu_seconds"])
                print(f"emulator speed over the whole run: {cycles / cpu / 1e6:.2f} M cycles per CPU second "
                      f"({cycles / float(fields['seconds']) / 1e6:.2f} M per wall second on this machine's load)")


if __name__ == "__main__":
    sys.exit(main())
