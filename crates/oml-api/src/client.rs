//! The HTTP client: one GET with timeouts, retried with backoff.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use md5::{Digest, Md5};
use oml_task::Server;

use crate::config::{ApiKey, Settings};
use crate::error::{Error, Result, ServerError};
use crate::retry::{Jitter, backoff_delay};

/// What a client says while it works: each request as it starts, and each wait before a
/// retry, as one line of text (the URL without its query, never the key).
pub type Progress = Arc<dyn Fn(&str) + Send + Sync>;

/// Configures a [`Client`]: the server, the API key, timeouts, retries and offline mode.
#[derive(Clone)]
pub struct ClientBuilder {
    server: Server,
    api_key: Option<ApiKey>,
    connect_timeout: Duration,
    timeout: Duration,
    max_tries: u32,
    base_delay: Duration,
    offline: bool,
    progress: Option<Progress>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("server", &self.server)
            .field("api_key", &self.api_key)
            .field("max_tries", &self.max_tries)
            .field("offline", &self.offline)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder::new()
    }
}

impl ClientBuilder {
    /// A builder with the defaults given by each setter.
    pub fn new() -> Self {
        ClientBuilder {
            server: Server::Www,
            api_key: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(300),
            max_tries: 5,
            base_delay: Duration::from_secs(1),
            offline: false,
            progress: None,
        }
    }

    /// A builder with the server and key of `settings`.
    pub fn from_settings(settings: Settings) -> Self {
        let mut builder = ClientBuilder::new();
        builder.server(settings.server).api_key(settings.api_key);
        builder
    }

    /// The server to talk to. By default, [`Server::Www`].
    pub fn server(&mut self, server: Server) -> &mut Self {
        self.server = server;
        self
    }

    /// The API key, sent as the `api_key` query parameter to the server's API (never to
    /// other hosts, such as the one serving Parquet files). By default, none.
    pub fn api_key(&mut self, key: Option<ApiKey>) -> &mut Self {
        self.api_key = key;
        self
    }

    /// How long to wait for a connection. By default, 10 seconds.
    pub fn connect_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one try may take, from connecting to the end of the body. By default, 300
    /// seconds.
    pub fn timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = timeout;
        self
    }

    /// How many times a request is tried before giving up (at least 1). Only transient
    /// failures are tried again ([`Error::is_transient`]). By default, 5.
    pub fn max_tries(&mut self, tries: u32) -> &mut Self {
        self.max_tries = tries;
        self
    }

    /// The wait after the first failed try; it doubles after each further one (up to a
    /// minute), scaled by a random factor between 0.5 and 1 ([`crate::backoff_delay`]). By
    /// default, 1 second.
    pub fn base_delay(&mut self, delay: Duration) -> &mut Self {
        self.base_delay = delay;
        self
    }

    /// Whether to stay off the network: fetching then only checks the cache, and a missing
    /// file is an error naming it and the `oml fetch` command. By default, false.
    pub fn offline(&mut self, yes: bool) -> &mut Self {
        self.offline = yes;
        self
    }

    /// Reports what the client is waiting for (`downloading URL`, `waiting 2 s before trying
    /// URL again`), for a command to show. By default, nothing is reported.
    pub fn progress(&mut self, report: impl Fn(&str) + Send + Sync + 'static) -> &mut Self {
        self.progress = Some(Arc::new(report));
        self
    }

    /// The client. Fails when `max_tries` is 0, the server URL is not http(s), or the TLS
    /// backend cannot start.
    pub fn build(&self) -> Result<Client> {
        if self.max_tries == 0 {
            return Err(Error::Config("max_tries must be at least 1".into()));
        }
        let api = self.server.url().trim_end_matches('/').to_owned();
        let api_url = reqwest::Url::parse(&api)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
            .ok_or_else(|| {
                Error::Config(format!("server {api} is not an http:// or https:// URL"))
            })?;
        if !api_url.username().is_empty() || api_url.password().is_some() {
            return Err(Error::Config(format!(
                "server {} has a user name or password in its URL; give the API key instead",
                strip_query(&api_url.origin().ascii_serialization())
            )));
        }
        // A request to the API carries the key (in its query or its form body, which a 307 or
        // 308 redirect sends again): it follows redirects inside the API only.
        let redirect_api = api_url.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            let first = attempt.previous().first();
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else if !redirect_allowed(&redirect_api, first, attempt.url()) {
                let to = strip_query(&attempt.url().origin().ascii_serialization());
                attempt.error(format!(
                    "the server redirected a request of its API to {to}, outside the API; \
                     oml sends the API key only to the server's API and does not follow it"
                ))
            } else {
                attempt.follow()
            }
        });
        let http = reqwest::blocking::Client::builder()
            .redirect(redirects)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(concat!("oml/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                Error::Config(format!("cannot start the HTTP client: {}", e.without_url()))
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                api,
                api_url,
                server: self.server.clone(),
                api_key: self.api_key.clone(),
                max_tries: self.max_tries,
                base_delay: self.base_delay,
                offline: self.offline,
                jitter: Jitter::from_clock(),
                progress: self.progress.clone(),
            }),
        })
    }
}

