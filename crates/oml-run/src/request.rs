//! Runs as oml is asked for them: a task and a built-in flow by name, with parameters and a
//! seed, evaluated and packaged into a [`Run`]. `oml run`, `oml verify` and sweeps all go
//! through here, so a verified run is made exactly as the original was.

use std::path::PathBuf;

use oml_eval::{Evaluation, EvaluatorBuilder, UnitResult};
use std::sync::Arc;

use oml_eval::tune::{SearchSpace, Tuned};
use oml_flow::{Flow, Pipeline, builtin_flow, flow_xml, qualified_parameters, set_parameters};
use oml_task::{Task, TaskSpec};

use crate::description::{RunDescription, UNPUBLISHED_FLOW_ID, UnitValues};
use crate::error::{Error, Result};
use crate::manifest::{Machine, Manifest, RUSTC_VERSION, TaskDigests, locked_crates, now_rfc3339};
use crate::predictions::predictions_arff;
use crate::report::RunReport;
use crate::run::{Run, files};
use crate::store::{FlowIdentity, RunKey, TaskIdentity};
use crate::trace::{trace_arff, untraceable};

/// A task with the digests of its dataset and splits, which every run key on it needs.
#[derive(Debug, Clone)]
pub struct OpenedTask {
    /// The task.
    pub task: Task,
    /// The digests.
    pub digests: TaskDigests,
}

impl OpenedTask {
    /// Reads or makes the task of `spec` and computes its digests.
    pub fn open(spec: &TaskSpec) -> Result<Self> {
        let task = spec.open().map_err(|source| Error::Task {
            task: spec.task.clone(),
            source: Box::new(source),
        })?;
        let digests = TaskDigests::of(&task)?;
        Ok(OpenedTask { task, digests })
    }
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
    /// A nested search that tunes the flow inside each unit, if any.
    pub tune: Option<TuneRequest>,
}

impl TuneRequest {
    /// The flow `make` builds, tuned by this search: every text parsed and the space checked
    /// against the flow, before any fit. `oml run` and sweep files both go through here.
    pub fn tuned(&self, make: Arc<dyn Fn() -> Pipeline + Send + Sync>) -> oml_eval::Result<Tuned> {
        let space = SearchSpace::parse(&self.space)?;
        let tuned = Tuned::new(make, space, self.search.parse()?, self.inner.parse()?)?;
        match &self.measure {
            Some(measure) => tuned.with_measure(measure),
            None => Ok(tuned),
        }
    }

    /// The search as labels show it: `tuned(max_depth=int:1:20, random:20, inner cv:3)`.
    pub fn label(&self) -> String {
        format!(
            "tuned({}, {}, inner {})",
            self.space.join(" "),
            self.search,
            self.inner
        )
    }
}

/// A nested search as `oml run` takes it: `--tune NAME=SPACE` (repeatable), `--search`,
/// `--inner`; parsed and checked against the flow when the run is prepared.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TuneRequest {
    /// `NAME=SPACE` per tuned parameter.
    pub space: Vec<String>,
    /// `grid` or `random:N`.
    pub search: String,
    /// `cv:K` or `holdout:P`.
    pub inner: String,
    /// The measure candidates are scored by; by default the task's main measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
}

