//! Publishing a run directory through the test server: the flow lookup, the flow upload only
//! when the server lacks the flow, the multipart run upload (checked field by field, and the
//! description against OpenML's schema with xmllint), `published.json`, and failures.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use oml_api::{ApiKey, Client, ClientBuilder, Error, PUBLISHED_FILE, Published};
use oml_flow::Describe;
use oml_task::{LocalTaskBuilder, Server};
use oml_testkit::make_run_claiming;

use crate::server::{Recorded, Reply, TestServer, openml_error};

const KEY: &str = "publish-key-9f2b41";
const TASK_ID: i64 = 59;
const FLOW_ID: i64 = 77;
const RUN_ID: i64 = 4242;

/// A run of the built-in decision tree on iris, as `oml run` makes it, claiming OpenML task
/// [`TASK_ID`], saved in a new directory.
pub(crate) fn run_dir() -> (tempfile::TempDir, oml_run::Run) {
    let task = LocalTaskBuilder::new().from_source("builtin:iris").unwrap();
    let run = make_run_claiming(TASK_ID, &task, &TASK_ID.to_string(), "decision-tree", 1);
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    run.save(&run_dir, oml_run::Replace::Never).unwrap();
    (dir, run)
}

/// The components of the built-in decision tree's pipeline and the ids the server gives
/// them (`FLOW_ID + 1`, ...).
fn component_ids() -> Vec<(String, i64)> {
    let flow = oml_flow::builtin_flow("decision-tree").unwrap();
    flow.components()
        .iter()
        .enumerate()
        .map(|(i, c)| (c.identifier.to_owned(), FLOW_ID + 1 + i as i64))
        .collect()
}

/// The server's `flow/{FLOW_ID}` document, with its components' ids.
fn flow_document() -> Vec<u8> {
    let mut doc = format!(
        "<oml:flow xmlns:oml=\"http://openml.org/openml\">\n  <oml:id>{FLOW_ID}</oml:id>\n  \
         <oml:uploader>1</oml:uploader>\n  <oml:name>pipeline</oml:name>\n"
    );
    for (identifier, id) in component_ids() {
        doc.push_str(&format!(
            "  <oml:component>\n    <oml:identifier>{identifier}</oml:identifier>\n    \
             <oml:flow>\n      <oml:id>{id}</oml:id>\n      <oml:name>c</oml:name>\n    \
             </oml:flow>\n  </oml:component>\n"
        ));
    }
    doc.push_str("</oml:flow>\n");
    doc.into_bytes()
}

fn flow_exists(exists: bool) -> Vec<u8> {
    let id = if exists { FLOW_ID } else { -1 };
    format!(
        "<oml:flow_exists xmlns:oml=\"http://openml.org/openml\">\n  <oml:exists>{exists}</oml:exists>\n  <oml:id>{id}</oml:id>\n</oml:flow_exists>\n"
    )
    .into_bytes()
}

/// A server that knows the flow (or not) and accepts the run.
fn server(flow_known: bool) -> TestServer {
    let server = TestServer::start();
    server.route(
        "/api/v1/xml/flow/exists",
        Reply::Ok(flow_exists(flow_known)),
    );
    server.route(
        "/api/v1/xml/flow",
        Reply::Ok(
            format!("<oml:upload_flow xmlns:oml=\"http://openml.org/openml\">\n  <oml:id>{FLOW_ID}</oml:id>\n</oml:upload_flow>\n")
                .into_bytes(),
        ),
    );
    server.route(
        &format!("/api/v1/xml/flow/{FLOW_ID}"),
        Reply::Ok(flow_document()),
    );
    server.route(
        "/api/v1/xml/run/",
        Reply::Ok(
            format!("<oml:upload_run xmlns:oml=\"http://openml.org/openml\">\n  <oml:run_id>{RUN_ID}</oml:run_id>\n</oml:upload_run>\n")
                .into_bytes(),
        ),
    );
    server
}

fn client(server: &TestServer, key: Option<&str>) -> Client {
    ClientBuilder::new()
        .server(Server::Url(server.api()))
        .api_key(key.and_then(ApiKey::new))
        .max_tries(3)
        .base_delay(Duration::from_millis(1))
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// One part of a multipart body: name, file name, content.
type Part = (String, Option<String>, Vec<u8>);

/// The parts of a `multipart/form-data` request.
fn multipart(request: &Recorded) -> Vec<Part> {
    let boundary = request
        .content_type
        .split("boundary=")
        .nth(1)
        .unwrap_or_else(|| panic!("not multipart: {}", request.content_type))
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let mut starts = Vec::new();
    let d = delimiter.as_bytes();
    let mut i = 0;
    while i + d.len() <= body.len() {
        if &body[i..i + d.len()] == d {
            starts.push(i);
            i += d.len();
        } else {
            i += 1;
        }
    }
    let mut parts = Vec::new();
    for pair in starts.windows(2) {
        let part = &body[pair[0] + d.len() + 2..pair[1] - 2];
        let split = part.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&part[..split]).into_owned();
        let quoted = |key: &str| {
            head.split(&format!("{key}=\""))
                .nth(1)
                .map(|rest| rest.split('"').next().unwrap().to_owned())
        };
        parts.push((
            quoted(" name").or_else(|| quoted(";name")).unwrap(),
            quoted("filename"),
            part[split + 4..].to_vec(),
        ));
    }
    parts
}

