//! Split files: OpenML's own (fixtures/openml, copied from OpenML's test files), bad ones written on the fly,
//! and properties of generated splits.

use std::path::{Path, PathBuf};

use oml_task::{
    ProcedureDescription, Resampling, SplitUnit, Splits, TaskDescription, TaskType, generate,
    learning_curve_samples, learning_curve_size,
};
use proptest::prelude::*;

fn fixture(task: u32) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/openml/tasks")
        .join(task.to_string())
        .join("datasplits.arff")
}

/// Checks a 1 x 10 cross-validation split file of `n` rows.
fn check_ten_fold(task: u32, n: usize, test_sizes: [usize; 2], first_train: u32) {
    let path = fixture(task);
    let splits = Splits::read_path(&path).unwrap();
    assert_eq!(
        (splits.n_repeats(), splits.n_folds(), splits.n_samples()),
        (1, 10, 1)
    );
    assert_eq!(splits.units().len(), 10);
    let mut tested = vec![0; n];
    for (fold, unit) in (0..).zip(splits.units()) {
        assert_eq!((unit.repeat, unit.fold, unit.sample), (0, fold, 0));
        assert!(test_sizes.contains(&unit.test.len()), "{}", unit.test.len());
        assert_eq!(unit.train.len() + unit.test.len(), n);
        for &row in &unit.test {
            tested[row as usize] += 1;
        }
    }
    assert!(tested.iter().all(|&t| t == 1));
    // File order is kept: the first TRAIN line of the file is the first train row.
    assert_eq!(splits.units()[0].train[0], first_train);
    assert_eq!(splits.get(0, 9, 0), splits.units().last());

    splits.validate(n, true).unwrap();
    let err = splits.validate(n - 1, true).unwrap_err().to_string();
    let prefix = format!("{}: line ", path.display());
    assert!(err.starts_with(&prefix), "{err}");
    assert!(
        err.contains(&format!("row id {} ", n - 1)) && err.contains("out of range"),
        "{err}"
    );

    // Written and read back, the splits are equal.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("datasplits.arff");
    splits.write_path(&out).unwrap();
    assert_eq!(Splits::read_path(&out).unwrap(), splits);
}

#[test]
fn anneal_ten_fold_file() {
    check_ten_fold(1, 898, [89, 90], 16);
}

#[test]
fn kr_vs_kp_ten_fold_file() {
    check_ten_fold(3, 3196, [319, 320], 1300);
}

const HEADER: &str = "@relation bad_splits\n\n@attribute type {TRAIN,TEST}\n@attribute rowid numeric\n@attribute repeat numeric\n@attribute fold numeric\n\n@data\n";

/// Writes `text` as a split file in `dir`.
fn write(dir: &tempfile::TempDir, text: &str) -> PathBuf {
    let path = dir.path().join("datasplits.arff");
    std::fs::write(&path, text).unwrap();
    path
}

/// The error of reading `text` from a file, which must start with the file's path.
fn read_error(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, text);
    let err = Splits::read_path(&path).unwrap_err().to_string();
    let prefix = format!("{}: ", path.display());
    err.strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("`{err}` does not name {}", path.display()))
        .to_owned()
}

/// The error of validating the splits in `text` against `n` rows, which must name the file.
fn validate_error(text: &str, n: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, text);
    let splits = Splits::read_path(&path).unwrap();
    let err = splits.validate(n, true).unwrap_err().to_string();
    let prefix = format!("{}: ", path.display());
    err.strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("`{err}` does not name {}", path.display()))
        .to_owned()
}

#[test]
fn bad_type_names_the_line() {
    let text = "@relation bad_splits\n@attribute type {TRAIN,TEST,OTHER}\n@attribute rowid numeric\n@attribute repeat numeric\n@attribute fold numeric\n@data\nTRAIN,0,0,0\nTEST,1,0,0\nOTHER,2,0,0\n";
    assert_eq!(
        read_error(text),
        "line 9: type `OTHER` is neither TRAIN nor TEST"
    );
}

#[test]
fn row_in_train_and_test_names_the_line() {
    let text = format!("{HEADER}TRAIN,0,0,0\nTRAIN,1,0,0\nTEST,2,0,0\nTEST,1,0,0\n");
    assert_eq!(
        read_error(&text),
        "line 12: row id 1 is in both TRAIN and TEST of repeat 0, fold 0, sample 0 (also at line 10)"
    );
}

