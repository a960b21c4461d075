//! Fetching through the test servers: OpenML's tasks 1 and 3 (`task.xml` and
//! `datasplits.arff` from fixtures/openml, served as they are but for the split URL), with a stand-in
//! dataset of the right size and classes (the fixtures lack datasets 1 and 3), dexter's ARFF
//! (dataset -1) and abalone's Parquet (dataset 30), with faults injected.

use std::path::Path;
use std::time::Duration;

use md5::{Digest, Md5};
use oml_api::{ApiKey, Client, ClientBuilder, Error};
use oml_task::{Cache, Server, Task};
use oml_testkit::{cache_with_openml_task, openml_fixture, read};

use crate::server::{Raw, RawServer, Reply, TestServer, openml_error};

pub(crate) const KEY: &str = "test-key-5ec7e7";

/// The file id the test server gives dataset `id`.
pub(crate) fn file_id(dataset_id: i64) -> i64 {
    1000 + dataset_id
}

/// Serves task `task` of `origin` (on dataset `task`) the way OpenML does: the task document
/// with its split URL on this server, the dataset's documents (the description with a
/// The path of task `task`'s split file on the test server, as [`serve_task`] serves it.
pub(crate) fn splits_path(task: i64) -> String {
    format!("/api_splits/get/{task}/Task_{task}_splits.arff")
}

/// `file_id`) and its ARFF file under `data/download`.
pub(crate) fn serve_task(server: &TestServer, origin: &Cache, task: i64) {
    let task_xml = String::from_utf8(read(&origin.task_dir(task).join("task.xml"))).unwrap();
    let splits_path = splits_path(task);
    let task_xml = replace_element(
        &task_xml,
        "data_splits_url",
        &format!("{}{splits_path}", server.base),
    );
    server.route(
        &format!("/api/v1/xml/task/{task}"),
        Reply::Ok(task_xml.into_bytes()),
    );
    server.route(
        &splits_path,
        Reply::Ok(read(&origin.task_dir(task).join("datasplits.arff"))),
    );
    let data_dir = origin.dataset_dir(task);
    let description = String::from_utf8(read(&data_dir.join("description.xml"))).unwrap();
    let description = description.replace(
        "</oml:url>",
        &format!("</oml:url>\n  <oml:file_id>{}</oml:file_id>", file_id(task)),
    );
    server.route(
        &format!("/api/v1/xml/data/{task}"),
        Reply::Ok(description.into_bytes()),
    );
    for (path, file) in [("features", "features.xml"), ("qualities", "qualities.xml")] {
        server.route(
            &format!("/api/v1/xml/data/{path}/{task}"),
            Reply::Ok(read(&data_dir.join(file))),
        );
    }
    server.route(
        &format!("/data/download/{}/", file_id(task)),
        Reply::Ok(read(&data_dir.join("dataset.arff"))),
    );
}

/// `xml` with the text of the first `<oml:name>` replaced by `text`.
fn replace_element(xml: &str, name: &str, text: &str) -> String {
    let open = format!("<oml:{name}>");
    let start = xml.find(&open).unwrap() + open.len();
    let end = start + xml[start..].find("</").unwrap();
    format!("{}{text}{}", &xml[..start], &xml[end..])
}

/// A client of `server` that retries quickly.
pub(crate) fn client(server: &TestServer) -> Client {
    builder(server).build().unwrap()
}

pub(crate) fn builder(server: &TestServer) -> ClientBuilder {
    let mut builder = ClientBuilder::new();
    builder
        .server(Server::Url(server.api()))
        .api_key(ApiKey::new(KEY))
        .timeout(Duration::from_millis(1500))
        .max_tries(3)
        .base_delay(Duration::from_millis(10));
    builder
}

/// An empty cache for `server`.
pub(crate) fn empty_cache(server: &TestServer) -> (tempfile::TempDir, Cache) {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path(), Server::Url(server.api()));
    (dir, cache)
}

/// Every file under `dir`, relative to it, sorted.
pub(crate) fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

pub(crate) const ANNEAL_LABELS: [&str; 6] = ["1", "2", "3", "4", "5", "U"];
const KR_VS_KP_LABELS: [&str; 2] = ["won", "nowin"];

