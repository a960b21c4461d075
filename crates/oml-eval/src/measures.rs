//! OpenML's evaluation measures, defined as OpenML's evaluation engine defines them
//! (`openml-formats.md` section 10.2), on one set of predictions.

use ndarray::ArrayView2;

/// One measure's value, with its per-class values where OpenML gives them (`array_data`).
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// OpenML's name (`predictive_accuracy`).
    pub name: &'static str,
    /// The value; `NaN` where it is undefined (an AUC with one class present).
    pub value: f64,
    /// Per-class values, in the task's class order, where OpenML reports them.
    pub per_class: Option<Vec<f64>>,
}

impl Measure {
    fn scalar(name: &'static str, value: f64) -> Self {
        Measure {
            name,
            value,
            per_class: None,
        }
    }
}

/// The classification measures of predictions `labels` with `confidences` (rows x classes)
/// against `truth`, class indices out of `confidences.ncols()`: predictive accuracy, Cohen's
/// kappa, support-weighted precision, recall and F-measure and one-vs-rest ROC AUC (each with
/// per-class values), the mean absolute and root mean squared error of the confidences
/// against the one-hot truth (averaged over classes), and the log loss (natural log,
/// confidences clipped to [eps, 1 - eps] with eps the `f64` machine epsilon, as
/// scikit-learn 1.9's `log_loss`).
pub fn classification_measures(
    truth: &[usize],
    labels: &[usize],
    confidences: ArrayView2<'_, f64>,
) -> Vec<Measure> {
    measures_of_classes(truth, labels, confidences, None)
}

/// The value of the classification measure `name` ([`classification_measures`]), `None` for
/// a name that is not one. The measures of the confidences are computed only when asked for:
/// a search scoring many candidates by accuracy skips the ROC AUC's sorts (one per class) and
/// the log loss's logarithms (one per row).
pub(crate) fn classification_measure(
    name: &str,
    truth: &[usize],
    labels: &[usize],
    confidences: ArrayView2<'_, f64>,
) -> Option<f64> {
    value_of(
        name,
        measures_of_classes(truth, labels, confidences, Some(name)),
    )
}

/// OpenML's name of the one-vs-rest ROC AUC.
const AUC: &str = "area_under_roc_curve";

/// The measures of the confidences against the one-hot truth.
const CONFIDENCE_ERRORS: [&str; 3] = ["mean_absolute_error", "root_mean_squared_error", "log_loss"];

/// [`classification_measures`]; with `only`, the measures of the confidences (the ROC AUC,
/// [`CONFIDENCE_ERRORS`]) are left out unless `only` names them.
fn measures_of_classes(
    truth: &[usize],
    labels: &[usize],
    confidences: ArrayView2<'_, f64>,
    only: Option<&str>,
) -> Vec<Measure> {
    let with_auc = only.is_none_or(|name| name == AUC);
    let with_errors = only.is_none_or(|name| CONFIDENCE_ERRORS.contains(&name));
    let n_classes = confidences.ncols();
    let n = truth.len();
    let mut confusion = vec![vec![0usize; n_classes]; n_classes];
    for (&actual, &predicted) in truth.iter().zip(labels) {
        confusion[actual][predicted] += 1;
    }
    let support: Vec<usize> = confusion.iter().map(|row| row.iter().sum()).collect();
    let predicted_count: Vec<usize> = (0..n_classes)
        .map(|k| confusion.iter().map(|row| row[k]).sum())
        .collect();
    let correct: usize = (0..n_classes).map(|k| confusion[k][k]).sum();
    let accuracy = ratio(correct as f64, n as f64);

    let expected: f64 = (0..n_classes)
        .map(|k| support[k] as f64 * predicted_count[k] as f64)
        .sum::<f64>()
        / (n as f64 * n as f64);
    // Undefined (0/0) when truth and predictions are all one class, as in scikit-learn.
    let kappa = if expected >= 1.0 {
        f64::NAN
    } else {
        (accuracy - expected) / (1.0 - expected)
    };

    let precision: Vec<f64> = (0..n_classes)
        .map(|k| zero_if_nan(ratio(confusion[k][k] as f64, predicted_count[k] as f64)))
        .collect();
    let recall: Vec<f64> = (0..n_classes)
        .map(|k| zero_if_nan(ratio(confusion[k][k] as f64, support[k] as f64)))
        .collect();
    let f_measure: Vec<f64> = precision
        .iter()
        .zip(&recall)
        .map(|(&p, &r)| {
            if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            }
        })
        .collect();
    let auc: Vec<f64> = if with_auc {
        (0..n_classes)
            .map(|k| one_vs_rest_auc(truth, &confidences.column(k).to_vec(), k))
            .collect()
    } else {
        Vec::new()
    };

    let weighted = |values: &[f64]| -> f64 {
        let (mut sum, mut weight) = (0.0, 0.0);
        for (k, &v) in values.iter().enumerate() {
            if !v.is_nan() {
                sum += v * support[k] as f64;
                weight += support[k] as f64;
            }
        }
        ratio(sum, weight)
    };

    let mut measures = vec![
        Measure::scalar("predictive_accuracy", accuracy),
        Measure::scalar("kappa", kappa),
        Measure {
            name: "precision",
            value: weighted(&precision),
            per_class: Some(precision),
        },
        Measure {
            name: "recall",
            value: weighted(&recall),
            per_class: Some(recall),
        },
        Measure {
            name: "f_measure",
            value: weighted(&f_measure),
            per_class: Some(f_measure),
        },
    ];
    if with_auc {
        measures.push(Measure {
            name: AUC,
            value: weighted(&auc),
            per_class: Some(auc),
        });
    }
    if with_errors {
        let (mut absolute, mut squared, mut log_loss) = (0.0, 0.0, 0.0);
        for (row, &actual) in confidences.rows().into_iter().zip(truth) {
            for (k, &p) in row.iter().enumerate() {
                let y = if k == actual { 1.0 } else { 0.0 };
                absolute += (p - y).abs();
                squared += (p - y) * (p - y);
            }
            log_loss -= libm::log(row[actual].clamp(f64::EPSILON, 1.0 - f64::EPSILON));
        }
        let cells = (n * n_classes) as f64;
        measures.extend([
            Measure::scalar(CONFIDENCE_ERRORS[0], ratio(absolute, cells)),
            Measure::scalar(CONFIDENCE_ERRORS[1], ratio(squared, cells).sqrt()),
            Measure::scalar(CONFIDENCE_ERRORS[2], ratio(log_loss, n as f64)),
        ]);
    }
    measures
}

