//! The least-squares solver against known coefficients and numpy's `np.linalg.lstsq`, on
//! full-rank, rank-deficient, wide and degenerate designs; scikit-learn's `LinearRegression`
//! on a centred singular design and on one cut off by its `tol`.
//!
//! The literals marked "numpy" come from `~/.cache/oml-ci-venv/bin/python` (numpy 2.4.6,
//! scikit-learn 1.9.1): `np.linalg.lstsq(A, b, rcond=None)` (its cut-off is machine epsilon
//! times `max(rows, columns)`), printed with `repr(float(v))`; those marked "scikit-learn" from
//! `LinearRegression().fit(X, y)` on the same numbers.

use linfa::ParamGuard;
use ndarray::{Array1, Array2, array, s};

use super::*;
use crate::LinearRegression;

/// numpy's default cut-off for `rows x columns`: `eps * max(rows, columns)`.
fn numpy_rcond(rows: usize, columns: usize) -> f64 {
    f64::EPSILON * rows.max(columns) as f64
}

/// Asserts `found` equals `expected` entry by entry to within `tolerance`.
fn assert_close(what: &str, found: &Array1<f64>, expected: &[f64], tolerance: f64) {
    assert_eq!(found.len(), expected.len(), "{what}: {found}");
    for (k, (f, e)) in found.iter().zip(expected).enumerate() {
        assert!(
            (f - e).abs() <= tolerance,
            "{what}[{k}]: {f} against {e} (all: {found})"
        );
    }
}

/// x, the level of a three-level nominal feature (0, 1, 2) and y of eight rows.
fn nominal_table() -> (Array1<f64>, Vec<usize>, Array1<f64>) {
    let x = array![0.5, -1.25, 2.0, 0.75, -0.5, 1.5, -2.0, 0.25];
    let level = vec![0, 1, 2, 0, 1, 2, 0, 1];
    let y = array![1.0, -0.5, 3.25, 2.5, 0.125, 2.0, -1.75, 0.625];
    (x, level, y)
}

/// The columns x, one-hot a, b, c of [`nominal_table`], and x again.
fn nominal_design() -> (Array2<f64>, Array1<f64>) {
    let (x, level, y) = nominal_table();
    let design = Array2::from_shape_fn((x.len(), 5), |(i, j)| match j {
        0 | 4 => x[i],
        _ => f64::from(u8::from(level[i] == j - 1)),
    });
    (design, y)
}

#[test]
fn full_rank_problem_gives_its_coefficients() {
    // y = 3 + 1.5 x0 - 2 x1 + 0.25 x2 exactly, on 300 rows: more than one block.
    let n = 300;
    let x = Array2::from_shape_fn((n, 3), |(i, j)| match j {
        0 => ((i * 7) % 13) as f64 - 6.0,
        1 => ((i * 5) % 11) as f64 * 0.5,
        _ => ((i * i) % 17) as f64 - 8.0,
    });
    let y = x.dot(&array![1.5, -2.0, 0.25]) + 3.0;
    let mut with_ones = Array2::ones((n, 4));
    with_ones.slice_mut(s![.., 1..]).assign(&x);
    let solved = least_squares(with_ones.view(), y.view(), numpy_rcond(n, 4)).unwrap();
    assert_close(
        "solution",
        solved.solution(),
        &[3.0, 1.5, -2.0, 0.25],
        1e-12,
    );
    assert_eq!(solved.rank(), 4);
    let model = LinearRegression::params()
        .check()
        .unwrap()
        .fit_records(x.view(), y.view())
        .unwrap();
    assert_close(
        "coefficients",
        model.coefficients(),
        &[1.5, -2.0, 0.25],
        1e-12,
    );
    assert!(
        (model.intercept() - 3.0).abs() < 1e-12,
        "{}",
        model.intercept()
    );
}

