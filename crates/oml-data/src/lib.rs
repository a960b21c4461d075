//! Reads and writes the datasets OpenML serves (ARFF, Parquet, CSV) and their metadata
//! (`description.xml`, `features.xml`), and encodes them for models. Tasks and splits live in
//! oml-task.
//!
//! # Brief overview
//!
//! - [`ArffReader`] streams ARFF (dense or sparse, plain or gzip) into an [`Arff`]: its
//!   attributes and one typed [`arff::Column`] per attribute. [`ArffWriter`] writes one back, so
//!   that reading returns exactly what was written; [`Dataset::to_arff`] turns any dataset
//!   (Parquet, CSV, builtin) into one.
//! - [`Dataset`] is the one in-memory dataset: a polars `DataFrame` plus a [`Feature`] per
//!   column (name, [`FeatureKind`] with nominal values in declared order, missing count, role).
//! - [`Dataset::design_matrix`], [`Dataset::class_target`] and [`Dataset::regression_target`]
//!   turn it into what models eat: an `f64` matrix with `NaN` for missing values and nominal
//!   values as codes, and class indices in declared label order or `f64` targets.
//!
//! ```
//! use oml_data::{Arff, Dataset};
//!
//! let text = "@relation toy\n@attribute x numeric\n@attribute class {no, yes}\n@data\n1.5,yes\n?,no\n";
//! let dataset = Dataset::from_arff(Arff::from_bytes(text.as_bytes())?)?;
//! let design = dataset.design_matrix(Some("class"))?;
//! assert_eq!(design.x.shape(), &[2, 1]);
//! assert!(design.x[[1, 0]].is_nan());
//! let target = dataset.class_target("class")?;
//! assert_eq!(target.classes.to_vec(), vec![1, 0]);
//! assert_eq!(target.labels, vec!["no", "yes"]);
//! # Ok::<(), oml_data::Error>(())
//! ```

#![deny(missing_docs)]

pub mod arff;
mod atomic;
mod builtin;
mod dataset;
mod encode;
mod error;
mod error_chain;
mod load;
mod metadata;
mod summary;
mod synthetic;
mod tabular;
mod to_arff;
pub mod xml;

pub use arff::{Arff, ArffReader, ArffReaderBuilder, ArffWriter, ArffWriterBuilder};
pub use atomic::{temporary_file_in, write_atomically};
pub use builtin::{BUILTIN_NAMES, BUILTIN_PREFIX, builtin};
pub use dataset::{Dataset, Feature, FeatureKind, Role};
pub use encode::{ClassTarget, DesignMatrix, EncodedColumn};
pub use error::{ArffErrorKind, Error, Result};
pub use error_chain::{append_causes, error_chain};
pub use load::{DatasetLoader, Format, Loaded, load};
pub use metadata::{
    DatasetDescription, FeatureDescription, Warning, parse_features, read_features,
};
pub use summary::{ColumnSummary, DatasetSummary};
pub use synthetic::{
    DEFAULT_MAX_LEVELS, MAX_LEVELS, MAX_SYNTHETIC_CELLS, SYNTHETIC_TARGET, SyntheticBuilder,
};
pub use tabular::{read_csv, read_parquet};
