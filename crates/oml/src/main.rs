//! The `oml` command line: parses arguments, calls the libraries, prints.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use oml::data::DatasetLoader;
use oml::runner::{PreparedRun, RunRequest, TaskSpec};
use oml::task::{Cache, Server, Task};

/// Run models on OpenML tasks: fast, reproducible, offline, on a cluster.
#[derive(Parser)]
#[command(name = "oml", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    Sweep(SweepArgs),
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
struct SweepSpecArgs {
    /// The sweep file (TOML; its format is docs/sweep-file.md in oml's repository, and
    /// examples/sweep/sweep.toml shows every form).
    #[arg(value_name = "SWEEP")]
    file: Option<PathBuf>,
    /// A task (as `oml run --task`, or suite:ID|ALIAS); repeatable.
    #[arg(long = "task", value_name = "TASK", allow_negative_numbers = true)]
    tasks: Vec<String>,
    /// A built-in flow with its defaults; repeatable.
    #[arg(long = "flow", value_name = "NAME")]
    flows: Vec<String>,
    /// A seed or a range (`1..5` is 1 to 4, `1..=5` 1 to 5); repeatable [default: 0].
    #[arg(long = "seed", value_name = "S")]
    seeds: Vec<String>,
    /// The cache root (as openml-python's cachedir) for task ids and suites.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// www, test or a URL for task ids and suites [default: the file's server, else www].
    #[arg(long, value_name = "SERVER")]
    server: Option<String>,
}

impl SweepSpecArgs {
    fn given(&self) -> bool {
        self.file.is_some() || !self.tasks.is_empty() || !self.flows.is_empty()
    }
}

#[derive(Args)]
struct SweepArgs {
    #[command(flatten)]
    spec: SweepSpecArgs,
    #[command(flatten)]
    store: StoreArgs,
    /// Run shard I of N (0-based: positions p with p % N == I) [default: from
    /// SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX, else all].
    #[arg(long, value_name = "I/N", conflicts_with = "shard_count")]
    shard: Option<String>,
    /// The number of shards where the engine does not say it (Kubernetes Indexed Jobs: the
    /// job's completions).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    shard_count: Option<u64>,
    /// Skip jobs done before, by this or any other shard (without it they are an error).
    #[arg(long)]
    resume: bool,
    /// Threads of each job [default: $SLURM_CPUS_PER_TASK, else all cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    threads: Option<u64>,
    /// Kill a job that runs longer (`90s`, `10m`, `2h`) [default: the file's time_limit,
    /// else none].
    #[arg(long, value_name = "DURATION")]
    time_limit: Option<String>,
    /// Never touch the network: tasks and suites must be in the cache.
    #[arg(long)]
    offline: bool,
    /// Print this shard's jobs (key and label) and exit.
    #[arg(long)]
    list: bool,
}

#[derive(Args)]
struct CollectArgs {
    /// Only the runs of this sweep (its suites read from the cache); without one, every run
    /// of the store.
    #[command(flatten)]
    spec: SweepSpecArgs,
    #[command(flatten)]
    store: StoreArgs,
    /// The table: .parquet, .pq or .csv.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Only this measure; repeatable [default: the sweep's measures, else every measure but
    /// the timings].
    #[arg(long = "measure", value_name = "NAME")]
    measures: Vec<String>,
}

#[derive(Args)]
struct ReportArgs {
    /// Only the runs of this sweep (its suites read from the cache); without one, every run
    /// of the store.
    #[command(flatten)]
    spec: SweepSpecArgs,
    #[command(flatten)]
    store: StoreArgs,
    /// The HTML file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The measure compared [default: the sweep's first measure, else predictive_accuracy,
    /// else root_mean_squared_error].
    #[arg(long, value_name = "NAME")]
    measure: Option<String>,
}

#[derive(Args)]
struct PublishArgs {
    /// The run directory, as `oml run` stored it.
    #[arg(value_name = "RUN_DIR")]
    run_dir: PathBuf,
    /// www, test or a URL [default: $OPENML_SERVER, else openml-python's config, else www].
    #[arg(long, value_name = "SERVER")]
    server: Option<String>,
    /// The OpenML API key [default: $OPENML_API_KEY, else openml-python's config]. Other
    /// users of the machine can see command lines: prefer the environment or the config.
    #[arg(long, value_name = "KEY")]
    api_key: Option<String>,
}

#[derive(Subcommand)]
enum FetchCommand {
    /// Fetch tasks: task.xml, the split file and their datasets' files.
    Task(FetchArgs),
    /// Fetch datasets: description, features, qualities and the data file.
    Dataset(FetchArgs),
    /// Fetch a benchmark suite (a study of tasks, by id or alias such as OpenML-CC18) and all
    /// its tasks.
    Suite(FetchSuiteArgs),
}

#[derive(Args)]
struct FetchSuiteArgs {
    /// The study id or alias.
    #[arg(value_name = "ID_OR_ALIAS")]
    id_or_alias: String,
    /// The cache root (as openml-python's cachedir); by default $OPENML_CACHE_DIR, else
    /// openml-python's config or ~/.cache/openml.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// www, test or a URL [default: $OPENML_SERVER, else openml-python's config, else www].
    #[arg(long, value_name = "SERVER")]
    server: Option<String>,
    /// Never touch the network: only check that the cache has the suite and all its tasks.
    #[arg(long)]
    offline: bool,
}

