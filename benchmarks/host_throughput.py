#!/usr/bin/env python3
"""Host throughput of TinyHIL's C engine against TFLite Micro (Python) and LiteRT, in one run.

Runs the int8 LeNet fixture over the Fashion-MNIST test images (10,000 by default) with:
  - TinyHIL's engine through `tinyhil bench-host` (release build): one thread, and all cores (one interpreter
    per worker, samples split between them);
  - TFLite Micro's Python interpreter (`tflite_micro.runtime`, the reference kernels TinyHIL matches bit for bit);
  - LiteRT (`ai_edge_litert`) with its default kernels and with its reference kernels (OpResolverType.BUILTIN_REF),
    both with num_threads=1.
Every runtime gets the same int8 inputs (pixel/255 quantized like TFLM's QUANTIZE kernel) and is invoked once per
image from a loop (the Python runtimes pay Python's per-call overhead, as their users do). The table also counts
output elements where each runtime differs from TFLM. Not a timed test: it prints numbers.

Usage (from the repository root):
  /root/tfenv/bin/python benchmarks/host_throughput.py [--images 10000] [--repeats 3] [--no-build]
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
from ai_edge_litert.interpreter import Interpreter as LiteRTInterpreter, OpResolverType  # noqa: E402
from tflite_micro import runtime as tflm  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MODEL = os.path.join(ROOT, "fixtures", "models", "lenet_int8.tflite")
IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"


def load_images(n):
    if not os.path.exists(IMAGES):
        sys.exit(f"{IMAGES} is missing: install the Debian package dataset-fashion-mnist")
    with gzip.open(IMAGES, "rb") as f:
        raw = f.read()
    count, rows, cols = (int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
    images = np.frombuffer(raw, np.uint8, count * rows * cols, 16).reshape(count, rows, cols)
    return images[:n]


def quantize_like_tflm(images, scale, zero_point):
    """pixel/255 in float32, then round-half-away-from-zero(x / scale) + zero_point, clamped to int8."""
    x = images.astype(np.float32) / np.float32(255.0)
    v = x / np.float32(scale)
    a = np.abs(v).astype(np.float64)
    r = np.floor(a) + (a - np.floor(a) >= 0.5)
    r = np.where(v < 0, -r, r)
    return np.clip(r + zero_point, -128, 127).astype(np.int8)


def time_loop(run_one, inputs, repeats):
    """Median seconds of `repeats` passes over all inputs (after one untimed warm-up inference) and the outputs."""
    run_one(inputs[0])
    times, outputs = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        outs = [run_one(x) for x in inputs]
        times.append(time.perf_counter() - start)
        outputs = outs
    return sorted(times)[len(times) // 2], np.stack(outputs)


def tflm_runner(model_bytes):
    ip = tflm.Interpreter.from_bytes(model_bytes, arena_size=1 << 20)

    def run(x):
        ip.set_input(x[None], 0)
        ip.invoke()
        return np.array(ip.get_output(0))[0]
    return run


def litert_runner(model_bytes, reference):
    kw = {"experimental_op_resolver_type": OpResolverType.BUILTIN_REF} if reference else {}
    ip = LiteRTInterpreter(model_content=model_bytes, num_threads=1, **kw)
    ip.allocate_tensors()
    i = ip.get_input_details()[0]["index"]
    o = ip.get_output_details()[0]["index"]

    def run(x):
        ip.set_tensor(i, x[None])
        ip.invoke()
        return ip.get_tensor(o)[0].copy()
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--images", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per runtime (median reported)")
    parser.add_argument("--no-build", action="store_true", help="use the existing .build/release/tinyhil")
    args = parser.parse_args()

    with open(args.model, "rb") as f:
        model_bytes = f.read()
    details = LiteRTInterpreter(model_content=model_bytes).get_input_details()[0]
    scale, zero_point = details["quantization"]
    if details["dtype"] != np.int8:
        sys.exit("this benchmark expects an int8-input model")
    images = load_images(args.images)
    inputs = quantize_like_tflm(images, scale, zero_point).reshape((len(images),) + tuple(details["shape"][1:]))

    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "tinyhil"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    tinyhil = os.path.join(ROOT, ".build", "release", "tinyhil")
    with tempfile.TemporaryDirectory() as tmp:
        in_path, out_path = os.path.join(tmp, "inputs.npy"), os.path.join(tmp, "outputs.npy")
        np.save(in_path, inputs)
        result = subprocess.run([tinyhil, "bench-host", args.model, "--inputs", in_path, "--outputs", out_path,
                                 "--repeats", str(args.repeats)], check=True, capture_output=True, text=True)
        ours = json.loads(result.stdout)
        ours_outputs = np.load(out_path)

    rows = []  # (name, inferences/s, outputs or None)
    for run in ours["runs"]:
        label = "TinyHIL engine, 1 thread" if run["workers"] == 1 else f"TinyHIL engine, {run['workers']} threads"
        rows.append((label, run["inferences_per_second"], ours_outputs))
    seconds, tflm_outputs = time_loop(tflm_runner(model_bytes), inputs, args.repeats)
    rows.append(("TFLite Micro (Python)", len(inputs) / seconds, tflm_outputs))
    seconds, outs = time_loop(litert_runner(model_bytes, reference=False), inputs, args.repeats)
    rows.append(("LiteRT default kernels, 1 thread", len(inputs) / seconds, outs))
    seconds, outs = time_loop(litert_runner(model_bytes, reference=True), inputs, args.repeats)
    rows.append(("LiteRT reference kernels, 1 thread", len(inputs) / seconds, outs))

    single = rows[0][1]
    best = max(r[1] for r in rows if r[0].startswith("TinyHIL"))
    print(f"model {os.path.relpath(args.model, ROOT)}, {len(inputs)} Fashion-MNIST test images, "
          f"{ours['cores']} cores, median of {args.repeats} passes")
    print()
    print("| runtime | inferences/s | TinyHIL 1 thread ÷ this | TinyHIL all cores ÷ this | outputs ≠ TFLM |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, ips, outs in rows:
        diff = int(np.count_nonzero(outs.reshape(tflm_outputs.shape) != tflm_outputs))
        print(f"| {name} | {ips:,.0f} | {single / ips:.2f} | {best / ips:.2f} | {diff} of {tflm_outputs.size} |")


if __name__ == "__main__":
    main()
