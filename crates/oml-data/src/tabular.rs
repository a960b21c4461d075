//! Parquet and CSV through polars, turned into a [`Dataset`].

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use polars::prelude::{
    CsvReadOptions, DataFrame, DataType, Float64Chunked, IntoColumn, IntoSeries, NewChunkedArray,
    NullValues, ParquetReader, SerReader, Series, TimeUnit,
};

use crate::arff::MISSING_CODE;
use crate::dataset::{Dataset, Feature, FeatureKind, Role, nominal_series};
use crate::error::{Error, Result};

/// How text columns of a table become features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextColumns {
    /// Plain strings stay string features (Parquet, which has real categorical columns).
    Strings,
    /// Plain strings become nominal features (CSV, which has no column types).
    Nominal,
}

/// Reads a Parquet file. Dictionary (categorical) columns become nominal features whose values
/// are the file's dictionary in order (an Enum's categories for files that polars wrote);
/// numbers and booleans become numeric and nominal (`False`, `True`); strings stay strings.
/// Float `NaN`s count as missing, as in openml-python.
pub fn read_parquet(path: impl AsRef<Path>) -> Result<Dataset> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    let table = ParquetReader::new(file)
        .finish()
        .map_err(|e| Error::table("reading Parquet", e).with_path(path))?;
    let dictionaries = dictionaries(path)
        .map_err(|e| Error::table("reading Parquet dictionaries", e).with_path(path))?;
    dataset_from_table(name_of(path), table, TextColumns::Strings, &dictionaries)
        .map_err(|e| e.with_path(path))
}

/// The dictionary of every dictionary-encoded string column, in the file's order: the
/// categories as the writer declared them (pyarrow writes an Arrow dictionary as it is, unused
/// values included). Row groups with dictionaries of their own add their new values at the end.
fn dictionaries(path: &Path) -> polars::error::PolarsResult<HashMap<String, Vec<String>>> {
    use polars_parquet::parquet::read::{BasicDecompressor, get_page_iterator, read_metadata};
    use polars_parquet::parquet::schema::types::PhysicalType;
    use std::io::Cursor;

    let bytes = polars_buffer::Buffer::from(std::fs::read(path)?);
    let metadata = read_metadata(&mut Cursor::new(bytes.clone()))?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for row_group in &metadata.row_groups {
        for chunk in row_group.parquet_columns() {
            let descriptor = chunk.descriptor();
            if descriptor.descriptor.primitive_type.physical_type != PhysicalType::ByteArray
                || descriptor.path_in_schema.len() != 1
            {
                continue;
            }
            let pages = get_page_iterator(chunk, Cursor::new(bytes.clone()), vec![], usize::MAX)?;
            let Some(page) = BasicDecompressor::new(pages, vec![]).read_dict_page()? else {
                continue;
            };
            let values = out
                .entry(descriptor.path_in_schema[0].to_string())
                .or_default();
            let mut rest: &[u8] = &page.buffer;
            for _ in 0..page.num_values {
                let invalid =
                    || polars::error::PolarsError::ComputeError("corrupt dictionary page".into());
                let (len, tail) = rest.split_first_chunk::<4>().ok_or_else(invalid)?;
                let len = u32::from_le_bytes(*len) as usize;
                let value = tail.get(..len).ok_or_else(invalid)?;
                let value = std::str::from_utf8(value).map_err(|_| invalid())?;
                if !values.iter().any(|v| v == value) {
                    values.push(value.to_owned());
                }
                rest = &tail[len..];
            }
        }
    }
    Ok(out)
}

/// Reads a CSV file with a header row; `?` and empty fields are missing. Column types are
/// inferred by polars; text columns become nominal features with their distinct values sorted.
pub fn read_csv(path: impl AsRef<Path>) -> Result<Dataset> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    check_csv_structure(&bytes).map_err(|e| e.with_path(path))?;
    let table = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(None)
        .map_parse_options(|o| o.with_null_values(Some(NullValues::AllColumnsSingle("?".into()))))
        // The bytes already read for the check: the file is read once.
        .into_reader_with_file_handle(std::io::Cursor::new(bytes))
        .finish()
        .map_err(|e| Error::table("reading CSV", e).with_path(path))?;
    dataset_from_table(name_of(path), table, TextColumns::Nominal, &HashMap::new())
        .map_err(|e| e.with_path(path))
}