/// A request with its task read and its flow made, ready to run; its key says whether the store
/// has it already.
pub struct PreparedRun {
    /// The request.
    pub request: RunRequest,
    /// The task.
    pub task: Task,
    /// The flow in its pipeline, parameters set (tuned, if the request tunes it).
    pub flow: Box<dyn Flow>,
    /// The store key ([`RunKey::digest`]).
    pub key: String,
    /// The digests of the task's dataset and splits.
    pub task_digests: TaskDigests,
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
        // A stored option is `NAME VALUE`, NAME the flag of `oml run` that sets it.
        for item in self.task.options.to_items() {
            match item.split_once(' ') {
                Some((flag, value)) => args.extend([flag.to_owned(), value.to_owned()]),
                None => args.push(item),
            }
        }
        for param in &self.params {
            args.extend(["--param".to_owned(), param.clone()]);
        }
        if let Some(tune) = &self.tune {
            for space in &tune.space {
                args.extend(["--tune".to_owned(), space.clone()]);
            }
            args.extend(["--search".to_owned(), tune.search.clone()]);
            args.extend(["--inner".to_owned(), tune.inner.clone()]);
            if let Some(measure) = &tune.measure {
                args.extend(["--tune-measure".to_owned(), measure.clone()]);
            }
        }
        args.extend(["--seed".to_owned(), self.seed.to_string()]);
        args
    }

    /// The request a run's manifest records, to run it again; `cache_dir` as given now.
    pub fn from_manifest(manifest: &Manifest, cache_dir: Option<PathBuf>) -> Self {
        RunRequest {
            task: TaskSpec {
                task: manifest.task.clone(),
                cache_dir,
                options: manifest.task_options.clone(),
            },
            flow: manifest.flow.clone(),
            params: manifest.parameters.clone(),
            seed: manifest.seed,
            threads: None,
            fail_fast: false,
            tune: manifest.tune.clone(),
        }
    }

    /// The built-in flow with the parameters set, tuned when the request says so.
    fn make_flow(&self, kind: oml_flow::TaskKind) -> Result<Box<dyn Flow>> {
        let (name, params) = (self.flow.clone(), self.params.clone());
        let make = move || -> oml_flow::Result<Pipeline> {
            let mut flow = builtin_flow(&name)?;
            set_parameters(&mut flow, &params)?;
            Ok(flow)
        };
        let flow = make().map_err(|e| Error::Setup(Box::new(e)))?;
        let Some(tune) = &self.tune else {
            return Ok(Box::new(flow));
        };
        // `make` succeeded once, so it succeeds for every candidate's fresh flow.
        let tuned = tune.tuned(Arc::new(move || {
            make().expect("the flow was made once already")
        }))?;
        // A measure the task's kind has not is refused here, before any fit.
        tuned.measure_for(kind)?;
        Ok(Box::new(tuned))
    }

    /// Reads the task, makes the flow and computes the run key.
    pub fn prepare(&self) -> Result<PreparedRun> {
        self.prepare_on(OpenedTask::open(&self.task)?)
    }

    /// Makes the flow and computes the run key on a task already read (a sweep reads each
    /// task once for all its jobs); `opened` must be this request's task.
    pub fn prepare_on(&self, opened: OpenedTask) -> Result<PreparedRun> {
        let OpenedTask {
            task,
            digests: task_digests,
        } = opened;
        if let (Some(tune), Some(problem)) = (&self.tune, untraceable(task.splits().n_samples())) {
            // Refused before any fit: the searches could not be written.
            return Err(oml_eval::Error::Space {
                texts: tune.space.clone(),
                problem,
            }
            .into());
        }
        let flow = self.make_flow(oml_eval::task_kind(&task))?;
        let parameter_settings: Vec<(String, String)> = qualified_parameters(flow.as_ref())
            .into_iter()
            .map(|(name, parameter)| (name, parameter.value))
            .collect();
        let key = RunKey {
            task: TaskIdentity::of(&task),
            digests: task_digests.clone(),
            flow: FlowIdentity {
                name: flow.name(),
                external_version: flow.external_version(),
                parameters: parameter_settings.clone(),
            },
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

/// The threads worth starting for `requested` threads and `n_units` units: at most one per
/// unit or per core, whichever is more (at least 1). A flow that fits in parallel (forests, the
/// gbm, tuned flows) keeps every core busy on fewer units than cores; threads beyond both only
/// idle (and spawning 100,000 takes minutes).
pub fn useful_threads(requested: usize, n_units: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    requested.min(n_units.max(cores)).max(1)
}

impl PreparedRun {
    /// Evaluates the flow on the task and packages the run; `on_unit` sees each unit as it
    /// finishes. Failed units are in the evaluation; the run holds what there is.
    pub fn execute(&self, on_unit: &(dyn Fn(&UnitResult) + Sync)) -> Result<ExecutedRun> {
        let request = &self.request;
        let mut builder = EvaluatorBuilder::new();
        builder.seed(request.seed).fail_fast(request.fail_fast);
        if let Some(threads) = request.threads {
            builder.threads(useful_threads(threads, self.task.splits().units().len()));
        }
        let evaluator = builder.build()?;
        let started = now_rfc3339();
        let clock = std::time::Instant::now();
        let evaluation = evaluator.evaluate_observed(self.flow.as_ref(), &self.task, on_unit)?;
        let timing = RunTiming {
            threads: evaluator.threads(),
            wall_time_s: clock.elapsed().as_secs_f64(),
            started,
            finished: now_rfc3339(),
        };
        let run = Run::package(self, &evaluation, timing)?;
        Ok(ExecutedRun { run, evaluation })
    }
}

/// When and on how many threads a run's evaluation ran, for its manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct RunTiming {
    /// The threads the units ran on.
    pub threads: usize,
    /// Wall time of the evaluation, in seconds.
    pub wall_time_s: f64,
    /// When the evaluation started (RFC 3339, UTC).
    pub started: String,
    /// When it ended.
    pub finished: String,
}

impl Run {
    /// The run of `evaluation`, the evaluation of `prepared`: its predictions, its description
    /// with the measures, its flow's XML, its summary and its manifest (this machine and
    /// build). The digests of the run's own files are added as it is saved ([`Run::save`]).
    pub fn package(
        prepared: &PreparedRun,
        evaluation: &Evaluation,
        timing: RunTiming,
    ) -> Result<Run> {
        let (request, task) = (&prepared.request, &prepared.task);
        let flow_name = prepared.flow.name();
        let header = vec![
            format!("oml {}", env!("CARGO_PKG_VERSION")),
            format!("flow {flow_name}"),
            format!("seed {}", request.seed),
        ];
        let predictions =
            predictions_arff(evaluation, task.task_id(), task.class_labels(), header)?;
        let summary = evaluation.summary();
        let units = UnitValues::of_task(task.task_type(), &task.description().procedure.kind);
        let description = RunDescription {
            task_id: task.task_id(),
            flow_id: UNPUBLISHED_FLOW_ID,
            setup_string: request.setup_string(),
            parameter_settings: prepared.parameter_settings.clone(),
            tags: vec![
                "oml".to_owned(),
                format!("oml-{}", env!("CARGO_PKG_VERSION")),
            ],
            evaluations: RunDescription::evaluations_of(&summary, units),
        };
        let machine = Machine::current();
        let manifest = Manifest {
            oml_version: env!("CARGO_PKG_VERSION").to_owned(),
            rustc_version: RUSTC_VERSION.to_owned(),
            crates: locked_crates(),
            os: machine.os,
            cpu: machine.cpu,
            cores: machine.cores,
            memory_bytes: machine.memory_bytes,
            task: request.task.task.clone(),
            task_id: task.task_id(),
            task_options: request.task.options.clone(),
            flow: request.flow.clone(),
            flow_name,
            flow_external_version: prepared.flow.external_version(),
            parameters: request.params.clone(),
            tune: request.tune.clone(),
            seed: request.seed,
            threads: timing.threads,
            n_units: task.splits().units().len(),
            wall_time_s: timing.wall_time_s,
            started: timing.started,
            finished: timing.finished,
            peak_rss_bytes: oml_eval::peak_rss_bytes(),
            digests: prepared.task_digests.to_map(),
        };
        let summary = serde_json::to_value(&summary).map_err(|e| Error::Write {
            path: files::SUMMARY.into(),
            source: e.into(),
        })?;
        Ok(Run {
            description,
            predictions,
            flow_xml: flow_xml(prepared.flow.as_ref())?,
            summary,
            manifest,
            trace: trace_arff(evaluation)?,
        })
    }
}

impl ExecutedRun {
    /// The report `oml run` prints for the run, saved in `run_dir` if it was.
    pub fn report(&self, run_dir: Option<PathBuf>) -> RunReport {
        RunReport::of_run(&self.run, run_dir)
    }
}
