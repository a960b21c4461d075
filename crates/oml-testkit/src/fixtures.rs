//! OpenML's fixture files and caches built around them.

use std::path::{Path, PathBuf};

use oml_data::Dataset;
use oml_data::arff::{Arff, Attribute, AttributeKind, Column};
use oml_task::{Cache, LocalTaskBuilder, Resampling, Server};

/// The path of `path` under the repository's `fixtures/openml` (real OpenML files).
pub fn openml_fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/openml")
        .join(path)
}

/// The bytes of the file at `path`; a test that cannot read it fails naming it.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A dataset of `n` rows: a numeric `x` and a nominal `class` (the default target) cycling
/// through `labels`.
pub fn stand_in(name: &str, n: usize, labels: &[&str]) -> Dataset {
    let arff = Arff {
        relation: name.into(),
        description: Vec::new(),
        attributes: vec![
            Attribute {
                name: "x".into(),
                kind: AttributeKind::Numeric,
            },
            Attribute {
                name: "class".into(),
                kind: AttributeKind::Nominal(labels.iter().map(|l| l.to_string()).collect()),
            },
        ],
        columns: vec![
            Column::Numeric((0..n).map(|i| i as f64).collect()),
            Column::Nominal((0..n).map(|i| (i % labels.len()) as u32).collect()),
        ],
    };
    let mut dataset = Dataset::from_arff(arff).unwrap();
    dataset.set_default_target(Some("class")).unwrap();
    dataset
}

/// A new cache (in a temporary directory, kept while the `TempDir` lives) of server www
/// holding OpenML's task `task` ([`write_openml_task`]) on a [`stand_in`] of `n` rows with
/// class `labels` for dataset `task` (OpenML's tasks 1 and 3 are on datasets 1 and 3).
pub fn cache_with_openml_task(task: i64, n: usize, labels: &[&str]) -> (tempfile::TempDir, Cache) {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path(), Server::Www);
    let dataset = stand_in(&format!("stand-in-{task}"), n, labels);
    write_openml_task(&cache, task, dataset);
    (dir, cache)
}

/// Writes OpenML's task `task` into `cache`: its `task.xml` and `datasplits.arff` copied from
/// `fixtures/openml/tasks/{task}`, and `dataset` as dataset `task` (written with a local task
/// numbered 999999, whose files stay beside it).
pub fn write_openml_task(cache: &Cache, task: i64, dataset: Dataset) {
    // Any task on the dataset writes the dataset files; its own task id is unused.
    LocalTaskBuilder::new()
        .resampling(Resampling::CrossValidation {
            repeats: 1,
            folds: 2,
            stratified: false,
        })
        .build(dataset)
        .unwrap()
        .write_to_cache(cache, 999_999, task)
        .unwrap();
    let task_dir = cache.task_dir(task);
    std::fs::create_dir_all(&task_dir).unwrap();
    for file in ["task.xml", "datasplits.arff"] {
        let from = openml_fixture(&format!("tasks/{task}/{file}"));
        std::fs::copy(from, task_dir.join(file)).unwrap();
    }
}
