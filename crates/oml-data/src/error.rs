//! The one error type of oml-data.

use std::fmt;
use std::path::{Path, PathBuf};

/// A `Result` with oml-data's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while reading, writing or encoding a dataset.
///
/// Positions are fields, not text: `line` and `column` count from 1 (the column is a byte
/// offset within the line), `row` counts data rows from 0. The path is attached once, by whoever
/// opened the file; in-memory input has none.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bytes that are not valid ARFF.
    #[error("{}line {line}, column {column}: {kind}", Where(path.as_deref()))]
    Arff {
        /// The file, when the input came from one.
        path: Option<PathBuf>,
        /// Line number, from 1.
        line: u64,
        /// Byte column within the line, from 1.
        column: u64,
        /// What is wrong there.
        kind: ArffErrorKind,
    },
    /// A file could not be opened, read or written.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What was being done: `open`, `read`, `write`, ...
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// Reading failed midway (an I/O error or corrupt gzip data).
    #[error("{}cannot read line {line}", Where(path.as_deref()))]
    Read {
        /// The file, when the input came from one.
        path: Option<PathBuf>,
        /// The line being read, from 1.
        line: u64,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Reading failed after the last whole line (trailing garbage after gzip data, say): the
    /// lines up to `line` were read, nothing of the next.
    #[error("{}cannot read past line {line}, the last whole line", Where(path.as_deref()))]
    ReadPast {
        /// The file, when the input came from one.
        path: Option<PathBuf>,
        /// The last line read whole, from 1.
        line: u64,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Polars could not read or convert a Parquet or CSV file or a table.
    #[error("{}{context}", Where(path.as_deref()))]
    Table {
        /// The file, when there is one.
        path: Option<PathBuf>,
        /// What was being done.
        context: String,
        /// Polars' own error.
        #[source]
        source: polars::error::PolarsError,
    },
    /// A CSV file whose structure is broken before any value is read.
    #[error("{}line {line}: {message}", Where(path.as_deref()))]
    Csv {
        /// The file, when there is one.
        path: Option<PathBuf>,
        /// The line, from 1.
        line: u64,
        /// What is wrong there.
        message: String,
    },
    /// An OpenML metadata document (`description.xml`, `features.xml`) that cannot be used.
    #[error("{}{message}", Where(path.as_deref()))]
    Metadata {
        /// The document, when it came from a file.
        path: Option<PathBuf>,
        /// What is wrong, naming the element or feature.
        message: String,
    },
    /// The data file's MD5 differs from the `md5_checksum` of its description.
    #[error(
        "{}: MD5 checksum is {actual}, but the dataset description declares {expected}",
        path.display()
    )]
    Checksum {
        /// The data file.
        path: PathBuf,
        /// The checksum in `description.xml`.
        expected: String,
        /// The checksum of the file's bytes.
        actual: String,
    },
    /// A path whose extension names no format oml reads.
    #[error(
        "{}: unknown dataset format; expected .arff, .arff.gz, .pq, .parquet or .csv",
        path.display()
    )]
    UnknownFormat {
        /// The path.
        path: PathBuf,
    },
    /// `builtin:NAME` with a name that is not embedded.
    #[error("unknown builtin dataset `{name}`; builtins are {}", known.join(", "))]
    UnknownBuiltin {
        /// The name asked for.
        name: String,
        /// The names that exist.
        known: Vec<String>,
    },
    /// A column name that the dataset does not have.
    #[error("dataset `{dataset}` has no column `{column}`")]
    UnknownColumn {
        /// The dataset.
        dataset: String,
        /// The missing column.
        column: String,
    },
    /// A setting that cannot be used (of a synthetic dataset, say).
    #[error("{what}: setting `{setting}`: {message}")]
    Setting {
        /// What the setting is of.
        what: String,
        /// The setting.
        setting: String,
        /// What is wrong.
        message: String,
    },
    /// A Parquet column of a type oml does not read (decimal, map, binary, list, ...), found from
    /// the file's schema before any value is read.
    #[error(
        "{}column `{column}` has type {dtype}, which oml does not read (columns must hold \
         numbers, booleans, strings, dates or timestamps, or dictionaries of them)",
        Where(path.as_deref())
    )]
    UnsupportedColumn {
        /// The file, when there is one.
        path: Option<PathBuf>,
        /// The column.
        column: String,
        /// Its type, much as pyarrow names it (`decimal(10, 2)`, `list<int64>`).
        dtype: String,
    },
    /// A row without a target value, which every row of a target needs.
    #[error(
        "{}target `{column}` has no {what} (missing value)",
        RowWhere { path: path.as_deref(), dataset, row: *row, line: *line }
    )]
    MissingTarget {
        /// The file the rows were read from, when the dataset came from one.
        path: Option<PathBuf>,
        /// The dataset.
        dataset: String,
        /// The target column.
        column: String,
        /// The row, from 0.
        row: usize,
        /// The row's line in the file, from 1, for the text formats (ARFF, CSV).
        line: Option<u64>,
        /// What the row lacks: `class` (a classification target) or `value` (a regression
        /// target).
        what: &'static str,
    },
    /// A file name whose extension names another format than the one written.
    #[error(
        "{}: the name says {named}, but the file would hold {written}; name it {expected}",
        path.display()
    )]
    ExtensionMismatch {
        /// The path.
        path: PathBuf,
        /// The format the name says (`CSV`, `Parquet`).
        named: &'static str,
        /// The format being written (`ARFF`).
        written: &'static str,
        /// The extensions that fit the written format (`.arff or .arff.gz`).
        expected: &'static str,
    },
    /// A column or value that cannot be turned into what a model eats.
    #[error("dataset `{dataset}`, column `{column}`: {message}")]
    Encode {
        /// The dataset.
        dataset: String,
        /// The column.
        column: String,
        /// What is wrong, naming the row where there is one.
        message: String,
    },
}

