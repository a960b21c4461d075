//! `features.xml` (GET /data/features/{id}): one description per column.

use std::path::Path;

use super::{Field, Warning, error_at, read_text, xml_error};
use crate::error::Result;
use crate::xml::{Doc, Node, Start};

/// One feature (column) of a dataset, from `features.xml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureDescription {
    /// The column position, from 0; equal to the feature's position in the document.
    pub index: usize,
    /// The column name, verbatim (the ARFF attribute name).
    pub name: String,
    /// `nominal`, `numeric`, `string` or `date`, as written.
    pub data_type: String,
    /// The nominal values in declaration order, verbatim (spaces included).
    pub nominal_values: Vec<String>,
    /// Whether the feature is a (default) target.
    pub is_target: bool,
    /// Whether models must ignore the feature.
    pub is_ignore: bool,
    /// Whether the feature identifies rows.
    pub is_row_identifier: bool,
    /// The number of missing values the server counted.
    pub number_of_missing_values: Option<u64>,
}

/// Parses a `features.xml` document (`oml:data_features` with one `oml:feature` per column).
///
/// Fails on malformed XML, the wrong root, a feature without `index` or `name`, an `index` that
/// is not the feature's position (from 0), an unknown `data_type` or a boolean other than
/// `true`/`false`; a missing-value count that does not parse becomes a warning.
pub fn parse_features(text: &str) -> Result<(Vec<FeatureDescription>, Vec<Warning>)> {
    let mut warnings = Vec::new();
    let features = parse_feature_list(text, &mut warnings)?;
    Ok((features, warnings))
}

/// Reads and parses the `features.xml` at `path`; errors carry the path.
pub fn read_features(path: &Path) -> Result<(Vec<FeatureDescription>, Vec<Warning>)> {
    let mut warnings = Vec::new();
    let text = read_text(path, FEATURES_ROOT, &mut warnings)?;
    let features = parse_feature_list(&text, &mut warnings).map_err(|e| e.with_path(path))?;
    Ok((features, warnings))
}

const FEATURES_ROOT: &str = "data_features";

const DATA_TYPES: &[&str] = &["nominal", "numeric", "string", "date"];

/// A `feature` element being read.
struct FeatureFields {
    at: u64,
    index: Option<Field>,
    name: Option<String>,
    data_type: Option<String>,
    nominal_values: Vec<String>,
    is_target: bool,
    is_ignore: bool,
    is_row_identifier: bool,
    number_of_missing_values: Option<u64>,
    seen: Vec<String>,
}

fn parse_feature_list(text: &str, warnings: &mut Vec<Warning>) -> Result<Vec<FeatureDescription>> {
    let mut doc = Doc::new(text, FEATURES_ROOT);
    let mut features: Vec<FeatureDescription> = Vec::new();
    let mut feature: Option<FeatureFields> = None;
    let mut field: Option<Field> = None;
    while let Some(node) = doc.next_node().map_err(|e| xml_error(text, e))? {
        match node {
            Node::Open(Start {
                local,
                depth: 2,
                at,
                ..
            }) if local == "feature" => {
                feature = Some(FeatureFields::new(at));
            }
            Node::Open(Start {
                local,
                depth: 3,
                at,
                ..
            }) if feature.is_some() => {
                field = Some(Field::new(local, at));
            }
            Node::Text {
                text: part,
                depth: 3,
            } => {
                if let Some(field) = &mut field {
                    field.text.push_str(&part);
                }
            }
            Node::Close { depth: 3 } => {
                if let (Some(feature), Some(field)) = (&mut feature, field.take()) {
                    feature.apply(text, features.len(), field, warnings)?;
                }
            }
            Node::Close { depth: 2 } => {
                if let Some(feature) = feature.take() {
                    let position = features.len();
                    features.push(feature.finish(text, position)?);
                }
            }
            _ => {}
        }
    }
    Ok(features)
}

impl FeatureFields {
    fn new(at: u64) -> Self {
        FeatureFields {
            at,
            index: None,
            name: None,
            data_type: None,
            nominal_values: Vec::new(),
            is_target: false,
            is_ignore: false,
            is_row_identifier: false,
            number_of_missing_values: None,
            seen: Vec::new(),
        }
    }

