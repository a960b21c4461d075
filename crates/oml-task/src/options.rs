//! What names a task wherever oml takes one (`oml run`, sweep files, manifests): the task's
//! text ([`TaskSource`]), where its cache is, and the typed [`TaskOptions`] that make a local
//! task. The command line and the sweep file parse into these types; manifests and job keys
//! store [`TaskOptions::to_items`], a format owned here, not the command line's flags.

use std::path::PathBuf;

use crate::cache::{Cache, Server};
use crate::error::{Error, Result};
use crate::local::LocalTaskBuilder;
use crate::procedure::{Resampling, TaskType};
use crate::task::{Task, TaskSource};

/// The options of a task beyond its text: the server whose cache holds a task id, and how a
/// local task (a dataset file or `builtin:NAME`) is made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskOptions {
    /// Local tasks: the target column (by default the dataset's default target).
    pub target: Option<String>,
    /// Local tasks: the task type (by default from the target's kind).
    pub task_type: Option<TaskType>,
    /// Local tasks: the resampling (by default 10-fold cross-validation).
    pub resampling: Option<Resampling>,
    /// Local tasks: do not stratify classification splits.
    pub no_stratify: bool,
    /// Local tasks: the seed of the splits (by default [`crate::DEFAULT_SEED`]).
    pub split_seed: Option<u64>,
    /// Local tasks: columns that are not features, in the order given.
    pub ignore: Vec<String>,
    /// Task ids: the server whose cache directory holds them (`test` or a URL); `None` for
    /// `www`.
    pub server: Option<String>,
}

/// The name of each option in [`TaskOptions::to_items`]: the storage format of manifests and
/// job keys since oml 0.1, kept as it is whatever the command line calls its flags.
mod item {
    pub const TARGET: &str = "--target";
    pub const TASK_TYPE: &str = "--task-type";
    pub const RESAMPLING: &str = "--resampling";
    pub const SPLIT_SEED: &str = "--split-seed";
    pub const NO_STRATIFY: &str = "--no-stratify";
    pub const IGNORE: &str = "--ignore";
    pub const SERVER: &str = "--server";
}

impl TaskOptions {
    /// Whether an option that only a local task takes is set (all but the server).
    pub fn has_local_options(&self) -> bool {
        self.target.is_some()
            || self.task_type.is_some()
            || self.resampling.is_some()
            || self.no_stratify
            || self.split_seed.is_some()
            || !self.ignore.is_empty()
    }

    /// Sets the server by its name as oml resolves it (`www`, `test` or a URL): `www` is
    /// `None`.
    pub fn set_server(&mut self, name: &str) {
        self.server = (name != "www").then(|| name.to_owned());
    }

    /// The server's name: `www`, `test` or a URL.
    pub fn server_name(&self) -> &str {
        self.server.as_deref().unwrap_or("www")
    }

    /// The options as manifests store them and job keys hash them: one `NAME VALUE` item per
    /// option set (`--resampling cv:10`, `--no-stratify`), in the order target, task type,
    /// resampling, split seed, no stratification, each ignored column, server. Values are
    /// canonical: a task type by its short name, a resampling as [`Resampling`] prints it.
    pub fn to_items(&self) -> Vec<String> {
        let mut items = Vec::new();
        let mut push = |name: &str, value: Option<String>| {
            items.push(match value {
                Some(value) => format!("{name} {value}"),
                None => name.to_owned(),
            });
        };
        if let Some(target) = &self.target {
            push(item::TARGET, Some(target.clone()));
        }
        if let Some(task_type) = self.task_type {
            push(item::TASK_TYPE, Some(task_type.short_name().to_owned()));
        }
        if let Some(resampling) = &self.resampling {
            push(item::RESAMPLING, Some(resampling.to_string()));
        }
        if let Some(seed) = self.split_seed {
            push(item::SPLIT_SEED, Some(seed.to_string()));
        }
        if self.no_stratify {
            push(item::NO_STRATIFY, None);
        }
        for column in &self.ignore {
            push(item::IGNORE, Some(column.clone()));
        }
        if let Some(server) = &self.server {
            push(item::SERVER, Some(server.clone()));
        }
        items
    }

    /// Reads what [`TaskOptions::to_items`] wrote (any order; a task type or resampling in
    /// any form their parsers take); an unknown item or a bad value is an error naming it.
    pub fn from_items(items: &[String]) -> Result<Self> {
        let mut options = TaskOptions::default();
        for text in items {
            let (name, value) = text.split_once(' ').unwrap_or((text.as_str(), ""));
            let bad = |what: &str| Error::Invalid(format!("task option `{text}`: {what}"));
            match name {
                item::TARGET => options.target = Some(value.to_owned()),
                item::TASK_TYPE => {
                    options.task_type = Some(value.parse().map_err(|e| bad(&format!("{e}")))?);
                }
                item::RESAMPLING => {
                    options.resampling = Some(value.parse().map_err(|e| bad(&format!("{e}")))?);
                }
                item::SPLIT_SEED => {
                    options.split_seed = Some(value.parse().map_err(|_| bad("not a seed"))?);
                }
                item::NO_STRATIFY => options.no_stratify = true,
                item::IGNORE => options.ignore.push(value.to_owned()),
                item::SERVER => options.set_server(value),
                _ => return Err(bad("unknown option")),
            }
        }
        Ok(options)
    }

