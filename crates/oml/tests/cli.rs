//! The `oml` binary, run for real in a temporary directory.

use std::process::Command;

fn oml(args: &[&str]) -> std::process::Output {
    // Runs without --out or --store go to a store of this test process, never the user's.
    let store = std::env::temp_dir().join(format!("oml-cli-test-store-{}", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_oml"))
        .env("OML_STORE", store)
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

fn success(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The JSON of `oml task show --json` for stratified 10-fold CV on iris.
fn iris_ten_fold_json(
    task_id: serde_json::Value,
    dataset_id: serde_json::Value,
) -> serde_json::Value {
    let splits: Vec<serde_json::Value> = (0..10)
        .map(|fold| {
            serde_json::json!({"repeat": 0, "fold": fold, "sample": 0, "n_train": 135, "n_test": 15})
        })
        .collect();
    serde_json::json!({
        "task_id": task_id,
        "task_type": 1,
        "dataset_id": dataset_id,
        "target": "class",
        "n_repeats": 1,
        "n_folds": 10,
        "n_samples": 1,
        "class_labels": ["Iris-setosa", "Iris-versicolor", "Iris-virginica"],
        "splits": splits,
    })
}

#[test]
fn task_show_builtin_iris_json_has_exactly_the_documented_keys() {
    let stdout = success(&oml(&["task", "show", "builtin:iris", "--json"]));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json,
        iris_ten_fold_json(serde_json::Value::Null, serde_json::Value::Null)
    );
}

#[test]
fn task_show_text_has_a_header_and_a_line_per_split() {
    let stdout = success(&oml(&[
        "task",
        "show",
        "builtin:iris",
        "--resampling",
        "holdout:33:2",
        "--seed",
        "5",
    ]));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "local task: Supervised Classification, dataset `iris` (150 rows), target `class`"
    );
    assert_eq!(
        lines[1],
        "estimation procedure: holdout; 2 repeats, 1 fold, 1 sample"
    );
    assert_eq!(
        lines[2],
        "class labels (3): Iris-setosa, Iris-versicolor, Iris-virginica"
    );
    assert_eq!(lines[3], "repeat  fold  sample  n_train  n_test");
    assert_eq!(
        &lines[4..],
        [
            "     0     0       0      100      50",
            "     1     0       0      100      50"
        ]
    );
}

#[test]
fn task_write_then_show_by_id_reads_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().to_str().unwrap();
    let stdout = success(&oml(&[
        "task",
        "write",
        "builtin:iris",
        "--cache-dir",
        cache,
        "--task-id",
        "1",
        "--dataset-id",
        "61",
    ]));
    let server_dir = dir.path().join("org/openml/www");
    assert_eq!(
        stdout,
        format!("wrote task 1 (dataset 61) to {}\n", server_dir.display())
    );
    for file in [
        "tasks/1/task.xml",
        "tasks/1/datasplits.arff",
        "datasets/61/dataset.arff",
    ] {
        assert!(server_dir.join(file).is_file(), "{file}");
    }
    let splits_json = dir.path().join("splits.json");
    let stdout = success(&oml(&[
        "task",
        "show",
        "1",
        "--cache-dir",
        cache,
        "--json",
        "--splits-json",
        splits_json.to_str().unwrap(),
    ]));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json, iris_ten_fold_json(1.into(), 61.into()));
    // The row ids are the local task's: the same seed gives the same folds.
    let indices: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&splits_json).unwrap()).unwrap();
    let local = oml::task::LocalTaskBuilder::new()
        .from_source("builtin:iris")
        .unwrap();
    assert_eq!(indices["n_rows"], 150);
    assert_eq!(indices["splits"].as_array().unwrap().len(), 10);
    for (unit, split) in local
        .splits()
        .units()
        .iter()
        .zip(indices["splits"].as_array().unwrap())
    {
        assert_eq!(split["test"], serde_json::json!(unit.test));
        assert_eq!(split["train"], serde_json::json!(unit.train));
    }
    // The task directory reads the same.
    let task_dir = server_dir.join("tasks/1");
    let by_dir = success(&oml(&[
        "task",
        "show",
        task_dir.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(by_dir, stdout);
}

#[test]
fn task_show_names_a_missing_file_and_the_fetch_command() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().to_str().unwrap();
    let output = oml(&["task", "show", "1", "--cache-dir", cache]);
    assert_eq!(output.status.code(), Some(2));
    let task_xml = dir.path().join("org/openml/www/tasks/1/task.xml");
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        format!(
            "oml: cannot read task 1: {} is not in the cache; fetch it with `oml fetch task 1`\n",
            task_xml.display()
        )
    );

    // OpenML's task 1, copied at test time: its dataset (anneal, 1) is not in the cache.
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/openml/tasks/1");
    let task_dir = task_xml.parent().unwrap();
    std::fs::create_dir_all(task_dir).unwrap();
    for file in ["task.xml", "datasplits.arff"] {
        std::fs::copy(fixture.join(file), task_dir.join(file)).unwrap();
    }
    let output = oml(&["task", "show", "1", "--cache-dir", cache, "--json"]);
    assert_eq!(output.status.code(), Some(2));
    let description = dir.path().join("org/openml/www/datasets/1/description.xml");
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        format!(
            "oml: cannot read task 1: {} is not in the cache; fetch it with `oml fetch dataset 1`\n",
            description.display()
        )
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn test_server_tasks_live_in_their_own_directory() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().to_str().unwrap();
    success(&oml(&[
        "task",
        "write",
        "builtin:diabetes",
        "--server",
        "test",
        "--cache-dir",
        cache,
        "--task-id",
        "5",
        "--dataset-id",
        "5",
    ]));
    assert!(
        dir.path()
            .join("org/openml/test/tasks/5/task.xml")
            .is_file()
    );
    let stdout = success(&oml(&[
        "task",
        "show",
        "5",
        "--server",
        "test",
        "--cache-dir",
        cache,
        "--json",
    ]));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["task_type"], 2);
    assert_eq!(json["class_labels"], serde_json::Value::Null);
    let output = oml(&["task", "show", "5", "--cache-dir", cache]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn local_task_options_are_refused_for_cached_tasks() {
    let output = oml(&[
        "task",
        "show",
        "1",
        "--seed",
        "3",
        "--cache-dir",
        "/nonexistent",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("apply to local tasks"), "{stderr}");
}

#[test]
fn inspect_repeat_reports_the_fastest_load() {
    let output = oml(&["data", "inspect", "--repeat", "3", "builtin:iris"]);
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let seconds: f64 = stderr
        .strip_prefix("oml: fastest of 3 loads: ")
        .and_then(|rest| rest.trim().strip_suffix(" s"))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(seconds > 0.0 && seconds < 60.0, "{stderr}");
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .starts_with("150 rows")
    );
}

#[test]
fn flows_json_lists_every_builtin_flow_with_its_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = success(&oml(&[
        "flows",
        "--json",
        "--xml-dir",
        dir.path().to_str().unwrap(),
    ]));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let flows = json.as_array().unwrap();
    let names: Vec<&str> = flows.iter().map(|f| f["name"].as_str().unwrap()).collect();
    let expected: Vec<&str> = oml::flow::BUILTIN_FLOWS.iter().map(|f| f.name).collect();
    assert_eq!(names, expected);
    assert!(names.contains(&"decision-tree"));
    for flow in flows {
        assert!(
            flow["external_version"]
                .as_str()
                .unwrap()
                .contains("oml-flow==")
        );
        let parameters = flow["parameters"].as_array().unwrap();
        assert!(
            !parameters.is_empty() || flow["name"] == "constant",
            "{flow}"
        );
        for parameter in parameters {
            for key in ["name", "type", "default"] {
                assert!(parameter[key].is_string(), "{parameter}");
            }
        }
        let xml = std::fs::read_to_string(
            dir.path()
                .join(format!("{}.xml", flow["name"].as_str().unwrap())),
        )
        .unwrap();
        assert!(xml.contains(flow["flow_name"].as_str().unwrap()));
    }
    let tree = &flows[0]["parameters"];
    assert!(
        tree.as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "estimator.max_depth" && p["default"] == "none")
    );
}

