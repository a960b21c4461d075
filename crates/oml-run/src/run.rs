//! A run as its directory holds it: written whole, read back the same.

use std::path::{Path, PathBuf};

use oml_data::arff::Arff;

use crate::description::RunDescription;
use crate::error::{Error, Result};
use crate::manifest::{Manifest, sha256_digest};
use crate::run_dir::{Replace, check_directory, write_directory};

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
    /// The servers the run was published to (written by `oml publish`).
    pub const PUBLISHED: &str = "published.json";
    /// OpenML's optimisation trace, in a run of a tuned flow.
    pub const TRACE: &str = "trace.arff";
    /// Every file oml writes in a run directory: a directory of these only, with oml's
    /// manifest, is oml's own ([`OWNED`]).
    pub const ALL: &[&str] = &[
        DESCRIPTION,
        PREDICTIONS,
        FLOW,
        SUMMARY,
        MANIFEST,
        PUBLISHED,
        TRACE,
    ];
    /// The files every complete run has, the manifest last.
    pub const REQUIRED: &[&str] = &[DESCRIPTION, PREDICTIONS, FLOW, SUMMARY, MANIFEST];
    /// The key of `manifest.json` under which the digests of the other files are written
    /// (the `files` field of the manifest as [`crate::Run::files`] writes it).
    pub const DIGESTS_KEY: &str = "files";

    /// A run directory as oml owns it: files of [`ALL`]'s names only, and a `manifest.json`
    /// that reads as oml's manifest.
    pub const OWNED: crate::run_dir::Owned<'static> = crate::run_dir::Owned {
        names: ALL,
        written_by_oml: has_oml_manifest,
    };

    /// A run directory in the run store, under its key: files of [`ALL`]'s names only. The
    /// store is where oml keeps its runs, so a run there whose manifest is damaged is still
    /// oml's, to be computed again.
    pub const IN_STORE: crate::run_dir::Owned<'static> = crate::run_dir::Owned {
        names: ALL,
        written_by_oml: |_| true,
    };

    /// Whether `dir` holds a `manifest.json` that reads as oml's [`Manifest`](crate::Manifest).
    fn has_oml_manifest(dir: &std::path::Path) -> bool {
        std::fs::read(dir.join(MANIFEST))
            .is_ok_and(|bytes| serde_json::from_slice::<crate::Manifest>(&bytes).is_ok())
    }
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
    /// `trace.arff`: the search of each unit of a tuned flow; `None` for other flows.
    pub trace: Option<Arff>,
}

