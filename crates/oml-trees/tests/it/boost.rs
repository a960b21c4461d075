//! The histogram gradient boosting machine: scikit-learn's numbers on a small table, values
//! computed by hand, missing values, thread counts, parameters.

use linfa::ParamGuard;
use linfa::prelude::*;
use ndarray::{Array1, Array2, array};
use oml_trees::{
    EarlyStopping, Error, HistGradientBoostingClassifier, HistGradientBoostingRegressor,
};
use rand::Rng;

use crate::common::{accuracy, assert_close, random};

const NAN: f64 = f64::NAN;

/// The reference table: 300 rows, four features (one with a missing
/// value every 7th row, one with 300 distinct values, so above 255 bins), a score `s`, three
/// classes cut from it, two classes, and `s` itself. scikit-learn 1.9.1 computed the expected
/// numbers below with the same formula:
///
/// ```text
/// i = np.arange(300); x = np.zeros((300, 4))
/// x[:, 0] = ((i * 37) % 101) / 10.0; x[:, 1] = ((i * 53) % 17).astype(float)
/// x[:, 2] = np.where(i % 7 == 0, np.nan, ((i * 11) % 23) / 3.0); x[:, 3] = ((i * 29) % 300) / 7.0
/// s = x[:, 0] + 0.5 * x[:, 1] + np.where(np.isnan(x[:, 2]), 3.0, x[:, 2] * 0.3)
///     + (((i * 13) % 7) - 3) * 0.8
/// HistGradientBoostingClassifier().fit(x, np.where(s < 7, 0, np.where(s < 11, 1, 2)))
/// ```
fn table() -> (Array2<f64>, Array1<f64>) {
    let n = 300;
    let x = Array2::from_shape_fn((n, 4), |(i, j)| match j {
        0 => ((i * 37) % 101) as f64 / 10.0,
        1 => ((i * 53) % 17) as f64,
        2 if i % 7 == 0 => NAN,
        2 => ((i * 11) % 23) as f64 / 3.0,
        _ => ((i * 29) % 300) as f64 / 7.0,
    });
    let s = Array1::from_shape_fn(n, |i| {
        let x2 = if x[[i, 2]].is_nan() {
            3.0
        } else {
            x[[i, 2]] * 0.3
        };
        x[[i, 0]] + 0.5 * x[[i, 1]] + x2 + (((i * 13) % 7) as f64 - 3.0) * 0.8
    });
    (x, s)
}

const ROWS: [usize; 6] = [0, 1, 2, 3, 7, 14];

#[test]
fn three_classes_agree_with_scikit_learn() {
    let (x, s) = table();
    let y = s.mapv(|s| usize::from(s >= 7.0) + usize::from(s >= 11.0));
    let model = HistGradientBoostingClassifier::params()
        .fit(&Dataset::new(x.clone(), y.clone()))
        .unwrap();
    assert_eq!(model.n_iter(), 100);
    assert_eq!(model.trees()[0].len(), 3);
    let expected = [
        [
            9.999717519349725e-1,
            2.8148924109389477e-5,
            9.914091825016658e-8,
        ],
        [
            0.022616581839079067,
            0.9772405178822922,
            0.0001429002786286618,
        ],
        [
            2.358936835208073e-5,
            0.01874637857131008,
            0.9812300320603378,
        ],
        [
            0.9832154157973292,
            0.01676907488145953,
            1.5509321211411426e-5,
        ],
        [
            1.035544736090199e-6,
            0.001264398477186737,
            0.9987345659780772,
        ],
        [
            0.025854536507701323,
            0.9740440929979403,
            0.00010137049435851776,
        ],
    ];
    let proba = model.predict_proba(&x);
    for (&row, expected) in ROWS.iter().zip(&expected) {
        assert_close(proba.row(row).as_slice().unwrap(), expected, 1e-9);
    }
    assert_eq!(model.predict(&x), y);
}

