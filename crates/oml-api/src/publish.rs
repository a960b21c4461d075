//! Publishing a run directory: its flow when the server lacks it, then the run.
//!
//! # Retries
//!
//! `flow/exists` and `flow/{id}` change nothing on the server and are retried as GETs are.
//! The flow upload is retried on the same transient failures; when a retry finds that an
//! earlier try did store the flow (OpenML error 171, the flow exists), the flow is looked up
//! again. The run upload is retried only when the server cannot have stored the run: the
//! connection could not be made, or the server answered 503 (Service Unavailable) or a
//! transient OpenML code (its database connection failed). A timeout, dropped connection,
//! truncated answer or other HTTP 5xx after the request was sent (a gateway's 502 or 504, a
//! server failing after it stored the run) is not retried, because the run may be on the
//! server already; the error says so, and nothing is recorded in the run directory.

use std::path::Path;

use oml_data::xml::{Doc, Node, escape_ascii};
use oml_run::{PublicationRecord, Run, RunDescription, files};

use crate::client::{Client, percent_encode, strip_query, transport};
use crate::config::ApiKey;
use crate::error::{Error, Result, TRANSIENT_CODES};

/// The file in a run directory that records where the run was published.
pub const PUBLISHED_FILE: &str = oml_run::files::PUBLISHED;

/// OpenML's error code for a flow upload whose name and external version exist.
const FLOW_EXISTS: i64 = 171;

/// What [`Client::publish`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The server's id of the run's flow.
    pub flow_id: i64,
    /// The server's id of the run.
    pub run_id: i64,
    /// Whether the flow was uploaded (false: the server knew it).
    pub flow_uploaded: bool,
}

impl Client {
    /// Publishes the run in `run_dir` (as `oml run` wrote it) to the client's server:
    ///
    /// 1. refuses a run whose `published.json` records this server ([`Error::AlreadyPublished`]),
    ///    and a client without an API key ([`Error::NoApiKey`]);
    /// 2. looks the flow of `flow.xml` up by name and external version (`flow/exists`) and
    ///    uploads `flow.xml` when the server does not know it (POST `flow`);
    /// 3. reads the ids of the flow's components from the server's flow document (`flow/{id}`)
    ///    and writes the run description with the flow id and each parameter setting as
    ///    OpenML wants it: `estimator.max_depth` becomes name `max_depth` with the component
    ///    `estimator`'s flow id (a flow's own parameters carry the flow's id);
    /// 4. POSTs `run/` as multipart: the `api_key` field and the files `description`
    ///    (`description.xml`) and `predictions` (`predictions.arff`, as in the directory);
    /// 5. records server, flow id, run id and time in `published.json` (atomically; never the
    ///    key).
    ///
    /// See the module's documentation for which requests are retried. Every server error
    /// is reported with OpenML's code and message.
    pub fn publish(&self, run_dir: &Path) -> Result<Published> {
        self.publish_unredacted(run_dir).map_err(|e| self.redact(e))
    }

    fn publish_unredacted(&self, run_dir: &Path) -> Result<Published> {
        let key = self.key().ok_or(Error::NoApiKey)?;
        let server = self.api_url("").trim_end_matches('/').to_owned();
        let record_path = run_dir.join(PUBLISHED_FILE);
        let mut records = PublicationRecord::read(run_dir)?;
        if let Some(record) = records.iter().find(|r| same_server(&r.server, &server)) {
            return Err(Error::AlreadyPublished {
                dir: run_dir.to_path_buf(),
                server,
                run_id: record.run_id,
                record: record_path,
            });
        }
        // What is uploaded is what oml wrote: no file changed since (the manifest's digests).
        oml_run::check_files(run_dir)?;
        let run = Run::load(run_dir)?;
        if run.description.task_id.is_none() {
            return Err(oml_run::Error::Invalid {
                path: run_dir.join(files::DESCRIPTION),
                message: "the run has no task_id: a run of a local task cannot be published".into(),
            }
            .into());
        }
        let predictions_path = run_dir.join(files::PREDICTIONS);
        let predictions =
            std::fs::read(&predictions_path).map_err(|source| oml_run::Error::Read {
                path: predictions_path,
                source,
            })?;
        // A tuned run's trace goes with it, as openml-python uploads a search's trace.
        let trace_path = run_dir.join(files::TRACE);
        let trace = match std::fs::read(&trace_path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(oml_run::Error::Read {
                    path: trace_path,
                    source,
                }
                .into());
            }
        };
        let flow =
            parse_tree(&run.flow_xml, "flow").map_err(|message| oml_run::Error::Invalid {
                path: run_dir.join(files::FLOW),
                message,
            })?;
        let name = flow.text_of("name");
        let external_version = flow.text_of("external_version");

