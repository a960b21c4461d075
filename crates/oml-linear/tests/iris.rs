//! Logistic regression against scikit-learn 1.9.1's `LogisticRegression` on iris: the copy
//! linfa-datasets ships, whose rows 35 and 38 are UCI's (scikit-learn's own copy corrects
//! them), so the expected values were computed by scikit-learn on linfa's copy. Coefficients at
//! a tight tolerance, where both reach the exact optimum; probabilities with the defaults.

use linfa::ParamGuard;
use ndarray::{Array1, Array2, array};
use oml_linear::{Error, LogisticRegression};

fn iris() -> (Array2<f64>, Array1<usize>) {
    let iris = linfa_datasets::iris();
    (iris.records().clone(), iris.targets().clone())
}

fn assert_close(found: &Array2<f64>, expected: &Array2<f64>, tolerance: f64) {
    assert_eq!(found.dim(), expected.dim());
    for (f, e) in found.iter().zip(expected) {
        assert!(
            (f - e).abs() < tolerance,
            "found\n{found}\nexpected\n{expected}"
        );
    }
}

/// `LogisticRegression(C=C, tol=1e-10, max_iter=100000).fit(X, y)`.
#[test]
fn multinomial_optimum_is_scikit_learns() {
    let (x, y) = iris();
    let cases = [
        (
            1.0,
            array![
                [-0.423658, 0.961576, -2.519346, -1.086403],
                [0.534275, -0.317584, -0.205479, -0.939289],
                [-0.110618, -0.643992, 2.724824, 2.025692]
            ],
            array![9.882856, 2.217434, -12.10029],
        ),
        (
            0.01,
            array![
                [-0.136909, 0.094793, -0.434882, -0.178781],
                [-0.000935, -0.101439, 0.086711, -0.003043],
                [0.137845, 0.006646, 0.348171, 0.181824]
            ],
            array![2.198257, 0.214193, -2.412451],
        ),
    ];
    for (c, coefficients, intercepts) in cases {
        let params = LogisticRegression::params()
            .c(c)
            .tol(1e-10)
            .max_iter(100_000);
        let model = params
            .check()
            .unwrap()
            .fit_records(x.view(), y.view())
            .unwrap();
        assert!(model.converged());
        assert_close(model.coefficients(), &coefficients, 1e-4);
        assert_close(
            &model.intercepts().clone().insert_axis(ndarray::Axis(0)),
            &intercepts.insert_axis(ndarray::Axis(0)),
            1e-3,
        );
    }
}

/// Two classes give one coefficient row, of the second class against the first; without an
/// intercept the intercepts are 0.
#[test]
fn binary_and_interceptless_optima_are_scikit_learns() {
    let (x, y) = iris();
    let virginica = y.mapv(|c| usize::from(c == 2));
    let params = LogisticRegression::params().tol(1e-10).max_iter(100_000);
    let model = params
        .clone()
        .check()
        .unwrap()
        .fit_records(x.view(), virginica.view())
        .unwrap();
    assert_close(
        model.coefficients(),
        &array![[-0.394427, -0.51333, 2.930865, 2.417065]],
        1e-4,
    );
    assert!((model.intercepts()[0] + 14.431266).abs() < 1e-3);
    let model = params
        .fit_intercept(false)
        .check()
        .unwrap()
        .fit_records(x.view(), y.view())
        .unwrap();
    assert_close(
        model.coefficients(),
        &array![
            [0.780188, 1.743363, -2.350601, -1.123451],
            [0.619739, -0.091821, -0.043845, -1.014143],
            [-1.399927, -1.651541, 2.394445, 2.137594]
        ],
        1e-4,
    );
    assert_eq!(model.intercepts(), &array![0.0, 0.0, 0.0]);
}

/// With the defaults (tolerance 1e-4) both stop short of the optimum, at slightly different
/// points (scikit-learn after 78 iterations); the probabilities of rows 0, 50 and 100 agree to
/// 1e-3 and both get 146 of 150 rows right.
#[test]
fn default_probabilities_are_scikit_learns() {
    let (x, y) = iris();
    let model = LogisticRegression::params()
        .check()
        .unwrap()
        .fit_records(x.view(), y.view())
        .unwrap();
    let rows = x.select(ndarray::Axis(0), &[0, 50, 100]);
    let expected = array![
        [0.981748, 0.018252, 0.0],
        [0.002112, 0.873953, 0.123935],
        [1e-06, 0.00393, 0.996069]
    ];
    assert_close(&model.predict_proba(rows.view()).unwrap(), &expected, 1e-3);
    let accuracy = model
        .predict(x.view())
        .unwrap()
        .iter()
        .zip(&y)
        .filter(|(a, b)| a == b)
        .count();
    assert_eq!(accuracy, 146, "scikit-learn predicts 146 of 150 right");
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let params = LogisticRegression::params().check().unwrap();
    let x = array![[0.0, 1.0], [1.0, f64::NAN]];
    let error = params
        .fit_records(x.view(), array![0, 1].view())
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::NonFiniteInput {
                row: 1,
                column: 1,
                ..
            }
        ),
        "{error}"
    );
    let x = array![[0.0], [1.0]];
    assert_eq!(
        params.fit_records(x.view(), array![3, 3].view()),
        Err(Error::OneClass { class: 3 })
    );
    assert_eq!(
        params.fit_records(x.view(), array![0].view()),
        Err(Error::LengthMismatch { rows: 2, found: 1 })
    );
    let model = params.fit_records(x.view(), array![0, 1].view()).unwrap();
    assert_eq!(
        model.predict_proba(array![[0.0, 1.0]].view()),
        Err(Error::WidthMismatch {
            expected: 1,
            found: 2
        })
    );
    let error = LogisticRegression::params().c(0.0).check().unwrap_err();
    assert!(
        error.to_string().contains("invalid parameter c: 0"),
        "{error}"
    );
}

/// No features: only the intercepts are fitted, and the probabilities are the class shares
/// (the unpenalised intercept of a model without coefficients fits them exactly).
#[test]
fn without_features_the_intercepts_give_the_class_shares() {
    let x = Array2::<f64>::zeros((8, 0));
    let y = array![0, 0, 0, 1, 1, 1, 1, 1];
    let params = LogisticRegression::params()
        .tol(1e-10)
        .max_iter(1000)
        .check()
        .unwrap();
    let model = params.fit_records(x.view(), y.view()).unwrap();
    let p = model.predict_proba(x.view()).unwrap();
    assert!((p[[0, 1]] - 5.0 / 8.0).abs() < 1e-6, "{p}");
    let y3 = array![0, 1, 1, 2, 2, 2, 2, 2];
    let model = params.fit_records(x.view(), y3.view()).unwrap();
    let p = model.predict_proba(x.view()).unwrap();
    for (found, share) in p.row(0).iter().zip([1.0 / 8.0, 2.0 / 8.0, 5.0 / 8.0]) {
        assert!((found - share).abs() < 1e-6, "{p}");
    }
}
