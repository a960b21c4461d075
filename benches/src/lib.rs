//! oml-benches: the workspace's criterion benches that span several crates (`sweep.rs`: a
//! sweep of many small tasks x flows run into a run store). The library is empty; Cargo wants
//! one in every package. `cargo bench` at the workspace root runs these benches and every
//! crate's own (data loading, the evaluator, trees).
