//! Collecting a sweep's results from the run store into one table: a row per (job, measure),
//! sorted by job key, so the same sweep gives the same file however it was sharded.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use oml_run::{RunStore, TableFormat, is_timing, write_frame};
use polars::prelude::{Column, DataFrame};

use super::plan::job_key;

/// The table's columns, in order.
pub const COLLECT_COLUMNS: [&str; 9] = [
    "job_key",
    "task",
    "task_options",
    "flow",
    "parameters",
    "seed",
    "measure",
    "value",
    "run_key",
];

/// What to collect.
#[derive(Debug, Clone, Default)]
pub struct CollectOptions {
    /// Only these measures; empty: every measure but the timings, which differ from machine
    /// to machine and would make two collections of one sweep differ.
    pub measures: Vec<String>,
    /// Only runs of these job keys (a sweep's jobs); `None`: every run in the store.
    pub jobs: Option<BTreeSet<String>>,
}

/// The collected table and what it lacks.
#[derive(Debug, Clone)]
pub struct Collected {
    /// One row per (job, measure), columns [`COLLECT_COLUMNS`], sorted by job key and measure.
    pub frame: DataFrame,
    /// Runs collected.
    pub runs: usize,
    /// Job keys asked for ([`CollectOptions::jobs`]) that have no run in the store, sorted.
    pub missing: Vec<String>,
}

/// Why results could not be collected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CollectError {
    /// The store or a run in it.
    #[error(transparent)]
    Store(#[from] oml_run::Error),
    /// The output file's extension names no table format.
    #[error("{path}: the extension must be .parquet, .pq or .csv")]
    Format {
        /// The file.
        path: PathBuf,
    },
    /// A run's summary has a measure that is not a number.
    #[error("{path}: measure `{measure}` has no numeric `value`")]
    Summary {
        /// The run's summary file.
        path: PathBuf,
        /// The measure.
        measure: String,
    },
    /// Building or writing the table.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Collects the store's runs into one table.
pub fn collect(store: &RunStore, options: &CollectOptions) -> Result<Collected, CollectError> {
    struct Row {
        job_key: String,
        task: String,
        task_options: String,
        flow: String,
        parameters: String,
        seed: u64,
        measure: String,
        value: Option<f64>,
        run_key: String,
    }
    let mut rows = Vec::new();
    let mut found = BTreeSet::new();
    let mut runs = 0;
    for (run_key, run) in store.runs()? {
        let m = &run.manifest;
        let key = job_key(&m.task, &m.task_options, &m.flow, &m.parameters, m.seed);
        if options
            .jobs
            .as_ref()
            .is_some_and(|jobs| !jobs.contains(&key))
        {
            continue;
        }
        found.insert(key.clone());
        runs += 1;
        let Some(measures) = run.summary.as_object() else {
            continue;
        };
        for (measure, summary) in measures {
            let wanted = if options.measures.is_empty() {
                !is_timing(measure)
            } else {
                options.measures.contains(measure)
            };
            if !wanted {
                continue;
            }
            let value = match summary.get("value") {
                Some(serde_json::Value::Null) => None,
                Some(value) => Some(value.as_f64().ok_or_else(|| CollectError::Summary {
                    path: store.dir(&run_key).join(oml_run::files::SUMMARY),
                    measure: measure.clone(),
                })?),
                None => continue,
            };
            rows.push(Row {
                job_key: key.clone(),
                task: m.task.clone(),
                task_options: m.task_options.join(" "),
                flow: m.flow.clone(),
                parameters: m.parameters.join(" "),
                seed: m.seed,
                measure: measure.clone(),
                value: value.filter(|v| !v.is_nan()),
                run_key: run_key.clone(),
            });
        }
    }
    rows.sort_by(|a, b| (&a.job_key, &a.measure).cmp(&(&b.job_key, &b.measure)));
    let text = |f: &dyn Fn(&Row) -> &str| rows.iter().map(|r| f(r).to_owned()).collect::<Vec<_>>();
    let columns = vec![
        Column::new("job_key".into(), text(&|r| &r.job_key)),
        Column::new("task".into(), text(&|r| &r.task)),
        Column::new("task_options".into(), text(&|r| &r.task_options)),
        Column::new("flow".into(), text(&|r| &r.flow)),
        Column::new("parameters".into(), text(&|r| &r.parameters)),
        Column::new(
            "seed".into(),
            rows.iter().map(|r| r.seed).collect::<Vec<u64>>(),
        ),
        Column::new("measure".into(), text(&|r| &r.measure)),
        Column::new(
            "value".into(),
            rows.iter().map(|r| r.value).collect::<Vec<Option<f64>>>(),
        ),
        Column::new("run_key".into(), text(&|r| &r.run_key)),
    ];
    let frame = DataFrame::new(rows.len(), columns).map_err(|e| CollectError::Write {
        path: PathBuf::from("(table)"),
        source: std::io::Error::other(e),
    })?;
    let missing = options
        .jobs
        .iter()
        .flatten()
        .filter(|key| !found.contains(*key))
        .cloned()
        .collect();
    Ok(Collected {
        frame,
        runs,
        missing,
    })
}

/// The table format of an output file's extension: `.parquet`/`.pq` or `.csv`.
pub fn table_format(path: &Path) -> Result<TableFormat, CollectError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("parquet" | "pq") => Ok(TableFormat::Parquet),
        Some("csv") => Ok(TableFormat::Csv),
        _ => Err(CollectError::Format {
            path: path.to_path_buf(),
        }),
    }
}

/// Writes the collected table to `path` (format by extension) through a temporary file.
pub fn write_collected(collected: &Collected, path: &Path) -> Result<(), CollectError> {
    let format = table_format(path)?;
    let mut bytes = Vec::new();
    write_frame(&collected.frame, format, &mut bytes)?;
    oml_data::write_atomically(path, |out| std::io::Write::write_all(out, &bytes)).map_err(
        |source| CollectError::Write {
            path: path.to_path_buf(),
            source,
        },
    )
}
