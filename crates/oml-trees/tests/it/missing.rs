use linfa::prelude::*;
use ndarray::{Array1, Array2, array};
use oml_trees::{DecisionTreeClassifier, DecisionTreeRegressor};

const NAN: f64 = f64::NAN;

fn column(values: &[f64]) -> Array2<f64> {
    Array2::from_shape_vec((values.len(), 1), values.to_vec()).unwrap()
}

fn stump(x: &[f64], y: &[usize]) -> DecisionTreeClassifier {
    DecisionTreeClassifier::params()
        .max_depth(Some(1))
        .fit(&Dataset::new(column(x), Array1::from(y.to_vec())))
        .unwrap()
}

fn predict(model: &DecisionTreeClassifier, x: &[f64]) -> Vec<usize> {
    let predicted: Array1<usize> = model.predict(&column(x));
    predicted.to_vec()
}

#[test]
fn nan_rows_that_belong_with_the_high_values_go_right() {
    let model = stump(
        &[1.0, NAN, 2.0, 3.0, 10.0, NAN, 11.0, 12.0, NAN],
        &[0, 1, 0, 0, 1, 1, 1, 1, 1],
    );
    let root = &model.tree().nodes()[0];
    assert_eq!(root.split(), Some((0, 6.5)));
    assert!(!root.missing_go_left());
    assert_eq!(predict(&model, &[NAN, 0.0, 100.0]), [1, 0, 1]);
    let (_, right) = root.children().unwrap();
    assert_eq!(model.tree().nodes()[right].n_samples(), 6);
}

#[test]
fn nan_rows_that_belong_with_the_low_values_go_left() {
    let model = stump(
        &[1.0, NAN, 2.0, 3.0, 10.0, NAN, 11.0, 12.0],
        &[0, 0, 0, 0, 1, 0, 1, 1],
    );
    let root = &model.tree().nodes()[0];
    assert_eq!(root.split(), Some((0, 6.5)));
    assert!(root.missing_go_left());
    assert_eq!(predict(&model, &[NAN, 7.0]), [0, 1]);
}

#[test]
fn nan_alone_can_be_the_right_side() {
    let model = stump(&[1.0, 2.0, 3.0, 4.0, NAN, NAN, NAN], &[0, 0, 0, 0, 1, 1, 1]);
    let root = &model.tree().nodes()[0];
    assert_eq!(root.split(), Some((0, f64::INFINITY)));
    assert!(!root.missing_go_left());
    assert_eq!(predict(&model, &[NAN, 100.0, f64::INFINITY]), [1, 0, 0]);
}

#[test]
fn without_training_nan_a_nan_goes_to_the_bigger_side() {
    let model = stump(&[1.0, 2.0, 3.0, 4.0, 10.0, 11.0], &[0, 0, 0, 0, 1, 1]);
    assert!(model.tree().nodes()[0].missing_go_left());
    assert_eq!(predict(&model, &[NAN]), [0]);
    let model = stump(&[1.0, 2.0, 10.0, 11.0, 12.0], &[0, 0, 1, 1, 1]);
    assert!(!model.tree().nodes()[0].missing_go_left());
    assert_eq!(predict(&model, &[NAN]), [1]);
}

#[test]
fn a_feature_of_nan_only_is_never_split_on() {
    let x = array![[NAN, 1.0], [NAN, 2.0], [NAN, 3.0], [NAN, 4.0]];
    let y = array![0usize, 0, 1, 1];
    let model = DecisionTreeClassifier::params()
        .fit(&Dataset::new(x.clone(), y.clone()))
        .unwrap();
    assert_eq!(model.tree().nodes()[0].split(), Some((1, 2.5)));
    let predicted: Array1<usize> = model.predict(&x);
    assert_eq!(predicted, y);
}

#[test]
fn regression_sends_nan_to_the_better_side() {
    let x = column(&[1.0, 2.0, NAN, 10.0, 11.0, NAN]);
    let y = array![0.0, 0.0, 0.0, 5.0, 5.0, 0.0];
    let model = DecisionTreeRegressor::params()
        .fit(&Dataset::new(x, y))
        .unwrap();
    let predicted: Array1<f64> = model.predict(&column(&[NAN, 1.5, 10.5]));
    assert_eq!(predicted.to_vec(), [0.0, 0.0, 5.0]);
}
