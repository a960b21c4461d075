//! The ARFF writer: liac-arff's layout, read back exactly by [`super::ArffReader`].

use std::io::{self, Write};
use std::path::Path;

use super::token::quote_into;
use super::{Arff, AttributeKind, Column, MISSING_CODE};
use crate::error::{Error, Result};

/// Configures an [`ArffWriter`].
#[derive(Debug, Clone, Default)]
pub struct ArffWriterBuilder {
    sparse: bool,
}

impl ArffWriterBuilder {
    /// A builder with the default configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// Write every row as `{index value, ...}`, leaving out values equal to the sparse default
    /// (0, the first nominal value, the empty string, the epoch).
    ///
    /// By default, this is disabled: rows are dense.
    pub fn sparse(&mut self, yes: bool) -> &mut Self {
        self.sparse = yes;
        self
    }

    /// Builds the writer.
    pub fn build(&self) -> ArffWriter {
        ArffWriter {
            sparse: self.sparse,
        }
    }
}

/// Writes an [`Arff`]: `%` description lines, `@RELATION`, one `@ATTRIBUTE` per attribute,
/// `@DATA`, one row per line, `?` for missing values, a newline at the end.
#[derive(Debug, Clone, Default)]
pub struct ArffWriter {
    sparse: bool,
}

impl ArffWriter {
    /// A writer of dense rows.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes `arff` to `path` through a temporary file in the same directory that is renamed
    /// into place, so `path` never holds half a file. A path ending in `.gz` is gzip-compressed.
    ///
    /// A name that says another format (`.csv`, `.pq`, `.parquet`, gzipped or not) is an
    /// [`Error::ExtensionMismatch`] and nothing is written: ARFF text under such a name is a
    /// file that no reader of that format reads.
    pub fn write_path(&self, arff: &Arff, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        if let Some(named) = other_format_named(path) {
            return Err(Error::ExtensionMismatch {
                path: path.to_path_buf(),
                named,
                written: "ARFF",
                expected: ".arff or .arff.gz",
            });
        }
        let gzip = path.extension().is_some_and(|e| e == "gz");
        crate::atomic::write_atomically(path, |file| {
            if gzip {
                let mut encoder =
                    flate2::write::GzEncoder::new(file, flate2::Compression::default());
                self.write(arff, &mut encoder)?;
                encoder.finish()?;
                Ok(())
            } else {
                self.write(arff, file)
            }
        })
        .map_err(|e| Error::io("write", path, e))
    }

    /// Writes `arff` to `out`. An `Arff` whose columns disagree with its attributes (count,
    /// kind, length, nominal code) is an `InvalidInput` error and nothing is written.
    pub fn write(&self, arff: &Arff, out: impl Write) -> io::Result<()> {
        validate(arff)?;
        let mut out = io::BufWriter::with_capacity(1 << 16, out);
        let mut line = Vec::with_capacity(1 << 12);
        for comment in &arff.description {
            line.extend_from_slice(b"% ");
            line.extend_from_slice(comment.as_bytes());
            line.push(b'\n');
        }
        line.extend_from_slice(b"@RELATION ");
        quote_into(&arff.relation, &mut line);
        line.extend_from_slice(b"\n\n");
        for attribute in &arff.attributes {
            line.extend_from_slice(b"@ATTRIBUTE ");
            quote_into(&attribute.name, &mut line);
            line.push(b' ');
            match &attribute.kind {
                AttributeKind::Numeric => line.extend_from_slice(b"NUMERIC"),
                AttributeKind::Real => line.extend_from_slice(b"REAL"),
                AttributeKind::Integer => line.extend_from_slice(b"INTEGER"),
                AttributeKind::String => line.extend_from_slice(b"STRING"),
                AttributeKind::Date(format) => {
                    line.extend_from_slice(b"DATE ");
                    quote_into(format.java(), &mut line);
                }
                AttributeKind::Nominal(values) => {
                    line.push(b'{');
                    for (i, value) in values.iter().enumerate() {
                        if i > 0 {
                            line.extend_from_slice(b", ");
                        }
                        quote_into(value, &mut line);
                    }
                    line.push(b'}');
                }
            }
            line.push(b'\n');
        }
        line.extend_from_slice(b"\n@DATA\n");
        out.write_all(&line)?;
        for row in 0..arff.n_rows() {
            line.clear();
            if self.sparse {
                line.push(b'{');
                let mut first = true;
                for (j, column) in arff.columns.iter().enumerate() {
                    if column.is_sparse_default(row) {
                        continue;
                    }
                    if !first {
                        line.push(b',');
                    }
                    first = false;
                    line.extend_from_slice(j.to_string().as_bytes());
                    line.push(b' ');
                    value_into(arff, j, row, &mut line);
                }
                line.push(b'}');
            } else {
                for j in 0..arff.columns.len() {
                    if j > 0 {
                        line.push(b',');
                    }
                    value_into(arff, j, row, &mut line);
                }
            }
            line.push(b'\n');
            out.write_all(&line)?;
        }
        out.flush()
    }
}

