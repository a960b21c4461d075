//! Where a sweep comes from and what it needs before its jobs run: a sweep file with its lists
//! replaced by the flags given (or the flags alone), its server, its suites' tasks, and the
//! tasks its jobs read, fetched into the cache unless offline.

use std::path::PathBuf;

use oml_api::Client;
use oml_task::{Cache, TaskSource};

use crate::error::Error;
use crate::plan::{Job, Sweep};

/// A sweep as the command line names it: a file, its lists replaced by the flags given, or the
/// flags alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepSource {
    /// The sweep file.
    pub file: Option<PathBuf>,
    /// Tasks that replace the file's (`oml run --task` texts or `suite:ID|ALIAS`).
    pub tasks: Vec<String>,
    /// Flows that replace the file's, with their defaults.
    pub flows: Vec<String>,
    /// Seeds or seed ranges that replace the file's.
    pub seeds: Vec<String>,
    /// The server of task ids and suites; by default the file's, else `www`.
    pub server: Option<String>,
}

impl SweepSource {
    /// Whether a sweep is named at all (a file, tasks or flows).
    pub fn given(&self) -> bool {
        self.file.is_some() || !self.tasks.is_empty() || !self.flows.is_empty()
    }

    /// The sweep: the file read and its lists replaced by the flags, or the flags alone; its
    /// server set (the flag's, else the file's, else `www`).
    pub fn sweep(&self) -> Result<Sweep, Error> {
        let mut sweep = match &self.file {
            Some(path) => {
                let mut sweep = Sweep::read(path)?;
                sweep.override_with(&self.tasks, &self.flows, &self.seeds)?;
                sweep
            }
            None => Sweep::from_flags(&self.tasks, &self.flows, &self.seeds)?,
        };
        let server = self
            .server
            .clone()
            .or_else(|| sweep.server.clone())
            .unwrap_or_else(|| "www".to_owned());
        sweep.set_server(&server);
        Ok(sweep)
    }
}

/// The jobs of `sweep`, its suites' task lists fetched by `client` into `cache` (or read from
/// it, offline), every task read from `cache`.
pub fn sweep_jobs(sweep: &Sweep, client: &Client, cache: &Cache) -> Result<Vec<Job>, Error> {
    let mut suite_tasks = |suite: &str| -> Result<Vec<i64>, String> {
        client
            .fetch_suite(cache, suite)
            .map(|fetched| fetched.task_ids)
            .map_err(|e| oml_data::error_chain(&e))
    };
    let mut jobs = sweep.jobs(&mut suite_tasks)?;
    for job in &mut jobs {
        job.task.cache_dir = Some(cache.root().to_path_buf());
    }
    Ok(jobs)
}

/// Fetches into `cache` what the OpenML tasks of `jobs` lack, each task once, so that the jobs
/// themselves run offline.
pub fn fetch_tasks(jobs: &[&Job], client: &Client, cache: &Cache) -> Result<(), Error> {
    let mut ids: Vec<i64> = jobs
        .iter()
        .filter_map(|job| match TaskSource::parse(&job.task.task) {
            TaskSource::Id(id) => Some(id),
            _ => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        client
            .fetch_task(cache, id)
            .map_err(|source| Error::Fetch {
                id,
                source: Box::new(source),
            })?;
    }
    Ok(())
}
