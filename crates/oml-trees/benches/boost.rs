//! Fitting the gradient boosting machine with scikit-learn's defaults on a table the size of a
//! training fold of OpenML task 1882 (anneal) after one-hot encoding: 808 rows x 80 features
//! (20 numeric with missing values, 60 indicator columns), 6 classes, on a rayon pool of one
//! thread (as the evaluator runs a fold) and of two; and on 20,000 rows x 20 numeric features
//! and 20 classes (early stopping on, the roots of an iteration's 20 trees built together),
//! on one thread.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use linfa::prelude::*;
use ndarray::{Array1, Array2};
use oml_trees::HistGradientBoostingClassifier;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n` rows: 20 numeric features (every 4th missing in half of them), 60 indicators of 12
/// nominal columns of 5 values each, and 6 classes from a noisy score over a few of them.
fn anneal_like(n: usize) -> (Array2<f64>, Array1<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(1882);
    let mut x = Array2::zeros((n, 80));
    let mut y = Array1::zeros(n);
    for i in 0..n {
        for j in 0..20 {
            x[[i, j]] = if j % 2 == 0 && rng.gen_range(0..4) == 0 {
                f64::NAN
            } else {
                (rng.r#gen::<f64>() * 100.0).round()
            };
        }
        for c in 0..12 {
            x[[i, 20 + 5 * c + rng.gen_range(0..5)]] = 1.0;
        }
        let score = x[[i, 1]] / 25.0 + 2.0 * x[[i, 20]] + x[[i, 26]] - x[[i, 32]]
            + if x[[i, 0]].is_nan() { 1.5 } else { 0.0 }
            + rng.r#gen::<f64>();
        y[i] = (score.max(0.0) as usize).min(5);
    }
    (x, y)
}

/// `n` rows of 20 numeric features (5% missing) and 20 classes from a noisy score over four.
fn many_classes(n: usize) -> (Array2<f64>, Array1<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(20);
    let x = Array2::from_shape_fn((n, 20), |_| {
        if rng.gen_range(0..20) == 0 {
            f64::NAN
        } else {
            rng.r#gen::<f64>() * 10.0
        }
    });
    let y = x
        .rows()
        .into_iter()
        .map(|row| {
            let score: f64 = row.iter().take(4).filter(|v| !v.is_nan()).sum();
            ((score * 0.5 + rng.r#gen::<f64>() * 2.0) as usize).min(19)
        })
        .collect();
    (x, y)
}

fn fit(c: &mut Criterion) {
    let (x, y) = anneal_like(808);
    let dataset = Dataset::new(x, y);
    let params = HistGradientBoostingClassifier::params();
    let mut group = c.benchmark_group("hist_gbm_fit");
    group.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(
            BenchmarkId::new(format!("6classes_{threads}threads"), "808x80"),
            |b| b.iter(|| pool.install(|| params.fit(&dataset).unwrap())),
        );
    }
    let (x, y) = many_classes(20_000);
    let dataset = Dataset::new(x, y);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    group.bench_function(BenchmarkId::new("20classes_1threads", "20000x20"), |b| {
        b.iter(|| pool.install(|| params.fit(&dataset).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, fit);
criterion_main!(benches);
