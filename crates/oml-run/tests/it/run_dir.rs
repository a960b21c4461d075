//! A run directory is replaced whole.

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
    let flow = oml_flow::builtin_flow("decision-tree").unwrap();
    let evaluation = oml_eval::EvaluatorBuilder::new()
        .build()
        .unwrap()
        .evaluate(&flow, &task)
        .unwrap();
    let summary = evaluation.summary();
    let description = oml_run::RunDescription {
        task_id: None,
        flow_id: oml_run::UNPUBLISHED_FLOW_ID,
        setup_string: "oml run --task builtin:iris --flow decision-tree --seed 0".to_owned(),
        parameter_settings: oml_flow::qualified_parameters(&flow)
            .into_iter()
            .map(|(n, p)| (n, p.value))
            .collect(),
        tags: vec!["oml".to_owned()],
        evaluations: oml_run::RunDescription::evaluations_of(&summary, true),
    };
    let manifest = oml_run::Manifest {
        oml_version: "0.1.0".into(),
        rustc_version: oml_run::RUSTC_VERSION.into(),
        crates: oml_run::locked_crates(),
        os: "test".into(),
        cpu: "test".into(),
        cores: 2,
        memory_bytes: 1,
        task: "builtin:iris".into(),
        task_id: None,
        task_options: Vec::new(),
        flow: "decision-tree".into(),
        flow_name: oml_flow::Describe::name(&flow),
        flow_external_version: oml_flow::Describe::external_version(&flow),
        parameters: Vec::new(),
        seed: 0,
        threads: 2,
        n_units: 10,
        wall_time_s: 0.5,
        started: oml_run::now_rfc3339(),
        finished: oml_run::now_rfc3339(),
        digests: oml_run::task_digests(&task).unwrap(),
    };
    oml_run::Run {
        predictions: oml_run::predictions_arff(
            &evaluation,
            None,
            task.class_labels(),
            vec!["oml".into()],
        )
        .unwrap(),
        description,
        flow_xml: oml_flow::flow_xml(&flow).unwrap(),
        summary: serde_json::to_value(&summary).unwrap(),
        manifest,
    }
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
