//! Checks of parameter values that pass their own checks but overflow on the training rows'
//! values, made when a fit sees the rows: refused naming the parameter and what the rows allow,
//! rather than a model whose output is NaN.

use ndarray::ArrayView2;

use crate::error::{Error, Result};
use crate::param::number_text;

/// Refuses a polynomial kernel `(<x, x'> + constant)^degree` whose values on the rows of `x`
/// can overflow in the solver's sums. By Cauchy-Schwarz, `|<x, x'> + constant|` is at most
/// `base`, the largest squared row norm plus `|constant|` (for a constant of at least 0, the
/// kernel of that row with itself); `base^degree` times the number of rows must be finite.
/// The error names `polynomial_degree` and the largest degree the rows allow.
pub(crate) fn check_polynomial_kernel(
    flow: &str,
    x: ArrayView2<'_, f64>,
    constant: f64,
    degree: u32,
) -> Result<()> {
    let largest_norm = x
        .rows()
        .into_iter()
        .map(|row| row.dot(&row))
        .fold(0.0, f64::max);
    let base = largest_norm + constant.abs();
    let rows = x.nrows() as f64;
    let fits = |degree: u32| (libm::pow(base, f64::from(degree)) * rows).is_finite();
    if fits(degree) {
        return Ok(());
    }
    // `fits` holds at 0 and fails at `degree`, and `base` is above 1: it holds up to a degree.
    let (mut most, mut fails) = (0, degree);
    while fails - most > 1 {
        let middle = most + (fails - most) / 2;
        if fits(middle) {
            most = middle;
        } else {
            fails = middle;
        }
    }
    let allowed = if most == 0 {
        "no degree: the rows' values or |polynomial_constant| are too large even for degree 1"
            .to_owned()
    } else {
        format!("a polynomial_degree of at most {most} on these rows")
    };
    Err(Error::on_data(
        flow,
        "polynomial_degree",
        degree,
        format!(
            "the polynomial kernel (<x, x'> + polynomial_constant)^polynomial_degree can reach \
             {}^{degree} ({}: the largest squared row norm plus |polynomial_constant|), and the \
             solver's sums of {} such values would exceed the largest number, {:e}; expected \
             {allowed}",
            number_text(base),
            number_text(base),
            x.nrows(),
            f64::MAX
        ),
    ))
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn a_polynomial_kernel_is_refused_only_where_it_overflows() {
        // Squared norms up to 8, constant 1: base 9, 4 rows; 9^323 * 4 overflows, 9^322 * 4
        // does not.
        let x = array![[2.0, 2.0], [1.0, 0.0], [-2.0, 1.0], [0.0, 0.0]];
        assert!(check_polynomial_kernel("svm", x.view(), 1.0, 3).is_ok());
        assert!(check_polynomial_kernel("svm", x.view(), 1.0, 322).is_ok());
        assert!(check_polynomial_kernel("svm", x.view(), 1.0, 323).is_err());
        let error = check_polynomial_kernel("svm", x.view(), -1.0, 4294967295).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("parameter `polynomial_degree`: `4294967295`")
                && text.contains("9^4294967295")
                && text.contains("at most 322 on these rows"),
            "{text}"
        );
        // A base of at most 1 never overflows.
        let small = array![[0.5, 0.0], [0.0, 0.5]];
        assert!(check_polynomial_kernel("svm", small.view(), 0.5, u32::MAX).is_ok());
        let error = check_polynomial_kernel("svm", x.view(), 1e308, 2).unwrap_err();
        assert!(error.to_string().contains("expected no degree"), "{error}");
    }
}