/// What a task is, for comparing two reads of it: its description (without the split URL,
/// which names the server), splits, class labels and dataset as ARFF bytes.
fn essence(task: &Task) -> impl PartialEq + std::fmt::Debug {
    let mut description = task.description().clone();
    description.procedure.data_splits_url = None;
    let arff = task.dataset().to_arff().unwrap().to_bytes().unwrap();
    (
        description,
        task.splits().units().to_vec(),
        task.class_labels().map(<[String]>::to_vec),
        arff,
    )
}

#[test]
fn fetched_tasks_equal_the_fixture_tasks() {
    for (task, n, labels) in [
        (1, 898, &ANNEAL_LABELS[..]),
        (3, 3196, &KR_VS_KP_LABELS[..]),
    ] {
        let (_origin_dir, origin) = cache_with_openml_task(task, n, labels);
        let server = TestServer::start();
        serve_task(&server, &origin, task);
        let (_dir, cache) = empty_cache(&server);
        let client = client(&server);

        let fetched = client.fetch_task(&cache, task).unwrap();
        assert_eq!(fetched.downloaded.len(), 6, "{fetched:?}");
        assert!(fetched.present.is_empty());
        let expected = Task::from_cache(&origin, task).unwrap();
        let actual = Task::from_cache(&cache, task).unwrap();
        assert_eq!(essence(&actual), essence(&expected));
        assert_eq!(
            read(&cache.task_dir(task).join("datasplits.arff")),
            read(&origin.task_dir(task).join("datasplits.arff"))
        );

        // The key goes to the API, not elsewhere.
        for hit in server.hits() {
            assert_eq!(
                hit.starts_with("/api/v1/xml/"),
                hit.contains(&format!("api_key={KEY}")),
                "{hit}"
            );
        }
        // The key is in no cache file.
        for file in files(cache.root()) {
            let bytes = read(&cache.root().join(&file));
            assert!(
                !bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
                "{file}"
            );
        }
        // A second fetch finds everything and asks nothing.
        let before = server.hits().len();
        let again = client.fetch_task(&cache, task).unwrap();
        assert!(again.downloaded.is_empty());
        assert_eq!(again.present.len(), 6);
        assert_eq!(server.hits().len(), before);
        // Nor does an offline client.
        let offline = builder(&server).offline(true).build().unwrap();
        assert_eq!(offline.fetch_task(&cache, task).unwrap().present.len(), 6);
        assert_eq!(server.hits().len(), before);
    }
}

#[test]
fn a_partly_cached_task_fetches_only_what_is_missing() {
    let (_origin_dir, origin) = cache_with_openml_task(1, 898, &ANNEAL_LABELS);
    let server = TestServer::start();
    serve_task(&server, &origin, 1);
    let (_dir, cache) = empty_cache(&server);
    client(&server).fetch_task(&cache, 1).unwrap();
    std::fs::remove_file(cache.task_dir(1).join("datasplits.arff")).unwrap();
    let before = server.hits().len();
    let fetched = client(&server).fetch_task(&cache, 1).unwrap();
    assert_eq!(
        fetched.downloaded,
        [cache.task_dir(1).join("datasplits.arff")]
    );
    assert_eq!(server.hits().len(), before + 1);
    Task::from_cache(&cache, 1).unwrap();
}

#[test]
fn offline_names_the_missing_file_and_the_command() {
    let server = TestServer::start();
    let (_dir, cache) = empty_cache(&server);
    let offline = builder(&server).offline(true).build().unwrap();
    let err = offline.fetch_task(&cache, 1).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("task.xml"), "{message}");
    assert!(message.contains("oml fetch task 1"), "{message}");
    let err = offline.fetch_dataset(&cache, 30).unwrap_err();
    assert!(err.to_string().contains("description.xml"), "{err}");
    assert!(err.to_string().contains("oml fetch dataset 30"), "{err}");
    assert!(server.hits().is_empty(), "offline means no network");
}

#[test]
fn server_errors_are_retried() {
    let (_origin_dir, origin) = cache_with_openml_task(3, 3196, &KR_VS_KP_LABELS);
    let server = TestServer::start();
    serve_task(&server, &origin, 3);
    server.fault("/api/v1/xml/task/3", Reply::Status(500, b"oops".to_vec()));
    server.fault("/api/v1/xml/task/3", Reply::Status(503, Vec::new()));
    server.fault(
        "/api/v1/xml/data/3",
        Reply::Status(412, openml_error(107, "Database connection error")),
    );
    let (_dir, cache) = empty_cache(&server);
    client(&server).fetch_task(&cache, 3).unwrap();
    assert_eq!(server.hits_of("/api/v1/xml/task/3"), 3);
    assert_eq!(server.hits_of("/api/v1/xml/data/3"), 2);
    Task::from_cache(&cache, 3).unwrap();
}

