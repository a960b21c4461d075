//! `oml sweep`, `oml collect` and `oml report`, run for real: shards against one machine,
//! resume, failures, time limits, and a sweep killed with SIGKILL in the middle.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{command, ok, oml_in, text};

fn stderr(output: &Output) -> String {
    text(&output.stderr)
}

/// A small sweep: 2 tasks x (tree with a 2-value grid + gaussian-nb) x 2 seeds = 12 jobs.
const SWEEP: &str = r#"
seeds = "1..3"
measures = ["predictive_accuracy", "area_under_roc_curve"]
tasks = [
  { task = "builtin:iris", resampling = "cv:3" },
  { task = "builtin:winequality", resampling = "holdout:33" },
]
[[flows]]
name = "decision-tree"
grid = { max_depth = [2, 4] }
[[flows]]
name = "gaussian-nb"
"#;

fn write_sweep(dir: &Path) -> String {
    let path = dir.join("sweep.toml");
    std::fs::write(&path, SWEEP).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The store's run directories (names of 64 hex digits).
fn stored_runs(store: &Path) -> Vec<String> {
    let mut runs: Vec<String> = std::fs::read_dir(store)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.len() == 64 && store.join(name).join("manifest.json").is_file())
                .collect()
        })
        .unwrap_or_default();
    runs.sort();
    runs
}

#[test]
fn list_expands_the_file_in_a_stable_order_and_shards_partition_it() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = write_sweep(dir.path());
    let all = ok(&oml_in(dir.path(), &["sweep", &sweep, "--list"], &[]));
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), 12, "{all}");
    assert!(
        lines[0].ends_with("tree estimator.max_depth=2 seed 1"),
        "{}",
        lines[0]
    );
    assert!(lines[11].contains("builtin:winequality"), "{}", lines[11]);
    assert!(lines[11].ends_with("gaussian-nb seed 2"), "{}", lines[11]);
    // Shards from --shard and from each engine's variables: disjoint, covering, in order.
    let shard = |args: &[&str], env: &[(&str, &str)]| -> Vec<String> {
        let mut all_args = vec!["sweep", sweep.as_str(), "--list"];
        all_args.extend_from_slice(args);
        ok(&oml_in(dir.path(), &all_args, env))
            .lines()
            .map(str::to_owned)
            .collect()
    };
    for (i, expected) in [(0, [0, 3, 6, 9]), (1, [1, 4, 7, 10]), (2, [2, 5, 8, 11])] {
        let want: Vec<String> = expected.iter().map(|&p| lines[p].to_owned()).collect();
        assert_eq!(shard(&["--shard", &format!("{i}/3")], &[]), want);
        // Slurm array 1-5:2 (ids 1, 3, 5), normalised with MIN and STEP.
        let id = (1 + 2 * i).to_string();
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", id.as_str()),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ];
        assert_eq!(shard(&[], &slurm), want);
        let index = i.to_string();
        let k8s = [("JOB_COMPLETION_INDEX", index.as_str())];
        assert_eq!(shard(&["--shard-count", "3"], &k8s), want);
        let aws = [
            ("AWS_BATCH_JOB_ARRAY_INDEX", index.as_str()),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "3"),
        ];
        assert_eq!(shard(&[], &aws), want);
    }
    let k8s_without_count = oml_in(
        dir.path(),
        &["sweep", &sweep, "--list"],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    assert!(!k8s_without_count.status.success());
    assert!(
        stderr(&k8s_without_count).contains("--shard-count"),
        "{}",
        stderr(&k8s_without_count)
    );
}