/// Checks the structure of a CSV text before polars reads it, so that an error names its line:
/// every quoted field is closed (a quote inside a quoted field is written twice, as RFC 4180
/// says) and every record has as many fields as the header. An unclosed quote would make the
/// rest of the file one field, so that polars reads no rows at all; a ragged record would be an
/// error about a polars option.
fn check_csv_structure(bytes: &[u8]) -> Result<()> {
    let error = |line: u64, message: String| Error::Csv {
        path: None,
        line,
        message,
    };
    let mut line = 1u64;
    let mut record_line = 1u64;
    let mut opened_at = None;
    let mut previous = b'\n';
    let mut fields = 1usize;
    let mut record_empty = true;
    let mut header_fields = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match (opened_at, b) {
            (Some(_), b'"') if bytes.get(i + 1) == Some(&b'"') => i += 1,
            (Some(_), b'"') => opened_at = None,
            (Some(_), b'\n') => line += 1,
            (Some(_), _) => {}
            (None, b'"') if matches!(previous, b',' | b'\n' | b'\r') => {
                opened_at = Some(line);
                record_empty = false;
            }
            (None, b',') => {
                fields += 1;
                record_empty = false;
            }
            (None, b'\n') => {
                if !record_empty {
                    match header_fields {
                        None => header_fields = Some(fields),
                        Some(expected) if fields != expected => {
                            return Err(error(
                                record_line,
                                format!("{fields} fields, but the header has {expected}"),
                            ));
                        }
                        Some(_) => {}
                    }
                }
                line += 1;
                record_line = line;
                fields = 1;
                record_empty = true;
            }
            (None, b'\r') => {}
            (None, _) => record_empty = false,
        }
        previous = b;
        i += 1;
    }
    if let Some(line) = opened_at {
        return Err(error(
            line,
            "a quoted field starts here and is never closed (a quote inside a quoted field is \
             written twice: \"\")"
                .to_owned(),
        ));
    }
    match header_fields {
        Some(expected) if !record_empty && fields != expected => Err(error(
            record_line,
            format!("{fields} fields, but the header has {expected}"),
        )),
        _ => Ok(()),
    }
}

/// The file name without its extensions: `dataset_30.pq` gives `dataset_30`.
fn name_of(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy())
        .unwrap_or_default();
    file.split('.').next().unwrap_or_default().to_owned()
}

/// Normalises every column of `table` to one of the four feature kinds.
pub(crate) fn dataset_from_table(
    name: String,
    table: DataFrame,
    text: TextColumns,
    dictionaries: &HashMap<String, Vec<String>>,
) -> Result<Dataset> {
    let height = table.height();
    let mut columns = Vec::with_capacity(table.width());
    let mut features = Vec::with_capacity(table.width());
    for column in table.columns() {
        let series = column.as_materialized_series();
        let column_name = series.name().to_string();
        let fail = |e| Error::table(format!("converting column `{column_name}`"), e);
        let dtype = series.dtype();
        let (series, kind) = match dtype {
            DataType::Enum(frozen, _) => {
                let categories: Vec<String> = frozen
                    .categories()
                    .values_iter()
                    .map(str::to_owned)
                    .collect();
                (series.clone(), FeatureKind::Nominal(categories))
            }
            DataType::Categorical(..) => {
                let strings = series.cast(&DataType::String).map_err(fail)?;
                match dictionaries.get(column_name.as_str()) {
                    Some(categories) => {
                        let series = encode_strings(&strings, categories).map_err(fail)?;
                        (series, FeatureKind::Nominal(categories.clone()))
                    }
                    None => nominal_from_strings(&strings).map_err(fail)?,
                }
            }
            DataType::String if text == TextColumns::Nominal => {
                nominal_from_strings(series).map_err(fail)?
            }
            DataType::String => (series.clone(), FeatureKind::String),
            DataType::Boolean => {
                let categories = vec!["False".to_owned(), "True".to_owned()];
                let codes: Vec<u32> = series
                    .bool()
                    .map_err(fail)?
                    .iter()
                    .map(|b| b.map_or(MISSING_CODE, u32::from))
                    .collect();
                let series =
                    nominal_series(series.name().clone(), &codes, &categories).map_err(fail)?;
                (series, FeatureKind::Nominal(categories))
            }
            DataType::Date | DataType::Datetime(..) => (
                series
                    .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
                    .map_err(fail)?,
                FeatureKind::Date,
            ),
            dt if dt.is_primitive_numeric() => {
                let floats = series.cast(&DataType::Float64).map_err(fail)?;
                let values = floats.f64().map_err(fail)?;
                let series = Float64Chunked::from_iter_options(
                    series.name().clone(),
                    values.iter().map(|v| v.filter(|x| !x.is_nan())),
                )
                .into_series();
                (series, FeatureKind::Numeric)
            }
            other => {
                return Err(Error::Encode {
                    dataset: name,
                    column: column_name,
                    message: format!("columns of type {other} are not supported"),
                });
            }
        };
        features.push(Feature {
            name: column_name,
            kind,
            missing: series.null_count(),
            role: Role::Feature,
        });
        columns.push(series.into_column());
    }
    let table =
        DataFrame::new(height, columns).map_err(|e| Error::table("building the table", e))?;
    Dataset::new(name, table, features)
}

/// A string series as a nominal one whose values are its distinct strings, sorted.
fn nominal_from_strings(strings: &Series) -> polars::error::PolarsResult<(Series, FeatureKind)> {
    let values = strings.str()?;
    let mut categories: Vec<String> = values.iter().flatten().map(str::to_owned).collect();
    categories.sort_unstable();
    categories.dedup();
    let series = encode_strings(strings, &categories)?;
    Ok((series, FeatureKind::Nominal(categories)))
}

/// Encodes a string series against `categories`; `None` names the first value that is not one
/// of them.
pub(crate) fn encode_strings(
    strings: &Series,
    categories: &[String],
) -> polars::error::PolarsResult<Series> {
    let index: HashMap<&str, u32> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i as u32))
        .collect();
    let mut codes = Vec::with_capacity(strings.len());
    for value in strings.str()?.iter() {
        codes.push(match value {
            None => MISSING_CODE,
            Some(v) => *index.get(v).ok_or_else(|| {
                polars::error::PolarsError::ComputeError(
                    format!("value `{v}` is not one of the declared nominal values").into(),
                )
            })?,
        });
    }
    nominal_series(strings.name().clone(), &codes, categories)
}
