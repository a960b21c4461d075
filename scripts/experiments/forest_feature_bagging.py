"""Why linfa-random-forest differs from RandomForestClassifier (issue 14): scikit-learn's
BaggingClassifier with features drawn once per tree with replacement (linfa-ensemble's scheme)
on the same cached task and folds, over seeds 0-4.

Usage: python forest_feature_bagging.py CACHE_DIR TASK_ID   (from scripts/parity.py --keep DIR
--flows linfa-random-forest --datasets titanic: DIR/cache, task 1)
"""
import sys, numpy as np, openml, warnings
warnings.filterwarnings("ignore")
sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), ".."))
import parity
from sklearn.ensemble import BaggingClassifier
from sklearn.tree import DecisionTreeClassifier
from sklearn.pipeline import Pipeline
openml.config.set_root_cache_directory(sys.argv[1])
task = openml.tasks.get_task(int(sys.argv[2]), download_splits=True)
X, y, categorical, _ = task.get_dataset().get_data(target=task.target_name)
numeric = [i for i, c in enumerate(categorical) if not c]
nominal = [i for i, c in enumerate(categorical) if c]
spec = {"estimator": "DecisionTreeClassifier", "params": {}, "impute": "median", "indicator": False, "scale": False, "nominal": "missing"}
out = []
for seed in range(5):
    accs = []
    for fold in range(10):
        tr, te = task.get_train_test_split_indices(fold=fold)
        pipe = parity.sklearn_pipeline(spec, numeric, nominal)
        bag = BaggingClassifier(DecisionTreeClassifier(), n_estimators=100, bootstrap=True,
                                max_features=1.0, bootstrap_features=True, random_state=seed)
        m = Pipeline([("preprocess", pipe[0]), ("estimator", bag)]).fit(X.iloc[tr], y.iloc[tr])
        accs.append(np.mean(np.asarray(m.predict(X.iloc[te])).astype(str) == np.asarray(y.iloc[te]).astype(str)))
    out.append(np.mean(accs))
print("bagging with features drawn per tree with replacement:", round(float(np.mean(out)), 4), [round(float(v), 4) for v in out])
