//! Running a shard's jobs into the run store. Jobs done before are found in the store's job
//! index (and skipped with `resume`); a task is read once for consecutive jobs on it; each job
//! runs as a child `oml run` killed at its time limit and held to its memory limit (or in
//! process); a failure is recorded with its reason and passed over; a running job is marked in
//! the store; each job's run key is indexed under its job key for `collect` and `report`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use oml_data::error_chain;
use oml_run::{
    Admission, FailureReason, FailureRecord, OpenedTask, PreparedRun, RunStore, RunningMarker,
};
use oml_task::TaskSpec;

use crate::error::Error;
use crate::plan::Job;
use crate::plan::{format_duration, format_memory};

/// The environment variable through which `oml sweep` tells its child `oml run` its own pid:
/// the child exits when that parent is gone ([`exit_with_parent`]), so a killed sweep leaves
/// no job running behind it.
pub const PARENT_PID_VAR: &str = "OML_SWEEP_PARENT_PID";

/// How each job of a sweep runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Isolation {
    /// In this process, one job after another. A fit cannot be stopped from outside, so there
    /// is no time limit; a panic is caught and recorded as the job's failure.
    InProcess,
    /// Jobs on `jobs` long-lived worker processes (`oml sweep worker`, see
    /// [`crate::worker`]) at once, each running its jobs in process one after another and
    /// reading a task once for all its jobs; a worker is killed when its job runs past
    /// `time_limit` and held to the command's memory limit, and a lost worker is replaced.
    Workers {
        /// How a worker is started.
        command: crate::worker::WorkerCommand,
        /// The longest a job may take, or none.
        time_limit: Option<Duration>,
        /// Workers at once, at least 1.
        jobs: usize,
    },
    /// Each job in a child process (`program run ...`, the `oml` binary), which is killed when
    /// it runs past `time_limit` and whose data segment (`RLIMIT_DATA`: the heap and every
    /// private writable mapping) is held to `memory_limit`; a crash of one job cannot take the
    /// sweep down.
    Subprocess {
        /// The `oml` binary.
        program: PathBuf,
        /// The longest a job may take, or none.
        time_limit: Option<Duration>,
        /// The most memory a job may use, in bytes, or none.
        memory_limit: Option<u64>,
    },
}

/// How a sweep runs; none of it changes a job's result.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// Where finished runs go.
    pub store: RunStore,
    /// Threads of each job's evaluator; by default all cores.
    pub threads: Option<usize>,
    /// Skip jobs done before, and jobs that failed at a time or memory limit (the same limit
    /// would stop them again: `oml sweep retry` runs them with new ones). Without it, a job
    /// done before is an error before anything runs, so a finished sweep is never recomputed
    /// by accident. (A job whose run another job or `oml run` stored is skipped either way:
    /// the store never holds a run twice.)
    pub resume: bool,
    /// Where jobs run.
    pub isolation: Isolation,
}

/// What became of one job.
#[derive(Debug, Clone, PartialEq)]
pub enum JobStatus {
    /// Its run was computed and stored.
    Done {
        /// Seconds the job took, preparation included.
        seconds: f64,
    },
    /// Its run was in the store already (`resume`).
    Skipped,
    /// It failed; the failure is recorded in the store.
    Failed {
        /// Why.
        reason: FailureReason,
        /// What went wrong.
        message: String,
    },
    /// It failed at a limit before (`resume` leaves it to `oml sweep retry`).
    LeftFailed {
        /// Why it failed.
        reason: FailureReason,
    },
}

/// One job's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct JobOutcome {
    /// The job key.
    pub job_key: String,
    /// The run key it is stored under (none when the task or flow could not be made).
    pub run_key: Option<String>,
    /// The job's label.
    pub label: String,
    /// What became of it.
    pub status: JobStatus,
}

/// A shard's outcomes, in job order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepOutcome {
    /// One per job of the shard.
    pub jobs: Vec<JobOutcome>,
}

impl SweepOutcome {
    /// Jobs computed now.
    pub fn done(&self) -> usize {
        self.count(|s| matches!(s, JobStatus::Done { .. }))
    }

    /// Jobs found in the store.
    pub fn skipped(&self) -> usize {
        self.count(|s| matches!(s, JobStatus::Skipped))
    }