#[derive(Args)]
struct FetchArgs {
    /// The ids.
    #[arg(required = true, value_name = "ID", allow_negative_numbers = true)]
    ids: Vec<i64>,
    /// The cache root (as openml-python's cachedir); by default $OPENML_CACHE_DIR, else
    /// openml-python's config or ~/.cache/openml.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// www, test or a URL [default: $OPENML_SERVER, else openml-python's config, else www].
    #[arg(long, value_name = "SERVER")]
    server: Option<String>,
    /// Never touch the network: only check that the cache has everything.
    #[arg(long)]
    offline: bool,
}

#[derive(Args)]
struct RunArgs {
    /// A task id (read from the cache), a task directory, or a dataset file or builtin:NAME for
    /// a local task.
    #[arg(
        long,
        value_name = "TASK",
        default_value = "builtin:iris",
        allow_negative_numbers = true
    )]
    task: String,
    #[command(flatten)]
    local: LocalTaskArgs,
    /// Local tasks: the seed of the splits [default: 0].
    #[arg(long, value_name = "N")]
    split_seed: Option<u64>,
    /// A built-in flow (see `oml flows`).
    #[arg(long, value_name = "NAME", default_value = "decision-tree")]
    flow: String,
    /// Set a flow parameter; repeatable. A bare NAME works where one step has it.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// The run seed, from which every unit's fit seed is derived.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// Threads to run units on, at most one per unit [default: $SLURM_CPUS_PER_TASK, else all
    /// cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    threads: Option<u64>,
    /// Stop at the first failing unit.
    #[arg(long)]
    fail_fast: bool,
    /// Write the run to DIR instead of the run store (no duplicate check).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
    /// Run again even if the store holds this run (same task, flow, parameters and seed).
    #[arg(long)]
    force: bool,
    /// The cache root (as openml-python's cachedir) for task ids.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Never touch the network: a task id must be in the cache already (`oml fetch task ID`
    /// fills it). Without this flag, what the cache lacks of a task id is fetched from
    /// --server first.
    #[arg(long)]
    offline: bool,
    /// Print JSON: {task_id, flow, seed, n_units, measures: {NAME: {value, mean, std,
    /// per_fold}}, wall_time_s, run_dir}.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct VerifyArgs {
    /// The run directory.
    run_dir: PathBuf,
    /// The cache root for task ids [default: openml-python's].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// The server whose cache directory holds the task [default: the run's].
    #[arg(long, value_name = "SERVER")]
    server: Option<String>,
    /// Never touch the network (`oml verify` reads tasks from the cache only, as `oml run`).
    #[arg(long)]
    offline: bool,
}

/// Where runs are stored.
#[derive(Args)]
struct StoreArgs {
    /// The run store [default: $OML_STORE, else $XDG_DATA_HOME/oml/runs, else
    /// ~/.local/share/oml/runs].
    #[arg(long, value_name = "DIR")]
    store: Option<PathBuf>,
}

impl StoreArgs {
    fn open(&self) -> anyhow::Result<oml::run::RunStore> {
        let root = match &self.store {
            Some(dir) => dir.clone(),
            None => oml::run::RunStore::default_root(|name| std::env::var(name).ok())?,
        };
        Ok(oml::run::RunStore::new(root))
    }

    /// The store, which must exist: listing or reporting on a store that is not there (a
    /// typo in --store) says so instead of showing nothing.
    fn open_existing(&self) -> anyhow::Result<oml::run::RunStore> {
        let store = self.open()?;
        if !store.root().is_dir() {
            bail!(
                "there is no run store at {} (--store DIR or $OML_STORE picks one)",
                store.root().display()
            );
        }
        Ok(store)
    }
}

#[derive(Subcommand)]
enum RunsCommand {
    /// List the stored runs: key, task, flow, seed, main measure, when.
    List(RunsListArgs),
}

#[derive(Args)]
struct RunsListArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Print JSON: a list of {key, dir, task, task_id, flow, flow_name, parameters, seed,
    /// started, measure, value}.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct EvaluationsArgs {
    /// The measure (predictive_accuracy, area_under_roc_curve, log_loss, ...); OpenML's
    /// evaluation/list requires one too.
    #[arg(long, value_name = "NAME")]
    function: String,
    /// Order the rows by value: asc or desc, as openml-python's sort_order [default: by run].
    #[arg(long, value_name = "ORDER", value_parser = ["asc", "desc"])]
    sort: Option<String>,
    /// Only runs of this OpenML task id (runs of local tasks have none); repeatable.
    #[arg(long = "task", value_name = "ID", allow_negative_numbers = true)]
    tasks: Vec<i64>,
    /// Only runs of this flow, by short name or OpenML name (with --server: by flow id);
    /// repeatable.
    #[arg(long = "flow", value_name = "NAME")]
    flows: Vec<String>,
    /// Only this run, by key or key prefix (with --server: by run id); repeatable.
    #[arg(long = "run", value_name = "KEY")]
    runs: Vec<String>,
    /// Only runs of this OpenML setup id (local runs have none); repeatable.
    #[arg(long = "setup", value_name = "ID")]
    setups: Vec<i64>,
    /// Fill the `values` column with the per-fold values, one JSON list per repeat.
    #[arg(long)]
    per_fold: bool,
    /// List the evaluations on this OpenML server (www, test or a URL) instead of the run
    /// store's; the answers are cached and read back with --offline.
    #[arg(long, value_name = "SERVER")]
    server: Option<String>,
    /// With --server: only runs uploaded by this user id; repeatable.
    #[arg(long = "uploader", value_name = "ID", requires = "server")]
    uploaders: Vec<i64>,
    /// With --server: only runs with this tag.
    #[arg(long, value_name = "TAG", requires = "server")]
    tag: Option<String>,
    /// With --server: at most N evaluations [default: all, in pages of 1000].
    #[arg(long, value_name = "N", requires = "server")]
    size: Option<usize>,
    /// With --server: skip the first N evaluations.
    #[arg(long, value_name = "N", default_value_t = 0, requires = "server")]
    offset: usize,
    /// With --server: the cache root for the server's answers [default: openml-python's].
    #[arg(long, value_name = "DIR", requires = "server")]
    cache_dir: Option<PathBuf>,
    /// With --server: never touch the network; read the answers cached before.
    #[arg(long, requires = "server")]
    offline: bool,
    /// table (polars' table, without all-null columns), csv, json (a list of objects) or
    /// parquet (needs --out).
    #[arg(long, value_name = "FORMAT", default_value = "table")]
    format: oml::run::TableFormat,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args)]
