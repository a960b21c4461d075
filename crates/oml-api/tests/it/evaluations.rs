//! OpenML's `evaluation/list` through the test server: parsing into oml-run's evaluations
//! table, filters in the URL, paging, the "no results" code, and the cache read offline.

use std::time::Duration;

use oml_api::{
    ApiKey, Client, ClientBuilder, Error, NO_EVALUATIONS, ServerEvaluationFilters,
    evaluation_cache_file,
};
use oml_run::{EVALUATION_COLUMNS, EvaluationFilters, RunStore, list_evaluations};
use oml_task::{Cache, Server};
use polars::prelude::{AnyValue, DataFrame};

use crate::server::{Reply, TestServer, openml_error};

const API: &str = "/api/v1/xml/";

/// One `oml:evaluation` as the server writes it; `per_fold` adds `oml:values`.
fn evaluation(run: i64, task: i64, value: &str, per_fold: bool) -> String {
    let values = if per_fold {
        "\n    <oml:values>[[0.96,0.9333,1.0],[0.9333,0.9667,0.9]]</oml:values>"
    } else {
        ""
    };
    format!(
        "  <oml:evaluation>
    <oml:run_id>{run}</oml:run_id>
    <oml:task_id>{task}</oml:task_id>
    <oml:setup_id>{}</oml:setup_id>
    <oml:flow_id>8353</oml:flow_id>
    <oml:flow_name>sklearn.pipeline.Pipeline(imputer=sklearn.impute.SimpleImputer,estimator=sklearn.tree.DecisionTreeClassifier)</oml:flow_name>
    <oml:data_id>61</oml:data_id>
    <oml:data_name>iris</oml:data_name>
    <oml:function>predictive_accuracy</oml:function>
    <oml:upload_time>2018-03-{:02} 10:11:12</oml:upload_time>
    <oml:uploader>1159</oml:uploader>
    <oml:value>{value}</oml:value>{values}
    <oml:array_data>[0.98,0.94,0.92]</oml:array_data>
  </oml:evaluation>
",
        run + 100,
        run % 28 + 1,
    )
}

fn list(evaluations: &[String]) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <oml:evaluations xmlns:oml=\"http://openml.org/openml\">\n{}</oml:evaluations>\n",
        evaluations.concat()
    )
    .into_bytes()
}

fn builder(server: &TestServer) -> ClientBuilder {
    let mut builder = ClientBuilder::new();
    builder
        .server(Server::Url(server.api()))
        .api_key(ApiKey::new("evaluations-key"))
        .timeout(Duration::from_millis(1500))
        .max_tries(3)
        .base_delay(Duration::from_millis(10));
    builder
}

fn client(server: &TestServer) -> Client {
    builder(server).build().unwrap()
}

fn cache(server: &TestServer) -> (tempfile::TempDir, Cache) {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path(), Server::Url(server.api()));
    (dir, cache)
}

fn route(filters: &ServerEvaluationFilters, limit: usize, offset: usize) -> String {
    format!("{API}{}", filters.page_path(limit, offset))
}

fn column_strings(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
    let column = frame.column(name).unwrap();
    (0..frame.height())
        .map(|i| match column.get(i).unwrap() {
            AnyValue::Null => None,
            AnyValue::String(s) => Some(s.to_owned()),
            AnyValue::StringOwned(s) => Some(s.to_string()),
            other => Some(other.to_string()),
        })
        .collect()
}

