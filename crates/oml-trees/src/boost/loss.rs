//! The losses boosting minimises, as scikit-learn's `_loss` module: their baseline (the best
//! constant raw prediction), per-row gradients and hessians, and mean value.

/// A loss over raw predictions; targets are real values, 0 or 1, or class indices (as `f64`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Loss {
    /// Half the squared error, `(raw - y)² / 2`; constant hessian 1.
    SquaredError,
    /// Log loss of `sigmoid(raw)` for a 0/1 target (scikit-learn's `HalfBinomialLoss`).
    Binomial,
    /// Log loss of `softmax(raw)` over this many classes (`HalfMultinomialLoss`).
    Multinomial(usize),
}

impl Loss {
    /// Raw predictions (trees) per row and iteration.
    pub fn n_trees(self) -> usize {
        match self {
            Loss::Multinomial(k) => k,
            _ => 1,
        }
    }

    /// Whether every hessian is 1.
    pub fn hessians_are_constant(self) -> bool {
        self == Loss::SquaredError
    }

    /// The best constant raw prediction of each tree: the mean (numpy's sum over the count,
    /// as scikit-learn's `np.average`); the log odds of the mean ([`logit`])
    /// (clipped to `[eps, 1 - eps]`); the logs of the class priors (clipped) over their
    /// geometric mean, as scikit-learn's symmetric link takes them.
    pub fn baseline(self, y: &[f64]) -> Vec<f64> {
        let n = y.len() as f64;
        let clip = |p: f64| p.clamp(f64::EPSILON, 1.0 - f64::EPSILON);
        match self {
            Loss::SquaredError => vec![oml_math::numpy_sum(y) / n],
            Loss::Binomial => vec![logit(clip(y.iter().sum::<f64>() / n))],
            Loss::Multinomial(k) => {
                let mut counts = vec![0usize; k];
                for &c in y {
                    counts[c as usize] += 1;
                }
                let priors: Vec<f64> = counts.iter().map(|&c| clip(c as f64 / n)).collect();
                // scikit-learn's symmetric multinomial logit: each prior over their geometric
                // mean (scipy's `gmean`, the exponential of the logs' mean), then its log.
                let logs: Vec<f64> = priors.iter().map(|&p| libm::log(p)).collect();
                let geometric_mean = libm::exp(oml_math::numpy_sum(&logs) / k as f64);
                priors
                    .iter()
                    .map(|&p| libm::log(p / geometric_mean))
                    .collect()
            }
        }
    }

    /// The gradients (and hessians, unless constant) of every row at `raw`, tree after tree:
    /// `raw`, `g` and `h` hold `n` values per tree.
    pub fn gradients(self, y: &[f64], raw: &[f64], g: &mut [f32], h: &mut [f32]) {
        let n = y.len();
        match self {
            Loss::SquaredError => {
                for ((g, &r), &y) in g.iter_mut().zip(raw).zip(y) {
                    *g = (r - y) as f32;
                }
            }
            Loss::Binomial => {
                for (((g, h), &r), &y) in g.iter_mut().zip(h.iter_mut()).zip(raw).zip(y) {
                    let (gradient, hessian) = if r > -37.0 {
                        let e = libm::exp(-r);
                        (((1.0 - y) - y * e) / (1.0 + e), e / ((1.0 + e) * (1.0 + e)))
                    } else {
                        let e = libm::exp(r);
                        (e - y, e)
                    };
                    *g = gradient as f32;
                    *h = hessian as f32;
                }
            }
            Loss::Multinomial(k) => {
                // `softmax` of each row, computed for a block of rows class by class, so that
                // each class's raw predictions, gradients and hessians are read and written in
                // order rather than k places apart per row.
                let mut max = [0.0; GRADIENT_BLOCK];
                let mut sum = [0.0; GRADIENT_BLOCK];
                let mut e = vec![0.0; k * GRADIENT_BLOCK];
                for start in (0..n).step_by(GRADIENT_BLOCK) {
                    let rows = start..n.min(start + GRADIENT_BLOCK);
                    let m = rows.len();
                    let class = |c: usize| c * n + start..c * n + start + m;
                    max[..m].fill(f64::NEG_INFINITY);
                    for c in 0..k {
                        for (max, &r) in max.iter_mut().zip(&raw[class(c)]) {
                            *max = max.max(r);
                        }
                    }
                    sum[..m].fill(0.0);
                    for (c, e) in e.chunks_exact_mut(GRADIENT_BLOCK).enumerate() {
                        for (((e, sum), &r), &max) in e
                            .iter_mut()
                            .zip(&mut sum[..m])
                            .zip(&raw[class(c)])
                            .zip(&max)
                        {
                            *e = oml_math::exp_non_positive(r - max);
                            *sum += *e;
                        }
                    }
                    for (c, e) in e.chunks_exact(GRADIENT_BLOCK).enumerate() {
                        let rows = g[class(c)]
                            .iter_mut()
                            .zip(&mut h[class(c)])
                            .zip(e.iter().zip(&sum))
                            .zip(&y[start..start + m]);
                        for (((g, h), (&e, &sum)), &y) in rows {
                            let p = e / sum;
                            let target = if c == y as usize { 1.0 } else { 0.0 };
                            *g = (p - target) as f32;
                            *h = (p * (1.0 - p)) as f32;
                        }
                    }
                }
            }
        }
    }