/// What is wrong at a position in an ARFF file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArffErrorKind {
    /// The file ends before its `@data` section.
    #[error("no @data section: the file ends after the header")]
    MissingData,
    /// `@attribute` or `@data` came before `@relation`.
    #[error("expected @relation before {0}")]
    MissingRelation(String),
    /// A header line that is not `@relation`, `@attribute`, `@data` or a comment.
    #[error("unexpected header line `{0}`")]
    UnexpectedHeaderLine(String),
    /// An `@relation` or `@attribute` line without the name it needs.
    #[error("{0} declaration has no name")]
    MissingName(&'static str),
    /// An `@attribute` line without a type.
    #[error("attribute `{0}` has no type")]
    MissingType(String),
    /// An attribute type oml does not know.
    #[error(
        "attribute `{name}` has unknown type `{ty}`; expected numeric, real, integer, string, date or {{...}}"
    )]
    UnknownType {
        /// The attribute.
        name: String,
        /// The type as written.
        ty: String,
    },
    /// Weka's relational attributes, which OpenML never serves.
    #[error("attribute `{0}` is relational, which is not supported")]
    Relational(String),
    /// Text after a complete attribute declaration.
    #[error("unexpected `{text}` after the type of attribute `{name}`")]
    TrailingText {
        /// The attribute.
        name: String,
        /// The text.
        text: String,
    },
    /// Two attributes with one name.
    #[error("duplicate attribute `{0}`")]
    DuplicateAttribute(String),
    /// A nominal declaration that is not `{v1, v2, ...}`.
    #[error("attribute `{name}`: bad nominal declaration: {reason}")]
    BadNominal {
        /// The attribute.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A nominal declaration that lists a value twice.
    #[error("attribute `{name}` declares nominal value `{value}` twice")]
    DuplicateNominal {
        /// The attribute.
        name: String,
        /// The repeated value.
        value: String,
    },
    /// A date format with a pattern letter oml cannot translate.
    #[error("attribute `{name}`: unsupported date format `{format}`: {reason}")]
    BadDateFormat {
        /// The attribute.
        name: String,
        /// The format as written.
        format: String,
        /// What is not supported.
        reason: String,
    },
    /// `@data` without any attribute before it.
    #[error("@data without any @attribute")]
    NoAttributes,
    /// A quoted token without its closing quote.
    #[error("unterminated quoted value")]
    UnterminatedQuote,
    /// A `\u` or octal escape that does not name a character.
    #[error("bad escape sequence `{0}`")]
    BadEscape(String),
    /// A row with fewer values than attributes.
    #[error("row has {found} values, expected {expected}")]
    TooFewValues {
        /// The number of attributes.
        expected: usize,
        /// The number of values found.
        found: usize,
    },
    /// A row with more values than attributes.
    #[error("row has more than {expected} values")]
    TooManyValues {
        /// The number of attributes.
        expected: usize,
    },
    /// Something other than `,` or the end of the row after a value.
    #[error("expected `,` after the value of attribute `{attribute}`, found `{found}`")]
    ExpectedComma {
        /// The attribute whose value was just read.
        attribute: String,
        /// What came instead.
        found: String,
    },
    /// A value of a numeric attribute that is not a number.
    #[error("attribute `{attribute}`: `{value}` is not a number")]
    BadNumber {
        /// The attribute.
        attribute: String,
        /// The value as written.
        value: String,
    },
    /// A value of a nominal attribute that it does not declare.
    #[error("attribute `{attribute}`: `{value}` is not one of its declared values {{{allowed}}}")]
    UnknownNominal {
        /// The attribute.
        attribute: String,
        /// The value as written.
        value: String,
        /// The declared values, comma-separated (shortened when long).
        allowed: String,
    },
    /// A value of a date attribute that does not match its format.
    #[error("attribute `{attribute}`: `{value}` does not match date format `{format}`")]
    BadDate {
        /// The attribute.
        attribute: String,
        /// The value as written.
        value: String,
        /// The attribute's (Java) date format.
        format: String,
    },
    /// A sparse row that is not `{index value, ...}`.
    #[error("bad sparse row: {0}")]
    BadSparse(String),
    /// A sparse index beyond the last attribute.
    #[error("sparse index {index} is out of range: there are {n_attributes} attributes")]
    SparseIndexOutOfRange {
        /// The index as written.
        index: u64,
        /// The number of attributes.
        n_attributes: usize,
    },
    /// A sparse row that sets one attribute twice.
    #[error("sparse index {0} appears twice in the row")]
    DuplicateSparseIndex(usize),
    /// Bytes that are not UTF-8 where text is needed.
    #[error("invalid UTF-8")]
    InvalidUtf8,
}

