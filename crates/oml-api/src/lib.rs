//! OpenML's REST API: the only crate of oml that speaks HTTP or sees the API key. It fetches
//! tasks, datasets and split files into the OpenML cache (openml-python's layout, whose paths
//! oml-task owns), with timeouts, bounded retries and checked downloads. Reading what is
//! cached is oml-task's and oml-data's business, and works without this crate.
//!
//! # Brief overview
//!
//! - [`Settings::resolve`] decides the server and API key from flags, the environment
//!   (`OPENML_SERVER`, `OPENML_API_KEY`) and openml-python's config file, as a pure function.
//! - [`ClientBuilder`] configures timeouts, retries and offline mode, and builds a [`Client`].
//! - [`Client::fetch_task`] and [`Client::fetch_dataset`] download what the cache lacks, each
//!   file through a temporary file and a rename, and check the data file's MD5; afterwards
//!   `oml_task::Task::from_cache` reads the task offline.
//! - [`Error`] reports every server error with OpenML's code and message ([`ServerError`]).
//!
//! The API key ([`ApiKey`]) is never printed, logged, shown by `Debug` or written to a file.
//!
//! ```
//! use oml_api::{Flags, Settings};
//!
//! let config = "server = https://test.openml.org/api/v1/xml\napikey = 0123abcd\n";
//! let settings = Settings::resolve(&Flags::default(), |_| None, Some(config)).unwrap();
//! assert_eq!(settings.server, oml_task::Server::Test);
//! assert!(settings.api_key.is_some());
//! assert!(!format!("{settings:?}").contains("0123abcd"));
//! ```

#![deny(missing_docs)]

mod check;
mod client;
mod config;
mod error;
mod evaluations;
mod fetch;
mod publish;
mod retry;

pub use client::{Client, ClientBuilder, Progress};
pub use config::{ApiKey, Flags, Settings, config_path};
pub use error::{Error, Result, ServerError, TRANSIENT_CODES};
pub use evaluations::{
    EVALUATION_PAGE_SIZE, NO_EVALUATIONS, ServerEvaluationFilters, evaluation_cache_file,
};
pub use fetch::{Fetched, SuiteFetched};
pub use publish::{PUBLISHED_FILE, Published};
pub use retry::{MAX_DELAY, backoff_delay};
