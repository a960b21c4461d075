//! Statistical tests.
