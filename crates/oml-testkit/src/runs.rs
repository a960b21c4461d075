//! Runs made as `oml run` makes them.

use oml_flow::Describe;
use oml_run::Run;
use oml_task::Task;

/// A run of built-in flow `flow` on `task` with run seed `seed`, as `oml run` makes it;
/// `task_name` is what `oml run --task` was given.
pub fn make_run(task: &Task, task_name: &str, flow: &str, seed: u64) -> Run {
    build_run(task, task.task_id(), task_name, flow, seed)
}

/// [`make_run`] for a run that claims OpenML task `task_id`, whatever task it was made on
/// (a local task has no id of its own), as a run to be published must.
pub fn make_run_claiming(task_id: i64, task: &Task, task_name: &str, flow: &str, seed: u64) -> Run {
    build_run(task, Some(task_id), task_name, flow, seed)
}

fn build_run(task: &Task, task_id: Option<i64>, task_name: &str, flow: &str, seed: u64) -> Run {
    let flow_name = flow;
    let flow = oml_flow::builtin_flow(flow_name).unwrap();
    let evaluation = oml_eval::EvaluatorBuilder::new()
        .seed(seed)
        .threads(1)
        .build()
        .unwrap()
        .evaluate(&flow, task)
        .unwrap();
    let summary = evaluation.summary();
    let description = oml_run::RunDescription {
        task_id,
        flow_id: oml_run::UNPUBLISHED_FLOW_ID,
        setup_string: format!("oml run --task {task_name} --flow {flow_name} --seed {seed}"),
        parameter_settings: oml_flow::qualified_parameters(&flow)
            .into_iter()
            .map(|(n, p)| (n, p.value))
            .collect(),
        tags: vec!["oml".to_owned()],
        evaluations: oml_run::RunDescription::evaluations_of(&summary, oml_run::UnitValues::Folds),
    };
    let manifest = oml_run::Manifest {
        oml_version: "0.1.0".into(),
        rustc_version: oml_run::RUSTC_VERSION.into(),
        crates: oml_run::locked_crates(),
        os: "test".into(),
        cpu: "test".into(),
        cores: 1,
        memory_bytes: 1,
        task: task_name.into(),
        task_id,
        task_options: Default::default(),
        flow: flow_name.into(),
        flow_name: flow.name(),
        flow_external_version: flow.external_version(),
        parameters: Vec::new(),
        tune: None,
        seed,
        threads: 1,
        n_units: task.splits().units().len(),
        wall_time_s: 0.5,
        started: format!("2025-01-0{}T00:00:00.000Z", seed + 1),
        finished: oml_run::now_rfc3339(),
        peak_rss_bytes: None,
        digests: oml_run::TaskDigests::of(task).unwrap().to_map(),
    };
    Run {
        predictions: oml_run::predictions_arff(
            &evaluation,
            task_id,
            task.class_labels(),
            vec!["oml".into()],
        )
        .unwrap(),
        description,
        flow_xml: oml_flow::flow_xml(&flow).unwrap(),
        summary: serde_json::to_value(&summary).unwrap(),
        manifest,
        trace: None,
    }
}