    /// Jobs left as they failed before at a limit.
    pub fn left_failed(&self) -> usize {
        self.count(|s| matches!(s, JobStatus::LeftFailed { .. }))
    }

    /// The failed jobs.
    pub fn failed(&self) -> Vec<&JobOutcome> {
        self.jobs
            .iter()
            .filter(|o| matches!(o.status, JobStatus::Failed { .. }))
            .collect()
    }

    fn count(&self, which: impl Fn(&JobStatus) -> bool) -> usize {
        self.jobs.iter().filter(|o| which(&o.status)).count()
    }
}

/// Reads each task once for a run of consecutive jobs on it (a sweep's jobs come task by task),
/// holding one task at a time, however many the sweep has.
#[derive(Default)]
pub(crate) struct TaskReader {
    last: Option<(TaskSpec, Result<OpenedTask, String>)>,
}

impl TaskReader {
    /// The job prepared on its task: flow made, run key computed.
    pub(crate) fn prepare(
        &mut self,
        job: &Job,
        threads: Option<usize>,
    ) -> Result<PreparedRun, String> {
        let request = job.request(threads);
        if self
            .last
            .as_ref()
            .is_some_and(|(spec, _)| *spec != job.task)
        {
            self.last = None;
        }
        let (_, opened) = self.last.get_or_insert_with(|| {
            let opened = OpenedTask::open(&request.task).map_err(|e| error_chain(&e));
            (job.task.clone(), opened)
        });
        match opened {
            Ok(opened) => request
                .prepare_on(opened.clone())
                .map_err(|e| error_chain(&e)),
            Err(message) => Err(message.clone()),
        }
    }
}

