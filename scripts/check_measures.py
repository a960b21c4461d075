#!/usr/bin/env python3
"""Checks oml's measures against scikit-learn's, on the same predictions.

For each case below, runs `oml run --json` (a built-in flow on a builtin task), reads the run
directory's predictions.arff (OpenML's columns) and summary.json (every measure pooled, per fold
and per sample), recomputes each measure from the predictions with scikit-learn, pooled over all
predictions (learning curves: over the last sample) and for every (repeat, fold), and compares.

  predictive_accuracy      accuracy_score
  kappa                    cohen_kappa_score
  precision, recall,       precision_score / recall_score / f1_score, average="weighted",
  f_measure                zero_division=0 (per-class values too)
  area_under_roc_curve     roc_auc_score of each class against the rest, weighted by support
                           over the classes that have both positives and negatives
  mean_absolute_error      mean_absolute_error(one-hot truth, confidences)
  root_mean_squared_error  sqrt(mean_squared_error(one-hot truth, confidences))
  log_loss                 log_loss(truth, confidences, labels=all classes)
  regression               mean_absolute_error, sqrt(mean_squared_error), r2_score, and the
                           relative errors against the dataset's target mean

Usage (from the repository root, scikit-learn and liac-arff in a virtual environment):
    cargo build -p oml
    python scripts/check_measures.py target/debug/oml /tmp/measures

Exits 0 and prints one line per case when everything agrees within 1e-9, 1 with the first
difference otherwise.
"""

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

import arff
import numpy as np
from sklearn import metrics

CASES = [
    ("builtin:iris", "decision-tree", "cv:5:2"),
    ("builtin:iris", "logistic-regression", "cv:10"),
    ("builtin:iris", "gaussian-nb", "holdout:33:3"),
    ("builtin:winequality", "knn", "cv:10"),
    ("builtin:iris", "decision-tree", "curve:10"),
    ("builtin:diabetes", "linear-regression", "cv:10"),
    ("builtin:diabetes", "elastic-net", "cv:5:2"),
]
TOLERANCE = 1e-9


def classification(pred):
    names = [a[0] for a in pred["attributes"]]
    labels = [n[len("confidence."):] for n in names if n.startswith("confidence.")]
    index = {label: k for k, label in enumerate(labels)}
    rows = pred["data"]
    first_conf = names.index("confidence." + labels[0])
    out = []
    for row in rows:
        out.append((
            int(row[names.index("repeat")]),
            int(row[names.index("fold")]),
            int(row[names.index("sample")]),
            index[row[names.index("correct")]],
            index[row[names.index("prediction")]],
            [float(v) for v in row[first_conf:first_conf + len(labels)]],
        ))
    return out, len(labels)


def classification_measures(rows, n_classes):
    truth = np.array([r[3] for r in rows])
    predicted = np.array([r[4] for r in rows])
    conf = np.array([r[5] for r in rows])
    onehot = np.eye(n_classes)[truth]
    labels = list(range(n_classes))
    support = np.bincount(truth, minlength=n_classes)
    aucs, weights = [], []
    for k in labels:
        positives = truth == k
        if positives.any() and (~positives).any():
            aucs.append(metrics.roc_auc_score(positives, conf[:, k]))
            weights.append(support[k])
    kappa = metrics.cohen_kappa_score(truth, predicted, labels=labels)
    return {
        "predictive_accuracy": metrics.accuracy_score(truth, predicted),
        "kappa": kappa,
        "precision": metrics.precision_score(truth, predicted, labels=labels, average="weighted", zero_division=0),
        "recall": metrics.recall_score(truth, predicted, labels=labels, average="weighted", zero_division=0),
        "f_measure": metrics.f1_score(truth, predicted, labels=labels, average="weighted", zero_division=0),
        "area_under_roc_curve": float(np.average(aucs, weights=weights)) if aucs else math.nan,
        "mean_absolute_error": metrics.mean_absolute_error(onehot, conf),
        "root_mean_squared_error": math.sqrt(metrics.mean_squared_error(onehot, conf)),
        "log_loss": metrics.log_loss(truth, conf, labels=labels),
    }, {
        "precision": metrics.precision_score(truth, predicted, labels=labels, average=None, zero_division=0),
        "recall": metrics.recall_score(truth, predicted, labels=labels, average=None, zero_division=0),
        "f_measure": metrics.f1_score(truth, predicted, labels=labels, average=None, zero_division=0),
    }