/// A client of one OpenML server, cheap to clone. Built by [`ClientBuilder`]; its settings
/// cannot change.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::blocking::Client,
    /// The API URL without a trailing `/`.
    api: String,
    /// The same, parsed: the key goes only to URLs of its origin under its path.
    api_url: reqwest::Url,
    server: Server,
    api_key: Option<ApiKey>,
    max_tries: u32,
    base_delay: Duration,
    offline: bool,
    jitter: Jitter,
    progress: Option<Progress>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api", &self.inner.api)
            .field("api_key", &self.inner.api_key)
            .field("max_tries", &self.inner.max_tries)
            .field("offline", &self.inner.offline)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// The server.
    pub fn server(&self) -> &Server {
        &self.inner.server
    }

    /// Whether the client stays off the network.
    pub fn is_offline(&self) -> bool {
        self.inner.offline
    }

    /// The URL of `path` (`task/1`) under the server's API.
    pub fn api_url(&self, path: &str) -> String {
        format!("{}/{}", self.inner.api, path.trim_start_matches('/'))
    }

    /// Whether `url` is under the server's API: the same scheme, host and port, no user name
    /// or password, and a path inside the API's path (segment by segment). Only such URLs
    /// get the API key; a URL that merely starts with the server's text does not.
    pub fn is_api_url(&self, url: &str) -> bool {
        reqwest::Url::parse(url).is_ok_and(|url| under_api(&self.inner.api_url, &url))
    }

    /// `error` with the API key taken out of every message in it, in any encoding a server or
    /// proxy might echo it in.
    pub(crate) fn redact(&self, error: Error) -> Error {
        match &self.inner.api_key {
            Some(key) => error.redact(key),
            None => error,
        }
    }

    /// The HTTP client.
    pub(crate) fn http(&self) -> &reqwest::blocking::Client {
        &self.inner.http
    }

    /// The API key, if any.
    pub(crate) fn key(&self) -> Option<&ApiKey> {
        self.inner.api_key.as_ref()
    }

    /// The server's root (the API URL without `/api/v1/xml`), where `data/download` is.
    pub(crate) fn root_url(&self) -> &str {
        let api = self.inner.api.as_str();
        api.strip_suffix("/api/v1/xml")
            .or_else(|| api.strip_suffix("/api/v1"))
            .unwrap_or(api)
    }

    /// The body of a GET of `url`, tried up to `max_tries` times while the failure is
    /// transient, waiting with exponential backoff and jitter in between. The API key goes
    /// along when `url` is under the server's API.
    pub fn get(&self, url: &str) -> Result<Vec<u8>> {
        self.with_retries(url, || {
            let response = self.get_once(url)?;
            let body = response.bytes().map_err(|e| transport(url, &e))?;
            Ok(body.to_vec())
        })
    }

    /// Streams a GET of `url` into a temporary file in `path`'s directory, retried as
    /// [`Client::get`] does, and hands the finished file and the MD5 of its bytes (lower-case
    /// hex) to `check`. Only when `check` accepts it is the file synced and renamed to `path`;
    /// otherwise, or on any failure, the temporary file is removed and `path` is untouched.
    pub fn download(
        &self,
        url: &str,
        path: &Path,
        check: impl Fn(&mut File, &str) -> Result<()>,
    ) -> Result<()> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).map_err(|source| Error::io("create", dir, source))?;
        let io = |action, source| Error::io(action, path, source);
        let mut temp = self.with_retries(url, || {
            let mut response = self.get_once(url)?;
            let temp = oml_data::temporary_file_in(dir)
                .map_err(|e| io("create a temporary file for", e))?;
            let mut writer = Md5Writer {
                inner: BufWriter::new(temp),
                hasher: Md5::new(),
            };
            response
                .copy_to(&mut writer)
                .map_err(|e| transport(url, &e))?;
            let md5: String = writer
                .hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let temp = writer
                .inner
                .into_inner()
                .map_err(|e| io("write", e.into_error()))?;
            Ok((temp, md5))
        })?;
        check(temp.0.as_file_mut(), &temp.1)?;
        temp.0.as_file().sync_all().map_err(|e| io("write", e))?;
        temp.0.persist(path).map_err(|e| io("write", e.error))?;
        Ok(())
    }

    /// Runs `attempt` until it succeeds, fails for good, or has been tried `max_tries`
    /// times.
    fn with_retries<T>(&self, url: &str, attempt: impl FnMut() -> Result<T>) -> Result<T> {
        self.with_retries_if(url, Error::is_transient, attempt)
    }

    /// As [`Client::with_retries`], trying again only after failures `retry` accepts.
    /// Every error it returns has the API key redacted.
    pub(crate) fn with_retries_if<T>(
        &self,
        url: &str,
        retry: impl Fn(&Error) -> bool,
        attempt: impl FnMut() -> Result<T>,
    ) -> Result<T> {
        self.retrying(url, retry, attempt)
            .map_err(|e| self.redact(e))
    }

    fn retrying<T>(
        &self,
        url: &str,
        retry: impl Fn(&Error) -> bool,
        mut attempt: impl FnMut() -> Result<T>,
    ) -> Result<T> {
        let inner = &self.inner;
        if inner.offline {
            return Err(Error::Config(format!(
                "offline: not fetching {}",
                strip_query(url)
            )));
        }
        let mut tries = 0;
        loop {
            tries += 1;
            if let Some(progress) = &inner.progress {
                progress(&format!("downloading {}", strip_query(url)));
            }
            let error = match attempt() {
                Ok(value) => return Ok(value),
                Err(e) => e,
            };
            if !retry(&error) {
                return Err(error);
            }
            if tries >= inner.max_tries {
                return Err(if tries == 1 {
                    error
                } else {
                    Error::GaveUp {
                        url: strip_query(url),
                        tries,
                        last: Box::new(error),
                    }
                });
            }
            let unit = inner.jitter.next_unit();
            let delay = backoff_delay(inner.base_delay, tries, unit);
            if let Some(progress) = &inner.progress {
                progress(&format!(
                    "{}; waiting {:.1} s before try {} of {}",
                    self.redact(error),
                    delay.as_secs_f64(),
                    tries + 1,
                    inner.max_tries
                ));
            }
            std::thread::sleep(delay);
        }
    }

    /// One GET: the response when its status is 200, else the server's error.
    fn get_once(&self, url: &str) -> Result<reqwest::blocking::Response> {
        let inner = &self.inner;
        let request = match &inner.api_key {
            Some(key) if self.is_api_url(url) => {
                let separator = if url.contains('?') { '&' } else { '?' };
                let key = percent_encode(key.expose());
                inner.http.get(format!("{url}{separator}api_key={key}"))
            }
            _ => inner.http.get(url),
        };
        let response = request.send().map_err(|e| transport(url, &e))?;
        let status = response.status().as_u16();
        if status == 200 {
            return Ok(response);
        }
        let body = response.bytes().map_err(|e| transport(url, &e))?;
        Err(self.server_error(url, status, &body))
    }

    /// The error of an answer with HTTP status `status` and `body`, the key redacted from the
    /// body before any of it is kept (a cut message must not keep part of a key).
    pub(crate) fn server_error(&self, url: &str, status: u16, body: &[u8]) -> Error {
        let error = match &self.inner.api_key {
            Some(key) => ServerError::parse(
                status,
                key.redact(&String::from_utf8_lossy(body)).as_bytes(),
            ),
            None => ServerError::parse(status, body),
        };
        Error::Server {
            url: strip_query(url),
            error,
        }
    }
}

