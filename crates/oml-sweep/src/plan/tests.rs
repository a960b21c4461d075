//! The sweep file and its expansion into jobs, tested.
use oml_flow::qualified_name;

use super::file::float_text;
use super::*;

pub(super) fn read(text: &str) -> Result<Sweep, Error> {
    Sweep::from_toml(text, Path::new("sweep.toml"))
}

pub(super) use oml_data::error_chain as chain;

pub(super) fn no_suites(suite: &str) -> Result<Vec<i64>, String> {
    Err(format!("no suite {suite} here"))
}

fn labels(jobs: &[Job]) -> Vec<String> {
    jobs.iter().map(Job::label).collect()
}

const FILE: &str = r#"
seeds = "0..3"
measures = ["predictive_accuracy"]
time_limit = "1h30m"
tasks = [
  "builtin:iris",
  { task = "builtin:diabetes", resampling = "cv:5" },
]

[[flows]]
name = "decision-tree"
grid = { min_samples_split = [2, 4], max_depth = [3, "none"] }

[[flows]]
name = "knn"
"#;

#[test]
fn a_file_expands_in_order() {
    let sweep = read(FILE).unwrap();
    assert_eq!(sweep.seeds, [0, 1, 2]);
    assert_eq!(sweep.measures, ["predictive_accuracy"]);
    assert_eq!(sweep.time_limit, Some(Duration::from_secs(5400)));
    assert_eq!(
        sweep.flows[0].grid,
        [
            (
                "estimator.max_depth".to_owned(),
                vec!["3".to_owned(), "none".to_owned()]
            ),
            (
                "estimator.min_samples_split".to_owned(),
                vec!["2".to_owned(), "4".to_owned()]
            ),
        ]
    );
    let jobs = sweep.jobs(&mut no_suites).unwrap();
    assert_eq!(jobs.len(), 2 * (4 + 1) * 3);
    let labels = labels(&jobs);
    assert_eq!(
        labels[..16],
        [
            "builtin:iris decision-tree estimator.max_depth=3 estimator.min_samples_split=2 seed 0",
            "builtin:iris decision-tree estimator.max_depth=3 estimator.min_samples_split=2 seed 1",
            "builtin:iris decision-tree estimator.max_depth=3 estimator.min_samples_split=2 seed 2",
            "builtin:iris decision-tree estimator.max_depth=3 estimator.min_samples_split=4 seed 0",
            "builtin:iris decision-tree estimator.max_depth=3 estimator.min_samples_split=4 seed 1",
            "builtin:iris decision-tree estimator.max_depth=3 estimator.min_samples_split=4 seed 2",
            "builtin:iris decision-tree estimator.max_depth=none estimator.min_samples_split=2 seed 0",
            "builtin:iris decision-tree estimator.max_depth=none estimator.min_samples_split=2 seed 1",
            "builtin:iris decision-tree estimator.max_depth=none estimator.min_samples_split=2 seed 2",
            "builtin:iris decision-tree estimator.max_depth=none estimator.min_samples_split=4 seed 0",
            "builtin:iris decision-tree estimator.max_depth=none estimator.min_samples_split=4 seed 1",
            "builtin:iris decision-tree estimator.max_depth=none estimator.min_samples_split=4 seed 2",
            "builtin:iris knn seed 0",
            "builtin:iris knn seed 1",
            "builtin:iris knn seed 2",
            "builtin:diabetes [--resampling cv:5] decision-tree estimator.max_depth=3 estimator.min_samples_split=2 seed 0",
        ]
    );
    assert_eq!(
        labels[29],
        "builtin:diabetes [--resampling cv:5] knn seed 2"
    );
    // The same file gives the same jobs.
    assert_eq!(read(FILE).unwrap().jobs(&mut no_suites).unwrap(), jobs);
    let keys: HashSet<String> = jobs.iter().map(Job::key).collect();
    assert_eq!(keys.len(), jobs.len());
}

