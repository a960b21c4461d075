//! Where a sweep stands: each job done, failed (with its reason), running or pending, as the
//! run store records it, counted in all and per flow and task.

use std::collections::BTreeMap;

use oml_run::{FailureReason, FailureRecord, RunStore};
use serde::Serialize;

use crate::error::Error;
use crate::execute::{STALE_MARKER, host_name, process_alive};
use crate::plan::Job;

/// One job's state in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Its run is stored and intact.
    Done,
    /// It failed; the store holds its failure record.
    Failed {
        /// Why.
        reason: FailureReason,
        /// What went wrong.
        message: String,
    },
    /// A sweep process runs it now (on this host, alive; or on another host, as its marker
    /// says).
    Running {
        /// The host.
        host: String,
        /// The process.
        pid: u32,
    },
    /// Not run yet, or its run was damaged, or the process that ran it died.
    Pending,
}

/// Job counts by state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Jobs.
    pub total: usize,
    /// Done.
    pub done: usize,
    /// Failed, by reason (`error`, `time-limit`, `memory-limit`); reasons with none left out.
    pub failed: BTreeMap<String, usize>,
    /// Running.
    pub running: usize,
    /// Pending.
    pub pending: usize,
}

impl Counts {
    fn add(&mut self, state: &JobState) {
        self.total += 1;
        match state {
            JobState::Done => self.done += 1,
            JobState::Failed { reason, .. } => {
                *self.failed.entry(reason.name().to_owned()).or_default() += 1
            }
            JobState::Running { .. } => self.running += 1,
            JobState::Pending => self.pending += 1,
        }
    }

    /// Failed jobs, every reason.
    pub fn failed_total(&self) -> usize {
        self.failed.values().sum()
    }
}

/// A failed job, for the status's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedJob {
    /// The job key.
    pub job_key: String,
    /// The job's label.
    pub label: String,
    /// Why.
    pub reason: String,
    /// What went wrong.
    pub message: String,
}

/// A sweep's status: counts in all, per flow and per task, and the failed jobs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepStatus {
    /// Every job.
    #[serde(flatten)]
    pub all: Counts,
    /// By flow (its short name).
    pub flows: BTreeMap<String, Counts>,
    /// By task (as the sweep names it).
    pub tasks: BTreeMap<String, Counts>,
    /// The failed jobs, in job order.
    pub failures: Vec<FailedJob>,
}

/// The state of `job` in `store`.
pub fn job_state(store: &RunStore, job: &Job) -> Result<JobState, Error> {
    state_of(store, &job.key())
}

/// The state of the job of key `key`: done, running (see [`done_or_running`]), else failed if
/// it has a failure record, else pending.
fn state_of(store: &RunStore, key: &str) -> Result<JobState, Error> {
    if let Some(state) = done_or_running(store, key)? {
        return Ok(state);
    }
    Ok(match store.failure_record(key)? {
        Some(record) => failed_state(record),
        None => JobState::Pending,
    })
}

/// Done if the job of key `key` has its run stored intact, running if marked by a live
/// process (on another host: by a marker touched within [`STALE_MARKER`]), else `None`.
fn done_or_running(store: &RunStore, key: &str) -> Result<Option<JobState>, Error> {
    if let Some(run_key) = store.indexed_run_key(key)?
        && store.check(&run_key).is_ok()
    {
        return Ok(Some(JobState::Done));
    }
    if let Some(marker) = store.running_marker(key)?
        && if marker.host == host_name() {
            process_alive(marker.pid)
        } else {
            store
                .running_marker_age(key)?
                .is_some_and(|age| age < STALE_MARKER)
        }
    {
        return Ok(Some(JobState::Running {
            host: marker.host,
            pid: marker.pid,
        }));
    }
    Ok(None)
}

/// The state of a job whose failure record is `record`.
fn failed_state(record: FailureRecord) -> JobState {
    JobState::Failed {
        reason: record.reason,
        message: record.message,
    }
}

/// The status of `jobs` in `store`. A sweep none of whose jobs has run (none done, failed or
/// running) is an error: most likely the wrong store or the wrong sweep file.
pub fn sweep_status(store: &RunStore, jobs: &[Job]) -> Result<SweepStatus, Error> {
    let mut status = SweepStatus::default();
    for job in jobs {
        let key = job.key();
        let state = state_of(store, &key)?;
        status.all.add(&state);
        status
            .flows
            .entry(job.flow.clone())
            .or_default()
            .add(&state);
        status
            .tasks
            .entry(job.task.task.clone())
            .or_default()
            .add(&state);
        if let JobState::Failed { reason, message } = state {
            status.failures.push(FailedJob {
                job_key: key,
                label: job.label(),
                reason: reason.name().to_owned(),
                message,
            });
        }
    }
    if status.all.pending == status.all.total {
        return Err(Error::NeverRan {
            store: store.root().to_path_buf(),
            jobs: status.all.total,
        });
    }
    Ok(status)
}

/// The jobs of `jobs` that failed, for `reason` if given, in job order.
pub fn failed_jobs<'a>(
    store: &RunStore,
    jobs: &'a [Job],
    reason: Option<FailureReason>,
) -> Result<Vec<&'a Job>, Error> {
    let mut failed = Vec::new();
    for job in jobs {
        // Only a job with a failure record can be failed: the others' runs are not checked.
        let key = job.key();
        let Some(record) = store.failure_record(&key)? else {
            continue;
        };
        if done_or_running(store, &key)?.is_none()
            && reason.is_none_or(|wanted| wanted == record.reason)
        {
            failed.push(job);
        }
    }
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use oml_run::{RUNNING_DIR, RunStore, RunningMarker};

    use super::{JobState, done_or_running};

    /// Another host's marker means the job runs there while it is touched; one left untouched
    /// past [`STALE_MARKER`](crate::execute::STALE_MARKER) (its process killed with its node)
    /// no longer does, so the job can run again.
    #[test]
    fn another_hosts_marker_runs_only_while_it_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        let store = RunStore::new(dir.path());
        let marker = RunningMarker {
            host: "node-that-is-not-this-one".to_owned(),
            pid: 4242,
            started: "2026-12-07T00:00:00Z".to_owned(),
        };
        store.mark_running("k", &marker).unwrap();
        let running = JobState::Running {
            host: marker.host.clone(),
            pid: 4242,
        };
        assert_eq!(done_or_running(&store, "k").unwrap(), Some(running.clone()));
        let path = dir.path().join(RUNNING_DIR).join("k");
        let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        assert_eq!(done_or_running(&store, "k").unwrap(), None);
        store.touch_running("k").unwrap();
        assert_eq!(done_or_running(&store, "k").unwrap(), Some(running));
    }
}
