"""Why oml's svm differed from scikit-learn's SVC (issue 14), measured on the same cached
tasks and folds: one-vs-one SVC against one-vs-rest machines whose labels come from the
decision values, from an in-sample sigmoid (linfa-svm's way) and from a 5-fold sigmoid
(libsvm's, scikit-learn's and now oml's).

Usage: python svm_calibration.py CACHE_DIR TASK_ID...   (a cache that scripts/parity.py
--keep DIR --flows svm left in DIR/cache; breast_cancer is task 1 with --datasets
breast_cancer,cars_origin)
"""
import sys, numpy as np, openml, warnings
warnings.filterwarnings("ignore")
from sklearn.svm import SVC
from sklearn.pipeline import make_pipeline
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler
from sklearn.calibration import _sigmoid_calibration
from sklearn.model_selection import StratifiedKFold
openml.config.set_root_cache_directory(sys.argv[1])
def platt_cv(X, y, k=5, seed=0):
    # out-of-sample decision values as libsvm does (5-fold internal CV)
    dec = np.zeros(len(y))
    for tr, te in StratifiedKFold(k, shuffle=True, random_state=seed).split(X, y):
        m = SVC(C=1, gamma=.25, tol=1e-7).fit(X[tr], y[tr]); dec[te] = m.decision_function(X[te])
    return _sigmoid_calibration(dec, y)
for tid in [int(t) for t in sys.argv[2:]]:
    task = openml.tasks.get_task(tid, download_splits=True)
    X, y = task.get_X_and_y(dataset_format="array")
    res = {k: [] for k in "ovo ovr_dec ovr_platt_in ovr_platt_cv".split()}
    for fold in range(10):
        tr, te = task.get_train_test_split_indices(fold=fold)
        prep = make_pipeline(SimpleImputer(strategy="median"), StandardScaler()).fit(X[tr])
        Xtr, Xte = prep.transform(X[tr]), prep.transform(X[te]); ytr, yte = y[tr], y[te]
        res["ovo"].append((SVC(C=1, gamma=.25).fit(Xtr, ytr).predict(Xte) == yte).mean())
        classes = np.unique(ytr)
        pos = classes[1:] if len(classes) == 2 else classes
        dec, pin, pcv = [], [], []
        for c in pos:
            t = (ytr == c).astype(int)
            m = SVC(C=1, gamma=.25, tol=1e-7).fit(Xtr, t)
            d_tr, d_te = m.decision_function(Xtr), m.decision_function(Xte)
            a, b = _sigmoid_calibration(d_tr, t)
            dec.append(d_te); pin.append(1 / (1 + np.exp(a * d_te + b)))
            a, b = platt_cv(Xtr, t); pcv.append(1 / (1 + np.exp(a * d_te + b)))
        def lab(cols, thr):
            cols = np.array(cols).T
            if len(pos) == 1: return np.where(cols[:, 0] > thr, classes[1], classes[0])
            return classes[cols.argmax(1)]
        res["ovr_dec"].append((lab(dec, 0) == yte).mean())
        res["ovr_platt_in"].append((lab(pin, .5) == yte).mean())
        res["ovr_platt_cv"].append((lab(pcv, .5) == yte).mean())
    print(task.get_dataset().name, {k: round(float(np.mean(v)), 4) for k, v in res.items()})
