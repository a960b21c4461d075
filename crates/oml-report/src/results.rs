//! The runs of a store as scores: one [`Entry`] per run, for one measure.

use std::path::PathBuf;

use oml_eval::{MeasureInfo, MeasureKind};
use oml_run::{Manifest, RunStore, files};
use oml_task::TaskOptions;
use serde_json::Value;

/// The measure compared when none is asked for and the runs have it: classification's main
/// measure in oml-eval's table.
pub const DEFAULT_CLASSIFICATION_MEASURE: &str = main_measure_name(MeasureKind::Classification);
/// The measure compared when none is asked for and the runs lack
/// [`DEFAULT_CLASSIFICATION_MEASURE`]: regression's main measure in oml-eval's table.
pub const DEFAULT_REGRESSION_MEASURE: &str = main_measure_name(MeasureKind::Regression);
/// The measure whose run-level value (the sum over units, in milliseconds) is a run's training
/// time.
pub const TRAINING_TIME_MEASURE: &str = "usercpu_time_millis_training";

/// What can go wrong reading runs for a report or writing it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The run store cannot be listed, or one of its runs cannot be read (the cause names the
    /// file).
    #[error("run store {root}")]
    Store {
        /// The store's directory.
        root: PathBuf,
        /// The cause (boxed: oml-run's error is large).
        #[source]
        source: Box<oml_run::Error>,
    },
    /// A run's `summary.json` holds a measure in another shape than oml writes.
    #[error("{path}: measure {measure}: {message}")]
    Summary {
        /// The run's `summary.json`.
        path: PathBuf,
        /// The measure.
        measure: String,
        /// What is wrong.
        message: String,
    },
    /// No run of the store has the measure compared.
    #[error("run store {root}: none of its {n_runs} runs has measure {measure}")]
    MeasureAbsent {
        /// The store's directory.
        root: PathBuf,
        /// The measure.
        measure: String,
        /// The runs considered.
        n_runs: usize,
    },
    /// A figure cannot be drawn.
    #[error("{figure}: {message}")]
    Plot {
        /// The figure.
        figure: String,
        /// What went wrong.
        message: String,
    },
    /// The report cannot be written.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// One stored run, scored on one measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The run's key in the store (its directory name).
    pub key: String,
    /// The task as `oml run` was given it, with the options that made a local task:
    /// `builtin:iris --resampling cv:5` (see [`task_label`]).
    pub task: String,
    /// The flow's short name with the parameters set: `tree max_depth=3` (see [`flow_label`]).
    pub flow: String,
    /// The run seed.
    pub seed: u64,
    /// The run-level value of the measure (pooled over all predictions).
    pub value: f64,
    /// The per-fold values in (repeat, fold) order; `NaN` for a failed unit.
    pub fold_scores: Vec<f64>,
    /// CPU time spent training, summed over units, in seconds; `None` if the run lacks it.
    pub training_time_s: Option<f64>,
    /// The most heap bytes a unit held (`peak_heap_bytes`); `None` if the run lacks it.
    pub peak_heap_bytes: Option<f64>,
    /// The size of a test set over the size of its training set, when known (see
    /// [`test_train_ratio`]).
    pub test_train_ratio: Option<f64>,
    /// The repeats of the task's resampling.
    pub n_repeats: usize,
    /// The folds per repeat.
    pub n_folds: usize,
}

/// The runs of a store, scored on one measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// The measure, by OpenML name.
    pub measure: String,
    /// Whether a higher value of the measure is better (see [`higher_is_better`]).
    pub higher_is_better: bool,
    /// One entry per run that has the measure, in the store's (key) order.
    pub entries: Vec<Entry>,
    /// The keys of the runs kept that lack the measure (left out of `entries`).
    pub skipped: Vec<String>,
}

