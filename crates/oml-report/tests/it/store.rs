//! Results read from a run store, and a report written from it.

use std::path::Path;

use oml_report::{ReportError, ReportSummary, Results, write_report};
use oml_run::{FailureRecord, RunStore};

use crate::common::{manifest, write_run};

const ACCURACY: &str = r#"{
  "predictive_accuracy": {"value": 0.9, "mean": 0.9, "std": 0.05,
                          "per_fold": [[0.85, 0.95, null]]},
  "usercpu_time_millis_training": {"value": 1500.0, "mean": 500.0, "std": 0.0,
                                   "per_fold": [[500.0, 500.0, 500.0]]}
}"#;

const RMSE: &str = r#"{
  "root_mean_squared_error": {"value": 2.5, "mean": 2.5, "std": 0.0,
                              "per_fold": [[2.5], [2.4]]}
}"#;

/// The report of every run of `store`, with `failures`, written to `out`.
fn report_of(store: &RunStore, failures: &[FailureRecord], out: &Path) -> ReportSummary {
    write_report(
        store,
        None,
        &|_, _| true,
        &mut |d| panic!("{d}"),
        failures,
        out,
    )
    .unwrap()
}

fn store() -> (tempfile::TempDir, RunStore) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("runs");
    write_run(
        &root,
        "a1",
        &manifest(
            "builtin:iris",
            &["--resampling cv:3"],
            "tree",
            &["max_depth=3"],
            0,
        ),
        ACCURACY,
    );
    write_run(
        &root,
        "a2",
        &manifest("builtin:iris", &["--resampling cv:3"], "knn", &[], 1),
        ACCURACY,
    );
    write_run(
        &root,
        "b1",
        &manifest(
            "builtin:diabetes",
            &["--resampling holdout:25:2"],
            "linear",
            &[],
            0,
        ),
        RMSE,
    );
    (dir, RunStore::new(root))
}

#[test]
fn runs_are_read_with_their_labels_and_fold_scores() {
    let (_dir, store) = store();
    let results = Results::from_store(&store, None, &|_, _| true, &mut |d| panic!("{d}")).unwrap();
    assert_eq!(results.measure, "predictive_accuracy");
    assert!(results.higher_is_better);
    assert_eq!(results.skipped, ["b1"], "the regression run lacks accuracy");
    let tree = &results.entries[0];
    assert_eq!(tree.key, "a1");
    assert_eq!(tree.task, "builtin:iris --resampling cv:3");
    assert_eq!(tree.flow, "tree max_depth=3");
    assert_eq!(tree.value, 0.9);
    assert_eq!(tree.fold_scores[..2], [0.85, 0.95]);
    assert!(tree.fold_scores[2].is_nan(), "a failed fold");
    assert_eq!(tree.training_time_s, Some(1.5));
    assert_eq!(tree.test_train_ratio, Some(0.5));
    assert_eq!((tree.n_repeats, tree.n_folds), (1, 3));
    assert_eq!(results.entries[1].flow, "knn");
}

#[test]
fn a_measure_can_be_asked_for_and_runs_filtered() {
    let (_dir, store) = store();
    let results = Results::from_store(
        &store,
        Some("root_mean_squared_error"),
        &|_, _| true,
        &mut |d| panic!("{d}"),
    )
    .unwrap();
    assert!(!results.higher_is_better);
    assert_eq!(results.skipped, ["a1", "a2"]);
    let linear = &results.entries[0];
    assert_eq!(linear.task, "builtin:diabetes --resampling holdout:25:2");
    assert_eq!((linear.n_repeats, linear.n_folds), (2, 1));
    assert_eq!(linear.test_train_ratio, Some(25.0 / 75.0));
    assert_eq!(linear.training_time_s, None);

    let only_regression = |_: &str, m: &oml_run::Manifest| m.task == "builtin:diabetes";
    let results =
        Results::from_store(&store, None, &only_regression, &mut |d| panic!("{d}")).unwrap();
    assert_eq!(
        results.measure, "root_mean_squared_error",
        "the default for regression"
    );
    assert!(results.skipped.is_empty());

    let e = Results::from_store(&store, Some("kappa"), &|_, _| true, &mut |d| panic!("{d}"))
        .unwrap_err();
    assert!(
        matches!(e, ReportError::MeasureAbsent { n_runs: 3, .. }),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("none of its 3 runs has measure kappa"),
        "{e}"
    );

    let empty = RunStore::new(store.root().join("nothing"));
    let results = Results::from_store(&empty, None, &|_, _| true, &mut |d| panic!("{d}")).unwrap();
    assert!(results.entries.is_empty());
}

