//! What `oml runs list` prints.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::run::Run;
use crate::store::RunStore;

/// The stored runs, ordered by key.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct RunList(pub Vec<RunListEntry>);

/// One stored run.
#[derive(Debug, Clone, Serialize)]
pub struct RunListEntry {
    /// The run key.
    pub key: String,
    /// The run's directory.
    pub dir: PathBuf,
    /// The task as given to `oml run`.
    pub task: String,
    /// The OpenML task id, if any.
    pub task_id: Option<i64>,
    /// The flow's short name.
    pub flow: String,
    /// The flow's OpenML name.
    pub flow_name: String,
    /// The parameters set, as `NAME=VALUE`.
    pub parameters: Vec<String>,
    /// The run seed.
    pub seed: u64,
    /// When the run started.
    pub started: String,
    /// The run's main measure, as oml-eval's measure table names it for its task kind:
    /// predictive accuracy, root mean squared error, or none.
    pub measure: Option<String>,
    /// Its pooled value.
    pub value: Option<f64>,
    /// The most heap bytes a unit held (`peak_heap_bytes`), where the run recorded it.
    pub peak_heap_bytes: Option<u64>,
}

impl RunList {
    /// The list of `runs` of `store`.
    pub fn of(store: &RunStore, runs: &[(String, Run)]) -> Self {
        RunList(
            runs.iter()
                .map(|(key, run)| {
                    // The table lists classification's main measure first, so a
                    // classification run (which has an RMSE too) shows its accuracy.
                    let main = oml_eval::MEASURES
                        .iter()
                        .filter(|info| info.main_for.is_some())
                        .find_map(|info| {
                            let value = run.summary.get(info.name)?.get("value")?.as_f64()?;
                            Some((info.name, value))
                        });
                    RunListEntry {
                        key: key.clone(),
                        dir: store.dir(key),
                        task: run.manifest.task.clone(),
                        task_id: run.manifest.task_id,
                        flow: run.manifest.flow.clone(),
                        flow_name: run.manifest.flow_name.clone(),
                        parameters: run.manifest.parameters.clone(),
                        seed: run.manifest.seed,
                        started: run.manifest.started.clone(),
                        measure: main.map(|(name, _)| name.to_owned()),
                        value: main.map(|(_, value)| value),
                        peak_heap_bytes: run
                            .summary
                            .get(oml_eval::PEAK_HEAP_MEASURE)
                            .and_then(|m| m.get("value")?.as_f64())
                            .map(|bytes| bytes as u64),
                    }
                })
                .collect(),
        )
    }
}

impl fmt::Display for RunList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return writeln!(f, "no runs stored");
        }
        writeln!(
            f,
            "{:12}  {:24}  {:20}  {:>6}  {:28}  {:>9}  flow and parameters",
            "key", "started", "task", "seed", "measure", "peak heap"
        )?;
        for run in &self.0 {
            let measure = match (&run.measure, run.value) {
                (Some(name), Some(value)) => format!("{name} {value:.4}"),
                _ => "-".to_owned(),
            };
            let mut flow = run.flow.clone();
            for parameter in &run.parameters {
                flow.push(' ');
                flow.push_str(parameter);
            }
            let memory = run
                .peak_heap_bytes
                .map_or_else(|| "-".to_owned(), mebibytes);
            writeln!(
                f,
                "{:12}  {:24}  {:20}  {:>6}  {:28}  {:>9}  {}",
                run.key.get(..12).unwrap_or(&run.key),
                run.started,
                run.task,
                run.seed,
                measure,
                memory,
                flow
            )?;
        }
        Ok(())
    }
}

/// `12.3 MiB`: bytes as the run list shows them.
fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
}
