//! The store's records of sweep jobs beside its runs: the job index (which run a job made)
//! and the failure records of jobs that did not make one. The store owns its whole layout;
//! sweeps and `oml run` reach it only through [`RunStore`].

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::request::ExecutedRun;
use crate::run::Run;
use crate::store::RunStore;

/// The store's index of sweep jobs: `JOB_KEY` holds the run key of the job's run. Two job keys
/// may name one run (`max_depth=none` is the default); the run's manifest records only the
/// first, so tables of a sweep go from its jobs through this index, never back from runs.
pub const JOBS_DIR: &str = "sweep-jobs";

/// The store's directory of failure records, one `JOB_KEY.json` per failed job.
pub const FAILURES_DIR: &str = "sweep-failures";

/// The store's directory of the jobs running now, one `JOB_KEY` per job holding the host and
/// the process id that runs it, touched while the job runs; removed when the job ends.
pub const RUNNING_DIR: &str = "sweep-running";

/// Why a job failed.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum FailureReason {
    /// The job failed by itself: bad input, a failing unit, a crash. (Records written before
    /// reasons were recorded read as this.)
    #[default]
    Error,
    /// The job ran past its time limit and was killed.
    TimeLimit,
    /// The job needed more memory than its limit allowed and was stopped.
    MemoryLimit,
}

impl FailureReason {
    /// Every reason, in the order reports list them.
    pub const ALL: [FailureReason; 3] = [
        FailureReason::Error,
        FailureReason::TimeLimit,
        FailureReason::MemoryLimit,
    ];

    /// The reason's name: `error`, `time-limit` or `memory-limit`.
    pub fn name(self) -> &'static str {
        match self {
            FailureReason::Error => "error",
            FailureReason::TimeLimit => "time-limit",
            FailureReason::MemoryLimit => "memory-limit",
        }
    }

    /// Whether running the job again with the same limits would end the same way, so that
    /// only `oml sweep retry` (with new limits) runs it again, never `--resume`.
    pub fn is_limit(self) -> bool {
        self != FailureReason::Error
    }
}

impl std::fmt::Display for FailureReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for FailureReason {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Self, String> {
        FailureReason::ALL
            .into_iter()
            .find(|r| r.name() == text)
            .ok_or_else(|| {
                format!("unknown failure reason `{text}`; the reasons are error, time-limit, memory-limit")
            })
    }
}

/// What names a job in a sweep's tables and failure records: its key, task, task options,
/// flow, parameters and seed, each as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobColumns {
    /// The job key.
    pub job_key: String,
    /// The job's task, as the sweep names it (empty in failure records written before 0.3).
    #[serde(default)]
    pub task: String,
    /// The task's options as `oml run` flags, joined by spaces.
    #[serde(default)]
    pub task_options: String,
    /// The flow's short name.
    #[serde(default)]
    pub flow: String,
    /// The job's parameter assignments, joined by spaces.
    #[serde(default)]
    pub parameters: String,
    /// The run seed.
    #[serde(default)]
    pub seed: u64,
}

/// A failed job as recorded in `STORE/sweep-failures/JOB_KEY.json`; removed when the job later
/// succeeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureRecord {
    /// The job (its fields inline in the record).
    #[serde(flatten)]
    pub job: JobColumns,
    /// The job's label.
    pub label: String,
    /// The `oml run` command that repeats the job.
    pub command: String,
    /// Why it failed.
    #[serde(default)]
    pub reason: FailureReason,
    /// What went wrong.
    pub message: String,
    /// When (RFC 3339).
    pub at: String,
}

/// A job running now, as its marker in [`RUNNING_DIR`] says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunningMarker {
    /// The host the job runs on.
    pub host: String,
    /// The process that runs it (the sweep's).
    pub pid: u32,
    /// When it started (RFC 3339).
    pub started: String,
}

/// What [`RunStore::admit`] did with a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// The run is stored, in this directory.
    Stored(PathBuf),
    /// The run has failed units and is not stored; why, unit by unit.
    Incomplete(String),
}