#[test]
fn keys_are_stable_and_tell_jobs_apart() {
    let job = Job {
        task: TaskSpec::new("builtin:iris"),
        flow: "decision-tree".into(),
        params: vec!["estimator.max_depth=3".into()],
        tune: None,
        seed: 1,
    };
    // What a sweep makes of `max_depth = 3`.
    let sweep = read(
        "seeds = 1\ntasks = [\"builtin:iris\"]\n[[flows]]\nname = \"decision-tree\"\ngrid = { max_depth = 3 }",
    )
    .unwrap();
    assert_eq!(
        sweep.jobs(&mut no_suites).unwrap(),
        std::slice::from_ref(&job)
    );
    // A change of this value changes every stored job's key: bump `oml job 1` instead.
    assert_eq!(
        job.key(),
        "e77245a53975c2996d90f718f7d170ac09e4e45a9815fc6414d6c355d1a1b76f"
    );
    assert_eq!(job.key().len(), 64);
    let mut other = job.clone();
    other.seed = 2;
    assert_ne!(other.key(), job.key());
    let mut other = job.clone();
    other.params = vec!["estimator.max_depth=4".into()];
    assert_ne!(other.key(), job.key());
    let mut other = job.clone();
    other.task.options.resampling = Some("cv:5".parse().unwrap());
    assert_ne!(other.key(), job.key());
    let mut other = job.clone();
    other.task.cache_dir = Some("/elsewhere".into());
    assert_eq!(
        other.key(),
        job.key(),
        "the cache directory is not in the key"
    );
}

#[test]
fn a_job_and_its_manifest_have_one_key() {
    let job = Job {
        task: TaskSpec {
            task: "builtin:diabetes".into(),
            cache_dir: None,
            options: oml_task::TaskOptions {
                resampling: Some("cv:5:2".parse().unwrap()),
                split_seed: Some(3),
                no_stratify: true,
                ..Default::default()
            },
        },
        flow: "decision-tree".into(),
        params: vec!["max_depth=3".into(), "min_samples_split=4".into()],
        tune: None,
        seed: 7,
    };
    let request = job.request(Some(2));
    assert_eq!(request.threads, Some(2));
    assert!(!request.fail_fast);
    // The fields `PreparedRun::execute` writes into a manifest.
    let manifest = oml_run::Manifest {
        oml_version: String::new(),
        rustc_version: String::new(),
        crates: BTreeMap::new(),
        os: String::new(),
        cpu: String::new(),
        cores: 1,
        memory_bytes: 0,
        task: request.task.task.clone(),
        task_id: None,
        task_options: request.task.options.clone(),
        flow: request.flow.clone(),
        flow_name: String::new(),
        flow_external_version: String::new(),
        parameters: request.params.clone(),
        tune: None,
        seed: request.seed,
        threads: 2,
        n_units: 10,
        wall_time_s: 0.0,
        started: String::new(),
        finished: String::new(),
        peak_rss_bytes: None,
        digests: BTreeMap::new(),
    };
    let from_manifest = Job::of_manifest(&manifest);
    assert_eq!(from_manifest, job);
    assert_eq!(from_manifest.key(), job.key());
}

#[test]
fn seeds() {
    assert_eq!(parse_seeds("1..5").unwrap(), [1, 2, 3, 4]);
    assert_eq!(parse_seeds("1..=5").unwrap(), [1, 2, 3, 4, 5]);
    assert_eq!(parse_seeds(" 7 ").unwrap(), [7]);
    assert_eq!(parse_seeds("0..1").unwrap(), [0]);
    for bad in [
        "5..1", "5..5", "a..b", "1..", "..3", "-1", "1...3", "", "x", "1..=b",
    ] {
        let error = parse_seeds(bad).unwrap_err().to_string();
        assert!(error.contains(&format!("`{bad}`")), "{bad}: {error}");
    }
    assert!(parse_seeds("0..100000000").is_err());
    let sweep = read("seeds = [\"0..2\", 10]\ntasks = [1]\nflows = [\"knn\"]").unwrap();
    assert_eq!(sweep.seeds, [0, 1, 10]);
    assert_eq!(read("tasks = [1]\nflows = [\"knn\"]").unwrap().seeds, [0]);
    let error = read("seeds = \"3..1\"\ntasks = [1]\nflows = [\"knn\"]").unwrap_err();
    assert!(
        error.to_string().starts_with("sweep.toml: line 1"),
        "{error}"
    );
    assert!(error.to_string().contains("`3..1`"), "{error}");
    let error = read("seeds = [-1]\ntasks = [1]\nflows = [\"knn\"]").unwrap_err();
    assert!(
        error.to_string().starts_with("sweep.toml: line 1"),
        "{error}"
    );
}

