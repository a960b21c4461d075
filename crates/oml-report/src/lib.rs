//! Comparisons of stored runs: leaderboards per task, statistical tests between flows
//! (Nadeau and Bengio's corrected resampled t-test; Friedman with Nemenyi's post-hoc test and a
//! critical-difference diagram) and one self-contained HTML report with SVG plots.
//! It reads runs; it never runs anything.
//!
//! # Brief overview
//!
//! - [`Results`] is the runs of a [`RunStore`](oml_run::RunStore) scored on one measure, one
//!   [`Entry`] per run (task and flow labels, seed, run-level value, fold scores, training
//!   time); [`Results::from_store`] reads them.
//! - [`Analysis`] turns results into a [`TaskLeaderboard`] per task (with [`PairedTest`]s of
//!   every flow against the task's best) and a [`Comparison`] across tasks (Friedman, Nemenyi).
//! - [`stats`] computes the tests; [`plots`] draws the figures as SVG.
//! - [`render_html`] is the page; [`write_report`] reads a store and writes it atomically.
//!
//! ```
//! use oml_report::{Entry, Results, render_html};
//!
//! let entry = |task: &str, flow: &str, folds: [f64; 3]| Entry {
//!     key: format!("{task}-{flow}"),
//!     task: task.into(),
//!     flow: flow.into(),
//!     seed: 0,
//!     value: folds.iter().sum::<f64>() / 3.0,
//!     fold_scores: folds.to_vec(),
//!     training_time_s: Some(0.01),
//!     peak_heap_bytes: None,
//!     test_train_ratio: Some(0.5),
//!     n_repeats: 1,
//!     n_folds: 3,
//! };
//! let results = Results {
//!     measure: "predictive_accuracy".into(),
//!     higher_is_better: true,
//!     entries: vec![
//!         entry("builtin:iris", "tree", [0.9, 0.92, 0.94]),
//!         entry("builtin:iris", "knn", [0.95, 0.96, 0.97]),
//!     ],
//!     skipped: Vec::new(),
//! };
//! let html = render_html(&results, "iris");
//! assert!(html.contains("<figure class=\"plot\" id=\"box-1\""));
//! assert!(html.contains("at least 2 tasks"), "one task: no Friedman test");
//! ```

#![deny(missing_docs)]

mod failures;
mod html;
mod leaderboard;
pub mod plots;
mod results;
pub mod stats;

pub use html::{ReportSummary, render_html, write_report};
pub use leaderboard::{
    ALPHA, Analysis, Comparison, LeaderboardRow, PairedTest, TaskLeaderboard, natural_cmp,
};
pub use results::{
    DEFAULT_CLASSIFICATION_MEASURE, DEFAULT_REGRESSION_MEASURE, Entry, ReportError, Results,
    TRAINING_TIME_MEASURE, flow_label, higher_is_better, task_label, test_train_ratio,
};
