//! Every built-in flow fits and predicts on builtin tasks and reaches a sensible score.

use ndarray::Array2;
use oml_flow::{BUILTIN_FLOWS, Describe, Predictions, TaskKind, builtin_flow};

use crate::support::{absent_class, class_predictions, fit_classes, fit_values, prepare};

/// The least accuracy on iris (10-fold CV) of each built-in classifier.
const IRIS_ACCURACY: f64 = 0.9;

/// The built-in classifiers that learn from the features (`constant`, the baseline, does
/// not; it has its own test).
fn classifiers() -> Vec<&'static str> {
    BUILTIN_FLOWS
        .iter()
        .filter(|f| f.learns.contains("classification") && f.name != "constant")
        .map(|f| f.name)
        .collect()
}

#[test]
fn classifiers_score_on_iris_with_confidences_that_sum_to_one() {
    let iris = prepare("builtin:iris", false, false);
    for name in classifiers() {
        let flow = builtin_flow(name).unwrap();
        let accuracy = iris.accuracy(&iris.folds(&flow, 1));
        assert!(accuracy >= IRIS_ACCURACY, "{name}: accuracy {accuracy}");
    }
}

#[test]
fn classifiers_cope_with_nominal_columns_and_missing_values() {
    let iris = prepare("builtin:iris", true, false);
    for name in classifiers() {
        let flow = builtin_flow(name).unwrap();
        let accuracy = iris.accuracy(&iris.folds(&flow, 1));
        assert!(
            accuracy >= 0.85,
            "{name} on messy iris: accuracy {accuracy}"
        );
    }
}

#[test]
fn classifiers_are_deterministic_for_a_seed() {
    let iris = prepare("builtin:iris", true, false);
    for name in classifiers() {
        let flow = builtin_flow(name).unwrap();
        let once: Vec<Predictions> = iris
            .folds(&flow, 3)
            .into_iter()
            .map(|f| f.predictions)
            .collect();
        let again: Vec<Predictions> = iris
            .folds(&flow, 3)
            .into_iter()
            .map(|f| f.predictions)
            .collect();
        assert!(
            once == again,
            "{name} differs between two fits with the same seed"
        );
    }
}

#[test]
fn a_class_absent_from_training_gets_zero_confidence() {
    let (x, classes) = absent_class();
    for name in classifiers() {
        let mut flow = builtin_flow(name).unwrap();
        if name == "gbm" {
            // scikit-learn's default of 20 rows per leaf splits nothing in 6 rows.
            flow.set_parameter("min_samples_leaf", "1").unwrap();
        }
        let model = fit_classes(&flow, &x, &classes, 3).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (labels, confidences) = class_predictions(model.as_ref(), &x, 3);
        assert_eq!(confidences.ncols(), 3, "{name}");
        assert!(
            confidences.column(2).iter().all(|&c| c == 0.0),
            "{name}: {confidences}"
        );
        assert_eq!(labels.to_vec(), vec![0, 0, 0, 1, 1, 1], "{name}");
    }
}

#[test]
fn decision_tree_confidences_are_leaf_fractions() {
    // One feature, a depth-1 tree. The gini optimum puts x <= 0.15 (classes 0, 0) on the
    // left and the rest (classes 1, 1, 1, 1, 0) on the right: fractions 1/0 and 0.2/0.8.
    let (mut x, _) = absent_class();
    x.x = Array2::from_shape_vec((7, 1), vec![0.0, 0.1, 0.2, 1.0, 1.1, 1.2, 1.3]).unwrap();
    let classes = ndarray::array![0, 0, 1, 1, 1, 1, 0];
    let mut flow = builtin_flow("decision-tree").unwrap();
    flow.set_parameter("max_depth", "1").unwrap();
    let model = fit_classes(&flow, &x, &classes, 2).unwrap();
    let (_, confidences) = class_predictions(model.as_ref(), &x, 2);
    let left = [1.0, 0.0];
    let right = [0.2, 0.8];
    for row in 0..7 {
        let expected = if row < 2 { left } else { right };
        for class in 0..2 {
            assert!(
                (confidences[[row, class]] - expected[class]).abs() < 1e-12,
                "{confidences}"
            );
        }
    }
}

