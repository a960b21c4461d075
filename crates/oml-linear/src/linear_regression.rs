//! Ordinary least squares as scikit-learn's `LinearRegression` fits it on dense records: the
//! records and targets centred by their means (with an intercept), the minimum-norm
//! least-squares coefficients of the centred problem with the singular values at most `tol`
//! times the largest treated as zero (scipy's `lstsq` with `cond=tol`, LAPACK's `gelsd`), and
//! the intercept `mean(y) - mean(X) . coef`.

use linfa::dataset::AsSingleTargets;
use linfa::traits::{Fit, PredictInplace};
use linfa::{DatasetBase, ParamGuard};
use ndarray::{Array1, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};

use crate::error::{Error, Result};
use crate::least_squares::{check, solve};

/// Checked hyperparameters of [`LinearRegression`], made by [`ParamGuard::check`] on
/// [`LinearRegressionParams`]; the getters say what is fitted.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearRegressionValidParams {
    fit_intercept: bool,
    tol: f64,
}

impl LinearRegressionValidParams {
    /// Whether an intercept is fitted (the records and targets centred first). By default,
    /// true.
    pub fn fit_intercept(&self) -> bool {
        self.fit_intercept
    }

    /// The singular values of the (centred) records at most `tol` times the largest count as
    /// zero (scikit-learn 1.9's `tol`, which it passes to scipy's `lstsq` as `cond` on dense
    /// records). By default, 1e-6, scikit-learn 1.9's default.
    pub fn tol(&self) -> f64 {
        self.tol
    }
}

/// Unchecked hyperparameters of [`LinearRegression`], with scikit-learn's names and defaults
/// and consuming setters; check them with [`ParamGuard::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct LinearRegressionParams(LinearRegressionValidParams);

impl Default for LinearRegressionParams {
    fn default() -> Self {
        LinearRegressionParams(LinearRegressionValidParams {
            fit_intercept: true,
            tol: 1e-6,
        })
    }
}

impl LinearRegressionParams {
    /// Sets whether an intercept is fitted.
    pub fn fit_intercept(mut self, yes: bool) -> Self {
        self.0.fit_intercept = yes;
        self
    }

    /// Sets the relative cut-off of the singular values, a finite number of at least 0.
    pub fn tol(mut self, tol: f64) -> Self {
        self.0.tol = tol;
        self
    }
}

impl From<LinearRegressionValidParams> for LinearRegressionParams {
    fn from(params: LinearRegressionValidParams) -> Self {
        LinearRegressionParams(params)
    }
}

impl ParamGuard for LinearRegressionParams {
    type Checked = LinearRegressionValidParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&LinearRegressionValidParams> {
        let tol = self.0.tol;
        if !(tol.is_finite() && tol >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "tol",
                value: tol.to_string(),
                allowed: "a finite number of at least 0",
            });
        }
        Ok(&self.0)
    }

    fn check(self) -> Result<LinearRegressionValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// A fitted linear regression: `records . coefficients + intercept`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearRegression {
    coefficients: Array1<f64>,
    intercept: f64,
    rank: usize,
    singular_values: Array1<f64>,
}

impl LinearRegression {
    /// scikit-learn's defaults: an intercept, `tol` 1e-6.
    pub fn params() -> LinearRegressionParams {
        LinearRegressionParams::default()
    }

    /// The coefficients, one per feature (scikit-learn's `coef_`).
    pub fn coefficients(&self) -> &Array1<f64> {
        &self.coefficients
    }

    /// The intercept, 0 without one (scikit-learn's `intercept_`).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// The singular values kept: the effective rank of the (centred) records (scikit-learn's
    /// `rank_`).
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// The singular values of the (centred) records, largest first (scikit-learn's
    /// `singular_`).
    pub fn singular_values(&self) -> &Array1<f64> {
        &self.singular_values
    }

    /// `records . coefficients + intercept`, one value per record.
    pub fn predict(&self, records: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        if records.ncols() != self.coefficients.len() {
            return Err(Error::WidthMismatch {
                expected: self.coefficients.len(),
                found: records.ncols(),
            });
        }
        Ok(records.dot(&self.coefficients) + self.intercept)
    }
}

