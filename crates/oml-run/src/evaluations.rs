//! Evaluations like OpenML's `evaluation/list`: one row per (run, measure) of the run store,
//! in the columns of openml-python's `OpenMLEvaluation`, as a polars `DataFrame`.

use std::fmt;
use std::io::Write;
use std::str::FromStr;

use polars::prelude::{
    Column, CsvWriter, DataFrame, DataType, ParquetCompression, ParquetWriter, SerWriter,
    SortMultipleOptions,
};

use crate::error::{Error, Result};
use crate::run::Run;
use crate::store::RunStore;

/// The columns of [`list_evaluations`], in order: those of openml-python's `OpenMLEvaluation`
/// (`openml.evaluations.list_evaluations(..., output_format="dataframe")`).
pub const EVALUATION_COLUMNS: [&str; 15] = [
    "run_id",
    "task_id",
    "setup_id",
    "flow_id",
    "flow_name",
    "data_id",
    "data_name",
    "function",
    "upload_time",
    "uploader",
    "uploader_name",
    "value",
    "values",
    "array_data",
    "flow",
];

/// Which evaluations [`list_evaluations`] returns, as the filters of OpenML's
/// `evaluation/list`. Empty lists do not filter; a non-empty list keeps a row that matches
/// any of its entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvaluationFilters {
    /// The measure (`predictive_accuracy`); `None` lists every measure. OpenML requires one
    /// and so does `oml evaluations`.
    pub function: Option<String>,
    /// OpenML task ids. Runs of local tasks have none and never match.
    pub tasks: Vec<i64>,
    /// Flows, by short name (`decision-tree`) or OpenML name.
    pub flows: Vec<String>,
    /// Run keys or key prefixes.
    pub runs: Vec<String>,
    /// OpenML setup ids. Local runs have none (their `setup_id` is null), so a setup filter
    /// matches no local run.
    pub setups: Vec<i64>,
    /// Fill the `values` column with the per-fold values (OpenML's `per_fold=true`).
    pub per_fold: bool,
}

impl EvaluationFilters {
    /// Whether the run stored under `key` passes the task, flow, run and setup filters.
    fn keeps_run(&self, key: &str, run: &Run) -> bool {
        let manifest = &run.manifest;
        (self.tasks.is_empty() || manifest.task_id.is_some_and(|id| self.tasks.contains(&id)))
            && (self.flows.is_empty()
                || self
                    .flows
                    .iter()
                    .any(|flow| *flow == manifest.flow || *flow == manifest.flow_name))
            && (self.runs.is_empty() || self.runs.iter().any(|run| key.starts_with(run.as_str())))
            && self.setups.is_empty()
    }
}