    /// The mean loss of the rows at `raw` (`n` values per tree).
    pub fn mean(self, y: &[f64], raw: &[f64]) -> f64 {
        let n = y.len();
        let total: f64 = match self {
            Loss::SquaredError => y
                .iter()
                .zip(raw)
                .map(|(y, r)| 0.5 * (r - y) * (r - y))
                .sum(),
            Loss::Binomial => y.iter().zip(raw).map(|(&y, &r)| log1pexp(r) - y * r).sum(),
            Loss::Multinomial(k) => y
                .iter()
                .enumerate()
                .map(|(i, &y)| {
                    let max = (0..k)
                        .map(|c| raw[c * n + i])
                        .fold(f64::NEG_INFINITY, f64::max);
                    let sum: f64 = (0..k).map(|c| libm::exp(raw[c * n + i] - max)).sum();
                    max + libm::log(sum) - raw[y as usize * n + i]
                })
                .sum(),
        };
        total / n as f64
    }
}

/// Rows whose multinomial gradients are computed together.
const GRADIENT_BLOCK: usize = 256;

/// `softmax(raw)` into `p`.
pub(crate) fn softmax(raw: impl Iterator<Item = f64> + Clone, p: &mut [f64]) {
    let max = raw.clone().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for (p, r) in p.iter_mut().zip(raw) {
        *p = libm::exp(r - max);
        sum += *p;
    }
    for p in p.iter_mut() {
        *p /= sum;
    }
}

/// `1 / (1 + exp(-raw))`, as scipy's `expit` (scikit-learn's binary probabilities) computes
/// it for every `raw`: below about -709, `exp(-raw)` is infinite and the result 0.
pub(crate) fn sigmoid(raw: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-raw))
}

/// `ln(1 + exp(x))`, accurate at both ends (scikit-learn's `log1pexp`).
fn log1pexp(x: f64) -> f64 {
    if x <= -37.0 {
        libm::exp(x)
    } else if x <= -2.0 {
        libm::log1p(libm::exp(x))
    } else if x <= 18.0 {
        libm::log(1.0 + libm::exp(x))
    } else if x <= 33.3 {
        x + libm::exp(-x)
    } else {
        x
    }
}

