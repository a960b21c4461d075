//! The repeat/fold/sample evaluator: every unit of a task's splits fitted and predicted on a
//! rayon pool, gathered in unit order.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use cpu_time::ThreadTime;
use ndarray::{Array1, Axis};
use oml_data::DesignMatrix;
use oml_flow::{
    Flow, Model, Predictions, Target, TaskKind, TraceIteration, TrainingSet, unit_seed,
};
use oml_task::{SplitUnit, Task, TaskType};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::timing::Timings;

/// Configures an [`Evaluator`].
#[derive(Debug, Clone, Default)]
pub struct EvaluatorBuilder {
    threads: Option<usize>,
    seed: u64,
    fail_fast: bool,
}

impl EvaluatorBuilder {
    /// A builder with the defaults.
    pub fn new() -> Self {
        EvaluatorBuilder::default()
    }

    /// The number of threads units run on. By default, all cores (rayon's default).
    pub fn threads(&mut self, threads: usize) -> &mut Self {
        self.threads = Some(threads);
        self
    }

    /// The run seed, from which each unit's fit seed is derived ([`oml_flow::unit_seed`]).
    /// By default, 0.
    pub fn seed(&mut self, seed: u64) -> &mut Self {
        self.seed = seed;
        self
    }

    /// Stops at the first failing unit instead of finishing the others. By default, the
    /// other units finish.
    pub fn fail_fast(&mut self, yes: bool) -> &mut Self {
        self.fail_fast = yes;
        self
    }

    /// The evaluator; a thread count of 0 is an error.
    pub fn build(&self) -> Result<Evaluator> {
        let mut pool = rayon::ThreadPoolBuilder::new();
        if let Some(threads) = self.threads {
            if threads == 0 {
                return Err(Error::Config(
                    "the thread count must be at least 1".to_owned(),
                ));
            }
            pool = pool.num_threads(threads);
        }
        let pool = pool.build().map_err(|e| Error::Config(e.to_string()))?;
        Ok(Evaluator {
            pool,
            seed: self.seed,
            fail_fast: self.fail_fast,
        })
    }
}

/// Runs flows on tasks. Build it once with [`EvaluatorBuilder`] and use it many times.
#[derive(Debug)]
pub struct Evaluator {
    pool: rayon::ThreadPool,
    seed: u64,
    fail_fast: bool,
}

/// What one unit (repeat, fold, sample) produced.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitResult {
    /// The repeat, from 0.
    pub repeat: u32,
    /// The fold, from 0.
    pub fold: u32,
    /// The learning-curve sample, from 0.
    pub sample: u32,
    /// The seed the flow was fitted with.
    pub seed: u64,
    /// The rows predicted, in split-file order (clustering: the training rows).
    pub rows: Vec<u32>,
    /// The predictions for `rows`, or why there are none.
    pub outcome: std::result::Result<Predictions, String>,
    /// CPU and wall time of fitting and predicting.
    pub timings: Timings,
    /// The most heap bytes the unit's thread held while it fitted and predicted, above what
    /// it held before ([`crate::peak_heap_bytes`]); `None` without the counting allocator.
    pub peak_heap_bytes: Option<u64>,
    /// The trace of the search that chose the unit's model (a tuned flow's), in candidate
    /// order; empty for other flows.
    pub trace: Vec<TraceIteration>,
}

/// The result of a flow on a task: one [`UnitResult`] per unit, in (repeat, fold, sample)
/// order.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// What the task asked for.
    pub kind: TaskKind,
    /// The run seed.
    pub seed: u64,
    /// Every unit's result, in (repeat, fold, sample) order; with fail-fast, the units that
    /// had not started when the first failure was seen are missing.
    pub units: Vec<UnitResult>,
    /// The target of every row of the dataset, which measures compare predictions with.
    pub truth: Truth,
    /// The number of repeats, folds and samples of the task's splits.
    pub shape: (u32, u32, u32),
}

/// The true target of every row of a task's dataset.
#[derive(Debug, Clone, PartialEq)]
pub enum Truth {
    /// Class indices into the task's class labels.
    Classes(Array1<usize>),
    /// Numbers.
    Values(Array1<f64>),
    /// Clustering: no target.
    None,
}

impl Evaluation {
    /// The failed units, in order.
    pub fn failures(&self) -> impl Iterator<Item = &UnitResult> {
        self.units.iter().filter(|u| u.outcome.is_err())
    }

