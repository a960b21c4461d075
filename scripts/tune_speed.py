#!/usr/bin/env python3
"""Tuned flows, end to end: `oml run --tune` against openml-python's `run_model_on_task` with
scikit-learn's RandomizedSearchCV (the same space, N candidates, 3-fold stratified inner CV) on
the same cached task and splits, offline. Prints, per flow: accuracy of each side, wall
seconds of each side (whole processes / the run_model_on_task call) and the ratio.

The task: a generated classification table (`oml data generate`: numeric and nominal columns,
5% missing values) written by `oml task write` as a stratified CV task into a fresh cache.

Usage (the packages of scripts/parity_requirements.txt in a venv):
    .venv/bin/python scripts/tune_speed.py --oml target/release/oml [--rows 1000] [--folds 10]
        [--repeats 1] [--candidates 20] [--flows tree,forest,logistic,gbm]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

FLOWS = {
    # oml flow, its --tune spaces; scikit-learn estimator, its distributions (built lazily).
    "tree": ("decision-tree", ["max_depth=int:1:20", "min_samples_leaf=int:1:20"]),
    "forest": ("random-forest", ["max_depth=int:1:20", "min_samples_leaf=int:1:20"]),
    "logistic": ("logistic-regression", ["C=float:0.001:1000:log"]),
    "gbm": ("gbm", ["max_depth=int:1:10", "min_samples_leaf=int:1:50"]),
}


def sklearn_model(name, candidates, seed):
    from scipy.stats import loguniform, randint
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import RandomizedSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    estimator, space, scale = {
        "tree": (DecisionTreeClassifier(), {"max_depth": randint(1, 21),
                                            "min_samples_leaf": randint(1, 21)}, False),
        "forest": (RandomForestClassifier(), {"max_depth": randint(1, 21),
                                              "min_samples_leaf": randint(1, 21)}, False),
        "logistic": (LogisticRegression(max_iter=100), {"C": loguniform(0.001, 1000)}, True),
        "gbm": (HistGradientBoostingClassifier(), {"max_depth": randint(1, 11),
                                                   "min_samples_leaf": randint(1, 51)}, False),
    }[name]
    return estimator, space, scale, (ColumnTransformer, Pipeline, SimpleImputer,
                                     OneHotEncoder, StandardScaler, RandomizedSearchCV)


def opy(cache, task_id, name, candidates, seed):
    from offline import block_network

    block_network("tune_speed.py")
    import warnings

    warnings.simplefilter("ignore")
    import numpy as np
    import openml

    openml.config.set_root_cache_directory(cache)
    openml.config.avoid_duplicate_runs = False
    task = openml.tasks.get_task(task_id, download_splits=True)
    _, _, categorical, _ = task.get_dataset().get_data(target=task.target_name)
    numeric = [i for i, c in enumerate(categorical) if not c]
    nominal = [i for i, c in enumerate(categorical) if c]
    estimator, space, scale, (ColumnTransformer, Pipeline, SimpleImputer, OneHotEncoder,
                              StandardScaler, RandomizedSearchCV) = sklearn_model(
        name, candidates, seed)
    numeric_steps = [("impute", SimpleImputer(strategy="median"))]
    if scale:
        numeric_steps.append(("scale", StandardScaler()))
    prep = ColumnTransformer([
        ("numeric", Pipeline(numeric_steps), numeric),
        ("nominal", OneHotEncoder(handle_unknown="ignore", sparse_output=False), nominal)])
    search = RandomizedSearchCV(estimator, space, n_iter=candidates, cv=3, random_state=seed)
    model = Pipeline([("preprocess", prep), ("search", search)])
    started = time.perf_counter()
    run = openml.runs.run_model_on_task(model, task, avoid_duplicate_runs=False,
                                        upload_flow=False, seed=seed)
    seconds = time.perf_counter() - started
    p = run.predictions
    accuracy = float(np.mean([str(a) == str(b) for a, b in zip(p["prediction"], p["correct"])]))
    return accuracy, seconds


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "opy":
        cache, task_id, name, candidates = sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
        accuracy, seconds = opy(cache, task_id, name, candidates, 0)
        print(f"{accuracy} {seconds}")
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--oml", required=True)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--flows", default="tree,forest,logistic,gbm")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    work = tempfile.mkdtemp(prefix="oml-tune-speed-")
    cache, data = os.path.join(work, "cache"), os.path.join(work, "data.arff")
    subprocess.run([args.oml, "data", "generate", data, "--rows", str(args.rows), "--numeric",
                    "10", "--nominal", "5", "--seed", "4"], check=True, capture_output=True)
    resampling = f"cv:{args.folds}" + (f":{args.repeats}" if args.repeats > 1 else "")
    subprocess.run([args.oml, "task", "write", data, "--target", "class", "--resampling",
                    resampling, "--cache-dir", cache, "--task-id", "1", "--dataset-id", "1"],
                   check=True, capture_output=True)
    print(f"tuned flows, {args.rows} rows, {resampling}, random search of {args.candidates} "
          f"candidates, 3-fold inner CV")
    print(f"{'flow':<22}{'oml acc':>9}{'sklearn acc':>12}{'oml s':>9}{'opy s':>9}{'opy/oml':>9}")
    for name in args.flows.split(","):
        flow, spaces = FLOWS[name]
        command = [args.oml, "run", "--task", "1", "--cache-dir", cache, "--offline", "--flow",
                   flow, "--search", f"random:{args.candidates}", "--inner", "cv:3", "--json",
                   "--out", os.path.join(work, f"run-{name}")]
        for space in spaces:
            command += ["--tune", space]
        started = time.perf_counter()
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        oml_seconds = time.perf_counter() - started
        import json
        oml_accuracy = json.loads(out)["measures"]["predictive_accuracy"]["value"]
        started = time.perf_counter()
        answer = subprocess.run([sys.executable, __file__, "opy", cache, "1", name,
                                 str(args.candidates)], check=True, capture_output=True,
                                text=True).stdout.split()
        opy_seconds = time.perf_counter() - started
        sk_accuracy = float(answer[0])
        print(f"{flow:<22}{oml_accuracy:>9.4f}{sk_accuracy:>12.4f}{oml_seconds:>9.2f}"
              f"{opy_seconds:>9.2f}{opy_seconds / oml_seconds:>9.1f}")


if __name__ == "__main__":
    main()
