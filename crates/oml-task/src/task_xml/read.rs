//! Reading `task.xml`: the values of a document collected as written ([`Raw`]), then checked
//! and turned into a [`TaskDescription`].

use std::fmt;

use oml_data::xml::{Doc, Node, XmlError, line};

use super::{ProcedureDescription, TaskDescription};
use crate::error::{Error, Result};
use crate::procedure::TaskType;

const ROOT: &str = "task";

/// The element text a value comes from, trimmed, and where the element starts.
struct Value {
    text: String,
    at: u64,
}

/// Which value an element holds, decided by its path from the root.
enum Slot {
    TaskId,
    TaskTypeId,
    Tag,
    DataSetId,
    TargetFeature,
    ProcedureId,
    ProcedureType,
    DataSplitsUrl,
    Parameter(String),
    EvaluationMeasure,
}

/// An element whose text is being collected.
struct Field {
    slot: Slot,
    depth: usize,
    at: u64,
    text: String,
}

/// The values of a document, as written.
#[derive(Default)]
pub(super) struct Raw {
    root_at: u64,
    task_id: Option<Value>,
    task_type_id: Option<Value>,
    data_set_id: Option<Value>,
    target_feature: Option<Value>,
    procedure_id: Option<Value>,
    procedure_type: Option<Value>,
    data_splits_url: Option<Value>,
    parameters: Vec<(String, Value)>,
    measures: Vec<String>,
    tags: Vec<String>,
}

/// Collects the values of a document, as written.
pub(super) fn read_raw(text: &str) -> Result<Raw> {
    let reader_error = |e: XmlError| {
        if e.malformed {
            let line = line(text, e.at);
            xml_error(format_args!("line {line}, byte {}: {}", e.at, e.message))
        } else {
            error_at(text, e.at, e.message)
        }
    };
    let mut doc = Doc::new(text, ROOT);
    let mut raw = Raw::default();
    let mut field: Option<Field> = None;
    while let Some(node) = doc.next_node().map_err(reader_error)? {
        match node {
            Node::Open(start) => {
                let slot = match doc.path()[1..] {
                    [] => {
                        raw.root_at = start.at;
                        continue;
                    }
                    ["task_id"] => Slot::TaskId,
                    ["task_type_id"] => Slot::TaskTypeId,
                    ["tag"] => Slot::Tag,
                    ["input", "data_set", "data_set_id"] => Slot::DataSetId,
                    ["input", "data_set", "target_feature"] => Slot::TargetFeature,
                    ["input", "estimation_procedure", "id"] => Slot::ProcedureId,
                    ["input", "estimation_procedure", "type"] => Slot::ProcedureType,
                    ["input", "estimation_procedure", "data_splits_url"] => Slot::DataSplitsUrl,
                    ["input", "estimation_procedure", "parameter"] => {
                        match start.attribute("name").map_err(reader_error)? {
                            Some(name) => Slot::Parameter(name.trim().to_owned()),
                            None => continue,
                        }
                    }
                    ["input", "evaluation_measures", "evaluation_measure"] => {
                        Slot::EvaluationMeasure
                    }
                    _ => continue,
                };
                field = Some(Field {
                    slot,
                    depth: start.depth,
                    at: start.at,
                    text: String::new(),
                });
            }
            Node::Text { text, depth } => {
                if let Some(field) = &mut field
                    && field.depth == depth
                {
                    field.text.push_str(&text);
                }
            }
            Node::Close { depth } => {
                if let Some(done) = field.take_if(|field| field.depth == depth) {
                    raw.store(done);
                }
            }
        }
    }
    Ok(raw)
}

impl Raw {
    fn store(&mut self, field: Field) {
        let value = Value {
            text: field.text.trim().to_owned(),
            at: field.at,
        };
        match field.slot {
            Slot::TaskId => self.task_id = Some(value),
            Slot::TaskTypeId => self.task_type_id = Some(value),
            Slot::DataSetId => self.data_set_id = Some(value),
            Slot::TargetFeature => self.target_feature = Some(value),
            Slot::ProcedureId => self.procedure_id = Some(value),
            Slot::ProcedureType => self.procedure_type = Some(value),
            Slot::DataSplitsUrl => self.data_splits_url = Some(value),
            Slot::Parameter(name) => self.parameters.push((name, value)),
            Slot::Tag => {
                if !value.text.is_empty() {
                    self.tags.push(value.text);
                }
            }
            Slot::EvaluationMeasure => {
                if !value.text.is_empty() {
                    self.measures.push(value.text);
                }
            }
        }
    }

