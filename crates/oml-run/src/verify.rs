//! Comparing a run with the same run made again: what `oml verify` reports.

use oml_data::arff::{Arff, Column};
use oml_eval::MeasureInfo;

use std::path::Path;

use crate::error::Result;
use crate::run::{Run, changed_files};

/// The most differing rows a comparison lists one by one.
const MAX_LISTED_ROWS: usize = 10;

/// Whether `measure` is a timing (oml-eval's [`MeasureInfo::is_timing`]): it depends on the
/// machine and the moment, not on the run's inputs, and is left out of the comparison.
pub fn is_timing(measure: &str) -> bool {
    oml_eval::measure_info(measure).is_some_and(MeasureInfo::is_timing)
}

/// The files of the run directory `dir` changed after the run was written (their digests are
/// not the ones its manifest records), one sentence each: a run that is not as oml wrote it,
/// which `oml verify` reports before anything else. A file that cannot be read is an error.
pub fn changed_since_written(dir: &Path) -> Result<Vec<String>> {
    Ok(changed_files(dir)?
        .into_iter()
        .map(|name| {
            format!(
                "{name}: changed after the run was written (its digest is not the one \
                 manifest.json records)"
            )
        })
        .collect())
}

/// The differences between a stored run and the same run made again, one sentence each; empty
/// when the predictions are byte-identical, every measure but the timings is equal and the
/// manifest describes the same task, flow and units.
pub fn compare_runs(stored: &Run, again: &Run) -> Vec<String> {
    let mut out = Vec::new();
    let (then, now) = (&stored.manifest, &again.manifest);
    let fields = [
        ("task_id", json(&then.task_id), json(&now.task_id)),
        ("flow_name", json(&then.flow_name), json(&now.flow_name)),
        ("n_units", json(&then.n_units), json(&now.n_units)),
    ];
    for (field, then, now) in fields {
        if then != now {
            out.push(format!(
                "manifest.json: {field} is {then} stored, {now} in the run made again"
            ));
        }
    }
    for input in ["dataset", "splits"] {
        let (before, now) = (
            stored.manifest.digests.get(input),
            again.manifest.digests.get(input),
        );
        if before != now {
            out.push(format!(
                "the task's {input} is not the one the run was made on ({} then, {} now)",
                before.map_or("unknown", String::as_str),
                now.map_or("unknown", String::as_str)
            ));
        }
    }
    let (then, now) = (
        &stored.manifest.flow_external_version,
        &again.manifest.flow_external_version,
    );
    if then != now {
        out.push(format!(
            "the flow's software is not the one the run was made with ({then} then, {now} now): \
             its results may differ"
        ));
    }
    out.extend(compare_predictions(&stored.predictions, &again.predictions));
    out.extend(compare_measures(&stored.summary, &again.summary));
    let bytes = |trace: &Option<Arff>| trace.as_ref().map(|t| t.to_bytes().ok());
    if bytes(&stored.trace) != bytes(&again.trace) {
        out.push("trace.arff differs: the search chose or scored its candidates otherwise".into());
    }
    out
}

/// A manifest field as JSON text.
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Row-by-row differences of two predictions files.
fn compare_predictions(stored: &Arff, again: &Arff) -> Vec<String> {
    // Byte for byte: the files as written (a derived `==` would call two NaNs different).
    match (stored.to_bytes(), again.to_bytes()) {
        (Ok(a), Ok(b)) if a == b => return Vec::new(),
        _ => {}
    }
    let names = |arff: &Arff| {
        arff.attributes
            .iter()
            .map(|a| a.name.clone())
            .collect::<Vec<_>>()
    };
    if stored.attributes != again.attributes {
        return vec![format!(
            "predictions.arff: the columns differ: {:?} stored, {:?} now",
            names(stored),
            names(again)
        )];
    }
    let mut out = Vec::new();
    if stored.n_rows() != again.n_rows() {
        out.push(format!(
            "predictions.arff: {} rows stored, {} now",
            stored.n_rows(),
            again.n_rows()
        ));
    }
    let key = |arff: &Arff, row: usize| {
        ["repeat", "fold", "sample", "row_id"]
            .iter()
            .filter_map(|name| {
                let j = arff.attribute_index(name)?;
                match &arff.columns[j] {
                    Column::Numeric(values) => Some(format!("{name} {}", values[row])),
                    _ => Some(format!("{name} {}", cell(arff, j, row))),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut differing = 0;
    for row in 0..stored.n_rows().min(again.n_rows()) {
        let columns: Vec<String> = (0..stored.attributes.len())
            .filter(|&j| cell(stored, j, row) != cell(again, j, row))
            .map(|j| {
                format!(
                    "{} {} stored, {} now",
                    stored.attributes[j].name,
                    cell(stored, j, row),
                    cell(again, j, row)
                )
            })
            .collect();
        if columns.is_empty() {
            continue;
        }
        differing += 1;
        if differing <= MAX_LISTED_ROWS {
            out.push(format!(
                "predictions.arff, {}: {}",
                key(stored, row),
                columns.join("; ")
            ));
        }
    }
    if differing > MAX_LISTED_ROWS {
        out.push(format!(
            "predictions.arff: {} more rows differ",
            differing - MAX_LISTED_ROWS
        ));
    }
    if out.is_empty() {
        out.push("predictions.arff: the values are equal but the files differ (header)".to_owned());
    }
    out
}

/// A cell as text: numbers in Rust's round-trip form (so any bit of difference shows), nominal
/// values by label.
fn cell(arff: &Arff, column: usize, row: usize) -> String {
    match &arff.columns[column] {
        Column::Numeric(values) => format!("{:?}", values[row]),
        Column::Nominal(codes) => arff.attributes[column]
            .kind
            .categories()
            .and_then(|labels| labels.get(codes[row] as usize))
            .cloned()
            .unwrap_or_else(|| "?".to_owned()),
        Column::String(values) => values[row].clone().unwrap_or_else(|| "?".to_owned()),
        Column::Date(values) => values[row].map_or_else(|| "?".to_owned(), |v| v.to_string()),
    }
}

/// Differences of the measures in two `summary.json` values, timings left out.
fn compare_measures(stored: &serde_json::Value, again: &serde_json::Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let (stored, again) = (
        stored.as_object().unwrap_or(&empty),
        again.as_object().unwrap_or(&empty),
    );
    let mut names: Vec<&String> = stored.keys().chain(again.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| !is_timing(name))
        .filter_map(|name| match (stored.get(name), again.get(name)) {
            (Some(a), Some(b)) if a == b => None,
            (Some(a), Some(b)) => Some(format!(
                "measure {name}: {} stored, {} now",
                a.get("value").unwrap_or(a),
                b.get("value").unwrap_or(b)
            )),
            (Some(_), None) => Some(format!("measure {name}: stored, but not computed now")),
            (None, _) => Some(format!("measure {name}: computed now, but not stored")),
        })
        .collect()
}
