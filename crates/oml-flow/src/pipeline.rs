//! Pipelines: preprocessing steps, then an estimator, as one flow with components.

use std::collections::BTreeSet;

use oml_data::DesignMatrix;

use crate::error::{Error, Result};
use crate::flow::Preprocessor;
use crate::flow::{Component, Describe, Flow, Model, Output, TaskKind, TrainingSet, Transform};
use crate::inputs::check_finite;
use crate::param::{Parameter, split_assignment, unknown_parameter};

/// The identifier of a pipeline's estimator among its components.
pub const ESTIMATOR_STEP: &str = "estimator";

/// Preprocessing steps fitted on the training rows, in order, then an estimator fitted on
/// their output, as scikit-learn's `Pipeline`. Each step and the estimator are components of
/// the flow, named by their identifiers.
pub struct Pipeline {
    steps: Vec<(String, Box<dyn Preprocessor>)>,
    estimator: Box<dyn Flow>,
}

impl Pipeline {
    /// A pipeline of only `estimator`; add steps with [`Pipeline::step`].
    pub fn new(estimator: impl Flow + 'static) -> Self {
        Pipeline::from_boxed(Box::new(estimator))
    }

    /// A pipeline of only the boxed `estimator`.
    pub fn from_boxed(estimator: Box<dyn Flow>) -> Self {
        Pipeline {
            steps: Vec::new(),
            estimator,
        }
    }

    /// Adds a preprocessing step called `identifier` after the steps already there. The
    /// identifier must be unique, in OpenML's identifier characters (letters, digits, `_-.`),
    /// and not [`ESTIMATOR_STEP`]; [`crate::flow_xml`] checks the characters.
    ///
    /// # Panics
    /// If the identifier is taken: a pipeline is put together by code, not from input.
    pub fn step(mut self, identifier: &str, step: impl Preprocessor + 'static) -> Self {
        assert!(
            identifier != ESTIMATOR_STEP && self.steps.iter().all(|(id, _)| id != identifier),
            "pipeline step `{identifier}` is already there"
        );
        self.steps.push((identifier.to_owned(), Box::new(step)));
        self
    }

    /// The estimator at the end of the pipeline.
    pub fn estimator(&self) -> &dyn Flow {
        self.estimator.as_ref()
    }

    /// The preprocessing steps fitted on `train` and applied to it and to `test`: what the
    /// estimator sees when the pipeline is fitted on `train` and predicts `test`. Fitting the
    /// estimator on the first and predicting the second gives the pipeline's predictions, so
    /// that searches over the estimator's parameters preprocess once.
    /// Without steps, the two come back as they are.
    pub fn preprocess(
        &self,
        train: DesignMatrix,
        test: DesignMatrix,
    ) -> Result<(DesignMatrix, DesignMatrix)> {
        let (transforms, fitted) = self.fit_steps(&train)?;
        let test = apply(&self.estimator.name(), &transforms, &test)?.unwrap_or(test);
        Ok((fitted.unwrap_or(train), test))
    }

    /// The steps fitted on `x` in order, and `x` through them (`None` without steps).
    fn fit_steps(&self, x: &DesignMatrix) -> Result<(FittedSteps, Option<DesignMatrix>)> {
        check_finite(&self.estimator.name(), x)?;
        let mut transforms = Vec::with_capacity(self.steps.len());
        let mut current: Option<DesignMatrix> = None;
        for (_, step) in &self.steps {
            let input = current.as_ref().unwrap_or(x);
            let transform = step.fit(input)?;
            current = Some(transform.transform(input)?);
            transforms.push(transform);
        }
        Ok((transforms, current))
    }
}

/// A pipeline's preprocessing steps, fitted, in order.
type FittedSteps = Vec<Box<dyn Transform>>;

/// `x` through fitted `transforms` in order (`None` without any), its values checked first.
fn apply(
    estimator: &str,
    transforms: &[Box<dyn Transform>],
    x: &DesignMatrix,
) -> Result<Option<DesignMatrix>> {
    check_finite(estimator, x)?;
    let mut current: Option<DesignMatrix> = None;
    for transform in transforms {
        current = Some(transform.transform(current.as_ref().unwrap_or(x))?);
    }
    Ok(current)
}

impl Describe for Pipeline {
    /// `oml.Pipeline(impute=oml.SimpleImputer,...,estimator=linfa_trees.DecisionTree)`, as
    /// scikit-learn flows name their pipelines.
    fn name(&self) -> String {
        let parts: Vec<String> = self
            .components()
            .iter()
            .map(|c| format!("{}={}", c.identifier, c.flow.name()))
            .collect();
        format!("oml.Pipeline({})", parts.join(","))
    }

    fn external_version(&self) -> String {
        let mut versions = BTreeSet::new();
        versions.insert(format!("oml-flow=={}", crate::OML_FLOW_VERSION));
        for component in self.components() {
            for part in component.flow.external_version().split(',') {
                versions.insert(part.trim().to_owned());
            }
        }
        versions.into_iter().collect::<Vec<_>>().join(",")
    }

