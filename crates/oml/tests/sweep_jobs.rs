//! Issue 18: `oml sweep --jobs N` runs N jobs at once on worker processes and stores the same
//! runs as one job at a time: the collected tables are byte-identical.

use std::path::Path;
use std::process::{Command, Output};

fn oml_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oml"))
        .env("OPENML_CACHE_DIR", dir.join("cache"))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_CPUS_PER_TASK")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the oml binary runs")
}

#[test]
fn two_jobs_at_once_store_what_one_at_a_time_stores() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = [
        "--task",
        "builtin:iris",
        "--task",
        "builtin:winequality",
        "--flow",
        "decision-tree",
        "--flow",
        "gaussian-nb",
        "--seed",
        "0..3",
    ];
    let mut tables = Vec::new();
    for jobs in ["1", "2"] {
        let store = format!("store-{jobs}");
        let mut args = vec!["sweep"];
        args.extend(sweep);
        args.extend(["--store", &store, "--jobs", jobs]);
        let ran = oml_in(dir.path(), &args);
        assert!(
            ran.status.success(),
            "{}",
            String::from_utf8_lossy(&ran.stderr)
        );
        let stdout = String::from_utf8_lossy(&ran.stdout);
        assert!(stdout.contains("12 jobs: 12 done"), "{stdout}");
        if jobs == "2" {
            assert!(
                String::from_utf8_lossy(&ran.stderr).contains("1 threads each, 2 at once")
                    || std::thread::available_parallelism().map_or(1, |n| n.get()) != 2,
                "{}",
                String::from_utf8_lossy(&ran.stderr)
            );
        }
        let table = format!("table-{jobs}.csv");
        let mut args = vec!["collect"];
        args.extend(sweep);
        args.extend(["--store", &store, "--out", &table]);
        let collected = oml_in(dir.path(), &args);
        assert!(
            collected.status.success(),
            "{}",
            String::from_utf8_lossy(&collected.stderr)
        );
        tables.push(std::fs::read(dir.path().join(&table)).unwrap());
    }
    assert_eq!(tables[0], tables[1], "the same runs, the same table");
    assert_eq!(
        String::from_utf8_lossy(&tables[0]).lines().count(),
        1 + 12 * 9,
        "9 measures a job"
    );
}