    /// Names the feature in messages: its position and, once known, its name.
    fn label(&self, position: usize) -> String {
        match &self.name {
            Some(name) => format!("feature {position} (`{name}`)"),
            None => format!("feature {position}"),
        }
    }

    /// Stores one child element of a `feature`; unknown elements are ignored.
    fn apply(
        &mut self,
        text: &str,
        position: usize,
        field: Field,
        warnings: &mut Vec<Warning>,
    ) -> Result<()> {
        let local = field.local.as_str();
        let verbatim = matches!(local, "name" | "nominal_value");
        let value = if verbatim {
            field.text.as_str()
        } else {
            field.text.trim()
        };
        if value.is_empty() {
            if local == "nominal_value" {
                let message = format!("{}: empty nominal value; skipped", self.label(position));
                warnings.push(field.warning(text, message));
            }
            return Ok(());
        }
        let singular = matches!(
            local,
            "index"
                | "name"
                | "data_type"
                | "is_target"
                | "is_ignore"
                | "is_row_identifier"
                | "number_of_missing_values"
        );
        if singular {
            if self.seen.iter().any(|s| s == local) {
                let message = format!(
                    "{}: repeated element; keeping the first value",
                    self.label(position)
                );
                warnings.push(field.warning(text, message));
                return Ok(());
            }
            self.seen.push(field.local.clone());
        }
        match local {
            "index" => self.index = Some(field),
            "name" => self.name = Some(value.to_owned()),
            "data_type" => {
                if !DATA_TYPES.contains(&value) {
                    return Err(error_at(
                        text,
                        field.at,
                        format_args!(
                            "{}: unknown `data_type` `{value}`; expected nominal, numeric, string or date",
                            self.label(position)
                        ),
                    ));
                }
                self.data_type = Some(value.to_owned());
            }
            "nominal_value" => self.nominal_values.push(value.to_owned()),
            "is_target" | "is_ignore" | "is_row_identifier" => {
                let flag = if value.eq_ignore_ascii_case("true") {
                    true
                } else if value.eq_ignore_ascii_case("false") {
                    false
                } else {
                    return Err(error_at(
                        text,
                        field.at,
                        format_args!(
                            "{}: `{local}` is `{value}`; expected true or false",
                            self.label(position)
                        ),
                    ));
                };
                match local {
                    "is_target" => self.is_target = flag,
                    "is_ignore" => self.is_ignore = flag,
                    _ => self.is_row_identifier = flag,
                }
            }
            "number_of_missing_values" => match value.parse() {
                Ok(n) => self.number_of_missing_values = Some(n),
                Err(_) => {
                    let message = format!(
                        "{}: `{value}` is not a count; ignored",
                        self.label(position)
                    );
                    warnings.push(field.warning(text, message));
                }
            },
            _ => {}
        }
        Ok(())
    }

    /// Checks a complete `feature` element that is the `position`-th of the document.
    fn finish(self, text: &str, position: usize) -> Result<FeatureDescription> {
        let label = self.label(position);
        let Some(index_field) = &self.index else {
            return Err(error_at(
                text,
                self.at,
                format_args!("{label} has no `index`"),
            ));
        };
        let written = index_field.text.trim();
        let index = match written.parse::<usize>() {
            Ok(index) => index,
            Err(_) => {
                return Err(error_at(
                    text,
                    index_field.at,
                    format_args!("{label}: `index` `{written}` is not a non-negative integer"),
                ));
            }
        };
        if index != position {
            return Err(error_at(
                text,
                index_field.at,
                format_args!(
                    "{label} has `index` {index}; indices must count from 0 in document order"
                ),
            ));
        }
        let Some(name) = self.name else {
            return Err(error_at(
                text,
                self.at,
                format_args!("{label} has no `name`"),
            ));
        };
        let Some(data_type) = self.data_type else {
            return Err(error_at(
                text,
                self.at,
                format_args!("{label} has no `data_type`"),
            ));
        };
        Ok(FeatureDescription {
            index,
            name,
            data_type,
            nominal_values: self.nominal_values,
            is_target: self.is_target,
            is_ignore: self.is_ignore,
            is_row_identifier: self.is_row_identifier,
            number_of_missing_values: self.number_of_missing_values,
        })
    }
}
