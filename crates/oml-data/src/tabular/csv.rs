//! CSV files: the text is checked and cleaned here, split into fields by polars, and each
//! column is typed here as pandas' `read_csv` types it.
//!
//! The scan finds every error that polars would report without a line (or not at all), and
//! names the line: an unclosed quote, text after a closing quote, a record with another number
//! of fields than the header, a column name used twice. It also finds what polars would read
//! otherwise than pandas, and hands polars a cleaned copy of the text then: a UTF-8 byte order
//! mark is dropped, blank lines (empty, or spaces and tabs only) are skipped, old-Mac line ends
//! (a lone CR) end a line as LF does, and a quote inside an unquoted field is a character of the
//! value (`12" pizza`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use polars::prelude::{
    BooleanChunked, CsvReadOptions, DataFrame, Float64Chunked, IntoColumn, IntoSeries,
    NewChunkedArray, SerReader, Series, StringChunked,
};

use super::{TextColumns, dataset_from_table, name_of};
use crate::dataset::Dataset;
use crate::error::{Error, Result};

/// The spellings of a missing value: pandas' default `na_values` of `read_csv` (pandas 2 and
/// 3), and ARFF's `?`. A value is compared with spaces and tabs around it removed.
const MISSING_SPELLINGS: [&str; 20] = [
    "", "?", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// The bytes of a UTF-8 byte order mark.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Reads a CSV file with a header row, as pandas' `read_csv` with its defaults would.
///
/// - Missing values are empty fields and pandas' default spellings (`NA`, `N/A`, `NaN`, `nan`,
///   `null`, `NULL`, `None`, `#N/A`, `<NA>`, ..., and `?`), with spaces around them or not
///   (pandas takes ` NA` as text: here the spaces are ignored, as they are around numbers).
/// - A column whose values are all numbers (spaces around them and a leading `+` allowed;
///   `inf` and `1e3` too) is numeric; one whose values are all `true` or `false` (in any case)
///   is nominal with values `False` and `True`; any other column is nominal with its distinct
///   values, sorted, as written. A column without any value is numeric.
/// - Blank lines are skipped; line ends are LF, CRLF or a lone CR; a UTF-8 byte order mark is
///   skipped; a quote inside an unquoted field is part of the value.
///
/// Errors name the file and the line: an unclosed quote, text after a closing quote, a record
/// with another number of fields than the header, a column name used twice.
pub fn read_csv(path: impl AsRef<Path>) -> Result<Dataset> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let scanned = scan(&bytes).map_err(|e| e.with_path(path))?;
    let table = CsvReadOptions::default()
        .with_has_header(true)
        // Every column as text: the types are decided here, as pandas decides them.
        .with_infer_schema_length(Some(0))
        .into_reader_with_file_handle(std::io::Cursor::new(scanned.text))
        .finish()
        .map_err(|e| Error::table("reading CSV", e).with_path(path))?;
    if table.height() != scanned.record_lines.len() {
        let message = format!(
            "polars read {} rows, but the file has {} records",
            table.height(),
            scanned.record_lines.len()
        );
        return Err(Error::table(
            "reading CSV",
            polars::error::PolarsError::ComputeError(message.into()),
        )
        .with_path(path));
    }
    let table = typed(table).map_err(|e| e.with_path(path))?;
    let mut dataset =
        dataset_from_table(name_of(path), table, TextColumns::Nominal, &HashMap::new())
            .map_err(|e| e.with_path(path))?;
    dataset.set_origin(path, Some(scanned.record_lines));
    Ok(dataset)
}

/// What the scan of a CSV text found.
#[derive(Debug)]
struct Scanned<'a> {
    /// The text polars reads: the file's, without a byte order mark, or a cleaned copy.
    text: Cow<'a, [u8]>,
    /// The line (from 1) where each data record starts, in order.
    record_lines: Vec<u64>,
}

