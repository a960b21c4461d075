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

mod file;
mod grid;
mod tasks;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tune_tests;
mod values;

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use oml_run::{JobColumns, Manifest, RunRequest, TuneRequest};
use oml_task::TaskSpec;

use crate::error::Error;
use file::{GridValues, RawFlow, RawSweep, RawTask};
use grid::{FlowProblem, checked_grid, grid_points};
use tasks::{is_task_id, task_entry};
use values::{line_column, seeds_of};

pub use grid::MAX_JOBS;
pub use values::{
    MIN_MEMORY_LIMIT, format_duration, format_memory, parse_duration, parse_memory, parse_seeds,
};

/// One run of a sweep.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Job {
    /// The task.
    pub task: TaskSpec,
    /// A built-in flow's short name.
    pub flow: String,
    /// `NAME=VALUE` parameter assignments by qualified name (`estimator.max_depth=3`), sorted
    /// by it.
    pub params: Vec<String>,
    /// The nested search that tunes the flow, if any.
    pub tune: Option<TuneRequest>,
    /// The run seed.
    pub seed: u64,
}

impl From<RunRequest> for Job {
    /// The job that runs `request` (the inverse of [`Job::request`], its threads and
    /// fail-fast aside).
    fn from(request: RunRequest) -> Job {
        Job {
            task: request.task,
            flow: request.flow,
            params: request.params,
            tune: request.tune,
            seed: request.seed,
        }
    }
}

impl Job {
    /// The job key: [`job_key`] of the task, its options, the flow, the parameters, the
    /// search and the seed. The cache directory is not part of it.
    pub fn key(&self) -> String {
        job_key(
            &self.task.task,
            &self.task.options,
            &self.flow,
            &self.params,
            self.tune.as_ref(),
            self.seed,
        )
    }

    /// The job a stored run computed, from its manifest (without a cache directory, which is
    /// not part of a job's identity).
    pub fn of_manifest(manifest: &Manifest) -> Job {
        RunRequest::from_manifest(manifest, None).into()
    }

    /// What names the job in tables and failure records: its key, and its options and
    /// parameters joined by spaces.
    pub fn columns(&self) -> JobColumns {
        JobColumns {
            job_key: self.key(),
            task: self.task.task.clone(),
            task_options: self.task.options.to_items().join(" "),
            flow: self.flow.clone(),
            parameters: self.params.join(" "),
            seed: self.seed,
        }
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
            tune: self.tune.clone(),
        }
    }

    /// A short human label: `builtin:iris [--resampling cv:5] decision-tree max_depth=3 seed 1`.
    pub fn label(&self) -> String {
        let mut parts = vec![self.task.task.clone()];
        let options = self.task.options.to_items();
        if !options.is_empty() {
            parts.push(format!("[{}]", options.join(" ")));
        }
        parts.push(self.flow.clone());
        parts.extend(self.params.iter().cloned());
        parts.extend(self.tune.as_ref().map(TuneRequest::label));
        parts.push(format!("seed {}", self.seed));
        parts.join(" ")
    }
}

/// The key of a job, or of a stored run from its manifest (`task`, `task_options`, `flow`,
/// `parameters`, `seed`): 64 hex digits, the SHA-256 of
/// `oml job 1\ntask {task}\noption {o}\n...flow {flow}\nparameter {p}\n...seed {seed}\n`
/// (one `option` line per item of [`oml_task::TaskOptions::to_items`] and one `parameter`
/// line per parameter, in order); a tuned job adds `tune {NAME=SPACE}` lines, then
/// `search {search}` and `inner {inner}`, before the seed, so an untuned job keeps its key.
pub fn job_key(
    task: &str,
    task_options: &oml_task::TaskOptions,
    flow: &str,
    params: &[String],
    tune: Option<&TuneRequest>,
    seed: u64,
) -> String {
    let mut text = format!("oml job 1\ntask {task}\n");
    for option in task_options.to_items() {
        let _ = writeln!(text, "option {option}");
    }
    let _ = writeln!(text, "flow {flow}");
    for param in params {
        let _ = writeln!(text, "parameter {param}");
    }
    if let Some(tune) = tune {
        for space in &tune.space {
            let _ = writeln!(text, "tune {space}");
        }
        let _ = writeln!(text, "search {}\ninner {}", tune.search, tune.inner);
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
    /// The nested search that tunes the flow at every grid point, if any.
    pub tune: Option<TuneRequest>,
}

/// The search of a sweep file's `tune` table without `search`: as `oml run --tune`.
const DEFAULT_SEARCH: &str = "random:20";
/// The inner resampling of a `tune` table without `inner`: as `oml run --tune`.
const DEFAULT_INNER: &str = "cv:3";

/// Checks a flow entry's search before any job: its space against the flow, its search and
/// inner resampling as `oml run` would refuse them.
fn check_tune(entry: &FlowEntry) -> Result<(), String> {
    let Some(tune) = &entry.tune else {
        return Ok(());
    };
    let flow = entry.flow.clone();
    tune.tuned(Arc::new(move || {
        oml_flow::builtin_flow(&flow).expect("the flow was made when checked")
    }))
    .map(drop)
    .map_err(|e| e.to_string())
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
    /// The memory limit of each job, in bytes.
    pub memory_limit: Option<u64>,
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
            let (flow, name_line, grid, tune) = match item.into_inner() {
                RawFlow::Name(name) => (name, item_line, BTreeMap::new(), None),
                RawFlow::Table(table) => {
                    let name_line = line_of(table.name.span());
                    let tune = table.tune.map(|tune| {
                        let line = line_of(tune.span());
                        let tune = tune.into_inner();
                        let request = TuneRequest {
                            space: tune
                                .space
                                .iter()
                                .map(|(name, space)| format!("{name}={space}"))
                                .collect(),
                            search: tune.search.unwrap_or_else(|| DEFAULT_SEARCH.to_owned()),
                            inner: tune.inner.unwrap_or_else(|| DEFAULT_INNER.to_owned()),
                            measure: tune.measure,
                        };
                        (request, line)
                    });
                    (table.name.into_inner(), name_line, table.grid, tune)
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
            let (tune, tune_line) = match tune {
                Some((request, line)) => (Some(request), line),
                None => (None, None),
            };
            let mut entry = FlowEntry {
                flow,
                grid: written,
                tune,
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
            check_tune(&entry)
                .map_err(|message| invalid(tune_line, format!("flows[{i}].tune"), message))?;
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
            memory_limit: raw.memory_limit.map(|limit| limit.0),
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
            memory_limit: None,
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
                    tune: None,
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
                spec.options.set_server(server);
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
                    specs.extend(ids.into_iter().map(|id| {
                        let mut spec = TaskSpec::new(id.to_string());
                        spec.options.set_server(server);
                        spec
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
                            tune: flow.tune.clone(),
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
