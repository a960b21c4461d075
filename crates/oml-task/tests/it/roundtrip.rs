//! Tasks written into a cache read back the same, by id and as a directory; damaged cached
//! files give errors that name the file and the line.

use std::path::PathBuf;

use oml_task::{Cache, Error, LocalTaskBuilder, Server, Task};

/// A cache in a temporary directory holding `builder`'s task on `source` as task 10 on
/// dataset 20.
fn written(builder: &LocalTaskBuilder, source: &str) -> (tempfile::TempDir, Cache, Task) {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path(), Server::Www);
    let task = builder.from_source(source).unwrap();
    task.write_to_cache(&cache, 10, 20).unwrap();
    (dir, cache, task)
}

fn check_same(local: &Task, read: &Task) {
    assert_eq!(read.splits(), local.splits());
    assert_eq!(read.class_labels(), local.class_labels());
    assert_eq!(read.task_type(), local.task_type());
    assert_eq!(read.target(), local.target());
    assert_eq!(read.dataset().n_rows(), local.dataset().n_rows());
    assert_eq!(read.dataset().features(), local.dataset().features());
    assert_eq!((read.task_id(), read.dataset_id()), (Some(10), Some(20)));
    let (mut a, b) = (local.summary(), read.summary());
    (a.task_id, a.dataset_id) = (Some(10), Some(20));
    assert_eq!(a, b);
    assert!(read.warnings().is_empty(), "{:?}", read.warnings());
}

#[test]
fn a_written_local_task_reads_back_the_same() {
    for (resampling, source) in [
        ("cv:10", "builtin:iris"),
        ("cv:5:2", "builtin:diabetes"),
        ("holdout:33:2", "builtin:iris"),
        ("curve:10", "builtin:winequality"),
        ("loo", "builtin:iris"),
    ] {
        let mut builder = LocalTaskBuilder::new();
        builder.resampling(resampling.parse().unwrap()).seed(42);
        let (_dir, cache, local) = written(&builder, source);
        let read = Task::from_cache(&cache, 10).unwrap();
        check_same(&local, &read);
        let from_dir = Task::from_path(&cache.task_dir(10)).unwrap();
        check_same(&local, &from_dir);
    }
}

#[test]
fn the_written_task_xml_has_ids_for_openml_python() {
    let (_dir, cache, _) = written(&LocalTaskBuilder::new(), "builtin:iris");
    let read = Task::from_cache(&cache, 10).unwrap();
    // openml-python 0.16 needs a procedure id: 1 is 10-fold classification cross-validation.
    assert_eq!(read.description().procedure.id, Some(1));
    let (_dir, cache, _) = written(&LocalTaskBuilder::new(), "builtin:diabetes");
    assert_eq!(
        Task::from_cache(&cache, 10)
            .unwrap()
            .description()
            .procedure
            .id,
        Some(7)
    );
    let mut curve = LocalTaskBuilder::new();
    curve.resampling("curve:10".parse().unwrap());
    let (_dir, cache, local) = written(&curve, "builtin:iris");
    let read = Task::from_cache(&cache, 10).unwrap();
    assert_eq!(read.description().procedure.id, Some(13));
    assert_eq!(
        read.description().procedure.number_samples,
        Some(local.splits().n_samples())
    );
}

#[test]
fn rewriting_removes_what_would_shadow_the_new_dataset() {
    let (_dir, cache, _) = written(&LocalTaskBuilder::new(), "builtin:iris");
    // A Parquet file (which readers prefer) and an openml-python pickle of an older dataset.
    let data = cache.dataset_dir(20);
    std::fs::write(data.join("dataset_20.pq"), "stale").unwrap();
    std::fs::write(data.join("dataset.pkl.py3"), "stale").unwrap();
    let task = LocalTaskBuilder::new()
        .from_source("builtin:diabetes")
        .unwrap();
    task.write_to_cache_replacing(&cache, 10, 20, true).unwrap();
    assert!(!data.join("dataset_20.pq").exists());
    assert!(!data.join("dataset.pkl.py3").exists());
    let read = Task::from_cache(&cache, 10).unwrap();
    assert_eq!(read.dataset().n_rows(), 441);
}

