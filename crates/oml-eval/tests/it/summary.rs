//! Run-level measures: pooled values, per-fold grids and openml-python's mean and std.

use oml_eval::{EvaluatorBuilder, Truth};
use oml_flow::{Predictions, builtin_flow};
use oml_task::{LocalTaskBuilder, Resampling};

fn evaluate(resampling: &str, source: &str) -> oml_eval::Evaluation {
    let task = LocalTaskBuilder::new()
        .resampling(resampling.parse::<Resampling>().unwrap())
        .from_source(source)
        .unwrap();
    let flow = builtin_flow("decision-tree").unwrap();
    EvaluatorBuilder::new()
        .seed(2)
        .build()
        .unwrap()
        .evaluate(&flow, &task)
        .unwrap()
}

#[test]
fn pooled_accuracy_counts_every_prediction_and_folds_average_per_repeat() {
    let evaluation = evaluate("cv:5:2", "builtin:iris");
    let Truth::Classes(truth) = &evaluation.truth else {
        panic!("classes")
    };
    let (mut right, mut total) = (0, 0);
    let mut per_fold = vec![vec![0.0; 5]; 2];
    for unit in &evaluation.units {
        let Ok(Predictions::Classes { labels, .. }) = &unit.outcome else {
            panic!()
        };
        let hits = unit
            .rows
            .iter()
            .zip(labels)
            .filter(|&(&r, &l)| truth[r as usize] == l)
            .count();
        per_fold[unit.repeat as usize][unit.fold as usize] = hits as f64 / unit.rows.len() as f64;
        right += hits;
        total += unit.rows.len();
    }
    let summary = evaluation.summary();
    let accuracy = &summary.measures["predictive_accuracy"];
    assert_eq!(accuracy.value, right as f64 / total as f64);
    assert_eq!(accuracy.per_fold, per_fold);
    let mean = per_fold
        .iter()
        .map(|f| f.iter().sum::<f64>() / 5.0)
        .sum::<f64>()
        / 2.0;
    assert!((accuracy.mean - mean).abs() < 1e-12);
    let std = per_fold
        .iter()
        .map(|f| {
            let m = f.iter().sum::<f64>() / 5.0;
            (f.iter().map(|v| (v - m).powi(2)).sum::<f64>() / 5.0).sqrt()
        })
        .sum::<f64>()
        / 2.0;
    assert!((accuracy.std - std).abs() < 1e-12);
    assert!(accuracy.per_sample.is_none());
    assert_eq!(
        summary.measures["area_under_roc_curve"]
            .per_class
            .as_ref()
            .unwrap()
            .len(),
        3
    );
    let training = &summary.measures["usercpu_time_millis_training"];
    let sum: f64 = evaluation
        .units
        .iter()
        .map(|u| u.timings.usercpu_time_millis_training)
        .sum();
    assert!((training.value - sum).abs() < 1e-9);
    for name in [
        "kappa",
        "f_measure",
        "precision",
        "recall",
        "mean_absolute_error",
        "root_mean_squared_error",
        "log_loss",
        "wall_clock_time_millis",
    ] {
        assert!(summary.measures.contains_key(name), "{name}");
    }
}

#[test]
fn learning_curves_report_every_sample_and_pool_the_last() {
    let evaluation = evaluate("curve:10", "builtin:iris");
    let (_, _, samples) = evaluation.shape;
    assert!(samples > 1);
    let summary = evaluation.summary();
    let accuracy = &summary.measures["predictive_accuracy"];
    let grid = accuracy.per_sample.as_ref().unwrap();
    assert_eq!(grid.len(), 1);
    assert_eq!(grid[0].len(), 10);
    assert!(
        grid[0]
            .iter()
            .all(|samples_of_fold| samples_of_fold.len() == samples as usize)
    );
    assert_eq!(accuracy.per_fold[0][3], grid[0][3][samples as usize - 1]);
}

#[test]
fn regression_runs_have_regression_measures() {
    let task = LocalTaskBuilder::new()
        .from_source("builtin:diabetes")
        .unwrap();
    let flow = Constant;
    let evaluation = EvaluatorBuilder::new()
        .build()
        .unwrap()
        .evaluate(&flow, &task)
        .unwrap();
    let summary = evaluation.summary();
    // Predicting 0 everywhere: MAE is the mean absolute target, R squared far below 0.
    let Truth::Values(values) = &evaluation.truth else {
        panic!()
    };
    let mae = values.iter().map(|v| v.abs()).sum::<f64>() / values.len() as f64;
    assert!((summary.measures["mean_absolute_error"].value - mae).abs() < 1e-9);
    assert!(summary.measures["r_squared"].value < -1.0);
    for name in [
        "root_mean_squared_error",
        "relative_absolute_error",
        "root_relative_squared_error",
    ] {
        assert!(summary.measures[name].value.is_finite(), "{name}");
    }
    assert!(!summary.measures.contains_key("predictive_accuracy"));
}

struct Constant;

impl oml_flow::Describe for Constant {
    fn name(&self) -> String {
        "test.Zero".to_owned()
    }
}

impl oml_flow::Flow for Constant {
    fn fit(
        &self,
        _: &oml_flow::TrainingSet<'_>,
        _: u64,
    ) -> oml_flow::Result<Box<dyn oml_flow::Model>> {
        Ok(Box::new(Constant))
    }
}

impl oml_flow::Model for Constant {
    fn output(&self, x: &oml_data::DesignMatrix) -> oml_flow::Result<oml_flow::Output> {
        Ok(oml_flow::Output::Values(ndarray::Array1::zeros(
            x.x.nrows(),
        )))
    }
}

/// The list that user-given measure names are checked against holds every measure a run has,
/// and nothing more.
#[test]
fn measure_names_are_exactly_the_measures_of_classification_and_regression_runs() {
    let mut seen = std::collections::BTreeSet::new();
    for source in ["builtin:iris", "builtin:diabetes"] {
        seen.extend(evaluate("cv:3", source).summary().measures.into_keys());
    }
    // Recorded where the counting allocator is installed (tests/memory.rs), not in this binary.
    assert!(!seen.contains(oml_eval::PEAK_HEAP_MEASURE));
    seen.insert(oml_eval::PEAK_HEAP_MEASURE.to_owned());
    let listed: std::collections::BTreeSet<String> = oml_eval::MEASURE_NAMES
        .iter()
        .map(|m| m.to_string())
        .collect();
    assert_eq!(seen, listed);
    let error = oml_eval::check_measure("accuracyy").unwrap_err();
    assert!(
        error.contains("`accuracyy`") && error.contains("predictive_accuracy"),
        "{error}"
    );
}