impl Results {
    /// Reads every run of `store` that `keep` accepts. `measure` defaults to
    /// [`DEFAULT_CLASSIFICATION_MEASURE`] if any run has it, else to
    /// [`DEFAULT_REGRESSION_MEASURE`]. Runs lacking the measure (or whose value is not a number)
    /// are skipped and listed in [`Results::skipped`]; if every run lacks it, that is an error.
    /// An empty store gives empty results. Damaged runs (a file missing or unreadable) are
    /// left out and handed to `on_damaged`, to be reported.
    pub fn from_store(
        store: &RunStore,
        measure: Option<&str>,
        keep: &dyn Fn(&str, &Manifest) -> bool,
        on_damaged: &mut dyn FnMut(&oml_run::Damaged),
    ) -> Result<Results, ReportError> {
        let store_error = |source| ReportError::Store {
            root: store.root().to_path_buf(),
            source: Box::new(source),
        };
        let mut runs = Vec::new();
        let listed = store.records().map_err(store_error)?;
        for damaged in &listed.damaged {
            on_damaged(damaged);
        }
        for (key, record) in listed.runs {
            if keep(&key, &record.manifest) {
                runs.push((key, record));
            }
        }
        let measure = match measure {
            Some(measure) => measure.to_owned(),
            None => {
                let has = |name: &str| runs.iter().any(|(_, run)| run.summary.get(name).is_some());
                if has(DEFAULT_CLASSIFICATION_MEASURE) || !has(DEFAULT_REGRESSION_MEASURE) {
                    DEFAULT_CLASSIFICATION_MEASURE.to_owned()
                } else {
                    DEFAULT_REGRESSION_MEASURE.to_owned()
                }
            }
        };
        let mut results = Results {
            higher_is_better: higher_is_better(&measure),
            measure,
            entries: Vec::new(),
            skipped: Vec::new(),
        };
        for (key, run) in &runs {
            let path = store.dir(key).join(files::SUMMARY);
            let scores = match run.summary.get(&results.measure) {
                Some(value) => {
                    MeasureScores::from_json(value).map_err(|message| ReportError::Summary {
                        path: path.clone(),
                        measure: results.measure.clone(),
                        message,
                    })?
                }
                None => None,
            };
            let Some(scores) = scores else {
                results.skipped.push(key.clone());
                continue;
            };
            let training_time_s = match run.summary.get(TRAINING_TIME_MEASURE) {
                Some(value) => MeasureScores::from_json(value)
                    .map_err(|message| ReportError::Summary {
                        path: path.clone(),
                        measure: TRAINING_TIME_MEASURE.to_owned(),
                        message,
                    })?
                    .map(|time| time.value / 1000.0),
                None => None,
            };
            let peak_heap_bytes = run
                .summary
                .get(oml_eval::PEAK_HEAP_MEASURE)
                .and_then(|m| m.get("value")?.as_f64())
                .filter(|bytes| bytes.is_finite());
            let manifest = &run.manifest;
            results.entries.push(Entry {
                key: key.clone(),
                task: task_label(manifest),
                flow: flow_label(manifest),
                seed: manifest.seed,
                value: scores.value,
                test_train_ratio: test_train_ratio(scores.n_folds, &manifest.task_options),
                n_repeats: scores.n_repeats,
                n_folds: scores.n_folds,
                fold_scores: scores.fold_scores,
                training_time_s,
                peak_heap_bytes,
            });
        }
        if results.entries.is_empty() && !runs.is_empty() {
            return Err(ReportError::MeasureAbsent {
                root: store.root().to_path_buf(),
                measure: results.measure,
                n_runs: runs.len(),
            });
        }
        Ok(results)
    }
}

/// The task of a run as a label: `manifest.task`, then its `task_options` (`--resampling
/// cv:5`), space-separated.
pub fn task_label(manifest: &Manifest) -> String {
    std::iter::once(manifest.task.as_str())
        .map(str::to_owned)
        .chain(manifest.task_options.to_items())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The flow of a run as a label ([`Manifest::flow_label`]): its short name, the parameters
/// set and, for a tuned flow, its search.
pub fn flow_label(manifest: &Manifest) -> String {
    manifest.flow_label()
}

/// Whether a higher value of `measure` is better, as oml-eval's table says
/// ([`MeasureInfo::higher_is_better`]): false for errors, `log_loss` and timings, true for
/// every other measure (and for a name the table lacks).
pub fn higher_is_better(measure: &str) -> bool {
    oml_eval::measure_info(measure).is_none_or(MeasureInfo::higher_is_better)
}

/// The name of the main measure of task kind `kind`, which every supervised kind has.
const fn main_measure_name(kind: MeasureKind) -> &'static str {
    match oml_eval::main_measure(kind) {
        Some(info) => info.name,
        None => panic!("a task kind without a main measure"),
    }
}

/// The size of a test set over the size of its training set, which Nadeau and Bengio's
/// correction needs: `1 / (k - 1)` for `k > 1` folds; for one fold, a holdout with `P`
/// percent of the rows as test set, as the run's local task options give it: `P / (100 - P)`.
/// `None` otherwise (the holdout of an OpenML task).
pub fn test_train_ratio(n_folds: usize, task_options: &TaskOptions) -> Option<f64> {
    if n_folds > 1 {
        return Some(1.0 / (n_folds - 1) as f64);
    }
    task_options.holdout_test_train_ratio()
}

