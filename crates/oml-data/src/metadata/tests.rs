//! Reading `description.xml` and `features.xml`: minimal documents, leniency, errors and OpenML's
//! fixtures.

use std::path::PathBuf;

use proptest::prelude::*;

use super::*;

const NS: &str = r#"xmlns:oml="http://openml.org/openml""#;

fn fixture(relative: &str) -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/openml"
    ))
    .join(relative)
}

fn description_xml(body: &str) -> String {
    format!("<oml:data_set_description {NS}>{body}</oml:data_set_description>")
}

fn features_xml(body: &str) -> String {
    format!("<oml:data_features {NS}>{body}</oml:data_features>")
}

/// A feature element with the given index, name and data type, plus `extra` children.
fn feature_xml(index: &str, name: &str, data_type: &str, extra: &str) -> String {
    format!(
        "<oml:feature><oml:index>{index}</oml:index><oml:name>{name}</oml:name>\
             <oml:data_type>{data_type}</oml:data_type>{extra}</oml:feature>"
    )
}

fn feature(index: usize, name: &str, data_type: &str) -> FeatureDescription {
    FeatureDescription {
        index,
        name: name.to_owned(),
        data_type: data_type.to_owned(),
        nominal_values: Vec::new(),
        is_target: false,
        is_ignore: false,
        is_row_identifier: false,
        number_of_missing_values: None,
    }
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

fn named(name: &str) -> DatasetDescription {
    DatasetDescription {
        name: name.to_owned(),
        ..DatasetDescription::default()
    }
}

/// Parses a description and compares it and its warnings (as displayed).
fn check(xml: &str, expected: DatasetDescription, expected_warnings: &[&str]) {
    let (description, warnings) = DatasetDescription::from_xml(xml).unwrap();
    assert_eq!(description, expected, "{xml}");
    let warnings: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings, expected_warnings, "{xml}");
}

/// Parses features and compares them and their warnings (as displayed).
fn check_features(xml: &str, expected: &[FeatureDescription], expected_warnings: &[&str]) {
    let (features, warnings) = parse_features(xml).unwrap();
    assert_eq!(features, expected, "{xml}");
    let warnings: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings, expected_warnings, "{xml}");
}

fn metadata_message(error: Error) -> String {
    match error {
        Error::Metadata {
            path: None,
            message,
        } => message,
        other => panic!("expected a metadata error without a path, got {other:?}"),
    }
}

fn description_error(xml: &str) -> String {
    metadata_message(DatasetDescription::from_xml(xml).unwrap_err())
}

fn features_error(xml: &str) -> String {
    metadata_message(parse_features(xml).unwrap_err())
}

#[test]
fn description_name_only() {
    check(
        &description_xml("<oml:name>toy</oml:name>"),
        named("toy"),
        &[],
    );
    // With a declaration and no prefix, or with another prefix: elements match by local name.
    check(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<data_set_description><name>toy</name></data_set_description>",
        named("toy"),
        &[],
    );
    check(
        "<x:data_set_description xmlns:x=\"urn:other\"><x:name>toy</x:name></x:data_set_description>",
        named("toy"),
        &[],
    );
}

#[test]
fn description_all_fields() {
    let xml = description_xml(
        "<oml:id> 7 </oml:id><oml:name> toy </oml:name><oml:version>2</oml:version>\
             <oml:description>a &amp; b &lt;c&gt; &#x41;&#66; <![CDATA[<raw>]]></oml:description>\
             <oml:format>Sparse_ARFF</oml:format><oml:upload_date>2014-04-06T23:23:39</oml:upload_date>\
             <oml:licence>Public</oml:licence><oml:url>https://x/7.arff</oml:url>\
             <oml:parquet_url>https://x/7.pq</oml:parquet_url><oml:file_id>70</oml:file_id>\
             <oml:default_target_attribute> a, b ,,c </oml:default_target_attribute>\
             <oml:row_id_attribute>rid</oml:row_id_attribute>\
             <oml:ignore_attribute>i1</oml:ignore_attribute><oml:ignore_attribute></oml:ignore_attribute>\
             <oml:ignore_attribute> i2 </oml:ignore_attribute>\
             <oml:tag>t1</oml:tag><oml:tag/><oml:tag>t 2</oml:tag>\
             <oml:status>active</oml:status><oml:md5_checksum>abc123</oml:md5_checksum>",
    );
    let expected = DatasetDescription {
        id: Some(7),
        name: "toy".into(),
        version: Some("2".into()),
        description: Some("a & b <c> AB <raw>".into()),
        format: Some("Sparse_ARFF".into()),
        upload_date: Some("2014-04-06T23:23:39".into()),
        licence: Some("Public".into()),
        url: Some("https://x/7.arff".into()),
        parquet_url: Some("https://x/7.pq".into()),
        file_id: Some(70),
        default_target_attribute: strings(&["a", "b", "c"]),
        row_id_attribute: Some("rid".into()),
        ignore_attribute: strings(&["i1", "i2"]),
        status: Some("active".into()),
        md5_checksum: Some("abc123".into()),
        tags: strings(&["t1", "t 2"]),
    };
    check(&xml, expected, &[]);
}

