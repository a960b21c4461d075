//! Sweeps: tasks x flows x parameter grids x seeds, expanded into jobs in a stable order, each
//! with a stable key; sharded over array jobs (Slurm, Kubernetes, AWS Batch), run into the run
//! store with resume and a per-job time limit, and collected into one table.

mod plan;
mod shard;

pub use plan::*;
pub use shard::*;