#[test]
fn durations() {
    let secs = |text| parse_duration(text).unwrap().as_secs();
    assert_eq!(secs("90"), 90);
    assert_eq!(secs("90s"), 90);
    assert_eq!(secs("10m"), 600);
    assert_eq!(secs("2h"), 7200);
    assert_eq!(secs("1h30m"), 5400);
    assert_eq!(secs("1d"), 86_400);
    assert_eq!(secs("1d2h3m4s"), 93_784);
    for bad in [
        "", "0", "0s", "1x", "m", "30m1h", "1h1h", "1.5h", "1h30", "-5", "h1",
    ] {
        let error = parse_duration(bad).unwrap_err().to_string();
        assert!(error.contains(&format!("`{bad}`")), "{bad}: {error}");
    }
    let sweep = read("time_limit = 600\ntasks = [1]\nflows = [\"knn\"]").unwrap();
    assert_eq!(sweep.time_limit, Some(Duration::from_secs(600)));
    let error = read("tasks = [1]\nflows = [\"knn\"]\ntime_limit = \"5 min\"").unwrap_err();
    assert!(
        error.to_string().starts_with("sweep.toml: line 3"),
        "{error}"
    );
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let error = read("tasks = [1]\nflows = [\"knn\"\nseeds = 3").unwrap_err();
    let message = error.to_string();
    assert!(message.starts_with("sweep.toml: line "), "{message}");
    assert!(
        matches!(
            error,
            Error::Toml {
                line: Some(2 | 3),
                ..
            }
        ),
        "{error:?}"
    );
    let error = read("tasks = [1]\nflows = [\"knn\"]\nsead = 3").unwrap_err();
    assert!(
        error.to_string().starts_with("sweep.toml: line 3"),
        "{error}"
    );
    assert!(error.to_string().contains("sead"), "{error}");
    let error =
        read("tasks = [{ task = \"builtin:iris\", resampled = \"cv:5\" }]\nflows = [\"knn\"]")
            .unwrap_err();
    assert!(
        error.to_string().starts_with("sweep.toml: line 1"),
        "{error}"
    );
    assert!(error.to_string().contains("resampled"), "{error}");
    let error = read(
        "tasks = [1]\n[[flows]]\nname = \"decision-tree\"\ngrid = { max_depth = 3, max_depth = 4 }",
    )
    .unwrap_err();
    assert!(
        error.to_string().starts_with("sweep.toml: line 4"),
        "{error}"
    );
    let error = read("tasks = [1]\n[[flows]]\nname = \"decision-tree\"\ngrid = { max_depth = [] }")
        .unwrap_err();
    assert!(
        error.to_string().starts_with("sweep.toml: line 4"),
        "{error}"
    );
}

#[test]
fn an_unknown_flow_names_its_entry() {
    let text = "tasks = [1]\n[[flows]]\nname = \"knn\"\n\n[[flows]]\nname = \"tre\"\n";
    let error = read(text).unwrap_err();
    let message = chain(&error);
    assert!(
        message.starts_with("sweep.toml: line 6: flows[1].name: no built-in flow is called `tre`"),
        "{message}"
    );
    let error = read("tasks = [1]\nflows = [\"knn\", \"tre\"]").unwrap_err();
    assert!(chain(&error).contains("flows[1].name"), "{error}");
    let error = Sweep::from_flags(&["1".into()], &["tre".into()], &[]).unwrap_err();
    assert!(chain(&error).contains("`tre`"), "{error}");
}

#[test]
fn a_bad_grid_value_names_its_entry() {
    let text = "tasks = [1]\n[[flows]]\nname = \"decision-tree\"\ngrid = { min_samples_split = 2, max_depth = [3, 0] }\n";
    let error = read(text).unwrap_err();
    let message = chain(&error);
    assert!(
        message
            .starts_with("sweep.toml: line 4: flows[0].grid.max_depth: parameter `max_depth`: `0`"),
        "{message}"
    );
    let text = "tasks = [1]\n[[flows]]\nname = \"decision-tree\"\ngrid = { max_dept = 3 }\n";
    assert!(chain(&read(text).unwrap_err()).contains("flows[0].grid.max_dept"));
    // jobs() checks a sweep made otherwise.
    let mut sweep = Sweep::from_flags(&["1".into()], &["decision-tree".into()], &[]).unwrap();
    sweep.flows[0].grid = vec![("max_depth".into(), vec!["0".into()])];
    let error = sweep.jobs(&mut no_suites).unwrap_err();
    assert!(
        chain(&error).starts_with("flows[0].grid.max_depth: "),
        "{error}"
    );
    sweep.flows[0].grid = vec![
        ("max_depth".into(), vec!["3".into()]),
        ("max_depth".into(), vec!["4".into()]),
    ];
    let error = sweep.jobs(&mut no_suites).unwrap_err();
    assert_eq!(error.to_string(), "flows[0].grid.max_depth: given twice");
}

