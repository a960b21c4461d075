//! Fitting one classification tree on 100,000 x 20 numeric features, 2 classes, one thread:
//! at depth 10 and unlimited depth.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use linfa::prelude::*;
use oml_trees::DecisionTreeClassifier;

mod common;

fn fit(c: &mut Criterion) {
    let n = 100_000;
    let (x, y) = common::rows(1, 0, n);
    let dataset = Dataset::new(x, y);
    let mut group = c.benchmark_group("tree_fit");
    group.sample_size(10);
    for (name, depth) in [("depth10", Some(10)), ("unlimited", None)] {
        let params = DecisionTreeClassifier::params().max_depth(depth);
        group.bench_function(
            BenchmarkId::new(name, format!("{n}x{}", common::N_FEATURES)),
            |b| b.iter(|| params.fit(&dataset).unwrap()),
        );
    }
    group.finish();
}

criterion_group!(benches, fit);
criterion_main!(benches);
