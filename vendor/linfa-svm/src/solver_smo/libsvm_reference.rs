//! oml patch: the C-SVC solver against a port of libsvm's `Solver` (svm.cpp of LIBSVM 3.x,
//! C-SVC with `p = -1`) on the same matrix `Q`: the same `alpha`, `rho` and iteration count bit
//! for bit, with and without shrinking, on random tables, kernels, tolerances and a C per
//! class. Written in review of the oml patch; it found 0.8.1's sign error in `should_shrunk`.

use super::{SolverParams, SolverState};
use crate::classification::fit_c;
use crate::permutable_kernel::{KernelSource, Permutable, PermutableKernel};
use linfa::traits::Transformer;
use linfa_kernel::{Kernel, KernelMethod};
use ndarray::Array2;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1_u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() * n as f64) as usize % n
    }
}

#[test]
fn a_violating_negative_variable_at_zero_is_not_shrunk() {
    // var 0: y=+1, alpha=0, G=-1 (I_up, -yG = 1 => Gmax1 = 1)
    // var 1: y=-1, alpha=0, G=-2 (I_low, yG = 2 => Gmax2 = 2). Pair (0,1) violates: 1 > -2.
    let data = ndarray::array![[0.0], [1.0]];
    let kernel = Kernel::params()
        .method(KernelMethod::Linear)
        .transform(data.view());
    let targets = vec![true, false];
    let k = PermutableKernel::new(kernel, targets.clone());
    let mut s = SolverState::new(
        vec![0.0, 0.0],
        vec![-1.0, -1.0],
        targets,
        data.view(),
        k,
        vec![1.0, 1.0],
        SolverParams {
            eps: 1e-3,
            shrinking: true,
        },
        false,
    );
    s.gradient = vec![-1.0, -2.0];
    let (g1, g2) = s.max_violating_pair();
    let (i, j, optimal) = s.select_working_set();
    assert_eq!((i, j, optimal), (0, 1, false));
    // libsvm be_shrunk: y=-1 at lower -> G[i] > Gmax1  (-2 > 1: false)
    assert!(
        !s.should_shrunk(1, g1.0, g2.0),
        "shrinks variable 1, which is in the working set"
    );
}

fn table(rng: &mut Rng, rows: usize, cols: usize, noise: f64) -> (Array2<f64>, Vec<bool>) {
    let data = Array2::from_shape_fn((rows, cols), |_| rng.next() * 4.0 - 2.0);
    let targets = data
        .outer_iter()
        .map(|r| r[0] * r[1] + noise * (rng.next() - 0.5) > 0.0)
        .collect();
    (data, targets)
}

#[test]
fn computed_rows_read_as_the_dense_matrix_under_random_swaps() {
    let mut rng = Rng(0xdead_beef_1234_5678);
    for round in 0..20 {
        let n = 5 + rng.below(40);
        let (data, targets) = table(&mut rng, n, 3, 1.0);
        let method = if round % 2 == 0 {
            KernelMethod::Gaussian(0.7)
        } else {
            KernelMethod::Polynomial(0.5, 3.0)
        };
        let params = Kernel::params().method(method);
        let mut dense = PermutableKernel::new(params.transform(data.view()), targets.clone());
        let cap_rows = 1 + rng.below(6);
        let source = KernelSource::of(&params, data.view(), 0, cap_rows * n * 8);
        let mut computed = PermutableKernel::from_source(source, targets.clone());
        for _ in 0..500 {
            if rng.next() < 0.4 {
                let (i, j) = (rng.below(n), rng.below(n));
                dense.swap_indices(i, j);
                computed.swap_indices(i, j);
            } else {
                let idx = rng.below(n);
                let len = rng.below(n + 1);
                let a = dense.distances(idx, len);
                let b = computed.distances(idx, len);
                assert_eq!(a.len(), b.len());
                for (x, y) in a.iter().zip(b.iter()) {
                    assert!((x - y).abs() < 1e-12, "{} vs {}", x, y);
                }
                assert!((dense.self_distance(idx) - computed.self_distance(idx)).abs() < 1e-12);
            }
        }
    }
}

