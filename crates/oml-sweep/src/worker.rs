//! Sweep workers: long-lived `oml sweep worker` processes that run jobs in process, one after
//! another, reading each task once for all its jobs, so that a small job costs its
//! computation rather than a process start and a task read. The sweep gives each worker a
//! job, as one line of JSON on its standard input, and reads one answer line back, so a worker
//! never reads or expands the sweep itself: starting one costs the same whatever the sweep's
//! size (with a memory limit, every job starts one). A job past its time limit is stopped by
//! killing its worker, and a worker that dies (its memory limit, a crash) takes only its
//! current job with it. Either way the next job gets a fresh worker.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oml_run::{FailureReason, RunStore};

use crate::error::Error;
use crate::execute::{
    MEMORY_LIMIT_VAR, PARENT_PID_VAR, TaskReader, memory_limit_failure, out_of_memory,
    run_in_process, time_limit_failure,
};
use crate::plan::Job;

/// What a worker answers for one job, as one line of JSON.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum WorkerAnswer {
    /// The run was computed and stored.
    Done,
    /// The job failed: why.
    Failed {
        /// What went wrong.
        message: String,
    },
}

/// The worker's side: for each job read from `input` (one line of JSON each), runs it in this
/// process into `store` and writes a [`WorkerAnswer`] line to `output`. Tasks are read once
/// for consecutive jobs on the same task. Ends at the end of `input`.
pub fn serve_jobs(
    store: &RunStore,
    threads: Option<usize>,
    input: impl BufRead,
    mut output: impl Write,
) -> Result<(), Error> {
    let mut reader = TaskReader::default();
    let write_error = |source| Error::Write {
        path: PathBuf::from("(the sweep's pipe)"),
        source,
    };
    for line in input.lines() {
        let line = line.map_err(|source| Error::Read {
            path: PathBuf::from("(the sweep's pipe)"),
            source,
        })?;
        // The run's manifest records the process's peak RSS: count it from this job's start
        // (Linux resets VmHWM on `5` written to clear_refs; elsewhere it stays the worker's).
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let answer = match serde_json::from_str::<Job>(&line) {
            Err(e) => WorkerAnswer::Failed {
                message: format!("the worker cannot read the job it was given ({e}): {line}"),
            },
            Ok(job) => match reader
                .prepare(&job, threads)
                .and_then(|prepared| run_in_process(&prepared, store))
            {
                Ok(()) => WorkerAnswer::Done,
                Err(message) => WorkerAnswer::Failed { message },
            },
        };
        let text = serde_json::to_string(&answer).map_err(|e| write_error(e.into()))?;
        writeln!(output, "{text}").map_err(write_error)?;
        output.flush().map_err(write_error)?;
    }
    Ok(())
}

/// The worker's channel of answers: its standard output, moved to a descriptor of its own,
/// with the standard output pointed at the standard error, so that whatever a job prints
/// goes to the job's error output and cannot be read as an answer.
#[cfg(unix)]
pub fn answer_channel() -> std::io::Result<std::fs::File> {
    let answers = rustix::io::fcntl_dupfd_cloexec(rustix::stdio::stdout(), 3)?;
    rustix::stdio::dup2_stdout(rustix::stdio::stderr())?;
    Ok(std::fs::File::from(answers))
}

/// How the sweep starts its workers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    /// The `oml` binary.
    pub program: PathBuf,
    /// The arguments that make it a worker (`sweep worker --store S [--threads N]`).
    pub arguments: Vec<String>,
    /// The memory limit of each worker, in bytes.
    pub memory_limit: Option<u64>,
}

