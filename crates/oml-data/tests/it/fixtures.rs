//! Every ARFF and Parquet file in fixtures/openml (real files from the OpenML server)
//! loads, with the counts the files declare. The files are read in place, never copied.

use std::path::{Path, PathBuf};

use oml_data::arff::{AttributeKind, Column};
use oml_data::{ArffReader, DatasetLoader, FeatureKind, read_parquet};

fn openml_fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/openml")
        .join(path)
}

/// The attribute and data-row counts of an ARFF file, by a plain scan of its lines.
fn declared_counts(path: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut attributes = 0;
    let mut rows = 0;
    let mut in_data = false;
    for line in text.lines().map(str::trim) {
        let lower = line.to_ascii_lowercase();
        if in_data {
            rows += usize::from(!line.is_empty() && !line.starts_with('%'));
        } else if lower.starts_with("@attribute") {
            attributes += 1;
        } else if lower.starts_with("@data") {
            in_data = true;
        }
    }
    (attributes, rows)
}

#[test]
fn every_arff_fixture_loads_with_its_declared_counts() {
    let files = [
        "datasets/-1/dataset.arff",
        "tasks/1/datasplits.arff",
        "tasks/3/datasplits.arff",
        "misc/trace.arff",
    ];
    for file in files {
        let path = openml_fixture(file);
        let arff = ArffReader::new()
            .read_path(&path)
            .unwrap_or_else(|e| panic!("{e}"));
        let (attributes, rows) = declared_counts(&path);
        assert_eq!(arff.attributes.len(), attributes, "{file}");
        assert_eq!(arff.n_rows(), rows, "{file}");
        assert!(arff.columns.iter().all(|c| c.len() == rows), "{file}");
    }
}

#[test]
fn sparse_dexter() {
    let path = openml_fixture("datasets/-1/dataset.arff");
    let arff = ArffReader::new().read_path(&path).unwrap();
    // The header declares 20,000 numeric attributes and the nominal class {-1, 1}, as the
    // dataset's qualities.xml says (NumberOfNumericFeatures 20000, NumberOfSymbolicFeatures 1).
    assert_eq!(arff.attributes.len(), 20_001);
    let numeric = arff
        .attributes
        .iter()
        .filter(|a| a.kind == AttributeKind::Numeric)
        .count();
    assert_eq!(numeric, 20_000);
    assert_eq!(
        arff.attributes[20_000].kind,
        AttributeKind::Nominal(vec!["-1".into(), "1".into()])
    );
    // This copy holds two rows: `{9 105,38 85,...,20000 1}` and `{...,20000 -1}`.
    assert_eq!(arff.n_rows(), 2);
    let Column::Numeric(a9) = &arff.columns[9] else {
        panic!("a_9 is numeric")
    };
    assert_eq!(a9, &vec![105.0, 0.0]);
    let Column::Numeric(a38) = &arff.columns[38] else {
        panic!("a_38 is numeric")
    };
    assert_eq!(a38[0], 85.0);
    assert_eq!(arff.columns[20_000], Column::Nominal(vec![1, 0]));
    // Omitted entries are zeros: row 0 sets only a few hundred of the 20,000.
    let set_in_row_0 = arff.columns[..20_000]
        .iter()
        .filter(|c| !c.is_sparse_default(0))
        .count();
    let written = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap()
        .matches(',')
        .count();
    assert_eq!(
        set_in_row_0, written,
        "every entry but the class is a non-zero value"
    );

    let loaded = DatasetLoader::new()
        .description(openml_fixture("datasets/-1/description.xml"))
        .load(path.to_str().unwrap())
        .unwrap();
    assert_eq!(loaded.dataset.name(), "dexter");
    assert_eq!(loaded.dataset.default_target(), Some("class"));
    let target = loaded.dataset.class_target("class").unwrap();
    assert_eq!(target.labels, ["-1", "1"]);
    assert_eq!(target.classes.to_vec(), vec![1, 0]);
}

#[test]
fn split_files() {
    let arff = ArffReader::new()
        .read_path(openml_fixture("tasks/1/datasplits.arff"))
        .unwrap();
    let names: Vec<_> = arff.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["type", "rowid", "repeat", "fold"]);
    let (Column::Nominal(kind), Column::Numeric(rowid), Column::Numeric(fold)) =
        (&arff.columns[0], &arff.columns[1], &arff.columns[3])
    else {
        panic!("type is nominal, rowid and fold numeric")
    };
    // The first data line is `TRAIN,16,0,0`.
    assert_eq!((kind[0], rowid[0], fold[0]), (0, 16.0, 0.0));
    // Anneal has 898 rows; in 10-fold CV each is tested once and trained on nine times.
    let tests = kind.iter().filter(|&&k| k == 1).count();
    assert_eq!(tests, 898);
    assert_eq!(kind.len() - tests, 9 * 898);
}

#[test]
fn trace_file() {
    let arff = ArffReader::new()
        .read_path(openml_fixture("misc/trace.arff"))
        .unwrap();
    assert_eq!(arff.relation, "openml_task_11_predictions");
    let Column::String(strategy) = &arff.columns[11] else {
        panic!("parameter_imputation__strategy is a string")
    };
    // `'\"median\"'`: the escaped quotes are part of the value.
    assert_eq!(strategy[0].as_deref(), Some("\"median\""));
    let Column::Nominal(selected) = &arff.columns[4] else {
        panic!("selected is nominal")
    };
    // `selected {true, false}`; the first rows say false, false, true.
    assert_eq!(&selected[..3], &[1, 1, 0]);
}

#[test]
fn parquet_abalone() {
    let dataset = read_parquet(openml_fixture("datasets/30/dataset_30.pq")).unwrap();
    assert_eq!(dataset.n_rows(), 4177);
    assert_eq!(dataset.features().len(), 9);
    let sex = dataset.feature("Sex").unwrap();
    // The Arrow dictionary is ordered M, F, I: the declared order, not the sorted one.
    assert_eq!(
        sex.kind,
        FeatureKind::Nominal(vec!["M".into(), "F".into(), "I".into()])
    );
    let rings = dataset.feature("Class_number_of_rings").unwrap();
    let expected: Vec<String> = (1..=29).map(|r| r.to_string()).collect();
    assert_eq!(rings.kind, FeatureKind::Nominal(expected));
    assert_eq!(
        dataset.feature("Length").unwrap().kind,
        FeatureKind::Numeric
    );
    let x = dataset
        .design_matrix(Some("Class_number_of_rings"))
        .unwrap()
        .x;
    // First row: M, 0.455, ...; rings 15.
    assert_eq!(x[[0, 0]], 0.0);
    assert_eq!(x[[0, 1]], 0.455);
    let rings = dataset.class_target("Class_number_of_rings").unwrap();
    assert_eq!(rings.labels[rings.classes[0]], "15");
    assert_eq!(rings.labels[rings.classes[1]], "7");
}
