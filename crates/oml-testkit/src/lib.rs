//! What the tests of oml's crates share, so that no two crates keep a copy: OpenML's fixture
//! files, stand-in datasets, caches holding OpenML's tasks and, with the `runs` feature, runs
//! made as `oml run` makes them. It is not published; crates use it only as a
//! dev-dependency, from their integration tests (which see the same crate their helpers
//! build on).
//!
//! # Brief overview
//!
//! - [`openml_fixture`] is the path of a file under `fixtures/openml`; [`read`] reads a file
//!   or fails the test naming it.
//! - [`stand_in`] is a small dataset with a task's number of rows and class labels, for
//!   OpenML's tasks whose datasets the fixtures lack; [`write_openml_task`] writes a dataset
//!   into a cache beside the task's own `task.xml` and `datasplits.arff`, and
//!   [`cache_with_openml_task`] does so with a stand-in in a new cache.
//! - `make_run` and `make_run_claiming` (feature `runs`) evaluate a built-in flow on a task
//!   and package the run as `oml run` does.

#![deny(missing_docs)]

mod fixtures;
#[cfg(feature = "runs")]
mod runs;

pub use fixtures::{cache_with_openml_task, openml_fixture, read, stand_in, write_openml_task};
#[cfg(feature = "runs")]
pub use runs::{make_run, make_run_claiming};
