//! The command line's arguments, as clap parses them: types only. What the arguments mean
//! is resolved in [`super::env`] and acted on in one module per command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Run models on OpenML tasks: fast, reproducible, offline, on a cluster.
#[derive(Parser)]
#[command(name = "oml", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

impl Cli {
    /// Whether this process is what a sweep starts for a job: `oml run` or `oml sweep worker`.
    pub(crate) fn is_sweep_child(&self) -> bool {
        matches!(
            &self.command,
            Command::Run(_)
                | Command::Sweep(SweepCommandArgs {
                    action: Some(SweepAction::Worker(_)),
                    ..
                })
        )
    }
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Work with datasets.
    #[command(subcommand)]
    Data(DataCommand),
    /// Work with tasks: a dataset, a target and fixed train/test splits.
    #[command(subcommand)]
    Task(TaskCommand),
    /// List the built-in flows with their parameters and defaults.
    Flows(FlowsArgs),
    /// Evaluate a flow on a task (every repeat, fold and sample, in parallel), print its
    /// measures and store its run directory.
    Run(RunArgs),
    /// Work with the runs in the run store.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// List the evaluations of stored runs (or, with --server, of OpenML's runs) like
    /// OpenML's evaluation/list: one row per run and measure, in the columns of
    /// openml-python's OpenMLEvaluation.
    Evaluations(EvaluationsArgs),
    /// Run a stored run again from its manifest and compare: predictions byte for byte,
    /// measures exactly (timings aside). Exits 1 on a difference, naming it.
    Verify(VerifyArgs),
    /// Download tasks or datasets from OpenML into the cache; files already there are kept.
    #[command(subcommand)]
    Fetch(FetchCommand),
    /// Run a sweep (tasks x flows x parameter grids x seeds, from a TOML file or the flags)
    /// into the run store: this process's shard of the jobs, each in its own `oml run`
    /// process. A failing job is recorded and the others go on; exits 3 if any failed (2 if
    /// the sweep could not run).
    Sweep(SweepCommandArgs),
    /// Merge the runs of the store (or of one sweep) into one table, a row per (job,
    /// measure), sorted by job key: Parquet or CSV by the output file's extension.
    Collect(CollectArgs),
    /// Write one self-contained HTML page comparing the stored runs (or one sweep's):
    /// leaderboards, corrected t-tests, Friedman and Nemenyi tests, and plots.
    Report(ReportArgs),
    /// Publish a run directory to OpenML: its flow when the server lacks it, then the run;
    /// the run id is recorded in the directory's published.json, and a run is published to
    /// a server only once.
    Publish(PublishArgs),
}

/// A sweep: a file, its lists replaced by the flags given, or the flags alone.
#[derive(Args)]
pub(crate) struct SweepSpecArgs {
    /// The sweep file (TOML; its format is docs/sweep-file.md in oml's repository, and
    /// examples/sweep/sweep.toml shows every form).
    #[arg(value_name = "SWEEP")]
    pub(crate) file: Option<PathBuf>,
    /// A task (as `oml run --task`, or suite:ID|ALIAS); repeatable.
    #[arg(long = "task", value_name = "TASK", allow_negative_numbers = true)]
    pub(crate) tasks: Vec<String>,
    /// A built-in flow with its defaults; repeatable.
    #[arg(long = "flow", value_name = "NAME")]
    pub(crate) flows: Vec<String>,
    /// A seed or a range (`1..5` is 1 to 4, `1..=5` 1 to 5); repeatable [default: 0].
    #[arg(long = "seed", value_name = "S")]
    pub(crate) seeds: Vec<String>,
    /// The cache root (as openml-python's cachedir) for task ids and suites.
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// www, test or a URL for task ids and suites [default: the file's server, else www].
    #[arg(long, value_name = "SERVER")]
    pub(crate) server: Option<String>,
}

/// `oml sweep [SWEEP]` runs a shard; `oml sweep status|retry [SWEEP]` reads or mends it.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct SweepCommandArgs {
    #[command(subcommand)]
    pub(crate) action: Option<SweepAction>,
    #[command(flatten)]
    pub(crate) run: SweepArgs,
}

