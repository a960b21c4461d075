//! oml runs models on OpenML tasks: the Rust counterpart of openml-python's
//! `runs.run_model_on_task`, built to be fast, strictly reproducible, usable offline and able to
//! run large sweeps on a cluster.
//!
//! This crate is the facade: it re-exports each library crate under a short name and holds the
//! `oml` binary, which only parses arguments and calls them.
//!
//! - [`data`] (oml-data): ARFF, Parquet and CSV datasets, OpenML dataset metadata, encoding for
//!   models.
//!
//! ```
//! let iris = oml::data::builtin("iris")?;
//! assert_eq!(iris.summary().n_rows, 150);
//! # Ok::<(), oml::data::Error>(())
//! ```

#![deny(missing_docs)]

pub use oml_data as data;

/// The types most programs need, for `use oml::prelude::*`.
pub mod prelude {
    pub use oml_data::{Arff, Dataset, DatasetLoader, Feature, FeatureKind};
}
