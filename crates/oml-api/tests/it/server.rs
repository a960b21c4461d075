//! Test servers on 127.0.0.1 at random ports, serving from memory.

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One answer of the OpenML server.
#[derive(Clone, Debug)]
pub enum Reply {
    /// 200 with this body.
    Ok(Vec<u8>),
    /// This status with this body.
    Status(u16, Vec<u8>),
    /// 200 with this body, after waiting.
    Slow(Duration, Vec<u8>),
    /// This redirect status with this `Location`, the request's query appended.
    Redirect(u16, String),
}

/// OpenML's error document.
pub fn openml_error(code: i64, message: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<oml:error xmlns:oml=\"http://openml.org/openml\">\n  \
         <oml:code>{code}</oml:code>\n  <oml:message>{message}</oml:message>\n</oml:error>\n"
    )
    .into_bytes()
}

#[derive(Default)]
struct Route {
    faults: VecDeque<Reply>,
    reply: Option<Reply>,
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    /// Every request's path and query, in order of arrival.
    hits: Vec<String>,
    /// Every request whole, in order of arrival.
    requests: Vec<Recorded>,
}

/// A tiny_http server answering each path from a queue of faults, then its reply. A path
/// ending in `/` answers every path it starts.
#[derive(Clone)]
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    state: Arc<Mutex<State>>,
}

impl TestServer {
    pub fn start() -> Self {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let port = server.server_addr().to_ip().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for request in server.incoming_requests() {
                let state = Arc::clone(&shared);
                thread::spawn(move || answer(request, &state));
            }
        });
        TestServer {
            base: format!("http://127.0.0.1:{port}"),
            state,
        }
    }

    /// The API URL, the server to give the client.
    pub fn api(&self) -> String {
        format!("{}/api/v1/xml", self.base)
    }

    /// The URL of `path` under the API.
    pub fn api_url_of(&self, path: &str) -> String {
        format!("{}/{path}", self.api())
    }

    /// Answers `path` with `reply` (after any faults).
    pub fn route(&self, path: &str, reply: Reply) {
        let mut state = self.state.lock().unwrap();
        state.routes.entry(path.to_owned()).or_default().reply = Some(reply);
    }

    /// Answers the next request of `path` with `fault`, before the others queued.
    pub fn fault(&self, path: &str, fault: Reply) {
        let mut state = self.state.lock().unwrap();
        state
            .routes
            .entry(path.to_owned())
            .or_default()
            .faults
            .push_back(fault);
    }

    /// Every request so far (path and query).
    pub fn hits(&self) -> Vec<String> {
        self.state.lock().unwrap().hits.clone()
    }

    /// How many requests asked for `path`.
    pub fn hits_of(&self, path: &str) -> usize {
        self.hits()
            .iter()
            .filter(|h| h.split('?').next() == Some(path))
            .count()
    }
}

fn answer(mut request: tiny_http::Request, state: &Mutex<State>) {
    let url = request.url().to_owned();
    let path = url.split('?').next().unwrap_or_default().to_owned();
    let mut body = Vec::new();
    let _ = request.as_reader().read_to_end(&mut body);
    let recorded = Recorded {
        method: request.method().to_string(),
        url: url.clone(),
        content_type: request
            .headers()
            .iter()
            .find(|h| h.field.equiv("Content-Type"))
            .map(|h| h.value.to_string())
            .unwrap_or_default(),
        body,
    };
    let reply = {
        let mut state = state.lock().unwrap();
        state.hits.push(url.clone());
        state.requests.push(recorded);
        let key = if state.routes.contains_key(&path) {
            Some(path.clone())
        } else {
            state
                .routes
                .keys()
                .filter(|k| k.ends_with('/') && path.starts_with(k.as_str()))
                .max_by_key(|k| k.len())
                .cloned()
        };
        key.and_then(|key| {
            let route = state.routes.get_mut(&key)?;
            route.faults.pop_front().or_else(|| route.reply.clone())
        })
    };
    let mut location = None;
    let (status, body) = match reply {
        Some(Reply::Ok(body)) => (200, body),
        Some(Reply::Status(status, body)) => (status, body),
        Some(Reply::Slow(wait, body)) => {
            thread::sleep(wait);
            (200, body)
        }
        Some(Reply::Redirect(status, to)) => {
            // As `return 301 https://newhost$request_uri` does: the query goes along.
            let query = url.find('?').map_or("", |i| &url[i..]);
            location = Some(format!("{to}{query}"));
            (status, Vec::new())
        }
        None => (404, openml_error(0, "no such route in the test server")),
    };
    let mut response = tiny_http::Response::from_data(body).with_status_code(status);
    if let Some(location) = location {
        let header = tiny_http::Header::from_bytes(&b"Location"[..], location.as_bytes());
        response.add_header(header.expect("a valid header"));
    }
    let _ = request.respond(response);
}

/// What the raw server does with one connection.
#[derive(Clone, Debug)]
pub enum Raw {
    /// Reads the request and closes the connection without a word.
    Drop,
    /// Sends a 200 whose Content-Length is larger than the body, then closes.
    Truncated(Vec<u8>),
    /// Sends a whole 200.
    Full(Vec<u8>),
}

/// A server below HTTP: each connection gets the next behaviour of its list (the last one
/// repeats). It counts connections.
pub struct RawServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    connections: Arc<Mutex<usize>>,
}

impl RawServer {
    pub fn start(plan: Vec<Raw>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(Mutex::new(0));
        let count = Arc::clone(&connections);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let n = {
                    let mut count = count.lock().unwrap();
                    *count += 1;
                    *count
                };
                let behaviour = plan[(n - 1).min(plan.len() - 1)].clone();
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(k) => request.extend_from_slice(&buf[..k]),
                    }
                }
                let (body, declared) = match behaviour {
                    Raw::Drop => continue,
                    Raw::Truncated(body) => {
                        let declared = body.len() * 2 + 10;
                        (body[..body.len() / 2].to_vec(), declared)
                    }
                    Raw::Full(body) => {
                        let n = body.len();
                        (body, n)
                    }
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n"
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        RawServer {
            base: format!("http://127.0.0.1:{port}"),
            connections,
        }
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }
}

/// One request as the [`TestServer`] received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path and query.
    pub url: String,
    /// The `Content-Type` header, empty without one.
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
}

impl TestServer {
    /// Every request so far, whole.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }
}
