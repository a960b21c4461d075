//! OpenML's optimisation trace (`trace.arff`) of a run whose units each chose their model by
//! a search: one row per (repeat, fold, candidate) in unit order, in openml-python's columns.

use oml_data::arff::{Arff, Attribute, AttributeKind, Column};
use oml_eval::Evaluation;

use crate::error::{Error, Result};
use crate::run::files;

/// Why the searches of a task with `n_samples` samples per fold cannot be a trace, if they
/// cannot: OpenML's trace keys its rows by (repeat, fold, iteration), with one selected row per
/// (repeat, fold), while a learning curve searches once per sample.
pub(crate) fn untraceable(n_samples: u32) -> Option<String> {
    (n_samples > 1).then(|| {
        format!(
            "a learning curve of {n_samples} samples cannot be tuned: OpenML's trace.arff has \
             no sample column and holds one selected candidate per (repeat, fold), and each \
             sample would choose its own (openml-python refuses such traces too); tune on a \
             cross-validation or holdout task"
        )
    })
}

/// The trace of `evaluation`, or `None` when no unit searched. Columns: `repeat`, `fold`,
/// `iteration`, `evaluation`, `selected {true, false}`, then `parameter_NAME` (a string: the
/// value as JSON text, as openml-python writes it) per tuned parameter, named by the first
/// unit's first candidate. A unit whose candidates tune other parameters is an error, and so
/// are the searches of a learning curve of several samples ([`untraceable`]).
pub fn trace_arff(evaluation: &Evaluation) -> Result<Option<Arff>> {
    let Some(first) = evaluation.units.iter().find_map(|u| u.trace.first()) else {
        return Ok(None);
    };
    let (_, _, n_samples) = evaluation.shape;
    if let Some(problem) = untraceable(n_samples) {
        return Err(Error::Invalid {
            path: files::TRACE.into(),
            message: problem,
        });
    }
    let names: Vec<&str> = first.parameters.iter().map(|(n, _)| n.as_str()).collect();
    let (mut repeat, mut fold, mut iteration, mut score, mut selected) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut values: Vec<Vec<Option<String>>> = vec![Vec::new(); names.len()];
    for unit in &evaluation.units {
        for (i, candidate) in unit.trace.iter().enumerate() {
            let these: Vec<&str> = candidate
                .parameters
                .iter()
                .map(|(n, _)| n.as_str())
                .collect();
            if these != names {
                return Err(Error::Invalid {
                    path: files::TRACE.into(),
                    message: format!(
                        "unit (repeat {}, fold {}) tuned {these:?}, another unit {names:?}",
                        unit.repeat, unit.fold
                    ),
                });
            }
            repeat.push(f64::from(unit.repeat));
            fold.push(f64::from(unit.fold));
            iteration.push(i as f64);
            score.push(candidate.evaluation);
            selected.push(if candidate.selected { 0 } else { 1 });
            for (column, (_, value)) in values.iter_mut().zip(&candidate.parameters) {
                column.push(Some(json_text(value)));
            }
        }
    }
    let numeric = |name: &str| Attribute {
        name: name.to_owned(),
        kind: AttributeKind::Numeric,
    };
    let mut attributes = vec![
        numeric("repeat"),
        numeric("fold"),
        numeric("iteration"),
        numeric("evaluation"),
        Attribute {
            name: "selected".to_owned(),
            kind: AttributeKind::Nominal(vec!["true".to_owned(), "false".to_owned()]),
        },
    ];
    attributes.extend(names.iter().map(|name| Attribute {
        name: format!("parameter_{name}"),
        kind: AttributeKind::String,
    }));
    let mut columns = vec![
        Column::Numeric(repeat),
        Column::Numeric(fold),
        Column::Numeric(iteration),
        Column::Numeric(score),
        Column::Nominal(selected),
    ];
    columns.extend(values.into_iter().map(Column::String));
    Ok(Some(Arff {
        relation: "Trace".to_owned(),
        description: Vec::new(),
        attributes,
        columns,
    }))
}

/// A parameter value as openml-python's trace writes it (`json.dumps`): numbers and `true`,
/// `false` as they are, `none` as `null`, any other text as a JSON string.
fn json_text(value: &str) -> String {
    let number = value.parse::<i64>().is_ok() || value.parse::<f64>().is_ok_and(f64::is_finite);
    match value {
        "true" | "false" => value.to_owned(),
        "none" | "None" => "null".to_owned(),
        _ if number => value.to_owned(),
        _ => serde_json::Value::String(value.to_owned()).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_json() {
        assert_eq!(json_text("5"), "5");
        assert_eq!(json_text("0.25"), "0.25");
        assert_eq!(json_text("none"), "null");
        assert_eq!(json_text("gini"), "\"gini\"");
        assert_eq!(json_text("inf"), "\"inf\"");
    }
}
