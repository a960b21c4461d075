//! Limited-memory BFGS with a strong-Wolfe line search, stopping as scipy's L-BFGS-B does
//! without bounds (the solver scikit-learn's `lbfgs` calls): when the largest gradient
//! component is at most `gtol`, or when the relative decrease of the objective is at most
//! `ftol`, or after `max_iter` iterations.

use std::collections::VecDeque;

/// When to stop and how much to remember.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// Correction pairs kept (scipy's `maxcor`, 10).
    pub memory: usize,
    /// Most iterations (scikit-learn's `max_iter`).
    pub max_iter: usize,
    /// Stop when every gradient component is at most this in size (scikit-learn's `tol`).
    pub gtol: f64,
    /// Stop when `(f_k - f_k+1) / max(|f_k|, |f_k+1|, 1)` is at most this (scikit-learn passes
    /// 64 machine epsilons).
    pub ftol: f64,
    /// Most objective evaluations per line search (scikit-learn's `maxls`, 50).
    pub max_line_search: usize,
}

/// The correction pairs `(s, y, 1 / s'y)` of a run, oldest first: what it learnt of the
/// objective's curvature, which a warm start may carry on ([`minimize`]).
pub(crate) type Pairs = VecDeque<(Vec<f64>, Vec<f64>, f64)>;

/// Where the solver stopped.
#[derive(Debug, Clone)]
pub(crate) struct Minimum {
    /// The point.
    pub x: Vec<f64>,
    /// Iterations taken.
    pub iterations: usize,
    /// Whether a stopping rule other than the iteration limit was met.
    pub converged: bool,
    /// The correction pairs held at the end.
    pub pairs: Pairs,
}

/// Sufficient decrease and curvature constants of the line search (MINPACK-2's `dcsrch` as
/// L-BFGS-B calls it: 1e-3 and 0.9).
const C1: f64 = 1e-3;
const C2: f64 = 0.9;

/// A point on the search line: step, objective, directional derivative, gradient.
struct Trial {
    step: f64,
    value: f64,
    slope: f64,
    gradient: Vec<f64>,
}

/// Minimises `objective`, which returns the value at `x` and writes the gradient into its
/// second argument, from `x0` with the correction pairs `pairs` (empty for a cold start; at
/// most `settings.memory`, each of `x0`'s length and with `s'y > 0`).
pub(crate) fn minimize<F>(
    mut objective: F,
    x0: Vec<f64>,
    mut pairs: Pairs,
    settings: &Settings,
) -> Minimum
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    let n = x0.len();
    let mut x = x0;
    let mut gradient = vec![0.0; n];
    let mut value = objective(&x, &mut gradient);
    let mut direction = vec![0.0; n];
    let mut point = vec![0.0; n];
    if max_abs(&gradient) <= settings.gtol {
        return Minimum {
            x,
            iterations: 0,
            converged: true,
            pairs,
        };
    }
    for iteration in 1..=settings.max_iter {
        two_loop(&gradient, &pairs, &mut direction);
        let mut slope = dot(&direction, &gradient);
        if slope >= 0.0 || slope.is_nan() {
            pairs.clear();
            direction
                .iter_mut()
                .zip(&gradient)
                .for_each(|(d, g)| *d = -g);
            slope = -dot(&gradient, &gradient);
        }
        // The first step of a fresh memory is scaled to unit length, as L-BFGS-B does.
        let first = if pairs.is_empty() {
            (1.0 / norm(&direction)).min(1.0)
        } else {
            1.0
        };
        let start = Trial {
            step: 0.0,
            value,
            slope,
            gradient: gradient.clone(),
        };
        let Some(accepted) = line_search(
            &mut objective,
            &x,
            &direction,
            start,
            first,
            &mut point,
            settings.max_line_search,
        ) else {
            if pairs.is_empty() {
                return Minimum {
                    x,
                    iterations: iteration,
                    converged: false,
                    pairs,
                };
            }
            pairs.clear();
            continue;
        };
        let s: Vec<f64> = direction.iter().map(|d| accepted.step * d).collect();
        let y: Vec<f64> = accepted
            .gradient
            .iter()
            .zip(&gradient)
            .map(|(a, b)| a - b)
            .collect();
        let sy = dot(&s, &y);
        x.iter_mut().zip(&s).for_each(|(xi, si)| *xi += si);
        let previous = value;
        value = accepted.value;
        gradient = accepted.gradient;
        if sy > f64::EPSILON * dot(&y, &y) {
            if pairs.len() == settings.memory {
                pairs.pop_front();
            }
            pairs.push_back((s, y, 1.0 / sy));
        }
        let scale = previous.abs().max(value.abs()).max(1.0);
        if max_abs(&gradient) <= settings.gtol || (previous - value) / scale <= settings.ftol {
            return Minimum {
                x,
                iterations: iteration,
                converged: true,
                pairs,
            };
        }
    }
    Minimum {
        x,
        iterations: settings.max_iter,
        converged: false,
        pairs,
    }
}