impl LinearRegressionValidParams {
    /// Fits on the records (rows x features, finite) and the target of each row (finite); an
    /// error for no rows.
    pub fn fit_records(
        &self,
        records: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, f64>,
    ) -> Result<LinearRegression> {
        if records.nrows() == 0 {
            return Err(Error::NoRows);
        }
        check(records, targets, self.tol)?;
        let (solved, means) = solve(records, targets, self.fit_intercept, self.tol);
        let intercept = means.map_or(0.0, |means| {
            means.target
                - means
                    .columns
                    .iter()
                    .zip(solved.solution())
                    .fold(0.0, |sum, (m, w)| sum + m * w)
        });
        Ok(LinearRegression {
            rank: solved.rank(),
            singular_values: solved.singular_values().clone(),
            coefficients: solved.into_solution(),
            intercept,
        })
    }
}

impl<D, T> Fit<ArrayBase<D, Ix2>, T, Error> for LinearRegressionValidParams
where
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = f64>,
{
    type Object = LinearRegression;

    /// Fits on the records and their targets; the dataset's weights are not used.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<LinearRegression> {
        self.fit_records(dataset.records().view(), dataset.as_single_targets())
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<f64>> for LinearRegression {
    /// `records . coefficients + intercept`; records of the wrong width predict NaN (linfa's
    /// trait has no error; use [`LinearRegression::predict`] to see one).
    fn predict_inplace(&self, records: &ArrayBase<D, Ix2>, targets: &mut Array1<f64>) {
        let predicted = self
            .predict(records.view())
            .unwrap_or_else(|_| Array1::from_elem(records.nrows(), f64::NAN));
        targets.assign(&predicted);
    }

    fn default_target(&self, records: &ArrayBase<D, Ix2>) -> Array1<f64> {
        Array1::zeros(records.nrows())
    }
}

#[cfg(test)]
mod tests {
    use linfa::traits::Predict;
    use ndarray::{Array2, array};

    use super::*;

    #[test]
    fn params_check_tol() {
        assert!(LinearRegression::params().tol(0.0).check().is_ok());
        for tol in [-1e-9, f64::NAN, f64::INFINITY] {
            let error = LinearRegression::params().tol(tol).check().unwrap_err();
            assert!(
                matches!(error, Error::InvalidParameter { name: "tol", .. }),
                "{error}"
            );
        }
    }

    #[test]
    fn refuses_no_rows_and_targets_of_another_length() {
        let params = LinearRegression::params().check().unwrap();
        let none = Array2::<f64>::zeros((0, 2));
        assert_eq!(
            params.fit_records(none.view(), Array1::zeros(0).view()),
            Err(Error::NoRows)
        );
        let x = array![[1.0], [2.0]];
        assert_eq!(
            params.fit_records(x.view(), array![1.0].view()),
            Err(Error::LengthMismatch { rows: 2, found: 1 })
        );
        let error = params
            .fit_records(x.view(), array![1.0, f64::NAN].view())
            .unwrap_err();
        assert!(
            matches!(error, Error::NonFiniteTarget { row: 1, value } if value.is_nan()),
            "{error}"
        );
        let error = params
            .fit_records(
                array![[1.0], [f64::INFINITY]].view(),
                array![1.0, 2.0].view(),
            )
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::NonFiniteInput {
                    row: 1,
                    column: 0,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn linfa_traits_fit_and_predict() {
        let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
        let y = x.column(0).mapv(|v| 2.0 * v) - x.column(1).mapv(|v| 0.5 * v) + 1.0;
        let model = LinearRegression::params()
            .check()
            .unwrap()
            .fit(&DatasetBase::new(x.clone(), y.clone()))
            .unwrap();
        let predicted: Array1<f64> = Predict::predict(&model, &x);
        for (p, t) in predicted.iter().zip(&y) {
            assert!((p - t).abs() < 1e-12, "{p} against {t}");
        }
        let wrong: Array1<f64> = Predict::predict(&model, &array![[1.0]]);
        assert!(wrong[0].is_nan());
    }
}
