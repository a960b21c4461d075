//! The gradient boosting machine where sums of gradients round: scikit-learn's probabilities
//! after 300 iterations of a learning rate of 1.

use linfa::prelude::*;
use ndarray::{Array2, s};
use oml_trees::{EarlyStopping, HistGradientBoostingClassifier};

use crate::common::assert_close;

const NAN: f64 = f64::NAN;

/// The table of the test below.
fn table() -> (Array2<f64>, Vec<usize>) {
    let n = 3000;
    let mut x = Array2::from_shape_fn((n, 6), |(i, j)| match j {
        0 => ((i * 37 + 5) % 211) as f64 / 10.0,
        1 => ((i * 53 + 1) % 97) as f64 / 7.0,
        2 => ((i * 11 + 3) % 89) as f64 / 3.0,
        3 => ((i * 29) % 300) as f64 / 7.0,
        4 => ((i * 7 + 2) % 131) as f64 / 5.0,
        _ => ((i * 17 + 4) % 61) as f64 / 2.0,
    });
    let scores: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let r = x.row(i);
            (
                r[0] - 0.3 * r[2] + 0.1 * r[4],
                0.5 * r[1] + 0.05 * r[3] - 0.2 * r[5],
            )
        })
        .collect();
    for (j, (a, p)) in [(3, 17), (5, 19), (1, 23), (7, 29), (2, 31), (9, 37)]
        .into_iter()
        .enumerate()
    {
        for i in 0..n {
            if (i * a + j) % p == 0 {
                x[[i, j]] = NAN;
            }
        }
    }
    let y = scores
        .iter()
        .map(|&(s0, s1)| if s0 > 6.0 { 2 } else { usize::from(s1 > 4.0) })
        .collect();
    (x, y)
}

/// With a learning rate of 1 and leaves of two rows, many rows' gradients soon fall below
/// 1e-5, and sums of them round: each node's sums are then scikit-learn's only if taken as
/// scikit-learn takes them. Taking a root's sums in row order rather than as numpy's sum of its
/// first feature's bins moved the last bits of the first trees' gains, then other splits
/// won, and 8 of these 12 rows (208 of the 750 test rows) got another class. scikit-learn
/// 1.9.1, numpy 2:
///
/// ```text
/// n = 3000; i = np.arange(n); x = np.zeros((n, 6))
/// x[:, 0] = ((i * 37 + 5) % 211) / 10.0; x[:, 1] = ((i * 53 + 1) % 97) / 7.0
/// x[:, 2] = ((i * 11 + 3) % 89) / 3.0; x[:, 3] = ((i * 29) % 300) / 7.0
/// x[:, 4] = ((i * 7 + 2) % 131) / 5.0; x[:, 5] = ((i * 17 + 4) % 61) / 2.0
/// s0 = x[:, 0] - 0.3 * x[:, 2] + 0.1 * x[:, 4]; s1 = 0.5 * x[:, 1] + 0.05 * x[:, 3] - 0.2 * x[:, 5]
/// for j, (a, p) in enumerate([(3, 17), (5, 19), (1, 23), (7, 29), (2, 31), (9, 37)]):
///     x[(i * a + j) % p == 0, j] = np.nan
/// y = np.where(s0 > 6.0, 2, np.where(s1 > 4.0, 1, 0))
/// HistGradientBoostingClassifier(early_stopping=False, learning_rate=1.0, max_iter=300,
///     min_samples_leaf=2).fit(x[:2250], y[:2250]).predict_proba(x[2250:])
/// ```
#[test]
fn rounded_sums_agree_with_scikit_learn() {
    let (x, y) = table();
    let n = x.nrows();
    let model = HistGradientBoostingClassifier::params()
        .learning_rate(1.0)
        .max_iter(300)
        .min_samples_leaf(2)
        .early_stopping(EarlyStopping::Off)
        .fit(&Dataset::new(
            x.slice(s![..n * 3 / 4, ..]).to_owned(),
            ndarray::Array1::from(y[..n * 3 / 4].to_vec()),
        ))
        .unwrap();
    let proba = model.predict_proba(&x.slice(s![n * 3 / 4.., ..]).to_owned());
    let expected: [(usize, [f64; 3]); 12] = [
        (0, [0.0, 0.0, 1.0]),
        (20, [0.0, 1.0, 0.0]),
        (23, [1.0, 0.0, 8.69542704279689e-239]),
        (34, [0.0, 1.0, 0.0]),
        (100, [1.0, 0.0, 0.0]),
        (400, [0.0, 0.0, 1.0]),
        (700, [1.0, 0.0, 0.0]),
        (711, [0.0, 1.0, 0.0]),
        (718, [0.0, 0.0, 1.0]),
        (740, [1.0, 0.0, 0.0]),
        (745, [0.0, 0.0, 1.0]),
        (746, [0.0, 1.0, 0.0]),
    ];
    for (row, expected) in expected {
        assert_close(&proba.row(row).to_vec(), &expected, 1e-15);
    }
}
