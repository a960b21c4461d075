//! A run directory is replaced whole.

use crate::common::make_run;

#[test]
fn a_directory_is_written_and_replaced_whole() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("runs").join("one");
    oml_run::write_directory(
        &dir,
        &[("a.txt", b"first".to_vec()), ("b.txt", b"second".to_vec())],
    )
    .unwrap();
    assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"first");
    oml_run::write_directory(&dir, &[("a.txt", b"again".to_vec())]).unwrap();
    assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"again");
    assert!(
        !dir.join("b.txt").exists(),
        "the old directory is gone, not merged"
    );
    let leftovers: Vec<_> = std::fs::read_dir(root.path().join("runs"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("one")]);
}

/// A run of the decision tree on iris, as `oml run` makes it.
fn iris_run() -> oml_run::Run {
    let task = oml_task::LocalTaskBuilder::new()
        .from_source("builtin:iris")
        .unwrap();
    make_run(&task, "builtin:iris", "decision-tree", 0)
}

#[test]
fn a_run_round_trips_through_its_directory() {
    let root = tempfile::tempdir().unwrap();
    let run = iris_run();
    assert!(
        run.manifest.crates.contains_key("linfa-trees"),
        "versions come from Cargo.lock"
    );
    assert_eq!(run.manifest.digests["dataset"].len(), 64);
    let dir = root.path().join("run");
    run.save(&dir).unwrap();
    let back = oml_run::Run::load(&dir).unwrap();
    // Every part, numbers bit for bit (serde_json parses floats exactly: float_roundtrip).
    assert!(back == run, "the run read back differs");
    // Missing and broken files are named.
    std::fs::write(dir.join("manifest.json"), b"{").unwrap();
    let error = oml_run::Run::load(&dir).unwrap_err().to_string();
    assert!(error.contains("manifest.json"), "{error}");
    std::fs::remove_file(dir.join("flow.xml")).unwrap();
    let error = oml_run::Run::load(&dir).unwrap_err().to_string();
    assert!(error.contains("flow.xml"), "{error}");
}
