//! Metrics
//!
//! Implementations of various evaluation metrics for regression, classification, and ranking.
pub mod classification;
pub mod evaluation;
pub mod ranking;
pub mod regression;
