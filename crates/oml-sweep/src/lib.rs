//! Sweeps: tasks x flows x parameter grids x seeds, expanded into jobs in a stable order, each
//! with a stable key; sharded over array jobs (Slurm, Kubernetes, AWS Batch), run into the run
//! store with resume and a per-job time limit, and collected into one table.
//!
//! This crate owns the sweep file and its expansion ([`plan`]: file, grids, tasks, values),
//! where a sweep comes from and what it fetches first ([`SweepSource`], [`sweep_jobs`],
//! [`fetch_tasks`]), shards ([`Shard`]), running a shard's jobs ([`run_jobs`]) and collecting
//! a store's runs into one table ([`collect`]). The run store's layout, its job index and
//! failure records included, belongs to oml-run; a job is an `oml run` in a child process or
//! a [`oml_run::PreparedRun`] in this one.
//!
//! The sweep file's format is `docs/sweep-file.md`, included in [`plan`]'s documentation and
//! shown by `examples/sweep/sweep.toml`.
//!
//! ```
//! let sweep = oml_sweep::Sweep::from_flags(
//!     &["builtin:iris".to_owned()],
//!     &["decision-tree".to_owned(), "knn".to_owned()],
//!     &["1..=2".to_owned()],
//! )?;
//! let jobs = sweep.jobs(&mut |_| unreachable!("no suites"))?;
//! assert_eq!(jobs.len(), 4);
//! assert_eq!(jobs[0].label(), "builtin:iris decision-tree seed 1");
//! # Ok::<(), oml_sweep::Error>(())
//! ```

#![deny(missing_docs)]

mod collect;
mod error;
mod execute;
pub mod plan;
mod shard;
mod source;
mod status;
pub mod worker;

pub use collect::{
    COLLECT_COLUMNS, CollectOptions, Collected, IMPUTED_FLOW, collect, failure_records,
    indexed_run_keys, table_format, write_collected,
};
pub use error::Error;
pub use execute::{
    Isolation, JobOutcome, JobStatus, MEMORY_LIMIT_VAR, PARENT_PID_VAR, SweepOptions, SweepOutcome,
    apply_memory_limit, check_flows_learn_their_tasks, exit_with_parent, host_name, process_alive,
    run_jobs,
};
pub use plan::{
    FlowEntry, Job, MAX_JOBS, MIN_MEMORY_LIMIT, Sweep, TaskEntry, format_duration, format_memory,
    job_key, parse_duration, parse_memory, parse_seeds,
};
pub use shard::Shard;
pub use source::{SweepSource, fetch_tasks, sweep_jobs};
pub use status::{Counts, FailedJob, JobState, SweepStatus, failed_jobs, job_state, sweep_status};
