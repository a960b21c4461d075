#!/usr/bin/env python3
"""Times oml-trees' RandomForestClassifier against scikit-learn's (and, with --linfa,
linfa-ensemble's) on the same generated data, with the same number of threads, and prints
seconds and held-out accuracy.

The data are those of scripts/tree_speed.py (imported from it): 100,000 training and 20,000
held-out rows x 20 numeric features, 2 classes. Both forests have 100 trees of unlimited depth
on bootstrap samples with sqrt(20) = 4 candidate features per split; scikit-learn runs with
n_jobs equal to the thread count, oml-trees on a rayon pool of that size. Each fit is timed
in-process (oml-trees: the fit only, its data built outside the timer), the fastest of the
repeats.

linfa-ensemble is far too slow for 100 unlimited trees on 100,000 rows (issue 9 measured 18 s
for 10 depth-10 trees); --linfa adds a smaller comparison of all three, 10 trees of depth 10 on
one thread. linfa-ensemble draws all the features with replacement once per tree rather than 4
per split, so its accuracy is not comparable.

Usage (from the repository root):
    cargo build --release -p oml-trees --example forest_speed
    /root/.cache/oml-venv/bin/python scripts/forest_speed.py [--threads 1,2] [--repeats 1] [--linfa]
"""

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from tree_speed import N_FEATURES, TARGET, rows  # noqa: E402


def time_sklearn(x, y, x_test, y_test, trees, depth, threads, repeats):
    best, accuracy = float("inf"), 0.0
    for _ in range(repeats):
        model = RandomForestClassifier(n_estimators=trees, max_depth=depth, n_jobs=threads,
                                       random_state=0)
        start = time.perf_counter()
        model.fit(x, y)
        best = min(best, time.perf_counter() - start)
        accuracy = float((model.predict(x_test) == y_test).mean())
    return {"seconds": best, "accuracy": accuracy}


def run_example(args, trees, threads, depth, extra=()):
    binary = os.path.join(TARGET, "release", "examples", "forest_speed")
    command = [binary, "--rows", str(args.rows), "--test-rows", str(args.test_rows),
               "--repeats", str(args.repeats), "--threads", str(threads), "--trees", str(trees)]
    if depth is not None:
        command += ["--max-depth", str(depth)]
    out = subprocess.run(command + list(extra), check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--test-rows", type=int, default=20_000)
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--linfa", action="store_true",
                        help="also compare with linfa-ensemble (10 depth-10 trees, 1 thread)")
    args = parser.parse_args()

    x, y = rows(1, 0, args.rows)
    x_test, y_test = rows(1, args.rows, args.test_rows)
    checksum = float(x.sum(dtype=np.float64) + x_test.sum(dtype=np.float64))
    positives = int(y.sum() + y_test.sum())

    runs = [(args.trees, int(t), None) for t in args.threads.split(",")]
    if args.linfa:
        runs.append((10, 1, 10))
    print(f"{args.rows} x {N_FEATURES} training rows, {args.test_rows} held out, 2 classes, "
          f"max_features sqrt, fastest of {args.repeats}; scikit-learn {sklearn.__version__}; "
          f"load average before: {os.getloadavg()[0]:.2f}")
    print(f"{'model':<16}{'trees':>6}{'threads':>8}{'max_depth':>10}{'seconds':>10}"
          f"{'accuracy':>10}{'vs sklearn':>12}")
    for trees, threads, depth in runs:
        ours = run_example(args, trees, threads, depth)
        if ours["positives"] != positives or abs(ours["checksum"] - checksum) > 1e-3:
            sys.exit(f"numpy's data differ from Rust's: checksum {checksum} vs "
                     f"{ours['checksum']}, positives {positives} vs {ours['positives']}")
        sk = time_sklearn(x, y, x_test, y_test, trees, depth, threads, args.repeats)
        results = [("scikit-learn", sk), ("oml-trees", ours)]
        if depth is not None and args.linfa:
            results.append(("linfa-ensemble", run_example(args, trees, threads, depth,
                                                          ["--linfa"])))
        label = "none" if depth is None else str(depth)
        for name, r in results:
            speedup = sk["seconds"] / r["seconds"]
            print(f"{name:<16}{trees:>6}{threads:>8}{label:>10}{r['seconds']:>10.3f}"
                  f"{r['accuracy']:>10.4f}{speedup:>11.2f}x")
        gap = 100 * (ours["accuracy"] - sk["accuracy"])
        print(f"{'':<16}oml-trees' accuracy minus scikit-learn's: {gap:+.2f} points")


if __name__ == "__main__":
    main()
