//! The dataset documents of a cache written by oml: `description.xml`, `features.xml` and
//! `qualities.xml`, in the server's GET shape, minimal but complete enough for oml-data's
//! readers and for openml-python.

use std::fmt::Write as _;

use oml_data::xml::escape;
use oml_data::{Dataset, FeatureKind, Role};

/// `oml:data_set_description` with what openml-python requires (`id`, `name`, `version`,
/// `format`, `url`) plus the description, the default target, the row id and ignored columns,
/// `status` and the MD5 of the ARFF file, in the schema's order.
pub(crate) fn description_xml(
    dataset: &Dataset,
    dataset_id: i64,
    target: Option<&str>,
    url: &str,
    md5: &str,
) -> String {
    let mut out =
        String::from("<oml:data_set_description xmlns:oml=\"http://openml.org/openml\">\n");
    let name = match dataset.name() {
        "" => "dataset",
        name => name,
    };
    leaf(&mut out, 1, "id", &dataset_id.to_string());
    leaf(&mut out, 1, "name", name);
    leaf(&mut out, 1, "version", "1");
    leaf(
        &mut out,
        1,
        "description",
        &format!("Dataset `{name}`, written by oml into an OpenML cache."),
    );
    leaf(&mut out, 1, "format", "ARFF");
    leaf(&mut out, 1, "url", url);
    if let Some(target) = target {
        leaf(&mut out, 1, "default_target_attribute", target);
    }
    for feature in dataset.features() {
        if feature.role == Role::RowId {
            leaf(&mut out, 1, "row_id_attribute", &feature.name);
        }
    }
    for feature in dataset.features() {
        if feature.role == Role::Ignored {
            leaf(&mut out, 1, "ignore_attribute", &feature.name);
        }
    }
    leaf(&mut out, 1, "status", "active");
    leaf(&mut out, 1, "md5_checksum", md5);
    out.push_str("</oml:data_set_description>\n");
    out
}

/// `oml:data_features`: one `oml:feature` per column with its index, name, data type,
/// nominal values (verbatim, on one line each, since openml-python keeps their whitespace),
/// target, ignore and row-id flags and missing count.
pub(crate) fn features_xml(dataset: &Dataset, target: Option<&str>) -> String {
    let mut out = String::from("<oml:data_features xmlns:oml=\"http://openml.org/openml\">\n");
    for (index, feature) in dataset.features().iter().enumerate() {
        out.push_str("  <oml:feature>\n");
        leaf(&mut out, 2, "index", &index.to_string());
        leaf(&mut out, 2, "name", &feature.name);
        leaf(&mut out, 2, "data_type", feature.kind.name());
        for value in feature.kind.categories().unwrap_or_default() {
            leaf(&mut out, 2, "nominal_value", value);
        }
        let flag = |yes: bool| if yes { "true" } else { "false" };
        let is_target = Some(feature.name.as_str()) == target;
        leaf(&mut out, 2, "is_target", flag(is_target));
        leaf(
            &mut out,
            2,
            "is_ignore",
            flag(feature.role == Role::Ignored),
        );
        leaf(
            &mut out,
            2,
            "is_row_identifier",
            flag(feature.role == Role::RowId),
        );
        leaf(
            &mut out,
            2,
            "number_of_missing_values",
            &feature.missing.to_string(),
        );
        out.push_str("  </oml:feature>\n");
    }
    out.push_str("</oml:data_features>\n");
    out
}

/// `oml:data_qualities` with the simple counts: instances, features, classes (0 without a
/// nominal target), missing values, numeric and symbolic (nominal) features; sorted by name,
/// values written as floats, as the server does.
pub(crate) fn qualities_xml(dataset: &Dataset, target: Option<&str>) -> String {
    let features = dataset.features();
    let count = |f: fn(&FeatureKind) -> bool| features.iter().filter(|x| f(&x.kind)).count();
    let classes = target
        .and_then(|t| dataset.feature(t))
        .and_then(|f| f.kind.categories())
        .map_or(0, <[String]>::len);
    let qualities = [
        ("NumberOfClasses", classes),
        ("NumberOfFeatures", features.len()),
        ("NumberOfInstances", dataset.n_rows()),
        (
            "NumberOfMissingValues",
            features.iter().map(|f| f.missing).sum(),
        ),
        (
            "NumberOfNumericFeatures",
            count(|k| *k == FeatureKind::Numeric),
        ),
        (
            "NumberOfSymbolicFeatures",
            count(|k| matches!(k, FeatureKind::Nominal(_))),
        ),
    ];
    let mut out = String::from("<oml:data_qualities xmlns:oml=\"http://openml.org/openml\">\n");
    for (name, value) in qualities {
        out.push_str("  <oml:quality>\n");
        leaf(&mut out, 2, "name", name);
        leaf(&mut out, 2, "value", &format!("{:?}", value as f64));
        out.push_str("  </oml:quality>\n");
    }
    out.push_str("</oml:data_qualities>\n");
    out
}

/// `<oml:{name}>text</oml:{name}>` on a line of its own.
fn leaf(out: &mut String, indent: usize, name: &str, text: &str) {
    for _ in 0..indent {
        out.push_str("  ");
    }
    // Writing to a String cannot fail.
    let _ = writeln!(out, "<oml:{name}>{}</oml:{name}>", escape(text));
}

#[cfg(test)]
mod tests {
    use super::*;
    use oml_data::{DatasetDescription, parse_features};

    fn toy() -> Dataset {
        let text = "@relation toy\n@attribute id numeric\n@attribute 'a&b' numeric\n\
                    @attribute c {' x', 'y<z'}\n@data\n0,1,' x'\n1,?,'y<z'\n";
        let mut dataset =
            Dataset::from_arff(oml_data::Arff::from_bytes(text.as_bytes()).unwrap()).unwrap();
        dataset.set_role("id", Role::RowId).unwrap();
        dataset
    }

    #[test]
    fn description_reads_back() {
        let xml = description_xml(&toy(), 42, Some("c"), "file:///x/dataset.arff", "abc");
        let (description, warnings) = DatasetDescription::from_xml(&xml).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(description.id, Some(42));
        assert_eq!(description.name, "toy");
        assert_eq!(description.version.as_deref(), Some("1"));
        assert_eq!(description.format.as_deref(), Some("ARFF"));
        assert_eq!(description.default_target_attribute, ["c"]);
        assert_eq!(description.row_id_attribute.as_deref(), Some("id"));
        assert_eq!(description.md5_checksum.as_deref(), Some("abc"));
        assert_eq!(description.url.as_deref(), Some("file:///x/dataset.arff"));
    }

    #[test]
    fn features_read_back_verbatim() {
        let (features, warnings) = parse_features(&features_xml(&toy(), Some("c"))).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(features.len(), 3);
        assert_eq!(features[1].name, "a&b");
        assert_eq!(features[1].number_of_missing_values, Some(1));
        assert_eq!(features[2].nominal_values, [" x", "y<z"]);
        assert!(features[2].is_target && !features[1].is_target);
        assert!(features[0].is_row_identifier);
    }

    #[test]
    fn qualities_count() {
        let xml = qualities_xml(&toy(), Some("c"));
        assert!(
            xml.contains("<oml:name>NumberOfClasses</oml:name>\n    <oml:value>2.0</oml:value>")
        );
        assert!(
            xml.contains("<oml:name>NumberOfInstances</oml:name>\n    <oml:value>2.0</oml:value>")
        );
        assert!(xml.contains(
            "<oml:name>NumberOfNumericFeatures</oml:name>\n    <oml:value>2.0</oml:value>"
        ));
    }
}
