#!/usr/bin/env python3
"""Compares oml with openml-python + scikit-learn, end to end and offline, on the same task and
the same splits: seconds of the whole command and predictive accuracy, per built-in classifier.

Steps:
  1. `cargo build --release -p oml` (skip with --no-build, or name a binary with --oml);
  2. `oml data generate DATA.arff` (1000 rows, 30 numeric and 10 nominal features of 2 to 6
     values, 5% missing, 3 classes; --rows, --levels etc. change it);
  3. `oml task write DATA.arff --target class --resampling cv:10:10 --cache-dir C --task-id 1
     --dataset-id 1`: the task, its dataset and its splits in openml-python's cache layout;
  4. per flow, best of --repeats runs of each whole command, one process per run:
     - oml: `oml run --task 1 --cache-dir C --flow NAME --json --out DIR`;
     - openml-python: this script in its `opy-run` mode, a fresh Python process that blocks the
       network, imports openml and scikit-learn, reads task 1 from C
       (`openml.tasks.get_task(1, ...)`), and runs
       `openml.runs.run_model_on_task(pipeline, task, avoid_duplicate_runs=False,
       upload_flow=False)` with the scikit-learn pipeline equivalent to oml's default one;
  5. accuracy of each: oml's JSON measure `predictive_accuracy` (pooled over all predictions),
     openml-python's from `run.predictions` (prediction == correct, pooled the same way); the
     (repeat, fold, row_id) of both prediction files are compared, so both ran the same splits.

The pipelines: numeric columns SimpleImputer(median) [+ StandardScaler for oml's scaled flows;
left as they are, missing values included, for oml's `decision-tree`, `random-forest`, `gbm`,
`perpetual-gbm` and `constant`, which take them as scikit-learn's trees do],
nominal columns OneHotEncoder(handle_unknown='ignore'), a missing value a category of its own,
then
DecisionTreeClassifier / RandomForestClassifier(n_estimators=100) /
HistGradientBoostingClassifier() / KNeighborsClassifier(5) /
GaussianNB / LogisticRegression(C=1, oml's C=1) / SVC(probability=True, gamma=0.25, oml's
gaussian_eps=4), every random_state left to openml-python's seeding. The linfa adapters take the
same counterparts (`linfa-decision-tree`, `linfa-logistic-regression` with alpha 1 as C=1),
except `linfa-random-forest`, whose algorithm is BaggingClassifier(DecisionTreeClassifier(),
n_estimators=100, bootstrap_features=True): features drawn once per tree with replacement, not
per split. `perpetual-gbm` has no scikit-learn twin: its counterpart is perpetual 2.3.0's own
Python package (perpetual.sklearn.PerpetualClassifier(budget=0.5)).
`constant` is DummyClassifier(strategy="prior").

Prints a table (flow, oml s, opy s, speed-up opy/oml, oml accuracy, scikit-learn accuracy,
difference in points) and writes it as JSON with --json-out.

Usage (from the repository root; openml 0.15.1, scikit-learn and pandas in a venv):
    python3 -m venv .venv && .venv/bin/pip install -r scripts/bench_requirements.txt
    .venv/bin/python scripts/compare_openml_python.py [--repeats 3] [--flows decision-tree,knn]
        [--json-out compare.json] [--keep DIR]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from offline import block_network


FLOWS = [
    "decision-tree",
    "random-forest",
    "gbm",
    "linfa-decision-tree",
    "linfa-random-forest",
    "knn",
    "gaussian-nb",
    "logistic-regression",
    "svm",
    "linfa-logistic-regression",
    "perpetual-gbm",
    "constant",
]
# oml's decision-tree, random-forest and gbm (oml-trees) take missing numbers themselves, as
# scikit-learn's trees and HistGradientBoosting do: their pipelines leave numeric columns as
# they are.
MISSING_AWARE = {"decision-tree", "random-forest", "gbm", "perpetual-gbm", "constant"}
SERVER = "https://www.openml.org/api/v1/xml"
TASK_ID = 1
# The name errors start with: this script's, or that of the script importing its helpers.
PROG = os.path.splitext(os.path.basename(sys.argv[0]))[0]
# openml-python's scikit-learn extension asks a component's module for its version
# (`PerpetualGbm`, defined here).
__version__ = "1"


# ---------------------------------------------------------------------------------------------
# The openml-python side: runs in its own process (`opy-run`), so that its time includes the
# interpreter, the imports and reading the task, like the oml command.


def perpetual_booster(threads):
    """perpetual's scikit-learn classifier with oml's `perpetual-gbm` defaults (budget 0.5),
    on `threads` threads (one when None), behind a scikit-learn estimator: perpetual 2.3.0's
    `PerpetualClassifier` does not derive from `BaseEstimator`, which scikit-learn 1.9's
    pipelines ask of their last step. The class is made once and named as this module's, so
    openml-python can describe it as a flow component."""
    global PerpetualGbm
    if "PerpetualGbm" not in globals():
        from sklearn.base import BaseEstimator, ClassifierMixin

        class PerpetualGbm(ClassifierMixin, BaseEstimator):
            """perpetual.sklearn.PerpetualClassifier as a scikit-learn estimator."""

            def __init__(self, budget=0.5, num_threads=1):
                self.budget = budget
                self.num_threads = num_threads

            def fit(self, x, y):
                from perpetual.sklearn import PerpetualClassifier

                self.model_ = PerpetualClassifier(budget=self.budget,
                                                  num_threads=self.num_threads)
                self.model_.fit(x, y)
                self.classes_ = self.model_.classes_
                return self

            def predict(self, x):
                # The class of the highest probability, as oml's label rule (perpetual 2.3.0's
                # own `predict` gives class positions, not labels, for two classes).
                import numpy as np

                return np.asarray(self.classes_)[np.argmax(self.predict_proba(x), axis=1)]

            def predict_proba(self, x):
                return self.model_.predict_proba(x)

        PerpetualGbm.__module__ = __name__
        PerpetualGbm.__qualname__ = "PerpetualGbm"
    return PerpetualGbm(budget=0.5, num_threads=threads or 1)


def sklearn_pipeline(flow, numeric, nominal, threads=None):
    """The scikit-learn pipeline equivalent to oml's default pipeline of `flow` (`n_jobs=threads`
    where the estimator takes it)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.dummy import DummyClassifier
    from sklearn.ensemble import (BaggingClassifier, HistGradientBoostingClassifier,
                                  RandomForestClassifier)
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    estimators = {
        "decision-tree": (DecisionTreeClassifier(), False),
        "random-forest": (RandomForestClassifier(n_estimators=100, n_jobs=threads), False),
        "gbm": (HistGradientBoostingClassifier(), False),
        "linfa-decision-tree": (DecisionTreeClassifier(), False),
        # linfa-ensemble: each tree a full CART on a bootstrap sample of rows and on features
        # drawn once per tree, with replacement; scikit-learn's bagging of trees with
        # bootstrap_features is that algorithm (its random forest draws features per split).
        "linfa-random-forest": (BaggingClassifier(
            DecisionTreeClassifier(), n_estimators=100, bootstrap=True, max_samples=1.0,
            bootstrap_features=True, max_features=1.0, n_jobs=threads), False),
        "knn": (KNeighborsClassifier(n_neighbors=5, n_jobs=threads), True),
        "gaussian-nb": (GaussianNB(), True),
        "logistic-regression": (LogisticRegression(C=1.0), True),
        "svm": (SVC(probability=True, gamma=0.25), True),
        # linfa's multinomial loss sums over rows plus alpha ||W||^2 / 2: C = 1 / alpha for
        # three or more classes, 2 / alpha for two (two weight vectors share the penalty).
        "linfa-logistic-regression": (LogisticRegression(C=1.0), True),
        # perpetual's booster has no scikit-learn twin; its counterpart is perpetual's own
        # Python package (the same release, with scikit-learn's estimator interface), one
        # thread unless `threads` says more, as scikit-learn's n_jobs.
        "perpetual-gbm": (perpetual_booster(threads), False),
        "constant": (DummyClassifier(strategy="prior"), False),
    }
    estimator, scaled = estimators[flow]
    numeric_steps = [] if flow in MISSING_AWARE else [("impute", SimpleImputer(strategy="median"))]
    if scaled:
        numeric_steps.append(("scale", StandardScaler()))
    transformers = []
    if numeric:
        numeric_part = Pipeline(numeric_steps) if numeric_steps else "passthrough"
        transformers.append(("numeric", numeric_part, numeric))
    if nominal:
        # A missing nominal value is a category of its own, as in oml's pipelines.
        transformers.append(("nominal", OneHotEncoder(handle_unknown="ignore"), nominal))
    # Dense output, as oml's: with many levels the one-hot part is sparse enough for the
    # transformer to return a sparse matrix, and scikit-learn's trees refuse NaN in one.
    return Pipeline(
        [("preprocess", ColumnTransformer(transformers, sparse_threshold=0)),
         ("estimator", estimator)]
    )