#[test]
fn description_empty_elements_are_absent() {
    let xml = description_xml(
        "<oml:id></oml:id><oml:name>toy</oml:name><oml:version/><oml:md5_checksum>  </oml:md5_checksum>\
             <oml:default_target_attribute></oml:default_target_attribute><oml:file_id/>",
    );
    check(&xml, named("toy"), &[]);
}

#[test]
fn description_unknown_elements_are_ignored() {
    let xml = description_xml(
        "<!-- a comment --><oml:creator>someone</oml:creator><oml:name>toy</oml:name>\
             <oml:unknown><oml:name>nested</oml:name><oml:id>9</oml:id></oml:unknown>\
             <oml:status>active<oml:inner>x</oml:inner></oml:status><?pi data?>",
    );
    let expected = DatasetDescription {
        status: Some("active".into()),
        ..named("toy")
    };
    check(&xml, expected, &[]);
}

#[test]
fn description_bad_integers_warn() {
    let xml = "<oml:data_set_description>\n<oml:id>abc</oml:id>\n<oml:name>toy</oml:name>\n\
                   <oml:file_id>1.5</oml:file_id>\n</oml:data_set_description>";
    check(
        xml,
        named("toy"),
        &[
            "id: line 2: `abc` is not an integer; ignored",
            "file_id: line 4: `1.5` is not an integer; ignored",
        ],
    );
    // A negative id is an integer (the dexter fixture has id -1).
    let expected = DatasetDescription {
        id: Some(-1),
        ..named("toy")
    };
    check(
        &description_xml("<oml:id>-1</oml:id><oml:name>toy</oml:name>"),
        expected,
        &[],
    );
}

#[test]
fn description_repeated_element_keeps_first() {
    let xml = description_xml("<oml:name>first</oml:name><oml:name>second</oml:name>");
    check(
        &xml,
        named("first"),
        &["name: line 1: repeated element; keeping the first value"],
    );
}

#[test]
fn description_errors() {
    let message = description_error(&description_xml("<oml:id>1</oml:id>"));
    assert_eq!(
        message,
        "line 1, byte 0: `data_set_description` has no `name`"
    );
    let message = description_error(&description_xml("<oml:name></oml:name>"));
    assert!(message.contains("has no `name`"), "{message}");

    let message =
        description_error("<oml:data_features><oml:name>x</oml:name></oml:data_features>");
    assert_eq!(
        message,
        "line 1, byte 0: expected root element `oml:data_set_description`, found `oml:data_features`"
    );

    let message =
        description_error("<oml:data_set_description>\n  <oml:name>toy</oml:name>\n  <oml:id>1");
    assert!(message.starts_with("line 3, byte "), "{message}");
    assert!(
        message.ends_with("unexpected end of input: `id` opened on line 3 is not closed"),
        "{message}"
    );

    let message = description_error(&description_xml("<oml:name>toy</oml:nam>"));
    assert!(message.contains("malformed XML"), "{message}");
    assert!(message.contains("oml:nam"), "{message}");

    let message = description_error(&description_xml("<oml:name>a &nbsp; b</oml:name>"));
    assert!(message.contains("unknown entity `&nbsp;`"), "{message}");

    let message = description_error(&description_xml("<oml:name>a & b</oml:name>"));
    assert!(message.contains("malformed XML"), "{message}");

    let message = description_error(&format!(
        "{}trailing",
        description_xml("<oml:name>toy</oml:name>")
    ));
    assert!(
        message.contains("text outside the root element"),
        "{message}"
    );

    let message = description_error(&format!(
        "{}{}",
        description_xml("<oml:name>a</oml:name>"),
        description_xml("<oml:name>b</oml:name>")
    ));
    assert!(
        message.contains("second root element `oml:data_set_description`"),
        "{message}"
    );

    let message = description_error("");
    assert_eq!(
        message,
        "line 1, byte 0: no root element; expected `oml:data_set_description`"
    );
}

