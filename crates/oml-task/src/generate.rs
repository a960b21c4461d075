//! Splits generated from a seed, for tasks that have no split file (local datasets) or to
//! compare with the server's.
//!
//! The splits follow the server's semantics (specification §3.3) but not its random numbers:
//! the server shuffles with `java.util.Random`, oml with ChaCha8, so the same seed gives other
//! folds than OpenML's files.

use std::collections::BTreeMap;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::procedure::{Resampling, learning_curve_samples, learning_curve_size};
use crate::splits::{SplitUnit, Splits};
use crate::{Error, Result};

/// The most rows leave-one-out splits are generated for: n² row ids, 400 million (1.6 GB) here.
pub const MAX_LEAVE_ONE_OUT_ROWS: usize = 20_000;

/// Generates the splits of `resampling` for a dataset of `n_rows` rows, named `name` (the
/// relation of the split file, e.g. `dataset_1_anneal_splits`).
///
/// `classes` holds the class of each row (any numbering) and is used when `resampling` asks
/// for stratification; without it, stratification is skipped (regression targets).
///
/// The result depends only on the arguments: repeat `r` draws from stream `r` of a ChaCha8
/// generator keyed by `seed`, so a repeat never depends on another, and nothing runs in
/// parallel. Shuffling uses its own Fisher–Yates on ChaCha8's `next_u64`, whose values
/// rand_chacha keeps stable, so the splits do not change with rand's algorithms either.
///
/// - **Cross-validation**: each repeat shuffles the rows. Unstratified, the folds are
///   contiguous chunks of the shuffled order, the first `n_rows % folds` one row larger.
///   Stratified, the shuffled rows are grouped by class (classes in increasing order, the
///   shuffled order within a class) and dealt round-robin over the folds, the deal continuing
///   from one class to the next: fold sizes differ by at most one row, and so do the counts of
///   each class. Fold 0 is always a largest test fold.
/// - **Holdout**: fold 0 only; the test set is `round(n_rows * percentage / 100)` rows, the
///   first ones of the shuffled order, or, stratified, the first `t_c` of each class, where
///   the `t_c` are the class shares of the test size rounded by largest remainder (ties to the
///   smaller class) so that they add up to the test size.
/// - **Leave-one-out**: repeat 0, fold `f` tests row `f`; no randomness.
/// - **Learning curve**: cross-validation as above (the same folds and orders as
///   [`Resampling::CrossValidation`] with the same seed), then
///   [`learning_curve_samples`] of the training size of repeat 0, fold 0 samples per fold
///   (that fold is a largest test fold, so it has the smallest training set); sample `s`
///   trains on the first [`learning_curve_size`]`(s, len)` rows of the fold's training list,
///   the last sample on all of it, and tests on the whole test fold. Stratified, the training
///   list is first ordered so that every prefix keeps each class's share within one row.
///
/// Within every train and test list rows keep the repeat's shuffled order (leave-one-out:
/// increasing row ids), so learning-curve prefixes are random subsets.
///
/// Fails with [`Error::Invalid`] for an empty dataset, a `classes` of the wrong length, no
/// repeats, fewer than 2 or more than `n_rows` folds, a percentage outside (0, 100) or one
/// that leaves the train or the test set empty.
pub fn generate(
    resampling: &Resampling,
    n_rows: usize,
    classes: Option<&[usize]>,
    seed: u64,
    name: &str,
) -> Result<Splits> {
    if n_rows == 0 {
        return Err(invalid(
            "cannot make splits of a dataset without rows".into(),
        ));
    }
    let Ok(n) = u32::try_from(n_rows) else {
        return Err(invalid(format!(
            "cannot make splits of {n_rows} rows: row ids must fit in 32 bits"
        )));
    };
    if let Some(classes) = classes
        && classes.len() != n_rows
    {
        return Err(invalid(format!(
            "{} classes given for a dataset of {n_rows} rows",
            classes.len()
        )));
    }
    check_size(resampling, n_rows)?;
    let mut units = Vec::new();
    match *resampling {
        Resampling::CrossValidation {
            repeats,
            folds,
            stratified,
        }
        | Resampling::LearningCurve {
            repeats,
            folds,
            stratified,
        } => {
            check_repeats(repeats)?;
            check_folds(folds, n)?;
            let curve = matches!(resampling, Resampling::LearningCurve { .. });
            let classes = classes.filter(|_| stratified);
            // Cross-validation is a learning curve of one sample: the whole training fold.
            let mut samples = 1;
            for repeat in 0..repeats {
                let cv = cross_validation(&mut repeat_rng(seed, repeat), n, folds, classes);
                if curve && repeat == 0 {
                    samples = learning_curve_samples(cv[0].0.len());
                }
                for (fold, (mut train, test)) in (0..).zip(cv) {
                    if let (true, Some(classes)) = (curve, classes) {
                        interleave_classes(&mut train, classes);
                    }
                    for sample in 0..samples {
                        let len = if sample + 1 == samples {
                            train.len()
                        } else {
                            learning_curve_size(sample, train.len())
                        };
                        units.push(unit(
                            repeat,
                            fold,
                            sample,
                            train[..len].to_vec(),
                            test.clone(),
                        ));
                    }
                }
            }
        }
        Resampling::Holdout {
            repeats,
            percentage,
            stratified,
        } => {
            check_repeats(repeats)?;
            if !(percentage > 0.0 && percentage < 100.0) {
                return Err(invalid(format!(
                    "holdout percentage {percentage} is not between 0 and 100"
                )));
            }
            let n_test = (n_rows as f64 * percentage / 100.0).round() as usize;
            if n_test == 0 || n_test == n_rows {
                let empty = if n_test == 0 { "test" } else { "training" };
                return Err(invalid(format!(
                    "a {percentage}% holdout of {n_rows} rows leaves the {empty} set empty"
                )));
            }
            let classes = classes.filter(|_| stratified);
            for repeat in 0..repeats {
                let (train, test) = holdout(&mut repeat_rng(seed, repeat), n, n_test, classes);
                units.push(unit(repeat, 0, 0, train, test));
            }
        }
        Resampling::LeaveOneOut => {
            if n_rows > MAX_LEAVE_ONE_OUT_ROWS {
                return Err(invalid(format!(
                    "leave-one-out on {n_rows} rows would hold {n_rows}² row ids (as OpenML's split files \
                     do); above {MAX_LEAVE_ONE_OUT_ROWS} rows use cross-validation, e.g. `cv:10`"
                )));
            }
            if n < 2 {
                return Err(invalid(
                    "leave-one-out needs at least 2 rows, or the training set is empty".into(),
                ));
            }
            for fold in 0..n {
                let train = (0..n).filter(|&row| row != fold).collect();
                units.push(unit(0, fold, 0, train, vec![fold]));
            }
        }
    }
    Splits::new(name, units)
}

