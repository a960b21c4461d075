//! Parquet and CSV through polars, turned into a [`Dataset`].

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::Path;

use polars::prelude::{
    ArrowDataType, ArrowSchema, DataFrame, DataType, Float64Chunked, IntoColumn, IntoSeries,
    NewChunkedArray, ParquetReader, SerReader, Series, TimeUnit,
};

use crate::arff::MISSING_CODE;
use crate::dataset::{Dataset, Feature, FeatureKind, Role, nominal_series};
use crate::error::{Error, Result};

mod csv;

pub use csv::read_csv;

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
///
/// A column of another type (decimal, map, binary, list, struct, time, ...) is an
/// [`Error::UnsupportedColumn`] naming the file, the column and its type, found from the
/// file's schema before any value is read.
pub fn read_parquet(path: impl AsRef<Path>) -> Result<Dataset> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    let mut reader = ParquetReader::new(file);
    let schema = reader
        .schema()
        .map_err(|e| Error::table("reading the Parquet schema", e).with_path(path))?;
    check_parquet_schema(&schema).map_err(|e| e.with_path(path))?;
    let table = reader
        .finish()
        .map_err(|e| Error::table("reading Parquet", e).with_path(path))?;
    let categorical: HashSet<String> = schema
        .iter()
        .filter(|(_, field)| is_string_dictionary(&field.dtype))
        .map(|(name, _)| name.to_string())
        .collect();
    let dictionaries = dictionaries(path, &categorical).map_err(|e| e.with_path(path))?;
    let mut dataset = dataset_from_table(name_of(path), table, TextColumns::Strings, &dictionaries)
        .map_err(|e| e.with_path(path))?;
    dataset.set_origin(path, None);
    Ok(dataset)
}

/// Refuses a column whose Arrow type oml does not read, before polars reads any value: polars
/// panics on some of them (decimals and maps need polars features that oml does not build)
/// and fails on others without naming the column.
fn check_parquet_schema(schema: &ArrowSchema) -> Result<()> {
    for (name, field) in schema.iter() {
        if !is_readable(&field.dtype) {
            return Err(Error::UnsupportedColumn {
                path: None,
                column: name.to_string(),
                dtype: arrow_type_name(&field.dtype),
            });
        }
    }
    Ok(())
}

/// Whether a Parquet column of this Arrow type becomes a feature: numbers, booleans, strings,
/// dates and timestamps, and dictionaries of them.
fn is_readable(dtype: &ArrowDataType) -> bool {
    use ArrowDataType as A;
    match dtype {
        A::Boolean
        | A::Int8
        | A::Int16
        | A::Int32
        | A::Int64
        | A::UInt8
        | A::UInt16
        | A::UInt32
        | A::UInt64
        | A::Float32
        | A::Float64
        | A::Utf8
        | A::LargeUtf8
        | A::Utf8View
        | A::Date32
        | A::Date64
        | A::Timestamp(..) => true,
        A::Dictionary(_, values, _) => is_readable(values),
        _ => false,
    }
}

/// Whether an Arrow type is a dictionary of strings, which polars reads as a categorical column.
fn is_string_dictionary(dtype: &ArrowDataType) -> bool {
    use ArrowDataType as A;
    matches!(dtype, A::Dictionary(_, values, _)
        if matches!(values.as_ref(), A::Utf8 | A::LargeUtf8 | A::Utf8View))
}

/// An Arrow type much as pyarrow names it (`decimal(10, 2)`, `list<int64>`).
fn arrow_type_name(dtype: &ArrowDataType) -> String {
    use ArrowDataType as A;
    match dtype {
        // polars reads 32- and 64-bit decimals as 128-bit ones: the width is not known here.
        A::Decimal(precision, scale)
        | A::Decimal32(precision, scale)
        | A::Decimal64(precision, scale) => format!("decimal({precision}, {scale})"),
        A::Decimal256(precision, scale) => format!("decimal256({precision}, {scale})"),
        A::Map(entries, _) => match &entries.dtype {
            A::Struct(fields) if fields.len() == 2 => format!(
                "map<{}, {}>",
                arrow_type_name(&fields[0].dtype),
                arrow_type_name(&fields[1].dtype)
            ),
            _ => "map".to_owned(),
        },
        A::Binary | A::LargeBinary | A::BinaryView => "binary".to_owned(),
        A::FixedSizeBinary(size) => format!("fixed_size_binary({size})"),
        A::List(item) | A::LargeList(item) => format!("list<{}>", arrow_type_name(&item.dtype)),
        A::FixedSizeList(item, size) => {
            format!("fixed_size_list<{}, {size}>", arrow_type_name(&item.dtype))
        }
        A::Struct(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|field| format!("{}: {}", field.name, arrow_type_name(&field.dtype)))
                .collect();
            format!("struct<{}>", fields.join(", "))
        }
        A::Dictionary(_, values, _) => format!("dictionary<{}>", arrow_type_name(values)),
        A::Extension(extension) => format!("extension `{}`", extension.name),
        A::Utf8 | A::LargeUtf8 | A::Utf8View => "string".to_owned(),
        A::Time32(_) | A::Time64(_) => "time".to_owned(),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// The dictionary of each of the dictionary-encoded string columns `columns`, in the file's
/// order: the categories as the writer declared them (pyarrow writes an Arrow dictionary as it
/// is, unused values included). Row groups with dictionaries of their own add their new values
/// at the end.
fn dictionaries(path: &Path, columns: &HashSet<String>) -> Result<HashMap<String, Vec<String>>> {
    use polars_parquet::parquet::read::{BasicDecompressor, get_page_iterator, read_metadata};
    use polars_parquet::parquet::schema::types::PhysicalType;
    use std::io::Cursor;

    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    if columns.is_empty() {
        return Ok(out);
    }
    let bytes =
        polars_buffer::Buffer::from(std::fs::read(path).map_err(|e| Error::io("read", path, e))?);
    let metadata = read_metadata(&mut Cursor::new(bytes.clone()))
        .map_err(|e| Error::table("reading the Parquet metadata", e.into()))?;
    for row_group in &metadata.row_groups {
        for chunk in row_group.parquet_columns() {
            let descriptor = chunk.descriptor();
            if descriptor.descriptor.primitive_type.physical_type != PhysicalType::ByteArray
                || descriptor.path_in_schema.len() != 1
                || !columns.contains(descriptor.path_in_schema[0].as_str())
            {
                continue;
            }
            let name = descriptor.path_in_schema[0].to_string();
            let fail = |e: polars::error::PolarsError| {
                Error::table(format!("reading the dictionary of column `{name}`"), e)
            };
            let pages = get_page_iterator(chunk, Cursor::new(bytes.clone()), vec![], usize::MAX)
                .map_err(|e| fail(e.into()))?;
            let Some(page) = BasicDecompressor::new(pages, vec![])
                .read_dict_page()
                .map_err(|e| fail(e.into()))?
            else {
                continue;
            };
            let values = out.entry(name.clone()).or_default();
            let mut rest: &[u8] = &page.buffer;
            for _ in 0..page.num_values {
                let invalid = || {
                    fail(polars::error::PolarsError::ComputeError(
                        "corrupt dictionary page".into(),
                    ))
                };
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
