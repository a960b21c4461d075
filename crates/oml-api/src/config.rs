//! Which server and API key to use: flags, then the environment, then openml-python's
//! config file (found and parsed by oml-task's [`OpenmlConfig`]).

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use oml_task::{OpenmlConfig, Server};

use crate::error::{Error, Result};

/// An OpenML API key. It has no `Display`, its `Debug` is redacted, and only this crate
/// reads it (to send it to the server).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// The key `key`; surrounding whitespace is dropped, and an empty key is none.
    pub fn new(key: impl Into<String>) -> Option<Self> {
        let key = key.into();
        let key = key.trim();
        (!key.is_empty()).then(|| ApiKey(key.to_owned()))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with the key replaced by `<redacted>` wherever it appears: as given, and
    /// percent-encoded (upper- or lower-case hex, `+` for a space) as URLs and form bodies
    /// carry it, which is how servers and proxies echo it back.
    pub fn redact(&self, text: &str) -> String {
        let encoded = crate::client::percent_encode(&self.0);
        let forms = [
            self.0.clone(),
            encoded.clone(),
            encoded.to_lowercase(),
            encoded.replace("%20", "+"),
        ];
        let mut out = text.to_owned();
        for form in forms {
            if !form.is_empty() && out.contains(&form) {
                out = out.replace(&form, "<redacted>");
            }
        }
        out
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// What the command line says about the server and the key (each may be absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    /// `--server`: `www`, `test` or a URL.
    pub server: Option<String>,
    /// An API key given on the command line or by a program.
    pub api_key: Option<ApiKey>,
}

/// The server and API key to use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// The server.
    pub server: Server,
    /// The API key, when one is known; fetching public data needs none.
    pub api_key: Option<ApiKey>,
}

impl Settings {
    /// Resolves the server and the key, each on its own, from the first source that gives
    /// it: `flags`, then the environment variables `OPENML_SERVER` and `OPENML_API_KEY`
    /// (looked up by `env`), then the `server` and `apikey` lines of openml-python's config
    /// file `config` (its text). Without any, the server is www and there is no key. The
    /// server's well-known URLs are recognised as [`Server::Www`] and [`Server::Test`].
    pub fn resolve(
        flags: &Flags,
        env: impl Fn(&str) -> Option<String>,
        config: Option<&str>,
    ) -> Result<Self> {
        let config = config.map(OpenmlConfig::parse).unwrap_or_default();
        Settings::resolve_with(flags, env, &config)
    }

    /// [`Settings::resolve`] in this process: its environment and openml-python's config file
    /// ([`OpenmlConfig::from_process`]: an unreadable file counts as absent).
    pub fn from_process(flags: &Flags) -> Result<Self> {
        let env = |name: &str| std::env::var(name).ok();
        Settings::resolve_with(flags, env, &OpenmlConfig::from_process())
    }

    /// [`Settings::resolve`] with the config file parsed already (a program that reads it
    /// once for several commands).
    pub fn resolve_with(
        flags: &Flags,
        env: impl Fn(&str) -> Option<String>,
        config: &OpenmlConfig,
    ) -> Result<Self> {
        let from_config = |key: &str| config.get(key).map(str::to_owned);
        let server = flags
            .server
            .clone()
            .or_else(|| env("OPENML_SERVER").filter(|s| !s.trim().is_empty()))
            .or_else(|| from_config("server").filter(|s| !s.is_empty()));
        let server = match server {
            Some(text) => parse_server(&text)?,
            None => Server::Www,
        };
        let api_key = flags
            .api_key
            .clone()
            .or_else(|| env("OPENML_API_KEY").and_then(ApiKey::new))
            .or_else(|| from_config("apikey").and_then(ApiKey::new));
        Ok(Settings { server, api_key })
    }
}

/// openml-python's config file on this platform, from `$XDG_CONFIG_HOME` and the home
/// directory: [`oml_task::config_file_path`], which says where it is on which platform.
pub fn config_path(xdg_config_home: Option<OsString>, home: Option<PathBuf>) -> Option<PathBuf> {
    oml_task::config_file_path(xdg_config_home, home, cfg!(target_os = "linux"))
}

