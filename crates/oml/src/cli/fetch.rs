//! `oml fetch` and `oml publish`: OpenML's server, into the cache and back.

use std::io::{self, Write};

use anyhow::Context;

use super::args::{FetchCommand, FetchSuiteArgs, PublishArgs};
use super::env::Env;

pub fn fetch(command: FetchCommand, env: &Env) -> anyhow::Result<()> {
    let (kind, args) = match command {
        FetchCommand::Task(args) => ("task", args),
        FetchCommand::Dataset(args) => ("dataset", args),
        FetchCommand::Suite(args) => return fetch_suite(args, env),
    };
    let (client, cache) = env.client(
        args.source.server.clone(),
        args.source.cache_dir.as_deref(),
        args.source.offline,
    )?;
    let mut out = io::stdout().lock();
    for &id in &args.ids {
        let fetched = match (kind, args.force) {
            ("task", false) => client.fetch_task(&cache, id),
            ("task", true) => client.refetch_task(&cache, id),
            (_, false) => client.fetch_dataset(&cache, id),
            (_, true) => client.refetch_dataset(&cache, id),
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

fn fetch_suite(args: FetchSuiteArgs, env: &Env) -> anyhow::Result<()> {
    let (client, cache) = env.client(
        args.source.server.clone(),
        args.source.cache_dir.as_deref(),
        args.source.offline,
    )?;
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

pub fn publish(args: PublishArgs, env: &Env) -> anyhow::Result<()> {
    let flags = oml::api::Flags {
        server: args.server.clone(),
        api_key: args.api_key.and_then(oml::api::ApiKey::new),
    };
    let settings = env.settings(&flags)?;
    let client = oml::api::ClientBuilder::from_settings(settings).build()?;
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