/// Checks the structure of a CSV text and cleans it for polars (see the module's doc), in
/// one pass: the text is copied from the first record that needs cleaning on, and borrowed
/// when none does.
fn scan(bytes: &[u8]) -> Result<Scanned<'_>> {
    let body = bytes.strip_prefix(BYTE_ORDER_MARK).unwrap_or(bytes);
    let mut scanner = Scanner::new(body);
    let mut cleaned: Option<Vec<u8>> = None;
    let mut header_fields = None;
    let mut record_lines = Vec::new();
    while let Some(record) = scanner.next_record()? {
        if cleaned.is_none() && (record.blank || record.lone_cr || record.stray_quotes) {
            // The records before this one are clean: copied as they are.
            let mut out = Vec::with_capacity(body.len() + 2);
            out.extend_from_slice(&body[..record.start]);
            cleaned = Some(out);
        }
        if let Some(out) = &mut cleaned {
            push_cleaned(out, body, &record, &scanner.fields);
        }
        if record.blank {
            continue;
        }
        let fields = scanner.fields.len();
        match header_fields {
            None => {
                check_names(body, &scanner.fields, record.line)?;
                header_fields = Some(fields);
            }
            Some(expected) if fields != expected => {
                return Err(csv_error(
                    record.line,
                    format!("{fields} fields, but the header has {expected}"),
                ));
            }
            Some(_) => record_lines.push(record.line),
        }
    }
    let text = cleaned.map_or(Cow::Borrowed(body), Cow::Owned);
    Ok(Scanned { text, record_lines })
}

/// Appends `record` (its fields `fields`) of `body` to `out` cleaned: nothing for a blank
/// record, else the record ended by LF, with each unquoted field that holds a quote quoted
/// (its quotes doubled), so that polars reads it as written.
fn push_cleaned(out: &mut Vec<u8>, body: &[u8], record: &RecordSpan, fields: &[FieldSpan]) {
    if record.blank {
        return;
    }
    if record.stray_quotes {
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let text = &body[field.start..field.end];
            if field.stray_quote {
                out.push(b'"');
                for &b in text {
                    if b == b'"' {
                        out.push(b'"');
                    }
                    out.push(b);
                }
                out.push(b'"');
            } else {
                out.extend_from_slice(text);
            }
        }
    } else {
        out.extend_from_slice(&body[record.start..record.end]);
    }
    out.push(b'\n');
}

/// An error at `line` of a CSV text.
fn csv_error(line: u64, message: String) -> Error {
    Error::Csv {
        path: None,
        line,
        message,
    }
}

/// Refuses a header that names a column twice, which polars would rename silently.
fn check_names(body: &[u8], fields: &[FieldSpan], line: u64) -> Result<()> {
    let mut seen: HashMap<Cow<'_, [u8]>, usize> = HashMap::new();
    for (i, field) in fields.iter().enumerate() {
        let raw = &body[field.start..field.end];
        let name = if field.quoted {
            let inner = &raw[1..raw.len() - 1];
            if inner.contains(&b'"') {
                Cow::Owned(
                    String::from_utf8_lossy(inner)
                        .replace("\"\"", "\"")
                        .into_bytes(),
                )
            } else {
                Cow::Borrowed(inner)
            }
        } else {
            Cow::Borrowed(raw)
        };
        if let Some(first) = seen.get(&name) {
            return Err(csv_error(
                line,
                format!(
                    "the header names column `{}` twice (fields {} and {})",
                    String::from_utf8_lossy(&name),
                    first + 1,
                    i + 1
                ),
            ));
        }
        seen.insert(name, i);
    }
    Ok(())
}

/// Where a field lies in the text: `start..end` includes a quoted field's quotes.
#[derive(Debug, Clone, Copy)]
struct FieldSpan {
    start: usize,
    end: usize,
    /// The field starts with a quote (and ends with the closing one).
    quoted: bool,
    /// The field does not start with a quote but holds one.
    stray_quote: bool,
}

/// Where a record lies in the text and what it holds; its fields are the scanner's.
#[derive(Debug, Clone, Copy)]
struct RecordSpan {
    /// The line where the record starts, from 1.
    line: u64,
    /// The record's first byte.
    start: usize,
    /// The end of its last field, before the line end.
    end: usize,
    /// The record is empty, or spaces and tabs only.
    blank: bool,
    /// The record ends with a CR that no LF follows.
    lone_cr: bool,
    /// A field of the record holds a quote without being quoted.
    stray_quotes: bool,
}

