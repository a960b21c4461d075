use linfa::prelude::*;
use ndarray::{Array1, Array2};
use oml_trees::{Criterion, DecisionTreeClassifier, DecisionTreeRegressor};
use rand::Rng;

use crate::common::{accuracy, random};

#[test]
fn a_separable_set_is_fitted_exactly() {
    let (x, y) = random(1, 2000, 5, |r, _| {
        (usize::from(r[0] > 0.3) ^ usize::from(r[1] > 0.6)) + 2 * usize::from(r[2] > 0.9)
    });
    for criterion in [Criterion::Gini, Criterion::Entropy] {
        let model = DecisionTreeClassifier::params()
            .criterion(criterion)
            .fit(&Dataset::new(x.clone(), y.clone()))
            .unwrap();
        assert_eq!(accuracy(&model.predict(&x), &y), 1.0, "{criterion}");
        assert!(
            model.tree().depth() <= 6,
            "{criterion}: {}",
            model.tree().depth()
        );
    }
}

#[test]
fn random_labels_on_distinct_rows_are_fitted_exactly_at_unlimited_depth() {
    let (x, y) = random(2, 1000, 3, |_, rng| rng.gen_range(0..3));
    let model = DecisionTreeClassifier::params()
        .fit(&Dataset::new(x.clone(), y.clone()))
        .unwrap();
    assert_eq!(accuracy(&model.predict(&x), &y), 1.0);
}

#[test]
fn stopping_rules_hold() {
    let (x, y) = random(3, 1000, 4, |r, rng| {
        usize::from(r[0] + rng.r#gen::<f64>() > 1.0)
    });
    let model = DecisionTreeClassifier::params()
        .max_depth(Some(5))
        .min_samples_split(40)
        .min_samples_leaf(7)
        .fit(&Dataset::new(x, y))
        .unwrap();
    let tree = model.tree();
    assert!(tree.depth() <= 5);
    for node in tree.nodes() {
        if let Some((l, r)) = node.children() {
            assert!(node.n_samples() >= 40);
            let (l, r) = (&tree.nodes()[l], &tree.nodes()[r]);
            assert!(l.n_samples() >= 7 && r.n_samples() >= 7);
            assert_eq!(l.n_samples() + r.n_samples(), node.n_samples());
        }
    }
    let pruned = DecisionTreeClassifier::params()
        .max_depth(Some(5))
        .min_impurity_decrease(0.01)
        .fit(&Dataset::new(
            Array2::from_shape_fn((200, 1), |(i, _)| i as f64),
            Array1::from_shape_fn(200, |i| usize::from(i % 7 == 0)),
        ))
        .unwrap();
    assert_eq!(
        pruned.tree().nodes().len(),
        1,
        "no split decreases impurity by 0.01"
    );
}

#[test]
fn a_step_function_is_fitted_exactly() {
    let x = Array2::from_shape_fn(
        (100, 2),
        |(i, j)| if j == 0 { i as f64 } else { (i % 3) as f64 },
    );
    let step = |i: usize| match i {
        0..30 => 1.0,
        30..70 => 5.5,
        _ => -2.0,
    };
    let y = Array1::from_shape_fn(100, step);
    let model = DecisionTreeRegressor::params()
        .fit(&Dataset::new(x.clone(), y.clone()))
        .unwrap();
    let predicted: Array1<f64> = model.predict(&x);
    assert_eq!(predicted, y);
    assert_eq!(model.tree().n_leaves(), 3);
    let splits: Vec<_> = model
        .tree()
        .nodes()
        .iter()
        .filter_map(|n| n.split())
        .collect();
    assert_eq!(splits, [(0, 69.5), (0, 29.5)]);
}

#[test]
fn a_regression_tree_predicts_leaf_means() {
    let x = Array2::from_shape_vec((6, 1), vec![0.0, 1.0, 2.0, 10.0, 11.0, 12.0]).unwrap();
    let y = Array1::from(vec![1.0, 2.0, 3.0, 20.0, 21.0, 22.0]);
    let model = DecisionTreeRegressor::params()
        .max_depth(Some(1))
        .fit(&Dataset::new(x, y))
        .unwrap();
    let predicted: Array1<f64> =
        model.predict(&Array2::from_shape_vec((2, 1), vec![-5.0, 50.0]).unwrap());
    assert_eq!(predicted.to_vec(), [2.0, 21.0]);
    assert_eq!(model.tree().nodes()[0].split(), Some((0, 6.0)));
}

#[test]
fn views_fit_like_owned_datasets() {
    let (x, y) = random(8, 300, 3, |r, _| usize::from(r[1] > 0.4));
    let owned = Dataset::new(x.clone(), y.clone());
    let view = DatasetView::new(x.view(), y.view());
    let params = DecisionTreeClassifier::params().max_depth(Some(3));
    assert_eq!(params.fit(&owned).unwrap(), params.fit(&view).unwrap());
    let model = params.fit(&view).unwrap();
    let predicted: Array1<usize> = model.predict(&x.view());
    assert_eq!(predicted, y);
}
