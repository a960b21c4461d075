//! What the evaluator's benches share.

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use oml_eval::{Evaluator, EvaluatorBuilder};

/// An evaluator on `threads` threads with seed 0.
pub fn evaluator(threads: usize) -> Evaluator {
    EvaluatorBuilder::new()
        .threads(threads)
        .seed(0)
        .build()
        .expect("an evaluator")
}

/// A group of whole evaluations, each long enough to be timed once per sample: 10 flat
/// samples after `warm_up`, over `measurement`.
pub fn evaluation_group<'a>(
    c: &'a mut Criterion,
    name: &str,
    warm_up: Duration,
    measurement: Duration,
) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(warm_up)
        .measurement_time(measurement);
    group
}