#[test]
fn tasks_of_every_kind() {
    let text = r#"
server = "test"
tasks = [
  "builtin:iris",
  31,
  "59",
  "suite:OpenML-CC18",
  { suite = 99 },
  "data/task_1",
  { task = "builtin:diabetes", resampling = "cv:5:2", target = "target", task_type = "2", split_seed = 3, no_stratify = true },
]
flows = ["knn", { name = "decision-tree", grid = { max_depth = 3 } }]
"#;
    let sweep = read(text).unwrap();
    let spec = |task: &str, server: &str| {
        let mut spec = TaskSpec::new(task);
        spec.options.set_server(server);
        TaskEntry::Spec(spec)
    };
    assert_eq!(sweep.tasks[0], spec("builtin:iris", "www"));
    assert_eq!(sweep.tasks[1], spec("31", "test"));
    assert_eq!(sweep.tasks[2], spec("59", "test"));
    assert_eq!(sweep.tasks[3], TaskEntry::Suite("OpenML-CC18".into()));
    assert_eq!(sweep.tasks[4], TaskEntry::Suite("99".into()));
    assert_eq!(sweep.tasks[5], spec("data/task_1", "www"));
    let TaskEntry::Spec(local) = &sweep.tasks[6] else {
        panic!("{:?}", sweep.tasks[6])
    };
    assert_eq!(
        local.options.to_items(),
        [
            "--target target",
            "--task-type regression",
            "--resampling cv:5:2",
            "--split-seed 3",
            "--no-stratify"
        ]
    );
    assert_eq!(
        sweep.flows[1].grid,
        [("estimator.max_depth".into(), vec!["3".into()])]
    );

    let mut asked = Vec::new();
    let jobs = sweep
        .jobs(&mut |suite| {
            asked.push(suite.to_owned());
            Ok(if suite == "99" {
                vec![59, 3]
            } else {
                vec![31, 3]
            })
        })
        .unwrap();
    assert_eq!(asked, ["OpenML-CC18", "99"]);
    let tasks: Vec<&str> = jobs
        .iter()
        .filter(|job| job.flow == "knn")
        .map(|job| job.task.task.as_str())
        .collect();
    // 31 and 59 again, from the suites, are kept once.
    assert_eq!(
        tasks,
        [
            "builtin:iris",
            "31",
            "59",
            "3",
            "data/task_1",
            "builtin:diabetes"
        ]
    );
    assert!(
        jobs.iter()
            .filter(|job| job.task.task == "3")
            .all(|job| job.task.options.server_name() == "test")
    );
    assert_eq!(jobs[2].label(), "31 [--server test] knn seed 0");

    let error = sweep.jobs(&mut no_suites).unwrap_err();
    assert_eq!(
        error.to_string(),
        "tasks[3]: cannot list the tasks of suite OpenML-CC18: no suite OpenML-CC18 here"
    );
}

#[test]
fn bad_tasks_name_their_entry() {
    let check = |tasks: &str, expected: &str| {
        let text = format!("tasks = [\n  \"builtin:iris\",\n  {tasks},\n]\nflows = [\"knn\"]");
        let error = read(&text).unwrap_err().to_string();
        assert!(error.starts_with(expected), "{tasks}: {error}");
    };
    check(
        "{ task = 31, resampling = \"cv:5\" }",
        "sweep.toml: line 3: tasks[1]: ",
    );
    check(
        "{ suite = 99, target = \"class\" }",
        "sweep.toml: line 3: tasks[1]: ",
    );
    check(
        "{ resampling = \"cv:5\" }",
        "sweep.toml: line 3: tasks[1]: give `task` or `suite`",
    );
    check("{ task = 3, suite = 99 }", "sweep.toml: line 3: tasks[1]: ");
    check(
        "{ task = \"builtin:iris\", resampling = \"cv\" }",
        "sweep.toml: line 3: tasks[1].resampling: ",
    );
    check("\"suite:\"", "sweep.toml: line 3: tasks[1]: ");
    check("\"\"", "sweep.toml: line 3: tasks[1]: ");
    check("-3", "sweep.toml: line 3");
    check("true", "sweep.toml: line 3");
}