        let (flow_id, flow_uploaded) = match self.flow_exists(key, &name, &external_version)? {
            Some(id) => (id, false),
            None => match self.upload_flow(key, &run.flow_xml) {
                Ok(id) => (id, true),
                Err(e) if e.server_code() == Some(FLOW_EXISTS) => {
                    match self.flow_exists(key, &name, &external_version)? {
                        Some(id) => (id, false),
                        None => return Err(e),
                    }
                }
                Err(e) => return Err(e),
            },
        };
        let ids = self.flow_ids(flow_id)?;
        let description = upload_description(&run.description, &ids);

        let run_id = self.upload_run(key, &description, &predictions, trace.as_deref())?;
        records.push(PublicationRecord {
            server: server.clone(),
            flow_id,
            run_id,
            time: oml_run::now_rfc3339(),
        });
        PublicationRecord::write(run_dir, &records).map_err(|e| Error::Incomplete {
            path: record_path.clone(),
            detail: format!(
                "run {run_id} was published to {server}, but cannot be recorded here: {e}"
            ),
        })?;
        Ok(Published {
            flow_id,
            run_id,
            flow_uploaded,
        })
    }

    /// The web page of run `run_id` on the client's server.
    pub fn run_url(&self, run_id: i64) -> String {
        format!("{}/r/{run_id}", self.root_url())
    }

    /// The server's id of the flow `name` with `external_version`, if it has one.
    fn flow_exists(&self, key: &ApiKey, name: &str, external_version: &str) -> Result<Option<i64>> {
        let url = self.api_url("flow/exists");
        let body = format!(
            "name={}&external_version={}&api_key={}",
            percent_encode(name),
            percent_encode(external_version),
            percent_encode(key.expose())
        );
        let answer = self.with_retries_if(&url, Error::is_transient, || {
            self.post_once(
                &url,
                "application/x-www-form-urlencoded",
                body.as_bytes().to_vec(),
            )
        })?;
        let doc = document(&url, &answer, "flow_exists")?;
        let exists = doc.text_of("exists");
        let id = doc.text_of("id").trim().parse::<i64>().ok();
        match (exists.trim(), id) {
            ("true", Some(id)) if id > 0 => Ok(Some(id)),
            ("false", _) => Ok(None),
            (_, Some(id)) if id > 0 => Ok(Some(id)),
            (_, Some(_)) => Ok(None),
            _ => Err(malformed(&url, "flow_exists has no exists or id")),
        }
    }

    /// Uploads `flow_xml`; the server's id of the flow.
    fn upload_flow(&self, key: &ApiKey, flow_xml: &str) -> Result<i64> {
        let url = self.api_url("flow");
        let mut form = Multipart::default();
        form.field("api_key", key.expose());
        form.file("description", "flow.xml", "text/xml", flow_xml.as_bytes());
        let (content_type, body) = form.finish();
        let answer = self.with_retries_if(&url, Error::is_transient, || {
            self.post_once(&url, &content_type, body.clone())
        })?;
        let doc = document(&url, &answer, "upload_flow")?;
        positive_id(&url, &doc.text_of("id"))
    }

    /// The ids of flow `flow_id` and its components, from the server's flow document.
    fn flow_ids(&self, flow_id: i64) -> Result<FlowIds> {
        let url = self.api_url(&format!("flow/{flow_id}"));
        let answer = self.get(&url)?;
        let doc = document(&url, &answer, "flow")?;
        let mut ids = flow_ids(&url, &doc)?;
        // The document's own id should be the one asked for; trust the request.
        ids.id = flow_id;
        Ok(ids)
    }

    /// Uploads the run; the server's id of the run.
    fn upload_run(
        &self,
        key: &ApiKey,
        description: &str,
        predictions: &[u8],
        trace: Option<&[u8]>,
    ) -> Result<i64> {
        let url = self.api_url("run/");
        let mut form = Multipart::default();
        form.field("api_key", key.expose());
        form.file(
            "description",
            files::DESCRIPTION,
            "text/xml",
            description.as_bytes(),
        );
        form.file("predictions", files::PREDICTIONS, "text/plain", predictions);
        if let Some(trace) = trace {
            form.file("trace", files::TRACE, "text/plain", trace);
        }
        let (content_type, body) = form.finish();
        let answer = self
            .with_retries_if(&url, run_not_stored, || {
                self.post_once(&url, &content_type, body.clone())
            })
            .map_err(|e| match e {
                e if may_be_stored(&e) => Error::RunMayBeStored { cause: Box::new(e) },
                e => e,
            })?;
        let doc = document(&url, &answer, "upload_run")?;
        positive_id(&url, &doc.text_of("run_id"))
    }

    /// One POST of `body`: the answer's body when its status is 200, else the server's error.
    fn post_once(&self, url: &str, content_type: &str, body: Vec<u8>) -> Result<Vec<u8>> {
        let response = self
            .http()
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .map_err(|e| transport(url, &e))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().map_err(|e| transport(url, &e))?;
        if status == 200 {
            Ok(bytes.to_vec())
        } else {
            Err(self.server_error(url, status, &bytes))
        }
    }
}