#[test]
fn slow_answers_time_out_and_are_retried() {
    let (_origin_dir, origin) = cache_with_openml_task(1, 898, &ANNEAL_LABELS);
    let server = TestServer::start();
    serve_task(&server, &origin, 1);
    server.fault(
        "/api/v1/xml/task/1",
        Reply::Slow(Duration::from_secs(3), Vec::new()),
    );
    let (_dir, cache) = empty_cache(&server);
    let mut builder = builder(&server);
    builder.timeout(Duration::from_millis(300));
    builder.build().unwrap().fetch_task(&cache, 1).unwrap();
    assert_eq!(server.hits_of("/api/v1/xml/task/1"), 2);
}

#[test]
fn always_slow_gives_up_after_max_tries_and_writes_nothing() {
    let server = TestServer::start();
    server.route(
        "/api/v1/xml/task/1",
        Reply::Slow(Duration::from_secs(3), b"<oml:task/>".to_vec()),
    );
    let (dir, cache) = empty_cache(&server);
    let mut builder = builder(&server);
    builder.timeout(Duration::from_millis(200));
    let err = builder.build().unwrap().fetch_task(&cache, 1).unwrap_err();
    assert!(matches!(err, Error::GaveUp { tries: 3, .. }), "{err:?}");
    assert!(
        format!("{err}").contains("giving up after 3 tries"),
        "{err}"
    );
    assert_eq!(server.hits_of("/api/v1/xml/task/1"), 3);
    assert!(files(dir.path()).is_empty(), "{:?}", files(dir.path()));
}

#[test]
fn client_errors_are_not_retried_and_carry_openml_code_and_message() {
    let server = TestServer::start();
    server.route(
        "/api/v1/xml/task/1",
        Reply::Status(412, openml_error(151, "Unknown task")),
    );
    let (dir, cache) = empty_cache(&server);
    let err = client(&server).fetch_task(&cache, 1).unwrap_err();
    assert_eq!(err.server_code(), Some(151));
    let message = err.to_string();
    assert!(
        message.contains("OpenML error 151: Unknown task"),
        "{message}"
    );
    assert!(message.contains("HTTP 412"), "{message}");
    assert_eq!(server.hits_of("/api/v1/xml/task/1"), 1);
    assert!(files(dir.path()).is_empty());
    // The key was sent, but no error shows it.
    assert!(server.hits()[0].contains(KEY));
    assert!(!message.contains(KEY));
    assert!(!format!("{err:?}").contains(KEY));
    // A plain 404 is not retried either.
    server.route(
        "/api/v1/xml/task/2",
        Reply::Status(404, b"Not Found".to_vec()),
    );
    let err = client(&server).fetch_task(&cache, 2).unwrap_err();
    assert!(matches!(err, Error::Server { .. }), "{err:?}");
    assert_eq!(server.hits_of("/api/v1/xml/task/2"), 1);
}

#[test]
fn malformed_xml_is_an_error_and_not_cached() {
    let server = TestServer::start();
    server.route(
        "/api/v1/xml/task/1",
        Reply::Ok(
            b"<oml:task xmlns:oml=\"http://openml.org/openml\"><oml:task_id>1</oml:ta".to_vec(),
        ),
    );
    server.route(
        "/api/v1/xml/data/30",
        Reply::Ok(b"<html><body>maintenance</body></html>".to_vec()),
    );
    let (dir, cache) = empty_cache(&server);
    let err = client(&server).fetch_task(&cache, 1).unwrap_err();
    assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
    let err = client(&server).fetch_dataset(&cache, 30).unwrap_err();
    assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
    assert!(files(dir.path()).is_empty(), "{:?}", files(dir.path()));
}

