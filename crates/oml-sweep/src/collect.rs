//! Collecting a sweep's results from the run store into one table: a row per (job, measure),
//! sorted by job key, so the same sweep gives the same file however it was sharded. A failed
//! job has rows too (status `failed`, its reason), left empty or scored as the constant
//! predictor (status `imputed`), so an analysis sees what it lacks.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use oml_run::{FailureRecord, JobColumns, RunStore, TableFormat, is_timing, write_frame};
use polars::prelude::{Column, DataFrame};

use crate::error::Error;
use crate::execute::TaskReader;
use crate::plan::Job;

/// The table's columns, in order.
pub const COLLECT_COLUMNS: [&str; 11] = [
    "job_key",
    "task",
    "task_options",
    "flow",
    "parameters",
    "seed",
    "status",
    "reason",
    "measure",
    "value",
    "run_key",
];

/// The flow a failed job is scored as with [`CollectOptions::impute_failures`].
pub const IMPUTED_FLOW: &str = "constant";

/// What to collect.
#[derive(Debug, Clone, Default)]
pub struct CollectOptions {
    /// Only these measures; empty: every measure but the timings, which differ from machine
    /// to machine and would make two collections of one sweep differ.
    pub measures: Vec<String>,
    /// A sweep's jobs: a row per job and measure, each job's run found through the store's
    /// job index. `None`: every run in the store, its job read from its manifest, and every
    /// failure record.
    pub jobs: Option<Vec<Job>>,
    /// Score each failed job of the sweep as the constant predictor on its task (class
    /// frequencies, or the mean), computed now and not stored: status `imputed`. Needs
    /// [`jobs`](Self::jobs).
    pub impute_failures: bool,
    /// Threads of an imputation's evaluator.
    pub threads: Option<usize>,
}

/// The collected table and what it lacks.
#[derive(Debug)]
pub struct Collected {
    /// One row per (job, measure), columns [`COLLECT_COLUMNS`], sorted by job key and measure.
    pub frame: DataFrame,
    /// Runs collected.
    pub runs: usize,
    /// Failed jobs, each with its rows (status `failed` or `imputed`).
    pub failed: usize,
    /// Jobs asked for ([`CollectOptions::jobs`]) that have no run in the store, by key.
    pub missing: Vec<String>,
    /// Measures asked for ([`CollectOptions::measures`]) that no collected run has: a typo,
    /// or a measure of another task type.
    pub absent_measures: Vec<String>,
    /// Stored runs left out because they are damaged (a file missing or unreadable).
    pub damaged: Vec<oml_run::Damaged>,
}

/// The run keys the store's job index gives `jobs`, for those that have finished.
pub fn indexed_run_keys(store: &RunStore, jobs: &[Job]) -> Result<BTreeSet<String>, Error> {
    let mut keys = BTreeSet::new();
    for job in jobs {
        if let Some(key) = store.indexed_run_key(&job.key())? {
            keys.insert(key);
        }
    }
    Ok(keys)
}

/// The failure records of `jobs` in the store, in job order.
pub fn failure_records(store: &RunStore, jobs: &[Job]) -> Result<Vec<FailureRecord>, Error> {
    let mut records = Vec::new();
    for job in jobs {
        records.extend(store.failure_record(&job.key())?);
    }
    Ok(records)
}

/// One row of the table.
struct Row<'a> {
    columns: &'a JobColumns,
    status: &'static str,
    reason: Option<String>,
    measure: Option<String>,
    value: Option<f64>,
    run_key: Option<&'a str>,
}

/// A failed job: its columns, its record, and its imputed summary if asked for.
struct Failed {
    columns: JobColumns,
    record: FailureRecord,
    imputed: Option<serde_json::Value>,
}

/// The summaries of the constant predictor on failed jobs' tasks, computed in this process:
/// each task read once while its jobs come in a row, and each (task, seed) scored once
/// whatever flows failed on it.
#[derive(Default)]
struct Imputer {
    reader: TaskReader,
    scored: HashMap<String, Option<serde_json::Value>>,
}

