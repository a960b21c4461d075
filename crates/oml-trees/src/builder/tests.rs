//! The grower against small hand-made cases, and gathered features against sorted ones.

use ndarray::array;

use super::*;
use crate::criterion::{BinaryGini, Entropy, Gini};

/// [`grow`], finding whether the weights are whole.
fn grown<S: Stats, W: Weights>(
    settings: &Settings,
    sorted: &SortedFeatures,
    targets: &[S::Target],
    weights: W,
    n_outputs: usize,
) -> Tree {
    let whole = whole_weights(weights, sorted.n_rows());
    let mut trees = grow::<S, W>(settings, sorted, targets, weights, n_outputs, whole);
    assert_eq!(trees.len(), settings.shapes.len());
    trees.remove(0)
}

fn settings(min_samples_leaf: usize) -> Settings {
    Settings {
        shapes: vec![Shape::new(Some(1), min_samples_leaf)],
        min_samples_split: 2,
        min_impurity_decrease: 0.0,
        max_features: 1,
        seed: 0,
    }
}

#[test]
fn min_samples_leaf_moves_the_threshold() {
    let sorted = SortedFeatures::new(&array![[5.0], [1.0], [2.0], [4.0], [3.0]]).unwrap();
    let labels = [1, 0, 1, 1, 1];
    let root = |msl| grown::<Gini, _>(&settings(msl), &sorted, &labels, Unit, 2).nodes()[0].clone();
    assert_eq!(root(1).split(), Some((0, 1.5)));
    assert_eq!(root(2).split(), Some((0, 2.5)));
    assert_eq!(root(3).split(), None);
}

#[test]
fn rows_of_weight_zero_are_left_out() {
    let sorted = SortedFeatures::new(&array![[1.0], [2.0], [3.0], [4.0]]).unwrap();
    let weights = [1.0, 0.0, 2.0, 0.0];
    let tree = grown::<Gini, _>(&settings(1), &sorted, &[0, 1, 1, 0], &weights[..], 2);
    assert_eq!(tree.nodes()[0].n_samples(), 2);
    assert_eq!(tree.nodes()[0].weighted_n_samples(), 3.0);
    assert_eq!(tree.nodes()[0].split(), Some((0, 2.0)));
    assert_eq!(tree.value(0), [1.0 / 3.0, 2.0 / 3.0]);
}

/// As scikit-learn's splitter, a node draws `max_features` features, constant ones included,
/// and draws on only while all of those are constant: with 2 of 22 features, of which 20 are
/// constant, a stump mostly sees only one of the two that vary, the weak one as often as the
/// strong one. (Drawing on until 2 non-constant features are found would always pick the
/// strong one.)
#[test]
fn constant_features_drawn_count_toward_max_features() {
    let n = 60;
    let x = ndarray::Array2::from_shape_fn((n, 22), |(i, j)| match j {
        0 => i as f64,
        1 => (i % 7) as f64,
        _ => 0.0,
    });
    let labels: Vec<u32> = (0..n).map(|i| u32::from(i >= n / 2)).collect();
    let sorted = SortedFeatures::new(&x).unwrap();
    let mut root_features = [0usize; 2];
    for seed in 0..40 {
        let settings = Settings {
            max_features: 2,
            seed,
            ..settings(1)
        };
        let tree = grown::<Gini, _>(&settings, &sorted, &labels, Unit, 2);
        let (feature, _) = tree.nodes()[0].split().expect("the root splits");
        root_features[feature] += 1;
    }
    // Feature 1 at about half of the roots: at each, unless the first two drawn are the two
    // that vary (P = 1/231), whichever of them is drawn first is the only candidate.
    assert!((10..=30).contains(&root_features[1]), "{root_features:?}");
}

/// A criterion's statistics, with every feature kept sorted (not order-free): the reference
/// the gathered features must match. Everything else is the criterion's own.
#[derive(Debug, Clone)]
struct KeptSorted<S>(S);

