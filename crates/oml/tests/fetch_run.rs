//! End to end through a real HTTP server on 127.0.0.1: `oml run --task 1` against an empty
//! cache fetches OpenML's task 1 (its `task.xml` and `datasplits.arff` from fixtures/openml, with a
//! stand-in for dataset 1) from the server and runs it, and its predictions are byte for byte
//! those of the same task read from a prepared cache.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use oml::task::{Cache, Server};
use oml_testkit::{read, stand_in, write_openml_task};

const TASK: i64 = 1;
const ROWS: usize = 898;
const LABELS: [&str; 6] = ["1", "2", "3", "4", "5", "U"];
const FILE_ID: i64 = 1001;

/// The prepared cache: the stand-in written as dataset 1 by `write_to_cache`, with OpenML's
/// own `task.xml` and `datasplits.arff` of task 1.
fn prepared_cache(root: &Path) -> Cache {
    let cache = Cache::new(root, Server::Www);
    write_openml_task(&cache, TASK, stand_in("stand-in-anneal", ROWS, &LABELS));
    std::fs::remove_dir_all(cache.task_dir(999_999)).unwrap();
    cache
}

/// `xml` with the text of the first `<oml:name>` replaced by `text`.
fn replace_element(xml: &str, name: &str, text: &str) -> String {
    let open = format!("<oml:{name}>");
    let start = xml.find(&open).unwrap() + open.len();
    let end = start + xml[start..].find("</").unwrap();
    format!("{}{text}{}", &xml[..start], &xml[end..])
}

/// A tiny_http server answering paths from memory (404 otherwise), recording every path.
struct TestServer {
    base: String,
    hits: Arc<Mutex<Vec<String>>>,
}

impl TestServer {
    fn start(routes: impl FnOnce(&str) -> HashMap<String, Vec<u8>>) -> Self {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let port = server.server_addr().to_ip().unwrap().port();
        let base = format!("http://127.0.0.1:{port}");
        let routes = routes(&base);
        let hits = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&hits);
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let path = request
                    .url()
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                seen.lock().unwrap().push(path.clone());
                let response = match routes.get(&path) {
                    Some(body) => tiny_http::Response::from_data(body.clone()),
                    None => {
                        tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404)
                    }
                };
                let _ = request.respond(response);
            }
        });
        TestServer { base, hits }
    }

    fn api(&self) -> String {
        format!("{}/api/v1/xml", self.base)
    }

    fn hits(&self) -> Vec<String> {
        self.hits.lock().unwrap().clone()
    }
}

/// Serves the prepared cache's task 1 as OpenML does: the task document with its split URL on
/// this server, the dataset's documents (the description with a `file_id`) and its ARFF by
/// file id.
fn serve(origin: &Cache) -> TestServer {
    TestServer::start(|base| {
        let mut routes = HashMap::new();
        let task_xml = String::from_utf8(read(&origin.task_dir(TASK).join("task.xml"))).unwrap();
        let splits_path = format!("/api_splits/get/{TASK}/Task_{TASK}_splits.arff");
        let task_xml = replace_element(
            &task_xml,
            "data_splits_url",
            &format!("{base}{splits_path}"),
        );
        routes.insert(format!("/api/v1/xml/task/{TASK}"), task_xml.into_bytes());
        routes.insert(
            splits_path,
            read(&origin.task_dir(TASK).join("datasplits.arff")),
        );
        let data_dir = origin.dataset_dir(TASK);
        let description = String::from_utf8(read(&data_dir.join("description.xml")))
            .unwrap()
            .replace(
                "</oml:url>",
                &format!("</oml:url>\n  <oml:file_id>{FILE_ID}</oml:file_id>"),
            );
        routes.insert(format!("/api/v1/xml/data/{TASK}"), description.into_bytes());
        routes.insert(
            format!("/api/v1/xml/data/features/{TASK}"),
            read(&data_dir.join("features.xml")),
        );
        routes.insert(
            format!("/api/v1/xml/data/qualities/{TASK}"),
            read(&data_dir.join("qualities.xml")),
        );
        routes.insert(
            format!("/data/download/{FILE_ID}/stand-in-anneal.arff"),
            read(&data_dir.join("dataset.arff")),
        );
        // A benchmark suite of that one task.
        routes.insert(
            "/api/v1/xml/study/tiny".to_owned(),
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
                 <oml:study xmlns:oml=\"http://openml.org/openml\">\n  <oml:id>7</oml:id>\n  \
                 <oml:alias>tiny</oml:alias>\n  <oml:main_entity_type>task</oml:main_entity_type>\n  \
                 <oml:name>A suite</oml:name>\n  <oml:tasks>\n    <oml:task_id>{TASK}</oml:task_id>\n  \
                 </oml:tasks>\n</oml:study>\n"
            )
            .into_bytes(),
        );
        routes
    })
}