/// libsvm 3.x Solver (C-SVC, p = -1), written from svm.cpp, on a dense Q (f64), with its own
/// row/column swaps. Returns (alpha in the original order, rho, iterations).
fn libsvm_solve(
    q0: &Array2<f64>,
    y0: &[bool],
    cp: f64,
    cn: f64,
    eps: f64,
    shrinking: bool,
) -> (Vec<f64>, f64, usize) {
    let l = y0.len();
    let mut q = q0.clone();
    let mut y: Vec<f64> = y0.iter().map(|&t| if t { 1.0 } else { -1.0 }).collect();
    let mut c: Vec<f64> = y0.iter().map(|&t| if t { cp } else { cn }).collect();
    let mut alpha = vec![0.0; l];
    let mut p = vec![-1.0; l];
    let mut qd: Vec<f64> = (0..l).map(|i| q[(i, i)]).collect();
    let mut active_set: Vec<usize> = (0..l).collect();
    let mut active_size = l;
    let mut g = p.clone();
    let mut g_bar = vec![0.0; l];
    let mut unshrink = false;
    let up = |a: &Vec<f64>, c: &Vec<f64>, i: usize| a[i] >= c[i];
    let lo = |a: &Vec<f64>, i: usize| a[i] <= 0.0;
    macro_rules! swap_index {
        ($i:expr, $j:expr) => {{
            let (i, j) = ($i, $j);
            y.swap(i, j);
            g.swap(i, j);
            alpha.swap(i, j);
            p.swap(i, j);
            active_set.swap(i, j);
            g_bar.swap(i, j);
            c.swap(i, j);
            qd.swap(i, j);
            for k in 0..l {
                q.swap((i, k), (j, k));
            }
            for k in 0..l {
                q.swap((k, i), (k, j));
            }
        }};
    }
    macro_rules! reconstruct {
        () => {{
            if active_size != l {
                for j in active_size..l {
                    g[j] = g_bar[j] + p[j];
                }
                let mut nr_free = 0;
                for j in 0..active_size {
                    if !up(&alpha, &c, j) && !lo(&alpha, j) {
                        nr_free += 1;
                    }
                }
                if nr_free * l > 2 * active_size * (l - active_size) {
                    for i in active_size..l {
                        for j in 0..active_size {
                            if !up(&alpha, &c, j) && !lo(&alpha, j) {
                                g[i] += alpha[j] * q[(i, j)];
                            }
                        }
                    }
                } else {
                    for i in 0..active_size {
                        if !up(&alpha, &c, i) && !lo(&alpha, i) {
                            for j in active_size..l {
                                g[j] += alpha[i] * q[(i, j)];
                            }
                        }
                    }
                }
            }
        }};
    }
    macro_rules! select {
        () => {{
            let (mut gmax, mut gmax2, mut gmax_idx, mut gmin_idx, mut obj_min) = (
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
                usize::MAX,
                usize::MAX,
                f64::INFINITY,
            );
            for t in 0..active_size {
                if y[t] > 0.0 {
                    if !up(&alpha, &c, t) && -g[t] >= gmax {
                        gmax = -g[t];
                        gmax_idx = t;
                    }
                } else if !lo(&alpha, t) && g[t] >= gmax {
                    gmax = g[t];
                    gmax_idx = t;
                }
            }
            let i = gmax_idx;
            for j in 0..active_size {
                if y[j] > 0.0 {
                    if !lo(&alpha, j) {
                        let gd = gmax + g[j];
                        if g[j] >= gmax2 {
                            gmax2 = g[j];
                        }
                        if gd > 0.0 {
                            let qc = qd[i] + qd[j] - 2.0 * y[i] * q[(i, j)];
                            let od = if qc > 0.0 {
                                -(gd * gd) / qc
                            } else {
                                -(gd * gd) / 1e-10
                            };
                            if od <= obj_min {
                                gmin_idx = j;
                                obj_min = od;
                            }
                        }
                    }
                } else if !up(&alpha, &c, j) {
                    let gd = gmax - g[j];
                    if -g[j] >= gmax2 {
                        gmax2 = -g[j];
                    }
                    if gd > 0.0 {
                        let qc = qd[i] + qd[j] + 2.0 * y[i] * q[(i, j)];
                        let od = if qc > 0.0 {
                            -(gd * gd) / qc
                        } else {
                            -(gd * gd) / 1e-10
                        };
                        if od <= obj_min {
                            gmin_idx = j;
                            obj_min = od;
                        }
                    }
                }
            }
            if gmax + gmax2 < eps || gmin_idx == usize::MAX {
                None
            } else {
                Some((gmax_idx, gmin_idx))
            }
        }};
    }
    let max_iter = usize::max(10_000_000, 100 * l);
    let mut counter = l.min(1000) + 1;
    let mut iter = 0;
    while iter < max_iter {
        counter -= 1;
        if counter == 0 {
            counter = l.min(1000);
            if shrinking {
                let (mut g1, mut g2) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
                for i in 0..active_size {
                    if y[i] > 0.0 {
                        if !up(&alpha, &c, i) && -g[i] >= g1 {
                            g1 = -g[i];
                        }
                        if !lo(&alpha, i) && g[i] >= g2 {
                            g2 = g[i];
                        }
                    } else {
                        if !up(&alpha, &c, i) && -g[i] >= g2 {
                            g2 = -g[i];
                        }
                        if !lo(&alpha, i) && g[i] >= g1 {
                            g1 = g[i];
                        }
                    }
                }
                if !unshrink && g1 + g2 <= eps * 10.0 {
                    unshrink = true;
                    reconstruct!();
                    active_size = l;
                }
                let be_shrunk =
                    |alpha: &Vec<f64>, c: &Vec<f64>, y: &Vec<f64>, g: &Vec<f64>, i: usize| {
                        if up(alpha, c, i) {
                            if y[i] > 0.0 {
                                -g[i] > g1
                            } else {
                                -g[i] > g2
                            }
                        } else if lo(alpha, i) {
                            if y[i] > 0.0 {
                                g[i] > g2
                            } else {
                                g[i] > g1
                            }
                        } else {
                            false
                        }
                    };
                let mut i = 0;
                while i < active_size {
                    if be_shrunk(&alpha, &c, &y, &g, i) {
                        active_size -= 1;
                        while active_size > i {
                            if !be_shrunk(&alpha, &c, &y, &g, active_size) {
                                swap_index!(i, active_size);
                                break;
                            }
                            active_size -= 1;
                        }
                    }
                    i += 1;
                }
            }
        }
        let (i, j) = match select!() {
            Some(ws) => ws,
            None => {
                reconstruct!();
                active_size = l;
                match select!() {
                    Some(ws) => {
                        counter = 1;
                        ws
                    }
                    None => break,
                }
            }
        };
        iter += 1;
        let (ci, cj) = (c[i], c[j]);
        let (oi, oj) = (alpha[i], alpha[j]);
        if y[i] != y[j] {
            let mut qc = qd[i] + qd[j] + 2.0 * q[(i, j)];
            if qc <= 0.0 {
                qc = 1e-10;
            }
            let delta = (-g[i] - g[j]) / qc;
            let diff = alpha[i] - alpha[j];
            alpha[i] += delta;
            alpha[j] += delta;
            if diff > 0.0 {
                if alpha[j] < 0.0 {
                    alpha[j] = 0.0;
                    alpha[i] = diff;
                }
            } else if alpha[i] < 0.0 {
                alpha[i] = 0.0;
                alpha[j] = -diff;
            }
            if diff > ci - cj {
                if alpha[i] > ci {
                    alpha[i] = ci;
                    alpha[j] = ci - diff;
                }
            } else if alpha[j] > cj {
                alpha[j] = cj;
                alpha[i] = cj + diff;
            }
        } else {
            let mut qc = qd[i] + qd[j] - 2.0 * q[(i, j)];
            if qc <= 0.0 {
                qc = 1e-10;
            }
            let delta = (g[i] - g[j]) / qc;
            let sum = alpha[i] + alpha[j];
            alpha[i] -= delta;
            alpha[j] += delta;
            if sum > ci {
                if alpha[i] > ci {
                    alpha[i] = ci;
                    alpha[j] = sum - ci;
                }
            } else if alpha[j] < 0.0 {
                alpha[j] = 0.0;
                alpha[i] = sum;
            }
            if sum > cj {
                if alpha[j] > cj {
                    alpha[j] = cj;
                    alpha[i] = sum - cj;
                }
            } else if alpha[i] < 0.0 {
                alpha[i] = 0.0;
                alpha[j] = sum;
            }
        }
        let (dai, daj) = (alpha[i] - oi, alpha[j] - oj);
        for k in 0..active_size {
            g[k] += q[(i, k)] * dai + q[(j, k)] * daj;
        }
        let (ui, uj) = (oi >= ci, oj >= cj);
        if ui != up(&alpha, &c, i) {
            for k in 0..l {
                g_bar[k] += if ui { -ci } else { ci } * q[(i, k)];
            }
        }
        if uj != up(&alpha, &c, j) {
            for k in 0..l {
                g_bar[k] += if uj { -cj } else { cj } * q[(j, k)];
            }
        }
    }
    if iter >= max_iter && active_size < l {
        reconstruct!();
        active_size = l;
    }
    let (mut nf, mut sf, mut ub, mut lb) = (0, 0.0, f64::INFINITY, f64::NEG_INFINITY);
    for i in 0..active_size {
        let yg = y[i] * g[i];
        if up(&alpha, &c, i) {
            if y[i] < 0.0 {
                ub = ub.min(yg)
            } else {
                lb = lb.max(yg)
            }
        } else if lo(&alpha, i) {
            if y[i] > 0.0 {
                ub = ub.min(yg)
            } else {
                lb = lb.max(yg)
            }
        } else {
            nf += 1;
            sf += yg;
        }
    }
    let rho = if nf > 0 {
        sf / nf as f64
    } else {
        (ub + lb) / 2.0
    };
    let mut out = vec![0.0; l];
    for i in 0..l {
        out[active_set[i]] = alpha[i];
    }
    (out, rho, iter)
}

