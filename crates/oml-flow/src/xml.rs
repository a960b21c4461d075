//! OpenML's flow XML (`openml.implementation.upload.xsd`), written in the schema's element order.

use std::fmt::Write;

use oml_data::xml::escape_ascii;

use crate::error::{Error, Result};
use crate::flow::Describe;

/// The tags every oml flow carries.
pub const FLOW_TAGS: &[&str] = &["oml", "rust", "linfa"];

/// The flow XML of `flow` and, recursively, its components, as OpenML's upload schema wants it:
/// the `oml:` prefix on every element, the namespace on the root, no XML declaration.
///
/// A name, parameter name or component identifier outside the schema's characters is an
/// error naming it; descriptions and values outside ASCII are written with `?` in place of
/// the other characters, which is all the schema allows.
pub fn flow_xml(flow: &dyn Describe) -> Result<String> {
    let mut out = String::new();
    write_flow(&mut out, flow, 0)?;
    Ok(out)
}

fn write_flow(out: &mut String, flow: &dyn Describe, depth: usize) -> Result<()> {
    let indent = "  ".repeat(depth);
    let name = flow.name();
    check(&name, "name", 1024, is_casual)?;
    if depth == 0 {
        writeln!(out, r#"<oml:flow xmlns:oml="http://openml.org/openml">"#).unwrap();
    } else {
        writeln!(out, "{indent}<oml:flow>").unwrap();
    }
    let inner = format!("{indent}  ");
    element(out, &inner, "name", &name);
    let external_version = flow.external_version();
    check(&external_version, "external_version", 128, |c| c.is_ascii())?;
    element(out, &inner, "external_version", &external_version);
    element(
        out,
        &inner,
        "description",
        &shortened(&flow.description(), 1024, "-"),
    );
    element(out, &inner, "language", "English");
    let dependencies = external_version.replace(',', "\n");
    element(out, &inner, "dependencies", &dependencies);
    for parameter in flow.parameters() {
        check(&parameter.name, "parameter name", 1024, is_casual)?;
        writeln!(out, "{inner}<oml:parameter>").unwrap();
        let deeper = format!("{inner}  ");
        element(out, &deeper, "name", &parameter.name);
        element(out, &deeper, "data_type", parameter.data_type);
        element(
            out,
            &deeper,
            "default_value",
            &shortened(&parameter.default, 2048, ""),
        );
        element(
            out,
            &deeper,
            "description",
            &shortened(&parameter.description, 1024, "-"),
        );
        writeln!(out, "{inner}</oml:parameter>").unwrap();
    }
    for component in flow.components() {
        check(component.identifier, "component identifier", 128, is_system)?;
        writeln!(out, "{inner}<oml:component>").unwrap();
        element(
            out,
            &format!("{inner}  "),
            "identifier",
            component.identifier,
        );
        write_flow(out, component.flow, depth + 2)?;
        writeln!(out, "{inner}</oml:component>").unwrap();
    }
    for tag in FLOW_TAGS {
        element(out, &inner, "tag", tag);
    }
    writeln!(out, "{indent}</oml:flow>").unwrap();
    Ok(())
}

/// `<oml:{name}>text</oml:{name}>` on a line of its own, `text` escaped as the upload schema
/// wants it (ASCII only, other characters as `?`).
fn element(out: &mut String, indent: &str, name: &str, text: &str) {
    writeln!(
        out,
        "{indent}<oml:{name}>{}</oml:{name}>",
        escape_ascii(text)
    )
    .unwrap();
}

/// Characters of the schema's `casual_string` (flow names, parameter names).
pub fn is_casual(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-.,():=".contains(c)
}

/// Characters of the schema's `system_string` (identifiers, tags).
pub fn is_system(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-.".contains(c)
}

fn check(
    value: &str,
    field: &'static str,
    max: usize,
    allowed: impl Fn(char) -> bool,
) -> Result<()> {
    let problem = if value.is_empty() {
        "is empty"
    } else if value.len() > max {
        "is too long for OpenML"
    } else if !value.chars().all(allowed) {
        "has characters OpenML does not allow here"
    } else {
        return Ok(());
    };
    Err(Error::Xml {
        field,
        value: value.to_owned(),
        problem,
    })
}

/// `text` cut to `max` characters (bytes, once [`element`] has made it ASCII); `empty` if only
/// ASCII white space is left, for elements that may not be empty.
fn shortened(text: &str, max: usize, empty: &str) -> String {
    let out: String = text.chars().take(max).collect();
    if out.chars().all(|c| c.is_ascii() && c.is_whitespace()) {
        return empty.to_owned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::Parameter;

    struct Named(&'static str);

    impl Describe for Named {
        fn name(&self) -> String {
            self.0.to_owned()
        }
        fn description(&self) -> String {
            "Fits <things> & more: déjà vu".to_owned()
        }
        fn parameters(&self) -> Vec<Parameter> {
            vec![Parameter::new("depth", &3usize, &5usize, "how deep")]
        }
    }

    #[test]
    fn writes_elements_in_schema_order_with_escapes() {
        let xml = flow_xml(&Named("my.Flow(x=1)")).unwrap();
        let order = [
            "<oml:name>",
            "<oml:external_version>",
            "<oml:description>",
            "<oml:language>",
            "<oml:dependencies>",
            "<oml:parameter>",
            "<oml:tag>",
        ];
        let positions: Vec<usize> = order.iter().map(|e| xml.find(e).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{xml}");
        assert!(xml.contains(
            "<oml:description>Fits &lt;things&gt; &amp; more: d?j? vu</oml:description>"
        ));
        assert!(xml.contains("<oml:default_value>3</oml:default_value>"));
        assert!(xml.starts_with(r#"<oml:flow xmlns:oml="http://openml.org/openml">"#));
    }

    #[test]
    fn names_outside_the_schema_are_errors() {
        let error = flow_xml(&Named("my flow")).unwrap_err().to_string();
        assert_eq!(
            error,
            "flow XML: name `my flow` has characters OpenML does not allow here"
        );
        assert!(flow_xml(&Named("")).is_err());
    }
}