#[test]
fn task_write_refuses_to_overwrite_a_different_cached_task_without_force() {
    let (_dir, cache, _) = written(&LocalTaskBuilder::new(), "builtin:iris");
    let snapshot = |cache: &Cache| -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        for dir in [cache.task_dir(10), cache.dataset_dir(20)] {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                files.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
        files.sort();
        files
    };
    let before = snapshot(&cache);
    assert_eq!(before.len(), 6);
    // The same task again: identical files, nothing to refuse, nothing rewritten.
    let iris = LocalTaskBuilder::new().from_source("builtin:iris").unwrap();
    iris.write_to_cache(&cache, 10, 20).unwrap();
    assert_eq!(snapshot(&cache), before);
    // Another task at the same ids is refused, naming the files, and nothing changes.
    let diabetes = LocalTaskBuilder::new()
        .from_source("builtin:diabetes")
        .unwrap();
    let error = diabetes
        .write_to_cache(&cache, 10, 20)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("dataset.arff") && error.contains("task.xml"),
        "{error}"
    );
    assert_eq!(snapshot(&cache), before);
    // Other splits of the same dataset: only the split file differs, and it is named.
    let other_seed = LocalTaskBuilder::new()
        .seed(1)
        .from_source("builtin:iris")
        .unwrap();
    let error = other_seed
        .write_to_cache(&cache, 10, 20)
        .unwrap_err()
        .to_string();
    assert!(error.contains("datasplits.arff"), "{error}");
    assert!(!error.contains("dataset.arff"), "{error}");
    assert_eq!(snapshot(&cache), before);
    // With force, it is replaced.
    diabetes
        .write_to_cache_replacing(&cache, 10, 20, true)
        .unwrap();
    assert_eq!(
        Task::from_cache(&cache, 10).unwrap().dataset().n_rows(),
        441
    );
}

#[test]
fn a_bad_task_xml_names_the_file_and_line() {
    let (_dir, cache, _) = written(&LocalTaskBuilder::new(), "builtin:iris");
    let path = cache.task_dir(10).join("task.xml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("<oml:task_type_id>1<", "<oml:task_type_id>x<"),
    )
    .unwrap();
    let err = Task::from_cache(&cache, 10).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}: line 3", path.display())),
        "{err}"
    );
    assert!(
        err.contains("`task_type_id`") && err.contains("`x`"),
        "{err}"
    );
}

#[test]
fn a_task_xml_of_another_task_is_an_error() {
    let (_dir, cache, _) = written(&LocalTaskBuilder::new(), "builtin:iris");
    std::fs::rename(cache.task_dir(10), cache.task_dir(11)).unwrap();
    let err = Task::from_cache(&cache, 11).unwrap_err().to_string();
    assert!(
        err.ends_with("`task_id` is 10, but the file is the cache's task 11"),
        "{err}"
    );
}

#[test]
fn a_bad_split_file_names_the_file_and_line() {
    let (_dir, cache, _) = written(&LocalTaskBuilder::new(), "builtin:iris");
    let path = cache.task_dir(10).join("datasplits.arff");
    let text = std::fs::read_to_string(&path).unwrap();
    let header_lines = text.lines().position(|l| l == "@DATA").unwrap() + 1;
    // The second data row gets a fold that is not a number.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let row = header_lines + 1;
    let fields: Vec<String> = lines[row].split(',').map(str::to_owned).collect();
    lines[row] = format!("{},{},{},x", fields[0], fields[1], fields[2]);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let err = Task::from_cache(&cache, 10).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: line {}, column {}: attribute `fold`: `x` is not a number",
            path.display(),
            row + 1,
            fields[0].len() + fields[1].len() + fields[2].len() + 4
        )
    );
    // A row id beyond the dataset names the line where it first occurs.
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(",x\n", ",0\n");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let test_row = lines.iter().position(|l| l.starts_with("TEST")).unwrap();
    lines[test_row] = "TEST,150,0,0".into();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let err = Task::from_cache(&cache, 10).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: line {}: row id 150 (in repeat 0, fold 0, sample 0) is out of range: the \
             dataset has 150 rows",
            path.display(),
            test_row + 1
        )
    );
}

#[test]
fn missing_cached_files_name_the_fetch_command() {
    let (_dir, cache, _) = written(&LocalTaskBuilder::new(), "builtin:iris");
    let splits = cache.task_dir(10).join("datasplits.arff");
    std::fs::remove_file(&splits).unwrap();
    match Task::from_cache(&cache, 10).unwrap_err() {
        Error::NotCached { path, fetch } => {
            assert_eq!(path, splits);
            assert_eq!(fetch, "oml fetch task 10");
        }
        other => panic!("expected NotCached, got {other:?}"),
    }
    let (_dir, cache, _) = written(&LocalTaskBuilder::new(), "builtin:iris");
    let arff = cache.dataset_dir(20).join("dataset.arff");
    std::fs::remove_file(&arff).unwrap();
    let err = Task::from_cache(&cache, 10).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{} is not in the cache; fetch it with `oml fetch dataset 20`",
            arff.display()
        )
    );
}

