//! The built-in estimators: linfa's algorithms behind the [`crate::Flow`] trait.

mod forest;
mod knn;
mod naive_bayes;
mod tree;

use std::any::Any;

use ndarray::{ArrayView1, ArrayView2};

pub use forest::RandomForestFlow;
pub use knn::{KnnAlgorithm, KnnFlow, KnnWeights};
pub use naive_bayes::GaussianNbFlow;
pub use tree::DecisionTreeFlow;

use crate::error::{Error, Result};
use crate::flow::{Describe, Target, TrainingSet, unsupported};
use crate::inputs::numeric_inputs;

/// The version of the linfa crates oml-flow is built with; a test checks it against the
/// workspace's `Cargo.lock`.
pub const LINFA_VERSION: &str = "0.8.1";

/// The numeric features, the classes and the number of task classes of a classification
/// fit, checked so that no estimator panics on them: at least one row, one class per row,
/// every class below `n_classes`.
pub(crate) fn class_inputs<'a>(
    flow: &(impl Describe + ?Sized),
    data: &TrainingSet<'a>,
) -> Result<(ArrayView2<'a, f64>, ArrayView1<'a, usize>, usize)> {
    let Target::Classes { classes, n_classes } = data.target else {
        return Err(unsupported(flow, &data.target));
    };
    let name = flow.name();
    let x = numeric_inputs(&name, data.features)?;
    if x.nrows() == 0 {
        return Err(Error::fit(name, "no training rows"));
    }
    if classes.len() != x.nrows() {
        return Err(Error::fit(
            name,
            format!("{} classes for {} rows", classes.len(), x.nrows()),
        ));
    }
    if let Some(&class) = classes.iter().find(|&&c| c >= n_classes) {
        return Err(Error::fit(
            name,
            format!("class {class} out of {n_classes} classes"),
        ));
    }
    Ok((x, classes, n_classes))
}

/// The message of a caught panic, for an [`Error`].
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    format!("panicked: {text}")
}