fn invalid(message: String) -> Error {
    Error::Invalid(message)
}

/// The most row ids the splits of one task may hold, train and test lists of every unit
/// together: 2^30 (4 GiB of ids). A repeat count that would go past it is refused before any
/// split is made.
pub const MAX_SPLIT_ROW_IDS: u64 = 1 << 30;

/// Refuses splits that would hold more than [`MAX_SPLIT_ROW_IDS`] row ids.
fn check_size(resampling: &Resampling, n_rows: usize) -> Result<()> {
    let n = n_rows as u128;
    let ids = match *resampling {
        Resampling::CrossValidation { repeats, folds, .. } => {
            u128::from(repeats) * u128::from(folds) * n
        }
        Resampling::LearningCurve { repeats, folds, .. } => {
            u128::from(repeats) * u128::from(folds) * n * u128::from(learning_curve_samples(n_rows))
        }
        Resampling::Holdout { repeats, .. } => u128::from(repeats) * n,
        // Checked with its own, smaller limit.
        Resampling::LeaveOneOut => return Ok(()),
    };
    if ids > u128::from(MAX_SPLIT_ROW_IDS) {
        return Err(invalid(format!(
            "`{resampling}` on {n_rows} rows would hold {ids} row ids in its splits, more than \
             oml's limit of {MAX_SPLIT_ROW_IDS}: use fewer repeats or folds"
        )));
    }
    Ok(())
}

fn check_repeats(repeats: u32) -> Result<()> {
    if repeats == 0 {
        return Err(invalid("the number of repeats must be at least 1".into()));
    }
    Ok(())
}

