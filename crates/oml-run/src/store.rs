//! The local run store: every run under a key derived from what determines its result.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use oml_task::Task;

use crate::manifest::{TaskDigests, sha256_hex};
use crate::run::{Run, RunRecord, check_files, files};
use crate::run_dir::{Replace, write_directory};

/// What determines a run's predictions; two runs with the same key give the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunKey {
    /// What the task asks beyond its files.
    pub task: TaskIdentity,
    /// The digests of the task's dataset and splits.
    pub digests: TaskDigests,
    /// The flow with its parameters.
    pub flow: FlowIdentity,
    /// The run seed.
    pub seed: u64,
}

/// What a task asks beyond its files: two tasks on one dataset with the same splits differ
/// here (another target, other ignored columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskIdentity {
    /// The OpenML task id, if any.
    pub task_id: Option<i64>,
    /// OpenML's id of the task type.
    pub task_type: u32,
    /// The target column, if any.
    pub target: Option<String>,
    /// The class labels, in order, for classification.
    pub class_labels: Option<Vec<String>>,
    /// The columns that are not features.
    pub ignored: Vec<String>,
}

impl TaskIdentity {
    /// The identity of `task`.
    pub fn of(task: &Task) -> Self {
        TaskIdentity {
            task_id: task.task_id(),
            task_type: task.task_type().id(),
            target: task.target().map(str::to_owned),
            class_labels: task.class_labels().map(<[String]>::to_vec),
            ignored: task
                .dataset()
                .features()
                .iter()
                .filter(|f| f.role == oml_data::Role::Ignored)
                .map(|f| f.name.clone())
                .collect(),
        }
    }
}

/// A flow as far as it decides a run: its OpenML name and external version, and every
/// parameter of the flow and its components by qualified name with the value in effect,
/// however it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowIdentity {
    /// The flow's OpenML name.
    pub name: String,
    /// The flow's external version.
    pub external_version: String,
    /// The parameters, by qualified name, in the flow's order.
    pub parameters: Vec<(String, String)>,
}

impl RunKey {
    /// The key as 64 hex digits: SHA-256 of the fields, one per line, parameters in order
    /// (format `oml run key 2`; the task line as Rust's `Debug` prints its parts, so keys
    /// stored since oml 0.1 stay valid).
    pub fn digest(&self) -> String {
        let task = &self.task;
        let mut text = format!(
            "oml run key 2\ntask id {:?}, type {}, target {:?}, class labels {:?}, ignored {:?}\n\
             dataset {}\nsplits {}\nflow {}\nversion {}\nseed {}\n",
            task.task_id,
            task.task_type,
            task.target,
            task.class_labels,
            task.ignored,
            self.digests.dataset,
            self.digests.splits,
            self.flow.name,
            self.flow.external_version,
            self.seed
        );
        for (name, value) in &self.flow.parameters {
            text.push_str(&format!("parameter {name}={value}\n"));
        }
        sha256_hex(text.as_bytes())
    }
}

/// The runs of a store that could be read, and those that could not.
#[derive(Debug)]
pub struct Listed<T> {
    /// The runs read, by key, ordered by key.
    pub runs: Vec<(String, T)>,
    /// The runs that are damaged (a file missing, truncated or changed), ordered by key.
    pub damaged: Vec<Damaged>,
}

/// A stored run that cannot be used, and why.
#[derive(Debug)]
pub struct Damaged {
    /// The run's key.
    pub key: String,
    /// What is wrong, naming the file.
    pub problem: Error,
}

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the stored run {} is damaged and left out: {}",
            self.key, self.problem
        )
    }
}

/// A directory of runs, one sub-directory per run key. A run is written into a temporary
/// sibling and renamed into place ([`Run::save`]), so a directory named by a key is always a
/// complete run; leftovers of killed writes start with `.` and are ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStore {
    root: PathBuf,
}