/// Serves dexter (dataset -1) with the description's MD5 set to `md5` and the ARFF by file id.
pub(crate) fn serve_dexter(server: &TestServer, md5: &str) {
    let description =
        String::from_utf8(read(&openml_fixture("datasets/-1/description.xml"))).unwrap();
    let description = replace_element(&description, "md5_checksum", md5).replace(
        "</oml:url>",
        &format!("</oml:url>\n    <oml:file_id>{}</oml:file_id>", file_id(-1)),
    );
    server.route("/api/v1/xml/data/-1", Reply::Ok(description.into_bytes()));
    server.route("/api/v1/xml/data/features/-1", Reply::Ok(FEATURES.to_vec()));
    server.route(
        "/api/v1/xml/data/qualities/-1",
        Reply::Ok(read(&openml_fixture("datasets/-1/qualities.xml"))),
    );
    server.route(
        &format!("/data/download/{}/dexter.arff", file_id(-1)),
        Reply::Ok(read(&openml_fixture("datasets/-1/dataset.arff"))),
    );
}

const FEATURES: &[u8] =
    b"<oml:data_features xmlns:oml=\"http://openml.org/openml\">\n</oml:data_features>\n";

#[test]
fn arff_by_file_id_is_md5_checked() {
    let arff = read(&openml_fixture("datasets/-1/dataset.arff"));
    let md5: String = Md5::digest(&arff)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let server = TestServer::start();
    serve_dexter(&server, &md5);
    let (_dir, cache) = empty_cache(&server);
    let fetched = client(&server).fetch_dataset(&cache, -1).unwrap();
    assert_eq!(fetched.downloaded.len(), 4, "{fetched:?}");
    assert_eq!(read(&cache.data_file(-1).unwrap()), arff);
}

#[test]
fn md5_mismatch_leaves_no_data_file() {
    let server = TestServer::start();
    serve_dexter(&server, "0123456789abcdef0123456789abcdef");
    let (_dir, cache) = empty_cache(&server);
    let err = client(&server).fetch_dataset(&cache, -1).unwrap_err();
    assert!(matches!(err, Error::Checksum { .. }), "{err:?}");
    assert!(err.to_string().contains("MD5"), "{err}");
    assert!(cache.data_file(-1).is_err(), "no data file as if complete");
    let left = files(&cache.dataset_dir(-1));
    assert_eq!(left, ["description.xml", "features.xml", "qualities.xml"]);
    // Offline, the missing data file is named with the command that fetches it.
    let offline = builder(&server).offline(true).build().unwrap();
    let err = offline.fetch_dataset(&cache, -1).unwrap_err().to_string();
    assert!(err.contains("dataset.arff"), "{err}");
    assert!(err.contains("oml fetch dataset -1"), "{err}");
}

/// Serves abalone (dataset 30) as OpenML does today: a description with a `parquet_url`
/// (here on `data`), no qualities (error 362).
fn serve_abalone(server: &TestServer, data: &RawServer) {
    let description = format!(
        "<oml:data_set_description xmlns:oml=\"http://openml.org/openml\">\n  <oml:id>30</oml:id>\n  \
         <oml:name>abalone</oml:name>\n  <oml:version>1</oml:version>\n  <oml:format>ARFF</oml:format>\n  \
         <oml:parquet_url>{}/datasets/0000/0030/dataset_30.pq</oml:parquet_url>\n  \
         <oml:file_id>30</oml:file_id>\n  <oml:default_target_attribute>Class_number_of_rings</oml:default_target_attribute>\n\
         </oml:data_set_description>\n",
        data.base
    );
    server.route("/api/v1/xml/data/30", Reply::Ok(description.into_bytes()));
    server.route("/api/v1/xml/data/features/30", Reply::Ok(FEATURES.to_vec()));
    server.route(
        "/api/v1/xml/data/qualities/30",
        Reply::Status(412, openml_error(362, "No qualities found")),
    );
}

#[test]
fn dropped_connections_are_retried() {
    let parquet = read(&openml_fixture("datasets/30/dataset_30.pq"));
    let data = RawServer::start(vec![Raw::Drop, Raw::Full(parquet.clone())]);
    let server = TestServer::start();
    serve_abalone(&server, &data);
    let (_dir, cache) = empty_cache(&server);
    let fetched = client(&server).fetch_dataset(&cache, 30).unwrap();
    assert_eq!(data.connections(), 2);
    assert_eq!(fetched.downloaded.len(), 3, "no qualities: {fetched:?}");
    let path = cache.data_file(30).unwrap();
    assert!(path.ends_with("dataset_30.pq"));
    assert_eq!(read(&path), parquet);
    oml_data::read_parquet(&path).unwrap();
}

