//! Evaluations of a run store, like OpenML's `evaluation/list`: columns, filters, per-fold
//! values and the formats they are written in.

use std::sync::OnceLock;

use oml_run::{EVALUATION_COLUMNS, EvaluationFilters, Run, RunStore, TableFormat};
use oml_task::{Cache, LocalTaskBuilder, Resampling, Server, Task};
use oml_testkit::make_run;
use polars::prelude::{
    CsvReadOptions, DataFrame, DataType, ParquetReader, Schema, SerReader, StringChunked,
};

/// A store of three runs, made once: the decision tree on OpenML-style task 1 (iris, 10-fold
/// cross-validation, read from a cache), k-NN on a local iris holdout with two repeats, and
/// the elastic net on local diabetes (regression, 3 folds). Keys are chosen so that their
/// order is the order above.
struct Fixture {
    _dir: tempfile::TempDir,
    store: RunStore,
    runs: Vec<(String, Run)>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("cache"), Server::Www);
        LocalTaskBuilder::new()
            .from_source("builtin:iris")
            .unwrap()
            .write_to_cache(&cache, 1, 61)
            .unwrap();
        let task1 = Task::from_cache(&cache, 1).unwrap();
        let holdout = LocalTaskBuilder::new()
            .resampling("holdout:33:2".parse::<Resampling>().unwrap())
            .from_source("builtin:iris")
            .unwrap();
        let diabetes = LocalTaskBuilder::new()
            .resampling("cv:3".parse::<Resampling>().unwrap())
            .from_source("builtin:diabetes")
            .unwrap();
        let store = RunStore::new(dir.path().join("store"));
        let runs = vec![
            ("aa01".to_owned(), make_run(&task1, "1", "decision-tree", 0)),
            (
                "aa02".to_owned(),
                make_run(&holdout, "builtin:iris", "knn", 1),
            ),
            (
                "bb03".to_owned(),
                make_run(&diabetes, "builtin:diabetes", "elastic-net", 2),
            ),
        ];
        for (key, run) in &runs {
            store.save(key, run).unwrap();
        }
        Fixture {
            _dir: dir,
            store,
            runs,
        }
    })
}

fn list(filters: EvaluationFilters) -> DataFrame {
    oml_run::list_evaluations(&fixture().store, &filters, &mut |d| panic!("{d}")).unwrap()
}

fn function(name: &str) -> EvaluationFilters {
    EvaluationFilters {
        function: Some(name.to_owned()),
        ..EvaluationFilters::default()
    }
}

fn strings(frame: &DataFrame, column: &str) -> Vec<Option<String>> {
    frame
        .column(column)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect()
}

fn run_ids(frame: &DataFrame) -> Vec<String> {
    strings(frame, "run_id").into_iter().flatten().collect()
}

fn measure<'a>(key: &str, name: &str) -> &'a serde_json::Value {
    let (_, run) = fixture().runs.iter().find(|(k, _)| k == key).unwrap();
    &run.summary[name]
}

#[test]
fn the_columns_are_openml_evaluations_in_order_and_typed() {
    let frame = list(function("predictive_accuracy"));
    let names: Vec<&str> = frame
        .get_column_names()
        .into_iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(names, EVALUATION_COLUMNS);
    let types: Vec<DataType> = frame.dtypes();
    use DataType::{Float64 as F, Int64 as I, String as S};
    assert_eq!(types, [S, I, I, I, S, I, S, S, S, I, S, F, S, S, S]);
    for always_null in [
        "setup_id",
        "flow_id",
        "data_id",
        "uploader",
        "uploader_name",
    ] {
        let column = frame.column(always_null).unwrap();
        assert_eq!(column.null_count(), frame.height(), "{always_null}");
    }
    // An empty store gives the same columns and no rows.
    let empty = tempfile::tempdir().unwrap();
    let none = oml_run::list_evaluations(
        &RunStore::new(empty.path().join("nothing")),
        &EvaluationFilters::default(),
        &mut |d| panic!("{d}"),
    )
    .unwrap();
    assert_eq!(none.height(), 0);
    assert_eq!(none.get_column_names(), frame.get_column_names());
}

