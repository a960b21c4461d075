//! The built-in estimators: linfa's algorithms behind the [`crate::Flow`] trait.

mod classes;
mod forest;
mod kmeans;
mod knn;
mod linear;
mod logistic;
mod naive_bayes;
mod svm;
mod tree;

use std::any::Any;

pub use forest::RandomForestFlow;
pub use kmeans::KMeansFlow;
pub use knn::{KnnAlgorithm, KnnFlow, KnnWeights};
pub use linear::{
    ElasticNetFlow, LinearRegressionFlow, LinearRegressionParams, LinearRegressionValidParams,
};
pub use logistic::{
    LogisticRegressionFlow, LogisticRegressionParams, LogisticRegressionValidParams,
};
pub use naive_bayes::GaussianNbFlow;
pub use svm::{SvmFlow, SvmKernel, SvmParams, SvmValidParams};
pub use tree::DecisionTreeFlow;

/// The version of the linfa crates oml-flow is built with; a test checks it against the
/// workspace's `Cargo.lock`.
pub const LINFA_VERSION: &str = "0.8.1";

/// The message of a caught panic, for an error.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    format!("panicked: {text}")
}

/// The external version of a flow built on the linfa crates `linfa_crates` (sorted):
/// `linfa-x==0.8.1,...,oml-flow==0.1.0`, sorted, as every linfa crate name sorts before
/// oml-flow.
pub(crate) fn linfa_external_version(linfa_crates: &[&str]) -> String {
    let mut parts: Vec<String> = linfa_crates
        .iter()
        .map(|name| format!("{name}=={LINFA_VERSION}"))
        .collect();
    parts.push(format!("oml-flow=={}", crate::OML_FLOW_VERSION));
    parts.join(",")
}
