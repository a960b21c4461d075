//! The checks an estimator makes on its inputs: numbers only, nothing missing (or, for the
//! trees of oml-trees, missing values allowed).

use ndarray::{Array2, ArrayView1, ArrayView2};
use oml_data::DesignMatrix;

use crate::error::{Error, Result};
use crate::flow::{Describe, Prepared, Target, TrainingSet, unsupported};

/// The values of `x` for an estimator that needs plain numbers: an error names the first
/// nominal column (add a one-hot encoder) or the first column with a missing value (add an
/// imputer).
pub fn numeric_inputs<'a>(flow: &str, x: &'a DesignMatrix) -> Result<ArrayView2<'a, f64>> {
    checked_inputs(flow, x, false, true)
}

/// The values of `x` for an estimator that handles missing values itself (the trees of
/// oml-trees): as [`numeric_inputs`], but NaN passes; nominal columns and infinities are still
/// refused.
pub(crate) fn inputs_with_missing<'a>(
    flow: &str,
    x: &'a DesignMatrix,
) -> Result<ArrayView2<'a, f64>> {
    checked_inputs(flow, x, true, true)
}

/// Refuses infinite values in the numeric columns of `x` before any preprocessing, which
/// would turn them into missing values (a mean or a scaled value of infinity is NaN): the
/// error names the column and the row, and says infinite.
pub(crate) fn check_finite(flow: &str, x: &DesignMatrix) -> Result<()> {
    let found = first_bad(&x.x, |v| v.is_infinite())
        .and_then(|(k, row)| x.columns.get(k).map(|column| (k, row, column)));
    if let Some((k, row, column)) = found {
        return Err(Error::Input {
            flow: flow.to_owned(),
            column: column.name.clone(),
            problem: format!(
                "row {row} is infinite ({}); the models take finite numbers or missing values",
                x.x[[row, k]]
            ),
        });
    }
    Ok(())
}

/// The first column of `x` holding a `bad` value, and the value's first row. One pass in
/// memory order finds whether there is any; only then is each column searched (across rows,
/// which strides through memory).
fn first_bad(x: &Array2<f64>, bad: impl Fn(&f64) -> bool) -> Option<(usize, usize)> {
    let any = match x.as_slice_memory_order() {
        Some(values) => values.iter().any(&bad),
        None => x.iter().any(&bad),
    };
    if !any {
        return None;
    }
    (0..x.ncols()).find_map(|k| x.column(k).iter().position(&bad).map(|row| (k, row)))
}

/// The checks of [`numeric_inputs`] (`missing_allowed`: of [`inputs_with_missing`]); the
/// values themselves are searched for bad ones only with `scan_values`.
fn checked_inputs<'a>(
    flow: &str,
    x: &'a DesignMatrix,
    missing_allowed: bool,
    scan_values: bool,
) -> Result<ArrayView2<'a, f64>> {
    if x.x.ncols() != x.columns.len() {
        return Err(Error::Input {
            flow: flow.to_owned(),
            column: String::new(),
            problem: format!(
                "{} values per row for {} columns",
                x.x.ncols(),
                x.columns.len()
            ),
        });
    }
    let bad = scan_values
        .then(|| {
            first_bad(&x.x, |v| {
                v.is_infinite() || (v.is_nan() && !missing_allowed)
            })
        })
        .flatten();
    for (k, column) in x.columns.iter().enumerate() {
        if column.categories.is_some() {
            return Err(Error::Input {
                flow: flow.to_owned(),
                column: column.name.clone(),
                problem: "is nominal; put a one-hot encoder before this estimator".to_owned(),
            });
        }
        if let Some((_, row)) = bad.filter(|&(column, _)| column == k) {
            return Err(Error::Input {
                flow: flow.to_owned(),
                column: column.name.clone(),
                problem: format!(
                    "row {row} is {}; put an imputer before this estimator",
                    if x.x[[row, k]].is_nan() {
                        "missing"
                    } else {
                        "infinite"
                    }
                ),
            });
        }
    }
    Ok(x.x.view())
}

/// The features of a training set for an estimator that needs plain numbers
/// ([`numeric_inputs`]), after checking what linfa would panic on or silently turn into NaN:
/// no rows, a target whose length is not the number of rows, a class index out of the task's
/// classes, a regression value that is not finite.
pub(crate) fn training_inputs<'a>(
    flow: &str,
    data: &TrainingSet<'a>,
) -> Result<ArrayView2<'a, f64>> {
    check_training(flow, data, numeric_inputs(flow, data.features)?)
}

/// [`training_inputs`] for an estimator that handles missing values ([`inputs_with_missing`]).
pub(crate) fn training_inputs_with_missing<'a>(
    flow: &str,
    data: &TrainingSet<'a>,
) -> Result<ArrayView2<'a, f64>> {
    check_training(flow, data, inputs_with_missing(flow, data.features)?)
}