fn check_folds(folds: u32, n: u32) -> Result<()> {
    if folds < 2 {
        return Err(invalid(format!(
            "cross-validation needs at least 2 folds, not {folds}"
        )));
    }
    if folds > n {
        return Err(invalid(format!(
            "cannot make {folds} folds of {n} rows: every fold needs a test row"
        )));
    }
    Ok(())
}

fn unit(repeat: u32, fold: u32, sample: u32, train: Vec<u32>, test: Vec<u32>) -> SplitUnit {
    SplitUnit {
        repeat,
        fold,
        sample,
        train,
        test,
    }
}

/// Stream `repeat` of the ChaCha8 generator keyed by `seed`.
fn repeat_rng(seed: u64, repeat: u32) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::from(repeat));
    rng
}

/// A uniform integer in `0..bound` (`bound > 0`): Lemire's multiply-shift with rejection.
fn below(rng: &mut ChaCha8Rng, bound: u64) -> u64 {
    let threshold = bound.wrapping_neg() % bound;
    loop {
        let product = u128::from(rng.next_u64()) * u128::from(bound);
        if product as u64 >= threshold {
            return (product >> 64) as u64;
        }
    }
}

/// `0..n` in a uniformly random order (Fisher–Yates).
fn shuffled(rng: &mut ChaCha8Rng, n: u32) -> Vec<u32> {
    let mut rows: Vec<u32> = (0..n).collect();
    for i in (1..rows.len()).rev() {
        let j = below(rng, i as u64 + 1) as usize;
        rows.swap(i, j);
    }
    rows
}

/// One repeat of cross-validation: (train, test) per fold, both in shuffled order.
fn cross_validation(
    rng: &mut ChaCha8Rng,
    n: u32,
    folds: u32,
    classes: Option<&[usize]>,
) -> Vec<(Vec<u32>, Vec<u32>)> {
    let order = shuffled(rng, n);
    let mut fold_of = vec![0u32; n as usize];
    match classes {
        Some(classes) => {
            let mut by_class = order.clone();
            by_class.sort_by_key(|&row| classes[row as usize]); // stable: shuffled within class
            for (i, &row) in (0u32..).zip(&by_class) {
                fold_of[row as usize] = i % folds;
            }
        }
        None => {
            let (base, extra) = (n / folds, n % folds);
            let mut position = order.iter();
            for fold in 0..folds {
                let size = base + u32::from(fold < extra);
                for &row in position.by_ref().take(size as usize) {
                    fold_of[row as usize] = fold;
                }
            }
        }
    }
    (0..folds)
        .map(|fold| {
            order
                .iter()
                .partition::<Vec<u32>, _>(|&&row| fold_of[row as usize] != fold)
        })
        .collect()
}

/// One holdout repeat: (train, test) in shuffled order, with `n_test` test rows.
fn holdout(
    rng: &mut ChaCha8Rng,
    n: u32,
    n_test: usize,
    classes: Option<&[usize]>,
) -> (Vec<u32>, Vec<u32>) {
    let order = shuffled(rng, n);
    let Some(classes) = classes else {
        let (test, train) = order.split_at(n_test);
        return (train.to_vec(), test.to_vec());
    };
    let mut counts: BTreeMap<usize, u64> = BTreeMap::new();
    for &class in classes {
        *counts.entry(class).or_default() += 1;
    }
    // Largest remainder: floor of each class's share, then one more for the largest
    // remainders (ties to the smaller class) until the total is n_test.
    let n = u128::from(n);
    let mut quota: BTreeMap<usize, u64> = BTreeMap::new();
    let mut remainders = Vec::with_capacity(counts.len());
    let mut assigned = 0u64;
    for (&class, &count) in &counts {
        let share = u128::from(count) * n_test as u128;
        quota.insert(class, (share / n) as u64);
        assigned += (share / n) as u64;
        remainders.push((share % n, class));
    }
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, class) in remainders.iter().take(n_test - assigned as usize) {
        *quota.get_mut(&class).expect("every class has a quota") += 1;
    }
    order.iter().partition(|&&row| {
        let left = quota
            .get_mut(&classes[row as usize])
            .expect("every class has a quota");
        if *left == 0 {
            true
        } else {
            *left -= 1;
            false
        }
    })
}

