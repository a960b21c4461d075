//! The random forest, k-NN and naive Bayes flows against hand-computed or linfa's own numbers.

use linfa::prelude::*;
use linfa_bayes::{GaussianNb, NaiveBayes};
use ndarray::{Array1, Array2, array};
use oml_data::DesignMatrix;
use oml_flow::{Describe, Flow, GaussianNbFlow, KnnFlow, LinfaRandomForestFlow};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::support::{class_predictions, fit_classes_seeded, numeric_matrix};

/// Fits `flow` on (`x`, `classes`) and returns the confidences for `test`.
fn confidences(
    flow: &dyn Flow,
    x: &DesignMatrix,
    classes: &Array1<usize>,
    n_classes: usize,
    test: &DesignMatrix,
    seed: u64,
) -> Array2<f64> {
    let model = fit_classes_seeded(flow, x, classes, n_classes, seed)
        .unwrap_or_else(|e| panic!("{}: {e}", flow.name()));
    let (_, confidences) = class_predictions(model.as_ref(), test, n_classes);
    confidences
}

fn assert_close(found: &Array2<f64>, expected: &Array2<f64>) {
    assert_eq!(found.shape(), expected.shape());
    for (f, e) in found.iter().zip(expected) {
        assert!(
            (f - e).abs() < 1e-12,
            "found\n{found}\nexpected\n{expected}"
        );
    }
}

#[test]
fn forest_confidences_are_the_mean_of_bootstrap_class_fractions() {
    // A constant feature cannot be split on, so every tree is one leaf holding the class
    // fractions of its own bootstrap rows; the forest's confidence is their mean. The draws are
    // linfa-ensemble's, replayed here by hand: per tree, ceil(10 × 0.6) = 6 rows, then
    // 1 feature, each `gen_range` from a ChaCha8 generator seeded with the fit's seed.
    let x = numeric_matrix(Array2::zeros((10, 1)));
    let classes = array![0, 0, 0, 0, 0, 0, 1, 1, 1, 2];
    let mut flow = LinfaRandomForestFlow::new();
    flow.set_parameter("ensemble_size", "5").unwrap();
    flow.set_parameter("bootstrap_proportion", "0.6").unwrap();
    let seed = 11;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut expected = [0.0; 4];
    for _ in 0..5 {
        let rows: Vec<usize> = (0..6).map(|_| rng.gen_range(0..10)).collect();
        let _feature: usize = rng.gen_range(0..1);
        for row in rows {
            expected[classes[row]] += 1.0 / 6.0 / 5.0;
        }
    }
    let test = numeric_matrix(Array2::zeros((2, 1)));
    let found = confidences(&flow, &x, &classes, 4, &test, seed);
    let expected = Array2::from_shape_fn((2, 4), |(_, c)| expected[c]);
    assert_close(&found, &expected);
    // Not the fractions of all the training rows, which a forest ignoring its bootstrap gives.
    assert!((found[[0, 0]] - 0.6).abs() > 1e-6, "{found}");
    assert_eq!(found[[0, 3]], 0.0);
}

#[test]
fn forest_parameters_are_checked_and_named() {
    let mut flow = LinfaRandomForestFlow::new();
    for (text, expected) in [
        ("ensemble_size=0", "an integer from 1 to 1000000"),
        (
            "bootstrap_proportion=0",
            "a number greater than 0 and at most 1",
        ),
        (
            "feature_proportion=1.5",
            "a number greater than 0 and at most 1",
        ),
        ("max_depth=0", "an integer of at least 1, or none"),
    ] {
        let (name, value) = text.split_once('=').unwrap();
        let error = flow.set_parameter(name, value).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("parameter `{name}`")) && error.contains(expected),
            "{error}"
        );
    }
    flow.set_parameter("max_depth", "3").unwrap();
    flow.set_parameter("ensemble_size", "7").unwrap();
    let values: Vec<(String, String)> = flow
        .parameters()
        .into_iter()
        .map(|p| (p.name, p.value))
        .collect();
    assert!(values.contains(&("max_depth".into(), "3".into())));
    assert!(values.contains(&("ensemble_size".into(), "7".into())));
    assert_eq!(
        flow.external_version(),
        "libm==0.2.16,linfa-ensemble==0.8.1,linfa-trees==0.8.1,oml-flow==0.2.0"
    );
}