#[test]
fn two_classes_agree_with_scikit_learn() {
    let (x, s) = table();
    let y = s.mapv(|s| usize::from(s >= 9.0));
    let model = HistGradientBoostingClassifier::params()
        .fit(&Dataset::new(x.clone(), y.clone()))
        .unwrap();
    assert_eq!(model.trees()[0].len(), 1);
    let expected = [
        0.0014892750259175355,
        0.00915795544962874,
        0.9828884686288826,
        0.0028693122000768155,
        0.9995841401449825,
        0.04022624617731372,
    ];
    let proba = model.predict_proba(&x);
    for (&row, &p) in ROWS.iter().zip(&expected) {
        assert_close(proba.row(row).as_slice().unwrap(), &[1.0 - p, p], 1e-9);
    }
}

#[test]
fn regression_agrees_with_scikit_learn() {
    let (x, s) = table();
    let model = HistGradientBoostingRegressor::params()
        .fit(&Dataset::new(x.clone(), s.clone()))
        .unwrap();
    let expected = [
        1.3904897139605077,
        7.279463448527556,
        12.662357588797867,
        5.261850462561169,
        13.4708360284115,
        7.116814777882315,
    ];
    let predicted = model.predict(&x);
    let found: Vec<f64> = ROWS.iter().map(|&r| predicted[r]).collect();
    assert_close(&found, &expected, 1e-9);
    assert!((model.baseline() - s.mean().unwrap()).abs() < 1e-12);
}

/// Fewer bins than distinct values: thresholds at quantiles, as scikit-learn's
/// `HistGradientBoostingClassifier(max_bins=16, max_leaf_nodes=8, min_samples_leaf=5,
/// learning_rate=0.3, max_iter=20)`; its thresholds of feature 3 are 2.571..., 5.285...,
/// 8.0, ... 40.142..., and the tree's splits use them.
#[test]
fn quantile_bins_agree_with_scikit_learn() {
    let (x, s) = table();
    let y = s.mapv(|s| usize::from(s >= 7.0) + usize::from(s >= 11.0));
    let model = HistGradientBoostingClassifier::params()
        .max_bins(16)
        .max_leaf_nodes(Some(8))
        .min_samples_leaf(5)
        .learning_rate(0.3)
        .max_iter(20)
        .fit(&Dataset::new(x.clone(), y))
        .unwrap();
    let expected = [
        [
            0.9998674941427682,
            0.00012614352569920818,
            6.362331532669889e-6,
        ],
        [
            0.09444514138958202,
            0.9048121850045613,
            0.0007426736058568051,
        ],
        [8.424852106085161e-5, 0.075689497264893, 0.9242262542140461],
        [
            0.9049993736148304,
            0.09423496462481137,
            0.0007656617603583963,
        ],
        [
            3.975449416210571e-5,
            0.0018609904048842558,
            0.9980992551009538,
        ],
        [
            0.004955945531939312,
            0.9918840563078535,
            0.003159998160207204,
        ],
    ];
    let proba = model.predict_proba(&x);
    for (&row, expected) in ROWS.iter().zip(&expected) {
        assert_close(proba.row(row).as_slice().unwrap(), expected, 1e-9);
    }
    let allowed = [
        2.5714285714285716,
        5.285714285714286,
        8.0,
        10.642857142857142,
        13.285714285714286,
        16.0,
        18.714285714285715,
        21.357142857142854,
        24.0,
        26.714285714285715,
        29.428571428571427,
        32.07142857142857,
        34.714285714285715,
        37.42857142857143,
        40.142857142857146,
    ];
    for tree in model.trees().iter().flatten() {
        for node in tree.nodes() {
            if let Some((3, threshold)) = node.split() {
                assert!(allowed.contains(&threshold), "{threshold}");
            }
        }
    }
}