#[derive(Subcommand)]
pub(crate) enum SweepAction {
    /// Count the sweep's jobs in the store: done, failed (by reason), running and pending, in
    /// all and per flow and task.
    Status(SweepStatusArgs),
    /// Run the sweep's failed jobs again (of every shard, or of `--shard`), with new limits;
    /// only what failed runs.
    Retry(SweepRetryArgs),
    /// A worker of a running sweep: runs the jobs it reads on stdin, one line of JSON each,
    /// and answers each on stdout (started by `oml sweep`, not by hand).
    #[command(hide = true)]
    Worker(SweepWorkerArgs),
}

#[derive(Args)]
pub(crate) struct SweepWorkerArgs {
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Threads of each job.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) threads: Option<u64>,
}

#[derive(Args)]
pub(crate) struct SweepStatusArgs {
    #[command(flatten)]
    pub(crate) spec: SweepSpecArgs,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Print JSON: {total, done, failed: {REASON: N}, running, pending, flows: {...}, tasks:
    /// {...}, failures: [{job_key, label, reason, message}]}.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args)]
pub(crate) struct SweepRetryArgs {
    #[command(flatten)]
    pub(crate) spec: SweepSpecArgs,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Run the failed jobs (required: retry runs nothing else).
    #[arg(long, required = true)]
    pub(crate) failed: bool,
    /// Only jobs that failed for this reason: error, time-limit or memory-limit.
    #[arg(long, value_name = "REASON")]
    pub(crate) reason: Option<String>,
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
    /// Only the failed jobs of shard I of N (as `oml sweep --shard`) [default: every shard's].
    #[arg(long, value_name = "I/N")]
    pub(crate) shard: Option<String>,
    /// Never touch the network: tasks and suites must be in the cache.
    #[arg(long)]
    pub(crate) offline: bool,
}

/// What a sweep job may use and how many run at once.
#[derive(Args)]
pub(crate) struct LimitArgs {
    /// Jobs run at once, each on its own worker process (which runs its jobs one after
    /// another, reading each task once).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) jobs: u64,
    /// Threads of each job [default: $SLURM_CPUS_PER_TASK, else all cores, shared out among
    /// the --jobs].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) threads: Option<u64>,
    /// Kill a job that runs longer (`90s`, `10m`, `2h`) [default: the file's time_limit,
    /// else none].
    #[arg(long, value_name = "DURATION")]
    pub(crate) time_limit: Option<String>,
    /// Hold each job to this much memory (`512M`, `2G`; its data segment, RLIMIT_DATA); a job
    /// that needs more fails with reason memory-limit [default: the file's memory_limit, else
    /// none].
    #[arg(long, value_name = "SIZE")]
    pub(crate) memory_limit: Option<String>,
}

#[derive(Args)]
pub(crate) struct SweepArgs {
    #[command(flatten)]
    pub(crate) spec: SweepSpecArgs,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Run shard I of N (0-based: positions p with p % N == I) [default: from
    /// SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX, else all].
    #[arg(long, value_name = "I/N", conflicts_with = "shard_count")]
    pub(crate) shard: Option<String>,
    /// The number of shards where the engine does not say it (Kubernetes Indexed Jobs: the
    /// job's completions).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) shard_count: Option<u64>,
    /// Skip jobs done before, by this or any other shard (without it they are an error), and
    /// jobs that failed at a time or memory limit (`oml sweep retry` runs those).
    #[arg(long)]
    pub(crate) resume: bool,
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
    /// Never touch the network: tasks and suites must be in the cache.
    #[arg(long)]
    pub(crate) offline: bool,
    /// Print this shard's jobs (key and label) and exit.
    #[arg(long)]
    pub(crate) list: bool,
}

#[derive(Args)]
pub(crate) struct CollectArgs {
    /// Only the runs of this sweep (its suites read from the cache); without one, every run
    /// of the store.
    #[command(flatten)]
    pub(crate) spec: SweepSpecArgs,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// The table: .parquet, .pq or .csv.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// Replace the output file if it is there already (without this, an existing file is
    /// refused and kept).
    #[arg(long)]
    pub(crate) force: bool,
    /// Only this measure; repeatable [default: the sweep's measures, else every measure but
    /// the timings].
    #[arg(long = "measure", value_name = "NAME")]
    pub(crate) measures: Vec<String>,
    /// Score each failed job of the sweep as the constant predictor on its task (class
    /// frequencies, or the training mean), status `imputed`, as the AutoML Benchmark does
    /// [default: failed jobs get rows with status `failed` and no value].
    #[arg(long)]
    pub(crate) impute_failures: bool,
}

#[derive(Args)]
pub(crate) struct ReportArgs {
    /// Only the runs of this sweep (its suites read from the cache); without one, every run
    /// of the store.
    #[command(flatten)]
    pub(crate) spec: SweepSpecArgs,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// The HTML file to write.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// Replace the output file if it is there already (without this, an existing file is
    /// refused and kept).
    #[arg(long)]
    pub(crate) force: bool,
    /// The measure compared [default: the sweep's first measure, else predictive_accuracy,
    /// else root_mean_squared_error].
    #[arg(long, value_name = "NAME")]
    pub(crate) measure: Option<String>,
}

#[derive(Args)]
pub(crate) struct PublishArgs {
    /// The run directory, as `oml run` stored it.
    #[arg(value_name = "RUN_DIR")]
    pub(crate) run_dir: PathBuf,
    /// www, test or a URL [default: $OPENML_SERVER, else openml-python's config, else www].
    #[arg(long, value_name = "SERVER")]
    pub(crate) server: Option<String>,
    /// The OpenML API key [default: $OPENML_API_KEY, else openml-python's config]. Other
    /// users of the machine can see command lines: prefer the environment or the config.
    #[arg(long, value_name = "KEY")]
    pub(crate) api_key: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum FetchCommand {
    /// Fetch tasks: task.xml, the split file and their datasets' files.
    Task(FetchArgs),
    /// Fetch datasets: description, features, qualities and the data file.
    Dataset(FetchArgs),
    /// Fetch a benchmark suite (a study of tasks, by id or alias such as OpenML-CC18) and all
    /// its tasks.
    Suite(FetchSuiteArgs),
}

#[derive(Args)]
pub(crate) struct FetchSuiteArgs {
    /// The study id or alias.
    #[arg(value_name = "ID_OR_ALIAS")]
    pub(crate) id_or_alias: String,
    #[command(flatten)]
    pub(crate) source: FetchSourceArgs,
}

#[derive(Args)]
pub(crate) struct FetchArgs {
    /// The ids.
    #[arg(required = true, value_name = "ID", allow_negative_numbers = true)]
    pub(crate) ids: Vec<i64>,
    #[command(flatten)]
    pub(crate) source: FetchSourceArgs,
    /// Download every file again and replace the cached one once the new one is checked
    /// (a file whose download fails stays): for cache files that a later command finds broken.
    #[arg(long, conflicts_with = "offline")]
    pub(crate) force: bool,
}

/// Where `oml fetch` fetches from and into.
#[derive(Args)]
pub(crate) struct FetchSourceArgs {
    /// The cache root (as openml-python's cachedir); by default $OPENML_CACHE_DIR, else
    /// openml-python's config or ~/.cache/openml.
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// www, test or a URL [default: $OPENML_SERVER, else openml-python's config, else www].
    #[arg(long, value_name = "SERVER")]
    pub(crate) server: Option<String>,
    /// Never touch the network: only check that the cache has everything asked for.
    #[arg(long)]
    pub(crate) offline: bool,
}

#[derive(Args)]
pub(crate) struct RunArgs {
    /// A task id (read from the cache), a task directory, or a dataset file or builtin:NAME for
    /// a local task.
    #[arg(
        long,
        value_name = "TASK",
        default_value = "builtin:iris",
        allow_negative_numbers = true
    )]
    pub(crate) task: String,
    #[command(flatten)]
    pub(crate) local: LocalTaskArgs,
    /// Local tasks: the seed of the splits [default: 0].
    #[arg(long, value_name = "N")]
    pub(crate) split_seed: Option<u64>,
    /// A built-in flow (see `oml flows`).
    #[arg(long, value_name = "NAME", default_value = "decision-tree")]
    pub(crate) flow: String,
    /// Set a flow parameter; repeatable. A bare NAME works where one step has it.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub(crate) params: Vec<String>,
    /// Tune a parameter inside each unit by a nested search: NAME=int:LO:HI,
    /// NAME=float:LO:HI[:log] or NAME=a,b,c; repeatable. The trace goes to trace.arff.
    #[arg(long = "tune", value_name = "NAME=SPACE")]
    pub(crate) tune: Vec<String>,
    /// How a tuned flow's candidates are chosen: grid, random:N or halving:N (successive
    /// halving: N random candidates, the best third kept each round on three times the rows).
    #[arg(
        long,
        value_name = "SEARCH",
        default_value = "random:20",
        requires = "tune"
    )]
    pub(crate) search: String,
    /// The inner resampling of each unit's training rows that candidates are scored on:
    /// cv:K (stratified for classification) or holdout:P.
    #[arg(long, value_name = "INNER", default_value = "cv:3", requires = "tune")]
    pub(crate) inner: String,
    /// The measure a tuned flow's candidates are scored by [default: the task's main
    /// measure: predictive_accuracy, root_mean_squared_error].
    #[arg(long, value_name = "MEASURE", requires = "tune")]
    pub(crate) tune_measure: Option<String>,
    /// The run seed, from which every unit's fit seed is derived.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) seed: u64,
    /// Threads to run units and the fits inside them on, at most one per unit or per core,
    /// whichever is more [default: $SLURM_CPUS_PER_TASK, else all cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) threads: Option<u64>,
    /// Stop at the first failing unit.
    #[arg(long)]
    pub(crate) fail_fast: bool,
    /// Write the run to DIR instead of the run store (no duplicate check).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Run again even if the store holds this run (same task, flow, parameters and seed).
    #[arg(long)]
    pub(crate) force: bool,
    /// The cache root (as openml-python's cachedir) for task ids.
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// Never touch the network: a task id must be in the cache already (`oml fetch task ID`
    /// fills it). Without this flag, what the cache lacks of a task id is fetched from
    /// --server first.
    #[arg(long)]
    pub(crate) offline: bool,
    /// Print JSON: {task_id, flow, seed, n_units, measures: {NAME: {value, mean, std,
    /// per_fold}}, wall_time_s, run_dir}.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// The run directory.
    pub(crate) run_dir: PathBuf,
    /// The cache root for task ids [default: openml-python's].
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// The server whose cache directory holds the task [default: the run's].
    #[arg(long, value_name = "SERVER")]
    pub(crate) server: Option<String>,
    /// Never touch the network: a task id must be in the cache already. Without this flag,
    /// what the cache lacks of the run's task is fetched from its server first, as `oml run`
    /// does.
    #[arg(long)]
    pub(crate) offline: bool,
}

