//! Preprocessing steps: imputation, one-hot encoding and standard scaling, as scikit-learn's
//! `SimpleImputer`, `OneHotEncoder(handle_unknown="ignore")` and `StandardScaler`.

use ndarray::{Array2, Axis};
use oml_data::{DesignMatrix, EncodedColumn};

use crate::error::{Error, Result};
use crate::flow::{Describe, Preprocessor, Transform};
use crate::param::{Parameter, number_text, set_value, unknown_parameter};

/// How [`SimpleImputer`] fills a missing numeric value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImputeStrategy {
    /// The mean of the column's training values.
    Mean,
    /// The median of the column's training values (scikit-learn's `strategy="median"`, what
    /// the scikit-learn baselines use).
    #[default]
    Median,
    /// The most frequent training value, the smallest on ties.
    MostFrequent,
}

crate::option_value!(ImputeStrategy {
    ImputeStrategy::Mean => "mean",
    ImputeStrategy::Median => "median",
    ImputeStrategy::MostFrequent => "most_frequent",
});

/// What [`SimpleImputer`] does with a missing nominal value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NominalImpute {
    /// Keep it missing: [`OneHotEncoder`] then gives it a category of its own, as
    /// scikit-learn's `OneHotEncoder` (since 1.2) and mlr3's `po("imputeoor")` do, so that
    /// "missing" (often "not applicable" in OpenML's data) stays a signal.
    #[default]
    MissingCategory,
    /// Replace it by the column's most frequent training category (oml before 0.2, and
    /// scikit-learn's `SimpleImputer(strategy="most_frequent")`).
    MostFrequent,
}

crate::option_value!(NominalImpute {
    NominalImpute::MissingCategory => "missing_category",
    NominalImpute::MostFrequent => "most_frequent",
});

/// Fills missing values with a statistic of the training rows, as scikit-learn's
/// `SimpleImputer`. Numeric columns follow `strategy` (the median by default); nominal
/// columns follow `nominal` (kept missing, a category of its own, by default). With
/// `add_indicator`, each numeric column with missing training values gets an indicator column
/// (`NAME=missing`: 1 where the value was missing), as `add_indicator=True`. A column with no
/// training value at all (and a fill) becomes 0 in every row, test rows included: it carries
/// nothing, as scikit-learn drops such a column, and every model ignores a constant column.
#[derive(Debug, Clone, Default)]
pub struct SimpleImputer {
    strategy: ImputeStrategy,
    nominal: NominalImpute,
    add_indicator: bool,
}

impl SimpleImputer {
    /// An imputer with `strategy` for numeric columns and the other defaults.
    pub fn new(strategy: ImputeStrategy) -> Self {
        SimpleImputer {
            strategy,
            ..SimpleImputer::default()
        }
    }

    /// The strategy for numeric columns.
    pub fn strategy(&self) -> ImputeStrategy {
        self.strategy
    }

    /// What happens to missing nominal values.
    pub fn nominal(&self) -> NominalImpute {
        self.nominal
    }
}

impl Describe for SimpleImputer {
    fn name(&self) -> String {
        "oml.SimpleImputer".to_owned()
    }
    fn description(&self) -> String {
        "scikit-learn's SimpleImputer: replaces missing numeric values by the median (or mean, \
         or most frequent value) of the column's training rows, optionally adding missing \
         indicators; missing nominal values stay missing, a category of their own for the \
         one-hot encoder (as OneHotEncoder and mlr3's imputeoor), or take the most frequent \
         category"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let default = SimpleImputer::default();
        vec![
            Parameter::new(
                "strategy",
                &default.strategy,
                &self.strategy,
                "statistic that fills missing numeric values",
            ),
            Parameter::new(
                "nominal",
                &default.nominal,
                &self.nominal,
                "missing nominal values: a category of their own, or the most frequent one",
            ),
            Parameter::new(
                "add_indicator",
                &default.add_indicator,
                &self.add_indicator,
                "add a 0/1 column per numeric column with missing training values",
            ),
        ]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        match name {
            "strategy" => set_value(&mut self.strategy, name, value),
            "nominal" => set_value(&mut self.nominal, name, value),
            "add_indicator" => set_value(&mut self.add_indicator, name, value),
            _ => Err(unknown_parameter(&self.name(), name, &self.parameters())),
        }
    }
}

