//! Nadeau and Bengio's corrected resampled t-test: two flows on one task.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::StatsError;

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

/// Two-sided p-value of `t` under Student's t with `df >= 1` degrees of freedom.
pub(super) fn two_sided_t_p_value(t: f64, df: f64) -> f64 {
    if t.is_infinite() {
        return 0.0;
    }
    // df >= 1, so the distribution always exists.
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| (2.0 * d.sf(t.abs())).min(1.0))
}