#[test]
fn nothing_to_run() {
    for text in [
        "flows = [\"knn\"]",
        "tasks = []\nflows = [\"knn\"]",
        "tasks = [1]",
    ] {
        let error = read(text).unwrap_err().to_string();
        assert!(error.contains("nothing to run"), "{text}: {error}");
        assert!(error.starts_with("sweep.toml: "), "{text}: {error}");
    }
    assert!(read("tasks = [1]\nflows = [\"knn\"]\nseeds = []").is_err());
    // The flags alone may be empty (a file may come), but give no jobs.
    let sweep = Sweep::from_flags(&[], &["knn".into()], &[]).unwrap();
    let error = sweep.jobs(&mut no_suites).unwrap_err().to_string();
    assert_eq!(
        error,
        "--task: no tasks: nothing to run (give a sweep file or --task)"
    );
    let sweep = Sweep::from_flags(&["1".into()], &[], &[]).unwrap();
    let error = sweep.jobs(&mut no_suites).unwrap_err().to_string();
    assert!(error.starts_with("--flow: no flows"), "{error}");
}

#[test]
fn flags_alone_and_over_a_file() {
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let sweep = Sweep::from_flags(
        &strings(&["builtin:iris", "suite:99"]),
        &strings(&["knn", "decision-tree"]),
        &strings(&["1..3", "7"]),
    )
    .unwrap();
    assert_eq!(sweep.seeds, [1, 2, 7]);
    assert_eq!(sweep.tasks[1], TaskEntry::Suite("99".into()));
    assert_eq!(sweep.server, None);
    assert!(sweep.flows.iter().all(|flow| flow.grid.is_empty()));
    let jobs = sweep.jobs(&mut |_| Ok(vec![3])).unwrap();
    assert_eq!(jobs.len(), 2 * 2 * 3);
    assert_eq!(
        Sweep::from_flags(&strings(&["1"]), &strings(&["knn"]), &[])
            .unwrap()
            .seeds,
        [0]
    );
    assert!(Sweep::from_flags(&strings(&["1"]), &strings(&["knn"]), &strings(&["3..1"])).is_err());

    let mut sweep = read(FILE).unwrap();
    sweep.override_with(&[], &[], &strings(&["5"])).unwrap();
    assert_eq!(sweep.seeds, [5]);
    assert_eq!(sweep.flows.len(), 2);
    sweep
        .override_with(&strings(&["31"]), &strings(&["gbm"]), &[])
        .unwrap();
    assert_eq!(sweep.tasks.len(), 1);
    assert_eq!(
        sweep.flows,
        [FlowEntry {
            flow: "gbm".into(),
            grid: vec![],
            tune: None,
        }]
    );
    assert_eq!(sweep.seeds, [5]);
    assert_eq!(sweep.measures, ["predictive_accuracy"]);
    sweep.set_server("test");
    assert_eq!(sweep.server.as_deref(), Some("test"));
    let TaskEntry::Spec(spec) = &sweep.tasks[0] else {
        panic!()
    };
    assert_eq!(spec.options.server_name(), "test");
    // Nothing changes on an error.
    let before = sweep.clone();
    assert!(
        sweep
            .override_with(&strings(&["2"]), &strings(&["tre"]), &[])
            .is_err()
    );
    assert!(
        sweep
            .override_with(&strings(&["2"]), &[], &strings(&["x"]))
            .is_err()
    );
    assert_eq!(sweep, before);
}

/// A sweep of one flow with one grid entry written `grid`, on line 4.
fn grid_sweep(flow: &str, grid: &str) -> Result<Sweep, Error> {
    read(&format!(
        "tasks = [\"builtin:iris\"]\n[[flows]]\nname = \"{flow}\"\ngrid = {{ {grid} }}\n"
    ))
}