/// Appends the value of attribute `j` in `row`.
fn value_into(arff: &Arff, j: usize, row: usize, line: &mut Vec<u8>) {
    match (&arff.columns[j], &arff.attributes[j].kind) {
        (Column::Numeric(values), _) => number_into(values[row], line),
        (Column::Nominal(codes), AttributeKind::Nominal(names)) => match codes[row] {
            MISSING_CODE => line.push(b'?'),
            code => quote_into(&names[code as usize], line),
        },
        (Column::String(values), _) => match &values[row] {
            Some(value) => quote_into(value, line),
            None => line.push(b'?'),
        },
        (Column::Date(values), AttributeKind::Date(format)) => match values[row] {
            Some(millis) => quote_into(&format.format(millis), line),
            None => line.push(b'?'),
        },
        _ => unreachable!("validated: column kinds match attribute kinds"),
    }
}

/// Appends `x` in the shortest form that reads back as the same `f64`; `NaN` as `?`.
pub(crate) fn number_into(x: f64, line: &mut Vec<u8>) {
    use std::io::Write as _;
    if x.is_nan() {
        line.push(b'?');
    } else if x.is_infinite() {
        // Java (Weka), Python and fast-float all read this spelling.
        line.extend_from_slice(if x > 0.0 { b"Infinity" } else { b"-Infinity" });
    } else if x == 0.0 || (1e-5..1e16).contains(&x.abs()) {
        let _ = write!(line, "{x}");
    } else {
        let _ = write!(line, "{x:e}");
    }
}

/// Checks that `arff` can be written and read back as itself: one column per attribute, of
/// its kind and of equal length, nominal codes in range, whole numbers in integer columns, dates
/// that exist, description lines without line breaks. The message names the attribute.
pub(crate) fn validate(arff: &Arff) -> io::Result<()> {
    let invalid = |message: String| io::Error::new(io::ErrorKind::InvalidInput, message);
    if arff.description.iter().any(|d| d.contains('\n')) {
        return Err(invalid("a description line holds a line break".into()));
    }
    if arff.columns.len() != arff.attributes.len() {
        return Err(invalid(format!(
            "{} attributes but {} columns",
            arff.attributes.len(),
            arff.columns.len()
        )));
    }
    let n_rows = arff.n_rows();
    for (attribute, column) in arff.attributes.iter().zip(&arff.columns) {
        let fits = match (&attribute.kind, column) {
            (AttributeKind::Numeric | AttributeKind::Real, Column::Numeric(_))
            | (AttributeKind::String, Column::String(_)) => true,
            (AttributeKind::Integer, Column::Numeric(values)) => values
                .iter()
                .all(|x| x.is_nan() || x.is_infinite() || x.fract() == 0.0),
            (AttributeKind::Date(_), Column::Date(values)) => values
                .iter()
                .flatten()
                .all(|&m| chrono::DateTime::from_timestamp_millis(m).is_some()),
            (AttributeKind::Nominal(names), Column::Nominal(codes)) => codes
                .iter()
                .all(|&c| c == MISSING_CODE || (c as usize) < names.len()),
            _ => false,
        };
        if !fits {
            return Err(invalid(format!(
                "column of attribute `{}` does not hold values of its type",
                attribute.name
            )));
        }
        if column.len() != n_rows {
            return Err(invalid(format!(
                "column of attribute `{}` has {} values, the first column {n_rows}",
                attribute.name,
                column.len()
            )));
        }
    }
    Ok(())
}

/// The format other than ARFF that the name of `path` says, gzipped or not, if any: `CSV` or
/// `Parquet`, as [`Format::of`](crate::Format::of) tells formats by name.
fn other_format_named(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    match crate::Format::of(Path::new(name)) {
        Ok(crate::Format::Csv) => Some("CSV"),
        Ok(crate::Format::Parquet) => Some("Parquet"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_of_another_format_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let arff = Arff::from_bytes(b"@relation r\n@attribute a numeric\n@data\n1\n").unwrap();
        for (name, format) in [
            ("gen.csv", "CSV"),
            ("gen.parquet", "Parquet"),
            ("gen.PQ", "Parquet"),
            ("gen.csv.gz", "CSV"),
        ] {
            let path = dir.path().join(name);
            let err = ArffWriter::new().write_path(&arff, &path).unwrap_err();
            let text = err.to_string();
            assert!(
                matches!(err, Error::ExtensionMismatch { named, .. } if named == format),
                "{text}"
            );
            assert!(
                text.contains(name) && text.contains(".arff or .arff.gz"),
                "{text}"
            );
            assert!(!path.exists(), "{name}");
        }
        for name in ["gen.arff", "gen.arff.gz", "datasplits.arff"] {
            let path = dir.path().join(name);
            ArffWriter::new().write_path(&arff, &path).unwrap();
            assert_eq!(crate::ArffReader::new().read_path(&path).unwrap(), arff);
        }
    }

    #[test]
    fn numbers_round_trip() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -3.0,
            0.1,
            1.0 / 3.0,
            1e-300,
            5e-324,
            1e300,
            f64::MAX,
            123456.789,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let mut out = Vec::new();
            number_into(x, &mut out);
            let back: f64 = fast_float2::parse(&out).unwrap();
            assert_eq!(
                back.to_bits(),
                x.to_bits(),
                "{x} written as {}",
                String::from_utf8_lossy(&out)
            );
        }
        let mut out = Vec::new();
        number_into(3.0, &mut out);
        assert_eq!(out, b"3");
    }
}