/// Where runs are stored.
#[derive(Args)]
pub(crate) struct StoreArgs {
    /// The run store [default: $OML_STORE, else $XDG_DATA_HOME/oml/runs, else
    /// ~/.local/share/oml/runs].
    #[arg(long, value_name = "DIR")]
    pub(crate) store: Option<PathBuf>,
}

#[derive(Subcommand)]
pub(crate) enum RunsCommand {
    /// List the stored runs: key, task, flow, seed, main measure, when.
    List(RunsListArgs),
}

#[derive(Args)]
pub(crate) struct RunsListArgs {
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Print JSON: a list of {key, dir, task, task_id, flow, flow_name, parameters, seed,
    /// started, measure, value}.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args)]
pub(crate) struct EvaluationsArgs {
    /// The measure (predictive_accuracy, area_under_roc_curve, log_loss, ...); OpenML's
    /// evaluation/list requires one too.
    #[arg(long, value_name = "NAME")]
    pub(crate) function: String,
    /// Order the rows by value: asc or desc, as openml-python's sort_order [default: by run].
    #[arg(long, value_name = "ORDER", value_parser = ["asc", "desc"])]
    pub(crate) sort: Option<String>,
    /// Only runs of this OpenML task id (runs of local tasks have none); repeatable.
    #[arg(long = "task", value_name = "ID", allow_negative_numbers = true)]
    pub(crate) tasks: Vec<i64>,
    /// Only runs of this flow, by short name or OpenML name (with --server: by flow id);
    /// repeatable.
    #[arg(long = "flow", value_name = "NAME")]
    pub(crate) flows: Vec<String>,
    /// Only this run, by key or key prefix (with --server: by run id); repeatable.
    #[arg(long = "run", value_name = "KEY")]
    pub(crate) runs: Vec<String>,
    /// Only runs of this OpenML setup id (local runs have none); repeatable.
    #[arg(long = "setup", value_name = "ID")]
    pub(crate) setups: Vec<i64>,
    /// Fill the `values` column with the per-fold values, one JSON list per repeat.
    #[arg(long)]
    pub(crate) per_fold: bool,
    /// List the evaluations on this OpenML server (www, test or a URL) instead of the run
    /// store's; the answers are cached and read back with --offline.
    #[arg(long, value_name = "SERVER")]
    pub(crate) server: Option<String>,
    /// With --server: only runs uploaded by this user id; repeatable.
    #[arg(long = "uploader", value_name = "ID", requires = "server")]
    pub(crate) uploaders: Vec<i64>,
    /// With --server: only runs with this tag.
    #[arg(long, value_name = "TAG", requires = "server")]
    pub(crate) tag: Option<String>,
    /// With --server: at most N evaluations [default: all, in pages of 1000].
    #[arg(long, value_name = "N", requires = "server")]
    pub(crate) size: Option<usize>,
    /// With --server: skip the first N evaluations.
    #[arg(long, value_name = "N", default_value_t = 0, requires = "server")]
    pub(crate) offset: usize,
    /// With --server: the cache root for the server's answers [default: openml-python's].
    #[arg(long, value_name = "DIR", requires = "server")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// With --server: never touch the network; read the answers cached before.
    #[arg(long, requires = "server")]
    pub(crate) offline: bool,
    /// table (polars' table, without all-null columns), csv, json (a list of objects) or
    /// parquet (needs --out).
    #[arg(long, value_name = "FORMAT", default_value = "table")]
    pub(crate) format: oml::run::TableFormat,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    /// Replace FILE if it is there already (without this, an existing file is
    /// refused and kept).
    #[arg(long)]
    pub(crate) force: bool,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
}

#[derive(Args)]
pub(crate) struct FlowsArgs {
    /// Print JSON: a list of {name, flow_name, external_version, learns, parameters}.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write each flow's OpenML flow XML to DIR/NAME.xml.
    #[arg(long, value_name = "DIR")]
    pub(crate) xml_dir: Option<PathBuf>,
    /// Replace the DIR/NAME.xml files that are there already (without this, oml refuses to
    /// write over any of them and writes none).
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Subcommand)]
pub(crate) enum TaskCommand {
    /// Print a task's type, dataset, target, class labels and the size of every split.
    Show(ShowArgs),
    /// Write a task and its dataset into a cache directory, in openml-python's layout.
    Write(WriteArgs),
}

#[derive(Args)]
pub(crate) struct ShowArgs {
    #[command(flatten)]
    pub(crate) task: TaskArgs,
    /// The cache root (as openml-python's cachedir); by default $OPENML_CACHE_DIR, else
    /// openml-python's config or ~/.cache/openml.
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// Print JSON: {task_id, task_type, dataset_id, target, n_repeats, n_folds, n_samples,
    /// class_labels, splits: [{repeat, fold, sample, n_train, n_test}]}.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write every split's train and test row ids as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) splits_json: Option<PathBuf>,
    /// Replace the --splits-json FILE if it is there already (without this, an existing file
    /// is refused and kept).
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Args)]
pub(crate) struct WriteArgs {
    #[command(flatten)]
    pub(crate) task: TaskArgs,
    /// The cache root to write into (as openml-python's cachedir); a task id is read from it
    /// too.
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: PathBuf,
    /// The task id to write the task as.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub(crate) task_id: i64,
    /// The dataset id to write the dataset as.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub(crate) dataset_id: i64,
    /// Replace cached files of these ids that differ from the task written (without it they
    /// are refused; identical files are left as they are).
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Args)]
pub(crate) struct TaskArgs {
    /// A task id (read from the cache), a task directory (task.xml and datasplits.arff), or a
    /// dataset file or builtin:NAME for a local task.
    #[arg(allow_negative_numbers = true)]
    pub(crate) task: String,
    #[command(flatten)]
    pub(crate) local: LocalTaskArgs,
    /// Local tasks: the seed of the splits [default: 0].
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,
}