/// Every default pipeline one-hot encodes and ends in its estimator; linfa's estimators and
/// oml-linear's logistic regression impute first, oml-trees' (`decision-tree`, `random-forest`,
/// `gbm`) take missing values as they are (issue 9).
#[test]
fn every_builtin_flow_has_a_default_pipeline_with_an_estimator() {
    for builtin in BUILTIN_FLOWS {
        let flow = builtin.make();
        let identifiers: Vec<&str> = flow.components().iter().map(|c| c.identifier).collect();
        let version = flow.external_version();
        if version.contains("oml-trees")
            || version.contains("perpetual")
            || builtin.name == "constant"
        {
            assert_eq!(identifiers, ["onehot", "estimator"], "{}", builtin.name);
        } else {
            assert_eq!(identifiers.first(), Some(&"impute"), "{}", builtin.name);
            assert!(
                version.contains("linfa") || version.contains("oml-linear"),
                "{version}"
            );
        }
        assert!(identifiers.contains(&"onehot"), "{}", builtin.name);
        assert_eq!(identifiers.last(), Some(&"estimator"), "{}", builtin.name);
    }
}

/// Issue 4: linfa-trees 0.8.1 summed f32 class frequencies in `HashMap` order, so a tree on
/// three or more classes changed from fit to fit. The vendored patch sums in class order.
#[test]
fn issue_4_linfa_tree_fits_the_same_tree_every_time() {
    let wine = prepare("builtin:winequality", false, false);
    let flow = builtin_flow("linfa-decision-tree").unwrap();
    let first: Vec<Predictions> = wine
        .first_folds(&flow, 0, 2)
        .into_iter()
        .map(|f| f.predictions)
        .collect();
    for _ in 0..4 {
        let again: Vec<Predictions> = wine
            .first_folds(&flow, 0, 2)
            .into_iter()
            .map(|f| f.predictions)
            .collect();
        assert!(first == again, "the tree changed between fits");
    }
}

/// What `oml flows` says each flow learns is what the flow itself says (the evaluator refuses
/// the others before any unit runs).
#[test]
fn the_kinds_listed_are_the_kinds_each_flow_learns() {
    use oml_flow::{Flow, TaskKind};
    for builtin in BUILTIN_FLOWS {
        let flow = builtin.make();
        for (kind, name) in [
            (TaskKind::Classification { n_classes: 3 }, "classification"),
            (TaskKind::Regression, "regression"),
            (TaskKind::Clustering, "clustering"),
        ] {
            assert_eq!(
                flow.learns(kind),
                builtin.learns.contains(name),
                "{}: {name}",
                builtin.name
            );
        }
    }
}

/// The baseline: every row gets the training class frequencies (scikit-learn's
/// `DummyClassifier(strategy="prior")`), or the training mean (`DummyRegressor()`), whatever
/// its features.
#[test]
fn the_constant_flow_predicts_the_training_frequencies_or_mean() {
    use ndarray::{Array1, array};
    let flow = builtin_flow("constant").unwrap();
    let x = crate::support::numeric_matrix(Array2::from_shape_fn((4, 2), |(i, j)| (i * j) as f64));
    let classes = array![2, 0, 2, 2];
    let model = fit_classes(&flow, &x, &classes, 3).unwrap();
    let (labels, confidences) = class_predictions(model.as_ref(), &x, 3);
    assert_eq!(labels, Array1::from_elem(4, 2));
    for row in confidences.rows() {
        assert_eq!(row.to_vec(), vec![0.25, 0.0, 0.75]);
    }
    let values = array![1.0, 2.0, 6.0, 7.0];
    let model = fit_values(&flow, &x, &values).unwrap();
    let Predictions::Values(predicted) = model.predict(&x, TaskKind::Regression).unwrap() else {
        panic!("regression")
    };
    assert_eq!(predicted, Array1::from_elem(4, 4.0));
}