impl Preprocessor for SimpleImputer {
    fn fit(&self, x: &DesignMatrix) -> Result<Box<dyn Transform>> {
        let mut indicators = Vec::new();
        let fills = x
            .columns
            .iter()
            .zip(x.x.axis_iter(Axis(1)))
            .enumerate()
            .map(|(j, (column, values))| {
                let mut present: Vec<f64> =
                    values.iter().copied().filter(|v| !v.is_nan()).collect();
                let nominal = column.categories.is_some();
                if self.add_indicator && !nominal && present.len() < values.len() {
                    indicators.push(j);
                }
                if nominal && self.nominal == NominalImpute::MissingCategory {
                    return None;
                }
                if present.is_empty() {
                    return Some(Fill::Everywhere(0.0));
                }
                let strategy = if nominal {
                    ImputeStrategy::MostFrequent
                } else {
                    self.strategy
                };
                Some(Fill::Missing(match strategy {
                    ImputeStrategy::Mean => mean(&present),
                    ImputeStrategy::Median => {
                        present.sort_by(f64::total_cmp);
                        let mid = present.len() / 2;
                        if present.len() % 2 == 1 {
                            present[mid]
                        } else {
                            let (low, high) = (present[mid - 1], present[mid]);
                            match (low + high) / 2.0 {
                                // Two values near the largest number: halved first.
                                middle if middle.is_infinite() => low / 2.0 + high / 2.0,
                                middle => middle,
                            }
                        }
                    }
                    ImputeStrategy::MostFrequent => most_frequent(&mut present),
                }))
            })
            .collect();
        Ok(Box::new(Fills { fills, indicators }))
    }
}

/// The most frequent value of `values` (not empty), the smallest on ties.
fn most_frequent(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let (mut best, mut best_count) = (values[0], 0);
    let mut start = 0;
    while start < values.len() {
        let end = start
            + values[start..]
                .iter()
                .take_while(|&&v| v == values[start])
                .count();
        if end - start > best_count {
            (best, best_count) = (values[start], end - start);
        }
        start = end;
    }
    best
}

/// What a fitted [`SimpleImputer`] puts in a column.
#[derive(Debug, Clone, Copy)]
enum Fill {
    /// This value in place of each missing value.
    Missing(f64),
    /// This value in every row: the training rows had no value.
    Everywhere(f64),
}

/// A fitted [`SimpleImputer`]: the fill of each column (`None`: kept missing) and the
/// columns that get a missing indicator, appended after all columns in this order.
struct Fills {
    fills: Vec<Option<Fill>>,
    indicators: Vec<usize>,
}

impl Transform for Fills {
    fn transform(&self, x: &DesignMatrix) -> Result<DesignMatrix> {
        let mut out = if self.indicators.is_empty() {
            x.clone()
        } else {
            let flags = Array2::from_shape_fn((x.x.nrows(), self.indicators.len()), |(row, k)| {
                f64::from(u8::from(x.x[[row, self.indicators[k]]].is_nan()))
            });
            let mut columns = x.columns.clone();
            columns.extend(self.indicators.iter().map(|&j| EncodedColumn {
                name: format!("{}=missing", x.columns[j].name),
                categories: None,
            }));
            DesignMatrix {
                x: ndarray::concatenate(Axis(1), &[x.x.view(), flags.view()])
                    .expect("the same number of rows"),
                columns,
            }
        };
        for (mut column, fill) in out.x.axis_iter_mut(Axis(1)).zip(&self.fills) {
            match *fill {
                Some(Fill::Missing(fill)) => {
                    column.mapv_inplace(|v| if v.is_nan() { fill } else { v })
                }
                Some(Fill::Everywhere(fill)) => column.fill(fill),
                None => {}
            }
        }
        Ok(out)
    }
}

