//! OpenML tasks: task types, estimation procedures, train/test splits (read from OpenML's
//! `datasplits.arff` or generated from a seed) and the OpenML cache in openml-python's layout.
//! Datasets themselves live in oml-data.

#![deny(missing_docs)]

mod error;
mod generate;
mod procedure;
mod splits;
mod task_xml;

pub use error::{Error, Result};
pub use generate::generate;
pub use procedure::{Resampling, TaskType, learning_curve_samples, learning_curve_size};
pub use splits::{SplitUnit, Splits};
pub use task_xml::{ProcedureDescription, TaskDescription};
