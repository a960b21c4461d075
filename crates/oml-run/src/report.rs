//! What `oml run` prints: the run's measures and where its directory is.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// The summary of one run, as `oml run` prints it (JSON with exactly these keys).
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// The OpenML task id; `null` for a local task.
    pub task_id: Option<i64>,
    /// The flow's OpenML name.
    pub flow: String,
    /// The run seed.
    pub seed: u64,
    /// The number of (repeat, fold, sample) units.
    pub n_units: usize,
    /// Every measure by OpenML name.
    pub measures: BTreeMap<String, MeasureReport>,
    /// Wall time of the whole evaluation, in seconds.
    pub wall_time_s: f64,
    /// The run directory, when the run was written (a run whose units failed is not stored).
    pub run_dir: Option<PathBuf>,
}

/// One measure of a [`RunReport`].
#[derive(Debug, Clone, Serialize)]
pub struct MeasureReport {
    /// Pooled over all predictions (timings: summed over units).
    pub value: f64,
    /// Mean over folds (openml-python's summary).
    pub mean: f64,
    /// Standard deviation over folds.
    pub std: f64,
    /// `per_fold[repeat][fold]`.
    pub per_fold: Vec<Vec<f64>>,
}

impl RunReport {
    /// The report of a run, from its manifest and `summary.json`; `run_dir` is where it was
    /// written, if it was.
    pub fn of_run(run: &crate::Run, run_dir: Option<PathBuf>) -> Self {
        let number = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
        let measures = run
            .summary
            .as_object()
            .map(|measures| {
                measures
                    .iter()
                    .map(|(name, m)| {
                        let per_fold = m["per_fold"]
                            .as_array()
                            .map(|repeats| {
                                repeats
                                    .iter()
                                    .map(|folds| {
                                        folds.as_array().map_or_else(Vec::new, |f| {
                                            f.iter().map(number).collect()
                                        })
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        let report = MeasureReport {
                            value: number(&m["value"]),
                            mean: number(&m["mean"]),
                            std: number(&m["std"]),
                            per_fold,
                        };
                        (name.clone(), report)
                    })
                    .collect()
            })
            .unwrap_or_default();
        RunReport {
            task_id: run.manifest.task_id,
            flow: run.manifest.flow_name.clone(),
            seed: run.manifest.seed,
            n_units: run.manifest.n_units,
            measures,
            wall_time_s: run.manifest.wall_time_s,
            run_dir,
        }
    }
}

impl fmt::Display for RunReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.task_id {
            Some(id) => writeln!(f, "task {id}")?,
            None => writeln!(f, "local task")?,
        }
        writeln!(f, "flow {}", self.flow)?;
        writeln!(f, "seed {}, {} units\n", self.seed, self.n_units)?;
        let width = self.measures.keys().map(String::len).max().unwrap_or(0);
        writeln!(
            f,
            "{:width$}  {:>12}  {:>25}",
            "measure", "value", "mean +- std over folds"
        )?;
        for (name, m) in &self.measures {
            writeln!(
                f,
                "{name:width$}  {:>12}  {:>12} +- {:<9}",
                number(m.value),
                number(m.mean),
                number(m.std)
            )?;
        }
        writeln!(f, "\ntotal time {:.3} s", self.wall_time_s)?;
        match &self.run_dir {
            Some(dir) => writeln!(f, "run directory {}", dir.display()),
            None => writeln!(f, "not stored: a run with failed units is not kept"),
        }
    }
}

fn number(x: f64) -> String {
    if x.is_nan() {
        "-".to_owned()
    } else if x.abs() >= 1e5 {
        format!("{x:.1}")
    } else {
        format!("{x:.4}")
    }
}