#[test]
fn fits_are_libsvms_bit_for_bit_with_and_without_shrinking() {
    let mut rng = Rng(0x0bad_cafe_f00d_1234);
    let mut mismatches = 0;
    for case in 0..60 {
        let rows = 40 + rng.below(400);
        let cols = 2 + rng.below(4);
        let noise = 0.3 + 2.0 * rng.next();
        let (data, targets) = table(&mut rng, rows, cols, noise);
        if targets.iter().all(|&t| t) || targets.iter().all(|&t| !t) {
            continue;
        }
        let cpos = [0.1, 1.0, 5.0, 100.0][rng.below(4)];
        let cneg = [0.1, 1.0, 5.0, 100.0][rng.below(4)];
        let eps = [1e-3, 1e-6, 1e-10][rng.below(3)];
        let method = match case % 3 {
            0 => KernelMethod::Gaussian(0.5 + rng.next()),
            1 => KernelMethod::Polynomial(1.0, 2.0),
            _ => KernelMethod::Linear,
        };
        let params = Kernel::params().method(method.clone());
        let pk = PermutableKernel::new(params.transform(data.view()), targets.clone());
        let q = Array2::from_shape_fn((rows, rows), |(i, j)| pk.distances(i, rows)[j]);
        for shrinking in [false, true] {
            let (a_ref, rho_ref, it_ref) = libsvm_solve(&q, &targets, cpos, cneg, eps, shrinking);
            let source = KernelSource::of(&params, data.view(), usize::MAX, 0);
            let m = fit_c(
                SolverParams { eps, shrinking },
                data.view(),
                source,
                &targets,
                cpos,
                cneg,
            );
            let same_alpha = a_ref
                .iter()
                .zip(&m.alpha)
                .zip(&targets)
                .all(|((a, b), &t)| (if t { *a } else { -*a }).to_bits() == b.to_bits());
            let same = same_alpha && rho_ref.to_bits() == m.rho.to_bits() && it_ref == m.iterations;
            if !same {
                mismatches += 1;
                eprintln!("MISMATCH case {} {:?} rows {} C {}/{} eps {} shrinking {}: iterations {} vs libsvm {}, rho {} vs {}, same alpha {}",
                    case, method, rows, cpos, cneg, eps, shrinking, m.iterations, it_ref, m.rho, rho_ref, same_alpha);
            }
        }
    }
    assert_eq!(mismatches, 0);
}

#[test]
fn linear_weights_after_shrinking_are_the_support_vectors_sum() {
    let mut rng = Rng(0x5555_aaaa_1234_4321);
    for _ in 0..10 {
        let (data, targets) = table(&mut rng, 300, 3, 2.0);
        let params = Kernel::params().method(KernelMethod::Linear);
        let source = KernelSource::of(&params, data.view(), usize::MAX, 0);
        let m = fit_c(
            SolverParams {
                eps: 1e-3,
                shrinking: true,
            },
            data.view(),
            source,
            &targets,
            5.0,
            1.0,
        );
        let mut w = ndarray::Array1::<f64>::zeros(3);
        for (row, a) in data.outer_iter().zip(&m.alpha) {
            w.scaled_add(*a, &row);
        }
        match m.sep_hyperplane {
            super::SeparatingHyperplane::Linear(ref x) => {
                assert!((x - &w).iter().all(|d| d.abs() < 1e-9), "{} vs {}", x, w)
            }
            _ => unreachable!(),
        }
    }
}
