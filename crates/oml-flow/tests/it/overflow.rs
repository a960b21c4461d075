//! Values that pass their parameter's check but overflow on the training rows are refused at
//! fit time naming the parameter and what the rows allow, and features near the largest number
//! are standardised without overflow (the audit of flows, defects 6 and 7).

use ndarray::{Array1, Array2};
use oml_data::DesignMatrix;
use oml_flow::{Describe, Error, Pipeline, builtin_flow};

use crate::support::{class_predictions, fit_classes, numeric_matrix, prepare};

/// Iris' features and classes.
fn iris() -> (DesignMatrix, Array1<usize>) {
    let iris = prepare("builtin:iris", false, false);
    (iris.features, iris.classes.unwrap().0)
}

/// `name`'s built-in pipeline with `assignments` set.
fn flow(name: &str, assignments: &[&str]) -> Pipeline {
    let mut flow = builtin_flow(name).unwrap();
    oml_flow::set_parameters(&mut flow as &mut dyn Describe, assignments).unwrap();
    flow
}

/// The fit of `flow` on iris, which must fail; its message.
fn refusal(flow: &Pipeline) -> (Error, String) {
    let (x, classes) = iris();
    let error = fit_classes(flow, &x, &classes, 3).err().expect("refused");
    let text = error.to_string();
    (error, text)
}

/// The confidences of `flow` fitted and predicting on iris, which must be finite.
fn fits(flow: &Pipeline) {
    let (x, classes) = iris();
    let model = fit_classes(flow, &x, &classes, 3).unwrap();
    let (_, confidences) = class_predictions(model.as_ref(), &x, 3);
    assert!(confidences.iter().all(|c| c.is_finite()));
}

/// gbm's `learning_rate=1e308` passed its check and gave NaN confidences, reported as
/// `model output: prediction failed: ... found [NaN, NaN, NaN]`.
#[test]
fn a_learning_rate_that_overflows_the_boosted_predictions_is_named() {
    let (error, text) = refusal(&flow("gbm", &["learning_rate=1e308"]));
    assert!(matches!(error, Error::ParameterOnData { .. }), "{text}");
    assert!(
        text.contains("parameter `learning_rate`: `1e308`")
            && text.contains("a smaller learning_rate"),
        "{text}"
    );
    // A large rate whose sums stay finite still fits.
    fits(&flow("gbm", &["learning_rate=1e200"]));
}

/// svm's polynomial kernel of degree 4294967295 passed its check and gave NaN confidences.
#[test]
fn a_polynomial_degree_that_overflows_the_kernel_is_named_with_the_largest_allowed() {
    let degree = "polynomial_degree=4294967295";
    let (error, text) = refusal(&flow("svm", &["kernel=polynomial", degree]));
    assert!(matches!(error, Error::ParameterOnData { .. }), "{text}");
    assert!(
        text.contains("parameter `polynomial_degree`: `4294967295`")
            && text.contains("expected a polynomial_degree of at most"),
        "{text}"
    );
    let most: u32 = text
        .rsplit("at most ")
        .next()
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(most >= 3, "{text}");
    fits(&flow("svm", &["kernel=polynomial", "polynomial_degree=3"]));
}

/// linfa-logistic-regression's `gradient_tolerance=1e308` passed its check, then the fit
/// failed ("gradient_tolerance must be a positive, finite number") because oml multiplies it
/// by the rows. A tolerance that large stops the solver at once, as scikit-learn's would.
#[test]
fn a_huge_gradient_tolerance_stops_the_solver_at_once() {
    fits(&flow(
        "linfa-logistic-regression",
        &["gradient_tolerance=1e308"],
    ));
}

/// gaussian-nb's `var_smoothing=1e308` passed its check and every row failed with
/// "a class has a feature variance of 0 (var_smoothing is 0, ...)": false on both counts.
#[test]
fn a_var_smoothing_that_overflows_the_densities_is_named() {
    let (error, text) = refusal(&flow("gaussian-nb", &["var_smoothing=1e308"]));
    assert!(matches!(error, Error::ParameterOnData { .. }), "{text}");
    assert!(
        text.contains("parameter `var_smoothing`: `1e308`")
            && text.contains("expected at most about")
            && !text.contains("variance of 0"),
        "{text}"
    );
    fits(&flow("gaussian-nb", &["var_smoothing=1e300"]));
}

/// A feature whose values are near the largest number (1.6e308 and 1.7e308, no missing
/// values): its training mean overflowed in the scaler, the standardised column was NaN, and
/// knn, gaussian-nb, the logistic regressions and svm said "row 0 is missing; put an imputer
/// before this estimator". Every scaled flow now fits and predicts finite confidences.
#[test]
fn features_near_the_largest_number_are_standardised_without_overflow() {
    let n = 40;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| match j {
        0 => (i % 10) as f64 / 10.0,
        _ => [1.6e308, 1.7e308][i % 2],
    });
    let classes = Array1::from_shape_fn(n, |i| usize::from(i % 10 >= 5));
    let x = numeric_matrix(x);
    for name in [
        "knn",
        "gaussian-nb",
        "logistic-regression",
        "linfa-logistic-regression",
        "svm",
    ] {
        let model = fit_classes(&builtin_flow(name).unwrap(), &x, &classes, 2)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (labels, confidences) = class_predictions(model.as_ref(), &x, 2);
        assert!(confidences.iter().all(|c| c.is_finite()), "{name}");
        let correct = labels.iter().zip(&classes).filter(|(a, b)| a == b).count();
        assert!(correct >= 30, "{name}: {correct} of {n}");
    }
}

/// gaussian-nb blamed every row whose log-likelihoods are not finite on a variance of 0; a
/// row so far from every class that its squared distances overflow is now told as such.
#[test]
fn a_row_too_far_from_every_class_is_not_blamed_on_a_zero_variance() {
    let (x, classes) = iris();
    let model = fit_classes(&oml_flow::GaussianNbFlow::new(), &x, &classes, 3).unwrap();
    let mut far = x.select_rows(&[0, 1]);
    far.x[[1, 0]] = 1e200;
    let error = model.output(&far).expect_err("refused").to_string();
    assert!(
        error.contains("row 1: log-likelihoods are not finite: the row lies so far")
            && !error.contains("variance of 0"),
        "{error}"
    );
}
