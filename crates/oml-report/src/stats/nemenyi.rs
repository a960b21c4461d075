//! Nemenyi's post-hoc test: its critical value, the critical difference of average ranks and
//! the groups a critical-difference diagram joins.

use std::f64::consts::{PI, SQRT_2};

use statrs::function::erf::erfc;

use super::StatsError;

/// Largest number of algorithms [`nemenyi_q`] supports.
pub const NEMENYI_MAX_ALGORITHMS: usize = 50;

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
        let bracket = -libm::expm1(f64::from(m) * libm::log1p(-b / a));
        libm::exp(-0.5 * z * z) / (2.0 * PI).sqrt() * a.powi(m) * bracket
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