/// The evaluations of the runs in `store` that pass `filters`, one row per (run, measure),
/// ordered by run key, then measure name, with the columns [`EVALUATION_COLUMNS`]:
///
/// - `run_id` (string): the run key. Local runs have no OpenML run id; the key names the run
///   in the store as the id does on OpenML.
/// - `task_id` (i64): the OpenML task id, null for a local task.
/// - `setup_id`, `flow_id` (i64): null, OpenML gives them on upload.
/// - `flow_name` (string): the flow's OpenML name.
/// - `data_id` (i64): null, the manifest does not record a dataset id.
/// - `data_name` (string): the task as given to `oml run` (`59`, `builtin:iris`, a path).
/// - `function` (string): the measure, every measure of the run's `summary.json`, so oml's
///   local measures (`log_loss`, `r_squared`) and the timings are listed too.
/// - `upload_time` (string): when the run started (RFC 3339).
/// - `uploader` (i64), `uploader_name` (string): null.
/// - `value` (f64): the pooled value; null where it is undefined (`NaN`).
/// - `values` (string): with `per_fold`, the per-fold values as JSON text, one list per
///   repeat (`[[0.9,0.95],[0.93,0.9]]`, `null` for an undefined value), as `summary.json`
///   holds them; else null.
/// - `array_data` (string): the per-class values as JSON text, or null.
/// - `flow` (string), oml's own column: the flow's short name and the parameters set, as
///   `oml run` took them (`decision-tree estimator.max_depth=3`).
///
/// Damaged runs (a file missing or unreadable) are left out and handed to `on_damaged`, to be
/// reported; the others are listed.
pub fn list_evaluations(
    store: &RunStore,
    filters: &EvaluationFilters,
    on_damaged: &mut dyn FnMut(&crate::Damaged),
) -> Result<DataFrame> {
    let mut rows = Rows::default();
    let listed = store.runs()?;
    for damaged in &listed.damaged {
        on_damaged(damaged);
    }
    for (key, run) in listed.runs {
        if !filters.keeps_run(&key, &run) {
            continue;
        }
        let Some(measures) = run.summary.as_object() else {
            return Err(Error::Invalid {
                path: store.dir(&key).join(crate::files::SUMMARY),
                message: "not a JSON object of measures".to_owned(),
            });
        };
        let mut names: Vec<&String> = measures.keys().collect();
        names.sort();
        for name in names {
            if filters.function.as_ref().is_some_and(|f| f != name) {
                continue;
            }
            let measure = &measures[name.as_str()];
            let json_text = |field: &str| {
                measure
                    .get(field)
                    .filter(|v| !v.is_null())
                    .map(serde_json::Value::to_string)
            };
            rows.run_id.push(key.clone());
            rows.task_id.push(run.manifest.task_id);
            rows.flow_name.push(run.manifest.flow_name.clone());
            rows.data_name.push(run.manifest.task.clone());
            rows.function.push(name.clone());
            rows.upload_time.push(run.manifest.started.clone());
            rows.value.push(
                measure
                    .get("value")
                    .and_then(serde_json::Value::as_f64)
                    .filter(|v| !v.is_nan()),
            );
            rows.values.push(if filters.per_fold {
                json_text("per_fold")
            } else {
                None
            });
            rows.array_data.push(json_text("per_class"));
            rows.flow.push(run.manifest.flow_label());
        }
    }
    rows.into_frame().map_err(|e| Error::Invalid {
        path: store.root().to_path_buf(),
        message: format!("cannot make the evaluations table: {e}"),
    })
}

/// The columns of the table as they are collected.
#[derive(Default)]
struct Rows {
    run_id: Vec<String>,
    task_id: Vec<Option<i64>>,
    flow_name: Vec<String>,
    data_name: Vec<String>,
    function: Vec<String>,
    upload_time: Vec<String>,
    value: Vec<Option<f64>>,
    values: Vec<Option<String>>,
    array_data: Vec<Option<String>>,
    flow: Vec<String>,
}

impl Rows {
    fn into_frame(self) -> polars::prelude::PolarsResult<DataFrame> {
        let n = self.run_id.len();
        let null = |name: &str, dtype: DataType| Column::full_null(name.into(), n, &dtype);
        DataFrame::new(
            n,
            vec![
                Column::new("run_id".into(), self.run_id),
                Column::new("task_id".into(), self.task_id),
                null("setup_id", DataType::Int64),
                null("flow_id", DataType::Int64),
                Column::new("flow_name".into(), self.flow_name),
                null("data_id", DataType::Int64),
                Column::new("data_name".into(), self.data_name),
                Column::new("function".into(), self.function),
                Column::new("upload_time".into(), self.upload_time),
                null("uploader", DataType::Int64),
                null("uploader_name", DataType::String),
                Column::new("value".into(), self.value),
                Column::new("values".into(), self.values),
                Column::new("array_data".into(), self.array_data),
                Column::new("flow".into(), self.flow),
            ],
        )
    }
}

/// `frame` sorted by `value`, descending or ascending (openml-python's `sort_order`), rows
/// without a value last; rows of equal value keep their order.
pub fn sort_by_value(frame: &DataFrame, descending: bool) -> Result<DataFrame> {
    frame
        .sort(
            ["value"],
            SortMultipleOptions::default()
                .with_order_descending(descending)
                .with_nulls_last(true)
                .with_maintain_order(true),
        )
        .map_err(|e| Error::Invalid {
            path: "(evaluations)".into(),
            message: format!("cannot sort by value: {e}"),
        })
}