/// What the store holds under a key, as [`RunStore::lookup`] finds it.
#[derive(Debug)]
pub enum Lookup {
    /// Nothing.
    Absent,
    /// An intact run (every file matches its digest), and its directory.
    Stored(Box<Run>, PathBuf),
    /// A damaged run (a file missing, truncated or changed): computed again, never served.
    Damaged(Error),
}

impl RunStore {
    /// What the store holds under `key`: a run is served only once its files match their
    /// manifest's digests ([`RunStore::check`]).
    pub fn lookup(&self, key: &str) -> Lookup {
        if !self.contains(key) {
            return Lookup::Absent;
        }
        let dir = self.dir(key);
        match self.check(key).and_then(|()| Run::load(&dir)) {
            Ok(run) => Lookup::Stored(Box::new(run), dir),
            Err(problem) => Lookup::Damaged(problem),
        }
    }

    /// Stores `executed` under `key` if every unit succeeded. The store holds complete runs
    /// only: a run with failed units would be found again as if it were the result. `oml run`
    /// and sweeps both store through here.
    pub fn admit(&self, key: &str, executed: &ExecutedRun) -> Result<Admission> {
        match executed.evaluation.failure_summary() {
            Some(failure) => Ok(Admission::Incomplete(failure)),
            None => self.save(key, &executed.run).map(Admission::Stored),
        }
    }

    /// The run key indexed for `job_key` ([`JOBS_DIR`]), if the job has finished.
    pub fn indexed_run_key(&self, job_key: &str) -> Result<Option<String>> {
        let path = self.root().join(JOBS_DIR).join(job_key);
        let text = read_if_present(&path, |path| std::fs::read_to_string(path))?;
        Ok(text.map(|text| text.trim().to_owned()))
    }

    /// Records that job `job_key` made the run `run_key`.
    pub fn index_job(&self, job_key: &str, run_key: &str) -> Result<()> {
        if self.indexed_run_key(job_key)?.as_deref() == Some(run_key) {
            return Ok(());
        }
        let path = self.root().join(JOBS_DIR).join(job_key);
        write_file(&path, format!("{run_key}\n").as_bytes())
    }

    /// The failure records of the store, ordered by job key.
    pub fn failure_records(&self) -> Result<Vec<FailureRecord>> {
        let dir = self.root().join(FAILURES_DIR);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(Error::Read { path: dir, source }),
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        let mut records = Vec::with_capacity(paths.len());
        for path in paths {
            records.extend(read_json_if_present(path)?);
        }
        Ok(records)
    }

    /// Writes `record`, replacing an earlier record of the same job.
    pub fn record_failure(&self, record: &FailureRecord) -> Result<()> {
        write_json(&self.failure_path(&record.job.job_key), record, true)
    }

    /// Removes the failure record of `job_key`, if there is one.
    pub fn clear_failure(&self, job_key: &str) -> Result<()> {
        remove_if_present(&self.failure_path(job_key))
    }

    /// The failure record of `job_key`, if there is one.
    pub fn failure_record(&self, job_key: &str) -> Result<Option<FailureRecord>> {
        read_json_if_present(self.failure_path(job_key))
    }

    /// Marks `job_key` as running in this process on this host ([`RUNNING_DIR`]).
    pub fn mark_running(&self, job_key: &str, marker: &RunningMarker) -> Result<()> {
        write_json(&self.running_path(job_key), marker, false)
    }