/// Runs `jobs` (a shard, in order) into the store; `on_job` sees each outcome as it comes
/// (with workers, in the order jobs finish). Jobs done before are found in the store's job
/// index before anything runs; a job whose task cannot be read or whose run fails is recorded,
/// and the others go on. The outcome lists the jobs in their order.
pub fn run_jobs(
    jobs: &[&Job],
    options: &SweepOptions,
    on_job: &mut dyn FnMut(usize, &JobOutcome),
) -> Result<SweepOutcome, Error> {
    // Each job's key, hashed once.
    let keys: Vec<String> = jobs.iter().map(|job| job.key()).collect();
    if !options.resume {
        // A job done before (by any shard) is indexed; a run stored by another job or by
        // `oml run` is simply found below.
        let mut stored = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            if options
                .store
                .indexed_run_key(key)?
                .is_some_and(|key| options.store.check(&key).is_ok())
            {
                stored.push(i);
            }
        }
        if let Some(&first) = stored.first() {
            return Err(Error::AlreadyStored {
                stored: stored.len(),
                total: jobs.len(),
                first: jobs[first].label(),
            });
        }
    }
    let mut outcomes: Vec<Option<JobOutcome>> = vec![None; jobs.len()];
    let mut run_keys: Vec<Option<String>> = vec![None; jobs.len()];
    let mut finish = |position: usize,
                      run_key: Option<String>,
                      result: Result<JobStatus, (FailureReason, String)>|
     -> Result<(), Error> {
        let job = jobs[position];
        let job_key = keys[position].clone();
        let status = match result {
            Ok(status @ JobStatus::LeftFailed { .. }) => status,
            Ok(status) => {
                // A job succeeds only once prepared, so it has its run key.
                if let Some(key) = &run_key {
                    options.store.index_job(&job_key, key)?;
                }
                options.store.clear_failure(&job_key)?;
                status
            }
            Err((reason, message)) => {
                // The job's own failure is what the user needs; a store that cannot take its
                // record (read-only, full) is said after it, not instead of it.
                let record = failure_record(job, options, reason, &message);
                let message = match options.store.record_failure(&record) {
                    Ok(()) => message,
                    Err(e) => format!("{message} (and its failure record: {})", error_chain(&e)),
                };
                JobStatus::Failed { reason, message }
            }
        };
        let outcome = JobOutcome {
            job_key,
            run_key,
            label: job.label(),
            status,
        };
        on_job(position, &outcome);
        outcomes[position] = Some(outcome);
        Ok(())
    };
    let mut reader = TaskReader::default();
    // The jobs that need running, after the checks every isolation shares.
    let mut prepare = |position: usize| -> Result<PreparedRun, (JobStatus, Option<String>)> {
        let job = jobs[position];
        let prepared = reader.prepare(job, options.threads).map_err(|message| {
            (
                JobStatus::Failed {
                    reason: FailureReason::Error,
                    message,
                },
                None,
            )
        })?;
        let key = Some(prepared.key.clone());
        // A damaged run (a file missing, truncated or changed) is computed again.
        if options.store.check(&prepared.key).is_ok() {
            return Err((JobStatus::Skipped, key));
        }
        if options.resume {
            match options.store.failure_record(&keys[position]) {
                Ok(Some(record)) if record.reason.is_limit() => {
                    return Err((
                        JobStatus::LeftFailed {
                            reason: record.reason,
                        },
                        key,
                    ));
                }
                Ok(_) => {}
                Err(e) => {
                    return Err((
                        JobStatus::Failed {
                            reason: FailureReason::Error,
                            message: error_chain(&e),
                        },
                        key,
                    ));
                }
            }
        }
        Ok(prepared)
    };
    let as_result = |status: JobStatus| match status {
        JobStatus::Failed { reason, message } => Err((reason, message)),
        other => Ok(other),
    };
    match &options.isolation {
        Isolation::Workers {
            command,
            time_limit,
            jobs: n_workers,
        } => {
            let (queue_in, queue) = std::sync::mpsc::channel::<usize>();
            let queue = std::sync::Mutex::new(queue);
            let (done_in, done) = std::sync::mpsc::channel();
            std::thread::scope(|scope| -> Result<(), Error> {
                for _ in 0..(*n_workers).max(1) {
                    let (queue, done_in, keys) = (&queue, done_in.clone(), &keys);
                    scope.spawn(move || {
                        let mut slot = crate::worker::WorkerSlot::new(command);
                        loop {
                            let next = queue.lock().map(|q| q.recv());
                            let Ok(Ok(position)) = next else { break };
                            let key = &keys[position];
                            let started = Instant::now();
                            let result = run_marked(&options.store, key, || {
                                slot.run(jobs[position], *time_limit)
                            });
                            let seconds = started.elapsed().as_secs_f64();
                            if done_in.send((position, result, seconds)).is_err() {
                                break;
                            }
                        }
                    });
                }
                drop(done_in);
                let feed = || -> Result<(), Error> {
                    for position in 0..jobs.len() {
                        match prepare(position) {
                            Ok(prepared) => {
                                run_keys[position] = Some(prepared.key.clone());
                                let _ = queue_in.send(position);
                            }
                            Err((status, key)) => finish(position, key, as_result(status))?,
                        }
                        while let Ok((position, result, seconds)) = done.try_recv() {
                            let key = run_keys[position].clone();
                            finish(position, key, result.map(|()| JobStatus::Done { seconds }))?;
                        }
                    }
                    drop(queue_in);
                    for (position, result, seconds) in done.iter() {
                        let key = run_keys[position].clone();
                        finish(position, key, result.map(|()| JobStatus::Done { seconds }))?;
                    }
                    Ok(())
                };
                let fed = feed();
                if fed.is_err() {
                    // The store failed: the jobs still queued must not run for nothing (the
                    // workers finish the ones they hold).
                    if let Ok(queue) = queue.lock() {
                        while queue.try_recv().is_ok() {}
                    }
                }
                fed
            })?;
        }
        isolation => {
            for (position, job) in jobs.iter().enumerate() {
                let started = Instant::now();
                match prepare(position) {
                    Ok(prepared) => {
                        let result =
                            run_marked(&options.store, &keys[position], || match isolation {
                                Isolation::Subprocess {
                                    program,
                                    time_limit,
                                    memory_limit,
                                } => run_in_child(
                                    job,
                                    options,
                                    program,
                                    (*time_limit, *memory_limit),
                                    &prepared.key,
                                ),
                                _ => run_in_process(&prepared, &options.store)
                                    .map_err(|message| (FailureReason::Error, message)),
                            });
                        let seconds = started.elapsed().as_secs_f64();
                        finish(
                            position,
                            Some(prepared.key.clone()),
                            result.map(|()| JobStatus::Done { seconds }),
                        )?;
                    }
                    Err((status, key)) => finish(position, key, as_result(status))?,
                }
            }
        }
    }
    Ok(SweepOutcome {
        jobs: outcomes.into_iter().flatten().collect(),
    })
}