/// `direction = -H g`, H the inverse Hessian approximation of the stored pairs (scaled by
/// `s'y / y'y` of the newest pair).
fn two_loop(gradient: &[f64], pairs: &Pairs, direction: &mut [f64]) {
    direction
        .iter_mut()
        .zip(gradient)
        .for_each(|(d, g)| *d = -g);
    let mut alphas = Vec::with_capacity(pairs.len());
    for (s, y, rho) in pairs.iter().rev() {
        let alpha = rho * dot(s, direction);
        direction
            .iter_mut()
            .zip(y)
            .for_each(|(d, yi)| *d -= alpha * yi);
        alphas.push(alpha);
    }
    if let Some((s, y, _)) = pairs.back() {
        let gamma = dot(s, y) / dot(y, y);
        direction.iter_mut().for_each(|d| *d *= gamma);
    }
    for ((s, y, rho), alpha) in pairs.iter().zip(alphas.iter().rev()) {
        let beta = rho * dot(y, direction);
        direction
            .iter_mut()
            .zip(s)
            .for_each(|(d, si)| *d += (alpha - beta) * si);
    }
}

/// A step along `direction` from `x` meeting the strong Wolfe conditions (Nocedal and
/// Wright, algorithms 3.5 and 3.6), or `None` when `max_evaluations` find none.
fn line_search<F>(
    objective: &mut F,
    x: &[f64],
    direction: &[f64],
    start: Trial,
    first: f64,
    point: &mut [f64],
    max_evaluations: usize,
) -> Option<Trial>
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    let (value0, slope0) = (start.value, start.slope);
    let mut evaluate = |step: f64| {
        point
            .iter_mut()
            .zip(x.iter().zip(direction))
            .for_each(|(p, (xi, di))| *p = xi + step * di);
        let mut gradient = vec![0.0; x.len()];
        let value = objective(point, &mut gradient);
        let slope = dot(&gradient, direction);
        Trial {
            step,
            value,
            slope,
            gradient,
        }
    };
    let sufficient = |t: &Trial| t.value <= value0 + C1 * t.step * slope0;
    let curvature = |t: &Trial| t.slope.abs() <= -C2 * slope0;
    let mut previous = start;
    let mut step = first;
    let mut evaluations = 0;
    // Bracketing: grow the step until it overshoots or meets the conditions.
    let (mut low, mut high) = loop {
        if evaluations == max_evaluations {
            // Out of evaluations: the last step with sufficient decrease, if any.
            return (previous.step > 0.0).then_some(previous);
        }
        evaluations += 1;
        let trial = evaluate(step);
        if !trial.value.is_finite() || !sufficient(&trial) || trial.value >= previous.value {
            break (previous, trial);
        }
        if curvature(&trial) {
            return Some(trial);
        }
        if trial.slope >= 0.0 {
            break (trial, previous);
        }
        step = (2.0 * step).max(interpolate(&previous, &trial));
        step = step.min(4.0 * trial.step);
        previous = trial;
    };
    // Zoom: shrink [low, high] until a step meets both conditions.
    while evaluations < max_evaluations {
        evaluations += 1;
        let (a, b) = (low.step.min(high.step), low.step.max(high.step));
        let width = b - a;
        let guess = if high.value.is_finite() {
            interpolate(&low, &high)
        } else {
            f64::NAN
        };
        let step = if guess.is_finite() && guess > a + 0.1 * width && guess < b - 0.1 * width {
            guess
        } else {
            a + 0.5 * width
        };
        let trial = evaluate(step);
        if !trial.value.is_finite() || !sufficient(&trial) || trial.value >= low.value {
            high = trial;
        } else {
            if curvature(&trial) {
                return Some(trial);
            }
            if trial.slope * (high.step - low.step) >= 0.0 {
                high = low;
            }
            low = trial;
        }
        if width <= f64::EPSILON * b.max(1.0) {
            break;
        }
    }
    // Out of evaluations: the best point with sufficient decrease, if any.
    (low.step > 0.0).then_some(low)
}

