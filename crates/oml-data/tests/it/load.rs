//! DatasetLoader: formats by extension, OpenML's description.xml and features.xml applied, the
//! MD5 check, CSV, and builtins.

use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use oml_data::{DatasetLoader, Error, FeatureKind, Role, load};

const ARFF: &str = "% a toy dataset
@relation toy
@attribute id numeric
@attribute colour {red, green, 'light blue'}
@attribute size numeric
@attribute note string
@attribute class {no, yes, maybe}
@data
10,red,1.5,'x',yes
11,'light blue',?,?,no
12,green,3,'y',yes
";

/// `contents` written as file `name` of `dir`; its path.
pub(crate) fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn description(md5: &str) -> String {
    format!(
        r#"<oml:data_set_description xmlns:oml="http://openml.org/openml">
  <oml:id>42</oml:id>
  <oml:name>toy-data</oml:name>
  <oml:version>1</oml:version>
  <oml:format>ARFF</oml:format>
  <oml:something_new>ignored</oml:something_new>
  <oml:default_target_attribute>class</oml:default_target_attribute>
  <oml:row_id_attribute>id</oml:row_id_attribute>
  <oml:ignore_attribute>note</oml:ignore_attribute>
  <oml:md5_checksum>{md5}</oml:md5_checksum>
</oml:data_set_description>"#
    )
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn description_applies_target_row_id_ignore_and_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "dataset.arff", ARFF);
    let xml = write(
        dir.path(),
        "description.xml",
        description(&md5_hex(ARFF.as_bytes())),
    );
    let loaded = DatasetLoader::new()
        .description(&xml)
        .load(data.to_str().unwrap())
        .unwrap();
    let dataset = loaded.dataset;
    assert_eq!(dataset.name(), "toy-data");
    assert_eq!(dataset.default_target(), Some("class"));
    assert_eq!(dataset.feature("id").unwrap().role, Role::RowId);
    assert_eq!(dataset.feature("note").unwrap().role, Role::Ignored);
    // The row id and the ignored string column stay in the table but not in the matrix.
    assert_eq!(dataset.table().width(), 5);
    let design = dataset.design_matrix(Some("class")).unwrap();
    let names: Vec<_> = design.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["colour", "size"]);
    assert_eq!(
        design.x.row(1)[0],
        2.0,
        "light blue is the third declared colour"
    );
    assert!(design.x.row(1)[1].is_nan());
    assert_eq!(
        design.columns[0].categories.as_deref(),
        Some(&["red".to_owned(), "green".into(), "light blue".into()][..])
    );
    let target = dataset.class_target("class").unwrap();
    assert_eq!(target.classes.to_vec(), vec![1, 0, 1]);
    assert_eq!(
        target.labels,
        ["no", "yes", "maybe"],
        "declared classes with no rows kept"
    );
}

#[test]
fn checksum_mismatch_names_the_file_and_both_sums() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "dataset.arff", ARFF);
    let wrong = "0123456789abcdef0123456789abcdef";
    let xml = write(dir.path(), "description.xml", description(wrong));
    let err = DatasetLoader::new()
        .description(&xml)
        .load(data.to_str().unwrap())
        .unwrap_err();
    assert!(matches!(err, Error::Checksum { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("dataset.arff"), "{message}");
    assert!(message.contains(wrong), "{message}");
    assert!(message.contains(&md5_hex(ARFF.as_bytes())), "{message}");
}

#[test]
fn features_reorder_nominal_values_and_flag_columns() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        dir.path(),
        "toy.csv",
        "id,colour,size,class\n1,red,1.5,yes\n2,green,?,no\n3,red,,maybe\n",
    );
    // A CSV has no declared values: text columns get their distinct values sorted.
    let plain = load(csv.to_str().unwrap()).unwrap();
    assert_eq!(
        plain.feature("class").unwrap().kind,
        FeatureKind::Nominal(vec!["maybe".into(), "no".into(), "yes".into()])
    );
    assert_eq!(
        plain.feature("size").unwrap().missing,
        2,
        "`?` and empty are missing"
    );

    let features = write(
        dir.path(),
        "features.xml",
        r#"<oml:data_features xmlns:oml="http://openml.org/openml">
  <oml:feature><oml:index>0</oml:index><oml:name>id</oml:name><oml:data_type>numeric</oml:data_type>
    <oml:is_target>false</oml:is_target><oml:is_ignore>false</oml:is_ignore><oml:is_row_identifier>true</oml:is_row_identifier></oml:feature>
  <oml:feature><oml:index>1</oml:index><oml:name>colour</oml:name><oml:data_type>nominal</oml:data_type>
    <oml:nominal_value>red</oml:nominal_value><oml:nominal_value>green</oml:nominal_value><oml:nominal_value>blue</oml:nominal_value>
    <oml:is_target>false</oml:is_target><oml:is_ignore>false</oml:is_ignore><oml:is_row_identifier>false</oml:is_row_identifier></oml:feature>
  <oml:feature><oml:index>2</oml:index><oml:name>size</oml:name><oml:data_type>numeric</oml:data_type>
    <oml:is_target>false</oml:is_target><oml:is_ignore>false</oml:is_ignore><oml:is_row_identifier>false</oml:is_row_identifier>
    <oml:number_of_missing_values>1</oml:number_of_missing_values></oml:feature>
  <oml:feature><oml:index>3</oml:index><oml:name>class</oml:name><oml:data_type>nominal</oml:data_type>
    <oml:nominal_value>yes</oml:nominal_value><oml:nominal_value>no</oml:nominal_value><oml:nominal_value>maybe</oml:nominal_value>
    <oml:is_target>true</oml:is_target><oml:is_ignore>false</oml:is_ignore><oml:is_row_identifier>false</oml:is_row_identifier></oml:feature>
</oml:data_features>"#,
    );
    let loaded = DatasetLoader::new()
        .features(&features)
        .load(csv.to_str().unwrap())
        .unwrap();
    let dataset = loaded.dataset;
    assert_eq!(dataset.default_target(), Some("class"));
    assert_eq!(dataset.feature("id").unwrap().role, Role::RowId);
    let target = dataset.class_target("class").unwrap();
    assert_eq!(target.labels, ["yes", "no", "maybe"]);
    assert_eq!(target.classes.to_vec(), vec![0, 1, 2]);
    let colour = dataset.feature("colour").unwrap();
    assert_eq!(
        colour.kind,
        FeatureKind::Nominal(vec!["red".into(), "green".into(), "blue".into()])
    );
    // The declared missing count (1) disagrees with the data (2): a warning, not an error.
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert!(loaded.warnings[0].to_string().contains("size"));
}