/// Training rows at x = 0, 1, 2, 3, 10 with classes 0, 0, 1, 1, 1.
fn line() -> (DesignMatrix, Array1<usize>) {
    (
        numeric_matrix(array![[0.0], [1.0], [2.0], [3.0], [10.0]]),
        array![0, 0, 1, 1, 1],
    )
}

fn knn(k: usize, algorithm: &str, weights: &str) -> KnnFlow {
    let mut flow = KnnFlow::new();
    flow.set_parameter("k", &k.to_string()).unwrap();
    flow.set_parameter("algorithm", algorithm).unwrap();
    flow.set_parameter("weights", weights).unwrap();
    flow
}

#[test]
fn knn_confidences_are_hand_computed_vote_fractions() {
    let (x, classes) = line();
    // 1.4: nearest rows 1 (0.4, class 0), 2 (0.6, class 1), 0 (1.4, class 0).
    // 1.5: rows 1 and 2 at 0.5, then rows 0 (class 0) and 3 (class 1) both at 1.5: the tie goes
    //      to the earlier row, 0.
    // 2.0: on row 2; with distance weights only it counts.
    let test = numeric_matrix(array![[1.4], [1.5], [2.0]]);
    let (w1, w2, w0) = (1.0 / 0.4, 1.0 / 0.6, 1.0 / 1.4);
    let sum = w1 + w2 + w0;
    let uniform = array![
        [2.0 / 3.0, 1.0 / 3.0],
        [2.0 / 3.0, 1.0 / 3.0],
        [1.0 / 3.0, 2.0 / 3.0]
    ];
    let (v1, v2) = (1.0 / 0.5, 1.0 / 0.5);
    let v0 = 1.0 / 1.5;
    let distance = array![
        [(w1 + w0) / sum, w2 / sum],
        [(v1 + v0) / (v1 + v2 + v0), v2 / (v1 + v2 + v0)],
        [0.0, 1.0]
    ];
    for algorithm in ["kdtree", "balltree", "linear", "brute", "auto"] {
        let found = confidences(&knn(3, algorithm, "uniform"), &x, &classes, 2, &test, 0);
        assert_close(&found, &uniform);
        let found = confidences(&knn(3, algorithm, "distance"), &x, &classes, 2, &test, 0);
        // 1 / distance from squared distances: allow for the rounding of 1.4 and 0.6.
        for (f, e) in found.iter().zip(&distance) {
            assert!((f - e).abs() < 1e-9, "{algorithm}: {found}");
        }
        // More neighbours than rows: all five vote; a third class that no row has gets 0.
        let found = confidences(&knn(10, algorithm, "uniform"), &x, &classes, 3, &test, 0);
        assert_close(
            &found,
            &Array2::from_shape_fn((3, 3), |(_, c)| [0.4, 0.6, 0.0][c]),
        );
    }
}

#[test]
fn knn_ties_go_to_the_earlier_row_whatever_the_index() {
    // Many duplicated points: each query has far more rows at the k-th distance than k.
    let n = 200;
    let x = numeric_matrix(Array2::from_shape_fn((n, 2), |(i, j)| {
        ((i * (j + 3)) % 4) as f64
    }));
    let classes = Array1::from_shape_fn(n, |i| (i * 7) % 3);
    let test = numeric_matrix(Array2::from_shape_fn((30, 2), |(i, j)| {
        ((i + 2 * j) % 5) as f64 * 0.75
    }));
    let linear = confidences(&knn(7, "linear", "distance"), &x, &classes, 3, &test, 0);
    for algorithm in ["kdtree", "balltree", "brute"] {
        let found = confidences(&knn(7, algorithm, "distance"), &x, &classes, 3, &test, 0);
        assert_eq!(found, linear, "{algorithm}");
    }
}

