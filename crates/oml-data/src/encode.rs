//! Turning a [`Dataset`] into what models eat: an `f64` design matrix and a target.

use ndarray::{Array1, Array2, Axis};
use polars::prelude::DataType;

use crate::dataset::{Dataset, FeatureKind, Role, nominal_codes};
use crate::error::{Error, Result};

/// The model inputs: one row per dataset row, one column per feature the model sees.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignMatrix {
    /// Values, shape (rows, columns): numbers as they are, nominal values as their code (the
    /// position in the declared values), dates as milliseconds since the epoch, `NaN` for
    /// missing.
    pub x: Array2<f64>,
    /// The columns of `x`, in order.
    pub columns: Vec<EncodedColumn>,
}

impl DesignMatrix {
    /// The rows at `rows` (positions, in that order), copied, with the same columns.
    pub fn select_rows(&self, rows: &[usize]) -> DesignMatrix {
        DesignMatrix {
            x: self.x.select(Axis(0), rows),
            columns: self.columns.clone(),
        }
    }
}

/// One column of a [`DesignMatrix`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedColumn {
    /// The feature's name.
    pub name: String,
    /// For a nominal feature, the declared values that its codes index.
    pub categories: Option<Vec<String>>,
}

/// A classification target: a class index per row into `labels`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassTarget {
    /// The class of each row, as an index into `labels`.
    pub classes: Array1<usize>,
    /// The class labels in declared order; declared labels with no rows are kept.
    pub labels: Vec<String>,
}

impl Dataset {
    /// The design matrix of every column a model may see for `target`: all columns except the
    /// target, the row id and the ignored ones, in table order. String columns cannot be
    /// encoded: ignore them first ([`Dataset::set_role`]) or the result is an error naming them.
    pub fn design_matrix(&self, target: Option<&str>) -> Result<DesignMatrix> {
        if let Some(target) = target {
            self.index_of(target)?;
        }
        let used: Vec<usize> = (0..self.features().len())
            .filter(|&i| {
                let feature = &self.features()[i];
                feature.role == Role::Feature && Some(feature.name.as_str()) != target
            })
            .collect();
        let n = self.n_rows();
        let mut x = Array2::<f64>::from_elem((n, used.len()), f64::NAN);
        let mut columns = Vec::with_capacity(used.len());
        for (k, &i) in used.iter().enumerate() {
            let feature = &self.features()[i];
            let series = self.table().columns()[i].as_materialized_series();
            let fail = |e: polars::error::PolarsError| {
                Error::table(format!("encoding column `{}`", feature.name), e)
            };
            let mut out = x.column_mut(k);
            match &feature.kind {
                FeatureKind::Numeric => {
                    for (slot, value) in out.iter_mut().zip(series.f64().map_err(fail)?.iter()) {
                        *slot = value.unwrap_or(f64::NAN);
                    }
                }
                FeatureKind::Nominal(_) => {
                    for (slot, code) in out.iter_mut().zip(nominal_codes(series).map_err(fail)?) {
                        *slot = code.map_or(f64::NAN, f64::from);
                    }
                }
                FeatureKind::Date => {
                    let millis = series.cast(&DataType::Int64).map_err(fail)?;
                    for (slot, value) in out.iter_mut().zip(millis.i64().map_err(fail)?.iter()) {
                        *slot = value.map_or(f64::NAN, |v| v as f64);
                    }
                }
                FeatureKind::String => {
                    return Err(Error::Encode {
                        dataset: self.name().to_owned(),
                        column: feature.name.clone(),
                        message: "string columns cannot be encoded as numbers; ignore the column (`--ignore NAME` \
                                  for a local task, ignore_attribute in an OpenML description)"
                            .into(),
                    });
                }
            }
            columns.push(EncodedColumn {
                name: feature.name.clone(),
                categories: feature.kind.categories().map(<[String]>::to_vec),
            });
        }
        Ok(DesignMatrix { x, columns })
    }

    /// The nominal column `target` as class indices. Every row needs a class: a missing one is
    /// an [`Error::MissingTarget`] naming the file and line of the row when the dataset was read
    /// from a file, and the row (from 0).
    pub fn class_target(&self, target: &str) -> Result<ClassTarget> {
        let i = self.index_of(target)?;
        let feature = &self.features()[i];
        let encode_error = |message: String| Error::Encode {
            dataset: self.name().to_owned(),
            column: target.to_owned(),
            message,
        };
        let FeatureKind::Nominal(labels) = &feature.kind else {
            return Err(encode_error(format!(
                "a classification target must be nominal, this column is {}",
                feature.kind.name()
            )));
        };
        let series = self.table().columns()[i].as_materialized_series();
        let codes = nominal_codes(series)
            .map_err(|e| Error::table(format!("encoding target `{target}`"), e))?;
        let classes = codes
            .into_iter()
            .enumerate()
            .map(|(row, code)| {
                code.map(|c| c as usize)
                    .ok_or_else(|| self.missing_target(target, row, "class"))
            })
            .collect::<Result<Array1<usize>>>()?;
        Ok(ClassTarget {
            classes,
            labels: labels.clone(),
        })
    }

    /// The numeric column `target` as values. Every row needs one: a missing value is an
    /// [`Error::MissingTarget`] naming the file and line of the row when the dataset was read
    /// from a file, and the row (from 0).
    pub fn regression_target(&self, target: &str) -> Result<Array1<f64>> {
        let i = self.index_of(target)?;
        let feature = &self.features()[i];
        let encode_error = |message: String| Error::Encode {
            dataset: self.name().to_owned(),
            column: target.to_owned(),
            message,
        };
        if feature.kind != FeatureKind::Numeric {
            return Err(encode_error(format!(
                "a regression target must be numeric, this column is {}",
                feature.kind.name()
            )));
        }
        let series = self.table().columns()[i].as_materialized_series();
        let values = series
            .f64()
            .map_err(|e| Error::table(format!("encoding target `{target}`"), e))?;
        values
            .iter()
            .enumerate()
            .map(|(row, value)| value.ok_or_else(|| self.missing_target(target, row, "value")))
            .collect()
    }

    /// The error of a row of `target` without a value: `what` is `class` or `value`.
    fn missing_target(&self, target: &str, row: usize, what: &'static str) -> Error {
        let origin = self.origin();
        Error::MissingTarget {
            path: origin.map(|o| o.path.clone()),
            dataset: self.name().to_owned(),
            column: target.to_owned(),
            row,
            line: origin.and_then(|o| o.line_of(row)),
            what,
        }
    }
}
