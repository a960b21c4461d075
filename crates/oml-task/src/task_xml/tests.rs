//! Reading and writing `task.xml`: OpenML's fixtures, round trips, leniency and errors.

use proptest::prelude::*;

use super::*;
use crate::procedure::Resampling;

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
    assert!(
        parse_error(&flag)
            .ends_with("`parameter name=\"stratified_sampling\"` is `yes`; expected true or false")
    );
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
            |(task_id, task_type, dataset_id, target, procedure, measures, tags)| TaskDescription {
                task_id,
                task_type,
                dataset_id,
                target: (task_type != TaskType::Clustering).then_some(target),
                procedure,
                evaluation_measures: measures,
                tags,
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