/// How [`write_frame`] writes a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// polars' text table, without the columns that are null in every row, and with `flow`
    /// (the short name and parameters) in place of the long OpenML `flow_name`. polars shortens
    /// long tables and strings; `POLARS_FMT_MAX_ROWS`, `POLARS_FMT_MAX_COLS` and
    /// `POLARS_FMT_STR_LEN` set its limits.
    Table,
    /// CSV with a header line; nulls are empty fields.
    Csv,
    /// A JSON array of objects, one per row, one per line, keys in column order; nulls (and
    /// `NaN`) are `null`.
    Json,
    /// Parquet (binary).
    Parquet,
}

impl TableFormat {
    /// Whether the format is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        self == TableFormat::Parquet
    }
}

impl FromStr for TableFormat {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Self, Self::Err> {
        match text {
            "table" => Ok(TableFormat::Table),
            "csv" => Ok(TableFormat::Csv),
            "json" => Ok(TableFormat::Json),
            "parquet" => Ok(TableFormat::Parquet),
            other => Err(format!(
                "unknown format `{other}`: expected table, csv, json or parquet"
            )),
        }
    }
}

impl fmt::Display for TableFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TableFormat::Table => "table",
            TableFormat::Csv => "csv",
            TableFormat::Json => "json",
            TableFormat::Parquet => "parquet",
        })
    }
}

/// Writes `frame` to `out` in `format`. Columns of types other than strings, integers,
/// floats and booleans are written as polars formats their values (JSON: as strings).
pub fn write_frame(frame: &DataFrame, format: TableFormat, out: &mut dyn Write) -> Result<()> {
    let polars_error = |e: polars::prelude::PolarsError| Error::Write {
        path: format!("({format} output)").into(),
        source: std::io::Error::other(e),
    };
    let io_error = |source: std::io::Error| Error::Write {
        path: format!("({format} output)").into(),
        source,
    };
    let mut frame = frame.clone();
    match format {
        TableFormat::Table => {
            let has_flow = frame.column("flow").is_ok_and(|c| c.null_count() < c.len());
            let shown: Vec<_> = frame
                .columns()
                .iter()
                .filter(|c| c.is_empty() || c.null_count() < c.len())
                .filter(|c| !(has_flow && c.name().as_str() == "flow_name"))
                .map(|c| c.name().clone())
                .collect();
            let shown = frame.select(shown).map_err(polars_error)?;
            writeln!(out, "{shown}").map_err(io_error)?;
        }
        TableFormat::Csv => {
            CsvWriter::new(&mut *out)
                .include_header(true)
                .finish(&mut frame)
                .map_err(polars_error)?;
        }
        TableFormat::Parquet => {
            ParquetWriter::new(&mut *out)
                .with_compression(ParquetCompression::Uncompressed)
                .finish(&mut frame)
                .map_err(polars_error)?;
        }
        TableFormat::Json => {
            let columns = frame.columns();
            out.write_all(b"[").map_err(io_error)?;
            for row in 0..frame.height() {
                // serde_json's maps sort their keys: the object is written by hand to keep
                // the column order.
                let mut fields = Vec::with_capacity(columns.len());
                for column in columns {
                    let value = any_value_json(column.get(row).map_err(polars_error)?);
                    let name = serde_json::Value::from(column.name().as_str());
                    fields.push(format!("{name}:{value}"));
                }
                let separator = if row == 0 { "\n" } else { ",\n" };
                write!(out, "{separator}{{{}}}", fields.join(",")).map_err(io_error)?;
            }
            out.write_all(b"\n]\n").map_err(io_error)?;
        }
    }
    out.flush().map_err(io_error)
}

/// One polars value as JSON.
fn any_value_json(value: polars::prelude::AnyValue<'_>) -> serde_json::Value {
    use polars::prelude::AnyValue;
    use serde_json::Value;
    match value {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(b),
        AnyValue::String(s) => Value::String(s.to_owned()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::Int8(v) => v.into(),
        AnyValue::Int16(v) => v.into(),
        AnyValue::Int32(v) => v.into(),
        AnyValue::Int64(v) => v.into(),
        AnyValue::UInt8(v) => v.into(),
        AnyValue::UInt16(v) => v.into(),
        AnyValue::UInt32(v) => v.into(),
        AnyValue::UInt64(v) => v.into(),
        AnyValue::Float32(v) => {
            serde_json::Number::from_f64(f64::from(v)).map_or(Value::Null, Value::Number)
        }
        AnyValue::Float64(v) => serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
        other => Value::String(other.to_string()),
    }
}
