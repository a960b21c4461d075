//! Fetching tasks and datasets into the OpenML cache, file by file, skipping what is there
//! (or, fetching again, replacing it). Every file is checked before it is written
//! (`check.rs`): a file that fails is not written, and the error names its URL.

use std::cell::Cell;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use oml_data::{DatasetDescription, parse_features, write_atomically};
use oml_task::{Cache, TaskDescription};

use crate::check::{check_arff, check_qualities, check_splits, data_rows};
use crate::client::{Client, percent_encode, strip_query};
use crate::error::{Error, Result};

/// OpenML's error code for a dataset without qualities (not an error for fetching).
const NO_QUALITIES: i64 = 362;

/// What a fetch did: the cache files it downloaded and those already there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fetched {
    /// Files written by this fetch, in the order they were written.
    pub downloaded: Vec<PathBuf>,
    /// Files that were already in the cache and were left alone.
    pub present: Vec<PathBuf>,
}

impl Client {
    /// Fetches what `cache` lacks of task `task_id`: `task.xml`, its dataset (as
    /// [`Client::fetch_dataset`]) and `datasplits.arff` (from the task's `data_splits_url`).
    /// Present files are not fetched again. Afterwards `oml_task::Task::from_cache` reads the
    /// task offline. In offline mode nothing is fetched and the first missing file is an
    /// error naming it and `oml fetch task ID`.
    ///
    /// The split file is read before it is written: it must be ARFF with the split file's
    /// columns, its counts of repeats, folds and samples those of `task.xml`, and its row ids
    /// fit the dataset (the test folds of a cross-validation partitioning its rows), so that
    /// a body cut short is an error naming the URL rather than a cached file.
    pub fn fetch_task(&self, cache: &Cache, task_id: i64) -> Result<Fetched> {
        self.fetch_task_unredacted(cache, task_id, false)
            .map_err(|e| self.redact(e))
    }

    /// As [`Client::fetch_task`], but every file of the task and its dataset is downloaded
    /// again, checked, and replaces the cached one (`oml fetch task ID --force`): the way to
    /// mend a cache file that a later read finds broken. A file whose download or check fails
    /// is left as it was. Refused in offline mode.
    pub fn refetch_task(&self, cache: &Cache, task_id: i64) -> Result<Fetched> {
        self.refuse_offline(&format!("task {task_id}"))?;
        self.fetch_task_unredacted(cache, task_id, true)
            .map_err(|e| self.redact(e))
    }

    fn fetch_task_unredacted(&self, cache: &Cache, task_id: i64, force: bool) -> Result<Fetched> {
        self.check_cache(cache)?;
        let mut fetched = Fetched::default();
        let fetch = format!("oml fetch task {task_id}");
        let task_dir = cache.task_dir(task_id);
        let task_xml = task_dir.join("task.xml");
        self.ensure(&task_xml, &fetch, force, &mut fetched, || {
            let url = self.api_url(&format!("task/{task_id}"));
            let body = self.get(&url)?;
            let text = utf8(&url, &body)?;
            TaskDescription::from_xml(text).map_err(|e| malformed(&url, &e))?;
            Ok(body)
        })?;
        let description = TaskDescription::from_path(&task_xml)?;
        let mut n_rows = None;
        if let Some(dataset_id) = description.dataset_id {
            let (data, rows) = self.fetch_dataset_as(cache, dataset_id, &fetch, force)?;
            fetched.downloaded.extend(data.downloaded);
            fetched.present.extend(data.present);
            n_rows = rows;
        }
        let splits = task_dir.join("datasplits.arff");
        self.ensure(&splits, &fetch, force, &mut fetched, || {
            let url = description
                .procedure
                .data_splits_url
                .as_deref()
                .filter(|u| !u.trim().is_empty())
                .ok_or_else(|| Error::Incomplete {
                    path: task_xml.clone(),
                    detail: "the task has no data_splits_url".into(),
                })?;
            let url = url.trim();
            let body = self.get(url)?;
            // The rows of the dataset the task is on, from its cached data file when this
            // fetch did not read it already.
            let n_rows = n_rows.or_else(|| {
                let dataset_id = description.dataset_id?;
                data_rows(&cache.data_file(dataset_id).ok()?)
            });
            check_splits(url, &body, &description, n_rows)?;
            Ok(body)
        })?;
        Ok(fetched)
    }