#[test]
fn floats_stay_floats() {
    for (value, text) in [
        (1.0, "1.0"),
        (0.1, "0.1"),
        (1e300, "1e300"),
        (1e-7, "1e-7"),
        (-2.5, "-2.5"),
        (-0.0, "0.0"),
        (0.0, "0.0"),
    ] {
        assert_eq!(float_text(value), text);
        assert_eq!(text.parse::<f64>().unwrap(), value, "{text} round-trips");
    }
    // 1.0 is a fraction of the features, 1 one feature: two jobs, two keys.
    let sweep = grid_sweep("decision-tree", "max_features = [1.0, 1, 0.5]").unwrap();
    assert_eq!(
        sweep.flows[0].grid,
        [(
            "estimator.max_features".to_owned(),
            vec!["1.0".to_owned(), "1".to_owned(), "0.5".to_owned()]
        )]
    );
    let jobs = sweep.jobs(&mut no_suites).unwrap();
    assert_eq!(jobs.len(), 3);
    assert_eq!(jobs[0].params, ["estimator.max_features=1.0"]);
    assert_ne!(jobs[0].key(), jobs[1].key());
    // A float is not cut to an integer parameter's value.
    let error = grid_sweep("decision-tree", "max_depth = 3.0").unwrap_err();
    assert!(
        chain(&error).starts_with("sweep.toml: line 4: flows[0].grid.max_depth: "),
        "{error}"
    );
    for (bad, shown) in [
        ("nan", "nan"),
        ("inf", "inf"),
        ("+inf", "inf"),
        ("-inf", "-inf"),
        ("[0.5, nan]", "nan"),
    ] {
        let error = grid_sweep("decision-tree", &format!("max_features = {bad}")).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "sweep.toml: line 4: flows[0].grid.max_features: `{shown}` is not a finite number"
            ),
            "{bad}"
        );
    }
}

#[test]
fn a_parameter_has_one_name() {
    // Bare and qualified names give one grid, one job, one key.
    let bare = grid_sweep("decision-tree", "max_depth = 3").unwrap();
    let qualified = grid_sweep("decision-tree", "\"estimator.max_depth\" = 3").unwrap();
    assert_eq!(bare, qualified);
    let (bare, qualified) = (
        bare.jobs(&mut no_suites).unwrap(),
        qualified.jobs(&mut no_suites).unwrap(),
    );
    assert_eq!(bare[0].params, ["estimator.max_depth=3"]);
    assert_eq!(bare[0].key(), qualified[0].key());
    // A step's parameter, and the order of qualified names.
    let sweep = grid_sweep("knn", "k = [1, 5], strategy = \"median\"").unwrap();
    assert_eq!(
        sweep.jobs(&mut no_suites).unwrap()[0].params,
        ["estimator.k=1", "impute.strategy=median"]
    );
    // One parameter under two names is refused, naming the entry.
    let error = grid_sweep(
        "decision-tree",
        "max_depth = 1, \"estimator.max_depth\" = 2",
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "sweep.toml: line 4: flows[0].grid.max_depth: names the same parameter as \
         `estimator.max_depth` (estimator.max_depth): give it once"
    );
    let error = grid_sweep("decision-tree", "max_depth = 1, \" max_depth\" = 2").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("sweep.toml: line 4: flows[0].grid."),
        "{error}"
    );
    let error = grid_sweep("decision-tree", "\"estimator.max_dept\" = 1").unwrap_err();
    assert!(
        chain(&error).starts_with("sweep.toml: line 4: flows[0].grid.estimator.max_dept: "),
        "{error}"
    );
    // jobs() resolves, sorts and checks a grid made otherwise.
    let flags = |flow: &str| Sweep::from_flags(&["builtin:iris".into()], &[flow.into()], &[]);
    let mut sweep = flags("decision-tree").unwrap();
    sweep.flows[0].grid = vec![
        ("min_samples_split".into(), vec!["2".into()]),
        ("max_depth".into(), vec!["3".into()]),
    ];
    assert_eq!(
        sweep.jobs(&mut no_suites).unwrap()[0].params,
        ["estimator.max_depth=3", "estimator.min_samples_split=2"]
    );
    sweep.flows[0].grid = vec![
        ("max_depth".into(), vec!["3".into()]),
        ("estimator.max_depth".into(), vec!["3".into()]),
    ];
    let error = sweep.jobs(&mut no_suites).unwrap_err().to_string();
    assert!(
        error.starts_with("flows[0].grid.estimator.max_depth: names the same parameter"),
        "{error}"
    );
}