fn run_json(dir: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let out = dir.to_str().unwrap();
    let mut args = vec!["run", "--json", "--out", out];
    args.extend_from_slice(extra);
    serde_json::from_str(&success(&oml(&args))).unwrap()
}

#[test]
fn run_json_has_exactly_the_documented_keys() {
    let dir = tempfile::tempdir().unwrap();
    let json = run_json(&dir.path().join("run"), &[]);
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "task_id",
        "flow",
        "seed",
        "n_units",
        "measures",
        "wall_time_s",
        "run_dir",
    ];
    expected.sort_unstable();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected);
    assert_eq!(json["task_id"], serde_json::Value::Null);
    assert_eq!(json["n_units"], 10);
    assert!(
        json["flow"]
            .as_str()
            .unwrap()
            .ends_with("estimator=oml_trees.DecisionTree)")
    );
    let accuracy = &json["measures"]["predictive_accuracy"];
    let mut measure_keys: Vec<&str> = accuracy
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    measure_keys.sort_unstable();
    assert_eq!(measure_keys, ["mean", "per_fold", "std", "value"]);
    assert!(accuracy["value"].as_f64().unwrap() >= 0.9);
    assert_eq!(accuracy["per_fold"].as_array().unwrap().len(), 1);
    assert_eq!(accuracy["per_fold"][0].as_array().unwrap().len(), 10);
    for file in ["predictions.arff", "flow.xml", "summary.json"] {
        assert!(dir.path().join("run").join(file).is_file(), "{file}");
    }
}

#[test]
fn run_predictions_are_identical_for_one_and_two_threads_and_on_rerun() {
    let dir = tempfile::tempdir().unwrap();
    for flow in ["decision-tree", "random-forest", "knn"] {
        let read = |name: &str, threads: &str| {
            let out = dir.path().join(format!("{flow}-{name}"));
            let mut args = vec!["--flow", flow, "--threads", threads, "--seed", "7"];
            if flow == "random-forest" {
                args.extend(["--param", "n_trees=10"]);
            }
            run_json(&out, &args);
            std::fs::read(out.join("predictions.arff")).unwrap()
        };
        let one = read("one", "1");
        assert_eq!(one, read("two", "2"), "{flow}: 1 vs 2 threads");
        assert_eq!(one, read("again", "1"), "{flow}: re-run");
    }
}

