//! Statistical tests for comparing flows (algorithms) by their evaluation scores.
//!
//! Two settings are covered:
//!
//! - **Two flows on one task.** [`corrected_resampled_t_test`] compares their scores per
//!   (repeat, fold) with Nadeau and Bengio's corrected resampled t-test (C. Nadeau and Y. Bengio,
//!   "Inference for the Generalization Error", Machine Learning 52, 2003), which inflates the
//!   variance to account for the overlap of training sets between folds.
//! - **Several flows on several datasets.** [`friedman`] ranks the flows per dataset
//!   ([`rank_row`]) and tests whether their average ranks differ, with the Iman-Davenport
//!   correction; [`nemenyi_q`], [`critical_difference`] and [`nemenyi_groups`] give Nemenyi's
//!   post-hoc test and the groups drawn as bars in a critical-difference diagram (J. Demšar,
//!   "Statistical Comparisons of Classifiers over Multiple Data Sets", JMLR 7, 2006).
//!
//! This module only computes; it reads no runs and draws nothing. Bad input is reported as a
//! [`StatsError`], never as a panic.
//!
//! ```
//! use oml_report::stats::{critical_difference, friedman, nemenyi_groups};
//!
//! // Three datasets (rows) by three flows (columns), accuracy: higher is better.
//! let scores = vec![
//!     vec![0.90, 0.85, 0.80],
//!     vec![0.70, 0.72, 0.60],
//!     vec![0.95, 0.90, 0.91],
//! ];
//! let test = friedman(&scores, true).unwrap();
//! assert_eq!(test.average_ranks, vec![4.0 / 3.0, 2.0, 8.0 / 3.0]);
//! let cd = critical_difference(test.n_algorithms, test.n_datasets, 0.05).unwrap();
//! let groups = nemenyi_groups(&test.average_ranks, cd);
//! assert_eq!(groups, vec![vec![0, 1, 2]]);
//! ```

use std::cmp::Ordering;
use std::f64::consts::{PI, SQRT_2};

use statrs::distribution::{ChiSquared, ContinuousCDF, FisherSnedecor, StudentsT};
use statrs::function::erf::erfc;

/// Largest number of algorithms [`nemenyi_q`] supports.
pub const NEMENYI_MAX_ALGORITHMS: usize = 50;

/// What is wrong with the input of a statistical test.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StatsError {
    /// The two score series of a paired test differ in length.
    #[error("paired scores differ in length: a has {a} scores, b has {b}")]
    LengthMismatch {
        /// Number of scores in `a`.
        a: usize,
        /// Number of scores in `b`.
        b: usize,
    },
    /// A paired test got fewer than two pairs.
    #[error("paired test needs at least 2 pairs of scores, found {found}")]
    TooFewPairs {
        /// Number of pairs given.
        found: usize,
    },
    /// A score of a paired test is NaN or infinite.
    #[error("score series {series}, index {index}: non-finite score {value}")]
    NonFiniteScore {
        /// Which series: `"a"` or `"b"`.
        series: &'static str,
        /// Index of the score, from 0.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// The difference `a - b` of two finite scores overflows.
    #[error("index {index}: difference of scores {a} - {b} overflows")]
    DifferenceOverflow {
        /// Index of the pair, from 0.
        index: usize,
        /// Score in `a`.
        a: f64,
        /// Score in `b`.
        b: f64,
    },
    /// The test/train size ratio is not a finite positive number.
    #[error("test/train ratio must be finite and positive, found {ratio}")]
    InvalidRatio {
        /// The offending ratio.
        ratio: f64,
    },
    /// Too few datasets (rows) for a test across datasets.
    #[error("need at least {min} datasets, found {found}")]
    TooFewDatasets {
        /// Number of datasets given.
        found: usize,
        /// Smallest number accepted.
        min: usize,
    },
    /// Too few algorithms (columns) for a test across algorithms.
    #[error("need at least {min} algorithms, found {found}")]
    TooFewAlgorithms {
        /// Number of algorithms given.
        found: usize,
        /// Smallest number accepted.
        min: usize,
    },
    /// The number of algorithms is outside the supported range.
    #[error("number of algorithms must be in {min}..={max}, found {found}")]
    AlgorithmCountOutOfRange {
        /// Number of algorithms given.
        found: usize,
        /// Smallest number supported.
        min: usize,
        /// Largest number supported.
        max: usize,
    },
    /// A row of a score table has another length than the first row.
    #[error("row {row}: found {found} scores, but row 0 has {expected}")]
    RaggedRow {
        /// Index of the row, from 0.
        row: usize,
        /// Length of row 0.
        expected: usize,
        /// Length of this row.
        found: usize,
    },
    /// A cell of a score table is NaN or infinite.
    #[error("row {row}, column {column}: non-finite score {value}")]
    NonFiniteCell {
        /// Index of the row (dataset), from 0.
        row: usize,
        /// Index of the column (algorithm), from 0.
        column: usize,
        /// The offending value.
        value: f64,
    },
    /// The significance level is not strictly between 0 and 1.
    #[error("significance level alpha must lie strictly between 0 and 1, found {alpha}")]
    InvalidAlpha {
        /// The offending level.
        alpha: f64,
    },
}