/// How often a running job's marker is touched, so that other hosts can tell a marker left by
/// a killed process ([`STALE_MARKER`]).
pub const MARKER_HEARTBEAT: Duration = Duration::from_secs(60);

/// A running marker of another host not touched for this long was left by a process that no
/// longer runs (killed with its node or pod): ten heartbeats, room for clocks that differ.
pub const STALE_MARKER: Duration = Duration::from_secs(600);

/// Runs `run` with job `job_key` marked as running in the store, the marker touched every
/// [`MARKER_HEARTBEAT`] while it runs.
fn run_marked(
    store: &RunStore,
    job_key: &str,
    run: impl FnOnce() -> Result<(), (FailureReason, String)>,
) -> Result<(), (FailureReason, String)> {
    run_marked_every(store, job_key, MARKER_HEARTBEAT, run)
}

/// [`run_marked`] with the marker touched every `heartbeat`.
fn run_marked_every(
    store: &RunStore,
    job_key: &str,
    heartbeat: Duration,
    run: impl FnOnce() -> Result<(), (FailureReason, String)>,
) -> Result<(), (FailureReason, String)> {
    let store_error = |e: oml_run::Error| (FailureReason::Error, error_chain(&e));
    store
        .mark_running(job_key, &running_marker())
        .map_err(store_error)?;
    let (done, beats) = std::sync::mpsc::channel::<()>();
    let result = std::thread::scope(|scope| {
        scope.spawn(move || {
            // Until the job ends (its sender dropped); a touch that fails is tried again at
            // the next beat.
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                beats.recv_timeout(heartbeat)
            {
                let _ = store.touch_running(job_key);
            }
        });
        let result = run();
        drop(done);
        result
    });
    // The job's own failure comes first; a marker that cannot be cleared is said only when
    // the job succeeded.
    let cleared = store.clear_running(job_key).map_err(store_error);
    result.and(cleared)
}

/// Evaluates in this process and stores the run; a run with failed units is not stored.
pub(crate) fn run_in_process(prepared: &PreparedRun, store: &RunStore) -> Result<(), String> {
    let executed =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| prepared.execute(&|_| {})))
            .map_err(|panic| format!("panicked: {}", oml_eval::panic_message(&*panic)))?
            .map_err(|e| error_chain(&e))?;
    match store.admit(&prepared.key, &executed) {
        Ok(Admission::Stored(_)) => Ok(()),
        Ok(Admission::Incomplete(failure)) => Err(failure),
        Err(e) => Err(error_chain(&e)),
    }
}

/// This process's marker for a job it starts now.
fn running_marker() -> RunningMarker {
    RunningMarker {
        host: host_name(),
        pid: std::process::id(),
        started: oml_run::now_rfc3339(),
    }
}

/// This machine's host name (`uname`'s node name), or `localhost` when it has none.
pub fn host_name() -> String {
    let name = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned();
    if name.is_empty() {
        "localhost".to_owned()
    } else {
        name
    }
}

/// Whether process `pid` is alive on this machine.
pub fn process_alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(e) => e == rustix::io::Errno::PERM,
    }
}

/// The environment variable through which `oml sweep` gives its child `oml run` the job's
/// memory limit in bytes; the child holds itself to it ([`apply_memory_limit`]) before it
/// reads its task.
pub const MEMORY_LIMIT_VAR: &str = "OML_SWEEP_MEMORY_LIMIT";

/// Holds this process's data segment (`RLIMIT_DATA`: the heap and every private writable
/// mapping) to `bytes`: an allocation past it fails, and Rust stops the process with
/// `memory allocation of N bytes failed`, which the sweep records as the memory limit.
pub fn apply_memory_limit(bytes: u64) -> std::io::Result<()> {
    let limit = rustix::process::Rlimit {
        current: Some(bytes),
        maximum: Some(bytes),
    };
    rustix::process::setrlimit(rustix::process::Resource::Data, limit).map_err(Into::into)
}