#[test]
fn rank_deficient_design_gives_numpys_minimum_norm_solution() {
    // [1, x, a, b, c, x]: a + b + c is the column of ones, and x is there twice.
    let (design, y) = nominal_design();
    let mut a = Array2::ones((8, 6));
    a.slice_mut(s![.., 1..]).assign(&design);
    let solved = least_squares(a.view(), y.view(), numpy_rcond(8, 6)).unwrap();
    // numpy: np.linalg.lstsq(A, y, rcond=None)[0]
    let coefficients = [
        0.5050975177304965,
        0.6356382978723407,
        0.3960549645390046,
        0.21387411347517976,
        -0.10483156028368795,
        0.6356382978723407,
    ];
    assert_close("coefficients", solved.solution(), &coefficients, 1e-12);
    // numpy: A @ coef
    let predictions = [
        1.536790780141842,
        -0.8701241134751756,
        2.942819148936171,
        1.8546099290780123,
        0.08333333333333554,
        2.3071808510638308,
        -1.641400709219862,
        1.0367907801418466,
    ];
    assert_close(
        "predictions",
        &a.dot(solved.solution()),
        &predictions,
        1e-12,
    );
    assert_eq!(solved.rank(), 4);
    // numpy: the singular values (the two of the dependent columns are rounding noise).
    let singular_values = [
        5.219904709760916,
        3.2654316556838863,
        1.7294614159053898,
        0.9866681985185877,
    ];
    assert_close(
        "singular values",
        &solved.singular_values().slice(s![..4]).to_owned(),
        &singular_values,
        1e-12,
    );
    assert!(
        solved
            .singular_values()
            .slice(s![4..])
            .iter()
            .all(|&s| s < 1e-14)
    );
}

#[test]
fn linear_regression_on_a_singular_design_gives_scikit_learns_fit() {
    // The design of the previous test without the ones: centred, a + b + c is 0.
    let (x, y) = nominal_design();
    let model = LinearRegression::params()
        .check()
        .unwrap()
        .fit_records(x.view(), y.view())
        .unwrap();
    // scikit-learn: LinearRegression().fit(X, y).coef_, .intercept_, .predict(X), the same as
    // numpy's lstsq on X - X.mean(0), y - y.mean().
    let coefficients = [
        0.6356382978723404,
        0.22768912529550805,
        0.045508274231678476,
        -0.2731973995271867,
        0.6356382978723399,
    ];
    let predictions = [
        1.5367907801418437,
        -0.8701241134751765,
        2.9428191489361692,
        1.8546099290780138,
        0.0833333333333337,
        2.307180851063829,
        -1.6414007092198573,
        1.036790780141844,
    ];
    assert_close("coefficients", model.coefficients(), &coefficients, 1e-12);
    assert!((model.intercept() - 0.6734633569739954).abs() < 1e-12);
    assert_close(
        "predictions",
        &model.predict(x.view()).unwrap(),
        &predictions,
        1e-12,
    );
    assert_eq!(model.rank(), 3);
}

#[test]
fn tol_cuts_off_as_scikit_learn_does() {
    // b differs from a by at most 3e-9: a singular value near 5e-9 of 6.6, which
    // scikit-learn 1.9's tol (1e-6) cuts off and numpy's default keeps.
    let n = 12;
    let a: Vec<f64> = (0..n).map(|i| ((i * 7) % 12) as f64 * 0.25 - 1.0).collect();
    let x = Array2::from_shape_fn((n, 3), |(i, j)| match j {
        0 => a[i],
        1 => a[i] + 1e-9 * (((i * 5) % 7) as f64 - 3.0),
        _ => ((i * 5) % 12) as f64 * 0.5 - 2.0,
    });
    let y: Array1<f64> = (0..n)
        .map(|i| x[[i, 0]] + 2.0 * x[[i, 1]] + x[[i, 2]] + 0.01 * (((i * 3) % 5) as f64 - 2.0))
        .collect();
    let model = LinearRegression::params()
        .check()
        .unwrap()
        .fit_records(x.view(), y.view())
        .unwrap();
    // scikit-learn: LinearRegression().fit(X, y): rank_ 2.
    let coefficients = [1.5035757567423904, 1.5035757589846086, 1.0033939396530225];
    assert_close("coefficients", model.coefficients(), &coefficients, 1e-9);
    assert!((model.intercept() - -0.006060606470724927).abs() < 1e-9);
    assert_eq!(model.rank(), 2);
    // scikit-learn: LinearRegression(tol=12 * eps): rank_ 3 and coefficients near +-2e6,
    // known to about 1e-7 relative at this condition number.
    let model = LinearRegression::params()
        .tol(numpy_rcond(n, 3))
        .check()
        .unwrap()
        .fit_records(x.view(), y.view())
        .unwrap();
    assert_eq!(model.rank(), 3);
    let coefficients = [-1972788.1434722664, 1972791.148364042, 1.002371675800532];
    for (f, e) in model.coefficients().iter().zip(coefficients) {
        assert!((f - e).abs() <= 1e-5 * e.abs(), "{f} against {e}");
    }
}

