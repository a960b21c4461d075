//! Loading a dataset from a path or a builtin name, with OpenML's metadata applied.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use polars::prelude::DataType;

use crate::arff::ArffReader;
use crate::builtin::{BUILTIN_PREFIX, builtin};
use crate::dataset::{Dataset, FeatureKind, Role};
use crate::error::{Error, Result};
use crate::metadata::{DatasetDescription, FeatureDescription, Warning, read_features};
use crate::tabular::{encode_strings, read_csv, read_parquet};

/// The file formats oml reads, recognised by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.arff` or `.arff.gz`.
    Arff,
    /// `.pq` or `.parquet`.
    Parquet,
    /// `.csv`.
    Csv,
}

impl Format {
    /// The format of `path` by its extension.
    pub fn of(path: &Path) -> Result<Format> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.ends_with(".arff") || name.ends_with(".arff.gz") {
            Ok(Format::Arff)
        } else if name.ends_with(".pq") || name.ends_with(".parquet") {
            Ok(Format::Parquet)
        } else if name.ends_with(".csv") {
            Ok(Format::Csv)
        } else {
            Err(Error::UnknownFormat {
                path: path.to_path_buf(),
            })
        }
    }
}

/// A dataset and the problems its lenient metadata documents had.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The dataset, with the metadata applied.
    pub dataset: Dataset,
    /// Non-fatal problems in `description.xml` and `features.xml`.
    pub warnings: Vec<Warning>,
}

/// Loads datasets: a file (ARFF, Parquet, CSV) or `builtin:NAME`, optionally with OpenML's
/// `description.xml` and `features.xml` applied.
///
/// The description gives the name, the default target, the row id and ignored columns (which
/// stay in the table with [`Role::RowId`] and [`Role::Ignored`]) and the MD5 checksum of an
/// ARFF file, checked while it is read. The features document gives every column's kind and
/// nominal values in declared order (re-encoding columns whose file stored them otherwise, as
/// Parquet does) and its target, ignore and row-id flags.
#[derive(Debug, Clone, Default)]
pub struct DatasetLoader {
    description: Option<PathBuf>,
    features: Option<PathBuf>,
}

/// Loads `source` (a path or `builtin:NAME`) without metadata documents.
pub fn load(source: &str) -> Result<Dataset> {
    DatasetLoader::new()
        .load(source)
        .map(|loaded| loaded.dataset)
}

impl DatasetLoader {
    /// A loader that applies no metadata documents.
    pub fn new() -> Self {
        Self::default()
    }

    /// Apply the OpenML `description.xml` at `path`.
    ///
    /// By default, no description is applied.
    pub fn description(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.description = Some(path.into());
        self
    }

    /// Apply the OpenML `features.xml` at `path`.
    ///
    /// By default, no features document is applied.
    pub fn features(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.features = Some(path.into());
        self
    }

    /// Loads `source`: `builtin:NAME` or a path whose extension names its format.
    pub fn load(&self, source: &str) -> Result<Loaded> {
        let mut warnings = Vec::new();
        let description = match &self.description {
            Some(path) => {
                let (description, found) = DatasetDescription::from_path(path)?;
                warnings.extend(found);
                Some(description)
            }
            None => None,
        };
        let features = match &self.features {
            Some(path) => {
                let (features, found) = read_features(path)?;
                warnings.extend(found);
                Some((path.as_path(), features))
            }
            None => None,
        };
        let mut dataset = match source.strip_prefix(BUILTIN_PREFIX) {
            Some(name) => builtin(name)?,
            None => {
                let path = Path::new(source);
                let checksum = description.as_ref().and_then(|d| d.md5_checksum.as_deref());
                read_file(path, checksum)?
            }
        };
        if let Some((path, features)) = features {
            apply_features(&mut dataset, features, &mut warnings).map_err(|e| e.with_path(path))?;
        }
        if let Some(description) = &description {
            apply_description(&mut dataset, description, &mut warnings)?;
        }
        Ok(Loaded { dataset, warnings })
    }
}

/// Opens the data file `path` for reading; a directory (which opens on Unix and then fails to
/// read, at no line) is an error that says it is one.
pub(crate) fn open_file(path: &Path) -> Result<File> {
    not_a_directory(path)?;
    File::open(path).map_err(|e| Error::io("open", path, e))
}

/// An error when `path` is a directory, which cannot be a data file.
fn not_a_directory(path: &Path) -> Result<()> {
    if path.is_dir() {
        return Err(Error::io(
            "read",
            path,
            io::Error::other("it is a directory, not a data file"),
        ));
    }
    Ok(())
}

/// Reads a data file by its format; checks an ARFF file's MD5 against `checksum`.
fn read_file(path: &Path, checksum: Option<&str>) -> Result<Dataset> {
    not_a_directory(path)?;
    match Format::of(path)? {
        Format::Arff => {
            let Some(expected) = checksum else {
                // Nothing to check: no hashing on the way.
                let (arff, lines) = ArffReader::new().read_path_with_lines(path)?;
                return arff_dataset(path, arff, lines);
            };
            // The checksum is of the ARFF text: hash after decompressing a gzip file.
            let mut file = io::BufReader::new(open_file(path)?);
            let gzip = io::BufRead::fill_buf(&mut file)
                .map_err(|e| Error::io("read", path, e))?
                .starts_with(&[0x1f, 0x8b]);
            let inner: Box<dyn Read + Send> = if gzip {
                Box::new(flate2::bufread::MultiGzDecoder::new(file))
            } else {
                Box::new(file)
            };
            let mut hashed = Md5Reader {
                inner,
                hasher: Md5::new(),
            };
            let (arff, lines) = ArffReader::new()
                .read_with_lines(&mut hashed)
                .map_err(|e| e.with_path(path))?;
            // The parser stops at the last line; hash whatever trails it too.
            io::copy(&mut hashed, &mut io::sink()).map_err(|e| Error::io("read", path, e))?;
            let actual = hex(&hashed.hasher.finalize());
            if !actual.eq_ignore_ascii_case(expected.trim()) {
                return Err(Error::Checksum {
                    path: path.to_path_buf(),
                    expected: expected.trim().to_owned(),
                    actual,
                });
            }
            arff_dataset(path, arff, lines)
        }
        Format::Parquet => read_parquet(path),
        Format::Csv => read_csv(path),
    }
}

