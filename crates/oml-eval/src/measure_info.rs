//! What oml knows about each measure it computes, in one table ([`MEASURES`]): which way is
//! better, what it is computed from, whether OpenML takes it in a run upload, and which measure
//! is a task kind's main one. The crates above ask here rather than guess from a name.

use Direction::{HigherIsBetter, LowerIsBetter};
use MeasureKind::{Classification, ClassificationAndRegression, Regression, Timing};

/// The measure of a unit's peak heap bytes ([`crate::peak_heap_bytes`]), in `summary.json`
/// only: per fold each unit's, as the value the largest.
pub const PEAK_HEAP_MEASURE: &str = "peak_heap_bytes";

/// Which way a measure improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A higher value is better (accuracy, AUC, R squared).
    HigherIsBetter,
    /// A lower value is better (errors, log loss, timings).
    LowerIsBetter,
}

/// What a measure is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureKind {
    /// The predictions of a classification task (labels and confidences).
    Classification,
    /// The predictions of a regression task.
    Regression,
    /// The predictions of either: an error of the confidences against the one-hot truth, or of
    /// the predicted values.
    ClassificationAndRegression,
    /// What units took, time or memory, which depends on the machine and the moment rather
    /// than on the run's inputs.
    Timing,
}

/// One measure oml computes, as [`MEASURES`] lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeasureInfo {
    /// OpenML's name (`predictive_accuracy`).
    pub name: &'static str,
    /// Which way it improves.
    pub direction: Direction,
    /// What it is computed from.
    pub kind: MeasureKind,
    /// Whether OpenML takes it among a run's uploaded evaluations. OpenML has no
    /// `math_function` for the others and rejects them (error 217): they stay in
    /// `summary.json`, out of `description.xml`.
    pub uploaded: bool,
    /// The task kind ([`Classification`](MeasureKind::Classification) or
    /// [`Regression`](MeasureKind::Regression)) whose main measure this is: the one compared
    /// when none is asked for.
    pub main_for: Option<MeasureKind>,
}

impl MeasureInfo {
    /// Whether a higher value is better.
    pub fn higher_is_better(&self) -> bool {
        self.direction == HigherIsBetter
    }

    /// Whether it is a timing ([`MeasureKind::Timing`]), left out wherever only what the run's
    /// inputs decide should count.
    pub fn is_timing(&self) -> bool {
        self.kind == Timing
    }
}

/// Every measure oml computes, by OpenML name: classification, regression, then the timings
/// (the order of [`MEASURE_NAMES`]).
pub const MEASURES: &[MeasureInfo] = &[
    main_of(
        Classification,
        measure("predictive_accuracy", HigherIsBetter, Classification, true),
    ),
    measure("kappa", HigherIsBetter, Classification, true),
    measure("precision", HigherIsBetter, Classification, true),
    measure("recall", HigherIsBetter, Classification, true),
    measure("f_measure", HigherIsBetter, Classification, true),
    measure("area_under_roc_curve", HigherIsBetter, Classification, true),
    measure(
        "mean_absolute_error",
        LowerIsBetter,
        ClassificationAndRegression,
        true,
    ),
    main_of(
        Regression,
        measure(
            "root_mean_squared_error",
            LowerIsBetter,
            ClassificationAndRegression,
            true,
        ),
    ),
    measure("log_loss", LowerIsBetter, Classification, false),
    measure("relative_absolute_error", LowerIsBetter, Regression, true),
    measure(
        "root_relative_squared_error",
        LowerIsBetter,
        Regression,
        true,
    ),
    measure("r_squared", HigherIsBetter, Regression, false),
    measure("usercpu_time_millis_training", LowerIsBetter, Timing, true),
    measure(
        "wall_clock_time_millis_training",
        LowerIsBetter,
        Timing,
        true,
    ),
    measure("usercpu_time_millis_testing", LowerIsBetter, Timing, true),
    measure("usercpu_time_millis", LowerIsBetter, Timing, true),
    measure(
        "wall_clock_time_millis_testing",
        LowerIsBetter,
        Timing,
        true,
    ),
    measure("wall_clock_time_millis", LowerIsBetter, Timing, true),
    // oml's own: the most heap bytes a unit held (its value: the largest unit's); OpenML has
    // no such measure, so it is never uploaded.
    measure(PEAK_HEAP_MEASURE, LowerIsBetter, Timing, false),
];

