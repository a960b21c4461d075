//! The errors of the REST client.

use std::path::{Path, PathBuf};

use crate::config::ApiKey;

/// OpenML's error codes that mean "try again later": 107, the database connection failed.
pub const TRANSIENT_CODES: &[i64] = &[107];

/// The result of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error of the REST client. URLs in it never carry the API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error.
    #[error("{url}: {error}")]
    Server {
        /// The URL, without its query.
        url: String,
        /// What the server said.
        error: ServerError,
    },
    /// The request failed before a whole response arrived: connection refused or dropped,
    /// timeout, truncated body.
    #[error("{url}: {kind}")]
    Transport {
        /// The URL, without its query.
        url: String,
        /// What went wrong, in reqwest's words (reqwest's own error, without its URL).
        kind: String,
    },
    /// A request was tried `tries` times and failed every time; the last failure is the
    /// source.
    #[error("{url}: giving up after {tries} tries")]
    GaveUp {
        /// The URL, without its query.
        url: String,
        /// How many tries were made.
        tries: u32,
        /// The last failure.
        #[source]
        last: Box<Error>,
    },
    /// A run upload failed after the request may have reached the server (a timeout, a
    /// dropped connection, an HTTP 5xx but 503): not tried again, as the run may be stored.
    #[error(
        "{cause} (the server may have stored the run all the same: look for it among your runs \
         before publishing again)"
    )]
    RunMayBeStored {
        /// How the upload failed.
        cause: Box<Error>,
    },
    /// The server answered 200 with a document that is not what was asked for.
    #[error("{url}: malformed response: {detail}")]
    Malformed {
        /// The URL, without its query.
        url: String,
        /// What is wrong with it.
        detail: String,
    },
    /// A downloaded data file does not have the MD5 of its description; nothing was written.
    #[error("{url}: MD5 checksum mismatch for {}: expected {expected}, got {actual}", path.display())]
    Checksum {
        /// The URL, without its query.
        url: String,
        /// The cache file it was meant for.
        path: PathBuf,
        /// The checksum of the description.
        expected: String,
        /// The checksum of the bytes received.
        actual: String,
    },
    /// Some tasks of a benchmark suite could not be fetched; the others were.
    #[error("{} of the {total} tasks of suite {suite} could not be fetched: {}", failed.len(), failed.iter().map(|(id, e)| format!("task {id}: {}", oml_data::error_chain(e))).collect::<Vec<_>>().join("; "))]
    Suite {
        /// The suite's id or alias, as given.
        suite: String,
        /// How many tasks the suite has.
        total: usize,
        /// The tasks that failed, with why.
        failed: Vec<(i64, Box<Error>)>,
    },
    /// A task or dataset document lacks what is needed to fetch the rest.
    #[error("{}: {detail}", path.display())]
    Incomplete {
        /// The cached document.
        path: PathBuf,
        /// What is missing.
        detail: String,
    },
    /// A cache file could not be read or written: oml-data's [`oml_data::Error::Io`] (the
    /// action, the file or directory and the operating system's reason).
    #[error(transparent)]
    Io(Box<oml_data::Error>),
    /// Publishing needs an API key and none was given.
    #[error(
        "publishing needs an OpenML API key: pass --api-key KEY, set OPENML_API_KEY, or put \
         `apikey = KEY` in openml-python's config file (~/.config/openml/config)"
    )]
    NoApiKey,
    /// The run directory records that it was published to this server already.
    #[error("{} was already published to {server} as run {run_id} ({})", dir.display(), record.display())]
    AlreadyPublished {
        /// The run directory.
        dir: PathBuf,
        /// The server's API URL.
        server: String,
        /// The run id the server gave it.
        run_id: i64,
        /// The record (`published.json`).
        record: PathBuf,
    },
    /// A run directory could not be read.
    #[error(transparent)]
    Run(#[from] oml_run::Error),
    /// Bad settings (a zero number of tries, a cache of another server, ...).
    #[error("invalid settings: {0}")]
    Config(String),
    /// A task error, such as a file missing from the cache in offline mode.
    #[error(transparent)]
    Task(#[from] oml_task::Error),
    /// A dataset document could not be parsed.
    #[error(transparent)]
    Data(#[from] oml_data::Error),
}

impl Error {
    /// The error of file operation `action` on `path`, which failed with `source`.
    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io(Box::new(oml_data::Error::io(action, path, source)))
    }

    /// The error with `key` taken out of every text in it (messages of servers and proxies,
    /// transport errors, URLs), for errors whose text may echo a request.
    pub fn redact(self, key: &ApiKey) -> Error {
        let r = |text: String| key.redact(&text);
        match self {
            Error::Server { url, error } => Error::Server {
                url: r(url),
                error: ServerError {
                    message: r(error.message),
                    additional_information: error.additional_information.map(r),
                    ..error
                },
            },
            Error::Transport { url, kind } => Error::Transport {
                url: r(url),
                kind: r(kind),
            },
            Error::GaveUp { url, tries, last } => Error::GaveUp {
                url: r(url),
                tries,
                last: Box::new(last.redact(key)),
            },
            Error::RunMayBeStored { cause } => Error::RunMayBeStored {
                cause: Box::new(cause.redact(key)),
            },
            Error::Malformed { url, detail } => Error::Malformed {
                url: r(url),
                detail: r(detail),
            },
            Error::Checksum {
                url,
                path,
                expected,
                actual,
            } => Error::Checksum {
                url: r(url),
                path,
                expected,
                actual,
            },
            Error::Suite {
                suite,
                total,
                failed,
            } => Error::Suite {
                suite,
                total,
                failed: failed
                    .into_iter()
                    .map(|(id, e)| (id, Box::new(e.redact(key))))
                    .collect(),
            },
            Error::Incomplete { path, detail } => Error::Incomplete {
                path,
                detail: r(detail),
            },
            Error::Config(text) => Error::Config(r(text)),
            other => other,
        }
    }

    /// The OpenML error code, when the server (finally) answered with one.
    pub fn server_code(&self) -> Option<i64> {
        match self {
            Error::Server { error, .. } => error.code,
            Error::GaveUp { last, .. } => last.server_code(),
            Error::RunMayBeStored { cause } => cause.server_code(),
            _ => None,
        }
    }

    /// Whether trying again may succeed: timeouts and connection failures, HTTP 5xx, and
    /// OpenML's [`TRANSIENT_CODES`]. Client errors (4xx) are not retried.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport { .. } => true,
            Error::Server { error, .. } => {
                error.status >= 500
                    || error
                        .code
                        .is_some_and(|code| TRANSIENT_CODES.contains(&code))
            }
            _ => false,
        }
    }
}

