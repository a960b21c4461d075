//! The versions flows report are the versions the workspace builds.

use oml_flow::{BUILTIN_FLOWS, Describe, LIBM_VERSION, LINFA_VERSION, OML_FLOW_VERSION};

/// The version of `package` in the workspace's `Cargo.lock`.
fn locked_version(package: &str) -> String {
    let lock =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock")).unwrap();
    let entry = lock
        .split("[[package]]")
        .find(|entry| {
            entry
                .lines()
                .any(|line| line == format!("name = \"{package}\""))
        })
        .unwrap_or_else(|| panic!("{package} is not in Cargo.lock"));
    let line = entry
        .lines()
        .find(|line| line.starts_with("version = "))
        .unwrap();
    line.trim_start_matches("version = ")
        .trim_matches('"')
        .to_owned()
}

#[test]
fn external_versions_name_the_locked_crate_versions() {
    for builtin in BUILTIN_FLOWS {
        let flow = builtin.make();
        for part in flow.external_version().split(',') {
            let (package, version) = part.split_once("==").unwrap();
            assert_eq!(version, locked_version(package), "{}: {part}", builtin.name);
        }
    }
    assert_eq!(LINFA_VERSION, locked_version("linfa-trees"));
    assert_eq!(LIBM_VERSION, locked_version("libm"));
    assert_eq!(OML_FLOW_VERSION, locked_version("oml-flow"));
}
