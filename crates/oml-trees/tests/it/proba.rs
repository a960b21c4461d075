use linfa::prelude::*;
use ndarray::{Array1, array};
use oml_trees::DecisionTreeClassifier;
use rand::Rng;

use crate::common::random;

#[test]
fn probabilities_are_the_class_fractions_of_the_leaf() {
    // One possible split (x <= 0.5); class 3 never occurs but has a column.
    let x = array![[0.0], [0.0], [0.0], [1.0], [1.0], [1.0], [1.0]];
    let y = array![0usize, 0, 1, 1, 1, 1, 2];
    let model = DecisionTreeClassifier::params()
        .n_classes(Some(4))
        .fit(&Dataset::new(x, y))
        .unwrap();
    assert_eq!(model.tree().nodes()[0].split(), Some((0, 0.5)));
    let proba = model.predict_proba(&array![[-1.0], [0.4], [0.6], [7.0]]);
    let left = [2.0 / 3.0, 1.0 / 3.0, 0.0, 0.0];
    let right = [0.0, 0.75, 0.25, 0.0];
    assert_eq!(proba.row(0).to_vec(), left);
    assert_eq!(proba.row(1).to_vec(), left);
    assert_eq!(proba.row(2).to_vec(), right);
    assert_eq!(proba.row(3).to_vec(), right);
    let predicted: Array1<usize> = model.predict(&array![[0.0], [1.0]]);
    assert_eq!(predicted, array![0, 1]);
}

#[test]
fn ties_go_to_the_first_class() {
    let x = array![[0.0], [0.0], [1.0], [1.0]];
    let y = array![1usize, 0, 2, 1];
    let model = DecisionTreeClassifier::params()
        .fit(&Dataset::new(x.clone(), y))
        .unwrap();
    assert_eq!(model.predict_proba(&x).row(0).to_vec(), [0.5, 0.5, 0.0]);
    let predicted: Array1<usize> = model.predict(&x);
    assert_eq!(predicted, array![0, 0, 1, 1]);
}

#[test]
fn probabilities_match_the_training_rows_of_each_leaf() {
    let (x, y) = random(7, 400, 4, |r, rng| {
        usize::from(r[0] + 0.3 * rng.r#gen::<f64>() > 0.6) + usize::from(r[1] > 0.7)
    });
    let model = DecisionTreeClassifier::params()
        .max_depth(Some(4))
        .min_samples_leaf(5)
        .fit(&Dataset::new(x.clone(), y.clone()))
        .unwrap();
    let tree = model.tree();
    let proba = model.predict_proba(&x);
    let mut counts = vec![vec![0.0; 3]; tree.nodes().len()];
    for (row, &label) in x.rows().into_iter().zip(&y) {
        counts[tree.apply(row)][label] += 1.0;
    }
    for (i, row) in x.rows().into_iter().enumerate() {
        let leaf = tree.apply(row);
        let n: f64 = counts[leaf].iter().sum();
        assert!(n >= 5.0, "min_samples_leaf");
        assert_eq!(n as usize, tree.nodes()[leaf].n_samples());
        let fractions: Vec<f64> = counts[leaf].iter().map(|c| c / n).collect();
        assert_eq!(proba.row(i).to_vec(), fractions);
    }
}
