//! The boosting loop, as scikit-learn's `BaseHistGradientBoosting.fit`: the validation split
//! (when stopping early), bins from the training rows, the baseline, then per iteration the
//! gradients at the current raw predictions and one tree per class (or one tree), until
//! `max_iter` or until the validation loss stops improving.

use ndarray::{ArrayView1, ArrayView2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::boost::bins::{BinMapper, BinnedFeatures};
use crate::boost::grow::{GrowSettings, Grower, Validation, Workspace};
use crate::boost::histogram::Histogram;
use crate::boost::loss::Loss;
use crate::boost::model::{HistGradientBoostingClassifier, HistGradientBoostingRegressor};
use crate::boost::params::HistGradientBoostingValidParams;
use crate::boost::roots::RootBuffers;
use crate::error::{Error, Result};
use crate::params::{Classification, Regression, TreeKind};
use crate::tree::Tree;

/// What boosting produced: the baseline and trees of every iteration, and the scores seen.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ensemble {
    /// The constant raw prediction of each tree of an iteration.
    pub baseline: Vec<f64>,
    /// One tree per class (or one) per iteration.
    pub trees: Vec<Vec<Tree>>,
    /// With early stopping, minus the mean validation loss before the first iteration and
    /// after each.
    pub validation_scores: Vec<f64>,
}

/// Checks the records and the number of targets.
fn check_inputs(records: ArrayView2<'_, f64>, n_targets: usize) -> Result<()> {
    let rows = records.nrows();
    if rows == 0 {
        return Err(Error::NoRows);
    }
    if n_targets != rows {
        return Err(Error::LengthMismatch {
            what: "targets",
            rows,
            found: n_targets,
        });
    }
    if rows > u32::MAX as usize {
        return Err(Error::TooManyRows {
            rows,
            max: u32::MAX as usize,
        });
    }
    Ok(())
}

/// Fits a classifier; see [`HistGradientBoostingValidParams::fit_records`].
pub(crate) fn fit_classifier(
    params: &HistGradientBoostingValidParams<Classification>,
    records: ArrayView2<'_, f64>,
    targets: ArrayView1<'_, usize>,
) -> Result<HistGradientBoostingClassifier> {
    params.validate()?;
    check_inputs(records, targets.len())?;
    let largest = targets.iter().copied().max().unwrap_or(0);
    let n_classes = params.n_classes().unwrap_or(largest + 1);
    if let Some(row) = targets.iter().position(|&c| c >= n_classes) {
        return Err(Error::LabelOutOfRange {
            row,
            label: targets[row],
            n_classes,
        });
    }
    let mut counts = vec![0usize; n_classes];
    targets.iter().for_each(|&c| counts[c] += 1);
    let classes: Vec<usize> = (0..n_classes).filter(|&c| counts[c] > 0).collect();
    let mut code = vec![0usize; n_classes];
    for (i, &c) in classes.iter().enumerate() {
        code[c] = i;
    }
    let y: Vec<f64> = targets.iter().map(|&c| code[c] as f64).collect();
    let ensemble = match classes.len() {
        1 => None,
        2 => Some(boost(params, records, &y, Loss::Binomial, true)),
        k => Some(boost(params, records, &y, Loss::Multinomial(k), true)),
    };
    Ok(HistGradientBoostingClassifier::new(
        classes,
        n_classes,
        ensemble,
        records.ncols(),
    ))
}

/// Fits a regressor; see [`HistGradientBoostingValidParams::fit_records`].
pub(crate) fn fit_regressor(
    params: &HistGradientBoostingValidParams<Regression>,
    records: ArrayView2<'_, f64>,
    targets: ArrayView1<'_, f64>,
) -> Result<HistGradientBoostingRegressor> {
    params.validate()?;
    check_inputs(records, targets.len())?;
    if let Some(row) = targets.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFiniteTarget {
            row,
            value: targets[row],
        });
    }
    let y = targets.to_vec();
    let ensemble = boost(params, records, &y, Loss::SquaredError, false);
    Ok(HistGradientBoostingRegressor::new(
        ensemble,
        records.ncols(),
    ))
}