    /// Fetches what `cache` lacks of dataset `dataset_id`: `description.xml`,
    /// `features.xml`, `qualities.xml` (none when the server has none, error 362) and the
    /// data file: Parquet from the description's `parquet_url` as `dataset_<id>.pq` when it
    /// has one, else ARFF by its `file_id` (`data/download/<file_id>/<name>.arff` at the
    /// server's root) as `dataset.arff`, checked against the description's MD5 before it is
    /// written. Each file lands through a temporary file and a rename. In offline mode nothing
    /// is fetched and the first missing file is an error naming it and `oml fetch dataset ID`.
    ///
    /// Every file is checked before it is written: the XML documents are parsed, a Parquet
    /// file must start and end with Parquet's magic bytes, and an ARFF file without an MD5 in
    /// its description (OpenML's can be empty) must not be an HTML page and must read whole
    /// as ARFF. A file that fails is not written, and the error names its URL.
    pub fn fetch_dataset(&self, cache: &Cache, dataset_id: i64) -> Result<Fetched> {
        self.fetch_dataset_forced(cache, dataset_id, false)
    }

    /// As [`Client::fetch_dataset`], but every file of the dataset is downloaded again,
    /// checked, and replaces the cached one (`oml fetch dataset ID --force`); a data file of
    /// another format that the cache would read instead of the new one is removed. A file
    /// whose download or check fails is left as it was. Refused in offline mode.
    pub fn refetch_dataset(&self, cache: &Cache, dataset_id: i64) -> Result<Fetched> {
        self.refuse_offline(&format!("dataset {dataset_id}"))?;
        self.fetch_dataset_forced(cache, dataset_id, true)
    }

    fn fetch_dataset_forced(&self, cache: &Cache, dataset_id: i64, force: bool) -> Result<Fetched> {
        self.check_cache(cache)?;
        let fetch = format!("oml fetch dataset {dataset_id}");
        self.fetch_dataset_as(cache, dataset_id, &fetch, force)
            .map(|(fetched, _)| fetched)
            .map_err(|e| self.redact(e))
    }

