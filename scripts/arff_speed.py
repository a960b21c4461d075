#!/usr/bin/env python3
"""Times oml's ARFF reader against liac-arff (openml-python's parser) and pandas' C CSV parser
on the same generated file, and prints MB/s and ratios.

The file: 100,000 rows x 50 numeric columns with 6 decimals plus a nominal class (about 50 MB),
generated with a fixed seed. oml is timed twice: as the whole `oml data inspect --json FILE`
process (start-up, fresh memory, parse, polars table, summary), and in-process like the other two
(`--repeat N`: the fastest of N loads inside one oml process, file to polars table). liac-arff and
pandas are timed in-process, the fastest of the repeats.

Usage (from the repository root):
    cargo build --release -p oml
    python3 -m venv .venv && .venv/bin/pip install liac-arff pandas
    .venv/bin/python scripts/arff_speed.py [--rows 100000] [--cols 50] [--repeats 3]
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time


def generate(path, rows, cols, seed=1):
    rng = random.Random(seed)
    with open(path, "w") as out:
        out.write("@relation speed\n")
        for j in range(cols):
            out.write(f"@attribute f{j} numeric\n")
        out.write("@attribute class {negative, positive}\n@data\n")
        for _ in range(rows):
            values = ",".join(f"{rng.uniform(-100, 100):.6f}" for _ in range(cols))
            out.write(f"{values},{'positive' if rng.random() < 0.5 else 'negative'}\n")
    return cols + 3  # header lines before the data


def best_of(repeats, run):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cols", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--oml",
        default=os.path.join(
            os.environ.get("CARGO_TARGET_DIR", "target"), "release", "oml"
        ),
        help="the oml binary (default: $CARGO_TARGET_DIR/release/oml)",
    )
    args = parser.parse_args()

    import arff  # liac-arff
    import pandas

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "speed.arff")
        header_lines = generate(path, args.rows, args.cols)
        megabytes = os.path.getsize(path) / 1e6
        print(f"file: {args.rows} rows x {args.cols} numeric + class, {megabytes:.1f} MB")

        def oml():
            subprocess.run(
                [args.oml, "data", "inspect", "--json", path],
                check=True,
                stdout=subprocess.DEVNULL,
            )

        def liac():
            with open(path) as f:
                arff.load(f)

        def pandas_csv():
            pandas.read_csv(path, skiprows=header_lines, header=None, engine="c")

        timing = subprocess.run(
            [args.oml, "data", "inspect", "--json", "--repeat", str(args.repeats), path],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        ).stderr
        in_process = float(timing.split("loads:")[1].split()[0])
        results = {
            "oml (in-process)": in_process,
            "oml (whole process)": best_of(args.repeats, oml),
            "pandas read_csv (C engine)": best_of(args.repeats, pandas_csv),
            "liac-arff": best_of(1, liac),
        }
        oml_time = results["oml (in-process)"]
        for name, seconds in results.items():
            print(
                f"{name:28s} {seconds:8.3f} s {megabytes / seconds:8.1f} MB/s"
                f"   oml in-process is {seconds / oml_time:5.1f}x faster"
            )


if __name__ == "__main__":
    sys.exit(main())