    /// The resampling's test share over its training share, for a holdout of `P` percent:
    /// `P / (100 - P)`; `None` for other resamplings or none given.
    pub fn holdout_test_train_ratio(&self) -> Option<f64> {
        match self.resampling {
            Some(Resampling::Holdout { percentage, .. }) => Some(percentage / (100.0 - percentage)),
            _ => None,
        }
    }
}

impl serde::Serialize for TaskOptions {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.to_items())
    }
}

impl<'de> serde::Deserialize<'de> for TaskOptions {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<String>::deserialize(deserializer)?;
        TaskOptions::from_items(&items).map_err(serde::de::Error::custom)
    }
}

/// A task as oml is asked for one: its text (an OpenML id, a task directory, a dataset file or
/// `builtin:NAME`), the cache root for ids, and its options.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TaskSpec {
    /// The task as given.
    pub task: String,
    /// The cache root for task ids; by default openml-python's.
    pub cache_dir: Option<PathBuf>,
    /// The server and the local task's options.
    pub options: TaskOptions,
}

impl TaskSpec {
    /// The task `task` with no options.
    pub fn new(task: impl Into<String>) -> Self {
        TaskSpec {
            task: task.into(),
            ..TaskSpec::default()
        }
    }

    /// Reads the task from the cache or its directory, or makes the local task. Local options
    /// given for a task id or directory are refused.
    pub fn open(&self) -> Result<Task> {
        let source = TaskSource::parse(&self.task);
        let options = &self.options;
        if options.has_local_options() && !matches!(source, TaskSource::Dataset(_)) {
            return Err(Error::Invalid(format!(
                "--target, --task-type, --resampling, --no-stratify, --ignore and the split seed \
                 apply to local tasks (a dataset file or builtin:NAME), not to `{}`",
                self.task
            )));
        }
        match source {
            TaskSource::Id(id) => {
                let server = options.server_name().parse::<Server>()?;
                let cache = match &self.cache_dir {
                    Some(dir) => Cache::new(dir, server),
                    None => Cache::from_env(server)?,
                };
                Task::from_cache(&cache, id)
            }
            TaskSource::Dir(dir) => Task::from_path(&dir),
            TaskSource::Dataset(dataset) => {
                let mut builder = LocalTaskBuilder::new();
                if let Some(target) = &options.target {
                    builder.target(target);
                }
                if let Some(task_type) = options.task_type {
                    builder.task_type(task_type);
                }
                if let Some(resampling) = &options.resampling {
                    builder.resampling(resampling.clone());
                }
                if options.no_stratify {
                    builder.stratified(false);
                }
                if let Some(seed) = options.split_seed {
                    builder.seed(seed);
                }
                for column in &options.ignore {
                    builder.ignore(column);
                }
                builder.from_source(&dataset)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn items_are_read_back_and_written_in_the_stored_format() {
        let stored = items(&[
            "--target class",
            "--task-type classification",
            "--resampling holdout:33:2",
            "--split-seed 7",
            "--no-stratify",
            "--ignore id",
            "--ignore comment",
            "--server test",
        ]);
        let options = TaskOptions::from_items(&stored).unwrap();
        assert_eq!(options.target.as_deref(), Some("class"));
        assert_eq!(options.task_type, Some(TaskType::SupervisedClassification));
        assert_eq!(options.split_seed, Some(7));
        assert!(options.no_stratify);
        assert_eq!(options.ignore, ["id", "comment"]);
        assert_eq!(options.server_name(), "test");
        assert_eq!(options.to_items(), stored);
        assert_eq!(options.holdout_test_train_ratio(), Some(33.0 / 67.0));
        let json = serde_json::to_string(&options).unwrap();
        assert_eq!(serde_json::from_str::<TaskOptions>(&json).unwrap(), options);
    }

    #[test]
    fn other_spellings_are_stored_canonically_and_bad_items_named() {
        let options = TaskOptions::from_items(&items(&["--task-type 2", "--server www"])).unwrap();
        assert_eq!(options.to_items(), ["--task-type regression"]);
        assert_eq!(options.server, None);
        for bad in ["--resampling cv:1", "--split-seed x", "--folds 3"] {
            let err = TaskOptions::from_items(&items(&[bad])).unwrap_err();
            assert!(err.to_string().contains(bad), "{err}");
        }
    }

    #[test]
    fn local_options_are_refused_for_a_task_id() {
        let mut spec = TaskSpec::new("31");
        spec.options.target = Some("class".into());
        let err = spec.open().unwrap_err().to_string();
        assert!(
            err.contains("apply to local tasks") && err.contains("`31`"),
            "{err}"
        );
    }
}