/// Issue 19: brute force (one matrix product per block of query and training rows, then the
/// rows near the k-th compared exactly) finds the neighbours an exact search finds, on 40
/// features (where `auto` takes it) with 0/1 columns full of ties and values of very different
/// sizes.
#[test]
fn knn_brute_force_finds_the_exact_neighbours() {
    // More training rows than one block of the search takes.
    let (n, p) = (5000, 40);
    let value = |i: usize, j: usize| {
        let h = ((i * p + j) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
        if j.is_multiple_of(2) {
            (h % 2) as f64
        } else {
            (h % 1000) as f64 * 10f64.powi((j % 5) as i32 - 2)
        }
    };
    let x = numeric_matrix(Array2::from_shape_fn((n, p), |(i, j)| value(i, j)));
    let classes = Array1::from_shape_fn(n, |i| (i * 7) % 3);
    let test = numeric_matrix(Array2::from_shape_fn((50, p), |(i, j)| {
        value(i + 10_000, j)
    }));
    for weights in ["uniform", "distance"] {
        let linear = confidences(&knn(9, "linear", weights), &x, &classes, 3, &test, 0);
        for algorithm in ["brute", "auto"] {
            let found = confidences(&knn(9, algorithm, weights), &x, &classes, 3, &test, 0);
            assert_eq!(found, linear, "{algorithm} {weights}");
        }
    }
    // Values whose squares overflow: the product's distances are useless, every row is
    // compared exactly, and the votes are still fractions that sum to 1.
    let huge = numeric_matrix(Array2::from_shape_fn((n, p), |(i, j)| value(i, j) * 1e200));
    let query = numeric_matrix(Array2::from_shape_fn((5, p), |(i, j)| value(i, j) * 1e200));
    let found = confidences(&knn(3, "brute", "uniform"), &huge, &classes, 3, &query, 0);
    for row in found.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-12, "{found}");
    }
}

#[test]
fn naive_bayes_probabilities_are_linfas_in_task_class_order() {
    // Task classes 0, 1, 2; the training rows have classes 2 and 0 only.
    let x = array![
        [-2.0, -1.0],
        [-1.0, -1.5],
        [-1.0, -2.0],
        [1.0, 1.0],
        [1.5, 2.0],
        [2.0, 1.0],
        [0.5, 0.0]
    ];
    let classes = array![2, 2, 2, 0, 0, 0, 2];
    let test = array![[0.0, 0.0], [-1.5, -1.0], [1.0, 1.5], [3.0, -3.0]];
    let found = confidences(
        &GaussianNbFlow::new(),
        &numeric_matrix(x.clone()),
        &classes,
        3,
        &numeric_matrix(test.clone()),
        0,
    );
    let model = GaussianNb::params()
        .fit(&DatasetBase::new(x.view(), classes.view()))
        .unwrap();
    let (proba, linfa_classes) = model.predict_proba(test.view());
    assert_eq!(linfa_classes, vec![&0, &2]);
    let mut expected = Array2::zeros((4, 3));
    expected.column_mut(0).assign(&proba.column(0));
    expected.column_mut(2).assign(&proba.column(1));
    for (f, e) in found.iter().zip(&expected) {
        assert!(
            (f - e).abs() < 1e-12,
            "found\n{found}\nexpected\n{expected}"
        );
    }
    assert!(found.column(1).iter().all(|&c| c == 0.0));
}

#[test]
fn naive_bayes_stays_finite_far_from_every_class() {
    // linfa's own predict_proba underflows to NaN here: every class's likelihood is e^-huge.
    let x: Array2<f64> = array![[0.0], [0.001], [1.0], [1.001]];
    let classes = array![0, 0, 1, 1];
    let test: Array2<f64> = array![[1e6]];
    let model = GaussianNb::params()
        .fit(&DatasetBase::new(x.view(), classes.view()))
        .unwrap();
    assert!(
        model
            .predict_proba(test.view())
            .0
            .iter()
            .any(|p| !p.is_finite())
    );
    let found = confidences(
        &GaussianNbFlow::new(),
        &numeric_matrix(x),
        &classes,
        2,
        &numeric_matrix(test),
        0,
    );
    assert_eq!(found, array![[0.0, 1.0]]);
}