#[test]
fn sharded_sweep_collects_to_the_same_file_as_one_machine_and_resume_skips_done_jobs() {
    let one = tempfile::tempdir().unwrap();
    let sweep = write_sweep(one.path());
    let out = ok(&oml_in(
        one.path(),
        &["sweep", &sweep, "--threads", "2"],
        &[],
    ));
    assert!(
        out.contains("12 jobs: 12 done, 0 already stored, 0 failed"),
        "{out}"
    );
    assert_eq!(stored_runs(&one.path().join("store")).len(), 12);

    let sharded = tempfile::tempdir().unwrap();
    let sharded_sweep = write_sweep(sharded.path());
    for (i, threads) in [(0, "1"), (1, "2"), (2, "1")] {
        let shard = format!("{i}/3");
        let out = ok(&oml_in(
            sharded.path(),
            &[
                "sweep",
                &sharded_sweep,
                "--shard",
                &shard,
                "--threads",
                threads,
            ],
            &[],
        ));
        assert!(out.contains("4 jobs: 4 done"), "{out}");
    }
    for ext in ["csv", "parquet"] {
        let table = |dir: &Path, sweep: &str| {
            let out = dir.join(format!("results.{ext}"));
            let printed = ok(&oml_in(
                dir,
                &["collect", sweep, "--out", out.to_str().unwrap()],
                &[],
            ));
            assert!(printed.contains("24 rows from 12 runs"), "{printed}");
            std::fs::read(out).unwrap()
        };
        assert_eq!(
            table(one.path(), &sweep),
            table(sharded.path(), &sharded_sweep),
            "{ext} differs"
        );
    }
    let csv = std::fs::read_to_string(one.path().join("results.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "job_key,task,task_options,flow,parameters,seed,status,reason,measure,value,run_key"
    );
    let keys: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "rows are sorted by job key");

    let typo_out = one.path().join("typo.csv");
    let typo = oml_in(
        one.path(),
        &[
            "collect",
            &sweep,
            "--measure",
            "acuracy",
            "--out",
            typo_out.to_str().unwrap(),
        ],
        &[],
    );
    // A measure oml does not know is refused (issue 15, item 16).
    assert_eq!(typo.status.code(), Some(2), "{}", stderr(&typo));
    assert!(
        stderr(&typo).contains("unknown measure `acuracy`"),
        "{}",
        stderr(&typo)
    );

    // Again without --resume: refused before anything runs; with it: every job skipped.
    let again = oml_in(one.path(), &["sweep", &sweep], &[]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("12 of this shard's 12 jobs were done before"),
        "{}",
        stderr(&again)
    );
    let resumed = ok(&oml_in(one.path(), &["sweep", &sweep, "--resume"], &[]));
    assert!(
        resumed.contains("0 done, 12 already stored, 0 failed"),
        "{resumed}"
    );
}

#[test]
fn jobs_sharing_one_run_collect_the_same_whichever_shard_stored_it() {
    // `max_depth=none` is the default: two jobs, one run. Each job keeps its own rows.
    let sweep = r#"
tasks = [{ task = "builtin:iris", resampling = "cv:3" }]
measures = ["predictive_accuracy"]
flows = ["decision-tree", { name = "decision-tree", grid = { max_depth = "none" } }]
"#;
    let table = |shards: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sweep.toml");
        std::fs::write(&path, sweep).unwrap();
        let path = path.to_str().unwrap();
        for shard in shards {
            let out = ok(&oml_in(dir.path(), &["sweep", path, "--shard", shard], &[]));
            assert!(out.contains("0 failed"), "{out}");
        }
        let out = dir.path().join("results.csv");
        let printed = ok(&oml_in(
            dir.path(),
            &["collect", path, "--out", out.to_str().unwrap()],
            &[],
        ));
        assert!(printed.contains("2 rows from 2 runs"), "{printed}");
        assert_eq!(stored_runs(&dir.path().join("store")).len(), 1);
        std::fs::read_to_string(out).unwrap()
    };
    let forward = table(&["0/1"]);
    assert_eq!(forward, table(&["1/2", "0/2"]));
    assert!(
        forward.contains(",decision-tree,estimator.max_depth=none,0,"),
        "{forward}"
    );
}

#[test]
fn a_failing_job_is_recorded_and_the_others_go_on() {
    let dir = tempfile::tempdir().unwrap();
    // Every unit of a task with an infinite value fails; the other task's job runs.
    let sweep = infinite_sweep(dir.path(), "gaussian-nb");
    let output = oml_in(dir.path(), &["sweep", &sweep], &[]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.contains("2 jobs: 1 done, 0 already stored, 1 failed"),
        "{out}"
    );
    assert!(
        stderr(&output).contains("is infinite"),
        "{}",
        stderr(&output)
    );
    let store = dir.path().join("store");
    assert_eq!(stored_runs(&store).len(), 1);
    let failures: Vec<_> = std::fs::read_dir(store.join("sweep-failures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(failures.len(), 1);
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&failures[0]).unwrap()).unwrap();
    assert!(
        record["command"]
            .as_str()
            .unwrap()
            .contains("infinite.csv --flow gaussian-nb --target class"),
        "{record}"
    );
    assert!(!record["message"].as_str().unwrap().is_empty());
}

