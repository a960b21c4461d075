//! The built-in estimators: linfa's algorithms behind the [`crate::Flow`] trait.

mod tree;

pub use tree::DecisionTreeFlow;

/// The version of the linfa crates oml-flow is built with; a test checks it against the
/// workspace's `Cargo.lock`.
pub const LINFA_VERSION: &str = "0.8.1";