fn oml(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oml"))
        .env("OML_STORE", home.join("store"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("OPENML_SERVER")
        .env_remove("OPENML_API_KEY")
        .env_remove("OPENML_CACHE_DIR")
        .args(args)
        .output()
        .expect("the oml binary runs")
}

fn success(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_task_fetched_and_run_through_the_server_predicts_as_the_prepared_cache() {
    let dir = tempfile::tempdir().unwrap();
    let origin = prepared_cache(&dir.path().join("origin"));
    let server = serve(&origin);
    let api = server.api();
    let fetched_cache = dir.path().join("fetched");
    let (fetched_out, prepared_out) = (
        dir.path().join("run-fetched"),
        dir.path().join("run-prepared"),
    );
    let common = [
        "run",
        "--task",
        "1",
        "--flow",
        "decision-tree",
        "--seed",
        "7",
        "--json",
    ];

    // Offline, the empty cache is an error naming the fetch command, and nothing is asked.
    let offline = oml(
        &[
            &common[..],
            &[
                "--server",
                &api,
                "--cache-dir",
                fetched_cache.to_str().unwrap(),
                "--offline",
            ],
        ]
        .concat(),
        dir.path(),
    );
    assert!(!offline.status.success());
    let stderr = String::from_utf8_lossy(&offline.stderr);
    assert!(stderr.contains("oml fetch task 1"), "{stderr}");
    assert!(server.hits().is_empty());

    let fetched = success(&oml(
        &[
            &common[..],
            &[
                "--server",
                &api,
                "--cache-dir",
                fetched_cache.to_str().unwrap(),
                "--out",
                fetched_out.to_str().unwrap(),
            ],
        ]
        .concat(),
        dir.path(),
    ));
    let hits = server.hits();
    for path in [
        "/api/v1/xml/task/1",
        "/api/v1/xml/data/1",
        "/api/v1/xml/data/features/1",
        "/api/v1/xml/data/qualities/1",
        "/api_splits/get/1/Task_1_splits.arff",
    ] {
        assert!(hits.iter().any(|h| h == path), "{path} not in {hits:?}");
    }

    let prepared = success(&oml(
        &[
            &common[..],
            &[
                "--cache-dir",
                origin.root().to_str().unwrap(),
                "--offline",
                "--out",
                prepared_out.to_str().unwrap(),
            ],
        ]
        .concat(),
        dir.path(),
    ));
    let predictions = |run: &Path| read(&run.join("predictions.arff"));
    assert_eq!(predictions(&fetched_out), predictions(&prepared_out));
    assert!(predictions(&fetched_out).len() > 898 * 10);
    assert_eq!(fetched["n_units"], 10);
    assert_eq!(
        without_timings(&fetched["measures"]),
        without_timings(&prepared["measures"])
    );
    assert!(without_timings(&fetched["measures"])["predictive_accuracy"].is_object());

    // Everything is cached now: running again asks the server nothing, online or offline.
    let before = server.hits().len();
    for extra in [&[][..], &["--offline"][..]] {
        let again = dir.path().join(format!("again-{}", extra.len()));
        success(&oml(
            &[
                &common[..],
                &[
                    "--server",
                    &api,
                    "--cache-dir",
                    fetched_cache.to_str().unwrap(),
                    "--out",
                    again.to_str().unwrap(),
                ],
                extra,
            ]
            .concat(),
            dir.path(),
        ));
        assert_eq!(predictions(&again), predictions(&prepared_out));
    }
    assert_eq!(server.hits().len(), before);

    // `oml verify` on an empty cache: offline it names the fetch; online it fetches the task
    // from the run's server, as `oml run` does, and verifies.
    let empty = dir.path().join("empty-cache");
    let verify = |extra: &[&str]| {
        oml(
            &[
                &[
                    "verify",
                    fetched_out.to_str().unwrap(),
                    "--cache-dir",
                    empty.to_str().unwrap(),
                ][..],
                extra,
            ]
            .concat(),
            dir.path(),
        )
    };
    let offline = verify(&["--offline"]);
    assert_eq!(offline.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&offline.stderr).contains("oml fetch task 1"));
    assert_eq!(server.hits().len(), before, "offline asks nothing");
    let online = verify(&[]);
    assert!(
        online.status.success(),
        "{}",
        String::from_utf8_lossy(&online.stderr)
    );
    assert!(String::from_utf8_lossy(&online.stdout).starts_with("verified"));
    assert!(server.hits().len() > before);
}

/// The measures of `oml run --json` without the timings (which differ from run to run).
fn without_timings(measures: &serde_json::Value) -> serde_json::Value {
    let mut measures = measures.clone();
    if let Some(map) = measures.as_object_mut() {
        map.retain(|name, _| !oml::run::is_timing(name));
    }
    measures
}

#[test]
fn a_sweep_of_a_suite_fetches_its_tasks_once_and_its_jobs_read_them_offline() {
    let dir = tempfile::tempdir().unwrap();
    let origin = prepared_cache(&dir.path().join("origin"));
    let server = serve(&origin);
    let api = server.api();
    let cache = dir.path().join("fetched");
    let sweep = |extra: &[&str]| {
        let args = [
            &[
                "sweep",
                "--task",
                "suite:tiny",
                "--flow",
                "gaussian-nb",
                "--flow",
                "decision-tree",
                "--server",
                &api,
                "--cache-dir",
                cache.to_str().unwrap(),
            ][..],
            extra,
        ]
        .concat();
        oml(&args, dir.path())
    };
    let output = sweep(&[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("2 jobs: 2 done"), "{stdout}");
    let hits = server.hits();
    assert!(
        hits.contains(&"/api/v1/xml/study/tiny".to_owned()),
        "{hits:?}"
    );
    assert_eq!(
        hits.iter().filter(|h| *h == "/api/v1/xml/task/1").count(),
        1,
        "the task is fetched once, by the sweep, not by its jobs: {hits:?}"
    );
    // Offline, the suite and its task come from the cache; both jobs were done.
    let offline = sweep(&["--offline", "--resume"]);
    let stdout = String::from_utf8_lossy(&offline.stdout);
    assert!(stdout.contains("0 done, 2 already stored"), "{stdout}");
    assert_eq!(server.hits().len(), hits.len(), "offline asks nothing");
}

/// `oml fetch dataset ID` keeps a broken cache file; `--force` downloads it again and replaces
/// it; `--force` with `--offline` is refused by the command line.
#[test]
fn fetch_force_replaces_a_broken_cache_file() {
    let dir = tempfile::tempdir().unwrap();
    let origin = prepared_cache(&dir.path().join("origin"));
    let server = serve(&origin);
    let api = server.api();
    let cache_dir = dir.path().join("fetched");
    let cache_arg = cache_dir.to_str().unwrap();
    let fetch = |extra: &[&str]| {
        let args = [
            "fetch",
            "dataset",
            "1",
            "--server",
            &api,
            "--cache-dir",
            cache_arg,
        ];
        oml(&[&args[..], extra].concat(), dir.path())
    };
    let ok = |output: Output| {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    ok(fetch(&[]));
    let cache = Cache::new(&cache_dir, Server::Url(api.clone()));
    let data = cache.dataset_dir(1).join("dataset.arff");
    let good = read(&data);
    let broken = b"<!DOCTYPE html><html><body>maintenance</body></html>";
    std::fs::write(&data, broken).unwrap();
    ok(fetch(&[]));
    assert_eq!(read(&data), broken);
    ok(fetch(&["--force"]));
    assert_eq!(read(&data), good);
    let refused = fetch(&["--force", "--offline"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}
