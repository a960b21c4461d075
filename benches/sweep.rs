//! `sweep`: how many runs per second a sweep of many small tasks x flows makes, and how that
//! scales with the threads of each job's evaluator.
//!
//! - `sweep/in_process/THREADS`: the 72 jobs of [`SWEEP`] (iris and winequality, each with
//!   4-fold cross-validation and with two 33% holdouts, x tree at depths 3 and 6, gaussian-nb,
//!   knn with k 5 and 15 and logistic-regression, x 3 seeds), run with `oml::sweep::run_jobs`
//!   in this process, one job after another, each evaluated on THREADS threads (1 and 2), into
//!   a fresh, empty run store.
//!   Each iteration is the whole sweep: reading the tasks, making and hashing their splits,
//!   building the flows, fitting and predicting every unit, computing the measures, packaging
//!   each run (predictions ARFF, run XML, manifest) and writing it to the store. Expanding the
//!   sweep file into jobs and making and deleting the temporary store are outside the timing.
//!
//! How to read it: criterion's `thrpt` line is in runs per second (`elem/s`, one element per
//! job); `time` is one whole sweep. THREADS 2 over THREADS 1 is the speed-up of the evaluator's
//! parallel units on small tasks (4 or 2 units per job): short of 2 where per-job work that
//! does not run in parallel (reading the task, packaging and writing the run) weighs in.
//! Before criterion runs, the bench runs the sweep once and prints to stderr the seconds each
//! flow took, so a regression can be traced to a flow.
//!
//! The evaluator's own overhead (`crates/oml-eval/benches/evaluator.rs`), data loading
//! (`crates/oml-data/benches/arff_parse.rs`) and the trees (`crates/oml-trees/benches/`) have
//! their own benches; `cargo bench` at the workspace root runs them all.
//!
//! Every benchmark takes 10 samples of one sweep each (flat sampling); a sweep takes about 2 s
//! on one thread, so the bench takes about a minute. For a first look, `cargo bench -p
//! oml-benches -- --quick`, or `cargo bench -- --quick` for every bench of the workspace.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{
    BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use oml::run::RunStore;
use oml::sweep::{Isolation, Job, JobStatus, Sweep, SweepOptions, SweepOutcome, run_jobs};

/// The sweep: 4 tasks x 6 flow configurations x 3 seeds = 72 jobs, every one of them small.
const SWEEP: &str = r#"
seeds = "0..3"
tasks = [
  { task = "builtin:iris", resampling = "cv:4" },
  { task = "builtin:iris", resampling = "holdout:33:2" },
  { task = "builtin:winequality", resampling = "cv:4" },
  { task = "builtin:winequality", resampling = "holdout:33:2" },
]

[[flows]]
name = "decision-tree"
grid = { max_depth = [3, 6] }

[[flows]]
name = "gaussian-nb"

[[flows]]
name = "knn"
grid = { k = [5, 15] }

[[flows]]
name = "logistic-regression"
"#;

/// The jobs of [`SWEEP`], in the sweep's order.
fn jobs() -> Vec<Job> {
    let sweep = Sweep::from_toml(SWEEP, Path::new("benches/sweep.rs")).expect("the sweep file");
    sweep
        .jobs(&mut |suite| Err(format!("no suites in this bench ({suite})")))
        .expect("the sweep's jobs")
}

/// A new, empty temporary directory for a run store.
fn store_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Runs every job in this process on `threads` threads into a run store in `dir`.
fn run(jobs: &[&Job], threads: usize, dir: &Path) -> SweepOutcome {
    let options = SweepOptions {
        store: RunStore::new(dir),
        threads: Some(threads),
        resume: false,
        isolation: Isolation::InProcess,
    };
    run_jobs(jobs, &options, &mut |_, _| {}).expect("the sweep runs")
}

/// Panics unless every job was computed.
fn check(outcome: &SweepOutcome, n_jobs: usize) {
    if let Some(failed) = outcome.failed().first() {
        panic!("job {} failed: {:?}", failed.label, failed.status);
    }
    assert_eq!(outcome.done(), n_jobs, "every job is computed");
}

/// Runs the sweep once outside criterion and prints the seconds each flow took, and the total.
fn report_flows(jobs: &[&Job]) {
    let dir = store_dir();
    let outcome = run(jobs, 1, dir.path());
    check(&outcome, jobs.len());
    let mut per_flow: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for (job, outcome) in jobs.iter().zip(&outcome.jobs) {
        if let JobStatus::Done { seconds } = outcome.status {
            let entry = per_flow.entry(job.flow.clone()).or_default();
            entry.0 += 1;
            entry.1 += seconds;
        }
    }
    let total: f64 = per_flow.values().map(|(_, seconds)| seconds).sum();
    let flows: Vec<String> = per_flow
        .iter()
        .map(|(flow, (n, seconds))| format!("{flow} {n} jobs {seconds:.3} s"))
        .collect();
    eprintln!(
        "sweep: {} jobs on 1 thread, {total:.3} s in jobs: {}",
        jobs.len(),
        flows.join(", ")
    );
}

fn sweep(c: &mut Criterion) {
    let jobs = jobs();
    let jobs: Vec<&Job> = jobs.iter().collect();
    let n_jobs = jobs.len();
    // Only when a benchmark of the group runs (criterion calls the closure only then), so a
    // filter that picks another bench costs nothing here.
    let mut reported = false;
    let mut group = c.benchmark_group("sweep");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(25))
        .throughput(Throughput::Elements(n_jobs as u64));
    for threads in [1, 2] {
        group.bench_with_input(
            BenchmarkId::new("in_process", threads),
            &threads,
            |b, &threads| {
                if !reported {
                    report_flows(&jobs);
                    reported = true;
                }
                // The store is made before and deleted after the timed sweep: criterion drops
                // what the routine returns outside the timing.
                b.iter_batched(
                    store_dir,
                    |dir| {
                        let outcome = run(black_box(&jobs), threads, dir.path());
                        check(&outcome, n_jobs);
                        (dir, outcome)
                    },
                    BatchSize::PerIteration,
                )
            },
        );
    }
    group.finish();
}

criterion_group!(benches, sweep);
criterion_main!(benches);
