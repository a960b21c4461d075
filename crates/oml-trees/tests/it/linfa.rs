use linfa::prelude::*;
use oml_trees::DecisionTreeClassifier;
use rand::Rng;

use crate::common::{accuracy, random};

#[test]
fn training_accuracy_is_at_least_linfa_trees() {
    let (x, y) = random(6, 2000, 6, |r, rng| {
        usize::from(r[0] + r[1] * r[2] + 0.4 * rng.r#gen::<f64>() > 0.9) + usize::from(r[3] > 0.8)
    });
    let dataset = Dataset::new(x.clone(), y.clone());
    for depth in [Some(3), Some(6), None] {
        let ours = DecisionTreeClassifier::params()
            .max_depth(depth)
            .fit(&dataset)
            .unwrap();
        let theirs = linfa_trees::DecisionTree::params()
            .max_depth(depth)
            .fit(&dataset)
            .unwrap();
        let (a, b) = (
            accuracy(&ours.predict(&x), &y),
            accuracy(&theirs.predict(&x), &y),
        );
        assert!(a >= b, "depth {depth:?}: oml-trees {a} < linfa-trees {b}");
    }
}