#[test]
fn features_that_disagree_with_the_data_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "toy.csv", "a,b\n1,x\n2,y\n");
    let features = write(
        dir.path(),
        "features.xml",
        r#"<oml:data_features xmlns:oml="http://openml.org/openml">
  <oml:feature><oml:index>0</oml:index><oml:name>a</oml:name><oml:data_type>numeric</oml:data_type>
    <oml:is_target>false</oml:is_target><oml:is_ignore>false</oml:is_ignore><oml:is_row_identifier>false</oml:is_row_identifier></oml:feature>
  <oml:feature><oml:index>1</oml:index><oml:name>b</oml:name><oml:data_type>nominal</oml:data_type>
    <oml:nominal_value>x</oml:nominal_value>
    <oml:is_target>false</oml:is_target><oml:is_ignore>false</oml:is_ignore><oml:is_row_identifier>false</oml:is_row_identifier></oml:feature>
</oml:data_features>"#,
    );
    let err = DatasetLoader::new()
        .features(&features)
        .load(csv.to_str().unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("features.xml"), "{err}");
    assert!(err.contains("`b`") && err.contains("`y`"), "{err}");
}

#[test]
fn formats_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = write(dir.path(), "data.txt", "a\n1\n");
    let err = load(unknown.to_str().unwrap()).unwrap_err();
    assert!(matches!(err, Error::UnknownFormat { .. }), "{err}");
    let missing = dir.path().join("absent.arff");
    let err = load(missing.to_str().unwrap()).unwrap_err().to_string();
    assert!(err.contains("absent.arff"), "{err}");
    let err = load("builtin:nope").unwrap_err().to_string();
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn openml_iris_description_on_the_builtin() {
    let xml = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/openml/misc/data_description_61.xml");
    let loaded = DatasetLoader::new()
        .description(xml)
        .load("builtin:iris")
        .unwrap();
    assert_eq!(loaded.dataset.name(), "iris");
    assert_eq!(loaded.dataset.default_target(), Some("class"));
    assert_eq!(loaded.dataset.n_rows(), 150);
}

/// Review findings on issue 2: each was a wrong result or a panic before.
#[test]
fn gzip_checksum_is_of_the_arff_text() {
    let dir = tempfile::tempdir().unwrap();
    let arff = oml_data::Arff::from_bytes(ARFF.as_bytes()).unwrap();
    let data = dir.path().join("dataset.arff.gz");
    oml_data::ArffWriter::new()
        .write_path(&arff, &data)
        .unwrap();
    let text = oml_data::Arff::to_bytes(&arff).unwrap();
    let xml = write(dir.path(), "description.xml", description(&md5_hex(&text)));
    let loaded = DatasetLoader::new()
        .description(&xml)
        .load(data.to_str().unwrap())
        .unwrap();
    assert_eq!(loaded.dataset.n_rows(), 3);
}

