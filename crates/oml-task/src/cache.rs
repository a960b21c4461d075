//! The OpenML cache in openml-python's layout: where its root is, which sub-directory each
//! server gets, and where each task and dataset file lives.
//!
//! Only paths are computed here; nothing is downloaded. A file that is not there is an
//! [`Error::NotCached`] naming the file and the `oml fetch` command that would fetch it
//! (oml-api downloads; openml-python's `openml.tasks.get_task(id, download_splits=True)` and
//! `oml task write` fill the same cache).

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::openml_config::OpenmlConfig;

/// An OpenML server, which decides the cache sub-directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Server {
    /// `https://www.openml.org/api/v1/xml`, cached under `org/openml/www`.
    #[default]
    Www,
    /// `https://test.openml.org/api/v1/xml`, cached under `org/openml/test`.
    Test,
    /// Any other server, by its URL (`http://localhost:8000/api/v1/xml`) or bare host
    /// (`openml.example.org`).
    Url(String),
}

impl Server {
    /// The server's API URL (for [`Server::Url`], the URL as given).
    pub fn url(&self) -> &str {
        match self {
            Server::Www => "https://www.openml.org/api/v1/xml",
            Server::Test => "https://test.openml.org/api/v1/xml",
            Server::Url(url) => url,
        }
    }

    /// The cache sub-directory of the server, relative to the cache root, as openml-python
    /// derives it: the URL's host (with its port) split at dots and reversed, so
    /// `www.openml.org` gives `org/openml/www` and `test.openml.org` gives `org/openml/test`.
    /// A `:` (before a port) becomes `_`, so `localhost:8000` gives `localhost_8000` (as
    /// openml-python 0.16 names it; 0.15 keeps the `:`). A string without `://` is taken as a
    /// bare host; empty labels are skipped.
    pub fn cache_subdir(&self) -> PathBuf {
        let url = self.url();
        let host = match url.find("://") {
            Some(i) => &url[i + 3..],
            None => url,
        };
        let host = host.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.rsplit('@').next().unwrap_or_default();
        host.split('.')
            .rev()
            .filter(|label| !label.is_empty())
            .map(|label| label.replace(':', "_"))
            .collect()
    }
}

/// `www`, `test`, or a URL (or bare host) of another server.
impl FromStr for Server {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "" => Err(Error::Invalid(
                "empty server; expected www, test or a URL".into(),
            )),
            "www" => Ok(Server::Www),
            "test" => Ok(Server::Test),
            url => Ok(Server::Url(url.to_owned())),
        }
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url())
    }
}

/// What decides the default cache root: the environment, the user's home, the platform and
/// openml-python's config file. [`CacheEnv::root`] is a pure function of these (plus a probe
/// for which directories exist), so it can be tested without touching the real environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheEnv {
    /// `$OPENML_CACHE_DIR`.
    pub openml_cache_dir: Option<OsString>,
    /// `$XDG_CACHE_HOME`.
    pub xdg_cache_home: Option<OsString>,
    /// The `cachedir` of openml-python's config file, when it sets one.
    pub config_cachedir: Option<String>,
    /// The user's home directory.
    pub home: Option<PathBuf>,
    /// Whether the platform is Linux (openml-python uses `~/.openml` elsewhere).
    pub linux: bool,
}

impl CacheEnv {
    /// The environment of this process: `OPENML_CACHE_DIR`, `XDG_CACHE_HOME`, the home
    /// directory, and the `cachedir` of openml-python's config file
    /// ([`OpenmlConfig::from_process`]; an unreadable file counts as absent).
    pub fn from_process() -> Self {
        CacheEnv {
            config_cachedir: OpenmlConfig::from_process()
                .get("cachedir")
                .map(str::to_owned),
            ..CacheEnv::from_process_without_config()
        }
    }

    /// This process's environment without openml-python's config file (`config_cachedir`
    /// unset), for a caller that has read the file already.
    pub fn from_process_without_config() -> Self {
        CacheEnv {
            openml_cache_dir: std::env::var_os("OPENML_CACHE_DIR"),
            xdg_cache_home: std::env::var_os("XDG_CACHE_HOME"),
            config_cachedir: None,
            home: std::env::home_dir(),
            linux: cfg!(target_os = "linux"),
        }
    }

