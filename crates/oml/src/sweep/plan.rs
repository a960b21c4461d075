//! The sweep file and its expansion into jobs.
//!
//! A [`Sweep`] names tasks, flows with parameter grids, seeds and measures. It comes from a
//! sweep file ([`Sweep::read`]), from the command line's repeatable flags
//! ([`Sweep::from_flags`]) or from both ([`Sweep::override_with`]). [`Sweep::jobs`] expands it
//! into [`Job`]s in a stable order; each job has a stable key ([`Job::key`], [`job_key`]): a
//! hash of the task, its options, the flow, the parameters and the seed, which a stored run's
//! manifest gives too. What a job computes depends on its key alone, never on its position or
//! on the shard that runs it.
//!
//! The sweep file's format is `docs/sweep-file.md` (included below).
//!
#![doc = include_str!("../../../../docs/sweep-file.md")]
//!
//! # Order and keys
//!
//! Jobs are ordered by task (file order; a suite's tasks in the suite's order), then flow
//! (file order), then grid point (parameters sorted by qualified name, the last varying
//! fastest, values in the order listed), then seed (in the order listed). A job that appears
//! twice (same key) is kept once, at its first place. A job's parameters are `NAME=VALUE` with
//! the qualified name (`estimator.max_depth=3`), sorted by it, so that `max_depth = 3` and
//! `"estimator.max_depth" = 3` give one job and one key.

use std::collections::{BTreeMap, HashSet};
use std::fmt::{self, Write as _};
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use toml::Spanned;

use super::error::Error;
use crate::runner::{RunRequest, TaskSpec};

/// One run of a sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The task.
    pub task: TaskSpec,
    /// A built-in flow's short name.
    pub flow: String,
    /// `NAME=VALUE` parameter assignments by qualified name (`estimator.max_depth=3`), sorted
    /// by it.
    pub params: Vec<String>,
    /// The run seed.
    pub seed: u64,
}

impl Job {
    /// The job key: [`job_key`] of the task, its options ([`TaskSpec::options`]), the flow,
    /// the parameters and the seed. The cache directory is not part of it.
    pub fn key(&self) -> String {
        job_key(
            &self.task.task,
            &self.task.options(),
            &self.flow,
            &self.params,
            self.seed,
        )
    }

    /// The run request of this job, on `threads` (by default all cores), not failing fast.
    pub fn request(&self, threads: Option<usize>) -> RunRequest {
        RunRequest {
            task: self.task.clone(),
            flow: self.flow.clone(),
            params: self.params.clone(),
            seed: self.seed,
            threads,
            fail_fast: false,
        }
    }

    /// A short human label: `builtin:iris [--resampling cv:5] decision-tree max_depth=3 seed 1`.
    pub fn label(&self) -> String {
        let mut parts = vec![self.task.task.clone()];
        let options = self.task.options();
        if !options.is_empty() {
            parts.push(format!("[{}]", options.join(" ")));
        }
        parts.push(self.flow.clone());
        parts.extend(self.params.iter().cloned());
        parts.push(format!("seed {}", self.seed));
        parts.join(" ")
    }
}

/// The key of a job, or of a stored run from its manifest (`task`, `task_options`, `flow`,
/// `parameters`, `seed`): 64 hex digits, the SHA-256 of
/// `oml job 1\ntask {task}\noption {o}\n...flow {flow}\nparameter {p}\n...seed {seed}\n`
/// (one `option` line per task option and one `parameter` line per parameter, in order).
pub fn job_key(
    task: &str,
    task_options: &[String],
    flow: &str,
    params: &[String],
    seed: u64,
) -> String {
    let mut text = format!("oml job 1\ntask {task}\n");
    for option in task_options {
        let _ = writeln!(text, "option {option}");
    }
    let _ = writeln!(text, "flow {flow}");
    for param in params {
        let _ = writeln!(text, "parameter {param}");
    }
    let _ = writeln!(text, "seed {seed}");
    oml_run::sha256_hex(text.as_bytes())
}

/// A task entry of a sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskEntry {
    /// One task, as `oml run --task` and its options name it.
    Spec(TaskSpec),
    /// Every task of an OpenML benchmark suite, by id or alias (`OpenML-CC18`).
    Suite(String),
}

/// A flow and its parameter grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowEntry {
    /// A built-in flow's short name.
    pub flow: String,
    /// Parameter name to its values as text; empty for the defaults. A sweep read from a file
    /// has qualified names (`estimator.max_depth`), sorted; [`Sweep::jobs`] resolves and sorts
    /// the names of an entry made otherwise.
    pub grid: Vec<(String, Vec<String>)>,
}

/// A sweep: what a sweep file (or the flags) says.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The tasks, in order.
    pub tasks: Vec<TaskEntry>,
    /// The flows, in order.
    pub flows: Vec<FlowEntry>,
    /// The run seeds, in order.
    pub seeds: Vec<u64>,
    /// OpenML measure names to report; empty for all.
    pub measures: Vec<String>,
    /// The time limit of each job.
    pub time_limit: Option<Duration>,
    /// The server of OpenML task ids and suites (`www`, `test` or a URL), if the sweep file
    /// names one; the caller resolves `None` (a flag, `$OPENML_SERVER`, `www`) and passes
    /// the result to [`Sweep::set_server`], which also sets it on the tasks given by id.
    /// Until then task ids and suites are on `www`.
    pub server: Option<String>,
}