#[test]
fn truncated_bodies_are_retried() {
    let parquet = read(&openml_fixture("datasets/30/dataset_30.pq"));
    let data = RawServer::start(vec![
        Raw::Truncated(parquet.clone()),
        Raw::Full(parquet.clone()),
    ]);
    let server = TestServer::start();
    serve_abalone(&server, &data);
    let (_dir, cache) = empty_cache(&server);
    client(&server).fetch_dataset(&cache, 30).unwrap();
    assert_eq!(data.connections(), 2);
    assert_eq!(read(&cache.data_file(30).unwrap()), parquet);
}

#[test]
fn always_truncated_leaves_no_data_file() {
    let parquet = read(&openml_fixture("datasets/30/dataset_30.pq"));
    let data = RawServer::start(vec![Raw::Truncated(parquet)]);
    let server = TestServer::start();
    serve_abalone(&server, &data);
    let (_dir, cache) = empty_cache(&server);
    let err = client(&server).fetch_dataset(&cache, 30).unwrap_err();
    assert!(matches!(err, Error::GaveUp { tries: 3, .. }), "{err:?}");
    assert_eq!(data.connections(), 3);
    assert!(cache.data_file(30).is_err());
    assert_eq!(
        files(&cache.dataset_dir(30)),
        ["description.xml", "features.xml"]
    );
}

#[test]
fn a_cache_of_another_server_is_refused() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path(), Server::Www);
    let err = client(&server).fetch_task(&cache, 1).unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(server.hits().is_empty());
}

/// An `oml:study` document of main entity type `kind` with `tasks`.
fn study(id: i64, alias: &str, kind: &str, tasks: &[i64]) -> Vec<u8> {
    let task_ids: String = tasks
        .iter()
        .map(|t| format!("    <oml:task_id>{t}</oml:task_id>\n"))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<oml:study xmlns:oml=\"http://openml.org/openml\">\n  \
         <oml:id>{id}</oml:id>\n  <oml:alias>{alias}</oml:alias>\n  \
         <oml:main_entity_type>{kind}</oml:main_entity_type>\n  <oml:name>A suite</oml:name>\n  \
         <oml:data>\n    <oml:data_id>1</oml:data_id>\n  </oml:data>\n  <oml:tasks>\n{task_ids}  </oml:tasks>\n\
         </oml:study>\n"
    )
    .into_bytes()
}

/// How many requests went to `/api/v1/xml/task/...`.
fn task_hits(server: &TestServer) -> usize {
    server
        .hits()
        .iter()
        .filter(|h| h.starts_with("/api/v1/xml/task/"))
        .count()
}

/// Fixture tasks 1 and 3 in prepared caches, and a test server serving both.
fn serving_tasks_1_and_3() -> ([(tempfile::TempDir, Cache); 2], TestServer) {
    let origins = [
        cache_with_openml_task(1, 898, &ANNEAL_LABELS),
        cache_with_openml_task(3, 3196, &KR_VS_KP_LABELS),
    ];
    let server = TestServer::start();
    serve_task(&server, &origins[0].1, 1);
    serve_task(&server, &origins[1].1, 3);
    (origins, server)
}