impl Run {
    /// The files of the run directory, by name, as [`Run::save`] writes them: the manifest
    /// last, with the digest (`sha256:HEX`) of every other file under
    /// [`files::DIGESTS_KEY`], which [`check_files`] verifies.
    pub fn files(&self) -> Result<Vec<(&'static str, Vec<u8>)>> {
        let mut out = vec![
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
        ];
        if let Some(trace) = &self.trace {
            let bytes = trace.to_bytes().map_err(|source| Error::Write {
                path: files::TRACE.into(),
                source,
            })?;
            out.push((files::TRACE, bytes));
        }
        /// The manifest as written: its fields, then the digests of the other files.
        #[derive(serde::Serialize)]
        struct Written<'a> {
            #[serde(flatten)]
            manifest: &'a Manifest,
            files: std::collections::BTreeMap<&'static str, String>,
        }
        let written = Written {
            manifest: &self.manifest,
            files: out
                .iter()
                .map(|(name, bytes)| (*name, sha256_digest(bytes)))
                .collect(),
        };
        out.push((files::MANIFEST, pretty_json(&written)?));
        Ok(out)
    }

    /// Writes the run as directory `dir`, whole or not at all. A run directory already there
    /// is replaced only as `replace` says; anything else there (a file, a directory with other
    /// files) is an error and stays as it is.
    pub fn save(&self, dir: &Path, replace: Replace) -> Result<()> {
        write_directory(dir, &self.files()?, files::OWNED, replace)
    }

    /// Checks that [`Run::save`] with `replace` could write `dir` (before a run is computed).
    pub fn check_target(dir: &Path, replace: Replace) -> Result<()> {
        check_directory(dir, files::OWNED, replace)
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
        let trace = match dir.join(files::TRACE).is_file() {
            true => Some(
                Arff::from_bytes(&read(files::TRACE)?).map_err(|e| Error::Invalid {
                    path: dir.join(files::TRACE),
                    message: e.to_string(),
                })?,
            ),
            false => None,
        };
        Ok(Run {
            description,
            predictions,
            flow_xml: text(files::FLOW)?,
            summary: read_json(dir, files::SUMMARY)?,
            manifest: read_json(dir, files::MANIFEST)?,
            trace,
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
    /// Reads the manifest and summary of the run in `dir`; a missing or malformed file, or a
    /// missing file of the run, is an error naming it.
    ///
    /// The summary is checked against the digest the manifest records for it (where it
    /// records one), so that a table never shows measures changed after the run was written.
    pub fn load(dir: &Path) -> Result<Self> {
        check_present(dir)?;
        let manifest: serde_json::Value = read_json(dir, files::MANIFEST)?;
        let path = dir.join(files::SUMMARY);
        let bytes = std::fs::read(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let recorded = manifest
            .get(files::DIGESTS_KEY)
            .and_then(|digests| digests.get(files::SUMMARY));
        if recorded.is_some_and(|digest| !has_digest(&bytes, digest)) {
            return Err(changed(dir, files::SUMMARY));
        }
        let invalid = |path: PathBuf, e: serde_json::Error| Error::Invalid {
            path,
            message: e.to_string(),
        };
        Ok(RunRecord {
            manifest: serde_json::from_value(manifest)
                .map_err(|e| invalid(dir.join(files::MANIFEST), e))?,
            summary: serde_json::from_slice(&bytes).map_err(|e| invalid(path, e))?,
        })
    }
}

/// Checks the run in `dir` against its manifest: every file a complete run has is there, and
/// every file whose digest the manifest lists has that digest. A run written before manifests
/// listed digests is checked for its files only. The error names the first file that fails.
pub fn check_files(dir: &Path) -> Result<()> {
    check_present(dir)?;
    match changed_files(dir)?.first() {
        Some(name) => Err(changed(dir, name)),
        None => Ok(()),
    }
}

/// The files of the run in `dir` whose bytes are not those whose digest its manifest records,
/// in the manifest's order: files changed after the run was written. Empty for a run written
/// before manifests listed digests. A file the manifest lists outside the directory, or one
/// that cannot be read, is an error naming it.
pub fn changed_files(dir: &Path) -> Result<Vec<String>> {
    let manifest: serde_json::Value = read_json(dir, files::MANIFEST)?;
    let Some(digests) = manifest.get(files::DIGESTS_KEY).and_then(|d| d.as_object()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, expected) in digests {
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(Error::Invalid {
                path: dir.join(files::MANIFEST),
                message: format!("lists a file outside the run directory: {name}"),
            });
        }
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|source| Error::Read { path, source })?;
        if !has_digest(&bytes, expected) {
            out.push(name.clone());
        }
    }
    Ok(out)
}

/// Whether `bytes` have the digest `recorded` (a manifest's `sha256:HEX` text).
fn has_digest(bytes: &[u8], recorded: &serde_json::Value) -> bool {
    recorded.as_str() == Some(sha256_digest(bytes).as_str())
}

/// The error of file `name` of the run in `dir` not having the digest its manifest records.
fn changed(dir: &Path, name: &str) -> Error {
    Error::Invalid {
        path: dir.join(name),
        message: "does not have the digest that manifest.json records: the file changed after \
                  the run was written"
            .to_owned(),
    }
}

/// An error naming the first file of [`files::REQUIRED`] that `dir` lacks.
fn check_present(dir: &Path) -> Result<()> {
    match files::REQUIRED
        .iter()
        .map(|name| dir.join(name))
        .find(|p| !p.is_file())
    {
        Some(path) => Err(Error::Invalid {
            path,
            message: "missing".to_owned(),
        }),
        None => Ok(()),
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
