//! Checks of downloaded files before they enter the cache, so that a page of a proxy, a body
//! cut short or a document of the wrong kind is an error naming its URL rather than a cache
//! file that every later read fails on (and that a later fetch would count as cached).
//!
//! Each check reads the file as oml reads it later, as far as that is cheap next to the
//! download: a split file is read whole and checked against the task's procedure and its
//! dataset's row count, an ARFF data file without an MD5 to compare is read whole, and
//! `qualities.xml` is read as XML to its end.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use oml_data::ArffReader;
use oml_task::{Splits, TaskDescription};
use polars::prelude::{ParquetReader, SerReader};

use crate::client::strip_query;
use crate::error::{Error, Result};

/// How many bytes of a body are looked at to tell an HTML page from ARFF.
const SNIFF_BYTES: usize = 512;

/// The error of a body from `url` that is not what was asked for.
fn malformed(url: &str, detail: String) -> Error {
    Error::Malformed {
        url: strip_query(url),
        detail,
    }
}

/// Fails when `head` (the first bytes of a body) is markup, which ARFF never is: an HTML page
/// (a proxy's or a maintenance page served with status 200) or an XML document.
fn refuse_markup(url: &str, head: &[u8], wanted: &str) -> Result<()> {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let head = head.trim_ascii_start();
    if !head.starts_with(b"<") {
        return Ok(());
    }
    let lower = head.to_ascii_lowercase();
    let html = [b"<!doctype html".as_slice(), b"<html", b"<head", b"<body"]
        .iter()
        .any(|tag| lower.windows(tag.len()).any(|w| w == *tag));
    let what = if html { "an HTML page" } else { "markup" };
    Err(malformed(url, format!("{what}, not {wanted}")))
}

/// Checks the split file `body` downloaded from `url` for the task `description` describes:
/// it is ARFF with the split file's columns, its units form a complete grid whose counts are
/// the procedure's, and its row ids fit a dataset of `n_rows` rows (with the test folds of a
/// cross-validation, leave-one-out or learning-curve task partitioning them), as
/// `oml_task::Task::from_cache` checks it later.
///
/// Without `n_rows` (a cached data file that cannot be read), the rows are taken to be those
/// up to the largest row id in the file: a valid file still passes, and a test fold cut short
/// is still found where its rows are among the training rows of another fold.
pub(crate) fn check_splits(
    url: &str,
    body: &[u8],
    description: &TaskDescription,
    n_rows: Option<usize>,
) -> Result<()> {
    let head = &body[..body.len().min(SNIFF_BYTES)];
    refuse_markup(url, head, "a split file (ARFF)")?;
    let invalid = |e: &dyn std::fmt::Display| malformed(url, format!("invalid split file: {e}"));
    let (arff, lines) = ArffReader::new()
        .read_with_lines(body)
        .map_err(|e| invalid(&e))?;
    let splits = Splits::from_arff(&arff, &lines).map_err(|e| invalid(&e))?;
    let n_rows = n_rows.unwrap_or_else(|| {
        splits
            .units()
            .iter()
            .flat_map(|u| u.train.iter().chain(&u.test))
            .max()
            .map_or(0, |&max| max as usize + 1)
    });
    splits
        .check_for_task(description, n_rows)
        .map_err(|e| invalid(&e))
}

/// Checks an ARFF data file downloaded from `url` into `file` (a temporary file), whose
/// description gives no MD5 to compare: it is not markup and reads whole as ARFF (plain or
/// gzip). Returns its number of rows.
pub(crate) fn check_arff(url: &str, file: &mut File, path: &Path) -> Result<usize> {
    let io = |source| Error::io("read", path, source);
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    file.by_ref()
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io)?;
    refuse_markup(url, &head, "an ARFF file")?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let arff = ArffReader::new()
        .read(&mut *file)
        .map_err(|e| malformed(url, format!("invalid ARFF file: {e}")))?;
    Ok(arff.n_rows())
}

/// Checks `qualities.xml` as downloaded from `url`: a complete, well-formed XML document
/// whose root is `oml:data_qualities`.
pub(crate) fn check_qualities(url: &str, text: &str) -> Result<()> {
    use oml_data::xml::{Doc, line};

    let mut doc = Doc::new(text, "data_qualities");
    loop {
        match doc.next_node() {
            Ok(Some(_)) => {}
            Ok(None) => return Ok(()),
            Err(e) => {
                return Err(malformed(
                    url,
                    format!(
                        "not a complete oml:data_qualities document: line {}: {}",
                        line(text, e.at),
                        e.message
                    ),
                ));
            }
        }
    }
}

/// The number of rows of the cached data file at `path` (Parquet, from its footer, or ARFF,
/// read whole), or `None` when it cannot be read.
pub(crate) fn data_rows(path: &Path) -> Option<usize> {
    let parquet = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pq") || e.eq_ignore_ascii_case("parquet"));
    if parquet {
        let file = File::open(path).ok()?;
        ParquetReader::new(file).num_rows().ok()
    } else {
        ArffReader::new()
            .read_path(path)
            .ok()
            .map(|arff| arff.n_rows())
    }
}

#[cfg(test)]
mod tests {
    use oml_task::TaskType;

    use super::*;

    const URL: &str = "http://127.0.0.1:1/api_splits/get/1/Task_1_splits.arff?api_key=secret";