#[test]
fn inconsistent_arff_is_an_error_not_a_panic() {
    use oml_data::arff::{Attribute, AttributeKind, Column};
    let arff = oml_data::Arff {
        relation: "r".into(),
        description: vec![],
        attributes: vec![Attribute {
            name: "x".into(),
            kind: AttributeKind::Numeric,
        }],
        columns: vec![Column::Nominal(vec![0])],
    };
    let err = oml_data::Dataset::from_arff(arff.clone())
        .unwrap_err()
        .to_string();
    assert!(err.contains("`x`"), "{err}");
    assert!(arff.to_bytes().is_err());
}

#[test]
fn only_arff_may_be_gzipped_and_a_bom_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "c.csv.gz", "a\n1\n");
    assert!(matches!(
        load(csv.to_str().unwrap()).unwrap_err(),
        Error::UnknownFormat { .. }
    ));
    let bom = write(
        dir.path(),
        "bom.arff",
        "\u{feff}@relation r\n@attribute a numeric\n@data\n1\n",
    );
    assert_eq!(load(bom.to_str().unwrap()).unwrap().n_rows(), 1);
    let month = write(
        dir.path(),
        "m.arff",
        "@relation r\n@attribute d date 'yyyy-MM'\n@data\n2020-03\n",
    );
    let err = load(month.to_str().unwrap()).unwrap_err().to_string();
    assert!(err.contains("line 2") && err.contains("day (d)"), "{err}");
}

#[test]
fn csv_unterminated_quote_is_an_error_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    // In the header: without the check polars reads the whole file as one header field and
    // gives 0 rows.
    let header = write(dir.path(), "h.csv", "a,\"b\n1,2\n3,4\n");
    let err = load(header.to_str().unwrap()).unwrap_err().to_string();
    assert!(err.contains("h.csv: line 1:"), "{err}");
    assert!(err.contains("never closed"), "{err}");
    // In a data row, after quoted fields with doubled quotes that are fine.
    let row = write(
        dir.path(),
        "r.csv",
        "a,b\n\"x \"\"y\"\"\",1\n\"z\",2\n\"open,3\n4,5\n",
    );
    let err = load(row.to_str().unwrap()).unwrap_err().to_string();
    assert!(err.contains("r.csv: line 4:"), "{err}");
    // Quoted fields that span lines and are closed are fine.
    let fine = write(dir.path(), "f.csv", "a,b\n\"two\nlines\",1\nx,2\n");
    assert_eq!(load(fine.to_str().unwrap()).unwrap().n_rows(), 2);
}

#[cfg(unix)]
#[test]
fn an_endless_line_is_refused_at_the_stated_limit() {
    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("zero.arff");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let err = load(zero.to_str().unwrap()).unwrap_err();
    let text = format!("{err}: {}", std::error::Error::source(&err).unwrap());
    assert!(text.contains("zero.arff"), "{text}");
    assert!(text.contains("line 1"), "{text}");
    assert!(text.contains("256 MiB"), "{text}");
}

#[test]
fn messages_say_where_reading_really_stopped() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    // Fifteen lines of gzip data, then garbage: the file is read past line 15, no line 16.
    let mut text = String::from("@relation r\n@attribute a numeric\n@data\n");
    for i in 0..12 {
        text.push_str(&format!("{i}\n"));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    let mut bytes = gz.finish().unwrap();
    bytes.extend_from_slice(b"trailing garbage");
    let path = dir.path().join("t.arff.gz");
    std::fs::write(&path, bytes).unwrap();
    let err = load(path.to_str().unwrap()).unwrap_err().to_string();
    assert!(err.contains("cannot read past line 15"), "{err}");
    assert!(!err.contains("line 16"), "{err}");
    // A directory called x.arff is not read at `line 0`.
    let folder = dir.path().join("x.arff");
    std::fs::create_dir(&folder).unwrap();
    let err = load(folder.to_str().unwrap()).unwrap_err();
    let text = format!("{err}: {}", std::error::Error::source(&err).unwrap());
    assert!(text.contains("is a directory"), "{text}");
    assert!(!text.contains("line 0"), "{text}");
}

#[test]
fn csv_ragged_records_are_errors_naming_the_line_not_a_polars_option() {
    let dir = tempfile::tempdir().unwrap();
    let ragged = write(dir.path(), "ragged.csv", "a,b\n1,2\n3,4,5\n6,7\n");
    let err = load(ragged.to_str().unwrap()).unwrap_err().to_string();
    assert!(
        err.contains("ragged.csv: line 3: 3 fields, but the header has 2"),
        "{err}"
    );
    // Quoted commas and quoted line breaks are one field.
    let fine = write(dir.path(), "fine.csv", "a,b\n\"1,5\",2\n\"x\ny\",4\n");
    assert_eq!(load(fine.to_str().unwrap()).unwrap().n_rows(), 2);
}
