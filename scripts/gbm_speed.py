#!/usr/bin/env python3
"""Cross-validates oml-trees' histogram gradient boosting machine against scikit-learn's
HistGradientBoostingClassifier / HistGradientBoostingRegressor (default parameters) on the
same tables and the same folds, one thread each, and prints per table the mean accuracy (or
RMSE) of both, the gap, and the mean seconds per fold (fit and predict).

The tables: scikit-learn's bundled iris, wine, breast_cancer and digits; breast_cancer with
20% of its values removed at random (missing values); an anneal-like table (task 1882's shape:
898 rows, 6 numeric and 32 nominal columns with many missing values, 6 unbalanced classes,
one-hot encoded with missing nominal values as all-zero indicators, as oml's default gbm
pipeline does, about 90 columns); and diabetes for regression. Folds: 10-fold stratified
(plain for regression), shuffled with seed 0.

Usage (from the repository root):
    cargo build --release -p oml-trees --example gbm_speed
    $HOME/.cache/oml-ci-venv/bin/python scripts/gbm_speed.py [--repeats 3]
(the venv needs scikit-learn==1.9.1 from scripts/bench_requirements.txt).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn import datasets  # noqa: E402
from sklearn.ensemble import (  # noqa: E402
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.model_selection import KFold, StratifiedKFold  # noqa: E402

TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/oml-target"))
EXAMPLE = os.path.join(TARGET, "release", "examples", "gbm_speed")


def anneal_like(seed=1882):
    """898 rows shaped like anneal: 6 numeric and 32 nominal columns (2 to 6 values, 10% to
    80% missing), 6 classes of sizes like anneal's, a label from a few columns and from the
    missingness of one; one-hot encoded (missing: all zeros)."""
    rng = np.random.default_rng(seed)
    n = 898
    numeric = rng.normal(size=(n, 6)) * [10, 100, 1, 5, 50, 2]
    numeric[rng.random((n, 6)) < 0.05] = np.nan
    nominal = []
    for j in range(32):
        k = 2 + j % 5
        values = rng.integers(0, k, size=n).astype(float)
        values[rng.random(n) < 0.1 + 0.7 * (j % 4) / 3] = np.nan
        nominal.append((values, k))
    score = (
        np.nan_to_num(numeric[:, 0]) / 10
        + np.nan_to_num(numeric[:, 1]) / 100
        + (nominal[0][0] == 1)
        + 1.5 * np.isnan(nominal[3][0])
        + (nominal[5][0] == 2)
        - (nominal[8][0] == 0)
        + 0.5 * rng.normal(size=n)
    )
    cuts = np.quantile(score, [0.01, 0.1, 0.2, 0.3, 0.97])
    y = np.searchsorted(cuts, score)
    columns = [numeric]
    for values, k in nominal:
        columns.append(np.stack([(values == v).astype(float) for v in range(k)], axis=1))
    return np.hstack(columns), y


def tables():
    out = []
    for name in ["iris", "wine", "breast_cancer", "digits"]:
        x, y = getattr(datasets, f"load_{name}")(return_X_y=True)
        out.append((name, x.astype(float), y, True))
    x, y = datasets.load_breast_cancer(return_X_y=True)
    x = x.astype(float).copy()
    x[np.random.default_rng(0).random(x.shape) < 0.2] = np.nan
    out.append(("breast_cancer_20%_missing", x, y, True))
    x, y = anneal_like()
    out.append(("anneal_like", x, y, True))
    x, y = datasets.load_diabetes(return_X_y=True)
    out.append(("diabetes", x, y.astype(float), False))
    return out


def folds_of(x, y, classify):
    split = StratifiedKFold if classify else KFold
    folds = np.zeros(len(y), dtype=int)
    for k, (_, test) in enumerate(split(10, shuffle=True, random_state=0).split(x, y)):
        folds[test] = k
    return folds


def run_sklearn(x, y, folds, classify, repeats):
    predictions = np.zeros(len(y))
    seconds = []
    for k in range(10):
        train, test = folds != k, folds == k
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            model = (HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor)(
                random_state=0
            )
            model.fit(x[train], y[train])
            predicted = model.predict(x[test])
            best = min(best, time.perf_counter() - start)
        seconds.append(best)
        predictions[test] = predicted
    return predictions, seconds


def run_oml(x, y, folds, classify, repeats):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(f"classification {int(y.max()) + 1}\n" if classify else "regression\n")
        for k, target, row in zip(folds, y, x):
            values = ",".join("nan" if np.isnan(v) else repr(float(v)) for v in row)
            target = int(target) if classify else repr(float(target))
            f.write(f"{k},{target},{values}\n")
        path = f.name
    try:
        out = subprocess.run(
            [EXAMPLE, path, "--repeats", str(repeats)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(path)
    result = json.loads(out)
    return np.array(result["predictions"]), result["seconds"]


def score(y, predicted, folds, classify):
    """Mean over folds of accuracy, or of RMSE."""
    values = []
    for k in range(10):
        t = folds == k
        if classify:
            values.append(np.mean(predicted[t] == y[t]))
        else:
            values.append(np.sqrt(np.mean((predicted[t] - y[t]) ** 2)))
    return float(np.mean(values))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    if not os.path.exists(EXAMPLE):
        sys.exit(f"{EXAMPLE} is missing: cargo build --release -p oml-trees --example gbm_speed")
    print(f"scikit-learn {sklearn.__version__}, one thread each, 10-fold CV, seed 0")
    print(
        f"{'table':28} {'rows':>5} {'cols':>4} {'measure':>8} {'oml':>8} {'sklearn':>8} "
        f"{'gap':>7} {'oml s/fold':>10} {'skl s/fold':>10}"
    )
    for name, x, y, classify in tables():
        folds = folds_of(x, y, classify)
        ours, our_seconds = run_oml(x, y, folds, classify, args.repeats)
        theirs, their_seconds = run_sklearn(x, y, folds, classify, args.repeats)
        a, b = score(y, ours, folds, classify), score(y, theirs, folds, classify)
        if classify:
            measure, gap = "accuracy", f"{100 * (a - b):+.2f}pt"
        else:
            measure, gap = "rmse", f"{100 * (a - b) / b:+.2f}%"
        print(
            f"{name:28} {len(y):5} {x.shape[1]:4} {measure:>8} {a:8.4f} {b:8.4f} {gap:>7} "
            f"{np.mean(our_seconds):10.4f} {np.mean(their_seconds):10.4f}"
        )


if __name__ == "__main__":
    main()