    /// Fetches the dataset's files (all of them when `force`), and returns what it did and
    /// the data file's number of rows when this fetch read it whole.
    fn fetch_dataset_as(
        &self,
        cache: &Cache,
        dataset_id: i64,
        fetch: &str,
        force: bool,
    ) -> Result<(Fetched, Option<usize>)> {
        let mut fetched = Fetched::default();
        let dir = cache.dataset_dir(dataset_id);
        let description_xml = dir.join("description.xml");
        self.ensure(&description_xml, fetch, force, &mut fetched, || {
            let url = self.api_url(&format!("data/{dataset_id}"));
            let body = self.get(&url)?;
            let text = utf8(&url, &body)?;
            let (description, _) =
                DatasetDescription::from_xml(text).map_err(|e| malformed(&url, &e))?;
            if description.name.is_empty() {
                return Err(Error::Malformed {
                    url: strip_query(&url),
                    detail: "the dataset description has no name".into(),
                });
            }
            Ok(body)
        })?;
        let features_xml = dir.join("features.xml");
        self.ensure(&features_xml, fetch, force, &mut fetched, || {
            let url = self.api_url(&format!("data/features/{dataset_id}"));
            let body = self.get(&url)?;
            parse_features(utf8(&url, &body)?).map_err(|e| malformed(&url, &e))?;
            Ok(body)
        })?;
        let qualities_xml = dir.join("qualities.xml");
        if (force || !qualities_xml.is_file()) && !self.is_offline() {
            let url = self.api_url(&format!("data/qualities/{dataset_id}"));
            match self.get(&url) {
                Ok(body) => {
                    check_qualities(&url, utf8(&url, &body)?)?;
                    write(&qualities_xml, &body)?;
                    fetched.downloaded.push(qualities_xml);
                }
                Err(e) if e.server_code() == Some(NO_QUALITIES) => {}
                Err(e) => return Err(e),
            }
        } else if qualities_xml.is_file() {
            fetched.present.push(qualities_xml);
        }
        if !force && let Ok(path) = cache.data_file(dataset_id) {
            fetched.present.push(path);
            return Ok((fetched, None));
        }
        let (description, _) = DatasetDescription::from_path(&description_xml)?;
        let parquet_url = description
            .parquet_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty());
        let (path, url) = match (parquet_url, description.file_id) {
            (Some(url), _) => (dir.join(format!("dataset_{dataset_id}.pq")), url.to_owned()),
            (None, Some(file_id)) => (
                dir.join("dataset.arff"),
                format!(
                    "{}/data/download/{file_id}/{}.arff",
                    self.root_url(),
                    percent_encode(&description.name)
                ),
            ),
            (None, None) => match description.url.as_deref().map(str::trim) {
                Some(url) if !url.is_empty() => (dir.join("dataset.arff"), url.to_owned()),
                _ => {
                    return Err(Error::Incomplete {
                        path: description_xml,
                        detail: "the description has neither parquet_url, file_id nor url".into(),
                    });
                }
            },
        };
        if self.is_offline() {
            return Err(oml_task::Error::NotCached {
                path,
                fetch: fetch.to_owned(),
            }
            .into());
        }
        let parquet = parquet_url.is_some();
        let expected = description
            .md5_checksum
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty() && !parquet);
        let n_rows = Cell::new(None);
        self.download(&url, &path, |file, md5| {
            if parquet {
                if !is_parquet(file).map_err(|source| Error::io("read", &path, source))? {
                    return Err(Error::Malformed {
                        url: strip_query(&url),
                        detail: "not a Parquet file".into(),
                    });
                }
            } else if let Some(expected) = expected {
                if !md5.eq_ignore_ascii_case(expected) {
                    return Err(Error::Checksum {
                        url: strip_query(&url),
                        path: path.clone(),
                        expected: expected.to_owned(),
                        actual: md5.to_owned(),
                    });
                }
            } else {
                // Nothing to compare: the file must at least read as ARFF.
                n_rows.set(Some(check_arff(&url, file, &path)?));
            }
            Ok(())
        })?;
        if force {
            remove_shadowing(cache, dataset_id, &path)?;
        }
        fetched.downloaded.push(path);
        Ok((fetched, n_rows.get()))
    }

    /// Makes sure `path` exists: present (and not `force`), it is recorded; missing and
    /// offline, it is an error naming `fetch`; else `download` gives its bytes, written whole
    /// or not at all (replacing the file there).
    fn ensure(
        &self,
        path: &Path,
        fetch: &str,
        force: bool,
        fetched: &mut Fetched,
        download: impl FnOnce() -> Result<Vec<u8>>,
    ) -> Result<()> {
        if path.is_file() && !force {
            fetched.present.push(path.to_path_buf());
            return Ok(());
        }
        if self.is_offline() {
            return Err(oml_task::Error::NotCached {
                path: path.to_path_buf(),
                fetch: fetch.to_owned(),
            }
            .into());
        }
        let body = download()?;
        write(path, &body)?;
        fetched.downloaded.push(path.to_path_buf());
        Ok(())
    }

    /// Fails in offline mode: fetching `what` again needs the network.
    fn refuse_offline(&self, what: &str) -> Result<()> {
        if self.is_offline() {
            return Err(Error::Config(format!(
                "offline: cannot fetch {what} again (--force needs the network)"
            )));
        }
        Ok(())
    }

    /// Fails when `cache` belongs to another server than the client's.
    fn check_cache(&self, cache: &Cache) -> Result<()> {
        if cache.server().cache_subdir() != self.server().cache_subdir() {
            return Err(Error::Config(format!(
                "the cache is for {} but the client talks to {}",
                cache.server(),
                self.server()
            )));
        }
        Ok(())
    }
}

/// Writes `body` to `path` whole or not at all, creating its directory.
pub(crate) fn write(path: &Path, body: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| Error::io("create", dir, source))?;
    }
    write_atomically(path, |file| file.write_all(body))
        .map_err(|source| Error::io("write", path, source))
}

/// Removes the data files of dataset `dataset_id` that the cache reads before `path`, just
/// fetched again (a `dataset_<id>.pq` or `dataset.pq` left from an earlier fetch shadows a new
/// `dataset.arff`), so that the cache reads the new file.
fn remove_shadowing(cache: &Cache, dataset_id: i64, path: &Path) -> Result<()> {
    for _ in 0..2 {
        match cache.data_file(dataset_id) {
            Ok(first) if first != path => std::fs::remove_file(&first)
                .map_err(|source| Error::io("remove", &first, source))?,
            _ => break,
        }
    }
    Ok(())
}

/// Whether `file` starts and ends with Parquet's magic bytes (a truncated file does not).
fn is_parquet(file: &mut File) -> std::io::Result<bool> {
    let len = file.metadata()?.len();
    if len < 8 {
        return Ok(false);
    }
    let mut head = [0u8; 4];
    let mut tail = [0u8; 4];
    file.seek(SeekFrom::Start(0))?;
    file.read_exact(&mut head)?;
    file.seek(SeekFrom::End(-4))?;
    file.read_exact(&mut tail)?;
    Ok(&head == b"PAR1" && &tail == b"PAR1")
}

fn utf8<'a>(url: &str, body: &'a [u8]) -> Result<&'a str> {
    std::str::from_utf8(body).map_err(|e| Error::Malformed {
        url: strip_query(url),
        detail: format!("not UTF-8 ({e})"),
    })
}