impl<S: Stats<Target = u32>> Stats for KeptSorted<S> {
    type Target = u32;
    fn zero(n_outputs: usize) -> Self {
        KeptSorted(S::zero(n_outputs))
    }
    fn clear(&mut self) {
        self.0.clear();
    }
    fn add(&mut self, target: u32, weight: f64) {
        self.0.add(target, weight);
    }
    fn sub(&mut self, target: u32, weight: f64) {
        self.0.sub(target, weight);
    }
    fn set_difference(&mut self, total: &Self, part: &Self) {
        self.0.set_difference(&total.0, &part.0);
    }
    fn bucket_width(n_outputs: usize) -> usize {
        S::bucket_width(n_outputs)
    }
    fn add_to_bucket(bucket: &mut [f64], target: u32, weight: f64) {
        S::add_to_bucket(bucket, target, weight);
    }
    fn add_bucket(&mut self, bucket: &[f64]) {
        self.0.add_bucket(bucket);
    }
    fn weight(&self) -> f64 {
        self.0.weight()
    }
    fn impurity(&self) -> f64 {
        self.0.impurity()
    }
    fn proxy(left: &Self, right: &Self) -> f64 {
        S::proxy(&left.0, &right.0)
    }
    fn may_beat(left: &Self, right: &Self, best: f64) -> bool {
        S::may_beat(&left.0, &right.0, best)
    }
    fn push_value(&self, out: &mut Vec<f64>) {
        self.0.push_value(out);
    }
}

/// A stream of pseudo-random numbers from `seed` (a linear congruential generator).
fn draws(seed: u64) -> impl FnMut() -> usize {
    let mut state = seed;
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    }
}

/// `n` rows of 8 columns and 3 classes, with per-row weights of 0, 1 or 2 (a bootstrap's): two
/// numeric columns of `numeric_levels` values, four one-hot columns with missing values, a column
/// of three values and one of -0, 0 and 1.
fn mixed_columns(n: usize, numeric_levels: usize) -> (ndarray::Array2<f64>, Vec<u32>, Vec<f64>) {
    let mut next = draws(7);
    let x = ndarray::Array2::from_shape_fn((n, 8), |(_, j)| {
        let r = next();
        match j {
            0 | 1 => (r % numeric_levels) as f64 / 10.0,
            2..=5 if r.is_multiple_of(13) => f64::NAN,
            2..=5 => (r % 2) as f64,
            6 => [-1.0, 0.0, 2.5][r % 3],
            _ if r.is_multiple_of(3) => -0.0,
            _ => (r % 2) as f64,
        }
    });
    let cut = numeric_levels as f64 / 20.0;
    let labels: Vec<u32> = (0..n)
        .map(|i| {
            let a = x[[i, 2]].is_nan() || x[[i, 2]] == 1.0;
            (u32::from(a) + u32::from(x[[i, 6]] > 0.0) + u32::from(x[[i, 0]] > cut)) % 3
        })
        .collect();
    let weights: Vec<f64> = (0..n).map(|_| (next() % 3) as f64).collect();
    (x, labels, weights)
}

/// `n` rows of 11 columns and 3 classes, with per-row weights of 0, 1 or 2: a numeric column, the
/// one-hot columns of a nominal feature of 6 levels with missing values (all 6 missing), those
/// of a nominal feature of 3 levels, and an indicator that does not join them.
fn one_hot_columns(n: usize) -> (ndarray::Array2<f64>, Vec<u32>, Vec<f64>) {
    let mut next = draws(11);
    let mut x = ndarray::Array2::zeros((n, 11));
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        x[[i, 0]] = (next() % 500) as f64 / 10.0;
        let six = next() % 7;
        if six == 6 {
            x.slice_mut(ndarray::s![i, 1..7]).fill(f64::NAN);
        } else {
            x[[i, 1 + six]] = 1.0;
        }
        let three = next() % 3;
        x[[i, 7 + three]] = 1.0;
        x[[i, 10]] = (next() % 2) as f64;
        labels.push(((six % 3 + three) as u32 + u32::from(x[[i, 0]] > 30.0)) % 3);
    }
    let weights: Vec<f64> = (0..n).map(|_| (next() % 3) as f64).collect();
    (x, labels, weights)
}