/// Where a row is: `path: line L: ` for a row of a text file, `path: row R (from 0): ` for one
/// of another file, `dataset `D`, row R (from 0): ` for a dataset from no file.
struct RowWhere<'a> {
    path: Option<&'a Path>,
    dataset: &'a str,
    row: usize,
    line: Option<u64>,
}

impl fmt::Display for RowWhere<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.path, self.line) {
            (Some(path), Some(line)) => write!(f, "{}: line {line}: ", path.display()),
            (Some(path), None) => write!(f, "{}: row {} (from 0): ", path.display(), self.row),
            (None, _) => write!(f, "dataset `{}`, row {} (from 0): ", self.dataset, self.row),
        }
    }
}

/// Prints `path: ` when there is a path, nothing otherwise.
struct Where<'a>(Option<&'a Path>);

impl fmt::Display for Where<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(path) => write!(f, "{}: ", path.display()),
            None => Ok(()),
        }
    }
}

impl Error {
    /// Attaches `path` to an error that came from in-memory parsing.
    pub fn with_path(mut self, file: &Path) -> Self {
        match &mut self {
            Error::Arff { path, .. }
            | Error::Read { path, .. }
            | Error::ReadPast { path, .. }
            | Error::Table { path, .. }
            | Error::Csv { path, .. }
            | Error::Metadata { path, .. }
            | Error::UnsupportedColumn { path, .. }
                if path.is_none() =>
            {
                *path = Some(file.to_path_buf());
            }
            _ => {}
        }
        self
    }

    /// Moves the line of a parse or read error down by `lines`, for a part of a file parsed
    /// with lines counted from its own start.
    pub(crate) fn shift_line(mut self, lines: u64) -> Self {
        if let Error::Arff { line, .. } | Error::Read { line, .. } | Error::ReadPast { line, .. } =
            &mut self
        {
            *line += lines;
        }
        self
    }

    /// The line number, when the error is an ARFF parse or read error.
    pub fn line(&self) -> Option<u64> {
        match self {
            Error::Arff { line, .. } | Error::Read { line, .. } | Error::ReadPast { line, .. } => {
                Some(*line)
            }
            _ => None,
        }
    }

    /// The error of file operation `action` (`open`, `read`, `write`, `create`, ...) on
    /// `path`, which failed with `source`: [`Error::Io`]. oml-task and oml-api carry it as
    /// their own `Io` errors.
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn table(context: impl Into<String>, source: polars::error::PolarsError) -> Self {
        Error::Table {
            path: None,
            context: context.into(),
            source,
        }
    }
}