struct FlowsArgs {
    /// Print JSON: a list of {name, flow_name, external_version, learns, parameters}.
    #[arg(long)]
    json: bool,
    /// Also write each flow's OpenML flow XML to DIR/NAME.xml.
    #[arg(long, value_name = "DIR")]
    xml_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum TaskCommand {
    /// Print a task's type, dataset, target, class labels and the size of every split.
    Show(ShowArgs),
    /// Write a task and its dataset into a cache directory, in openml-python's layout.
    Write(WriteArgs),
}

#[derive(Args)]
struct ShowArgs {
    #[command(flatten)]
    task: TaskArgs,
    /// The cache root (as openml-python's cachedir); by default $OPENML_CACHE_DIR, else
    /// openml-python's config or ~/.cache/openml.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Print JSON: {task_id, task_type, dataset_id, target, n_repeats, n_folds, n_samples,
    /// class_labels, splits: [{repeat, fold, sample, n_train, n_test}]}.
    #[arg(long)]
    json: bool,
    /// Also write every split's train and test row ids as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    splits_json: Option<PathBuf>,
}

#[derive(Args)]
struct WriteArgs {
    #[command(flatten)]
    task: TaskArgs,
    /// The cache root to write into (as openml-python's cachedir); a task id is read from it
    /// too.
    #[arg(long, value_name = "DIR")]
    cache_dir: PathBuf,
    /// The task id to write the task as.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    task_id: i64,
    /// The dataset id to write the dataset as.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    dataset_id: i64,
    /// Replace cached files of these ids that differ from the task written (without it they
    /// are refused; identical files are left as they are).
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
struct TaskArgs {
    /// A task id (read from the cache), a task directory (task.xml and datasplits.arff), or a
    /// dataset file or builtin:NAME for a local task.
    #[arg(allow_negative_numbers = true)]
    task: String,
    #[command(flatten)]
    local: LocalTaskArgs,
    /// Local tasks: the seed of the splits [default: 0].
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

/// Where a task id is looked up, and how a local task is made.
#[derive(Args)]
struct LocalTaskArgs {
    /// The server whose cache directory is used: www, test or a URL [default: $OPENML_SERVER,
    /// else openml-python's config, else www].
    #[arg(long, value_name = "SERVER")]
    server: Option<String>,
    /// Local tasks: the target column [default: the dataset's default target].
    #[arg(long, value_name = "NAME")]
    target: Option<String>,
    /// Local tasks: classification, regression or learning-curve [default: by the target's
    /// kind].
    #[arg(long, value_name = "TYPE")]
    task_type: Option<String>,
    /// Local tasks: cv:FOLDS[:REPEATS], holdout:PERCENT[:REPEATS], loo or
    /// curve:FOLDS[:REPEATS] [default: cv:10].
    #[arg(long, value_name = "SPEC")]
    resampling: Option<String>,
    /// Local tasks: do not stratify classification splits.
    #[arg(long)]
    no_stratify: bool,
    /// Local tasks: a column that is not a feature (an id, free text); repeatable.
    #[arg(long = "ignore", value_name = "COLUMN")]
    ignore: Vec<String>,
}

#[derive(Subcommand)]
enum DataCommand {
    /// Print a dataset's rows, columns, column kinds, missing counts and categories.
    Inspect(InspectArgs),
    /// Write a synthetic classification dataset (numeric and nominal features, missing
    /// values, a learnable nominal target `class` last) as ARFF; the same seed gives the same
    /// bytes.
    Generate(GenerateArgs),
}

#[derive(Args)]
struct GenerateArgs {
    /// The ARFF file to write (a name ending in .gz is gzip-compressed).
    out: PathBuf,
    /// The number of rows.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    rows: usize,
    /// The number of numeric features.
    #[arg(long, value_name = "N", default_value_t = 30)]
    numeric: usize,
    /// The number of nominal features (2 to 6 values each).
    #[arg(long, value_name = "N", default_value_t = 10)]
    nominal: usize,
    /// The number of classes.
    #[arg(long, value_name = "N", default_value_t = 3)]
    classes: usize,
    /// The fraction of feature values that are missing (never the target's).
    #[arg(long, value_name = "F", default_value_t = 0.05)]
    missing: f64,
    /// The seed everything is drawn from.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
}

#[derive(Args)]
struct InspectArgs {
    /// A dataset file (.arff, .arff.gz, .pq, .parquet, .csv) or builtin:NAME (iris,
    /// winequality, diabetes).
    source: String,
    /// Print JSON: {n_rows, n_columns, columns: [{name, kind, missing, categories}]}.
    #[arg(long)]
    json: bool,
    /// Apply an OpenML description.xml (target, row id, ignored columns, MD5 check).
    #[arg(long, value_name = "FILE")]
    description: Option<PathBuf>,
    /// Apply an OpenML features.xml (kinds and nominal values in declared order).
    #[arg(long, value_name = "FILE")]
    features: Option<PathBuf>,
    /// Load the dataset N times and print the fastest load's seconds to stderr, for speed
    /// comparisons inside one process (scripts/arff_speed.py).
    #[arg(long, value_name = "N", default_value_t = 1)]
    repeat: u32,
}

/// Writes a line to stdout with control characters escaped ([`terminal_safe`]); a failed
/// write (a closed pipe) is returned, and `main` treats a broken pipe as success.
macro_rules! out {
    ($($arg:tt)*) => {
        writeln!(io::stdout().lock(), "{}", terminal_safe(&format!($($arg)*)))
    };
}

/// Writes a line to stderr with control characters escaped ([`terminal_safe`]) and the API
/// key redacted ([`redact`]); a failed write is ignored, as there is nowhere left to report it.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(io::stderr().lock(), "{}", terminal_safe(&redact(&format!($($arg)*))));
    }};
}