/// Four rows, one tree, learning rate 1: the baseline is the mean 5, the gradients are
/// `5 - y`, the root split between 1 and 2 has leaves of -5 and +5 (Newton steps), and
/// splitting a leaf further gains nothing.
#[test]
fn one_regression_tree_is_one_newton_step() {
    let x = array![[0.0], [1.0], [2.0], [3.0]];
    let y = array![0.0, 0.0, 10.0, 10.0];
    let model = HistGradientBoostingRegressor::params()
        .max_iter(1)
        .learning_rate(1.0)
        .min_samples_leaf(1)
        .fit(&Dataset::new(x.clone(), y.clone()))
        .unwrap();
    assert_eq!(model.baseline(), 5.0);
    let tree = &model.trees()[0][0];
    assert_eq!(tree.nodes()[0].split(), Some((0, 1.5)));
    assert_eq!(tree.n_leaves(), 2);
    let (left, right) = tree.nodes()[0].children().unwrap();
    // -G / (H + 1e-15), as scikit-learn.
    assert_close(
        &[tree.value(left)[0], tree.value(right)[0]],
        &[-5.0, 5.0],
        1e-14,
    );
    assert_close(
        model.predict(&x).as_slice().unwrap(),
        &[0.0, 0.0, 10.0, 10.0],
        1e-14,
    );
}

/// Two classes, one tree, learning rate 0.1: the baseline is logit(1/2) = 0, every gradient
/// is ±1/2 and every hessian 1/4, so the left leaf is -(1/2 + 1/2) / (1/4 + 1/4) x 0.1 = -0.2.
#[test]
fn one_logistic_tree_is_one_newton_step() {
    let x = array![[0.0], [1.0], [2.0], [3.0]];
    let y = array![0usize, 0, 1, 1];
    let model = HistGradientBoostingClassifier::params()
        .max_iter(1)
        .min_samples_leaf(1)
        .fit(&Dataset::new(x.clone(), y))
        .unwrap();
    assert_eq!(model.baseline(), [0.0]);
    let p = 1.0 / (1.0 + libm::exp(0.2f64));
    let proba = model.predict_proba(&x);
    assert_close(proba.row(0).as_slice().unwrap(), &[1.0 - p, p], 1e-15);
    assert_close(proba.row(3).as_slice().unwrap(), &[p, 1.0 - p], 1e-15);
}

/// Too few rows to split (fewer than twice `min_samples_leaf`): every tree is a lone leaf
/// of value 0 and the probabilities are the class priors; a class absent from the training
/// rows gets 0.
#[test]
fn without_splits_probabilities_are_the_priors() {
    let x = array![[0.0], [1.0], [2.0], [3.0]];
    let y = array![0usize, 0, 1, 3];
    let model = HistGradientBoostingClassifier::params()
        .n_classes(Some(5))
        .fit(&Dataset::new(x.clone(), y))
        .unwrap();
    assert_eq!(model.classes(), [0, 1, 3]);
    let proba = model.predict_proba(&x);
    for row in proba.rows() {
        assert_close(row.as_slice().unwrap(), &[0.5, 0.25, 0.0, 0.25, 0.0], 1e-15);
    }
    assert!(model.trees().iter().flatten().all(|t| t.n_leaves() == 1));
}

#[test]
fn a_single_class_gets_all_the_probability() {
    let x = array![[0.0], [1.0], [2.0]];
    let model = HistGradientBoostingClassifier::params()
        .n_classes(Some(3))
        .fit(&Dataset::new(x.clone(), array![1usize, 1, 1]))
        .unwrap();
    assert_eq!(model.n_iter(), 0);
    assert_eq!(model.predict_proba(&x).row(2).to_vec(), [0.0, 1.0, 0.0]);
    assert_eq!(model.predict(&x), array![1, 1, 1]);
}