/// Splits a CSV text into records and fields, counting lines.
struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
    /// The fields of the record last returned.
    fields: Vec<FieldSpan>,
}

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Scanner {
            bytes,
            at: 0,
            line: 1,
            fields: Vec::new(),
        }
    }

    /// The next record, its fields in `self.fields`; `None` at the end of the text.
    fn next_record(&mut self) -> Result<Option<RecordSpan>> {
        if self.at >= self.bytes.len() {
            return Ok(None);
        }
        self.fields.clear();
        let line = self.line;
        let start = self.at;
        loop {
            let field_start = self.at;
            let quoted = self.bytes[self.at..].first() == Some(&b'"');
            let stray_quote = if quoted {
                self.quoted_field(self.fields.len() + 1)?;
                false
            } else {
                self.unquoted_field()
            };
            self.fields.push(FieldSpan {
                start: field_start,
                end: self.at,
                quoted,
                stray_quote,
            });
            if self.bytes.get(self.at) == Some(&b',') {
                self.at += 1;
            } else {
                break;
            }
        }
        let end = self.at;
        let mut lone_cr = false;
        match self.bytes.get(self.at) {
            Some(b'\n') => self.at += 1,
            Some(b'\r') if self.bytes.get(self.at + 1) == Some(&b'\n') => self.at += 2,
            Some(b'\r') => {
                self.at += 1;
                lone_cr = true;
            }
            _ => {}
        }
        if self.at > end {
            self.line += 1;
        }
        let blank = matches!(self.fields.as_slice(), [only] if !only.quoted)
            && self.bytes[start..end]
                .iter()
                .all(|&b| b == b' ' || b == b'\t');
        let stray_quotes = self.fields.iter().any(|f| f.stray_quote);
        Ok(Some(RecordSpan {
            line,
            start,
            end,
            blank,
            lone_cr,
            stray_quotes,
        }))
    }

    /// Moves past an unquoted field, to the `,` or line end after it; whether it holds a quote.
    fn unquoted_field(&mut self) -> bool {
        let rest = &self.bytes[self.at..];
        let len = memchr::memchr3(b',', b'\n', b'\r', rest).unwrap_or(rest.len());
        self.at += len;
        memchr::memchr(b'"', &rest[..len]).is_some()
    }

    /// Moves past the quoted field `field` (from 1) that starts here, counting the lines in
    /// it; what follows its closing quote must be `,`, a line end or the end of the text.
    fn quoted_field(&mut self, field: usize) -> Result<()> {
        let opened_on = self.line;
        self.at += 1;
        loop {
            let rest = &self.bytes[self.at..];
            let Some(found) = memchr::memchr3(b'"', b'\n', b'\r', rest) else {
                return Err(csv_error(
                    opened_on,
                    "a quoted field starts here and is never closed (a quote inside a quoted \
                     field is written twice: \"\")"
                        .to_owned(),
                ));
            };
            self.at += found + 1;
            match (rest[found], self.bytes.get(self.at)) {
                (b'"', Some(b'"')) => self.at += 1,
                (b'"', _) => break,
                (b'\r', Some(b'\n')) => {}
                _ => self.line += 1,
            }
        }
        match self.bytes.get(self.at) {
            None | Some(b',' | b'\n' | b'\r') => Ok(()),
            Some(_) => Err(csv_error(
                self.line,
                format!(
                    "field {field}: text after the closing quote (a quote inside a quoted field \
                     is written twice: \"\")"
                ),
            )),
        }
    }
}

/// The table of text columns that polars read, each column typed as pandas types it (see
/// [`read_csv`]): numeric (`Float64`), boolean, or text with its missing values as nulls.
fn typed(table: DataFrame) -> Result<DataFrame> {
    let height = table.height();
    let mut columns = Vec::with_capacity(table.width());
    for column in table.columns() {
        let series = column.as_materialized_series();
        let name = series.name().to_string();
        let strings = series
            .str()
            .map_err(|e| Error::table(format!("converting column `{name}`"), e))?;
        let values: Vec<Option<&str>> = strings
            .iter()
            .map(|value| value.filter(|v| !is_missing(v)))
            .collect();
        columns.push(typed_column(series, &values).into_column());
    }
    DataFrame::new(height, columns).map_err(|e| Error::table("building the table", e))
}

