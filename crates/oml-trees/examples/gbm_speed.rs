//! Cross-validates the histogram gradient boosting machine (scikit-learn's defaults) on a table
//! given as text, on one thread, for `scripts/gbm_speed.py`: prints one JSON line with the
//! seconds of each fold (fit and predict, wall clock) and every row's out-of-fold prediction.
//!
//! Usage: `cargo run --release -p oml-trees --example gbm_speed -- TABLE [--repeats N]`.
//! `TABLE` is text: a header line `classification N_CLASSES` or `regression`, then one line
//! per row: the fold (from 0), the target (a class index or a value), then the features,
//! separated by commas, `nan` for missing. With `--repeats`, each fold is fitted N times and
//! the fastest time is kept.

use std::time::Instant;

use linfa::prelude::*;
use ndarray::{Array1, Array2, Axis};
use oml_trees::{HistGradientBoostingClassifier, HistGradientBoostingRegressor};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("a table file");
    let mut repeats = 1;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--repeats" => repeats = args.next().and_then(|v| v.parse().ok()).expect("N"),
            _ => panic!("unknown argument {arg}"),
        }
    }
    let text = std::fs::read_to_string(&path).expect("a readable table");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split_whitespace().collect();
    let n_classes: Option<usize> = match header[..] {
        ["classification", k] => Some(k.parse().expect("a number of classes")),
        ["regression"] => None,
        _ => panic!("bad header {header:?}"),
    };
    let rows: Vec<Vec<f64>> = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split(',')
                .map(|v| v.trim().parse().expect("a number"))
                .collect()
        })
        .collect();
    let p = rows[0].len() - 2;
    let folds: Vec<usize> = rows.iter().map(|r| r[0] as usize).collect();
    let target: Vec<f64> = rows.iter().map(|r| r[1]).collect();
    let x = Array2::from_shape_fn((rows.len(), p), |(i, j)| rows[i][j + 2]);
    let n_folds = folds.iter().max().unwrap() + 1;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut predictions = vec![0.0; rows.len()];
    let mut seconds = Vec::new();
    for fold in 0..n_folds {
        let train: Vec<usize> = (0..rows.len()).filter(|&i| folds[i] != fold).collect();
        let test: Vec<usize> = (0..rows.len()).filter(|&i| folds[i] == fold).collect();
        let x_train = x.select(Axis(0), &train);
        let x_test = x.select(Axis(0), &test);
        let mut best = f64::INFINITY;
        let mut predicted: Vec<f64> = Vec::new();
        for _ in 0..repeats {
            let start = Instant::now();
            predicted = pool.install(|| match n_classes {
                Some(k) => {
                    let y: Array1<usize> = train.iter().map(|&i| target[i] as usize).collect();
                    let model = HistGradientBoostingClassifier::params()
                        .n_classes(Some(k))
                        .fit(&Dataset::new(x_train.clone(), y))
                        .unwrap();
                    let labels: Array1<usize> = model.predict(&x_test);
                    labels.iter().map(|&c| c as f64).collect()
                }
                None => {
                    let y: Array1<f64> = train.iter().map(|&i| target[i]).collect();
                    let model = HistGradientBoostingRegressor::params()
                        .fit(&Dataset::new(x_train.clone(), y))
                        .unwrap();
                    model.predict(&x_test).to_vec()
                }
            });
            best = best.min(start.elapsed().as_secs_f64());
        }
        seconds.push(best);
        for (&i, &v) in test.iter().zip(&predicted) {
            predictions[i] = v;
        }
    }
    let list = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:?}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    println!(
        "{{\"seconds\": [{}], \"predictions\": [{}]}}",
        list(&seconds),
        list(&predictions)
    );
}
