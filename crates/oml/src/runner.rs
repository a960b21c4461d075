//! Runs as the command line makes them: a task and a flow from their text form, evaluated and
//! packaged into a [`Run`]. `oml run` and `oml verify` both go through here, so a verified run
//! is made exactly as the original was.

use std::path::PathBuf;

use oml_eval::{Evaluation, EvaluatorBuilder, UnitResult};
use oml_flow::{Describe, Pipeline, builtin_flow, flow_xml, qualified_parameters, set_parameters};
use oml_run::{
    Machine, Manifest, Run, RunDescription, RunKey, RunReport, UNPUBLISHED_FLOW_ID, files,
    locked_crates, now_rfc3339, predictions_arff, task_digests,
};
use oml_task::{Cache, LocalTaskBuilder, Resampling, Server, Task, TaskSource, TaskType};

/// Why a run could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The task could not be read or made.
    #[error("cannot read task {task}")]
    Task {
        /// The task as given.
        task: String,
        /// The cause (boxed: task errors carry paths and lines).
        #[source]
        source: Box<oml_task::Error>,
    },
    /// The flow or its parameters.
    #[error(transparent)]
    Flow(#[from] oml_flow::Error),
    /// The evaluator.
    #[error("cannot evaluate the flow on the task")]
    Eval(#[from] oml_eval::Error),
    /// Packaging the run.
    #[error(transparent)]
    Run(#[from] oml_run::Error),
    /// Options that do not go together, or a manifest that cannot be run again.
    #[error("{0}")]
    Usage(String),
}

/// A `Result` with the runner's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A task as `oml run` names it: an OpenML id, a task directory, or a dataset for a local task
/// with the options that make it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TaskSpec {
    /// The task: an id, a directory, a dataset file or `builtin:NAME`.
    pub task: String,
    /// The server whose cache directory holds task ids: `www`, `test` or a URL.
    pub server: String,
    /// The cache root; by default openml-python's.
    pub cache_dir: Option<PathBuf>,
    /// Local tasks: the target column.
    pub target: Option<String>,
    /// Local tasks: the task type.
    pub task_type: Option<String>,
    /// Local tasks: the resampling (`cv:10`, ...).
    pub resampling: Option<String>,
    /// Local tasks: no stratification.
    pub no_stratify: bool,
    /// Local tasks: the seed of the splits.
    pub split_seed: Option<u64>,
    /// Local tasks: columns that are not features.
    pub ignore: Vec<String>,
}

impl TaskSpec {
    /// Reads or makes the task.
    pub fn open(&self) -> Result<Task> {
        let fail = |source| Error::Task {
            task: self.task.clone(),
            source: Box::new(source),
        };
        let source = TaskSource::parse(&self.task);
        let local = self.target.is_some()
            || self.task_type.is_some()
            || self.resampling.is_some()
            || self.no_stratify
            || self.split_seed.is_some()
            || !self.ignore.is_empty();
        if local && !matches!(source, TaskSource::Dataset(_)) {
            return Err(Error::Usage(format!(
                "--target, --task-type, --resampling, --no-stratify, --ignore and the split seed \
                 apply to local tasks (a dataset file or builtin:NAME), not to `{}`",
                self.task
            )));
        }
        match source {
            TaskSource::Id(id) => {
                let server = self.server.parse::<Server>().map_err(fail)?;
                let cache = match &self.cache_dir {
                    Some(dir) => Cache::new(dir, server),
                    None => Cache::from_env(server).map_err(fail)?,
                };
                Task::from_cache(&cache, id).map_err(fail)
            }
            TaskSource::Dir(dir) => Task::from_path(&dir).map_err(fail),
            TaskSource::Dataset(dataset) => {
                let mut builder = LocalTaskBuilder::new();
                if let Some(target) = &self.target {
                    builder.target(target);
                }
                if let Some(task_type) = &self.task_type {
                    builder.task_type(task_type.parse::<TaskType>().map_err(fail)?);
                }
                if let Some(resampling) = &self.resampling {
                    builder.resampling(resampling.parse::<Resampling>().map_err(fail)?);
                }
                if self.no_stratify {
                    builder.stratified(false);
                }
                if let Some(seed) = self.split_seed {
                    builder.seed(seed);
                }
                for column in &self.ignore {
                    builder.ignore(column);
                }
                builder.from_source(&dataset).map_err(fail)
            }
        }
    }

    /// Reads or makes the task and computes the digests of its dataset and splits.
    pub fn open_with_digests(&self) -> Result<OpenedTask> {
        let task = self.open()?;
        let digests = task_digests(&task)?;
        Ok(OpenedTask { task, digests })
    }

    /// The options that made a local task (and a server other than `www`), as `oml run`
    /// arguments, one per item: `--resampling cv:10`.
    pub fn options(&self) -> Vec<String> {
        self.option_flags()
            .into_iter()
            .map(|(flag, value)| match value {
                Some(value) => format!("{flag} {value}"),
                None => flag.to_owned(),
            })
            .collect()
    }

    /// The same options as separate command-line arguments: `["--resampling", "cv:10"]`.
    pub fn arguments(&self) -> Vec<String> {
        self.option_flags()
            .into_iter()
            .flat_map(|(flag, value)| std::iter::once(flag.to_owned()).chain(value))
            .collect()
    }

    /// Each option given: its flag and its value, if it takes one.
    fn option_flags(&self) -> Vec<(&'static str, Option<String>)> {
        let valued = [
            ("--target", self.target.clone()),
            ("--task-type", self.task_type.clone()),
            ("--resampling", self.resampling.clone()),
            ("--split-seed", self.split_seed.map(|s| s.to_string())),
        ];
        let mut out: Vec<(&'static str, Option<String>)> = valued
            .into_iter()
            .filter(|(_, value)| value.is_some())
            .collect();
        if self.no_stratify {
            out.push(("--no-stratify", None));
        }
        for column in &self.ignore {
            out.push(("--ignore", Some(column.clone())));
        }
        if self.server != "www" {
            out.push(("--server", Some(self.server.clone())));
        }
        out
    }

    /// The task spec that [`TaskSpec::options`] wrote, for `task`; `cache_dir` as given now.
    pub fn from_options(
        task: &str,
        options: &[String],
        cache_dir: Option<PathBuf>,
    ) -> Result<Self> {
        let mut spec = TaskSpec {
            task: task.to_owned(),
            server: "www".to_owned(),
            cache_dir,
            ..TaskSpec::default()
        };
        for option in options {
            let (flag, value) = option.split_once(' ').unwrap_or((option.as_str(), ""));
            let value = value.to_owned();
            match flag {
                "--target" => spec.target = Some(value),
                "--task-type" => spec.task_type = Some(value),
                "--resampling" => spec.resampling = Some(value),
                "--split-seed" => {
                    spec.split_seed = Some(value.parse().map_err(|_| {
                        Error::Usage(format!("manifest: split seed `{value}` is not a number"))
                    })?);
                }
                "--no-stratify" => spec.no_stratify = true,
                "--ignore" => spec.ignore.push(value),
                "--server" => spec.server = value,
                _ => {
                    return Err(Error::Usage(format!(
                        "manifest: unknown task option `{option}`"
                    )));
                }
            }
        }
        Ok(spec)
    }
}

/// A task with the SHA-256 digests of its dataset and splits (`dataset`, `splits`), which every
/// run key on it needs.
#[derive(Debug, Clone)]
pub struct OpenedTask {
    /// The task.
    pub task: Task,
    /// The digests, by name.
    pub digests: std::collections::BTreeMap<String, String>,
}

/// Everything that decides a run: the task, the flow with its parameters, the seed; and how to
/// compute it (threads, fail-fast), which does not change the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRequest {
    /// The task.
    pub task: TaskSpec,
    /// A built-in flow's short name.
    pub flow: String,
    /// `NAME=VALUE` parameter assignments, applied in order.
    pub params: Vec<String>,
    /// The run seed.
    pub seed: u64,
    /// Threads; by default all cores.
    pub threads: Option<usize>,
    /// Stop at the first failing unit.
    pub fail_fast: bool,
}

/// A request with its task read and its flow made, ready to run; its key says whether the store
/// has it already.
pub struct PreparedRun {
    /// The request.
    pub request: RunRequest,
    /// The task.
    pub task: Task,
    /// The flow in its pipeline, parameters set.
    pub flow: Pipeline,
    /// The store key ([`RunKey::digest`]).
    pub key: String,
    /// SHA-256 of the task's dataset and splits.
    pub task_digests: std::collections::BTreeMap<String, String>,
    /// Every parameter of the flow by qualified name, with its value.
    pub parameter_settings: Vec<(String, String)>,
}

/// A run just computed.
pub struct ExecutedRun {
    /// The run, ready to save.
    pub run: Run,
    /// The evaluation it came from (failed units included).
    pub evaluation: Evaluation,
}

impl RunRequest {
    /// The `oml run` command line that repeats the run (its arguments joined by spaces).
    pub fn setup_string(&self) -> String {
        format!("oml run {}", self.arguments().join(" "))
    }

    /// The arguments of `oml run` that repeat the run: task, flow, task options, parameters
    /// and seed (not the threads, which do not change it).
    pub fn arguments(&self) -> Vec<String> {
        let mut args = vec![
            "--task".to_owned(),
            self.task.task.clone(),
            "--flow".to_owned(),
            self.flow.clone(),
        ];
        args.extend(self.task.arguments());
        for param in &self.params {
            args.extend(["--param".to_owned(), param.clone()]);
        }
        args.extend(["--seed".to_owned(), self.seed.to_string()]);
        args
    }

    /// The request a run's manifest records, to run it again; `cache_dir` as given now.
    pub fn from_manifest(manifest: &Manifest, cache_dir: Option<PathBuf>) -> Result<Self> {
        Ok(RunRequest {
            task: TaskSpec::from_options(&manifest.task, &manifest.task_options, cache_dir)?,
            flow: manifest.flow.clone(),
            params: manifest.parameters.clone(),
            seed: manifest.seed,
            threads: None,
            fail_fast: false,
        })
    }

    /// Reads the task, makes the flow and computes the run key.
    pub fn prepare(&self) -> Result<PreparedRun> {
        self.prepare_on(self.task.open_with_digests()?)
    }

    /// Makes the flow and computes the run key on a task already read (a sweep reads each
    /// task once for all its jobs); `opened` must be this request's task.
    pub fn prepare_on(&self, opened: OpenedTask) -> Result<PreparedRun> {
        let OpenedTask {
            task,
            digests: task_digests,
        } = opened;
        let mut flow = builtin_flow(&self.flow)?;
        set_parameters(&mut flow, &self.params)?;
        let parameter_settings: Vec<(String, String)> = qualified_parameters(&flow)
            .into_iter()
            .map(|(name, parameter)| (name, parameter.value))
            .collect();
        let key = RunKey {
            task: format!(
                "id {:?}, type {}, target {:?}, class labels {:?}, ignored {:?}",
                task.task_id(),
                task.task_type().id(),
                task.target(),
                task.class_labels(),
                task.dataset()
                    .features()
                    .iter()
                    .filter(|f| f.role == oml_data::Role::Ignored)
                    .map(|f| f.name.as_str())
                    .collect::<Vec<_>>()
            ),
            dataset: task_digests["dataset"].clone(),
            splits: task_digests["splits"].clone(),
            flow_name: flow.name(),
            flow_external_version: flow.external_version(),
            parameters: parameter_settings.clone(),
            seed: self.seed,
        }
        .digest();
        Ok(PreparedRun {
            request: self.clone(),
            task,
            flow,
            key,
            task_digests,
            parameter_settings,
        })
    }
}

impl PreparedRun {
    /// Evaluates the flow on the task and packages the run; `on_unit` sees each unit as it
    /// finishes. Failed units are in the evaluation; the run holds what there is.
    pub fn execute(&self, on_unit: &(dyn Fn(&UnitResult) + Sync)) -> Result<ExecutedRun> {
        let request = &self.request;
        let mut builder = EvaluatorBuilder::new();
        builder.seed(request.seed).fail_fast(request.fail_fast);
        if let Some(threads) = request.threads {
            // More threads than units would only idle (and spawning 100,000 takes minutes).
            builder.threads(threads.min(self.task.splits().units().len()).max(1));
        }
        let evaluator = builder.build()?;
        let started_at = now_rfc3339();
        let started = std::time::Instant::now();
        let evaluation = evaluator.evaluate_observed(&self.flow, &self.task, on_unit)?;
        let wall_time_s = started.elapsed().as_secs_f64();
        let finished_at = now_rfc3339();

        let task = &self.task;
        let flow_name = self.flow.name();
        let header = vec![
            format!("oml {}", env!("CARGO_PKG_VERSION")),
            format!("flow {flow_name}"),
            format!("seed {}", request.seed),
        ];
        let predictions =
            predictions_arff(&evaluation, task.task_id(), task.class_labels(), header)?;
        let summary = evaluation.summary();
        let per_fold = matches!(
            task.description().procedure.kind.as_str(),
            "crossvalidation" | "learningcurve"
        );
        let description = RunDescription {
            task_id: task.task_id(),
            flow_id: UNPUBLISHED_FLOW_ID,
            setup_string: request.setup_string(),
            parameter_settings: self.parameter_settings.clone(),
            tags: vec![
                "oml".to_owned(),
                format!("oml-{}", env!("CARGO_PKG_VERSION")),
            ],
            evaluations: RunDescription::evaluations_of(&summary, per_fold),
        };
        // The digests of the run's own files are added as the run is saved (`files`).
        let digests = self.task_digests.clone();
        let machine = Machine::current();
        let manifest = Manifest {
            oml_version: env!("CARGO_PKG_VERSION").to_owned(),
            rustc_version: oml_run::RUSTC_VERSION.to_owned(),
            crates: locked_crates(),
            os: machine.os,
            cpu: machine.cpu,
            cores: machine.cores,
            memory_bytes: machine.memory_bytes,
            task: request.task.task.clone(),
            task_id: task.task_id(),
            task_options: request.task.options(),
            flow: request.flow.clone(),
            flow_name,
            flow_external_version: self.flow.external_version(),
            parameters: request.params.clone(),
            seed: request.seed,
            threads: evaluator.threads(),
            n_units: task.splits().units().len(),
            wall_time_s,
            started: started_at,
            finished: finished_at,
            digests,
        };
        let summary = serde_json::to_value(&summary).map_err(|e| {
            Error::Run(oml_run::Error::Write {
                path: files::SUMMARY.into(),
                source: e.into(),
            })
        })?;
        let run = Run {
            description,
            predictions,
            flow_xml: flow_xml(&self.flow)?,
            summary,
            manifest,
        };
        Ok(ExecutedRun { run, evaluation })
    }
}

impl ExecutedRun {
    /// The report `oml run` prints for the run, saved in `run_dir` if it was.
    pub fn report(&self, run_dir: Option<PathBuf>) -> RunReport {
        RunReport::of_run(&self.run, run_dir)
    }
}