/// Replaces each nominal column by one indicator column per category seen in the training
/// rows (named `column=category`, in declared order), as scikit-learn's
/// `OneHotEncoder(handle_unknown="ignore")`. A missing value is a category of its own: when
/// the training rows have missing values in the column, it gets an indicator (`column=?`,
/// after the declared categories). A category not seen in training, or a missing value when
/// none was, gives zeros in all of the column's indicators. Numeric columns pass through.
#[derive(Debug, Clone, Default)]
pub struct OneHotEncoder;

impl Describe for OneHotEncoder {
    fn name(&self) -> String {
        "oml.OneHotEncoder".to_owned()
    }
    fn description(&self) -> String {
        "scikit-learn's OneHotEncoder(handle_unknown=\"ignore\"): indicator columns for the \
         categories seen in the training rows, missing values a category of their own when \
         the training rows have them; unknown categories give all zeros"
            .to_owned()
    }
}

impl Preprocessor for OneHotEncoder {
    fn fit(&self, x: &DesignMatrix) -> Result<Box<dyn Transform>> {
        let plan = x
            .columns
            .iter()
            .zip(x.x.axis_iter(Axis(1)))
            .map(|(column, values)| {
                let categories = column.categories.as_ref()?;
                // One slot per category, then one for missing values.
                let mut seen = vec![false; categories.len() + 1];
                for &v in values {
                    if v.is_nan() {
                        seen[categories.len()] = true;
                    } else if let Some(slot) = code(v, categories.len()) {
                        seen[slot] = true;
                    }
                }
                Some(
                    (0..=categories.len())
                        .filter(|&c| seen[c])
                        .collect::<Vec<usize>>(),
                )
            })
            .collect();
        Ok(Box::new(Indicators(plan)))
    }
}

/// The category index of a nominal value, `None` for missing or out-of-range values.
fn code(value: f64, n_categories: usize) -> Option<usize> {
    (value >= 0.0 && value.fract() == 0.0 && (value as usize) < n_categories)
        .then_some(value as usize)
}

/// Per input column: `None` to pass it through, or the categories that get an indicator (the
/// index one past the last category standing for missing values).
struct Indicators(Vec<Option<Vec<usize>>>);

impl Transform for Indicators {
    fn transform(&self, x: &DesignMatrix) -> Result<DesignMatrix> {
        if self.0.iter().all(Option::is_none)
            && x.columns.len() == self.0.len()
            && x.x.is_standard_layout()
        {
            // Nothing to encode: one copy of the rows, not a column at a time. Only of a
            // row-major matrix, as the encoding writes: a row's dot products sum its values in
            // an order that depends on the layout.
            return Ok(x.clone());
        }
        let width: usize = self
            .0
            .iter()
            .map(|plan| plan.as_ref().map_or(1, Vec::len))
            .sum();
        let mut out = Array2::<f64>::zeros((x.x.nrows(), width));
        let mut columns = Vec::with_capacity(width);
        let mut k = 0;
        for ((column, values), plan) in x.columns.iter().zip(x.x.axis_iter(Axis(1))).zip(&self.0) {
            match (plan, &column.categories) {
                (Some(kept), Some(categories)) => {
                    let missing = categories.len();
                    let mut slot_of = vec![usize::MAX; missing + 1];
                    for (offset, &category) in kept.iter().enumerate() {
                        slot_of[category] = k + offset;
                        let label = categories.get(category).map_or("?", String::as_str);
                        columns.push(EncodedColumn {
                            name: format!("{}={label}", column.name),
                            categories: None,
                        });
                    }
                    for (row, &v) in values.iter().enumerate() {
                        let category = if v.is_nan() {
                            Some(missing)
                        } else {
                            code(v, categories.len())
                        };
                        if let Some(slot) = category.map(|c| slot_of[c])
                            && slot != usize::MAX
                        {
                            out[[row, slot]] = 1.0;
                        }
                    }
                    k += kept.len();
                }
                _ => {
                    out.column_mut(k).assign(&values);
                    columns.push(column.clone());
                    k += 1;
                }
            }
        }
        Ok(DesignMatrix { x: out, columns })
    }
}