/// The minimiser of the cubic through two trials' values and slopes (NaN when it has none).
fn interpolate(a: &Trial, b: &Trial) -> f64 {
    let d1 = a.slope + b.slope - 3.0 * (a.value - b.value) / (a.step - b.step);
    let d2 = (d1 * d1 - a.slope * b.slope).sqrt() * (b.step - a.step).signum();
    b.step - (b.step - a.step) * (b.slope + d2 - d1) / (b.slope - a.slope + 2.0 * d2)
}

pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

fn max_abs(a: &[f64]) -> f64 {
    a.iter().fold(0.0, |m, v| m.max(v.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTINGS: Settings = Settings {
        memory: 10,
        max_iter: 1000,
        gtol: 1e-10,
        ftol: 0.0,
        max_line_search: 50,
    };

    /// Rosenbrock's valley, whose minimum is (1, 1): badly scaled and curved.
    #[test]
    fn finds_the_minimum_of_rosenbrocks_function() {
        let rosenbrock = |x: &[f64], g: &mut [f64]| {
            let (a, b) = (x[0], x[1]);
            g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            g[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        };
        let minimum = minimize(rosenbrock, vec![-1.2, 1.0], Pairs::new(), &SETTINGS);
        assert!(minimum.converged);
        assert!((minimum.x[0] - 1.0).abs() < 1e-8, "{:?}", minimum.x);
        assert!((minimum.x[1] - 1.0).abs() < 1e-8, "{:?}", minimum.x);
        assert!(
            minimum.iterations < 100,
            "{} iterations",
            minimum.iterations
        );
    }

    /// A quadratic with condition number 1e4: x_i = i at the minimum.
    #[test]
    fn finds_the_minimum_of_an_ill_conditioned_quadratic() {
        let n = 20;
        let weight = |i: usize| libm::pow(10f64, 4.0 * i as f64 / (n - 1) as f64);
        let quadratic = |x: &[f64], g: &mut [f64]| {
            (0..n)
                .map(|i| {
                    g[i] = weight(i) * (x[i] - i as f64);
                    0.5 * weight(i) * (x[i] - i as f64).powi(2)
                })
                .sum()
        };
        let minimum = minimize(quadratic, vec![0.0; n], Pairs::new(), &SETTINGS);
        assert!(minimum.converged);
        for (i, xi) in minimum.x.iter().enumerate() {
            assert!((xi - i as f64).abs() < 1e-9, "x[{i}] = {xi}");
        }
    }

    /// The iteration limit stops the solver and says it did not converge.
    #[test]
    fn stops_at_the_iteration_limit() {
        let settings = Settings {
            max_iter: 3,
            ..SETTINGS
        };
        let rosenbrock = |x: &[f64], g: &mut [f64]| {
            let (a, b) = (x[0], x[1]);
            g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            g[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        };
        let minimum = minimize(rosenbrock, vec![-1.2, 1.0], Pairs::new(), &settings);
        assert!(!minimum.converged);
        assert_eq!(minimum.iterations, 3);
    }
}
