//! The task document, `task.xml` (GET /task/{id}): read leniently, written in the server's shape.
//!
//! Server GET responses are not schema-valid in general, so elements are matched by local name
//! (the `oml:` prefix and the namespace are ignored), unknown elements (`task_name`,
//! `cost_matrix`, `output`, ...) are skipped and unknown estimation-procedure parameters are
//! ignored. Texts are trimmed, as openml-python's xmltodict does, and an element with empty text
//! counts as absent. When a single-valued element is repeated, the last one counts.

use std::fmt;
use std::path::Path;

use oml_data::xml::{Doc, Node, XmlError, escape, line};

use crate::error::{Error, Result};
use crate::procedure::{Resampling, TaskType};

/// A task as `task.xml` (GET /task/{id}) describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDescription {
    /// The task id; local tasks have none.
    pub task_id: Option<i64>,
    /// The task type, from `task_type_id`.
    pub task_type: TaskType,
    /// The dataset, `data_set_id` under `input name="source_data"`.
    pub dataset_id: Option<i64>,
    /// The target column, `target_feature`; clustering tasks have none.
    pub target: Option<String>,
    /// The estimation procedure, as the task names it.
    pub procedure: ProcedureDescription,
    /// The evaluation measures (`predictive_accuracy`, ...), in document order.
    pub evaluation_measures: Vec<String>,
    /// The tags, in document order.
    pub tags: Vec<String>,
}

/// The estimation procedure as the task names it (parameters kept as the server wrote them).
///
/// A parameter the document leaves empty (the server's NULL) is `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProcedureDescription {
    /// The procedure id on the server (`1` is 10-fold cross-validation for classification).
    pub id: Option<i64>,
    /// `oml:type`: `crossvalidation`, `holdout`, `leaveoneout`, `customholdout`, ...
    pub kind: String,
    /// Where the server serves the task's split file.
    pub data_splits_url: Option<String>,
    /// The number of repeats.
    pub number_repeats: Option<u32>,
    /// The number of folds.
    pub number_folds: Option<u32>,
    /// The number of learning-curve samples.
    pub number_samples: Option<u32>,
    /// The percentage of rows in a holdout test set.
    pub percentage: Option<f64>,
    /// Whether splits keep class proportions.
    pub stratified_sampling: Option<bool>,
}

impl ProcedureDescription {
    /// The `Resampling` that generates splits like this procedure's, or an error saying which
    /// parameter is missing or unsupported (e.g. customholdout has no generator: the split file
    /// is needed).
    ///
    /// `crossvalidation` needs `number_repeats` (at least 1) and `number_folds` (at least 2) and
    /// becomes [`Resampling::LearningCurve`] for learning-curve tasks; `holdout` needs
    /// `number_repeats` and a `percentage` in (0, 100); `leaveoneout` needs nothing. A missing
    /// `stratified_sampling` counts as false.
    pub fn resampling(&self, task_type: TaskType) -> Result<Resampling> {
        let kind = self.kind.as_str();
        let stratified = self.stratified_sampling.unwrap_or(false);
        if task_type == TaskType::LearningCurve && kind != "crossvalidation" {
            return Err(invalid(format_args!(
                "learning-curve tasks need a `crossvalidation` estimation procedure, not `{kind}`"
            )));
        }
        match kind {
            "crossvalidation" => {
                let repeats = self.repeats()?;
                let folds = self.required("number_folds", self.number_folds)?;
                if folds < 2 {
                    return Err(invalid(format_args!(
                        "estimation procedure `crossvalidation` has `number_folds` {folds}; \
                         expected at least 2"
                    )));
                }
                Ok(if task_type == TaskType::LearningCurve {
                    Resampling::LearningCurve {
                        repeats,
                        folds,
                        stratified,
                    }
                } else {
                    Resampling::CrossValidation {
                        repeats,
                        folds,
                        stratified,
                    }
                })
            }
            "holdout" => {
                let repeats = self.repeats()?;
                let percentage = self.required("percentage", self.percentage)?;
                if !(percentage > 0.0 && percentage < 100.0) {
                    return Err(invalid(format_args!(
                        "estimation procedure `holdout` has `percentage` {percentage}; \
                         expected more than 0 and less than 100"
                    )));
                }
                Ok(Resampling::Holdout {
                    repeats,
                    percentage,
                    stratified,
                })
            }
            "leaveoneout" => Ok(Resampling::LeaveOneOut),
            "customholdout" => Err(invalid(
                "estimation procedure `customholdout` has no generator; the task's split file is needed",
            )),
            "" => Err(invalid("the task names no estimation procedure type")),
            other => Err(invalid(format_args!(
                "estimation procedure `{other}` has no generator (oml generates crossvalidation, \
                 holdout and leaveoneout splits); the task's split file is needed"
            ))),
        }
    }

