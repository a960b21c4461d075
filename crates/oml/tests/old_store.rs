//! A run store written by oml 0.2.0 before run keys, job keys and task options became typed
//! (`fixtures/store-0.2.0`: `oml sweep --task builtin:iris --flow decision-tree --flow knn`
//! and `fixtures/store-0.2.0/sweep.toml`, a local task with options): this oml lists it,
//! finds its runs under the same keys, collects the sweep through its job index and verifies
//! every run byte for byte, but two whose flows are other versions now, run anew, where
//! `verify` says so first: the decision tree's (oml-trees 0.3.0 draws a node's candidate
//! features from the node's place in the tree, so ties break otherwise) and gaussian-nb's (its
//! probabilities take libm's `exp`, not the C library's, whose last bits differ).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixture store copied into `dir` (tests never write into `fixtures/`).
fn copy_store(dir: &Path) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/store-0.2.0");
    let copy = |from: &Path, to: &Path| -> std::io::Result<()> {
        fn walk(from: &Path, to: &Path) -> std::io::Result<()> {
            std::fs::create_dir_all(to)?;
            for entry in std::fs::read_dir(from)? {
                let entry = entry?;
                let target = to.join(entry.file_name());
                if entry.file_type()?.is_dir() {
                    walk(&entry.path(), &target)?;
                } else {
                    std::fs::copy(entry.path(), target)?;
                }
            }
            Ok(())
        }
        walk(from, to)
    };
    copy(&fixture, dir).unwrap();
    dir.join("store")
}

fn oml(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oml"))
        .env("OML_STORE", dir.join("store"))
        .env("OPENML_CACHE_DIR", dir.join("cache"))
        .env_remove("SLURM_CPUS_PER_TASK")
        .args(args)
        .output()
        .expect("the oml binary runs")
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "status {:?}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

const RUN_KEYS: [&str; 3] = [
    "22949c7b1b94478e564f15d85eec6392f459b26180cfad296af096d6d9b5d0e9",
    "352f2f0b76621db5806b5eeb72513f7bdd417f66b454f9c902e5573b62a4acd7",
    "8e3b4636cc93f90e07d1daa6739faf8973ec600872195be4624d77aa43af365b",
];

#[test]
fn a_store_of_oml_0_2_0_lists_collects_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let store = copy_store(dir.path());
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&oml(dir.path(), &["runs", "list", "--json"]))).unwrap();
    let keys: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|run| run["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, RUN_KEYS);

    // The same runs asked for again are found under their stored keys, not computed again.
    // knn's default search became `auto` after 0.2.0; asked for with 0.2.0's default, `kdtree`,
    // it is the same flow configuration and finds its stored run. The decision tree is another
    // flow version (oml-trees 0.5.0), run anew.
    for (flow, param, stored) in [
        ("decision-tree", None, false),
        ("knn", Some("algorithm=kdtree"), true),
    ] {
        let mut args = vec!["run", "--task", "builtin:iris", "--flow", flow, "--json"];
        args.extend(param.iter().flat_map(|p| ["--param", p]));
        let output = oml(dir.path(), &args);
        ok(&output);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.contains("already in the store"),
            stored,
            "{flow}: {stderr}"
        );
    }
    let local = oml(
        dir.path(),
        &[
            "run",
            "--task",
            "builtin:iris",
            "--flow",
            "gaussian-nb",
            "--resampling",
            "holdout:33",
            "--split-seed",
            "3",
            "--seed",
            "1",
        ],
    );
    ok(&local);
    assert!(!String::from_utf8_lossy(&local.stderr).contains("already in the store"));

    // Both sweeps' jobs are found through the job index the old store wrote.
    let table = dir.path().join("t.csv");
    let sweep_file = dir.path().join("sweep.toml");
    for args in [
        vec![
            "--task",
            "builtin:iris",
            "--flow",
            "decision-tree",
            "--flow",
            "knn",
        ],
        vec![sweep_file.to_str().unwrap()],
    ] {
        let mut command = vec!["collect", "--force", "--out", table.to_str().unwrap()];
        command.extend(args);
        let output = oml(dir.path(), &command);
        ok(&output);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("have no run"), "{stderr}");
    }
    let csv = std::fs::read_to_string(&table).unwrap();
    assert!(
        csv.contains("--resampling holdout:33 --split-seed 3"),
        "{csv}"
    );

    for key in RUN_KEYS {
        let run_dir = store.join(key);
        let manifest = std::fs::read_to_string(run_dir.join("manifest.json")).unwrap();
        let output = oml(dir.path(), &["verify", run_dir.to_str().unwrap()]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let changed = if manifest.contains("oml-trees==0.2.0") {
            Some((
                "oml-flow==0.2.0,oml-trees==0.2.0",
                "libm==0.2.16,oml-flow==0.2.0,oml-trees==0.5.0",
            ))
        } else if manifest.contains("linfa-bayes==0.8.1") {
            Some((
                "linfa-bayes==0.8.1,oml-flow==0.2.0",
                "libm==0.2.16,linfa-bayes==0.8.1,oml-flow==0.2.0",
            ))
        } else {
            None
        };
        if let Some((then, now)) = changed {
            assert_eq!(output.status.code(), Some(1), "{stdout}");
            let first = format!(
                "the flow's software is not the one the run was made with ({then} then, {now} now)"
            );
            assert!(stdout.starts_with(&first), "{stdout}");
            assert!(stdout.contains("predictions.arff, repeat 0"), "{stdout}");
        } else {
            assert!(ok(&output).starts_with("verified"), "{stdout}");
        }
    }
}