/// Runs the job as `program run ...` into the store, killed at the time limit and held to the
/// memory limit (`limits`). The child reads the cache only (the sweep fetched what its tasks
/// need) and exits if this process dies ([`PARENT_PID_VAR`]).
fn run_in_child(
    job: &Job,
    options: &SweepOptions,
    program: &Path,
    (time_limit, memory_limit): (Option<Duration>, Option<u64>),
    run_key: &str,
) -> Result<(), (FailureReason, String)> {
    let error = |message: String| (FailureReason::Error, message);
    let mut command = Command::new(program);
    command.args(child_arguments(job, &options.store, options.threads));
    command
        .env(PARENT_PID_VAR, std::process::id().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(bytes) = memory_limit {
        command.env(MEMORY_LIMIT_VAR, bytes.to_string());
    }
    let mut child = command
        .spawn()
        .map_err(|e| error(format!("cannot start {}: {e}", program.display())))?;
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = time_limit.map(|limit| Instant::now() + limit);
    // Short jobs are seen at once, long ones polled ten times a second.
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(e) => return Err(error(format!("cannot wait for the job's process: {e}"))),
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(100));
    };
    let stderr = reader.join().unwrap_or_default();
    let stored = options.store.check(run_key).is_ok();
    match status {
        None => Err(time_limit_failure(time_limit.unwrap_or_default())),
        // Another process (a second sweep on the store) may have stored it meanwhile.
        Some(_) if stored => Ok(()),
        Some(status) if status.success() => Err(error(format!(
            "`oml run` succeeded but stored no run under key {run_key}"
        ))),
        Some(status) => {
            if let Some(bytes) = memory_limit
                && out_of_memory(&stderr)
            {
                return Err(memory_limit_failure(bytes));
            }
            let message = stderr
                .lines()
                .rfind(|line| line.starts_with("oml:") && !line.starts_with("oml: warning"))
                .map(|line| line.trim_start_matches("oml:").trim().to_owned())
                .unwrap_or_else(|| stderr.trim().to_owned());
            Err(error(match status.code() {
                Some(code) => format!("exit code {code}: {message}"),
                None => format!("killed by a signal ({status}): {message}"),
            }))
        }
    }
}

/// The failure of a job killed at its time limit `limit`.
pub(crate) fn time_limit_failure(limit: Duration) -> (FailureReason, String) {
    (
        FailureReason::TimeLimit,
        format!(
            "time limit of {} exceeded; the job was killed",
            format_duration(limit)
        ),
    )
}

/// The failure of a job stopped at its memory limit of `bytes`.
pub(crate) fn memory_limit_failure(bytes: u64) -> (FailureReason, String) {
    (
        FailureReason::MemoryLimit,
        format!(
            "memory limit of {} exceeded; the job was stopped",
            format_memory(bytes)
        ),
    )
}

/// Whether a child's standard error says it ran out of memory: Rust's allocation failure
/// (`memory allocation of N bytes failed`, then an abort), a mapping or a thread's stack the
/// kernel refused (`Cannot allocate memory`, `Resource temporarily unavailable`). A
/// `capacity overflow` panic is not one: it is a size computed beyond what any memory holds,
/// a fault of the job whatever the limit, so it stays a failure that `--resume` retries.
pub(crate) fn out_of_memory(stderr: &str) -> bool {
    [
        "memory allocation of",
        "Cannot allocate memory",
        "out of memory",
        "Resource temporarily unavailable",
    ]
    .iter()
    .any(|needle| stderr.contains(needle))
}

/// The arguments of the child `oml run` that computes `job` into the store, offline.
fn child_arguments(job: &Job, store: &RunStore, threads: Option<usize>) -> Vec<String> {
    let mut args = vec!["run".to_owned()];
    args.extend(job.request(threads).arguments());
    if let Some(threads) = threads {
        args.extend(["--threads".to_owned(), threads.to_string()]);
    }
    args.extend([
        "--store".to_owned(),
        store.root().display().to_string(),
        "--offline".to_owned(),
    ]);
    if let Some(dir) = &job.task.cache_dir {
        args.extend(["--cache-dir".to_owned(), dir.display().to_string()]);
    }
    args
}

/// `text` as one word for a POSIX shell: as it is when it is plain, else single-quoted.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:=@,+%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The failure record of `job`, failed for `reason` with `message`.
fn failure_record(
    job: &Job,
    options: &SweepOptions,
    reason: FailureReason,
    message: &str,
) -> FailureRecord {
    FailureRecord {
        job: job.columns(),
        label: job.label(),
        command: std::iter::once("oml".to_owned())
            .chain(child_arguments(job, &options.store, None))
            .map(|arg| shell_word(&arg))
            .collect::<Vec<_>>()
            .join(" "),
        reason,
        message: message.to_owned(),
        at: oml_run::now_rfc3339(),
    }
}

