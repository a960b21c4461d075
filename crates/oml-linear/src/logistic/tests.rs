//! The logistic loss against its formulas, carried solver curvature, and warm starts.

use super::*;

/// The objective and its gradient computed row by row from their formulas: each row's
/// logits, its loss (`-ln` of the target's probability) and `(probability - [k = t]) x`.
fn reference(
    x: &[f64],
    p: usize,
    targets: &[usize],
    rows: usize,
    theta: &[f64],
) -> (f64, Vec<f64>) {
    // Without intercepts, `theta` holds the coefficients alone.
    let intercept = theta.len() > rows * p;
    let n = targets.len();
    let penalty = 0.01;
    let mut gradient = vec![0.0; theta.len()];
    let mut total = 0.0;
    for (i, &t) in targets.iter().enumerate() {
        let row = &x[i * p..(i + 1) * p];
        let logits: Vec<f64> = (0..rows)
            .map(|k| {
                let b = if intercept { theta[rows * p + k] } else { 0.0 };
                b + (0..p).map(|j| theta[k * p + j] * row[j]).sum::<f64>()
            })
            .collect();
        let probabilities: Vec<f64> = if rows == 1 {
            vec![1.0 / (1.0 + libm::exp(-logits[0]))]
        } else {
            let sum: f64 = logits.iter().map(|&l| libm::exp(l)).sum();
            logits.iter().map(|&l| libm::exp(l) / sum).collect()
        };
        let residuals: Vec<f64> = if rows == 1 {
            total -= libm::log(if t == 1 {
                probabilities[0]
            } else {
                1.0 - probabilities[0]
            });
            vec![probabilities[0] - t as f64]
        } else {
            total -= libm::log(probabilities[t]);
            (0..rows)
                .map(|k| probabilities[k] - f64::from(u8::from(k == t)))
                .collect()
        };
        for (k, r) in residuals.iter().enumerate() {
            if intercept {
                gradient[rows * p + k] += r / n as f64;
            }
            for j in 0..p {
                gradient[k * p + j] += r * row[j] / n as f64;
            }
        }
    }
    let weights = &theta[..rows * p];
    for (g, w) in gradient.iter_mut().zip(weights) {
        *g += penalty * w;
    }
    let norm: f64 = weights.iter().map(|w| w * w).sum();
    (total / n as f64 + 0.5 * penalty * norm, gradient)
}

/// The loss and gradient of `x` with its mostly-zero columns read sparse and read dense,
/// against [`reference`], at a few points.
fn against_reference(x: &[f64], p: usize, targets: &[usize], rows: usize, intercept: bool) {
    let n = targets.len();
    let records = ndarray::ArrayView2::from_shape((n, p), x).unwrap();
    let sparse = Design::new(records).unwrap();
    assert!(sparse.n_sparse() > 0, "mostly zeros");
    assert!(sparse.n_sparse() < p, "numeric columns");
    let dense = Design::laid_out(records, false).unwrap();
    assert_eq!(dense.n_sparse(), 0);
    let problem = |x| Problem {
        x,
        targets,
        rows,
        intercept,
        penalty: 0.01,
    };
    let (sparse, dense) = (problem(&sparse), problem(&dense));
    let width = rows * p + if intercept { rows } else { 0 };
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + b.abs());
    for step in [0.0, 0.3, -1.7] {
        let theta: Vec<f64> = (0..width)
            .map(|i| step * libm::sin(i as f64 * 0.37))
            .collect();
        let (mut g_sparse, mut g_dense) = (vec![0.0; width], vec![0.0; width]);
        let mut scratch = Scratch::default();
        let l_sparse = sparse.loss(&theta, &mut g_sparse, &mut scratch);
        let l_dense = dense.loss(&theta, &mut g_dense, &mut scratch);
        let (l_reference, g_reference) = reference(x, p, targets, rows, &theta);
        assert!(
            close(l_sparse, l_reference) && close(l_dense, l_reference),
            "step {step}: {l_sparse}, {l_dense} against {l_reference}"
        );
        for (i, ((s, d), r)) in g_sparse.iter().zip(&g_dense).zip(&g_reference).enumerate() {
            assert!(
                close(*s, *r) && close(*d, *r),
                "step {step}, component {i}: {s}, {d} against {r}"
            );
        }
    }
}

