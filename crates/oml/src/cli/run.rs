//! `oml run` and `oml verify`: a run made, stored (or written to `--out`) and printed; a
//! stored run made again and compared.

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use anyhow::{Context, bail};
use oml::run::{
    Admission, ExecutedRun, Lookup, PreparedRun, Replace, Run, RunReport, RunRequest, TuneRequest,
};
use oml::task::TaskSource;

use super::args::{RunArgs, VerifyArgs};
use super::env::{Env, warn};
use crate::output::print;

/// `oml run`.
pub fn run(args: RunArgs, env: &Env) -> anyhow::Result<()> {
    if !args.offline {
        fetch_task(
            &args.task,
            args.local.server.clone(),
            args.cache_dir.as_deref(),
            env,
        )?;
    }
    let request = RunRequest {
        task: env.task_spec(
            &args.task,
            &args.local,
            args.split_seed,
            args.cache_dir.as_deref(),
        )?,
        flow: args.flow.clone(),
        params: args.params.clone(),
        seed: args.seed,
        threads: env.threads(args.threads),
        fail_fast: args.fail_fast,
        tune: tune_request(&args),
    };
    let prepared = request.prepare()?;
    warn(&prepared.task);
    let n_units = prepared.task.splits().units().len();
    if let Some(threads) = request.threads {
        let useful = oml_run::useful_threads(threads, n_units);
        if useful < threads {
            say!(
                "oml: {threads} threads are more than the {n_units} units and the cores: \
                 running on {useful}"
            );
        }
    }
    let store = env.store(&args.store)?;
    let key = &prepared.key;
    let replace = if args.force {
        Replace::Owned
    } else {
        Replace::Never
    };
    if let Some(out) = &args.out {
        Run::check_target(out, replace).with_context(|| {
            format!(
                "cannot write the run to --out {} (--force replaces a run directory oml wrote; \
                 nothing else is ever replaced)",
                out.display()
            )
        })?;
    } else if !args.force {
        match store.lookup(key) {
            Lookup::Stored(run, dir) => {
                say!("oml: this run (key {key}) is already in the store; --force runs it again");
                return print(&RunReport::of_run(&run, Some(dir)), args.json);
            }
            Lookup::Damaged(problem) => {
                say!("oml: the stored run {key} is damaged ({problem}); running it again");
            }
            Lookup::Absent => {}
        }
    }
    let executed = execute(&prepared)?;
    // `--out` keeps what there is; the store admits complete runs only.
    let (run_dir, failure) = match &args.out {
        Some(out) => {
            executed
                .run
                .save(out, replace)
                .with_context(|| format!("cannot write the run to --out {}", out.display()))?;
            (Some(out.clone()), executed.evaluation.failure_summary())
        }
        None => match store.admit(key, &executed)? {
            Admission::Stored(dir) => (Some(dir), None),
            Admission::Incomplete(failure) => (None, Some(failure)),
        },
    };
    print(&executed.report(run_dir), args.json)?;
    if let Some(failure) = failure {
        bail!("{failure}");
    }
    Ok(())
}

/// The nested search the arguments ask for, if any.
fn tune_request(args: &RunArgs) -> Option<TuneRequest> {
    (!args.tune.is_empty()).then(|| TuneRequest {
        space: args.tune.clone(),
        search: args.search.clone(),
        inner: args.inner.clone(),
        measure: args.tune_measure.clone(),
    })
}

/// Fetches what the cache lacks of `task` when it is an OpenML task id, from `server`.
fn fetch_task(
    task: &str,
    server: Option<String>,
    cache_dir: Option<&std::path::Path>,
    env: &Env,
) -> anyhow::Result<()> {
    let TaskSource::Id(id) = TaskSource::parse(task) else {
        return Ok(());
    };
    let (client, cache) = env.client(server, cache_dir, false)?;
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
    Ok(())
}

/// Runs a prepared run with a progress bar on a terminal; units record their own panics, so
/// the default panic hook, which would print over the bar, is silenced meanwhile.
fn execute(prepared: &PreparedRun) -> anyhow::Result<ExecutedRun> {
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

/// `oml verify`: exit code 1 when the run made again differs.
pub fn verify(args: VerifyArgs, env: &Env) -> anyhow::Result<ExitCode> {
    // Files changed after the run was written are differences of their own, said first; the
    // run made again is then compared with what they hold, where they can still be read.
    let changed = oml::run::changed_since_written(&args.run_dir)?;
    for difference in &changed {
        out!("{difference}")?;
    }
    let stored = match Run::load(&args.run_dir) {
        Ok(stored) => stored,
        Err(e) if !changed.is_empty() => {
            out!("the changed run cannot be compared further: {e}")?;
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let mut request = RunRequest::from_manifest(&stored.manifest, args.cache_dir.clone());
    if let Some(server) = &args.server {
        request.task.options.set_server(server);
    }
    if matches!(TaskSource::parse(&request.task.task), TaskSource::Id(_)) {
        if !args.offline {
            let server = request.task.options.server_name().to_owned();
            fetch_task(
                &request.task.task,
                Some(server),
                args.cache_dir.as_deref(),
                env,
            )?;
        }
        request.task.cache_dir = Some(env.cache_root(args.cache_dir.as_deref())?);
    }
    let prepared = request.prepare()?;
    warn(&prepared.task);
    let again = execute(&prepared)?;
    let differences = oml::run::compare_runs(&stored, &again.run);
    if differences.is_empty() && changed.is_empty() {
        out!(
            "verified {}: predictions byte-identical ({} rows), every measure equal (timings aside)",
            args.run_dir.display(),
            stored.predictions.n_rows()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    for difference in &differences {
        out!("{difference}")?;
    }
    Ok(ExitCode::from(1))
}