impl Sweep {
    /// Reads a sweep file. Errors name the file and the line: toml's place for syntax errors
    /// and values of the wrong type, the entry (`flows[1].grid.max_depth`) for the rest.
    pub fn read(path: &Path) -> Result<Sweep, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Sweep::from_toml(&text, path)
    }

    /// Parses the text of a sweep file; `path` only names it in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Sweep, Error> {
        let raw: RawSweep = toml::from_str(text).map_err(|error| {
            let (line, column) = match error.span() {
                Some(span) => {
                    let (line, column) = line_column(text, span.start);
                    (Some(line), Some(column))
                }
                None => (None, None),
            };
            Error::Toml {
                path: path.to_owned(),
                line,
                column,
                message: error.message().trim_end().to_owned(),
            }
        })?;
        let line_of = |span: std::ops::Range<usize>| Some(line_column(text, span.start).0);
        let invalid = |line: Option<usize>, entry: String, message: String| Error::Invalid {
            path: Some(path.to_owned()),
            line,
            entry,
            message,
        };

        let server = raw.server;
        let mut tasks = Vec::with_capacity(raw.tasks.len());
        for (i, item) in raw.tasks.into_iter().enumerate() {
            let line = line_of(item.span());
            let entry = task_entry(item.into_inner(), server.as_deref().unwrap_or("www"))
                .map_err(|(field, message)| invalid(line, format!("tasks[{i}]{field}"), message))?;
            tasks.push(entry);
        }
        if tasks.is_empty() {
            return Err(invalid(
                None,
                "tasks".into(),
                "no tasks: nothing to run".into(),
            ));
        }

        let mut flows = Vec::with_capacity(raw.flows.len());
        for (i, item) in raw.flows.into_iter().enumerate() {
            let item_line = line_of(item.span());
            let (flow, name_line, grid) = match item.into_inner() {
                RawFlow::Name(name) => (name, item_line, BTreeMap::new()),
                RawFlow::Table(table) => {
                    let name_line = line_of(table.name.span());
                    (table.name.into_inner(), name_line, table.grid)
                }
            };
            let mut lines: BTreeMap<String, Option<usize>> = BTreeMap::new();
            let mut written = Vec::with_capacity(grid.len());
            for (name, values) in grid {
                let line = line_of(values.span());
                let GridValues { values, non_finite } = values.into_inner();
                if let Some(value) = non_finite {
                    return Err(invalid(
                        line,
                        format!("flows[{i}].grid.{name}"),
                        format!("`{value}` is not a finite number"),
                    ));
                }
                lines.insert(name.clone(), line);
                written.push((name, values));
            }
            let mut entry = FlowEntry {
                flow,
                grid: written,
            };
            entry.grid = checked_grid(&entry).map_err(|problem| {
                let line = match &problem {
                    FlowProblem::Name(_) => name_line,
                    FlowProblem::Param(name, _) | FlowProblem::Values(name, _) => {
                        lines.get(name).copied().flatten()
                    }
                    FlowProblem::Point(..) | FlowProblem::Grid(_) => item_line,
                };
                problem.into_error(i, Some(path), line)
            })?;
            flows.push(entry);
        }
        if flows.is_empty() {
            return Err(invalid(
                None,
                "flows".into(),
                "no flows: nothing to run".into(),
            ));
        }

        for (i, measure) in raw.measures.iter().enumerate() {
            oml_eval::check_measure(measure)
                .map_err(|message| invalid(None, format!("measures[{i}]"), message))?;
        }
        Ok(Sweep {
            tasks,
            flows,
            seeds: raw.seeds.map_or_else(|| vec![0], |seeds| seeds.0),
            measures: raw.measures,
            time_limit: raw.time_limit.map(|limit| limit.0),
            server,
        })
    }

    /// A sweep given by the flags alone: tasks as `oml run --task` takes them, or
    /// `suite:ID|ALIAS`; flows by short name; seeds as texts, each `7`, `1..5` (half-open: 1,
    /// 2, 3, 4) or `1..=5`. No seeds means seed 0. No server is named. Empty task or flow
    /// lists are allowed here; [`Sweep::jobs`] refuses them (nothing to run).
    pub fn from_flags(
        tasks: &[String],
        flows: &[String],
        seeds: &[String],
    ) -> Result<Sweep, Error> {
        let mut sweep = Sweep {
            tasks: Vec::new(),
            flows: Vec::new(),
            seeds: vec![0],
            measures: Vec::new(),
            time_limit: None,
            server: None,
        };
        sweep.override_with(tasks, flows, seeds)?;
        Ok(sweep)
    }

    /// Replaces each list that the flags give (a non-empty one) in a sweep read from a file:
    /// tasks, flows and seeds, written as [`Sweep::from_flags`] takes them. Task ids of the
    /// flags take the sweep's server. Flows are checked as a file's are. Nothing changes on
    /// an error.
    pub fn override_with(
        &mut self,
        tasks: &[String],
        flows: &[String],
        seeds: &[String],
    ) -> Result<(), Error> {
        let invalid = |entry: &str, message: String| Error::Invalid {
            path: None,
            line: None,
            entry: entry.to_owned(),
            message,
        };
        let tasks = tasks
            .iter()
            .map(|text| {
                task_entry(
                    RawTask::Text(text.clone()),
                    self.server.as_deref().unwrap_or("www"),
                )
                .map_err(|(_, message)| invalid("--task", message))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let flows = flows
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let entry = FlowEntry {
                    flow: name.clone(),
                    grid: Vec::new(),
                };
                checked_grid(&entry).map_err(|problem| problem.into_error(i, None, None))?;
                Ok(entry)
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let mut seed_list = Vec::new();
        for text in seeds {
            seed_list.extend(seeds_of(text).map_err(|message| invalid("--seed", message))?);
        }
        if !tasks.is_empty() {
            self.tasks = tasks;
        }
        if !flows.is_empty() {
            self.flows = flows;
        }
        if !seed_list.is_empty() {
            self.seeds = seed_list;
        }
        Ok(())
    }

    /// Sets the server of OpenML task ids and suites: the sweep's, and that of every task
    /// given by id. A server other than `www` is part of those tasks' job keys.
    pub fn set_server(&mut self, server: &str) {
        self.server = Some(server.to_owned());
        for entry in &mut self.tasks {
            if let TaskEntry::Spec(spec) = entry
                && is_task_id(&spec.task)
            {
                server.clone_into(&mut spec.server);
            }
        }
    }

    /// Expands the sweep into jobs in a stable order: tasks (in order; a suite's tasks in the
    /// order `suite_tasks` gives them) x flows (in order) x grid points (parameters sorted by
    /// name, the last varying fastest, values in order) x seeds (in order). A job that comes
    /// twice (same key) is kept once, at its first place.
    ///
    /// Every flow is built with every grid value and every grid point, so a typo fails here,
    /// naming the flow entry. `suite_tasks` lists the OpenML task ids of a suite (id or alias),
    /// fetched or read from the cache by the caller, once per suite; each becomes a task on
    /// the sweep's server (`www` if none is set). The cache directory of every task is
    /// `None`: the caller sets it on the jobs (it is not part of the key).
    pub fn jobs(
        &self,
        suite_tasks: &mut dyn FnMut(&str) -> Result<Vec<i64>, String>,
    ) -> Result<Vec<Job>, Error> {
        let nothing = |entry: &str, what: &str| Error::Invalid {
            path: None,
            line: None,
            entry: entry.to_owned(),
            message: format!("no {what}: nothing to run (give a sweep file or {entry})"),
        };
        if self.tasks.is_empty() {
            return Err(nothing("--task", "tasks"));
        }
        if self.flows.is_empty() {
            return Err(nothing("--flow", "flows"));
        }
        if self.seeds.is_empty() {
            return Err(nothing("--seed", "seeds"));
        }
        let points = self
            .flows
            .iter()
            .enumerate()
            .map(|(i, flow)| grid_points(flow).map_err(|problem| problem.into_error(i, None, None)))
            .collect::<Result<Vec<_>, _>>()?;

        let server = self.server.as_deref().unwrap_or("www");
        let mut suites: Vec<(&str, Vec<i64>)> = Vec::new();
        let mut specs = Vec::new();
        for (i, entry) in self.tasks.iter().enumerate() {
            match entry {
                TaskEntry::Spec(spec) => specs.push(spec.clone()),
                TaskEntry::Suite(suite) => {
                    let ids = match suites.iter().find(|(name, _)| name == suite) {
                        Some((_, ids)) => ids.clone(),
                        None => {
                            let ids = suite_tasks(suite).map_err(|message| Error::Suite {
                                entry: format!("tasks[{i}]"),
                                suite: suite.clone(),
                                message,
                            })?;
                            suites.push((suite, ids.clone()));
                            ids
                        }
                    };
                    specs.extend(ids.into_iter().map(|id| TaskSpec {
                        task: id.to_string(),
                        server: server.to_owned(),
                        ..TaskSpec::default()
                    }));
                }
            }
        }

        let per_task: u128 =
            points.iter().map(|p| p.len() as u128).sum::<u128>() * self.seeds.len() as u128;
        let total = per_task * specs.len() as u128;
        if total > MAX_JOBS as u128 {
            return Err(Error::Invalid {
                path: None,
                line: None,
                entry: "tasks x flows x grid points x seeds".to_owned(),
                message: format!(
                    "{} tasks x {} flow settings x {} seeds are {total} jobs, more than oml's \
                     limit of {MAX_JOBS} for one sweep: split it into several sweeps",
                    specs.len(),
                    points.iter().map(Vec::len).sum::<usize>(),
                    self.seeds.len()
                ),
            });
        }
        let mut seen = HashSet::new();
        let mut jobs = Vec::new();
        for task in &specs {
            for (flow, points) in self.flows.iter().zip(&points) {
                for params in points {
                    for &seed in &self.seeds {
                        let job = Job {
                            task: task.clone(),
                            flow: flow.flow.clone(),
                            params: params.clone(),
                            seed,
                        };
                        if seen.insert(job.key()) {
                            jobs.push(job);
                        }
                    }
                }
            }
        }
        Ok(jobs)
    }
}

/// Parses seeds as `oml sweep --seed` takes them: `7`, `1..5` (half-open: 1, 2, 3, 4) or
/// `1..=5`. An empty range is an error.
pub fn parse_seeds(text: &str) -> Result<Vec<u64>, Error> {
    seeds_of(text).map_err(|message| Error::Invalid {
        path: None,
        line: None,
        entry: "seeds".to_owned(),
        message,
    })
}

/// Parses a duration: whole seconds (`90`) or numbers with units `d`, `h`, `m`, `s`, largest
/// first, each at most once (`90s`, `10m`, `2h`, `1h30m`, `1d`). It must be positive.
pub fn parse_duration(text: &str) -> Result<Duration, Error> {
    duration_of(text).map_err(|message| Error::Invalid {
        path: None,
        line: None,
        entry: "time limit".to_owned(),
        message,
    })
}

/// `90 s`, `10 min`, `2 h 5 min`: a duration as people read it.
pub fn format_duration(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 60.0 {
        return format!("{seconds} s");
    }
    let whole = duration.as_secs();
    let (hours, minutes, rest) = (whole / 3600, whole % 3600 / 60, whole % 60);
    let mut parts = Vec::new();
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if minutes > 0 {
        parts.push(format!("{minutes} min"));
    }
    if rest > 0 {
        parts.push(format!("{rest} s"));
    }
    parts.join(" ")
}

/// The line and the column (in characters), both from 1, of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = text
        .get(start..offset)
        .map_or(offset - start, |s| s.chars().count());
    (line, column + 1)
}