/// The dataset of the ARFF file `path`, parsed into `arff`, whose row `i` is on line
/// `lines[i]`.
fn arff_dataset(path: &Path, arff: crate::Arff, lines: Vec<u64>) -> Result<Dataset> {
    let mut dataset = Dataset::from_arff(arff).map_err(|e| e.with_path(path))?;
    dataset.set_origin(path, Some(lines));
    Ok(dataset)
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes everything read through it.
struct Md5Reader<R> {
    inner: R,
    hasher: Md5,
}

impl<R: Read> Read for Md5Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

fn apply_description(
    dataset: &mut Dataset,
    description: &DatasetDescription,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    if !description.name.is_empty() {
        dataset.set_name(&description.name);
    }
    let mut mark = |column: &str, role: Role, element: &str, dataset: &mut Dataset| {
        if dataset.set_role(column, role).is_err() {
            warnings.push(Warning {
                element: element.to_owned(),
                message: format!("the data has no column `{column}`"),
            });
        }
    };
    if let Some(row_id) = &description.row_id_attribute {
        mark(row_id, Role::RowId, "row_id_attribute", dataset);
    }
    for ignored in &description.ignore_attribute {
        mark(ignored, Role::Ignored, "ignore_attribute", dataset);
    }
    match description.default_target_attribute.as_slice() {
        [] => {}
        [target] => {
            if dataset.set_default_target(Some(target)).is_err() {
                warnings.push(Warning {
                    element: "default_target_attribute".into(),
                    message: format!("the data has no column `{target}`"),
                });
            }
        }
        targets => warnings.push(Warning {
            element: "default_target_attribute".into(),
            message: format!(
                "several targets ({}) are not supported; no default target is set",
                targets.join(", ")
            ),
        }),
    }
    Ok(())
}

fn apply_features(
    dataset: &mut Dataset,
    features: Vec<FeatureDescription>,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    let mismatch = |message: String| Error::Metadata {
        path: None,
        message,
    };
    if features.len() != dataset.features().len() {
        return Err(mismatch(format!(
            "describes {} features, the data has {} columns",
            features.len(),
            dataset.features().len()
        )));
    }
    for described in features {
        let i = described.index;
        let current = &dataset.features()[i];
        if current.name != described.name {
            return Err(mismatch(format!(
                "feature {i} is `{}`, the data's column {i} is `{}`",
                described.name, current.name
            )));
        }
        match (described.data_type.as_str(), &current.kind) {
            ("nominal", FeatureKind::Nominal(values)) if *values == described.nominal_values => {}
            ("nominal", FeatureKind::Nominal(_) | FeatureKind::String | FeatureKind::Numeric) => {
                let series = dataset.table().columns()[i].as_materialized_series();
                let strings = if current.kind == FeatureKind::Numeric {
                    numbers_as_labels(series)
                } else {
                    series.cast(&DataType::String)
                };
                let recoded = strings
                    .and_then(|s| encode_strings(&s, &described.nominal_values))
                    .map_err(|e| mismatch(format!("feature `{}`: {e}", described.name)))?;
                dataset.replace(i, recoded, FeatureKind::Nominal(described.nominal_values))?;
            }
            ("numeric", FeatureKind::Numeric)
            | ("string", FeatureKind::String)
            | ("date", FeatureKind::Date) => {}
            (declared, kind) => {
                return Err(mismatch(format!(
                    "feature `{}` is declared {declared}, but the data holds {} values",
                    described.name,
                    kind.name()
                )));
            }
        }
        if described.is_target && dataset.default_target().is_none() {
            dataset.set_default_target(Some(&described.name))?;
        }
        if described.is_ignore {
            dataset.set_role(&described.name, Role::Ignored)?;
        }
        if described.is_row_identifier {
            dataset.set_role(&described.name, Role::RowId)?;
        }
        let missing = dataset.features()[i].missing as u64;
        if let Some(declared) = described.number_of_missing_values
            && declared != missing
        {
            warnings.push(Warning {
                element: "number_of_missing_values".into(),
                message: format!(
                    "feature `{}` declares {declared} missing values, the data has {missing}",
                    described.name
                ),
            });
        }
    }
    Ok(())
}

/// Numbers as nominal labels: integers without a fractional part (`3`, not `3.0`).
fn numbers_as_labels(
    series: &polars::prelude::Series,
) -> polars::error::PolarsResult<polars::prelude::Series> {
    use polars::prelude::{IntoSeries, NewChunkedArray, StringChunked};
    let labels: Vec<Option<String>> = series
        .f64()?
        .iter()
        .map(|v| {
            v.map(|x| {
                if x.fract() == 0.0 && x.abs() < 1e15 {
                    format!("{}", x as i64)
                } else {
                    x.to_string()
                }
            })
        })
        .collect();
    Ok(StringChunked::from_iter_options(series.name().clone(), labels.into_iter()).into_series())
}
