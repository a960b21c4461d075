//! Fits a flow on every fold of a builtin task, the way the evaluator will.

use ndarray::{Array1, Axis, array};
use oml_data::{DesignMatrix, EncodedColumn};
use oml_flow::{Flow, Model, Predictions, Target, TaskKind, TrainingSet, unit_seed};
use oml_task::{LocalTaskBuilder, Task, TaskType};

/// The predictions of one fold: the test rows and what the flow predicted for them.
pub struct Fold {
    /// The test rows.
    pub test: Vec<usize>,
    /// The predictions, in test-row order.
    pub predictions: Predictions,
}

/// A task's features (optionally with a nominal column and missing values added), its target,
/// and its folds.
pub struct Prepared {
    pub task: Task,
    pub features: DesignMatrix,
    pub classes: Option<(Array1<usize>, usize)>,
    pub values: Option<Array1<f64>>,
}

/// The builtin task `source` (10-fold CV, seed 0), as a flow sees it. With `messy`, a nominal
/// column is added (three categories, from the first feature's tertiles) and every 7th value
/// of the first column becomes missing. With `clustering`, the target is left out and the
/// folds' training rows are clustered.
pub fn prepare(source: &str, messy: bool, clustering: bool) -> Prepared {
    let task = LocalTaskBuilder::new()
        .from_source(source)
        .expect("builtin task");
    let target = task.target().map(str::to_owned);
    let mut features = task
        .dataset()
        .design_matrix(target.as_deref())
        .expect("encodes");
    if messy {
        let first = features.x.column(0).to_owned();
        let mut sorted = first.to_vec();
        sorted.sort_by(f64::total_cmp);
        let (low, high) = (sorted[sorted.len() / 3], sorted[2 * sorted.len() / 3]);
        let nominal = first.mapv(|v| {
            if v < low {
                0.0
            } else if v < high {
                1.0
            } else {
                2.0
            }
        });
        features.x.push_column(nominal.view()).unwrap();
        features.columns.push(EncodedColumn {
            name: "band".to_owned(),
            categories: Some(vec!["low".into(), "mid".into(), "high".into()]),
        });
        for row in (0..features.x.nrows()).step_by(7) {
            features.x[[row, 0]] = f64::NAN;
        }
    }
    let (classes, values) = match (task.task_type(), target.as_deref()) {
        _ if clustering => (None, None),
        (TaskType::SupervisedClassification | TaskType::LearningCurve, Some(t)) => {
            let target = task.dataset().class_target(t).unwrap();
            (Some((target.classes, target.labels.len())), None)
        }
        (TaskType::SupervisedRegression, Some(t)) => {
            (None, Some(task.dataset().regression_target(t).unwrap()))
        }
        _ => (None, None),
    };
    Prepared {
        task,
        features,
        classes,
        values,
    }
}

impl Prepared {
    /// The kind of task.
    pub fn kind(&self) -> TaskKind {
        match (&self.classes, &self.values) {
            (Some((_, n)), _) => TaskKind::Classification { n_classes: *n },
            (_, Some(_)) => TaskKind::Regression,
            _ => TaskKind::Clustering,
        }
    }

    /// Fits `flow` on every fold with `seed` and predicts the test rows (clustering: the
    /// training rows, as OpenML does).
    pub fn folds(&self, flow: &dyn Flow, seed: u64) -> Vec<Fold> {
        self.first_folds(flow, seed, usize::MAX)
    }

    /// [`Prepared::folds`] of only the first `n` units.
    pub fn first_folds(&self, flow: &dyn Flow, seed: u64, n: usize) -> Vec<Fold> {
        self.task
            .splits()
            .units()
            .iter()
            .take(n)
            .map(|unit| {
                let train: Vec<usize> = unit.train.iter().map(|&r| r as usize).collect();
                let test: Vec<usize> = if self.kind() == TaskKind::Clustering {
                    train.clone()
                } else {
                    unit.test.iter().map(|&r| r as usize).collect()
                };
                let train_x = self.features.select_rows(&train);
                let classes = self
                    .classes
                    .as_ref()
                    .map(|(c, _)| c.select(Axis(0), &train));
                let values = self.values.as_ref().map(|v| v.select(Axis(0), &train));
                let target = match (&classes, &values, &self.classes) {
                    (Some(c), _, Some((_, n))) => Target::Classes {
                        classes: c.view(),
                        n_classes: *n,
                    },
                    (_, Some(v), _) => Target::Values(v.view()),
                    _ => Target::None,
                };
                let seed = unit_seed(seed, unit.repeat, unit.fold, unit.sample);
                let model = flow
                    .fit(
                        &TrainingSet {
                            features: &train_x,
                            target,
                        },
                        seed,
                    )
                    .unwrap_or_else(|e| panic!("fit: {e}"));
                let predictions = model
                    .predict(&self.features.select_rows(&test), self.kind())
                    .unwrap_or_else(|e| panic!("predict: {e}"));
                Fold { test, predictions }
            })
            .collect()
    }

