//! `evaluator`: what the evaluator costs around the fits it runs, and how fast a whole
//! evaluation is.
//!
//! - `overhead/spin_2ms_0.2ms/100_units`: a flow whose fit busy-waits 2 ms and whose predict
//!   busy-waits 0.2 ms, on iris with 10 times 10-fold cross-validation (100 units), on one
//!   thread. The ideal is 100 × 2.2 ms = 220 ms. Before criterion runs it, the bench prints to
//!   stderr the ratio of the total evaluate time to the sum of the units' own fit and predict
//!   wall times (`UnitResult::timings`), and the overhead per unit in microseconds (encoding
//!   the task, copying each unit's rows, scheduling, gathering results).
//! - `end_to_end/decision-tree/THREADS`: the built-in decision tree (its default pipeline:
//!   imputation, one-hot encoding) on the default synthetic dataset (1000 rows, 30 numeric and
//!   10 nominal features, 5% missing, 3 classes) with 10 times 10-fold cross-validation, on 1
//!   thread and on all cores.
//!
//! Every benchmark takes 10 samples of one evaluation each (flat sampling), so the whole bench
//! stays within a few minutes.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ndarray::Array1;
use oml_data::{DesignMatrix, SyntheticBuilder};
use oml_eval::Evaluator;

use common::{evaluation_group, evaluator};
use oml_flow::{Describe, Flow, Model, Output, TrainingSet, builtin_flow};
use oml_task::{LocalTaskBuilder, Task};

/// How long the spinning flow's fit and predict take.
const FIT: Duration = Duration::from_millis(2);
const PREDICT: Duration = Duration::from_micros(200);

/// A flow that busy-waits (no sleep, so the thread stays on its core) for a fixed time.
struct Spin;

/// The fitted spinning flow: busy-waits, then predicts class 0 for every row.
struct SpinModel;

impl Describe for Spin {
    fn name(&self) -> String {
        "bench.Spin".to_owned()
    }
}

impl Flow for Spin {
    fn fit(&self, _data: &TrainingSet<'_>, _seed: u64) -> oml_flow::Result<Box<dyn Model>> {
        spin(FIT);
        Ok(Box::new(SpinModel))
    }
}

impl Model for SpinModel {
    fn output(&self, x: &DesignMatrix) -> oml_flow::Result<Output> {
        spin(PREDICT);
        Ok(Output::Labels(Array1::zeros(x.x.nrows())))
    }
}

fn spin(duration: Duration) {
    let start = Instant::now();
    while start.elapsed() < duration {
        std::hint::spin_loop();
    }
}

fn task(builder: &mut LocalTaskBuilder, source: Option<&str>) -> Task {
    builder.resampling("cv:10:10".parse().expect("a resampling"));
    match source {
        Some(source) => builder.from_source(source).expect("the iris task"),
        None => {
            let dataset = SyntheticBuilder::new()
                .build()
                .expect("the synthetic dataset");
            builder.build(dataset).expect("the synthetic task")
        }
    }
}

/// Evaluates the spinning flow a few times outside criterion and prints how the total time
/// compares with the units' own fit and predict times.
fn report_overhead(evaluator: &Evaluator, task: &Task) {
    const RUNS: usize = 5;
    let mut ratios = Vec::with_capacity(RUNS);
    let mut per_unit_us = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let evaluation = evaluator.evaluate(&Spin, task).expect("an evaluation");
        let total_ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(evaluation.failures().count(), 0);
        let units = evaluation.units.len();
        let inside_ms: f64 = evaluation
            .units
            .iter()
            .map(|u| {
                u.timings.wall_clock_time_millis_training + u.timings.wall_clock_time_millis_testing
            })
            .sum();
        ratios.push(total_ms / inside_ms);
        per_unit_us.push((total_ms - inside_ms) * 1e3 / units as f64);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    eprintln!(
        "overhead: {} units, 1 thread, fit {:?} + predict {:?}: total / sum(unit fit + predict \
         wall) = {:.4} (median of {RUNS}; min {:.4}, max {:.4}), overhead per unit = {:.1} µs \
         (min {:.1}, max {:.1})",
        task.splits().units().len(),
        FIT,
        PREDICT,
        median(&mut ratios.clone()),
        ratios.iter().copied().fold(f64::INFINITY, f64::min),
        ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        median(&mut per_unit_us.clone()),
        per_unit_us.iter().copied().fold(f64::INFINITY, f64::min),
        per_unit_us
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max),
    );
}

fn overhead(c: &mut Criterion) {
    let task = task(&mut LocalTaskBuilder::new(), Some("builtin:iris"));
    let evaluator = evaluator(1);
    report_overhead(&evaluator, &task);
    let mut group = evaluation_group(
        c,
        "overhead",
        Duration::from_millis(500),
        Duration::from_secs(3),
    );
    group.bench_function("spin_2ms_0.2ms/100_units", |b| {
        b.iter(|| black_box(evaluator.evaluate(&Spin, &task).expect("an evaluation")))
    });
    group.finish();
}

fn end_to_end(c: &mut Criterion) {
    let task = task(&mut LocalTaskBuilder::new(), None);
    let flow = builtin_flow("decision-tree").expect("the decision tree");
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut threads = vec![1];
    if all > 1 {
        threads.push(all);
    }
    let mut group = evaluation_group(
        c,
        "end_to_end",
        Duration::from_millis(500),
        Duration::from_secs(5),
    );
    for threads in threads {
        let evaluator = evaluator(threads);
        group.bench_with_input(
            BenchmarkId::new("decision-tree", threads),
            &threads,
            |b, _| b.iter(|| black_box(evaluator.evaluate(&flow, &task).expect("an evaluation"))),
        );
    }
    group.finish();
}

criterion_group!(benches, overhead, end_to_end);
criterion_main!(benches);
