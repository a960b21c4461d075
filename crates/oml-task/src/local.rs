//! Local tasks: any dataset (a file or `builtin:NAME`), a target and a resampling procedure,
//! with splits generated from a seed.

use oml_data::{Dataset, DatasetLoader, FeatureKind};

use crate::error::{Error, Result};
use crate::generate::generate;
use crate::procedure::{Resampling, TaskType};
use crate::task::Task;
use crate::task_xml::{ProcedureDescription, TaskDescription};

/// The seed of local tasks unless one is set: 0.
pub const DEFAULT_SEED: u64 = 0;

/// Configures local tasks: a target, a task type, a resampling procedure and a seed, applied
/// to any dataset by [`LocalTaskBuilder::from_source`] or [`LocalTaskBuilder::build`].
///
/// The splits come from [`generate`] and depend only on the dataset's size (and classes),
/// the resampling and the seed, so anyone can make them again. With every default,
/// `builtin:iris` gets stratified 10-fold cross-validation with seed 0.
///
/// ```
/// use oml_task::LocalTaskBuilder;
///
/// let task = LocalTaskBuilder::new().from_source("builtin:iris")?;
/// assert_eq!(task.splits().n_folds(), 10);
/// assert!(task.splits().units().iter().all(|unit| unit.test.len() == 15));
/// assert_eq!(task.class_labels().unwrap()[0], "Iris-setosa");
/// # Ok::<(), oml_task::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct LocalTaskBuilder {
    target: Option<String>,
    task_type: Option<TaskType>,
    resampling: Option<Resampling>,
    stratified: Option<bool>,
    seed: Option<u64>,
    ignored: Vec<String>,
}

impl LocalTaskBuilder {
    /// A builder with every default.
    pub fn new() -> Self {
        Self::default()
    }

    /// The column to predict.
    ///
    /// By default, the dataset's default target (from `description.xml`, `features.xml` or
    /// the builtin); a dataset without one needs this.
    pub fn target(&mut self, name: impl Into<String>) -> &mut Self {
        self.target = Some(name.into());
        self
    }

    /// The task type: classification, regression or learning curve (clustering has no
    /// generator).
    ///
    /// By default, classification when the target is nominal and regression when it is
    /// numeric; a learning curve when the resampling is one.
    pub fn task_type(&mut self, task_type: TaskType) -> &mut Self {
        self.task_type = Some(task_type);
        self
    }

    /// How the splits are made. Cross-validation becomes a learning curve with the same
    /// folds and repeats for a learning-curve task.
    ///
    /// By default, 10-fold cross-validation (a 10-fold learning curve for learning-curve
    /// tasks), stratified for nominal targets.
    pub fn resampling(&mut self, resampling: Resampling) -> &mut Self {
        self.resampling = Some(resampling);
        self
    }

    /// Whether splits keep class proportions. Regression splits never do: a numeric target
    /// has no classes.
    ///
    /// By default, the resampling's own flag when one is set, otherwise yes for nominal
    /// targets.
    pub fn stratified(&mut self, yes: bool) -> &mut Self {
        self.stratified = Some(yes);
        self
    }

    /// The seed of the splits.
    ///
    /// By default, [`DEFAULT_SEED`] (0).
    pub fn seed(&mut self, seed: u64) -> &mut Self {
        self.seed = Some(seed);
        self
    }

    /// A column that is not a feature (an id, free text, a leak): flows never see it, as
    /// OpenML's `ignore_attribute`. Repeatable.
    pub fn ignore(&mut self, column: impl Into<String>) -> &mut Self {
        self.ignored.push(column.into());
        self
    }

    /// Loads `source` (a dataset file or `builtin:NAME`, as oml-data's `load` takes it) and
    /// builds the task.
    pub fn from_source(&self, source: &str) -> Result<Task> {
        let dataset = DatasetLoader::new().load(source)?.dataset;
        self.build(dataset)
    }

