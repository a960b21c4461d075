//! The API key goes only to the server's API and never into a message (issue 15, items 2
//! and 3).

use std::time::Duration;

use oml_api::{ApiKey, Client, ClientBuilder};
use oml_data::error_chain;
use oml_task::{Cache, Server};

use crate::server::{Reply, TestServer, openml_error};

const KEY: &str = "c0ffee5ecret+/key";

fn client_of(api: &str) -> Client {
    ClientBuilder::new()
        .server(Server::Url(api.to_owned()))
        .api_key(ApiKey::new(KEY))
        .timeout(Duration::from_millis(1500))
        .max_tries(1)
        .build()
        .unwrap()
}

fn leaks(text: &str) -> bool {
    let encoded = "c0ffee5ecret%2B%2Fkey";
    text.contains(KEY)
        || text.contains(encoded)
        || text.contains(&encoded.to_lowercase())
        || text.contains("c0ffee")
}

#[test]
fn api_key_is_sent_only_to_the_api_origin_not_to_prefix_lookalikes() {
    let client = client_of("http://127.0.0.1:1808/api/v1/xml");
    assert!(client.is_api_url("http://127.0.0.1:1808/api/v1/xml/task/1"));
    assert!(client.is_api_url("http://127.0.0.1:1808/api/v1/xml"));
    assert!(client.is_api_url("HTTP://127.0.0.1:1808/api/v1/xml/data/2?x=1"));
    for other in [
        // Another port whose text starts with the server's.
        "http://127.0.0.1:18080/api/v1/xml/task/1",
        // The server's text as user name and password of another host.
        "http://127.0.0.1:1808@evil:80/api/v1/xml/task/1",
        "http://127.0.0.1:1808@evil/",
        // Another scheme, host or path.
        "https://127.0.0.1:1808/api/v1/xml/task/1",
        "http://127.0.0.2:1808/api/v1/xml/task/1",
        "http://127.0.0.1:1808/api/v1/xmlevil/task/1",
        "http://127.0.0.1:1808/api/v1/xml/../../upload",
        "http://127.0.0.1:1808/data/download/1/x.arff",
        "not a url",
    ] {
        assert!(!client.is_api_url(other), "{other} would get the key");
    }
}

#[test]
fn api_key_goes_to_no_other_host_a_split_url_names() {
    let api = TestServer::start();
    let evil = TestServer::start();
    evil.route("/", Reply::Ok(b"stolen".to_vec()));
    let client = client_of(&api.api());
    let evil_host = evil.base.trim_start_matches("http://");
    // `http://127.0.0.1:PORT@127.0.0.1:EVIL/...`: starts with the server's text, goes to evil.
    let smuggled = format!("{}@{evil_host}/api/v1/xml/task/1", api.base);
    let _ = client.get(&smuggled);
    let _ = client.get(&format!("{}/anything", evil.base));
    assert_eq!(evil.hits().len(), 2, "{:?}", evil.hits());
    for hit in evil.hits() {
        assert!(!leaks(&hit), "the other host got the key: {hit}");
    }
    // The API itself still gets it.
    api.route("/api/v1/xml/task/1", Reply::Ok(b"ok".to_vec()));
    client.get(&api.api_url_of("task/1")).unwrap();
    assert!(
        api.hits()[0].contains("api_key=c0ffee5ecret%2B%2Fkey"),
        "{:?}",
        api.hits()
    );
}