/// Centres numeric columns on their training mean and divides them by their training standard
/// deviation (population, as scikit-learn; a constant column is only centred). Nominal
/// columns pass through. Missing values stay missing and are left out of the statistics.
/// Finite values give finite statistics, near the largest number too; a value whose
/// standardised value is beyond it is an error naming the column and the row.
#[derive(Debug, Clone)]
pub struct StandardScaler {
    with_mean: bool,
    with_std: bool,
}

impl Default for StandardScaler {
    fn default() -> Self {
        StandardScaler {
            with_mean: true,
            with_std: true,
        }
    }
}

impl Describe for StandardScaler {
    fn name(&self) -> String {
        "oml.StandardScaler".to_owned()
    }
    fn description(&self) -> String {
        "scikit-learn's StandardScaler: centres numeric columns on their training mean and \
         scales them to unit variance"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let default = StandardScaler::default();
        vec![
            Parameter::new(
                "with_mean",
                &default.with_mean,
                &self.with_mean,
                "subtract the mean",
            ),
            Parameter::new(
                "with_std",
                &default.with_std,
                &self.with_std,
                "divide by the standard deviation",
            ),
        ]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        match name {
            "with_mean" => set_value(&mut self.with_mean, name, value),
            "with_std" => set_value(&mut self.with_std, name, value),
            _ => Err(unknown_parameter(&self.name(), name, &self.parameters())),
        }
    }
}

impl Preprocessor for StandardScaler {
    fn fit(&self, x: &DesignMatrix) -> Result<Box<dyn Transform>> {
        let scales = x
            .columns
            .iter()
            .zip(x.x.axis_iter(Axis(1)))
            .map(|(column, values)| {
                if column.categories.is_some() {
                    return (0.0, 1.0);
                }
                let present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
                if present.is_empty() {
                    return (0.0, 1.0);
                }
                let (mean, std) = mean_and_std(&present);
                (
                    if self.with_mean { mean } else { 0.0 },
                    if self.with_std && std > 0.0 { std } else { 1.0 },
                )
            })
            .collect();
        Ok(Box::new(Scales(scales)))
    }
}

/// The mean of `values` (finite, not empty): the sum over the count; where the sum overflows
/// (values near the largest number), the mean of the values divided by their largest
/// magnitude, multiplied back. Finite values give a finite mean, and where the sum does not
/// overflow it is the sum over the count bit for bit.
fn mean(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if mean.is_finite() {
        return mean;
    }
    let scale = largest_magnitude(values);
    let mean = values.iter().map(|v| v / scale).sum::<f64>() / n;
    // The mean lies within the values: only rounding could take it past the largest number.
    (mean * scale).clamp(-f64::MAX, f64::MAX)
}

/// The [`mean`] and the population standard deviation of `values` (finite, not empty): the
/// root of the mean squared deviation from the mean; where the squares overflow, that of the
/// deviations divided by the values' largest magnitude, multiplied back. Finite values give
/// finite statistics, and the others are unchanged bit for bit.
fn mean_and_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = mean(values);
    let std = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    if std.is_finite() {
        return (mean, std);
    }
    let scale = largest_magnitude(values);
    let (scaled_mean, scaled) = (mean / scale, values.iter().map(|v| v / scale));
    let variance = scaled.map(|v| (v - scaled_mean).powi(2)).sum::<f64>() / n;
    // The deviation is at most the largest magnitude: only rounding could take it further.
    (mean, (variance.sqrt() * scale).min(f64::MAX))
}

/// The largest magnitude of `values`.
fn largest_magnitude(values: &[f64]) -> f64 {
    values
        .iter()
        .fold(0.0, |largest: f64, v| largest.max(v.abs()))
}

/// `(value - mean) / std`; where the difference overflows (values near the largest number of
/// opposite signs), computed from halves, which is finite wherever the quotient is.
fn standardise(value: f64, mean: f64, std: f64) -> f64 {
    let z = (value - mean) / std;
    if z.is_infinite() && value.is_finite() {
        (value / 2.0 - mean / 2.0) / std * 2.0
    } else {
        z
    }
}