#[test]
fn evaluations_parse_into_the_local_table() {
    let server = TestServer::start();
    let mut filters = ServerEvaluationFilters::new("predictive_accuracy");
    filters.tasks = vec![59];
    filters.per_fold = true;
    let body = list(&[
        evaluation(81, 59, "0.95", true),
        evaluation(82, 59, "NaN", true),
    ]);
    server.route(&route(&filters, 1000, 0), Reply::Ok(body));
    let (_dir, cache) = cache(&server);
    let frame = client(&server).list_evaluations(&cache, &filters).unwrap();

    // The same columns with the same types as the local table.
    let local = list_evaluations(
        &RunStore::new(tempfile::tempdir().unwrap().path()),
        &EvaluationFilters::default(),
        &mut |d| panic!("{d}"),
    )
    .unwrap();
    assert_eq!(frame.schema(), local.schema());
    let names: Vec<&str> = frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(names, EVALUATION_COLUMNS);

    assert_eq!(frame.height(), 2);
    assert_eq!(
        column_strings(&frame, "run_id"),
        [Some("81".into()), Some("82".into())]
    );
    let ints = |name: &str| -> Vec<Option<i64>> {
        let column = frame.column(name).unwrap().i64().unwrap();
        (0..frame.height()).map(|i| column.get(i)).collect()
    };
    assert_eq!(ints("task_id"), [Some(59), Some(59)]);
    assert_eq!(ints("setup_id"), [Some(181), Some(182)]);
    assert_eq!(ints("flow_id"), [Some(8353); 2]);
    assert_eq!(ints("data_id"), [Some(61); 2]);
    assert_eq!(ints("uploader"), [Some(1159); 2]);
    let value = frame.column("value").unwrap().f64().unwrap();
    let value = [value.get(0), value.get(1)];
    assert_eq!(
        value,
        [Some(0.95), None],
        "NaN is null, as in the local table"
    );
    assert_eq!(
        column_strings(&frame, "values")[0].as_deref(),
        Some("[[0.96,0.9333,1.0],[0.9333,0.9667,0.9]]")
    );
    let per_fold: serde_json::Value =
        serde_json::from_str(column_strings(&frame, "values")[1].as_deref().unwrap()).unwrap();
    assert_eq!(per_fold[1][2], 0.9);
    assert_eq!(
        column_strings(&frame, "array_data")[0].as_deref(),
        Some("[0.98,0.94,0.92]")
    );
    assert_eq!(
        column_strings(&frame, "data_name")[0].as_deref(),
        Some("iris")
    );
    assert_eq!(
        column_strings(&frame, "upload_time")[0].as_deref(),
        Some("2018-03-26 10:11:12")
    );
    assert_eq!(column_strings(&frame, "uploader_name"), [None, None]);
    assert_eq!(
        column_strings(&frame, "function"),
        [
            Some("predictive_accuracy".to_owned()),
            Some("predictive_accuracy".to_owned())
        ]
    );
    // Local and server rows stack into one leaderboard.
    let mut stacked = local.clone();
    stacked.vstack_mut(&frame).unwrap();
    assert_eq!(stacked.height(), 2);
}

#[test]
fn filters_go_into_the_url() {
    let server = TestServer::start();
    let filters = ServerEvaluationFilters {
        function: "area_under_roc_curve".into(),
        tasks: vec![1, 2],
        flows: vec![17],
        setups: vec![3],
        runs: vec![40, 41],
        uploaders: vec![9],
        tag: Some("study_14".into()),
        per_fold: true,
        size: Some(5),
        offset: 10,
    };
    server.route(
        &format!("{API}evaluation/list/"),
        Reply::Ok(list(&[evaluation(40, 1, "0.5", true)])),
    );
    let (_dir, cache) = cache(&server);
    let frame = client(&server).list_evaluations(&cache, &filters).unwrap();
    assert_eq!(frame.height(), 1);
    let hits = server.hits();
    assert_eq!(hits.len(), 1, "a short page is the last: {hits:?}");
    assert_eq!(
        hits[0].split('?').next().unwrap(),
        "/api/v1/xml/evaluation/list/function/area_under_roc_curve/task/1,2/setup/3/flow/17/\
         run/40,41/uploader/9/tag/study_14/limit/5/offset/10/per_fold/true"
    );
    assert!(hits[0].contains("api_key=evaluations-key"));
}

#[test]
fn pages_are_followed_until_a_short_page() {
    let server = TestServer::start();
    let filters = ServerEvaluationFilters::new("predictive_accuracy");
    let page = |runs: std::ops::Range<i64>| {
        list(
            &runs
                .map(|r| evaluation(r, 31, "0.7", false))
                .collect::<Vec<_>>(),
        )
    };
    server.route(&route(&filters, 3, 0), Reply::Ok(page(1..4)));
    server.route(&route(&filters, 3, 3), Reply::Ok(page(4..6)));
    let (_dir, cache) = cache(&server);
    let client = client(&server);
    let frame = client
        .list_evaluations_in_pages(&cache, &filters, 3)
        .unwrap();
    let runs: Vec<String> = column_strings(&frame, "run_id")
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(runs, ["1", "2", "3", "4", "5"]);
    assert_eq!(server.hits().len(), 2);
    assert!(
        frame.column("values").unwrap().null_count() == 5,
        "no per_fold asked"
    );

    // A size stops early and asks for no more than it needs.
    let mut sized = filters.clone();
    sized.size = Some(4);
    server.route(&route(&sized, 3, 0), Reply::Ok(page(1..4)));
    server.route(&route(&sized, 1, 3), Reply::Ok(page(4..5)));
    let frame = client.list_evaluations_in_pages(&cache, &sized, 3).unwrap();
    assert_eq!(frame.height(), 4);
    assert_eq!(server.hits().len(), 4);
}

