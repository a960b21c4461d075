//! Fitting a 100-tree classification forest (unlimited depth, `max_features` sqrt) on
//! 20,000 x 20 numeric features, 2 classes, on rayon pools of 1 and 2 threads.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use linfa::prelude::*;
use oml_trees::RandomForestClassifier;

mod common;

fn fit(c: &mut Criterion) {
    let n = 20_000;
    let (x, y) = common::rows(1, 0, n);
    let dataset = Dataset::new(x, y);
    let params = RandomForestClassifier::params().n_trees(100);
    let mut group = c.benchmark_group("forest_fit");
    group.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(
            BenchmarkId::new(
                format!("100trees_{threads}threads"),
                format!("{n}x{}", common::N_FEATURES),
            ),
            |b| b.iter(|| pool.install(|| params.fit(&dataset).unwrap())),
        );
    }
    group.finish();
}

criterion_group!(benches, fit);
criterion_main!(benches);
