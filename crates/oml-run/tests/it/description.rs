//! description.xml: what is written is read back the same; evaluations follow the procedure.

use oml_eval::EvaluatorBuilder;
use oml_flow::builtin_flow;
use oml_run::{EvaluationRecord, RunDescription, UNPUBLISHED_FLOW_ID, UnitValues};
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

/// The description XML of a run with these evaluations and nothing else.
fn xml_of(evaluations: Vec<EvaluationRecord>) -> String {
    RunDescription {
        task_id: None,
        flow_id: UNPUBLISHED_FLOW_ID,
        setup_string: String::new(),
        parameter_settings: Vec::new(),
        tags: Vec::new(),
        evaluations,
    }
    .to_xml()
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
        evaluations: RunDescription::evaluations_of(&summary("cv:3:2"), UnitValues::Folds),
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
    let records = RunDescription::evaluations_of(&summary("cv:3:2"), UnitValues::Folds);
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
    let holdout = RunDescription::evaluations_of(&summary("holdout:33:2"), UnitValues::FirstFold);
    assert!(
        holdout
            .iter()
            .all(|r| r.unit.is_none_or(|(_, fold, _)| fold == 0))
    );
    // Learning curves: one value per sample.
    let curve = RunDescription::evaluations_of(&summary("curve:3"), UnitValues::Samples);
    assert!(
        curve
            .iter()
            .filter(|r| r.unit.is_some())
            .all(|r| r.unit.unwrap().2.is_some())
    );
}

/// A learning curve of one sample per fold (training folds of at most 64 rows) still numbers
/// its values by sample, as openml-python writes them and reads them back as sample
/// evaluations.
#[test]
fn a_learning_curve_of_one_sample_numbers_its_values_by_sample() {
    let task = LocalTaskBuilder::new()
        .resampling("curve:3".parse::<Resampling>().unwrap())
        .from_source("builtin:iris")
        .unwrap();
    // Iris's folds train on 100 rows: samples of 64, 91 and 100 rows. A curve whose folds train
    // on 64 rows or fewer has one sample, and its summary no per-sample grid, as made here.
    assert_eq!(task.splits().n_samples(), 3);
    let mut one_sample = summary("curve:3");
    for measure in one_sample.measures.values_mut() {
        measure.per_sample = None;
    }
    let records = RunDescription::evaluations_of(&one_sample, UnitValues::Samples);
    let accuracy: Vec<_> = records
        .iter()
        .filter(|r| r.name == "predictive_accuracy" && r.unit.is_some())
        .map(|r| r.unit.unwrap())
        .collect();
    assert_eq!(
        accuracy,
        [(0, 0, Some(0)), (0, 1, Some(0)), (0, 2, Some(0))]
    );
    let xml = xml_of(records);
    assert!(xml.contains("<oml:evaluation repeat=\"0\" fold=\"2\" sample=\"0\">"));
}

/// Undefined values (a leave-one-out fold's kappa and AUC, of one test row) are left out of
/// the description, as OpenML's engine leaves them out; the defined ones stay.
#[test]
fn undefined_values_are_left_out() {
    let summary = summary("loo");
    let kappa = &summary.measures["kappa"];
    assert!(kappa.per_fold[0][0].is_nan(), "one row has no kappa");
    let records = RunDescription::evaluations_of(&summary, UnitValues::FirstFold);
    assert!(records.iter().all(|r| !r.value.is_nan()));
    assert!(records.iter().all(|r| r.stdev.is_none_or(|s| !s.is_nan())));
    let of = |name: &str| -> Vec<Option<(u32, u32, Option<u32>)>> {
        records
            .iter()
            .filter(|r| r.name == name)
            .map(|r| r.unit)
            .collect()
    };
    // Kappa pooled over every row is defined; its fold-0 value is not.
    assert_eq!(of("kappa"), [None]);
    assert_eq!(of("predictive_accuracy"), [None, Some((0, 0, None))]);
    let xml = xml_of(records);
    assert!(!xml.contains("NaN"), "{xml}");
}

#[test]
fn a_bad_description_names_the_line() {
    let error = RunDescription::from_xml("<oml:run xmlns:oml=\"http://openml.org/openml\">\n<oml:flow_id>x</oml:flow_id>\n</oml:run>").unwrap_err();
    assert_eq!(
        error.to_string(),
        "description.xml: line 2: flow_id `x` is not an integer"
    );
}

/// OpenML's learning curves have a `crossvalidation` procedure: the task type, not the
/// procedure's kind, makes their values numbered by sample.
#[test]
fn the_task_type_and_procedure_decide_which_units_are_numbered() {
    use oml_task::TaskType;
    let of = UnitValues::of_task;
    assert_eq!(
        of(TaskType::LearningCurve, "crossvalidation"),
        UnitValues::Samples
    );
    assert_eq!(
        of(TaskType::SupervisedClassification, "crossvalidation"),
        UnitValues::Folds
    );
    assert_eq!(
        of(TaskType::SupervisedRegression, "holdout"),
        UnitValues::FirstFold
    );
    assert_eq!(
        of(TaskType::SupervisedClassification, "leaveoneout"),
        UnitValues::FirstFold
    );
}