def regression(pred):
    names = [a[0] for a in pred["attributes"]]
    return [(int(r[names.index("repeat")]), int(r[names.index("fold")]), 0,
             float(r[names.index("truth")]), float(r[names.index("prediction")]))
            for r in pred["data"]]


def regression_measures(rows, prior_mean):
    truth = np.array([r[3] for r in rows])
    predicted = np.array([r[4] for r in rows])
    return {
        "mean_absolute_error": metrics.mean_absolute_error(truth, predicted),
        "root_mean_squared_error": math.sqrt(metrics.mean_squared_error(truth, predicted)),
        "r_squared": metrics.r2_score(truth, predicted),
        "relative_absolute_error": np.abs(truth - predicted).sum() / np.abs(truth - prior_mean).sum(),
        "root_relative_squared_error": math.sqrt(((truth - predicted) ** 2).sum() / ((truth - prior_mean) ** 2).sum()),
    }, {}


def same(a, b):
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and abs(a - b) <= TOLERANCE * max(1.0, abs(b))


def check(oml, workdir, source, flow, resampling):
    out = workdir / f"{source.split(':')[1]}_{flow}_{resampling.replace(':', '-')}"
    report = json.loads(subprocess.run(
        [oml, "run", "--task", source, "--flow", flow, "--resampling", resampling, "--seed", "3",
         "--out", str(out), "--json"], check=True, capture_output=True, text=True).stdout)
    summary = json.loads((out / "summary.json").read_text())
    with open(out / "predictions.arff") as f:
        pred = arff.load(f)
    if any(a[0] == "correct" for a in pred["attributes"]):
        rows, n_classes = classification(pred)
        compute = lambda rs: classification_measures(rs, n_classes)
    else:
        rows = regression(pred)
        # The prior of the relative errors is the mean of the whole dataset's target; in
        # cross-validation every row is predicted once per repeat, so the first repeat's
        # truths are the dataset's.
        prior_mean = float(np.mean([r[3] for r in rows if r[0] == 0]))
        compute = lambda rs: regression_measures(rs, prior_mean)
    last_sample = max(r[2] for r in rows)
    pooled, per_class = compute([r for r in rows if r[2] == last_sample])
    checked = 0
    for name, expected in pooled.items():
        got = summary[name]["value"]
        if not same(got, expected):
            sys.exit(f"{source} {flow} {resampling}: {name} pooled: oml {got}, scikit-learn {expected}")
        if report["measures"][name]["value"] != got and not (got is None and report["measures"][name]["value"] is None):
            sys.exit(f"{source} {flow}: {name}: the printed report differs from summary.json")
        checked += 1
    for name, expected in per_class.items():
        got = summary[name]["per_class"]
        if any(not same(g, float(e)) for g, e in zip(got, expected)) or len(got) != len(expected):
            sys.exit(f"{source} {flow} {resampling}: {name} per class: oml {got}, scikit-learn {list(expected)}")
        checked += 1
    units = sorted({(r[0], r[1], r[2]) for r in rows})
    for repeat, fold, sample in units:
        unit_rows = [r for r in rows if (r[0], r[1], r[2]) == (repeat, fold, sample)]
        values, _ = compute(unit_rows)
        for name, expected in values.items():
            grid = summary[name].get("per_sample")
            got = grid[repeat][fold][sample] if grid else summary[name]["per_fold"][repeat][fold]
            if not same(got, expected):
                sys.exit(f"{source} {flow} {resampling}: {name} at repeat {repeat} fold {fold} "
                         f"sample {sample}: oml {got}, scikit-learn {expected}")
            checked += 1
    print(f"ok {source} {flow} {resampling}: {checked} values agree with scikit-learn "
          f"({len(units)} units, {len(rows)} predictions)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("oml", help="the oml binary")
    parser.add_argument("workdir", type=Path, help="where the run directories go")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        check(args.oml, args.workdir, *case)


if __name__ == "__main__":
    main()
