//! Missing values as scikit-learn and mlr3 treat them (issue 14): a missing nominal value is a
//! category of its own in every built-in pipeline, and a column with no training value at all
//! fails no flow.

use ndarray::{Array1, Array2};
use oml_data::{DesignMatrix, EncodedColumn};
use oml_flow::{BUILTIN_FLOWS, builtin_flow, set_parameters};

use crate::support::{fit_classes, predicted_labels};

/// `n` rows: a nominal column `kind` (missing in every third row, categories a, b, c in turn
/// in the others) and a numeric column of noise; the class is 1 exactly where `kind` is
/// missing, so a flow that fills a missing value with a category cannot tell the classes
/// apart.
fn missingness_is_the_label(n: usize) -> (DesignMatrix, Array1<usize>) {
    rows_from(0, n)
}

/// Rows `start..start + n` of the table of [`missingness_is_the_label`]: test rows from
/// another start share no noise value with the training rows, so nothing is memorised.
fn rows_from(start: usize, n: usize) -> (DesignMatrix, Array1<usize>) {
    let x = Array2::from_shape_fn((n, 2), |(r, j)| {
        let i = start + r;
        match j {
            0 if i.is_multiple_of(3) => f64::NAN,
            0 => ((i / 3) % 3) as f64,
            _ => ((i * 7919) % 10007) as f64 / 10007.0,
        }
    });
    let columns = vec![
        EncodedColumn {
            name: "kind".to_owned(),
            categories: Some(vec!["a".into(), "b".into(), "c".into()]),
        },
        EncodedColumn {
            name: "noise".to_owned(),
            categories: None,
        },
    ];
    let classes = Array1::from_shape_fn(n, |r| usize::from((start + r).is_multiple_of(3)));
    (DesignMatrix { x, columns }, classes)
}

fn classifiers() -> impl Iterator<Item = &'static str> {
    BUILTIN_FLOWS
        .iter()
        .filter(|f| f.learns.contains("classification") && f.name != "constant")
        .map(|f| f.name)
}

fn accuracy(predicted: &Array1<usize>, truth: &Array1<usize>) -> f64 {
    let right = predicted.iter().zip(truth).filter(|(p, t)| p == t).count();
    right as f64 / truth.len() as f64
}

#[test]
fn every_classifier_learns_a_label_that_only_missingness_predicts() {
    let (x, classes) = missingness_is_the_label(120);
    let (test, truth) = rows_from(3000, 60);
    for name in classifiers() {
        let flow = builtin_flow(name).unwrap();
        let model = fit_classes(&flow, &x, &classes, 2).unwrap();
        let found = accuracy(&predicted_labels(model.as_ref(), &test, 2), &truth);
        assert!(found >= 0.95, "{name}: accuracy {found}");
    }
}

#[test]
fn most_frequent_imputation_of_nominal_values_stays_available_and_loses_the_signal() {
    let (x, classes) = missingness_is_the_label(120);
    let (test, truth) = rows_from(3000, 60);
    for name in ["logistic-regression", "knn", "linfa-decision-tree"] {
        let mut flow = builtin_flow(name).unwrap();
        set_parameters(&mut flow, &["impute.nominal=most_frequent"]).unwrap();
        let model = fit_classes(&flow, &x, &classes, 2).unwrap();
        let found = accuracy(&predicted_labels(model.as_ref(), &test, 2), &truth);
        assert!(found < 0.85, "{name}: accuracy {found} without the signal");
    }
}

#[test]
fn a_column_missing_in_every_training_row_fails_no_flow() {
    let (mut x, classes) = missingness_is_the_label(60);
    x.x.column_mut(1).fill(f64::NAN);
    let mut all_nominal_missing = x.clone();
    all_nominal_missing.x.column_mut(0).fill(f64::NAN);
    all_nominal_missing
        .x
        .column_mut(1)
        .assign(&classes.mapv(|c| c as f64));
    for name in classifiers() {
        for (what, x) in [("numeric", &x), ("nominal", &all_nominal_missing)] {
            let flow = builtin_flow(name).unwrap();
            let model = fit_classes(&flow, x, &classes, 2)
                .unwrap_or_else(|e| panic!("{name}, all-missing {what} column: {e}"));
            assert_eq!(predicted_labels(model.as_ref(), x, 2).len(), 60, "{name}");
        }
    }
}

#[test]
fn infinite_values_are_called_infinite_by_every_flow() {
    let (mut x, classes) = missingness_is_the_label(60);
    x.x[[7, 1]] = f64::INFINITY;
    for name in classifiers() {
        let flow = builtin_flow(name).unwrap();
        let error = match fit_classes(&flow, &x, &classes, 2) {
            Ok(_) => panic!("{name} fitted an infinite value"),
            Err(e) => e.to_string(),
        };
        assert!(
            error.contains("column `noise`") && error.contains("row 7 is infinite"),
            "{name}: {error}"
        );
        assert!(!error.contains("missing;"), "{name}: {error}");
    }
}