def import_openml(cache_dir, script):
    """Blocks the network (errors name `script`) and imports openml, set to read the cache at
    `cache_dir` only, for OpenML's main server, without duplicate-run checks."""
    block_network(script)
    os.environ["OPENML_CACHE_DIR"] = cache_dir
    import warnings

    warnings.simplefilter("ignore")
    import openml

    openml.config.set_root_cache_directory(cache_dir)
    openml.config.server = SERVER
    openml.config.avoid_duplicate_runs = False
    return openml


def read_task(openml, task_id):
    """Task `task_id` from the cache, with the indices of its numeric and nominal features and
    the feature names."""
    task = openml.tasks.get_task(
        task_id,
        download_splits=True,
        download_data=True,
        download_qualities=True,
        download_features_meta_data=True,
    )
    dataset = task.get_dataset()
    _, _, categorical, names = dataset.get_data(target=task.target_name)
    numeric = [i for i, c in enumerate(categorical) if not c]
    nominal = [i for i, c in enumerate(categorical) if c]
    return task, numeric, nominal, names


def run_accuracy(run):
    """The pooled accuracy of an openml-python run (prediction == correct over all its
    predictions) and its sorted (repeat, fold, row_id) keys."""
    predictions = run.predictions
    correct = (predictions["prediction"] == predictions["correct"]).sum()
    keys = sorted(
        (int(r), int(f), int(i))
        for r, f, i in zip(predictions["repeat"], predictions["fold"], predictions["row_id"])
    )
    return float(correct) / len(predictions), keys


