//! The `oml` command line: parses arguments, calls the libraries, prints.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use oml::data::DatasetLoader;

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
}

#[derive(Subcommand)]
enum DataCommand {
    /// Print a dataset's rows, columns, column kinds, missing counts and categories.
    Inspect(InspectArgs),
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("oml: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Data(DataCommand::Inspect(args)) => inspect(args),
    }
}

fn inspect(args: InspectArgs) -> anyhow::Result<()> {
    let mut loader = DatasetLoader::new();
    if let Some(path) = args.description {
        loader.description(path);
    }
    if let Some(path) = args.features {
        loader.features(path);
    }
    let loaded = loader
        .load(&args.source)
        .context("cannot load the dataset")?;
    for warning in &loaded.warnings {
        eprintln!("oml: warning: {warning}");
    }
    let summary = loaded.dataset.summary();
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else {
        write!(out, "{summary}")?;
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