/// Checks, before any job runs, that every job's flow learns its task's kind (classification,
/// regression, clustering): each task is read once, in job order, one at a time. A task that
/// cannot be read is left to its jobs, which record why; a flow that cannot learn its task is
/// an error naming both.
pub fn check_flows_learn_their_tasks(jobs: &[&Job]) -> Result<(), Error> {
    // Each task's kind, `None` for a task that cannot be read (its jobs will say why).
    let mut checked: std::collections::HashMap<(&str, Vec<String>), Option<oml_flow::TaskKind>> =
        std::collections::HashMap::new();
    for job in jobs {
        let kind = *checked
            .entry((job.task.task.as_str(), job.task.options.to_items()))
            .or_insert_with(|| job.task.open().ok().map(|task| oml_eval::task_kind(&task)));
        let Some(kind) = kind else {
            continue;
        };
        let flow = oml_flow::builtin_flow(&job.flow).map_err(|source| Error::Flow {
            path: None,
            line: None,
            entry: job.label(),
            source: Box::new(source),
        })?;
        if !oml_flow::Flow::learns(&flow, kind) {
            return Err(Error::Invalid {
                path: None,
                line: None,
                entry: job.label(),
                message: format!(
                    "flow `{}` does not learn {} tasks, and task {} is one (`oml flows` lists \
                     what each flow learns)",
                    job.flow,
                    kind.name(),
                    job.task.task
                ),
            });
        }
    }
    Ok(())
}

/// Exits this process (code 143, saying why on stderr) soon after the process `parent` is
/// gone. `oml run` calls it when started by `oml sweep` ([`PARENT_PID_VAR`]), so a sweep killed
/// with SIGKILL leaves no orphaned job writing into the store while a resumed sweep runs the
/// same job. It does nothing, and returns false, unless `parent` is this process's parent now:
/// the variable inherited by any other process (a shell that exported it) changes nothing.
pub fn exit_with_parent(parent: u32) -> bool {
    if std::os::unix::process::parent_id() != parent {
        return false;
    }
    std::thread::spawn(move || {
        loop {
            if std::os::unix::process::parent_id() != parent {
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "oml: the sweep that started this job (process {parent}) is gone; stopping"
                );
                std::process::exit(143);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    true
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use oml_run::{RUNNING_DIR, RunStore};

    use super::{out_of_memory, run_marked_every};

    /// A running job's marker is touched while it runs, so that another host can tell it
    /// from a marker left by a killed process; it is gone when the job ends.
    #[test]
    fn a_running_jobs_marker_is_touched_until_the_job_ends() {
        let dir = tempfile::tempdir().unwrap();
        let store = RunStore::new(dir.path());
        let marker = dir.path().join(RUNNING_DIR).join("k");
        let result = run_marked_every(&store, "k", Duration::from_millis(20), || {
            let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&marker)
                .unwrap();
            file.set_modified(an_hour_ago).unwrap();
            // Touched again within a generous deadline, however loaded the machine.
            let deadline = std::time::Instant::now() + Duration::from_secs(30);
            while store.running_marker_age("k").unwrap().unwrap() > Duration::from_secs(60) {
                assert!(std::time::Instant::now() < deadline, "never touched");
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(())
        });
        assert_eq!(result, Ok(()));
        assert!(!marker.exists());
    }

    /// What a child prints when it meets its memory limit counts as out of memory; a job's
    /// own faults, including a size overflow, do not.
    #[test]
    fn out_of_memory_is_the_allocators_and_the_kernels_refusal() {
        for stderr in [
            "memory allocation of 1073741824 bytes failed\n",
            "oml: cannot map x.arff: Cannot allocate memory (os error 12)\n",
            "failed to spawn thread: Os { code: 11, kind: WouldBlock, message: \"Resource temporarily unavailable\" }\n",
            "fatal runtime error: out of memory\n",
        ] {
            assert!(out_of_memory(stderr), "{stderr}");
        }
        for stderr in [
            "thread 'main' panicked at library/alloc/src/raw_vec.rs:25:5:\ncapacity overflow\n",
            "oml: task 31: no such task in the cache\n",
            "",
        ] {
            assert!(!out_of_memory(stderr), "{stderr}");
        }
    }
}
