//! The gradient boosting machine on missing values in several features at once, against
//! scikit-learn's probabilities to the last bits.

use linfa::prelude::*;
use ndarray::{Array1, Array2, s};
use oml_trees::{EarlyStopping, HistGradientBoostingClassifier};

use crate::common::assert_close;

const NAN: f64 = f64::NAN;

/// Five features with 11% to 25% missing values, four classes: scikit-learn 1.9.1's
/// probabilities to the last bits. With missing values scikit-learn scans each feature twice
/// (missing values right, then left, from the other end with the sums added the other way), and
/// a node without missing values of such a feature still gets both scans; a split with the
/// missing values left is named by the highest of the bins that give it. The expected numbers:
///
/// ```text
/// i = np.arange(600); x = np.zeros((600, 5))
/// x[:, 0] = ((i * 37 + 5) % 101) / 10.0; x[:, 1] = ((i * 53 + 1) % 17).astype(float)
/// x[:, 2] = ((i * 11 + 3) % 23) / 3.0; x[:, 3] = ((i * 29) % 300) / 7.0
/// x[:, 4] = ((i * 7 + 2) % 13).astype(float)
/// s = x[:, 0] + 0.5 * x[:, 1] + 0.3 * x[:, 2] + 0.05 * x[:, 3] + ((i * 13) % 7 - 3) * 0.8
/// for j, (a, p) in enumerate([(3, 7), (5, 6), (1, 5), (7, 9), (2, 8)]):
///     x[(i * a + j) % p == 0, j] = np.nan
/// s = np.where(np.isnan(x[:, 2]), s + 2.0, s)
/// y = np.where(s < 8, 0, np.where(s < 11, 1, np.where(s < 14, 2, 3)))
/// HistGradientBoostingClassifier(early_stopping=False, min_samples_leaf=5)
///     .fit(x[:450], y[:450]).predict_proba(x[450:])
/// ```
#[test]
fn missing_values_in_many_features_agree_with_scikit_learn() {
    let n = 600;
    let missing = [(3, 7), (5, 6), (1, 5), (7, 9), (2, 8)];
    let mut x = Array2::from_shape_fn((n, 5), |(i, j)| match j {
        0 => ((i * 37 + 5) % 101) as f64 / 10.0,
        1 => ((i * 53 + 1) % 17) as f64,
        2 => ((i * 11 + 3) % 23) as f64 / 3.0,
        3 => ((i * 29) % 300) as f64 / 7.0,
        _ => ((i * 7 + 2) % 13) as f64,
    });
    let mut s = Array1::from_shape_fn(n, |i| {
        let noise = ((i * 13) % 7) as f64 - 3.0;
        x[[i, 0]] + 0.5 * x[[i, 1]] + 0.3 * x[[i, 2]] + 0.05 * x[[i, 3]] + noise * 0.8
    });
    for (j, &(a, p)) in missing.iter().enumerate() {
        for i in 0..n {
            if (i * a + j) % p == 0 {
                x[[i, j]] = NAN;
            }
        }
    }
    for i in 0..n {
        if x[[i, 2]].is_nan() {
            s[i] += 2.0;
        }
    }
    let y = s.mapv(|s| usize::from(s >= 8.0) + usize::from(s >= 11.0) + usize::from(s >= 14.0));
    let train = x.slice(s![..450, ..]).to_owned();
    let train_y = y.slice(s![..450]).to_owned();
    let model = HistGradientBoostingClassifier::params()
        .min_samples_leaf(5)
        .early_stopping(EarlyStopping::Off)
        .fit(&Dataset::new(train, train_y))
        .unwrap();
    let proba = model.predict_proba(&x.slice(s![450.., ..]).to_owned());
    let expected: [(usize, [f64; 4]); 20] = [
        (
            0,
            [
                8.085827451943864e-05,
                0.9678170114662492,
                0.011691682451023096,
                0.0204104478082082,
            ],
        ),
        (
            1,
            [
                0.03596421939978623,
                0.09588471015040954,
                0.8664775538738152,
                0.0016735165759890458,
            ],
        ),
        (
            2,
            [
                0.00019859430178853827,
                0.1748247502078271,
                0.8140591413053456,
                0.010917514185038758,
            ],
        ),
        (
            3,
            [
                0.07810976756514036,
                0.8360487332867956,
                0.08394959308562064,
                0.001891906062443284,
            ],
        ),
        (
            4,
            [
                0.0953852864565327,
                0.8849680729435703,
                0.01131292338195123,
                0.008333717217945555,
            ],
        ),
        (
            5,
            [
                0.002731375109688173,
                0.0035171009686477406,
                0.9935870784501735,
                0.00016444547149066716,
            ],
        ),
        (
            7,
            [
                0.0002787088783451363,
                0.07197848478313511,
                0.9275261933539001,
                0.00021661298461966673,
            ],
        ),
        (
            9,
            [
                0.9975593293008759,
                0.0024237728931752224,
                1.6591097550332688e-05,
                3.067083985369567e-07,
            ],
        ),
        (
            10,
            [
                0.005116438617927739,
                0.8737098738552023,
                0.11839914599535095,
                0.00277454153151902,
            ],
        ),
        (
            11,
            [
                3.227395078433845e-07,
                6.032016334919741e-06,
                0.00033450811439142473,
                0.9996591371297657,
            ],
        ),
        (
            13,
            [
                4.337799413153445e-05,
                0.37437818491602404,
                0.05387648836982182,
                0.5717019487200226,
            ],
        ),
        (
            21,
            [
                1.1989264858768516e-05,
                0.2015916523117596,
                0.005310083065604558,
                0.793086275357777,
            ],
        ),
        (
            35,
            [
                6.1999018528039944e-06,
                0.9998290351903418,
                0.00016315168176242123,
                1.6132260430683395e-06,
            ],
        ),
        (
            42,
            [
                2.3330441303661398e-05,
                0.00016440095804220824,
                0.997561416886538,
                0.002250851714116141,
            ],
        ),
        (
            63,
            [
                1.349651267119603e-07,
                1.5705797281426154e-07,
                9.39781545626843e-05,
                0.9999057298223378,
            ],
        ),
        (
            77,
            [
                0.9986442383946058,
                0.0008816359018199337,
                0.00047292521529980486,
                1.200488274379483e-06,
            ],
        ),
        (
            99,
            [
                0.000419199821574038,
                0.99571452383199,
                0.00383273622870254,
                3.354011773358796e-05,
            ],
        ),
        (
            111,
            [
                0.8077599086269039,
                0.160065176903776,
                0.03215597841729287,
                1.893605202699204e-05,
            ],
        ),
        (
            126,
            [
                6.068116440493685e-06,
                0.9999324492839975,
                4.423410752104383e-05,
                1.7248492040889947e-05,
            ],
        ),
        (
            140,
            [
                0.9886973764905175,
                0.011142642173177909,
                0.0001362055623581144,
                2.37757739465483e-05,
            ],
        ),
    ];
    for (row, expected) in expected {
        let found: Vec<f64> = proba.row(row).to_vec();
        assert_close(&found, &expected, 1e-15);
    }
}