struct Scales(Vec<(f64, f64)>);

impl Transform for Scales {
    /// Standardises every numeric column; a finite value whose standardised value is beyond
    /// the largest number (a test value far outside a column of tiny training deviation) is an
    /// error naming the column and the row, rather than an infinity an estimator would refuse
    /// as a missing or infinite input.
    fn transform(&self, x: &DesignMatrix) -> Result<DesignMatrix> {
        let mut out = x.clone();
        for (k, (mut values, &(mean, std))) in out.x.axis_iter_mut(Axis(1)).zip(&self.0).enumerate()
        {
            if (mean, std) == (0.0, 1.0) {
                continue;
            }
            for (row, z) in values.iter_mut().enumerate() {
                let value = *z;
                *z = standardise(value, mean, std);
                if z.is_infinite() && value.is_finite() {
                    return Err(Error::Input {
                        flow: "oml.StandardScaler".to_owned(),
                        column: x.columns[k].name.clone(),
                        problem: format!(
                            "row {row}: {} standardised by the training mean {} and standard \
                             deviation {} is beyond the largest number, {:e}",
                            number_text(value),
                            number_text(mean),
                            number_text(std),
                            f64::MAX
                        ),
                    });
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{ShapeBuilder, array};

    use super::*;

    fn matrix(x: Array2<f64>, nominal: &[Option<&[&str]>]) -> DesignMatrix {
        let columns = nominal
            .iter()
            .enumerate()
            .map(|(i, categories)| EncodedColumn {
                name: format!("c{i}"),
                categories: categories.map(|c| c.iter().map(|s| s.to_string()).collect()),
            })
            .collect();
        DesignMatrix { x, columns }
    }

    const NAN: f64 = f64::NAN;

    #[test]
    fn imputer_fills_with_training_statistics() {
        let colours: &[&str] = &["red", "green", "blue"];
        let train = matrix(
            array![[1.0, 2.0], [NAN, 2.0], [2.0, 1.0], [6.0, NAN]],
            &[None, Some(colours)],
        );
        let test = matrix(array![[NAN, NAN]], &[None, Some(colours)]);
        let fill = |strategy, nominal| {
            let mut imputer = SimpleImputer::new(strategy);
            imputer.set_parameter("nominal", nominal).unwrap();
            let fitted = imputer.fit(&train).unwrap();
            fitted.transform(&test).unwrap().x.row(0).to_vec()
        };
        assert_eq!(fill(ImputeStrategy::Mean, "most_frequent"), vec![3.0, 2.0]);
        assert_eq!(
            fill(ImputeStrategy::Median, "most_frequent"),
            vec![2.0, 2.0]
        );
        assert_eq!(
            fill(ImputeStrategy::MostFrequent, "most_frequent"),
            vec![1.0, 2.0]
        );
        // By default the median, and a missing nominal value stays missing.
        let out = SimpleImputer::default()
            .fit(&train)
            .unwrap()
            .transform(&test)
            .unwrap();
        assert_eq!(out.x[[0, 0]], 2.0);
        assert!(out.x[[0, 1]].is_nan());
    }

    /// A column with no training value carries nothing (scikit-learn drops it): 0 in every
    /// row, the test rows' values included, numeric or nominal (most frequent), so that no
    /// model sees values it was never fitted on.
    #[test]
    fn a_column_missing_in_every_training_row_is_zero_everywhere() {
        let colours: &[&str] = &["red", "green", "blue"];
        let columns = [None, Some(colours), None];
        let train = matrix(array![[NAN, NAN, 1.0], [NAN, NAN, 2.0]], &columns);
        let test = matrix(array![[1e6, 2.0, 3.0], [NAN, NAN, NAN]], &columns);
        let mut imputer = SimpleImputer::default();
        imputer.set_parameter("nominal", "most_frequent").unwrap();
        imputer.set_parameter("add_indicator", "true").unwrap();
        let fitted = imputer.fit(&train).unwrap();
        let out = fitted.transform(&test).unwrap();
        // The two empty columns, the third's median, and the first's missing indicator.
        assert_eq!(out.x.row(0).to_vec(), vec![0.0, 0.0, 3.0, 0.0]);
        assert_eq!(out.x.row(1).to_vec(), vec![0.0, 0.0, 1.5, 1.0]);
        let trained = fitted.transform(&train).unwrap();
        assert_eq!(trained.x.column(0).to_vec(), vec![0.0, 0.0]);
    }

    #[test]
    fn imputer_adds_indicators_for_numeric_columns_with_missing_training_values() {
        let train = matrix(
            array![[1.0, 5.0, 0.0], [NAN, 6.0, NAN], [3.0, 7.0, 1.0]],
            &[None, None, Some(&["a", "b"])],
        );
        let mut imputer = SimpleImputer::default();
        imputer.set_parameter("add_indicator", "true").unwrap();
        let test = matrix(
            array![[NAN, NAN, 1.0], [4.0, 1.0, NAN]],
            &[None, None, Some(&["a", "b"])],
        );
        let out = imputer.fit(&train).unwrap().transform(&test).unwrap();
        let names: Vec<&str> = out.columns.iter().map(|c| c.name.as_str()).collect();
        // Only c0 had missing training values among the numeric columns.
        assert_eq!(names, ["c0", "c1", "c2", "c0=missing"]);
        assert_eq!(out.x.row(0).to_vec()[..2], [2.0, 6.0]);
        assert_eq!(out.x.column(3).to_vec(), vec![1.0, 0.0]);
        assert!(out.x[[1, 2]].is_nan(), "nominal stays missing");
        let error = imputer
            .set_parameter("nominal", "mode")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("missing_category") && error.contains("most_frequent"),
            "{error}"
        );
    }

    #[test]
    fn all_missing_training_columns_do_not_fail() {
        let train = matrix(array![[NAN, NAN], [NAN, NAN]], &[None, Some(&["a", "b"])]);
        let imputed = SimpleImputer::default()
            .fit(&train)
            .unwrap()
            .transform(&train)
            .unwrap();
        assert_eq!(imputed.x.column(0).to_vec(), vec![0.0, 0.0]);
        let encoded = OneHotEncoder
            .fit(&imputed)
            .unwrap()
            .transform(&imputed)
            .unwrap();
        let names: Vec<&str> = encoded.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["c0", "c1=?"]);
        assert_eq!(encoded.x.column(1).to_vec(), vec![1.0, 1.0]);
    }

    #[test]
    fn one_hot_of_numeric_columns_is_the_table_row_major() {
        let train = matrix(array![[0.5, 3.0], [1.5, 4.0]], &[None, None]);
        let fitted = OneHotEncoder.fit(&train).unwrap();
        // A column-major table (as concatenating an imputer's indicators makes) comes back
        // row-major: rows then sum their dot products as the encoding's own output does.
        let mut column_major = Array2::zeros((3, 2).f());
        column_major.assign(&array![[7.0, 2.0], [8.0, 1.0], [9.0, NAN]]);
        let test = matrix(column_major, &[None, None]);
        assert!(!test.x.is_standard_layout());
        for input in [&train, &test] {
            let out = fitted.transform(input).unwrap();
            assert!(out.x.is_standard_layout());
            assert_eq!(out.x.shape(), input.x.shape());
            assert!(
                out.x
                    .iter()
                    .zip(&input.x)
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            );
            assert_eq!(out.columns.len(), 2);
        }
    }

    #[test]
    fn one_hot_keeps_training_categories_and_ignores_unknown_ones() {
        let colours: &[&str] = &["red", "green", "blue"];
        let train = matrix(array![[0.5, 0.0], [1.5, 2.0]], &[None, Some(colours)]);
        let fitted = OneHotEncoder.fit(&train).unwrap();
        let test = matrix(
            array![[7.0, 2.0], [8.0, 1.0], [9.0, NAN]],
            &[None, Some(colours)],
        );
        let out = fitted.transform(&test).unwrap();
        let names: Vec<&str> = out.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["c0", "c1=red", "c1=blue"]);
        assert!(out.columns.iter().all(|c| c.categories.is_none()));
        // No missing value in training: a missing one is unknown, all zeros.
        assert_eq!(
            out.x,
            array![[7.0, 0.0, 1.0], [8.0, 0.0, 0.0], [9.0, 0.0, 0.0]]
        );
    }

    #[test]
    fn one_hot_gives_missing_values_seen_in_training_their_own_column() {
        let colours: &[&str] = &["red", "green", "blue"];
        let train = matrix(array![[NAN], [2.0], [0.0]], &[Some(colours)]);
        let fitted = OneHotEncoder.fit(&train).unwrap();
        let test = matrix(array![[NAN], [0.0], [1.0]], &[Some(colours)]);
        let out = fitted.transform(&test).unwrap();
        let names: Vec<&str> = out.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["c0=red", "c0=blue", "c0=?"]);
        assert_eq!(
            out.x,
            array![[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
        );
    }

    #[test]
    fn scaler_uses_population_statistics_and_skips_nominal_columns() {
        let train = matrix(
            array![[1.0, 1.0, 5.0], [3.0, 0.0, 5.0]],
            &[None, Some(&["a", "b"]), None],
        );
        let fitted = StandardScaler::default().fit(&train).unwrap();
        let out = fitted.transform(&train).unwrap();
        assert_eq!(out.x, array![[-1.0, 1.0, 0.0], [1.0, 0.0, 0.0]]);
        let mut scaler = StandardScaler::default();
        scaler.set_parameter("with_mean", "false").unwrap();
        let out = scaler.fit(&train).unwrap().transform(&train).unwrap();
        assert_eq!(out.x.column(0).to_vec(), vec![1.0, 3.0]);
    }

    /// Audit of flows, defect 7: the sum of values near the largest number overflowed, the
    /// standardised column was NaN, and estimators reported it as missing values.
    #[test]
    fn scaler_and_imputer_keep_values_near_the_largest_number_finite() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        let root_half = std::f64::consts::FRAC_1_SQRT_2;
        // Mean 1.65e308 or 0 and deviations of one standard deviation: z = -1 and 1. With
        // opposite signs, the differences from the mean overflow too.
        for (low, high) in [(1.6e308, 1.7e308), (-1.7e308, 1.7e308)] {
            let train = matrix(array![[low], [high], [NAN]], &[None]);
            let out = StandardScaler::default().fit(&train).unwrap();
            let z = out.transform(&train).unwrap().x.column(0).to_vec();
            assert!(
                close(z[0], -1.0) && close(z[1], 1.0),
                "{low:e}, {high:e}: {z:?}"
            );
            assert!(z[2].is_nan(), "a missing value stays missing");
            for strategy in [ImputeStrategy::Mean, ImputeStrategy::Median] {
                let imputer = SimpleImputer::new(strategy).fit(&train).unwrap();
                let filled = imputer.transform(&train).unwrap().x[[2, 0]];
                assert!(
                    close(filled / 1e308, (low / 2.0 + high / 2.0) / 1e308),
                    "{filled}"
                );
            }
        }
        // Three values: the mean and the deviation overflow, not their quotients.
        let train = matrix(array![[-1.7e308], [1.7e308], [1.7e308]], &[None]);
        let out = StandardScaler::default().fit(&train).unwrap();
        let z = out.transform(&train).unwrap().x.column(0).to_vec();
        let expected = [-2.0 * root_half, root_half, root_half];
        for (z, expected) in z.iter().zip(expected) {
            assert!(close(*z, expected), "{z} for {expected}");
        }
        // A test value whose standardised value is beyond the largest number is an error
        // naming the column and the row.
        let train = matrix(array![[0.0], [1e-150]], &[None]);
        let test = matrix(array![[0.5], [1e200]], &[None]);
        let error = StandardScaler::default()
            .fit(&train)
            .unwrap()
            .transform(&test)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("oml.StandardScaler: column `c0`: row 1: 1e200 standardised"),
            "{error}"
        );
    }
}