/// One column's values (missing ones as `None`) as numbers, booleans or text.
fn typed_column(series: &Series, values: &[Option<&str>]) -> Series {
    let name = series.name().clone();
    let numbers: Option<Vec<Option<f64>>> = values
        .iter()
        .map(|value| match value {
            None => Some(None),
            Some(text) => number(text).map(Some),
        })
        .collect();
    if let Some(numbers) = numbers {
        return Float64Chunked::from_iter_options(name, numbers.into_iter()).into_series();
    }
    let booleans: Option<Vec<Option<bool>>> = values
        .iter()
        .map(|value| match value {
            None => Some(None),
            Some(text) => boolean(text).map(Some),
        })
        .collect();
    if let Some(booleans) = booleans {
        return BooleanChunked::from_iter_options(name, booleans.into_iter()).into_series();
    }
    StringChunked::from_iter_options(name, values.iter().copied()).into_series()
}

/// A value without the spaces and tabs around it.
fn trimmed(value: &str) -> &str {
    value.trim_matches([' ', '\t'])
}

/// Whether a value is one of the spellings of a missing value.
fn is_missing(value: &str) -> bool {
    MISSING_SPELLINGS.contains(&trimmed(value))
}

/// A value as a number: a decimal with an optional sign (`+3`, `-0.5`, `.5`, `5.`, `1e-3`),
/// `inf` or `infinity` (any case), spaces and tabs around it allowed.
fn number(value: &str) -> Option<f64> {
    trimmed(value).parse::<f64>().ok()
}

/// A value as a boolean: `true` or `false` in any case, spaces and tabs around it allowed.
fn boolean(value: &str) -> Option<bool> {
    let value = trimmed(value);
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The data records' lines and the text polars reads, or the error's line and message.
    fn check(input: &str) -> std::result::Result<(Vec<u64>, String), (u64, String)> {
        match scan(input.as_bytes()) {
            Ok(scanned) => Ok((
                scanned.record_lines,
                String::from_utf8(scanned.text.into_owned()).unwrap(),
            )),
            Err(Error::Csv { line, message, .. }) => Err((line, message)),
            Err(other) => panic!("not a CSV error: {other}"),
        }
    }

    #[test]
    fn a_clean_text_is_read_as_it_is() {
        let text = "a,b\n\"x\ny\",1\r\n2,3";
        assert_eq!(check(text), Ok((vec![2, 4], text.to_owned())));
        assert_eq!(
            check("\u{feff}\"a,b\",c\n1,2\n"),
            Ok((vec![2], "\"a,b\",c\n1,2\n".to_owned()))
        );
    }

    #[test]
    fn blank_lines_go_and_lines_keep_their_numbers() {
        assert_eq!(
            check("\na,b\n1,2\n \t\n3,4\n\n"),
            Ok((vec![3, 5], "a,b\n1,2\n3,4\n".to_owned()))
        );
        assert_eq!(
            check("a,b\r1,\"x\ry\"\r\r3,4"),
            Ok((vec![2, 5], "a,b\n1,\"x\ry\"\n3,4\n".to_owned()))
        );
    }

    #[test]
    fn a_quote_in_an_unquoted_field_is_quoted_for_polars() {
        assert_eq!(
            check("size,price\n12\" pizza,10\n"),
            Ok((vec![2], "size,price\n\"12\"\" pizza\",10\n".to_owned()))
        );
    }

    #[test]
    fn broken_structure_names_the_line() {
        let never_closed = "a quoted field starts here and is never closed (a quote inside a quoted field \
                            is written twice: \"\")";
        assert_eq!(check("a,b\n1,\"x\n\n"), Err((2, never_closed.to_owned())));
        assert_eq!(
            check("a,b\n\"x\ny\"z,1\n"),
            Err((
                3,
                "field 1: text after the closing quote (a quote inside a quoted field is written \
                 twice: \"\")"
                    .to_owned()
            ))
        );
        assert_eq!(
            check("a,b\n1,2\n\n3\n"),
            Err((4, "1 fields, but the header has 2".to_owned()))
        );
        assert_eq!(
            check("x,\"x\"\n1,2\n"),
            Err((
                1,
                "the header names column `x` twice (fields 1 and 2)".to_owned()
            ))
        );
    }

    #[test]
    fn cells_are_typed_as_pandas_types_them() {
        assert!(is_missing(" NA") && is_missing("") && is_missing("#N/A N/A"));
        assert!(!is_missing("na") && !is_missing("0"));
        assert_eq!(number(" +3 "), Some(3.0));
        assert_eq!(number("-.5e1"), Some(-5.0));
        assert_eq!(number("0x10"), None);
        assert_eq!(boolean("TRUE"), Some(true));
        assert_eq!(boolean("no"), None);
    }
}
