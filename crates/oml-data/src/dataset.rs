//! The in-memory dataset: a polars table plus what OpenML knows about each column.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::{
    DataFrame, DataType, Float64Chunked, FrozenCategories, Int64Chunked, IntoColumn, IntoSeries,
    NewChunkedArray, PlSmallStr, Series, StringChunked, TimeUnit, UInt32Chunked,
};

use crate::arff::{Arff, AttributeKind, Column, MISSING_CODE};
use crate::error::{Error, Result};

/// What kind of values a feature holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeatureKind {
    /// Numbers (`numeric`, `real` or `integer` in ARFF); stored as `Float64`.
    Numeric,
    /// One of a declared list of values, in declaration order; stored as a polars `Enum` whose
    /// physical codes are the positions in that list.
    Nominal(Vec<String>),
    /// Free text; stored as `String`.
    String,
    /// A point in time; stored as `Datetime` in milliseconds (UTC).
    Date,
}

impl FeatureKind {
    /// OpenML's name for the kind: `numeric`, `nominal`, `string` or `date`.
    pub fn name(&self) -> &'static str {
        match self {
            FeatureKind::Numeric => "numeric",
            FeatureKind::Nominal(_) => "nominal",
            FeatureKind::String => "string",
            FeatureKind::Date => "date",
        }
    }

    /// The declared values of a nominal feature.
    pub fn categories(&self) -> Option<&[String]> {
        match self {
            FeatureKind::Nominal(values) => Some(values),
            _ => None,
        }
    }
}

/// Whether models see a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// An input feature (or the target, which the task names).
    #[default]
    Feature,
    /// The dataset's `row_id_attribute`: kept in the table, never given to a model.
    RowId,
    /// One of the dataset's `ignore_attribute`s: kept in the table, never given to a model.
    Ignored,
}

/// One column's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The column name, verbatim from the file.
    pub name: String,
    /// Its kind, with the nominal values.
    pub kind: FeatureKind,
    /// The number of missing values.
    pub missing: usize,
    /// Whether models see it.
    pub role: Role,
}

/// A dataset: a polars table plus feature metadata, one [`Feature`] per table column in the
/// same order.
///
/// Missing values are nulls in the table. Nominal columns are polars `Enum`s built from the
/// declared values, so their codes follow the declaration, never polars' global string cache.
#[derive(Debug, Clone)]
pub struct Dataset {
    name: String,
    table: DataFrame,
    features: Vec<Feature>,
    default_target: Option<String>,
    origin: Option<Origin>,
}

/// The file a dataset's rows were read from, so that an error about a row can say where it is.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    /// The file.
    pub(crate) path: PathBuf,
    /// The line (from 1) of each row, for the text formats (ARFF, CSV).
    pub(crate) lines: Option<Arc<[u64]>>,
}

impl Origin {
    /// The line of `row` (from 0) in the file, when known.
    pub(crate) fn line_of(&self, row: usize) -> Option<u64> {
        self.lines
            .as_ref()
            .and_then(|lines| lines.get(row).copied())
    }
}

impl Dataset {
    /// A dataset from a table and matching features (same names, same order, kinds that fit the
    /// column types).
    pub fn new(name: impl Into<String>, table: DataFrame, features: Vec<Feature>) -> Result<Self> {
        let name = name.into();
        let columns = table.columns();
        if columns.len() != features.len() {
            return Err(Error::Encode {
                dataset: name,
                column: String::new(),
                message: format!(
                    "{} features described for {} columns",
                    features.len(),
                    columns.len()
                ),
            });
        }
        for (column, feature) in columns.iter().zip(&features) {
            let fits = match &feature.kind {
                FeatureKind::Numeric => column.dtype() == &DataType::Float64,
                FeatureKind::Nominal(_) => matches!(column.dtype(), DataType::Enum(..)),
                FeatureKind::String => column.dtype() == &DataType::String,
                FeatureKind::Date => matches!(column.dtype(), DataType::Datetime(..)),
            };
            if column.name().as_str() != feature.name || !fits {
                return Err(Error::Encode {
                    dataset: name,
                    column: column.name().to_string(),
                    message: format!(
                        "column of type {} does not match feature `{}` ({})",
                        column.dtype(),
                        feature.name,
                        feature.kind.name()
                    ),
                });
            }
        }
        Ok(Dataset {
            name,
            table,
            features,
            default_target: None,
            origin: None,
        })
    }

