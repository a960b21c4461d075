//! The benchmark data, from a formula simple enough to regenerate identically in numpy
//! (`scripts/tree_speed.py`): splitmix64 of (seed, row, column) for uniform features, five of
//! them quantised to eighths (ties), and a noisy target over a few of them.

use ndarray::{Array1, Array2};

/// The number of features.
pub const N_FEATURES: usize = 20;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform value in [0, 1) for (seed, row, column).
fn uniform(seed: u64, row: u64, column: u64) -> f64 {
    let key = (seed << 40)
        .wrapping_add(row.wrapping_mul(32))
        .wrapping_add(column);
    (mix(key.wrapping_mul(GOLDEN)) >> 11) as f64 / (1u64 << 53) as f64
}

/// Rows `first..first + n` of the dataset: records (n x 20) and labels in {0, 1}.
pub fn rows(seed: u64, first: usize, n: usize) -> (Array2<f64>, Array1<usize>) {
    let mut x = Array2::zeros((n, N_FEATURES));
    let mut y = Array1::zeros(n);
    for i in 0..n {
        let row = (first + i) as u64;
        for j in 0..N_FEATURES {
            let u = uniform(seed, row, j as u64);
            x[[i, j]] = if j >= 15 { (u * 8.0).floor() / 8.0 } else { u };
        }
        let noise = uniform(seed, row, N_FEATURES as u64);
        let score = (x[[i, 0]] - 0.5)
            + 0.8 * (x[[i, 1]] - 0.5)
            + 2.0 * (x[[i, 2]] - 0.5) * (x[[i, 3]] - 0.5)
            + 0.3 * (x[[i, 15]] - 0.5)
            + (noise - 0.5);
        y[i] = usize::from(score > 0.0);
    }
    (x, y)
}