/// Where a task id is looked up, and how a local task is made.
#[derive(Args)]
pub(crate) struct LocalTaskArgs {
    /// The server whose cache directory is used: www, test or a URL [default: $OPENML_SERVER,
    /// else openml-python's config, else www].
    #[arg(long, value_name = "SERVER")]
    pub(crate) server: Option<String>,
    /// Local tasks: the target column [default: the dataset's default target].
    #[arg(long, value_name = "NAME")]
    pub(crate) target: Option<String>,
    /// Local tasks: classification, regression or learning-curve [default: by the target's
    /// kind].
    #[arg(long, value_name = "TYPE")]
    pub(crate) task_type: Option<String>,
    /// Local tasks: cv:FOLDS[:REPEATS], holdout:PERCENT[:REPEATS], loo or
    /// curve:FOLDS[:REPEATS] [default: cv:10].
    #[arg(long, value_name = "SPEC")]
    pub(crate) resampling: Option<String>,
    /// Local tasks: do not stratify classification splits.
    #[arg(long)]
    pub(crate) no_stratify: bool,
    /// Local tasks: a column that is not a feature (an id, free text); repeatable.
    #[arg(long = "ignore", value_name = "COLUMN")]
    pub(crate) ignore: Vec<String>,
}

#[derive(Subcommand)]
pub(crate) enum DataCommand {
    /// Print a dataset's rows, columns, column kinds, missing counts and categories.
    Inspect(InspectArgs),
    /// Write a synthetic classification dataset (numeric and nominal features, missing
    /// values, a learnable nominal target `class` last) as ARFF; the same seed gives the same
    /// bytes.
    Generate(GenerateArgs),
}