/// A sweep file in `dir` of `flow` on iris and on `infinite.csv`, a CSV task whose row 5 has
/// an infinite value, so that every unit of its job fails.
fn infinite_sweep(dir: &Path, flow: &str) -> String {
    let mut text = String::from("x,y,class\n");
    for i in 0..40 {
        let x = if i == 5 {
            "inf".to_owned()
        } else {
            (i % 9).to_string()
        };
        text.push_str(&format!(
            "{x},{},{}\n",
            i % 4,
            if i % 2 == 0 { "a" } else { "b" }
        ));
    }
    let csv = dir.join("infinite.csv");
    std::fs::write(&csv, text).unwrap();
    let path = dir.join("sweep.toml");
    std::fs::write(
        &path,
        format!(
            "tasks = [\"builtin:iris\", {{ task = \"{}\", target = \"class\" }}]\n\
             flows = [\"{flow}\"]\n",
            csv.display()
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn a_flow_that_cannot_learn_a_task_of_the_sweep_is_refused_before_any_job() {
    let dir = tempfile::tempdir().unwrap();
    let output = oml_in(
        dir.path(),
        &[
            "sweep",
            "--task",
            "builtin:iris",
            "--flow",
            "gaussian-nb",
            "--flow",
            "linear-regression",
        ],
        &[],
    );
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("flow `linear-regression` does not learn classification tasks"),
        "{text}"
    );
    assert!(
        stored_runs(&dir.path().join("store")).is_empty(),
        "no job ran"
    );
}

#[test]
fn a_job_past_the_time_limit_is_killed_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let output = oml_in(
        dir.path(),
        &[
            "sweep",
            "--task",
            "builtin:winequality",
            "--flow",
            "random-forest",
            "--time-limit",
            "1s",
            "--threads",
            "1",
        ],
        &[],
    );
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("time limit of 1 s exceeded"),
        "{}",
        stderr(&output)
    );
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert!(stored_runs(&dir.path().join("store")).is_empty());
}

#[test]
fn a_sweep_killed_with_sigkill_resumes_to_every_job_done_once() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = write_sweep(dir.path());
    let store = dir.path().join("store");
    let mut child = command(
        dir.path(),
        &["sweep", &sweep, "--seed", "0..4", "--threads", "1"],
        &[],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while stored_runs(&store).len() < 3 {
        assert!(Instant::now() < deadline, "no runs stored in 120 s");
        assert!(child.try_wait().unwrap().is_none(), "the sweep ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SIGKILL: no chance to clean up. Its running job exits with it (parent watch).
    child.kill().unwrap();
    child.wait().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let before = stored_runs(&store);
    assert!(before.len() >= 3 && before.len() < 24, "{}", before.len());
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(
        stored_runs(&store),
        before,
        "a job went on after its sweep was killed"
    );

    let resumed = ok(&oml_in(
        dir.path(),
        &["sweep", &sweep, "--seed", "0..4", "--resume"],
        &[],
    ));
    let expected = format!(
        "24 jobs: {} done, {} already stored, 0 failed",
        24 - before.len(),
        before.len()
    );
    assert!(resumed.contains(&expected), "{resumed}");
    let after = stored_runs(&store);
    assert_eq!(after.len(), 24);
    for key in &after {
        oml::run::Run::load(&store.join(key)).expect("every stored run is complete");
    }
    // Every job once: the collected table has one run per job key.
    let listed = ok(&oml_in(
        dir.path(),
        &["sweep", &sweep, "--seed", "0..4", "--list"],
        &[],
    ));
    let out = dir.path().join("results.csv");
    let printed = ok(&oml_in(
        dir.path(),
        &[
            "collect",
            "--measure",
            "predictive_accuracy",
            "--measure",
            "kappa",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    ));
    assert!(printed.contains("48 rows from 24 runs"), "{printed}");
    let csv = std::fs::read_to_string(&out).unwrap();
    for line in listed.lines() {
        let key = line.split(' ').next().unwrap();
        assert_eq!(
            csv.lines().filter(|l| l.starts_with(key)).count(),
            2,
            "job {line}"
        );
    }
}

#[test]
fn report_of_a_sweep_is_one_self_contained_page() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = write_sweep(dir.path());
    ok(&oml_in(dir.path(), &["sweep", &sweep], &[]));
    let out = dir.path().join("report.html");
    ok(&oml_in(
        dir.path(),
        &["report", &sweep, "--out", out.to_str().unwrap()],
        &[],
    ));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..100]);
    assert!(html.matches("<svg").count() >= 4);
    assert!(html.contains("builtin:winequality"));
    assert!(!html.contains("<script") && !html.contains("src=\"http"));
    assert!(!html.contains("href=\"http"));
}

