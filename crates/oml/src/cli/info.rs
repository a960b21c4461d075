//! `oml data`, `oml task` and `oml flows`: datasets, tasks and flows inspected and written.

use std::io::Write;

use anyhow::Context;
use oml::data::DatasetLoader;
use oml::task::{Cache, Server};

use super::args::{FlowsArgs, GenerateArgs, InspectArgs, ShowArgs, WriteArgs};
use super::env::{Env, open_task, warn};
use crate::output::print;

pub fn flows(args: FlowsArgs) -> anyhow::Result<()> {
    if let Some(dir) = &args.xml_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = |builtin: &oml::flow::BuiltinFlow| dir.join(format!("{}.xml", builtin.name));
        for builtin in oml::flow::BUILTIN_FLOWS {
            super::check_new_file(&path(builtin), args.force)?;
        }
        for builtin in oml::flow::BUILTIN_FLOWS {
            let xml = oml::flow::flow_xml(&builtin.make())?;
            let path = path(builtin);
            oml::data::write_atomically(&path, |out| out.write_all(xml.as_bytes()))
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    print(&oml::flow::FlowCatalog::builtin(), args.json)
}

pub fn show(args: ShowArgs, env: &Env) -> anyhow::Result<()> {
    if let Some(path) = &args.splits_json {
        super::check_new_file(path, args.force)?;
    }
    let task = open_task(&env.task_spec(
        &args.task.task,
        &args.task.local,
        args.task.seed,
        args.cache_dir.as_deref(),
    )?)?;
    warn(&task);
    if let Some(path) = &args.splits_json {
        let json = serde_json::to_vec(&task.indices())?;
        oml::data::write_atomically(path, |file| file.write_all(&json))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    print(&task.summary(), args.json)
}

pub fn write(args: WriteArgs, env: &Env) -> anyhow::Result<()> {
    let task = open_task(&env.task_spec(
        &args.task.task,
        &args.task.local,
        args.task.seed,
        Some(&args.cache_dir),
    )?)?;
    warn(&task);
    let cache = Cache::new(
        &args.cache_dir,
        env.server_name(args.task.local.server.as_deref())?
            .parse::<Server>()?,
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

pub fn inspect(args: InspectArgs) -> anyhow::Result<()> {
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

pub fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    // Only ARFF is written: any other name would hold a file of another format than it says.
    if oml::data::Format::of(&args.out).ok() != Some(oml::data::Format::Arff) {
        anyhow::bail!(
            "{}: oml data generate writes ARFF; name the file .arff or .arff.gz",
            args.out.display()
        );
    }
    super::check_new_file(&args.out, args.force)?;
    let arff = oml::data::SyntheticBuilder::new()
        .rows(args.rows)
        .numeric(args.numeric)
        .nominal(args.nominal)
        .max_levels(args.levels)
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
