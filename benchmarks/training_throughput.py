#!/usr/bin/env python3
"""Seconds per epoch of LeNet training on Fashion-MNIST's 60,000 training images: TinyHIL's trainer
(`tinyhil finetune`, release build) against TensorFlow/Keras on the CPU, same model, batch size, optimizer and
thread count, in one run.

Both train the float32 LeNet fixture (fixtures/models/lenet_float32.tflite; Keras gets the same architecture) with
Adam, batch 64, on all 60,000 training images (no validation split), pixel/255 inputs. Keras runs with
intra-op threads = inter-op threads = --threads; TinyHIL uses Swift's cooperative pool (one thread per core) and
splits each batch into 4 shards. Each side runs --epochs epochs and the median epoch time is reported; the
first Keras epoch includes graph tracing, so it is excluded when more than one epoch runs. Not a timed test: it
prints numbers.

Usage (from the repository root):
  .venv-tinyhil/bin/python benchmarks/training_throughput.py [--epochs 2] [--batch 64] [--threads 2] [--no-build]
"""
import argparse
import gzip
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATASET = "/usr/share/datasets/fashion-mnist"


def load_idx(path):
    with gzip.open(path) as f:
        raw = f.read()
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(raw[3])]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * raw[3]).reshape(dims)


def keras_epochs(epochs, batch, threads):
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    keras = tf.keras
    layers = keras.layers
    x = (load_idx(f"{DATASET}/train-images-idx3-ubyte.gz").astype(np.float32) / np.float32(255))[..., None]
    y = load_idx(f"{DATASET}/train-labels-idx1-ubyte.gz").astype(np.int32)
    inp = keras.Input((28, 28, 1))
    h = layers.Conv2D(12, 3, activation="relu")(inp)
    h = layers.AveragePooling2D(2)(h)
    h = layers.Conv2D(32, 3, activation="relu")(h)
    h = layers.AveragePooling2D(2)(h)
    h = layers.Flatten()(h)
    h = layers.Dense(120, activation="relu")(h)
    h = layers.Dense(84, activation="relu")(h)
    out = layers.Dense(10, activation="softmax")(h)
    model = keras.Model(inp, out)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    times = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    model.fit(x, y, batch_size=batch, epochs=epochs, shuffle=True, verbose=0, callbacks=[Timer()])
    return times[1:] if len(times) > 1 else times


def tinyhil_epochs(binary, epochs, batch):
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([binary, "finetune", os.path.join(ROOT, "fixtures/models/lenet_float32.tflite"),
                              "-o", os.path.join(tmp, "out.tflite"), "--data", "fashion-mnist",
                              "--validation-images", "0", "--epochs", str(epochs), "--batch", str(batch),
                              "--schedule", "constant", "--quiet"],
                             check=True, capture_output=True, text=True).stdout
    match = re.search(r"seconds per epoch: ([0-9., ]+)", out)
    if not match:
        sys.exit("unexpected tinyhil output: " + out)
    return [float(v) for v in match.group(1).split(",")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "tinyhil"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, ".build/release/tinyhil")
    ours = tinyhil_epochs(binary, args.epochs, args.batch)
    theirs = keras_epochs(args.epochs, args.batch, args.threads)
    o, k = statistics.median(ours), statistics.median(theirs)
    print(f"LeNet, 60,000 Fashion-MNIST images per epoch, batch {args.batch}, Adam, {args.threads} threads, {os.cpu_count()} cores")
    print(f"| trainer | seconds per epoch (median of {args.epochs}) | epochs measured |")
    print("| --- | --- | --- |")
    print(f"| TinyHIL (tinyhil finetune, release) | {o:.1f} | {', '.join(f'{v:.1f}' for v in ours)} |")
    print(f"| TensorFlow/Keras CPU | {k:.1f} | {', '.join(f'{v:.1f}' for v in theirs)} |")
    print(f"TinyHIL / Keras time ratio: {o / k:.2f} (below 1 = TinyHIL faster)")


if __name__ == "__main__":
    main()