    fn description(kind: &str, folds: Option<u32>) -> TaskDescription {
        TaskDescription {
            task_id: Some(1),
            task_type: TaskType::SupervisedClassification,
            dataset_id: Some(1),
            target: Some("class".into()),
            procedure: oml_task::ProcedureDescription {
                kind: kind.into(),
                number_folds: folds,
                ..Default::default()
            },
            evaluation_measures: Vec::new(),
            tags: Vec::new(),
        }
    }

    /// A 2-fold cross-validation of rows 0..4 as OpenML writes it.
    const SPLITS: &str = "@relation s\n@attribute type {TRAIN,TEST}\n@attribute rowid numeric\n\
        @attribute repeat numeric\n@attribute fold numeric\n@data\n\
        TRAIN,2,0,0\nTRAIN,3,0,0\nTEST,0,0,0\nTEST,1,0,0\n\
        TRAIN,0,0,1\nTRAIN,1,0,1\nTEST,2,0,1\nTEST,3,0,1\n";

    #[test]
    fn split_files_are_read_and_checked() {
        let cv = description("crossvalidation", Some(2));
        check_splits(URL, SPLITS.as_bytes(), &cv, Some(4)).unwrap();
        check_splits(URL, SPLITS.as_bytes(), &cv, None).unwrap();
        let error = |body: &str, n_rows| {
            check_splits(URL, body.as_bytes(), &cv, n_rows)
                .unwrap_err()
                .to_string()
        };
        // Cut at a line boundary: the last test fold lacks row 3, which fold 0 trains on.
        let cut = SPLITS.strip_suffix("TEST,3,0,1\n").unwrap();
        for n_rows in [Some(4), None] {
            let message = error(cut, n_rows);
            assert!(message.contains("row id 3 is in no test fold"), "{message}");
            assert!(
                message.contains("Task_1_splits.arff: malformed"),
                "{message}"
            );
            assert!(!message.contains("secret"), "{message}");
        }
        // Cut before the last fold: the procedure's count of folds is not met.
        let cut = SPLITS.split("TRAIN,0,0,1").next().unwrap();
        assert!(error(cut, Some(4)).contains("number_folds 2"));
        // Cut inside a line, inside the header, or rows beyond the dataset.
        assert!(error(&SPLITS[..SPLITS.len() - 3], Some(4)).contains("invalid split file"));
        assert!(error(&SPLITS[..40], Some(4)).contains("invalid split file"));
        assert!(error(SPLITS, Some(3)).contains("out of range"));
        // Markup.
        let page = "<!DOCTYPE html><html><body>Maintenance</body></html>";
        assert!(error(page, Some(4)).contains("an HTML page, not a split file"));
        // A holdout's test rows need not cover the dataset.
        let holdout = description("holdout", None);
        let one = "@relation s\n@attribute type {TRAIN,TEST}\n@attribute rowid numeric\n\
            @attribute repeat numeric\n@attribute fold numeric\n@data\nTRAIN,0,0,0\nTEST,1,0,0\n";
        check_splits(URL, one.as_bytes(), &holdout, Some(5)).unwrap();
    }

    #[test]
    fn arff_data_files_are_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dataset.arff");
        let check = |body: &[u8]| {
            std::fs::write(&path, body).unwrap();
            let mut file = File::open(&path).unwrap();
            check_arff(URL, &mut file, &path).map_err(|e| e.to_string())
        };
        let arff = b"% a comment\n@relation r\n@attribute a numeric\n@attribute c {x,y}\n\
            @data\n1,x\n2,y\n3,x\n";
        assert_eq!(check(arff), Ok(3));
        assert_eq!(data_rows(&path), Some(3));
        let html = b"\n  <!DOCTYPE html>\n<html><head><title>OpenML</title></head></html>\n";
        let message = check(html).unwrap_err();
        assert!(
            message.contains("an HTML page, not an ARFF file"),
            "{message}"
        );
        assert!(!message.contains("secret"), "{message}");
        assert!(
            check(b"<?xml version=\"1.0\"?><oml:error/>")
                .unwrap_err()
                .contains("markup")
        );
        let message = check(&arff[..arff.len() - 3]).unwrap_err();
        assert!(message.contains("invalid ARFF file"), "{message}");
        assert!(
            check(b"@relation r\n@attribute a numeric\n@data\n").is_ok(),
            "no rows"
        );
        assert_eq!(data_rows(&dir.path().join("missing.arff")), None);
    }

    #[test]
    fn qualities_are_read_to_their_end() {
        let whole = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
            <oml:data_qualities xmlns:oml=\"http://openml.org/openml\">\n  <oml:quality>\n    \
            <oml:name>NumberOfInstances</oml:name>\n    <oml:value>150</oml:value>\n  \
            </oml:quality>\n</oml:data_qualities>\n";
        check_qualities(URL, whole).unwrap();
        let cut = whole.strip_suffix("</oml:data_qualities>\n").unwrap();
        let message = check_qualities(URL, cut).unwrap_err().to_string();
        assert!(
            message.contains("not a complete oml:data_qualities document: line 7:"),
            "{message}"
        );
        assert!(message.contains("is not closed"), "{message}");
        let message = check_qualities(URL, &whole[..whole.len() - 10])
            .unwrap_err()
            .to_string();
        assert!(message.contains("malformed XML"), "{message}");
        let other = "<oml:data_set_description><oml:id>1</oml:id></oml:data_set_description>";
        for body in [other, "<html><body>data_qualities</body></html>"] {
            let message = check_qualities(URL, body).unwrap_err().to_string();
            assert!(
                message.contains("not a complete oml:data_qualities document"),
                "{message}"
            );
        }
    }
}
