//! What `oml flows` prints: the built-in flows with their parameters and defaults.

use std::fmt;

use serde::Serialize;

use crate::flow::Describe;
use crate::pipeline::qualified_parameters;
use crate::registry::{BUILTIN_FLOWS, BuiltinFlow};

/// The built-in flows, in [`BUILTIN_FLOWS`] order; JSON is a list of [`FlowSummary`].
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct FlowCatalog(pub Vec<FlowSummary>);

/// One built-in flow as `oml flows` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct FlowSummary {
    /// The short name the CLI accepts (`decision-tree`).
    pub name: String,
    /// The OpenML flow name of its default pipeline.
    pub flow_name: String,
    /// Every crate and version involved.
    pub external_version: String,
    /// The kinds of task it learns.
    pub learns: String,
    /// The pipeline's steps and estimator, in order, each with what it does and its
    /// scikit-learn counterpart.
    pub steps: Vec<StepSummary>,
    /// Every parameter, named as `--param` accepts it (`step.name`).
    pub parameters: Vec<ParameterSummary>,
}

/// One step (or the estimator) of a [`FlowSummary`]'s pipeline.
#[derive(Debug, Clone, Serialize)]
pub struct StepSummary {
    /// The step's identifier in parameter names (`impute`, `estimator`).
    pub id: String,
    /// Its flow name.
    pub name: String,
    /// What it does, naming its scikit-learn counterpart.
    pub description: String,
}

/// One parameter of a [`FlowSummary`].
#[derive(Debug, Clone, Serialize)]
pub struct ParameterSummary {
    /// The qualified name (`estimator.max_depth`); the bare name works where it is unique.
    pub name: String,
    /// OpenML's data type.
    #[serde(rename = "type")]
    pub data_type: String,
    /// The default value, as text.
    pub default: String,
    /// What it does.
    pub description: String,
    /// Which values it takes.
    pub allowed: String,
}

impl FlowSummary {
    /// The summary of `builtin` with its default parameters.
    pub fn of(builtin: &BuiltinFlow) -> Self {
        let flow = builtin.make();
        FlowSummary {
            name: builtin.name.to_owned(),
            flow_name: flow.name(),
            external_version: flow.external_version(),
            learns: builtin.learns.to_owned(),
            steps: flow
                .components()
                .into_iter()
                .map(|component| StepSummary {
                    id: component.identifier.to_owned(),
                    name: component.flow.name(),
                    description: component.flow.description(),
                })
                .collect(),
            parameters: qualified_parameters(&flow)
                .into_iter()
                .map(|(name, p)| ParameterSummary {
                    name,
                    data_type: p.data_type.to_owned(),
                    default: p.default,
                    description: p.description,
                    allowed: p.allowed,
                })
                .collect(),
        }
    }
}

impl FlowCatalog {
    /// Every built-in flow.
    pub fn builtin() -> Self {
        FlowCatalog(BUILTIN_FLOWS.iter().map(FlowSummary::of).collect())
    }
}

impl fmt::Display for FlowCatalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, flow) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{} ({})", flow.name, flow.learns)?;
            writeln!(f, "  flow:     {}", flow.flow_name)?;
            writeln!(f, "  versions: {}", flow.external_version)?;
            for step in &flow.steps {
                writeln!(f, "  step {}: {}", step.id, step.description)?;
            }
            let width = flow
                .parameters
                .iter()
                .map(|p| p.name.len())
                .max()
                .unwrap_or(0);
            for p in &flow.parameters {
                writeln!(
                    f,
                    "  {:width$}  {:7}  default {:8}  {} ({})",
                    p.name, p.data_type, p.default, p.description, p.allowed
                )?;
            }
        }
        Ok(())
    }
}