/// One measure of a `summary.json`, as far as a report needs it.
struct MeasureScores {
    value: f64,
    fold_scores: Vec<f64>,
    n_repeats: usize,
    n_folds: usize,
}

impl MeasureScores {
    /// Reads `{"value": .., "per_fold": [[..]]}`; `Ok(None)` when the value is `null` (the
    /// measure is undefined for the run).
    fn from_json(json: &Value) -> Result<Option<MeasureScores>, String> {
        let number = |v: &Value| -> Result<f64, String> {
            match v {
                Value::Null => Ok(f64::NAN),
                Value::Number(n) => n.as_f64().ok_or_else(|| format!("bad number {n}")),
                other => Err(format!("expected a number or null, found {other}")),
            }
        };
        let object = json
            .as_object()
            .ok_or("expected an object with `value` and `per_fold`")?;
        let value = number(object.get("value").ok_or("no `value`")?)?;
        if !value.is_finite() {
            return Ok(None);
        }
        let repeats = object
            .get("per_fold")
            .ok_or("no `per_fold`")?
            .as_array()
            .ok_or("`per_fold` is not an array of repeats")?;
        let mut fold_scores = Vec::new();
        let mut n_folds = None;
        for (r, folds) in repeats.iter().enumerate() {
            let folds = folds
                .as_array()
                .ok_or_else(|| format!("`per_fold[{r}]` is not an array of folds"))?;
            match n_folds {
                None => n_folds = Some(folds.len()),
                Some(n) if n != folds.len() => {
                    return Err(format!(
                        "`per_fold[{r}]` has {} folds, `per_fold[0]` has {n}",
                        folds.len()
                    ));
                }
                Some(_) => {}
            }
            for fold in folds {
                fold_scores.push(number(fold)?);
            }
        }
        Ok(Some(MeasureScores {
            value,
            fold_scores,
            n_repeats: repeats.len(),
            n_folds: n_folds.unwrap_or(0),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_and_timings_are_better_lower() {
        for measure in [
            "mean_absolute_error",
            "root_mean_squared_error",
            "relative_absolute_error",
            "root_relative_squared_error",
            "log_loss",
            "usercpu_time_millis_training",
            "wall_clock_time_millis",
        ] {
            assert!(!higher_is_better(measure), "{measure}");
        }
        for measure in [
            "predictive_accuracy",
            "area_under_roc_curve",
            "kappa",
            "f_measure",
            "r_squared",
        ] {
            assert!(higher_is_better(measure), "{measure}");
        }
    }

    #[test]
    fn the_ratio_comes_from_the_folds_or_the_holdout_percentage() {
        let options = |o: &[&str]| {
            TaskOptions::from_items(&o.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
        };
        assert_eq!(test_train_ratio(10, &options(&[])), Some(1.0 / 9.0));
        assert_eq!(
            test_train_ratio(5, &options(&["--resampling cv:5:2"])),
            Some(0.25)
        );
        assert_eq!(
            test_train_ratio(1, &options(&["--target class", "--resampling holdout:25"])),
            Some(25.0 / 75.0)
        );
        assert_eq!(
            test_train_ratio(1, &options(&["--resampling holdout:33:3"])),
            Some(33.0 / 67.0)
        );
        assert_eq!(
            test_train_ratio(1, &options(&[])),
            None,
            "an OpenML task's holdout"
        );
    }

    #[test]
    fn measures_are_read_with_failed_folds_as_nan() {
        let json: Value = serde_json::json!({
            "value": 0.9, "mean": 0.9, "std": 0.1,
            "per_fold": [[1.0, null, 0.8], [0.9, 0.9, 0.9]]
        });
        let scores = MeasureScores::from_json(&json).unwrap().unwrap();
        assert_eq!(scores.value, 0.9);
        assert_eq!((scores.n_repeats, scores.n_folds), (2, 3));
        assert_eq!(scores.fold_scores.len(), 6);
        assert!(scores.fold_scores[1].is_nan());
        assert_eq!(scores.fold_scores[3], 0.9);
        let undefined = serde_json::json!({"value": null, "per_fold": [[null]]});
        assert!(MeasureScores::from_json(&undefined).unwrap().is_none());
        let ragged = serde_json::json!({"value": 1.0, "per_fold": [[1.0], [1.0, 1.0]]});
        assert!(
            MeasureScores::from_json(&ragged)
                .err()
                .unwrap()
                .contains("per_fold[1]")
        );
        assert!(MeasureScores::from_json(&serde_json::json!([1.0])).is_err());
    }
}