/// Boosts `loss` on `records` and targets `y` (real values, or class codes from 0 with every
/// class present).
fn boost<K: TreeKind>(
    params: &HistGradientBoostingValidParams<K>,
    records: ArrayView2<'_, f64>,
    y: &[f64],
    loss: Loss,
    stratify: bool,
) -> Ensemble {
    let n_all = y.len();
    let early = params.early_stopping().resolve(n_all) && n_all >= 2;
    let (train, validation) = if early {
        validation_split(y, params.validation_fraction(), stratify, params.seed())
    } else {
        ((0..n_all).collect(), Vec::new())
    };
    // A stratified split of classes of one row each leaves no validation row: no stopping.
    let early = early && !validation.is_empty();
    let y_train: Vec<f64> = train.iter().map(|&r| y[r]).collect();
    let y_val: Vec<f64> = validation.iter().map(|&r| y[r]).collect();
    let mapper = BinMapper::fit(records, &train, params.max_bins(), params.seed());
    let binned = BinnedFeatures::new(&mapper, records, &train);
    let binned_val = BinnedFeatures::new(&mapper, records, &validation);
    let grower = Grower {
        binned: &binned,
        mapper: &mapper,
        settings: GrowSettings {
            max_leaf_nodes: params.max_leaf_nodes(),
            max_depth: params.max_depth(),
            min_samples_leaf: params.min_samples_leaf(),
            l2_regularization: params.l2_regularization(),
            shrinkage: params.learning_rate(),
            hessians_are_constant: loss.hessians_are_constant(),
        },
    };

    let k = loss.n_trees();
    let n = train.len();
    let baseline = loss.baseline(&y_train);
    let mut raw: Vec<f64> = baseline
        .iter()
        .flat_map(|&b| std::iter::repeat_n(b, n))
        .collect();
    let n_val = validation.len();
    let mut raw_val: Vec<f64> = baseline
        .iter()
        .flat_map(|&b| std::iter::repeat_n(b, n_val))
        .collect();
    let mut validation_scores = Vec::new();
    if early {
        validation_scores.push(-loss.mean(&y_val, &raw_val));
    }
    let mut g = vec![0f32; n * k];
    let mut h = vec![
        if loss.hessians_are_constant() {
            1f32
        } else {
            0f32
        };
        n * k
    ];
    // Workspaces go to whichever tree is grown next, not one per class: k classes on one
    // thread then reuse one set of histograms, still in cache, rather than k sets.
    let workspaces: Mutex<Vec<Workspace>> = Mutex::new(Vec::new());
    let roots_together = grower.builds_roots_together(k);
    let mut root_buffers = RootBuffers::default();
    let mut trees = Vec::new();
    for _ in 0..params.max_iter() {
        loss.gradients(&y_train, &raw, &mut g, &mut h);
        let roots: Vec<Option<Histogram>> = if roots_together {
            let roots = grower.roots(k, &g, &h, &mut root_buffers);
            roots.into_iter().map(Some).collect()
        } else {
            (0..k).map(|_| None).collect()
        };
        // Each tree adds its leaf values to the validation rows' raw predictions as it grows.
        let validations: Vec<Option<Validation<'_>>> = if early {
            let chunks = raw_val.chunks_mut(n_val);
            chunks
                .map(|raw| {
                    Some(Validation {
                        binned: &binned_val,
                        raw,
                    })
                })
                .collect()
        } else {
            (0..k).map(|_| None).collect()
        };
        // The trees of one iteration depend only on the gradients: grown in parallel, each
        // the same on any number of threads.
        let grown: Vec<(Tree, Option<Histogram>)> = raw
            .par_chunks_mut(n)
            .zip(g.par_chunks(n).zip(h.par_chunks(n)))
            .zip(validations.into_par_iter().zip(roots))
            .map(|((raw, (g, h)), (validation, root))| {
                let mut ws = lock(&workspaces).pop().unwrap_or_default();
                let given = root.is_some();
                let tree = grower.grow(g, h, raw, validation, &mut ws, root);
                // The workspace kept the given root's histogram: one goes back for the next
                // iteration's roots.
                let spare = if given { ws.pop_histogram() } else { None };
                lock(&workspaces).push(ws);
                (tree, spare)
            })
            .collect();
        let (grown, spare): (Vec<Tree>, Vec<Option<Histogram>>) = grown.into_iter().unzip();
        root_buffers.spare = spare.into_iter().flatten().collect();
        if early {
            validation_scores.push(-loss.mean(&y_val, &raw_val));
        }
        trees.push(grown);
        if early && should_stop(&validation_scores, params.n_iter_no_change(), params.tol()) {
            break;
        }
    }
    Ensemble {
        baseline,
        trees,
        validation_scores,
    }
}

