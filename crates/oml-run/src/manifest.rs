//! `manifest.json`: what a run was made with, where, when, and digests of what it read and wrote.

use std::collections::BTreeMap;
use std::path::Path;

use oml_task::{Task, TaskOptions};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

mod build_info {
    include!(concat!(env!("OUT_DIR"), "/build_info.rs"));
}

pub use build_info::{LOCKED_CRATES, RUSTC_VERSION};

/// How a run was made and what it depends on. Everything that decides the predictions (task,
/// flow, parameters, seed, the digests of the inputs) is here, so `oml verify` can run it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The version of oml.
    pub oml_version: String,
    /// `rustc --version` of the compiler that built oml.
    pub rustc_version: String,
    /// Every crate of the build and its version, from `Cargo.lock` at build time.
    pub crates: BTreeMap<String, String>,
    /// The operating system, as sysinfo names it.
    pub os: String,
    /// The CPU model.
    pub cpu: String,
    /// Logical cores.
    pub cores: usize,
    /// Total memory in bytes.
    pub memory_bytes: u64,
    /// The task as given to `oml run` (`59`, a directory, `builtin:iris`).
    pub task: String,
    /// The OpenML task id, if the task has one.
    pub task_id: Option<i64>,
    /// The server of a task id and the options that made a local task, stored as
    /// [`TaskOptions::to_items`] writes them (`["--resampling cv:10"]`).
    pub task_options: TaskOptions,
    /// The flow's short name, as `oml run --flow` takes it.
    pub flow: String,
    /// The flow's OpenML name.
    pub flow_name: String,
    /// The flow's external version.
    pub flow_external_version: String,
    /// The parameters set, as `NAME=VALUE`, in the order they were applied.
    pub parameters: Vec<String>,
    /// The nested search that tuned the flow, if any (absent in manifests of untuned runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tune: Option<crate::request::TuneRequest>,
    /// The run seed.
    pub seed: u64,
    /// The threads the units ran on.
    pub threads: usize,
    /// The number of (repeat, fold, sample) units.
    pub n_units: usize,
    /// Wall time of the evaluation, in seconds.
    pub wall_time_s: f64,
    /// When the evaluation started (RFC 3339, UTC).
    pub started: String,
    /// When it ended.
    pub finished: String,
    /// The peak resident set size of the process that made the run, in bytes (`VmHWM`), where
    /// the system reports it. Each unit's peak heap bytes are in `summary.json`
    /// (`peak_heap_bytes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_bytes: Option<u64>,
    /// Digests of the task's inputs, `sha256:HEX`, by what they are of: `dataset`, `splits`.
    /// (The digests of the run's own files are written beside, under `files`, when the run
    /// is saved: [`crate::Run::save`].)
    pub digests: BTreeMap<String, String>,
}

impl Manifest {
    /// The flow as tables and reports show it: its short name, the parameters set
    /// (`max_depth=3`), and for a tuned flow its search
    /// (`tuned(max_depth=int:1:20, random:20, inner cv:3)`), space-separated.
    pub fn flow_label(&self) -> String {
        let mut parts = vec![self.flow.clone()];
        parts.extend(self.parameters.iter().cloned());
        parts.extend(self.tune.as_ref().map(crate::request::TuneRequest::label));
        parts.join(" ")
    }
}

/// The hardware and software that run this process, for a [`Manifest`].
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    /// The operating system.
    pub os: String,
    /// The CPU model.
    pub cpu: String,
    /// Logical cores.
    pub cores: usize,
    /// Total memory in bytes.
    pub memory_bytes: u64,
}

impl Machine {
    /// This machine, as sysinfo reads it; what it cannot read is `unknown` or 0.
    pub fn current() -> Self {
        use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};
        let system = System::new_with_specifics(
            RefreshKind::nothing().with_memory(MemoryRefreshKind::nothing().with_ram()),
        )
        .ok()
        .map(|mut system| {
            system.refresh_cpu_list(CpuRefreshKind::nothing());
            system
        });
        let cpu = system
            .as_ref()
            .and_then(|s| s.cpus().first().map(|c| c.brand().trim().to_owned()))
            .filter(|brand| !brand.is_empty())
            .unwrap_or_else(|| "unknown".to_owned());
        Machine {
            os: System::long_os_version().unwrap_or_else(|_| std::env::consts::OS.to_owned()),
            cpu,
            cores: std::thread::available_parallelism().map_or(0, usize::from),
            memory_bytes: system.as_ref().map_or(0, |s| s.total_memory()),
        }
    }
}

/// The current time as RFC 3339 in UTC, to the millisecond.
pub fn now_rfc3339() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The SHA-256 of `bytes`, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The SHA-256 of `bytes` as a self-describing digest, `sha256:` and lowercase hex: how
/// `manifest.json` writes every digest, so a reader needs no outside knowledge.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", sha256_hex(bytes))
}

/// The digests of a task's inputs, `sha256:HEX`: its dataset and split files as read, or, for
/// a local task, the dataset and splits as oml writes them (ARFF), which depend only on their
/// content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDigests {
    /// The dataset's digest.
    pub dataset: String,
    /// The splits' digest.
    pub splits: String,
}

impl TaskDigests {
    /// The digests of `task`'s inputs.
    pub fn of(task: &Task) -> Result<Self> {
        let file = |path: &Path| {
            std::fs::read(path)
                .map(|bytes| sha256_digest(&bytes))
                .map_err(|source| Error::Read {
                    path: path.to_path_buf(),
                    source,
                })
        };
        let io = |source: std::io::Error| Error::Write {
            path: "(memory)".into(),
            source,
        };
        let files = task.files();
        let dataset = match &files.dataset {
            Some(path) => file(path)?,
            None => {
                let arff = task.dataset().to_arff().map_err(Error::Dataset)?;
                sha256_digest(&arff.to_bytes().map_err(io)?)
            }
        };
        let splits = match &files.splits {
            Some(path) => file(path)?,
            None => sha256_digest(&task.splits().to_arff().to_bytes().map_err(io)?),
        };
        Ok(TaskDigests { dataset, splits })
    }

    /// The digests as [`Manifest::digests`] stores them: by name, `dataset` and `splits`.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("dataset".to_owned(), self.dataset.clone()),
            ("splits".to_owned(), self.splits.clone()),
        ])
    }
}

/// The crates of this build, from [`LOCKED_CRATES`]; a crate locked at two versions keeps both,
/// comma-separated.
pub fn locked_crates() -> BTreeMap<String, String> {
    let mut crates: BTreeMap<String, String> = BTreeMap::new();
    for (name, version) in LOCKED_CRATES {
        crates
            .entry((*name).to_owned())
            .and_modify(|v| {
                v.push(',');
                v.push_str(version);
            })
            .or_insert_with(|| (*version).to_owned());
    }
    crates
}