    /// Converts a parsed ARFF file; the relation becomes the name.
    pub fn from_arff(arff: Arff) -> Result<Self> {
        crate::arff::validate(&arff).map_err(|e| Error::Encode {
            dataset: arff.relation.clone(),
            column: String::new(),
            message: e.to_string(),
        })?;
        let n_rows = arff.n_rows();
        let Arff {
            relation,
            attributes,
            columns,
            ..
        } = arff;
        let mut table_columns = Vec::with_capacity(columns.len());
        let mut features = Vec::with_capacity(columns.len());
        for (attribute, column) in attributes.into_iter().zip(columns) {
            let name = PlSmallStr::from(attribute.name.as_str());
            let missing = column.missing();
            let (series, kind) = match (column, attribute.kind) {
                (Column::Numeric(values), _) => {
                    let chunked = if missing == 0 {
                        Float64Chunked::from_vec(name, values)
                    } else {
                        Float64Chunked::from_iter_options(
                            name,
                            values.iter().map(|&x| (!x.is_nan()).then_some(x)),
                        )
                    };
                    (chunked.into_series(), FeatureKind::Numeric)
                }
                (Column::Nominal(codes), AttributeKind::Nominal(categories)) => (
                    nominal_series(name, &codes, &categories)
                        .map_err(|e| Error::table(format!("column `{}`", attribute.name), e))?,
                    FeatureKind::Nominal(categories),
                ),
                (Column::String(values), _) => (
                    StringChunked::from_iter_options(name, values.iter().map(|v| v.as_deref()))
                        .into_series(),
                    FeatureKind::String,
                ),
                (Column::Date(values), _) => (
                    Int64Chunked::from_iter_options(name, values.into_iter())
                        .into_datetime(TimeUnit::Milliseconds, None)
                        .into_series(),
                    FeatureKind::Date,
                ),
                (Column::Nominal(_), _) => {
                    unreachable!("nominal columns come from nominal attributes")
                }
            };
            table_columns.push(series.into_column());
            features.push(Feature {
                name: attribute.name,
                kind,
                missing,
                role: Role::Feature,
            });
        }
        let table = DataFrame::new(n_rows, table_columns)
            .map_err(|e| Error::table(format!("building the table of `{relation}`"), e))?;
        Dataset::new(relation, table, features)
    }

    /// The dataset's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Renames the dataset.
    pub fn set_name(&mut self, name: &str) {
        self.name = name.to_owned();
    }

    /// The table: one column per feature, missing values as nulls.
    pub fn table(&self) -> &DataFrame {
        &self.table
    }

    /// The features, in table column order.
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// The feature called `name`.
    pub fn feature(&self, name: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.name == name)
    }

    /// The number of rows.
    pub fn n_rows(&self) -> usize {
        self.table.height()
    }

    /// The default target (from `description.xml`, `features.xml` or the builtin), if any.
    pub fn default_target(&self) -> Option<&str> {
        self.default_target.as_deref()
    }

    /// Sets the default target; it must name a column.
    pub fn set_default_target(&mut self, target: Option<&str>) -> Result<()> {
        if let Some(target) = target {
            self.index_of(target)?;
        }
        self.default_target = target.map(str::to_owned);
        Ok(())
    }

    /// Sets the role of column `name`.
    pub fn set_role(&mut self, name: &str, role: Role) -> Result<()> {
        let i = self.index_of(name)?;
        self.features[i].role = role;
        Ok(())
    }

    /// The position of column `name`.
    pub(crate) fn index_of(&self, name: &str) -> Result<usize> {
        self.features
            .iter()
            .position(|f| f.name == name)
            .ok_or_else(|| Error::UnknownColumn {
                dataset: self.name.clone(),
                column: name.to_owned(),
            })
    }

    /// Records that the rows were read from `path`, the row `i` from line `lines[i]` (from 1)
    /// for a text format; lines that do not match the rows are not kept.
    pub(crate) fn set_origin(&mut self, path: &Path, lines: Option<Vec<u64>>) {
        let lines = lines
            .filter(|lines| lines.len() == self.n_rows())
            .map(Arc::from);
        self.origin = Some(Origin {
            path: path.to_path_buf(),
            lines,
        });
    }

    /// The file the rows were read from, and their lines, when the dataset came from a file.
    pub(crate) fn origin(&self) -> Option<&Origin> {
        self.origin.as_ref()
    }

    /// Replaces column `i` and its feature (same name), recomputing nothing else.
    pub(crate) fn replace(&mut self, i: usize, series: Series, kind: FeatureKind) -> Result<()> {
        let name = self.features[i].name.clone();
        let missing = series.null_count();
        self.table
            .replace_column(i, series.into_column())
            .map_err(|e| Error::table(format!("replacing column `{name}`"), e))?;
        self.features[i].kind = kind;
        self.features[i].missing = missing;
        Ok(())
    }
}

/// Builds an `Enum` series whose codes are positions in `categories`; [`MISSING_CODE`] is null.
pub(crate) fn nominal_series(
    name: PlSmallStr,
    codes: &[u32],
    categories: &[String],
) -> polars::error::PolarsResult<Series> {
    let frozen = FrozenCategories::new(categories.iter().map(String::as_str))?;
    let dtype = DataType::from_frozen_categories(Arc::clone(&frozen));
    let physical = UInt32Chunked::from_iter_options(
        name,
        codes.iter().map(|&c| (c != MISSING_CODE).then_some(c)),
    )
    .into_series()
    .cast(&DataType::from(dtype.cat_physical()?))?;
    Series::from_cats_and_dtype(&physical, &dtype, true)
}

/// The codes of a nominal column: positions in its declared values, `None` where missing.
pub(crate) fn nominal_codes(series: &Series) -> polars::error::PolarsResult<Vec<Option<u32>>> {
    let physical = series.to_physical_repr().cast(&DataType::UInt32)?;
    Ok(physical.u32()?.iter().collect())
}
