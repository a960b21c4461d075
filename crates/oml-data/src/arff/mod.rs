//! ARFF, the attribute-relation file format that OpenML serves datasets, splits and
//! predictions in.
//!
//! [`ArffReader`] streams a file (plain or gzip) into an [`Arff`]: the header plus one typed
//! column per attribute. [`ArffWriter`] writes an [`Arff`] back, dense or sparse, so that the
//! reader returns exactly what was written.

mod data_section;
mod date;
mod header;
mod number;
mod reader;
mod token;
mod writer;

pub use date::{DateFormat, TWO_DIGIT_YEAR_START};
pub use reader::{ArffReader, ArffReaderBuilder};
pub(crate) use writer::validate;
pub use writer::{ArffWriter, ArffWriterBuilder};

/// One ARFF file in memory: its relation, attributes and data, column by column.
#[derive(Debug, Clone, PartialEq)]
pub struct Arff {
    /// The `@relation` name.
    pub relation: String,
    /// The `%` comment lines before `@relation`, without the `%` and one following space.
    pub description: Vec<String>,
    /// The attributes in declaration order.
    pub attributes: Vec<Attribute>,
    /// One column per attribute, each with one value per data row.
    pub columns: Vec<Column>,
}

/// An `@attribute` declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute's name, unquoted.
    pub name: String,
    /// Its declared type.
    pub kind: AttributeKind,
}

/// The declared type of an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeKind {
    /// `numeric`.
    Numeric,
    /// `real`.
    Real,
    /// `integer`: values are read as numbers and truncated toward zero, as liac-arff does.
    Integer,
    /// `{v1, v2, ...}`: the declared values in order.
    Nominal(Vec<String>),
    /// `string`.
    String,
    /// `date [format]`, with its Java `SimpleDateFormat` pattern.
    Date(DateFormat),
}

/// The code that marks a missing value in a [`Column::Nominal`].
pub const MISSING_CODE: u32 = u32::MAX;

/// The values of one attribute, one per data row.
#[derive(Debug, Clone)]
pub enum Column {
    /// Numeric, real or integer values; `NaN` is missing (`?`), as in liac-arff.
    Numeric(Vec<f64>),
    /// Indices into the declared nominal values; [`MISSING_CODE`] is missing.
    Nominal(Vec<u32>),
    /// String values; `None` is missing.
    String(Vec<Option<String>>),
    /// Dates as milliseconds since 1970-01-01T00:00:00 UTC; `None` is missing.
    Date(Vec<Option<i64>>),
}

impl Column {
    /// An empty column for values of `kind`.
    pub fn new(kind: &AttributeKind) -> Self {
        Self::with_capacity(kind, 0)
    }

    /// An empty column for values of `kind` with room for `capacity` rows.
    pub fn with_capacity(kind: &AttributeKind, capacity: usize) -> Self {
        match kind {
            AttributeKind::Numeric | AttributeKind::Real | AttributeKind::Integer => {
                Column::Numeric(Vec::with_capacity(capacity))
            }
            AttributeKind::Nominal(_) => Column::Nominal(Vec::with_capacity(capacity)),
            AttributeKind::String => Column::String(Vec::with_capacity(capacity)),
            AttributeKind::Date(_) => Column::Date(Vec::with_capacity(capacity)),
        }
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Nominal(v) => v.len(),
            Column::String(v) => v.len(),
            Column::Date(v) => v.len(),
        }
    }

    /// Whether the column has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of missing values.
    pub fn missing(&self) -> usize {
        match self {
            Column::Numeric(v) => v.iter().filter(|x| x.is_nan()).count(),
            Column::Nominal(v) => v.iter().filter(|&&c| c == MISSING_CODE).count(),
            Column::String(v) => v.iter().filter(|x| x.is_none()).count(),
            Column::Date(v) => v.iter().filter(|x| x.is_none()).count(),
        }
    }

    /// Whether the value at `row` is missing. Panics if `row` is out of range.
    pub fn is_missing(&self, row: usize) -> bool {
        match self {
            Column::Numeric(v) => v[row].is_nan(),
            Column::Nominal(v) => v[row] == MISSING_CODE,
            Column::String(v) => v[row].is_none(),
            Column::Date(v) => v[row].is_none(),
        }
    }

    /// Whether the value at `row` is the one a sparse row leaves out: 0, the first nominal
    /// value, the empty string or the epoch. Panics if `row` is out of range.
    pub fn is_sparse_default(&self, row: usize) -> bool {
        match self {
            Column::Numeric(v) => v[row] == 0.0 && v[row].is_sign_positive(),
            Column::Nominal(v) => v[row] == 0,
            Column::String(v) => v[row].as_deref() == Some(""),
            Column::Date(v) => v[row] == Some(0),
        }
    }

    /// Makes room for `additional` more values.
    pub(crate) fn reserve(&mut self, additional: usize) {
        match self {
            Column::Numeric(v) => v.reserve(additional),
            Column::Nominal(v) => v.reserve(additional),
            Column::String(v) => v.reserve(additional),
            Column::Date(v) => v.reserve(additional),
        }
    }

    /// Appends the values of `more`, a column of the same kind. Panics on another kind.
    pub(crate) fn append(&mut self, more: Column) {
        match (self, more) {
            (Column::Numeric(a), Column::Numeric(mut b)) => a.append(&mut b),
            (Column::Nominal(a), Column::Nominal(mut b)) => a.append(&mut b),
            (Column::String(a), Column::String(mut b)) => a.append(&mut b),
            (Column::Date(a), Column::Date(mut b)) => a.append(&mut b),
            _ => unreachable!("parts of one file have the same attributes"),
        }
    }

    /// Appends sparse defaults until the column holds `len` values.
    pub(crate) fn pad_with_sparse_default(&mut self, len: usize) {
        if self.len() >= len {
            return;
        }
        match self {
            Column::Numeric(v) => v.resize(len, 0.0),
            Column::Nominal(v) => v.resize(len, 0),
            Column::String(v) => v.resize(len, Some(String::new())),
            Column::Date(v) => v.resize(len, Some(0)),
        }
    }
}

/// Columns are equal when their values are, with every missing numeric value (`NaN`) equal to
/// every other: `NaN` is how a numeric column stores `?`.
impl PartialEq for Column {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Column::Numeric(a), Column::Numeric(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
            }
            (Column::Nominal(a), Column::Nominal(b)) => a == b,
            (Column::String(a), Column::String(b)) => a == b,
            (Column::Date(a), Column::Date(b)) => a == b,
            _ => false,
        }
    }
}

impl Arff {
    /// The number of data rows.
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// The index of the attribute called `name`.
    pub fn attribute_index(&self, name: &str) -> Option<usize> {
        self.attributes.iter().position(|a| a.name == name)
    }

    /// Reads ARFF from bytes in memory (plain or gzip); errors carry no path.
    pub fn from_bytes(bytes: &[u8]) -> crate::Result<Arff> {
        ArffReaderBuilder::new().from_reader(bytes)
    }

    /// Writes this dataset as dense ARFF into a byte vector; an `InvalidInput` error says why
    /// an inconsistent `Arff` cannot be written.
    pub fn to_bytes(&self) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        ArffWriterBuilder::new().build().write(self, &mut out)?;
        Ok(out)
    }
}

impl AttributeKind {
    /// The nominal values, for a nominal attribute.
    pub fn categories(&self) -> Option<&[String]> {
        match self {
            AttributeKind::Nominal(values) => Some(values),
            _ => None,
        }
    }
}