/// Orders a training fold so that every prefix keeps each class's share within one row: the
/// k-th row of a class with c rows goes to position (k + 1/2) / c of the list, ties by class.
/// The order within a class (the shuffle) is kept, so prefixes stay random within classes.
fn interleave_classes(train: &mut [u32], classes: &[usize]) {
    let n_classes = train
        .iter()
        .map(|&r| classes[r as usize] + 1)
        .max()
        .unwrap_or(0);
    let mut total = vec![0usize; n_classes];
    for &row in train.iter() {
        total[classes[row as usize]] += 1;
    }
    let mut seen = vec![0usize; n_classes];
    let mut keyed: Vec<(f64, usize, u32)> = train
        .iter()
        .map(|&row| {
            let class = classes[row as usize];
            let k = seen[class];
            seen[class] += 1;
            ((k as f64 + 0.5) / total[class] as f64, class, row)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (slot, (_, _, row)) in train.iter_mut().zip(keyed) {
        *slot = row;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cv(repeats: u32, folds: u32, stratified: bool) -> Resampling {
        Resampling::CrossValidation {
            repeats,
            folds,
            stratified,
        }
    }

    fn tests_of(splits: &Splits) -> Vec<Vec<u32>> {
        splits.units().iter().map(|u| u.test.clone()).collect()
    }

    #[test]
    fn ten_rows_five_folds() {
        let splits = generate(&cv(1, 5, false), 10, None, 0, "s").unwrap();
        assert_eq!(
            (splits.n_repeats(), splits.n_folds(), splits.n_samples()),
            (1, 5, 1)
        );
        for unit in splits.units() {
            assert_eq!((unit.train.len(), unit.test.len()), (8, 2));
        }
        splits.validate(10, true).unwrap();
        // Pins the random stream: these folds must never change for seed 0.
        assert_eq!(tests_of(&splits), [[6, 1], [8, 3], [2, 9], [0, 5], [4, 7]]);
        let unit = &splits.units()[0];
        assert_eq!(unit.train, [8, 3, 2, 9, 0, 5, 4, 7]);
    }

    #[test]
    fn uneven_folds_are_larger_first() {
        let splits = generate(&cv(1, 3, false), 11, None, 7, "s").unwrap();
        let sizes: Vec<usize> = splits.units().iter().map(|u| u.test.len()).collect();
        assert_eq!(sizes, [4, 4, 3]);
    }

    #[test]
    fn stratified_folds_keep_class_counts() {
        let classes = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
        let splits = generate(&cv(2, 2, true), 10, Some(&classes), 3, "s").unwrap();
        splits.validate(10, true).unwrap();
        for unit in splits.units() {
            let ones = unit
                .test
                .iter()
                .filter(|&&r| classes[r as usize] == 1)
                .count();
            assert_eq!((unit.test.len(), ones), (5, 2), "{unit:?}");
        }
        // Repeats are different shuffles.
        assert_ne!(splits.units()[0].test, splits.units()[2].test);
    }

    #[test]
    fn holdout_33_percent_of_9_rows() {
        let holdout = Resampling::Holdout {
            repeats: 2,
            percentage: 33.0,
            stratified: false,
        };
        let splits = generate(&holdout, 9, None, 1, "s").unwrap();
        assert_eq!(
            (splits.n_repeats(), splits.n_folds(), splits.n_samples()),
            (2, 1, 1)
        );
        for unit in splits.units() {
            assert_eq!((unit.train.len(), unit.test.len()), (6, 3));
        }
    }

    #[test]
    fn stratified_holdout_rounds_by_largest_remainder() {
        // 5, 3 and 2 rows; 50% → shares 2.5, 1.5, 1 → 3, 1, 1 (tie to the smaller class).
        let classes = [2, 0, 1, 0, 2, 0, 0, 1, 1, 0];
        let holdout = Resampling::Holdout {
            repeats: 1,
            percentage: 50.0,
            stratified: true,
        };
        let splits = generate(&holdout, 10, Some(&classes), 5, "s").unwrap();
        let unit = &splits.units()[0];
        let count = |c| {
            unit.test
                .iter()
                .filter(|&&r| classes[r as usize] == c)
                .count()
        };
        assert_eq!((count(0), count(1), count(2)), (3, 1, 1));
        assert_eq!(unit.train.len(), 5);
    }

    #[test]
    fn holdout_sizes_round_half_away_from_zero() {
        for (n, percentage, expected) in [(150, 33.0, 50), (5, 10.0, 1), (9, 33.0, 3), (7, 50.0, 4)]
        {
            let holdout = Resampling::Holdout {
                repeats: 1,
                percentage,
                stratified: false,
            };
            let splits = generate(&holdout, n, None, 0, "h").unwrap();
            assert_eq!(
                splits.units()[0].test.len(),
                expected,
                "{percentage}% of {n}"
            );
        }
    }

    #[test]
    fn leave_one_out_refuses_what_would_not_fit_in_memory() {
        let err = generate(&Resampling::LeaveOneOut, 20_001, None, 0, "big").unwrap_err();
        assert!(err.to_string().contains("cv:10"), "{err}");
    }

    #[test]
    fn leave_one_out() {
        let splits = generate(&Resampling::LeaveOneOut, 3, None, 9, "s").unwrap();
        let units: Vec<(Vec<u32>, Vec<u32>)> = splits
            .units()
            .iter()
            .map(|u| (u.train.clone(), u.test.clone()))
            .collect();
        assert_eq!(
            units,
            [
                (vec![1, 2], vec![0]),
                (vec![0, 2], vec![1]),
                (vec![0, 1], vec![2])
            ]
        );
    }

    #[test]
    fn learning_curve_samples_are_prefixes() {
        let lc = Resampling::LearningCurve {
            repeats: 1,
            folds: 2,
            stratified: false,
        };
        let splits = generate(&lc, 201, None, 4, "s").unwrap();
        // Fold 0 trains on 100 rows: 64, 91, 100. Fold 1 trains on 101 and ends with all 101.
        assert_eq!(splits.n_samples(), 3);
        let sizes: Vec<usize> = splits.units().iter().map(|u| u.train.len()).collect();
        assert_eq!(sizes, [64, 91, 100, 64, 91, 101]);
        let plain = generate(&cv(1, 2, false), 201, None, 4, "s").unwrap();
        for fold in 0..2 {
            let full = plain.get(0, fold, 0).unwrap();
            for sample in 0..3 {
                let unit = splits.get(0, fold, sample).unwrap();
                assert!(full.train.starts_with(&unit.train));
                assert_eq!(unit.test, full.test);
            }
        }
    }

    #[test]
    fn bad_parameters_are_invalid() {
        let cases = [
            (
                cv(1, 1, false),
                10,
                "cross-validation needs at least 2 folds, not 1",
            ),
            (
                cv(1, 11, false),
                10,
                "cannot make 11 folds of 10 rows: every fold needs a test row",
            ),
            (
                cv(0, 2, false),
                10,
                "the number of repeats must be at least 1",
            ),
            (
                Resampling::Holdout {
                    repeats: 1,
                    percentage: 100.0,
                    stratified: false,
                },
                10,
                "holdout percentage 100 is not between 0 and 100",
            ),
            (
                Resampling::Holdout {
                    repeats: 1,
                    percentage: 4.0,
                    stratified: false,
                },
                10,
                "a 4% holdout of 10 rows leaves the test set empty",
            ),
            (
                Resampling::Holdout {
                    repeats: 1,
                    percentage: 96.0,
                    stratified: false,
                },
                10,
                "a 96% holdout of 10 rows leaves the training set empty",
            ),
            (
                cv(1, 2, false),
                0,
                "cannot make splits of a dataset without rows",
            ),
            (
                Resampling::LeaveOneOut,
                1,
                "leave-one-out needs at least 2 rows, or the training set is empty",
            ),
        ];
        for (resampling, n, expected) in cases {
            let err = generate(&resampling, n, None, 0, "s").unwrap_err();
            assert!(matches!(err, Error::Invalid(_)));
            assert_eq!(err.to_string(), expected);
        }
        let err = generate(&cv(1, 2, true), 3, Some(&[0, 1]), 0, "s").unwrap_err();
        assert_eq!(err.to_string(), "2 classes given for a dataset of 3 rows");
    }
}