/// `text` with the control characters a file or a server could put in a message (escape
/// sequences, NUL, carriage returns) written as `\x1b`, `\0`, `\r`: they reach the terminal as
/// text, not as commands. Newlines and tabs stay.
fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\r' => out.push_str("\\r"),
            c if unsafe_char(c) => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Only a sweep's own `oml run` children follow their parent.
    if let (Command::Run(_), Some(parent)) = (
        &cli.command,
        std::env::var(oml::sweep::PARENT_PID_VAR)
            .ok()
            .and_then(|pid| pid.parse().ok()),
    ) {
        oml::sweep::exit_with_parent(parent);
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            say!("oml: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Data(DataCommand::Inspect(args)) => inspect(args),
        Command::Data(DataCommand::Generate(args)) => generate(args),
        Command::Task(TaskCommand::Show(args)) => show(args),
        Command::Task(TaskCommand::Write(args)) => write(args),
        Command::Flows(args) => flows(args),
        Command::Run(args) => run_flow(args),
        Command::Runs(RunsCommand::List(args)) => runs_list(args),
        Command::Evaluations(args) => evaluations(args),
        Command::Verify(args) => verify(args),
        Command::Fetch(command) => fetch(command),
        Command::Publish(args) => publish(args),
        Command::Sweep(args) => sweep(args),
        Command::Collect(args) => collect(args),
        Command::Report(args) => report(args),
    }
}

fn fetch(command: FetchCommand) -> anyhow::Result<()> {
    let (kind, args) = match command {
        FetchCommand::Task(args) => ("task", args),
        FetchCommand::Dataset(args) => ("dataset", args),
        FetchCommand::Suite(args) => return fetch_suite(args),
    };
    let (client, cache) = api_client(args.server.clone(), args.cache_dir.as_deref(), args.offline)?;
    let mut out = io::stdout().lock();
    for &id in &args.ids {
        let fetched = match kind {
            "task" => client.fetch_task(&cache, id),
            _ => client.fetch_dataset(&cache, id),
        }
        .with_context(|| format!("cannot fetch {kind} {id}"))?;
        writeln!(
            out,
            "{kind} {id}: {} files downloaded, {} already cached in {}",
            fetched.downloaded.len(),
            fetched.present.len(),
            cache.dir().display()
        )?;
    }
    Ok(())
}

/// The API key this process uses, once resolved: every error it prints is redacted with it.
static API_KEY: std::sync::OnceLock<oml_api::ApiKey> = std::sync::OnceLock::new();

/// Resolves the server and key as every command does, remembering the key for [`redact`].
fn settings(flags: &oml_api::Flags) -> anyhow::Result<oml_api::Settings> {
    let settings = oml_api::Settings::from_process(flags)?;
    if let Some(key) = &settings.api_key {
        let _ = API_KEY.set(key.clone());
    }
    Ok(settings)
}

/// `text` without the API key, whatever echoed it (a server, a proxy, a library).
fn redact(text: &str) -> String {
    match API_KEY.get() {
        Some(key) => key.redact(text),
        None => text.to_owned(),
    }
}

/// A client of `server` (www, test or a URL; by default from the environment or
/// openml-python's config; no API key) and its cache under `cache_dir` (by default
/// openml-python's).
fn api_client(
    server: Option<String>,
    cache_dir: Option<&std::path::Path>,
    offline: bool,
) -> anyhow::Result<(oml_api::Client, Cache)> {
    let flags = oml_api::Flags {
        server,
        api_key: None,
    };
    let settings = settings(&flags)?;
    let cache = match cache_dir {
        Some(dir) => Cache::new(dir, settings.server.clone()),
        None => Cache::from_env(settings.server.clone())?,
    };
    let mut builder = oml_api::ClientBuilder::from_settings(settings);
    builder.offline(offline);
    if io::stderr().is_terminal() {
        builder.progress(|line| say!("oml: {line}"));
    }
    let client = builder.build()?;
    Ok((client, cache))
}

fn fetch_suite(args: FetchSuiteArgs) -> anyhow::Result<()> {
    let (client, cache) = api_client(args.server.clone(), args.cache_dir.as_deref(), args.offline)?;
    let key = &args.id_or_alias;
    let mut out = io::stdout().lock();
    let mut printed = Ok(());
    let suite = client.fetch_suite_with(&cache, key, |id, outcome| {
        let line = match outcome {
            Ok(fetched) => writeln!(
                out,
                "task {id}: {} files downloaded, {} already cached",
                fetched.downloaded.len(),
                fetched.present.len()
            ),
            Err(e) => writeln!(out, "task {id}: failed: {e}"),
        };
        if printed.is_ok() {
            printed = line;
        }
    });
    printed?;
    let suite = suite.with_context(|| format!("cannot fetch suite {key}"))?;
    let downloaded: usize = suite.fetched.iter().map(|f| f.downloaded.len()).sum();
    writeln!(
        out,
        "suite {key}: {} tasks, {downloaded} files downloaded, cached in {}",
        suite.task_ids.len(),
        cache.dir().display()
    )?;
    Ok(())
}

