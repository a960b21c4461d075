//! OpenML's run description (`description.xml`, `openml.run.upload.xsd`), written valid as it
//! stands and read back.

use std::fmt::Write;

use oml_data::xml::{Doc, Node, escape_ascii};
use oml_eval::RunSummary;

use crate::error::{Error, Result};

/// The flow id written for a flow OpenML has not given one yet; publishing replaces it.
pub const UNPUBLISHED_FLOW_ID: i64 = -1;

/// What `description.xml` says about a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunDescription {
    /// The OpenML task id; `None` for a local task (the element is optional).
    pub task_id: Option<i64>,
    /// The OpenML flow id, [`UNPUBLISHED_FLOW_ID`] until the flow is published.
    pub flow_id: i64,
    /// The command line that repeats the run.
    pub setup_string: String,
    /// Every parameter of the flow and its components, by qualified name
    /// (`estimator.max_depth`), with its value as text.
    pub parameter_settings: Vec<(String, String)>,
    /// Tags.
    pub tags: Vec<String>,
    /// Evaluations: run-level (no repeat/fold) and per unit.
    pub evaluations: Vec<EvaluationRecord>,
}

/// One `oml:evaluation`.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationRecord {
    /// OpenML's measure name.
    pub name: String,
    /// Repeat, fold and sample for a per-unit value; `None` for the run-level value.
    pub unit: Option<(u32, u32, Option<u32>)>,
    /// The value.
    pub value: f64,
    /// The standard deviation over folds (run-level values only).
    pub stdev: Option<f64>,
    /// Per-class values as OpenML's `array_data` text (`[0.9,0.8]`).
    pub array_data: Option<String>,
}

/// `array_data` is at most 128 ASCII characters in OpenML's schema; longer arrays are left out.
const ARRAY_DATA_MAX: usize = 128;

/// Which units' values a run description carries, as OpenML numbers the units of the task's
/// estimation procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitValues {
    /// Every (repeat, fold): cross-validation.
    Folds,
    /// Fold 0 of each repeat only: holdout and leave-one-out, whose folds OpenML does not
    /// number.
    FirstFold,
    /// Every (repeat, fold, sample), with `sample` even when there is one (as openml-python
    /// writes them, and reads them back as sample evaluations): learning curves.
    Samples,
}

impl UnitValues {
    /// The units of a task of this type whose estimation procedure is of this kind
    /// (`task.xml`'s `oml:type`, which is `crossvalidation` for OpenML's learning curves too).
    pub fn of_task(task_type: oml_task::TaskType, procedure_kind: &str) -> Self {
        match (task_type, procedure_kind) {
            (oml_task::TaskType::LearningCurve, _) | (_, "learningcurve") => UnitValues::Samples,
            (_, "crossvalidation") => UnitValues::Folds,
            _ => UnitValues::FirstFold,
        }
    }
}

impl RunDescription {
    /// The evaluations of a run summary: per measure, the run-level value with its standard
    /// deviation and per-class values, then the value of every unit that `units` names.
    /// Undefined values (`NaN`, such as a leave-one-out fold's kappa) are left out, as OpenML's
    /// engine leaves them out of its own evaluations. Measures OpenML does not take
    /// ([`oml_eval::MeasureInfo::uploaded`]) stay in `summary.json` and out of here.
    pub fn evaluations_of(summary: &RunSummary, units: UnitValues) -> Vec<EvaluationRecord> {
        let mut out = Vec::new();
        for (name, measure) in &summary.measures {
            if oml_eval::measure_info(name).is_some_and(|info| !info.uploaded) {
                continue;
            }
            let array_data = measure.per_class.as_ref().map(|values| {
                let parts: Vec<String> = values.iter().map(|v| xsd_double(*v)).collect();
                format!("[{}]", parts.join(","))
            });
            let mut push = |unit, value: f64, stdev: Option<f64>, array_data| {
                if !value.is_nan() {
                    out.push(EvaluationRecord {
                        name: name.clone(),
                        unit,
                        value,
                        stdev: stdev.filter(|s: &f64| !s.is_nan()),
                        array_data,
                    });
                }
            };
            let array_data = array_data.filter(|text| text.len() <= ARRAY_DATA_MAX);
            push(None, measure.value, Some(measure.std), array_data);
            for (repeat, folds) in measure.per_fold.iter().enumerate() {
                for (fold, &value) in folds.iter().enumerate() {
                    let (repeat, fold_index) = (repeat as u32, fold as u32);
                    match (units, &measure.per_sample) {
                        (UnitValues::FirstFold, _) if fold > 0 => {}
                        (UnitValues::Samples, Some(grid)) => {
                            for (sample, &value) in grid[repeat as usize][fold].iter().enumerate() {
                                push(
                                    Some((repeat, fold_index, Some(sample as u32))),
                                    value,
                                    None,
                                    None,
                                );
                            }
                        }
                        (UnitValues::Samples, None) => {
                            push(Some((repeat, fold_index, Some(0))), value, None, None);
                        }
                        _ => push(Some((repeat, fold_index, None)), value, None, None),
                    }
                }
            }
        }
        out
    }