/// scipy's `logit`, scikit-learn's link of the binary loss: `ln(p / (1 - p))`, but
/// `ln(1 + s) - ln(1 - s)` with `s = 2 (p - 1/2)` for `p` from 0.3 to 0.65, where the quotient
/// loses precision.
fn logit(p: f64) -> f64 {
    if (0.3..=0.65).contains(&p) {
        let s = 2.0 * (p - 0.5);
        libm::log1p(s) - libm::log1p(-s)
    } else {
        libm::log(p / (1.0 - p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// scikit-learn 1.9.1's `fit_intercept_only` (numpy 2, scipy 1.17) and scipy's `expit`,
    /// to the last bit, where the plainer formulas give other last bits: the mean with the
    /// values added in order, `ln(p / (1 - p))` (0.4054651081081642, -0.8001193001121131,
    /// 0.6190392084062236), the logs less their mean (0.5972531564093518,
    /// -0.5013591322587578, -0.09589402415059345), `e / (1 + e)` (0.0241270214176692,
    /// 3.7266392841865614e-06).
    #[test]
    fn baselines_and_probabilities_are_scikit_learns_to_the_last_bit() {
        let bits = |values: Vec<f64>| values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        let values: Vec<f64> = (0..100)
            .map(|i| ((i * 7919) % 1000 - 500) as f64 / 997.0 * 2f64.powi(i % 40 - 20))
            .collect();
        let mean = Loss::SquaredError.baseline(&values);
        assert_eq!(bits(mean), bits(vec![3394.101876496551]));
        for (ones, n, expected) in [
            (3, 5, 0.4054651081081643),
            (31, 100, -0.8001193001121132),
            (13, 20, 0.6190392084062235),
        ] {
            let y: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i < ones))).collect();
            assert_eq!(bits(Loss::Binomial.baseline(&y)), bits(vec![expected]));
        }
        let y = [0.0, 0.0, 1.0, 2.0, 0.0, 1.0, 0.0, 2.0, 2.0, 0.0, 0.0];
        let expected = vec![0.597253156409352, -0.5013591322587577, -0.0958940241505934];
        assert_eq!(bits(Loss::Multinomial(3).baseline(&y)), bits(expected));
        let expit = [sigmoid(-3.7), sigmoid(-12.5)];
        assert_eq!(
            bits(expit.to_vec()),
            bits(vec![0.024127021417669196, 3.726639284186561e-06])
        );
    }

    #[test]
    fn baselines_are_scikit_learns() {
        assert_eq!(Loss::SquaredError.baseline(&[1.0, 2.0, 6.0]), [3.0]);
        let b = Loss::Binomial.baseline(&[0.0, 1.0, 1.0, 1.0]);
        assert!((b[0] - libm::log(3f64)).abs() < 1e-15);
        // Priors 1/2, 1/4, 1/4: logs less their mean.
        let b = Loss::Multinomial(3).baseline(&[0.0, 0.0, 1.0, 2.0]);
        let m = (libm::log(0.5f64) + 2.0 * libm::log(0.25f64)) / 3.0;
        for (b, p) in b.iter().zip([0.5f64, 0.25, 0.25]) {
            assert!((b - (libm::log(p) - m)).abs() < 1e-15);
        }
    }

    #[test]
    fn multinomial_gradients_in_blocks_are_each_rows_softmax() {
        // More rows than a block, and not a multiple of it.
        let (n, k) = (2 * GRADIENT_BLOCK + 37, 4);
        let raw: Vec<f64> = (0..n * k)
            .map(|i| libm::sin(i as f64 * 0.7) * 5.0)
            .collect();
        let y: Vec<f64> = (0..n).map(|i| ((i * 7) % k) as f64).collect();
        let (mut g, mut h) = (vec![0f32; n * k], vec![0f32; n * k]);
        Loss::Multinomial(k).gradients(&y, &raw, &mut g, &mut h);
        let mut p = vec![0.0; k];
        for i in 0..n {
            softmax((0..k).map(|c| raw[c * n + i]), &mut p);
            for (c, &p) in p.iter().enumerate() {
                let target = if c == y[i] as usize { 1.0 } else { 0.0 };
                assert_eq!(g[c * n + i], (p - target) as f32, "row {i}, class {c}");
                assert_eq!(h[c * n + i], (p * (1.0 - p)) as f32, "row {i}, class {c}");
            }
        }
    }

    #[test]
    fn gradients_are_residuals_of_probabilities() {
        let (mut g, mut h) = ([0f32; 2], [0f32; 2]);
        Loss::Binomial.gradients(&[1.0, 0.0], &[0.0, 2.0], &mut g, &mut h);
        assert_eq!(g, [-0.5, sigmoid(2.0) as f32]);
        assert_eq!(h[0], 0.25);
        let (mut g, mut h) = ([0f32; 3], [0f32; 3]);
        // One row, three classes with equal raw predictions, class 1.
        Loss::Multinomial(3).gradients(&[1.0], &[0.5, 0.5, 0.5], &mut g, &mut h);
        let third = 1.0 / 3.0;
        assert_eq!(g, [third as f32, (third - 1.0) as f32, third as f32]);
        assert_eq!(h, [(third * (1.0 - third)) as f32; 3]);
        assert!(
            (Loss::Multinomial(3).mean(&[1.0], &[0.5, 0.5, 0.5]) - libm::log(3f64)).abs() < 1e-15
        );
        assert!((Loss::Binomial.mean(&[1.0], &[0.0]) - libm::log(2f64)).abs() < 1e-15);
        assert_eq!(Loss::SquaredError.mean(&[1.0, 3.0], &[2.0, 2.0]), 0.5);
    }
}
