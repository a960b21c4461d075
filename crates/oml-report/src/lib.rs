//! Comparisons of stored runs: leaderboards per task, statistical tests between flows
//! (Nadeau and Bengio's corrected resampled t-test; Friedman with Nemenyi's post-hoc test and a
//! critical-difference diagram) and one self-contained HTML report with SVG plots.
//! It reads runs; it never runs anything.

pub mod stats;
