//! Sweeps: tasks x flows x parameter grids x seeds, expanded into jobs in a stable order, each
//! with a stable key; sharded over array jobs (Slurm, Kubernetes, AWS Batch), run into the run
//! store with resume and a per-job time limit, and collected into one table.
//!
//! The sweep file is documented in `plan.rs` and shown by
//! `examples/sweep/sweep.toml`.

mod collect;
mod error;
mod execute;
mod plan;
mod shard;

pub use collect::{
    COLLECT_COLUMNS, CollectOptions, Collected, collect, table_format, write_collected,
};
pub use error::Error;
pub use execute::{
    FAILURES_DIR, FailureRecord, Isolation, JOBS_DIR, JobOutcome, JobStatus, PARENT_PID_VAR,
    SweepOptions, SweepOutcome, check_flows_learn_their_tasks, exit_with_parent, failure_records,
    indexed_run_key, run_jobs,
};
pub use plan::{
    FlowEntry, Job, Sweep, TaskEntry, format_duration, job_key, parse_duration, parse_seeds,
};
pub use shard::{Shard, threads_from_env};