/// One running worker, seen from the sweep.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<String>,
    /// What the worker wrote to stderr since its current job started (its end).
    stderr: Arc<Mutex<String>>,
    /// The thread that reads stderr, joined once the worker is gone so that nothing it
    /// wrote last is missed.
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    fn start(command: &WorkerCommand) -> Result<Worker, String> {
        let mut process = Command::new(&command.program);
        process
            .args(&command.arguments)
            .env(PARENT_PID_VAR, std::process::id().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(bytes) = command.memory_limit {
            process.env(MEMORY_LIMIT_VAR, bytes.to_string());
        }
        let mut child = process
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", command.program.display()))?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
        let (sender, answers) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        let stderr_reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stderr_pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let mut text = sink.lock().unwrap_or_else(|e| e.into_inner());
                text.push_str(&String::from_utf8_lossy(&buffer[..n]));
                // Keep the end: the last lines say why a worker stopped.
                if text.len() > 64 * 1024 {
                    let cut = text.len() - 32 * 1024;
                    let cut = (cut..text.len())
                        .find(|&i| text.is_char_boundary(i))
                        .unwrap_or(0);
                    text.drain(..cut);
                }
            }
        });
        Ok(Worker {
            child,
            stdin,
            answers,
            stderr,
            stderr_reader: Some(stderr_reader),
        })
    }

    /// Runs `job`, waiting at most `time_limit`. `Err` with `true` when the worker is gone
    /// (killed at the time limit, or dead) and must not be reused.
    fn run(
        &mut self,
        job: &Job,
        limits: (Option<Duration>, Option<u64>),
    ) -> Result<(), ((FailureReason, String), bool)> {
        let (time_limit, memory_limit) = limits;
        let error = |message: String| ((FailureReason::Error, message), true);
        // What an earlier job wrote (a caught panic's message) is not this job's.
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        // A job that cannot be written leaves the worker as it was.
        let line = serde_json::to_string(job).map_err(|e| {
            let message = format!("cannot write the job for its worker: {e}");
            ((FailureReason::Error, message), false)
        })?;
        writeln!(self.stdin, "{line}")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| error(format!("cannot give the job to its worker: {e}")))?;
        // Without a limit, wait as long as the job takes.
        let wait = time_limit.unwrap_or(Duration::from_secs(u64::from(u32::MAX)));
        match self.answers.recv_timeout(wait) {
            Ok(line) => match serde_json::from_str::<WorkerAnswer>(&line) {
                Ok(WorkerAnswer::Done) => Ok(()),
                Ok(WorkerAnswer::Failed { message }) => {
                    Err(((FailureReason::Error, message), false))
                }
                Err(e) => Err(error(format!("the worker answered `{line}`: {e}"))),
            },
            Err(RecvTimeoutError::Timeout) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                Err((time_limit_failure(time_limit.unwrap_or_default()), true))
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.wait().ok();
                // The reader ends at the pipe's end, after the process's last words.
                if let Some(reader) = self.stderr_reader.take() {
                    let _ = reader.join();
                }
                let stderr = self.stderr.lock().map(|s| s.clone()).unwrap_or_default();
                if let Some(bytes) = memory_limit
                    && out_of_memory(&stderr)
                {
                    return Err((memory_limit_failure(bytes), true));
                }
                let last = stderr
                    .lines()
                    .rfind(|line| !line.trim().is_empty())
                    .unwrap_or("(nothing on stderr)")
                    .trim()
                    .to_owned();
                Err(error(format!(
                    "its worker stopped ({}): {last}",
                    status.map_or_else(|| "no status".to_owned(), |s| s.to_string())
                )))
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing its input ends a worker between jobs; one stuck in a job is killed.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A slot of the pool: a worker, started when first needed and again after one is lost.
pub(crate) struct WorkerSlot<'a> {
    command: &'a WorkerCommand,
    worker: Option<Worker>,
}

impl<'a> WorkerSlot<'a> {
    pub(crate) fn new(command: &'a WorkerCommand) -> Self {
        WorkerSlot {
            command,
            worker: None,
        }
    }

    /// Runs `job` on this slot's worker, starting one if needed.
    pub(crate) fn run(
        &mut self,
        job: &Job,
        time_limit: Option<Duration>,
    ) -> Result<(), (FailureReason, String)> {
        // A worker that died while idle is replaced before it is given a job.
        if let Some(worker) = &mut self.worker
            && !matches!(worker.child.try_wait(), Ok(None))
        {
            self.worker = None;
        }
        if self.worker.is_none() {
            self.worker = Some(Worker::start(self.command).map_err(|m| (FailureReason::Error, m))?);
        }
        let worker = self.worker.as_mut().expect("started above");
        let result = worker.run(job, (time_limit, self.command.memory_limit));
        // A memory limit is each job's: the next job gets a fresh process, not the heap an
        // earlier one left behind.
        if self.command.memory_limit.is_some() || matches!(result, Err((_, true))) {
            self.worker = None;
        }
        result.map_err(|(failure, _)| failure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A worker runs a job given as a line of JSON into the store, and answers a line it cannot
    /// read as a job with a failure that quotes it, then goes on.
    #[test]
    fn a_worker_runs_the_jobs_it_is_given_and_names_a_line_it_cannot_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = RunStore::new(dir.path().join("store"));
        let job = Job {
            task: oml_task::TaskSpec::new("builtin:iris"),
            flow: "decision-tree".to_owned(),
            params: vec!["max_depth=2".to_owned()],
            tune: None,
            seed: 3,
        };
        let input = format!("{}\nkey-of-a-job\n", serde_json::to_string(&job).unwrap());
        let mut output = Vec::new();
        serve_jobs(&store, Some(1), input.as_bytes(), &mut output).unwrap();
        let answers: Vec<WorkerAnswer> = String::from_utf8(output)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0], WorkerAnswer::Done);
        let WorkerAnswer::Failed { message } = &answers[1] else {
            panic!("{answers:?}");
        };
        assert!(
            message.contains("cannot read the job") && message.contains("key-of-a-job"),
            "{message}"
        );
        let runs = store.records().unwrap().runs;
        assert_eq!(runs.len(), 1, "the job's run is in the store");
        let (_, record) = &runs[0];
        assert_eq!(
            (record.manifest.seed, &record.manifest.flow),
            (3, &job.flow)
        );
    }
}
