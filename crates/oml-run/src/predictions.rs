//! OpenML's `predictions.arff`: one row per predicted row of every unit, in OpenML's columns.

use oml_data::arff::{Arff, Attribute, AttributeKind, Column};
use oml_eval::{Evaluation, Truth};
use oml_flow::Predictions;

use crate::error::{Error, Result};

/// The predictions of `evaluation` as OpenML's `predictions.arff` for a task with id
/// `task_id` (`None` for a local task) and class labels `class_labels`, in the columns
/// openml-python writes (`openml-formats.md` section 6):
///
/// - classification and learning curves: `repeat, fold, sample, row_id, prediction, correct`,
///   then `confidence.<label>` for every class label in order;
/// - regression: `repeat, fold, row_id, prediction, truth`;
/// - clustering: `repeat, fold, row_id, cluster`.
///
/// Rows follow the units in (repeat, fold, sample) order and, within a unit, the split file's
/// order. Failed units have no rows. `description` becomes the `%` comment lines before
/// `@relation`; nothing in the file depends on the time, so re-runs give the same bytes.
pub fn predictions_arff(
    evaluation: &Evaluation,
    task_id: Option<i64>,
    class_labels: Option<&[String]>,
    description: Vec<String>,
) -> Result<Arff> {
    let relation = match task_id {
        Some(id) => format!("openml_task_{id}_predictions"),
        None => "openml_task_local_predictions".to_owned(),
    };
    let numeric = |name: &str| Attribute {
        name: name.to_owned(),
        kind: AttributeKind::Numeric,
    };
    let succeeded = evaluation
        .units
        .iter()
        .filter_map(|u| u.outcome.as_ref().ok().map(|p| (u, p)));
    let n_rows: usize = succeeded.clone().map(|(u, _)| u.rows.len()).sum();
    let mut keys = [
        Vec::with_capacity(n_rows),
        Vec::with_capacity(n_rows),
        Vec::with_capacity(n_rows),
        Vec::with_capacity(n_rows),
    ];
    let mut push_keys = |repeat: u32, fold: u32, sample: u32, row: u32| {
        for (column, value) in keys.iter_mut().zip([repeat, fold, sample, row]) {
            column.push(f64::from(value));
        }
    };
    let (attributes, columns) = match &evaluation.truth {
        Truth::Classes(truth) => {
            let labels = class_labels.unwrap_or_default().to_vec();
            let mut predicted = Vec::with_capacity(n_rows);
            let mut correct = Vec::with_capacity(n_rows);
            let mut confidences = vec![Vec::with_capacity(n_rows); labels.len()];
            for (unit, predictions) in succeeded {
                let Predictions::Classes {
                    labels: l,
                    confidences: c,
                } = predictions
                else {
                    return Err(mismatch(unit, "not classification predictions"));
                };
                if c.ncols() != labels.len() {
                    return Err(mismatch(
                        unit,
                        &format!(
                            "{} confidence columns for {} labels",
                            c.ncols(),
                            labels.len()
                        ),
                    ));
                }
                for (k, &row) in unit.rows.iter().enumerate() {
                    push_keys(unit.repeat, unit.fold, unit.sample, row);
                    predicted.push(l[k] as u32);
                    correct.push(truth[row as usize] as u32);
                    for (column, &value) in confidences.iter_mut().zip(c.row(k)) {
                        column.push(value);
                    }
                }
            }
            let nominal = |name: &str| Attribute {
                name: name.to_owned(),
                kind: AttributeKind::Nominal(labels.clone()),
            };
            let [repeat, fold, sample, row_id] = keys;
            let mut attributes = vec![
                numeric("repeat"),
                numeric("fold"),
                numeric("sample"),
                numeric("row_id"),
                nominal("prediction"),
                nominal("correct"),
            ];
            attributes.extend(
                labels
                    .iter()
                    .map(|label| numeric(&format!("confidence.{label}"))),
            );
            let mut columns = vec![
                Column::Numeric(repeat),
                Column::Numeric(fold),
                Column::Numeric(sample),
                Column::Numeric(row_id),
                Column::Nominal(predicted),
                Column::Nominal(correct),
            ];
            columns.extend(confidences.into_iter().map(Column::Numeric));
            (attributes, columns)
        }
        Truth::Values(truth) => {
            let (mut predicted, mut actual) =
                (Vec::with_capacity(n_rows), Vec::with_capacity(n_rows));
            for (unit, predictions) in succeeded {
                let Predictions::Values(values) = predictions else {
                    return Err(mismatch(unit, "not regression predictions"));
                };
                for (k, &row) in unit.rows.iter().enumerate() {
                    push_keys(unit.repeat, unit.fold, unit.sample, row);
                    predicted.push(values[k]);
                    actual.push(truth[row as usize]);
                }
            }
            let [repeat, fold, _, row_id] = keys;
            (
                vec![
                    numeric("repeat"),
                    numeric("fold"),
                    numeric("row_id"),
                    numeric("prediction"),
                    numeric("truth"),
                ],
                vec![
                    Column::Numeric(repeat),
                    Column::Numeric(fold),
                    Column::Numeric(row_id),
                    Column::Numeric(predicted),
                    Column::Numeric(actual),
                ],
            )
        }
        Truth::None => {
            let mut clusters = Vec::with_capacity(n_rows);
            for (unit, predictions) in succeeded {
                let Predictions::Clusters(ids) = predictions else {
                    return Err(mismatch(unit, "not cluster ids"));
                };
                for (k, &row) in unit.rows.iter().enumerate() {
                    push_keys(unit.repeat, unit.fold, unit.sample, row);
                    clusters.push(ids[k] as f64);
                }
            }
            let [repeat, fold, _, row_id] = keys;
            (
                vec![
                    numeric("repeat"),
                    numeric("fold"),
                    numeric("row_id"),
                    numeric("cluster"),
                ],
                vec![
                    Column::Numeric(repeat),
                    Column::Numeric(fold),
                    Column::Numeric(row_id),
                    Column::Numeric(clusters),
                ],
            )
        }
    };
    Ok(Arff {
        relation,
        description,
        attributes,
        columns,
    })
}

fn mismatch(unit: &oml_eval::UnitResult, problem: &str) -> Error {
    Error::Predictions {
        repeat: unit.repeat,
        fold: unit.fold,
        sample: unit.sample,
        problem: problem.to_owned(),
    }
}