fn publish(args: PublishArgs) -> anyhow::Result<()> {
    let flags = oml_api::Flags {
        server: args.server.clone(),
        api_key: args.api_key.and_then(oml_api::ApiKey::new),
    };
    let settings = settings(&flags)?;
    let client = oml_api::ClientBuilder::from_settings(settings).build()?;
    let published = client
        .publish(&args.run_dir)
        .with_context(|| format!("cannot publish {}", args.run_dir.display()))?;
    let flow = if published.flow_uploaded {
        "uploaded"
    } else {
        "known"
    };
    writeln!(
        io::stdout().lock(),
        "run {}: {} (flow {}, {flow})",
        published.run_id,
        client.run_url(published.run_id),
        published.flow_id
    )?;
    Ok(())
}

fn run_flow(args: RunArgs) -> anyhow::Result<()> {
    if let oml::task::TaskSource::Id(id) = oml::task::TaskSource::parse(&args.task)
        && !args.offline
    {
        let (client, cache) =
            api_client(args.local.server.clone(), args.cache_dir.as_deref(), false)?;
        let fetched = client
            .fetch_task(&cache, id)
            .with_context(|| format!("cannot fetch task {id} (--offline uses the cache only)"))?;
        if !fetched.downloaded.is_empty() {
            say!(
                "oml: fetched {} files of task {id} into {}",
                fetched.downloaded.len(),
                cache.dir().display()
            );
        }
    }
    let request = RunRequest {
        task: task_spec(
            &args.task,
            &args.local,
            args.split_seed,
            args.cache_dir.clone(),
        )?,
        flow: args.flow.clone(),
        params: args.params.clone(),
        seed: args.seed,
        threads: args
            .threads
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
            .or_else(|| oml::sweep::threads_from_env(&|name| std::env::var(name).ok())),
        fail_fast: args.fail_fast,
    };
    let prepared = request.prepare()?;
    warn(&prepared.task);
    let n_units = prepared.task.splits().units().len();
    if let Some(threads) = request.threads.filter(|&t| t > n_units) {
        say!("oml: {threads} threads for {n_units} units: running on {n_units}");
    }
    let store = args.store.open()?;
    let key = &prepared.key;
    let replace = if args.force {
        oml::run::Replace::Owned
    } else {
        oml::run::Replace::Never
    };
    if let Some(out) = &args.out {
        oml::run::Run::check_target(out, replace).with_context(|| {
            format!(
                "cannot write the run to --out {} (--force replaces a run directory oml wrote; \
                 nothing else is ever replaced)",
                out.display()
            )
        })?;
    } else if store.contains(key) && !args.force {
        let run_dir = store.dir(key);
        match store
            .check(key)
            .and_then(|()| oml::run::Run::load(&run_dir))
        {
            Ok(run) => {
                say!("oml: this run (key {key}) is already in the store; --force runs it again");
                return print(&oml::run::RunReport::of_run(&run, Some(run_dir)), args.json);
            }
            Err(problem) => {
                say!("oml: the stored run {key} is damaged ({problem}); running it again");
            }
        }
    }
    let executed = execute(&prepared)?;
    let failure = executed.evaluation.failure_summary();
    // The store holds complete runs only: a run with failed units would be found again as if
    // it were the result. `--out` keeps what there is.
    let run_dir = match &args.out {
        Some(out) => {
            executed
                .run
                .save(out, replace)
                .with_context(|| format!("cannot write the run to --out {}", out.display()))?;
            Some(out.clone())
        }
        None if failure.is_none() => Some(store.save(key, &executed.run)?),
        None => None,
    };
    print(&executed.report(run_dir), args.json)?;
    if let Some(failure) = failure {
        bail!("{failure}");
    }
    Ok(())
}

/// Runs a prepared run with a progress bar on a terminal; units record their own panics, so
/// the default panic hook, which would print over the bar, is silenced meanwhile.
fn execute(prepared: &PreparedRun) -> anyhow::Result<oml::runner::ExecutedRun> {
    let n_units = prepared.task.splits().units().len();
    let progress = if io::stderr().is_terminal() {
        indicatif::ProgressBar::new(n_units as u64).with_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} units, about {eta} left",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    let hook = std::panic::take_hook();
    std::panic::set_hook(oml::eval::quiet_panic_hook());
    let executed = prepared.execute(&|_| progress.inc(1));
    std::panic::set_hook(hook);
    progress.finish_and_clear();
    Ok(executed?)
}

/// The task spec of the command line's task options.
fn task_spec(
    task: &str,
    local: &LocalTaskArgs,
    split_seed: Option<u64>,
    cache_dir: Option<PathBuf>,
) -> anyhow::Result<TaskSpec> {
    Ok(TaskSpec {
        task: task.to_owned(),
        server: server_name(local.server.as_deref())?,
        cache_dir,
        target: local.target.clone(),
        task_type: local.task_type.clone(),
        resampling: local.resampling.clone(),
        no_stratify: local.no_stratify,
        split_seed,
        ignore: local.ignore.clone(),
    })
}

/// The server a command uses, as every command resolves it: the flag, else `OPENML_SERVER`,
/// else openml-python's config file, else www; named `www`, `test` or by its URL.
fn server_name(flag: Option<&str>) -> anyhow::Result<String> {
    let settings = settings(&oml_api::Flags {
        server: flag.map(str::to_owned),
        api_key: None,
    })?;
    Ok(match settings.server {
        Server::Www => "www".to_owned(),
        Server::Test => "test".to_owned(),
        Server::Url(url) => url,
    })
}

