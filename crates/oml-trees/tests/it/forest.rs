use linfa::ParamGuard;
use linfa::prelude::*;
use ndarray::{Array1, Array2, Axis};
use oml_trees::{
    DecisionTreeClassifier, Error, MaxFeatures, RandomForestClassifier, RandomForestRegressor,
};
use rand::Rng;

use crate::common::{accuracy, random};

/// A noisy two-feature rule over five features: about 85% of labels follow it.
fn noisy(seed: u64, n: usize) -> (Array2<f64>, Array1<usize>) {
    random(seed, n, 5, |r, rng| {
        let rule = r[0] + r[1] > 1.0;
        usize::from(rule ^ (rng.r#gen::<f64>() < 0.15))
    })
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn the_same_seed_gives_the_same_forest_on_1_and_2_threads() {
    let (x, y) = noisy(1, 600);
    let dataset = Dataset::new(x.clone(), y);
    let fit = |threads, seed| {
        in_pool(threads, || {
            RandomForestClassifier::params()
                .n_trees(12)
                .oob_score(true)
                .seed(seed)
                .fit(&dataset)
                .unwrap()
        })
    };
    let one = fit(1, 7);
    let two = fit(2, 7);
    assert_eq!(one, two);
    assert_eq!(
        in_pool(1, || one.predict_proba(&x)),
        in_pool(2, || two.predict_proba(&x))
    );
    assert_ne!(
        one.trees()[0],
        one.trees()[1],
        "trees differ within a forest"
    );
    assert_ne!(
        fit(1, 8).trees()[0],
        one.trees()[0],
        "another seed, other trees"
    );

    let targets: Array1<f64> = x.column(0).mapv(|v| 3.0 * v) + x.column(2);
    let values = Dataset::new(x.clone(), targets);
    let fit = |threads| {
        in_pool(threads, || {
            RandomForestRegressor::params()
                .n_trees(9)
                .oob_score(true)
                .seed(3)
                .fit(&values)
                .unwrap()
        })
    };
    assert_eq!(fit(1), fit(2));
}

#[test]
fn probabilities_are_the_mean_of_the_trees_probabilities() {
    let (x, y) = random(2, 300, 4, |r, rng| {
        (r[0] * 3.0 + rng.r#gen::<f64>()) as usize % 3
    });
    let forest = RandomForestClassifier::params()
        .n_trees(7)
        .max_depth(Some(4))
        .n_classes(Some(4))
        .fit(&Dataset::new(x.clone(), y))
        .unwrap();
    assert_eq!(forest.n_classes(), 4);
    let mut mean = Array2::<f64>::zeros((x.nrows(), 4));
    for tree in forest.trees() {
        mean += &tree.predict_proba(&x);
    }
    mean /= 7.0;
    let proba = forest.predict_proba(&x);
    for (p, m) in proba.iter().zip(&mean) {
        assert!((p - m).abs() < 1e-12, "{p} vs {m}");
    }
    assert!(proba.column(3).iter().all(|&p| p == 0.0), "absent class");
    let labels = forest.predict(&x);
    for (row, &label) in proba.rows().into_iter().zip(&labels) {
        let first_max = row
            .iter()
            .position(|&p| p == row.fold(0.0f64, |a, &b| a.max(b)))
            .unwrap();
        assert_eq!(label, first_max);
    }
}

#[test]
fn out_of_bag_accuracy_is_close_to_held_out_accuracy() {
    let (x, y) = noisy(3, 3000);
    let (train_x, test_x) = x.view().split_at(Axis(0), 2000);
    let (train_y, test_y) = y.view().split_at(Axis(0), 2000);
    let forest = RandomForestClassifier::params()
        .n_trees(60)
        .oob_score(true)
        .fit(&DatasetBase::new(train_x, train_y))
        .unwrap();
    let oob = forest.oob_score().unwrap();
    let held_out = accuracy(&forest.predict(&test_x), &test_y.to_owned());
    eprintln!("out-of-bag {oob:.4}, held out {held_out:.4}");
    assert!(
        (oob - held_out).abs() < 0.04,
        "oob {oob}, held out {held_out}"
    );
    assert!(held_out > 0.75, "{held_out}");
    // Without the option there is no score.
    let plain = RandomForestClassifier::params()
        .n_trees(3)
        .fit(&DatasetBase::new(train_x, train_y))
        .unwrap();
    assert_eq!(plain.oob_score(), None);
}

#[test]
fn a_regression_forest_beats_one_tree_out_of_sample_and_scores_out_of_bag() {
    let (x, _) = random(4, 1500, 4, |_, _| 0);
    let noise = random(5, 1500, 1, |_, _| 0).0;
    let y: Array1<f64> =
        x.column(0).mapv(|v| libm::sin(6.0 * v)) + x.column(1) + (&noise.column(0) - 0.5) * 0.6;
    let (train_x, test_x) = x.view().split_at(Axis(0), 1000);
    let (train_y, test_y) = y.view().split_at(Axis(0), 1000);
    let r2 = |predicted: Array1<f64>| {
        let mean = test_y.mean().unwrap();
        let residual: f64 = predicted
            .iter()
            .zip(test_y)
            .map(|(p, t)| (p - t).powi(2))
            .sum();
        let total: f64 = test_y.iter().map(|t| (t - mean).powi(2)).sum();
        1.0 - residual / total
    };
    let forest = RandomForestRegressor::params()
        .n_trees(50)
        .oob_score(true)
        .fit(&DatasetBase::new(train_x, train_y))
        .unwrap();
    let tree = oml_trees::DecisionTreeRegressor::params()
        .fit(&DatasetBase::new(train_x, train_y))
        .unwrap();
    let (forest_r2, tree_r2) = (r2(forest.predict(&test_x)), r2(tree.predict(&test_x)));
    let oob = forest.oob_score().unwrap();
    eprintln!("forest R² {forest_r2:.4}, tree R² {tree_r2:.4}, out-of-bag R² {oob:.4}");
    assert!(
        forest_r2 > tree_r2 && forest_r2 > 0.7,
        "{forest_r2} vs {tree_r2}"
    );
    assert!(
        (oob - forest_r2).abs() < 0.08,
        "oob {oob}, held out {forest_r2}"
    );
}

#[test]
fn without_bootstrap_or_feature_draws_every_tree_is_the_single_tree() {
    let (x, y) = noisy(6, 400);
    let dataset = Dataset::new(x.clone(), y);
    let forest = RandomForestClassifier::params()
        .n_trees(3)
        .bootstrap(false)
        .max_features(MaxFeatures::All)
        .fit(&dataset)
        .unwrap();
    let tree = DecisionTreeClassifier::params().fit(&dataset).unwrap();
    // Every tree sees every row and every feature: they differ only where equally good
    // splits tie (broken in each tree's own random feature order), so the root split is the
    // single tree's and every tree fits the training rows alike.
    for t in forest.trees() {
        assert_eq!(t.tree().nodes()[0].split(), tree.tree().nodes()[0].split());
        assert_eq!(t.predict_proba(&x), tree.predict_proba(&x));
    }
}

#[test]
fn max_samples_sets_the_bootstrap_size() {
    let (x, y) = noisy(7, 1000);
    let forest = RandomForestClassifier::params()
        .n_trees(4)
        .max_samples(0.1)
        .max_depth(Some(1))
        .fit(&Dataset::new(x, y))
        .unwrap();
    for tree in forest.trees() {
        // 100 draws with replacement: at most 100 distinct rows, each weighing its count.
        let root = &tree.tree().nodes()[0];
        assert_eq!(root.weighted_n_samples(), 100.0);
        assert!(root.n_samples() <= 100 && root.n_samples() > 80);
    }
}

#[test]
fn forest_parameter_errors_name_the_parameter() {
    let p = RandomForestClassifier::params;
    let name_of = |error: Error| match error {
        Error::InvalidParameter { name, .. } => name,
        other => panic!("not a parameter error: {other}"),
    };
    let cases = [
        (p().n_trees(0), "n_trees"),
        (p().n_trees(oml_trees::MAX_TREES + 1), "n_trees"),
        (p().max_samples(0.0), "max_samples"),
        (p().max_samples(1.5), "max_samples"),
        (p().max_samples(f64::NAN), "max_samples"),
        (p().bootstrap(false).oob_score(true), "oob_score"),
        (p().max_depth(Some(0)), "max_depth"),
        (p().min_samples_leaf(0), "min_samples_leaf"),
        (p().max_features(MaxFeatures::Count(0)), "max_features"),
        (p().n_classes(Some(0)), "n_classes"),
    ];
    for (params, name) in cases {
        assert_eq!(name_of(params.check().unwrap_err()), name);
    }
    assert_eq!(
        RandomForestClassifier::params()
            .n_trees(0)
            .check()
            .unwrap_err()
            .to_string(),
        "invalid parameter n_trees: 0 (allowed: an integer from 1 to 1000000)"
    );
    let regression = RandomForestRegressor::params()
        .criterion(oml_trees::Criterion::Gini)
        .check()
        .unwrap_err();
    assert_eq!(name_of(regression), "criterion");
    // Fitting checks too, and the defaults are scikit-learn's.
    let (x, y) = noisy(8, 20);
    let err = RandomForestClassifier::params()
        .max_samples(2.0)
        .fit(&Dataset::new(x, y))
        .unwrap_err();
    assert_eq!(name_of(err), "max_samples");
    let defaults = RandomForestClassifier::params().check().unwrap();
    assert_eq!(
        (
            defaults.n_trees(),
            defaults.bootstrap(),
            defaults.max_samples(),
            defaults.oob_score(),
            defaults.max_features()
        ),
        (100, true, 1.0, false, MaxFeatures::Sqrt)
    );
    let defaults = RandomForestRegressor::params().check().unwrap();
    assert_eq!(defaults.max_features(), MaxFeatures::All);
}

/// Forests fitted as one family are the forests fitted alone; a family must have members that
/// differ only in their trees' depth limit and leaf size.
#[test]
fn a_family_of_forests_is_the_forests_fitted_alone() {
    use oml_trees::RandomForestValidParams;
    let (x, y) = noisy(3, 300);
    let member = |depth: Option<usize>, leaf: usize| {
        RandomForestClassifier::params()
            .n_trees(6)
            .seed(5)
            .max_depth(depth)
            .min_samples_leaf(leaf)
            .check()
            .unwrap()
    };
    let members = [
        member(None, 1),
        member(Some(2), 1),
        member(None, 7),
        member(Some(4), 3),
    ];
    let family = RandomForestValidParams::fit_family(&members, x.view(), y.view(), None).unwrap();
    for (params, forest) in members.iter().zip(&family) {
        assert_eq!(
            *forest,
            params.fit_records(x.view(), y.view(), None).unwrap()
        );
    }
    assert_ne!(family[0], family[2]);
    let other_seed = RandomForestClassifier::params()
        .n_trees(6)
        .seed(6)
        .check()
        .unwrap();
    for bad in [&[][..], &[members[0].clone(), other_seed][..]] {
        let error = RandomForestValidParams::fit_family(bad, x.view(), y.view(), None);
        assert!(matches!(error, Err(Error::Family(_))), "{error:?}");
    }
}
