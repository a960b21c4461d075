//! The flow XML of every built-in flow: well formed, in OpenML's characters, components nested.
//! `.ci/run` validates the same documents against OpenML's XSD with xmllint
//! (`oml flows --xml-dir`).

use oml_flow::{BUILTIN_FLOWS, Describe, flow_xml};

#[test]
fn builtin_flow_xml_nests_components_and_declares_every_parameter() {
    for builtin in BUILTIN_FLOWS {
        let flow = builtin.make();
        let xml = flow_xml(&flow).unwrap();
        assert!(xml.starts_with("<oml:flow xmlns:oml=\"http://openml.org/openml\">\n"));
        assert_eq!(
            xml.matches("<oml:flow").count(),
            1 + flow.components().len(),
            "{xml}"
        );
        assert_eq!(
            xml.matches("<oml:component>").count(),
            flow.components().len()
        );
        let parameters: usize = flow
            .components()
            .iter()
            .map(|c| c.flow.parameters().len())
            .sum();
        assert_eq!(xml.matches("<oml:parameter>").count(), parameters);
        assert!(xml.contains(&format!("<oml:name>{}</oml:name>", flow.name())));
        assert!(xml.contains("<oml:identifier>estimator</oml:identifier>"));
        assert!(xml.is_ascii());
    }
}