    /// The share of test rows whose predicted label is the true class, over all folds.
    pub fn accuracy(&self, folds: &[Fold]) -> f64 {
        let (classes, _) = self.classes.as_ref().expect("classification");
        let (mut right, mut total) = (0, 0);
        for fold in folds {
            let Predictions::Classes {
                labels,
                confidences,
            } = &fold.predictions
            else {
                panic!("classification predictions")
            };
            for (k, &row) in fold.test.iter().enumerate() {
                let sum: f64 = confidences.row(k).sum();
                assert!(
                    (sum - 1.0).abs() < 1e-9,
                    "confidences of row {row} sum to {sum}"
                );
                assert_eq!(labels[k], oml_flow::argmax(confidences.row(k)));
                right += usize::from(labels[k] == classes[row]);
                total += 1;
            }
        }
        right as f64 / total as f64
    }

    /// Fits `flow` (called `name`) on every fold with seed 1, prints its R² and asserts it is
    /// at least `least`, then asserts that fitting again predicts the same.
    pub fn assert_r_squared_and_determinism(&self, name: &str, flow: &dyn Flow, least: f64) {
        let folds = self.folds(flow, 1);
        let r_squared = self.r_squared(&folds);
        let dataset = self.task.dataset().name();
        eprintln!("{name}: R² {r_squared:.4} on {dataset} (10-fold CV)");
        assert!(r_squared >= least, "{name}: R² {r_squared}");
        let again = self.folds(flow, 1);
        assert!(
            folds
                .iter()
                .zip(&again)
                .all(|(a, b)| a.predictions == b.predictions),
            "{name} differs between two fits"
        );
    }

    /// R squared over all folds' test rows.
    pub fn r_squared(&self, folds: &[Fold]) -> f64 {
        let truth = self.values.as_ref().expect("regression");
        let mean = truth.mean().unwrap();
        let (mut residual, mut total) = (0.0, 0.0);
        for fold in folds {
            let Predictions::Values(values) = &fold.predictions else {
                panic!("regression predictions")
            };
            for (k, &row) in fold.test.iter().enumerate() {
                residual += (truth[row] - values[k]).powi(2);
                total += (truth[row] - mean).powi(2);
            }
        }
        1.0 - residual / total
    }
}

/// A tiny two-class set where class 2 of three is absent: rows (x) -> class.
pub fn absent_class() -> (DesignMatrix, Array1<usize>) {
    let x = array![[0.0], [0.1], [0.2], [1.0], [1.1], [1.2]];
    let columns = vec![EncodedColumn {
        name: "x".to_owned(),
        categories: None,
    }];
    (DesignMatrix { x, columns }, array![0, 0, 0, 1, 1, 1])
}

/// `x` as a design matrix of numeric columns `x0`, `x1`, ...
pub fn numeric_matrix(x: ndarray::Array2<f64>) -> DesignMatrix {
    let columns = (0..x.ncols())
        .map(|k| EncodedColumn {
            name: format!("x{k}"),
            categories: None,
        })
        .collect();
    DesignMatrix { x, columns }
}

/// Fits `flow` on classes `classes` out of `n_classes`.
pub fn fit_classes(
    flow: &dyn Flow,
    x: &DesignMatrix,
    classes: &Array1<usize>,
    n_classes: usize,
) -> oml_flow::Result<Box<dyn oml_flow::Model>> {
    fit_classes_seeded(flow, x, classes, n_classes, 0)
}

/// [`fit_classes`] with the seed `seed`.
pub fn fit_classes_seeded(
    flow: &dyn Flow,
    x: &DesignMatrix,
    classes: &Array1<usize>,
    n_classes: usize,
    seed: u64,
) -> oml_flow::Result<Box<dyn oml_flow::Model>> {
    flow.fit(
        &TrainingSet {
            features: x,
            target: Target::Classes {
                classes: classes.view(),
                n_classes,
            },
        },
        seed,
    )
}

/// Fits `flow` on the numbers `values` (a regression), with seed 0.
pub fn fit_values(
    flow: &dyn Flow,
    x: &DesignMatrix,
    values: &Array1<f64>,
) -> oml_flow::Result<Box<dyn oml_flow::Model>> {
    flow.fit(
        &TrainingSet {
            features: x,
            target: Target::Values(values.view()),
        },
        0,
    )
}

/// The labels and confidences `model` predicts for `x`, a classification into `n_classes`
/// classes.
pub fn class_predictions(
    model: &dyn Model,
    x: &DesignMatrix,
    n_classes: usize,
) -> (Array1<usize>, ndarray::Array2<f64>) {
    let Predictions::Classes {
        labels,
        confidences,
    } = model
        .predict(x, TaskKind::Classification { n_classes })
        .unwrap()
    else {
        panic!("classification")
    };
    (labels, confidences)
}

/// The labels `model` predicts for `x`, a classification into `n_classes` classes.
pub fn predicted_labels(model: &dyn Model, x: &DesignMatrix, n_classes: usize) -> Array1<usize> {
    class_predictions(model, x, n_classes).0
}

/// Asserts that `flow` (called `name`) refuses to fit `x` without a target: clustering is an
/// unsupported task.
pub fn assert_clustering_unsupported(name: &str, flow: &dyn Flow, x: &DesignMatrix) {
    let error = flow
        .fit(
            &TrainingSet {
                features: x,
                target: Target::None,
            },
            0,
        )
        .err()
        .unwrap();
    assert!(
        matches!(&error, oml_flow::Error::UnsupportedTask { task, .. } if task == "clustering"),
        "{name}: {error}"
    );
}