    /// `None` if every unit succeeded, else one sentence: how many of the task's units failed
    /// and the first failure, "3 of 10 units failed; the first, repeat 0 fold 2 sample 0: ...".
    pub fn failure_summary(&self) -> Option<String> {
        let first = self.failures().next()?;
        let (repeats, folds, samples) = self.shape;
        let total = (repeats as usize * folds as usize * samples as usize).max(self.units.len());
        Some(format!(
            "{} of {total} units failed; the first, repeat {} fold {} sample {}: {}",
            self.failures().count(),
            first.repeat,
            first.fold,
            first.sample,
            first.outcome.as_ref().err().map_or("", String::as_str)
        ))
    }
}

/// A task's inputs, encoded once and shared by all units.
struct Inputs {
    features: DesignMatrix,
    classes: Option<Array1<usize>>,
    values: Option<Array1<f64>>,
    kind: TaskKind,
}

/// What a flow predicts for `task`: classes (out of the task's class labels), numbers or
/// clusters, by its type.
pub fn task_kind(task: &Task) -> TaskKind {
    match task.task_type() {
        TaskType::SupervisedClassification | TaskType::LearningCurve => TaskKind::Classification {
            n_classes: task.class_labels().map_or(0, <[String]>::len),
        },
        TaskType::SupervisedRegression => TaskKind::Regression,
        _ => TaskKind::Clustering,
    }
}

impl Inputs {
    fn new(task: &Task) -> Result<Self> {
        let target = match task.task_type() {
            TaskType::Clustering => None,
            _ => Some(task.target().ok_or(Error::NoTarget)?),
        };
        let dataset = task.dataset();
        let features = dataset.design_matrix(target)?;
        let (classes, values) = match (task.task_type(), target) {
            (TaskType::SupervisedClassification | TaskType::LearningCurve, Some(target)) => {
                (Some(dataset.class_target(target)?.classes), None)
            }
            (TaskType::SupervisedRegression, Some(target)) => {
                (None, Some(dataset.regression_target(target)?))
            }
            _ => (None, None),
        };
        let kind = task_kind(task);
        Ok(Inputs {
            features,
            classes,
            values,
            kind,
        })
    }

    /// Fits and predicts one unit, timing each part on the thread that does it.
    fn run(&self, flow: &dyn Flow, unit: &SplitUnit, seed: u64) -> UnitResult {
        let train: Vec<usize> = unit.train.iter().map(|&r| r as usize).collect();
        let rows = if self.kind == TaskKind::Clustering {
            unit.train.clone()
        } else {
            unit.test.clone()
        };
        let mut timings = Timings::default();
        let mut trace = Vec::new();
        let (outcome, peak_heap_bytes) = crate::memory::peak_heap_bytes(|| {
            self.fit_predict(flow, &train, &rows, seed, &mut timings, &mut trace)
        });
        UnitResult {
            repeat: unit.repeat,
            fold: unit.fold,
            sample: unit.sample,
            seed,
            rows,
            outcome,
            timings,
            peak_heap_bytes,
            trace,
        }
    }

    fn fit_predict(
        &self,
        flow: &dyn Flow,
        train: &[usize],
        rows: &[u32],
        seed: u64,
        timings: &mut Timings,
        trace: &mut Vec<TraceIteration>,
    ) -> std::result::Result<Predictions, String> {
        let train_x = self.features.select_rows(train);
        let classes = self.classes.as_ref().map(|c| c.select(Axis(0), train));
        let values = self.values.as_ref().map(|v| v.select(Axis(0), train));
        let target = match (&classes, &values, self.kind) {
            (Some(classes), _, TaskKind::Classification { n_classes }) => Target::Classes {
                classes: classes.view(),
                n_classes,
            },
            (_, Some(values), _) => Target::Values(values.view()),
            _ => Target::None,
        };
        let data = TrainingSet {
            features: &train_x,
            target,
        };
        let (model, fit) = timed(|| guarded(|| flow.fit(&data, seed)));
        timings.add_training(fit);
        let model: Box<dyn Model> = model?;
        trace.extend_from_slice(model.trace());
        drop(train_x);
        let test: Vec<usize> = rows.iter().map(|&r| r as usize).collect();
        let test_x = self.features.select_rows(&test);
        let (predictions, predict) = timed(|| guarded(|| model.predict(&test_x, self.kind)));
        timings.add_testing(predict);
        predictions
    }
}

/// Runs `f`, turning an error or a panic into the message a unit records.
fn guarded<T>(f: impl FnOnce() -> oml_flow::Result<T>) -> std::result::Result<T, String> {
    PANIC_LOCATION.with(|location| *location.borrow_mut() = Some(String::new()));
    let result = catch_unwind(AssertUnwindSafe(f));
    let location = PANIC_LOCATION.with(|location| location.borrow_mut().take());
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.to_string()),
        Err(panic) => {
            let message = panic_message(&*panic);
            match location.filter(|at| !at.is_empty()) {
                Some(at) => Err(format!("panicked at {at}: {message}")),
                None => Err(format!("panicked: {message}")),
            }
        }
    }
}

