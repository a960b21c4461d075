//! A run directory is written whole, replaced only when oml wrote it, and never over what the
//! user has (issue 15, items 1 and 7).

use std::path::Path;

use oml_run::{Owned, Replace, write_directory};
use oml_testkit::make_run;

/// Files `a.txt` and `b.txt`; a directory of them is oml's when it holds `a.txt`.
const OWNED: Owned<'static> = Owned {
    names: &["a.txt", "b.txt"],
    written_by_oml: |dir| dir.join("a.txt").is_file(),
};

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_directory_is_written_and_replaced_whole() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("runs").join("one");
    let files = [("a.txt", b"first".to_vec()), ("b.txt", b"second".to_vec())];
    write_directory(&dir, &files, OWNED, Replace::Never).unwrap();
    assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"first");
    write_directory(&dir, &[("a.txt", b"again".to_vec())], OWNED, Replace::Owned).unwrap();
    assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"again");
    assert!(
        !dir.join("b.txt").exists(),
        "the old directory is gone, not merged"
    );
    assert_eq!(names(&root.path().join("runs")), ["one"]);
}

#[test]
fn out_dir_with_user_files_is_refused_and_kept() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("thesis");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("thesis.tex"), b"years of work").unwrap();
    std::fs::write(dir.join("a.txt"), b"a file oml would write").unwrap();
    for replace in [Replace::Never, Replace::Owned] {
        let error = write_directory(&dir, &[("a.txt", b"run".to_vec())], OWNED, replace)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("thesis") && error.contains("thesis.tex"),
            "the error names the directory and the file it keeps: {error}"
        );
        assert_eq!(
            std::fs::read(dir.join("thesis.tex")).unwrap(),
            b"years of work"
        );
        assert_eq!(
            std::fs::read(dir.join("a.txt")).unwrap(),
            b"a file oml would write"
        );
        assert_eq!(names(root.path()), ["thesis"], "nothing left behind");
    }
    // A sub-directory (a whole run store given by mistake) is kept too.
    let store = root.path().join("store");
    std::fs::create_dir_all(store.join("0123abcd")).unwrap();
    std::fs::write(store.join("0123abcd").join("a.txt"), b"a run").unwrap();
    assert!(write_directory(&store, &[("a.txt", b"x".to_vec())], OWNED, Replace::Owned).is_err());
    assert_eq!(
        std::fs::read(store.join("0123abcd").join("a.txt")).unwrap(),
        b"a run"
    );
}

#[test]
fn out_dir_that_holds_a_run_is_replaced_only_with_force() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("run");
    write_directory(&dir, &[("a.txt", b"first".to_vec())], OWNED, Replace::Never).unwrap();
    let error = write_directory(
        &dir,
        &[("a.txt", b"second".to_vec())],
        OWNED,
        Replace::Never,
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("force"), "{error}");
    assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"first");
    write_directory(
        &dir,
        &[("a.txt", b"second".to_vec())],
        OWNED,
        Replace::Owned,
    )
    .unwrap();
    assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"second");
    assert_eq!(names(root.path()), ["run"]);
}

#[test]
fn out_file_is_refused_and_an_empty_directory_is_used() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("notes.txt");
    std::fs::write(&file, b"notes").unwrap();
    let error = write_directory(&file, &[("a.txt", b"x".to_vec())], OWNED, Replace::Owned)
        .unwrap_err()
        .to_string();
    assert!(error.contains("not a directory"), "{error}");
    assert_eq!(std::fs::read(&file).unwrap(), b"notes");
    let empty = root.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    write_directory(&empty, &[("a.txt", b"x".to_vec())], OWNED, Replace::Never).unwrap();
    assert_eq!(std::fs::read(empty.join("a.txt")).unwrap(), b"x");
    assert_eq!(names(root.path()), ["empty", "notes.txt"]);
}

#[test]
fn out_dot_is_refused_leaving_nothing_behind() {
    // The current directory of this test process is the crate's; `.` and the directory by
    // its own path are refused before anything is written next to it.
    let here = std::env::current_dir().unwrap();
    let before = names(here.parent().unwrap());
    for dir in [Path::new("."), here.as_path(), Path::new("..")] {
        let error = write_directory(dir, &[("a.txt", b"x".to_vec())], OWNED, Replace::Owned)
            .unwrap_err()
            .to_string();
        assert!(error.contains("current directory"), "{error}");
    }
    assert_eq!(names(here.parent().unwrap()), before);
    assert!(!here.join("a.txt").exists());
}

#[test]
fn concurrent_writes_of_one_run_all_succeed_and_leave_one_run() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("KEY");
    for round in 0..20 {
        std::thread::scope(|scope| {
            for writer in 0..8 {
                let dir = &dir;
                scope.spawn(move || {
                    let contents = format!("round {round}").into_bytes();
                    let files = [("a.txt", contents.clone()), ("b.txt", contents)];
                    write_directory(dir, &files, OWNED, Replace::Owned)
                        .unwrap_or_else(|e| panic!("writer {writer}, round {round}: {e}"));
                });
            }
        });
        assert_eq!(names(root.path()), ["KEY"], "round {round}: leftovers");
        assert_eq!(names(&dir), ["a.txt", "b.txt"]);
        assert_eq!(
            std::fs::read(dir.join("b.txt")).unwrap(),
            format!("round {round}").into_bytes()
        );
    }
}

