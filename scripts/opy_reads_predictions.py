#!/usr/bin/env python3
"""Checks that openml-python reads the predictions of an oml run directory and, recomputing
accuracy per (repeat, fold) its own way, gets the per-fold predictive_accuracy oml reported.

openml-python 0.15.1 recomputes a metric from a run's predictions in
`OpenMLRun.get_metric_fn(sklearn_fn)`: it parses the predictions ARFF with liac-arff
(`arff.loads`), requires the `correct` attribute and the same nominal list for `prediction` and
`correct`, maps both labels of every row to their index in the `prediction` attribute's nominal
list, groups rows by (repeat, fold, sample) and scores the LAST sample of every (repeat, fold)
with `sklearn_fn(y_true, y_pred)`. This script calls that method, unchanged, on an `OpenMLRun`
that refers to its predictions by file id, the way a published run does. Two functions it calls
are pointed at local files, because the network is blocked (socket connect and name resolution
raise) and oml's local tasks have no OpenML task:

- `openml._api_calls._download_text_file` returns `RUN_DIR/predictions.arff` as text;
- `openml.runs.run.get_task` returns the task's type (classification, or learning curve when
  the predictions have more than one sample). With `--cache-dir`, a run of an OpenML task id
  gets the real task from that openml-python cache instead (offline).

The scores, one per (repeat, fold) in file order, are compared with
`summary.json["predictive_accuracy"]["per_fold"]` (repeat by repeat) within 1e-12.

Usage (from the repository root; openml 0.15.1 in a virtual environment):
    oml run --flow knn --resampling holdout:33:2 --out /tmp/run
    .venv/bin/python scripts/opy_reads_predictions.py /tmp/run

Exits 0 and prints one line per run directory when everything matches, 1 with the first
difference otherwise.
"""

import argparse
import json
import math
import os
import sys
import tempfile
import warnings
from pathlib import Path
from types import SimpleNamespace

from offline import block_network

TOLERANCE = 1e-12


def fail(message):
    print(f"opy_reads_predictions: {message}", file=sys.stderr)
    sys.exit(1)


def check(run_dir, cache_dir):
    import openml
    import openml.runs.run
    import sklearn
    from openml.tasks import TaskType
    from sklearn.metrics import accuracy_score

    run_dir = Path(run_dir)
    predictions = (run_dir / "predictions.arff").read_text(encoding="utf8")
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf8"))
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf8"))
    if "predictive_accuracy" not in summary:
        fail(f"{run_dir}: no predictive_accuracy in summary.json (not a classification run)")
    expected = summary["predictive_accuracy"]["per_fold"]
    # per_sample[repeat][fold][sample], for learning curves only.
    per_sample = summary["predictive_accuracy"].get("per_sample")
    n_samples = len(per_sample[0][0]) if per_sample else 1

    predictions_file_id = 0

    def download_text_file(source, *_args, **_kwargs):
        if not source.endswith(f"/data/download/{predictions_file_id}/predictions.arff"):
            fail(f"{run_dir}: openml-python asked for {source}, not the predictions")
        return predictions

    openml._api_calls._download_text_file = download_text_file

    task_id = manifest.get("task_id")
    if task_id is not None and cache_dir is not None:
        real_get_task = openml.runs.run.get_task

        def get_task(asked, *args, **kwargs):
            return real_get_task(asked, download_splits=False, download_data=False)

        source = f"task {task_id} from the cache"
    else:

        def get_task(_asked, *_args, **_kwargs):
            curve = n_samples > 1
            kind = TaskType.LEARNING_CURVE if curve else TaskType.SUPERVISED_CLASSIFICATION
            return SimpleNamespace(task_type_id=kind)

        source = "the task type"
        task_id = -1 if task_id is None else task_id

    openml.runs.run.get_task = get_task

    run = openml.runs.OpenMLRun(
        task_id=task_id,
        flow_id=None,
        dataset_id=None,
        output_files={"predictions": predictions_file_id},
    )
    scores = [float(s) for s in run.get_metric_fn(accuracy_score)]
    flat = [(r, f, value) for r, folds in enumerate(expected) for f, value in enumerate(folds)]
    if len(scores) != len(flat):
        fail(
            f"{run_dir}: openml-python scores {len(scores)} (repeat, fold) units, "
            f"oml reports {len(flat)}"
        )
    worst = 0.0
    for score, (repeat, fold, value) in zip(scores, flat):
        if value is None or not math.isfinite(value) or abs(score - value) > TOLERANCE:
            fail(
                f"{run_dir}: repeat {repeat} fold {fold}: openml-python's accuracy {score!r}, "
                f"oml's predictive_accuracy {value!r}"
            )
        worst = max(worst, abs(score - value))
    print(
        f"ok: openml-python {openml.__version__} (scikit-learn {sklearn.__version__}) read "
        f"{run_dir.name}/predictions.arff offline and recomputed accuracy for "
        f"{len(expected)} x {len(expected[0])} (repeat, fold) units"
        + (f" (last of {n_samples} samples)" if n_samples > 1 else "")
        + f" with {source}: equal to oml's per-fold predictive_accuracy "
        f"(max |difference| {worst:.3g})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dirs", nargs="+", metavar="RUN_DIR", help="an oml run directory")
    parser.add_argument(
        "--cache-dir",
        help="an openml-python cache holding the OpenML tasks of the runs (optional)",
    )
    args = parser.parse_args()

    block_network("opy_reads_predictions.py")
    cache_dir = args.cache_dir
    with tempfile.TemporaryDirectory(prefix="opy_reads_predictions.") as scratch:
        # openml creates its root cache directory on import: point it at the given cache or
        # at an empty scratch directory first, never at the user's cache.
        root = cache_dir if cache_dir is not None else scratch
        os.environ["OPENML_CACHE_DIR"] = root
        warnings.simplefilter("ignore", FutureWarning)
        import openml

        openml.config.set_root_cache_directory(root)
        for run_dir in args.run_dirs:
            check(run_dir, cache_dir)


if __name__ == "__main__":
    main()