#[test]
fn features_minimal() {
    let xml = features_xml(&format!(
        "{}{}",
        feature_xml("0", "x", "numeric", ""),
        feature_xml(
            "1",
            " bw%2Fme ",
            "nominal",
            "<oml:nominal_value> - 50000.</oml:nominal_value><oml:nominal_value>a &amp; b </oml:nominal_value>"
        ),
    ));
    let mut nominal = feature(1, " bw%2Fme ", "nominal");
    nominal.nominal_values = strings(&[" - 50000.", "a & b "]);
    check_features(&xml, &[feature(0, "x", "numeric"), nominal], &[]);
    check_features(&format!("<oml:data_features {NS}/>"), &[], &[]);
    check_features(&features_xml("\n  "), &[], &[]);
}

#[test]
fn features_flags_counts_and_unknown_elements() {
    let xml = features_xml(&feature_xml(
        "0",
        "class",
        "string",
        "<oml:ontology>http://x</oml:ontology><oml:is_target> TRUE </oml:is_target>\
             <oml:is_ignore>False</oml:is_ignore><oml:is_row_identifier>true</oml:is_row_identifier>\
             <oml:number_of_missing_values> 12 </oml:number_of_missing_values><oml:other><oml:index>5</oml:index></oml:other>",
    ));
    let expected = FeatureDescription {
        is_target: true,
        is_ignore: false,
        is_row_identifier: true,
        number_of_missing_values: Some(12),
        ..feature(0, "class", "string")
    };
    check_features(&xml, &[expected], &[]);
    // Elements of the root other than `feature` are ignored, with everything inside them.
    let xml = features_xml(&format!(
        "<oml:note><oml:feature>junk</oml:feature></oml:note>{}",
        feature_xml("0", "d", "date", "<oml:is_target></oml:is_target>")
    ));
    check_features(&xml, &[feature(0, "d", "date")], &[]);
}

#[test]
fn features_warnings() {
    let xml = features_xml(&format!(
        "\n{}\n{}",
        feature_xml(
            "0",
            "a",
            "nominal",
            "<oml:nominal_value></oml:nominal_value><oml:nominal_value>v</oml:nominal_value><oml:number_of_missing_values>many</oml:number_of_missing_values>"
        ),
        feature_xml(
            "1",
            "b",
            "numeric",
            "<oml:name>again</oml:name><oml:number_of_missing_values>-1</oml:number_of_missing_values>"
        ),
    ));
    let mut a = feature(0, "a", "nominal");
    a.nominal_values = strings(&["v"]);
    check_features(
        &xml,
        &[a, feature(1, "b", "numeric")],
        &[
            "nominal_value: line 2: feature 0 (`a`): empty nominal value; skipped",
            "number_of_missing_values: line 2: feature 0 (`a`): `many` is not a count; ignored",
            "name: line 3: feature 1 (`b`): repeated element; keeping the first value",
            "number_of_missing_values: line 3: feature 1 (`b`): `-1` is not a count; ignored",
        ],
    );
}

#[test]
fn features_index_errors() {
    let two = |first: &str, second: &str| {
        features_xml(&format!(
            "{}\n{}",
            feature_xml(first, "a", "numeric", ""),
            feature_xml(second, "b", "numeric", "")
        ))
    };
    let message = features_error(&two("0", "2"));
    assert!(message.starts_with("line 2, byte "), "{message}");
    assert!(
        message.ends_with(
            "feature 1 (`b`) has `index` 2; indices must count from 0 in document order"
        ),
        "{message}"
    );
    let message = features_error(&two("1", "0"));
    assert!(
        message.contains("feature 0 (`a`) has `index` 1"),
        "{message}"
    );
    let message = features_error(&two("0", "one"));
    assert!(
        message.contains("feature 1 (`b`): `index` `one` is not a non-negative integer"),
        "{message}"
    );
    let message = features_error(&two("0", "-1"));
    assert!(
        message.contains("`index` `-1` is not a non-negative integer"),
        "{message}"
    );

    let message = features_error(&features_xml(
        "<oml:feature><oml:name>a</oml:name><oml:data_type>numeric</oml:data_type></oml:feature>",
    ));
    assert!(
        message.ends_with("feature 0 (`a`) has no `index`"),
        "{message}"
    );
    let message = features_error(&features_xml("<oml:feature/>"));
    assert!(message.ends_with("feature 0 has no `index`"), "{message}");
    let message = features_error(&features_xml(
        "<oml:feature><oml:index>0</oml:index><oml:name></oml:name><oml:data_type>numeric</oml:data_type></oml:feature>",
    ));
    assert!(message.ends_with("feature 0 has no `name`"), "{message}");
    let message = features_error(&features_xml(
        "<oml:feature><oml:index>0</oml:index><oml:name>a</oml:name></oml:feature>",
    ));
    assert!(
        message.ends_with("feature 0 (`a`) has no `data_type`"),
        "{message}"
    );
}

