//! Tasks of a sweep as the file and the flags give them: canonical text, so that one task has
//! one key, and local-task options checked and typed.

use oml_task::TaskSpec;

use super::TaskEntry;
use super::file::{IdOrText, RawTask};

/// Whether `task` names an OpenML task id, as [`oml_task::TaskSource::parse`] decides.
pub(super) fn is_task_id(task: &str) -> bool {
    task.parse::<i64>().is_ok()
}

/// The canonical text of a task as [`oml_task::TaskSource::parse`] reads it, so that one task
/// has one key: an id in decimal without sign or leading zeros (`031` and `+31` are `31`);
/// `builtin:NAME` only for an embedded dataset; anything else (a path) as written. A negative
/// id is an error, as is an unknown built-in dataset.
pub(super) fn canonical_task(task: &str) -> Result<String, String> {
    if let Some(name) = task.strip_prefix(oml_data::BUILTIN_PREFIX) {
        if !oml_data::BUILTIN_NAMES.contains(&name) {
            return Err(format!(
                "no built-in dataset is called `{name}`; they are {}",
                oml_data::BUILTIN_NAMES.join(", ")
            ));
        }
        return Ok(task.to_owned());
    }
    match task.parse::<i64>() {
        Ok(id) if id < 0 => Err(format!(
            "`{task}` is not an OpenML task id (ids are not negative; write ./{task} for a file)"
        )),
        Ok(id) => Ok(id.to_string()),
        Err(_) => Ok(task.to_owned()),
    }
}

/// The canonical text of a suite: an id in decimal without sign or leading zeros, an alias
/// as written.
pub(super) fn canonical_suite(suite: &str) -> String {
    suite
        .parse::<u64>()
        .map_or_else(|_| suite.to_owned(), |id| id.to_string())
}

/// The task entry of a file's or a flag's task (ids on `server`), or the field at fault
/// (`""` or `.resampling`) and what is wrong.
pub(super) fn task_entry(raw: RawTask, server: &str) -> Result<TaskEntry, (String, String)> {
    let spec = |task: String| {
        let mut spec = TaskSpec::new(task);
        if is_task_id(&spec.task) {
            spec.options.set_server(server);
        }
        spec
    };
    let whole = |message: &str| (String::new(), message.to_owned());
    match raw {
        RawTask::Text(text) => {
            if text.trim().is_empty() {
                return Err(whole("an empty task"));
            }
            match text.strip_prefix("suite:") {
                Some("") => Err(whole(
                    "`suite:` names no suite: write suite:ID or suite:ALIAS",
                )),
                Some(suite) => Ok(TaskEntry::Suite(canonical_suite(suite))),
                None => Ok(TaskEntry::Spec(spec(
                    canonical_task(&text).map_err(|message| whole(&message))?,
                ))),
            }
        }
        RawTask::Table(table) => {
            let has_options = table.target.is_some()
                || table.task_type.is_some()
                || table.resampling.is_some()
                || table.split_seed.is_some()
                || table.no_stratify;
            match (table.task, table.suite) {
                (None, None) => Err(whole("give `task` or `suite`")),
                (Some(_), Some(_)) => Err(whole("give `task` or `suite`, not both")),
                (None, Some(IdOrText(suite))) => {
                    if suite.trim().is_empty() {
                        Err((".suite".into(), "an empty suite".into()))
                    } else if has_options {
                        Err(whole(
                            "target, task_type, resampling, split_seed and no_stratify apply \
                             to local tasks, not to a suite",
                        ))
                    } else {
                        Ok(TaskEntry::Suite(canonical_suite(&suite)))
                    }
                }
                (Some(IdOrText(task)), None) => {
                    if task.trim().is_empty() {
                        return Err((".task".into(), "an empty task".into()));
                    }
                    if task.starts_with("suite:") {
                        return Err((".task".into(), "write a suite as `suite = \"ID\"`".into()));
                    }
                    let task =
                        canonical_task(&task).map_err(|message| (".task".into(), message))?;
                    if has_options && is_task_id(&task) {
                        return Err(whole(&format!(
                            "target, task_type, resampling, split_seed and no_stratify apply \
                             to local tasks (a dataset file or builtin:NAME), not to task {task}"
                        )));
                    }
                    let mut spec = spec(task);
                    let options = &mut spec.options;
                    if let Some(resampling) = &table.resampling {
                        options.resampling = Some(
                            resampling
                                .parse::<oml_task::Resampling>()
                                .map_err(|e| (".resampling".to_owned(), e.to_string()))?,
                        );
                    }
                    if let Some(task_type) = &table.task_type {
                        options.task_type = Some(
                            task_type
                                .parse::<oml_task::TaskType>()
                                .map_err(|e| (".task_type".to_owned(), e.to_string()))?,
                        );
                    }
                    options.target = table.target;
                    options.split_seed = table.split_seed;
                    options.no_stratify = table.no_stratify;
                    Ok(TaskEntry::Spec(spec))
                }
            }
        }
    }
}