#[test]
fn one_row_per_run_and_measure_ordered_by_key() {
    let all = list(EvaluationFilters::default());
    let expected: usize = fixture()
        .runs
        .iter()
        .map(|(_, run)| run.summary.as_object().unwrap().len())
        .sum();
    assert_eq!(all.height(), expected);
    let ids = run_ids(&all);
    assert!(ids.is_sorted(), "ordered by run key");
    // The rows of a run carry its manifest.
    let frame = list(function("predictive_accuracy"));
    assert_eq!(run_ids(&frame), ["aa01", "aa02"]);
    let task_ids: Vec<Option<i64>> = frame
        .column("task_id")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(task_ids, [Some(1), None]);
    assert_eq!(
        strings(&frame, "data_name"),
        [Some("1".to_owned()), Some("builtin:iris".to_owned())]
    );
    assert_eq!(
        strings(&frame, "upload_time"),
        [
            Some("2025-01-01T00:00:00.000Z".to_owned()),
            Some("2025-01-02T00:00:00.000Z".to_owned())
        ]
    );
    let flow_names = strings(&frame, "flow_name");
    assert_eq!(
        flow_names[1].as_deref(),
        Some(fixture().runs[1].1.manifest.flow_name.as_str())
    );
    // Values are the pooled values of summary.json, bit for bit.
    let values: Vec<Option<f64>> = frame
        .column("value")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect();
    for (key, value) in ["aa01", "aa02"].into_iter().zip(values) {
        assert_eq!(value, measure(key, "predictive_accuracy")["value"].as_f64());
    }
}

#[test]
fn local_measures_and_timings_are_listed() {
    let frame = list(function("r_squared"));
    assert_eq!(run_ids(&frame), ["bb03"]);
    assert_eq!(
        frame.column("value").unwrap().f64().unwrap().get(0),
        measure("bb03", "r_squared")["value"].as_f64()
    );
    assert_eq!(list(function("log_loss")).height(), 2);
    assert_eq!(list(function("usercpu_time_millis")).height(), 3);
    assert_eq!(list(function("no_such_measure")).height(), 0);
}

#[test]
fn filters_by_task_flow_run_and_setup() {
    let accuracy = |change: &dyn Fn(&mut EvaluationFilters)| {
        let mut filters = function("predictive_accuracy");
        change(&mut filters);
        run_ids(&list(filters))
    };
    assert_eq!(accuracy(&|f| f.tasks = vec![1]), ["aa01"]);
    assert!(accuracy(&|f| f.tasks = vec![2, 3]).is_empty());
    // A flow by short name or by OpenML name.
    assert_eq!(accuracy(&|f| f.flows = vec!["knn".into()]), ["aa02"]);
    let tree_name = fixture().runs[0].1.manifest.flow_name.clone();
    assert_ne!(tree_name, "decision-tree");
    assert_eq!(accuracy(&|f| f.flows = vec![tree_name.clone()]), ["aa01"]);
    assert_eq!(
        accuracy(&|f| f.flows = vec!["knn".into(), tree_name.clone()]),
        ["aa01", "aa02"]
    );
    // A run by key or key prefix.
    assert_eq!(accuracy(&|f| f.runs = vec!["aa02".into()]), ["aa02"]);
    assert_eq!(accuracy(&|f| f.runs = vec!["aa".into()]), ["aa01", "aa02"]);
    assert!(accuracy(&|f| f.runs = vec!["bb".into()]).is_empty());
    // Local runs have no setup.
    assert!(accuracy(&|f| f.setups = vec![1]).is_empty());
    // Filters combine.
    let mut filters = function("r_squared");
    filters.flows = vec!["elastic-net".into()];
    filters.runs = vec!["b".into()];
    assert_eq!(run_ids(&list(filters)), ["bb03"]);
}

#[test]
fn per_fold_values_are_the_summarys() {
    let without = list(function("predictive_accuracy"));
    assert_eq!(without.column("values").unwrap().null_count(), 2);
    let mut filters = function("predictive_accuracy");
    filters.per_fold = true;
    let frame = list(filters);
    let values = strings(&frame, "values");
    for (key, text) in ["aa01", "aa02"].into_iter().zip(values) {
        let parsed: serde_json::Value = serde_json::from_str(&text.unwrap()).unwrap();
        assert_eq!(parsed, measure(key, "predictive_accuracy")["per_fold"]);
    }
    // Shapes: ten folds of one repeat; one fold of each of two holdout repeats.
    let parsed: Vec<Vec<f64>> =
        serde_json::from_str(strings(&frame, "values")[0].as_ref().unwrap()).unwrap();
    assert_eq!((parsed.len(), parsed[0].len()), (1, 10));
    let parsed: Vec<Vec<f64>> =
        serde_json::from_str(strings(&frame, "values")[1].as_ref().unwrap()).unwrap();
    assert_eq!((parsed.len(), parsed[0].len()), (2, 1));
}

