//! `description.xml` (GET /data/{id}): the dataset's description.

use std::path::Path;

use super::{Field, Warning, error_at, read_text, xml_error};
use crate::error::Result;
use crate::xml::{Doc, Node, Start};

/// A dataset description (`oml:data_set_description`), as served by GET /data/{id}.
///
/// Every field is optional except `name`; an element with empty text counts as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatasetDescription {
    /// The dataset id (negative in some test fixtures).
    pub id: Option<i64>,
    /// The dataset name.
    pub name: String,
    /// The version, as written.
    pub version: Option<String>,
    /// The free-text description.
    pub description: Option<String>,
    /// The data format as written: `ARFF` or `Sparse_ARFF`.
    pub format: Option<String>,
    /// The upload date as written (`YYYY-MM-DDTHH:MM:SS`).
    pub upload_date: Option<String>,
    /// The licence.
    pub licence: Option<String>,
    /// Where the ARFF file is served.
    pub url: Option<String>,
    /// Where the Parquet file is served, when there is one.
    pub parquet_url: Option<String>,
    /// The id of the ARFF file.
    pub file_id: Option<i64>,
    /// The default target columns: the comma-separated list split and trimmed.
    pub default_target_attribute: Vec<String>,
    /// The column that identifies rows, when there is one.
    pub row_id_attribute: Option<String>,
    /// The columns models must not see, one per `ignore_attribute` element.
    pub ignore_attribute: Vec<String>,
    /// `active`, `in_preparation` or `deactivated`.
    pub status: Option<String>,
    /// The MD5 of the ARFF file, in hex.
    pub md5_checksum: Option<String>,
    /// The tags, in document order.
    pub tags: Vec<String>,
}

impl DatasetDescription {
    /// Parses a `description.xml` document.
    ///
    /// Fails on malformed XML, a root other than `data_set_description`, or a missing `name`;
    /// integers that do not parse become warnings.
    pub fn from_xml(text: &str) -> Result<(Self, Vec<Warning>)> {
        let mut warnings = Vec::new();
        let description = parse_description(text, &mut warnings)?;
        Ok((description, warnings))
    }

    /// Reads and parses the `description.xml` at `path`; errors carry the path.
    pub fn from_path(path: &Path) -> Result<(Self, Vec<Warning>)> {
        let mut warnings = Vec::new();
        let text = read_text(path, DESCRIPTION_ROOT, &mut warnings)?;
        let description = parse_description(&text, &mut warnings).map_err(|e| e.with_path(path))?;
        Ok((description, warnings))
    }
}

const DESCRIPTION_ROOT: &str = "data_set_description";

/// The description elements that may appear once; a repetition is warned about and skipped.
const SINGULAR: &[&str] = &[
    "id",
    "name",
    "version",
    "description",
    "format",
    "upload_date",
    "licence",
    "url",
    "parquet_url",
    "file_id",
    "default_target_attribute",
    "row_id_attribute",
    "status",
    "md5_checksum",
];

fn parse_description(text: &str, warnings: &mut Vec<Warning>) -> Result<DatasetDescription> {
    let mut doc = Doc::new(text, DESCRIPTION_ROOT);
    let mut description = DatasetDescription::default();
    let mut seen: Vec<String> = Vec::new();
    let mut field: Option<Field> = None;
    let mut root_at = 0;
    while let Some(node) = doc.next_node().map_err(|e| xml_error(text, e))? {
        match node {
            Node::Open(Start { depth: 1, at, .. }) => root_at = at,
            Node::Open(Start {
                local,
                depth: 2,
                at,
                ..
            }) => field = Some(Field::new(local, at)),
            Node::Text {
                text: part,
                depth: 2,
            } => {
                if let Some(field) = &mut field {
                    field.text.push_str(&part);
                }
            }
            Node::Close { depth: 2 } => {
                if let Some(field) = field.take() {
                    description.apply(text, field, &mut seen, warnings);
                }
            }
            _ => {}
        }
    }
    if description.name.is_empty() {
        return Err(error_at(
            text,
            root_at,
            format_args!("`{DESCRIPTION_ROOT}` has no `name`"),
        ));
    }
    Ok(description)
}

impl DatasetDescription {
    /// Stores one child element of the root; unknown elements are ignored.
    fn apply(
        &mut self,
        text: &str,
        field: Field,
        seen: &mut Vec<String>,
        warnings: &mut Vec<Warning>,
    ) {
        let value = field.text.trim();
        if value.is_empty() {
            return;
        }
        let local = field.local.as_str();
        if SINGULAR.contains(&local) {
            if seen.iter().any(|s| s == local) {
                warnings.push(field.warning(text, "repeated element; keeping the first value"));
                return;
            }
            seen.push(field.local.clone());
        }
        let owned = || Some(value.to_owned());
        match local {
            "id" => self.id = integer(text, &field, value, warnings),
            "file_id" => self.file_id = integer(text, &field, value, warnings),
            "name" => self.name = value.to_owned(),
            "version" => self.version = owned(),
            "description" => self.description = owned(),
            "format" => self.format = owned(),
            "upload_date" => self.upload_date = owned(),
            "licence" => self.licence = owned(),
            "url" => self.url = owned(),
            "parquet_url" => self.parquet_url = owned(),
            "row_id_attribute" => self.row_id_attribute = owned(),
            "status" => self.status = owned(),
            "md5_checksum" => self.md5_checksum = owned(),
            "default_target_attribute" => {
                self.default_target_attribute = value
                    .split(',')
                    .map(str::trim)
                    .filter(|target| !target.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
            "ignore_attribute" => self.ignore_attribute.push(value.to_owned()),
            "tag" => self.tags.push(value.to_owned()),
            _ => {}
        }
    }
}

/// Parses a trimmed integer; one that does not parse becomes a warning and `None`.
fn integer<T: std::str::FromStr>(
    text: &str,
    field: &Field,
    value: &str,
    warnings: &mut Vec<Warning>,
) -> Option<T> {
    match value.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            warnings
                .push(field.warning(text, format_args!("`{value}` is not an integer; ignored")));
            None
        }
    }
}
