//! Issue 18: `oml sweep --jobs N` runs N jobs at once on worker processes and stores the same
//! runs as one job at a time: the collected tables are byte-identical.

mod common;
use common::{ok, oml_in, text};

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
        let ran = oml_in(dir.path(), &args, &[]);
        let stdout = ok(&ran);
        assert!(stdout.contains("12 jobs: 12 done"), "{stdout}");
        if jobs == "2" {
            let stderr = text(&ran.stderr);
            assert!(
                stderr.contains("1 threads each, 2 at once")
                    || std::thread::available_parallelism().map_or(1, |n| n.get()) != 2,
                "{stderr}"
            );
        }
        let table = format!("table-{jobs}.csv");
        let mut args = vec!["collect"];
        args.extend(sweep);
        args.extend(["--store", &store, "--out", &table]);
        ok(&oml_in(dir.path(), &args, &[]));
        tables.push(std::fs::read(dir.path().join(&table)).unwrap());
    }
    assert_eq!(tables[0], tables[1], "the same runs, the same table");
    assert_eq!(
        text(&tables[0]).lines().count(),
        1 + 12 * 9,
        "9 measures a job"
    );
}