/// Whether two server URLs name the same API, however written: the scheme and host in any
/// case, the default port given or not, repeated and final slashes in the path.
fn same_server(a: &str, b: &str) -> bool {
    let normal = |text: &str| {
        reqwest::Url::parse(text).ok().map(|url| {
            let path: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
            (
                url.scheme().to_owned(),
                url.host_str().map(str::to_owned),
                url.port_or_known_default(),
                path.join("/"),
            )
        })
    };
    a == b || normal(a).is_some_and(|a| Some(a) == normal(b))
}

/// Whether a failed run upload may be tried again: only when the run cannot be on the server
/// (no connection, 503 Service Unavailable, or OpenML's transient codes, such as its database
/// connection failing).
fn run_not_stored(error: &Error) -> bool {
    match error {
        Error::Transport { kind, .. } => kind.starts_with("cannot connect"),
        Error::Server { error, .. } => {
            error.status == 503 || error.code.is_some_and(|c| TRANSIENT_CODES.contains(&c))
        }
        _ => false,
    }
}

/// Whether a failed run upload may have stored the run: the request was sent and no answer
/// says it was refused (a timeout, a dropped connection, an HTTP 5xx that a gateway or a
/// failing server gives after the run reached it).
fn may_be_stored(error: &Error) -> bool {
    match error {
        Error::Transport { kind, .. } => !kind.starts_with("cannot connect"),
        Error::Server { error: server, .. } => server.status >= 500 && !run_not_stored(error),
        Error::GaveUp { last, .. } => may_be_stored(last),
        _ => false,
    }
}

/// The run description to upload: `description` with the flow's id and the parameter
/// settings by OpenML's (name, component).
fn upload_description(description: &RunDescription, ids: &FlowIds) -> String {
    let mut bare = description.clone();
    bare.flow_id = ids.id;
    bare.parameter_settings.clear();
    let xml = bare.to_xml();
    let mut settings = String::new();
    for (qualified, value) in &description.parameter_settings {
        let (name, component) = ids.resolve(qualified);
        settings.push_str(&format!(
            "  <oml:parameter_setting>\n    <oml:name>{}</oml:name>\n    <oml:value>{}</oml:value>\n    <oml:component>{component}</oml:component>\n  </oml:parameter_setting>\n",
            escape_ascii(name),
            escape_ascii(value)
        ));
    }
    // Parameter settings follow setup_string (always written) in the schema's order.
    let anchor = "</oml:setup_string>\n";
    let at = xml
        .find(anchor)
        .map(|i| i + anchor.len())
        .or_else(|| {
            xml.find("</oml:flow_id>\n")
                .map(|i| i + "</oml:flow_id>\n".len())
        })
        .unwrap_or(0);
    let mut out = String::with_capacity(xml.len() + settings.len());
    out.push_str(&xml[..at]);
    out.push_str(&settings);
    out.push_str(&xml[at..]);
    out
}

/// A flow's server id and its components' by identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FlowIds {
    id: i64,
    components: Vec<(String, FlowIds)>,
}

impl FlowIds {
    /// OpenML's name and component id of the parameter `qualified` (`step.name`): the
    /// component prefixes are taken off as long as they name a component.
    fn resolve<'a>(&self, qualified: &'a str) -> (&'a str, i64) {
        for (identifier, sub) in &self.components {
            if let Some(rest) = qualified
                .strip_prefix(identifier.as_str())
                .and_then(|r| r.strip_prefix('.'))
            {
                return sub.resolve(rest);
            }
        }
        (qualified, self.id)
    }
}