#[test]
fn a_failed_write_removes_its_partial_directory() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("run");
    // A file name that cannot be created (a missing sub-directory) fails the write.
    let files = [("missing/a.txt", b"x".to_vec())];
    assert!(write_directory(&dir, &files, OWNED, Replace::Owned).is_err());
    assert!(names(root.path()).is_empty(), "{:?}", names(root.path()));
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
    let dataset = &run.manifest.digests["dataset"];
    assert!(
        dataset.starts_with("sha256:") && dataset.len() == 7 + 64,
        "{dataset}"
    );
    let dir = root.path().join("run");
    run.save(&dir, Replace::Never).unwrap();
    let back = oml_run::Run::load(&dir).unwrap();
    oml_run::check_files(&dir).unwrap();
    // Every part, numbers bit for bit (serde_json parses floats exactly: float_roundtrip).
    assert!(back == run, "the run read back differs");
    // A file changed after the run was written is named; the record that tables read refuses a
    // changed summary (with the same value reformatted, too), and accepts the summary restored.
    assert!(oml_run::changed_files(&dir).unwrap().is_empty());
    let summary_path = dir.join("summary.json");
    let summary = std::fs::read(&summary_path).unwrap();
    let mut reformatted = summary.clone();
    reformatted.push(b'\n');
    std::fs::write(&summary_path, &reformatted).unwrap();
    let description_path = dir.join("description.xml");
    let description = std::fs::read_to_string(&description_path).unwrap();
    std::fs::write(&description_path, description.replace("gini", "entropy")).unwrap();
    assert_eq!(
        oml_run::changed_files(&dir).unwrap(),
        ["description.xml", "summary.json"]
    );
    let error = oml_run::check_files(&dir).unwrap_err().to_string();
    assert!(
        error.contains("description.xml") && error.contains("changed after the run was written"),
        "{error}"
    );
    let error = oml_run::RunRecord::load(&dir).unwrap_err().to_string();
    assert!(
        error.contains("summary.json") && error.contains("changed after the run was written"),
        "{error}"
    );
    std::fs::write(&summary_path, &summary).unwrap();
    assert_eq!(oml_run::RunRecord::load(&dir).unwrap().summary, run.summary);
    // Missing and broken files are named.
    std::fs::write(dir.join("manifest.json"), b"{").unwrap();
    let error = oml_run::Run::load(&dir).unwrap_err().to_string();
    assert!(error.contains("manifest.json"), "{error}");
    std::fs::remove_file(dir.join("flow.xml")).unwrap();
    let error = oml_run::Run::load(&dir).unwrap_err().to_string();
    assert!(error.contains("flow.xml"), "{error}");
}

/// `oml verify`'s comparison: a run against itself has no difference; a manifest that names
/// another task, flow or number of units than the run made again is one, named by field.
#[test]
fn compare_runs_names_manifest_fields_the_run_made_again_does_not_have() {
    let run = iris_run();
    assert!(oml_run::compare_runs(&run, &run).is_empty());
    let mut edited = run.clone();
    edited.manifest.task_id = Some(7);
    edited.manifest.flow_name = "something.Else".to_owned();
    edited.manifest.n_units += 1;
    let flow_name = format!(
        "manifest.json: flow_name is \"something.Else\" stored, \"{}\" in the run made again",
        run.manifest.flow_name
    );
    assert_eq!(
        oml_run::compare_runs(&edited, &run),
        [
            "manifest.json: task_id is 7 stored, null in the run made again",
            flow_name.as_str(),
            "manifest.json: n_units is 11 stored, 10 in the run made again",
        ]
    );
}

/// Files a user wrote under the names of a run's files are not taken for oml's, even with
/// force (`Replace::Owned`): a run directory is oml's only with oml's manifest. The same
/// directory with the manifest oml wrote is replaced.
#[test]
fn files_named_as_a_runs_are_not_oml_s_without_its_manifest() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("mine");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("predictions.arff"), b"keep").unwrap();
    std::fs::write(dir.join("manifest.json"), b"{\"mine\": true}").unwrap();
    let run = iris_run();
    for replace in [Replace::Never, Replace::Owned] {
        let error = run.save(&dir, replace).unwrap_err().to_string();
        assert!(error.contains("do not show oml wrote them"), "{error}");
        assert_eq!(
            std::fs::read(dir.join("predictions.arff")).unwrap(),
            b"keep"
        );
        assert_eq!(names(&dir), ["manifest.json", "predictions.arff"]);
    }
    let ours = root.path().join("ours");
    run.save(&ours, Replace::Never).unwrap();
    let error = run.save(&ours, Replace::Never).unwrap_err().to_string();
    assert!(error.contains("force"), "{error}");
    run.save(&ours, Replace::Owned).unwrap();
    oml_run::check_files(&ours).unwrap();
}