/// Whether `task` names an OpenML task id, as [`oml_task::TaskSource::parse`] decides.
fn is_task_id(task: &str) -> bool {
    task.parse::<i64>().is_ok()
}

/// The most seeds one range may give.
const MAX_RANGE: u128 = 1_000_000;

/// The seeds of `7`, `1..5` or `1..=5`, or a message naming the text.
fn seeds_of(text: &str) -> Result<Vec<u64>, String> {
    let trimmed = text.trim();
    let bad =
        || format!("`{text}` is not a seed or a range of seeds: write 7, 1..5 (1 to 4) or 1..=5");
    let number = |part: &str| {
        let part = part.trim();
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse::<u64>().map_err(|_| bad())
    };
    let Some((start, end)) = trimmed.split_once("..") else {
        return Ok(vec![number(trimmed)?]);
    };
    let (end, inclusive) = match end.strip_prefix('=') {
        Some(end) => (end, true),
        None => (end, false),
    };
    let (start, end) = (number(start)?, number(end)?);
    let count = (u128::from(end) + u128::from(inclusive)).saturating_sub(u128::from(start));
    if count == 0 {
        return Err(format!(
            "`{text}` is an empty range (1..5 is 1 to 4, 1..=5 is 1 to 5)"
        ));
    }
    if count > MAX_RANGE {
        return Err(format!("`{text}` has more than {MAX_RANGE} seeds"));
    }
    Ok(if inclusive {
        (start..=end).collect()
    } else {
        (start..end).collect()
    })
}

/// The duration of `90`, `90s`, `10m`, `2h`, `1h30m`, `1d`, or a message naming the text.
fn duration_of(text: &str) -> Result<Duration, String> {
    let bad =
        || format!("`{text}` is not a duration: write 90 (seconds), 90s, 10m, 2h, 1h30m or 1d");
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    if rest.bytes().all(|b| b.is_ascii_digit()) {
        total = rest.parse().map_err(|_| bad())?;
    } else {
        // Units largest first, each once: the rank must fall.
        let mut last_rank = usize::MAX;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let number: u64 = rest[..digits].parse().map_err(|_| bad())?;
            let (rank, unit) = match rest[digits..].chars().next() {
                Some('d') => (3, 86_400),
                Some('h') => (2, 3_600),
                Some('m') => (1, 60),
                Some('s') => (0, 1),
                _ => return Err(bad()),
            };
            if rank >= last_rank {
                return Err(bad());
            }
            last_rank = rank;
            total = number
                .checked_mul(unit)
                .and_then(|seconds| total.checked_add(seconds))
                .ok_or_else(|| format!("`{text}` is too long"))?;
            rest = &rest[digits + 1..];
        }
    }
    if total == 0 {
        return Err(format!(
            "`{text}` is no time: a time limit must be positive"
        ));
    }
    Ok(Duration::from_secs(total))
}

/// The canonical text of a task as [`oml_task::TaskSource::parse`] reads it, so that one task
/// has one key: an id in decimal without sign or leading zeros (`031` and `+31` are `31`);
/// `builtin:NAME` only for an embedded dataset; anything else (a path) as written. A negative
/// id is an error, as is an unknown built-in dataset.
fn canonical_task(task: &str) -> Result<String, String> {
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
fn canonical_suite(suite: &str) -> String {
    suite
        .parse::<u64>()
        .map_or_else(|_| suite.to_owned(), |id| id.to_string())
}

/// The task entry of a file's or a flag's task (ids on `server`), or the field at fault
/// (`""` or `.resampling`) and what is wrong.
fn task_entry(raw: RawTask, server: &str) -> Result<TaskEntry, (String, String)> {
    let spec = |task: String| {
        let server = if is_task_id(&task) { server } else { "www" };
        TaskSpec {
            task,
            server: server.to_owned(),
            ..TaskSpec::default()
        }
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
                    if let Some(resampling) = &table.resampling {
                        resampling
                            .parse::<oml_task::Resampling>()
                            .map_err(|e| (".resampling".to_owned(), e.to_string()))?;
                    }
                    if let Some(task_type) = &table.task_type {
                        task_type
                            .parse::<oml_task::TaskType>()
                            .map_err(|e| (".task_type".to_owned(), e.to_string()))?;
                    }
                    let mut spec = spec(task);
                    spec.target = table.target;
                    spec.task_type = table.task_type;
                    spec.resampling = table.resampling;
                    spec.split_seed = table.split_seed;
                    spec.no_stratify = table.no_stratify;
                    Ok(TaskEntry::Spec(spec))
                }
            }
        }
    }
}

/// What is wrong with a flow entry.
enum FlowProblem {
    /// The flow cannot be made.
    Name(oml_flow::Error),
    /// A grid value is refused.
    Param(String, oml_flow::Error),
    /// A parameter with no values, or named twice (under one name or two).
    Values(String, String),
    /// A grid point is refused.
    Point(Vec<String>, oml_flow::Error),
    /// The grid as a whole (too many points).
    Grid(String),
}

impl FlowProblem {
    /// The error of flow entry `index`, placed in `path` at `line`.
    fn into_error(self, index: usize, path: Option<&Path>, line: Option<usize>) -> Error {
        let path = path.map(Path::to_owned);
        let flow = |entry: String, source| Error::Flow {
            path: path.clone(),
            line,
            entry,
            source: Box::new(source),
        };
        let invalid = |entry: String, message| Error::Invalid {
            path: path.clone(),
            line,
            entry,
            message,
        };
        match self {
            FlowProblem::Name(source) => flow(format!("flows[{index}].name"), source),
            FlowProblem::Param(name, source) => flow(format!("flows[{index}].grid.{name}"), source),
            FlowProblem::Point(point, source) => {
                flow(format!("flows[{index}].grid ({})", point.join(" ")), source)
            }
            FlowProblem::Values(name, message) => {
                invalid(format!("flows[{index}].grid.{name}"), message)
            }
            FlowProblem::Grid(message) => invalid(format!("flows[{index}].grid"), message),
        }
    }
}

/// The most grid points one flow may have.
const MAX_POINTS: usize = 1_000_000;

/// The most jobs one sweep may expand to.
pub const MAX_JOBS: usize = 1_000_000;

/// The qualified name (`step.name`, as [`oml_flow::qualified_parameters`] names it) of the
/// parameter that `flow.set_parameter(name, ..)` sets, resolved as a pipeline resolves it: a
/// flow's own parameter by its name; `step.rest` in the component `step`; a bare name in the
/// one component that has it. `None` for an unknown or ambiguous name.
fn qualified_name(flow: &dyn oml_flow::Describe, name: &str) -> Option<String> {
    if flow.parameters().iter().any(|p| p.name == name) {
        return Some(name.to_owned());
    }
    let components = flow.components();
    if let Some((step, inner)) = name.split_once('.')
        && let Some(component) = components.iter().find(|c| c.identifier == step)
    {
        return qualified_name(component.flow, inner).map(|q| format!("{step}.{q}"));
    }
    let mut owners = components
        .iter()
        .filter(|c| c.flow.parameters().iter().any(|p| p.name == name));
    match (owners.next(), owners.next()) {
        (Some(owner), None) => Some(format!("{}.{name}", owner.identifier)),
        _ => None,
    }
}

/// Every parameter's value of `flow`, by qualified name.
fn settings(flow: &dyn oml_flow::Describe) -> Vec<(String, String)> {
    oml_flow::qualified_parameters(flow)
        .into_iter()
        .map(|(name, parameter)| (name, parameter.value))
        .collect()
}