    /// Says that job `job_key` still runs: its running marker gets the time now as its
    /// modification time ([`RunStore::running_marker_age`]). A marker that is gone (the job
    /// ended meanwhile) is left gone.
    pub fn touch_running(&self, job_key: &str) -> Result<()> {
        let path = self.running_path(job_key);
        let touched = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|file| file.set_modified(std::time::SystemTime::now()));
        match touched {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::Write { path, source: e })
            }
            _ => Ok(()),
        }
    }

    /// How long ago the running marker of `job_key` was written or last touched
    /// ([`RunStore::touch_running`]), if there is one; zero when its time is ahead of this
    /// machine's clock.
    pub fn running_marker_age(&self, job_key: &str) -> Result<Option<std::time::Duration>> {
        let modified = read_if_present(&self.running_path(job_key), |path| {
            std::fs::metadata(path)?.modified()
        })?;
        Ok(modified.map(|time| time.elapsed().unwrap_or_default()))
    }

    /// Removes the running marker of `job_key`, if there is one.
    pub fn clear_running(&self, job_key: &str) -> Result<()> {
        remove_if_present(&self.running_path(job_key))
    }

    /// The running marker of `job_key`, if there is one (a marker whose process has died
    /// stays until the job runs again: the caller judges it by its host and pid).
    pub fn running_marker(&self, job_key: &str) -> Result<Option<RunningMarker>> {
        read_json_if_present(self.running_path(job_key))
    }

    fn running_path(&self, job_key: &str) -> PathBuf {
        self.root().join(RUNNING_DIR).join(job_key)
    }

    fn failure_path(&self, job_key: &str) -> PathBuf {
        self.root()
            .join(FAILURES_DIR)
            .join(format!("{job_key}.json"))
    }
}

/// The JSON value stored at `path`, or `None` when there is no file.
fn read_json_if_present<T: serde::de::DeserializeOwned>(path: PathBuf) -> Result<Option<T>> {
    let Some(text) = read_if_present(&path, |path| std::fs::read(path))? else {
        return Ok(None);
    };
    serde_json::from_slice(&text)
        .map(Some)
        .map_err(|e| Error::Read {
            path,
            source: e.into(),
        })
}

/// The contents of the file at `path` as `read` reads them, or `None` if there is none.
fn read_if_present<T>(path: &Path, read: fn(&Path) -> std::io::Result<T>) -> Result<Option<T>> {
    match read(path) {
        Ok(contents) => Ok(Some(contents)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Writes `bytes` to `path` through a temporary file, creating the parent directory.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let write_error = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(write_error)?;
    }
    oml_data::write_atomically(path, |out| out.write_all(bytes)).map_err(write_error)
}

/// Writes `value` as JSON to `path` through a temporary file, creating the parent directory;
/// `pretty` adds indentation and a final newline for files people read.
fn write_json<T: serde::Serialize>(path: &Path, value: &T, pretty: bool) -> Result<()> {
    let write_error = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    let text = if pretty {
        let mut text = serde_json::to_vec_pretty(value).map_err(|e| write_error(e.into()))?;
        text.push(b'\n');
        text
    } else {
        serde_json::to_vec(value).map_err(|e| write_error(e.into()))?
    };
    write_file(path, &text)
}

/// Removes the file at `path`; a file already gone is not an error.
fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(Error::Write {
            path: path.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record's job fields sit at the top level of its JSON, as before they were grouped,
    /// and a record written before 0.3 (without them) still reads.
    #[test]
    fn failure_records_keep_their_flat_layout_and_read_old_ones() {
        let record = FailureRecord {
            job: JobColumns {
                job_key: "k".to_owned(),
                task: "builtin:iris".to_owned(),
                task_options: "--resampling cv:5".to_owned(),
                flow: "knn".to_owned(),
                parameters: "k=3".to_owned(),
                seed: 7,
            },
            label: "builtin:iris knn k=3 seed 7".to_owned(),
            command: "oml run".to_owned(),
            reason: FailureReason::TimeLimit,
            message: "too slow".to_owned(),
            at: "2026-12-05T00:00:00Z".to_owned(),
        };
        let json = serde_json::to_value(&record).unwrap();
        let object = json.as_object().unwrap();
        assert_eq!(object.len(), 11, "{json}");
        assert!(object.get("job").is_none(), "{json}");
        assert_eq!(json["job_key"], "k");
        assert_eq!(json["task_options"], "--resampling cv:5");
        assert_eq!(json["seed"], 7);
        let back: FailureRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, record);

        let old = r#"{"job_key": "k", "label": "l", "command": "c", "message": "m", "at": "a"}"#;
        let old: FailureRecord = serde_json::from_str(old).unwrap();
        assert_eq!(old.job.job_key, "k");
        assert_eq!((old.job.task.as_str(), old.job.seed), ("", 0));
        assert_eq!(old.reason, FailureReason::default());
    }
}