#[test]
fn a_zero_column_gets_coefficient_zero() {
    let (x, level, y) = nominal_table();
    let design = Array2::from_shape_fn((x.len(), 3), |(i, j)| match j {
        0 => x[i],
        1 => 0.0,
        _ => f64::from(u8::from(level[i] == 0)),
    });
    let solved = least_squares(design.view(), y.view(), numpy_rcond(8, 3)).unwrap();
    assert_eq!(solved.solution()[1], 0.0);
    assert_eq!(solved.rank(), 2);
    let fit = |x: &Array2<f64>| {
        LinearRegression::params()
            .check()
            .unwrap()
            .fit_records(x.view(), y.view())
            .unwrap()
    };
    let model = fit(&design);
    assert_eq!(model.coefficients()[1], 0.0);
    assert_eq!(model.rank(), 2);
    // A constant column is zero once centred, but for the rounding of its mean (0.1 eight
    // times sums to 0.7999999999999999): its singular value is cut off.
    let mut shifted = design.clone();
    shifted.column_mut(1).fill(0.1);
    let model = fit(&shifted);
    assert!(
        model.coefficients()[1].abs() < 1e-30,
        "{}",
        model.coefficients()
    );
    assert_eq!(model.rank(), 2);
}

#[test]
fn a_wide_problem_gives_numpys_minimum_norm_solution() {
    let a = array![
        [1.0, 2.0, 0.5, -1.0, 3.0],
        [0.0, -1.5, 2.5, 1.0, 0.25],
        [2.0, 0.5, -0.75, 0.0, 1.0]
    ];
    let b = array![1.5, -2.0, 0.75];
    let solved = least_squares(a.view(), b.view(), numpy_rcond(3, 5)).unwrap();
    // numpy: np.linalg.lstsq(W, v, rcond=None)
    let solution = [
        0.015026787924275309,
        0.45265603666472354,
        -0.4313774023298704,
        -0.28509377769615846,
        0.17008535407168474,
    ];
    assert_close("solution", solved.solution(), &solution, 1e-12);
    assert_eq!(solved.rank(), 3);
    let singular_values = [4.329833737132121, 2.9945772070114907, 1.7058860337196493];
    assert_close(
        "singular values",
        solved.singular_values(),
        &singular_values,
        1e-12,
    );
    assert_close("a x", &a.dot(solved.solution()), &[1.5, -2.0, 0.75], 1e-12);
}

#[test]
fn degenerate_shapes_give_zero_coefficients() {
    let params = LinearRegression::params().check().unwrap();
    // No columns: the intercept is the mean.
    let model = params
        .fit_records(Array2::zeros((3, 0)).view(), array![1.0, 2.0, 6.0].view())
        .unwrap();
    assert_eq!(model.coefficients().len(), 0);
    assert_eq!(model.intercept(), 3.0);
    assert_eq!(
        model.predict(Array2::zeros((2, 0)).view()).unwrap(),
        array![3.0, 3.0]
    );
    // One row: centred, the design is 0.
    let model = params
        .fit_records(array![[2.0, -1.0]].view(), array![4.5].view())
        .unwrap();
    assert_eq!(model.coefficients(), &array![0.0, 0.0]);
    assert_eq!(model.intercept(), 4.5);
    assert_eq!(model.rank(), 0);
    // No rows, for the bare solver: 0.
    let solved = least_squares(Array2::zeros((0, 2)).view(), array![].view(), 0.0).unwrap();
    assert_eq!(solved.solution(), &array![0.0, 0.0]);
    assert_eq!(solved.singular_values().len(), 0);
    // All zeros.
    let solved = least_squares(
        Array2::zeros((4, 2)).view(),
        array![1.0, 2.0, 3.0, 4.0].view(),
        0.0,
    )
    .unwrap();
    assert_eq!(solved.solution(), &array![0.0, 0.0]);
    assert_eq!(solved.rank(), 0);
}

