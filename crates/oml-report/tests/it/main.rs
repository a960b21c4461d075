//! Integration tests of oml-report.
//!
//! - `common`: what the tests share (synthetic results; run directories written by hand).
//! - `leaderboard`: leaderboards, paired tests and Friedman's test on synthetic results.
//! - `html`: the page: figures, tables, escaping, no external URL, determinism.
//! - `store`: results read from a run store, and a report written from it.

mod common;
mod html;
mod leaderboard;
mod store;
