//! OpenML tasks: task types, estimation procedures, train/test splits (read from OpenML's
//! `datasplits.arff` or generated from a seed) and the OpenML cache in openml-python's layout.
//! Datasets themselves live in oml-data; fetching files from a server arrives with oml-api.
//!
//! # Brief overview
//!
//! - [`Task`] is a task ready to run: its [`TaskDescription`] (what `task.xml` says), its
//!   dataset, its [`Splits`] and its class labels, checked against each other.
//!   [`Task::from_cache`] reads one from a [`Cache`] (openml-python's directory layout, root
//!   and per-[`Server`] sub-directory), [`Task::from_path`] from a task directory, and
//!   [`Task::write_to_cache`] writes one so that oml and openml-python read it back offline.
//! - [`LocalTaskBuilder`] makes a task from any dataset, a target and a [`Resampling`], with
//!   splits from [`generate`], which depends only on the seed and the repeat.
//! - [`Splits`] holds the train and test rows of every (repeat, fold, sample) in file order;
//!   [`Splits::read_path`] and [`Splits::write_path`] speak OpenML's `datasplits.arff`.
//! - [`TaskSummary`] is what `oml task show` prints, as JSON or text.
//! - [`OpenmlConfig`] is openml-python's config file, found ([`config_file_path`]) and parsed
//!   in this one place: its `cachedir` decides the cache root here, its `server` and `apikey`
//!   are read by oml-api.
//!
//! Only files are read: nothing here touches the network.
//!
//! ```
//! use oml_task::{LocalTaskBuilder, Resampling};
//!
//! let task = LocalTaskBuilder::new()
//!     .resampling("holdout:33".parse::<Resampling>()?)
//!     .seed(7)
//!     .from_source("builtin:iris")?;
//! let summary = task.summary();
//! assert_eq!((summary.n_repeats, summary.n_folds, summary.n_samples), (1, 1, 1));
//! assert_eq!(summary.splits[0].n_test, 50);
//! assert_eq!(summary.class_labels.unwrap().len(), 3);
//! # Ok::<(), oml_task::Error>(())
//! ```

#![deny(missing_docs)]

mod cache;
mod dataset_xml;
mod error;
mod generate;
mod local;
mod openml_config;
mod options;
mod procedure;
mod splits;
mod summary;
mod task;
mod task_xml;

pub use cache::{Cache, CacheEnv, Server};
pub use error::{Error, Result};
pub use generate::{MAX_LEAVE_ONE_OUT_ROWS, MAX_SPLIT_ROW_IDS, generate};
pub use local::{DEFAULT_SEED, LocalTaskBuilder};
pub use openml_config::{OpenmlConfig, config_file_path};
pub use options::{TaskOptions, TaskSpec};
pub use procedure::{Resampling, TaskType, learning_curve_samples, learning_curve_size};
pub use splits::{SplitUnit, Splits};
pub use summary::{SplitIndices, SplitSummary, TaskIndices, TaskSummary};
pub use task::{Task, TaskFiles, TaskSource};
pub use task_xml::{ProcedureDescription, TaskDescription};
