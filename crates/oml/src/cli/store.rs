//! `oml runs list` and `oml evaluations`: what the run store (or a server) holds.

use std::io;

use anyhow::{Context, bail};

use super::args::{EvaluationsArgs, RunsListArgs};
use super::env::Env;
use super::sweep::check_measures;
use crate::output::print;

pub fn runs_list(args: RunsListArgs, env: &Env) -> anyhow::Result<()> {
    let store = env.existing_store(&args.store)?;
    let listed = store.runs()?;
    for damaged in &listed.damaged {
        say!("oml: warning: {damaged}");
    }
    let list = oml::run::RunList::of(&store, &listed.runs);
    print(&list, args.json)
}

pub fn evaluations(args: EvaluationsArgs, env: &Env) -> anyhow::Result<()> {
    if let Some(path) = &args.out {
        super::check_new_file(path, args.force)?;
    }
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
        let filters = oml::api::ServerEvaluationFilters {
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
        let (client, cache) = env.client(
            Some(server.clone()),
            args.cache_dir.as_deref(),
            args.offline,
        )?;
        client
            .list_evaluations(&cache, &filters)
            .context("cannot list the server's evaluations")?
    } else {
        check_measures([&args.function])?;
        let store = env.existing_store(&args.store)?;
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