/// The grid of a flow entry with each name resolved to the flow's qualified parameter name
/// (`max_depth` is `estimator.max_depth`), sorted by it. Checks that the flow can be made, and
/// made with each grid value alone; that every parameter has values and is named once.
fn checked_grid(entry: &FlowEntry) -> Result<Vec<(String, Vec<String>)>, FlowProblem> {
    let make = || oml_flow::builtin_flow(&entry.flow).map_err(FlowProblem::Name);
    let defaults = make()?;
    let mut grid: Vec<(String, Vec<String>)> = Vec::with_capacity(entry.grid.len());
    let mut written: BTreeMap<String, &str> = BTreeMap::new();
    for (name, values) in &entry.grid {
        if values.is_empty() {
            return Err(FlowProblem::Values(name.clone(), "no values".into()));
        }
        let mut qualified = None;
        for value in values {
            // As written: an unknown or ambiguous name is the flow's error.
            let mut flow = make()?;
            oml_flow::set_parameters(&mut flow, &[format!("{name}={value}")])
                .map_err(|e| FlowProblem::Param(name.clone(), e))?;
            let unresolved = || {
                FlowProblem::Values(
                    name.clone(),
                    format!(
                        "cannot tell which parameter of flow `{}` this is",
                        entry.flow
                    ),
                )
            };
            let resolved = qualified_name(&defaults, name.trim()).ok_or_else(unresolved)?;
            // The qualified name must set what the name as written sets.
            let mut again = make()?;
            oml_flow::set_parameters(&mut again, &[format!("{resolved}={value}")])
                .map_err(|e| FlowProblem::Param(name.clone(), e))?;
            if settings(&again) != settings(&flow) {
                return Err(unresolved());
            }
            qualified = Some(resolved);
        }
        let qualified = qualified.unwrap_or_default();
        if let Some(other) = written.insert(qualified.clone(), name) {
            let message = if other == name {
                "given twice".to_owned()
            } else {
                format!("names the same parameter as `{other}` ({qualified}): give it once")
            };
            return Err(FlowProblem::Values(name.clone(), message));
        }
        grid.push((
            qualified,
            values.iter().map(|value| value.trim().to_owned()).collect(),
        ));
    }
    grid.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(grid)
}

/// The grid points of a flow entry, as `NAME=VALUE` lists sorted by qualified name, the last
/// parameter varying fastest; each checked by making the flow with it.
fn grid_points(entry: &FlowEntry) -> Result<Vec<Vec<String>>, FlowProblem> {
    let grid = checked_grid(entry)?;
    let count = grid
        .iter()
        .try_fold(1usize, |n, (_, values)| n.checked_mul(values.len()))
        .filter(|&n| n <= MAX_POINTS)
        .ok_or_else(|| FlowProblem::Grid(format!("more than {MAX_POINTS} grid points")))?;
    let mut points = Vec::with_capacity(count);
    for mut position in 0..count {
        let mut point = vec![String::new(); grid.len()];
        for (slot, (name, values)) in point.iter_mut().zip(&grid).rev() {
            *slot = format!("{name}={}", values[position % values.len()]);
            position /= values.len();
        }
        let mut flow = oml_flow::builtin_flow(&entry.flow).map_err(FlowProblem::Name)?;
        oml_flow::set_parameters(&mut flow, &point)
            .map_err(|e| FlowProblem::Point(point.clone(), e))?;
        points.push(point);
    }
    Ok(points)
}

// The sweep file as serde reads it. Each type accepts exactly what the file format allows, so
// that toml reports a misfit with its line.

/// The sweep file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    #[serde(default)]
    seeds: Option<SeedList>,
    #[serde(default)]
    measures: Vec<String>,
    #[serde(default)]
    time_limit: Option<TimeLimit>,
    #[serde(default)]
    server: Option<String>,
    #[serde(default)]
    tasks: Vec<Spanned<RawTask>>,
    #[serde(default)]
    flows: Vec<Spanned<RawFlow>>,
}

/// A task: text (an id, `builtin:NAME`, `suite:ID`, a path), an integer id, or a table.
enum RawTask {
    Text(String),
    Table(TaskTable),
}

/// A task with its options, or a suite.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskTable {
    task: Option<IdOrText>,
    suite: Option<IdOrText>,
    target: Option<String>,
    task_type: Option<String>,
    resampling: Option<String>,
    split_seed: Option<u64>,
    #[serde(default)]
    no_stratify: bool,
}

/// A flow: its name, or a table with a name and a grid.
enum RawFlow {
    Name(String),
    Table(FlowTable),
}

/// A flow with its grid.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowTable {
    name: Spanned<String>,
    #[serde(default)]
    grid: BTreeMap<String, Spanned<GridValues>>,
}

/// An OpenML id given as an integer or as text, kept as text.
struct IdOrText(String);

/// A grid's values as text: one scalar or a non-empty list of scalars; a float as Rust's
/// `{:?}` prints it, which keeps the decimal point (`1.0`) and round-trips.
struct GridValues {
    values: Vec<String>,
    /// A float that is NaN or infinite, refused with the entry's name.
    non_finite: Option<String>,
}

/// Seeds: an integer, a range text, or a non-empty list of these.
struct SeedList(Vec<u64>);

/// A duration: whole seconds or a text such as `10m`.
struct TimeLimit(Duration);

