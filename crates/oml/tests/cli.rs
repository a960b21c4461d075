//! The `oml` binary, run for real in a temporary directory.

use std::process::Command;

fn oml(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_oml"))
        .args(args)
        .output()
        .expect("the oml binary runs")
}

#[test]
fn inspect_json_has_exactly_the_documented_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("toy.arff.gz");
    let arff = oml::data::Arff::from_bytes(
        b"@relation toy\n@attribute x numeric\n@attribute s string\n@attribute d date\n\
          @attribute c {'a b', c}\n@data\n1,'t',2001-01-01T00:00:00,c\n?,?,?,'a b'\n",
    )
    .unwrap();
    oml::data::ArffWriter::new()
        .write_path(&arff, &path)
        .unwrap();
    let output = oml(&["data", "inspect", "--json", path.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let expected = serde_json::json!({
        "n_rows": 2,
        "n_columns": 4,
        "columns": [
            {"name": "x", "kind": "numeric", "missing": 1, "categories": null},
            {"name": "s", "kind": "string", "missing": 1, "categories": null},
            {"name": "d", "kind": "date", "missing": 1, "categories": null},
            {"name": "c", "kind": "nominal", "missing": 0, "categories": ["a b", "c"]},
        ]
    });
    assert_eq!(json, expected);
}

#[test]
fn inspect_text_lists_every_column() {
    let output = oml(&["data", "inspect", "builtin:winequality"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("1599 rows, 12 columns\n"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("quality") && l.ends_with(" 6")),
        "{text}"
    );
}

#[test]
fn a_malformed_file_fails_with_its_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.arff");
    std::fs::write(&path, "@relation r\n@attribute x numeric\n@data\n1\nabc\n").unwrap();
    let output = oml(&["data", "inspect", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("bad.arff: line 5, column 1"), "{stderr}");
    assert!(stderr.contains("`abc` is not a number"), "{stderr}");
    assert!(output.stdout.is_empty());
}