impl RunStore {
    /// The store at `root` (created when a run is saved).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        RunStore { root: root.into() }
    }

    /// The default store: `$OML_STORE`, else `$XDG_DATA_HOME/oml/runs`, else
    /// `~/.local/share/oml/runs`. `env` looks a variable up (the process environment in the
    /// binary, a map in tests).
    pub fn default_root(env: impl Fn(&str) -> Option<String>) -> Result<PathBuf> {
        let set = |name: &str| env(name).filter(|v| !v.is_empty());
        if let Some(dir) = set("OML_STORE") {
            return Ok(PathBuf::from(dir));
        }
        if let Some(dir) = set("XDG_DATA_HOME") {
            return Ok(Path::new(&dir).join("oml").join("runs"));
        }
        match set("HOME") {
            Some(home) => Ok(Path::new(&home).join(".local/share/oml/runs")),
            None => Err(Error::Invalid {
                path: PathBuf::from("$HOME"),
                message: "no run store: set OML_STORE, XDG_DATA_HOME or HOME, or pass --store"
                    .to_owned(),
            }),
        }
    }

    /// The store's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the run with key `key` is (or would be) stored.
    pub fn dir(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    /// Whether a run with key `key` is stored (its manifest is there; see [`RunStore::check`]
    /// for whether it is intact).
    pub fn contains(&self, key: &str) -> bool {
        self.dir(key).join(files::MANIFEST).is_file()
    }

    /// Checks the run stored under `key` before it is served as already computed: its
    /// manifest and summary read, and every file has the digest its manifest records
    /// ([`check_files`]). A run that fails is damaged: the error names the file.
    pub fn check(&self, key: &str) -> Result<()> {
        let dir = self.dir(key);
        check_files(&dir)?;
        RunRecord::load(&dir).map(drop)
    }

    /// Stores `run` under `key`, replacing a run stored under it; returns its directory.
    pub fn save(&self, key: &str, run: &Run) -> Result<PathBuf> {
        let dir = self.dir(key);
        write_directory(&dir, &run.files()?, files::IN_STORE, Replace::Owned)?;
        Ok(dir)
    }

    /// Every stored run with its key, ordered by key. A directory that is not a run (no
    /// manifest) is skipped; a run whose files are missing or broken is listed as damaged.
    pub fn runs(&self) -> Result<Listed<Run>> {
        self.list(Run::load)
    }

    /// The manifest and summary of every stored run (their predictions unread), as
    /// [`RunStore::runs`] lists them.
    pub fn records(&self) -> Result<Listed<RunRecord>> {
        self.list(RunRecord::load)
    }

    fn list<T>(&self, read: impl Fn(&Path) -> Result<T>) -> Result<Listed<T>> {
        let mut listed = Listed {
            runs: Vec::new(),
            damaged: Vec::new(),
        };
        for key in self.keys()? {
            match read(&self.dir(&key)) {
                Ok(run) => listed.runs.push((key, run)),
                Err(problem) => listed.damaged.push(Damaged { key, problem }),
            }
        }
        Ok(listed)
    }

    /// The manifest and summary of the run stored under `key` (its predictions unread).
    pub fn record(&self, key: &str) -> Result<RunRecord> {
        RunRecord::load(&self.dir(key))
    }

    /// The keys of every stored run, sorted; directories that are not complete runs and
    /// hidden leftovers are skipped.
    pub fn keys(&self) -> Result<Vec<String>> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(Error::Read {
                    path: self.root.clone(),
                    source,
                });
            }
        };
        let mut keys: Vec<String> = entries
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.') && self.contains(name))
            .collect();
        keys.sort();
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RunKey {
        RunKey {
            task: TaskIdentity {
                task_id: None,
                task_type: 1,
                target: Some("class".into()),
                class_labels: None,
                ignored: Vec::new(),
            },
            digests: TaskDigests {
                dataset: "d".into(),
                splits: "s".into(),
            },
            flow: FlowIdentity {
                name: "f".into(),
                external_version: "v".into(),
                parameters: vec![("estimator.max_depth".into(), "3".into())],
            },
            seed: 0,
        }
    }

    #[test]
    fn a_key_is_the_digest_of_its_text_as_stored_since_oml_0_1() {
        // Pinned: the digest of the text the untyped key of oml 0.1 hashed for these values.
        let text = "oml run key 2\ntask id None, type 1, target Some(\"class\"), class labels \
                    None, ignored []\ndataset d\nsplits s\nflow f\nversion v\nseed 0\n\
                    parameter estimator.max_depth=3\n";
        assert_eq!(key().digest(), sha256_hex(text.as_bytes()));
    }

    #[test]
    fn keys_change_with_everything_that_decides_a_result() {
        let base = key().digest();
        assert_eq!(base.len(), 64);
        assert_eq!(base, key().digest());
        let mut changed = key();
        changed.seed = 1;
        assert_ne!(changed.digest(), base);
        let mut changed = key();
        changed.flow.parameters[0].1 = "4".into();
        assert_ne!(changed.digest(), base);
        let mut changed = key();
        changed.digests.splits = "t".into();
        assert_ne!(changed.digest(), base);
        let mut changed = key();
        changed.task.target = Some("other".into());
        assert_ne!(
            changed.digest(),
            base,
            "another target on the same files is another run"
        );
    }

    #[test]
    fn the_default_root_follows_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            RunStore::default_root(env(&[("OML_STORE", "/s"), ("HOME", "/h")])).unwrap(),
            PathBuf::from("/s")
        );
        assert_eq!(
            RunStore::default_root(env(&[("XDG_DATA_HOME", "/x"), ("HOME", "/h")])).unwrap(),
            PathBuf::from("/x/oml/runs")
        );
        assert_eq!(
            RunStore::default_root(env(&[("HOME", "/h")])).unwrap(),
            PathBuf::from("/h/.local/share/oml/runs")
        );
        assert!(RunStore::default_root(env(&[])).is_err());
    }
}
