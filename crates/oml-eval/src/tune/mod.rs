//! Tuned flows: a flow's hyperparameters chosen inside each unit by a nested search over a
//! [`SearchSpace`], with the trace of every candidate ([`oml_flow::TraceIteration`]).

mod inner;
mod space;
mod tuned;

pub use space::{Domain, MAX_CANDIDATES, Search, SearchSpace};
pub use tuned::{Inner, Tuned};
