//! The malformed ARFF corpus in `fixtures/arff/malformed/`: every file fails, without a panic,
//! with an error that names the file, the line and the column and says what is wrong.
//!
//! Line 1 of each file states what to expect: `% expect: line L, column C: <part of the
//! message>`, or `% expect: line L: <part of the message>` when there is no column. In a gzip
//! file that line is inside the compressed content.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use oml_data::{ArffReader, Error, error_chain};

/// The issue asks for at least this many malformed inputs.
const MIN_CASES: usize = 25;

#[test]
fn every_malformed_file_fails_at_its_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/arff/malformed");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    assert!(
        paths.len() >= MIN_CASES,
        "{} holds {} files, expected at least {MIN_CASES}",
        dir.display(),
        paths.len()
    );
    let failures: Vec<String> = paths.iter().filter_map(|path| check(path).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} malformed files do not fail as their first line says:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n")
    );
}

/// What line 1 of a corpus file promises.
#[derive(Debug)]
struct Expect {
    line: u64,
    column: Option<u64>,
    message: String,
}

/// Reads the file at `path` and compares the error with its expectation; `Err` describes every
/// difference, naming the file.
fn check(path: &Path) -> Result<(), String> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let expect = expectation(path).map_err(|e| format!("{name}: {e}"))?;
    let result = panic::catch_unwind(AssertUnwindSafe(|| ArffReader::new().read_path(path)));
    let err = match result {
        Err(payload) => {
            return Err(format!(
                "{name}: the reader panicked: {}",
                panic_message(&*payload)
            ));
        }
        Ok(Ok(arff)) => {
            return Err(format!(
                "{name}: read without error ({} rows), expected {expect:?}",
                arff.n_rows()
            ));
        }
        Ok(Err(err)) => err,
    };
    let shown = err.to_string();
    let mut problems = Vec::new();
    // A gzip stream that breaks off fails while reading, not parsing: `Error::Read` names the
    // line being read.
    let line = match &err {
        Error::Read { line, .. } => Some(*line),
        _ => err.line(),
    };
    if line != Some(expect.line) {
        problems.push(format!("line is {line:?}, expected {}", expect.line));
    }
    if !mentions(&shown, "line ", expect.line) {
        problems.push(format!("the message does not say `line {}`", expect.line));
    }
    if let Some(column) = expect.column
        && !mentions(&shown, "column ", column)
    {
        problems.push(format!("the message does not say `column {column}`"));
    }
    if !shown.contains(&path.display().to_string()) {
        problems.push("the message does not name the file".to_owned());
    }
    if !shown.contains(&expect.message) {
        problems.push(format!("the message does not contain `{}`", expect.message));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name}: {}; the error was: {}",
            problems.join("; "),
            error_chain(&err)
        ))
    }
}

/// Parses line 1 of the (possibly gzip) file at `path`.
fn expectation(path: &Path) -> Result<Expect, String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let source: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut first = Vec::new();
    BufReader::new(source)
        .read_until(b'\n', &mut first)
        .map_err(|e| format!("cannot read line 1: {e}"))?;
    let first = String::from_utf8_lossy(&first);
    let spec = first
        .trim_end()
        .strip_prefix("% expect: line ")
        .ok_or("line 1 is not `% expect: line L[, column C]: <message>`")?;
    let (position, message) = spec.split_once(": ").ok_or("no `: ` before the message")?;
    let (line, column) = match position.split_once(", column ") {
        Some((line, column)) => (line, Some(column)),
        None => (position, None),
    };
    let number = |text: &str| {
        text.parse::<u64>()
            .map_err(|_| format!("`{text}` in line 1 is not a number"))
    };
    Ok(Expect {
        line: number(line)?,
        column: column.map(number).transpose()?,
        message: message.to_owned(),
    })
}

/// Whether `text` holds `word` directly followed by exactly the number `n`.
fn mentions(text: &str, word: &str, n: u64) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let digits: String = text[at + word.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse() == Ok(n)
    })
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_owned()
    }
}
