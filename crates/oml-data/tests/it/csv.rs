//! CSV read as pandas' `read_csv` reads it with its defaults, or refused with an error that names
//! the file and the line. Each test is a finding of the dataset-input audit, which oml got wrong
//! before.

use std::path::Path;

use oml_data::{Dataset, Error, FeatureKind, load};

use crate::load::write;

fn load_bytes(dir: &Path, name: &str, bytes: &[u8]) -> oml_data::Result<Dataset> {
    load(write(dir, name, bytes).to_str().unwrap())
}

/// The values of numeric column `name`, `NaN` for missing.
fn numbers(dataset: &Dataset, name: &str) -> Vec<f64> {
    let x = dataset.design_matrix(None).unwrap();
    let column = x.columns.iter().position(|c| c.name == name).unwrap();
    x.x.column(column).to_vec()
}

/// (name, kind, missing) of every column.
fn columns(dataset: &Dataset) -> Vec<(String, &'static str, usize)> {
    dataset
        .features()
        .iter()
        .map(|f| (f.name.clone(), f.kind.name(), f.missing))
        .collect()
}

#[test]
fn blank_lines_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    for text in [
        "a,b,c\n1,2,x\n3,4,y\n\n",
        "a,b,c\n1,2,x\n\n3,4,y\n",
        "\na,b,c\n1,2,x\n  \n3,4,y\n\t\n\n",
        "a,b,c\r\n1,2,x\r\n\r\n3,4,y\r\n\r\n",
    ] {
        let dataset = load_bytes(dir.path(), "blank.csv", text.as_bytes()).unwrap();
        assert_eq!(dataset.n_rows(), 2, "{text:?}");
        assert_eq!(
            columns(&dataset),
            [
                ("a".into(), "numeric", 0),
                ("b".into(), "numeric", 0),
                ("c".into(), "nominal", 0)
            ],
            "{text:?}"
        );
        assert_eq!(numbers(&dataset, "a"), [1.0, 3.0], "{text:?}");
    }
}

#[test]
fn missing_value_spellings_keep_a_column_numeric() {
    let dir = tempfile::tempdir().unwrap();
    for cell in [
        "", "?", "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "null", "NULL", "None", "#N/A",
        "#N/A N/A", "#NA", "<NA>", "-1.#IND", "-1.#QNAN", "1.#IND", "1.#QNAN", " NA ", "\"NA\"",
    ] {
        let text = format!("a,b\n1,x\n2,y\n{cell},x\n");
        let dataset = load_bytes(dir.path(), "k.csv", text.as_bytes()).unwrap();
        assert_eq!(
            columns(&dataset),
            [("a".into(), "numeric", 1), ("b".into(), "nominal", 0)],
            "{cell:?}"
        );
    }
    // In a text column too.
    let dataset = load_bytes(dir.path(), "t.csv", b"a,b\n1,x\n2,NA\n3,None\n").unwrap();
    assert_eq!(
        dataset.feature("b").unwrap().kind,
        FeatureKind::Nominal(vec!["x".into()])
    );
    assert_eq!(dataset.feature("b").unwrap().missing, 2);
}

#[test]
fn padded_and_signed_numbers_are_numbers() {
    let dir = tempfile::tempdir().unwrap();
    for (cell, value) in [
        (" 3", 3.0),
        ("3 ", 3.0),
        ("\t3", 3.0),
        ("+3", 3.0),
        (" +3.5 ", 3.5),
        ("\"3\"", 3.0),
        ("1e3", 1000.0),
        ("inf", f64::INFINITY),
        ("-Infinity", f64::NEG_INFINITY),
    ] {
        let text = format!("a,b\n1,x\n2,y\n{cell},x\n");
        let dataset = load_bytes(dir.path(), "k.csv", text.as_bytes()).unwrap();
        assert_eq!(numbers(&dataset, "a"), [1.0, 2.0, value], "{cell:?}");
    }
    // Text that only looks like a number stays text.
    for cell in ["0x10", "1_000", "1,5", "3a", "++3", "TRUE3"] {
        let text = format!("a,b\n1,x\n2,y\n\"{cell}\",x\n");
        let dataset = load_bytes(dir.path(), "k.csv", text.as_bytes()).unwrap();
        assert_eq!(
            dataset.feature("a").unwrap().kind.name(),
            "nominal",
            "{cell:?}"
        );
    }
    // The layout `1, 2` and a lower-case `nan` no longer make a regression target nominal.
    let reg = write(
        dir.path(),
        "reg.csv",
        b"x,y\n1,10.5\n2, 11.0\n3,12.25\n4,13.0\n5,nan\n6,15.5\n",
    );
    let dataset = load(reg.to_str().unwrap()).unwrap();
    assert_eq!(
        columns(&dataset),
        [("x".into(), "numeric", 0), ("y".into(), "numeric", 1)]
    );
    assert_eq!(numbers(&dataset, "y")[1], 11.0);
    let err = dataset.regression_target("y").unwrap_err().to_string();
    assert!(
        err.contains("reg.csv: line 6: target `y` has no value"),
        "{err}"
    );
}