#[test]
fn a_suite_fetches_all_its_tasks_once_and_reads_back_offline() {
    let (origins, server) = serving_tasks_1_and_3();
    let [(_, origin1), (_, origin3)] = &origins;
    server.route(
        "/api/v1/xml/study/Tiny-Suite",
        Reply::Ok(study(77, "Tiny-Suite", "task", &[1, 3])),
    );
    let (_dir, cache) = empty_cache(&server);
    let client = client(&server);

    let mut seen = Vec::new();
    let suite = client
        .fetch_suite_with(&cache, "Tiny-Suite", |id, outcome| {
            seen.push((id, outcome.is_ok()))
        })
        .unwrap();
    assert_eq!(seen, [(1, true), (3, true)]);
    assert_eq!(suite.task_ids, [1, 3]);
    assert_eq!(
        (suite.study_id, suite.alias.as_deref()),
        (Some(77), Some("Tiny-Suite"))
    );
    assert_eq!(suite.fetched.len(), 2);
    assert!(suite.fetched.iter().all(|f| f.downloaded.len() == 6));
    assert_eq!(suite.study, cache.dir().join("studies/Tiny-Suite.xml"));
    assert!(cache.dir().join("studies/77.xml").is_file(), "also by id");
    for (task, origin) in [(1, origin1), (3, origin3)] {
        let (actual, expected) = (
            Task::from_cache(&cache, task).unwrap(),
            Task::from_cache(origin, task).unwrap(),
        );
        assert_eq!(essence(&actual), essence(&expected));
    }
    assert_eq!(server.hits_of("/api/v1/xml/study/Tiny-Suite"), 1);

    // A second fetch asks for nothing: the study and the tasks are cached.
    let before = server.hits().len();
    let tasks_before = task_hits(&server);
    let again = client.fetch_suite(&cache, "Tiny-Suite").unwrap();
    assert_eq!(again.task_ids, [1, 3]);
    assert!(again.fetched.iter().all(|f| f.downloaded.is_empty()));
    assert_eq!(task_hits(&server), tasks_before);
    assert_eq!(server.hits().len(), before);

    // Offline reads the cached study (by alias and by id) and checks the tasks' files.
    let offline = builder(&server).offline(true).build().unwrap();
    for key in ["Tiny-Suite", "77"] {
        let read = offline.fetch_suite(&cache, key).unwrap();
        assert_eq!(read.task_ids, [1, 3]);
        assert!(read.fetched.iter().all(|f| f.present.len() == 6));
    }
    assert_eq!(server.hits().len(), before, "offline means no network");
    // Offline, a missing task file is named with its command.
    std::fs::remove_file(cache.task_dir(3).join("datasplits.arff")).unwrap();
    let err = offline.fetch_suite(&cache, "77").unwrap_err().to_string();
    assert!(
        err.contains("task 3") && err.contains("oml fetch task 3"),
        "{err}"
    );
    assert!(!err.contains("task 1:"), "{err}");
    // Offline, a study never fetched is named with its command.
    let err = offline
        .fetch_suite(&cache, "OpenML-CC18")
        .unwrap_err()
        .to_string();
    assert!(err.contains("oml fetch suite OpenML-CC18"), "{err}");
    assert_eq!(server.hits().len(), before);
}

#[test]
fn a_study_of_runs_is_refused_before_any_task() {
    let server = TestServer::start();
    server.route(
        "/api/v1/xml/study/14",
        Reply::Ok(study(14, "", "run", &[1, 3])),
    );
    let (_dir, cache) = empty_cache(&server);
    let err = client(&server).fetch_suite(&cache, "14").unwrap_err();
    let message = err.to_string();
    assert!(message.contains("not a benchmark suite"), "{message}");
    assert!(
        message.contains("`run`") && message.contains("`task`"),
        "{message}"
    );
    assert_eq!(task_hits(&server), 0);
    // Nor is an id or alias that is not a safe name asked for.
    let err = client(&server).fetch_suite(&cache, "../etc").unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_eq!(server.hits().len(), 1);
}

#[test]
fn a_failing_task_is_named_after_the_others_are_fetched() {
    let (_origins, server) = serving_tasks_1_and_3();
    server.route(
        "/api/v1/xml/task/2",
        Reply::Status(412, openml_error(151, "Unknown task")),
    );
    server.route(
        "/api/v1/xml/study/5",
        Reply::Ok(study(5, "Flaky", "task", &[1, 2, 3])),
    );
    let (_dir, cache) = empty_cache(&server);
    let err = client(&server).fetch_suite(&cache, "5").unwrap_err();
    let message = err.to_string();
    assert!(message.contains("1 of the 3 tasks"), "{message}");
    assert!(
        matches!(&err, oml_api::Error::Suite { failed, .. } if failed.len() == 1 && failed[0].0 == 2),
        "{err:?}"
    );
    assert!(message.contains("task 2: "), "{message}");
    assert!(
        message.contains("OpenML error 151: Unknown task"),
        "{message}"
    );
    assert!(!message.contains(KEY));
    // The tasks after the failing one were fetched too.
    Task::from_cache(&cache, 1).unwrap();
    Task::from_cache(&cache, 3).unwrap();
    assert_eq!(
        server.hits_of("/api/v1/xml/task/2"),
        1,
        "client errors are not retried"
    );
}