/// The most redirects one request follows (reqwest's default).
const MAX_REDIRECTS: usize = 10;

/// Whether a request that started at `first` may follow a redirect to `next`: always, unless
/// it started under the API at `api` (and so carries the key), which it may leave only for the
/// same API over https (an http server's upgrade).
fn redirect_allowed(api: &reqwest::Url, first: Option<&reqwest::Url>, next: &reqwest::Url) -> bool {
    if !first.is_some_and(|first| under_api(api, first)) {
        return true;
    }
    let mut secure = api.clone();
    let upgraded =
        api.scheme() == "http" && api.port().is_none() && secure.set_scheme("https").is_ok();
    under_api(api, next) || (upgraded && under_api(&secure, next))
}

/// Whether `url` is under the API at `api` ([`Client::is_api_url`]).
fn under_api(api: &reqwest::Url, url: &reqwest::Url) -> bool {
    let api_path = api.path().trim_end_matches('/');
    let path = url.path();
    url.scheme() == api.scheme()
        && url.host() == api.host()
        && url.port_or_known_default() == api.port_or_known_default()
        && url.username().is_empty()
        && url.password().is_none()
        && (path == api_path
            || path
                .strip_prefix(api_path)
                .is_some_and(|rest| rest.starts_with('/')))
}

/// Hashes everything written through it.
struct Md5Writer<W> {
    inner: W,
    hasher: Md5,
}