    /// The cache root, as openml-python resolves it:
    ///
    /// 1. `$OPENML_CACHE_DIR`;
    /// 2. else the config file's `cachedir`;
    /// 3. else, off Linux, `~/.openml`;
    /// 4. else `~/.cache/openml` when `$XDG_CACHE_HOME` is unset;
    /// 5. else `$XDG_CACHE_HOME/openml`, except that when that directory does not exist but
    ///    `$XDG_CACHE_HOME/org/openml` does (openml-python's old layout), `$XDG_CACHE_HOME`
    ///    itself.
    ///
    /// `exists` tells whether a directory exists (only step 5 asks). A leading `~` is the home
    /// directory. Unlike openml-python, an empty variable counts as unset (as the XDG spec
    /// says), rather than as the current directory. Fails when the home directory is needed
    /// but unknown.
    pub fn root(&self, exists: impl Fn(&Path) -> bool) -> Result<PathBuf> {
        if let Some(dir) = non_empty(self.openml_cache_dir.clone()) {
            return self.expand(Path::new(&dir));
        }
        if let Some(dir) = self.config_cachedir.as_deref().filter(|d| !d.is_empty()) {
            return self.expand(Path::new(dir));
        }
        if !self.linux {
            return Ok(self.home()?.join(".openml"));
        }
        let Some(xdg) = non_empty(self.xdg_cache_home.clone()) else {
            return Ok(self.home()?.join(".cache").join("openml"));
        };
        let xdg = PathBuf::from(xdg);
        let current = xdg.join("openml");
        if !exists(&current) && exists(&xdg.join("org").join("openml")) {
            return Ok(xdg);
        }
        Ok(current)
    }

    fn home(&self) -> Result<&Path> {
        self.home.as_deref().ok_or_else(|| {
            Error::Invalid(
                "cannot find the OpenML cache: the home directory is unknown; set \
                 OPENML_CACHE_DIR or pass --cache-dir"
                    .into(),
            )
        })
    }

    /// `path` with a leading `~` replaced by the home directory.
    fn expand(&self, path: &Path) -> Result<PathBuf> {
        match path.strip_prefix("~") {
            Ok(rest) => Ok(self.home()?.join(rest)),
            Err(_) => Ok(path.to_path_buf()),
        }
    }
}

fn non_empty(value: Option<OsString>) -> Option<OsString> {
    value.filter(|v| !v.is_empty())
}

/// An OpenML cache directory: a root and the sub-directory of one server.
///
/// Paths under the server directory follow openml-python: `tasks/<id>/task.xml`,
/// `tasks/<id>/datasplits.arff`, `datasets/<id>/description.xml`, `features.xml`,
/// `qualities.xml`, `dataset.arff` and `dataset_<id>.pq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    root: PathBuf,
    server: Server,
    dir: PathBuf,
}

impl Cache {
    /// The cache at `root` (what openml-python's `set_root_cache_directory` takes) for
    /// `server`.
    pub fn new(root: impl Into<PathBuf>, server: Server) -> Self {
        let root = root.into();
        let dir = root.join(server.cache_subdir());
        Cache { root, server, dir }
    }