/// Prints the task's warnings (problems in its metadata that did not stop loading).
fn warn(task: &Task) {
    for warning in task.warnings() {
        say!("oml: warning: {warning}");
    }
}

fn verify(args: VerifyArgs) -> anyhow::Result<()> {
    let _ = args.offline;
    let stored = oml::run::Run::load(&args.run_dir)?;
    let mut request = RunRequest::from_manifest(&stored.manifest, args.cache_dir.clone())?;
    if let Some(server) = &args.server {
        request.task.server = server.clone();
    }
    let prepared = request.prepare()?;
    warn(&prepared.task);
    let again = execute(&prepared)?;
    let differences = oml::run::compare_runs(&stored, &again.run);
    if differences.is_empty() {
        out!(
            "verified {}: predictions byte-identical ({} rows), every measure equal (timings aside)",
            args.run_dir.display(),
            stored.predictions.n_rows()
        )?;
        return Ok(());
    }
    for difference in &differences {
        out!("{difference}")?;
    }
    std::process::exit(1);
}

fn runs_list(args: RunsListArgs) -> anyhow::Result<()> {
    let store = args.store.open_existing()?;
    let listed = store.runs()?;
    for damaged in &listed.damaged {
        say!("oml: warning: {damaged}");
    }
    let list = oml::run::RunList::of(&store, &listed.runs);
    print(&list, args.json)
}

fn evaluations(args: EvaluationsArgs) -> anyhow::Result<()> {
    let frame = if let Some(server) = &args.server {
        let ids = |flag: &str, texts: &[String]| -> anyhow::Result<Vec<i64>> {
            texts
                .iter()
                .map(|text| {
                    text.parse::<i64>()
                        .with_context(|| format!("--{flag} {text}: the server takes ids"))
                })
                .collect()
        };
        let filters = oml_api::ServerEvaluationFilters {
            function: args.function.clone(),
            tasks: args.tasks.clone(),
            flows: ids("flow", &args.flows)?,
            setups: args.setups.clone(),
            runs: ids("run", &args.runs)?,
            uploaders: args.uploaders.clone(),
            tag: args.tag.clone(),
            per_fold: args.per_fold,
            size: args.size,
            offset: args.offset,
        };
        let (client, cache) = api_client(
            Some(server.clone()),
            args.cache_dir.as_deref(),
            args.offline,
        )?;
        client
            .list_evaluations(&cache, &filters)
            .context("cannot list the server's evaluations")?
    } else {
        check_measures([&args.function])?;
        let store = args.store.open_existing()?;
        let filters = oml::run::EvaluationFilters {
            function: Some(args.function.clone()),
            tasks: args.tasks.clone(),
            flows: args.flows.clone(),
            runs: args.runs.clone(),
            setups: args.setups.clone(),
            per_fold: args.per_fold,
        };
        oml::run::list_evaluations(&store, &filters, &mut |damaged| {
            say!("oml: warning: {damaged}")
        })?
    };
    let frame = match args.sort.as_deref() {
        Some(order) => oml::run::sort_by_value(&frame, order == "desc")?,
        None => frame,
    };
    match &args.out {
        Some(path) => oml::data::write_atomically(path, |file| {
            let mut out = io::BufWriter::new(file);
            oml::run::write_frame(&frame, args.format, &mut out).map_err(io::Error::other)
        })
        .with_context(|| format!("cannot write {}", path.display())),
        None if args.format.is_binary() => {
            bail!("--format {} is binary: give --out FILE", args.format)
        }
        None => Ok(oml::run::write_frame(
            &frame,
            args.format,
            &mut io::stdout().lock(),
        )?),
    }
}

