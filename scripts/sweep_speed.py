#!/usr/bin/env python3
"""Times a sweep of many small tasks x flows x seeds end to end, oml against openml-python +
scikit-learn, offline, on the same tasks and the same splits, and compares their accuracies.

Steps:
  1. `cargo build --release -p oml` (skip with --no-build, or name a binary with --oml);
  2. --tasks small datasets (`oml data generate`; 200 to 1000 rows, 5 to 20 numeric and 0 to 4
     nominal features, 2 to 4 classes, 5% missing, seed i), each written with `oml task write
     DATA.arff --target class --resampling cv:10 --cache-dir C --task-id i --dataset-id i` into
     one openml-python cache C, so that both tools read tasks 1..K and their splits offline;
  3. a sweep file: `tasks = [1, ..., K]`, the --flows and seeds 0..--seeds, one job per (task,
     flow, seed);
  4. per repeat (best of --repeats), each side from scratch:
     - oml, for each --jobs J (default 1 and 2): `oml sweep SWEEP --store S --cache-dir C
       --offline --jobs J --threads T/J` into an empty store S (J worker processes, each running
       its jobs in process and reading a task once); the time is the whole command;
     - openml-python: this script in its `opy-sweep` mode, ONE fresh Python process (imports paid
       once) that blocks the network, imports openml and scikit-learn, then for every task reads
       it from C (`openml.tasks.get_task`) and for every flow and seed runs
       `openml.runs.run_model_on_task(pipeline, task, avoid_duplicate_runs=False,
       upload_flow=False, seed=SEED)`, one job after another (n_jobs None); the time is that
       loop, with the imports (and the whole process) reported beside it;
  5. accuracies: oml's from `oml collect SWEEP --measure predictive_accuracy`,
     openml-python's from each run's predictions (pooled over all predictions, as oml's); the
     (repeat, fold, row_id) of every job's predictions are compared, so both ran the same splits.

The pipelines are those of scripts/compare_openml_python.py (imported from it): scikit-learn's
equivalents of oml's default pipelines, every random_state left to openml-python's seeding.

Prints the time of each side (seconds, runs per second, openml-python over oml) and per flow
the mean over jobs of each side's accuracy and the largest difference between the two on one
job; --json-out writes them with every job's accuracies. The defaults (8 tasks x 4 flows x 3
seeds = 96 jobs, best of 2) take about 2.5 minutes on a 2-core machine, nearly all of it
openml-python's.

Usage (from the repository root; openml 0.15.1, scikit-learn and pandas in a venv):
    python3 -m venv .venv && .venv/bin/pip install -r scripts/bench_requirements.txt
    .venv/bin/python scripts/sweep_speed.py [--tasks 8] [--flows decision-tree,knn] [--seeds 3]
        [--repeats 2] [--threads 2] [--jobs 1,2] [--json-out sweep_speed.json] [--keep DIR]
"""

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict

from compare_openml_python import (
    FLOWS,
    check,
    import_openml,
    oml_binary,
    oml_keys,
    read_task,
    run_accuracy,
    sklearn_pipeline,
    timed,
)

DEFAULT_FLOWS = "decision-tree,gaussian-nb,knn,logistic-regression"


def dataset_shapes(count):
    """The `oml data generate` flags of the `count` datasets: rows spread evenly from 200 to
    1000, features, nominal features and classes cycling through small values."""
    for i in range(count):
        yield {
            "rows": 200 + 800 * i // max(count - 1, 1),
            "numeric": 5 + 5 * (i % 4),
            "nominal": 2 * (i % 3),
            "classes": 2 + i % 3,
            "seed": i,
        }


# ---------------------------------------------------------------------------------------------
# The openml-python side: one process (`opy-sweep`) for the whole sweep.


def opy_sweep(args):
    """Runs every (task, flow, seed) job with openml-python, one after another, with the network
    blocked, and writes {seconds_import, seconds_loop, jobs: [{task, flow, seed, accuracy,
    keys}]} as JSON."""
    started = time.perf_counter()
    openml = import_openml(args.cache_dir, "sweep_speed.py")
    # Builds each flow's pipeline once, so that the estimators' scikit-learn modules that
    # `import openml` leaves out are imported here rather than in the first job.
    for flow in args.flows:
        sklearn_pipeline(flow, [], [])
    imported = time.perf_counter()

    runs = []
    for task_id in range(1, args.tasks + 1):
        task, numeric, nominal, _ = read_task(openml, task_id)
        for flow in args.flows:
            for seed in range(args.seeds):
                model = sklearn_pipeline(flow, numeric, nominal)
                run = openml.runs.run_model_on_task(
                    model, task, avoid_duplicate_runs=False, upload_flow=False, seed=seed
                )
                runs.append((task_id, flow, seed, run))
    finished = time.perf_counter()

    jobs = []
    for task_id, flow, seed, run in runs:
        accuracy, keys = run_accuracy(run)
        jobs.append(
            {"task": task_id, "flow": flow, "seed": seed, "accuracy": accuracy, "keys": keys}
        )
    import sklearn

    result = {
        "seconds_import": imported - started,
        "seconds_loop": finished - imported,
        "openml": openml.__version__,
        "scikit_learn": sklearn.__version__,
        "jobs": jobs,
    }
    with open(args.result, "w", encoding="utf8") as out:
        json.dump(result, out)


