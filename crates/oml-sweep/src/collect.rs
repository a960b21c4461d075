//! Collecting a sweep's results from the run store into one table: a row per (job, measure),
//! sorted by job key, so the same sweep gives the same file however it was sharded.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use oml_run::{RunStore, TableFormat, is_timing, write_frame};
use polars::prelude::{Column, DataFrame};

use crate::error::Error;
use crate::plan::{Job, job_key};

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
    /// A sweep's jobs: a row per job and measure, each job's run found through the store's
    /// job index. `None`: every run in the store, its job read from its manifest.
    pub jobs: Option<Vec<Job>>,
}

/// The collected table and what it lacks.
#[derive(Debug)]
pub struct Collected {
    /// One row per (job, measure), columns [`COLLECT_COLUMNS`], sorted by job key and measure.
    pub frame: DataFrame,
    /// Runs collected.
    pub runs: usize,
    /// Jobs asked for ([`CollectOptions::jobs`]) that have no run in the store, by key.
    pub missing: Vec<String>,
    /// Measures asked for ([`CollectOptions::measures`]) that no collected run has: a typo,
    /// or a measure of another task type.
    pub absent_measures: Vec<String>,
    /// Stored runs left out because they are damaged (a file missing or unreadable).
    pub damaged: Vec<oml_run::Damaged>,
}

/// One job's identity in the table.
struct JobColumns {
    job_key: String,
    task: String,
    task_options: String,
    flow: String,
    parameters: String,
    seed: u64,
}

impl JobColumns {
    fn of_job(job: &Job) -> Self {
        JobColumns {
            job_key: job.key(),
            task: job.task.task.clone(),
            task_options: job.task.options.to_items().join(" "),
            flow: job.flow.clone(),
            parameters: job.params.join(" "),
            seed: job.seed,
        }
    }

    fn of_manifest(m: &oml_run::Manifest) -> Self {
        JobColumns {
            job_key: job_key(
                &m.task,
                &m.task_options,
                &m.flow,
                &m.parameters,
                m.tune.as_ref(),
                m.seed,
            ),
            task: m.task.clone(),
            task_options: m.task_options.to_items().join(" "),
            flow: m.flow.clone(),
            parameters: m.parameters.join(" "),
            seed: m.seed,
        }
    }
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

/// How many of `job_keys` (sorted) the store records as failed.
pub fn failed_among(store: &RunStore, job_keys: &[String]) -> Result<usize, Error> {
    Ok(store
        .failure_records()?
        .iter()
        .filter(|record| job_keys.binary_search(&record.job_key).is_ok())
        .count())
}

/// Collects runs into one table: a sweep's jobs, or every run in the store. Only manifests
/// and summaries are read.
pub fn collect(store: &RunStore, options: &CollectOptions) -> Result<Collected, Error> {
    // Each run's job columns, key and summary, its record read once.
    let mut found: Vec<(JobColumns, String, serde_json::Value)> = Vec::new();
    let mut missing = Vec::new();
    let mut damaged = Vec::new();
    match &options.jobs {
        Some(jobs) => {
            for job in jobs {
                let columns = JobColumns::of_job(job);
                match store.indexed_run_key(&columns.job_key)? {
                    Some(run_key) if store.contains(&run_key) => match store.record(&run_key) {
                        Ok(record) => found.push((columns, run_key, record.summary)),
                        Err(problem) => {
                            missing.push(columns.job_key);
                            damaged.push(oml_run::Damaged {
                                key: run_key,
                                problem,
                            });
                        }
                    },
                    _ => missing.push(columns.job_key),
                }
            }
        }
        None => {
            let listed = store.records()?;
            damaged = listed.damaged;
            for (run_key, record) in listed.runs {
                let columns = JobColumns::of_manifest(&record.manifest);
                found.push((columns, run_key, record.summary));
            }
        }
    }
    missing.sort();
    let mut rows: Vec<(&JobColumns, &str, String, Option<f64>)> = Vec::new();
    for (columns, run_key, summary) in &found {
        let Some(measures) = summary.as_object() else {
            continue;
        };
        for (measure, value) in measures {
            let wanted = if options.measures.is_empty() {
                !is_timing(measure)
            } else {
                options.measures.contains(measure)
            };
            let value = match value.get("value") {
                Some(_) if !wanted => continue,
                None => continue,
                Some(serde_json::Value::Null) => None,
                Some(value) => Some(value.as_f64().ok_or_else(|| Error::Summary {
                    path: store.dir(run_key).join(oml_run::files::SUMMARY),
                    measure: measure.clone(),
                })?),
            };
            rows.push((
                columns,
                run_key,
                measure.clone(),
                value.filter(|v| !v.is_nan()),
            ));
        }
    }
    rows.sort_by(|a, b| (&a.0.job_key, a.1, &a.2).cmp(&(&b.0.job_key, b.1, &b.2)));
    let text = |f: &dyn Fn(&JobColumns) -> &str| {
        rows.iter().map(|r| f(r.0).to_owned()).collect::<Vec<_>>()
    };
    let columns = vec![
        Column::new("job_key".into(), text(&|c| &c.job_key)),
        Column::new("task".into(), text(&|c| &c.task)),
        Column::new("task_options".into(), text(&|c| &c.task_options)),
        Column::new("flow".into(), text(&|c| &c.flow)),
        Column::new("parameters".into(), text(&|c| &c.parameters)),
        Column::new(
            "seed".into(),
            rows.iter().map(|r| r.0.seed).collect::<Vec<u64>>(),
        ),
        Column::new(
            "measure".into(),
            rows.iter().map(|r| r.2.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "value".into(),
            rows.iter().map(|r| r.3).collect::<Vec<Option<f64>>>(),
        ),
        Column::new(
            "run_key".into(),
            rows.iter().map(|r| r.1.to_owned()).collect::<Vec<_>>(),
        ),
    ];
    let frame = DataFrame::new(rows.len(), columns).map_err(|e| Error::Write {
        path: PathBuf::from("(table)"),
        source: std::io::Error::other(e),
    })?;
    let absent_measures = options
        .measures
        .iter()
        .filter(|measure| !rows.iter().any(|row| &row.2 == *measure))
        .cloned()
        .collect();
    Ok(Collected {
        frame,
        runs: found.len(),
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
