//! The constant predictor as a flow (`constant`): the baseline every model must beat, and
//! the score a sweep gives a failed job when asked to (`oml collect --impute-failures`), as
//! the AutoML Benchmark does.

use ndarray::{Array1, Array2};
use oml_data::DesignMatrix;

use crate::error::Result;
use crate::estimators::oml_flow_external_version;
use crate::flow::{Describe, Flow, Model, Output, Target, TaskKind, TrainingSet, unsupported};
use crate::param::{Parameter, unknown_parameter};

/// Predicts without looking at the features: for classification the training rows' class
/// frequencies as every row's confidences (scikit-learn's `DummyClassifier(strategy="prior")`,
/// whose label is the most frequent class, ties to the first); for regression the training
/// mean (`DummyRegressor()`). It has no parameters.
#[derive(Debug, Clone, Default)]
pub struct ConstantFlow;

impl ConstantFlow {
    /// The constant predictor.
    pub fn new() -> Self {
        ConstantFlow
    }
}

impl Describe for ConstantFlow {
    fn name(&self) -> String {
        "oml.Constant".to_owned()
    }
    fn external_version(&self) -> String {
        oml_flow_external_version()
    }
    fn description(&self) -> String {
        "Constant predictor: the training class frequencies as confidences, or the training \
         mean (scikit-learn: DummyClassifier(strategy=\"prior\"), DummyRegressor())"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        Vec::new()
    }
    fn set_parameter(&mut self, name: &str, _value: &str) -> Result<()> {
        Err(unknown_parameter(&self.name(), name, &self.parameters()))
    }
}

impl Flow for ConstantFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        kind != TaskKind::Clustering
    }

    fn fit(&self, data: &TrainingSet<'_>, _seed: u64) -> Result<Box<dyn Model>> {
        let output = match data.target {
            Target::Classes { classes, n_classes } => {
                let mut frequencies = Array1::<f64>::zeros(n_classes);
                for &class in classes {
                    frequencies[class] += 1.0;
                }
                frequencies /= classes.len().max(1) as f64;
                Constant::Confidences(frequencies)
            }
            Target::Values(values) => Constant::Value(values.mean().unwrap_or(0.0)),
            Target::None => return Err(unsupported(self, &data.target)),
        };
        Ok(Box::new(output))
    }
}

/// What a fitted constant predictor gives every row.
enum Constant {
    Confidences(Array1<f64>),
    Value(f64),
}

impl Model for Constant {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let rows = x.x.nrows();
        Ok(match self {
            Constant::Confidences(frequencies) => Output::Confidences(Array2::from_shape_fn(
                (rows, frequencies.len()),
                |(_, c)| frequencies[c],
            )),
            Constant::Value(value) => Output::Values(Array1::from_elem(rows, *value)),
        })
    }
}