/// `www`, `test`, or a URL; the well-known URLs of www and test are those servers.
fn parse_server(text: &str) -> Result<Server> {
    let server: Server = text
        .parse()
        .map_err(|e: oml_task::Error| Error::Config(e.to_string()))?;
    let trimmed = server.url().trim_end_matches('/');
    Ok(
        if let Some(known) = [Server::Www, Server::Test]
            .into_iter()
            .find(|s| s.url() == trimmed)
        {
            known
        } else {
            server
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str =
        "# openml-python\napikey = from-config\nserver = https://test.openml.org/api/v1/xml\n";

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn key(s: &str) -> Option<ApiKey> {
        ApiKey::new(s)
    }

    #[test]
    fn defaults_to_www_without_a_key() {
        let s = Settings::resolve(&Flags::default(), env(&[]), None).unwrap();
        assert_eq!(s, Settings::default());
        assert_eq!(s.server, Server::Www);
    }

    #[test]
    fn config_file_comes_last() {
        let s = Settings::resolve(&Flags::default(), env(&[]), Some(CONFIG)).unwrap();
        assert_eq!(s.server, Server::Test);
        assert_eq!(s.api_key, key("from-config"));
    }

    #[test]
    fn environment_beats_config() {
        let vars = [("OPENML_SERVER", "www"), ("OPENML_API_KEY", "from-env")];
        let s = Settings::resolve(&Flags::default(), env(&vars), Some(CONFIG)).unwrap();
        assert_eq!(s.server, Server::Www);
        assert_eq!(s.api_key, key("from-env"));
        // Empty variables count as unset.
        let empty = [("OPENML_SERVER", ""), ("OPENML_API_KEY", " ")];
        let s = Settings::resolve(&Flags::default(), env(&empty), Some(CONFIG)).unwrap();
        assert_eq!(s.server, Server::Test);
        assert_eq!(s.api_key, key("from-config"));
    }

    #[test]
    fn flags_beat_everything() {
        let vars = [("OPENML_SERVER", "www"), ("OPENML_API_KEY", "from-env")];
        let flags = Flags {
            server: Some("http://localhost:8000/api/v1/xml".into()),
            api_key: key("from-flag"),
        };
        let s = Settings::resolve(&flags, env(&vars), Some(CONFIG)).unwrap();
        assert_eq!(
            s.server,
            Server::Url("http://localhost:8000/api/v1/xml".into())
        );
        assert_eq!(s.api_key, key("from-flag"));
        // Each is resolved on its own: a server flag leaves the key to the environment.
        let flags = Flags {
            server: Some("test".into()),
            api_key: None,
        };
        let s = Settings::resolve(&flags, env(&vars), None).unwrap();
        assert_eq!((s.server, s.api_key), (Server::Test, key("from-env")));
    }

    #[test]
    fn bad_server_is_an_error() {
        let flags = Flags {
            server: Some(" ".into()),
            api_key: None,
        };
        assert!(Settings::resolve(&flags, env(&[]), None).is_err());
    }

    #[test]
    fn key_is_redacted() {
        let s = Settings::resolve(&Flags::default(), env(&[]), Some(CONFIG)).unwrap();
        let debug = format!("{s:?} {:#?}", s.api_key);
        assert!(!debug.contains("from-config"), "{debug}");
        assert!(debug.contains("redacted"));
    }

    /// The Linux layout; [`oml_task::config_file_path`]'s tests cover the others.
    #[cfg(target_os = "linux")]
    #[test]
    fn config_file_location() {
        assert_eq!(
            config_path(Some("/x".into()), Some("/home/u".into())),
            Some(PathBuf::from("/x/openml/config"))
        );
        assert_eq!(
            config_path(Some("".into()), Some("/home/u".into())),
            Some(PathBuf::from("/home/u/.config/openml/config"))
        );
        assert_eq!(config_path(None, None), None);
    }
}