#[test]
fn array_data_holds_per_class_values() {
    let frame = list(function("precision"));
    for (key, text) in ["aa01", "aa02"]
        .into_iter()
        .zip(strings(&frame, "array_data"))
    {
        let parsed: serde_json::Value = serde_json::from_str(&text.unwrap()).unwrap();
        assert_eq!(parsed, measure(key, "precision")["per_class"]);
        assert_eq!(parsed.as_array().unwrap().len(), 3, "three iris classes");
    }
    assert_eq!(
        list(function("predictive_accuracy"))
            .column("array_data")
            .unwrap()
            .null_count(),
        2
    );
}

fn written(frame: &DataFrame, format: TableFormat) -> Vec<u8> {
    let mut out = Vec::new();
    oml_run::write_frame(frame, format, &mut out).unwrap();
    out
}

fn per_fold_frame() -> DataFrame {
    list(EvaluationFilters {
        per_fold: true,
        ..EvaluationFilters::default()
    })
}

#[test]
fn csv_round_trips() {
    let frame = per_fold_frame();
    let csv = written(&frame, TableFormat::Csv);
    let header = csv.split(|&b| b == b'\n').next().unwrap();
    assert_eq!(header, EVALUATION_COLUMNS.join(",").as_bytes());
    let path = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(path.path(), &csv).unwrap();
    let schema = Schema::from_iter(
        frame
            .get_column_names()
            .into_iter()
            .cloned()
            .zip(frame.dtypes()),
    );
    let back = CsvReadOptions::default()
        .with_has_header(true)
        .with_schema(Some(schema.into()))
        .try_into_reader_with_file_path(Some(path.path().to_path_buf()))
        .unwrap()
        .finish()
        .unwrap();
    assert!(back.equals_missing(&frame), "{back}\n!=\n{frame}");
}

#[test]
fn parquet_round_trips() {
    let frame = per_fold_frame();
    let bytes = written(&frame, TableFormat::Parquet);
    let back = ParquetReader::new(std::io::Cursor::new(bytes))
        .finish()
        .unwrap();
    assert!(back.equals_missing(&frame), "{back}\n!=\n{frame}");
}

#[test]
fn json_is_one_object_per_row_in_column_order() {
    let frame = list(function("predictive_accuracy"));
    let json = String::from_utf8(written(&frame, TableFormat::Json)).unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["run_id"], "aa01");
    assert_eq!(rows[0]["task_id"], 1);
    assert!(rows[1]["task_id"].is_null());
    assert_eq!(
        rows[1]["value"].as_f64(),
        measure("aa02", "predictive_accuracy")["value"].as_f64()
    );
    let first_line = json.lines().nth(1).unwrap();
    let positions: Vec<usize> = EVALUATION_COLUMNS
        .iter()
        .map(|c| first_line.find(&format!("\"{c}\":")).unwrap())
        .collect();
    assert!(positions.is_sorted(), "keys in column order: {first_line}");
}

#[test]
fn the_table_leaves_out_empty_columns() {
    let frame = list(function("predictive_accuracy"));
    let table = String::from_utf8(written(&frame, TableFormat::Table)).unwrap();
    assert!(
        table.contains("run_id") && table.contains("aa02") && table.contains("shape: (2, 7)"),
        "{table}"
    );
    assert!(
        !table.contains("setup_id") && !table.contains("uploader"),
        "{table}"
    );
    assert_eq!("parquet".parse::<TableFormat>(), Ok(TableFormat::Parquet));
    assert!("xml".parse::<TableFormat>().is_err());
    // A string column with nulls only still goes out as written.
    let _: &StringChunked = frame.column("uploader_name").unwrap().str().unwrap();
}

#[test]
fn rows_carry_the_short_flow_and_sort_by_value() {
    let frame = list(function("predictive_accuracy"));
    let flows = frame.column("flow").unwrap().str().unwrap();
    let flows: Vec<&str> = flows.iter().flatten().collect();
    assert_eq!(flows, ["decision-tree", "knn"]);
    let values = |frame: &DataFrame| -> Vec<f64> {
        frame
            .column("value")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .flatten()
            .collect()
    };
    let all = list(EvaluationFilters::default());
    let descending = values(&oml_run::sort_by_value(&all, true).unwrap());
    assert!(
        descending.windows(2).all(|w| w[0] >= w[1]),
        "{descending:?}"
    );
    let ascending = values(&oml_run::sort_by_value(&all, false).unwrap());
    assert!(ascending.windows(2).all(|w| w[0] <= w[1]), "{ascending:?}");
    // The text table shows the short flow, not the long OpenML name.
    let mut text = Vec::new();
    oml_run::write_frame(&frame, TableFormat::Table, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("decision-tree") && !text.contains("flow_name"),
        "{text}"
    );
}
