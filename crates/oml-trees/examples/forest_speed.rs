//! Times a random forest fit on the benchmark data (`benches/common`) on a rayon pool of a
//! given size and prints one JSON line: seconds (fastest of the repeats), held-out accuracy,
//! the out-of-bag score and a checksum of the data, so that `scripts/forest_speed.py` can check
//! that numpy generated the same data.
//!
//! Usage: `cargo run --release -p oml-trees --example forest_speed -- [--rows 100000]
//! [--test-rows 20000] [--repeats 1] [--threads 1] [--trees 100] [--max-depth 10] [--oob]
//! [--linfa]`; `--linfa` times linfa-ensemble's random forest instead (its own defaults: trees
//! on bootstrap rows and all features drawn with replacement per tree).

use std::time::Instant;

use linfa::prelude::*;
use oml_trees::RandomForestClassifier;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let mut rows = 100_000;
    let mut test_rows = 20_000;
    let mut repeats = 1;
    let mut threads = 1;
    let mut trees = 100;
    let mut max_depth = None;
    let mut oob = false;
    let mut linfa_ensemble = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || -> usize { args.next().and_then(|v| v.parse().ok()).expect("a number") };
        match arg.as_str() {
            "--rows" => rows = value(),
            "--test-rows" => test_rows = value(),
            "--repeats" => repeats = value(),
            "--threads" => threads = value(),
            "--trees" => trees = value(),
            "--max-depth" => max_depth = Some(value()),
            "--oob" => oob = true,
            "--linfa" => linfa_ensemble = true,
            _ => panic!("unknown argument {arg}"),
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let (x, y) = common::rows(1, 0, rows);
    let (x_test, y_test) = common::rows(1, rows, test_rows);
    let checksum = x.sum() + x_test.sum();
    let positives = y.sum() + y_test.sum();
    let train = Dataset::new(x, y);
    let mut best = f64::INFINITY;
    let mut accuracy = 0.0;
    let mut oob_score = None;
    let mut leaves = 0;
    for _ in 0..repeats {
        let start = Instant::now();
        let predicted = if linfa_ensemble {
            let tree = linfa_trees::DecisionTree::params().max_depth(max_depth);
            let model = linfa_ensemble::EnsembleLearnerParams::new_fixed_rng(
                tree,
                ChaCha8Rng::seed_from_u64(0),
            )
            .ensemble_size(trees)
            .fit(&train)
            .unwrap();
            best = best.min(start.elapsed().as_secs_f64());
            model.predict(&x_test)
        } else {
            let model = pool.install(|| {
                RandomForestClassifier::params()
                    .n_trees(trees)
                    .max_depth(max_depth)
                    .oob_score(oob)
                    .fit(&train)
                    .unwrap()
            });
            best = best.min(start.elapsed().as_secs_f64());
            oob_score = model.oob_score();
            leaves = model.trees().iter().map(|t| t.tree().n_leaves()).sum();
            pool.install(|| model.predict(&x_test))
        };
        let correct = predicted
            .iter()
            .zip(&y_test)
            .filter(|(p, t)| p == t)
            .count();
        accuracy = correct as f64 / test_rows as f64;
    }
    let model = if linfa_ensemble {
        "linfa-ensemble"
    } else {
        "oml-trees"
    };
    let max_depth = max_depth.map_or("null".to_string(), |d| d.to_string());
    let oob_score = oob_score.map_or("null".to_string(), |s| format!("{s:.5}"));
    println!(
        "{{\"model\": \"{model}\", \"trees\": {trees}, \"threads\": {threads}, \"max_depth\": {max_depth}, \"seconds\": {best:.4}, \"accuracy\": {accuracy:.5}, \"oob_score\": {oob_score}, \"leaves\": {leaves}, \"checksum\": {checksum:.6}, \"positives\": {positives}}}"
    );
}
