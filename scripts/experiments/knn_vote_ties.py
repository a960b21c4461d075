"""Why oml's knn and scikit-learn's KNeighborsClassifier disagree on tables of many classes
(issue 19): every disagreement is a tie in the neighbours' votes, which both break to the
first class, in different orders (scikit-learn's `classes_` are the labels sorted as strings,
c0, c1, c10, ..., c19, c2, ...; oml's are the task's class order).

Fits scikit-learn's counterpart of oml's knn pipeline (median imputation, scaling, 5
neighbours) on the training rows of an `oml run` holdout and checks, for every test row where
the two predictions differ, whether both answers are tied in the neighbours' votes.

Usage (numeric columns only):
    oml data generate d.arff --rows 5000 --numeric 20 --nominal 0 --classes 20 --seed 1
    oml run --task d.arff --target class --resampling holdout:33 --flow knn --out r
    python knn_vote_ties.py d.arff r
"""
import sys

import arff
import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def arff_rows(path):
    """The names of the attributes and the data rows of an ARFF file, read by liac-arff
    (openml-python's parser; missing values are None)."""
    with open(path, encoding="utf8") as f:
        loaded = arff.load(f)
    return [name for name, _ in loaded["attributes"]], loaded["data"]


def main():
    data_path, run_dir = sys.argv[1], sys.argv[2]
    _, rows = arff_rows(data_path)
    x = np.array([[np.nan if v is None else float(v) for v in r[:-1]] for r in rows])
    y = np.array([r[-1] for r in rows])
    names, predicted = arff_rows(f"{run_dir}/predictions.arff")
    at = {name: i for i, name in enumerate(names)}
    oml = {int(r[at["row_id"]]): r[at["prediction"]] for r in predicted}
    test = np.array(sorted(oml))
    train = np.setdiff1d(np.arange(len(y)), test)
    model = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                          KNeighborsClassifier(5)).fit(x[train], y[train])
    sk = model.predict(x[test])
    om = np.array([oml[i] for i in test])
    differ = np.nonzero(sk != om)[0]
    print("scikit-learn's class order:", ", ".join(model.classes_[:12]), "...")
    print(f"test rows {len(test)}, predictions that differ {len(differ)}")
    if len(differ) == 0:
        return
    _, neighbours = model[-1].kneighbors(model[:-1].transform(x[test][differ]))
    ties = 0
    for j, i in enumerate(differ):
        labels, votes = np.unique(y[train][neighbours[j]], return_counts=True)
        top = labels[votes == votes.max()]
        ties += int(len(top) > 1 and sk[i] in top and om[i] in top)
    print(f"differences that are vote ties between the two answers: {ties}")


if __name__ == "__main__":
    main()