    /// The document, in the schema's element order, with the `oml:` prefix and no declaration.
    pub fn to_xml(&self) -> String {
        let mut out = String::from("<oml:run xmlns:oml=\"http://openml.org/openml\">\n");
        if let Some(id) = self.task_id {
            writeln!(out, "  <oml:task_id>{id}</oml:task_id>").unwrap();
        }
        writeln!(out, "  <oml:flow_id>{}</oml:flow_id>", self.flow_id).unwrap();
        writeln!(
            out,
            "  <oml:setup_string>{}</oml:setup_string>",
            escape_ascii(&self.setup_string)
        )
        .unwrap();
        for (name, value) in &self.parameter_settings {
            writeln!(
                out,
                "  <oml:parameter_setting>\n    <oml:name>{}</oml:name>\n    <oml:value>{}</oml:value>\n  </oml:parameter_setting>",
                escape_ascii(name),
                escape_ascii(value)
            )
            .unwrap();
        }
        for tag in &self.tags {
            writeln!(out, "  <oml:tag>{}</oml:tag>", escape_ascii(tag)).unwrap();
        }
        if !self.evaluations.is_empty() {
            out.push_str("  <oml:output_data>\n");
            for e in &self.evaluations {
                let attributes = match e.unit {
                    Some((repeat, fold, Some(sample))) => {
                        format!(" repeat=\"{repeat}\" fold=\"{fold}\" sample=\"{sample}\"")
                    }
                    Some((repeat, fold, None)) => format!(" repeat=\"{repeat}\" fold=\"{fold}\""),
                    None => String::new(),
                };
                write!(out, "    <oml:evaluation{attributes}>\n      <oml:name>{}</oml:name>\n      <oml:value>{}</oml:value>\n", escape_ascii(&e.name), xsd_double(e.value)).unwrap();
                if let Some(stdev) = e.stdev {
                    writeln!(out, "      <oml:stdev>{}</oml:stdev>", xsd_double(stdev)).unwrap();
                }
                if let Some(array) = &e.array_data {
                    writeln!(
                        out,
                        "      <oml:array_data>{}</oml:array_data>",
                        escape_ascii(array)
                    )
                    .unwrap();
                }
                out.push_str("    </oml:evaluation>\n");
            }
            out.push_str("  </oml:output_data>\n");
        }
        out.push_str("</oml:run>\n");
        out
    }