    /// The description of a Resampling (inverse of [`resampling`](Self::resampling): kind,
    /// repeats, folds, percentage, stratified; id None).
    ///
    /// Holdouts have no `number_folds`; leave-one-out has one repeat and no stratification, as in
    /// the server's procedure table.
    pub fn from_resampling(r: &Resampling) -> Self {
        let kind = r.openml_type().to_owned();
        match *r {
            Resampling::CrossValidation {
                repeats,
                folds,
                stratified,
            }
            | Resampling::LearningCurve {
                repeats,
                folds,
                stratified,
            } => ProcedureDescription {
                kind,
                number_repeats: Some(repeats),
                number_folds: Some(folds),
                stratified_sampling: Some(stratified),
                ..ProcedureDescription::default()
            },
            Resampling::Holdout {
                repeats,
                percentage,
                stratified,
            } => ProcedureDescription {
                kind,
                number_repeats: Some(repeats),
                percentage: Some(percentage),
                stratified_sampling: Some(stratified),
                ..ProcedureDescription::default()
            },
            Resampling::LeaveOneOut => ProcedureDescription {
                kind,
                number_repeats: Some(1),
                stratified_sampling: Some(false),
                ..ProcedureDescription::default()
            },
        }
    }

    fn required<T>(&self, parameter: &str, value: Option<T>) -> Result<T> {
        value.ok_or_else(|| {
            invalid(format_args!(
                "estimation procedure `{}` has no `{parameter}`",
                self.kind
            ))
        })
    }

    fn repeats(&self) -> Result<u32> {
        let repeats = self.required("number_repeats", self.number_repeats)?;
        if repeats == 0 {
            return Err(invalid(format_args!(
                "estimation procedure `{}` has `number_repeats` 0; expected at least 1",
                self.kind
            )));
        }
        Ok(repeats)
    }
}

impl TaskDescription {
    /// Parses a `task.xml` document.
    ///
    /// Fails on malformed XML, a root other than `task`, a missing or unsupported
    /// `task_type_id`, a number or boolean that does not parse (the message names the element
    /// and its text), and a classification, regression or learning-curve task without a
    /// `target_feature`.
    pub fn from_xml(text: &str) -> Result<Self> {
        read_raw(text)?.finish(text)
    }

    /// Reads and parses the `task.xml` at `path`; errors carry the path.
    pub fn from_path(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        Self::from_xml(&text).map_err(|e| e.with_path(path))
    }

    /// Writes the document in the server's GET shape (root `oml:task` with `xmlns:oml`,
    /// elements in the server's order), such that [`from_xml`](Self::from_xml) reads it back
    /// and openml-python's `_create_task_from_xml` can read it offline.
    ///
    /// Absent values are written as empty elements, as the server does; all of
    /// `number_repeats`, `number_folds`, `percentage` and `stratified_sampling` are always
    /// written (plus `number_samples` for learning curves or when set), so openml-python always
    /// sees a list of parameters. Without evaluation measures the `evaluation_measures` input is
    /// left out, since openml-python cannot read an empty one. Characters XML 1.0 cannot carry
    /// become U+FFFD.
    ///
    /// openml-python reads `data_set_id` as an integer, and 0.16 also the procedure `id` of
    /// types 1, 2 and 3: a document meant for it needs both, which local tasks may lack.
    pub fn to_xml(&self) -> String {
        let mut w = Writer::default();
        w.line(0, "<oml:task xmlns:oml=\"http://openml.org/openml\">");
        w.leaf(1, "task_id", self.task_id);
        w.leaf(1, "task_type_id", Some(self.task_type.id()));
        w.leaf(1, "task_type", Some(self.task_type.name()));

        w.line(1, "<oml:input name=\"source_data\">");
        w.line(2, "<oml:data_set>");
        w.leaf(3, "data_set_id", self.dataset_id);
        if let Some(target) = &self.target {
            w.leaf(3, "target_feature", Some(target));
        }
        w.line(2, "</oml:data_set>");
        w.line(1, "</oml:input>");

        let p = &self.procedure;
        w.line(1, "<oml:input name=\"estimation_procedure\">");
        w.line(2, "<oml:estimation_procedure>");
        w.leaf(3, "id", p.id);
        w.leaf(3, "type", Some(&p.kind));
        w.leaf(3, "data_splits_url", p.data_splits_url.as_ref());
        w.parameter("number_repeats", p.number_repeats);
        w.parameter("number_folds", p.number_folds);
        if self.task_type == TaskType::LearningCurve || p.number_samples.is_some() {
            w.parameter("number_samples", p.number_samples);
        }
        w.parameter("percentage", p.percentage);
        w.parameter("stratified_sampling", p.stratified_sampling);
        w.line(2, "</oml:estimation_procedure>");
        w.line(1, "</oml:input>");

        if !self.evaluation_measures.is_empty() {
            w.line(1, "<oml:input name=\"evaluation_measures\">");
            w.line(2, "<oml:evaluation_measures>");
            for measure in &self.evaluation_measures {
                w.leaf(3, "evaluation_measure", Some(measure));
            }
            w.line(2, "</oml:evaluation_measures>");
            w.line(1, "</oml:input>");
        }

        w.line(1, "<oml:output name=\"predictions\">");
        w.line(2, "<oml:predictions>");
        w.leaf(3, "format", Some("ARFF"));
        for (name, kind) in prediction_features(self.task_type) {
            w.line(
                3,
                format_args!("<oml:feature name=\"{name}\" type=\"{kind}\"/>"),
            );
        }
        w.line(2, "</oml:predictions>");
        w.line(1, "</oml:output>");

        for tag in &self.tags {
            w.leaf(1, "tag", Some(tag));
        }
        w.line(0, "</oml:task>");
        w.out
    }
}