fn flows(args: FlowsArgs) -> anyhow::Result<()> {
    if let Some(dir) = &args.xml_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for builtin in oml::flow::BUILTIN_FLOWS {
            let xml = oml::flow::flow_xml(&builtin.make())?;
            let path = dir.join(format!("{}.xml", builtin.name));
            oml::data::write_atomically(&path, |out| out.write_all(xml.as_bytes()))
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    print(&oml::flow::FlowCatalog::builtin(), args.json)
}

fn show(args: ShowArgs) -> anyhow::Result<()> {
    let task = task_spec(
        &args.task.task,
        &args.task.local,
        args.task.seed,
        args.cache_dir.clone(),
    )?
    .open()?;
    warn(&task);
    if let Some(path) = &args.splits_json {
        let json = serde_json::to_vec(&task.indices())?;
        oml::data::write_atomically(path, |file| file.write_all(&json))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    print(&task.summary(), args.json)
}

fn write(args: WriteArgs) -> anyhow::Result<()> {
    let task = task_spec(
        &args.task.task,
        &args.task.local,
        args.task.seed,
        Some(args.cache_dir.clone()),
    )?
    .open()?;
    warn(&task);
    let cache = Cache::new(
        &args.cache_dir,
        server_name(args.task.local.server.as_deref())?.parse::<Server>()?,
    );
    task.write_to_cache_replacing(&cache, args.task_id, args.dataset_id, args.force)
        .context("cannot write the task")?;
    out!(
        "wrote task {} (dataset {}) to {}",
        args.task_id,
        args.dataset_id,
        cache.dir().display()
    )?;
    Ok(())
}

fn inspect(args: InspectArgs) -> anyhow::Result<()> {
    let mut loader = DatasetLoader::new();
    if let Some(path) = args.description {
        loader.description(path);
    }
    if let Some(path) = args.features {
        loader.features(path);
    }
    let mut fastest = std::time::Duration::MAX;
    let mut loaded = None;
    for _ in 0..args.repeat.max(1) {
        let start = std::time::Instant::now();
        loaded = Some(
            loader
                .load(&args.source)
                .context("cannot load the dataset")?,
        );
        fastest = fastest.min(start.elapsed());
    }
    let loaded = loaded.expect("at least one load");
    if args.repeat > 1 {
        say!(
            "oml: fastest of {} loads: {:.4} s",
            args.repeat,
            fastest.as_secs_f64()
        );
    }
    for warning in &loaded.warnings {
        say!("oml: warning: {warning}");
    }
    print(&loaded.dataset.summary(), args.json)
}

fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let arff = oml::data::SyntheticBuilder::new()
        .rows(args.rows)
        .numeric(args.numeric)
        .nominal(args.nominal)
        .classes(args.classes)
        .missing(args.missing)
        .seed(args.seed)
        .build_arff()
        .context("cannot generate the dataset")?;
    oml::data::ArffWriter::new()
        .write_path(&arff, &args.out)
        .context("cannot write the dataset")?;
    out!(
        "wrote {} ({} rows, {} numeric and {} nominal features, {} classes, target `{}`, \
         missing fraction {}, seed {})",
        args.out.display(),
        args.rows,
        args.numeric,
        args.nominal,
        args.classes,
        oml::data::SYNTHETIC_TARGET,
        args.missing,
        args.seed
    )?;
    Ok(())
}

/// Prints a summary to stdout: pretty JSON, or its plain-text form.
fn print(summary: &(impl serde::Serialize + std::fmt::Display), json: bool) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    if json {
        // A broken pipe stays an io::Error, which `main` treats as success.
        serde_json::to_writer_pretty(&mut out, summary).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", terminal_safe(&summary.to_string()))?;
    }
    out.flush()?;
    Ok(())
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The sweep the arguments give and its jobs, suites resolved (fetched unless `offline`), task
/// ids read from the cache; the client and cache are returned for fetching tasks.
fn sweep_jobs(
    spec: &SweepSpecArgs,
    offline: bool,
) -> anyhow::Result<(
    oml::sweep::Sweep,
    Vec<oml::sweep::Job>,
    oml_api::Client,
    Cache,
)> {
    let mut sweep = match &spec.file {
        Some(path) => {
            let mut sweep = oml::sweep::Sweep::read(path)?;
            sweep.override_with(&spec.tasks, &spec.flows, &spec.seeds)?;
            sweep
        }
        None => oml::sweep::Sweep::from_flags(&spec.tasks, &spec.flows, &spec.seeds)?,
    };
    let server = spec
        .server
        .clone()
        .or_else(|| sweep.server.clone())
        .unwrap_or_else(|| "www".to_owned());
    sweep.set_server(&server);
    let (client, cache) = api_client(Some(server), spec.cache_dir.as_deref(), offline)?;
    let mut suite_tasks = |suite: &str| -> Result<Vec<i64>, String> {
        client
            .fetch_suite(&cache, suite)
            .map(|fetched| fetched.task_ids)
            .map_err(|e| format!("{:#}", anyhow::Error::from(e)))
    };
    let mut jobs = sweep.jobs(&mut suite_tasks)?;
    for job in &mut jobs {
        job.task.cache_dir = Some(cache.root().to_path_buf());
    }
    Ok((sweep, jobs, client, cache))
}

fn sweep(args: SweepArgs) -> anyhow::Result<()> {
    use oml::sweep::{Isolation, JobStatus, Shard, SweepOptions};
    let env = |name: &str| std::env::var(name).ok();
    let (sweep, jobs, client, cache) = sweep_jobs(&args.spec, args.offline)?;
    let (shard, source) = match &args.shard {
        Some(text) => (Shard::parse(text)?, "--shard".to_owned()),
        None => {
            let count = args.shard_count.map(|n| n as usize);
            match Shard::from_env(&env, count)? {
                Some(found) => found,
                None if count.is_some() => bail!(
                    "--shard-count is given but no array-job variable (SLURM_ARRAY_TASK_ID, \
                     JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX) says which shard this is"
                ),
                None => (Shard::ALL, "no array job".to_owned()),
            }
        }
    };
    let mine = shard.select(&jobs);
    if args.list {
        let mut out = io::stdout().lock();
        for job in &mine {
            writeln!(out, "{} {}", job.key(), job.label())?;
        }
        return Ok(());
    }
    if !args.offline {
        let mut ids: Vec<i64> = mine
            .iter()
            .filter_map(|job| match oml::task::TaskSource::parse(&job.task.task) {
                oml::task::TaskSource::Id(id) => Some(id),
                _ => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            client.fetch_task(&cache, id).with_context(|| {
                format!("cannot fetch task {id} (--offline uses the cache only)")
            })?;
        }
    }
    oml::sweep::check_flows_learn_their_tasks(&mine)?;
    let time_limit = match &args.time_limit {
        Some(text) => Some(oml::sweep::parse_duration(text)?),
        None => sweep.time_limit,
    };
    let threads = args
        .threads
        .map(|n| n as usize)
        .or_else(|| oml::sweep::threads_from_env(&env));
    let options = SweepOptions {
        store: args.store.open()?,
        threads,
        resume: args.resume,
        isolation: Isolation::Subprocess {
            program: std::env::current_exe().context("cannot find the oml binary")?,
            time_limit,
        },
    };
    say!(
        "oml: sweep shard {shard} ({source}): {} of {} jobs, {} threads each{}",
        mine.len(),
        jobs.len(),
        threads.map_or_else(|| "all cores".to_owned(), |t| t.to_string()),
        time_limit.map_or_else(String::new, |limit| format!(
            ", time limit {}",
            oml::sweep::format_duration(limit)
        ))
    );
    let total = mine.len();
    let started = std::time::Instant::now();
    let outcome = oml::sweep::run_jobs(&mine, &options, &mut |position, job| {
        let what = match &job.status {
            JobStatus::Done { seconds } => format!("done in {seconds:.2} s"),
            JobStatus::Skipped => "in the store already".to_owned(),
            JobStatus::Failed { message } => format!("FAILED: {message}"),
        };
        let (done, elapsed) = (position + 1, started.elapsed());
        // The jobs left, at the mean pace of the jobs so far.
        let left = elapsed.mul_f64((total - done) as f64 / done as f64);
        say!(
            "[{done}/{total}, {} elapsed, about {} left] {}: {what}",
            oml::sweep::format_duration(std::time::Duration::from_secs(elapsed.as_secs())),
            oml::sweep::format_duration(std::time::Duration::from_secs(left.as_secs())),
            job.label
        );
    })?;
    let failed = outcome.failed();
    out!(
        "shard {shard}: {total} jobs: {} done, {} already stored, {} failed",
        outcome.done(),
        outcome.skipped(),
        failed.len()
    )?;
    if let Some(first) = failed.first() {
        // Exit status 3, not 2: the sweep ran to its end and recorded its failures, so an
        // engine need not retry it (examples/sweep/k8s-indexed-job.yaml).
        say!(
            "oml: {} jobs failed (recorded in {}); the first, {}: {}",
            failed.len(),
            options
                .store
                .root()
                .join(oml::sweep::FAILURES_DIR)
                .display(),
            first.label,
            match &first.status {
                JobStatus::Failed { message } => message.as_str(),
                _ => "",
            }
        );
        std::process::exit(3);
    }
    Ok(())
}

/// The jobs and measures of the sweep that `collect` and `report` are restricted to, if any.
fn sweep_filter(
    spec: &SweepSpecArgs,
) -> anyhow::Result<Option<(Vec<oml::sweep::Job>, Vec<String>)>> {
    if !spec.given() {
        return Ok(None);
    }
    let (sweep, jobs, _, _) = sweep_jobs(spec, true)?;
    Ok(Some((jobs, sweep.measures)))
}

/// Refuses a measure name oml does not compute, listing the names it does.
fn check_measures<'a>(names: impl IntoIterator<Item = &'a String>) -> anyhow::Result<()> {
    for name in names {
        oml::eval::check_measure(name).map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

fn collect(args: CollectArgs) -> anyhow::Result<()> {
    check_measures(&args.measures)?;
    let store = args.store.open_existing()?;
    let filter = sweep_filter(&args.spec)?;
    let measures = match (&filter, args.measures.is_empty()) {
        (Some((_, measures)), true) => measures.clone(),
        _ => args.measures.clone(),
    };
    let n_jobs = filter.as_ref().map(|(jobs, _)| jobs.len());
    let options = oml::sweep::CollectOptions {
        measures,
        jobs: filter.map(|(jobs, _)| jobs),
    };
    oml::sweep::table_format(&args.out)?;
    let collected = oml::sweep::collect(&store, &options)?;
    for damaged in &collected.damaged {
        say!("oml: warning: {damaged}");
    }
    oml::sweep::write_collected(&collected, &args.out)?;
    out!(
        "{}: {} rows from {} runs",
        args.out.display(),
        collected.frame.height(),
        collected.runs
    )?;
    if !collected.absent_measures.is_empty() {
        say!(
            "oml: warning: no collected run has {}",
            collected.absent_measures.join(", ")
        );
    }
    if let Some(n_jobs) = n_jobs
        && !collected.missing.is_empty()
    {
        let failed = oml::sweep::failure_records(&store)?
            .iter()
            .filter(|record| collected.missing.binary_search(&record.job_key).is_ok())
            .count();
        say!(
            "oml: {} of the sweep's {n_jobs} jobs have no run in {} ({failed} recorded as \
             failed in {})",
            collected.missing.len(),
            store.root().display(),
            oml::sweep::FAILURES_DIR
        );
    }
    Ok(())
}

fn report(args: ReportArgs) -> anyhow::Result<()> {
    check_measures(&args.measure)?;
    let store = args.store.open_existing()?;
    let filter = sweep_filter(&args.spec)?;
    let measure = args.measure.clone().or_else(|| {
        filter
            .as_ref()
            .and_then(|(_, measures)| measures.first().cloned())
    });
    let run_keys: Option<std::collections::BTreeSet<String>> = match &filter {
        Some((jobs, _)) => Some(
            jobs.iter()
                .map(|job| oml::sweep::indexed_run_key(&store, &job.key()))
                .filter_map(Result::transpose)
                .collect::<Result<_, _>>()?,
        ),
        None => None,
    };
    let keep =
        |key: &str, _: &oml::run::Manifest| run_keys.as_ref().is_none_or(|keys| keys.contains(key));
    let summary = oml::report::write_report(
        &store,
        measure.as_deref(),
        &keep,
        &mut |damaged| say!("oml: warning: {damaged}"),
        &args.out,
    )?;
    out!(
        "{}: {} runs of {} flows on {} tasks compared by {}, {} figures{}",
        summary.path.display(),
        summary.n_runs,
        summary.n_flows,
        summary.n_tasks,
        summary.measure,
        summary.n_figures,
        match summary.n_skipped {
            0 => String::new(),
            n => format!(" ({n} runs without the measure left out)"),
        }
    )?;
    Ok(())
}
