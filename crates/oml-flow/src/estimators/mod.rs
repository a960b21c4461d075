//! The built-in estimators: linfa's algorithms behind the [`crate::Flow`] trait.

mod classes;
mod forest;
mod gbm;
mod kmeans;
mod knn;
mod linear;
mod logistic;
mod naive_bayes;
mod oml_forest;
mod oml_tree;
mod perpetual;
mod svm;
mod tree;

use std::any::Any;

pub use forest::RandomForestFlow;
pub use gbm::GbmFlow;
pub use kmeans::KMeansFlow;
pub use knn::{KnnAlgorithm, KnnFlow, KnnWeights};
pub use linear::{
    ElasticNetFlow, LinearRegressionFlow, LinearRegressionParams, LinearRegressionValidParams,
};
pub use logistic::{
    LogisticRegressionFlow, LogisticRegressionParams, LogisticRegressionValidParams,
};
pub use naive_bayes::GaussianNbFlow;
pub use oml_forest::{ForestFlow, ForestMaxFeatures};
pub use oml_tree::TreeFlow;
pub use perpetual::PerpetualGbmFlow;
pub use svm::{SvmFlow, SvmKernel, SvmParams, SvmValidParams};
pub use tree::DecisionTreeFlow;

/// The version of the linfa crates oml-flow is built with; a test checks it against the
/// workspace's `Cargo.lock`.
pub const LINFA_VERSION: &str = "0.8.1";

/// The version of perpetual oml-flow is built with (vendored, `vendor/perpetual`); a test
/// checks it against the workspace's `Cargo.lock`.
pub const PERPETUAL_VERSION: &str = "2.3.0";

/// The message of a caught panic, for an error.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    format!("panicked: {text}")
}

/// The external version of a flow built on the linfa crates `linfa_crates`:
/// `linfa-x==0.8.1,...,oml-flow==0.2.0`, sorted.
pub(crate) fn linfa_external_version(linfa_crates: &[&str]) -> String {
    external_version(linfa_crates.iter().map(|&name| (name, LINFA_VERSION)))
}

/// The external version of a flow built on oml-trees: `oml-flow==0.2.0,oml-trees==0.2.0`.
pub(crate) fn oml_trees_external_version() -> String {
    external_version([("oml-trees", oml_trees::VERSION)])
}

/// The external version of a flow built on perpetual: `oml-flow==0.2.0,perpetual==2.3.0`.
pub(crate) fn perpetual_external_version() -> String {
    external_version([("perpetual", PERPETUAL_VERSION)])
}

/// `crate==version` for each of `crates` and oml-flow, sorted and joined by commas.
fn external_version<'a>(crates: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut parts: Vec<String> = crates
        .into_iter()
        .map(|(name, version)| format!("{name}=={version}"))
        .collect();
    parts.push(format!("oml-flow=={}", crate::OML_FLOW_VERSION));
    parts.sort();
    parts.join(",")
}
