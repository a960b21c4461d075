#!/usr/bin/env python3
"""Model speed on generated tables shaped like real ones (issue 19): each built-in flow's fit +
predict per fold, oml against scikit-learn 1.9.1 with the equivalent pipeline, on the same data
and the same folds, with the same number of threads on each side.

For each shape ROWSxNUMERICxNOMINALxCLASSES (`oml data generate --rows R --numeric N --nominal K
--levels L --classes C --missing 0.05 --seed 1`; nominal columns have 2 to L values, by default
60 as issue 19 asks; 5% of feature values are missing), `oml task write` makes a stratified
--folds CV task in a fresh openml-python cache. The scikit-learn pipeline is
compare_openml_python.py's `sklearn_pipeline`, the equivalent of oml's default pipeline.
Then, per flow:
  - oml: `oml run --task ID --cache-dir C --offline --threads T`; its time is the evaluation's
    wall time (`wall_time_s` of `--json`, the manifest's: encoding the task, every fold's fit +
    predict and the scoring, with T threads shared out over folds as oml runs them; not the
    process start or the task read), its accuracy the pooled `predictive_accuracy`;
  - scikit-learn: one Python process reads the same cached task (openml-python, offline), and
    for every fold of the split file times `pipeline.fit(train)` + `pipeline.predict(test)`
    (wall clock), with BLAS/OpenMP threads limited to T (threadpoolctl), rayon's to T
    (RAYON_NUM_THREADS, for perpetual) and `n_jobs=T` where the estimator takes it; its
    accuracy is pooled over the folds.
A side that takes longer than --timeout seconds is stopped and shown as `>T s`.

Prints a table (flow, shape, oml s, scikit-learn s, scikit-learn / oml, accuracy gap in points)
and writes it as CSV with --csv.

Usage (the packages of scripts/parity_requirements.txt in a venv):
    .venv/bin/python scripts/model_speed.py --oml target/release/oml \\
        [--shapes 5000x20x0x2,5000x10x10x5] [--flows decision-tree,random-forest,...] \\
        [--levels 60] [--folds 5] [--threads 1] [--timeout 300] [--csv model_speed.csv]
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

DEFAULT_SHAPES = "5000x20x0x2,5000x10x10x5,20000x20x0x2,20000x10x10x5"
DEFAULT_FLOWS = "decision-tree,random-forest,gbm,logistic-regression,knn,gaussian-nb"
def sklearn_side(cache, task_id, flow, threads, out):
    """One flow on one task, every fold: writes {seconds, accuracy} to `out`."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from offline import block_network

    block_network("model_speed.py")
    # Rust libraries behind Python (perpetual) size rayon's global pool from this, once.
    os.environ["RAYON_NUM_THREADS"] = str(threads)
    from compare_openml_python import sklearn_pipeline
    import warnings

    warnings.simplefilter("ignore")
    import numpy as np
    import openml
    from threadpoolctl import threadpool_limits

    openml.config.set_root_cache_directory(cache)
    task = openml.tasks.get_task(task_id, download_splits=True)
    x, y, categorical, _ = task.get_dataset().get_data(target=task.target_name)
    numeric = [i for i, c in enumerate(categorical) if not c]
    nominal = [i for i, c in enumerate(categorical) if c]
    y = np.asarray(y.astype(str))
    n_repeats, n_folds, _ = task.get_split_dimensions()
    seconds, right, total = 0.0, 0, 0
    with threadpool_limits(limits=threads):
        for fold in range(n_folds):
            train, test = task.get_train_test_split_indices(fold=fold, repeat=0)
            model = sklearn_pipeline(flow, numeric, nominal, threads)
            started = time.perf_counter()
            model.fit(x.iloc[train], y[train])
            predicted = model.predict(x.iloc[test])
            seconds += time.perf_counter() - started
            right += int((predicted == y[test]).sum())
            total += len(test)
    with open(out, "w", encoding="utf8") as fh:
        json.dump({"seconds": seconds, "accuracy": right / total}, fh)


