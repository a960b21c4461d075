//! Ranks within a dataset and Friedman's test with Iman and Davenport's correction: several
//! flows on several datasets.

use std::cmp::Ordering;

use statrs::distribution::{ChiSquared, ContinuousCDF, FisherSnedecor};

use super::StatsError;

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