/// An error answer of the server: the HTTP status and, when the body is OpenML's
/// `<oml:error>` document, its code, message and additional information.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    /// The HTTP status.
    pub status: u16,
    /// `oml:code`.
    pub code: Option<i64>,
    /// `oml:message`, or the start of a body that is not an OpenML error.
    pub message: String,
    /// `oml:additional_information`.
    pub additional_information: Option<String>,
}

impl ServerError {
    /// The error in `body`, an answer with HTTP status `status`.
    pub fn parse(status: u16, body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(body);
        let code = element(&text, "code").and_then(|c| c.trim().parse().ok());
        let message = match element(&text, "message") {
            Some(m) => m.trim().to_owned(),
            None => text.trim().chars().take(200).collect(),
        };
        let additional_information = element(&text, "additional_information")
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty());
        ServerError {
            status,
            code,
            message,
            additional_information,
        }
    }
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, ", OpenML error {code}")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(info) = &self.additional_information {
            write!(f, " ({info})")?;
        }
        Ok(())
    }
}

/// The text of the first `<oml:name>` (or `<name>`) element, entities resolved.
fn element(text: &str, name: &str) -> Option<String> {
    for open in [format!("<oml:{name}>"), format!("<{name}>")] {
        if let Some(start) = text.find(&open) {
            let rest = &text[start + open.len()..];
            let end = rest.find("</")?;
            return Some(unescape(&rest[..end]));
        }
    }
    None
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_openml_errors() {
        let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<oml:error xmlns:oml="http://openml.org/openml">
  <oml:code>107</oml:code>
  <oml:message>Database connection error &amp; more</oml:message>
  <oml:additional_information>try later</oml:additional_information>
</oml:error>"#;
        let e = ServerError::parse(412, body);
        assert_eq!(e.code, Some(107));
        assert_eq!(e.message, "Database connection error & more");
        assert_eq!(
            e.to_string(),
            "HTTP 412, OpenML error 107: Database connection error & more (try later)"
        );
        let plain = ServerError::parse(502, b"Bad Gateway");
        assert_eq!((plain.code, plain.message.as_str()), (None, "Bad Gateway"));
    }

    #[test]
    fn transient_errors() {
        let server = |status, code| Error::Server {
            url: "u".into(),
            error: ServerError {
                status,
                code,
                message: String::new(),
                additional_information: None,
            },
        };
        assert!(server(500, None).is_transient());
        assert!(server(412, Some(107)).is_transient());
        assert!(!server(412, Some(111)).is_transient());
        assert!(!server(404, None).is_transient());
    }
}