fn flow_ids(url: &str, flow: &Element) -> Result<FlowIds> {
    let id = flow.text_of("id").trim().parse().unwrap_or(0);
    let mut components = Vec::new();
    for component in flow.children.iter().filter(|c| c.name == "component") {
        let identifier = component.text_of("identifier").trim().to_owned();
        let sub = component
            .child("flow")
            .ok_or_else(|| malformed(url, "a component has no flow"))?;
        let ids = flow_ids(url, sub)?;
        if ids.id <= 0 {
            return Err(malformed(
                url,
                &format!("component `{identifier}` has no flow id"),
            ));
        }
        components.push((identifier, ids));
    }
    Ok(FlowIds { id, components })
}

/// An element of a small document: its local name, its own text and its children.
#[derive(Debug, Default)]
struct Element {
    name: String,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of child `name`, empty when there is none.
    fn text_of(&self, name: &str) -> String {
        self.child(name).map(|c| c.text.clone()).unwrap_or_default()
    }
}

/// The tree of `xml`, whose root must be called `root`.
fn parse_tree(xml: &str, root: &str) -> std::result::Result<Element, String> {
    let mut doc = Doc::new(xml, root);
    let mut stack: Vec<Element> = Vec::new();
    let mut done = None;
    let fail = |e: oml_data::xml::XmlError| {
        format!("line {}: {}", oml_data::xml::line(xml, e.at), e.message)
    };
    while let Some(node) = doc.next_node().map_err(fail)? {
        match node {
            Node::Open(start) => stack.push(Element {
                name: start.local.clone(),
                ..Element::default()
            }),
            Node::Text { text, depth } => {
                if depth == stack.len()
                    && let Some(top) = stack.last_mut()
                {
                    top.text.push_str(&text);
                }
            }
            Node::Close { .. } => {
                let element = stack.pop().unwrap_or_default();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => done = Some(element),
                }
            }
        }
    }
    done.ok_or_else(|| format!("no <oml:{root}> document"))
}

/// The answer `body` of `url` as a document with root `root`.
fn document(url: &str, body: &[u8], root: &str) -> Result<Element> {
    let text = std::str::from_utf8(body).map_err(|_| malformed(url, "not UTF-8"))?;
    parse_tree(text, root).map_err(|message| malformed(url, &message))
}

fn positive_id(url: &str, text: &str) -> Result<i64> {
    match text.trim().parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(malformed(url, &format!("`{}` is not an id", text.trim()))),
    }
}

fn malformed(url: &str, detail: &str) -> Error {
    Error::Malformed {
        url: strip_query(url),
        detail: detail.to_owned(),
    }
}

/// One part of a multipart body: name, file name and content type (for files), content.
type Part = (String, Option<(String, String)>, Vec<u8>);

/// A `multipart/form-data` body.
#[derive(Default)]
struct Multipart {
    parts: Vec<Part>,
}

impl Multipart {
    fn field(&mut self, name: &str, value: &str) {
        self.parts
            .push((name.to_owned(), None, value.as_bytes().to_vec()));
    }

    fn file(&mut self, name: &str, filename: &str, content_type: &str, content: &[u8]) {
        self.parts.push((
            name.to_owned(),
            Some((filename.to_owned(), content_type.to_owned())),
            content.to_vec(),
        ));
    }

    /// The content type (with the boundary) and the body.
    fn finish(self) -> (String, Vec<u8>) {
        let mut n: u64 = 0;
        let boundary = loop {
            let candidate = format!("oml-boundary-{n:x}-7d3f91c2");
            let found = self
                .parts
                .iter()
                .any(|(_, _, content)| contains(content, candidate.as_bytes()));
            if !found {
                break candidate;
            }
            n += 1;
        };
        let mut body = Vec::new();
        for (name, file, content) in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file {
                Some((filename, content_type)) => body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names_map_to_components() {
        let ids = FlowIds {
            id: 10,
            components: vec![
                (
                    "impute".into(),
                    FlowIds {
                        id: 11,
                        components: Vec::new(),
                    },
                ),
                (
                    "estimator".into(),
                    FlowIds {
                        id: 12,
                        components: Vec::new(),
                    },
                ),
            ],
        };
        assert_eq!(ids.resolve("estimator.max_depth"), ("max_depth", 12));
        assert_eq!(ids.resolve("impute.strategy"), ("strategy", 11));
        assert_eq!(ids.resolve("memory"), ("memory", 10));
        assert_eq!(ids.resolve("other.x"), ("other.x", 10));
    }

    #[test]
    fn multipart_boundary_avoids_the_content() {
        let mut form = Multipart::default();
        form.field("a", "oml-boundary-0-7d3f91c2");
        let (content_type, body) = form.finish();
        assert!(content_type.ends_with("oml-boundary-1-7d3f91c2"));
        assert!(body.ends_with(b"--oml-boundary-1-7d3f91c2--\r\n"));
    }
}
