//! Local tasks: the builder's defaults, task types and resamplings, and its errors.

use oml_data::builtin;
use oml_task::{DEFAULT_SEED, LocalTaskBuilder, Resampling, TaskType, generate};

#[test]
fn iris_gets_stratified_ten_fold_cv_with_seed_0() {
    let task = LocalTaskBuilder::new().from_source("builtin:iris").unwrap();
    assert_eq!(task.task_type(), TaskType::SupervisedClassification);
    assert_eq!(task.target(), Some("class"));
    assert_eq!((task.task_id(), task.dataset_id()), (None, None));
    assert_eq!(
        task.class_labels().unwrap(),
        ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]
    );
    let cv = Resampling::CrossValidation {
        repeats: 1,
        folds: 10,
        stratified: true,
    };
    assert_eq!(
        task.description()
            .procedure
            .resampling(TaskType::SupervisedClassification)
            .unwrap(),
        cv
    );
    // Exactly the generator's splits with seed 0 and the iris classes.
    let iris = builtin("iris").unwrap();
    let classes = iris.class_target("class").unwrap().classes.to_vec();
    let expected = generate(&cv, 150, Some(&classes), DEFAULT_SEED, "iris_splits").unwrap();
    assert_eq!(task.splits(), &expected);
    // Stratified: 5 rows of each class in every test fold of 15.
    for unit in task.splits().units() {
        assert_eq!((unit.train.len(), unit.test.len()), (135, 15));
        for class in 0..3 {
            let count = unit
                .test
                .iter()
                .filter(|&&r| classes[r as usize] == class)
                .count();
            assert_eq!(count, 5);
        }
    }
}

#[test]
fn the_seed_decides_the_splits() {
    let build = |seed| {
        LocalTaskBuilder::new()
            .seed(seed)
            .from_source("builtin:iris")
            .unwrap()
            .splits()
            .clone()
    };
    assert_eq!(build(0), build(0));
    assert_eq!(
        build(0),
        LocalTaskBuilder::new()
            .from_source("builtin:iris")
            .unwrap()
            .splits()
            .clone()
    );
    assert_ne!(build(0), build(1));
}

#[test]
fn a_numeric_target_gets_plain_regression_cv() {
    let task = LocalTaskBuilder::new()
        .from_source("builtin:diabetes")
        .unwrap();
    assert_eq!(task.task_type(), TaskType::SupervisedRegression);
    assert_eq!(task.class_labels(), None);
    assert_eq!(
        task.description().procedure.stratified_sampling,
        Some(false)
    );
    assert_eq!(task.splits().n_folds(), 10);
    // Asking for stratification changes nothing for a numeric target.
    let stratified = LocalTaskBuilder::new()
        .stratified(true)
        .from_source("builtin:diabetes")
        .unwrap();
    assert_eq!(stratified.splits(), task.splits());
}

#[test]
fn learning_curves_and_holdouts() {
    let curve = LocalTaskBuilder::new()
        .task_type(TaskType::LearningCurve)
        .from_source("builtin:iris")
        .unwrap();
    assert_eq!(curve.task_type(), TaskType::LearningCurve);
    // 135 training rows: sizes 64, 91, 128, 135.
    assert_eq!(curve.splits().n_samples(), 4);
    assert_eq!(curve.description().procedure.number_samples, Some(4));
    let sizes: Vec<usize> = (0..4)
        .map(|s| curve.splits().get(0, 0, s).unwrap().train.len())
        .collect();
    assert_eq!(sizes, [64, 91, 128, 135]);
    // The same from a curve resampling without a task type.
    let by_resampling = LocalTaskBuilder::new()
        .resampling("curve:10".parse().unwrap())
        .from_source("builtin:iris")
        .unwrap();
    assert_eq!(by_resampling.splits(), curve.splits());

    let holdout = LocalTaskBuilder::new()
        .resampling("holdout:20:3".parse().unwrap())
        .from_source("builtin:iris")
        .unwrap();
    assert_eq!(
        (holdout.splits().n_repeats(), holdout.splits().n_folds()),
        (3, 1)
    );
    assert!(holdout.splits().units().iter().all(|u| u.test.len() == 30));

    let plain = LocalTaskBuilder::new()
        .stratified(false)
        .from_source("builtin:iris")
        .unwrap();
    assert_eq!(
        plain.description().procedure.stratified_sampling,
        Some(false)
    );
}

fn error(builder: &LocalTaskBuilder, source: &str) -> String {
    builder.from_source(source).unwrap_err().to_string()
}

#[test]
fn errors_name_the_target_and_what_is_wrong() {
    let mut classification = LocalTaskBuilder::new();
    classification.task_type(TaskType::SupervisedClassification);
    assert_eq!(
        error(&classification, "builtin:diabetes"),
        "task type 1 (Supervised Classification) needs a nominal target, but `progression` in \
         dataset `diabetes` is numeric"
    );
    let mut regression = LocalTaskBuilder::new();
    regression.task_type(TaskType::SupervisedRegression);
    assert_eq!(
        error(&regression, "builtin:iris"),
        "task type 2 (Supervised Regression) needs a numeric target, but `class` in dataset \
         `iris` is nominal"
    );
    let mut unknown = LocalTaskBuilder::new();
    unknown.target("petal colour");
    assert_eq!(
        error(&unknown, "builtin:iris"),
        "the target `petal colour` is not a column of dataset `iris`"
    );
    let mut curve_holdout = LocalTaskBuilder::new();
    curve_holdout
        .task_type(TaskType::LearningCurve)
        .resampling("holdout:33".parse().unwrap());
    assert_eq!(
        error(&curve_holdout, "builtin:iris"),
        "learning-curve tasks need cross-validation, not `holdout:33`"
    );
    let mut clustering = LocalTaskBuilder::new();
    clustering.task_type(TaskType::Clustering);
    assert!(error(&clustering, "builtin:iris").starts_with("local clustering tasks"));
    let mut too_many_folds = LocalTaskBuilder::new();
    too_many_folds.resampling("cv:200".parse().unwrap());
    assert!(error(&too_many_folds, "builtin:iris").contains("200"));
}

/// An ARFF file names no default target: the error says how to name one and which column is
/// last (where Weka and OpenML put the class).
#[test]
fn a_file_without_a_default_target_asks_for_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.arff");
    std::fs::write(
        &path,
        "@RELATION t\n@ATTRIBUTE x NUMERIC\n@ATTRIBUTE label {a,b}\n@DATA\n1,a\n2,b\n",
    )
    .unwrap();
    assert_eq!(
        error(&LocalTaskBuilder::new(), path.to_str().unwrap()),
        "dataset `t` has no default target; name the target (`--target COLUMN`; its last \
         column is `label`)"
    );
}