/// Nadeau and Bengio's corrected resampled t-test of two flows' scores on the same splits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CorrectedTTest {
    /// Mean of the differences `a - b`; positive when `a` scores higher.
    pub mean_difference: f64,
    /// The corrected t statistic; `±inf` when the differences are constant and non-zero.
    pub t: f64,
    /// Degrees of freedom, `n - 1`.
    pub df: f64,
    /// Two-sided p-value of `t` under Student's t distribution with `df` degrees of freedom.
    pub p_value: f64,
}

/// Runs Nadeau and Bengio's corrected resampled t-test on paired scores.
///
/// `a` and `b`: the two flows' scores per (repeat, fold) on the same splits, same order, equal
/// length n >= 2. `test_train_ratio`: n_test / n_train of one fold (1/(k-1) for k-fold CV).
///
/// With `d = a - b`, `t = mean(d) / sqrt((1/n + test_train_ratio) * var(d))`, where the
/// variance divides by `n - 1`, and `df = n - 1`. As the ratio goes to 0 this becomes the
/// ordinary paired t statistic, which is too liberal on overlapping training sets.
///
/// If all differences are equal (zero variance), `t = 0` and `p = 1` when they are 0, else
/// `t = ±inf` and `p = 0`.
///
/// # Errors
///
/// Unequal lengths, fewer than two pairs, a non-finite score, a difference that overflows, or a
/// ratio that is not finite and positive.
pub fn corrected_resampled_t_test(
    a: &[f64],
    b: &[f64],
    test_train_ratio: f64,
) -> Result<CorrectedTTest, StatsError> {
    if a.len() != b.len() {
        return Err(StatsError::LengthMismatch {
            a: a.len(),
            b: b.len(),
        });
    }
    let n = a.len();
    if n < 2 {
        return Err(StatsError::TooFewPairs { found: n });
    }
    for (series, scores) in [("a", a), ("b", b)] {
        if let Some((index, &value)) = scores.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(StatsError::NonFiniteScore {
                series,
                index,
                value,
            });
        }
    }
    if !(test_train_ratio.is_finite() && test_train_ratio > 0.0) {
        return Err(StatsError::InvalidRatio {
            ratio: test_train_ratio,
        });
    }
    let mut differences = Vec::with_capacity(n);
    for (index, (&x, &y)) in a.iter().zip(b).enumerate() {
        let d = x - y;
        if !d.is_finite() {
            return Err(StatsError::DifferenceOverflow { index, a: x, b: y });
        }
        differences.push(d);
    }

    // t does not depend on the scale of d, so work on d / max|d|: no square can overflow, and
    // equal differences become exactly equal values with exactly zero variance.
    let df = (n - 1) as f64;
    let scale = differences.iter().fold(0.0_f64, |m, d| m.max(d.abs()));
    if scale == 0.0 {
        return Ok(CorrectedTTest {
            mean_difference: 0.0,
            t: 0.0,
            df,
            p_value: 1.0,
        });
    }
    let scaled: Vec<f64> = differences.iter().map(|d| d / scale).collect();
    let mean = scaled.iter().sum::<f64>() / n as f64;
    let variance = scaled.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / df;
    let mean_difference = mean * scale;
    let (t, p_value) = if variance == 0.0 {
        if mean == 0.0 {
            (0.0, 1.0)
        } else {
            (f64::INFINITY.copysign(mean), 0.0)
        }
    } else {
        let t = mean / ((1.0 / n as f64 + test_train_ratio) * variance).sqrt();
        (t, two_sided_t_p_value(t, df))
    };
    Ok(CorrectedTTest {
        mean_difference,
        t,
        df,
        p_value,
    })
}

/// Ranks scores within one row (one dataset), 1 = best.
///
/// Ties get the mean of the ranks they span (Demšar 2006), so `[0.9, 0.8, 0.9, 0.7]` with
/// `higher_is_better` ranks as `[1.5, 3.0, 1.5, 4.0]`. `higher_is_better` decides the
/// direction: true for accuracy or AUC, false for error rates or losses. NaN scores rank last
/// (and tie with each other).
pub fn rank_row(scores: &[f64], higher_is_better: bool) -> Vec<f64> {
    let best_first =
        |&i: &usize, &j: &usize| compare_best_first(scores[i], scores[j], higher_is_better);
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(best_first);
    let mut ranks = vec![0.0; scores.len()];
    let mut start = 0;
    while start < order.len() {
        let end = start
            + order[start..]
                .iter()
                .take_while(|&j| best_first(&order[start], j) == Ordering::Equal)
                .count();
        // Sorted positions start..end hold ranks start+1 ..= end, whose mean is this.
        let rank = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        start = end;
    }
    ranks
}