fn malformed(url: &str, e: &dyn std::fmt::Display) -> Error {
    Error::Malformed {
        url: strip_query(url),
        detail: e.to_string(),
    }
}

/// What fetching a benchmark suite did: its tasks and what fetching each of them did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuiteFetched {
    /// The study's id (`oml:id`), when its document has one.
    pub study_id: Option<i64>,
    /// The study's alias (`oml:alias`, such as `OpenML-CC18`), when it has one.
    pub alias: Option<String>,
    /// The cached study document.
    pub study: PathBuf,
    /// The suite's task ids, in the order of the study document, without repeats.
    pub task_ids: Vec<i64>,
    /// What [`Client::fetch_task`] did for each task of `task_ids`, in the same order.
    pub fetched: Vec<Fetched>,
}

/// The parts of an `oml:study` document that fetching a suite needs.
#[derive(Debug, Default)]
struct Study {
    id: Option<i64>,
    alias: Option<String>,
    main_entity_type: Option<String>,
    task_ids: Vec<i64>,
}

impl Client {
    /// Fetches benchmark suite `id_or_alias` (a study id such as `99`, or an alias such as
    /// `OpenML-CC18`) and every one of its tasks, as [`Client::fetch_task`] does.
    ///
    /// The study document (`study/{id_or_alias}`) is saved as `studies/{id_or_alias}.xml`
    /// under the server's cache directory (and, fetched by alias, also as `studies/{id}.xml`),
    /// whole or not at all; a cached study is not fetched again (remove the file to refresh
    /// it). A study whose main entity type is not `task` (a study of runs) is refused before
    /// any task is fetched. A task that fails does not stop the others: after trying them
    /// all, the error names every failed task and why. In offline mode nothing is fetched:
    /// the cached study is read and each task's files are checked, and a missing file is an
    /// error naming it and the `oml fetch` command.
    pub fn fetch_suite(&self, cache: &Cache, id_or_alias: &str) -> Result<SuiteFetched> {
        self.fetch_suite_with(cache, id_or_alias, |_, _| {})
    }

    /// As [`Client::fetch_suite`], calling `on_task` with each task id and its outcome as
    /// soon as it is known (to report progress on a long suite).
    pub fn fetch_suite_with(
        &self,
        cache: &Cache,
        id_or_alias: &str,
        on_task: impl FnMut(i64, &Result<Fetched>),
    ) -> Result<SuiteFetched> {
        self.fetch_suite_unredacted(cache, id_or_alias, on_task)
            .map_err(|e| self.redact(e))
    }

    fn fetch_suite_unredacted(
        &self,
        cache: &Cache,
        id_or_alias: &str,
        mut on_task: impl FnMut(i64, &Result<Fetched>),
    ) -> Result<SuiteFetched> {
        self.check_cache(cache)?;
        let key = study_key(id_or_alias)?;
        let studies = cache.dir().join("studies");
        let path = studies.join(format!("{key}.xml"));
        let fetch = format!("oml fetch suite {key}");
        let mut ignored = Fetched::default();
        self.ensure(&path, &fetch, false, &mut ignored, || {
            let url = self.api_url(&format!("study/{}", percent_encode(&key)));
            let body = self.get(&url)?;
            parse_study(utf8(&url, &body)?).map_err(|e| malformed(&url, &e))?;
            Ok(body)
        })?;
        let incomplete = |detail: String| Error::Incomplete {
            path: path.clone(),
            detail,
        };
        let text =
            std::fs::read_to_string(&path).map_err(|source| Error::io("read", &path, source))?;
        let study = parse_study(&text).map_err(incomplete)?;
        if let Some(id) = study.id
            && id.to_string() != key
            && !self.is_offline()
        {
            let by_id = studies.join(format!("{id}.xml"));
            if !by_id.is_file() {
                write(&by_id, text.as_bytes())?;
            }
        }
        match study.main_entity_type.as_deref() {
            Some("task") => {}
            Some(other) => {
                return Err(incomplete(format!(
                    "study {key} is not a benchmark suite: its main entity type is `{other}`, \
                     not `task`"
                )));
            }
            None => {
                return Err(incomplete(format!(
                    "study {key} is not a benchmark suite: it has no oml:main_entity_type"
                )));
            }
        }
        let mut fetched = Vec::with_capacity(study.task_ids.len());
        let mut failed = Vec::new();
        for &task_id in &study.task_ids {
            let outcome = self.fetch_task(cache, task_id);
            on_task(task_id, &outcome);
            match outcome {
                Ok(f) => fetched.push(f),
                Err(e) => failed.push((task_id, e)),
            }
        }
        if !failed.is_empty() {
            return Err(Error::Suite {
                suite: key.to_string(),
                total: study.task_ids.len(),
                failed: failed
                    .into_iter()
                    .map(|(id, e)| (id, Box::new(e)))
                    .collect(),
            });
        }
        Ok(SuiteFetched {
            study_id: study.id,
            alias: study.alias,
            study: path,
            task_ids: study.task_ids,
            fetched,
        })
    }
}