#[test]
fn a_changed_dataset_fails_its_checksum() {
    let (_dir, cache, _) = written(&LocalTaskBuilder::new(), "builtin:iris");
    let arff = cache.dataset_dir(20).join("dataset.arff");
    let text = std::fs::read_to_string(&arff).unwrap();
    std::fs::write(&arff, text.replacen("5.1,", "5.2,", 1)).unwrap();
    let err = Task::from_cache(&cache, 10).unwrap_err().to_string();
    assert!(err.contains("MD5 checksum"), "{err}");
}

#[test]
fn features_xml_is_optional() {
    // openml-python leaves it out for regression tasks; ARFF declares the kinds itself.
    let (_dir, cache, local) = written(&LocalTaskBuilder::new(), "builtin:iris");
    std::fs::remove_file(cache.dataset_dir(20).join("features.xml")).unwrap();
    let read = Task::from_cache(&cache, 10).unwrap();
    check_same(&local, &read);
}

/// A clustering task as openml-python caches it has no split file: every row trains and is
/// tested, once per repeat (OpenML's test-on-training-data procedure).
#[test]
fn a_cached_clustering_task_without_splits_tests_on_the_training_data() {
    let (_dir, cache, _) = written(&LocalTaskBuilder::new(), "builtin:iris");
    let xml = cache.task_xml(10).unwrap();
    let mut description = oml_task::TaskDescription::from_path(&xml).unwrap();
    description.task_type = oml_task::TaskType::Clustering;
    description.target = None;
    description.procedure = oml_task::ProcedureDescription {
        id: Some(17),
        kind: "testontrainingdata".into(),
        number_repeats: Some(2),
        ..Default::default()
    };
    std::fs::write(&xml, description.to_xml()).unwrap();
    std::fs::remove_file(cache.splits_arff(10).unwrap()).unwrap();
    let task = Task::from_cache(&cache, 10).unwrap();
    let splits = task.splits();
    assert_eq!(
        (splits.n_repeats(), splits.n_folds(), splits.n_samples()),
        (2, 1, 1)
    );
    let all: Vec<u32> = (0..150).collect();
    for unit in splits.units() {
        assert_eq!((&unit.train, &unit.test), (&all, &all));
    }
    assert_eq!(task.class_labels(), None);
}

/// Audit D3: a learning-curve task whose split file is as OpenML's EvaluationEngine writes it
/// (72 rows, 10 folds: folds 0-1 train on 64 rows and have one sample, folds 2-9 train on 65
/// and have two) is read with openml-python's dimensions and written back whole.
#[test]
fn an_engine_curve_with_more_samples_in_later_folds_reads_and_writes_back() {
    let mut builder = LocalTaskBuilder::new();
    builder.resampling("curve:10".parse().unwrap());
    let local = builder
        .build(oml_testkit::stand_in("g72", 72, &["a", "b"]))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path(), Server::Www);
    local.write_to_cache(&cache, 7, 7).unwrap();
    let engine = crate::splits::engine_curve_units(local.splits());
    let text = crate::splits::curve_file(&engine);
    std::fs::write(cache.splits_arff(7).unwrap(), text).unwrap();

    let task = Task::from_cache(&cache, 7).unwrap();
    assert_eq!(task.description().procedure.number_samples, Some(1));
    let splits = task.splits();
    assert_eq!(
        (splits.n_repeats(), splits.n_folds(), splits.n_samples()),
        (1, 10, 1)
    );
    let run: Vec<_> = splits.units().iter().map(|u| u.train.len()).collect();
    assert_eq!(run, [64; 10]);
    assert_eq!(splits.extra_units().len(), 8);
    assert_eq!(task.summary().splits.len(), 10);

    let other = tempfile::tempdir().unwrap();
    let other = Cache::new(other.path(), Server::Www);
    task.write_to_cache(&other, 7, 7).unwrap();
    let back = Task::from_cache(&other, 7).unwrap();
    assert_eq!(back.splits(), splits);
    assert_eq!(back.splits().extra_units(), splits.extra_units());
}