def run(command, timeout):
    """Runs `command`; its stdout, or None when it passed `timeout` seconds."""
    try:
        return subprocess.run(command, check=True, capture_output=True, text=True,
                              timeout=timeout).stdout
    except subprocess.TimeoutExpired:
        return None


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "sklearn":
        cache, task_id, flow, threads, out = sys.argv[2:7]
        sklearn_side(cache, int(task_id), flow, int(threads), out)
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--oml", required=True)
    parser.add_argument("--shapes", default=DEFAULT_SHAPES,
                        help="comma-separated ROWSxNUMERICxNOMINALxCLASSES")
    parser.add_argument("--flows", default=DEFAULT_FLOWS)
    parser.add_argument("--levels", type=int, default=60,
                        help="the most values of a nominal column (each has 2 to this)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--csv", help="write the table here too")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="oml-model-speed-")
    cache = os.path.join(work, "cache")
    rows_out = []
    print(f"{args.folds} folds, {args.threads} thread(s) each side; oml: the evaluation's wall "
          f"time, scikit-learn: fit + predict summed over folds")
    print(f"{'flow':<27}{'shape':<20}{'oml s':>9}{'sklearn s':>11}{'skl/oml':>9}{'acc gap pt':>12}",
          flush=True)
    for task_id, shape in enumerate(args.shapes.split(","), start=1):
        n_rows, n_numeric, n_nominal, n_classes = (int(v) for v in shape.split("x"))
        data = os.path.join(work, f"{shape}.arff")
        subprocess.run([args.oml, "data", "generate", data, "--rows", str(n_rows), "--numeric",
                        str(n_numeric), "--nominal", str(n_nominal), "--levels",
                        str(args.levels), "--classes",
                        str(n_classes), "--missing", "0.05", "--seed", "1"],
                       check=True, capture_output=True)
        subprocess.run([args.oml, "task", "write", data, "--target", "class", "--resampling",
                        f"cv:{args.folds}", "--cache-dir", cache, "--task-id", str(task_id),
                        "--dataset-id", str(task_id)], check=True, capture_output=True)
        for flow in args.flows.split(","):
            out_dir = os.path.join(work, f"run-{task_id}-{flow}")
            printed = run([args.oml, "run", "--task", str(task_id), "--cache-dir", cache,
                           "--offline", "--flow", flow, "--threads", str(args.threads),
                           "--out", out_dir, "--json"], args.timeout)
            oml_s = oml_acc = None
            if printed is not None:
                report = json.loads(printed)
                oml_s = report["wall_time_s"]
                oml_acc = report["measures"]["predictive_accuracy"]["value"]
            answer = os.path.join(work, f"sklearn-{task_id}-{flow}.json")
            done = run([sys.executable, os.path.abspath(__file__), "sklearn", cache,
                        str(task_id), flow, str(args.threads), answer], args.timeout)
            skl_s = skl_acc = None
            if done is not None:
                result = json.load(open(answer, encoding="utf8"))
                skl_s, skl_acc = result["seconds"], result["accuracy"]
            late = f">{args.timeout:.0f}"
            ratio = f"{skl_s / oml_s:.2f}" if oml_s and skl_s else "-"
            gap = (f"{100 * (oml_acc - skl_acc):+.2f}"
                   if oml_acc is not None and skl_acc is not None else "-")
            print(f"{flow:<27}{shape:<20}"
                  f"{(f'{oml_s:.2f}' if oml_s is not None else late):>9}"
                  f"{(f'{skl_s:.2f}' if skl_s is not None else late):>11}"
                  f"{ratio:>9}{gap:>12}", flush=True)
            rows_out.append({"flow": flow, "shape": shape, "oml_s": oml_s, "sklearn_s": skl_s,
                             "ratio": ratio, "accuracy_gap_pt": gap})
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows_out[0]))
            writer.writeheader()
            writer.writerows(rows_out)


if __name__ == "__main__":
    main()
