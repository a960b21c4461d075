//! Sweeps: tasks x flows x parameter grids x seeds, expanded into jobs in a stable order, each
//! with a stable key; sharded over array jobs (Slurm, Kubernetes, AWS Batch), run into the run
//! store with resume and a per-job time limit, and collected into one table.

mod collect;
mod execute;
mod plan;
mod shard;

pub use collect::*;
pub use execute::*;
pub use plan::*;
pub use shard::*;