impl<W: Write> Write for Md5Writer<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

pub(crate) fn transport(url: &str, e: &reqwest::Error) -> Error {
    Error::Transport {
        url: strip_query(url),
        kind: describe(e),
    }
}

/// `url` without its query (where a key could be) and fragment.
pub(crate) fn strip_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or_default().to_owned()
}

/// `text` with every byte but ASCII letters, digits and `-._~` percent-encoded.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// reqwest's error without its URL, with its causes.
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "cannot read the body"
    } else {
        "request failed"
    };
    oml_data::append_causes(kind.to_owned(), std::error::Error::source(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request of the API follows redirects inside the API, and from http to the same API
    /// over https; any other origin is refused. Other requests follow any redirect.
    #[test]
    fn redirects_leave_the_api_only_for_its_https_self() {
        let url = |text: &str| reqwest::Url::parse(text).unwrap();
        let api = url("http://openml.example/api/v1/xml");
        let first = url("http://openml.example/api/v1/xml/task/1?api_key=k");
        let allowed = |next: &str| redirect_allowed(&api, Some(&first), &url(next));
        assert!(allowed("http://openml.example/api/v1/xml/task/2"));
        assert!(allowed(
            "https://openml.example/api/v1/xml/task/1?api_key=k"
        ));
        assert!(!allowed("https://openml.example:8443/api/v1/xml/task/1"));
        assert!(!allowed("http://other.example/api/v1/xml/task/1"));
        assert!(!allowed("https://other.example/api/v1/xml/task/1"));
        assert!(!allowed("http://openml.example/elsewhere"));
        let secure = url("https://openml.example/api/v1/xml");
        let first_secure = url("https://openml.example/api/v1/xml/task/1");
        let next = url("http://openml.example/api/v1/xml/task/1");
        assert!(
            !redirect_allowed(&secure, Some(&first_secure), &next),
            "no downgrade"
        );
        let data = url("http://openml.example/data/v1/download/1");
        assert!(redirect_allowed(
            &api,
            Some(&data),
            &url("https://minio.example/x")
        ));
    }

    #[test]
    fn builder_checks_its_settings() {
        assert!(ClientBuilder::new().max_tries(0).build().is_err());
        let ftp = Server::Url("ftp://example.org".into());
        assert!(ClientBuilder::new().server(ftp).build().is_err());
    }

    #[test]
    fn urls() {
        let client = ClientBuilder::new().server(Server::Test).build().unwrap();
        assert_eq!(
            client.api_url("task/3"),
            "https://test.openml.org/api/v1/xml/task/3"
        );
        assert_eq!(client.root_url(), "https://test.openml.org");
        assert_eq!(strip_query("http://h/a?api_key=k#x"), "http://h/a");
        assert_eq!(percent_encode("a1-_ /&"), "a1-_%20%2F%26");
    }

    #[test]
    fn debug_hides_the_key() {
        let client = ClientBuilder::new()
            .api_key(ApiKey::new("secret-key-123"))
            .build()
            .unwrap();
        assert!(!format!("{client:?}").contains("secret-key-123"));
    }
}