impl Imputer {
    /// The constant predictor's summary on `job`'s task and seed; `None` where it cannot score
    /// the task (unreadable, clustering).
    fn summary(&mut self, job: &Job, threads: Option<usize>) -> Option<serde_json::Value> {
        let mut constant = job.clone();
        constant.flow = IMPUTED_FLOW.to_owned();
        constant.params.clear();
        constant.tune = None;
        let reader = &mut self.reader;
        self.scored
            .entry(constant.key())
            .or_insert_with(|| {
                let prepared = reader.prepare(&constant, threads).ok()?;
                Some(prepared.execute(&|_| {}).ok()?.run.summary)
            })
            .clone()
    }
}

/// The wanted measures of `summary` (`measure -> {value, ...}`), values NaN as none.
fn summary_values(
    summary: &serde_json::Value,
    wanted: &dyn Fn(&str) -> bool,
    path: &dyn Fn() -> PathBuf,
) -> Result<Vec<(String, Option<f64>)>, Error> {
    let mut values = Vec::new();
    let Some(measures) = summary.as_object() else {
        return Ok(values);
    };
    for (measure, value) in measures {
        let value = match value.get("value") {
            Some(_) if !wanted(measure) => continue,
            None => continue,
            Some(serde_json::Value::Null) => None,
            Some(value) => Some(value.as_f64().ok_or_else(|| Error::Summary {
                path: path(),
                measure: measure.clone(),
            })?),
        };
        values.push((measure.clone(), value.filter(|v| !v.is_nan())));
    }
    Ok(values)
}