#[test]
fn run_with_a_bad_parameter_names_it() {
    let output = oml(&["run", "--param", "max_depth=-3"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("parameter `max_depth`: `-3` is not allowed"),
        "{stderr}"
    );
}

#[test]
fn run_reads_a_task_from_an_openml_python_cache_offline() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let cache = cache.to_str().unwrap();
    for server in ["www", "test"] {
        success(&oml(&[
            "task",
            "write",
            "builtin:iris",
            "--resampling",
            "holdout:33",
            "--server",
            server,
            "--cache-dir",
            cache,
            "--task-id",
            "7",
            "--dataset-id",
            "61",
        ]));
        let out = dir.path().join(format!("run-{server}"));
        let json: serde_json::Value = serde_json::from_str(&success(&oml(&[
            "run",
            "--task",
            "7",
            "--cache-dir",
            cache,
            "--server",
            server,
            "--offline",
            "--json",
            "--out",
            out.to_str().unwrap(),
        ])))
        .unwrap();
        assert_eq!(json["task_id"], 7);
        assert_eq!(json["n_units"], 1);
        let predictions = std::fs::read_to_string(out.join("predictions.arff")).unwrap();
        assert!(
            predictions.contains("@RELATION openml_task_7_predictions"),
            "{predictions:.300}"
        );
        assert_eq!(
            predictions
                .lines()
                .filter(|l| l.starts_with("0,0,0,"))
                .count(),
            50
        );
    }
    let missing = oml(&["run", "--task", "8", "--cache-dir", cache, "--offline"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("oml fetch"),
        "names the fetch command"
    );
}

/// A CSV task in `dir` whose row 5 has an infinite value: every unit has the row in its
/// training or test rows, so every unit fails (the flows take finite numbers only).
fn infinite_task(dir: &std::path::Path) -> String {
    let mut text = String::from("x,y,class\n");
    for i in 0..40 {
        let x = if i == 5 {
            "inf".to_owned()
        } else {
            format!("{}", i % 9)
        };
        text.push_str(&format!(
            "{x},{},{}\n",
            i % 4,
            if i % 2 == 0 { "a" } else { "b" }
        ));
    }
    let path = dir.join("infinite.csv");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn run_reports_failing_units_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let task = infinite_task(dir.path());
    // Every unit fails, and the run says so.
    let output = oml(&[
        "run",
        "--task",
        &task,
        "--target",
        "class",
        "--flow",
        "knn",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("10 of 10 units failed; the first, repeat 0 fold 0 sample 0:")
            && stderr.contains("is infinite"),
        "{stderr}"
    );
    assert!(
        out.join("predictions.arff").is_file(),
        "what there is, is written"
    );
    let fast = oml(&[
        "run",
        "--task",
        &task,
        "--target",
        "class",
        "--flow",
        "knn",
        "--force",
        "--fail-fast",
        "--threads",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&fast.stderr).contains("1 of 10 units failed"));
}

#[test]
fn the_store_detects_a_repeated_run_and_force_runs_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let first: serde_json::Value =
        serde_json::from_str(&success(&oml(&["run", "--store", store, "--json"]))).unwrap();
    let run_dir = first["run_dir"].as_str().unwrap().to_owned();
    assert!(run_dir.starts_with(store), "{run_dir}");
    let manifest = |dir: &str| {
        std::fs::read_to_string(std::path::Path::new(dir).join("manifest.json")).unwrap()
    };
    let before = manifest(&run_dir);
    // The same run again: found in the store, not computed.
    let again = oml(&["run", "--store", store, "--json"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already in the store"));
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again["run_dir"], first["run_dir"]);
    assert_eq!(
        again["measures"]["predictive_accuracy"],
        first["measures"]["predictive_accuracy"]
    );
    assert_eq!(manifest(&run_dir), before, "the stored run is untouched");
    // The same parameter value written another way is the same run.
    let same = oml(&[
        "run",
        "--store",
        store,
        "--param",
        "estimator.max_depth=none",
    ]);
    assert!(String::from_utf8_lossy(&same.stderr).contains("already in the store"));
    // --force computes it again; another seed is another run.
    let forced = oml(&["run", "--store", store, "--force"]);
    assert!(!String::from_utf8_lossy(&forced.stderr).contains("already in the store"));
    assert_ne!(
        manifest(&run_dir),
        before,
        "a forced run is written anew (new times)"
    );
    success(&oml(&["run", "--store", store, "--seed", "1"]));
    let list: serde_json::Value = serde_json::from_str(&success(&oml(&[
        "runs", "list", "--store", store, "--json",
    ])))
    .unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let seeds: Vec<u64> = list.iter().map(|r| r["seed"].as_u64().unwrap()).collect();
    assert!(seeds.contains(&0) && seeds.contains(&1));
    assert!(list.iter().all(|r| r["measure"] == "predictive_accuracy"));
}

/// Issue 6: a run killed at any moment leaves the store consistent: every directory named by a
/// key is a complete run, and what a killed write leaves behind is hidden (`.` names).
#[test]
fn a_run_killed_at_any_moment_leaves_the_store_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let mut killed_while_running = 0;
    for (i, delay_ms) in (0..120).step_by(8).enumerate() {
        let mut child = Command::new(env!("CARGO_BIN_EXE_oml"))
            .args([
                "run",
                "--store",
                store.to_str().unwrap(),
                "--task",
                "builtin:winequality",
            ])
            .args(["--seed", &i.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            killed_while_running += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        let listed = oml::run::RunStore::new(&store)
            .runs()
            .expect("the store lists");
        assert!(listed.damaged.is_empty(), "{:?}", listed.damaged);
        let runs = listed.runs;
        for (key, run) in &runs {
            assert_eq!(run.manifest.n_units, 10, "{key}");
        }
        for entry in std::fs::read_dir(&store).into_iter().flatten() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                name.starts_with('.') || runs.iter().any(|(key, _)| *key == name),
                "{name} is neither a complete run nor a hidden leftover"
            );
        }
    }
    assert!(
        killed_while_running > 0,
        "some runs were killed before they finished"
    );
}

#[test]
fn verify_passes_on_a_fresh_run_and_names_an_edited_prediction() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let run = run.to_str().unwrap();
    success(&oml(&[
        "run",
        "--flow",
        "random-forest",
        "--resampling",
        "cv:5:2",
        "--seed",
        "3",
        "--out",
        run,
    ]));
    let verified = success(&oml(&["verify", run, "--offline"]));
    assert!(
        verified.contains("predictions byte-identical (300 rows)"),
        "{verified}"
    );
    let path = std::path::Path::new(run).join("predictions.arff");
    let text = std::fs::read_to_string(&path).unwrap();
    let data = text.find("@DATA\n").unwrap() + "@DATA\n".len();
    let line_end = data + text[data..].find('\n').unwrap();
    let first = &text[data..line_end];
    let mut fields: Vec<&str> = first.split(',').collect();
    let row_id = fields[3].to_owned();
    let last = fields.len() - 1;
    fields[last] = "0.123";
    let edited = format!("{}{}{}", &text[..data], fields.join(","), &text[line_end..]);
    std::fs::write(&path, edited).unwrap();
    let failed = oml(&["verify", run]);
    assert_eq!(failed.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&failed.stdout);
    assert!(
        stdout.starts_with("predictions.arff: changed after the run was written")
            && stdout.contains(&format!("repeat 0, fold 0, sample 0, row_id {row_id}:"))
            && stdout.contains("0.123 stored"),
        "{stdout}"
    );
    // Its exit code stands when stdout is closed before it prints (`oml verify RUN | head`).
    let mut child = Command::new(env!("CARGO_BIN_EXE_oml"))
        .args(["verify", run])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let closed = child.wait_with_output().unwrap();
    assert_eq!(
        closed.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&closed.stderr)
    );
    // A change to a file the run made again does not compare (the uploaded parameters) is one
    // too: the manifest's digests tell.
    std::fs::write(&path, text).unwrap();
    success(&oml(&["verify", run]));
    let description = std::path::Path::new(run).join("description.xml");
    let xml = std::fs::read_to_string(&description).unwrap();
    std::fs::write(&description, xml.replace("gini", "entropy")).unwrap();
    let failed = oml(&["verify", run]);
    assert_eq!(failed.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&failed.stdout);
    assert_eq!(
        stdout,
        "description.xml: changed after the run was written (its digest is not the one \
         manifest.json records)\n"
    );
}