#[test]
fn negative_rowid_names_the_line() {
    let text = format!("{HEADER}TRAIN,0,0,0\nTEST,-3,0,0\n");
    assert_eq!(read_error(&text), "line 10: negative rowid -3");
}

#[test]
fn missing_fold_column_names_the_file() {
    let text = "@relation bad_splits\n@attribute type {TRAIN,TEST}\n@attribute rowid numeric\n@attribute repeat numeric\n@data\nTRAIN,0,0\nTEST,1,0\n";
    assert_eq!(
        read_error(text),
        "no `fold` attribute; a split file has type, rowid, repeat, fold and optionally sample"
    );
}

#[test]
fn missing_fold_names_the_file() {
    let text = format!("{HEADER}TRAIN,1,0,1\nTEST,0,0,1\n");
    assert_eq!(
        read_error(&text),
        "repeat 0, fold 0, sample 0 is missing (the splits have repeats 0..1, folds 0..2 and \
         samples 0..1, so every combination must be present once)"
    );
}

#[test]
fn rowid_out_of_range_names_the_line() {
    let text = format!("{HEADER}TRAIN,1,0,0\nTEST,0,0,0\nTRAIN,0,0,1\nTEST,1,0,1\nTRAIN,2,0,1\n");
    assert_eq!(
        validate_error(&text, 2),
        "line 13: row id 2 (in repeat 0, fold 1, sample 0) is out of range: the dataset has 2 rows"
    );
}

#[test]
fn test_folds_that_do_not_partition_name_the_repeat() {
    // Repeat 1 tests row 1 twice and row 2 never.
    let text = format!(
        "{HEADER}TRAIN,2,0,0\nTEST,0,0,0\nTEST,1,0,0\nTRAIN,0,0,1\nTRAIN,1,0,1\nTEST,2,0,1\n\
         TRAIN,2,1,0\nTEST,0,1,0\nTEST,1,1,0\nTRAIN,0,1,1\nTRAIN,2,1,1\nTEST,1,1,1\n"
    );
    assert_eq!(
        validate_error(&text, 3),
        "repeat 1: row id 1 is tested in fold 0 and again in fold 1; the test folds must \
         partition the 3 rows"
    );
}

/// A dataset size, a class per row (1 to 5 classes), folds clamped to the size, repeats and a
/// seed.
fn dataset() -> impl Strategy<Value = (usize, Vec<usize>, u32, u32, u64)> {
    (2usize..300, 1usize..6).prop_flat_map(|(n, n_classes)| {
        (
            Just(n),
            proptest::collection::vec(0..n_classes, n),
            (2u32..=10).prop_map(move |folds| folds.min(n as u32)),
            1u32..=3,
            any::<u64>(),
        )
    })
}

fn all_rows(unit: &oml_task::SplitUnit) -> Vec<u32> {
    let mut rows: Vec<u32> = unit.train.iter().chain(&unit.test).copied().collect();
    rows.sort_unstable();
    rows
}

