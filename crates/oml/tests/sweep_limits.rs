//! Issue 18: a job stopped by its memory limit is recorded with that reason, left alone by
//! `--resume`, run again by `oml sweep retry` with a larger limit; `oml sweep status` counts
//! done, failed (by reason) and pending jobs, and refuses a sweep that never ran.

use std::path::Path;

mod common;
use common::{oml_in, text};

fn status_json(dir: &Path, sweep: &str) -> serde_json::Value {
    let output = oml_in(dir, &["sweep", "status", sweep, "--json"], &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_job_over_its_memory_limit_fails_for_that_reason_and_is_retried_with_a_larger_one() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.arff");
    let generated = oml_in(
        dir.path(),
        &[
            "data",
            "generate",
            big.to_str().unwrap(),
            "--rows",
            "150000",
            "--numeric",
            "20",
            "--nominal",
            "0",
            "--seed",
            "1",
        ],
        &[],
    );
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    // Positions: iris seed 0, iris seed 1, big seed 0, big seed 1; shard 0/2 runs 0 and 2.
    let sweep = dir.path().join("sweep.toml");
    std::fs::write(
        &sweep,
        format!(
            "memory_limit = \"64M\"\nseeds = \"0..2\"\nflows = [\"gaussian-nb\"]\ntasks = [\
             {{ task = \"builtin:iris\", resampling = \"cv:3\" }}, {{ task = \"{}\", target = \
             \"class\", resampling = \"holdout:33\" }}]\n",
            big.display()
        ),
    )
    .unwrap();
    let sweep = sweep.to_str().unwrap();

    std::fs::create_dir(dir.path().join("store")).unwrap();
    let never = oml_in(dir.path(), &["sweep", "status", sweep], &[]);
    assert_eq!(never.status.code(), Some(2));
    assert!(
        text(&never.stderr).contains("no job of this sweep has run in the store"),
        "{}",
        text(&never.stderr)
    );

    let first = oml_in(
        dir.path(),
        &["sweep", sweep, "--shard", "0/2", "--threads", "1"],
        &[],
    );
    assert_eq!(first.status.code(), Some(3), "{}", text(&first.stderr));
    assert!(
        text(&first.stderr).contains("FAILED (memory-limit): memory limit of 64 MiB exceeded"),
        "{}",
        text(&first.stderr)
    );
    let status = status_json(dir.path(), sweep);
    assert_eq!(status["total"], 4);
    assert_eq!(status["done"], 1);
    assert_eq!(status["failed"], serde_json::json!({"memory-limit": 1}));
    assert_eq!(status["pending"], 2);
    assert_eq!(status["running"], 0);
    assert_eq!(status["failures"][0]["reason"], "memory-limit");
    assert_eq!(status["tasks"]["builtin:iris"]["done"], 1);
    assert_eq!(status["tasks"]["builtin:iris"]["pending"], 1);

    // The failed job is in the table: empty, or scored as the constant predictor.
    let table = dir.path().join("table.csv");
    let table = table.to_str().unwrap();
    let collect = |extra: &[&str]| -> String {
        let mut args = vec![
            "collect",
            sweep,
            "--out",
            table,
            "--force",
            "--measure",
            "predictive_accuracy",
        ];
        args.extend_from_slice(extra);
        let collected = oml_in(dir.path(), &args, &[]);
        assert!(collected.status.success(), "{}", text(&collected.stderr));
        std::fs::read_to_string(table).unwrap()
    };
    let csv = collect(&[]);
    let failed: Vec<&str> = csv.lines().filter(|l| l.contains(",failed,")).collect();
    assert_eq!(failed.len(), 1, "{csv}");
    assert!(
        failed[0].ends_with(",0,failed,memory-limit,predictive_accuracy,,"),
        "{csv}"
    );
    let csv = collect(&["--impute-failures"]);
    let imputed: Vec<&str> = csv.lines().filter(|l| l.contains(",imputed,")).collect();
    assert_eq!(imputed.len(), 1, "{csv}");
    // The holdout's test rows predicted as the training set's most frequent class.
    let value: f64 = imputed[0].rsplit(',').nth(1).unwrap().parse().unwrap();
    assert!((0.3..0.6).contains(&value), "{value}");

    // --resume does not run it again at the same limit.
    let resumed = oml_in(
        dir.path(),
        &[
            "sweep",
            sweep,
            "--shard",
            "0/2",
            "--threads",
            "1",
            "--resume",
        ],
        &[],
    );
    assert_eq!(resumed.status.code(), Some(3), "{}", text(&resumed.stderr));
    assert!(
        text(&resumed.stdout).contains("0 done, 1 already stored, 0 failed, 1 left as they failed"),
        "{}",
        text(&resumed.stdout)
    );

    let bad = oml_in(
        dir.path(),
        &["sweep", "retry", sweep, "--failed", "--reason", "oom"],
        &[],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains(
            "unknown failure reason `oom`; the reasons are error, time-limit, memory-limit"
        ),
        "{}",
        text(&bad.stderr)
    );
    let too_small = oml_in(
        dir.path(),
        &["sweep", "retry", sweep, "--failed", "--memory-limit", "1M"],
        &[],
    );
    assert_eq!(too_small.status.code(), Some(2));
    assert!(
        text(&too_small.stderr).contains("1M is below the 64 MiB a job needs to start"),
        "{}",
        text(&too_small.stderr)
    );

    let retried = oml_in(
        dir.path(),
        &[
            "sweep",
            "retry",
            sweep,
            "--failed",
            "--reason",
            "memory-limit",
            "--memory-limit",
            "2G",
            "--threads",
            "1",
        ],
        &[],
    );
    assert!(retried.status.success(), "{}", text(&retried.stderr));
    assert!(
        text(&retried.stdout).contains("retry: 1 jobs: 1 done"),
        "{}",
        text(&retried.stdout)
    );
    let status = status_json(dir.path(), sweep);
    assert_eq!(status["done"], 2);
    assert_eq!(status["failed"], serde_json::json!({}));
    assert_eq!(status["pending"], 2);
    assert!(
        !dir.path()
            .join("store/sweep-failures")
            .read_dir()
            .unwrap()
            .any(|_| true),
        "the failure record is gone"
    );
}