    /// Checks and converts the values.
    pub(super) fn finish(self, text: &str) -> Result<TaskDescription> {
        let Some(type_value) = self.task_type_id.filter(|v| !v.text.is_empty()) else {
            return Err(error_at(text, self.root_at, "`task` has no `task_type_id`"));
        };
        let type_id: i64 = number(text, &type_value, "`task_type_id`", "an integer")?;
        let task_type = u32::try_from(type_id)
            .ok()
            .and_then(TaskType::from_id)
            .ok_or_else(|| {
                let supported: Vec<String> = (1..=11)
                    .filter_map(TaskType::from_id)
                    .map(|t| format!("{} ({t})", t.id()))
                    .collect();
                error_at(
                    text,
                    type_value.at,
                    format_args!(
                        "task type {type_id} in `task_type_id` is not supported; oml runs {}",
                        supported.join(", ")
                    ),
                )
            })?;

        let task_id = optional_number(text, self.task_id, "`task_id`", "an integer")?;
        let dataset_id = optional_number(text, self.data_set_id, "`data_set_id`", "an integer")?;
        let target = present(self.target_feature);
        if target.is_none() && task_type != TaskType::Clustering {
            return Err(error_at(
                text,
                self.root_at,
                format_args!(
                    "task type {} ({task_type}) needs a `target_feature` in \
                     `input name=\"source_data\"`",
                    task_type.id()
                ),
            ));
        }

        let mut procedure = ProcedureDescription {
            id: optional_number(text, self.procedure_id, "`id`", "an integer")?,
            kind: present(self.procedure_type).unwrap_or_default(),
            data_splits_url: present(self.data_splits_url),
            ..ProcedureDescription::default()
        };
        const COUNT: &str = "a non-negative integer";
        for (name, value) in &self.parameters {
            let element = format!("`parameter name=\"{name}\"`");
            let value = Some(value).filter(|v| !v.text.is_empty());
            let Some(value) = value else {
                match name.as_str() {
                    "number_repeats" => procedure.number_repeats = None,
                    "number_folds" => procedure.number_folds = None,
                    "number_samples" => procedure.number_samples = None,
                    "percentage" => procedure.percentage = None,
                    "stratified_sampling" => procedure.stratified_sampling = None,
                    _ => {}
                }
                continue;
            };
            match name.as_str() {
                "number_repeats" => {
                    procedure.number_repeats = Some(number(text, value, &element, COUNT)?);
                }
                "number_folds" => {
                    procedure.number_folds = Some(number(text, value, &element, COUNT)?);
                }
                "number_samples" => {
                    procedure.number_samples = Some(number(text, value, &element, COUNT)?);
                }
                "percentage" => {
                    let percentage: f64 = number(text, value, &element, "a number")?;
                    if !percentage.is_finite() {
                        return Err(not_a(text, value, &element, "a finite number"));
                    }
                    procedure.percentage = Some(percentage);
                }
                "stratified_sampling" => {
                    let flag = if value.text.eq_ignore_ascii_case("true") {
                        true
                    } else if value.text.eq_ignore_ascii_case("false") {
                        false
                    } else {
                        return Err(not_a(text, value, &element, "true or false"));
                    };
                    procedure.stratified_sampling = Some(flag);
                }
                _ => {}
            }
        }

        Ok(TaskDescription {
            task_id,
            task_type,
            dataset_id,
            target,
            procedure,
            evaluation_measures: self.measures,
            tags: self.tags,
        })
    }
}

/// The text of a value that is present and not empty.
fn present(value: Option<Value>) -> Option<String> {
    value.map(|v| v.text).filter(|text| !text.is_empty())
}

fn number<T: std::str::FromStr>(
    text: &str,
    value: &Value,
    element: &str,
    expected: &str,
) -> Result<T> {
    value
        .text
        .parse()
        .map_err(|_| not_a(text, value, element, expected))
}

fn optional_number<T: std::str::FromStr>(
    text: &str,
    value: Option<Value>,
    element: &str,
    expected: &str,
) -> Result<Option<T>> {
    match value.filter(|v| !v.text.is_empty()) {
        Some(value) => number(text, &value, element, expected).map(Some),
        None => Ok(None),
    }
}

fn not_a(text: &str, value: &Value, element: &str, expected: &str) -> Error {
    error_at(
        text,
        value.at,
        format_args!("{element} is `{}`; expected {expected}", value.text),
    )
}

fn error_at(text: &str, at: u64, what: impl fmt::Display) -> Error {
    xml_error(format_args!("line {}: {what}", line(text, at)))
}

fn xml_error(message: impl fmt::Display) -> Error {
    Error::TaskXml {
        path: None,
        message: message.to_string(),
    }
}
