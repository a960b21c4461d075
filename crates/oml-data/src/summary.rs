//! A dataset's shape and columns at a glance: what `oml data inspect` prints.

use std::fmt;

use serde::Serialize;

use crate::dataset::Dataset;

/// Rows, columns and per-column metadata. Serialises to the JSON of `oml data inspect --json`:
/// `n_rows`, `n_columns`, `columns: [{name, kind, missing, categories}]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatasetSummary {
    /// The number of rows.
    pub n_rows: usize,
    /// The number of columns.
    pub n_columns: usize,
    /// One entry per column, in table order.
    pub columns: Vec<ColumnSummary>,
}

/// One column of a [`DatasetSummary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnSummary {
    /// The column name.
    pub name: String,
    /// `numeric`, `nominal`, `string` or `date`.
    pub kind: &'static str,
    /// The number of missing values.
    pub missing: usize,
    /// The declared values of a nominal column, in order; `None` otherwise.
    pub categories: Option<Vec<String>>,
}

impl Dataset {
    /// The dataset's shape and columns.
    pub fn summary(&self) -> DatasetSummary {
        DatasetSummary {
            n_rows: self.n_rows(),
            n_columns: self.features().len(),
            columns: self
                .features()
                .iter()
                .map(|f| ColumnSummary {
                    name: f.name.clone(),
                    kind: f.kind.name(),
                    missing: f.missing,
                    categories: f.kind.categories().map(<[String]>::to_vec),
                })
                .collect(),
        }
    }
}

/// A plain-text table: a header line with the counts, then one line per column.
impl fmt::Display for DatasetSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} rows, {} columns", self.n_rows, self.n_columns)?;
        let width = self
            .columns
            .iter()
            .map(|c| c.name.len())
            .max()
            .unwrap_or(4)
            .max(4);
        writeln!(
            f,
            "{:<width$}  {:<8}  {:>8}  categories",
            "name", "kind", "missing"
        )?;
        for column in &self.columns {
            let categories = column
                .categories
                .as_ref()
                .map_or_else(|| "-".to_owned(), |c| c.len().to_string());
            writeln!(
                f,
                "{:<width$}  {:<8}  {:>8}  {categories}",
                column.name, column.kind, column.missing
            )?;
        }
        Ok(())
    }
}