/// [`gathered_features_grow_the_tree_sorted_features_grow`] for one criterion.
fn gathered_matches_sorted<S: Stats<Target = u32>>() {
    // One feature per node: nodes below 84 rows sort the numeric columns themselves.
    let forest = [(3, 1, 0), (2, 3, 1), (5, 1, 2), (1, 1, 5)];
    let (x, labels, weights) = mixed_columns(400, 1000);
    assert!(demand::sort_below(8, 1) > 0 && demand::sort_below(11, 1) > 0);
    let sorted = SortedFeatures::new(&x).unwrap();
    // Columns 2 to 7 have few values, and are gathered.
    assert!((2..8).all(|f| sorted.few_values(f).is_some()));
    same_trees::<S, _>(&sorted, &labels, &weights[..], &forest);
    // One-hot groups: their members' sums come from the group's, at a forest's nodes and at a
    // lone tree's (every feature at every node, which gathers only the groups' members).
    let (x, labels, weights) = one_hot_columns(500);
    let lone = [(11, 1, 3), (11, 4, 4)];
    for first in [1, 0] {
        // With the numeric column moved to the middle, feature 0 is a group's first member
        // (which stays sorted, its block holding each node's rows).
        let order: Vec<usize> = if first == 1 {
            (0..11).collect()
        } else {
            [1, 2, 3, 4, 5, 6, 0, 7, 8, 9, 10].into()
        };
        let x = x.select(ndarray::Axis(1), &order);
        let sorted = SortedFeatures::new(&x).unwrap();
        let groups: Vec<(usize, usize)> =
            sorted.groups().iter().map(|g| (g.first, g.len)).collect();
        assert_eq!(groups, [(first, 6), (7, 3)]);
        same_trees::<S, _>(&sorted, &labels, &weights[..], &forest);
        same_trees::<S, _>(&sorted, &labels, &weights[..], &lone);
        // Every row once (no weights), as a lone tree fits.
        same_trees::<S, _>(&sorted, &labels, Unit, &lone);
    }
}

/// Gathered features against features kept sorted, for each (max_features,
/// min_samples_leaf, seed) of `cases`.
fn same_trees<S: Stats<Target = u32>, W: Weights>(
    sorted: &SortedFeatures,
    labels: &[u32],
    weights: W,
    cases: &[(usize, usize, u64)],
) {
    let p = sorted.n_features();
    for &(max_features, msl, seed) in cases {
        let settings = Settings {
            shapes: vec![Shape::new(None, msl)],
            min_samples_split: 2,
            min_impurity_decrease: 0.0,
            max_features,
            seed,
        };
        let gathered = grown::<S, _>(&settings, sorted, labels, weights, 3);
        let reference = grown::<KeptSorted<S>, _>(&settings, sorted, labels, weights, 3);
        assert!(gathered.nodes().len() > 20, "{}", gathered.nodes().len());
        // The builder's rule: few values, not feature 0, and, where every feature is scanned,
        // in a group.
        let gathered_column = |f: usize| {
            f > 0
                && sorted.few_values(f).is_some()
                && (max_features < p || sorted.group_of(f).is_some())
        };
        assert!(
            gathered
                .nodes()
                .iter()
                .any(|node| node.split().is_some_and(|(f, _)| gathered_column(f))),
            "a gathered column is split on"
        );
        assert_eq!(
            gathered, reference,
            "max_features {max_features}, min_samples_leaf {msl}, seed {seed}"
        );
    }
}

/// A forest's tree (some features per node, bootstrap weights) on numeric columns, indicator
/// columns with missing values, columns of three values and one-hot groups: the columns of few
/// values, gathered by value (or by group) at each node, give the tree that keeping them sorted
/// gives, under either classification criterion.
#[test]
fn gathered_features_grow_the_tree_sorted_features_grow() {
    gathered_matches_sorted::<Gini>();
    gathered_matches_sorted::<Entropy>();
}

/// Two classes with whole weights: [`BinaryGini`] (two numbers, squares computed where read)
/// grows the very tree [`Gini`] (class counts and a running sum of squares) grows, nodes,
/// thresholds and values, on sorted, gathered and one-hot columns, with bootstrap weights and
/// without.
#[test]
fn binary_gini_grows_the_tree_gini_grows() {
    let cases = [(3, 1, 0), (2, 3, 1), (8, 1, 2), (11, 2, 3)];
    for (x, labels, weights) in [mixed_columns(400, 1000), one_hot_columns(500)] {
        let labels: Vec<u32> = labels.iter().map(|l| l % 2).collect();
        assert!(labels.contains(&0) && labels.contains(&1));
        let sorted = SortedFeatures::new(&x).unwrap();
        for &(max_features, msl, seed) in &cases {
            let settings = Settings {
                shapes: vec![Shape::new(None, msl)],
                min_samples_split: 2,
                min_impurity_decrease: 0.0,
                max_features: max_features.min(x.ncols()),
                seed,
            };
            let binary = grown::<BinaryGini, _>(&settings, &sorted, &labels, &weights[..], 2);
            let gini = grown::<Gini, _>(&settings, &sorted, &labels, &weights[..], 2);
            assert!(binary.nodes().len() > 20, "{}", binary.nodes().len());
            assert_eq!(binary, gini, "{max_features} {msl} {seed}, weighted");
            let binary = grown::<BinaryGini, _>(&settings, &sorted, &labels, Unit, 2);
            let gini = grown::<Gini, _>(&settings, &sorted, &labels, Unit, 2);
            assert_eq!(binary, gini, "{max_features} {msl} {seed}, unweighted");
        }
    }
}

