//! description.xml: what is written is read back the same; evaluations follow the procedure.

use oml_eval::EvaluatorBuilder;
use oml_flow::builtin_flow;
use oml_run::{EvaluationRecord, RunDescription, UNPUBLISHED_FLOW_ID};
use oml_task::{LocalTaskBuilder, Resampling};

fn summary(resampling: &str) -> oml_eval::RunSummary {
    let task = LocalTaskBuilder::new()
        .resampling(resampling.parse::<Resampling>().unwrap())
        .from_source("builtin:iris")
        .unwrap();
    let flow = builtin_flow("decision-tree").unwrap();
    EvaluatorBuilder::new()
        .build()
        .unwrap()
        .evaluate(&flow, &task)
        .unwrap()
        .summary()
}

#[test]
fn a_description_round_trips_through_its_xml() {
    let description = RunDescription {
        task_id: Some(59),
        flow_id: UNPUBLISHED_FLOW_ID,
        setup_string: "oml run --task 59 --flow decision-tree --param max_depth=3 --seed 0 <&>"
            .to_owned(),
        parameter_settings: vec![
            ("estimator.max_depth".into(), "3".into()),
            ("impute.strategy".into(), String::new()),
        ],
        tags: vec!["oml".into()],
        evaluations: RunDescription::evaluations_of(&summary("cv:3:2"), true),
    };
    let xml = description.to_xml();
    let back = RunDescription::from_xml(&xml).unwrap();
    // NaN != NaN: compare the texts of the evaluations, the rest as values.
    assert_eq!(back.to_xml(), xml);
    assert_eq!(back.task_id, Some(59));
    assert_eq!(back.parameter_settings, description.parameter_settings);
    assert_eq!(back.setup_string, description.setup_string);
    assert_eq!(back.evaluations.len(), description.evaluations.len());
}

#[test]
fn evaluations_carry_units_and_leave_out_local_measures() {
    let records = RunDescription::evaluations_of(&summary("cv:3:2"), true);
    assert!(records.iter().all(|r| r.name != "log_loss"));
    let accuracy: Vec<&EvaluationRecord> = records
        .iter()
        .filter(|r| r.name == "predictive_accuracy")
        .collect();
    assert_eq!(accuracy.len(), 1 + 6);
    assert!(accuracy[0].unit.is_none() && accuracy[0].stdev.is_some());
    assert_eq!(accuracy[1].unit, Some((0, 0, None)));
    assert_eq!(accuracy[6].unit, Some((1, 2, None)));
    let auc = records
        .iter()
        .find(|r| r.name == "area_under_roc_curve" && r.unit.is_none())
        .unwrap();
    assert_eq!(
        auc.array_data.as_deref().map(|a| a.matches(',').count()),
        Some(2)
    );
    // Holdout folds are not numbered by OpenML: only fold 0.
    let holdout = RunDescription::evaluations_of(&summary("holdout:33:2"), false);
    assert!(
        holdout
            .iter()
            .all(|r| r.unit.is_none_or(|(_, fold, _)| fold == 0))
    );
    // Learning curves: one value per sample.
    let curve = RunDescription::evaluations_of(&summary("curve:3"), true);
    assert!(
        curve
            .iter()
            .filter(|r| r.unit.is_some())
            .all(|r| r.unit.unwrap().2.is_some())
    );
}

#[test]
fn a_bad_description_names_the_line() {
    let error = RunDescription::from_xml("<oml:run xmlns:oml=\"http://openml.org/openml\">\n<oml:flow_id>x</oml:flow_id>\n</oml:run>").unwrap_err();
    assert_eq!(
        error.to_string(),
        "description.xml: line 2: flow_id `x` is not an integer"
    );
}