def opy_run(args):
    """Reads the task from the cache with the network blocked, runs the pipeline with
    openml-python and writes {accuracy, n_predictions, keys, seconds_*} as JSON."""
    started = time.perf_counter()
    openml = import_openml(args.cache_dir, "compare_openml_python.py")
    imported = time.perf_counter()

    task, numeric, nominal, names = read_task(openml, args.task_id)
    model = sklearn_pipeline(args.flow, numeric, nominal)
    loaded = time.perf_counter()

    run = openml.runs.run_model_on_task(
        model, task, avoid_duplicate_runs=False, upload_flow=False
    )
    finished = time.perf_counter()

    accuracy, keys = run_accuracy(run)
    result = {
        "accuracy": accuracy,
        "n_predictions": len(keys),
        "keys": keys,
        "n_features": len(names),
        "seconds_import": imported - started,
        "seconds_load": loaded - imported,
        "seconds_run": finished - loaded,
        "openml": openml.__version__,
    }
    with open(args.result, "w", encoding="utf8") as out:
        json.dump(result, out)


# ---------------------------------------------------------------------------------------------
# The driver.


def check(command, **kwargs):
    """Runs `command`, failing with its output when it fails."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        sys.exit(
            f"{PROG}: `{' '.join(command)}` failed ({done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )
    return done.stdout


def build_oml():
    """Builds oml in release mode and returns the path of the binary."""
    out = check(["cargo", "build", "--release", "-p", "oml", "--message-format=json"])
    for line in out.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message.get("executable"):
            if message["target"]["name"] == "oml":
                return message["executable"]
    sys.exit(f"{PROG}: cargo built no `oml` executable")


def timed(command):
    start = time.perf_counter()
    out = check(command)
    return time.perf_counter() - start, out


def oml_keys(path):
    """The sorted (repeat, fold, row_id) of an oml predictions.arff."""
    keys = []
    with open(path, encoding="utf8") as fh:
        data = False
        for line in fh:
            line = line.strip()
            if not line or line.startswith("%"):
                continue
            if data:
                repeat, fold, _sample, row_id = line.split(",", 4)[:4]
                keys.append((int(repeat), int(fold), int(row_id)))
            elif line.upper().startswith("@DATA"):
                data = True
    return sorted(keys)


def oml_binary(args):
    """The oml binary: --oml, else $CARGO_TARGET_DIR/release/oml with --no-build, else the one
    cargo builds."""
    if args.oml:
        return args.oml
    if args.no_build:
        return os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "oml")
    return build_oml()


def compare(args):
    oml = oml_binary(args)
    work = args.keep or tempfile.mkdtemp(prefix="oml-compare-")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "synthetic.arff")
    cache = os.path.join(work, "cache")
    shutil.rmtree(cache, ignore_errors=True)
    generate = [oml, "data", "generate", data, "--rows", str(args.rows), "--numeric",
                str(args.numeric), "--nominal", str(args.nominal), "--levels", str(args.levels),
                "--classes", str(args.classes), "--missing", str(args.missing), "--seed",
                str(args.seed)]
    print(check(generate).strip())
    print(check([oml, "task", "write", data, "--target", "class", "--resampling",
                 args.resampling, "--cache-dir", cache, "--task-id", str(TASK_ID),
                 "--dataset-id", "1"]).strip())
    threads = [] if args.oml_threads is None else ["--threads", str(args.oml_threads)]
    cores = os.cpu_count()
    print(f"oml threads: {args.oml_threads or f'all ({cores})'}; openml-python: 1 process, "
          f"n_jobs=None; best of {args.repeats} whole-command runs each\n")

    rows = []
    for flow in args.flows.split(","):
        out_dir = os.path.join(work, f"oml_{flow}")
        oml_times, report = [], None
        for _ in range(args.repeats):
            seconds, out = timed([oml, "run", "--task", str(TASK_ID), "--cache-dir", cache,
                                  "--flow", flow, "--json", "--out", out_dir, *threads])
            oml_times.append(seconds)
            report = json.loads(out)
        opy_times, opy = [], None
        result = os.path.join(work, f"opy_{flow}.json")
        for _ in range(args.repeats):
            seconds, _ = timed([sys.executable, os.path.abspath(__file__), "opy-run",
                                "--cache-dir", cache, "--task-id", str(TASK_ID),
                                "--flow", flow, "--result", result])
            opy_times.append(seconds)
            with open(result, encoding="utf8") as fh:
                opy = json.load(fh)
        same_splits = oml_keys(os.path.join(out_dir, "predictions.arff")) == [
            tuple(k) for k in opy.pop("keys")
        ]
        oml_accuracy = report["measures"]["predictive_accuracy"]["value"]
        row = {
            "flow": flow,
            "oml_s": min(oml_times),
            "opy_s": min(opy_times),
            "speedup": min(opy_times) / min(oml_times),
            "oml_accuracy": oml_accuracy,
            "sklearn_accuracy": opy["accuracy"],
            "difference_points": 100 * (oml_accuracy - opy["accuracy"]),
            "same_splits": same_splits,
            "oml_evaluate_s": report["wall_time_s"],
            "opy_import_s": opy["seconds_import"],
            "opy_load_s": opy["seconds_load"],
            "opy_run_model_on_task_s": opy["seconds_run"],
            "oml_times": oml_times,
            "opy_times": opy_times,
            "n_predictions": opy["n_predictions"],
        }
        rows.append(row)
        print(f"{flow}: oml {row['oml_s']:.2f} s, openml-python {row['opy_s']:.2f} s "
              f"(import {row['opy_import_s']:.2f}, load {row['opy_load_s']:.2f}, "
              f"run_model_on_task {row['opy_run_model_on_task_s']:.2f}), same splits: "
              f"{same_splits}", flush=True)

    print()
    header = (f"{'flow':<26} {'oml s':>8} {'opy s':>8} {'opy/oml':>8} {'oml acc':>8} "
              f"{'skl acc':>8} {'diff pt':>8}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['flow']:<26} {r['oml_s']:>8.2f} {r['opy_s']:>8.2f} {r['speedup']:>7.1f}x "
              f"{r['oml_accuracy']:>8.4f} {r['sklearn_accuracy']:>8.4f} "
              f"{r['difference_points']:>+8.2f}")
    if args.json_out:
        import sklearn  # only for the record; the runs themselves are in other processes

        summary = {
            "dataset": {"rows": args.rows, "numeric": args.numeric, "nominal": args.nominal,
                        "classes": args.classes, "missing": args.missing, "seed": args.seed},
            "resampling": args.resampling,
            "repeats": args.repeats,
            "oml_threads": args.oml_threads or cores,
            "scikit_learn": sklearn.__version__,
            "openml": opy and opy.get("openml"),
            "rows": rows,
        }
        with open(args.json_out, "w", encoding="utf8") as out:
            json.dump(summary, out, indent=2)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "opy-run":
        parser = argparse.ArgumentParser(prog="compare_openml_python.py opy-run")
        parser.add_argument("--cache-dir", required=True)
        parser.add_argument("--task-id", type=int, required=True)
        parser.add_argument("--flow", required=True, choices=FLOWS)
        parser.add_argument("--result", required=True)
        opy_run(parser.parse_args(sys.argv[2:]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per command; best is kept")
    parser.add_argument("--flows", default=",".join(FLOWS), help="comma-separated flow names")
    parser.add_argument("--json-out", help="also write the table as JSON to this file")
    parser.add_argument("--oml", help="the oml binary (default: build it with cargo)")
    parser.add_argument("--no-build", action="store_true",
                        help="use $CARGO_TARGET_DIR/release/oml without building")
    parser.add_argument("--oml-threads", type=int, help="oml run --threads (default: all cores)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--numeric", type=int, default=30)
    parser.add_argument("--nominal", type=int, default=10)
    parser.add_argument("--levels", type=int, default=6,
                        help="the most values of a nominal feature (each has 2 to this)")
    parser.add_argument("--classes", type=int, default=3)
    parser.add_argument("--missing", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resampling", default="cv:10:10")
    args = parser.parse_args()
    unknown = set(args.flows.split(",")) - set(FLOWS)
    if unknown:
        parser.error(f"unknown flows {sorted(unknown)}; known: {', '.join(FLOWS)}")
    compare(args)


if __name__ == "__main__":
    main()