/// The names of [`MEASURES`], in its order. A measure name given by a user (a sweep file,
/// `oml collect --measure`, `oml evaluations --function`) is checked against it
/// ([`check_measure`]).
pub const MEASURE_NAMES: &[&str] = &{
    let mut names = [""; MEASURES.len()];
    let mut i = 0;
    while i < MEASURES.len() {
        names[i] = MEASURES[i].name;
        i += 1;
    }
    names
};

/// The measure named `name`, if oml computes it.
pub fn measure_info(name: &str) -> Option<&'static MeasureInfo> {
    MEASURES.iter().find(|m| m.name == name)
}

/// The main measure of task kind `kind` (classification: predictive accuracy; regression: root
/// mean squared error); none for other kinds.
pub const fn main_measure(kind: MeasureKind) -> Option<&'static MeasureInfo> {
    let mut i = 0;
    while i < MEASURES.len() {
        if let Some(main_for) = MEASURES[i].main_for
            && main_for as u8 == kind as u8
        {
            return Some(&MEASURES[i]);
        }
        i += 1;
    }
    None
}

/// `Ok` for a name of [`MEASURE_NAMES`]; otherwise a message that lists them.
pub fn check_measure(name: &str) -> std::result::Result<(), String> {
    if measure_info(name).is_some() {
        return Ok(());
    }
    Err(format!(
        "unknown measure `{name}`; the measures are: {}",
        MEASURE_NAMES.join(", ")
    ))
}

/// A measure that is no task kind's main one.
const fn measure(
    name: &'static str,
    direction: Direction,
    kind: MeasureKind,
    uploaded: bool,
) -> MeasureInfo {
    MeasureInfo {
        name,
        direction,
        kind,
        uploaded,
        main_for: None,
    }
}

/// `info` as the main measure of task kind `kind`.
const fn main_of(kind: MeasureKind, info: MeasureInfo) -> MeasureInfo {
    MeasureInfo {
        main_for: Some(kind),
        ..info
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_listed_in_table_order() {
        assert_eq!(MEASURE_NAMES.len(), MEASURES.len());
        for (info, name) in MEASURES.iter().zip(MEASURE_NAMES) {
            assert_eq!(info.name, *name);
            assert_eq!(measure_info(name), Some(info));
        }
        assert_eq!(measure_info("accuracy"), None);
    }

    #[test]
    fn each_task_kind_has_one_main_measure() {
        let name = |kind| main_measure(kind).map(|m| m.name);
        assert_eq!(name(Classification), Some("predictive_accuracy"));
        assert_eq!(name(Regression), Some("root_mean_squared_error"));
        assert_eq!(name(Timing), None);
        assert_eq!(MEASURES.iter().filter(|m| m.main_for.is_some()).count(), 2);
    }

    #[test]
    fn errors_losses_and_timings_are_better_lower() {
        for info in MEASURES {
            let lower =
                info.name.ends_with("_error") || info.name == "log_loss" || info.is_timing();
            assert_eq!(info.higher_is_better(), !lower, "{}", info.name);
        }
    }

    #[test]
    fn log_loss_r_squared_and_peak_heap_are_not_uploaded() {
        let local: Vec<&str> = MEASURES
            .iter()
            .filter(|m| !m.uploaded)
            .map(|m| m.name)
            .collect();
        assert_eq!(local, ["log_loss", "r_squared", PEAK_HEAP_MEASURE]);
    }
}
