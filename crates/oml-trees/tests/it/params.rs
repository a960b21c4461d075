use linfa::ParamGuard;
use linfa::prelude::*;
use ndarray::array;
use oml_trees::{Criterion, DecisionTreeClassifier, DecisionTreeRegressor, Error, MaxFeatures};

fn name_of(error: Error) -> &'static str {
    match error {
        Error::InvalidParameter { name, .. } => name,
        other => panic!("not a parameter error: {other}"),
    }
}

#[test]
fn each_invalid_parameter_is_named() {
    let p = DecisionTreeClassifier::params;
    let cases = [
        (p().criterion(Criterion::SquaredError), "criterion"),
        (p().max_depth(Some(0)), "max_depth"),
        (p().min_samples_split(1), "min_samples_split"),
        (p().min_samples_leaf(0), "min_samples_leaf"),
        (p().min_impurity_decrease(-0.1), "min_impurity_decrease"),
        (p().min_impurity_decrease(f64::NAN), "min_impurity_decrease"),
        (p().max_features(MaxFeatures::Count(0)), "max_features"),
        (p().max_features(MaxFeatures::Fraction(1.5)), "max_features"),
        (p().max_features(MaxFeatures::Fraction(0.0)), "max_features"),
        (p().n_classes(Some(0)), "n_classes"),
    ];
    for (params, name) in cases {
        assert_eq!(name_of(params.check().unwrap_err()), name);
    }
}

#[test]
fn messages_say_the_parameter_the_value_and_what_is_allowed() {
    let err = DecisionTreeClassifier::params()
        .min_samples_leaf(0)
        .check()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid parameter min_samples_leaf: 0 (allowed: at least 1)"
    );
    let err = DecisionTreeRegressor::params()
        .criterion(Criterion::Entropy)
        .check()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid parameter criterion: entropy (allowed: squared_error for regression)"
    );
}

#[test]
fn fitting_checks_the_parameters() {
    let dataset = Dataset::new(array![[0.0], [1.0]], array![0usize, 1]);
    let err = DecisionTreeClassifier::params()
        .min_samples_split(0)
        .fit(&dataset)
        .unwrap_err();
    assert_eq!(name_of(err), "min_samples_split");
}

#[test]
fn valid_parameters_are_readable() {
    let params = DecisionTreeClassifier::params()
        .criterion(Criterion::Entropy)
        .max_depth(Some(4))
        .max_features(MaxFeatures::Sqrt)
        .seed(9)
        .check()
        .unwrap();
    assert_eq!(params.criterion(), Criterion::Entropy);
    assert_eq!(params.max_depth(), Some(4));
    assert_eq!(params.min_samples_split(), 2);
    assert_eq!(params.min_samples_leaf(), 1);
    assert_eq!(params.min_impurity_decrease(), 0.0);
    assert_eq!(params.max_features(), MaxFeatures::Sqrt);
    assert_eq!(params.seed(), 9);
    assert_eq!(params.n_classes(), None);
}

#[test]
fn bad_data_is_an_error() {
    let x = array![[0.0], [1.0]];
    let fit = |y| {
        DecisionTreeClassifier::params()
            .n_classes(Some(2))
            .fit(&Dataset::new(x.clone(), y))
    };
    assert_eq!(
        fit(array![0usize, 2]).unwrap_err(),
        Error::LabelOutOfRange {
            row: 1,
            label: 2,
            n_classes: 2
        }
    );
    let empty = Dataset::new(
        ndarray::Array2::<f64>::zeros((0, 2)),
        ndarray::Array1::<usize>::zeros(0),
    );
    assert_eq!(
        DecisionTreeClassifier::params().fit(&empty).unwrap_err(),
        Error::NoRows
    );
    let err = DecisionTreeRegressor::params()
        .fit(&Dataset::new(x.clone(), array![0.0, f64::NAN]))
        .unwrap_err();
    assert!(matches!(err, Error::NonFiniteTarget { row: 1, .. }));
}
