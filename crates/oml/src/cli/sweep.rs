//! `oml sweep`, `oml collect` and `oml report`: a sweep's shard run into the store, and the
//! store's runs (or one sweep's) as a table or a report.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context;
use oml::sweep::{Isolation, Job, JobStatus, Shard, Sweep, SweepOptions, SweepSource};

use super::args::{
    CollectArgs, LimitArgs, ReportArgs, SweepAction, SweepArgs, SweepCommandArgs, SweepRetryArgs,
    SweepSpecArgs, SweepStatusArgs, SweepWorkerArgs,
};
use super::env::Env;

/// The sweep source the arguments name.
fn source(spec: &SweepSpecArgs) -> SweepSource {
    SweepSource {
        file: spec.file.clone(),
        tasks: spec.tasks.clone(),
        flows: spec.flows.clone(),
        seeds: spec.seeds.clone(),
        server: spec.server.clone(),
    }
}

/// The sweep the arguments give and its jobs, suites resolved (fetched unless `offline`), task
/// ids read from the cache; the client and cache are returned for fetching tasks.
fn sweep_jobs(
    spec: &SweepSpecArgs,
    offline: bool,
    env: &Env,
) -> anyhow::Result<(Sweep, Vec<Job>, oml::api::Client, oml::task::Cache)> {
    let sweep = source(spec).sweep()?;
    let (client, cache) = env.client(sweep.server.clone(), spec.cache_dir.as_deref(), offline)?;
    let jobs = oml::sweep::sweep_jobs(&sweep, &client, &cache)?;
    Ok((sweep, jobs, client, cache))
}

/// `oml sweep`, `oml sweep status` and `oml sweep retry`.
pub fn sweep(args: SweepCommandArgs, env: &Env) -> anyhow::Result<ExitCode> {
    match args.action {
        None => run_shard(args.run, env),
        Some(SweepAction::Status(args)) => status(args, env).map(|()| ExitCode::SUCCESS),
        Some(SweepAction::Retry(args)) => retry(args, env),
        Some(SweepAction::Worker(args)) => worker(args, env).map(|()| ExitCode::SUCCESS),
    }
}

/// `oml sweep worker`: runs the jobs read on stdin (see `oml::sweep::worker::serve_jobs`),
/// offline: the sweep fetched what the tasks need, and each job names its cache.
fn worker(args: SweepWorkerArgs, env: &Env) -> anyhow::Result<()> {
    let store = env.store(&args.store)?;
    let threads = env.threads(args.threads);
    #[cfg(unix)]
    let answers = io::BufWriter::new(oml::sweep::worker::answer_channel()?);
    #[cfg(not(unix))]
    let answers = io::stdout().lock();
    oml::sweep::worker::serve_jobs(&store, threads, io::stdin().lock(), answers)?;
    Ok(())
}

/// The options of a sweep's jobs from the limit flags, the sweep file's limits standing in
/// for those not given.
fn job_options(
    limits: &LimitArgs,
    sweep: &Sweep,
    store: oml::run::RunStore,
    resume: bool,
    env: &Env,
) -> anyhow::Result<SweepOptions> {
    let time_limit = match &limits.time_limit {
        Some(text) => Some(oml::sweep::parse_duration(text)?),
        None => sweep.time_limit,
    };
    let memory_limit = match &limits.memory_limit {
        Some(text) => Some(oml::sweep::parse_memory(text)?),
        None => sweep.memory_limit,
    };
    let jobs = limits.jobs as usize;
    // Jobs x threads within the cores: each job gets its share unless told otherwise.
    let threads = env.threads(limits.threads).or_else(|| {
        (jobs > 1).then(|| {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            (cores / jobs).max(1)
        })
    });
    let mut arguments = vec!["sweep".to_owned(), "worker".to_owned()];
    arguments.extend(["--store".to_owned(), store.root().display().to_string()]);
    if let Some(threads) = threads {
        arguments.extend(["--threads".to_owned(), threads.to_string()]);
    }
    Ok(SweepOptions {
        store,
        threads,
        resume,
        isolation: Isolation::Workers {
            command: oml::sweep::worker::WorkerCommand {
                program: std::env::current_exe().context("cannot find the oml binary")?,
                arguments,
                memory_limit,
            },
            time_limit,
            jobs,
        },
    })
}

/// What the jobs of a shard run with, as one line.
fn describe_limits(options: &SweepOptions) -> String {
    let mut text = format!(
        "{} threads each",
        options
            .threads
            .map_or_else(|| "all cores".to_owned(), |t| t.to_string())
    );
    if let Isolation::Workers {
        command,
        time_limit,
        jobs,
    } = &options.isolation
    {
        if *jobs > 1 {
            text += &format!(", {jobs} at once");
        }
        if let Some(limit) = time_limit {
            text += &format!(", time limit {}", oml::sweep::format_duration(*limit));
        }
        if let Some(bytes) = command.memory_limit {
            text += &format!(", memory limit {}", oml::sweep::format_memory(bytes));
        }
    }
    text
}