impl<'de> Deserialize<'de> for RawTask {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TaskVisitor;
        impl<'de> Visitor<'de> for TaskVisitor {
            type Value = RawTask;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a task: an OpenML task id, a text (builtin:NAME, suite:ID, a path) or a \
                     table such as { task = \"builtin:iris\", resampling = \"cv:5\" }",
                )
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawTask, E> {
                Ok(RawTask::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawTask, E> {
                if v < 0 {
                    return Err(E::invalid_value(Unexpected::Signed(v), &self));
                }
                Ok(RawTask::Text(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawTask, E> {
                Ok(RawTask::Text(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawTask, A::Error> {
                TaskTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawTask::Table)
            }
        }
        deserializer.deserialize_any(TaskVisitor)
    }
}

impl<'de> Deserialize<'de> for RawFlow {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlowVisitor;
        impl<'de> Visitor<'de> for FlowVisitor {
            type Value = RawFlow;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a flow: its name, or a table { name = \"decision-tree\", grid = { ... } }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawFlow, E> {
                Ok(RawFlow::Name(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawFlow, A::Error> {
                FlowTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawFlow::Table)
            }
        }
        deserializer.deserialize_any(FlowVisitor)
    }
}

impl<'de> Deserialize<'de> for IdOrText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = IdOrText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an OpenML id or a text")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IdOrText, E> {
                Ok(IdOrText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IdOrText, E> {
                if v < 0 {
                    return Err(E::invalid_value(Unexpected::Signed(v), &self));
                }
                Ok(IdOrText(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IdOrText, E> {
                Ok(IdOrText(v.to_owned()))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// Reads grid values; `list` whether a list is allowed (not inside a list).
struct GridVisitor {
    list: bool,
}

impl GridValues {
    fn one(value: String) -> Self {
        GridValues {
            values: vec![value],
            non_finite: None,
        }
    }
}

/// A finite float as grid text: Rust's shortest round-trip form with its decimal point or
/// exponent (`1.0`, `0.1`, `1e300`), so that it stays a float (`max_features = 1.0` is a
/// fraction, `1` a count); `-0.0` is `0.0`.
fn float_text(value: f64) -> String {
    if value == 0.0 {
        "0.0".to_owned()
    } else {
        format!("{value:?}")
    }
}

impl<'de> Visitor<'de> for GridVisitor {
    type Value = GridValues;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.list {
            f.write_str("a parameter value (integer, float, string, boolean) or a list of them")
        } else {
            f.write_str("a parameter value (integer, float, string, boolean)")
        }
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<GridValues, E> {
        Ok(GridValues::one(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<GridValues, E> {
        Ok(GridValues::one(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<GridValues, E> {
        Ok(GridValues::one(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<GridValues, E> {
        if v.is_finite() {
            return Ok(GridValues::one(float_text(v)));
        }
        // As TOML writes it.
        let text = if v.is_nan() {
            "nan"
        } else if v > 0.0 {
            "inf"
        } else {
            "-inf"
        };
        Ok(GridValues {
            values: vec![text.to_owned()],
            non_finite: Some(text.to_owned()),
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<GridValues, E> {
        Ok(GridValues::one(v.to_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<GridValues, A::Error> {
        if !self.list {
            return Err(de::Error::invalid_type(Unexpected::Seq, &self));
        }
        let mut all = GridValues {
            values: Vec::new(),
            non_finite: None,
        };
        while let Some(GridValue(one)) = seq.next_element()? {
            all.values.extend(one.values);
            all.non_finite = all.non_finite.or(one.non_finite);
        }
        if all.values.is_empty() {
            return Err(de::Error::custom("an empty list of values"));
        }
        Ok(all)
    }
}

/// One grid value inside a list.
struct GridValue(GridValues);

impl<'de> Deserialize<'de> for GridValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(GridVisitor { list: false })
            .map(GridValue)
    }
}

impl<'de> Deserialize<'de> for GridValues {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(GridVisitor { list: true })
    }
}

/// Reads seeds; `list` whether a list is allowed (not inside a list).
struct SeedVisitor {
    list: bool,
}

impl<'de> Visitor<'de> for SeedVisitor {
    type Value = Vec<u64>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a seed (7), a range (\"0..3\", \"1..=5\")")?;
        if self.list {
            f.write_str(" or a list of these")?;
        }
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<u64>, E> {
        Ok(vec![v])
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<u64>, E> {
        u64::try_from(v)
            .map(|v| vec![v])
            .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u64>, E> {
        seeds_of(v).map_err(E::custom)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u64>, A::Error> {
        if !self.list {
            return Err(de::Error::invalid_type(Unexpected::Seq, &self));
        }
        let mut seeds = Vec::new();
        while let Some(SeedItem(item)) = seq.next_element()? {
            seeds.extend(item);
        }
        if seeds.is_empty() {
            return Err(de::Error::custom("no seeds: nothing to run"));
        }
        Ok(seeds)
    }
}

/// One seed or range inside a list.
struct SeedItem(Vec<u64>);

impl<'de> Deserialize<'de> for SeedItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(SeedVisitor { list: false })
            .map(SeedItem)
    }
}

impl<'de> Deserialize<'de> for SeedList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(SeedVisitor { list: true })
            .map(SeedList)
    }
}

impl<'de> Deserialize<'de> for TimeLimit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LimitVisitor;
        impl Visitor<'_> for LimitVisitor {
            type Value = TimeLimit;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a duration: seconds (90) or a text such as \"90s\", \"10m\", \"1h30m\"",
                )
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TimeLimit, E> {
                duration_of(&v.to_string())
                    .map(TimeLimit)
                    .map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TimeLimit, E> {
                if v < 0 {
                    return Err(E::invalid_value(Unexpected::Signed(v), &self));
                }
                duration_of(&v.to_string())
                    .map(TimeLimit)
                    .map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TimeLimit, E> {
                duration_of(v).map(TimeLimit).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(LimitVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Sweep, Error> {
        Sweep::from_toml(text, Path::new("sweep.toml"))
    }

    /// The error's message with its causes, as the binary prints it.
    fn chain(error: &dyn std::error::Error) -> String {
        let mut out = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            out.push_str(": ");
            out.push_str(&cause.to_string());
            source = cause.source();
        }
        out
    }

    fn no_suites(suite: &str) -> Result<Vec<i64>, String> {
        Err(format!("no suite {suite} here"))
    }

    fn labels(jobs: &[Job]) -> Vec<String> {
        jobs.iter().map(Job::label).collect()
    }

    const FILE: &str = r#"
seeds = "0..3"
measures = ["predictive_accuracy"]
time_limit = "1h30m"
tasks = [
  "builtin:iris",
  { task = "builtin:diabetes", resampling = "cv:5" },
]

[[flows]]
name = "decision-tree"
grid = { min_samples_split = [2, 4], max_depth = [3, "none"] }

[[flows]]
name = "knn"
"#;

    #[test]
    fn a_file_expands_in_order() {
        let sweep = read(FILE).unwrap();
        assert_eq!(sweep.seeds, [0, 1, 2]);
        assert_eq!(sweep.measures, ["predictive_accuracy"]);
        assert_eq!(sweep.time_limit, Some(Duration::from_secs(5400)));
        assert_eq!(
            sweep.flows[0].grid,
            [
                (
                    "estimator.max_depth".to_owned(),
                    vec!["3".to_owned(), "none".to_owned()]
                ),
                (
                    "estimator.min_samples_split".to_owned(),
                    vec!["2".to_owned(), "4".to_owned()]
                ),
            ]
        );
        let jobs = sweep.jobs(&mut no_suites).unwrap();
        assert_eq!(jobs.len(), 2 * (4 + 1) * 3);
        let labels = labels(&jobs);
        assert_eq!(
            labels[..16],
            [
                "builtin:iris decision-tree estimator.max_depth=3 estimator.min_samples_split=2 seed 0",
                "builtin:iris decision-tree estimator.max_depth=3 estimator.min_samples_split=2 seed 1",
                "builtin:iris decision-tree estimator.max_depth=3 estimator.min_samples_split=2 seed 2",
                "builtin:iris decision-tree estimator.max_depth=3 estimator.min_samples_split=4 seed 0",
                "builtin:iris decision-tree estimator.max_depth=3 estimator.min_samples_split=4 seed 1",
                "builtin:iris decision-tree estimator.max_depth=3 estimator.min_samples_split=4 seed 2",
                "builtin:iris decision-tree estimator.max_depth=none estimator.min_samples_split=2 seed 0",
                "builtin:iris decision-tree estimator.max_depth=none estimator.min_samples_split=2 seed 1",
                "builtin:iris decision-tree estimator.max_depth=none estimator.min_samples_split=2 seed 2",
                "builtin:iris decision-tree estimator.max_depth=none estimator.min_samples_split=4 seed 0",
                "builtin:iris decision-tree estimator.max_depth=none estimator.min_samples_split=4 seed 1",
                "builtin:iris decision-tree estimator.max_depth=none estimator.min_samples_split=4 seed 2",
                "builtin:iris knn seed 0",
                "builtin:iris knn seed 1",
                "builtin:iris knn seed 2",
                "builtin:diabetes [--resampling cv:5] decision-tree estimator.max_depth=3 estimator.min_samples_split=2 seed 0",
            ]
        );
        assert_eq!(
            labels[29],
            "builtin:diabetes [--resampling cv:5] knn seed 2"
        );
        // The same file gives the same jobs.
        assert_eq!(read(FILE).unwrap().jobs(&mut no_suites).unwrap(), jobs);
        let keys: HashSet<String> = jobs.iter().map(Job::key).collect();
        assert_eq!(keys.len(), jobs.len());
    }

    #[test]
    fn keys_are_stable_and_tell_jobs_apart() {
        let job = Job {
            task: TaskSpec {
                task: "builtin:iris".into(),
                server: "www".into(),
                ..TaskSpec::default()
            },
            flow: "decision-tree".into(),
            params: vec!["estimator.max_depth=3".into()],
            seed: 1,
        };
        // What a sweep makes of `max_depth = 3`.
        let sweep = read(
            "seeds = 1\ntasks = [\"builtin:iris\"]\n[[flows]]\nname = \"decision-tree\"\ngrid = { max_depth = 3 }",
        )
        .unwrap();
        assert_eq!(
            sweep.jobs(&mut no_suites).unwrap(),
            std::slice::from_ref(&job)
        );
        // A change of this value changes every stored job's key: bump `oml job 1` instead.
        assert_eq!(
            job.key(),
            "e77245a53975c2996d90f718f7d170ac09e4e45a9815fc6414d6c355d1a1b76f"
        );
        assert_eq!(job.key().len(), 64);
        let mut other = job.clone();
        other.seed = 2;
        assert_ne!(other.key(), job.key());
        let mut other = job.clone();
        other.params = vec!["estimator.max_depth=4".into()];
        assert_ne!(other.key(), job.key());
        let mut other = job.clone();
        other.task.resampling = Some("cv:5".into());
        assert_ne!(other.key(), job.key());
        let mut other = job.clone();
        other.task.cache_dir = Some("/elsewhere".into());
        assert_eq!(
            other.key(),
            job.key(),
            "the cache directory is not in the key"
        );
    }

    #[test]
    fn a_job_and_its_manifest_have_one_key() {
        let job = Job {
            task: TaskSpec {
                task: "builtin:diabetes".into(),
                server: "www".into(),
                resampling: Some("cv:5:2".into()),
                split_seed: Some(3),
                no_stratify: true,
                ..TaskSpec::default()
            },
            flow: "decision-tree".into(),
            params: vec!["max_depth=3".into(), "min_samples_split=4".into()],
            seed: 7,
        };
        let request = job.request(Some(2));
        assert_eq!(request.threads, Some(2));
        assert!(!request.fail_fast);
        // The fields `PreparedRun::execute` writes into a manifest.
        let manifest = oml_run::Manifest {
            oml_version: String::new(),
            rustc_version: String::new(),
            crates: BTreeMap::new(),
            os: String::new(),
            cpu: String::new(),
            cores: 1,
            memory_bytes: 0,
            task: request.task.task.clone(),
            task_id: None,
            task_options: request.task.options(),
            flow: request.flow.clone(),
            flow_name: String::new(),
            flow_external_version: String::new(),
            parameters: request.params.clone(),
            seed: request.seed,
            threads: 2,
            n_units: 10,
            wall_time_s: 0.0,
            started: String::new(),
            finished: String::new(),
            digests: BTreeMap::new(),
        };
        let from_manifest = job_key(
            &manifest.task,
            &manifest.task_options,
            &manifest.flow,
            &manifest.parameters,
            manifest.seed,
        );
        assert_eq!(from_manifest, job.key());
        let again = RunRequest::from_manifest(&manifest, None).unwrap();
        let job_again = Job {
            task: again.task,
            flow: again.flow,
            params: again.params,
            seed: again.seed,
        };
        assert_eq!(job_again, job);
    }

    #[test]
    fn seeds() {
        assert_eq!(parse_seeds("1..5").unwrap(), [1, 2, 3, 4]);
        assert_eq!(parse_seeds("1..=5").unwrap(), [1, 2, 3, 4, 5]);
        assert_eq!(parse_seeds(" 7 ").unwrap(), [7]);
        assert_eq!(parse_seeds("0..1").unwrap(), [0]);
        for bad in [
            "5..1", "5..5", "a..b", "1..", "..3", "-1", "1...3", "", "x", "1..=b",
        ] {
            let error = parse_seeds(bad).unwrap_err().to_string();
            assert!(error.contains(&format!("`{bad}`")), "{bad}: {error}");
        }
        assert!(parse_seeds("0..100000000").is_err());
        let sweep = read("seeds = [\"0..2\", 10]\ntasks = [1]\nflows = [\"knn\"]").unwrap();
        assert_eq!(sweep.seeds, [0, 1, 10]);
        assert_eq!(read("tasks = [1]\nflows = [\"knn\"]").unwrap().seeds, [0]);
        let error = read("seeds = \"3..1\"\ntasks = [1]\nflows = [\"knn\"]").unwrap_err();
        assert!(
            error.to_string().starts_with("sweep.toml: line 1"),
            "{error}"
        );
        assert!(error.to_string().contains("`3..1`"), "{error}");
        let error = read("seeds = [-1]\ntasks = [1]\nflows = [\"knn\"]").unwrap_err();
        assert!(
            error.to_string().starts_with("sweep.toml: line 1"),
            "{error}"
        );
    }

    #[test]
    fn durations() {
        let secs = |text| parse_duration(text).unwrap().as_secs();
        assert_eq!(secs("90"), 90);
        assert_eq!(secs("90s"), 90);
        assert_eq!(secs("10m"), 600);
        assert_eq!(secs("2h"), 7200);
        assert_eq!(secs("1h30m"), 5400);
        assert_eq!(secs("1d"), 86_400);
        assert_eq!(secs("1d2h3m4s"), 93_784);
        for bad in [
            "", "0", "0s", "1x", "m", "30m1h", "1h1h", "1.5h", "1h30", "-5", "h1",
        ] {
            let error = parse_duration(bad).unwrap_err().to_string();
            assert!(error.contains(&format!("`{bad}`")), "{bad}: {error}");
        }
        let sweep = read("time_limit = 600\ntasks = [1]\nflows = [\"knn\"]").unwrap();
        assert_eq!(sweep.time_limit, Some(Duration::from_secs(600)));
        let error = read("tasks = [1]\nflows = [\"knn\"]\ntime_limit = \"5 min\"").unwrap_err();
        assert!(
            error.to_string().starts_with("sweep.toml: line 3"),
            "{error}"
        );
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let error = read("tasks = [1]\nflows = [\"knn\"\nseeds = 3").unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("sweep.toml: line "), "{message}");
        assert!(
            matches!(
                error,
                Error::Toml {
                    line: Some(2 | 3),
                    ..
                }
            ),
            "{error:?}"
        );
        let error = read("tasks = [1]\nflows = [\"knn\"]\nsead = 3").unwrap_err();
        assert!(
            error.to_string().starts_with("sweep.toml: line 3"),
            "{error}"
        );
        assert!(error.to_string().contains("sead"), "{error}");
        let error =
            read("tasks = [{ task = \"builtin:iris\", resampled = \"cv:5\" }]\nflows = [\"knn\"]")
                .unwrap_err();
        assert!(
            error.to_string().starts_with("sweep.toml: line 1"),
            "{error}"
        );
        assert!(error.to_string().contains("resampled"), "{error}");
        let error = read(
            "tasks = [1]\n[[flows]]\nname = \"decision-tree\"\ngrid = { max_depth = 3, max_depth = 4 }",
        )
        .unwrap_err();
        assert!(
            error.to_string().starts_with("sweep.toml: line 4"),
            "{error}"
        );
        let error =
            read("tasks = [1]\n[[flows]]\nname = \"decision-tree\"\ngrid = { max_depth = [] }")
                .unwrap_err();
        assert!(
            error.to_string().starts_with("sweep.toml: line 4"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_flow_names_its_entry() {
        let text = "tasks = [1]\n[[flows]]\nname = \"knn\"\n\n[[flows]]\nname = \"tre\"\n";
        let error = read(text).unwrap_err();
        let message = chain(&error);
        assert!(
            message
                .starts_with("sweep.toml: line 6: flows[1].name: no built-in flow is called `tre`"),
            "{message}"
        );
        let error = read("tasks = [1]\nflows = [\"knn\", \"tre\"]").unwrap_err();
        assert!(chain(&error).contains("flows[1].name"), "{error}");
        let error = Sweep::from_flags(&["1".into()], &["tre".into()], &[]).unwrap_err();
        assert!(chain(&error).contains("`tre`"), "{error}");
    }

    #[test]
    fn a_bad_grid_value_names_its_entry() {
        let text = "tasks = [1]\n[[flows]]\nname = \"decision-tree\"\ngrid = { min_samples_split = 2, max_depth = [3, 0] }\n";
        let error = read(text).unwrap_err();
        let message = chain(&error);
        assert!(
            message.starts_with(
                "sweep.toml: line 4: flows[0].grid.max_depth: parameter `max_depth`: `0`"
            ),
            "{message}"
        );
        let text = "tasks = [1]\n[[flows]]\nname = \"decision-tree\"\ngrid = { max_dept = 3 }\n";
        assert!(chain(&read(text).unwrap_err()).contains("flows[0].grid.max_dept"));
        // jobs() checks a sweep made otherwise.
        let mut sweep = Sweep::from_flags(&["1".into()], &["decision-tree".into()], &[]).unwrap();
        sweep.flows[0].grid = vec![("max_depth".into(), vec!["0".into()])];
        let error = sweep.jobs(&mut no_suites).unwrap_err();
        assert!(
            chain(&error).starts_with("flows[0].grid.max_depth: "),
            "{error}"
        );
        sweep.flows[0].grid = vec![
            ("max_depth".into(), vec!["3".into()]),
            ("max_depth".into(), vec!["4".into()]),
        ];
        let error = sweep.jobs(&mut no_suites).unwrap_err();
        assert_eq!(error.to_string(), "flows[0].grid.max_depth: given twice");
    }

    #[test]
    fn tasks_of_every_kind() {
        let text = r#"
server = "test"
tasks = [
  "builtin:iris",
  31,
  "59",
  "suite:OpenML-CC18",
  { suite = 99 },
  "data/task_1",
  { task = "builtin:diabetes", resampling = "cv:5:2", target = "target", task_type = "2", split_seed = 3, no_stratify = true },
]
flows = ["knn", { name = "decision-tree", grid = { max_depth = 3 } }]
"#;
        let sweep = read(text).unwrap();
        let spec = |task: &str, server: &str| {
            TaskEntry::Spec(TaskSpec {
                task: task.into(),
                server: server.into(),
                ..TaskSpec::default()
            })
        };
        assert_eq!(sweep.tasks[0], spec("builtin:iris", "www"));
        assert_eq!(sweep.tasks[1], spec("31", "test"));
        assert_eq!(sweep.tasks[2], spec("59", "test"));
        assert_eq!(sweep.tasks[3], TaskEntry::Suite("OpenML-CC18".into()));
        assert_eq!(sweep.tasks[4], TaskEntry::Suite("99".into()));
        assert_eq!(sweep.tasks[5], spec("data/task_1", "www"));
        let TaskEntry::Spec(local) = &sweep.tasks[6] else {
            panic!("{:?}", sweep.tasks[6])
        };
        assert_eq!(
            local.options(),
            [
                "--target target",
                "--task-type 2",
                "--resampling cv:5:2",
                "--split-seed 3",
                "--no-stratify"
            ]
        );
        assert_eq!(
            sweep.flows[1].grid,
            [("estimator.max_depth".into(), vec!["3".into()])]
        );

        let mut asked = Vec::new();
        let jobs = sweep
            .jobs(&mut |suite| {
                asked.push(suite.to_owned());
                Ok(if suite == "99" {
                    vec![59, 3]
                } else {
                    vec![31, 3]
                })
            })
            .unwrap();
        assert_eq!(asked, ["OpenML-CC18", "99"]);
        let tasks: Vec<&str> = jobs
            .iter()
            .filter(|job| job.flow == "knn")
            .map(|job| job.task.task.as_str())
            .collect();
        // 31 and 59 again, from the suites, are kept once.
        assert_eq!(
            tasks,
            [
                "builtin:iris",
                "31",
                "59",
                "3",
                "data/task_1",
                "builtin:diabetes"
            ]
        );
        assert!(
            jobs.iter()
                .filter(|job| job.task.task == "3")
                .all(|job| job.task.server == "test")
        );
        assert_eq!(jobs[2].label(), "31 [--server test] knn seed 0");

        let error = sweep.jobs(&mut no_suites).unwrap_err();
        assert_eq!(
            error.to_string(),
            "tasks[3]: cannot list the tasks of suite OpenML-CC18: no suite OpenML-CC18 here"
        );
    }

    #[test]
    fn bad_tasks_name_their_entry() {
        let check = |tasks: &str, expected: &str| {
            let text = format!("tasks = [\n  \"builtin:iris\",\n  {tasks},\n]\nflows = [\"knn\"]");
            let error = read(&text).unwrap_err().to_string();
            assert!(error.starts_with(expected), "{tasks}: {error}");
        };
        check(
            "{ task = 31, resampling = \"cv:5\" }",
            "sweep.toml: line 3: tasks[1]: ",
        );
        check(
            "{ suite = 99, target = \"class\" }",
            "sweep.toml: line 3: tasks[1]: ",
        );
        check(
            "{ resampling = \"cv:5\" }",
            "sweep.toml: line 3: tasks[1]: give `task` or `suite`",
        );
        check("{ task = 3, suite = 99 }", "sweep.toml: line 3: tasks[1]: ");
        check(
            "{ task = \"builtin:iris\", resampling = \"cv\" }",
            "sweep.toml: line 3: tasks[1].resampling: ",
        );
        check("\"suite:\"", "sweep.toml: line 3: tasks[1]: ");
        check("\"\"", "sweep.toml: line 3: tasks[1]: ");
        check("-3", "sweep.toml: line 3");
        check("true", "sweep.toml: line 3");
    }

    #[test]
    fn nothing_to_run() {
        for text in [
            "flows = [\"knn\"]",
            "tasks = []\nflows = [\"knn\"]",
            "tasks = [1]",
        ] {
            let error = read(text).unwrap_err().to_string();
            assert!(error.contains("nothing to run"), "{text}: {error}");
            assert!(error.starts_with("sweep.toml: "), "{text}: {error}");
        }
        assert!(read("tasks = [1]\nflows = [\"knn\"]\nseeds = []").is_err());
        // The flags alone may be empty (a file may come), but give no jobs.
        let sweep = Sweep::from_flags(&[], &["knn".into()], &[]).unwrap();
        let error = sweep.jobs(&mut no_suites).unwrap_err().to_string();
        assert_eq!(
            error,
            "--task: no tasks: nothing to run (give a sweep file or --task)"
        );
        let sweep = Sweep::from_flags(&["1".into()], &[], &[]).unwrap();
        let error = sweep.jobs(&mut no_suites).unwrap_err().to_string();
        assert!(error.starts_with("--flow: no flows"), "{error}");
    }

    #[test]
    fn flags_alone_and_over_a_file() {
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let sweep = Sweep::from_flags(
            &strings(&["builtin:iris", "suite:99"]),
            &strings(&["knn", "decision-tree"]),
            &strings(&["1..3", "7"]),
        )
        .unwrap();
        assert_eq!(sweep.seeds, [1, 2, 7]);
        assert_eq!(sweep.tasks[1], TaskEntry::Suite("99".into()));
        assert_eq!(sweep.server, None);
        assert!(sweep.flows.iter().all(|flow| flow.grid.is_empty()));
        let jobs = sweep.jobs(&mut |_| Ok(vec![3])).unwrap();
        assert_eq!(jobs.len(), 2 * 2 * 3);
        assert_eq!(
            Sweep::from_flags(&strings(&["1"]), &strings(&["knn"]), &[])
                .unwrap()
                .seeds,
            [0]
        );
        assert!(
            Sweep::from_flags(&strings(&["1"]), &strings(&["knn"]), &strings(&["3..1"])).is_err()
        );

        let mut sweep = read(FILE).unwrap();
        sweep.override_with(&[], &[], &strings(&["5"])).unwrap();
        assert_eq!(sweep.seeds, [5]);
        assert_eq!(sweep.flows.len(), 2);
        sweep
            .override_with(&strings(&["31"]), &strings(&["gbm"]), &[])
            .unwrap();
        assert_eq!(sweep.tasks.len(), 1);
        assert_eq!(
            sweep.flows,
            [FlowEntry {
                flow: "gbm".into(),
                grid: vec![]
            }]
        );
        assert_eq!(sweep.seeds, [5]);
        assert_eq!(sweep.measures, ["predictive_accuracy"]);
        sweep.set_server("test");
        assert_eq!(sweep.server.as_deref(), Some("test"));
        let TaskEntry::Spec(spec) = &sweep.tasks[0] else {
            panic!()
        };
        assert_eq!(spec.server, "test");
        // Nothing changes on an error.
        let before = sweep.clone();
        assert!(
            sweep
                .override_with(&strings(&["2"]), &strings(&["tre"]), &[])
                .is_err()
        );
        assert!(
            sweep
                .override_with(&strings(&["2"]), &[], &strings(&["x"]))
                .is_err()
        );
        assert_eq!(sweep, before);
    }

    /// A sweep of one flow with one grid entry written `grid`, on line 4.
    fn grid_sweep(flow: &str, grid: &str) -> Result<Sweep, Error> {
        read(&format!(
            "tasks = [\"builtin:iris\"]\n[[flows]]\nname = \"{flow}\"\ngrid = {{ {grid} }}\n"
        ))
    }

    #[test]
    fn floats_stay_floats() {
        for (value, text) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e300, "1e300"),
            (1e-7, "1e-7"),
            (-2.5, "-2.5"),
            (-0.0, "0.0"),
            (0.0, "0.0"),
        ] {
            assert_eq!(float_text(value), text);
            assert_eq!(text.parse::<f64>().unwrap(), value, "{text} round-trips");
        }
        // 1.0 is a fraction of the features, 1 one feature: two jobs, two keys.
        let sweep = grid_sweep("decision-tree", "max_features = [1.0, 1, 0.5]").unwrap();
        assert_eq!(
            sweep.flows[0].grid,
            [(
                "estimator.max_features".to_owned(),
                vec!["1.0".to_owned(), "1".to_owned(), "0.5".to_owned()]
            )]
        );
        let jobs = sweep.jobs(&mut no_suites).unwrap();
        assert_eq!(jobs.len(), 3);
        assert_eq!(jobs[0].params, ["estimator.max_features=1.0"]);
        assert_ne!(jobs[0].key(), jobs[1].key());
        // A float is not cut to an integer parameter's value.
        let error = grid_sweep("decision-tree", "max_depth = 3.0").unwrap_err();
        assert!(
            chain(&error).starts_with("sweep.toml: line 4: flows[0].grid.max_depth: "),
            "{error}"
        );
        for (bad, shown) in [
            ("nan", "nan"),
            ("inf", "inf"),
            ("+inf", "inf"),
            ("-inf", "-inf"),
            ("[0.5, nan]", "nan"),
        ] {
            let error = grid_sweep("decision-tree", &format!("max_features = {bad}")).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!(
                    "sweep.toml: line 4: flows[0].grid.max_features: `{shown}` is not a finite number"
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_parameter_has_one_name() {
        // Bare and qualified names give one grid, one job, one key.
        let bare = grid_sweep("decision-tree", "max_depth = 3").unwrap();
        let qualified = grid_sweep("decision-tree", "\"estimator.max_depth\" = 3").unwrap();
        assert_eq!(bare, qualified);
        let (bare, qualified) = (
            bare.jobs(&mut no_suites).unwrap(),
            qualified.jobs(&mut no_suites).unwrap(),
        );
        assert_eq!(bare[0].params, ["estimator.max_depth=3"]);
        assert_eq!(bare[0].key(), qualified[0].key());
        // A step's parameter, and the order of qualified names.
        let sweep = grid_sweep("knn", "k = [1, 5], strategy = \"median\"").unwrap();
        assert_eq!(
            sweep.jobs(&mut no_suites).unwrap()[0].params,
            ["estimator.k=1", "impute.strategy=median"]
        );
        // One parameter under two names is refused, naming the entry.
        let error = grid_sweep(
            "decision-tree",
            "max_depth = 1, \"estimator.max_depth\" = 2",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "sweep.toml: line 4: flows[0].grid.max_depth: names the same parameter as \
             `estimator.max_depth` (estimator.max_depth): give it once"
        );
        let error = grid_sweep("decision-tree", "max_depth = 1, \" max_depth\" = 2").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("sweep.toml: line 4: flows[0].grid."),
            "{error}"
        );
        let error = grid_sweep("decision-tree", "\"estimator.max_dept\" = 1").unwrap_err();
        assert!(
            chain(&error).starts_with("sweep.toml: line 4: flows[0].grid.estimator.max_dept: "),
            "{error}"
        );
        // jobs() resolves, sorts and checks a grid made otherwise.
        let flags = |flow: &str| Sweep::from_flags(&["builtin:iris".into()], &[flow.into()], &[]);
        let mut sweep = flags("decision-tree").unwrap();
        sweep.flows[0].grid = vec![
            ("min_samples_split".into(), vec!["2".into()]),
            ("max_depth".into(), vec!["3".into()]),
        ];
        assert_eq!(
            sweep.jobs(&mut no_suites).unwrap()[0].params,
            ["estimator.max_depth=3", "estimator.min_samples_split=2"]
        );
        sweep.flows[0].grid = vec![
            ("max_depth".into(), vec!["3".into()]),
            ("estimator.max_depth".into(), vec!["3".into()]),
        ];
        let error = sweep.jobs(&mut no_suites).unwrap_err().to_string();
        assert!(
            error.starts_with("flows[0].grid.estimator.max_depth: names the same parameter"),
            "{error}"
        );
    }

    #[test]
    fn names_resolve_as_a_pipeline_resolves_them() {
        use oml_flow::{KnnFlow, Pipeline, SimpleImputer};
        let make = || {
            Pipeline::new(KnnFlow::new())
                .step("a", SimpleImputer::default())
                .step("b", SimpleImputer::default())
        };
        let pipeline = make();
        let resolve = |name| qualified_name(&pipeline, name);
        assert_eq!(resolve("k").as_deref(), Some("estimator.k"));
        assert_eq!(resolve("estimator.k").as_deref(), Some("estimator.k"));
        assert_eq!(resolve("b.strategy").as_deref(), Some("b.strategy"));
        assert_eq!(resolve("nosuch"), None);
        assert_eq!(resolve("a.k"), None);
        // Two steps have `strategy`: ambiguous here as in set_parameters.
        assert_eq!(resolve("strategy"), None);
        assert!(oml_flow::set_parameters(&mut make(), &["strategy=mean"]).is_err());
        // Every built-in flow's parameters resolve to themselves.
        for builtin in oml_flow::BUILTIN_FLOWS {
            let flow = builtin.make();
            for (name, _) in oml_flow::qualified_parameters(&flow) {
                assert_eq!(qualified_name(&flow, &name).as_deref(), Some(name.as_str()));
            }
        }
    }

    #[test]
    fn a_builtin_typo_fails_when_read() {
        let error =
            read("tasks = [\"builtin:iris\", \"builtin:nosuch\"]\nflows = [\"knn\"]").unwrap_err();
        assert_eq!(
            error.to_string(),
            "sweep.toml: line 1: tasks[1]: no built-in dataset is called `nosuch`; they are \
             iris, winequality, diabetes"
        );
        let error = read(
            "tasks = [\n  { task = \"builtin:irs\", resampling = \"cv:5\" },\n]\nflows = [\"knn\"]",
        )
        .unwrap_err();
        assert!(
            error.to_string().starts_with(
                "sweep.toml: line 2: tasks[0].task: no built-in dataset is called `irs`"
            ),
            "{error}"
        );
        let error = Sweep::from_flags(&["builtin:".into()], &["knn".into()], &[]).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("--task: no built-in dataset is called ``"),
            "{error}"
        );
        for name in oml_data::BUILTIN_NAMES {
            assert!(Sweep::from_flags(&[format!("builtin:{name}")], &[], &[]).is_ok());
        }
    }

    #[test]
    fn task_ids_are_canonical() {
        let sweep = read(
            "server = \"test\"\ntasks = [31, \"031\", \"+31\", { task = \"0031\" }, \"31a\", \
             { suite = \"099\" }, \"suite:0099\", \"suite:OpenML-CC18\"]\nflows = [\"knn\"]",
        )
        .unwrap();
        let spec = |task: &str, server: &str| {
            TaskEntry::Spec(TaskSpec {
                task: task.into(),
                server: server.into(),
                ..TaskSpec::default()
            })
        };
        assert_eq!(
            sweep.tasks[..4],
            [
                spec("31", "test"),
                spec("31", "test"),
                spec("31", "test"),
                spec("31", "test")
            ]
        );
        // Not an integer: a path, as written.
        assert_eq!(sweep.tasks[4], spec("31a", "www"));
        assert_eq!(sweep.tasks[5], TaskEntry::Suite("99".into()));
        assert_eq!(sweep.tasks[6], TaskEntry::Suite("99".into()));
        assert_eq!(sweep.tasks[7], TaskEntry::Suite("OpenML-CC18".into()));
        let jobs = sweep.jobs(&mut |_| Ok(vec![31])).unwrap();
        let tasks: Vec<&str> = jobs.iter().map(|job| job.task.task.as_str()).collect();
        assert_eq!(tasks, ["31", "31a"]);
        let flags = Sweep::from_flags(&["0031".into()], &["knn".into()], &[]).unwrap();
        assert_eq!(flags.tasks, [spec("31", "www")]);
        for bad in ["\"-3\"", "{ task = \"-03\" }"] {
            let text = format!("tasks = [{bad}]\nflows = [\"knn\"]");
            let error = read(&text).unwrap_err().to_string();
            assert!(
                error.starts_with("sweep.toml: line 1: tasks[0]") && error.contains("negative"),
                "{bad}: {error}"
            );
        }
        assert!(Sweep::from_flags(&["-3".into()], &[], &[]).is_err());
    }

    #[test]
    fn the_example_file_reads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/sweep/sweep.toml");
        let sweep = Sweep::read(&path).unwrap();
        let jobs = sweep.jobs(&mut no_suites).unwrap();
        assert_eq!(jobs.len(), sweep.tasks.len() * 6 * sweep.seeds.len());
        let error = Sweep::read(Path::new("no/such/sweep.toml")).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot read no/such/sweep.toml"),
            "{error}"
        );
    }
}
