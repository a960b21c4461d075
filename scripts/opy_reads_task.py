#!/usr/bin/env python3
"""Checks that openml-python reads, offline, a task that oml wrote into a cache directory, and
gets the same splits as oml.

The cache is one that `oml task write ... --cache-dir DIR --task-id N --dataset-id M` filled;
the expected splits are what `oml task show N --cache-dir DIR --splits-json FILE` wrote (every
(repeat, fold, sample) with its train and test row ids in file order, the target, the number of
rows and the class labels).

The network is blocked before openml is imported (socket connect and name resolution raise), so
everything must come from the cache: openml.tasks.get_task(N, download_splits=True, ...) with
every dataset file asked for, task.get_dataset(), task.get_X_and_y(). Then every train and test
index array of openml-python is compared with oml's, element by element and in order, and so
are the split dimensions, the target, the class labels and the number of rows.

Usage (from the repository root; openml 0.15.1 in a virtual environment):
    python3 -m venv .venv && .venv/bin/pip install openml==0.15.1
    oml task write builtin:iris --cache-dir /tmp/cache --task-id 1 --dataset-id 61
    oml task show 1 --cache-dir /tmp/cache --splits-json /tmp/cache/expected_1.json
    .venv/bin/python scripts/opy_reads_task.py /tmp/cache 1 /tmp/cache/expected_1.json

Exits 0 and prints one line when everything matches, 1 with the first difference otherwise.
"""

import argparse
import json
import os
import sys
import warnings

from offline import block_network

def fail(message):
    print(f"opy_reads_task: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cache_dir", help="the cache root oml wrote into")
    parser.add_argument("task_id", type=int)
    parser.add_argument("expected", help="the JSON of `oml task show --splits-json`")
    parser.add_argument(
        "--server",
        default="https://www.openml.org/api/v1/xml",
        help="the server whose sub-directory of the cache holds the task (default: www)",
    )
    args = parser.parse_args()
    with open(args.expected, encoding="utf8") as fh:
        expected = json.load(fh)

    block_network("opy_reads_task.py")
    # openml creates its root cache directory on import: point it at the test cache first.
    os.environ["OPENML_CACHE_DIR"] = args.cache_dir
    warnings.simplefilter("ignore", FutureWarning)
    import openml

    openml.config.set_root_cache_directory(args.cache_dir)
    openml.config.server = args.server
    openml.config.avoid_duplicate_runs = False

    task = openml.tasks.get_task(
        args.task_id,
        download_splits=True,
        download_data=True,
        download_qualities=True,
        download_features_meta_data=True,
    )
    dataset = task.get_dataset()
    X, y = task.get_X_and_y(dataset_format="dataframe")

    if task.target_name != expected["target"]:
        fail(f"target: openml-python {task.target_name!r}, oml {expected['target']!r}")
    if len(X) != expected["n_rows"] or len(y) != expected["n_rows"]:
        fail(f"rows: openml-python {len(X)} (y {len(y)}), oml {expected['n_rows']}")
    labels = getattr(task, "class_labels", None)
    if labels != expected["class_labels"]:
        fail(f"class labels: openml-python {labels!r}, oml {expected['class_labels']!r}")
    if labels is not None and str(y.dtype) == "category":
        categories = [str(c) for c in y.cat.categories]
        if categories != labels:
            fail(f"categories of y: {categories!r}, class labels {labels!r}")

    splits = expected["splits"]
    dimensions = task.get_split_dimensions()
    expected_dimensions = tuple(
        1 + max(s[key] for s in splits) for key in ("repeat", "fold", "sample")
    )
    if dimensions != expected_dimensions:
        fail(f"(repeats, folds, samples): openml-python {dimensions}, oml {expected_dimensions}")
    for s in splits:
        train, test = task.get_train_test_split_indices(
            fold=s["fold"], repeat=s["repeat"], sample=s["sample"]
        )
        where = f"repeat {s['repeat']}, fold {s['fold']}, sample {s['sample']}"
        if train.tolist() != s["train"]:
            fail(f"{where}: train indices differ ({len(train)} vs {len(s['train'])} rows)")
        if test.tolist() != s["test"]:
            fail(f"{where}: test indices differ ({len(test)} vs {len(s['test'])} rows)")

    print(
        f"ok: openml-python {openml.__version__} read task {args.task_id} offline "
        f"({task.task_type}, {task.estimation_procedure['type']}, dataset {dataset.dataset_id} "
        f"`{dataset.name}`, {len(X)} rows, target {task.target_name!r}"
        + (f", {len(labels)} class labels" if labels is not None else "")
        + f"); {len(splits)} splits {dimensions} identical to oml's"
    )


if __name__ == "__main__":
    main()
