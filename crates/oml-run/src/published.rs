//! `published.json` in a run directory: the servers a run was published to, so that it is
//! published to each only once. oml-api writes a record after a publication; the run
//! directory's layout, this file included, is oml-run's.

use std::path::Path;

use crate::error::{Error, Result};
use crate::run::files;

/// One entry of `published.json`: a server the run was published to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationRecord {
    /// The server's API URL.
    pub server: String,
    /// The OpenML flow id the run was published with.
    pub flow_id: i64,
    /// The OpenML run id.
    pub run_id: i64,
    /// When (RFC 3339).
    pub time: String,
}

impl PublicationRecord {
    /// The records of the run in `run_dir`, none when it was never published. A single
    /// object (as an early oml wrote it) counts as a list of one.
    pub fn read(run_dir: &Path) -> Result<Vec<PublicationRecord>> {
        let path = run_dir.join(files::PUBLISHED);
        let invalid = |message: String| Error::Invalid {
            path: path.clone(),
            message,
        };
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(Error::Read { path, source }),
        };
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
        let entries = match value {
            serde_json::Value::Array(entries) => entries,
            other => vec![other],
        };
        entries
            .iter()
            .map(|entry| {
                let field = |name: &str| entry.get(name);
                Ok(PublicationRecord {
                    server: field("server")
                        .and_then(|v| v.as_str())
                        .ok_or_else(|| invalid("a record has no server".into()))?
                        .to_owned(),
                    flow_id: field("flow_id").and_then(|v| v.as_i64()).unwrap_or(0),
                    run_id: field("run_id")
                        .and_then(|v| v.as_i64())
                        .ok_or_else(|| invalid("a record has no run_id".into()))?,
                    time: field("time")
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_owned(),
                })
            })
            .collect()
    }

    /// Writes `records` as the run's `published.json` (atomically): an array of objects, one
    /// per server.
    pub fn write(run_dir: &Path, records: &[PublicationRecord]) -> std::io::Result<()> {
        let array: Vec<serde_json::Value> = records
            .iter()
            .map(|r| {
                serde_json::json!({
                    "server": r.server,
                    "flow_id": r.flow_id,
                    "run_id": r.run_id,
                    "time": r.time,
                })
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&array).map_err(std::io::Error::other)?;
        text.push('\n');
        oml_data::write_atomically(&run_dir.join(files::PUBLISHED), |file| {
            std::io::Write::write_all(file, text.as_bytes())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        assert!(PublicationRecord::read(dir.path()).unwrap().is_empty());
        let records = vec![PublicationRecord {
            server: "https://test.openml.org/api/v1/xml".into(),
            flow_id: 3,
            run_id: 4,
            time: "2026-01-01T00:00:00.000Z".into(),
        }];
        PublicationRecord::write(dir.path(), &records).unwrap();
        assert_eq!(PublicationRecord::read(dir.path()).unwrap(), records);
    }
}