/// The free workspaces; a panic while one was held (which the fit passes on) leaves them
/// usable.
fn lock(workspaces: &Mutex<Vec<Workspace>>) -> MutexGuard<'_, Vec<Workspace>> {
    workspaces.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether none of the last `n_iter_no_change` scores beats the one before them by more than
/// `tol` (scikit-learn's `_should_stop`).
fn should_stop(scores: &[f64], n_iter_no_change: usize, tol: f64) -> bool {
    let reference = n_iter_no_change + 1;
    if scores.len() < reference {
        return false;
    }
    let bar = scores[scores.len() - reference] + tol;
    !scores[scores.len() - reference + 1..]
        .iter()
        .any(|&s| s > bar)
}

/// Training and validation rows (each in increasing order): `ceil(fraction * n)` validation
/// rows drawn with `seed`, stratified by class (a class keeps at least one training row) when
/// `stratify`, as scikit-learn's `train_test_split`.
pub(crate) fn validation_split(
    y: &[f64],
    fraction: f64,
    stratify: bool,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let n = y.len();
    let n_val = ((fraction * n as f64).ceil() as usize).clamp(1, n - 1);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut in_validation = vec![false; n];
    let mut draw = |rows: &mut Vec<usize>, take: usize, rng: &mut ChaCha8Rng| {
        for i in 0..take {
            let j = oml_math::index_in(rng, i..rows.len());
            rows.swap(i, j);
            in_validation[rows[i]] = true;
        }
    };
    if stratify {
        let k = y.iter().map(|&c| c as usize).max().unwrap_or(0) + 1;
        let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); k];
        for (row, &c) in y.iter().enumerate() {
            by_class[c as usize].push(row);
        }
        // Largest remainders: each class's share of n_val, rounded down, then one more for
        // the classes with the largest fractional parts (ties to the first class).
        let mut take: Vec<usize> = by_class.iter().map(|r| r.len() * n_val / n).collect();
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by_key(|&c| std::cmp::Reverse((by_class[c].len() * n_val) % n));
        let mut left = n_val - take.iter().sum::<usize>();
        for &c in order.iter().cycle().take(k * 2) {
            if left == 0 {
                break;
            }
            if take[c] + 1 < by_class[c].len() {
                take[c] += 1;
                left -= 1;
            }
        }
        for (c, rows) in by_class.iter_mut().enumerate() {
            let t = take[c].min(rows.len().saturating_sub(1));
            draw(rows, t, &mut rng);
        }
    } else {
        let mut rows: Vec<usize> = (0..n).collect();
        draw(&mut rows, n_val, &mut rng);
    }
    (0..n).partition(|&r| !in_validation[r])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boost::params::{EarlyStopping, HistGradientBoostingParams};
    use linfa::ParamGuard;
    use ndarray::{Array2, Axis};

    /// The validation scores of early stopping, whose rows are partitioned as each tree grows,
    /// are bit for bit those of the fitted trees applied to the validation rows afterwards:
    /// with missing values in validation rows, in a feature the training rows miss too and in
    /// one they do not, for one tree per iteration and for several.
    #[test]
    fn validation_rows_reach_the_leaves_the_fitted_trees_send_them_to() {
        let n = 1_200;
        let data = Array2::from_shape_fn((n, 3), |(i, j)| match j {
            0 if i % 13 == 0 => f64::NAN,
            0 => libm::sin(i as f64 * 0.37) * 5.0,
            1 => ((i * 7) % 50) as f64,
            _ => libm::cos(i as f64 * 0.11),
        });
        for classes in [2, 4] {
            let mut x = data.clone();
            let y: Vec<f64> = (0..n)
                .map(|i| {
                    let score = x[[i, 1]] / 10.0 + 2.0 * x[[i, 2]].abs().min(1.0);
                    ((score + (i % 3) as f64 * 0.4) as usize % classes) as f64
                })
                .collect();
            let loss = if classes == 2 {
                Loss::Binomial
            } else {
                Loss::Multinomial(classes)
            };
            let (_, validation) = validation_split(&y, 0.1, true, 0);
            // Feature 2 is missing in validation rows only.
            for &r in &validation[..5] {
                x[[r, 2]] = f64::NAN;
            }
            let params = HistGradientBoostingParams::<Classification>::new()
                .max_iter(15)
                .early_stopping(EarlyStopping::On)
                .n_iter_no_change(100)
                .check()
                .unwrap();
            let ensemble = boost(&params, x.view(), &y, loss, true);
            assert_eq!(params.validation_fraction(), 0.1);
            let x_val = x.select(Axis(0), &validation);
            let y_val: Vec<f64> = validation.iter().map(|&r| y[r]).collect();
            let n_val = validation.len();
            let mut raw: Vec<f64> = ensemble
                .baseline
                .iter()
                .flat_map(|&b| std::iter::repeat_n(b, n_val))
                .collect();
            let mut leaves = vec![0; n_val];
            let mut scores = vec![-loss.mean(&y_val, &raw)];
            for trees in &ensemble.trees {
                for (tree, raw) in trees.iter().zip(raw.chunks_mut(n_val)) {
                    tree.apply_rows(x_val.view(), &mut leaves);
                    for (&leaf, raw) in leaves.iter().zip(raw) {
                        *raw += tree.value(leaf)[0];
                    }
                }
                scores.push(-loss.mean(&y_val, &raw));
            }
            assert_eq!(ensemble.trees.len(), 15);
            let bits = |v: &[f64]| v.iter().map(|s| s.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(&ensemble.validation_scores),
                bits(&scores),
                "{classes} classes"
            );
        }
    }

    /// Fits that leave nothing to build roots from or to validate on: several classes and no
    /// feature (every tree a lone leaf, the class priors), and early stopping on classes of one
    /// row each (no validation row: every iteration runs).
    #[test]
    fn fits_without_features_or_validation_rows_run() {
        let y = [0.0, 1.0, 2.0, 1.0, 0.0, 2.0];
        let params = HistGradientBoostingParams::<Classification>::new()
            .max_iter(3)
            .check()
            .unwrap();
        let none = Array2::<f64>::zeros((y.len(), 0));
        let ensemble = boost(&params, none.view(), &y, Loss::Multinomial(3), true);
        assert_eq!(ensemble.trees.len(), 3);
        assert!(
            ensemble
                .trees
                .iter()
                .flatten()
                .all(|tree| tree.n_leaves() == 1)
        );
        let params = HistGradientBoostingParams::<Classification>::new()
            .max_iter(4)
            .early_stopping(EarlyStopping::On)
            .check()
            .unwrap();
        let x = Array2::from_shape_fn((3, 1), |(i, _)| i as f64);
        let ensemble = boost(
            &params,
            x.view(),
            &[0.0, 1.0, 2.0],
            Loss::Multinomial(3),
            true,
        );
        assert_eq!(ensemble.trees.len(), 4);
        assert!(ensemble.validation_scores.is_empty());
    }

    #[test]
    fn stopping_waits_for_n_iter_no_change_flat_scores() {
        let rising = [-1.0, -0.9, -0.8, -0.7];
        assert!(!should_stop(&rising, 2, 0.0));
        let flat = [-1.0, -0.5, -0.5, -0.5];
        assert!(should_stop(&flat, 2, 0.0));
        assert!(!should_stop(&flat[..3], 2, 0.0));
        // Improvements below tol do not count.
        assert!(should_stop(&[-1.0, -0.99, -0.98], 2, 0.1));
    }

    #[test]
    fn the_validation_split_is_stratified_and_seeded() {
        let y: Vec<f64> = (0..100).map(|i| f64::from(u8::from(i % 4 == 0))).collect();
        let (train, val) = validation_split(&y, 0.1, true, 3);
        assert_eq!((train.len(), val.len()), (90, 10));
        let ones = val.iter().filter(|&&r| y[r] == 1.0).count();
        assert!(ones == 2 || ones == 3, "{ones}");
        assert_eq!(
            validation_split(&y, 0.1, true, 3),
            (train.clone(), val.clone())
        );
        assert_ne!(validation_split(&y, 0.1, true, 4).1, val);
        let (train, val) = validation_split(&y, 0.25, false, 3);
        assert_eq!((train.len(), val.len()), (75, 25));
    }
}