#[test]
fn features_value_errors() {
    let message = features_error(&features_xml(&feature_xml(
        "0",
        "a",
        "numeric",
        "<oml:is_target>yes</oml:is_target>",
    )));
    assert!(
        message.ends_with("feature 0 (`a`): `is_target` is `yes`; expected true or false"),
        "{message}"
    );
    let message = features_error(&features_xml(&feature_xml(
        "0",
        "a",
        "numeric",
        "<oml:is_ignore>1</oml:is_ignore>",
    )));
    assert!(message.contains("`is_ignore` is `1`"), "{message}");
    let message = features_error(&features_xml(&feature_xml("0", "a", "integer", "")));
    assert!(
            message.ends_with("feature 0 (`a`): unknown `data_type` `integer`; expected nominal, numeric, string or date"),
            "{message}"
        );
    let message = features_error(&features_xml(&feature_xml("0", "a", "Numeric", "")));
    assert!(
        message.contains("unknown `data_type` `Numeric`"),
        "{message}"
    );
}

#[test]
fn features_malformed_documents() {
    let message = features_error(&description_xml("<oml:name>toy</oml:name>"));
    assert!(
        message.contains(
            "expected root element `oml:data_features`, found `oml:data_set_description`"
        ),
        "{message}"
    );
    let full = features_xml(&feature_xml("0", "a", "numeric", ""));
    for cut in [1, 10, full.len() / 2, full.len() - 1] {
        let result = parse_features(&full[..cut]);
        assert!(result.is_err(), "truncated at {cut}: {result:?}");
    }
    let message = features_error(&full[..full.len() - "</oml:data_features>".len()]);
    assert!(
        message.contains("`data_features` opened on line 1 is not closed"),
        "{message}"
    );
    let message = features_error(&full[..full.len() - 3]);
    assert!(message.contains("malformed XML"), "{message}");
}

#[test]
fn garbage_is_an_error() {
    let bytes: Vec<u8> = (0..=255u8)
        .chain((0..=255u8).rev())
        .map(|b| b.wrapping_mul(37))
        .collect();
    let garbage = String::from_utf8_lossy(&bytes);
    for text in [
        garbage.as_ref(),
        "\u{0}\u{1}\u{2}",
        "<<<>>>&&;",
        "not xml at all",
        "<",
        "</oml:data_features>",
    ] {
        let message = features_error(text);
        assert!(message.starts_with("line "), "{message}");
        let message = description_error(text);
        assert!(message.starts_with("line "), "{message}");
    }
    let message = features_error("not xml at all");
    assert_eq!(message, "line 1, byte 0: text outside the root element");
}

#[test]
fn fixture_dexter_description() {
    let (description, warnings) =
        DatasetDescription::from_path(&fixture("datasets/-1/description.xml")).unwrap();
    assert_eq!(warnings, []);
    assert_eq!(description.id, Some(-1));
    assert_eq!(description.name, "dexter");
    assert_eq!(description.version.as_deref(), Some("1"));
    assert_eq!(
        description.description.as_deref(),
        Some(
            "Test set of the dexter dataset as used\n        in the AutoWEKA paper (Thornton et al. 2013)"
        )
    );
    assert_eq!(description.format.as_deref(), Some("ARFF"));
    assert_eq!(description.upload_date, None);
    assert_eq!(description.licence.as_deref(), Some("Public"));
    assert_eq!(
        description.url.as_deref(),
        Some("http://www.cs.ubc.ca/labs/beta/Projects/autoweka/datasets/dexter.zip")
    );
    assert_eq!(description.default_target_attribute, ["class"]);
    assert_eq!(description.md5_checksum, None);
    assert_eq!(description.parquet_url, None);
    assert_eq!(description.file_id, None);
    assert!(description.tags.is_empty());
}

