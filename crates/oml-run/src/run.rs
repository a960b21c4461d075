//! A run as its directory holds it: written whole, read back the same.

use std::path::Path;

use oml_data::arff::Arff;

use crate::description::RunDescription;
use crate::error::{Error, Result};
use crate::manifest::Manifest;
use crate::run_dir::write_directory;

/// The files of a run directory.
pub mod files {
    /// OpenML's run description.
    pub const DESCRIPTION: &str = "description.xml";
    /// OpenML's predictions.
    pub const PREDICTIONS: &str = "predictions.arff";
    /// OpenML's flow description.
    pub const FLOW: &str = "flow.xml";
    /// Every measure pooled, per fold and per sample, with oml's local measures.
    pub const SUMMARY: &str = "summary.json";
    /// How the run was made.
    pub const MANIFEST: &str = "manifest.json";
}

/// One run: OpenML's documents, the measures and the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// `description.xml`.
    pub description: RunDescription,
    /// `predictions.arff`.
    pub predictions: Arff,
    /// `flow.xml`, as written.
    pub flow_xml: String,
    /// `summary.json`, as JSON (`NaN` is `null`).
    pub summary: serde_json::Value,
    /// `manifest.json`.
    pub manifest: Manifest,
}

impl Run {
    /// The files of the run directory, by name, as [`Run::save`] writes them.
    pub fn files(&self) -> Result<Vec<(&'static str, Vec<u8>)>> {
        Ok(vec![
            (files::DESCRIPTION, self.description.to_xml().into_bytes()),
            (
                files::PREDICTIONS,
                self.predictions.to_bytes().map_err(|source| Error::Write {
                    path: files::PREDICTIONS.into(),
                    source,
                })?,
            ),
            (files::FLOW, self.flow_xml.clone().into_bytes()),
            (files::SUMMARY, pretty_json(&self.summary)?),
            (files::MANIFEST, pretty_json(&self.manifest)?),
        ])
    }

    /// Writes the run as directory `dir`, whole or not at all, replacing what was there.
    pub fn save(&self, dir: &Path) -> Result<()> {
        write_directory(dir, &self.files()?)
    }

    /// Reads the run in directory `dir`. A missing or malformed file is an error naming it.
    pub fn load(dir: &Path) -> Result<Self> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| Error::Read { path, source })
        };
        let text = |name: &str| -> Result<String> {
            String::from_utf8(read(name)?).map_err(|_| Error::Invalid {
                path: dir.join(name),
                message: "not UTF-8".to_owned(),
            })
        };
        let description =
            RunDescription::from_xml(&text(files::DESCRIPTION)?).map_err(|e| Error::Invalid {
                path: dir.join(files::DESCRIPTION),
                message: e.to_string(),
            })?;
        let predictions =
            Arff::from_bytes(&read(files::PREDICTIONS)?).map_err(|e| Error::Invalid {
                path: dir.join(files::PREDICTIONS),
                message: e.to_string(),
            })?;
        Ok(Run {
            description,
            predictions,
            flow_xml: text(files::FLOW)?,
            summary: read_json(dir, files::SUMMARY)?,
            manifest: read_json(dir, files::MANIFEST)?,
        })
    }
}

/// A stored run's manifest and summary: what tables and reports read, without parsing its
/// predictions.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// `manifest.json`.
    pub manifest: Manifest,
    /// `summary.json`.
    pub summary: serde_json::Value,
}

impl RunRecord {
    /// Reads the manifest and summary of the run in `dir`; a missing or malformed file is an
    /// error naming it.
    pub fn load(dir: &Path) -> Result<Self> {
        Ok(RunRecord {
            manifest: read_json(dir, files::MANIFEST)?,
            summary: read_json(dir, files::SUMMARY)?,
        })
    }
}

/// The JSON file `name` of directory `dir`.
fn read_json<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> Result<T> {
    let path = dir.join(name);
    let bytes = std::fs::read(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Invalid {
        path,
        message: e.to_string(),
    })
}

/// `value` as pretty JSON with a final newline.
fn pretty_json(value: &impl serde::Serialize) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| Error::Write {
        path: "(json)".into(),
        source: e.into(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}
