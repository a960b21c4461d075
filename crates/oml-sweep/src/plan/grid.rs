//! Flows and their parameter grids: names resolved to qualified parameter names, each value
//! and each grid point checked by making the flow with it.

use std::collections::BTreeMap;
use std::path::Path;

use oml_flow::qualified_name;

use crate::error::Error;

use super::FlowEntry;

/// What is wrong with a flow entry.
pub(super) enum FlowProblem {
    /// The flow cannot be made.
    Name(oml_flow::Error),
    /// A grid value is refused.
    Param(String, oml_flow::Error),
    /// A parameter with no values, or named twice (under one name or two).
    Values(String, String),
    /// A grid point is refused.
    Point(Vec<String>, oml_flow::Error),
    /// The grid as a whole (too many points).
    Grid(String),
}

impl FlowProblem {
    /// The error of flow entry `index`, placed in `path` at `line`.
    pub(super) fn into_error(
        self,
        index: usize,
        path: Option<&Path>,
        line: Option<usize>,
    ) -> Error {
        let path = path.map(Path::to_owned);
        let flow = |entry: String, source| Error::Flow {
            path: path.clone(),
            line,
            entry,
            source: Box::new(source),
        };
        let invalid = |entry: String, message| Error::Invalid {
            path: path.clone(),
            line,
            entry,
            message,
        };
        match self {
            FlowProblem::Name(source) => flow(format!("flows[{index}].name"), source),
            FlowProblem::Param(name, source) => flow(format!("flows[{index}].grid.{name}"), source),
            FlowProblem::Point(point, source) => {
                flow(format!("flows[{index}].grid ({})", point.join(" ")), source)
            }
            FlowProblem::Values(name, message) => {
                invalid(format!("flows[{index}].grid.{name}"), message)
            }
            FlowProblem::Grid(message) => invalid(format!("flows[{index}].grid"), message),
        }
    }
}

/// The most grid points one flow may have.
pub(super) const MAX_POINTS: usize = 1_000_000;

/// The most jobs one sweep may expand to.
pub const MAX_JOBS: usize = 1_000_000;

/// The grid of a flow entry with each name resolved to the flow's qualified parameter name
/// (`max_depth` is `estimator.max_depth`), sorted by it. Checks that the flow can be made, and
/// made with each grid value alone; that every parameter has values and is named once.
pub(super) fn checked_grid(entry: &FlowEntry) -> Result<Vec<(String, Vec<String>)>, FlowProblem> {
    let make = || oml_flow::builtin_flow(&entry.flow).map_err(FlowProblem::Name);
    let defaults = make()?;
    let mut grid: Vec<(String, Vec<String>)> = Vec::with_capacity(entry.grid.len());
    let mut written: BTreeMap<String, &str> = BTreeMap::new();
    for (name, values) in &entry.grid {
        if values.is_empty() {
            return Err(FlowProblem::Values(name.clone(), "no values".into()));
        }
        let mut qualified = None;
        for value in values {
            // As written: an unknown or ambiguous name is the flow's error.
            oml_flow::set_parameters(&mut make()?, &[format!("{name}={value}")])
                .map_err(|e| FlowProblem::Param(name.clone(), e))?;
            let unresolved = || {
                FlowProblem::Values(
                    name.clone(),
                    format!(
                        "cannot tell which parameter of flow `{}` this is",
                        entry.flow
                    ),
                )
            };
            // One rule resolves a name for `set_parameters` and here: oml_flow's.
            qualified = Some(qualified_name(&defaults, name.trim()).ok_or_else(unresolved)?);
        }
        let qualified = qualified.unwrap_or_default();
        if let Some(other) = written.insert(qualified.clone(), name) {
            let message = if other == name {
                "given twice".to_owned()
            } else {
                format!("names the same parameter as `{other}` ({qualified}): give it once")
            };
            return Err(FlowProblem::Values(name.clone(), message));
        }
        grid.push((
            qualified,
            values.iter().map(|value| value.trim().to_owned()).collect(),
        ));
    }
    grid.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(grid)
}

/// The grid points of a flow entry, as `NAME=VALUE` lists sorted by qualified name, the last
/// parameter varying fastest; each checked by making the flow with it.
pub(super) fn grid_points(entry: &FlowEntry) -> Result<Vec<Vec<String>>, FlowProblem> {
    let grid = checked_grid(entry)?;
    let count = grid
        .iter()
        .try_fold(1usize, |n, (_, values)| n.checked_mul(values.len()))
        .filter(|&n| n <= MAX_POINTS)
        .ok_or_else(|| FlowProblem::Grid(format!("more than {MAX_POINTS} grid points")))?;
    let mut points = Vec::with_capacity(count);
    for mut position in 0..count {
        let mut point = vec![String::new(); grid.len()];
        for (slot, (name, values)) in point.iter_mut().zip(&grid).rev() {
            *slot = format!("{name}={}", values[position % values.len()]);
            position /= values.len();
        }
        let mut flow = oml_flow::builtin_flow(&entry.flow).map_err(FlowProblem::Name)?;
        oml_flow::set_parameters(&mut flow, &point)
            .map_err(|e| FlowProblem::Point(point.clone(), e))?;
        points.push(point);
    }
    Ok(points)
}

// The sweep file as serde reads it. Each type accepts exactly what the file format allows, so
// that toml reports a misfit with its line.