/// Down a path of 20 decreasing `C`s on 600 rows of numeric and one-hot columns and three
/// classes, each fit started at the last one's solution converges to the objective a cold
/// fit reaches (within 2%: the gradient tolerance leaves that much on the flat objectives
/// of large `C`s, where cold fits differ as much from the optimum) in under half the cold
/// fits' iterations; a start fitted to other classes or features is not used.
#[test]
fn warm_starts_reach_the_same_optimum_in_fewer_iterations() {
    let (n, groups, levels, numeric) = (600, 5, 6, 10);
    let p = numeric + groups * levels;
    let mut x = Array2::zeros((n, p));
    let mut y = Array1::zeros(n);
    for i in 0..n {
        let mut score = [0.0; 3];
        for j in 0..numeric {
            let v = libm::sin((i * 31 + j * 17) as f64 * 0.61) * 1.7;
            x[[i, j]] = v;
            score[j % 3] += v * (1.0 + j as f64 * 0.1);
        }
        for g in 0..groups {
            let level = (i * (g + 2) + i / 7) % levels;
            x[[i, numeric + g * levels + level]] = 1.0;
            score[(g + level) % 3] += 0.7;
        }
        score[0] += libm::cos(i as f64 * 0.37) * 2.0;
        y[i] = (0..3)
            .max_by(|&a, &b| score[a].total_cmp(&score[b]))
            .unwrap();
    }
    let design = Design::new(x.view()).unwrap();
    let targets = y.to_vec();
    // The objective of C at a fitted model's coefficients and intercepts.
    let objective = |model: &LogisticRegression, c: f64| {
        let problem = Problem {
            x: &design,
            targets: &targets,
            rows: 3,
            intercept: true,
            penalty: 1.0 / (c * n as f64),
        };
        let theta: Vec<f64> = model
            .coefficients
            .iter()
            .chain(&model.intercepts)
            .copied()
            .collect();
        let mut gradient = vec![0.0; theta.len()];
        problem.loss(&theta, &mut gradient, &mut Scratch::default())
    };
    let (mut cold_iterations, mut warm_iterations) = (0, 0);
    let mut previous: Option<LogisticRegression> = None;
    for step in 0..20 {
        let c = libm::pow(10f64, 3.0 - 6.0 * step as f64 / 19.0);
        let params = LogisticRegression::params().c(c).check().unwrap();
        let cold = params.fit_records(x.view(), y.view()).unwrap();
        let warm = params
            .fit_records_from(x.view(), y.view(), previous.as_ref())
            .unwrap();
        let (cold_objective, warm_objective) = (objective(&cold, c), objective(&warm, c));
        assert!(warm.converged, "C {c}");
        assert!(
            (warm_objective - cold_objective).abs() <= 0.02 * cold_objective,
            "C {c}: objective {warm_objective} warm, {cold_objective} cold"
        );
        cold_iterations += cold.iterations;
        warm_iterations += warm.iterations;
        previous = Some(warm);
    }
    assert!(
        2 * warm_iterations < cold_iterations,
        "{warm_iterations} warm iterations against {cold_iterations} cold"
    );
    // A start of two classes, or of fewer features, is left aside: the cold fit, exactly.
    let params = LogisticRegression::params().check().unwrap();
    let cold = params.fit_records(x.view(), y.view()).unwrap();
    let two = y.mapv(|c| c.min(1));
    let other_classes = params.fit_records(x.view(), two.view()).unwrap();
    let narrower = params
        .fit_records(x.slice(ndarray::s![.., ..numeric]), y.view())
        .unwrap();
    for start in [&other_classes, &narrower] {
        let fit = params
            .fit_records_from(x.view(), y.view(), Some(start))
            .unwrap();
        assert_eq!(fit, cold);
    }
}

