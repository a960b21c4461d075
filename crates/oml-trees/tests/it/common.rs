//! Random test data from a fixed seed.

use ndarray::{Array1, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n` rows x `p` uniform features in [0, 1) and labels from `label(row)`.
pub fn random(
    seed: u64,
    n: usize,
    p: usize,
    label: impl Fn(&[f64], &mut ChaCha8Rng) -> usize,
) -> (Array2<f64>, Array1<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((n, p), |_| rng.r#gen::<f64>());
    let y = x
        .rows()
        .into_iter()
        .map(|row| label(row.as_slice().unwrap(), &mut rng))
        .collect();
    (x, y)
}

/// The fraction of equal entries.
pub fn accuracy(a: &Array1<usize>, b: &Array1<usize>) -> f64 {
    a.iter().zip(b).filter(|(a, b)| a == b).count() as f64 / a.len() as f64
}

/// Asserts that `found` is `expected` within `tolerance`, entry by entry.
pub fn assert_close(found: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(found.len(), expected.len());
    for (f, e) in found.iter().zip(expected) {
        assert!((f - e).abs() <= tolerance, "{found:?} against {expected:?}");
    }
}