#[derive(Args)]
pub(crate) struct GenerateArgs {
    /// The ARFF file to write: FILE.arff, or FILE.arff.gz for gzip.
    pub(crate) out: PathBuf,
    /// Replace the file if it is there already (without this, an existing file is refused and
    /// kept).
    #[arg(long)]
    pub(crate) force: bool,
    /// The number of rows.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub(crate) rows: usize,
    /// The number of numeric features.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub(crate) numeric: usize,
    /// The number of nominal features (2 to --levels values each).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub(crate) nominal: usize,
    /// The most values a nominal feature has: each has 2 to N, drawn at random (2 to 1000).
    #[arg(long, value_name = "N", default_value_t = oml::data::DEFAULT_MAX_LEVELS)]
    pub(crate) levels: usize,
    /// The number of classes.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub(crate) classes: usize,
    /// The fraction of feature values that are missing (never the target's).
    #[arg(long, value_name = "F", default_value_t = 0.05)]
    pub(crate) missing: f64,
    /// The seed everything is drawn from.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) seed: u64,
}

#[derive(Args)]
pub(crate) struct InspectArgs {
    /// A dataset file (.arff, .arff.gz, .pq, .parquet, .csv) or builtin:NAME (iris,
    /// winequality, diabetes).
    pub(crate) source: String,
    /// Print JSON: {n_rows, n_columns, columns: [{name, kind, missing, categories}]}.
    #[arg(long)]
    pub(crate) json: bool,
    /// Apply an OpenML description.xml (target, row id, ignored columns, MD5 check).
    #[arg(long, value_name = "FILE")]
    pub(crate) description: Option<PathBuf>,
    /// Apply an OpenML features.xml (kinds and nominal values in declared order).
    #[arg(long, value_name = "FILE")]
    pub(crate) features: Option<PathBuf>,
    /// Load the dataset N times and print the fastest load's seconds to stderr, for speed
    /// comparisons inside one process (scripts/arff_speed.py).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub(crate) repeat: u32,
}