proptest! {
    #[test]
    fn cross_validation_partitions_every_repeat(
        (n, classes, folds, repeats, seed) in dataset(),
        stratified in any::<bool>(),
    ) {
        let cv = Resampling::CrossValidation { repeats, folds, stratified };
        let splits = generate(&cv, n, Some(&classes), seed, "p").unwrap();
        prop_assert_eq!(
            (splits.n_repeats(), splits.n_folds(), splits.n_samples()),
            (repeats, folds, 1)
        );
        prop_assert!(splits.validate(n, true).is_ok());
        let everything: Vec<u32> = (0..n as u32).collect();
        for unit in splits.units() {
            // Disjoint and together all rows: sorted union without duplicates is 0..n.
            prop_assert_eq!(all_rows(unit), everything.clone());
            let sizes = (n / folds as usize, n.div_ceil(folds as usize));
            prop_assert!(unit.test.len() == sizes.0 || unit.test.len() == sizes.1);
        }
    }

    #[test]
    fn stratified_folds_keep_class_counts_within_one(
        (n, classes, folds, repeats, seed) in dataset(),
    ) {
        let cv = Resampling::CrossValidation { repeats, folds, stratified: true };
        let splits = generate(&cv, n, Some(&classes), seed, "p").unwrap();
        let n_classes = classes.iter().max().unwrap() + 1;
        for c in 0..n_classes {
            let total = classes.iter().filter(|&&k| k == c).count() as f64;
            for unit in splits.units() {
                let count = unit.test.iter().filter(|&&r| classes[r as usize] == c).count();
                prop_assert!(
                    (count as f64 - total / f64::from(folds)).abs() < 1.0,
                    "class {} has {} of {} rows in {:?}", c, count, total, unit
                );
            }
        }
    }

    #[test]
    fn generation_depends_only_on_the_seed(
        (n, classes, folds, repeats, seed) in dataset(),
        stratified in any::<bool>(),
    ) {
        let cv = Resampling::CrossValidation { repeats, folds, stratified };
        let a = generate(&cv, n, Some(&classes), seed, "p").unwrap();
        let b = generate(&cv, n, Some(&classes), seed, "p").unwrap();
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.to_arff().to_bytes().unwrap(), b.to_arff().to_bytes().unwrap());
        // A repeat does not depend on the others.
        let one = Resampling::CrossValidation { repeats: 1, folds, stratified };
        let first = generate(&one, n, Some(&classes), seed, "p").unwrap();
        prop_assert_eq!(first.units(), &a.units()[..folds as usize]);
        if n >= 20 {
            let other = generate(&cv, n, Some(&classes), seed.wrapping_add(1), "p").unwrap();
            prop_assert_ne!(&a, &other);
        }
    }

    #[test]
    fn learning_curve_samples_are_nested_prefixes(
        (n, classes, folds, repeats, seed) in dataset(),
        stratified in any::<bool>(),
    ) {
        let lc = Resampling::LearningCurve { repeats, folds, stratified };
        let splits = generate(&lc, n, Some(&classes), seed, "p").unwrap();
        let cv = Resampling::CrossValidation { repeats, folds, stratified };
        let plain = generate(&cv, n, Some(&classes), seed, "p").unwrap();
        let samples = splits.n_samples();
        prop_assert_eq!(samples, oml_task::learning_curve_samples(plain.units()[0].train.len()));
        prop_assert!(splits.validate(n, true).is_ok());
        for repeat in 0..repeats {
            for fold in 0..folds {
                let full = plain.get(repeat, fold, 0).unwrap();
                for sample in 0..samples {
                    let unit = splits.get(repeat, fold, sample).unwrap();
                    prop_assert_eq!(&unit.test, &full.test);
                    if sample + 1 < samples {
                        let next = splits.get(repeat, fold, sample + 1).unwrap();
                        prop_assert!(next.train.starts_with(&unit.train));
                        prop_assert!(unit.train.len() < next.train.len());
                    } else {
                        let (mut a, mut b) = (unit.train.clone(), full.train.clone());
                        a.sort_unstable();
                        b.sort_unstable();
                        prop_assert_eq!(a, b, "the last sample trains on the whole fold");
                    }
                    if stratified {
                        // Every prefix keeps each class's share of the fold within one row.
                        let full_train = &splits.get(repeat, fold, samples - 1).unwrap().train;
                        for class in 0..=*classes.iter().max().unwrap() {
                            let count = |rows: &[u32]| {
                                rows.iter().filter(|&&r| classes[r as usize] == class).count() as f64
                            };
                            let share = count(full_train) * unit.train.len() as f64
                                / full_train.len() as f64;
                            prop_assert!((count(&unit.train) - share).abs() <= 1.0);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn holdout_tests_the_rounded_percentage(
        (n, classes, _folds, repeats, seed) in dataset(),
        percentage in 1.0f64..99.0,
        stratified in any::<bool>(),
    ) {
        let holdout = Resampling::Holdout { repeats, percentage, stratified };
        let n_test = (n as f64 * percentage / 100.0).round() as usize;
        let result = generate(&holdout, n, Some(&classes), seed, "p");
        if n_test == 0 || n_test == n {
            prop_assert!(result.is_err());
            return Ok(());
        }
        let splits = result.unwrap();
        prop_assert_eq!(
            (splits.n_repeats(), splits.n_folds(), splits.n_samples()),
            (repeats, 1, 1)
        );
        let everything: Vec<u32> = (0..n as u32).collect();
        for unit in splits.units() {
            prop_assert_eq!(unit.test.len(), n_test);
            prop_assert_eq!(all_rows(unit), everything.clone());
            if stratified {
                for c in 0..6 {
                    let total = classes.iter().filter(|&&k| k == c).count() as f64;
                    let count = unit.test.iter().filter(|&&r| classes[r as usize] == c).count();
                    prop_assert!((count as f64 - total * n_test as f64 / n as f64).abs() < 1.0);
                }
            }
        }
    }
}

// Review findings on issue 3.

#[test]
fn test_on_training_data_puts_every_row_in_both_sets() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEADER}TRAIN,0,0,0\nTRAIN,1,0,0\nTEST,1,0,0\nTEST,0,0,0\n");
    let splits = Splits::read_path(&write(&dir, &text)).unwrap();
    assert_eq!(splits.units()[0].train, vec![0, 1]);
    assert_eq!(splits.units()[0].test, vec![1, 0]);
    splits.validate(2, false).unwrap();
}

#[test]
fn a_row_twice_in_one_set_names_both_lines() {
    let text = format!("{HEADER}TRAIN,0,0,0\nTRAIN,0,0,0\nTEST,1,0,0\n");
    assert_eq!(
        read_error(&text),
        "line 10: row id 0 is twice in TRAIN of repeat 0, fold 0, sample 0 (also at line 9)"
    );
}

#[test]
fn huge_repeat_and_fold_numbers_are_an_error_not_a_panic() {
    let text = format!("{HEADER}TRAIN,0,4294967295,4294967295\n");
    let err = read_error(&text);
    assert!(err.contains("cannot fill the grid"), "{err}");
}

// Audit D3: learning-curve split files as OpenML's EvaluationEngine writes them.

/// Cross-validation splits of `n` rows in `folds` folds, one repeat, as OpenML's engine makes
/// them (Weka's testCV: the first `n % folds` test folds are one row larger).
pub(crate) fn engine_folds(n: usize, folds: u32) -> Splits {
    let cv = Resampling::CrossValidation {
        repeats: 1,
        folds,
        stratified: false,
    };
    generate(&cv, n, None, 3, "engine").unwrap()
}

/// The learning-curve units OpenML's EvaluationEngine writes for the folds `cv`
/// (LearningCurveSplitsGenerator): each fold gets the samples of its own training size, so a
/// fold that trains on one row more can get one sample more.
pub(crate) fn engine_curve_units(cv: &Splits) -> Vec<SplitUnit> {
    let mut units = Vec::new();
    for fold in cv.units() {
        let n = fold.train.len();
        for sample in 0..learning_curve_samples(n) {
            units.push(SplitUnit {
                sample,
                train: fold.train[..learning_curve_size(sample, n)].to_vec(),
                ..fold.clone()
            });
        }
    }
    units
}

/// `units` as the text of a split file with a `sample` column, in the engine's layout: per
/// unit all TRAIN lines, then all TEST lines.
pub(crate) fn curve_file(units: &[SplitUnit]) -> String {
    let mut text = String::from(
        "@RELATION engine_splits\n@ATTRIBUTE type {TRAIN,TEST}\n@ATTRIBUTE rowid NUMERIC\n\
         @ATTRIBUTE repeat NUMERIC\n@ATTRIBUTE fold NUMERIC\n@ATTRIBUTE sample NUMERIC\n@DATA\n",
    );
    for u in units {
        for (kind, rows) in [("TRAIN", &u.train), ("TEST", &u.test)] {
            for row in rows {
                let line = format!("{kind},{row},{},{},{}\n", u.repeat, u.fold, u.sample);
                text.push_str(&line);
            }
        }
    }
    text
}

fn curve_procedure(samples: u32) -> ProcedureDescription {
    ProcedureDescription {
        kind: "crossvalidation".into(),
        number_repeats: Some(1),
        number_folds: Some(10),
        number_samples: Some(samples),
        ..ProcedureDescription::default()
    }
}

#[test]
fn an_engine_curve_whose_later_folds_have_more_samples_runs_the_samples_of_fold_zero() {
    let cv = engine_folds(72, 10);
    let train_sizes: Vec<usize> = cv.units().iter().map(|u| u.train.len()).collect();
    assert_eq!(train_sizes, [64, 64, 65, 65, 65, 65, 65, 65, 65, 65]);
    let engine = engine_curve_units(&cv);
    assert_eq!(engine.len(), 2 + 8 * 2);

    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, &curve_file(&engine));
    let splits = Splits::read_path(&path).unwrap();
    // openml-python's dimensions: (1, 10, 1), samples from repeat 0, fold 0.
    assert_eq!(
        (splits.n_repeats(), splits.n_folds(), splits.n_samples()),
        (1, 10, 1)
    );
    assert_eq!(splits.units().len(), 10);
    for (fold, (unit, full)) in (0..).zip(splits.units().iter().zip(cv.units())) {
        assert_eq!((unit.repeat, unit.fold, unit.sample), (0, fold, 0));
        assert_eq!(
            unit.train,
            full.train[..64],
            "fold {fold} trains on sample 0's rows"
        );
        assert_eq!(unit.test, full.test);
    }
    // The second samples of folds 2-9 are kept apart, not run.
    let extra: Vec<_> = splits
        .extra_units()
        .iter()
        .map(|u| (u.fold, u.sample, u.train.len()))
        .collect();
    assert_eq!(extra, (2..10).map(|f| (f, 1, 65)).collect::<Vec<_>>());
    splits.validate(72, true).unwrap();

    // A learning-curve task takes it, with number_samples 1 or more.
    let mut curve = TaskDescription {
        task_id: Some(7),
        task_type: TaskType::LearningCurve,
        dataset_id: Some(7),
        target: Some("class".into()),
        procedure: curve_procedure(1),
        evaluation_measures: Vec::new(),
        tags: Vec::new(),
    };
    splits.check_for_task(&curve, 72).unwrap();
    curve.procedure.number_samples = Some(2);
    splits.check_for_task(&curve, 72).unwrap();
    // Another task type does not.
    let classification = TaskDescription {
        task_type: TaskType::SupervisedClassification,
        procedure: ProcedureDescription {
            number_samples: None,
            ..curve_procedure(1)
        },
        ..curve
    };
    let err = splits.check_for_task(&classification, 72).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: repeat 0, fold 2 has 2 samples, more than the 1 of repeat 0, fold 0; only the \
             folds of a learning curve may differ in their samples",
            path.display()
        )
    );

    // Written and read back, the extra samples included.
    let out = dir.path().join("written.arff");
    splits.write_path(&out).unwrap();
    let back = Splits::read_path(&out).unwrap();
    assert_eq!(back, splits);
    assert_eq!(back.extra_units(), splits.extra_units());
}