#[test]
fn in_process_jobs_store_the_same_runs_as_child_processes() {
    use oml::sweep::{Isolation, Sweep, SweepOptions, run_jobs};
    let dir = tempfile::tempdir().unwrap();
    let sweep = Sweep::from_flags(
        &["builtin:iris".to_owned()],
        &["decision-tree".to_owned(), "knn".to_owned()],
        &["0..2".to_owned()],
    )
    .unwrap();
    let jobs = sweep.jobs(&mut |_| unreachable!("no suites")).unwrap();
    let jobs: Vec<&oml::sweep::Job> = jobs.iter().collect();
    let options = |store: &str, isolation| SweepOptions {
        store: oml::run::RunStore::new(dir.path().join(store)),
        threads: Some(2),
        resume: true,
        isolation,
    };
    let in_process = options("in-process", Isolation::InProcess);
    let outcome = run_jobs(&jobs, &in_process, &mut |_, _| {}).unwrap();
    assert_eq!((outcome.done(), outcome.skipped()), (4, 0));
    let children = options(
        "children",
        Isolation::Subprocess {
            program: env!("CARGO_BIN_EXE_oml").into(),
            time_limit: None,
            memory_limit: None,
        },
    );
    let outcome = run_jobs(&jobs, &children, &mut |_, _| {}).unwrap();
    assert_eq!((outcome.done(), outcome.skipped()), (4, 0));
    let keys = stored_runs(&dir.path().join("in-process"));
    assert_eq!(keys, stored_runs(&dir.path().join("children")));
    for key in &keys {
        let read = |store: &str| {
            std::fs::read(dir.path().join(store).join(key).join("predictions.arff")).unwrap()
        };
        assert_eq!(read("in-process"), read("children"), "run {key}");
    }
    let again = run_jobs(&jobs, &in_process, &mut |_, _| {}).unwrap();
    assert_eq!((again.done(), again.skipped()), (0, 4));
}

#[test]
fn a_store_that_cannot_take_a_failure_record_still_reports_the_jobs_failure() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the failure records' directory would go: writing a record fails, even as
    // root (whom read-only permissions do not stop).
    let store = dir.path().join("store");
    std::fs::create_dir_all(&store).unwrap();
    std::fs::write(store.join("sweep-failures"), b"in the way").unwrap();
    let sweep = infinite_sweep(dir.path(), "knn");
    // The infinite task alone: a job that succeeds would clear its record, and fail too.
    let csv = dir.path().join("infinite.csv");
    std::fs::write(
        &sweep,
        format!(
            "tasks = [{{ task = \"{}\", target = \"class\" }}]\nflows = [\"knn\"]\n",
            csv.display()
        ),
    )
    .unwrap();
    let output = oml_in(dir.path(), &["sweep", &sweep, "--threads", "1"], &[]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{text}");
    assert!(text.contains("is infinite"), "{text}");
    assert!(text.contains("failure record"), "{text}");
}

#[test]
fn resume_computes_a_damaged_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "sweep",
        "--task",
        "builtin:iris",
        "--flow",
        "gaussian-nb",
        "--seed",
        "1..3",
    ];
    ok(&oml_in(dir.path(), &args, &[]));
    let store = dir.path().join("store");
    let runs = stored_runs(&store);
    assert_eq!(runs.len(), 2);
    // One run loses 50 prediction rows: its manifest's digest no longer matches.
    let predictions = store.join(&runs[0]).join("predictions.arff");
    let text = std::fs::read_to_string(&predictions).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&predictions, lines[..lines.len() - 50].join("\n") + "\n").unwrap();
    let mut resumed = args.to_vec();
    resumed.push("--resume");
    let out = ok(&oml_in(dir.path(), &resumed, &[]));
    assert!(
        out.contains("2 jobs: 1 done, 1 already stored, 0 failed"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(&predictions)
            .unwrap()
            .lines()
            .count(),
        lines.len()
    );
}
