//! The task document, `task.xml` (GET /task/{id}): read leniently, written in the server's shape.
//!
//! Server GET responses are not schema-valid in general, so elements are matched by local name
//! (the `oml:` prefix and the namespace are ignored), unknown elements (`task_name`,
//! `cost_matrix`, `output`, ...) are skipped and unknown estimation-procedure parameters are
//! ignored. Texts are trimmed, as openml-python's xmltodict does, and an element with empty text
//! counts as absent. When a single-valued element is repeated, the last one counts.
//!
//! `read` collects a document's values and checks them, `write` writes one in the server's
//! shape, and `procedure_description` is the estimation procedure as a task names it.

use std::path::Path;

use crate::error::{Error, Result};
use crate::procedure::TaskType;

mod procedure_description;
mod read;
#[cfg(test)]
mod tests;
mod write;

pub use procedure_description::ProcedureDescription;

/// A task as `task.xml` (GET /task/{id}) describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDescription {
    /// The task id; local tasks have none.
    pub task_id: Option<i64>,
    /// The task type, from `task_type_id`.
    pub task_type: TaskType,
    /// The dataset, `data_set_id` under `input name="source_data"`.
    pub dataset_id: Option<i64>,
    /// The target column, `target_feature`; clustering tasks have none.
    pub target: Option<String>,
    /// The estimation procedure, as the task names it.
    pub procedure: ProcedureDescription,
    /// The evaluation measures (`predictive_accuracy`, ...), in document order.
    pub evaluation_measures: Vec<String>,
    /// The tags, in document order.
    pub tags: Vec<String>,
}

impl TaskDescription {
    /// Parses a `task.xml` document.
    ///
    /// Fails on malformed XML, a root other than `task`, a missing or unsupported
    /// `task_type_id`, a number or boolean that does not parse (the message names the element
    /// and its text), and a classification, regression or learning-curve task without a
    /// `target_feature`.
    pub fn from_xml(text: &str) -> Result<Self> {
        read::read_raw(text)?.finish(text)
    }

    /// Reads and parses the `task.xml` at `path`; errors carry the path.
    pub fn from_path(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        Self::from_xml(&text).map_err(|e| e.with_path(path))
    }
}