#[test]
fn names_resolve_as_a_pipeline_resolves_them() {
    use oml_flow::{KnnFlow, Pipeline, SimpleImputer};
    let make = || {
        Pipeline::new(KnnFlow::new())
            .step("a", SimpleImputer::default())
            .step("b", SimpleImputer::default())
    };
    let pipeline = make();
    let resolve = |name| qualified_name(&pipeline, name);
    assert_eq!(resolve("k").as_deref(), Some("estimator.k"));
    assert_eq!(resolve("estimator.k").as_deref(), Some("estimator.k"));
    assert_eq!(resolve("b.strategy").as_deref(), Some("b.strategy"));
    assert_eq!(resolve("nosuch"), None);
    assert_eq!(resolve("a.k"), None);
    // Two steps have `strategy`: ambiguous here as in set_parameters.
    assert_eq!(resolve("strategy"), None);
    assert!(oml_flow::set_parameters(&mut make(), &["strategy=mean"]).is_err());
    // Every built-in flow's parameters resolve to themselves.
    for builtin in oml_flow::BUILTIN_FLOWS {
        let flow = builtin.make();
        for (name, _) in oml_flow::qualified_parameters(&flow) {
            assert_eq!(qualified_name(&flow, &name).as_deref(), Some(name.as_str()));
        }
    }
}

#[test]
fn a_builtin_typo_fails_when_read() {
    let error =
        read("tasks = [\"builtin:iris\", \"builtin:nosuch\"]\nflows = [\"knn\"]").unwrap_err();
    assert_eq!(
        error.to_string(),
        "sweep.toml: line 1: tasks[1]: no built-in dataset is called `nosuch`; they are \
         iris, winequality, diabetes"
    );
    let error = read(
        "tasks = [\n  { task = \"builtin:irs\", resampling = \"cv:5\" },\n]\nflows = [\"knn\"]",
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("sweep.toml: line 2: tasks[0].task: no built-in dataset is called `irs`"),
        "{error}"
    );
    let error = Sweep::from_flags(&["builtin:".into()], &["knn".into()], &[]).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("--task: no built-in dataset is called ``"),
        "{error}"
    );
    for name in oml_data::BUILTIN_NAMES {
        assert!(Sweep::from_flags(&[format!("builtin:{name}")], &[], &[]).is_ok());
    }
}

#[test]
fn task_ids_are_canonical() {
    let sweep = read(
        "server = \"test\"\ntasks = [31, \"031\", \"+31\", { task = \"0031\" }, \"31a\", \
         { suite = \"099\" }, \"suite:0099\", \"suite:OpenML-CC18\"]\nflows = [\"knn\"]",
    )
    .unwrap();
    let spec = |task: &str, server: &str| {
        let mut spec = TaskSpec::new(task);
        spec.options.set_server(server);
        TaskEntry::Spec(spec)
    };
    assert_eq!(
        sweep.tasks[..4],
        [
            spec("31", "test"),
            spec("31", "test"),
            spec("31", "test"),
            spec("31", "test")
        ]
    );
    // Not an integer: a path, as written.
    assert_eq!(sweep.tasks[4], spec("31a", "www"));
    assert_eq!(sweep.tasks[5], TaskEntry::Suite("99".into()));
    assert_eq!(sweep.tasks[6], TaskEntry::Suite("99".into()));
    assert_eq!(sweep.tasks[7], TaskEntry::Suite("OpenML-CC18".into()));
    let jobs = sweep.jobs(&mut |_| Ok(vec![31])).unwrap();
    let tasks: Vec<&str> = jobs.iter().map(|job| job.task.task.as_str()).collect();
    assert_eq!(tasks, ["31", "31a"]);
    let flags = Sweep::from_flags(&["0031".into()], &["knn".into()], &[]).unwrap();
    assert_eq!(flags.tasks, [spec("31", "www")]);
    for bad in ["\"-3\"", "{ task = \"-03\" }"] {
        let text = format!("tasks = [{bad}]\nflows = [\"knn\"]");
        let error = read(&text).unwrap_err().to_string();
        assert!(
            error.starts_with("sweep.toml: line 1: tasks[0]") && error.contains("negative"),
            "{bad}: {error}"
        );
    }
    assert!(Sweep::from_flags(&["-3".into()], &[], &[]).is_err());
}

#[test]
fn the_example_file_reads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/sweep/sweep.toml");
    let sweep = Sweep::read(&path).unwrap();
    let jobs = sweep.jobs(&mut no_suites).unwrap();
    assert_eq!(jobs.len(), sweep.tasks.len() * 6 * sweep.seeds.len());
    let error = Sweep::read(Path::new("no/such/sweep.toml")).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot read no/such/sweep.toml"),
        "{error}"
    );
}