fn part<'a>(parts: &'a [Part], name: &str) -> &'a Part {
    parts
        .iter()
        .find(|p| p.0 == name)
        .unwrap_or_else(|| panic!("no part `{name}`"))
}

fn posts_to(server: &TestServer, path: &str) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.url.split('?').next() == Some(path))
        .collect()
}

/// The parameter settings of a description: name, value, component.
fn settings(xml: &str) -> Vec<(String, String, Option<i64>)> {
    let inner = |block: &str, name: &str| {
        let open = format!("<oml:{name}>");
        block.split(&open).nth(1).map(|rest| {
            rest.split(&format!("</oml:{name}>"))
                .next()
                .unwrap()
                .to_owned()
        })
    };
    xml.split("<oml:parameter_setting>")
        .skip(1)
        .map(|block| {
            let block = block.split("</oml:parameter_setting>").next().unwrap();
            (
                inner(block, "name").unwrap(),
                inner(block, "value").unwrap_or_default(),
                inner(block, "component").map(|c| c.parse().unwrap()),
            )
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn xmllint_validates(xml: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("description.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/openml-xsd/openml.run.upload.xsd");
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint runs");
    assert!(
        output.status.success(),
        "the uploaded description does not validate:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_tuned_run_is_published_with_its_trace() {
    let (dir, _) = run_dir();
    let run_dir = dir.path().join("run");
    let trace = b"@RELATION Trace\n\n@ATTRIBUTE repeat NUMERIC\n\n@DATA\n0\n".to_vec();
    std::fs::write(run_dir.join("trace.arff"), &trace).unwrap();
    let server = server(false);
    client(&server, Some(KEY)).publish(&run_dir).unwrap();
    let runs = posts_to(&server, "/api/v1/xml/run/");
    let parts = multipart(&runs[0]);
    let names: Vec<&str> = parts.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(names, ["api_key", "description", "predictions", "trace"]);
    let sent = part(&parts, "trace");
    assert_eq!(sent.1.as_deref(), Some("trace.arff"));
    assert_eq!(sent.2, trace);
}

#[test]
fn publishes_a_run_and_its_unknown_flow() {
    let (dir, run) = run_dir();
    let run_dir = dir.path().join("run");
    let server = server(false);
    let client = client(&server, Some(KEY));
    let published = client.publish(&run_dir).unwrap();
    assert_eq!(
        published,
        Published {
            flow_id: FLOW_ID,
            run_id: RUN_ID,
            flow_uploaded: true
        }
    );
    assert_eq!(
        client.run_url(RUN_ID),
        format!("{}/r/{RUN_ID}", server.base)
    );

    // The lookup names the flow of flow.xml.
    let lookup = posts_to(&server, "/api/v1/xml/flow/exists");
    assert_eq!(lookup.len(), 1);
    let form = String::from_utf8(lookup[0].body.clone()).unwrap();
    let flow = oml_flow::builtin_flow("decision-tree").unwrap();
    let field = |key: &str| {
        form.split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
            .map(percent_decode)
    };
    assert_eq!(field("name"), Some(flow.name()));
    assert_eq!(field("external_version"), Some(flow.external_version()));
    assert_eq!(field("api_key").as_deref(), Some(KEY));

    // The flow upload: the key and flow.xml as file `description`.
    let uploads = posts_to(&server, "/api/v1/xml/flow");
    assert_eq!(uploads.len(), 1);
    let parts = multipart(&uploads[0]);
    assert_eq!(part(&parts, "api_key").2, KEY.as_bytes());
    assert_eq!(part(&parts, "api_key").1, None);
    let description = part(&parts, "description");
    assert_eq!(description.1.as_deref(), Some("flow.xml"));
    assert_eq!(description.2, run.flow_xml.as_bytes());

    // The run upload: the key, description.xml and predictions.arff.
    let runs = posts_to(&server, "/api/v1/xml/run/");
    assert_eq!(runs.len(), 1);
    let parts = multipart(&runs[0]);
    let names: Vec<&str> = parts.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(names, ["api_key", "description", "predictions"]);
    assert_eq!(part(&parts, "api_key").2, KEY.as_bytes());
    let predictions = part(&parts, "predictions");
    assert_eq!(predictions.1.as_deref(), Some("predictions.arff"));
    assert_eq!(
        predictions.2,
        std::fs::read(run_dir.join("predictions.arff")).unwrap()
    );
    let description = part(&parts, "description");
    assert_eq!(description.1.as_deref(), Some("description.xml"));
    xmllint_validates(&description.2);

    // The description is the run's, with the flow id filled in and the settings by
    // OpenML's (name, component).
    let xml = String::from_utf8(description.2.clone()).unwrap();
    let received = oml_run::RunDescription::from_xml(&xml).unwrap();
    let mut expected = run.description.clone();
    expected.flow_id = FLOW_ID;
    let components = component_ids();
    let expected_settings: Vec<(String, String, Option<i64>)> = run
        .description
        .parameter_settings
        .iter()
        .map(|(qualified, value)| {
            let (name, component) = components
                .iter()
                .find_map(|(identifier, id)| {
                    qualified
                        .strip_prefix(&format!("{identifier}."))
                        .map(|name| (name.to_owned(), *id))
                })
                .unwrap_or((qualified.clone(), FLOW_ID));
            (name, value.clone(), Some(component))
        })
        .collect();
    assert!(
        run.description
            .parameter_settings
            .iter()
            .any(|(q, _)| q.starts_with("estimator.")),
        "the test needs component parameters"
    );
    assert_eq!(settings(&xml), expected_settings);
    expected.parameter_settings = expected_settings
        .iter()
        .map(|(n, v, _)| (n.clone(), v.clone()))
        .collect();
    assert_eq!(received, expected);

    // published.json records the server, flow and run, and never the key.
    let record = std::fs::read_to_string(run_dir.join(PUBLISHED_FILE)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&record).unwrap();
    assert_eq!(json[0]["server"], server.api());
    assert_eq!(json[0]["flow_id"], FLOW_ID);
    assert_eq!(json[0]["run_id"], RUN_ID);
    assert!(json[0]["time"].as_str().unwrap().starts_with("20"));
    assert!(!record.contains(KEY));
    for entry in std::fs::read_dir(&run_dir).unwrap() {
        let text = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&text).contains(KEY));
    }

    // A second publish to the same server is refused before any request.
    let before = server.requests().len();
    let err = client.publish(&run_dir).unwrap_err();
    assert!(
        matches!(err, Error::AlreadyPublished { run_id: RUN_ID, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("already published"), "{err}");
    assert_eq!(server.requests().len(), before);

    // Another server may still take it; both are recorded.
    let other = self::server(true);
    let published = self::client(&other, Some(KEY)).publish(&run_dir).unwrap();
    assert!(!published.flow_uploaded);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run_dir.join(PUBLISHED_FILE)).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
}

#[test]
fn a_known_flow_is_not_uploaded() {
    let (dir, _) = run_dir();
    let server = server(true);
    let published = client(&server, Some(KEY))
        .publish(&dir.path().join("run"))
        .unwrap();
    assert_eq!(published.flow_id, FLOW_ID);
    assert!(!published.flow_uploaded);
    assert_eq!(posts_to(&server, "/api/v1/xml/flow").len(), 0);
    assert_eq!(posts_to(&server, "/api/v1/xml/run/").len(), 1);
}

#[test]
fn server_errors_carry_openml_code_and_message() {
    let (dir, _) = run_dir();
    let run_dir = dir.path().join("run");
    let server = server(true);
    server.route(
        "/api/v1/xml/run/",
        Reply::Status(412, openml_error(204, "Unknown task")),
    );
    let err = client(&server, Some(KEY)).publish(&run_dir).unwrap_err();
    assert_eq!(err.server_code(), Some(204));
    let text = err.to_string();
    assert!(
        text.contains("412") && text.contains("204") && text.contains("Unknown task"),
        "{text}"
    );
    assert!(!text.contains(KEY));
    // A client error is not tried again, and nothing is recorded.
    assert_eq!(posts_to(&server, "/api/v1/xml/run/").len(), 1);
    assert!(!run_dir.join(PUBLISHED_FILE).exists());
}

#[test]
fn a_run_upload_is_retried_only_when_the_run_cannot_be_stored() {
    let (dir, _) = run_dir();
    let run_dir = dir.path().join("run");
    // A 503 and a transient OpenML code are tried again.
    let server = server(true);
    server.fault("/api/v1/xml/run/", Reply::Status(503, b"busy".to_vec()));
    server.fault(
        "/api/v1/xml/run/",
        Reply::Status(412, openml_error(107, "Database connection error")),
    );
    let published = client(&server, Some(KEY)).publish(&run_dir).unwrap();
    assert_eq!(published.run_id, RUN_ID);
    assert_eq!(posts_to(&server, "/api/v1/xml/run/").len(), 3);

    // A timeout after the run was sent is not: the server may have stored it.
    std::fs::remove_file(run_dir.join(PUBLISHED_FILE)).unwrap();
    let slow = self::server(true);
    slow.fault(
        "/api/v1/xml/run/",
        Reply::Slow(Duration::from_secs(3), b"late".to_vec()),
    );
    let client = ClientBuilder::new()
        .server(Server::Url(slow.api()))
        .api_key(ApiKey::new(KEY))
        .max_tries(3)
        .base_delay(Duration::from_millis(1))
        .timeout(Duration::from_millis(1000))
        .build()
        .unwrap();
    let err = client.publish(&run_dir).unwrap_err();
    assert!(
        format!("{err:#}").contains("may have stored the run"),
        "{err}"
    );
    assert_eq!(posts_to(&slow, "/api/v1/xml/run/").len(), 1);
    assert!(!run_dir.join(PUBLISHED_FILE).exists());
}

/// A 5xx answer other than 503 may come after the server stored the run (a gateway's 504,
/// a server failing after its commit): the upload is not tried again, and the error says the
/// run may be on the server.
#[test]
fn a_run_upload_answered_with_a_gateway_error_is_not_tried_again() {
    for status in [500, 502, 504] {
        let (dir, _) = run_dir();
        let run_dir = dir.path().join("run");
        let server = server(true);
        server.fault(
            "/api/v1/xml/run/",
            Reply::Status(status, b"gateway".to_vec()),
        );
        let err = client(&server, Some(KEY)).publish(&run_dir).unwrap_err();
        assert!(matches!(err, Error::RunMayBeStored { .. }), "{err:?}");
        assert!(err.to_string().contains("may have stored the run"), "{err}");
        assert_eq!(
            posts_to(&server, "/api/v1/xml/run/").len(),
            1,
            "HTTP {status}"
        );
        assert!(!run_dir.join(PUBLISHED_FILE).exists());
    }
}

/// A run directory changed after oml wrote it is not uploaded; the error names the file.
#[test]
fn a_run_changed_after_it_was_written_is_not_published() {
    let (dir, _) = run_dir();
    let run_dir = dir.path().join("run");
    let path = run_dir.join("predictions.arff");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("% an edit\n");
    std::fs::write(&path, text).unwrap();
    let server = server(true);
    let err = client(&server, Some(KEY)).publish(&run_dir).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("predictions.arff") && text.contains("changed after the run was written"),
        "{text}"
    );
    assert!(server.requests().is_empty(), "{:?}", server.hits());
}

/// A run is published to a server once, however the server's URL is written.
#[test]
fn a_run_is_published_once_to_a_server_written_otherwise() {
    let (dir, _) = run_dir();
    let run_dir = dir.path().join("run");
    let server = server(true);
    client(&server, Some(KEY)).publish(&run_dir).unwrap();
    let port = server.base.rsplit(':').next().unwrap();
    for spelling in [
        format!("HTTP://127.0.0.1:{port}/api/v1/xml"),
        format!("http://127.0.0.1:{port}//api/v1/xml/"),
    ] {
        let again = ClientBuilder::new()
            .server(Server::Url(spelling.clone()))
            .api_key(ApiKey::new(KEY))
            .build()
            .unwrap();
        let err = again.publish(&run_dir).unwrap_err();
        assert!(
            matches!(err, Error::AlreadyPublished { .. }),
            "{spelling}: {err:?}"
        );
    }
    assert_eq!(posts_to(&server, "/api/v1/xml/run/").len(), 1);
}

#[test]
fn publishing_needs_an_api_key() {
    let (dir, _) = run_dir();
    let server = server(true);
    let err = client(&server, None)
        .publish(&dir.path().join("run"))
        .unwrap_err();
    assert!(matches!(err, Error::NoApiKey), "{err:?}");
    assert!(err.to_string().contains("OPENML_API_KEY"), "{err}");
    assert!(server.requests().is_empty());
}

#[test]
fn a_run_of_a_local_task_is_refused() {
    let (dir, mut run) = run_dir();
    let run_dir = dir.path().join("run");
    run.description.task_id = None;
    run.save(&run_dir, oml_run::Replace::Owned).unwrap();
    let server = server(true);
    let err = client(&server, Some(KEY)).publish(&run_dir).unwrap_err();
    assert!(err.to_string().contains("local task"), "{err}");
    assert!(server.requests().is_empty());
}
