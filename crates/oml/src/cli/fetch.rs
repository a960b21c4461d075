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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;

    use clap::Parser;
    use oml::task::{Cache, Server};

    use super::super::args::{Cli, Command};
    use super::super::env::Env;

    const ARFF: &[u8] = b"@relation tiny\n@attribute x numeric\n@attribute class {a,b}\n@data\n\
        1,a\n2,b\n3,a\n4,b\n";

    /// A server on 127.0.0.1 serving dataset 5 (an empty MD5, as some of OpenML's have).
    fn serve() -> String {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let base = format!(
            "http://127.0.0.1:{}",
            server.server_addr().to_ip().unwrap().port()
        );
        let xml = |body: &str| {
            format!("<oml:{body} xmlns:oml=\"http://openml.org/openml\"></oml:{body}>").into_bytes()
        };
        let routes: HashMap<&str, Vec<u8>> = HashMap::from([
            (
                "/api/v1/xml/data/5",
                b"<oml:data_set_description xmlns:oml=\"http://openml.org/openml\">\
                  <oml:id>5</oml:id><oml:name>tiny</oml:name><oml:file_id>5</oml:file_id>\
                  <oml:md5_checksum></oml:md5_checksum>\
                  <oml:default_target_attribute>class</oml:default_target_attribute>\
                  </oml:data_set_description>"
                    .to_vec(),
            ),
            ("/api/v1/xml/data/features/5", xml("data_features")),
            ("/api/v1/xml/data/qualities/5", xml("data_qualities")),
            ("/data/download/5/tiny.arff", ARFF.to_vec()),
        ]);
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let path = request.url().split('?').next().unwrap_or_default();
                let response = match routes.get(path) {
                    Some(body) => tiny_http::Response::from_data(body.clone()),
                    None => tiny_http::Response::from_data(Vec::new()).with_status_code(404),
                };
                let _ = request.respond(response);
            }
        });
        format!("{base}/api/v1/xml")
    }

    fn fetch_dataset(api: &str, cache: &Path, extra: &[&str]) -> anyhow::Result<()> {
        let cache = cache.to_str().unwrap();
        let args = [
            "oml",
            "fetch",
            "dataset",
            "5",
            "--server",
            api,
            "--cache-dir",
            cache,
        ];
        let cli = Cli::try_parse_from(args.iter().chain(extra))?;
        let Command::Fetch(command) = cli.command else {
            panic!("not a fetch")
        };
        super::fetch(command, &Env::read())
    }

    #[test]
    fn force_fetches_again_and_replaces_a_broken_cache_file() {
        let api = serve();
        let dir = tempfile::tempdir().unwrap();
        fetch_dataset(&api, dir.path(), &[]).unwrap();
        let cache = Cache::new(dir.path(), Server::Url(api.clone()));
        let data = cache.dataset_dir(5).join("dataset.arff");
        assert_eq!(std::fs::read(&data).unwrap(), ARFF);
        // A broken file stays without --force, and is replaced with it.
        let broken = b"<!DOCTYPE html><html><body>maintenance</body></html>";
        std::fs::write(&data, broken).unwrap();
        fetch_dataset(&api, dir.path(), &[]).unwrap();
        assert_eq!(std::fs::read(&data).unwrap(), broken);
        fetch_dataset(&api, dir.path(), &["--force"]).unwrap();
        assert_eq!(std::fs::read(&data).unwrap(), ARFF);
        // --force needs the network.
        let error = fetch_dataset(&api, dir.path(), &["--force", "--offline"]).unwrap_err();
        assert!(error.to_string().contains("--offline"), "{error}");
    }
}
