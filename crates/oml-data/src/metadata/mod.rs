//! Lenient readers for OpenML's dataset metadata documents: `description.xml` (GET /data/{id})
//! and `features.xml` (GET /data/features/{id}).
//!
//! Server GET responses are not schema-valid in general, so elements are matched by local name
//! (the `oml:` prefix and the namespace are ignored), unknown elements are skipped, and problems
//! that leave a usable document become [`Warning`]s. What makes a document unusable (malformed
//! XML, the wrong root, a missing name, features out of order) is an [`Error::Metadata`] whose
//! message says where: `line` counts from 1, `byte` from 0. `description` reads the first,
//! `features` the second; what both need (warnings, leaf elements, file text) is here.
//!
//! Whitespace follows openml-python: description fields are trimmed (xmltodict's default), while
//! feature names and nominal values are kept verbatim (opy parses features.xml with
//! `strip_whitespace=False`), so ` - 50000.` stays ` - 50000.`.

use std::fmt;
use std::path::Path;

use crate::error::{Error, Result};
use crate::xml::{XmlError, line};

mod description;
mod features;
#[cfg(test)]
mod tests;

pub use description::DatasetDescription;
pub use features::{FeatureDescription, parse_features, read_features};

/// A non-fatal problem found while reading a lenient document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The local name of the element concerned (`id`, `number_of_missing_values`, ...).
    pub element: String,
    /// What is wrong and what was done about it, starting with where.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.element, self.message)
    }
}

/// The text of one leaf element, as read so far.
struct Field {
    local: String,
    at: u64,
    text: String,
}

impl Field {
    fn new(local: String, at: u64) -> Self {
        Field {
            local,
            at,
            text: String::new(),
        }
    }

    fn warning(&self, text: &str, what: impl fmt::Display) -> Warning {
        Warning {
            element: self.local.clone(),
            message: format!("line {}: {what}", line(text, self.at)),
        }
    }
}

/// Reads a file as text; bytes that are not UTF-8 become U+FFFD and a warning.
fn read_text(path: &Path, root: &str, warnings: &mut Vec<Warning>) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            warnings.push(Warning {
                element: root.to_owned(),
                message: format!("byte {at}: invalid UTF-8 replaced with U+FFFD"),
            });
            Ok(String::from_utf8_lossy(e.as_bytes()).into_owned())
        }
    }
}

fn error_at(text: &str, at: u64, what: impl fmt::Display) -> Error {
    Error::Metadata {
        path: None,
        message: format!("line {}, byte {at}: {what}", line(text, at)),
    }
}

fn xml_error(text: &str, e: XmlError) -> Error {
    error_at(text, e.at, e.message)
}