/// `id_or_alias` trimmed, when it is a study id or an alias that is safe as a file name and
/// in a URL (ASCII letters, digits, `-`, `_` and `.`, not starting with `.`).
fn study_key(id_or_alias: &str) -> Result<String> {
    let key = id_or_alias.trim();
    let safe = !key.is_empty()
        && !key.starts_with('.')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if !safe {
        return Err(Error::Config(format!(
            "`{id_or_alias}` is not a study id or alias (such as 99 or OpenML-CC18)"
        )));
    }
    Ok(key.to_owned())
}

/// The id, alias, main entity type and task ids of an `oml:study` document.
fn parse_study(text: &str) -> std::result::Result<Study, String> {
    use oml_data::xml::{Doc, Node, XmlError, line};

    let describe = |e: XmlError| format!("line {}: {}", line(text, e.at), e.message);
    let mut doc = Doc::new(text, "study");
    let mut study = Study::default();
    let mut in_tasks = false;
    // The element whose text is being read: its local name, depth and text so far.
    let mut field: Option<(String, usize, String)> = None;
    while let Some(node) = doc.next_node().map_err(describe)? {
        match node {
            Node::Open(start) => match (start.depth, start.local.as_str()) {
                (2, "tasks") => in_tasks = true,
                (2, "id" | "alias" | "main_entity_type") => {
                    field = Some((start.local, 2, String::new()));
                }
                (3, "task_id") if in_tasks => field = Some((start.local, 3, String::new())),
                _ => {}
            },
            Node::Text { text, depth } => {
                if let Some((_, d, value)) = &mut field
                    && *d == depth
                {
                    value.push_str(&text);
                }
            }
            Node::Close { depth } => {
                if depth == 2 {
                    in_tasks = false;
                }
                let Some((name, d, value)) = field.take_if(|(_, d, _)| *d == depth) else {
                    continue;
                };
                let value = value.trim();
                let int = || {
                    value
                        .parse::<i64>()
                        .map_err(|_| format!("oml:{name} `{value}` is not an integer"))
                };
                match (d, name.as_str()) {
                    (3, _) => {
                        let id = int()?;
                        if !study.task_ids.contains(&id) {
                            study.task_ids.push(id);
                        }
                    }
                    (_, "id") => study.id = Some(int()?),
                    (_, "alias") if !value.is_empty() => study.alias = Some(value.to_owned()),
                    (_, "main_entity_type") => study.main_entity_type = Some(value.to_owned()),
                    _ => {}
                }
            }
        }
    }
    Ok(study)
}

#[cfg(test)]
mod suite_tests {
    use super::*;

    #[test]
    fn parses_a_study() {
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<oml:study xmlns:oml="http://openml.org/openml">
  <oml:id>99</oml:id>
  <oml:alias>OpenML-CC18</oml:alias>
  <oml:main_entity_type>task</oml:main_entity_type>
  <oml:name>OpenML-CC18 Curated Classification benchmark</oml:name>
  <oml:data><oml:data_id>3</oml:data_id><oml:data_id>6</oml:data_id></oml:data>
  <oml:tasks>
    <oml:task_id>3</oml:task_id>
    <oml:task_id> 6 </oml:task_id>
    <oml:task_id>3</oml:task_id>
  </oml:tasks>
</oml:study>"#;
        let study = parse_study(text).unwrap();
        assert_eq!(study.id, Some(99));
        assert_eq!(study.alias.as_deref(), Some("OpenML-CC18"));
        assert_eq!(study.main_entity_type.as_deref(), Some("task"));
        assert_eq!(study.task_ids, [3, 6]);
        assert!(parse_study("<oml:run/>").is_err());
        let bad = "<oml:study><oml:tasks><oml:task_id>x</oml:task_id></oml:tasks></oml:study>";
        assert!(parse_study(bad).unwrap_err().contains("not an integer"));
    }

    #[test]
    fn study_keys() {
        assert_eq!(study_key(" 99 ").unwrap(), "99");
        assert_eq!(study_key("OpenML-CC18").unwrap(), "OpenML-CC18");
        for bad in ["", "../x", ".hidden", "a/b", "a b"] {
            assert!(study_key(bad).is_err(), "{bad}");
        }
    }
}
