//! The checks an estimator makes on its inputs: numbers only, nothing missing.

use ndarray::ArrayView2;
use oml_data::DesignMatrix;

use crate::error::{Error, Result};

/// The values of `x` for an estimator that needs plain numbers: an error names the first
/// nominal column (add a one-hot encoder) or the first column with a missing value (add an
/// imputer).
pub fn numeric_inputs<'a>(flow: &str, x: &'a DesignMatrix) -> Result<ArrayView2<'a, f64>> {
    for (k, column) in x.columns.iter().enumerate() {
        if column.categories.is_some() {
            return Err(Error::Input {
                flow: flow.to_owned(),
                column: column.name.clone(),
                problem: "is nominal; put a one-hot encoder before this estimator".to_owned(),
            });
        }
        if let Some(row) = x.x.column(k).iter().position(|v| !v.is_finite()) {
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
    Ok(x.x.view())
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
