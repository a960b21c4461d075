//! Times one classification tree fit on the benchmark data (`benches/common`) and prints one
//! JSON line per depth: seconds (fastest of the repeats), held-out accuracy, tree size and a
//! checksum of the data, so that `scripts/tree_speed.py` can check that numpy generated the
//! same data.
//!
//! Usage: `cargo run --release -p oml-trees --example tree_speed -- [--rows 100000]
//! [--test-rows 20000] [--repeats 3] [--linfa]`; `--linfa` times linfa-trees instead.

use std::time::Instant;

use linfa::prelude::*;
use oml_trees::DecisionTreeClassifier;

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let mut rows = 100_000;
    let mut test_rows = 20_000;
    let mut repeats = 3;
    let mut linfa_trees = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().and_then(|v| v.parse().ok()).expect("a number");
        match arg.as_str() {
            "--rows" => rows = value(),
            "--test-rows" => test_rows = value(),
            "--repeats" => repeats = value(),
            "--linfa" => linfa_trees = true,
            _ => panic!("unknown argument {arg}"),
        }
    }
    let (x, y) = common::rows(1, 0, rows);
    let (x_test, y_test) = common::rows(1, rows, test_rows);
    let checksum = x.sum() + x_test.sum();
    let positives = y.sum() + y_test.sum();
    let train = Dataset::new(x, y);
    for depth in [Some(10), None] {
        let mut best = f64::INFINITY;
        let mut accuracy = 0.0;
        let mut size = (0, 0);
        for _ in 0..repeats {
            let start = Instant::now();
            let predicted = if linfa_trees {
                let model = linfa_trees::DecisionTree::params()
                    .max_depth(depth)
                    .fit(&train)
                    .unwrap();
                best = best.min(start.elapsed().as_secs_f64());
                model.predict(&x_test)
            } else {
                let model = DecisionTreeClassifier::params()
                    .max_depth(depth)
                    .fit(&train)
                    .unwrap();
                best = best.min(start.elapsed().as_secs_f64());
                size = (model.tree().n_leaves(), model.tree().depth());
                model.predict(&x_test)
            };
            let correct = predicted
                .iter()
                .zip(&y_test)
                .filter(|(p, t)| p == t)
                .count();
            accuracy = correct as f64 / test_rows as f64;
        }
        let depth = depth.map_or("null".to_string(), |d| d.to_string());
        println!(
            "{{\"model\": \"{}\", \"max_depth\": {depth}, \"seconds\": {best:.4}, \"accuracy\": {accuracy:.5}, \"leaves\": {}, \"depth\": {}, \"checksum\": {checksum:.6}, \"positives\": {positives}}}",
            if linfa_trees {
                "linfa-trees"
            } else {
                "oml-trees"
            },
            size.0,
            size.1,
        );
    }
}