/// The regression measures of `predicted` against `truth`: mean absolute and root mean squared
/// error, both relative to predicting `prior_mean` (OpenML's engine takes the mean of the
/// whole dataset's target), and R squared against the mean of `truth` (scikit-learn's
/// `r2_score`).
pub fn regression_measures(truth: &[f64], predicted: &[f64], prior_mean: f64) -> Vec<Measure> {
    let n = truth.len() as f64;
    let (mut absolute, mut squared, mut prior_absolute, mut prior_squared) = (0.0, 0.0, 0.0, 0.0);
    for (&y, &p) in truth.iter().zip(predicted) {
        absolute += (y - p).abs();
        squared += (y - p) * (y - p);
        prior_absolute += (y - prior_mean).abs();
        prior_squared += (y - prior_mean) * (y - prior_mean);
    }
    let mean = truth.iter().sum::<f64>() / n;
    let total: f64 = truth.iter().map(|&y| (y - mean) * (y - mean)).sum();
    vec![
        Measure::scalar("mean_absolute_error", ratio(absolute, n)),
        Measure::scalar("root_mean_squared_error", ratio(squared, n).sqrt()),
        Measure::scalar("relative_absolute_error", ratio(absolute, prior_absolute)),
        Measure::scalar(
            "root_relative_squared_error",
            ratio(squared, prior_squared).sqrt(),
        ),
        Measure::scalar("r_squared", 1.0 - ratio(squared, total)),
    ]
}

/// The value of the regression measure `name` ([`regression_measures`]), `None` for a name
/// that is not one.
pub(crate) fn regression_measure(
    name: &str,
    truth: &[f64],
    predicted: &[f64],
    prior_mean: f64,
) -> Option<f64> {
    value_of(name, regression_measures(truth, predicted, prior_mean))
}

/// The value of the measure `name` in `measures`.
fn value_of(name: &str, measures: Vec<Measure>) -> Option<f64> {
    measures
        .into_iter()
        .find(|m| m.name == name)
        .map(|m| m.value)
}

/// The area under the ROC curve of `scores` for class `positive` against the rest: the
/// probability that a positive row scores above a negative one, ties counting one half
/// (Mann-Whitney U with mid-ranks). `NaN` when one of the two groups is empty.
pub fn one_vs_rest_auc(truth: &[usize], scores: &[f64], positive: usize) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let (mut positive_rank_sum, mut positives) = (0.0, 0usize);
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        let mid_rank = (start + end + 1) as f64 / 2.0;
        for &row in &order[start..end] {
            if truth[row] == positive {
                positive_rank_sum += mid_rank;
                positives += 1;
            }
        }
        start = end;
    }
    let negatives = scores.len() - positives;
    if positives == 0 || negatives == 0 {
        return f64::NAN;
    }
    let p = positives as f64;
    (positive_rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64)
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator == 0.0 {
        f64::NAN
    } else {
        numerator / denominator
    }
}