/// A correction pair carried to another penalty is the new objective's: between two
/// points, the gradient difference at penalty 0.05 carried to 0.2 (and back) is the one
/// computed at 0.2 (at 0.05), intercepts included; a pair of another width is dropped.
#[test]
fn carried_pairs_are_the_new_objectives_gradient_differences() {
    let (n, p, rows) = (40, 3, 3);
    let x: Vec<f64> = (0..n * p)
        .map(|i| libm::sin(i as f64 * 0.83) * 2.0)
        .collect();
    let targets: Vec<usize> = (0..n).map(|i| (i * 5) % 3).collect();
    let design = Design::new(ndarray::ArrayView2::from_shape((n, p), &x).unwrap()).unwrap();
    let width = rows * p + rows;
    let gradient_difference = |penalty: f64, a: &[f64], b: &[f64]| {
        let problem = Problem {
            x: &design,
            targets: &targets,
            rows,
            intercept: true,
            penalty,
        };
        let (mut ga, mut gb) = (vec![0.0; width], vec![0.0; width]);
        problem.loss(a, &mut ga, &mut Scratch::default());
        problem.loss(b, &mut gb, &mut Scratch::default());
        gb.iter().zip(&ga).map(|(b, a)| b - a).collect::<Vec<f64>>()
    };
    let a: Vec<f64> = (0..width).map(|i| libm::cos(i as f64 * 0.41)).collect();
    let b: Vec<f64> = (0..width)
        .map(|i| libm::sin(i as f64 * 0.29) - 0.2)
        .collect();
    let s: Vec<f64> = b.iter().zip(&a).map(|(b, a)| b - a).collect();
    for (from, to) in [(0.05, 0.2), (0.2, 0.05)] {
        let y = gradient_difference(from, &a, &b);
        let rho = 1.0 / dot(&s, &y);
        let mut pairs = Pairs::new();
        pairs.push_back((s.clone(), y, rho));
        pairs.push_back((vec![1.0; width + 1], vec![1.0; width + 1], 1.0));
        let carried = carried_pairs(&pairs, to - from, rows * p, width);
        assert_eq!(carried.len(), 1, "the pair of another width is dropped");
        let (carried_s, carried_y, carried_rho) = &carried[0];
        assert_eq!(carried_s, &s);
        let expected = gradient_difference(to, &a, &b);
        for (i, (c, e)) in carried_y.iter().zip(&expected).enumerate() {
            assert!(
                (c - e).abs() < 1e-12,
                "{from} to {to}, component {i}: {c} against {e}"
            );
        }
        assert!((carried_rho - 1.0 / dot(&s, &expected)).abs() < 1e-9 * carried_rho.abs());
    }
}

/// One-hot columns beside numeric ones, binary and multinomial (three and five classes),
/// with and without intercepts, with more rows than a whole number of record blocks and
/// sum lanes.
#[test]
fn the_loss_and_gradient_are_their_formulas() {
    let (n, levels) = (61, 8);
    let p = 2 + levels;
    let mut x = vec![0.0; n * p];
    for i in 0..n {
        x[i * p] = libm::cos(i as f64 * 0.77) * 3.0;
        x[i * p + 1] = if i % 5 == 0 {
            0.0
        } else {
            i as f64 / 7.0 - 4.0
        };
        x[i * p + 2 + (i * 3) % levels] = 1.0;
    }
    let three: Vec<usize> = (0..n).map(|i| (i * 7) % 3).collect();
    against_reference(&x, p, &three, 3, true);
    let two: Vec<usize> = (0..n).map(|i| (i * 7) % 2).collect();
    against_reference(&x, p, &two, 1, true);
    against_reference(&x, p, &two, 1, false);
    // Five classes: the dense kernels' groups of three and two.
    let five: Vec<usize> = (0..n).map(|i| (i * 7) % 5).collect();
    against_reference(&x, p, &five, 5, true);
    against_reference(&x, p, &five, 5, false);
}
