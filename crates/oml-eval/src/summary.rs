//! Run-level measures: pooled over all predictions, with per-fold values beside them.

use std::collections::BTreeMap;

use ndarray::Array2;
use oml_flow::Predictions;
use serde::Serialize;

use crate::evaluator::{Evaluation, Truth, UnitResult};
use crate::measure_info::PEAK_HEAP_MEASURE;
use crate::measures::{Measure, classification_measures, regression_measures};

/// One measure of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureSummary {
    /// The value pooled over the predictions of all units (learning curves: of the last
    /// sample, the full training set); for timings, the sum over all units.
    pub value: f64,
    /// The mean over repeats of each repeat's mean over folds (openml-python's summary).
    pub mean: f64,
    /// The mean over repeats of each repeat's population standard deviation over folds.
    pub std: f64,
    /// `per_fold[repeat][fold]`; for learning curves, the last sample's value. `NaN` (JSON
    /// `null`) for a failed unit or an undefined value.
    pub per_fold: Vec<Vec<f64>>,
    /// `per_sample[repeat][fold][sample]`, for learning curves only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_sample: Option<Vec<Vec<Vec<f64>>>>,
    /// The pooled per-class values (OpenML's `array_data`), where the measure has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_class: Option<Vec<f64>>,
}

/// Every measure of a run, by OpenML name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct RunSummary {
    /// The measures, by name.
    pub measures: BTreeMap<String, MeasureSummary>,
}

impl Evaluation {
    /// The run's measures: OpenML's measures for the task kind and its six timings.
    /// Failed units count in no pooled value and are `NaN` in the per-fold values.
    pub fn summary(&self) -> RunSummary {
        let (n_repeats, n_folds, n_samples) = self.shape;
        let mut grids: BTreeMap<String, Vec<Vec<Vec<f64>>>> = BTreeMap::new();
        let empty =
            || vec![vec![vec![f64::NAN; n_samples as usize]; n_folds as usize]; n_repeats as usize];
        for unit in &self.units {
            let (r, f, s) = (
                unit.repeat as usize,
                unit.fold as usize,
                unit.sample as usize,
            );
            let mut put = |name: &str, value: f64| {
                grids.entry(name.to_owned()).or_insert_with(empty)[r][f][s] = value;
            };
            for (name, value) in unit.timings.measures() {
                put(name, value);
            }
            if let Some(bytes) = unit.peak_heap_bytes {
                put(PEAK_HEAP_MEASURE, bytes as f64);
            }
            for measure in self.unit_measures([unit]) {
                put(measure.name, measure.value);
            }
        }
        let last_sample = n_samples.saturating_sub(1);
        let pooled_measures: Vec<Measure> =
            self.unit_measures(self.units.iter().filter(|u| u.sample == last_sample));
        let timing_totals: BTreeMap<&str, f64> = self
            .units
            .iter()
            .flat_map(|u| u.timings.measures())
            .fold(BTreeMap::new(), |mut totals, (name, value)| {
                *totals.entry(name).or_insert(0.0) += value;
                totals
            });
        let measures = grids
            .into_iter()
            .map(|(name, grid)| {
                let per_fold: Vec<Vec<f64>> = grid
                    .iter()
                    .map(|folds| {
                        folds
                            .iter()
                            .map(|samples| samples[last_sample as usize])
                            .collect()
                    })
                    .collect();
                let (mean, std) = mean_and_std(&per_fold);
                let (value, per_class) = match pooled_measures.iter().find(|m| m.name == name) {
                    Some(m) => (m.value, m.per_class.clone()),
                    None if name == PEAK_HEAP_MEASURE => (
                        self.units
                            .iter()
                            .filter_map(|u| u.peak_heap_bytes)
                            .max()
                            .map_or(f64::NAN, |bytes| bytes as f64),
                        None,
                    ),
                    None => (
                        timing_totals
                            .get(name.as_str())
                            .copied()
                            .unwrap_or(f64::NAN),
                        None,
                    ),
                };
                let summary = MeasureSummary {
                    value,
                    mean,
                    std,
                    per_fold,
                    per_sample: (n_samples > 1).then_some(grid),
                    per_class,
                };
                (name, summary)
            })
            .collect();
        RunSummary { measures }
    }

    /// The measures of the successful units among `units`, pooled.
    fn unit_measures<'a>(&self, units: impl IntoIterator<Item = &'a UnitResult>) -> Vec<Measure> {
        match &self.truth {
            Truth::Classes(classes) => {
                let n_classes = match self.kind {
                    oml_flow::TaskKind::Classification { n_classes } => n_classes,
                    _ => return Vec::new(),
                };
                let (mut truth, mut labels, mut confidences) = (Vec::new(), Vec::new(), Vec::new());
                for unit in units {
                    if let Ok(Predictions::Classes {
                        labels: l,
                        confidences: c,
                    }) = &unit.outcome
                    {
                        truth.extend(unit.rows.iter().map(|&r| classes[r as usize]));
                        labels.extend(l.iter().copied());
                        confidences.extend(c.iter().copied());
                    }
                }
                if truth.is_empty() {
                    return Vec::new();
                }
                let confidences = Array2::from_shape_vec((truth.len(), n_classes), confidences)
                    .expect("checked predictions have one row of confidences per row");
                classification_measures(&truth, &labels, confidences.view())
            }
            Truth::Values(values) => {
                let prior_mean = values.mean().unwrap_or(f64::NAN);
                let (mut truth, mut predicted) = (Vec::new(), Vec::new());
                for unit in units {
                    if let Ok(Predictions::Values(v)) = &unit.outcome {
                        truth.extend(unit.rows.iter().map(|&r| values[r as usize]));
                        predicted.extend(v.iter().copied());
                    }
                }
                if truth.is_empty() {
                    return Vec::new();
                }
                regression_measures(&truth, &predicted, prior_mean)
            }
            Truth::None => Vec::new(),
        }
    }
}

/// openml-python's summary: the mean over repeats of the fold means, and the mean over repeats
/// of the population standard deviations over folds; `NaN` values are left out.
fn mean_and_std(per_fold: &[Vec<f64>]) -> (f64, f64) {
    let (mut means, mut stds) = (Vec::new(), Vec::new());
    for folds in per_fold {
        let values: Vec<f64> = folds.iter().copied().filter(|v| !v.is_nan()).collect();
        if values.is_empty() {
            continue;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        means.push(mean);
        stds.push((values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt());
    }
    let average = |v: &[f64]| {
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    (average(&means), average(&stds))
}