    /// The cache at the default root of this process ([`CacheEnv::from_process`],
    /// [`CacheEnv::root`]) for `server`.
    pub fn from_env(server: Server) -> Result<Self> {
        let root = CacheEnv::from_process().root(Path::is_dir)?;
        Ok(Cache::new(root, server))
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The server.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// The server's directory: the root joined with [`Server::cache_subdir`].
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `tasks/<task_id>` under the server directory.
    pub fn task_dir(&self, task_id: i64) -> PathBuf {
        self.dir.join("tasks").join(task_id.to_string())
    }

    /// `datasets/<dataset_id>` under the server directory.
    pub fn dataset_dir(&self, dataset_id: i64) -> PathBuf {
        self.dir.join("datasets").join(dataset_id.to_string())
    }

    /// `tasks/<task_id>/task.xml`, which must exist.
    pub fn task_xml(&self, task_id: i64) -> Result<PathBuf> {
        existing(self.task_dir(task_id).join(TASK_XML), fetch_task(task_id))
    }

    /// `tasks/<task_id>/datasplits.arff`, which must exist.
    pub fn splits_arff(&self, task_id: i64) -> Result<PathBuf> {
        existing(
            self.task_dir(task_id).join(SPLITS_ARFF),
            fetch_task(task_id),
        )
    }

    /// `datasets/<dataset_id>/description.xml`, which must exist.
    pub fn description_xml(&self, dataset_id: i64) -> Result<PathBuf> {
        let path = self.dataset_dir(dataset_id).join(DESCRIPTION_XML);
        existing(path, fetch_dataset(dataset_id))
    }

    /// `datasets/<dataset_id>/features.xml`, which must exist.
    pub fn features_xml(&self, dataset_id: i64) -> Result<PathBuf> {
        let path = self.dataset_dir(dataset_id).join(FEATURES_XML);
        existing(path, fetch_dataset(dataset_id))
    }

    /// `datasets/<dataset_id>/qualities.xml`, which must exist.
    pub fn qualities_xml(&self, dataset_id: i64) -> Result<PathBuf> {
        let path = self.dataset_dir(dataset_id).join(QUALITIES_XML);
        existing(path, fetch_dataset(dataset_id))
    }

    /// The data file of a dataset: `dataset_<id>.pq` when present (openml-python prefers
    /// Parquet and older caches call it `dataset.pq`, which is accepted too), else
    /// `dataset.arff`. When none exists, the error names `dataset.arff`.
    pub fn data_file(&self, dataset_id: i64) -> Result<PathBuf> {
        data_file_in(&self.dataset_dir(dataset_id), Some(dataset_id))
            .ok_or_else(|| not_cached(self.dataset_dir(dataset_id).join(DATA_ARFF), dataset_id))
    }
}

pub(crate) const TASK_XML: &str = "task.xml";
pub(crate) const SPLITS_ARFF: &str = "datasplits.arff";
pub(crate) const DESCRIPTION_XML: &str = "description.xml";
pub(crate) const FEATURES_XML: &str = "features.xml";
pub(crate) const QUALITIES_XML: &str = "qualities.xml";
pub(crate) const DATA_ARFF: &str = "dataset.arff";

/// The data file in a dataset directory: `dataset_<id>.pq`, `dataset.pq`, then `dataset.arff`.
pub(crate) fn data_file_in(dir: &Path, dataset_id: Option<i64>) -> Option<PathBuf> {
    let parquet = dataset_id.map(|id| format!("dataset_{id}.pq"));
    parquet
        .as_deref()
        .into_iter()
        .chain(["dataset.pq", DATA_ARFF])
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

pub(crate) fn not_cached(path: PathBuf, dataset_id: i64) -> Error {
    Error::NotCached {
        path,
        fetch: fetch_dataset(dataset_id),
    }
}

fn existing(path: PathBuf, fetch: String) -> Result<PathBuf> {
    if path.is_file() {
        Ok(path)
    } else {
        Err(Error::NotCached { path, fetch })
    }
}

fn fetch_task(task_id: i64) -> String {
    format!("oml fetch task {task_id}")
}

fn fetch_dataset(dataset_id: i64) -> String {
    format!("oml fetch dataset {dataset_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_directories() {
        let dir = |s: &str| s.parse::<Server>().unwrap().cache_subdir();
        assert_eq!(dir("www"), Path::new("org/openml/www"));
        assert_eq!(dir("test"), Path::new("org/openml/test"));
        assert_eq!(
            dir("https://www.openml.org/api/v1/xml"),
            Path::new("org/openml/www")
        );
        assert_eq!(
            dir("http://localhost:8000/api/v1/xml"),
            Path::new("localhost_8000")
        );
        assert_eq!(
            dir("https://user@openml.example.org:8443/api?x#y"),
            Path::new("org_8443/example/openml")
        );
        assert_eq!(dir("openml.example.org"), Path::new("org/example/openml"));
        assert!("".parse::<Server>().is_err());
        assert_eq!(Server::default().to_string(), Server::Www.url());
    }
}