    /// Reads a document [`RunDescription::to_xml`] wrote (leniently: unknown elements are
    /// skipped). Errors name the line.
    pub fn from_xml(xml: &str) -> Result<Self> {
        let fail = |at: u64, message: String| Error::Description {
            line: oml_data::xml::line(xml, at),
            message,
        };
        let mut run = RunDescription {
            task_id: None,
            flow_id: UNPUBLISHED_FLOW_ID,
            setup_string: String::new(),
            parameter_settings: Vec::new(),
            tags: Vec::new(),
            evaluations: Vec::new(),
        };
        let mut doc = Doc::new(xml, "run");
        // The open elements: local name, start offset, text so far.
        let mut open: Vec<(String, u64, String)> = Vec::new();
        let mut setting = (String::new(), String::new());
        let mut evaluation: Option<EvaluationRecord> = None;
        while let Some(node) = doc.next_node().map_err(|e| fail(e.at, e.message))? {
            match node {
                Node::Open(start) => {
                    open.push((start.local.clone(), start.at, String::new()));
                    if path(&open) == ["output_data", "evaluation"] {
                        let count = |name: &str| -> Result<Option<u32>> {
                            let value = start.attribute(name).map_err(|e| fail(e.at, e.message))?;
                            value
                                .map(|v| {
                                    v.trim().parse().map_err(|_| {
                                        fail(start.at, format!("{name}=\"{v}\" is not a count"))
                                    })
                                })
                                .transpose()
                        };
                        let unit = match (count("repeat")?, count("fold")?) {
                            (Some(repeat), Some(fold)) => Some((repeat, fold, count("sample")?)),
                            _ => None,
                        };
                        evaluation = Some(EvaluationRecord {
                            name: String::new(),
                            unit,
                            value: f64::NAN,
                            stdev: None,
                            array_data: None,
                        });
                    }
                }
                Node::Text { text, depth } => {
                    if depth == open.len()
                        && let Some((_, _, buffer)) = open.last_mut()
                    {
                        buffer.push_str(&text);
                    }
                }
                Node::Close { .. } => {
                    let at = open.last().map_or(0, |(_, at, _)| *at);
                    let number = |v: &str| {
                        parse_xsd_double(v)
                            .ok_or_else(|| fail(at, format!("`{v}` is not a number")))
                    };
                    let integer = |what: &str, v: &str| {
                        v.trim()
                            .parse::<i64>()
                            .map_err(|_| fail(at, format!("{what} `{v}` is not an integer")))
                    };
                    let value = open
                        .last()
                        .map(|(_, _, text)| text.clone())
                        .unwrap_or_default();
                    match path(&open).as_slice() {
                        ["task_id"] => run.task_id = Some(integer("task_id", &value)?),
                        ["flow_id"] => run.flow_id = integer("flow_id", &value)?,
                        ["setup_string"] => run.setup_string = value,
                        ["tag"] => run.tags.push(value),
                        ["parameter_setting", "name"] => setting.0 = value,
                        ["parameter_setting", "value"] => setting.1 = value,
                        ["parameter_setting"] => {
                            run.parameter_settings.push(std::mem::take(&mut setting));
                        }
                        ["output_data", "evaluation"] => run.evaluations.extend(evaluation.take()),
                        ["output_data", "evaluation", field] => {
                            if let Some(record) = &mut evaluation {
                                match *field {
                                    "name" => record.name = value,
                                    "value" => record.value = number(&value)?,
                                    "stdev" => record.stdev = Some(number(&value)?),
                                    "array_data" => record.array_data = Some(value),
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                    open.pop();
                }
            }
        }
        Ok(run)
    }
}

/// The local names of the open elements below the root.
fn path(open: &[(String, u64, String)]) -> Vec<&str> {
    open.iter()
        .skip(1)
        .map(|(name, _, _)| name.as_str())
        .collect()
}

/// `x` in XML Schema's `xs:double` lexical form: `NaN`, `INF`, `-INF`, or Rust's shortest
/// round-trip decimal.
pub fn xsd_double(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_owned()
    } else if x.is_infinite() {
        if x > 0.0 { "INF" } else { "-INF" }.to_owned()
    } else {
        format!("{x:?}")
    }
}

fn parse_xsd_double(text: &str) -> Option<f64> {
    match text.trim() {
        "NaN" => Some(f64::NAN),
        "INF" => Some(f64::INFINITY),
        "-INF" => Some(f64::NEG_INFINITY),
        other => other.parse().ok(),
    }
}