    /// The task on `dataset`: no task or dataset id, the procedure of the resampling (no
    /// procedure id, no split URL), no evaluation measures, and splits named
    /// `<dataset name>_splits`.
    ///
    /// Fails when there is no target, the target is not a column, the task type does not fit
    /// its kind (or is clustering), the resampling does not fit the task type (a holdout for a
    /// learning curve, a learning curve for another type), or the splits cannot be made
    /// (more folds than rows, a nominal target with missing values when stratifying, ...).
    pub fn build(&self, mut dataset: Dataset) -> Result<Task> {
        for column in &self.ignored {
            if dataset.feature(column).is_none() {
                return Err(Error::Invalid(format!(
                    "cannot ignore `{column}`: it is not a column of dataset `{}`",
                    dataset.name()
                )));
            }
            dataset.set_role(column, oml_data::Role::Ignored)?;
        }
        let Some(target) = self
            .target
            .clone()
            .or_else(|| dataset.default_target().map(str::to_owned))
        else {
            let last = dataset.features().last().map_or(String::new(), |f| {
                format!("; its last column is `{}`", f.name)
            });
            return Err(Error::Invalid(format!(
                "dataset `{}` has no default target; name the target (`--target COLUMN`{last})",
                dataset.name()
            )));
        };
        let Some(feature) = dataset.feature(&target) else {
            return Err(Error::Invalid(format!(
                "the target `{target}` is not a column of dataset `{}`",
                dataset.name()
            )));
        };
        let nominal = matches!(feature.kind, FeatureKind::Nominal(_));
        let task_type = match (self.task_type, &self.resampling, &feature.kind) {
            (Some(TaskType::Clustering), ..) => {
                return Err(Error::Invalid(
                    "local clustering tasks are not supported: clustering splits have no \
                     generator"
                        .into(),
                ));
            }
            (Some(task_type), ..) => task_type,
            (None, Some(Resampling::LearningCurve { .. }), _) => TaskType::LearningCurve,
            (None, _, FeatureKind::Nominal(_)) => TaskType::SupervisedClassification,
            (None, _, FeatureKind::Numeric) => TaskType::SupervisedRegression,
            (None, _, kind) => {
                return Err(Error::Invalid(format!(
                    "the target `{target}` is {}; a local task needs a nominal (classification) \
                     or numeric (regression) target",
                    kind.name()
                )));
            }
        };
        crate::task::class_labels(task_type, Some(&target), &dataset)?;
        let classification = task_type.is_classification();
        let stratified = classification && nominal;
        let mut resampling = match (&self.resampling, task_type) {
            (None, TaskType::LearningCurve) => Resampling::LearningCurve {
                repeats: 1,
                folds: 10,
                stratified,
            },
            (None, _) => Resampling::CrossValidation {
                repeats: 1,
                folds: 10,
                stratified,
            },
            (
                Some(Resampling::CrossValidation {
                    repeats,
                    folds,
                    stratified,
                }),
                TaskType::LearningCurve,
            ) => Resampling::LearningCurve {
                repeats: *repeats,
                folds: *folds,
                stratified: *stratified,
            },
            (Some(Resampling::LearningCurve { .. }), t) if t != TaskType::LearningCurve => {
                return Err(Error::Invalid(format!(
                    "a learning-curve resampling needs a learning-curve task, not {t}"
                )));
            }
            (
                Some(r @ (Resampling::Holdout { .. } | Resampling::LeaveOneOut)),
                TaskType::LearningCurve,
            ) => {
                return Err(Error::Invalid(format!(
                    "learning-curve tasks need cross-validation, not `{r}`"
                )));
            }
            (Some(r), _) => r.clone(),
        };
        let flag = match &mut resampling {
            Resampling::CrossValidation { stratified, .. }
            | Resampling::Holdout { stratified, .. }
            | Resampling::LearningCurve { stratified, .. } => Some(stratified),
            Resampling::LeaveOneOut => None,
        };
        if let Some(flag) = flag {
            *flag = classification && self.stratified.unwrap_or(*flag);
        }

        let wants_classes = matches!(
            resampling,
            Resampling::CrossValidation {
                stratified: true,
                ..
            } | Resampling::Holdout {
                stratified: true,
                ..
            } | Resampling::LearningCurve {
                stratified: true,
                ..
            }
        );
        let classes = match wants_classes && nominal {
            true => Some(dataset.class_target(&target)?.classes.to_vec()),
            false => None,
        };
        let name = format!("{}_splits", dataset.name());
        let seed = self.seed.unwrap_or(DEFAULT_SEED);
        let splits = generate(
            &resampling,
            dataset.n_rows(),
            classes.as_deref(),
            seed,
            &name,
        )?;
        let mut procedure = ProcedureDescription::from_resampling(&resampling);
        if task_type == TaskType::LearningCurve {
            procedure.number_samples = Some(splits.n_samples());
        }
        let description = TaskDescription {
            task_id: None,
            task_type,
            dataset_id: None,
            target: Some(target),
            procedure,
            evaluation_measures: Vec::new(),
            tags: Vec::new(),
        };
        Task::new(description, dataset, splits)
    }
}