#[test]
fn a_run_with_failed_units_is_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let task = infinite_task(dir.path());
    let failed = oml(&[
        "run", "--task", &task, "--target", "class", "--flow", "knn", "--store", store,
    ]);
    assert_eq!(failed.status.code(), Some(2));
    let printed = String::from_utf8_lossy(&failed.stdout);
    assert!(printed.contains("not stored"), "{printed}");
    assert!(
        !printed.contains("run directory"),
        "no run directory is named: {printed}"
    );
    let list = oml(&["runs", "list", "--store", store, "--json"]);
    assert!(
        list.stdout.is_empty()
            || serde_json::from_slice::<serde_json::Value>(&list.stdout).unwrap()
                == serde_json::json!([]),
        "nothing stored"
    );
    // Run again: computed again (and failing again), not found in the store.
    let again = oml(&[
        "run", "--task", &task, "--target", "class", "--flow", "knn", "--store", store,
    ]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("already in the store"));
}

/// `oml` run in directory `cwd`.
fn oml_in(cwd: &std::path::Path, args: &[&str]) -> std::process::Output {
    let store = std::env::temp_dir().join(format!("oml-cli-test-store-{}", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_oml"))
        .current_dir(cwd)
        .env("OML_STORE", store)
        .args(args)
        .output()
        .expect("the oml binary runs")
}

/// Every entry under `dir`, relative, sorted, with file contents.
fn tree(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let name = path.strip_prefix(dir).unwrap().display().to_string();
            if path.is_dir() {
                out.push((name + "/", Vec::new()));
                stack.push(path);
            } else {
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn run_out_never_deletes_what_oml_did_not_write() {
    let root = tempfile::tempdir().unwrap();
    let thesis = root.path().join("thesis");
    std::fs::create_dir(&thesis).unwrap();
    std::fs::write(thesis.join("thesis.tex"), b"\\chapter{years of work}").unwrap();
    let notes = root.path().join("notes.txt");
    std::fs::write(&notes, b"notes").unwrap();
    let before = tree(root.path());
    let run = |out: &std::path::Path, force: bool| {
        let mut args = vec![
            "run",
            "--resampling",
            "cv:2",
            "--out",
            out.to_str().unwrap(),
        ];
        if force {
            args.push("--force");
        }
        oml(&args)
    };
    for force in [false, true] {
        for out in [&thesis, &notes] {
            let output = run(out, force);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{stderr}");
            assert!(stderr.contains(&out.display().to_string()), "{stderr}");
            assert_eq!(
                tree(root.path()),
                before,
                "--out {} --force {force}",
                out.display()
            );
        }
    }
    assert!(
        String::from_utf8_lossy(&run(&thesis, true).stderr).contains("thesis.tex"),
        "the error names what it keeps"
    );

    // An oml run directory is replaced only with --force.
    let out = root.path().join("run");
    assert!(run(&out, false).status.success());
    let first = tree(&out);
    let output = run(&out, false);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--force"));
    assert_eq!(tree(&out), first);
    assert!(run(&out, true).status.success());
    let names: Vec<String> = tree(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "description.xml",
            "flow.xml",
            "manifest.json",
            "predictions.arff",
            "summary.json"
        ]
    );

    // `--out .` in a non-empty directory is refused and leaves nothing behind, in it or
    // next to it.
    let before = tree(root.path());
    for dot in [".", "./", "../thesis"] {
        let output = oml_in(
            &thesis,
            &["run", "--resampling", "cv:2", "--out", dot, "--force"],
        );
        assert_eq!(output.status.code(), Some(2), "--out {dot}");
        assert_eq!(tree(root.path()), before, "--out {dot}");
    }
}

#[test]
fn a_damaged_run_is_skipped_by_listing_and_recomputed_by_run() {
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("store");
    let store = store_path.to_str().unwrap();
    let run_at = |seed: &str| -> String {
        let out = success(&oml(&[
            "run",
            "--store",
            store,
            "--json",
            "--seed",
            seed,
            "--resampling",
            "cv:5",
        ]));
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        json["run_dir"].as_str().unwrap().to_owned()
    };
    let dirs: Vec<std::path::PathBuf> = ["0", "1", "2", "3"]
        .iter()
        .map(|s| run_at(s).into())
        .collect();
    let key = |d: &std::path::Path| d.file_name().unwrap().to_string_lossy().into_owned();
    // Four ways a run gets damaged: truncated summary, empty manifest, a missing file, and
    // 50 prediction rows deleted.
    let summary = std::fs::read(dirs[0].join("summary.json")).unwrap();
    std::fs::write(dirs[0].join("summary.json"), &summary[..summary.len() / 2]).unwrap();
    std::fs::write(dirs[1].join("manifest.json"), b"").unwrap();
    std::fs::remove_file(dirs[2].join("predictions.arff")).unwrap();
    let predictions = std::fs::read_to_string(dirs[3].join("predictions.arff")).unwrap();
    let kept: Vec<&str> = predictions.lines().collect();
    let cut = kept[..kept.len() - 50].join("\n") + "\n";
    std::fs::write(dirs[3].join("predictions.arff"), cut).unwrap();

    // Listing skips the runs it cannot read, naming them, and exits 0.
    let listed = oml(&["runs", "list", "--store", store, "--json"]);
    let stderr = String::from_utf8_lossy(&listed.stderr).into_owned();
    assert!(listed.status.success(), "{stderr}");
    for damaged in &dirs[..3] {
        assert!(stderr.contains(&key(damaged)), "{stderr}");
    }
    assert!(
        stderr.contains("summary.json") && stderr.contains("predictions.arff"),
        "{stderr}"
    );
    let list: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "only the run whose files all read"
    );
    // Collecting and reporting skip them too.
    let table = dir.path().join("table.csv");
    let collected = oml(&[
        "collect",
        "--store",
        store,
        "--out",
        table.to_str().unwrap(),
    ]);
    assert!(
        collected.status.success(),
        "{}",
        String::from_utf8_lossy(&collected.stderr)
    );
    assert!(String::from_utf8_lossy(&collected.stderr).contains(&key(&dirs[0])));
    let report = dir.path().join("report.html");
    let reported = oml(&[
        "report",
        "--store",
        store,
        "--out",
        report.to_str().unwrap(),
    ]);
    assert!(
        reported.status.success(),
        "{}",
        String::from_utf8_lossy(&reported.stderr)
    );
    // An output file that is there already is refused and kept, unless --force (the
    // evaluations' too).
    let listed = dir.path().join("evaluations.csv");
    let listed = listed.to_str().unwrap();
    let evaluations = [
        "evaluations",
        "--store",
        store,
        "--function",
        "predictive_accuracy",
    ];
    let evaluations = [&evaluations[..], &["--format", "csv", "--out", listed]].concat();
    success(&oml(&evaluations));
    for (path, command) in [
        (table.to_str().unwrap(), vec!["collect", "--store", store]),
        (report.to_str().unwrap(), vec!["report", "--store", store]),
        (listed, evaluations[..evaluations.len() - 2].to_vec()),
    ] {
        std::fs::write(path, "mine").unwrap();
        let command = [&command[..], &["--out", path]].concat();
        let refused = oml(&command);
        assert_eq!(refused.status.code(), Some(2), "{command:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains("exists; give --force"), "{stderr}");
        assert_eq!(std::fs::read_to_string(path).unwrap(), "mine");
        success(&oml(&[&command[..], &["--force"]].concat()));
        assert_ne!(std::fs::read_to_string(path).unwrap(), "mine");
    }

    // `oml run` computes every damaged run again, the one with deleted rows too (its
    // predictions no longer have the digest its manifest records), and the store is whole.
    for (i, seed) in ["0", "1", "2", "3"].iter().enumerate() {
        let output = oml(&[
            "run",
            "--store",
            store,
            "--seed",
            seed,
            "--resampling",
            "cv:5",
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        assert!(
            !stderr.contains("already in the store"),
            "seed {seed}: {stderr}"
        );
        assert!(stderr.contains("damaged"), "seed {seed}: {stderr}");
        assert_eq!(
            std::fs::read_to_string(dirs[i].join("predictions.arff"))
                .unwrap()
                .lines()
                .count(),
            kept.len(),
            "seed {seed}"
        );
    }
    let listed = oml(&["runs", "list", "--store", store, "--json"]);
    assert!(String::from_utf8_lossy(&listed.stderr).is_empty());
    let list: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 4);
    // Digests name their algorithm.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dirs[0].join("manifest.json")).unwrap()).unwrap();
    for digest in manifest["digests"].as_object().unwrap().values() {
        assert!(digest.as_str().unwrap().starts_with("sha256:"), "{digest}");
    }
    let files = manifest["files"].as_object().unwrap();
    assert_eq!(files.len(), 4);
    assert!(files.values().all(|d| d.as_str().unwrap().len() == 7 + 64));
}

#[test]
fn sizes_past_a_stated_limit_are_clear_errors_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.arff");
    let run_dir = dir.path().join("r");
    let run_dir = run_dir.to_str().unwrap();
    let store = dir.path().join("s");
    let store = store.to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "data",
                "generate",
                out.to_str().unwrap(),
                "--rows",
                "100000000000",
            ],
            "more than the limit of 268435456",
        ),
        (
            &["run", "--resampling", "cv:2:100000000", "--out", run_dir],
            "more than oml's limit of 1073741824",
        ),
        (
            &["run", "--resampling", "cv:2:100000000000", "--out", run_dir],
            "the repeats must be at most 4294967295",
        ),
        (
            &[
                "sweep",
                "--task",
                "builtin:iris",
                "--flow",
                "decision-tree",
                "--seed",
                "0..999999",
                "--task",
                "builtin:winequality",
                "--store",
                store,
            ],
            "more than oml's limit of 1000000",
        ),
        (
            &[
                "task",
                "show",
                "builtin:iris",
                "--resampling",
                "holdout:33:2000000000",
            ],
            "more than oml's limit",
        ),
    ];
    for (args, expected) in cases {
        let output = oml(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    assert!(!out.exists());
}

#[test]
fn sweep_parent_pid_in_the_environment_changes_no_other_command() {
    for args in [
        &["data", "inspect", "builtin:iris"][..],
        &["flows"][..],
        &["run", "--resampling", "cv:2", "--out"][..],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run");
        let mut args = args.to_vec();
        if args.last() == Some(&"--out") {
            args.push(out.to_str().unwrap());
        }
        // Process 1 is not this test's `oml`'s parent: the variable was exported by accident.
        let output = Command::new(env!("CARGO_BIN_EXE_oml"))
            .env("OML_SWEEP_PARENT_PID", "1")
            .env("OML_STORE", dir.path().join("store"))
            .args(&args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {:?} {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn a_failed_write_to_stderr_exits_with_the_normal_code() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let output = Command::new(env!("CARGO_BIN_EXE_oml"))
        .args(["data", "inspect", "/nonexistent/x.arff"])
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{:?}", output.status);
}

#[test]
fn control_bytes_from_files_reach_the_terminal_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil.arff");
    std::fs::write(
        &path,
        b"@relation r\n@attribute 'a\x1b[31mred' numeric\n@attribute 'nul\x01x' {p,q}\n@data\n1,p\n",
    )
    .unwrap();
    let output = oml(&["data", "inspect", path.to_str().unwrap()]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success());
    assert!(
        !stdout.contains('\x1b') && !stdout.contains('\x01'),
        "{stdout:?}"
    );
    assert!(stdout.contains("a\\x1b[31mred"), "{stdout}");
    // In an error message too.
    std::fs::write(
        &path,
        b"@relation r\n@attribute a numeric\n@data\n\x1b[2J\n",
    )
    .unwrap();
    let output = oml(&["data", "inspect", path.to_str().unwrap()]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}

#[test]
fn threads_are_capped_at_the_units_or_cores_and_zero_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let zero = oml(&["run", "--threads", "0", "--out", out.to_str().unwrap()]);
    assert_eq!(zero.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&zero.stderr).contains("--threads"));
    assert!(!out.exists());
    let many = oml(&[
        "run",
        "--threads",
        "100000",
        "--resampling",
        "cv:3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&many.stderr);
    assert!(many.status.success(), "{stderr}");
    // As many threads as units or cores, whichever is more: a flow that fits in parallel
    // keeps every core busy on fewer units.
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let useful = cores.max(3);
    assert!(
        stderr.contains(&format!(
            "100000 threads are more than the 3 units and the cores: running on {useful}"
        )),
        "{stderr}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["threads"], useful);
}

#[test]
fn offline_run_resolves_the_server_as_fetch_does() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let cache = cache.to_str().unwrap();
    let server = "http://127.0.0.1:9/api/v1/xml";
    let with_server = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_oml"))
            .env("OPENML_SERVER", server)
            .env("OML_STORE", dir.path().join("store"))
            .args(args)
            .output()
            .unwrap()
    };
    let written = with_server(&[
        "task",
        "write",
        "builtin:iris",
        "--cache-dir",
        cache,
        "--task-id",
        "5",
        "--dataset-id",
        "5",
    ]);
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    assert!(
        dir.path()
            .join("cache/1_9/0/0/127/tasks/5/task.xml")
            .is_file()
    );
    let run = with_server(&["run", "--task", "5", "--offline", "--cache-dir", cache]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let shown = with_server(&["task", "show", "5", "--cache-dir", cache]);
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
}

#[test]
fn a_flow_that_cannot_learn_the_task_is_refused_before_any_unit_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    for (task, flow, kind) in [
        ("builtin:iris", "linear-regression", "classification"),
        ("builtin:diabetes", "knn", "regression"),
    ] {
        let output = oml(&[
            "run",
            "--task",
            task,
            "--flow",
            flow,
            "--out",
            out.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("does not learn {kind} tasks")),
            "{stderr}"
        );
        assert!(!stderr.contains("unit"), "no unit ran: {stderr}");
        assert!(!out.exists());
    }
}

#[test]
fn unknown_measure_names_are_refused_listing_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let sweep = dir.path().join("sweep.toml");
    std::fs::write(
        &sweep,
        "measures = [\"predictive_accuracy\", \"nosuch\"]\ntasks = [\"builtin:iris\"]\nflows = [\"knn\"]\n",
    )
    .unwrap();
    let table = dir.path().join("t.csv");
    for args in [
        vec![
            "collect",
            "--store",
            store,
            "--measure",
            "accuracyy",
            "--out",
            table.to_str().unwrap(),
        ],
        vec!["evaluations", "--store", store, "--function", "nosuch"],
        vec!["sweep", sweep.to_str().unwrap(), "--store", store],
        vec![
            "report",
            "--store",
            store,
            "--measure",
            "nosuch",
            "--out",
            table.to_str().unwrap(),
        ],
    ] {
        let output = oml(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("unknown measure"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("predictive_accuracy, kappa"),
            "{args:?}: {stderr}"
        );
    }
    assert!(!table.exists());
}

#[test]
fn ignore_takes_a_column_out_of_a_local_task() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("notes.csv");
    let mut text = String::from("id,comment,x,class\n");
    for i in 0..40 {
        text.push_str(&format!(
            "{i},note {i},{},{}\n",
            i % 7,
            if i % 2 == 0 { "a" } else { "b" }
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let csv = csv.to_str().unwrap();
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    // A CSV's text column is nominal; a row id carries no signal and is ignored here.
    let plain = success(&oml(&[
        "run",
        "--task",
        csv,
        "--target",
        "class",
        "--resampling",
        "cv:2",
        "--json",
        "--out",
        &out("a"),
    ]));
    let ignored = success(&oml(&[
        "run",
        "--task",
        csv,
        "--target",
        "class",
        "--resampling",
        "cv:2",
        "--json",
        "--ignore",
        "id",
        "--ignore",
        "comment",
        "--out",
        &out("b"),
    ]));
    let manifest = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.path().join(name).join("manifest.json")).unwrap())
            .unwrap()
    };
    assert_eq!(
        manifest("b")["task_options"],
        serde_json::json!([
            "--target class",
            "--resampling cv:2",
            "--ignore id",
            "--ignore comment"
        ])
    );
    assert_ne!(plain, ignored);
    // The run is repeatable from its manifest, ignored columns included.
    success(&oml(&["verify", &out("b")]));
    let unknown = oml(&[
        "run",
        "--task",
        csv,
        "--target",
        "class",
        "--ignore",
        "nosuch",
        "--out",
        &out("c"),
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("cannot ignore `nosuch`"));
    let on_id = oml(&[
        "run",
        "--task",
        "1",
        "--offline",
        "--ignore",
        "id",
        "--out",
        &out("d"),
    ]);
    assert_eq!(on_id.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&on_id.stderr).contains("--ignore"));
}

#[test]
fn a_tuned_run_writes_its_trace_verifies_and_refuses_bad_spaces_before_any_fit() {
    let dir = tempfile::tempdir().unwrap();
    let tuned = |out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let mut args = vec![
            "run",
            "--task",
            "builtin:iris",
            "--resampling",
            "cv:3",
            "--flow",
            "decision-tree",
            "--tune",
            "max_depth=int:1:5",
            "--tune",
            "criterion=gini,entropy",
            "--json",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        oml(&args)
    };
    let json: serde_json::Value =
        serde_json::from_str(&success(&tuned("a", &["--search", "random:4"]))).unwrap();
    assert!(json["flow"].as_str().unwrap().starts_with("oml.Tuned("));
    let trace = std::fs::read_to_string(dir.path().join("a/trace.arff")).unwrap();
    let rows: Vec<&str> = trace
        .lines()
        .skip_while(|l| !l.starts_with("@DATA"))
        .skip(1)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), 3 * 4);
    assert_eq!(rows.iter().filter(|r| r.contains(",true,")).count(), 3);
    assert!(
        trace.contains("@ATTRIBUTE parameter_max_depth STRING"),
        "{trace}"
    );
    let manifest = std::fs::read_to_string(dir.path().join("a/manifest.json")).unwrap();
    assert!(manifest.contains("\"search\": \"random:4\""), "{manifest}");
    // Verified byte for byte from the manifest, the search included.
    let verified = success(&oml(&["verify", dir.path().join("a").to_str().unwrap()]));
    assert!(verified.starts_with("verified"), "{verified}");
    // Another search is another run: its own key and trace.
    success(&tuned("b", &["--search", "grid"]));
    let grid = std::fs::read_to_string(dir.path().join("b/trace.arff")).unwrap();
    assert_eq!(
        grid.lines().filter(|l| l.starts_with("0,")).count(),
        3 * 5 * 2
    );
    // Another measure scores the candidates: log loss, lower is better.
    success(&tuned(
        "d",
        &["--search", "random:3", "--tune-measure", "log_loss"],
    ));
    let manifest = std::fs::read_to_string(dir.path().join("d/manifest.json")).unwrap();
    assert!(manifest.contains("\"measure\": \"log_loss\""), "{manifest}");
    // Bad spaces and searches are refused before any fit, naming the text.
    for (extra, named) in [
        (&["--tune", "min_samples_leaf=int:0:3"][..], "`0`"),
        (&["--search", "random:0"][..], "random:0"),
        (&["--inner", "cv:1"][..], "cv:1"),
        (&["--tune", "nosuch=1,2"][..], "nosuch"),
        (&["--tune", "max_depth="][..], "max_depth"),
        (&["--tune-measure", "r_squared"][..], "r_squared"),
        (
            &["--tune-measure", "usercpu_time_millis"][..],
            "usercpu_time_millis",
        ),
    ] {
        let output = tuned("c", extra);
        assert_eq!(output.status.code(), Some(2), "{extra:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(named), "{extra:?}: {stderr}");
        assert!(!dir.path().join("c").exists());
    }
    // A learning curve searches once per sample, which OpenML's trace cannot hold: refused
    // before any fit, naming the tuned parameter.
    let out = dir.path().join("c");
    let curve = oml(&[
        "run",
        "--task",
        "builtin:iris",
        "--resampling",
        "curve:3",
        "--flow",
        "decision-tree",
        "--tune",
        "max_depth=int:1:5",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(curve.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&curve.stderr);
    assert!(
        stderr.contains("tune `max_depth=int:1:5`: a learning curve of 3 samples cannot be tuned"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// `data generate`, `task show --splits-json` and `flows --xml-dir` write over nothing that is
/// there without --force (and generate writes only ARFF names).
#[test]
fn commands_writing_files_refuse_what_is_there_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let (data, splits, flows) = (path("d.arff"), path("s.json"), path("flows"));
    std::fs::create_dir(&flows).unwrap();
    let generate = ["data", "generate", &data, "--rows", "40", "--nominal", "0"];
    let show = ["task", "show", "builtin:iris", "--splits-json", &splits];
    let xml = ["flows", "--xml-dir", &flows];
    let gbm = dir.path().join("flows").join("gbm.xml");
    for (target, command) in [
        (std::path::PathBuf::from(&data), &generate[..]),
        (splits.clone().into(), &show[..]),
        (gbm, &xml[..]),
    ] {
        std::fs::write(&target, "mine").unwrap();
        let refused = oml(command);
        assert_eq!(refused.status.code(), Some(2), "{command:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains("exists; give --force"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
        success(&oml(&[command, &["--force"]].concat()));
        assert_ne!(std::fs::read_to_string(&target).unwrap(), "mine");
    }
    assert_eq!(
        std::fs::read_dir(&flows).unwrap().count(),
        oml::flow::BUILTIN_FLOWS.len()
    );
    let csv = path("d.csv");
    let refused = oml(&["data", "generate", &csv]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("writes ARFF"));
    assert!(!std::path::Path::new(&csv).exists());
}

/// A learning curve whose folds train on 64 rows or fewer has one sample; its description still
/// numbers the values by sample, as openml-python writes them and reads them back as sample
/// evaluations (OpenML gives learning curves a `crossvalidation` procedure).
#[test]
fn a_learning_curve_of_one_sample_numbers_its_evaluations_by_sample() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("g40.arff");
    let out = dir.path().join("run");
    success(&oml(&[
        "data",
        "generate",
        data.to_str().unwrap(),
        "--rows",
        "40",
        "--seed",
        "2",
    ]));
    success(&oml(&[
        "run",
        "--task",
        data.to_str().unwrap(),
        "--target",
        "class",
        "--resampling",
        "curve:5",
        "--flow",
        "constant",
        "--out",
        out.to_str().unwrap(),
    ]));
    let description = std::fs::read_to_string(out.join("description.xml")).unwrap();
    let units: Vec<&str> = description
        .lines()
        .filter(|l| l.contains("<oml:evaluation repeat="))
        .collect();
    assert!(!units.is_empty(), "{description}");
    assert!(
        units.iter().all(|l| l.contains(" sample=\"0\">")),
        "{description}"
    );
    assert!(units.iter().any(|l| l.contains("fold=\"4\" sample=\"0\"")));
}