/// The message of a caught panic's payload (`&str` or `String`), or `(no message)`.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

thread_local! {
    /// `Some` while a unit's fit or prediction runs on this thread: empty, or where it
    /// panicked, as [`quiet_panic_hook`] records it.
    static PANIC_LOCATION: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// A panic hook that, for a panic inside a unit's fit or prediction, prints nothing and
/// records where it happened (`file:line:column`) so that the unit's failure message names
/// it; any other panic is printed as usual. A program that shows progress while units run
/// installs it for the evaluation (the default hook would print over the progress); without
/// it, a unit's message has no location.
pub fn quiet_panic_hook() -> Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync> {
    Box::new(|info| {
        let in_unit = PANIC_LOCATION.with(|slot| {
            let mut slot = slot.borrow_mut();
            match slot.as_mut() {
                Some(at) => {
                    *at = info.location().map_or_else(String::new, |l| l.to_string());
                    true
                }
                None => false,
            }
        });
        if !in_unit {
            eprintln!("{info}");
        }
    })
}

/// Runs `f` and measures it: (CPU time of this thread, wall time), in milliseconds.
fn timed<T>(f: impl FnOnce() -> T) -> (T, (f64, f64)) {
    let cpu = ThreadTime::try_now().ok();
    let wall = Instant::now();
    let value = f();
    let wall = wall.elapsed().as_secs_f64() * 1e3;
    let cpu = cpu.map_or(f64::NAN, |start| start.elapsed().as_secs_f64() * 1e3);
    (value, (cpu, wall))
}

impl Evaluator {
    /// The number of threads units run on.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Fits `flow` on the training rows of every unit of `task` and predicts its test rows
    /// (for clustering, its training rows, as OpenML does). Units run in parallel; the
    /// result is in (repeat, fold, sample) order and, for a given seed, the same for any
    /// thread count. A unit that fails is recorded and the others go on, unless fail-fast is
    /// set. An error is returned only when the task cannot be encoded for a flow.
    pub fn evaluate(&self, flow: &dyn Flow, task: &Task) -> Result<Evaluation> {
        self.evaluate_observed(flow, task, &|_| {})
    }

    /// [`Evaluator::evaluate`], calling `on_unit` with each unit's result as it finishes (in
    /// the order units finish, from the worker threads), for progress reports.
    pub fn evaluate_observed(
        &self,
        flow: &dyn Flow,
        task: &Task,
        on_unit: &(dyn Fn(&UnitResult) + Sync),
    ) -> Result<Evaluation> {
        let inputs = Inputs::new(task)?;
        if !flow.learns(inputs.kind) {
            return Err(Error::Unsupported {
                flow: flow.name(),
                kind: inputs.kind.name(),
            });
        }
        let units = task.splits().units();
        let seed_of = |unit: &SplitUnit| unit_seed(self.seed, unit.repeat, unit.fold, unit.sample);
        let stop = AtomicBool::new(false);
        let results: Vec<Option<UnitResult>> = self.pool.install(|| {
            units
                .par_iter()
                .map(|unit| {
                    if stop.load(Ordering::Relaxed) {
                        return None;
                    }
                    let result = inputs.run(flow, unit, seed_of(unit));
                    on_unit(&result);
                    if self.fail_fast && result.outcome.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    Some(result)
                })
                .collect()
        });
        // With fail-fast, units that had not started when a failure was seen are left out;
        // the ones that ran, the failure among them, stay in unit order.
        let results: Vec<UnitResult> = results.into_iter().flatten().collect();
        let splits = task.splits();
        Ok(Evaluation {
            kind: inputs.kind,
            seed: self.seed,
            units: results,
            truth: match (inputs.classes, inputs.values) {
                (Some(classes), _) => Truth::Classes(classes),
                (_, Some(values)) => Truth::Values(values),
                _ => Truth::None,
            },
            shape: (splits.n_repeats(), splits.n_folds(), splits.n_samples()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_unit_names_where_it_panicked() {
        // The only test of this binary that installs a hook or panics on purpose.
        let previous = std::panic::take_hook();
        std::panic::set_hook(quiet_panic_hook());
        let line = line!() + 1;
        let outcome = guarded::<()>(|| panic!("broken model"));
        std::panic::set_hook(previous);
        let message = outcome.unwrap_err();
        assert!(
            message.starts_with(&format!("panicked at {}:{line}:", file!()))
                && message.ends_with(": broken model"),
            "{message}"
        );
        // The next failure without a panic carries no stale location.
        let error = guarded::<()>(|| Err(oml_flow::Error::fit("f", "refused"))).unwrap_err();
        assert_eq!(error, "f: fit failed: refused");
    }
}
