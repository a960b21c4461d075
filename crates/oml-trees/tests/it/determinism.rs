use linfa::prelude::*;
use ndarray::{Array1, Array2, Axis};
use oml_trees::{DecisionTreeClassifier, MaxFeatures, SortedFeatures};
use rand::Rng;

use crate::common::random;

#[test]
fn the_same_seed_gives_the_same_tree() {
    let (x, y) = random(4, 1500, 12, |r, rng| {
        usize::from(r[0] + r[5] + rng.r#gen::<f64>() > 1.5)
    });
    let dataset = Dataset::new(x, y);
    for max_features in [MaxFeatures::All, MaxFeatures::Sqrt, MaxFeatures::Count(5)] {
        let fit = |seed| {
            DecisionTreeClassifier::params()
                .max_features(max_features)
                .seed(seed)
                .fit(&dataset)
                .unwrap()
        };
        assert_eq!(fit(3), fit(3), "{max_features}");
        // Another seed draws other features, or, with all features, breaks the ties of
        // equally good splits (common in small nodes) another way, as scikit-learn does.
        assert_ne!(fit(3).tree(), fit(4).tree(), "{max_features}");
    }
}

#[test]
fn weights_equal_repeated_rows() {
    let (x, y) = random(5, 300, 3, |r, rng| {
        usize::from(r[0] + 0.5 * rng.r#gen::<f64>() > 0.7)
    });
    let weights: Vec<f64> = (0..300).map(|i| (i % 3) as f64).collect();
    let sorted = SortedFeatures::new(&x).unwrap();
    let weighted = DecisionTreeClassifier::params()
        .fit_sorted(&sorted, y.view(), Some(&weights))
        .unwrap();
    let repeated: Vec<usize> = (0..300)
        .flat_map(|i| std::iter::repeat_n(i, i % 3))
        .collect();
    let x_repeated: Array2<f64> = x.select(Axis(0), &repeated);
    let y_repeated: Array1<usize> = y.select(Axis(0), &repeated);
    let materialised = DecisionTreeClassifier::params()
        .fit(&Dataset::new(x_repeated, y_repeated))
        .unwrap();
    assert_eq!(weighted.predict_proba(&x), materialised.predict_proba(&x));
    let splits = |m: &DecisionTreeClassifier| -> Vec<_> {
        m.tree().nodes().iter().map(|n| n.split()).collect()
    };
    assert_eq!(splits(&weighted), splits(&materialised));
}