    fn description(&self) -> String {
        let steps: Vec<&str> = self.steps.iter().map(|(id, _)| id.as_str()).collect();
        format!(
            "Preprocessing ({}) fitted on the training rows of each fold, then {}",
            if steps.is_empty() {
                "none".to_owned()
            } else {
                steps.join(", ")
            },
            self.estimator.description()
        )
    }

    /// `step.name` sets a step's parameter; a bare `name` sets the one step's parameter
    /// that has it, and is an error if several steps have one of that name.
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        if let Some((step, inner)) = name.split_once('.') {
            if step == ESTIMATOR_STEP {
                return self.estimator.set_parameter(inner, value);
            }
            if let Some((_, flow)) = self.steps.iter_mut().find(|(id, _)| id == step) {
                return flow.set_parameter(inner, value);
            }
        }
        let owners = parameter_owners(self, name);
        match owners.len() {
            0 => Err(unknown_parameter(
                &self.name(),
                name,
                &qualified_parameters(self)
                    .into_iter()
                    .map(|(qualified, mut p)| {
                        p.name = qualified;
                        p
                    })
                    .collect::<Vec<_>>(),
            )),
            1 => {
                let step = owners[0].split_once('.').map_or("", |(s, _)| s).to_owned();
                self.set_parameter(&format!("{step}.{name}"), value)
            }
            _ => Err(Error::AmbiguousParameter {
                name: name.to_owned(),
                candidates: owners.join(", "),
            }),
        }
    }

    fn components(&self) -> Vec<Component<'_>> {
        let mut components: Vec<Component<'_>> = self
            .steps
            .iter()
            .map(|(id, step)| Component {
                identifier: id,
                flow: step.as_ref() as &dyn Describe,
            })
            .collect();
        components.push(Component {
            identifier: ESTIMATOR_STEP,
            flow: self.estimator.as_ref() as &dyn Describe,
        });
        components
    }
}

impl Flow for Pipeline {
    fn learns(&self, kind: TaskKind) -> bool {
        self.estimator.learns(kind)
    }

    fn fit(&self, data: &TrainingSet<'_>, seed: u64) -> Result<Box<dyn Model>> {
        let (transforms, current) = self.fit_steps(data.features)?;
        let features = current.as_ref().unwrap_or(data.features);
        let model = self.estimator.fit(
            &TrainingSet {
                features,
                target: data.target.reborrow(),
            },
            seed,
        )?;
        Ok(Box::new(PipelineModel {
            transforms,
            model,
            estimator: self.estimator.name(),
        }))
    }
}

struct PipelineModel {
    transforms: Vec<Box<dyn Transform>>,
    model: Box<dyn Model>,
    /// The estimator's name, for errors.
    estimator: String,
}

impl Model for PipelineModel {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let current = apply(&self.estimator, &self.transforms, x)?;
        self.model.output(current.as_ref().unwrap_or(x))
    }
}

/// Every parameter of `flow` and its components, recursively, named as
/// [`Describe::set_parameter`] of `flow` accepts them: `step.name` for a component's.
pub fn qualified_parameters(flow: &dyn Describe) -> Vec<(String, Parameter)> {
    let mut out: Vec<(String, Parameter)> = flow
        .parameters()
        .into_iter()
        .map(|p| (p.name.clone(), p))
        .collect();
    for component in flow.components() {
        for (name, parameter) in qualified_parameters(component.flow) {
            out.push((format!("{}.{name}", component.identifier), parameter));
        }
    }
    out
}

/// The components of `flow` that have a parameter called `name`, as `step.name`: a bare name
/// sets the parameter of the one component that has it, and is ambiguous when several do.
pub fn parameter_owners(flow: &dyn Describe, name: &str) -> Vec<String> {
    flow.components()
        .iter()
        .filter(|c| c.flow.parameters().iter().any(|p| p.name == name))
        .map(|c| format!("{}.{name}", c.identifier))
        .collect()
}

/// The qualified name (`step.name`, as [`qualified_parameters`] names it) of the parameter
/// that `flow.set_parameter(name, ..)` sets: a flow's own parameter by its name; `step.rest`
/// in the component `step`; a bare name in the one component that has it
/// ([`parameter_owners`]). `None` for an unknown or ambiguous name.
pub fn qualified_name(flow: &dyn Describe, name: &str) -> Option<String> {
    if flow.parameters().iter().any(|p| p.name == name) {
        return Some(name.to_owned());
    }
    let components = flow.components();
    if let Some((step, inner)) = name.split_once('.')
        && let Some(component) = components.iter().find(|c| c.identifier == step)
    {
        return qualified_name(component.flow, inner).map(|q| format!("{step}.{q}"));
    }
    match &parameter_owners(flow, name)[..] {
        [owner] => Some(owner.clone()),
        _ => None,
    }
}

/// Applies `NAME=VALUE` assignments to `flow` in order; the first bad one is the error.
pub fn set_parameters<S: AsRef<str>>(flow: &mut dyn Describe, assignments: &[S]) -> Result<()> {
    for text in assignments {
        let (name, value) = split_assignment(text.as_ref())?;
        flow.set_parameter(name, value)?;
    }
    Ok(())
}