/// Friedman's test over N datasets (rows) x k algorithms (columns), with the Iman-Davenport
/// correction (Demšar 2006, section 3.2.2).
#[derive(Debug, Clone, PartialEq)]
pub struct Friedman {
    /// Average rank of each algorithm over the datasets, 1 = best, in column order.
    pub average_ranks: Vec<f64>,
    /// Friedman's statistic `chi^2_F`, chi-squared with `k - 1` degrees of freedom.
    pub chi_square: f64,
    /// Upper-tail p-value of `chi_square` (conservative for small N and k).
    pub p_value_chi_square: f64,
    /// Iman and Davenport's statistic `F_F = (N-1) chi^2_F / (N(k-1) - chi^2_F)`; infinite
    /// when every dataset ranks the algorithms the same way.
    pub iman_davenport_f: f64,
    /// Numerator degrees of freedom of `F_F`, `k - 1`.
    pub df1: f64,
    /// Denominator degrees of freedom of `F_F`, `(k - 1)(N - 1)`.
    pub df2: f64,
    /// Upper-tail p-value of `iman_davenport_f` under F(`df1`, `df2`): the test's p-value.
    pub p_value: f64,
    /// Number of datasets N.
    pub n_datasets: usize,
    /// Number of algorithms k.
    pub n_algorithms: usize,
}

/// Runs Friedman's test on a table of scores, rows = datasets, columns = algorithms.
///
/// Each row is ranked with [`rank_row`] (ties get mean ranks; as in Demšar 2006, the statistic
/// is not corrected for ties).
///
/// # Errors
///
/// Fewer than 2 datasets, ragged rows, fewer than 2 algorithms, or a non-finite score.
pub fn friedman(scores: &[Vec<f64>], higher_is_better: bool) -> Result<Friedman, StatsError> {
    let n_datasets = scores.len();
    if n_datasets < 2 {
        return Err(StatsError::TooFewDatasets {
            found: n_datasets,
            min: 2,
        });
    }
    let n_algorithms = scores[0].len();
    for (row, values) in scores.iter().enumerate() {
        if values.len() != n_algorithms {
            return Err(StatsError::RaggedRow {
                row,
                expected: n_algorithms,
                found: values.len(),
            });
        }
    }
    if n_algorithms < 2 {
        return Err(StatsError::TooFewAlgorithms {
            found: n_algorithms,
            min: 2,
        });
    }
    for (row, values) in scores.iter().enumerate() {
        if let Some((column, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(StatsError::NonFiniteCell { row, column, value });
        }
    }

    let mut rank_sums = vec![0.0; n_algorithms];
    for values in scores {
        for (sum, rank) in rank_sums.iter_mut().zip(rank_row(values, higher_is_better)) {
            *sum += rank;
        }
    }
    let n = n_datasets as f64;
    let k = n_algorithms as f64;
    let average_ranks = rank_sums.iter().map(|s| s / n).collect();

    // chi^2_F = 12N/(k(k+1)) [sum_j R_j^2 - k(k+1)^2/4] with R_j = S_j / N, written with the
    // rank sums S_j (multiples of 1/2) so that the numerator is an exact integer for any
    // realistic table: perfect agreement then gives exactly N(k-1).
    let sum_of_squares: f64 = rank_sums.iter().map(|s| s * s).sum();
    let numerator = 12.0 * sum_of_squares - 3.0 * n * n * k * (k + 1.0).powi(2);
    let chi_square = (numerator / (n * k * (k + 1.0))).max(0.0);
    let p_value_chi_square = ChiSquared::new(k - 1.0).map_or(f64::NAN, |d| d.sf(chi_square));

    let df1 = k - 1.0;
    let df2 = (k - 1.0) * (n - 1.0);
    let denominator = n * (k - 1.0) - chi_square;
    let (iman_davenport_f, p_value) = if denominator <= 0.0 {
        (f64::INFINITY, 0.0)
    } else {
        let f = (n - 1.0) * chi_square / denominator;
        // df1 >= 1 and df2 >= 1 here, so the distribution always exists.
        (
            f,
            FisherSnedecor::new(df1, df2).map_or(f64::NAN, |d| d.sf(f)),
        )
    };
    Ok(Friedman {
        average_ranks,
        chi_square,
        p_value_chi_square,
        iman_davenport_f,
        df1,
        df2,
        p_value,
        n_datasets,
        n_algorithms,
    })
}

/// Critical value q_alpha of the Nemenyi test (Demšar 2006, Table 5).
///
/// It is the upper `alpha` quantile of the studentized range of `k` groups with infinite
/// degrees of freedom, divided by sqrt(2); for `k = 2` it is the two-sided normal quantile
/// (1.960 at `alpha = 0.05`). The range's distribution is integrated numerically and inverted
/// by bisection, to about 1e-9; tail probabilities below about 1e-250 underflow.
///
/// # Errors
///
/// `k` outside `2..=50` ([`NEMENYI_MAX_ALGORITHMS`]) or `alpha` not strictly between 0 and 1.
pub fn nemenyi_q(k: usize, alpha: f64) -> Result<f64, StatsError> {
    if !(2..=NEMENYI_MAX_ALGORITHMS).contains(&k) {
        return Err(StatsError::AlgorithmCountOutOfRange {
            found: k,
            min: 2,
            max: NEMENYI_MAX_ALGORITHMS,
        });
    }
    check_alpha(alpha)?;
    // The range's survival function falls from 1 at q = 0 towards 0; bracket, then bisect.
    let (mut lo, mut hi) = (0.0, 1.0);
    while studentized_range_sf(hi, k) > alpha && hi < 128.0 {
        lo = hi;
        hi *= 2.0;
    }
    while hi - lo > 1e-10 {
        let mid = 0.5 * (lo + hi);
        if studentized_range_sf(mid, k) > alpha {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(0.5 * (lo + hi) / SQRT_2)
}

/// Critical difference of average ranks for Nemenyi's test: `q_alpha * sqrt(k(k+1)/(6N))`.
///
/// Two algorithms whose average ranks over `n_datasets` datasets differ by at least this much
/// perform significantly differently at level `alpha` (Demšar 2006, section 3.2.2).
///
/// # Errors
///
/// As [`nemenyi_q`], and fewer than 2 datasets.
pub fn critical_difference(k: usize, n_datasets: usize, alpha: f64) -> Result<f64, StatsError> {
    let q = nemenyi_q(k, alpha)?;
    if n_datasets < 2 {
        return Err(StatsError::TooFewDatasets {
            found: n_datasets,
            min: 2,
        });
    }
    let (k, n) = (k as f64, n_datasets as f64);
    Ok(q * (k * (k + 1.0) / (6.0 * n)).sqrt())
}

/// Groups of algorithms whose average ranks differ by less than the critical difference `cd`.
///
/// These are the maximal runs of algorithms in rank order that fit within `cd`, as drawn by the
/// bars of a critical-difference diagram: each group holds indices into `average_ranks`,
/// sorted by rank (ties by index); only maximal groups with at least 2 members are returned, in
/// order of their best rank. Algorithms with a NaN rank are in no group.
pub fn nemenyi_groups(average_ranks: &[f64], cd: f64) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..average_ranks.len())
        .filter(|&i| !average_ranks[i].is_nan())
        .collect();
    order.sort_by(|&i, &j| average_ranks[i].total_cmp(&average_ranks[j]));
    let mut groups = Vec::new();
    let mut covered_to = 0;
    for start in 0..order.len() {
        let first = average_ranks[order[start]];
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&j| average_ranks[j] - first < cd)
                .count();
        // A run ending where the previous one ended lies inside it, so it is not maximal.
        if end - start >= 2 && end > covered_to {
            groups.push(order[start..end].to_vec());
            covered_to = end;
        }
    }
    groups
}