/// Collects runs into one table: a sweep's jobs, or every run in the store, and the failed
/// jobs among them. Only manifests, summaries and failure records are read (and, with
/// [`CollectOptions::impute_failures`], the failed jobs' tasks).
pub fn collect(store: &RunStore, options: &CollectOptions) -> Result<Collected, Error> {
    if options.impute_failures && options.jobs.is_none() {
        return Err(Error::Invalid {
            path: None,
            line: None,
            entry: "--impute-failures".to_owned(),
            message: "needs the sweep (its file or flags) to read the failed jobs' tasks"
                .to_owned(),
        });
    }
    // Each run's job columns, key and summary, its record read once.
    let mut found: Vec<(JobColumns, String, serde_json::Value)> = Vec::new();
    let mut failed: Vec<Failed> = Vec::new();
    let mut missing = Vec::new();
    let mut damaged = Vec::new();
    let mut imputer = Imputer::default();
    match &options.jobs {
        Some(jobs) => {
            for job in jobs {
                let columns = job.columns();
                match store.indexed_run_key(&columns.job_key)? {
                    Some(run_key) if store.contains(&run_key) => match store.record(&run_key) {
                        Ok(record) => {
                            found.push((columns, run_key, record.summary));
                            continue;
                        }
                        Err(problem) => damaged.push(oml_run::Damaged {
                            key: run_key,
                            problem,
                        }),
                    },
                    _ => {}
                }
                missing.push(columns.job_key.clone());
                if let Some(record) = store.failure_record(&columns.job_key)? {
                    // A job whose task cannot be scored by the constant predictor (unreadable,
                    // clustering) keeps its `failed` rows.
                    let imputed = if options.impute_failures {
                        imputer.summary(job, options.threads)
                    } else {
                        None
                    };
                    failed.push(Failed {
                        columns,
                        record,
                        imputed,
                    });
                }
            }
        }
        None => {
            let listed = store.records()?;
            damaged = listed.damaged;
            for (run_key, record) in listed.runs {
                let columns = Job::of_manifest(&record.manifest).columns();
                found.push((columns, run_key, record.summary));
            }
            for record in store.failure_records()? {
                failed.push(Failed {
                    columns: record.job.clone(),
                    record,
                    imputed: None,
                });
            }
        }
    }
    missing.sort();
    let wanted = |measure: &str| {
        if options.measures.is_empty() {
            !is_timing(measure)
        } else {
            options.measures.iter().any(|m| m == measure)
        }
    };
    let mut rows: Vec<Row<'_>> = Vec::new();
    for (columns, run_key, summary) in &found {
        let path = || store.dir(run_key).join(oml_run::files::SUMMARY);
        for (measure, value) in summary_values(summary, &wanted, &path)? {
            rows.push(Row {
                columns,
                status: "done",
                reason: None,
                measure: Some(measure),
                value,
                run_key: Some(run_key),
            });
        }
    }
    for failure in &failed {
        let reason = Some(failure.record.reason.name().to_owned());
        match &failure.imputed {
            Some(summary) => {
                let path =
                    || PathBuf::from(format!("(constant predictor of {})", failure.record.label));
                for (measure, value) in summary_values(summary, &wanted, &path)? {
                    rows.push(Row {
                        columns: &failure.columns,
                        status: "imputed",
                        reason: reason.clone(),
                        measure: Some(measure),
                        value,
                        run_key: None,
                    });
                }
            }
            // The measures asked for, each empty; without a list, one row with none.
            None if options.measures.is_empty() => rows.push(Row {
                columns: &failure.columns,
                status: "failed",
                reason,
                measure: None,
                value: None,
                run_key: None,
            }),
            None => {
                for measure in &options.measures {
                    rows.push(Row {
                        columns: &failure.columns,
                        status: "failed",
                        reason: reason.clone(),
                        measure: Some(measure.clone()),
                        value: None,
                        run_key: None,
                    });
                }
            }
        }
    }
    rows.sort_by(|a, b| {
        (&a.columns.job_key, a.run_key, &a.measure).cmp(&(
            &b.columns.job_key,
            b.run_key,
            &b.measure,
        ))
    });
    let text = |f: &dyn Fn(&JobColumns) -> &str| {
        rows.iter()
            .map(|r| f(r.columns).to_owned())
            .collect::<Vec<_>>()
    };
    let columns = vec![
        Column::new("job_key".into(), text(&|c| &c.job_key)),
        Column::new("task".into(), text(&|c| &c.task)),
        Column::new("task_options".into(), text(&|c| &c.task_options)),
        Column::new("flow".into(), text(&|c| &c.flow)),
        Column::new("parameters".into(), text(&|c| &c.parameters)),
        Column::new(
            "seed".into(),
            rows.iter().map(|r| r.columns.seed).collect::<Vec<u64>>(),
        ),
        Column::new(
            "status".into(),
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
        ),
        Column::new(
            "reason".into(),
            rows.iter().map(|r| r.reason.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "measure".into(),
            rows.iter().map(|r| r.measure.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "value".into(),
            rows.iter().map(|r| r.value).collect::<Vec<Option<f64>>>(),
        ),
        Column::new(
            "run_key".into(),
            rows.iter()
                .map(|r| r.run_key.map(str::to_owned))
                .collect::<Vec<_>>(),
        ),
    ];
    let frame = DataFrame::new(rows.len(), columns).map_err(|e| Error::Write {
        path: PathBuf::from("(table)"),
        source: std::io::Error::other(e),
    })?;
    let absent_measures = options
        .measures
        .iter()
        .filter(|measure| {
            !rows
                .iter()
                .any(|row| row.status != "failed" && row.measure.as_ref() == Some(*measure))
        })
        .cloned()
        .collect();
    Ok(Collected {
        frame,
        runs: found.len(),
        failed: failed.len(),
        missing,
        absent_measures,
        damaged,
    })
}

/// The table format of an output file's extension: `.parquet`/`.pq` or `.csv`.
pub fn table_format(path: &Path) -> Result<TableFormat, Error> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("parquet" | "pq") => Ok(TableFormat::Parquet),
        Some("csv") => Ok(TableFormat::Csv),
        _ => Err(Error::Format {
            path: path.to_path_buf(),
        }),
    }
}

/// Writes the collected table to `path` (format by extension) through a temporary file.
pub fn write_collected(collected: &Collected, path: &Path) -> Result<(), Error> {
    let format = table_format(path)?;
    let mut bytes = Vec::new();
    write_frame(&collected.frame, format, &mut bytes)?;
    oml_data::write_atomically(path, |out| std::io::Write::write_all(out, &bytes)).map_err(
        |source| Error::Write {
            path: path.to_path_buf(),
            source,
        },
    )
}