# ---------------------------------------------------------------------------------------------
# The driver.


def write_tasks(oml, work, cache, count, resampling):
    """Generates the datasets and writes them into `cache` as tasks 1..count."""
    for task_id, shape in enumerate(dataset_shapes(count), start=1):
        data = os.path.join(work, f"data{task_id}.arff")
        flags = [arg for name, value in shape.items() for arg in (f"--{name}", str(value))]
        check([oml, "data", "generate", data, *flags])
        check([oml, "task", "write", data, "--target", "class", "--resampling", resampling,
               "--cache-dir", cache, "--task-id", str(task_id), "--dataset-id", str(task_id)])


def write_sweep(path, count, flows, seeds):
    """The sweep file: tasks 1..count x `flows` x seeds 0..seeds."""
    tasks = ", ".join(str(i) for i in range(1, count + 1))
    names = ", ".join(f'"{flow}"' for flow in flows)
    with open(path, "w", encoding="utf8") as out:
        out.write(f'seeds = "0..{seeds}"\ntasks = [{tasks}]\nflows = [{names}]\n')


def oml_jobs(oml, sweep, store, cache, work):
    """{(task, flow, seed): (accuracy, sorted prediction keys)} of oml's runs of the sweep."""
    table = os.path.join(work, "collect.csv")
    check([oml, "collect", sweep, "--store", store, "--cache-dir", cache, "--out", table,
           "--measure", "predictive_accuracy"])
    jobs = {}
    with open(table, encoding="utf8", newline="") as fh:
        for row in csv.DictReader(fh):
            keys = oml_keys(os.path.join(store, row["run_key"], "predictions.arff"))
            jobs[(int(row["task"]), row["flow"], int(row["seed"]))] = (float(row["value"]), keys)
    return jobs