/// `oml sweep status`: the sweep's counts in all, per flow and per task, and its failures.
fn status(args: SweepStatusArgs, env: &Env) -> anyhow::Result<()> {
    let (_, jobs, _, _) = sweep_jobs(&args.spec, true, env)?;
    let store = env.existing_store(&args.store)?;
    let status = oml::sweep::sweep_status(&store, &jobs)?;
    if args.json {
        out!("{}", serde_json::to_string_pretty(&status)?)?;
        return Ok(());
    }
    let line = |name: &str, c: &oml::sweep::Counts| {
        let failed = if c.failed.is_empty() {
            "0".to_owned()
        } else {
            format!(
                "{} ({})",
                c.failed_total(),
                c.failed
                    .iter()
                    .map(|(reason, n)| format!("{reason} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        format!(
            "{name:<28} {:>6} {:>6} {:>8} {:>8}  {failed}",
            c.total, c.done, c.running, c.pending
        )
    };
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:<28} {:>6} {:>6} {:>8} {:>8}  failed",
        "", "jobs", "done", "running", "pending"
    )?;
    writeln!(out, "{}", line("all", &status.all))?;
    for (title, groups) in [("flow", &status.flows), ("task", &status.tasks)] {
        writeln!(out, "by {title}:")?;
        for (name, counts) in groups {
            writeln!(out, "{}", line(&format!("  {name}"), counts))?;
        }
    }
    for failure in &status.failures {
        writeln!(
            out,
            "failed ({}): {}: {}",
            failure.reason, failure.label, failure.message
        )?;
    }
    Ok(())
}

/// `oml sweep retry --failed`: the sweep's failed jobs (of every shard unless `--shard`), for
/// one reason if given, run again with the limits given; exit code 3 if any fails again.
fn retry(args: SweepRetryArgs, env: &Env) -> anyhow::Result<ExitCode> {
    let reason: Option<oml::run::FailureReason> = args
        .reason
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let (sweep, jobs, client, cache) = sweep_jobs(&args.spec, args.offline, env)?;
    let store = env.existing_store(&args.store)?;
    let jobs = match &args.shard {
        Some(text) => {
            let (shard, _) = Shard::resolve(Some(text), None, &|_| None)?;
            shard.select(&jobs).into_iter().cloned().collect()
        }
        None => jobs,
    };
    let failed = oml::sweep::failed_jobs(&store, &jobs, reason)?;
    if failed.is_empty() {
        out!(
            "no failed jobs{} to retry in {}",
            reason.map_or_else(String::new, |r| format!(" with reason {r}")),
            store.root().display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if !args.offline {
        oml::sweep::fetch_tasks(&failed, &client, &cache)?;
    }
    let options = job_options(&args.limits, &sweep, store, false, env)?;
    say!(
        "oml: retrying {} failed jobs, {}",
        failed.len(),
        describe_limits(&options)
    );
    run_and_report(&failed, &options, "retry")
}

/// `oml sweep`: exit code 3 when the shard ran to its end but some jobs failed.
fn run_shard(args: SweepArgs, env: &Env) -> anyhow::Result<ExitCode> {
    let (sweep, jobs, client, cache) = sweep_jobs(&args.spec, args.offline, env)?;
    let (shard, source) = Shard::resolve(
        args.shard.as_deref(),
        args.shard_count.map(|n| n as usize),
        &|name| env.var(name),
    )?;
    let mine = shard.select(&jobs);
    if args.list {
        let mut out = io::stdout().lock();
        for job in &mine {
            writeln!(out, "{} {}", job.key(), job.label())?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !args.offline {
        oml::sweep::fetch_tasks(&mine, &client, &cache)?;
    }
    oml::sweep::check_flows_learn_their_tasks(&mine)?;
    let options = job_options(
        &args.limits,
        &sweep,
        env.store(&args.store)?,
        args.resume,
        env,
    )?;
    say!(
        "oml: sweep shard {shard} ({source}): {} of {} jobs, {}",
        mine.len(),
        jobs.len(),
        describe_limits(&options)
    );
    run_and_report(&mine, &options, &format!("shard {shard}"))
}

/// Runs `jobs` with `options`, saying each outcome as it comes and a summary (titled `what`)
/// at the end; exit code 3 if any failed.
fn run_and_report(jobs: &[&Job], options: &SweepOptions, what: &str) -> anyhow::Result<ExitCode> {
    let mine = jobs;
    let total = mine.len();
    let started = std::time::Instant::now();
    let mut finished = 0;
    let outcome = oml::sweep::run_jobs(mine, options, &mut |_, job| {
        let what = match &job.status {
            JobStatus::Done { seconds } => format!("done in {seconds:.2} s"),
            JobStatus::Skipped => "in the store already".to_owned(),
            JobStatus::Failed { reason, message } => format!("FAILED ({reason}): {message}"),
            JobStatus::LeftFailed { reason } => {
                format!("failed before ({reason}); `oml sweep retry --failed` runs it again")
            }
        };
        // With several jobs at once they finish out of order: count them.
        finished += 1;
        let (done, elapsed) = (finished, started.elapsed());
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
        "{what}: {total} jobs: {} done, {} already stored, {} failed{}",
        outcome.done(),
        outcome.skipped(),
        failed.len(),
        match outcome.left_failed() {
            0 => String::new(),
            n => format!(", {n} left as they failed at a limit"),
        }
    )?;
    let Some(first) = failed.first() else {
        if outcome.left_failed() > 0 {
            // Still failed: the shard is not complete until `retry` runs them.
            say!(
                "oml: {} jobs failed before at a time or memory limit; `oml sweep retry \
                 --failed` with larger limits runs them",
                outcome.left_failed()
            );
            return Ok(ExitCode::from(3));
        }
        return Ok(ExitCode::SUCCESS);
    };
    // Exit status 3, not 2: the sweep ran to its end and recorded its failures, so an engine
    // need not retry it (examples/sweep/k8s-indexed-job.yaml).
    say!(
        "oml: {} jobs failed (recorded in {}); the first, {}: {}",
        failed.len(),
        options.store.root().join(oml::run::FAILURES_DIR).display(),
        first.label,
        match &first.status {
            JobStatus::Failed { message, .. } => message.as_str(),
            _ => "",
        }
    );
    Ok(ExitCode::from(3))
}

/// The jobs and measures of the sweep that `collect` and `report` are restricted to, if any.
fn sweep_filter(
    spec: &SweepSpecArgs,
    env: &Env,
) -> anyhow::Result<Option<(Vec<Job>, Vec<String>)>> {
    if !source(spec).given() {
        return Ok(None);
    }
    let (sweep, jobs, _, _) = sweep_jobs(spec, true, env)?;
    Ok(Some((jobs, sweep.measures)))
}

/// Refuses a measure name oml does not compute, listing the names it does.
pub fn check_measures<'a>(names: impl IntoIterator<Item = &'a String>) -> anyhow::Result<()> {
    for name in names {
        oml::eval::check_measure(name).map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

pub fn collect(args: CollectArgs, env: &Env) -> anyhow::Result<()> {
    check_measures(&args.measures)?;
    super::check_new_file(&args.out, args.force)?;
    let store = env.existing_store(&args.store)?;
    let filter = sweep_filter(&args.spec, env)?;
    let measures = match (&filter, args.measures.is_empty()) {
        (Some((_, measures)), true) => measures.clone(),
        _ => args.measures.clone(),
    };
    let n_jobs = filter.as_ref().map(|(jobs, _)| jobs.len());
    let options = oml::sweep::CollectOptions {
        measures,
        jobs: filter.map(|(jobs, _)| jobs),
        impute_failures: args.impute_failures,
        threads: env.threads(None),
    };
    oml::sweep::table_format(&args.out)?;
    let collected = oml::sweep::collect(&store, &options)?;
    for damaged in &collected.damaged {
        say!("oml: warning: {damaged}");
    }
    oml::sweep::write_collected(&collected, &args.out)?;
    out!(
        "{}: {} rows from {} runs and {} failed jobs{}",
        args.out.display(),
        collected.frame.height(),
        collected.runs,
        collected.failed,
        if args.impute_failures && collected.failed > 0 {
            " (scored as the constant predictor)"
        } else {
            ""
        }
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
        let failed = collected.failed;
        say!(
            "oml: {} of the sweep's {n_jobs} jobs have no run in {} ({failed} recorded as \
             failed in {})",
            collected.missing.len(),
            store.root().display(),
            oml::run::FAILURES_DIR
        );
    }
    Ok(())
}

pub fn report(args: ReportArgs, env: &Env) -> anyhow::Result<()> {
    check_measures(&args.measure)?;
    super::check_new_file(&args.out, args.force)?;
    let store = env.existing_store(&args.store)?;
    let filter = sweep_filter(&args.spec, env)?;
    let measure = args.measure.clone().or_else(|| {
        filter
            .as_ref()
            .and_then(|(_, measures)| measures.first().cloned())
    });
    let run_keys: Option<std::collections::BTreeSet<String>> = match &filter {
        Some((jobs, _)) => Some(oml::sweep::indexed_run_keys(&store, jobs)?),
        None => None,
    };
    let keep =
        |key: &str, _: &oml::run::Manifest| run_keys.as_ref().is_none_or(|keys| keys.contains(key));
    let failures = match &filter {
        Some((jobs, _)) => oml::sweep::failure_records(&store, jobs)?,
        None => store.failure_records()?,
    };
    let summary = oml::report::write_report(
        &store,
        measure.as_deref(),
        &keep,
        &mut |damaged| say!("oml: warning: {damaged}"),
        &failures,
        &args.out,
    )?;
    out!(
        "{}: {} runs of {} flows on {} tasks compared by {}, {} figures{}{}",
        summary.path.display(),
        summary.n_runs,
        summary.n_flows,
        summary.n_tasks,
        summary.measure,
        summary.n_figures,
        match summary.n_skipped {
            0 => String::new(),
            n => format!(" ({n} runs without the measure left out)"),
        },
        match failures.len() {
            0 => String::new(),
            n => format!("; {n} failed jobs left out (its Failures section)"),
        }
    )?;
    Ok(())
}
