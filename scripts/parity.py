#!/usr/bin/env python3
"""The parity suite: every built-in oml flow against its scikit-learn counterpart, run through
openml-python's `run_model_on_task`, on the same cached task and splits, offline.

For each table of scripts/parity_data.py (real tables that Python packages ship inside
themselves, and one generated table where only the missingness of a nominal column predicts
the label):
  1. the table is written as ARFF with explicit nominal attributes;
  2. `oml task write TABLE.arff --target COL --resampling cv:FOLDS --cache-dir C --task-id N
     --dataset-id N`: stratified k-fold for classification, plain k-fold for regression;
  3. per oml flow that learns the task type (`oml flows --json`):
     - oml: `oml run --task N --cache-dir C --offline --flow F --seed S --json --out DIR`,
       timed around the whole command;
     - scikit-learn: a fresh Python process of this script (`opy-run`) that blocks the network,
       imports openml and scikit-learn, reads task N from C and runs
       `openml.runs.run_model_on_task(pipeline, task, seed=S)`, timed around the whole process;
     (S = 0, or 0..N-1 with --seeds N, averaged, with the spread over seeds as `seed sd`);
     - both sides' (repeat, fold, row id) of every prediction are compared (same splits);
  4. the mean over folds of accuracy (classification) or RMSE (regression) of each side, the
     gap (accuracy points; RMSE in % of scikit-learn's) and the wall-time ratio oml / opy.

The scikit-learn pipeline of a flow is its counterpart step for step (`--sklearn-pipeline
mirror`, the default): a ColumnTransformer of numeric columns -> oml's imputation
(SimpleImputer(median) where oml's pipeline imputes; none for the flows whose trees take
missing values themselves, as scikit-learn's DecisionTree, RandomForest (1.4+) and
HistGradientBoosting do) [+ StandardScaler where oml's pipeline scales], nominal columns ->
OneHotEncoder(handle_unknown="ignore") (a missing value is a category of its own); then the
estimator of COUNTERPARTS below, with parameters read from the oml flow's defaults.
`--sklearn-pipeline fixed` median-imputes numeric columns for every flow, the trees too (the
pipeline of issue 14's first table), which takes the missingness signal away from
scikit-learn's trees but not from oml's.

Rows outside the tolerance (|gap| > 1.0 accuracy point, |gap| > 2% RMSE) are marked `!!`; with
--strict the script then exits 1. A flow that fails, or splits that differ, always exit 1.

Usage (from the repository root; the packages of scripts/parity_requirements.txt in a venv):
    python3 -m venv .venv && .venv/bin/pip install -r scripts/parity_requirements.txt
    .venv/bin/python scripts/parity.py --oml target/release/oml --out parity.md --out parity.csv
    .venv/bin/python scripts/parity.py --oml target/debug/oml --short     # CI: 3+1 tables, 5-fold
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

# ---------------------------------------------------------------------------------------------
# The mapping: oml flow -> scikit-learn estimator per task type, with its parameters read from
# the oml flow's defaults (`p(name)`: the default text of the oml parameter `estimator.NAME` or
# `NAME`, None when the flow has no such parameter). An oml flow missing here is skipped with a
# note; a flow here that `oml flows` does not list is ignored.


def _tree(p):
    return {
        "criterion": p("criterion"),
        "max_depth": p("max_depth"),
        "min_samples_split": p("min_samples_split"),
        "min_samples_leaf": p("min_samples_leaf"),
        "min_impurity_decrease": p("min_impurity_decrease"),
    }


def _forest(p):
    return {
        **_tree(p),
        "n_estimators": p("n_trees"),
        "bootstrap": p("bootstrap"),
        "max_samples": p("max_samples"),
        "max_features": p("max_features"),
    }


def _tree_regression(p):
    return {**_tree(p), "criterion": None}


def _forest_regression(p):
    return {**_forest(p), "criterion": None}


def _linfa_tree(p):
    # min_impurity_decrease: linfa's floor (1e-5, unweighted) is left out; scikit-learn's 0.
    whole = lambda v: None if v is None else int(v)  # noqa: E731
    return {
        "criterion": p("split_quality"),
        "max_depth": p("max_depth"),
        "min_samples_split": whole(p("min_weight_split")),
        "min_samples_leaf": whole(p("min_weight_leaf")),
    }


def _linfa_forest(p):
    # linfa-ensemble: every tree a full CART on a bootstrap sample of the rows and on features
    # drawn once per tree, with replacement: scikit-learn's bagging of trees with
    # bootstrap_features, not its random forest (which draws features per split).
    return {
        "estimator": ("DecisionTreeClassifier", _linfa_tree(p)),
        "n_estimators": p("ensemble_size"),
        "bootstrap": True,
        "max_samples": p("bootstrap_proportion"),
        "bootstrap_features": True,
        "max_features": p("feature_proportion"),
    }


COUNTERPARTS = {
    # oml flow: {task type: (scikit-learn estimator, parameters from the oml flow's defaults)}
    "decision-tree": {
        "classification": ("DecisionTreeClassifier", _tree),
        "regression": ("DecisionTreeRegressor", _tree_regression),
    },
    "random-forest": {
        "classification": ("RandomForestClassifier", _forest),
        "regression": ("RandomForestRegressor", _forest_regression),
    },
    "linfa-decision-tree": {"classification": ("DecisionTreeClassifier", _linfa_tree)},
    "linfa-random-forest": {"classification": ("BaggingClassifier", _linfa_forest)},
    # The names oml-trees' tree and forest had before this issue, if a binary still lists them.
    "tree": {
        "classification": ("DecisionTreeClassifier", _tree),
        "regression": ("DecisionTreeRegressor", _tree_regression),
    },
    "forest": {
        "classification": ("RandomForestClassifier", _forest),
        "regression": ("RandomForestRegressor", _forest_regression),
    },
    # scikit-learn's booster with its own defaults (the reference) for both boosters.
    "gbm": {
        "classification": ("HistGradientBoostingClassifier", lambda p: {}),
        "regression": ("HistGradientBoostingRegressor", lambda p: {}),
    },
    "perpetual-gbm": {
        "classification": ("HistGradientBoostingClassifier", lambda p: {}),
        "regression": ("HistGradientBoostingRegressor", lambda p: {}),
    },
    "logistic-regression": {
        # oml-linear's logistic regression takes scikit-learn's parameters by their names.
        "classification": ("LogisticRegression", lambda p: {
            "C": p("C"), "fit_intercept": p("fit_intercept"), "max_iter": p("max_iter"),
            "tol": p("tol")}),
    },
    "linfa-logistic-regression": {
        # linfa-logistic minimises sum(log loss) + alpha/2 |W|^2: scikit-learn's C = 1/alpha
        # for three or more classes, 2/alpha for two (two weight vectors share the penalty).
        "classification": ("LogisticRegression", lambda p: {
            "C": 1.0 / p("alpha"), "fit_intercept": p("fit_intercept"),
            "max_iter": p("max_iterations")}),
    },
    "gaussian-nb": {
        "classification": ("GaussianNB", lambda p: {"var_smoothing": p("var_smoothing")}),
    },
    "knn": {
        "classification": ("KNeighborsClassifier", lambda p: {
            "n_neighbors": p("k"), "weights": p("weights")}),
    },
    "svm": {
        # exp(-|x-y|^2 / gaussian_eps): scikit-learn's gamma = 1 / gaussian_eps.
        "classification": ("SVC", lambda p: {
            "C": p("c"), "kernel": p("kernel"), "gamma": 1.0 / p("gaussian_eps"),
            "shrinking": p("shrinking"), "probability": True}),
    },
    "linear-regression": {
        "regression": ("LinearRegression", lambda p: {"fit_intercept": p("fit_intercept")}),
    },
    "elastic-net": {
        # linfa-elasticnet's penalty and l1_ratio are scikit-learn's alpha and l1_ratio.
        "regression": ("ElasticNet", lambda p: {
            "alpha": p("penalty"), "l1_ratio": p("l1_ratio"),
            "fit_intercept": p("with_intercept"), "max_iter": p("max_iterations"),
            "tol": p("tolerance")}),
    },
}

# Accepted values of each scikit-learn parameter, to translate oml's text (None: dropped, so
# scikit-learn's default applies).
CHOICES = {
    "criterion": {"gini": "gini", "entropy": "entropy", "log_loss": "log_loss"},
    "kernel": {"gaussian": "rbf", "rbf": "rbf", "linear": "linear", "polynomial": "poly"},
    "weights": {"uniform": "uniform", "distance": "distance"},
    # oml's auto: sqrt for classification, all for regression, scikit-learn's forest defaults.
    # ALL: an explicit None (every feature), kept even where scikit-learn's default differs.
    "max_features": {"sqrt": "sqrt", "log2": "log2", "all": "ALL", "none": "ALL", "auto": None},
}

# The short mode (CI): tables, flows, folds.
SHORT_TABLES = ["penguins", "titanic", "missing_signal", "diabetes"]
SHORT_FLOWS = ["decision-tree", "random-forest", "gbm", "logistic-regression", "gaussian-nb",
               "knn", "linear-regression", "elastic-net"]
SHORT_FOLDS = 5

ACCURACY_TOLERANCE = 1.0  # points
RMSE_TOLERANCE = 2.0  # percent
SERVER = "https://www.openml.org/api/v1/xml"
HERE = os.path.dirname(os.path.abspath(__file__))

# openml-python's sklearn extension names a component by its module and class, and refuses a
# flow holding one class twice; the nominal columns' most-frequent imputer (--sklearn-pipeline
# mirror with oml's impute.nominal=most_frequent) is therefore a subclass defined here, and the
# extension asks its module for a __version__.
__version__ = "1"


# ---------------------------------------------------------------------------------------------
# The openml-python side (`opy-run`): its own process, so its time includes the interpreter,
# the imports and reading the task, like the oml command.


def most_frequent_imputer():
    from sklearn.impute import SimpleImputer

    global MostFrequentImputer
    if "MostFrequentImputer" not in globals():

        class MostFrequentImputer(SimpleImputer):
            __doc__ = SimpleImputer.__doc__

        MostFrequentImputer.__module__ = __name__
        MostFrequentImputer.__qualname__ = "MostFrequentImputer"
    return MostFrequentImputer(strategy="most_frequent")


def sklearn_pipeline(spec, numeric, nominal):
    """The scikit-learn pipeline of `spec` (what the driver derived from the oml flow)."""
    import sklearn.ensemble
    import sklearn.linear_model
    import sklearn.naive_bayes
    import sklearn.neighbors
    import sklearn.svm
    import sklearn.tree
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    modules = [sklearn.tree, sklearn.ensemble, sklearn.linear_model, sklearn.naive_bayes,
               sklearn.neighbors, sklearn.svm]
    def build(estimator_spec):
        name = estimator_spec["estimator"]
        cls = next(getattr(m, name) for m in modules if hasattr(m, name))
        params = {key: build(value) if isinstance(value, dict) else value
                  for key, value in estimator_spec["params"].items()}
        return cls(**params)

    estimator = build(spec)
    numeric_steps = []
    if spec["impute"]:
        numeric_steps.append(("impute", SimpleImputer(strategy=spec["impute"],
                                                      add_indicator=spec["indicator"])))
    if spec["scale"]:
        numeric_steps.append(("scale", StandardScaler()))
    transformers = []
    if numeric:
        part = Pipeline(numeric_steps) if numeric_steps else "passthrough"
        transformers.append(("numeric", part, numeric))
    if nominal:
        steps = [("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]
        if spec["nominal"] == "most_frequent":
            steps.insert(0, ("impute", most_frequent_imputer()))
        transformers.append(("nominal", Pipeline(steps), nominal))
    return Pipeline([("preprocess", ColumnTransformer(transformers)),
                     ("estimator", estimator)])


def opy_run(args):
    from offline import block_network

    block_network("parity.py")
    os.environ["OPENML_CACHE_DIR"] = args.cache_dir
    import warnings

    warnings.simplefilter("ignore")
    import numpy as np
    import openml

    openml.config.set_root_cache_directory(args.cache_dir)
    openml.config.server = SERVER
    openml.config.avoid_duplicate_runs = False
    spec = json.loads(args.spec)
    task = openml.tasks.get_task(args.task_id, download_splits=True, download_data=True,
                                 download_qualities=True, download_features_meta_data=True)
    _, _, categorical, _ = task.get_dataset().get_data(target=task.target_name)
    numeric = [i for i, c in enumerate(categorical) if not c]
    nominal = [i for i, c in enumerate(categorical) if c]
    model = sklearn_pipeline(spec, numeric, nominal)
    run = openml.runs.run_model_on_task(model, task, avoid_duplicate_runs=False,
                                        upload_flow=False, seed=args.seed)
    p = run.predictions
    truth = p["correct"] if "correct" in p.columns else p["truth"]
    per_fold = {}
    for r, f, pred, true in zip(p["repeat"], p["fold"], p["prediction"], truth):
        per_fold.setdefault((int(r), int(f)), []).append((pred, true))
    values = []
    for pairs in per_fold.values():
        if spec["kind"] == "classification":
            values.append(np.mean([str(a) == str(b) for a, b in pairs]))
        else:
            d = np.array([float(a) - float(b) for a, b in pairs])
            values.append(float(np.sqrt(np.mean(d * d))))
    keys = sorted((int(r), int(f), int(i)) for r, f, i in zip(p["repeat"], p["fold"],
                                                              p["row_id"]))
    with open(args.result, "w", encoding="utf8") as out:
        json.dump({"mean": float(np.mean(values)), "keys": keys}, out)


# ---------------------------------------------------------------------------------------------
# The driver.


def fail(message):
    sys.exit(f"parity.py: {message}")


def run_command(command, timeout=None):
    """(seconds, stdout, stderr, returncode) of `command`; returncode "timeout" when it ran
    longer than `timeout` seconds (it is then killed)."""
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, "", "", "timeout"
    return time.perf_counter() - start, done.stdout, done.stderr, done.returncode


def check(command):
    seconds, out, err, code = run_command(command)
    if code != 0:
        fail(f"`{' '.join(command)}` failed ({code}):\n{out}{err}")
    return out


def parse_value(text):
    """An oml parameter default as a Python value."""
    lowered = text.strip().lower()
    if lowered in ("none", "null", ""):
        return None
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text.strip()


def flow_catalog(oml):
    return {f["name"]: f for f in json.loads(check([oml, "flows", "--json"]))}


def sklearn_spec(flow, kind, mode):
    """The scikit-learn counterpart of an oml flow (its `oml flows --json` entry) for a task
    type, as JSON for `opy-run`; None when the mapping has none."""
    entry = COUNTERPARTS.get(flow["name"], {}).get(kind)
    if entry is None:
        return None
    estimator, params_of = entry
    defaults = {p["name"]: p["default"] for p in flow["parameters"]}

    def p(name):
        for key in (f"estimator.{name}", name):
            if key in defaults:
                return parse_value(defaults[key])
        return None

    def translated(pairs):
        params = {}
        for name, value in pairs.items():
            if name == "estimator":  # a nested estimator: (class name, its parameters)
                params[name] = {"estimator": value[0], "params": translated(value[1])}
                continue
            if name in CHOICES and value is not None:
                value = CHOICES[name].get(str(value).lower(), value)
            if name == "max_samples" and value == 1.0:
                value = None  # scikit-learn's default: as many rows as the training set
            if value == "ALL":
                params[name] = None
            elif value is not None:
                params[name] = value
        return params

    params = translated(params_of(p))
    steps = step_ids(flow)
    oml_imputes = any("impute" in s for s in steps)
    spec = {
        "kind": kind,
        "estimator": estimator,
        "params": params,
        "scale": any("scale" in s for s in steps),
        "impute": "median",
        "indicator": False,
        "nominal": "category",
    }
    if mode == "mirror":
        strategy = p("impute.strategy") if oml_imputes else None
        spec["impute"] = str(strategy).lower() if strategy else None
        spec["indicator"] = bool(p("impute.add_indicator")) if oml_imputes else False
        nominal = p("impute.nominal")
        spec["nominal"] = "most_frequent" if nominal and "frequent" in str(nominal) else "category"
    return spec


def step_ids(flow):
    """The ids of an oml flow's pipeline steps: from `steps` where `oml flows --json` gives
    them, else from its OpenML name (`oml.Pipeline(impute=...,scale=...,estimator=...)`)."""
    if "steps" in flow:
        return {s["id"] for s in flow["steps"]}
    name = flow["flow_name"]
    inner = name[name.find("(") + 1:name.rfind(")")] if "(" in name else ""
    ids, depth, current = set(), 0, ""
    for c in inner + ",":
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        if c == "," and depth == 0:
            ids.add(current.split("=", 1)[0].strip())
            current = ""
        else:
            current += c
    return ids


def describe_spec(spec):
    numeric = "+".join(filter(None, [
        f"impute({spec['impute']}{',indicator' if spec['indicator'] else ''})"
        if spec["impute"] else "passthrough", "scale" if spec["scale"] else None]))
    params = ", ".join(f"{k}={v!r}" for k, v in spec["params"].items())
    return f"numeric {numeric}; nominal onehot; {spec['estimator']}({params})"


def oml_keys(path):
    """The sorted (repeat, fold, row_id) of an oml predictions.arff (columns found by name)."""
    keys, names, where = [], [], None
    with open(path, encoding="utf8") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("%"):
                continue
            if where is not None:
                cells = line.split(",")
                keys.append(tuple(int(float(cells[i])) for i in where))
            elif line.upper().startswith("@ATTRIBUTE"):
                names.append(line.split()[1].strip("'\""))
            elif line.upper().startswith("@DATA"):
                where = [names.index(n) for n in ("repeat", "fold", "row_id")]
    return sorted(keys)


def mean_measure(report, kind):
    name = "predictive_accuracy" if kind == "classification" else "root_mean_squared_error"
    measure = report["measures"][name]
    return measure["mean"] if measure.get("mean") is not None else measure["value"]


def run_table(args, oml, catalog, table, task_id, work, rows, notes):
    import parity_data

    info = table.describe()
    kind = table.kind
    path = os.path.join(work, f"{table.name}.arff")
    parity_data.write_arff(table, path)
    check([oml, "task", "write", path, "--target", table.target, "--task-type", kind,
           "--resampling", f"cv:{args.folds}", "--cache-dir", args.cache, "--task-id",
           str(task_id), "--dataset-id", str(task_id), "--force"])
    print(f"\n{table.name} ({info['source']}): {info['rows']} rows, {info['features']} "
          f"features, nominal {info['nominal'] or '-'}, missing {info['missing'] or '-'}",
          flush=True)
    for name, flow in catalog.items():
        if kind not in flow["learns"]:
            continue
        if args.flows and name not in args.flows:
            continue
        spec = sklearn_spec(flow, kind, args.sklearn_pipeline)
        if spec is None:
            note = f"skipped oml flow `{name}` ({kind}): no scikit-learn counterpart mapped"
            if note not in notes:
                notes.append(note)
                print(f"  {note}")
            continue
        row = {"dataset": table.name, "rows": info["rows"], "kind": kind, "flow": name,
               "sklearn": spec["estimator"], "oml": None, "skl": None, "gap": None,
               "ratio": None, "noise": None, "oml_s": 0.0, "opy_s": 0.0, "status": ""}
        oml_values, skl_values = [], []
        for seed in range(args.seeds):
            status = run_pair(args, oml, name, spec, task_id, seed, work, row, oml_values,
                              skl_values)
            if status:
                row["status"] = status
                break
        rows.append(row)
        if row["status"] and not skl_values:
            # A timeout is a miss (outside the tolerance), not a failure.
            row["outside"] = "timed out" in row["status"]
            print(f"  {format_row(row)}", flush=True)
            continue
        row["oml"], row["skl"] = mean(oml_values), mean(skl_values)
        scale = 100 if kind == "classification" else 100 / row["skl"]
        if kind == "classification":
            row["gap"] = 100 * (row["oml"] - row["skl"])
            row["outside"] = abs(row["gap"]) > ACCURACY_TOLERANCE
        else:
            row["gap"] = 100 * (row["oml"] - row["skl"]) / row["skl"]
            row["outside"] = abs(row["gap"]) > RMSE_TOLERANCE
        if args.seeds > 1:
            row["noise"] = scale * max(sd(oml_values), sd(skl_values))
        row["ratio"] = row["oml_s"] / row["opy_s"]
        print(f"  {format_row(row)}   [{describe_spec(spec)}]", flush=True)


def mean(values):
    return sum(values) / len(values)


def sd(values):
    m = mean(values)
    return (sum((v - m) ** 2 for v in values) / max(len(values) - 1, 1)) ** 0.5


def run_pair(args, oml, name, spec, task_id, seed, work, row, oml_values, skl_values):
    """One run of each side with run seed `seed`; appends their means and adds their wall
    times to `row`; returns an error status, or "" when both ran on the same splits."""
    out_dir = os.path.join(work, "runs", f"{task_id}_{name}_{seed}")
    shutil.rmtree(out_dir, ignore_errors=True)
    command = [oml, "run", "--task", str(task_id), "--cache-dir", args.cache, "--offline",
               "--flow", name, "--seed", str(seed), "--json", "--out", out_dir, "--force"]
    if args.oml_threads:
        command += ["--threads", str(args.oml_threads)]
    seconds, out, err, code = run_command(command, args.timeout)
    row["oml_s"] += seconds
    if code == "timeout":
        return f"oml timed out (> {args.timeout:.0f} s)"
    if code != 0:
        return f"oml failed ({code}): {last_line(err or out)}"
    oml_value = mean_measure(json.loads(out), spec["kind"])
    result = os.path.join(work, "opy.json")
    seconds, out, err, code = run_command(
        [sys.executable, os.path.abspath(__file__), "opy-run", "--cache-dir", args.cache,
         "--task-id", str(task_id), "--seed", str(seed), "--spec", json.dumps(spec),
         "--result", result], args.timeout)
    row["opy_s"] += seconds
    if code == "timeout":
        return f"openml-python timed out (> {args.timeout:.0f} s)"
    if code != 0:
        return f"openml-python failed ({code}): {last_line(err or out)}"
    with open(result, encoding="utf8") as fh:
        opy = json.load(fh)
    oml_values.append(oml_value)
    skl_values.append(opy["mean"])
    if oml_keys(os.path.join(out_dir, "predictions.arff")) != [tuple(k) for k in opy["keys"]]:
        return "different splits"
    shutil.rmtree(out_dir, ignore_errors=True)
    return ""


def last_line(text):
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def format_row(r):
    unit = "pt" if r["kind"] == "classification" else "%"
    fmt = (lambda v: f"{v:.4f}") if r["kind"] == "classification" else (lambda v: f"{v:.4g}")
    if r["skl"] is None:
        mark = "!!" if r.get("outside") else ""
        return f"{r['dataset']:<15} {r['rows']:>5} {r['flow']:<20} {mark} {r['status']}"
    mark = "!!" if r.get("outside") else ""
    noise = "" if r.get("noise") is None else f"{r['noise']:.2f}{unit}"
    return (f"{r['dataset']:<15} {r['rows']:>5} {r['flow']:<20} {fmt(r['oml']):>9} "
            f"{fmt(r['skl']):>9} {r['gap']:>+7.2f}{unit:<2} {r['ratio']:>6.2f} {mark:>2} "
            f"{noise:>8} {r['status']}").rstrip()


HEADER = (f"{'dataset':<15} {'rows':>5} {'flow':<20} {'oml':>9} {'sklearn':>9} "
          f"{'gap':>9} {'time':>6} {'':>2} {'seed sd':>8}")


def write_outputs(paths, rows, meta):
    for path in paths:
        if path.endswith(".md"):
            lines = [f"Parity: {meta}", "",
                     "| dataset | rows | flow | measure | oml | scikit-learn | gap | "
                     "time oml/opy | seed sd | |",
                     "|---|---:|---|---|---:|---:|---:|---:|---:|---|"]
            for r in rows:
                measure = "accuracy" if r["kind"] == "classification" else "RMSE"
                unit = " pt" if r["kind"] == "classification" else " %"
                cell = (lambda v: "" if v is None else f"{v:.4f}" if
                        r["kind"] == "classification" else f"{v:.4g}")
                gap = "" if r["gap"] is None else f"{r['gap']:+.2f}{unit}"
                ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
                noise = "" if r.get("noise") is None else f"{r['noise']:.2f}{unit}"
                flag = " ".join(filter(None, ["outside" if r.get("outside") else "",
                                              r["status"]]))
                lines.append(
                    f"| {r['dataset']} | {r['rows']} | {r['flow']} | {measure} | "
                    f"{cell(r['oml'])} | {cell(r['skl'])} | {gap} | {ratio} | {noise} | {flag} |")
            text = "\n".join(lines) + "\n"
        else:
            text = None
        if text is not None:
            with open(path, "w", encoding="utf8") as out:
                out.write(text)
            continue
        with open(path, "w", encoding="utf8", newline="") as out:
            fields = ["dataset", "rows", "kind", "flow", "sklearn", "oml", "skl", "gap",
                      "ratio", "noise", "oml_s", "opy_s", "outside", "status"]
            writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
            writer.writeheader()
            for r in rows:
                writer.writerow({**r, "outside": bool(r.get("outside"))})


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "opy-run":
        parser = argparse.ArgumentParser(prog="parity.py opy-run")
        parser.add_argument("--cache-dir", required=True)
        parser.add_argument("--task-id", type=int, required=True)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--spec", required=True)
        parser.add_argument("--result", required=True)
        opy_run(parser.parse_args(sys.argv[2:]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--oml", help="the oml binary (default: $CARGO_TARGET_DIR/release/oml, "
                        "else target/release/oml)")
    parser.add_argument("--short", action="store_true",
                        help=f"CI form: tables {','.join(SHORT_TABLES)}, flows "
                        f"{','.join(SHORT_FLOWS)}, {SHORT_FOLDS}-fold")
    parser.add_argument("--datasets", help="comma-separated tables (default: all, or the "
                        "short ones)")
    parser.add_argument("--flows", help="comma-separated oml flows (default: every flow that "
                        "learns the task type, or the short ones)")
    parser.add_argument("--folds", type=int, help="cross-validation folds (default 10, short 5)")
    parser.add_argument("--out", action="append", default=[],
                        help="write the table to this file (.md: markdown, else CSV); repeatable")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a row is outside the tolerance")
    parser.add_argument("--sklearn-pipeline", choices=["fixed", "mirror"], default="mirror",
                        help="mirror: each oml flow's own imputation, the trees taking NaN "
                        "(default); fixed: median imputation of numeric columns for every flow")
    parser.add_argument("--seeds", type=int, default=1,
                        help="run each side with run seeds 0..N-1 and average; the `seed sd` "
                        "column is the larger standard deviation over seeds of either side")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds each side's run may take before it is killed and its row "
                        "marked as timed out, outside the tolerance (default 600)")
    parser.add_argument("--oml-threads", type=int, help="oml run --threads (default: all cores)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    parser.add_argument("--list", action="store_true", help="list the tables and exit")
    args = parser.parse_args()

    sys.path.insert(0, HERE)
    import parity_data

    if args.list:
        for make in parity_data.ALL.values():
            print(json.dumps(make().describe()))
        return
    oml = args.oml or os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release",
                                   "oml")
    if not os.path.exists(oml):
        fail(f"no oml binary at {oml} (build it, or pass --oml PATH)")
    names = (args.datasets.split(",") if args.datasets else
             SHORT_TABLES if args.short else list(parity_data.ALL))
    unknown = [n for n in names if n not in parity_data.ALL]
    if unknown:
        fail(f"unknown tables {unknown}; known: {', '.join(parity_data.ALL)}")
    args.flows = (set(args.flows.split(",")) if args.flows else
                  set(SHORT_FLOWS) if args.short else None)
    args.folds = args.folds or (SHORT_FOLDS if args.short else 10)

    import sklearn

    work = args.keep or tempfile.mkdtemp(prefix="oml-parity-")
    os.makedirs(work, exist_ok=True)
    args.cache = os.path.join(work, "cache")
    catalog = flow_catalog(oml)
    if args.flows:
        missing = sorted(args.flows - set(catalog))
        if missing:
            print(f"note: oml lists no flow {missing}; skipped")
    meta = (f"oml {os.path.abspath(oml)}, scikit-learn {sklearn.__version__}, "
            f"{args.folds}-fold CV (stratified for classification), "
            f"--sklearn-pipeline {args.sklearn_pipeline}, oml threads "
            f"{args.oml_threads or f'all ({os.cpu_count()})'}, openml-python 1 process")
    print(f"parity: {meta}")
    started = time.perf_counter()
    rows, notes = [], []
    for task_id, name in enumerate(names, start=1):
        run_table(args, oml, catalog, parity_data.ALL[name](), task_id, work, rows, notes)

    print(f"\n{HEADER}\n{'-' * len(HEADER)}")
    for r in rows:
        print(format_row(r))
    print(f"\ngap: oml - scikit-learn (accuracy points; RMSE in % of scikit-learn's); time: oml "
          f"wall time / openml-python wall time (whole processes); !! outside tolerance "
          f"({ACCURACY_TOLERANCE} point, {RMSE_TOLERANCE}% RMSE). "
          f"{time.perf_counter() - started:.0f} s in all.")
    for note in notes:
        print(f"note: {note}")
    write_outputs(args.out, rows, meta)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    broken = [r for r in rows if r["status"] and "timed out" not in r["status"]]
    outside = [r for r in rows if r.get("outside")]
    within = [r for r in rows if not r.get("outside") and not r["status"]]
    print(f"{len(rows)} rows: {len(within)} within tolerance, "
          f"{len(outside)} outside, {len(broken)} failed or on different splits")
    if broken:
        sys.exit(1)
    if outside and args.strict:
        sys.exit(1)


if __name__ == "__main__":
    main()
