//! The `oml` command line: parses arguments, resolves the environment once, calls the
//! libraries and prints. Exit codes: 0 success; 1 `oml verify` found a difference; 2 an error
//! (said on stderr); 3 `oml sweep` ran to its end but some jobs failed (recorded in the store).

#[macro_use]
mod output;
mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::args::{Cli, Command, DataCommand, RunsCommand, TaskCommand};
use cli::env::Env;

/// Counts the heap bytes each unit holds (`peak_heap_bytes` in a run's `summary.json`).
#[global_allocator]
static ALLOCATOR: oml::eval::CountingAllocator = oml::eval::CountingAllocator;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Only a sweep's own children (`oml run`, `oml sweep worker`) follow their parent and take
    // its memory limit.
    if cli.is_sweep_child() {
        let var = |name| std::env::var(name).ok().and_then(|v| v.parse().ok());
        if let Some(parent) = var(oml::sweep::PARENT_PID_VAR) {
            oml::sweep::exit_with_parent(parent as u32);
        }
        if let Some(bytes) = var(oml::sweep::MEMORY_LIMIT_VAR)
            && let Err(e) = oml::sweep::apply_memory_limit(bytes)
        {
            say!("oml: cannot set the memory limit of {bytes} bytes: {e}");
            return ExitCode::from(2);
        }
    }
    let env = Env::read();
    match run(cli, &env) {
        Ok(code) => code,
        Err(err) if output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            say!("oml: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs the command; its exit code, or the error that makes it 2.
fn run(cli: Cli, env: &Env) -> anyhow::Result<ExitCode> {
    let done = |result: anyhow::Result<()>| result.map(|()| ExitCode::SUCCESS);
    match cli.command {
        Command::Data(DataCommand::Inspect(args)) => done(cli::info::inspect(args)),
        Command::Data(DataCommand::Generate(args)) => done(cli::info::generate(args)),
        Command::Task(TaskCommand::Show(args)) => done(cli::info::show(args, env)),
        Command::Task(TaskCommand::Write(args)) => done(cli::info::write(args, env)),
        Command::Flows(args) => done(cli::info::flows(args)),
        Command::Run(args) => done(cli::run::run(args, env)),
        Command::Runs(RunsCommand::List(args)) => done(cli::store::runs_list(args, env)),
        Command::Evaluations(args) => done(cli::store::evaluations(args, env)),
        Command::Verify(args) => cli::run::verify(args, env),
        Command::Fetch(command) => done(cli::fetch::fetch(command, env)),
        Command::Publish(args) => done(cli::fetch::publish(args, env)),
        Command::Sweep(args) => cli::sweep::sweep(args, env),
        Command::Collect(args) => done(cli::sweep::collect(args, env)),
        Command::Report(args) => done(cli::sweep::report(args, env)),
    }
}
