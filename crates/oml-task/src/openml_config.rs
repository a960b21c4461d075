//! openml-python's config file: where it is and the values it sets. oml-task reads its
//! `cachedir` (the cache root, [`crate::CacheEnv`]); oml-api reads its `server` and `apikey`
//! from the same [`OpenmlConfig`], so the file is found and parsed in one place.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

/// openml-python's config file, parsed: its `key = value` lines.
///
/// Its `Debug` shows the keys only, since one of the values may be the API key (which only
/// oml-api reads).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct OpenmlConfig {
    /// The (key, value) pairs, trimmed, in file order.
    entries: Vec<(String, String)>,
}

impl OpenmlConfig {
    /// The values set by `text`, a config file's content, as Python's configparser reads it:
    /// `key = value` lines (`:` also separates), `#` and `;` starting comment lines, section
    /// headers (`[...]`) and other lines skipped.
    pub fn parse(text: &str) -> Self {
        let entries = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.starts_with(['#', ';', '[']))
            .filter_map(|line| line.split_once(['=', ':']))
            .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
            .collect();
        OpenmlConfig { entries }
    }

    /// The config file of this process: the file at [`config_file_path`] for its environment
    /// (`XDG_CONFIG_HOME`), home directory and platform. A missing or unreadable file sets
    /// nothing.
    pub fn from_process() -> Self {
        config_file_path(
            std::env::var_os("XDG_CONFIG_HOME"),
            std::env::home_dir(),
            cfg!(target_os = "linux"),
        )
        .and_then(|path| std::fs::read_to_string(path).ok())
        .map(|text| OpenmlConfig::parse(&text))
        .unwrap_or_default()
    }

    /// The value of `key`; when several lines set it, the last one.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, value)| value.as_str())
    }
}

impl fmt::Debug for OpenmlConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenmlConfig")
            .field(
                "keys",
                &self.entries.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// Where openml-python looks for its config file: on Linux (`linux`),
/// `$XDG_CONFIG_HOME/openml/config` when that variable is set and not empty, else
/// `~/.config/openml/config`; elsewhere `~/.openml/config`. `None` when the home directory is
/// needed but unknown.
pub fn config_file_path(
    xdg_config_home: Option<OsString>,
    home: Option<PathBuf>,
    linux: bool,
) -> Option<PathBuf> {
    match xdg_config_home.filter(|xdg| linux && !xdg.is_empty()) {
        Some(xdg) => Some(PathBuf::from(xdg).join("openml").join("config")),
        None if linux => home.map(|h| h.join(".config").join("openml").join("config")),
        None => home.map(|h| h.join(".openml").join("config")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_value(text: &str, key: &str) -> Option<String> {
        OpenmlConfig::parse(text).get(key).map(str::to_owned)
    }

    #[test]
    fn config_values() {
        let text = "apikey = abc\n# cachedir = /no\ncachedir=/data/openml \nserver: x\n";
        assert_eq!(
            config_value(text, "cachedir").as_deref(),
            Some("/data/openml")
        );
        assert_eq!(config_value(text, "server").as_deref(), Some("x"));
        assert_eq!(config_value(text, "retry_policy"), None);
    }

    #[test]
    fn the_last_line_wins_and_values_keep_their_colons() {
        let config = OpenmlConfig::parse(
            "[openml]\nserver = https://a.org/api\n; server = no\nserver = https://b.org/api\n",
        );
        assert_eq!(config.get("server"), Some("https://b.org/api"));
    }

    #[test]
    fn debug_shows_no_value() {
        let debug = format!("{:?}", OpenmlConfig::parse("apikey = secret-key\n"));
        assert!(
            debug.contains("apikey") && !debug.contains("secret"),
            "{debug}"
        );
    }

    #[test]
    fn file_location_by_platform() {
        let home = || Some(PathBuf::from("/home/u"));
        assert_eq!(
            config_file_path(Some("/x".into()), home(), true),
            Some(PathBuf::from("/x/openml/config"))
        );
        assert_eq!(
            config_file_path(Some("".into()), home(), true),
            Some(PathBuf::from("/home/u/.config/openml/config"))
        );
        assert_eq!(
            config_file_path(Some("/x".into()), home(), false),
            Some(PathBuf::from("/home/u/.openml/config"))
        );
        assert_eq!(config_file_path(None, None, true), None);
    }
}