/// Weights are whole (so [`BinaryGini`] and gathering apply) when every one is a whole number
/// and they total at most 2^26; a fraction, NaN, infinity or a larger total is not.
#[test]
fn whole_weights_are_whole_numbers_of_small_total() {
    assert!(whole_weights(Unit, 10));
    assert!(whole_weights(&[0.0, 1.0, 3.0][..], 3));
    for bad in [[1.0, 0.5], [1.0, f64::NAN], [1.0, f64::INFINITY]] {
        assert!(!whole_weights(&bad[..], 2), "{bad:?}");
    }
    let limit = (1u64 << 26) as f64;
    assert!(whole_weights(&[limit - 1.0, 1.0][..], 2));
    assert!(!whole_weights(&[limit, 1.0][..], 2));
}

#[test]
fn non_missing_counts_leading_numbers() {
    assert_eq!(non_missing(&[1.0, 2.0, f64::NAN, f64::NAN]), 2);
    assert_eq!(non_missing(&[f64::NAN]), 0);
    assert_eq!(non_missing(&[]), 0);
}

/// Each tree of a family is the tree grown alone with its shape: over depth limits and leaf
/// sizes that make the trees part ways below shared nodes, on sorted, gathered, one-hot and
/// on-demand columns, with bootstrap weights and without, for every statistics.
#[test]
fn a_family_grows_the_trees_grown_alone() {
    let shapes = [
        Shape::new(None, 1),
        Shape::new(Some(3), 1),
        Shape::new(None, 9),
        Shape::new(Some(6), 4),
        Shape::new(None, 4),
        Shape::new(Some(2), 30),
        Shape::new(None, 2),
        Shape::new(None, 9),
    ];
    for (x, labels, weights) in [mixed_columns(400, 1000), one_hot_columns(500)] {
        let sorted = SortedFeatures::new(&x).unwrap();
        // Some noise, for deep trees whose leaf sizes matter.
        let labels: Vec<u32> = (0..labels.len())
            .map(|i| (labels[i] + u32::from(i * 7 % 5 == 0)) % 3)
            .collect();
        let binary: Vec<u32> = labels.iter().map(|l| l % 2).collect();
        let values: Vec<f64> = labels.iter().map(|&l| f64::from(l) * 1.5).collect();
        for (max_features, seed) in [(1, 0), (3, 1), (x.ncols(), 2)] {
            let settings = Settings {
                shapes: shapes.to_vec(),
                min_samples_split: 2,
                min_impurity_decrease: 0.0,
                max_features,
                seed,
            };
            let w = &weights[..];
            same_as_alone::<Gini, _>(&settings, &sorted, &labels, w, 3);
            same_as_alone::<Entropy, _>(&settings, &sorted, &labels, Unit, 3);
            same_as_alone::<BinaryGini, _>(&settings, &sorted, &binary, w, 2);
            same_as_alone::<crate::criterion::SquaredError, _>(&settings, &sorted, &values, w, 1);
        }
    }
}

/// Grows the family of `settings` and each of its shapes alone, and compares.
fn same_as_alone<S: Stats, W: Weights>(
    settings: &Settings,
    sorted: &SortedFeatures,
    targets: &[S::Target],
    weights: W,
    n_outputs: usize,
) {
    let whole = whole_weights(weights, sorted.n_rows());
    let family = grow::<S, W>(settings, sorted, targets, weights, n_outputs, whole);
    for (shape, tree) in settings.shapes.iter().zip(&family) {
        let alone = Settings {
            shapes: vec![*shape],
            ..settings.clone()
        };
        let lone = grow::<S, W>(&alone, sorted, targets, weights, n_outputs, whole).remove(0);
        assert_eq!(
            *tree, lone,
            "{shape:?}, max_features {}",
            settings.max_features
        );
    }
    // The trees part ways: the deepest of leaf size 1 has more nodes than that of leaf size 9.
    let (a, b) = (&family[0], &family[2]);
    assert!(
        a.nodes().len() > b.nodes().len() + 10,
        "{} {}",
        a.nodes().len(),
        b.nodes().len()
    );
}
