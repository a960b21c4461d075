//! Writing `task.xml` in the server's GET shape.

use std::fmt;

use oml_data::xml::escape;

use super::TaskDescription;
use crate::procedure::TaskType;

impl TaskDescription {
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
