//! The cache: root resolution as openml-python does it (a pure function of the environment,
//! tested without touching the real one), server sub-directories, paths and missing files.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use oml_task::{Cache, CacheEnv, Error, Server};

fn env() -> CacheEnv {
    CacheEnv {
        home: Some(PathBuf::from("/home/u")),
        linux: true,
        ..CacheEnv::default()
    }
}

fn os(s: &str) -> Option<OsString> {
    Some(OsString::from(s))
}

/// The root of `env` when no directory exists.
fn root(env: &CacheEnv) -> PathBuf {
    env.root(|_| false).unwrap()
}

#[test]
fn root_defaults_to_dot_cache_openml() {
    assert_eq!(root(&env()), Path::new("/home/u/.cache/openml"));
}

#[test]
fn openml_cache_dir_wins() {
    let e = CacheEnv {
        openml_cache_dir: os("/data/openml"),
        xdg_cache_home: os("/xdg"),
        config_cachedir: Some("/config/openml".into()),
        ..env()
    };
    assert_eq!(root(&e), Path::new("/data/openml"));
    let tilde = CacheEnv {
        openml_cache_dir: os("~/oml-cache"),
        ..env()
    };
    assert_eq!(root(&tilde), Path::new("/home/u/oml-cache"));
}

#[test]
fn config_cachedir_comes_next() {
    let e = CacheEnv {
        xdg_cache_home: os("/xdg"),
        config_cachedir: Some("~/from-config".into()),
        ..env()
    };
    assert_eq!(root(&e), Path::new("/home/u/from-config"));
}

#[test]
fn xdg_cache_home_gets_an_openml_directory() {
    let e = CacheEnv {
        xdg_cache_home: os("/xdg"),
        ..env()
    };
    assert_eq!(root(&e), Path::new("/xdg/openml"));
}

#[test]
fn legacy_xdg_layout_is_kept() {
    let e = CacheEnv {
        xdg_cache_home: os("/xdg"),
        ..env()
    };
    // Only the old `$XDG_CACHE_HOME/org/openml` exists: the root is `$XDG_CACHE_HOME`.
    let old_only = e.root(|p| p == Path::new("/xdg/org/openml")).unwrap();
    assert_eq!(old_only, Path::new("/xdg"));
    // Once `$XDG_CACHE_HOME/openml` exists, it wins.
    let both = e.root(|p| p.starts_with("/xdg")).unwrap();
    assert_eq!(both, Path::new("/xdg/openml"));
}

#[test]
fn empty_variables_count_as_unset() {
    let e = CacheEnv {
        openml_cache_dir: os(""),
        xdg_cache_home: os(""),
        config_cachedir: Some(String::new()),
        ..env()
    };
    assert_eq!(root(&e), Path::new("/home/u/.cache/openml"));
}

#[test]
fn other_platforms_use_dot_openml() {
    let e = CacheEnv {
        xdg_cache_home: os("/xdg"),
        linux: false,
        ..env()
    };
    assert_eq!(root(&e), Path::new("/home/u/.openml"));
}

#[test]
fn no_home_is_an_error_only_when_needed() {
    let e = CacheEnv {
        home: None,
        ..env()
    };
    let err = e.root(|_| false).unwrap_err().to_string();
    assert!(err.contains("OPENML_CACHE_DIR"), "{err}");
    let with_dir = CacheEnv {
        openml_cache_dir: os("/data"),
        ..e
    };
    assert_eq!(root(&with_dir), Path::new("/data"));
}

#[test]
fn paths_follow_openml_python() {
    let www = Cache::new("/c", Server::Www);
    assert_eq!(www.dir(), Path::new("/c/org/openml/www"));
    assert_eq!(www.task_dir(31), Path::new("/c/org/openml/www/tasks/31"));
    assert_eq!(
        www.dataset_dir(61),
        Path::new("/c/org/openml/www/datasets/61")
    );
    let test = Cache::new("/c", "test".parse().unwrap());
    assert_eq!(test.dir(), Path::new("/c/org/openml/test"));
    let local = Cache::new("/c", "http://localhost:8000/api/v1/xml".parse().unwrap());
    assert_eq!(local.dir(), Path::new("/c/localhost_8000"));
    assert_eq!(local.root(), Path::new("/c"));
}

/// The path and fetch command of a `NotCached` error.
fn not_cached(err: Error) -> (PathBuf, String) {
    match err {
        Error::NotCached { path, fetch } => (path, fetch),
        other => panic!("expected NotCached, got {other:?}"),
    }
}

#[test]
fn missing_files_name_the_file_and_the_fetch_command() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path(), Server::Www);
    let err = cache.task_xml(5).unwrap_err();
    let message = err.to_string();
    let (path, fetch) = not_cached(err);
    assert_eq!(path, cache.task_dir(5).join("task.xml"));
    assert_eq!(fetch, "oml fetch task 5");
    assert_eq!(
        message,
        format!(
            "{} is not in the cache; fetch it with `oml fetch task 5`",
            path.display()
        )
    );
    let (path, fetch) = not_cached(cache.splits_arff(5).unwrap_err());
    assert!(path.ends_with("tasks/5/datasplits.arff"));
    assert_eq!(fetch, "oml fetch task 5");
    for (err, name) in [
        (cache.description_xml(7).unwrap_err(), "description.xml"),
        (cache.features_xml(7).unwrap_err(), "features.xml"),
        (cache.qualities_xml(7).unwrap_err(), "qualities.xml"),
        (cache.data_file(7).unwrap_err(), "dataset.arff"),
    ] {
        let (path, fetch) = not_cached(err);
        assert_eq!(path, cache.dataset_dir(7).join(name));
        assert_eq!(fetch, "oml fetch dataset 7");
    }
}

#[test]
fn parquet_is_preferred_over_arff() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path(), Server::Www);
    let data = cache.dataset_dir(7);
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("dataset.arff"), "").unwrap();
    assert_eq!(cache.data_file(7).unwrap(), data.join("dataset.arff"));
    std::fs::write(data.join("dataset.pq"), "").unwrap();
    assert_eq!(cache.data_file(7).unwrap(), data.join("dataset.pq"));
    std::fs::write(data.join("dataset_7.pq"), "").unwrap();
    assert_eq!(cache.data_file(7).unwrap(), data.join("dataset_7.pq"));
    std::fs::write(data.join("description.xml"), "").unwrap();
    assert_eq!(
        cache.description_xml(7).unwrap(),
        data.join("description.xml")
    );
}