#[test]
fn fixture_iris_description() {
    let (description, warnings) =
        DatasetDescription::from_path(&fixture("misc/data_description_61.xml")).unwrap();
    assert_eq!(warnings, []);
    let text = description.description.clone().unwrap();
    assert!(
        text.starts_with("**Author**: R.A. Fisher  \n**Source**"),
        "{text}"
    );
    assert!(text.contains("(See Duda & Hart, for example.)"), "{text}");
    assert!(text.ends_with("-- Iris Virginica"), "{text}");
    let expected = DatasetDescription {
        id: Some(61),
        name: "iris".into(),
        version: Some("1".into()),
        description: Some(text),
        format: Some("ARFF".into()),
        upload_date: Some("2014-04-06T23:23:39".into()),
        licence: Some("Public".into()),
        url: Some("https://api.openml.org/data/v1/download/61/iris.arff".into()),
        parquet_url: Some("https://data.openml.org/datasets/0000/0061/dataset_61.pq".into()),
        file_id: Some(61),
        default_target_attribute: strings(&["class"]),
        row_id_attribute: None,
        ignore_attribute: Vec::new(),
        status: Some("active".into()),
        md5_checksum: Some("ad484452702105cbf3d30f8deaba39a9".into()),
        tags: strings(&[
            "Botany",
            "Ecology",
            "Kaggle",
            "Machine Learning",
            "study_1",
            "study_25",
            "study_4",
            "study_41",
            "study_50",
            "study_52",
            "study_7",
            "study_86",
            "study_88",
            "study_89",
            "uci",
        ]),
    };
    assert_eq!(description, expected);
}

#[test]
fn fixture_features_with_whitespaces() {
    let (features, warnings) =
        read_features(&fixture("misc/features_with_whitespaces.xml")).unwrap();
    assert_eq!(warnings, []);
    let v1 = FeatureDescription {
        number_of_missing_values: Some(0),
        ..feature(0, "V1", "numeric")
    };
    let v42 = FeatureDescription {
        nominal_values: strings(&[" - 50000.", " 50000+."]),
        number_of_missing_values: Some(0),
        ..feature(1, "V42", "nominal")
    };
    assert_eq!(features, [v1, v42]);
}

#[test]
fn path_errors_carry_the_path() {
    let path = fixture("misc/data_description_61.xml");
    let error = read_features(&path).unwrap_err();
    assert!(
        matches!(&error, Error::Metadata { path: Some(p), .. } if *p == path),
        "{error:?}"
    );
    let shown = error.to_string();
    assert!(
        shown.starts_with(&format!(
            "{}: line 1, byte 0: expected root element",
            path.display()
        )),
        "{shown}"
    );

    let missing = fixture("misc/no_such_file.xml");
    let error = DatasetDescription::from_path(&missing).unwrap_err();
    assert!(
        matches!(&error, Error::Io { action: "read", path, .. } if *path == missing),
        "{error:?}"
    );
}

#[test]
fn invalid_utf8_in_a_file_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("description.xml");
    let mut bytes = b"<oml:data_set_description><oml:name>caf".to_vec();
    let body = bytes.len();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"</oml:name></oml:data_set_description>");
    std::fs::write(&path, &bytes).unwrap();
    let (description, warnings) = DatasetDescription::from_path(&path).unwrap();
    assert_eq!(description.name, "caf\u{FFFD}");
    assert_eq!(
        warnings,
        [Warning {
            element: "data_set_description".into(),
            message: format!("byte {body}: invalid UTF-8 replaced with U+FFFD"),
        }]
    );
}

proptest! {
    #[test]
    fn never_panics_on_any_text(text in any::<String>()) {
        let _ = DatasetDescription::from_xml(&text);
        let _ = parse_features(&text);
    }

    #[test]
    fn never_panics_on_xml_like_text(
        parts in prop::collection::vec(
            prop::sample::select(vec![
                "<oml:data_features>", "</oml:data_features>", "<oml:data_set_description>",
                "</oml:data_set_description>", "<oml:feature>", "</oml:feature>", "<oml:feature/>",
                "<oml:index>", "</oml:index>", "<oml:name>", "</oml:name>", "0", "1", "x", " ",
                "<oml:data_type>", "</oml:data_type>", "nominal", "<oml:is_target>", "true",
                "</oml:is_target>", "&amp;", "&#0;", "&#x110000;", "&bogus;", "&", "<![CDATA[",
                "]]>", "<!--", "-->", "<?", "?>", "<", ">", "\"", "=", "\n",
            ]),
            0..40,
        )
    ) {
        let text = parts.concat();
        let _ = DatasetDescription::from_xml(&text);
        let _ = parse_features(&text);
    }
}
