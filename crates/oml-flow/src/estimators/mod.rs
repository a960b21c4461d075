//! The built-in estimators behind the [`crate::Flow`] trait, one file per flow named as its
//! short name (`decision_tree.rs` is `decision-tree`, `DecisionTreeFlow`): oml-trees' trees,
//! forest and booster, oml-linear's logistic regression, perpetual's booster and linfa's
//! algorithms.

mod classes;
mod constant;
mod decision_tree;
mod elastic_net;
mod gaussian_nb;
mod gbm;
mod k_means;
mod knn;
mod linear_regression;
mod linfa_decision_tree;
mod linfa_logistic_regression;
mod linfa_random_forest;
mod logistic_regression;
mod overflow;
mod perpetual_gbm;
mod random_forest;
mod svm;

use std::any::Any;

pub use constant::ConstantFlow;
pub use decision_tree::DecisionTreeFlow;
pub use elastic_net::ElasticNetFlow;
pub use gaussian_nb::GaussianNbFlow;
pub use gbm::GbmFlow;
pub use k_means::KMeansFlow;
pub use knn::{KnnAlgorithm, KnnFlow, KnnWeights};
pub use linear_regression::LinearRegressionFlow;
pub use linfa_decision_tree::LinfaDecisionTreeFlow;
pub use linfa_logistic_regression::{
    LinfaLogisticRegressionFlow, LinfaLogisticRegressionParams, LinfaLogisticRegressionValidParams,
};
pub use linfa_random_forest::LinfaRandomForestFlow;
pub use logistic_regression::LogisticRegressionFlow;
pub use perpetual_gbm::PerpetualGbmFlow;
pub use random_forest::{RandomForestFlow, RandomForestMaxFeatures};
pub use svm::{SvmFlow, SvmKernel, SvmParams, SvmValidParams};

/// The version of the linfa crates oml-flow is built with; a test checks it against the
/// workspace's `Cargo.lock`.
pub const LINFA_VERSION: &str = "0.8.1";

/// The version of perpetual oml-flow is built with (vendored, `vendor/perpetual`); a test
/// checks it against the workspace's `Cargo.lock`.
pub const PERPETUAL_VERSION: &str = "2.3.0";

/// The version of the `libm` crate whose `exp`, `ln` and `pow` the flows use (the C library's
/// are picked by the CPU, so their last bits can differ between machines); a flow that calls
/// them names it in its external version, since its results are libm's bits. A test checks it
/// against the workspace's `Cargo.lock`.
pub const LIBM_VERSION: &str = "0.2.16";

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

/// The external version of a flow built on the linfa crates `linfa_crates` that takes `exp`,
/// `ln` or `pow` from libm: `libm==0.2.16,linfa-x==0.8.1,...,oml-flow==0.2.0`.
pub(crate) fn linfa_libm_external_version(linfa_crates: &[&str]) -> String {
    external_version(
        linfa_crates
            .iter()
            .map(|&name| (name, LINFA_VERSION))
            .chain([("libm", LIBM_VERSION)]),
    )
}

/// The external version of a flow built on oml-trees:
/// `libm==0.2.16,oml-flow==0.2.0,oml-trees==0.5.0`.
pub(crate) fn oml_trees_external_version() -> String {
    external_version([("libm", LIBM_VERSION), ("oml-trees", oml_trees::VERSION)])
}

/// The external version of a flow of oml-flow's own: `oml-flow==0.2.0`.
pub(crate) fn oml_flow_external_version() -> String {
    external_version([])
}

/// The external version of a flow built on oml-linear:
/// `libm==0.2.16,oml-flow==0.2.0,oml-linear==0.2.0`.
pub(crate) fn oml_linear_external_version() -> String {
    external_version([("libm", LIBM_VERSION), ("oml-linear", oml_linear::VERSION)])
}

/// The external version of a flow built on perpetual:
/// `libm==0.2.16,oml-flow==0.2.0,perpetual==2.3.0`.
pub(crate) fn perpetual_external_version() -> String {
    external_version([("libm", LIBM_VERSION), ("perpetual", PERPETUAL_VERSION)])
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
