//! Records, for the run manifest, the compiler and the version of every crate in the
//! workspace's `Cargo.lock` at build time.

use std::env;
use std::fs;
use std::path::Path;
use std::process::Command;

fn main() {
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let lock = Path::new(&manifest_dir).join("../../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let mut crates = Vec::new();
    if let Ok(text) = fs::read_to_string(&lock) {
        for entry in text.split("[[package]]").skip(1) {
            let field = |key: &str| {
                entry
                    .lines()
                    .find_map(|line| line.strip_prefix(key))
                    .map(|value| {
                        value
                            .trim()
                            .trim_start_matches("= ")
                            .trim_matches('"')
                            .to_owned()
                    })
            };
            if let (Some(name), Some(version)) = (field("name "), field("version ")) {
                crates.push(format!("({name:?}, {version:?})"));
            }
        }
    }
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let rustc_version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("build_info.rs");
    let code = format!(
        "/// `rustc --version` of the compiler that built oml.\npub const RUSTC_VERSION: &str = {rustc_version:?};\n\
         /// Every crate of the workspace's `Cargo.lock` at build time: (name, version).\n\
         pub const LOCKED_CRATES: &[(&str, &str)] = &[{}];\n",
        crates.join(", ")
    );
    fs::write(out, code).expect("OUT_DIR is writable");
}