/// The prediction columns the server lists for each task type: name and ARFF type.
fn prediction_features(task_type: TaskType) -> &'static [(&'static str, &'static str)] {
    match task_type {
        TaskType::SupervisedClassification => &[
            ("repeat", "integer"),
            ("fold", "integer"),
            ("row_id", "integer"),
            ("confidence.classname", "numeric"),
            ("prediction", "string"),
        ],
        TaskType::SupervisedRegression => &[
            ("repeat", "integer"),
            ("fold", "integer"),
            ("row_id", "integer"),
            ("prediction", "numeric"),
        ],
        TaskType::LearningCurve => &[
            ("repeat", "integer"),
            ("fold", "integer"),
            ("sample", "integer"),
            ("row_id", "integer"),
            ("confidence.classname", "numeric"),
            ("prediction", "string"),
        ],
        TaskType::Clustering => &[
            ("repeat", "integer"),
            ("row_id", "integer"),
            ("cluster", "numeric"),
        ],
    }
}

fn invalid(message: impl fmt::Display) -> Error {
    Error::Invalid(message.to_string())
}

// ---------------------------------------------------------------------------------------------
// Writing

/// An indented document being written.
#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn line(&mut self, indent: usize, content: impl fmt::Display) {
        use fmt::Write as _;
        for _ in 0..indent {
            self.out.push_str("  ");
        }
        // Writing to a String cannot fail.
        let _ = writeln!(self.out, "{content}");
    }

    /// `<oml:{name}>value</oml:{name}>`, with empty text when the value is absent.
    fn leaf(&mut self, indent: usize, name: &str, value: Option<impl fmt::Display>) {
        let text = value.map(|v| escape(&v.to_string())).unwrap_or_default();
        self.line(indent, format_args!("<oml:{name}>{text}</oml:{name}>"));
    }

    fn parameter(&mut self, name: &str, value: Option<impl fmt::Display>) {
        let text = value.map(|v| escape(&v.to_string())).unwrap_or_default();
        self.line(
            3,
            format_args!("<oml:parameter name=\"{name}\">{text}</oml:parameter>"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

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
struct Raw {
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
fn read_raw(text: &str) -> Result<Raw> {
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
    fn finish(self, text: &str) -> Result<TaskDescription> {
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const TASK_1: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/openml/tasks/1/task.xml"
    );
    const TASK_3: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/openml/tasks/3/task.xml"
    );

    const NS: &str = r#"xmlns:oml="http://openml.org/openml""#;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    /// A task document with `type_id`, a source_data input holding `data_set` and an estimation
    /// procedure holding `procedure`.
    fn task_xml(type_id: &str, data_set: &str, procedure: &str) -> String {
        format!(
            "<oml:task {NS}><oml:task_id>7</oml:task_id><oml:task_type_id>{type_id}</oml:task_type_id>\
             <oml:input name=\"source_data\"><oml:data_set>{data_set}</oml:data_set></oml:input>\
             <oml:input name=\"estimation_procedure\"><oml:estimation_procedure>{procedure}\
             </oml:estimation_procedure></oml:input></oml:task>"
        )
    }

    fn cv_procedure(parameters: &str) -> String {
        format!("<oml:id>1</oml:id><oml:type>crossvalidation</oml:type>{parameters}")
    }

    fn parameter(name: &str, value: &str) -> String {
        format!("<oml:parameter name=\"{name}\">{value}</oml:parameter>")
    }

    fn xml_message(error: Error) -> String {
        match error {
            Error::TaskXml {
                path: None,
                message,
            } => message,
            other => panic!("expected a task XML error without a path, got {other:?}"),
        }
    }

    fn parse_error(xml: &str) -> String {
        xml_message(TaskDescription::from_xml(xml).unwrap_err())
    }

    fn invalid_message(result: Result<Resampling>) -> String {
        match result {
            Err(Error::Invalid(message)) => message,
            other => panic!("expected an invalid-procedure error, got {other:?}"),
        }
    }

    fn assert_fixture(task: &TaskDescription, id: i64) {
        assert_eq!(task.task_id, Some(id));
        assert_eq!(task.task_type, TaskType::SupervisedClassification);
        assert_eq!(task.dataset_id, Some(id));
        assert_eq!(task.target.as_deref(), Some("class"));
        let procedure = &task.procedure;
        assert_eq!(procedure.id, Some(1));
        assert_eq!(procedure.kind, "crossvalidation");
        assert_eq!(
            procedure.data_splits_url,
            Some(format!(
                "http://www.openml.org/api_splits/get/{id}/Task_{id}_splits.arff"
            ))
        );
        assert_eq!(procedure.number_repeats, Some(1));
        assert_eq!(procedure.number_folds, Some(10));
        assert_eq!(procedure.number_samples, None);
        assert_eq!(procedure.percentage, None);
        assert_eq!(procedure.stratified_sampling, Some(true));
        assert_eq!(task.evaluation_measures, strings(&["predictive_accuracy"]));
        assert_eq!(
            procedure.resampling(task.task_type).unwrap(),
            Resampling::CrossValidation {
                repeats: 1,
                folds: 10,
                stratified: true
            }
        );
    }

    #[test]
    fn fixture_task_1() {
        let task = TaskDescription::from_path(Path::new(TASK_1)).unwrap();
        assert_fixture(&task, 1);
        assert_eq!(
            task.tags,
            strings(&["basic", "study_1", "study_7", "under100k", "under1m"])
        );
        // Writing and reading back keeps everything.
        assert_eq!(TaskDescription::from_xml(&task.to_xml()).unwrap(), task);
    }

    #[test]
    fn fixture_task_3() {
        let task = TaskDescription::from_path(Path::new(TASK_3)).unwrap();
        assert_fixture(&task, 3);
        assert_eq!(
            task.tags,
            strings(&[
                "basic",
                "mythbusting",
                "mythbusting_1",
                "study_1",
                "study_7",
                "under100k",
                "under1m"
            ])
        );
        assert_eq!(TaskDescription::from_xml(&task.to_xml()).unwrap(), task);
    }

    fn classification() -> TaskDescription {
        TaskDescription {
            task_id: Some(1),
            task_type: TaskType::SupervisedClassification,
            dataset_id: Some(1),
            target: Some("class".into()),
            procedure: ProcedureDescription {
                id: Some(1),
                kind: "crossvalidation".into(),
                data_splits_url: Some(
                    "https://www.openml.org/api_splits/get/1/Task_1_splits.arff".into(),
                ),
                number_repeats: Some(1),
                number_folds: Some(10),
                number_samples: None,
                percentage: None,
                stratified_sampling: Some(true),
            },
            evaluation_measures: strings(&["predictive_accuracy"]),
            tags: strings(&["basic", "study_1"]),
        }
    }

    fn check_round_trip(task: &TaskDescription) {
        let xml = task.to_xml();
        let back = TaskDescription::from_xml(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        assert_eq!(&back, task, "{xml}");
    }

    #[test]
    fn to_xml_has_the_server_shape() {
        let expected = r#"<oml:task xmlns:oml="http://openml.org/openml">
  <oml:task_id>1</oml:task_id>
  <oml:task_type_id>1</oml:task_type_id>
  <oml:task_type>Supervised Classification</oml:task_type>
  <oml:input name="source_data">
    <oml:data_set>
      <oml:data_set_id>1</oml:data_set_id>
      <oml:target_feature>class</oml:target_feature>
    </oml:data_set>
  </oml:input>
  <oml:input name="estimation_procedure">
    <oml:estimation_procedure>
      <oml:id>1</oml:id>
      <oml:type>crossvalidation</oml:type>
      <oml:data_splits_url>https://www.openml.org/api_splits/get/1/Task_1_splits.arff</oml:data_splits_url>
      <oml:parameter name="number_repeats">1</oml:parameter>
      <oml:parameter name="number_folds">10</oml:parameter>
      <oml:parameter name="percentage"></oml:parameter>
      <oml:parameter name="stratified_sampling">true</oml:parameter>
    </oml:estimation_procedure>
  </oml:input>
  <oml:input name="evaluation_measures">
    <oml:evaluation_measures>
      <oml:evaluation_measure>predictive_accuracy</oml:evaluation_measure>
    </oml:evaluation_measures>
  </oml:input>
  <oml:output name="predictions">
    <oml:predictions>
      <oml:format>ARFF</oml:format>
      <oml:feature name="repeat" type="integer"/>
      <oml:feature name="fold" type="integer"/>
      <oml:feature name="row_id" type="integer"/>
      <oml:feature name="confidence.classname" type="numeric"/>
      <oml:feature name="prediction" type="string"/>
    </oml:predictions>
  </oml:output>
  <oml:tag>basic</oml:tag>
  <oml:tag>study_1</oml:tag>
</oml:task>
"#;
        assert_eq!(classification().to_xml(), expected);
    }

    #[test]
    fn round_trip_classification() {
        check_round_trip(&classification());
    }

    #[test]
    fn round_trip_regression_holdout() {
        let task = TaskDescription {
            task_id: Some(2280),
            task_type: TaskType::SupervisedRegression,
            dataset_id: Some(189),
            target: Some("price & <tax>".into()),
            procedure: ProcedureDescription {
                id: Some(12),
                kind: "holdout".into(),
                data_splits_url: None,
                number_repeats: Some(1),
                number_folds: None,
                number_samples: None,
                percentage: Some(33.5),
                stratified_sampling: Some(false),
            },
            evaluation_measures: strings(&["mean_absolute_error", "root_mean_squared_error"]),
            tags: Vec::new(),
        };
        check_round_trip(&task);
        let xml = task.to_xml();
        assert!(xml.contains("<oml:target_feature>price &amp; &lt;tax&gt;</oml:target_feature>"));
        assert!(xml.contains(r#"<oml:feature name="prediction" type="numeric"/>"#));
        assert!(xml.contains("<oml:data_splits_url></oml:data_splits_url>"));
    }

    #[test]
    fn round_trip_learning_curve() {
        let task = TaskDescription {
            task_id: Some(3902),
            task_type: TaskType::LearningCurve,
            dataset_id: Some(3),
            target: Some("class".into()),
            procedure: ProcedureDescription {
                id: Some(13),
                kind: "crossvalidation".into(),
                number_repeats: Some(1),
                number_folds: Some(10),
                number_samples: Some(8),
                stratified_sampling: Some(true),
                ..ProcedureDescription::default()
            },
            evaluation_measures: strings(&["predictive_accuracy"]),
            tags: strings(&["curve"]),
        };
        check_round_trip(&task);
        let xml = task.to_xml();
        assert!(xml.contains(r#"<oml:parameter name="number_samples">8</oml:parameter>"#));
        assert!(xml.contains(r#"<oml:feature name="sample" type="integer"/>"#));
        assert_eq!(
            task.procedure.resampling(task.task_type).unwrap(),
            Resampling::LearningCurve {
                repeats: 1,
                folds: 10,
                stratified: true
            }
        );
    }

    #[test]
    fn round_trip_clustering_without_target() {
        let task = TaskDescription {
            task_id: Some(146714),
            task_type: TaskType::Clustering,
            dataset_id: Some(61),
            target: None,
            procedure: ProcedureDescription {
                id: Some(17),
                kind: "testontrainingdata".into(),
                number_repeats: Some(50),
                ..ProcedureDescription::default()
            },
            evaluation_measures: Vec::new(),
            tags: Vec::new(),
        };
        check_round_trip(&task);
        let xml = task.to_xml();
        assert!(!xml.contains("target_feature"));
        assert!(!xml.contains("evaluation_measures"));
        assert!(xml.contains(r#"<oml:feature name="cluster" type="numeric"/>"#));
    }

    #[test]
    fn round_trip_local_task() {
        // No ids, a procedure built from a Resampling, no measures.
        let resampling = Resampling::CrossValidation {
            repeats: 2,
            folds: 5,
            stratified: false,
        };
        let task = TaskDescription {
            task_id: None,
            task_type: TaskType::SupervisedRegression,
            dataset_id: None,
            target: Some("y".into()),
            procedure: ProcedureDescription::from_resampling(&resampling),
            evaluation_measures: Vec::new(),
            tags: Vec::new(),
        };
        check_round_trip(&task);
        assert!(task.to_xml().contains("<oml:task_id></oml:task_id>"));
    }

    #[test]
    fn parse_is_lenient() {
        // No prefix, a declaration, unknown elements and parameters, empty parameters,
        // entities, whitespace, comments.
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<task>\
            <task_id> 5 </task_id><task_name>Task 5: x</task_name><task_type_id>2</task_type_id>\
            <task_type>whatever</task_type><!-- comment -->\
            <input name=\"source_data\"><data_set><data_set_id>9</data_set_id>\
            <target_feature>a&amp;b&#x41;</target_feature><extra>1</extra></data_set></input>\
            <input name=\"estimation_procedure\"><estimation_procedure><id>7</id><type> holdout </type>\
            <data_splits_url/><parameter name=\"number_repeats\">1</parameter>\
            <parameter name=\"number_folds\"></parameter><parameter name=\"percentage\">33</parameter>\
            <parameter name=\"stratified_sampling\">FALSE</parameter>\
            <parameter name=\"custom\">not a number</parameter><parameter>unnamed</parameter>\
            </estimation_procedure></input>\
            <input name=\"cost_matrix\"><cost_matrix>[[0,1],[1,0]]</cost_matrix></input>\
            <input name=\"evaluation_measures\"><evaluation_measures>\
            <evaluation_measure>mean_absolute_error</evaluation_measure><evaluation_measure/>\
            </evaluation_measures></input>\
            <output name=\"predictions\"><predictions><format>ARFF</format>\
            <feature name=\"repeat\" type=\"integer\"/></predictions></output>\
            <tag>t1</tag><tag></tag><other><tag>nested</tag></other></task>";
        let task = TaskDescription::from_xml(xml).unwrap();
        let expected = TaskDescription {
            task_id: Some(5),
            task_type: TaskType::SupervisedRegression,
            dataset_id: Some(9),
            target: Some("a&bA".into()),
            procedure: ProcedureDescription {
                id: Some(7),
                kind: "holdout".into(),
                data_splits_url: None,
                number_repeats: Some(1),
                number_folds: None,
                number_samples: None,
                percentage: Some(33.0),
                stratified_sampling: Some(false),
            },
            evaluation_measures: strings(&["mean_absolute_error"]),
            tags: strings(&["t1"]),
        };
        assert_eq!(task, expected);
    }

    #[test]
    fn missing_task_type_id_is_an_error() {
        let xml = format!(
            "<oml:task {NS}><oml:task_id>1</oml:task_id><oml:input name=\"source_data\">\
             <oml:data_set><oml:target_feature>class</oml:target_feature></oml:data_set>\
             </oml:input></oml:task>"
        );
        assert_eq!(parse_error(&xml), "line 1: `task` has no `task_type_id`");
        let empty = task_xml("", "<oml:target_feature>c</oml:target_feature>", "");
        assert_eq!(parse_error(&empty), "line 1: `task` has no `task_type_id`");
        let text = task_xml("one", "<oml:target_feature>c</oml:target_feature>", "");
        assert_eq!(
            parse_error(&text),
            "line 1: `task_type_id` is `one`; expected an integer"
        );
    }

    #[test]
    fn unsupported_task_type_is_an_error() {
        let xml = task_xml("4", "<oml:target_feature>class</oml:target_feature>", "");
        let message = parse_error(&xml);
        assert_eq!(
            message,
            "line 1: task type 4 in `task_type_id` is not supported; oml runs \
             1 (Supervised Classification), 2 (Supervised Regression), 3 (Learning Curve), \
             5 (Clustering)"
        );
        assert!(parse_error(&task_xml("-1", "", "")).contains("task type -1"));
    }

    #[test]
    fn bad_numbers_and_booleans_are_errors() {
        let data_set = "<oml:target_feature>class</oml:target_feature>";
        let xml = task_xml(
            "1",
            data_set,
            &cv_procedure(&format!("\n{}", parameter("number_folds", "ten"))),
        );
        assert_eq!(
            parse_error(&xml),
            "line 2: `parameter name=\"number_folds\"` is `ten`; expected a non-negative integer"
        );
        let negative = task_xml(
            "1",
            data_set,
            &cv_procedure(&parameter("number_repeats", "-1")),
        );
        assert!(parse_error(&negative).contains("`parameter name=\"number_repeats\"` is `-1`"));
        let percentage = task_xml(
            "1",
            data_set,
            &cv_procedure(&parameter("percentage", "nan")),
        );
        assert!(parse_error(&percentage).ends_with("is `nan`; expected a finite number"));
        let percentage = task_xml("1", data_set, &cv_procedure(&parameter("percentage", "x%")));
        assert!(parse_error(&percentage).ends_with("is `x%`; expected a number"));
        let flag = task_xml(
            "1",
            data_set,
            &cv_procedure(&parameter("stratified_sampling", "yes")),
        );
        assert!(parse_error(&flag).ends_with(
            "`parameter name=\"stratified_sampling\"` is `yes`; expected true or false"
        ));
        let dataset = task_xml("1", "<oml:data_set_id>1.5</oml:data_set_id>", "");
        assert!(parse_error(&dataset).ends_with("`data_set_id` is `1.5`; expected an integer"));
        let id = task_xml("1", data_set, "<oml:id>x</oml:id>");
        assert!(parse_error(&id).ends_with("`id` is `x`; expected an integer"));
    }

    #[test]
    fn supervised_tasks_need_a_target() {
        for (id, name) in [
            ("1", "Supervised Classification"),
            ("2", "Supervised Regression"),
            ("3", "Learning Curve"),
        ] {
            let xml = task_xml(
                id,
                "<oml:data_set_id>1</oml:data_set_id><oml:target_feature> </oml:target_feature>",
                "",
            );
            assert_eq!(
                parse_error(&xml),
                format!(
                    "line 1: task type {id} ({name}) needs a `target_feature` in \
                     `input name=\"source_data\"`"
                )
            );
        }
        let clustering = task_xml("5", "<oml:data_set_id>1</oml:data_set_id>", "");
        let task = TaskDescription::from_xml(&clustering).unwrap();
        assert_eq!(task.target, None);
        assert_eq!(task.procedure, ProcedureDescription::default());
    }

    #[test]
    fn malformed_xml_is_an_error() {
        let mismatched = format!("<oml:task {NS}>\n<oml:task_id>1</oml:task_type_id></oml:task>");
        let message = parse_error(&mismatched);
        assert!(message.starts_with("line 2, byte "), "{message}");
        assert!(message.contains("malformed XML"), "{message}");
        let unclosed = format!("<oml:task {NS}>\n<oml:task_id>1</oml:task_id>");
        assert_eq!(
            parse_error(&unclosed),
            "line 2: unexpected end of input: `task` opened on line 1 is not closed"
        );
        let entity = task_xml("1", "<oml:target_feature>&nbsp;</oml:target_feature>", "");
        assert!(parse_error(&entity).contains("unknown entity `&nbsp;`"));
        let wrong_root = format!("<oml:data_set_description {NS}/>");
        assert_eq!(
            parse_error(&wrong_root),
            "line 1: expected root element `oml:task`, found `oml:data_set_description`"
        );
        let two_roots = "<task><task_type_id>5</task_type_id></task><task/>";
        assert!(parse_error(two_roots).contains("second root element `task`"));
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(
            parse_error(""),
            "line 1: no root element; expected `oml:task`"
        );
        assert_eq!(
            parse_error("not xml at all"),
            "line 1: text outside the root element"
        );
        // quick-xml reads `<<<>` as a start tag named `<<`.
        assert_eq!(
            parse_error("<<<>>>"),
            "line 1: expected root element `oml:task`, found `<<`"
        );
        assert_eq!(
            parse_error("</oml:task>"),
            "line 1, byte 0: malformed XML: ill-formed document: close tag `</oml:task>` does \
             not match any open tag"
        );
        assert!(parse_error("<oml:task").starts_with("line 1, byte 0: malformed XML: "));
        assert_eq!(
            parse_error("{\"task\": 1}"),
            "line 1: text outside the root element"
        );
        assert_eq!(
            parse_error("\0\u{1}\u{fffd}"),
            "line 1: text outside the root element"
        );
    }

    #[test]
    fn from_path_errors_carry_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("task.xml");
        std::fs::write(
            &path,
            "<oml:task><oml:task_type_id>4</oml:task_type_id></oml:task>",
        )
        .unwrap();
        let error = TaskDescription::from_path(&path).unwrap_err();
        let Error::TaskXml {
            path: Some(error_path),
            ..
        } = &error
        else {
            panic!("expected a task XML error with a path, got {error:?}");
        };
        assert_eq!(error_path, &path);
        assert!(
            error
                .to_string()
                .starts_with(&format!("{}: line 1: task type 4", path.display()))
        );
        let missing = dir.path().join("absent.xml");
        assert!(matches!(
            TaskDescription::from_path(&missing),
            Err(Error::Io { .. })
        ));
    }

    fn procedure(kind: &str) -> ProcedureDescription {
        ProcedureDescription {
            kind: kind.into(),
            ..ProcedureDescription::default()
        }
    }

    #[test]
    fn resampling_crossvalidation() {
        let mut cv = ProcedureDescription {
            number_repeats: Some(10),
            number_folds: Some(10),
            stratified_sampling: Some(true),
            ..procedure("crossvalidation")
        };
        assert_eq!(
            cv.resampling(TaskType::SupervisedClassification).unwrap(),
            Resampling::CrossValidation {
                repeats: 10,
                folds: 10,
                stratified: true
            }
        );
        cv.stratified_sampling = Some(false);
        assert_eq!(
            cv.resampling(TaskType::SupervisedRegression).unwrap(),
            Resampling::CrossValidation {
                repeats: 10,
                folds: 10,
                stratified: false
            }
        );
        cv.stratified_sampling = None;
        assert_eq!(
            cv.resampling(TaskType::SupervisedRegression).unwrap(),
            Resampling::CrossValidation {
                repeats: 10,
                folds: 10,
                stratified: false
            }
        );
    }

    #[test]
    fn resampling_holdout() {
        let holdout = ProcedureDescription {
            number_repeats: Some(1),
            percentage: Some(33.0),
            stratified_sampling: Some(true),
            ..procedure("holdout")
        };
        assert_eq!(
            holdout
                .resampling(TaskType::SupervisedClassification)
                .unwrap(),
            Resampling::Holdout {
                repeats: 1,
                percentage: 33.0,
                stratified: true
            }
        );
        let no_percentage = ProcedureDescription {
            percentage: None,
            ..holdout.clone()
        };
        assert_eq!(
            invalid_message(no_percentage.resampling(TaskType::SupervisedClassification)),
            "estimation procedure `holdout` has no `percentage`"
        );
        let all = ProcedureDescription {
            percentage: Some(100.0),
            ..holdout
        };
        assert_eq!(
            invalid_message(all.resampling(TaskType::SupervisedClassification)),
            "estimation procedure `holdout` has `percentage` 100; expected more than 0 and less than 100"
        );
    }

    #[test]
    fn resampling_leave_one_out() {
        let loo = ProcedureDescription {
            number_repeats: Some(1),
            stratified_sampling: Some(false),
            ..procedure("leaveoneout")
        };
        assert_eq!(
            loo.resampling(TaskType::SupervisedRegression).unwrap(),
            Resampling::LeaveOneOut
        );
        assert_eq!(
            procedure("leaveoneout")
                .resampling(TaskType::SupervisedClassification)
                .unwrap(),
            Resampling::LeaveOneOut
        );
    }

    #[test]
    fn resampling_learning_curve() {
        let curve = ProcedureDescription {
            id: Some(13),
            number_repeats: Some(1),
            number_folds: Some(10),
            number_samples: Some(8),
            stratified_sampling: Some(true),
            ..procedure("crossvalidation")
        };
        assert_eq!(
            curve.resampling(TaskType::LearningCurve).unwrap(),
            Resampling::LearningCurve {
                repeats: 1,
                folds: 10,
                stratified: true
            }
        );
        assert_eq!(
            invalid_message(procedure("holdout").resampling(TaskType::LearningCurve)),
            "learning-curve tasks need a `crossvalidation` estimation procedure, not `holdout`"
        );
    }

    #[test]
    fn resampling_errors() {
        let classification = TaskType::SupervisedClassification;
        let custom = ProcedureDescription {
            number_repeats: Some(1),
            number_folds: Some(10),
            ..procedure("customholdout")
        };
        assert_eq!(
            invalid_message(custom.resampling(classification)),
            "estimation procedure `customholdout` has no generator; the task's split file is needed"
        );
        let no_folds = ProcedureDescription {
            number_repeats: Some(1),
            ..procedure("crossvalidation")
        };
        assert_eq!(
            invalid_message(no_folds.resampling(classification)),
            "estimation procedure `crossvalidation` has no `number_folds`"
        );
        let one_fold = ProcedureDescription {
            number_folds: Some(1),
            ..no_folds.clone()
        };
        assert_eq!(
            invalid_message(one_fold.resampling(classification)),
            "estimation procedure `crossvalidation` has `number_folds` 1; expected at least 2"
        );
        let no_repeats = ProcedureDescription {
            number_repeats: None,
            number_folds: Some(10),
            ..procedure("crossvalidation")
        };
        assert_eq!(
            invalid_message(no_repeats.resampling(classification)),
            "estimation procedure `crossvalidation` has no `number_repeats`"
        );
        assert!(
            invalid_message(procedure("testontrainingdata").resampling(TaskType::Clustering))
                .starts_with("estimation procedure `testontrainingdata` has no generator")
        );
        assert_eq!(
            invalid_message(procedure("").resampling(classification)),
            "the task names no estimation procedure type"
        );
    }

    #[test]
    fn from_resampling_inverts_resampling() {
        let cases = [
            (
                TaskType::SupervisedClassification,
                Resampling::CrossValidation {
                    repeats: 5,
                    folds: 2,
                    stratified: true,
                },
            ),
            (
                TaskType::SupervisedRegression,
                Resampling::Holdout {
                    repeats: 1,
                    percentage: 33.0,
                    stratified: false,
                },
            ),
            (TaskType::SupervisedClassification, Resampling::LeaveOneOut),
            (
                TaskType::LearningCurve,
                Resampling::LearningCurve {
                    repeats: 1,
                    folds: 10,
                    stratified: true,
                },
            ),
        ];
        for (task_type, resampling) in cases {
            let description = ProcedureDescription::from_resampling(&resampling);
            assert_eq!(description.id, None);
            assert_eq!(description.kind, resampling.openml_type());
            assert_eq!(description.resampling(task_type).unwrap(), resampling);
        }
        let holdout = ProcedureDescription::from_resampling(&Resampling::Holdout {
            repeats: 3,
            percentage: 20.0,
            stratified: true,
        });
        assert_eq!(
            holdout,
            ProcedureDescription {
                kind: "holdout".into(),
                number_repeats: Some(3),
                percentage: Some(20.0),
                stratified_sampling: Some(true),
                ..ProcedureDescription::default()
            }
        );
    }

    fn task_type() -> impl Strategy<Value = TaskType> {
        prop_oneof![
            Just(TaskType::SupervisedClassification),
            Just(TaskType::SupervisedRegression),
            Just(TaskType::LearningCurve),
            Just(TaskType::Clustering),
        ]
    }

    /// Strings that survive trimming: no surrounding whitespace, not empty.
    fn word() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9_.&<>\"'/:-][a-zA-Z0-9_.&<>\"'/: -]{0,10}[a-zA-Z0-9_.&<>\"'/:-]"
    }

    fn description() -> impl Strategy<Value = TaskDescription> {
        let procedure = (
            (
                proptest::option::of(any::<i64>()),
                word(),
                proptest::option::of(word()),
            ),
            (
                proptest::option::of(any::<u32>()),
                proptest::option::of(any::<u32>()),
                proptest::option::of(any::<u32>()),
                proptest::option::of(-1e6f64..1e6),
                proptest::option::of(any::<bool>()),
            ),
        )
            .prop_map(
                |((id, kind, url), (repeats, folds, samples, percentage, stratified))| {
                    ProcedureDescription {
                        id,
                        kind,
                        data_splits_url: url,
                        number_repeats: repeats,
                        number_folds: folds,
                        number_samples: samples,
                        percentage,
                        stratified_sampling: stratified,
                    }
                },
            );
        (
            proptest::option::of(any::<i64>()),
            task_type(),
            proptest::option::of(any::<i64>()),
            word(),
            procedure,
            proptest::collection::vec(word(), 0..3),
            proptest::collection::vec(word(), 0..3),
        )
            .prop_map(
                |(task_id, task_type, dataset_id, target, procedure, measures, tags)| {
                    TaskDescription {
                        task_id,
                        task_type,
                        dataset_id,
                        target: (task_type != TaskType::Clustering).then_some(target),
                        procedure,
                        evaluation_measures: measures,
                        tags,
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn round_trip_any_description(task in description()) {
            let xml = task.to_xml();
            prop_assert_eq!(TaskDescription::from_xml(&xml).unwrap(), task);
        }

        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,200}") {
            let _ = TaskDescription::from_xml(&text);
        }

        #[test]
        fn never_panics_on_damaged_documents(cut in 0usize..2000, insert in "[<>&/=\"a-z ]{0,3}") {
            let xml = classification().to_xml();
            let mut cut = cut.min(xml.len());
            while !xml.is_char_boundary(cut) {
                cut -= 1;
            }
            let damaged = format!("{}{insert}{}", &xml[..cut], &xml[cut..]);
            let _ = TaskDescription::from_xml(&damaged);
            let _ = TaskDescription::from_xml(&xml[..cut]);
        }
    }
}