/// [`training_inputs_with_missing`] for features whose values were checked already (what a
/// flow prepared from them, [`crate::Flow::prepare`], checked them): their shape, columns and
/// target are checked, not every value again.
pub(crate) fn training_inputs_prechecked<'a>(
    flow: &str,
    data: &TrainingSet<'a>,
) -> Result<ArrayView2<'a, f64>> {
    check_training(
        flow,
        data,
        checked_inputs(flow, data.features, true, false)?,
    )
}

/// What a flow's [`crate::Flow::prepare`] computed, if it is a `T` of the shape (rows,
/// columns) of `features`, which `shape` reads from it: the caller passes what was prepared
/// from these very features, and a flow ignores what does not fit them.
pub(crate) fn prepared_for<'p, T: std::any::Any>(
    prepared: Option<&'p Prepared>,
    features: &DesignMatrix,
    shape: impl Fn(&T) -> (usize, usize),
) -> Option<&'p T> {
    prepared
        .and_then(|p| p.downcast_ref::<T>())
        .filter(|t| shape(t) == features.x.dim())
}

/// The checks of [`training_inputs`] past the features themselves.
fn check_training<'a>(
    flow: &str,
    data: &TrainingSet<'a>,
    x: ArrayView2<'a, f64>,
) -> Result<ArrayView2<'a, f64>> {
    if x.nrows() == 0 {
        return Err(Error::fit(flow, "no training rows"));
    }
    let length = match data.target {
        Target::Classes { classes, n_classes } => {
            if let Some(row) = classes.iter().position(|&c| c >= n_classes) {
                return Err(Error::fit(
                    flow,
                    format!(
                        "row {row}: class {} out of {n_classes} classes",
                        classes[row]
                    ),
                ));
            }
            classes.len()
        }
        Target::Values(values) => {
            if let Some(row) = values.iter().position(|v| !v.is_finite()) {
                return Err(Error::fit(
                    flow,
                    format!("row {row}: target {} is not a finite number", values[row]),
                ));
            }
            values.len()
        }
        Target::None => x.nrows(),
    };
    if length != x.nrows() {
        return Err(Error::fit(
            flow,
            format!("{length} target values for {} rows", x.nrows()),
        ));
    }
    Ok(x)
}

/// The numeric features, the classes and the number of task classes of a classification fit
/// ([`training_inputs`]); another kind of target is [`unsupported`].
pub(crate) fn class_inputs<'a>(
    flow: &(impl Describe + ?Sized),
    data: &TrainingSet<'a>,
) -> Result<(ArrayView2<'a, f64>, ArrayView1<'a, usize>, usize)> {
    let Target::Classes { classes, n_classes } = data.target else {
        return Err(unsupported(flow, &data.target));
    };
    Ok((training_inputs(&flow.name(), data)?, classes, n_classes))
}

/// The values of `x` for a model fitted on `n_features` columns ([`numeric_inputs`]); another
/// number of columns is an error rather than a panic inside linfa.
pub(crate) fn fitted_inputs<'a>(
    flow: &str,
    x: &'a DesignMatrix,
    n_features: usize,
) -> Result<ArrayView2<'a, f64>> {
    check_width(flow, numeric_inputs(flow, x)?, n_features)
}

/// [`fitted_inputs`] for an estimator that handles missing values ([`inputs_with_missing`]).
pub(crate) fn fitted_inputs_with_missing<'a>(
    flow: &str,
    x: &'a DesignMatrix,
    n_features: usize,
) -> Result<ArrayView2<'a, f64>> {
    check_width(flow, inputs_with_missing(flow, x)?, n_features)
}

/// `x` if it has `n_features` columns.
fn check_width<'a>(
    flow: &str,
    x: ArrayView2<'a, f64>,
    n_features: usize,
) -> Result<ArrayView2<'a, f64>> {
    if x.ncols() != n_features {
        return Err(Error::predict(
            flow,
            format!(
                "{} columns, but the model was fitted on {n_features}",
                x.ncols()
            ),
        ));
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use ndarray::array;
    use oml_data::EncodedColumn;

    use super::*;

    fn column(name: &str, categories: Option<&[&str]>) -> EncodedColumn {
        EncodedColumn {
            name: name.to_owned(),
            categories: categories.map(|c| c.iter().map(|s| s.to_string()).collect()),
        }
    }

    #[test]
    fn nominal_and_missing_values_are_refused_with_their_column() {
        let nominal = DesignMatrix {
            x: array![[1.0, 0.0]],
            columns: vec![column("a", None), column("colour", Some(&["red"]))],
        };
        let error = numeric_inputs("tree", &nominal).unwrap_err().to_string();
        assert!(
            error.starts_with("tree: column `colour`: is nominal"),
            "{error}"
        );
        let missing = DesignMatrix {
            x: array![[1.0], [f64::NAN]],
            columns: vec![column("a", None)],
        };
        let error = numeric_inputs("tree", &missing).unwrap_err().to_string();
        assert_eq!(
            error,
            "tree: column `a`: row 1 is missing; put an imputer before this estimator"
        );
    }
}