/// A column whose missingness is the class: the first split separates the missing rows
/// (threshold infinity: every value left, NaN right).
#[test]
fn missing_values_can_be_the_signal() {
    let n = 200;
    let x = Array2::from_shape_fn(
        (n, 1),
        |(i, _)| {
            if i % 3 == 0 { NAN } else { (i % 10) as f64 }
        },
    );
    let y = Array1::from_shape_fn(n, |i| usize::from(i % 3 == 0));
    let model = HistGradientBoostingClassifier::params()
        .fit(&Dataset::new(x.clone(), y.clone()))
        .unwrap();
    assert_eq!(model.predict(&x), y);
    let root = &model.trees()[0][0].nodes()[0];
    assert_eq!(root.split(), Some((0, f64::INFINITY)));
    assert!(!root.missing_go_left());
}

/// Missing values in training go to the better side: here with the high values.
#[test]
fn missing_values_go_to_the_better_side() {
    let n = 300;
    let x = Array2::from_shape_fn(
        (n, 1),
        |(i, _)| {
            if i % 5 == 0 { NAN } else { (i % 50) as f64 }
        },
    );
    let y = Array1::from_shape_fn(n, |i| usize::from(i % 5 == 0 || i % 50 >= 25));
    let model = HistGradientBoostingClassifier::params()
        .fit(&Dataset::new(x.clone(), y.clone()))
        .unwrap();
    let root = &model.trees()[0][0].nodes()[0];
    // Values 0, 5, ..., 45 are missing, so the cut is between 24 and 26.
    assert_eq!(root.split(), Some((0, 25.0)));
    assert!(!root.missing_go_left());
    assert_eq!(model.predict(&x), y);
    // With the low values instead.
    let y = Array1::from_shape_fn(n, |i| usize::from(i % 5 != 0 && i % 50 >= 25));
    let model = HistGradientBoostingClassifier::params()
        .fit(&Dataset::new(x.clone(), y.clone()))
        .unwrap();
    assert!(model.trees()[0][0].nodes()[0].missing_go_left());
    assert_eq!(model.predict(&x), y);
}

/// No missing value in training: a NaN at prediction goes to the child with more training
/// rows, as scikit-learn.
#[test]
fn unseen_missing_values_go_to_the_larger_child() {
    let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
    for (cut, larger_left) in [(30, false), (70, true)] {
        let y = Array1::from_shape_fn(100, |i| usize::from(i >= cut));
        let model = HistGradientBoostingClassifier::params()
            .fit(&Dataset::new(x.clone(), y))
            .unwrap();
        let root = &model.trees()[0][0].nodes()[0];
        assert_eq!(root.split(), Some((0, cut as f64 - 0.5)));
        assert_eq!(root.missing_go_left(), larger_left);
        let predicted = model.predict(&array![[NAN]]);
        assert_eq!(predicted[0], usize::from(!larger_left));
    }
}

/// A column that is all missing (in a training fold) never splits and does not fail; with no
/// other column, the prediction is constant.
#[test]
fn an_all_missing_column_is_harmless() {
    let n = 120;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| if j == 0 { NAN } else { i as f64 });
    let y = Array1::from_shape_fn(n, |i| usize::from(i >= 60));
    let model = HistGradientBoostingClassifier::params()
        .fit(&Dataset::new(x.clone(), y.clone()))
        .unwrap();
    assert_eq!(model.predict(&x), y);
    for tree in model.trees().iter().flatten() {
        assert!(
            tree.nodes()
                .iter()
                .all(|n| n.split().is_none_or(|(f, _)| f == 1))
        );
    }
    let only_missing = Array2::from_elem((n, 1), NAN);
    let model = HistGradientBoostingRegressor::params()
        .fit(&Dataset::new(only_missing.clone(), y.mapv(|c| c as f64)))
        .unwrap();
    let predicted = model.predict(&only_missing);
    assert!(
        predicted.iter().all(|&v| (v - 0.5).abs() < 1e-12),
        "{predicted}"
    );
    // A test row with a value where training had none.
    assert!((model.predict(&array![[3.0]])[0] - 0.5).abs() < 1e-12);
}