#[test]
fn a_malformed_summary_is_an_error_naming_the_file() {
    let (_dir, store) = store();
    std::fs::write(
        store.dir("a2").join("summary.json"),
        r#"{"predictive_accuracy": {"value": 0.9, "per_fold": 3}}"#,
    )
    .unwrap();
    let e = Results::from_store(&store, None, &|_, _| true, &mut |d| panic!("{d}")).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("a2/summary.json"), "{text}");
    assert!(text.contains("predictive_accuracy"), "{text}");
}

#[test]
fn a_report_is_written_from_a_store() {
    let (dir, store) = store();
    let out = dir.path().join("report.html");
    let summary = report_of(&store, &[], &out);
    assert_eq!(
        (
            summary.n_runs,
            summary.n_skipped,
            summary.n_tasks,
            summary.n_flows
        ),
        (2, 1, 1, 2)
    );
    assert_eq!(summary.n_figures, 2, "a box plot and a time plot");
    let first = std::fs::read(&out).unwrap();
    report_of(&store, &[], &out);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        first,
        "the same store, the same bytes"
    );
    let html = String::from_utf8(first).unwrap();
    assert!(html.contains("<code>tree max_depth=3</code>"));
    assert!(!html.contains("id=\"failures\""), "no failures, no section");
}

/// Issue 18: failed jobs are counted per flow and task by reason, their messages listed, and
/// each comparison says how many it leaves out.
#[test]
fn a_report_has_a_failures_section_and_counts_what_each_comparison_leaves_out() {
    let (dir, store) = store();
    let out = dir.path().join("report.html");
    let failure = |flow: &str, task: &str, reason, message: &str| oml_run::FailureRecord {
        job: oml_run::JobColumns {
            job_key: format!("{flow}-{task}"),
            task: task.split(' ').next().unwrap().to_owned(),
            task_options: task.split_once(' ').map_or("", |(_, o)| o).to_owned(),
            flow: flow.to_owned(),
            parameters: String::new(),
            seed: 0,
        },
        label: format!("{task} {flow} seed 0"),
        command: String::new(),
        reason,
        message: message.to_owned(),
        at: String::new(),
    };
    let failures = [
        failure(
            "svm",
            "31",
            oml_run::FailureReason::TimeLimit,
            "time limit of 1 s exceeded",
        ),
        failure(
            "svm",
            "other",
            oml_run::FailureReason::MemoryLimit,
            "memory limit <2G> exceeded",
        ),
        failure(
            "knn",
            "builtin:iris --resampling cv:3",
            oml_run::FailureReason::Error,
            "bad",
        ),
    ];
    report_of(&store, &failures, &out);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("<section id=\"failures\">"), "{html}");
    assert!(html.contains("<p>3 jobs failed and have no run"));
    assert!(
        html.contains("<tr><td><code>svm</code></td><td>0</td><td>1</td><td>1</td><td>2</td></tr>")
    );
    assert!(
        html.contains("<tr><td><code>knn</code></td><td>1</td><td>0</td><td>0</td><td>1</td></tr>")
    );
    assert!(
        html.contains("(memory-limit): memory limit &lt;2G&gt; exceeded</li>"),
        "escaped"
    );
    assert!(
        html.contains(
            "<tr><th>Failed jobs (left out)</th><td><a href=\"#failures\">3</a></td></tr>"
        )
    );
    assert!(html.contains("3 failed jobs in all are left out"));
    assert!(
        html.contains("1 failed job of this task is left out"),
        "iris's section"
    );
}

/// Issue 18: runs that recorded their units' peak heap get a plot of score against it.
#[test]
fn runs_with_peak_memory_get_a_score_against_memory_plot() {
    let (dir, store) = store();
    for (key, mib) in [("a1", 3.0), ("a2", 40.0)] {
        let path = store.dir(key).join("summary.json");
        let mut summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let bytes = mib * 1048576.0;
        summary["peak_heap_bytes"] = serde_json::json!({
            "value": bytes, "mean": bytes, "std": 0.0, "per_fold": [[bytes, bytes, bytes]]
        });
        std::fs::write(&path, serde_json::to_vec(&summary).unwrap()).unwrap();
    }
    let out = dir.path().join("report.html");
    let summary = report_of(&store, &[], &out);
    assert_eq!(
        summary.n_figures, 3,
        "a box plot, a time plot and a memory plot"
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("id=\"memory-1\""));
    assert!(
        html.contains("peak heap of a unit, MiB"),
        "the axis is labelled"
    );
}
