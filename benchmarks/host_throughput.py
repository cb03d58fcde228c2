#!/usr/bin/env python3
"""Host throughput of TinyHIL's C engine against TFLite Micro (Python) and LiteRT, in one run.

Runs the int8 LeNet fixture over the Fashion-MNIST test images (10,000 by default) with:
  - TinyHIL's engine through `tinyhil bench-host` (release build): one thread, and all cores (one interpreter
    per worker, samples split between them), with the best vector kernels the CPU has; then one thread with the
    kernels capped at AVX2 and at the baseline (SSE2), i.e. what a CPU without AVX-512 VNNI or AVX2 would run;
  - TFLite Micro's Python interpreter (`tflite_micro.runtime`, the reference kernels TinyHIL matches bit for bit);
  - LiteRT (`ai_edge_litert`) with its default kernels and with its reference kernels (OpResolverType.BUILTIN_REF),
    both with num_threads=1, and LiteRT's default kernels once more calling only invoke() (input set once).
Every runtime gets the same int8 inputs (pixel/255 quantized like TFLM's QUANTIZE kernel) and is invoked once per
image from a loop (the Python runtimes pay Python's per-call overhead, as their users do; the invoke()-only row
shows LiteRT without most of it). The machine's speed drifts, so every runtime makes one timed pass per round,
rounds are interleaved, and each ratio is the median of the per-round ratios. The table also counts output
elements where each runtime differs from TFLM. Not a timed test: it prints numbers.

Usage (from the repository root):
  .venv-tinyhil/bin/python benchmarks/host_throughput.py [--images 10000] [--rounds 5] [--no-build]
  (.venv-tinyhil/ is made by ci/install-deps, or ci/python-env alone; any Python with tflite-micro and ai-edge-litert
  works too)
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


def time_pass(run_one, inputs):
    """Seconds for one pass over all inputs (one call per image) and the stacked outputs."""
    start = time.perf_counter()
    outs = [run_one(x) for x in inputs]
    return time.perf_counter() - start, np.stack(outs)


def invoke_only_runner(model_bytes, first_input):
    """LiteRT's kernels without the per-image set_tensor/get_tensor: the input is set once and run() only calls
    invoke() (still one Python call per inference). A lower bound on LiteRT's time per image."""
    ip = LiteRTInterpreter(model_content=model_bytes, num_threads=1)
    ip.allocate_tensors()
    ip.set_tensor(ip.get_input_details()[0]["index"], first_input[None])

    def run(_):
        ip.invoke()
        return np.zeros(1, np.int8)
    return run


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


def bench_tinyhil(tinyhil, model, in_path, out_path, kernels, single_thread):
    """One `tinyhil bench-host` pass (after its untimed warm-up pass): (kernels in effect, {workers: ips})."""
    command = [tinyhil, "bench-host", model, "--inputs", in_path, "--outputs", out_path, "--repeats", "1",
               "--kernels", kernels] + (["--single-thread"] if single_thread else [])
    ours = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    return ours["kernels"], ours["cores"], {run["workers"]: run["inferences_per_second"] for run in ours["runs"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--images", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5,
                        help="interleaved rounds; every runtime makes one timed pass per round")
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
    python_runtimes = [
        ("LiteRT default kernels, 1 thread", litert_runner(model_bytes, reference=False)),
        ("LiteRT default kernels, 1 thread, invoke() only", invoke_only_runner(model_bytes, inputs[0])),
        ("TFLite Micro (Python)", tflm_runner(model_bytes)),
        ("LiteRT reference kernels, 1 thread", litert_runner(model_bytes, reference=True)),
    ]
    for _, run in python_runtimes:
        run(inputs[0])  # warm-up
    speeds = {}   # name -> [inferences/s per round]
    outputs = {}  # name -> outputs (None: not comparable)
    order = []
    with tempfile.TemporaryDirectory() as tmp:
        in_path, out_path = os.path.join(tmp, "inputs.npy"), os.path.join(tmp, "outputs.npy")
        np.save(in_path, inputs)
        for round_index in range(args.rounds):
            # ours first, LiteRT's default kernels right after: the pair compared most closely runs back to back
            tiers_seen = set()
            tinyhil_rows = []
            for kernels in ("avx512-vnni", "avx2", "baseline"):
                tier, cores, runs = bench_tinyhil(tinyhil, args.model, in_path, out_path, kernels,
                                                  single_thread=kernels != "avx512-vnni")
                if tier in tiers_seen:
                    continue  # the CPU lacks this tier: the run above already used the best it has
                tiers_seen.add(tier)
                for workers, ips in sorted(runs.items()):
                    threads = "1 thread" if workers == 1 else f"{workers} threads"
                    tinyhil_rows.append((f"TinyHIL engine, {threads}, {tier} kernels", ips, np.load(out_path)))
                if kernels == "avx512-vnni":
                    seconds, outs = time_pass(python_runtimes[0][1], inputs)
                    tinyhil_rows.append((python_runtimes[0][0], len(inputs) / seconds, outs))
            for name, run in python_runtimes[1:]:
                seconds, outs = time_pass(run, inputs)
                tinyhil_rows.append((name, len(inputs) / seconds, None if "invoke() only" in name else outs))
            for name, ips, outs in tinyhil_rows:
                if name not in speeds:
                    order.append(name)
                    speeds[name] = []
                speeds[name].append(ips)
                outputs[name] = outs
            print(f"round {round_index + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    tflm_outputs = outputs["TFLite Micro (Python)"]
    reference = order[0]  # TinyHIL, 1 thread, best kernels
    all_cores = max((n for n in order if n.startswith("TinyHIL")), key=lambda n: np.median(speeds[n]))
    print(f"model {os.path.relpath(args.model, ROOT)}, {len(inputs)} Fashion-MNIST test images, {cores} cores, "
          f"{args.rounds} interleaved rounds (medians; ratios are medians of per-round ratios)")
    print()
    print(f"| runtime | inferences/s | {reference.replace('TinyHIL engine, ', 'TinyHIL ')} ÷ this "
          f"| {all_cores.replace('TinyHIL engine, ', 'TinyHIL ')} ÷ this | outputs ≠ TFLM |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in order:
        ratio = np.median(np.array(speeds[reference]) / np.array(speeds[name]))
        ratio_all = np.median(np.array(speeds[all_cores]) / np.array(speeds[name]))
        outs = outputs[name]
        if outs is None:
            diff = "—"
        else:
            diff = f"{int(np.count_nonzero(outs.reshape(tflm_outputs.shape) != tflm_outputs))} of {tflm_outputs.size}"
        print(f"| {name} | {np.median(speeds[name]):,.0f} | {ratio:.2f} | {ratio_all:.2f} | {diff} |")


if __name__ == "__main__":
    main()