#[test]
fn the_same_fit_on_any_number_of_threads() {
    let (x, y) = random(11, 2000, 10, |r, rng| {
        let s = r[0] + r[1] * r[2] + 0.3 * rng.r#gen::<f64>();
        usize::from(s > 0.5) + usize::from(s > 0.9) + usize::from(s > 1.2)
    });
    let mut x = x;
    for i in (0..2000).step_by(9) {
        x[[i, i % 10]] = NAN;
    }
    let dataset = Dataset::new(x.clone(), y);
    let fit = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            HistGradientBoostingClassifier::params()
                .max_iter(20)
                .fit(&dataset)
                .unwrap()
        })
    };
    let one = fit(1);
    let two = fit(2);
    assert_eq!(one, two);
    let (p1, p2) = (one.predict_proba(&x), two.predict_proba(&x));
    assert!(p1.iter().zip(&p2).all(|(a, b)| a.to_bits() == b.to_bits()));
    for row in p1.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-12);
    }
}

#[test]
fn held_out_accuracy_on_random_data() {
    let label = |r: &[f64], rng: &mut rand_chacha::ChaCha8Rng| {
        let s = r[0] + r[1] - r[2] * r[3] + 0.2 * rng.r#gen::<f64>();
        usize::from(s > 0.6) + usize::from(s > 1.1)
    };
    let (x, y) = random(12, 3000, 8, label);
    let (x_test, y_test) = random(13, 2000, 8, label);
    let model = HistGradientBoostingClassifier::params()
        .fit(&Dataset::new(x, y))
        .unwrap();
    let held_out = accuracy(&model.predict(&x_test), &y_test);
    assert!(held_out > 0.85, "{held_out}");
}

