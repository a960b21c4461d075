//! OpenML's own tasks 1 (anneal) and 3 (kr-vs-kp): `task.xml` and `datasplits.arff` from
//! fixtures/openml, copied at test time into a temporary cache. Their
//! datasets are not among the fixtures, so a stand-in with the same number of rows and the same
//! class labels is written beside them with `Task::write_to_cache`.

use std::path::PathBuf;

use oml_data::Dataset;
use oml_data::arff::{Arff, Attribute, AttributeKind, Column};
use oml_task::{Cache, LocalTaskBuilder, Resampling, Server, Task, TaskDescription, TaskType};
use oml_testkit::{cache_with_openml_task, openml_fixture};

fn fixture(task: u32, file: &str) -> PathBuf {
    openml_fixture(&format!("tasks/{task}/{file}"))
}

const ANNEAL_LABELS: [&str; 6] = ["1", "2", "3", "4", "5", "U"];
const KR_VS_KP_LABELS: [&str; 2] = ["won", "nowin"];

/// Checks what every 1 x 10 cross-validation task of OpenML's fixtures has.
fn check_ten_fold(task: &Task, id: i64, n: usize, test_sizes: [usize; 2]) {
    let description = task.description();
    assert_eq!(description.task_id, Some(id));
    assert_eq!(description.dataset_id, Some(id));
    assert_eq!(task.task_type(), TaskType::SupervisedClassification);
    assert_eq!(task.target(), Some("class"));
    assert_eq!(description.procedure.id, Some(1));
    assert_eq!(description.evaluation_measures, ["predictive_accuracy"]);
    assert_eq!(
        description
            .procedure
            .resampling(TaskType::SupervisedClassification)
            .unwrap(),
        Resampling::CrossValidation {
            repeats: 1,
            folds: 10,
            stratified: true
        }
    );
    let summary = task.summary();
    assert_eq!(
        (summary.n_repeats, summary.n_folds, summary.n_samples),
        (1, 10, 1)
    );
    assert_eq!(summary.splits.len(), 10);
    let mut tested = vec![0u32; n];
    for (unit, sizes) in task.splits().units().iter().zip(&summary.splits) {
        assert!(test_sizes.contains(&sizes.n_test), "{sizes:?}");
        assert_eq!(sizes.n_train + sizes.n_test, n);
        for &row in &unit.test {
            tested[row as usize] += 1;
        }
    }
    assert!(
        tested.iter().all(|&t| t == 1),
        "every row is tested exactly once"
    );
}

#[test]
fn task_1_anneal_reads_from_a_cache() {
    let (_dir, cache) = cache_with_openml_task(1, 898, &ANNEAL_LABELS);
    let task = Task::from_cache(&cache, 1).unwrap();
    check_ten_fold(&task, 1, 898, [89, 90]);
    assert_eq!(task.class_labels().unwrap(), ANNEAL_LABELS);
    assert_eq!(task.description().tags[0], "basic");
    // File order is kept: the file's first TRAIN line is row 16.
    assert_eq!(task.splits().units()[0].train[0], 16);
    assert!(task.warnings().is_empty(), "{:?}", task.warnings());
}

#[test]
fn task_3_kr_vs_kp_reads_from_a_cache() {
    let (_dir, cache) = cache_with_openml_task(3, 3196, &KR_VS_KP_LABELS);
    let task = Task::from_cache(&cache, 3).unwrap();
    check_ten_fold(&task, 3, 3196, [319, 320]);
    assert_eq!(task.class_labels().unwrap(), KR_VS_KP_LABELS);
    assert_eq!(task.splits().units()[0].train[0], 1300);
}

#[test]
fn task_directories_find_the_dataset_in_the_cache() {
    let (_dir, cache) = cache_with_openml_task(1, 898, &ANNEAL_LABELS);
    let from_dir = Task::from_path(&cache.task_dir(1)).unwrap();
    let from_cache = Task::from_cache(&cache, 1).unwrap();
    assert_eq!(from_dir.splits(), from_cache.splits());
    assert_eq!(from_dir.summary(), from_cache.summary());
}

#[test]
fn task_xml_fixtures_parse() {
    for id in [1, 3] {
        let description = TaskDescription::from_path(&fixture(id, "task.xml")).unwrap();
        assert_eq!(description.task_id, Some(i64::from(id)));
        assert_eq!(description.dataset_id, Some(i64::from(id)));
        assert_eq!(description.procedure.number_folds, Some(10));
        assert_eq!(description.procedure.number_repeats, Some(1));
        assert_eq!(description.procedure.stratified_sampling, Some(true));
    }
}

#[test]
fn a_dataset_too_small_for_the_split_file_names_its_line() {
    // The stand-in lacks anneal's last row, which the split file uses.
    let (_dir, cache) = cache_with_openml_task(1, 897, &ANNEAL_LABELS);
    let err = Task::from_cache(&cache, 1).unwrap_err().to_string();
    let splits = cache.task_dir(1).join("datasplits.arff");
    let prefix = format!("{}: line ", splits.display());
    assert!(err.starts_with(&prefix), "{err}");
    assert!(
        err.contains("row id 897") && err.ends_with("out of range: the dataset has 897 rows"),
        "{err}"
    );
}

#[test]
fn a_numeric_target_is_not_a_classification_target() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path(), Server::Www);
    // A regression task on a numeric `class` writes the dataset; OpenML's task 1 then asks for
    // classification on it.
    let numeric = Arff {
        relation: "numeric-class".into(),
        description: Vec::new(),
        attributes: vec![Attribute {
            name: "class".into(),
            kind: AttributeKind::Numeric,
        }],
        columns: vec![Column::Numeric(vec![1.0; 898])],
    };
    let mut dataset = Dataset::from_arff(numeric).unwrap();
    dataset.set_default_target(Some("class")).unwrap();
    LocalTaskBuilder::new()
        .build(dataset)
        .unwrap()
        .write_to_cache(&cache, 999, 1)
        .unwrap();
    let task_dir = cache.task_dir(1);
    std::fs::create_dir_all(&task_dir).unwrap();
    for file in ["task.xml", "datasplits.arff"] {
        std::fs::copy(fixture(1, file), task_dir.join(file)).unwrap();
    }
    let err = Task::from_cache(&cache, 1).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: task type 1 (Supervised Classification) needs a nominal target, but `class` \
             in dataset `numeric-class` is numeric (its `target_feature` and `task_type_id`)",
            task_dir.join("task.xml").display()
        )
    );
}
