#!/usr/bin/env python3
"""Times oml-trees' DecisionTreeClassifier against scikit-learn's (and, with --linfa,
linfa-trees') on the same generated data, one thread each, and prints seconds and held-out
accuracy.

The data: 100,000 training and 20,000 held-out rows x 20 numeric features, 2 classes, from the
formula of crates/oml-trees/benches/common/mod.rs (splitmix64 of (seed, row, column); features
15..19 quantised to eighths; a noisy target over features 0-3 and 15). numpy regenerates it
here; the example prints a checksum of the data, and the script stops if numpy's differs.
Each fit is timed in-process, the fastest of the repeats, at max_depth 10 and unlimited.

Usage (from the repository root):
    cargo build --release -p oml-trees --example tree_speed
    /root/.cache/oml-venv/bin/python scripts/tree_speed.py [--repeats 3] [--linfa]
"""

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

N_FEATURES = 20
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
TARGET = os.environ.get("CARGO_TARGET_DIR", "/root/.cache/oml-target")


def mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def rows(seed, first, n):
    row = np.arange(first, first + n, dtype=np.uint64)[:, None]
    column = np.arange(N_FEATURES + 1, dtype=np.uint64)[None, :]
    key = (np.uint64(seed) << np.uint64(40)) + row * np.uint64(32) + column
    u = (mix(key * GOLDEN) >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    x = u[:, :N_FEATURES].copy()
    x[:, 15:] = np.floor(x[:, 15:] * 8.0) / 8.0
    noise = u[:, N_FEATURES]
    score = (
        (x[:, 0] - 0.5)
        + 0.8 * (x[:, 1] - 0.5)
        + 2.0 * (x[:, 2] - 0.5) * (x[:, 3] - 0.5)
        + 0.3 * (x[:, 15] - 0.5)
        + (noise - 0.5)
    )
    return x, (score > 0.0).astype(np.int64)


def time_sklearn(x, y, x_test, y_test, depth, repeats):
    best, accuracy, leaves = float("inf"), 0.0, 0
    for _ in range(repeats):
        model = DecisionTreeClassifier(max_depth=depth, random_state=0)
        start = time.perf_counter()
        model.fit(x, y)
        best = min(best, time.perf_counter() - start)
        accuracy = float((model.predict(x_test) == y_test).mean())
        leaves = model.get_n_leaves()
    return {"seconds": best, "accuracy": accuracy, "leaves": int(leaves)}


def run_example(args, extra):
    binary = os.path.join(TARGET, "release", "examples", "tree_speed")
    command = [binary, "--rows", str(args.rows), "--test-rows", str(args.test_rows),
               "--repeats", str(args.repeats)] + extra
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--test-rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--linfa", action="store_true", help="also time linfa-trees")
    args = parser.parse_args()

    x, y = rows(1, 0, args.rows)
    x_test, y_test = rows(1, args.rows, args.test_rows)
    checksum = float(x.sum(dtype=np.float64) + x_test.sum(dtype=np.float64))
    positives = int(y.sum() + y_test.sum())

    results = {"oml-trees": run_example(args, [])}
    if args.linfa:
        results["linfa-trees"] = run_example(args, ["--linfa"])
    first = results["oml-trees"][0]
    if first["positives"] != positives or abs(first["checksum"] - checksum) > 1e-3:
        sys.exit(f"numpy's data differ from Rust's: checksum {checksum} vs {first['checksum']}, "
                 f"positives {positives} vs {first['positives']}")

    print(f"{args.rows} x {N_FEATURES} training rows, {args.test_rows} held out, 2 classes, "
          f"one thread, fastest of {args.repeats}; scikit-learn {sklearn.__version__}")
    print(f"{'model':<14}{'max_depth':>10}{'seconds':>10}{'accuracy':>10}{'leaves':>8}"
          f"{'vs sklearn':>12}")
    for i, depth in enumerate([10, None]):
        sk = time_sklearn(x, y, x_test, y_test, depth, args.repeats)
        label = "none" if depth is None else str(depth)
        print(f"{'scikit-learn':<14}{label:>10}{sk['seconds']:>10.3f}{sk['accuracy']:>10.4f}"
              f"{sk['leaves']:>8}{'1.00x':>12}")
        for name, lines in results.items():
            r = lines[i]
            speedup = sk["seconds"] / r["seconds"]
            print(f"{name:<14}{label:>10}{r['seconds']:>10.3f}{r['accuracy']:>10.4f}"
                  f"{r['leaves']:>8}{speedup:>11.2f}x")


if __name__ == "__main__":
    main()
