//! The built-in estimators: linfa's algorithms behind the [`crate::Flow`] trait.

mod classes;
mod kmeans;
mod linear;
mod logistic;
mod svm;
mod tree;

pub use kmeans::KMeansFlow;
pub use linear::{
    ElasticNetFlow, LinearRegressionFlow, LinearRegressionParams, LinearRegressionValidParams,
};
pub use logistic::{
    LogisticRegressionFlow, LogisticRegressionParams, LogisticRegressionValidParams,
};
pub use svm::{SvmFlow, SvmKernel, SvmParams, SvmValidParams};
pub use tree::DecisionTreeFlow;

/// The version of the linfa crates oml-flow is built with; a test checks it against the
/// workspace's `Cargo.lock`.
pub const LINFA_VERSION: &str = "0.8.1";

/// The external version of a flow built on the linfa crate `linfa_crate`:
/// `linfa-x==0.8.1,oml-flow==0.1.0` (sorted, as every linfa crate name sorts before oml-flow).
pub(crate) fn linfa_external_version(linfa_crate: &str) -> String {
    format!(
        "{linfa_crate}=={LINFA_VERSION},oml-flow=={}",
        crate::OML_FLOW_VERSION
    )
}