/// Above 10,000 rows, `auto` stops early on a validation split; on pure noise that is soon.
#[test]
fn early_stopping_stops_on_noise() {
    let (x, y) = random(14, 12_000, 3, |_, rng| usize::from(rng.r#gen::<bool>()));
    let dataset = Dataset::new(x, y);
    let model = HistGradientBoostingClassifier::params()
        .fit(&dataset)
        .unwrap();
    assert!(model.n_iter() < 100, "{}", model.n_iter());
    assert_eq!(model.validation_scores().len(), model.n_iter() + 1);
    let off = HistGradientBoostingClassifier::params()
        .early_stopping(EarlyStopping::Off)
        .max_iter(30)
        .fit(&dataset)
        .unwrap();
    assert_eq!(off.n_iter(), 30);
    assert!(off.validation_scores().is_empty());
}

#[test]
fn trees_keep_their_limits() {
    let (x, s) = table();
    let model = HistGradientBoostingRegressor::params()
        .max_leaf_nodes(Some(5))
        .fit(&Dataset::new(x.clone(), s.clone()))
        .unwrap();
    assert!(model.trees().iter().flatten().all(|t| t.n_leaves() <= 5));
    assert!(model.trees().iter().flatten().any(|t| t.n_leaves() == 5));
    let model = HistGradientBoostingRegressor::params()
        .max_leaf_nodes(None)
        .max_depth(Some(2))
        .min_samples_leaf(3)
        .fit(&Dataset::new(x, s))
        .unwrap();
    for tree in model.trees().iter().flatten() {
        assert!(tree.depth() <= 2);
        assert!(tree.nodes().iter().all(|n| n.n_samples() >= 3));
    }
}

fn name_of(error: Error) -> &'static str {
    match error {
        Error::InvalidParameter { name, .. } => name,
        other => panic!("not a parameter error: {other}"),
    }
}

#[test]
fn each_invalid_parameter_is_named() {
    let p = HistGradientBoostingClassifier::params;
    let cases = [
        (p().learning_rate(0.0), "learning_rate"),
        (p().learning_rate(f64::NAN), "learning_rate"),
        (p().max_iter(0), "max_iter"),
        (p().max_leaf_nodes(Some(1)), "max_leaf_nodes"),
        (p().max_depth(Some(0)), "max_depth"),
        (p().min_samples_leaf(0), "min_samples_leaf"),
        (p().l2_regularization(-1.0), "l2_regularization"),
        (p().max_bins(1), "max_bins"),
        (p().max_bins(256), "max_bins"),
        (p().validation_fraction(1.0), "validation_fraction"),
        (p().n_iter_no_change(0), "n_iter_no_change"),
        (p().tol(-1e-3), "tol"),
        (p().n_classes(Some(0)), "n_classes"),
    ];
    for (params, name) in cases {
        assert_eq!(name_of(params.check().unwrap_err()), name);
    }
    assert_eq!("auto".parse::<EarlyStopping>(), Ok(EarlyStopping::Auto));
    assert_eq!(
        name_of("sometimes".parse::<EarlyStopping>().unwrap_err()),
        "early_stopping"
    );
}

#[test]
fn bad_inputs_are_errors() {
    let x = array![[0.0], [1.0]];
    let fit = |y: Array1<usize>, n_classes| {
        HistGradientBoostingClassifier::params()
            .n_classes(n_classes)
            .fit_records(x.view(), y.view())
    };
    assert_eq!(
        fit(array![0, 3], Some(2)).unwrap_err(),
        Error::LabelOutOfRange {
            row: 1,
            label: 3,
            n_classes: 2
        }
    );
    assert!(matches!(
        fit(array![0], None),
        Err(Error::LengthMismatch { .. })
    ));
    let empty = Array2::<f64>::zeros((0, 1));
    assert_eq!(
        HistGradientBoostingRegressor::params()
            .fit_records(empty.view(), Array1::zeros(0).view())
            .unwrap_err(),
        Error::NoRows
    );
    assert!(matches!(
        HistGradientBoostingRegressor::params().fit_records(x.view(), array![0.0, NAN].view()),
        Err(Error::NonFiniteTarget { row: 1, .. })
    ));
    let weighted = Dataset::new(x.clone(), array![0usize, 1]).with_weights(array![1.0, 2.0]);
    assert_eq!(
        HistGradientBoostingClassifier::params()
            .fit(&weighted)
            .unwrap_err(),
        Error::WeightsUnsupported
    );
}

/// Prediction walks each tree for a block of rows, blocks in parallel: on 300 rows (a full
/// block of 256 and a part), a regressor's predictions are, bit for bit, the baseline plus every
/// tree's leaf value in iteration order, and a classifier's probabilities for three classes
/// are those of each row predicted alone, on one thread and on four.
#[test]
fn rows_predicted_in_blocks_are_each_rows_sum() {
    let (x, s) = table();
    let in_pool = |threads: usize, f: &(dyn Fn() -> Array2<f64> + Sync)| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(f)
    };
    let regressor = HistGradientBoostingRegressor::params()
        .max_iter(30)
        .fit(&Dataset::new(x.clone(), s.clone()))
        .unwrap();
    let predicted = regressor.predict(&x);
    for (i, row) in x.rows().into_iter().enumerate() {
        let mut raw = regressor.baseline();
        for iteration in regressor.trees() {
            let tree = &iteration[0];
            raw += tree.value(tree.apply(row))[0];
        }
        assert_eq!(predicted[i].to_bits(), raw.to_bits(), "row {i}");
    }
    let classes = s.mapv(|s| usize::from(s >= 7.0) + usize::from(s >= 11.0));
    let classifier = HistGradientBoostingClassifier::params()
        .max_iter(30)
        .fit(&Dataset::new(x.clone(), classes))
        .unwrap();
    assert_eq!(classifier.trees()[0].len(), 3);
    let alone: Vec<f64> = (0..x.nrows())
        .flat_map(|i| classifier.predict_proba(&x.slice(ndarray::s![i..i + 1, ..])))
        .collect();
    for threads in [1, 4] {
        let together = in_pool(threads, &|| classifier.predict_proba(&x));
        assert_eq!(together.nrows(), 300);
        let same = together
            .iter()
            .zip(&alone)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "{threads} threads");
    }
}