/// Orders two scores best first; NaN after every number.
fn compare_best_first(x: f64, y: f64, higher_is_better: bool) -> Ordering {
    match (x.is_nan(), y.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => {
            let ascending = x.partial_cmp(&y).unwrap_or(Ordering::Equal);
            if higher_is_better {
                ascending.reverse()
            } else {
                ascending
            }
        }
    }
}

/// Two-sided p-value of `t` under Student's t with `df >= 1` degrees of freedom.
fn two_sided_t_p_value(t: f64, df: f64) -> f64 {
    if t.is_infinite() {
        return 0.0;
    }
    // df >= 1, so the distribution always exists.
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| (2.0 * d.sf(t.abs())).min(1.0))
}

fn check_alpha(alpha: f64) -> Result<(), StatsError> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(StatsError::InvalidAlpha { alpha })
    }
}

/// Step of the composite Simpson rule in [`studentized_range_sf`].
const SIMPSON_STEP: f64 = 0.005;

/// P(R > q) for the range R of `k` independent standard normal variables (the studentized range
/// with infinite degrees of freedom).
///
/// With φ, Φ the standard normal density and distribution function and Φ̄ = 1 - Φ,
/// P(R <= q) = k ∫ φ(z) [Φ(z+q) - Φ(z)]^(k-1) dz, and since k ∫ φ(z) Φ̄(z)^(k-1) dz = 1,
/// P(R > q) = k ∫ φ(z) Φ̄(z)^(k-1) [1 - (1 - Φ̄(z+q)/Φ̄(z))^(k-1)] dz.
/// The bracket is computed with `ln_1p` and `exp_m1`, so small tail probabilities keep their
/// relative precision instead of being lost in `1 - P(R <= q)`. The integrand is below
/// k(k-1) φ(z) Φ̄(z+q), which peaks near z = -q/2, so the integral runs over
/// [min(-10, -q/2 - 10), 10] (composite Simpson rule, step about 0.005).
fn studentized_range_sf(q: f64, k: usize) -> f64 {
    let m = (k - 1) as i32;
    let upper_tail = |x: f64| 0.5 * erfc(x / SQRT_2);
    let integrand = |z: f64| {
        let a = upper_tail(z);
        if a == 0.0 {
            return 0.0;
        }
        let b = upper_tail(z + q);
        let bracket = -(f64::from(m) * (-b / a).ln_1p()).exp_m1();
        (-0.5 * z * z).exp() / (2.0 * PI).sqrt() * a.powi(m) * bracket
    };
    let (lo, hi) = ((-10.0_f64).min(-0.5 * q - 10.0), 10.0);
    // An even number of intervals, as Simpson's rule needs.
    let intervals = 2 * ((hi - lo) / (2.0 * SIMPSON_STEP)).ceil() as usize;
    let h = (hi - lo) / intervals as f64;
    let inner: f64 = (1..intervals)
        .map(|i| {
            let weight = if i % 2 == 1 { 4.0 } else { 2.0 };
            weight * integrand(lo + i as f64 * h)
        })
        .sum();
    let integral = (integrand(lo) + integrand(hi) + inner) * h / 3.0;
    (k as f64 * integral).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::Normal;

    /// Asserts `|actual - expected| <= tolerance`, naming what is compared.
    fn assert_near(what: &str, actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "{what}: got {actual}, expected {expected} ± {tolerance}"
        );
    }

    // ---- Nemenyi critical values -------------------------------------------------------------

    /// Demšar (2006), Table 5(a): critical values q_alpha of the two-tailed Nemenyi test,
    /// k = 2..=10, rounded to 3 decimals.
    const DEMSAR_Q_05: [f64; 9] = [
        1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164,
    ];
    const DEMSAR_Q_10: [f64; 9] = [
        1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920,
    ];

    #[test]
    fn nemenyi_q_matches_demsar_table_5() {
        for (k, (&q05, &q10)) in (2..).zip(DEMSAR_Q_05.iter().zip(&DEMSAR_Q_10)) {
            assert_near(
                &format!("q_0.05, k={k}"),
                nemenyi_q(k, 0.05).unwrap(),
                q05,
                0.0015,
            );
            assert_near(
                &format!("q_0.10, k={k}"),
                nemenyi_q(k, 0.10).unwrap(),
                q10,
                0.0015,
            );
        }
    }

    #[test]
    fn nemenyi_q_for_two_algorithms_is_the_normal_quantile() {
        // The range of two standard normals is |Z1 - Z2| ~ |N(0, 2)|, so q / sqrt(2) is the
        // two-sided normal quantile.
        let normal = Normal::new(0.0, 1.0).unwrap();
        for alpha in [0.2, 0.1, 0.05, 0.01, 1e-4, 1e-8, 1e-15, 1e-40] {
            let expected = normal.inverse_cdf(1.0 - alpha / 2.0);
            let expected = if alpha < 1e-6 {
                // 1 - alpha/2 loses alpha in rounding; use the symmetric lower quantile.
                -normal.inverse_cdf(alpha / 2.0)
            } else {
                expected
            };
            assert_near(
                &format!("k=2, alpha={alpha}"),
                nemenyi_q(2, alpha).unwrap(),
                expected,
                1e-6 * expected,
            );
        }
    }

    #[test]
    fn nemenyi_q_grows_with_k_and_with_confidence() {
        let mut previous = 0.0;
        for k in 2..=NEMENYI_MAX_ALGORITHMS {
            let q = nemenyi_q(k, 0.05).unwrap();
            assert!(q > previous, "k={k}: {q} <= {previous}");
            assert!(nemenyi_q(k, 0.01).unwrap() > q);
            previous = q;
        }
        // P(R <= q) integrated directly, the textbook form, at the returned quantile.
        for k in [3, 10, 50] {
            let q = nemenyi_q(k, 0.05).unwrap() * SQRT_2;
            let normal = Normal::new(0.0, 1.0).unwrap();
            let n = 8000;
            let h = 20.0 / n as f64;
            let cdf: f64 = (0..=n)
                .map(|i| {
                    let z = -10.0 + i as f64 * h;
                    let w = if i == 0 || i == n {
                        1.0
                    } else if i % 2 == 1 {
                        4.0
                    } else {
                        2.0
                    };
                    w * (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
                        * (normal.cdf(z + q) - normal.cdf(z)).powi(k as i32 - 1)
                })
                .sum::<f64>()
                * h
                / 3.0
                * k as f64;
            assert_near(&format!("P(R <= q), k={k}"), cdf, 0.95, 1e-8);
        }
    }

    #[test]
    fn nemenyi_q_rejects_bad_input() {
        for k in [0, 1, NEMENYI_MAX_ALGORITHMS + 1] {
            assert_eq!(
                nemenyi_q(k, 0.05),
                Err(StatsError::AlgorithmCountOutOfRange {
                    found: k,
                    min: 2,
                    max: NEMENYI_MAX_ALGORITHMS
                })
            );
        }
        for alpha in [0.0, 1.0, -0.1, 1.5, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                nemenyi_q(3, alpha),
                Err(StatsError::InvalidAlpha { .. })
            ));
        }
        assert_eq!(
            critical_difference(4, 1, 0.05),
            Err(StatsError::TooFewDatasets { found: 1, min: 2 })
        );
    }

    // ---- Demšar's worked example -------------------------------------------------------------

    /// Demšar (2006), Table 6: AUC of C4.5, C4.5+m, C4.5+cf and C4.5+m+cf on 14 datasets
    /// (adult (sample), breast cancer, breast cancer wisconsin, cmc, ionosphere, iris,
    /// liver disorders, lung cancer, lymphography, mushroom, primary tumor, rheum, voting, wine).
    ///
    /// The table prints AUCs to 3 decimals but ranks the unrounded values: on voting, C4.5+cf
    /// and C4.5+m+cf both print .975 yet are ranked 2 and 3, and the published average ranks
    /// (2.893 and 1.964, not 2.929 and 1.929) need that order. So C4.5+cf on voting is
    /// 0.9751 here, which still prints as .975; `demsar_table_6_as_printed` keeps the tie.
    fn demsar_table_6() -> Vec<Vec<f64>> {
        let mut table = demsar_table_6_as_printed();
        table[12][2] = 0.9751;
        table
    }

    fn demsar_table_6_as_printed() -> Vec<Vec<f64>> {
        vec![
            vec![0.763, 0.768, 0.771, 0.798],
            vec![0.599, 0.591, 0.590, 0.569],
            vec![0.954, 0.971, 0.968, 0.967],
            vec![0.628, 0.661, 0.654, 0.657],
            vec![0.882, 0.888, 0.886, 0.898],
            vec![0.936, 0.931, 0.916, 0.931],
            vec![0.661, 0.668, 0.609, 0.685],
            vec![0.583, 0.583, 0.563, 0.625],
            vec![0.775, 0.838, 0.866, 0.875],
            vec![1.000, 1.000, 1.000, 1.000],
            vec![0.940, 0.962, 0.965, 0.962],
            vec![0.619, 0.666, 0.614, 0.669],
            vec![0.972, 0.981, 0.975, 0.975],
            vec![0.957, 0.978, 0.946, 0.970],
        ]
    }

    #[test]
    fn friedman_reproduces_demsar_worked_example() {
        let test = friedman(&demsar_table_6(), true).unwrap();
        assert_eq!((test.n_datasets, test.n_algorithms), (14, 4));
        // Published average ranks: 3.143, 2.000, 2.893, 1.964.
        for (j, (&rank, expected)) in test
            .average_ranks
            .iter()
            .zip([3.143, 2.000, 2.893, 1.964])
            .enumerate()
        {
            assert_near(&format!("average rank {j}"), rank, expected, 0.0005);
        }
        // chi^2_F = 9.28, F_F = 3.69 with 3 and 39 degrees of freedom.
        assert_near("chi^2_F", test.chi_square, 9.28, 0.01);
        assert_near("F_F", test.iman_davenport_f, 3.69, 0.01);
        assert_eq!((test.df1, test.df2), (3.0, 39.0));
        // The paper: the critical value of F(3, 39) at alpha = 0.05 is 2.85, so the null
        // hypothesis is rejected; chi^2(3) at 0.05 is 7.815 (a standard table value).
        let f_3_39 = FisherSnedecor::new(3.0, 39.0).unwrap();
        assert_near(
            "F(3,39) critical value",
            f_3_39.inverse_cdf(0.95),
            2.85,
            0.005,
        );
        assert!(test.p_value < 0.05, "p = {}", test.p_value);
        assert_near("F p-value", test.p_value, f_3_39.sf(3.69), 0.002);
        let chi2_3 = ChiSquared::new(3.0).unwrap();
        assert_near(
            "chi^2(3) critical value",
            chi2_3.inverse_cdf(0.95),
            7.815,
            0.0005,
        );
        assert!(test.p_value_chi_square < 0.05);
    }

    #[test]
    fn friedman_on_demsar_table_as_printed_ties_voting() {
        // Our own arithmetic, not the paper's: with voting tied at .975, C4.5+cf and
        // C4.5+m+cf share ranks 2 and 3 there, so their rank sums are 41 and 27 instead of
        // 40.5 and 27.5; chi^2_F = (12 (44^2 + 28^2 + 41^2 + 27^2) - 3 * 14^2 * 4 * 5^2)
        // / (14 * 4 * 5) = 2760 / 280.
        let test = friedman(&demsar_table_6_as_printed(), true).unwrap();
        let expected = [44.0 / 14.0, 28.0 / 14.0, 41.0 / 14.0, 27.0 / 14.0];
        for (j, (&rank, expected)) in test.average_ranks.iter().zip(expected).enumerate() {
            assert_near(&format!("average rank {j}"), rank, expected, 1e-12);
        }
        assert_near("chi^2_F", test.chi_square, 2760.0 / 280.0, 1e-12);
    }

    #[test]
    fn nemenyi_reproduces_demsar_worked_example() {
        let ranks = friedman(&demsar_table_6(), true).unwrap().average_ranks;
        // CD = 2.569 * sqrt(4 * 5 / (6 * 14)) = 1.25 at alpha = 0.05.
        let cd05 = critical_difference(4, 14, 0.05).unwrap();
        assert_near("CD at 0.05", cd05, 1.25, 0.005);
        // C4.5+m+cf (1.964) vs C4.5 (3.143): 1.179 < 1.25, not significant at 0.05, so the
        // bar spans all four, listed by rank: C4.5+m+cf, C4.5+m, C4.5+cf, C4.5.
        assert_near("rank gap", ranks[0] - ranks[3], 1.179, 0.001);
        assert_eq!(nemenyi_groups(&ranks, cd05), vec![vec![3, 1, 2, 0]]);
        // The paper: at alpha = 0.10, CD = 2.291 * sqrt(20 / 84) = 1.12 and C4.5+m+cf is
        // significantly better than C4.5; C4.5+m (2.000) vs C4.5 differs by 1.143, also
        // above 1.12, so the bars are {m+cf, m, cf} and {cf, C4.5}.
        let cd10 = critical_difference(4, 14, 0.10).unwrap();
        assert_near("CD at 0.10", cd10, 1.12, 0.005);
        assert_eq!(
            nemenyi_groups(&ranks, cd10),
            vec![vec![3, 1, 2], vec![2, 0]]
        );
    }

    #[test]
    fn friedman_edge_cases() {
        // Every dataset ranks the algorithms alike: chi^2_F = N(k-1), F_F infinite, p = 0.
        let agree = vec![
            vec![0.9, 0.8, 0.7],
            vec![0.6, 0.5, 0.4],
            vec![0.3, 0.2, 0.1],
        ];
        let test = friedman(&agree, true).unwrap();
        assert_eq!(test.average_ranks, vec![1.0, 2.0, 3.0]);
        assert_eq!(test.chi_square, 6.0);
        assert_eq!(test.iman_davenport_f, f64::INFINITY);
        assert_eq!(test.p_value, 0.0);
        // Lower is better reverses the ranks.
        let test = friedman(&agree, false).unwrap();
        assert_eq!(test.average_ranks, vec![3.0, 2.0, 1.0]);
        // All tied: no evidence at all.
        let tied = vec![vec![0.5, 0.5], vec![0.7, 0.7]];
        let test = friedman(&tied, true).unwrap();
        assert_eq!(test.average_ranks, vec![1.5, 1.5]);
        assert_eq!((test.chi_square, test.iman_davenport_f), (0.0, 0.0));
        assert_eq!((test.p_value, test.p_value_chi_square), (1.0, 1.0));
    }

    #[test]
    fn friedman_rejects_bad_input() {
        assert_eq!(
            friedman(&[vec![0.1, 0.2]], true),
            Err(StatsError::TooFewDatasets { found: 1, min: 2 })
        );
        assert_eq!(
            friedman(&[vec![0.1], vec![0.2]], true),
            Err(StatsError::TooFewAlgorithms { found: 1, min: 2 })
        );
        assert_eq!(
            friedman(&[vec![0.1, 0.2], vec![0.2, 0.3, 0.4]], true),
            Err(StatsError::RaggedRow {
                row: 1,
                expected: 2,
                found: 3
            })
        );
        let err = friedman(&[vec![0.1, 0.2], vec![0.2, f64::INFINITY]], true).unwrap_err();
        assert_eq!(
            err,
            StatsError::NonFiniteCell {
                row: 1,
                column: 1,
                value: f64::INFINITY
            }
        );
        assert_eq!(err.to_string(), "row 1, column 1: non-finite score inf");
    }

    #[test]
    fn nemenyi_groups_keeps_only_maximal_runs() {
        // 1.0, 1.5, 2.0 fit within 1.1; 2.0 and 3.0 too; 4.5 stands alone.
        let ranks = [2.0, 1.0, 4.5, 1.5, 3.0];
        assert_eq!(nemenyi_groups(&ranks, 1.1), vec![vec![1, 3, 0], vec![0, 4]]);
        // A difference equal to the CD is significant.
        assert_eq!(nemenyi_groups(&[1.0, 2.0], 1.0), Vec::<Vec<usize>>::new());
        assert_eq!(nemenyi_groups(&[], 1.0), Vec::<Vec<usize>>::new());
        assert_eq!(nemenyi_groups(&[1.0, f64::NAN, 1.2], 1.0), vec![vec![0, 2]]);
    }

    // ---- rank_row ----------------------------------------------------------------------------

    #[test]
    fn rank_row_gives_ties_their_mean_rank() {
        assert_eq!(
            rank_row(&[0.9, 0.8, 0.9, 0.7], true),
            vec![1.5, 3.0, 1.5, 4.0]
        );
        assert_eq!(
            rank_row(&[0.9, 0.8, 0.9, 0.7], false),
            vec![3.5, 2.0, 3.5, 1.0]
        );
        assert_eq!(rank_row(&[0.5, 0.5, 0.5], true), vec![2.0, 2.0, 2.0]);
        assert_eq!(rank_row(&[f64::NAN, 0.1, 0.2], true), vec![3.0, 2.0, 1.0]);
        assert_eq!(rank_row(&[f64::NAN, 0.1, 0.2], false), vec![3.0, 1.0, 2.0]);
        assert_eq!(rank_row(&[], true), Vec::<f64>::new());
    }

    // ---- corrected resampled t-test ----------------------------------------------------------

    #[test]
    fn corrected_t_test_hand_computed() {
        // 10-fold CV, so test/train = 1/9. d = a - b =
        // [.02, .01, .03, .00, .02, .01, .04, .02, .03, .02]: mean .02, deviations (in .01)
        // [0, -1, 1, -2, 0, -1, 2, 0, 1, 0], sum of squares 12e-4, var = 12e-4 / 9.
        // t = .02 / sqrt((1/10 + 1/9) * 12e-4 / 9) = 2 / sqrt(19/90 * 12/9)
        //   = 2 / sqrt(38/135) = 3.769686 (to 6 decimals), df = 9.
        let b = [0.80, 0.81, 0.79, 0.83, 0.80, 0.82, 0.78, 0.80, 0.81, 0.80];
        let d = [0.02, 0.01, 0.03, 0.00, 0.02, 0.01, 0.04, 0.02, 0.03, 0.02];
        let a: Vec<f64> = b.iter().zip(d).map(|(b, d)| b + d).collect();
        let test = corrected_resampled_t_test(&a, &b, 1.0 / 9.0).unwrap();
        assert_near("mean difference", test.mean_difference, 0.02, 1e-12);
        assert_near("t", test.t, 2.0 / (38.0_f64 / 135.0).sqrt(), 1e-9);
        assert_near("t", test.t, 3.769686, 1e-6);
        assert_eq!(test.df, 9.0);
        // Student t table, df = 9: two-sided 0.01 at 3.250, 0.001 at 4.781.
        assert!(
            test.p_value > 0.001 && test.p_value < 0.01,
            "p = {}",
            test.p_value
        );
        // Swapping the flows flips the sign only.
        let swapped = corrected_resampled_t_test(&b, &a, 1.0 / 9.0).unwrap();
        assert_near("swapped t", swapped.t, -test.t, 1e-12);
        assert_near("swapped p", swapped.p_value, test.p_value, 1e-15);
    }

    #[test]
    fn corrected_t_test_approaches_paired_t_for_tiny_ratio() {
        // Same d as above: the paired t is .02 / sqrt(12e-4 / 9 / 10) = 2 sqrt(7.5) = 5.477226.
        let d = [0.02, 0.01, 0.03, 0.00, 0.02, 0.01, 0.04, 0.02, 0.03, 0.02];
        let zeros = [0.0; 10];
        let test = corrected_resampled_t_test(&d, &zeros, 1e-12).unwrap();
        assert_near("t", test.t, 2.0 * 7.5_f64.sqrt(), 1e-9);
        assert_near("t", test.t, 5.477226, 1e-6);
        // The correction can only shrink |t|.
        let corrected = corrected_resampled_t_test(&d, &zeros, 0.25).unwrap();
        assert!(corrected.t < test.t && corrected.p_value > test.p_value);
    }

    #[test]
    fn t_p_values_match_student_t_tables() {
        // Two-sided 5% critical values: 2.262 for df = 9, 1.984 for df = 99; 1% at 3.250, df 9.
        assert_near(
            "df 9, t 2.262",
            two_sided_t_p_value(2.262, 9.0),
            0.05,
            0.001,
        );
        assert_near(
            "df 9, t -2.262",
            two_sided_t_p_value(-2.262, 9.0),
            0.05,
            0.001,
        );
        assert_near(
            "df 99, t 1.984",
            two_sided_t_p_value(1.984, 99.0),
            0.05,
            0.001,
        );
        assert_near(
            "df 9, t 3.250",
            two_sided_t_p_value(3.250, 9.0),
            0.01,
            0.0002,
        );
        assert_eq!(two_sided_t_p_value(0.0, 9.0), 1.0);
        assert_eq!(two_sided_t_p_value(f64::NEG_INFINITY, 9.0), 0.0);
    }

    #[test]
    fn corrected_t_test_zero_variance() {
        let test = corrected_resampled_t_test(&[0.5, 0.7], &[0.5, 0.7], 0.25).unwrap();
        assert_eq!(
            (test.mean_difference, test.t, test.p_value),
            (0.0, 0.0, 1.0)
        );
        let test = corrected_resampled_t_test(&[0.5, 0.5, 0.5], &[0.25, 0.25, 0.25], 0.5).unwrap();
        assert_eq!(
            (test.mean_difference, test.t, test.p_value),
            (0.25, f64::INFINITY, 0.0)
        );
        let test = corrected_resampled_t_test(&[0.25, 0.25], &[0.5, 0.5], 0.5).unwrap();
        assert_eq!((test.t, test.p_value), (f64::NEG_INFINITY, 0.0));
    }

    #[test]
    fn corrected_t_test_rejects_bad_input() {
        assert_eq!(
            corrected_resampled_t_test(&[0.1, 0.2], &[0.1], 0.25),
            Err(StatsError::LengthMismatch { a: 2, b: 1 })
        );
        assert_eq!(
            corrected_resampled_t_test(&[0.1], &[0.2], 0.25),
            Err(StatsError::TooFewPairs { found: 1 })
        );
        assert_eq!(
            corrected_resampled_t_test(&[], &[], 0.25),
            Err(StatsError::TooFewPairs { found: 0 })
        );
        let err = corrected_resampled_t_test(&[0.1, 0.2], &[0.1, f64::NAN], 0.25).unwrap_err();
        assert!(matches!(
            err,
            StatsError::NonFiniteScore { series: "b", index: 1, value } if value.is_nan()
        ));
        assert_eq!(
            err.to_string(),
            "score series b, index 1: non-finite score NaN"
        );
        for ratio in [0.0, -0.1, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                corrected_resampled_t_test(&[0.1, 0.2], &[0.2, 0.1], ratio),
                Err(StatsError::InvalidRatio { .. })
            ));
        }
        assert!(matches!(
            corrected_resampled_t_test(&[f64::MAX, 0.0], &[-f64::MAX, 0.0], 0.25),
            Err(StatsError::DifferenceOverflow { index: 0, .. })
        ));
        // Huge but finite differences do not overflow inside the test.
        let test = corrected_resampled_t_test(&[1e300, 2e300], &[-1e300, -1e300], 0.25).unwrap();
        assert!(test.t.is_finite() && test.mean_difference.is_finite());
    }
}