fn zero_if_nan(value: f64) -> f64 {
    if value.is_nan() { 0.0 } else { value }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    fn value(measures: &[Measure], name: &str) -> f64 {
        measures.iter().find(|m| m.name == name).unwrap().value
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn classification_measures_worked_by_hand() {
        // Truth 0 0 1 1 2; predictions 0 1 1 1 0.
        let truth = [0, 0, 1, 1, 2];
        let labels = [0, 1, 1, 1, 0];
        let confidences = array![
            [0.6, 0.3, 0.1],
            [0.4, 0.5, 0.1],
            [0.2, 0.7, 0.1],
            [0.1, 0.8, 0.1],
            [0.5, 0.2, 0.3],
        ];
        let m = classification_measures(&truth, &labels, confidences.view());
        close(value(&m, "predictive_accuracy"), 0.6);
        // Confusion rows (actual) [1 1 0] [0 2 0] [1 0 0]: po 0.6, pe (2*2 + 2*3 + 1*0)/25 = 0.4.
        close(value(&m, "kappa"), (0.6 - 0.4) / 0.6);
        // Precision per class 1/2, 2/3, 0; support 2, 2, 1.
        close(value(&m, "precision"), (0.5 * 2.0 + 2.0 / 3.0 * 2.0) / 5.0);
        close(value(&m, "recall"), 0.6);
        // F1: class 0 p .5 r .5 -> .5; class 1 p 2/3 r 1 -> .8; class 2 -> 0.
        close(value(&m, "f_measure"), (0.5 * 2.0 + 0.8 * 2.0) / 5.0);
        // AUC class 0: positives 0.6, 0.4 against 0.2, 0.1, 0.5: pairs won 3 + 2 = 5 of 6.
        // Class 1: positives .7 .8 against .3 .5 .2: 6 of 6. Class 2: .3 against four .1: 1.
        let auc = m.iter().find(|m| m.name == "area_under_roc_curve").unwrap();
        assert_eq!(auc.per_class.as_deref(), Some(&[5.0 / 6.0, 1.0, 1.0][..]));
        close(auc.value, (5.0 / 6.0 * 2.0 + 2.0 + 1.0) / 5.0);
        // Absolute errors per row: .8, 1.2, .6, .4, 1.4 = 4.4 over 15 cells.
        close(value(&m, "mean_absolute_error"), 4.4 / 15.0);
        // Squared errors per row: .26, .62, .14, .06, .78 = 1.86 over 15 cells.
        close(
            value(&m, "root_mean_squared_error"),
            (1.86f64 / 15.0).sqrt(),
        );
        let log_loss = -(libm::log(0.6f64)
            + libm::log(0.4f64)
            + libm::log(0.7f64)
            + libm::log(0.8f64)
            + libm::log(0.3f64))
            / 5.0;
        close(value(&m, "log_loss"), log_loss);
        // One measure by name is the list's value, the AUC included; other names are none.
        assert_eq!(m.len(), 9);
        for measure in &m {
            let one = classification_measure(measure.name, &truth, &labels, confidences.view());
            assert_eq!(one, Some(measure.value), "{}", measure.name);
        }
        let r2 = classification_measure("r_squared", &truth, &labels, confidences.view());
        assert_eq!(r2, None);
        // The measures of the confidences are left out unless asked for.
        let accuracy = Some("predictive_accuracy");
        let names = |only| -> Vec<&str> {
            let m = measures_of_classes(&truth, &labels, confidences.view(), only);
            m.iter().map(|m| m.name).collect()
        };
        assert_eq!(
            names(accuracy),
            [
                "predictive_accuracy",
                "kappa",
                "precision",
                "recall",
                "f_measure"
            ]
        );
        assert_eq!(names(Some("log_loss")).len(), 8);
        assert_eq!(names(Some(AUC)).len(), 6);
    }

    #[test]
    fn auc_counts_ties_as_half_and_is_undefined_without_negatives() {
        // Positives .5 and .9 against negatives .5 and .2: pairs won 0.5 + 1 + 1 + 1 of 4.
        close(
            one_vs_rest_auc(&[0, 1, 0, 1], &[0.5, 0.5, 0.2, 0.9], 1),
            3.5 / 4.0,
        );
        assert!(one_vs_rest_auc(&[1, 1], &[0.1, 0.2], 1).is_nan());
    }

    #[test]
    fn regression_measures_worked_by_hand() {
        let m = regression_measures(&[1.0, 2.0, 3.0, 6.0], &[2.0, 2.0, 2.0, 4.0], 3.0);
        // Errors 1, 0, 1, 2: absolute 4, squared 6.
        close(value(&m, "mean_absolute_error"), 1.0);
        close(value(&m, "root_mean_squared_error"), (6.0f64 / 4.0).sqrt());
        // Prior 3: absolute 2 + 1 + 0 + 3 = 6, squared 4 + 1 + 0 + 9 = 14; the truth's own
        // mean is 3 too, so R squared is 1 - 6/14.
        close(value(&m, "relative_absolute_error"), 4.0 / 6.0);
        close(
            value(&m, "root_relative_squared_error"),
            (6.0f64 / 14.0).sqrt(),
        );
        close(value(&m, "r_squared"), 1.0 - 6.0 / 14.0);
    }
}
