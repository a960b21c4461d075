//! OpenML flows: the [`Flow`] trait that any model implements to be run on a task, linfa's
//! estimators behind it, preprocessing pipelines, and hyperparameters as OpenML records them.
//! Datasets and their encoding live in oml-data; evaluating a flow on a task's splits is
//! oml-eval's job.
//!
//! # Brief overview
//!
//! - [`Describe`] is what OpenML records about a flow: a name, an external version, a
//!   description, its [`Parameter`]s (read from the real parameter struct, set from text) and
//!   its [`Component`]s. [`flow_xml`] writes it as OpenML's flow XML.
//! - [`Flow`] fits on a [`TrainingSet`] (the training rows of one unit and their [`Target`])
//!   with a seed from [`unit_seed`], and returns a [`Model`]. A model implements one method,
//!   [`Model::output`]; [`Model::predict`] checks it and turns it into [`Predictions`], where a
//!   label is always the argmax of the confidences with ties to the first class.
//! - [`Preprocessor`]s ([`SimpleImputer`], [`OneHotEncoder`], [`StandardScaler`]) and a final
//!   flow make a [`Pipeline`], itself a flow whose components are its steps.
//! - [`BUILTIN_FLOWS`] and [`builtin_flow`] give linfa's estimators by short name, each in a
//!   default pipeline for data with nominal columns and missing values; [`FlowCatalog`] lists
//!   them with their parameters (`oml flows`).
//!
//! ```
//! use oml_flow::{Describe, builtin_flow, set_parameters};
//!
//! let mut flow = builtin_flow("logistic-regression")?;
//! set_parameters(&mut flow, &["C=2", "impute.add_indicator=true"])?;
//! assert_eq!(
//!     flow.name(),
//!     "oml.Pipeline(impute=oml.SimpleImputer,scale=oml.StandardScaler,onehot=oml.OneHotEncoder,estimator=oml_linear.LogisticRegression)"
//! );
//! let error = set_parameters(&mut flow, &["impute.nominal=mode"]).unwrap_err();
//! assert_eq!(
//!     error.to_string(),
//!     "parameter `nominal`: `mode` is not allowed; expected one of missing_category, most_frequent"
//! );
//! # Ok::<(), oml_flow::Error>(())
//! ```

#![deny(missing_docs)]

mod catalog;
mod error;
mod estimators;
mod flow;
mod inputs;
mod param;
mod pipeline;
mod preprocess;
mod registry;
mod seed;
mod xml;

pub use catalog::{FlowCatalog, FlowSummary, ParameterSummary, StepSummary};
pub use error::{Error, Result};
pub use estimators::*;
pub use flow::{
    Component, Describe, Flow, Model, OML_FLOW_VERSION, Output, Predictions, Prepared,
    Preprocessor, Target, TaskKind, TraceIteration, TrainingSet, Transform, WarmPath, argmax,
    family_members, unsupported,
};
pub use inputs::numeric_inputs;
pub use param::{
    AT_LEAST_ONE, AT_LEAST_ONE_U32, AT_LEAST_ONE_U64, Constraint, FINITE_NON_NEGATIVE,
    FINITE_POSITIVE, MAX_DEPTH, PROPORTION, ParamValue, Parameter, set_value, split_assignment,
    unknown_parameter,
};
pub use pipeline::{
    ESTIMATOR_STEP, Pipeline, parameter_owners, qualified_name, qualified_parameters,
    set_parameters,
};
pub use preprocess::{ImputeStrategy, NominalImpute, OneHotEncoder, SimpleImputer, StandardScaler};
pub use registry::{BUILTIN_FLOWS, BuiltinFlow, builtin_flow, for_scaled, for_trees};
pub use seed::unit_seed;
pub use xml::{FLOW_TAGS, flow_xml};