#[test]
fn huge_and_tiny_values_give_the_scaled_solution() {
    let (design, y) = nominal_design();
    let rcond = numpy_rcond(8, 5);
    let plain = least_squares(design.view(), y.view(), rcond).unwrap();
    for (a_scale, b_scale) in [
        (1e300, 1.0),
        (1e-300, 1e-300),
        (1.0, 1e300),
        (1e-200, 1e100),
    ] {
        let solved =
            least_squares((&design * a_scale).view(), (&y * b_scale).view(), rcond).unwrap();
        let expected = plain.solution() * (b_scale / a_scale);
        for (f, e) in solved.solution().iter().zip(&expected) {
            assert!(
                (f - e).abs() <= 1e-12 * e.abs().max(1e-300),
                "scales {a_scale}, {b_scale}: {f} against {e}"
            );
        }
        assert_eq!(solved.rank(), plain.rank());
    }
}

#[test]
fn refuses_values_that_are_not_finite_and_a_bad_rcond() {
    let a = array![[1.0, 2.0], [3.0, f64::NAN]];
    let error = least_squares(a.view(), array![1.0, 2.0].view(), 0.0).unwrap_err();
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
    let a = array![[1.0], [2.0]];
    let error = least_squares(a.view(), array![f64::INFINITY, 2.0].view(), 0.0).unwrap_err();
    assert!(
        matches!(error, Error::NonFiniteTarget { row: 0, .. }),
        "{error}"
    );
    let error = least_squares(a.view(), array![1.0, 2.0].view(), -1.0).unwrap_err();
    assert!(
        matches!(error, Error::InvalidParameter { name: "rcond", .. }),
        "{error}"
    );
    let error = least_squares(a.view(), array![1.0].view(), 0.0).unwrap_err();
    assert_eq!(error, Error::LengthMismatch { rows: 2, found: 1 });
}

#[test]
fn blocks_and_row_order_do_not_change_the_solution_beyond_rounding() {
    // 1,000 rows of a rank-deficient design (one-hot columns and their sum): the solution is
    // the same when fitted again (bit for bit) and when the rows come reversed (to rounding).
    let n = 1000;
    let x = Array2::from_shape_fn((n, 6), |(i, j)| match j {
        0 => ((i * 7919) % 1009) as f64 / 1009.0 - 0.5,
        1 => ((i * 104_729) % 997) as f64 / 997.0,
        2..=4 => f64::from(u8::from(i % 3 == j - 2)),
        _ => 1.0,
    });
    let y: Array1<f64> = x
        .rows()
        .into_iter()
        .enumerate()
        .map(|(i, r)| 2.0 * r[0] - r[1] + 0.5 * r[2] + ((i * 31) % 7) as f64 * 0.01)
        .collect();
    let rcond = numpy_rcond(n, 6);
    let once = least_squares(x.view(), y.view(), rcond).unwrap();
    let again = least_squares(x.view(), y.view(), rcond).unwrap();
    assert_eq!(once, again);
    assert_eq!(once.rank(), 5);
    let reversed = least_squares(
        x.slice(s![..;-1, ..]).view(),
        y.slice(s![..;-1]).view(),
        rcond,
    )
    .unwrap();
    assert_close(
        "reversed",
        reversed.solution(),
        once.solution().as_slice().unwrap(),
        1e-12,
    );
    // The residual is orthogonal to the design.
    let residual = &y - &x.dot(once.solution());
    let gradient = x.t().dot(&residual);
    assert!(gradient.iter().all(|g| g.abs() < 1e-9), "{gradient}");
    // Minimum norm: no part of the solution lies in the null space (a + b + c - ones).
    let null = array![0.0, 0.0, 1.0, 1.0, 1.0, -1.0];
    assert!(once.solution().dot(&null).abs() < 1e-12);
}
