//! The evaluator covers every test row once, in unit order, identically for any thread count,
//! and records failing units without stopping the others.

use oml_data::DesignMatrix;
use oml_eval::EvaluatorBuilder;
use oml_flow::{Describe, Flow, Model, Output, Predictions, Result, TrainingSet, builtin_flow};
use oml_task::{LocalTaskBuilder, Resampling};

fn task(resampling: &str) -> oml_task::Task {
    LocalTaskBuilder::new()
        .resampling(resampling.parse::<Resampling>().unwrap())
        .from_source("builtin:iris")
        .unwrap()
}

#[test]
fn every_test_row_is_predicted_once_per_repeat_in_unit_order() {
    let task = task("cv:5:2");
    let flow = builtin_flow("decision-tree").unwrap();
    let evaluation = EvaluatorBuilder::new()
        .threads(2)
        .build()
        .unwrap()
        .evaluate(&flow, &task)
        .unwrap();
    let keys: Vec<(u32, u32)> = evaluation
        .units
        .iter()
        .map(|u| (u.repeat, u.fold))
        .collect();
    let expected: Vec<(u32, u32)> = (0..2).flat_map(|r| (0..5).map(move |f| (r, f))).collect();
    assert_eq!(keys, expected);
    for repeat in 0..2 {
        let mut seen = vec![0; 150];
        for unit in evaluation.units.iter().filter(|u| u.repeat == repeat) {
            let Ok(Predictions::Classes { labels, .. }) = &unit.outcome else {
                panic!("{:?}", unit.outcome)
            };
            assert_eq!(labels.len(), unit.rows.len());
            unit.rows.iter().for_each(|&r| seen[r as usize] += 1);
            assert!(unit.timings.wall_clock_time_millis_training > 0.0);
            assert!(unit.timings.usercpu_time_millis_training >= 0.0);
        }
        assert!(seen.iter().all(|&n| n == 1), "repeat {repeat}: {seen:?}");
    }
}

#[test]
fn predictions_are_identical_for_one_two_and_four_threads() {
    let task = task("cv:10");
    let classifiers = oml_flow::BUILTIN_FLOWS
        .iter()
        .filter(|f| f.learns.contains("classification"));
    for name in classifiers.map(|f| f.name) {
        let flow = builtin_flow(name).unwrap();
        let run = |threads| {
            let evaluation = EvaluatorBuilder::new()
                .threads(threads)
                .seed(5)
                .build()
                .unwrap()
                .evaluate(&flow, &task)
                .unwrap();
            evaluation
                .units
                .into_iter()
                .map(|u| (u.rows, u.seed, u.outcome))
                .collect::<Vec<_>>()
        };
        let one = run(1);
        assert!(one == run(2), "{name}: 1 vs 2 threads");
        assert!(one == run(4), "{name}: 1 vs 4 threads");
    }
}

/// Fails on a third of the units by panic and on a third by error, chosen by the unit seed.
struct Fragile;
struct Constant;

impl Describe for Fragile {
    fn name(&self) -> String {
        "test.Fragile".to_owned()
    }
}

impl Flow for Fragile {
    fn fit(&self, _data: &TrainingSet<'_>, seed: u64) -> Result<Box<dyn Model>> {
        match seed % 3 {
            0 => panic!("seed {seed} is unlucky"),
            1 => Err(oml_flow::Error::fit("test.Fragile", "refused")),
            _ => Ok(Box::new(Constant)),
        }
    }
}

impl Model for Constant {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        Ok(Output::Labels(ndarray::Array1::zeros(x.x.nrows())))
    }
}

#[test]
fn failing_units_are_recorded_and_the_others_finish() {
    let task = task("cv:10");
    let evaluation = EvaluatorBuilder::new()
        .threads(2)
        .build()
        .unwrap()
        .evaluate(&Fragile, &task)
        .unwrap();
    assert_eq!(evaluation.units.len(), 10);
    let messages: Vec<&str> = evaluation
        .failures()
        .map(|u| u.outcome.as_ref().unwrap_err().as_str())
        .collect();
    assert!(!messages.is_empty() && messages.len() < 10, "{messages:?}");
    for message in &messages {
        assert!(
            message.starts_with("panicked: seed ")
                || message == &"test.Fragile: fit failed: refused",
            "{message}"
        );
    }
    let fast = EvaluatorBuilder::new()
        .threads(1)
        .fail_fast(true)
        .build()
        .unwrap()
        .evaluate(&Fragile, &task)
        .unwrap();
    let first_failure = evaluation
        .units
        .iter()
        .position(|u| u.outcome.is_err())
        .unwrap();
    assert_eq!(
        fast.units.len(),
        first_failure + 1,
        "one thread stops right after the first failure"
    );
}