/// A redirect of a request that carries the key is followed inside the API only: a GET whose
/// redirect keeps its query, and a POST whose 307 would send its form body (with the key)
/// again, never reach another host; the error names the other origin and not the key.
#[test]
fn api_key_follows_no_redirect_out_of_the_api() {
    let api = TestServer::start();
    let evil = TestServer::start();
    evil.route("/", Reply::Ok(b"stolen".to_vec()));
    let client = client_of(&api.api());
    let elsewhere = format!("{}/api/v1/xml/task/1", evil.base);
    api.route(
        "/api/v1/xml/task/1",
        Reply::Redirect(301, elsewhere.clone()),
    );
    api.route("/api/v1/xml/flow/exists", Reply::Redirect(307, elsewhere));
    let error = error_chain(&client.get(&api.api_url_of("task/1")).unwrap_err());
    let (dir, _) = crate::publish::run_dir();
    let published = client.publish(&dir.path().join("run"));
    assert!(evil.hits().is_empty(), "{:?}", evil.hits());
    assert!(
        error.contains(&evil.base) && error.contains("outside the API"),
        "{error}"
    );
    assert!(!leaks(&error), "{error}");
    let error = error_chain(&published.unwrap_err());
    assert!(
        error.contains("outside the API") && !leaks(&error),
        "{error}"
    );
    assert_eq!(api.hits_of("/api/v1/xml/flow/exists"), 1);
    // Inside the API a redirect is followed, with the key.
    api.route(
        "/api/v1/xml/task/2",
        Reply::Redirect(302, api.api_url_of("task/3")),
    );
    api.route("/api/v1/xml/task/3", Reply::Ok(b"ok".to_vec()));
    client.get(&api.api_url_of("task/2")).unwrap();
    assert!(
        api.hits()
            .last()
            .unwrap()
            .contains("api_key=c0ffee5ecret%2B%2Fkey")
    );
}

#[test]
fn api_key_echoed_by_a_server_or_proxy_is_redacted() {
    let api = TestServer::start();
    let client = client_of(&api.api());
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(cache_dir.path(), Server::Url(api.api()));
    // An OpenML error message that quotes the request, an HTML page of a proxy that prints
    // the URL (past the 200 characters kept of a page), and a body cut mid-key.
    let echo = format!("invalid api_key {KEY} in /task/1?api_key=c0ffee5ecret%2B%2Fkey");
    api.route(
        "/api/v1/xml/task/1",
        Reply::Status(412, openml_error(103, &echo)),
    );
    let html = format!(
        "<html><body><h1>502 Bad Gateway</h1>{}<p>GET /api/v1/xml/task/2?api_key=c0ffee5ecret%2b%2fkey</p></body></html>",
        " ".repeat(120)
    );
    api.route("/api/v1/xml/task/2", Reply::Status(502, html.into_bytes()));
    api.route(
        "/api/v1/xml/task/3",
        Reply::Ok(format!("<oml:task>{KEY}").into_bytes()),
    );
    for task in [1, 2, 3] {
        let error = client.fetch_task(&cache, task).unwrap_err();
        let shown = format!("{error} | {error:#} | {error:?} | {}", error_chain(&error));
        assert!(!leaks(&shown), "task {task}: {shown}");
        assert!(
            shown.contains("<redacted") || task == 3,
            "task {task}: {shown}"
        );
    }
    // publish's POST bodies echoed back.
    api.route(
        "/api/v1/xml/flow/exists",
        Reply::Status(412, openml_error(999, &format!("bad body api_key={KEY}"))),
    );
    let (dir, _) = crate::publish::run_dir();
    let error = client.publish(&dir.path().join("run")).unwrap_err();
    let shown = format!("{error:#} {}", error_chain(&error));
    assert!(!leaks(&shown), "{shown}");
}

#[test]
fn redaction_covers_every_encoding_of_the_key() {
    let key = ApiKey::new("a b/c+d").unwrap();
    for form in ["a b/c+d", "a%20b%2Fc%2Bd", "a%20b%2fc%2bd", "a+b%2Fc%2Bd"] {
        let text = format!("x {form} y");
        assert_eq!(key.redact(&text), "x <redacted> y", "{form}");
    }
}

#[test]
fn progress_says_what_the_client_waits_for_without_the_key() {
    let api = TestServer::start();
    api.fault(
        "/api/v1/xml/task/1",
        Reply::Status(503, format!("down {KEY}").into_bytes()),
    );
    api.route("/api/v1/xml/task/1", Reply::Ok(b"ok".to_vec()));
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = std::sync::Arc::clone(&lines);
    let client = ClientBuilder::new()
        .server(Server::Url(api.api()))
        .api_key(ApiKey::new(KEY))
        .max_tries(2)
        .base_delay(Duration::from_millis(5))
        .progress(move |line| seen.lock().unwrap().push(line.to_owned()))
        .build()
        .unwrap();
    client.get(&api.api_url_of("task/1")).unwrap();
    let lines = lines.lock().unwrap().clone();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].starts_with("downloading http://127.0.0.1:"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("HTTP 503") && lines[1].contains("before try 2 of 2"),
        "{lines:?}"
    );
    assert!(lines.iter().all(|l| !leaks(l)), "{lines:?}");
}