def sweep_speed(args):
    oml = oml_binary(args)
    work = args.keep or tempfile.mkdtemp(prefix="oml-sweep-speed-")
    os.makedirs(work, exist_ok=True)
    cache = os.path.join(work, "cache")
    store = os.path.join(work, "store")
    sweep = os.path.join(work, "sweep.toml")
    result = os.path.join(work, "opy.json")
    shutil.rmtree(cache, ignore_errors=True)
    write_tasks(oml, work, cache, args.tasks, args.resampling)
    write_sweep(sweep, args.tasks, args.flows, args.seeds)
    n_jobs = args.tasks * len(args.flows) * args.seeds
    print(f"{n_jobs} jobs: {args.tasks} tasks ({args.resampling}) x {len(args.flows)} flows "
          f"({', '.join(args.flows)}) x {args.seeds} seeds; oml {args.threads} threads per job, "
          f"openml-python 1 process, n_jobs=None; best of {args.repeats}", flush=True)

    oml_times, opy_times, opy_imports, opy_processes = [], [], [], []
    by_jobs = {jobs: [] for jobs in args.jobs}
    for _ in range(args.repeats):
        for jobs in args.jobs:
            shutil.rmtree(store, ignore_errors=True)
            seconds, _ = timed([oml, "sweep", sweep, "--store", store, "--cache-dir", cache,
                                "--offline", "--jobs", str(jobs),
                                "--threads", str(max(1, args.threads // jobs))])
            by_jobs[jobs].append(seconds)
            print(f"oml sweep --jobs {jobs}: {seconds:.2f} s", flush=True)
        oml_times.append(min(times[-1] for times in by_jobs.values()))
        seconds, _ = timed([sys.executable, os.path.abspath(__file__), "opy-sweep",
                            "--cache-dir", cache, "--tasks", str(args.tasks),
                            "--flows", ",".join(args.flows), "--seeds", str(args.seeds),
                            "--result", result])
        opy_processes.append(seconds)
        with open(result, encoding="utf8") as fh:
            opy = json.load(fh)
        opy_times.append(opy["seconds_loop"])
        opy_imports.append(opy["seconds_import"])
        print(f"oml sweep {oml_times[-1]:.2f} s; openml-python loop {opy_times[-1]:.2f} s "
              f"(imports {opy_imports[-1]:.2f} s, whole process {seconds:.2f} s)", flush=True)

    ours = oml_jobs(oml, sweep, store, cache, work)
    if len(ours) != n_jobs or len(opy["jobs"]) != n_jobs:
        sys.exit(f"sweep_speed: {len(ours)} oml and {len(opy['jobs'])} openml-python jobs, "
                 f"expected {n_jobs}")
    jobs = []
    for job in opy["jobs"]:
        accuracy, keys = ours[(job["task"], job["flow"], job["seed"])]
        jobs.append({
            "task": job["task"], "flow": job["flow"], "seed": job["seed"],
            "oml_accuracy": accuracy, "sklearn_accuracy": job["accuracy"],
            "same_splits": keys == [tuple(k) for k in job["keys"]],
        })
    per_flow = defaultdict(list)
    for job in jobs:
        per_flow[job["flow"]].append(job)
    flows = []
    for flow in args.flows:
        runs = per_flow[flow]
        flows.append({
            "flow": flow,
            "jobs": len(runs),
            "oml_accuracy": sum(j["oml_accuracy"] for j in runs) / len(runs),
            "sklearn_accuracy": sum(j["sklearn_accuracy"] for j in runs) / len(runs),
            "max_difference_points": 100 * max(
                abs(j["oml_accuracy"] - j["sklearn_accuracy"]) for j in runs),
        })
    oml_s, opy_s = min(oml_times), min(opy_times)
    same_splits = all(job["same_splits"] for job in jobs)

    print()
    header = f"{'':<14} {'jobs':>5} {'seconds':>8} {'runs/s':>8}"
    print(header)
    print("-" * len(header))
    print(f"{'oml sweep':<14} {n_jobs:>5} {oml_s:>8.2f} {n_jobs / oml_s:>8.1f}")
    print(f"{'openml-python':<14} {n_jobs:>5} {opy_s:>8.2f} {n_jobs / opy_s:>8.1f}   "
          f"+ {min(opy_imports):.2f} s of imports")
    for jobs, times in by_jobs.items():
        print(f"  oml sweep --jobs {jobs}: {min(times):.2f} s, {n_jobs / min(times):.1f} runs/s, "
              f"openml-python / oml {opy_s / min(times):.1f}x")
    print(f"openml-python / oml: {opy_s / oml_s:.1f}x; same splits in every job: {same_splits}")
    print()
    header = f"{'flow':<20} {'jobs':>5} {'oml acc':>8} {'skl acc':>8} {'max |diff| pt':>14}"
    print(header)
    print("-" * len(header))
    for f in flows:
        print(f"{f['flow']:<20} {f['jobs']:>5} {f['oml_accuracy']:>8.4f} "
              f"{f['sklearn_accuracy']:>8.4f} {f['max_difference_points']:>14.2f}")
    print("(acc: the mean over the flow's jobs of each job's accuracy, pooled over its "
          "predictions; max |diff|: the largest on one job, in points)")

    if args.json_out:
        summary = {
            "tasks": list(dataset_shapes(args.tasks)),
            "resampling": args.resampling,
            "flows": args.flows,
            "seeds": args.seeds,
            "jobs": n_jobs,
            "repeats": args.repeats,
            "oml_threads": args.threads,
            "openml": opy["openml"],
            "scikit_learn": opy["scikit_learn"],
            "oml_s": oml_s,
            "opy_s": opy_s,
            "oml_runs_per_s": n_jobs / oml_s,
            "opy_runs_per_s": n_jobs / opy_s,
            "speedup": opy_s / oml_s,
            "opy_import_s": min(opy_imports),
            "oml_times": oml_times,
            "oml_times_by_jobs": by_jobs,
            "opy_times": opy_times,
            "opy_process_times": opy_processes,
            "same_splits": same_splits,
            "per_flow": flows,
            "per_job": jobs,
        }
        with open(args.json_out, "w", encoding="utf8") as out:
            json.dump(summary, out, indent=2)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    if not same_splits:
        sys.exit("sweep_speed: the two tools' predictions differ in their splits")


def flow_list(text):
    flows = text.split(",")
    unknown = set(flows) - set(FLOWS)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown flows {sorted(unknown)}; known: {', '.join(FLOWS)}")
    return flows


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "opy-sweep":
        parser = argparse.ArgumentParser(prog="sweep_speed.py opy-sweep")
        parser.add_argument("--cache-dir", required=True)
        parser.add_argument("--tasks", type=int, required=True, help="tasks 1..N")
        parser.add_argument("--flows", type=flow_list, required=True)
        parser.add_argument("--seeds", type=int, required=True, help="seeds 0..N")
        parser.add_argument("--result", required=True)
        opy_sweep(parser.parse_args(sys.argv[2:]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=8, help="the number of tasks")
    parser.add_argument("--flows", type=flow_list, default=DEFAULT_FLOWS,
                        help="comma-separated flow names")
    parser.add_argument("--seeds", type=int, default=3, help="the number of seeds (0..N)")
    parser.add_argument("--resampling", default="cv:10", help="every task's resampling")
    parser.add_argument("--repeats", type=int, default=2, help="sweeps per tool; best is kept")
    parser.add_argument("--threads", type=int, default=2,
                        help="cores for oml: each of --jobs J gets threads / J")
    parser.add_argument("--jobs", type=lambda t: [int(j) for j in t.split(",")], default=[1, 2],
                        help="comma-separated oml sweep --jobs values to time")
    parser.add_argument("--json-out", help="also write the results as JSON to this file")
    parser.add_argument("--oml", help="the oml binary (default: build it with cargo)")
    parser.add_argument("--no-build", action="store_true",
                        help="use $CARGO_TARGET_DIR/release/oml without building")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    sweep_speed(parser.parse_args())


if __name__ == "__main__":
    main()