#[test]
fn an_extra_sample_is_checked_as_the_others_are() {
    let cv = engine_folds(72, 10);
    let mut engine = engine_curve_units(&cv);
    // Fold 9's second sample tests one row fewer.
    engine.last_mut().unwrap().test.pop();
    let err = validate_error(&curve_file(&engine), 72);
    assert_eq!(
        err,
        "repeat 0, fold 9, sample 1 tests other rows than sample 0 of its repeat and fold; the \
         samples of a learning curve share their test rows"
    );
    // A row out of range in an extra sample is found there.
    let mut engine = engine_curve_units(&cv);
    engine.last_mut().unwrap().train.push(72);
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, &curve_file(&engine));
    let err = Splits::read_path(&path).unwrap().validate(72, true);
    let err = err.unwrap_err().to_string();
    assert!(
        err.contains("row id 72 (in repeat 0, fold 9, sample 1) is out of range"),
        "{err}"
    );
}

#[test]
fn a_fold_with_fewer_samples_than_fold_zero_is_refused_naming_it() {
    // The engine's folds numbered backwards: fold 0 has two samples, folds 8 and 9 one.
    let cv = engine_folds(72, 10);
    let mut units = engine_curve_units(&cv);
    for unit in &mut units {
        unit.fold = 9 - unit.fold;
    }
    assert_eq!(
        read_error(&curve_file(&units)),
        "repeat 0, fold 8 has 1 samples, fewer than the 2 of repeat 0, fold 0, which every \
         fold must have"
    );
}

#[test]
fn a_gap_in_the_samples_of_a_fold_is_refused_naming_it() {
    let cv = engine_folds(72, 10);
    let mut units = engine_curve_units(&cv);
    // Fold 3 has samples 0 and 2.
    for unit in units.iter_mut().filter(|u| u.fold == 3 && u.sample == 1) {
        unit.sample = 2;
    }
    assert_eq!(
        read_error(&curve_file(&units)),
        "repeat 0, fold 3, sample 1 is missing, but sample 2 is there; the samples of a fold \
         run from 0 without a gap"
    );
}