#[test]
fn booleans_are_nominal_false_and_true() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = load_bytes(dir.path(), "b.csv", b"a,b\ntrue,1\nFALSE,2\n,3\n").unwrap();
    let feature = dataset.feature("a").unwrap();
    assert_eq!(
        feature.kind,
        FeatureKind::Nominal(vec!["False".into(), "True".into()])
    );
    assert_eq!(feature.missing, 1);
}

#[test]
fn a_byte_order_mark_before_a_quoted_header_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = load_bytes(dir.path(), "bomq.csv", b"\xef\xbb\xbf\"a,b\",c\n1,2\n3,4\n").unwrap();
    assert_eq!(
        columns(&dataset),
        [("a,b".into(), "numeric", 0), ("c".into(), "numeric", 0)]
    );
    assert_eq!(dataset.n_rows(), 2);
}

#[test]
fn a_lone_carriage_return_ends_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = load_bytes(dir.path(), "cronly.csv", b"a,b,c\r1,2,x\r3,4,y\r").unwrap();
    assert_eq!(
        columns(&dataset),
        [
            ("a".into(), "numeric", 0),
            ("b".into(), "numeric", 0),
            ("c".into(), "nominal", 0)
        ]
    );
    assert_eq!(numbers(&dataset, "b"), [2.0, 4.0]);
    // Inside quotes it is part of the value; lines are counted at every line end.
    let quoted = load_bytes(dir.path(), "q.csv", b"a,b\r\"x\ry\",1\r\"z\",2").unwrap();
    assert_eq!(
        quoted.feature("a").unwrap().kind,
        FeatureKind::Nominal(vec!["x\ry".into(), "z".into()])
    );
    let err = load_bytes(dir.path(), "r.csv", b"a,b\r\"x\ry\",1\r3\r")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("r.csv: line 4: 1 fields, but the header has 2"),
        "{err}"
    );
}

#[test]
fn a_quote_inside_an_unquoted_field_is_part_of_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = load_bytes(
        dir.path(),
        "pizza.csv",
        b"size,price\n12\" pizza,10\n16\" pizza,14\nx\"y\"z,6\n",
    )
    .unwrap();
    assert_eq!(
        dataset.feature("size").unwrap().kind,
        FeatureKind::Nominal(vec![
            "12\" pizza".into(),
            "16\" pizza".into(),
            "x\"y\"z".into()
        ])
    );
    assert_eq!(numbers(&dataset, "price"), [10.0, 14.0, 6.0]);
    // Text after a closing quote is an error naming the file, the line and the field.
    let err = load_bytes(dir.path(), "after.csv", b"a,b\n1,2\n3,\"p\"q\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("after.csv: line 3: field 2: text after the closing quote"),
        "{err}"
    );
}

#[test]
fn a_header_naming_a_column_twice_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for text in ["a,a,c\n1,2,x\n", "\"a\",b,a\n1,2,x\n"] {
        let err = load_bytes(dir.path(), "dup.csv", text.as_bytes()).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::Csv { line: 1, .. }), "{message}");
        assert!(
            message.contains("dup.csv: line 1: the header names column `a` twice"),
            "{message}"
        );
    }
}

#[test]
fn a_missing_target_names_the_file_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let arff = write(
        dir.path(),
        "mt.arff",
        b"@relation r\n@attribute x numeric\n@attribute c {a,b}\n@data\n1,a\n% c\n2,b\n3,?\n4,a\n",
    );
    let err = load(arff.to_str().unwrap())
        .unwrap()
        .class_target("c")
        .unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(
            err,
            Error::MissingTarget {
                row: 2,
                line: Some(8),
                ..
            }
        ),
        "{message}"
    );
    assert!(
        message.contains("mt.arff: line 8: target `c` has no class (missing value)"),
        "{message}"
    );
    let csv = write(dir.path(), "mt.csv", b"x,c\n1,a\n\n2,b\n3,?\n4,a\n");
    let message = load(csv.to_str().unwrap())
        .unwrap()
        .class_target("c")
        .unwrap_err()
        .to_string();
    assert!(message.contains("mt.csv: line 5: target `c`"), "{message}");
    // Read from no file, the row is named, from 0.
    let dataset = Dataset::from_arff(
        oml_data::Arff::from_bytes(b"@relation r\n@attribute c {a}\n@data\na\n?\n").unwrap(),
    )
    .unwrap();
    let message = dataset.class_target("c").unwrap_err().to_string();
    assert!(
        message.contains("dataset `r`, row 1 (from 0): target `c` has no class"),
        "{message}"
    );
}