#[test]
fn no_results_ends_the_listing_and_is_not_an_error() {
    let server = TestServer::start();
    let filters = ServerEvaluationFilters::new("predictive_accuracy");
    let full = list(
        &(1..3)
            .map(|r| evaluation(r, 31, "0.7", false))
            .collect::<Vec<_>>(),
    );
    server.route(&route(&filters, 2, 0), Reply::Ok(full));
    server.route(
        &route(&filters, 2, 2),
        Reply::Status(412, openml_error(NO_EVALUATIONS, "No results")),
    );
    let (_dir, cache) = cache(&server);
    let frame = client(&server)
        .list_evaluations_in_pages(&cache, &filters, 2)
        .unwrap();
    assert_eq!(frame.height(), 2);

    // Nothing at all is an empty table, not an error.
    let mut none = filters.clone();
    none.tasks = vec![123_456];
    server.route(
        &route(&none, 1000, 0),
        Reply::Status(412, openml_error(NO_EVALUATIONS, "No results")),
    );
    let frame = client(&server).list_evaluations(&cache, &none).unwrap();
    assert_eq!(frame.height(), 0);
    assert_eq!(frame.width(), EVALUATION_COLUMNS.len());

    // Other errors are errors, with OpenML's code.
    let mut bad = filters.clone();
    bad.function = "no_such_measure".into();
    server.route(
        &route(&bad, 1000, 0),
        Reply::Status(412, openml_error(541, "Illegal function")),
    );
    let err = client(&server).list_evaluations(&cache, &bad).unwrap_err();
    assert_eq!(err.server_code(), Some(541));
    assert!(err.to_string().contains("Illegal function"), "{err}");
}

#[test]
fn cached_pages_are_read_offline() {
    let server = TestServer::start();
    let mut filters = ServerEvaluationFilters::new("predictive_accuracy");
    filters.tasks = vec![31];
    let page = |runs: std::ops::Range<i64>| {
        list(
            &runs
                .map(|r| evaluation(r, 31, "0.7", false))
                .collect::<Vec<_>>(),
        )
    };
    server.route(&route(&filters, 2, 0), Reply::Ok(page(1..3)));
    server.route(
        &route(&filters, 2, 2),
        Reply::Status(412, openml_error(NO_EVALUATIONS, "No results")),
    );
    let (_dir, cache) = cache(&server);
    let online = client(&server)
        .list_evaluations_in_pages(&cache, &filters, 2)
        .unwrap();
    let first = evaluation_cache_file(&cache, &filters.page_path(2, 0));
    assert!(first.starts_with(cache.dir().join("evaluations")));
    assert_eq!(std::fs::read(&first).unwrap(), page(1..3));
    assert!(evaluation_cache_file(&cache, &filters.page_path(2, 2)).is_file());
    let leftovers: Vec<_> = std::fs::read_dir(cache.dir().join("evaluations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".xml"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let before = server.hits().len();
    let offline = builder(&server).offline(true).build().unwrap();
    let frame = offline
        .list_evaluations_in_pages(&cache, &filters, 2)
        .unwrap();
    assert!(frame.equals_missing(&online));
    assert_eq!(server.hits().len(), before, "offline means no network");

    // A page never fetched is an error naming its file and the command.
    let mut other = filters.clone();
    other.tasks = vec![32];
    let err = offline.list_evaluations(&cache, &other).unwrap_err();
    assert!(matches!(err, Error::Task(_)), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("evaluations"), "{message}");
    assert!(
        message.contains("oml evaluations --function predictive_accuracy"),
        "{message}"
    );
    assert_eq!(server.hits().len(), before);
}

#[test]
fn malformed_lists_are_errors_and_not_cached() {
    let server = TestServer::start();
    let filters = ServerEvaluationFilters::new("predictive_accuracy");
    server.route(
        &route(&filters, 1000, 0),
        Reply::Ok(b"<oml:evaluations xmlns:oml=\"http://openml.org/openml\"><oml:evaluation><oml:run_id>1</oml:run".to_vec()),
    );
    let (dir, cache) = cache(&server);
    let err = client(&server)
        .list_evaluations(&cache, &filters)
        .unwrap_err();
    assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
    let mut bad_id = filters.clone();
    bad_id.tasks = vec![1];
    server.route(
        &route(&bad_id, 1000, 0),
        Reply::Ok(list(&[
            evaluation(1, 1, "0.5", false).replace(">1<", ">one<")
        ])),
    );
    let err = client(&server)
        .list_evaluations(&cache, &bad_id)
        .unwrap_err();
    assert!(err.to_string().contains("not an integer"), "{err}");
    assert!(!cache.dir().join("evaluations").exists());
    drop(dir);
}
