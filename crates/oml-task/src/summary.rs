//! What `oml task show` prints: a task's identity, target, split counts and per-split sizes,
//! as JSON or plain text; and every split's row ids, for conformance checks.

use std::fmt;

use serde::Serialize;

/// A task at a glance. Serialises to the JSON of `oml task show --json`, whose keys are
/// exactly `task_id`, `task_type`, `dataset_id`, `target`, `n_repeats`, `n_folds`,
/// `n_samples`, `class_labels` and `splits: [{repeat, fold, sample, n_train, n_test}]`.
///
/// `task_type` is OpenML's task type id (1 classification, 2 regression, 3 learning curve,
/// 5 clustering), as `task_type_id` in `task.xml`: a number that never changes spelling.
/// Local tasks have a `null` `task_id` and `dataset_id`. The fields marked "not in the JSON"
/// serve the plain-text form only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskSummary {
    /// The OpenML task id; `None` for a local task.
    pub task_id: Option<i64>,
    /// OpenML's task type id.
    pub task_type: u32,
    /// The OpenML dataset id; `None` for a local task.
    pub dataset_id: Option<i64>,
    /// The target column; `None` for clustering.
    pub target: Option<String>,
    /// The number of repeats, from the splits.
    pub n_repeats: u32,
    /// The number of folds per repeat, from the splits.
    pub n_folds: u32,
    /// The number of learning-curve samples per fold, from the splits (1 for other tasks).
    pub n_samples: u32,
    /// The class labels in declared order (classification and learning curves).
    pub class_labels: Option<Vec<String>>,
    /// One entry per (repeat, fold, sample), in that order.
    pub splits: Vec<SplitSummary>,
    /// The task type's name, `Supervised Classification`, ... (not in the JSON).
    #[serde(skip)]
    pub task_type_name: &'static str,
    /// The dataset's name (not in the JSON).
    #[serde(skip)]
    pub dataset_name: String,
    /// The dataset's number of rows (not in the JSON).
    #[serde(skip)]
    pub n_rows: usize,
    /// The estimation procedure type, `crossvalidation`, ... (not in the JSON).
    #[serde(skip)]
    pub procedure: String,
}

/// The sizes of one (repeat, fold, sample).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitSummary {
    /// The repeat, from 0.
    pub repeat: u32,
    /// The fold, from 0.
    pub fold: u32,
    /// The learning-curve sample, from 0.
    pub sample: u32,
    /// The number of training rows.
    pub n_train: usize,
    /// The number of test rows.
    pub n_test: usize,
}

/// A task's splits with every row id, for comparing with another implementation (what
/// `oml task show --splits-json FILE` writes): `task_id`, `target`, `n_rows`, `class_labels`
/// and `splits: [{repeat, fold, sample, train, test}]`, row ids in split-file order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskIndices<'a> {
    /// The OpenML task id; `None` for a local task.
    pub task_id: Option<i64>,
    /// The target column.
    pub target: Option<&'a str>,
    /// The dataset's number of rows.
    pub n_rows: usize,
    /// The class labels in declared order.
    pub class_labels: Option<&'a [String]>,
    /// One entry per (repeat, fold, sample), in that order.
    pub splits: Vec<SplitIndices<'a>>,
}

/// The row ids of one (repeat, fold, sample).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitIndices<'a> {
    /// The repeat, from 0.
    pub repeat: u32,
    /// The fold, from 0.
    pub fold: u32,
    /// The learning-curve sample, from 0.
    pub sample: u32,
    /// The training rows (0-based positions in the dataset), in file order.
    pub train: &'a [u32],
    /// The test rows, in file order.
    pub test: &'a [u32],
}

/// A header (task, dataset, target, procedure, class labels), then one line per split.
impl fmt::Display for TaskSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.task_id {
            Some(id) => write!(f, "task {id}")?,
            None => write!(f, "local task")?,
        }
        write!(f, ": {}, dataset ", self.task_type_name)?;
        match self.dataset_id {
            Some(id) => write!(f, "{id} (`{}`", self.dataset_name)?,
            None => write!(f, "`{}` (", self.dataset_name)?,
        }
        let rows = if self.dataset_id.is_some() { ", " } else { "" };
        write!(f, "{rows}{} rows)", self.n_rows)?;
        match &self.target {
            Some(target) => writeln!(f, ", target `{target}`")?,
            None => writeln!(f)?,
        }
        let plural = |n: u32, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        writeln!(
            f,
            "estimation procedure: {}; {}, {}, {}",
            self.procedure,
            plural(self.n_repeats, "repeat"),
            plural(self.n_folds, "fold"),
            plural(self.n_samples, "sample"),
        )?;
        if let Some(labels) = &self.class_labels {
            writeln!(f, "class labels ({}): {}", labels.len(), labels.join(", "))?;
        }
        writeln!(f, "repeat  fold  sample  n_train  n_test")?;
        for s in &self.splits {
            writeln!(
                f,
                "{:>6}  {:>4}  {:>6}  {:>7}  {:>6}",
                s.repeat, s.fold, s.sample, s.n_train, s.n_test
            )?;
        }
        Ok(())
    }
}
