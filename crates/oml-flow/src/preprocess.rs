//! Preprocessing steps: imputation, one-hot encoding and standard scaling, as scikit-learn's
//! `SimpleImputer`, `OneHotEncoder(handle_unknown="ignore")` and `StandardScaler`.

use ndarray::{Array2, Axis};
use oml_data::{DesignMatrix, EncodedColumn};

use crate::error::Result;
use crate::flow::{Describe, Preprocessor, Transform};
use crate::param::{Parameter, set_value, unknown_parameter};

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
/// (`NAME=missing`: 1 where the value was missing), as `add_indicator=True`. A numeric column
/// with no training value at all is filled with 0.
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
                    return Some(0.0);
                }
                let strategy = if nominal {
                    ImputeStrategy::MostFrequent
                } else {
                    self.strategy
                };
                Some(match strategy {
                    ImputeStrategy::Mean => present.iter().sum::<f64>() / present.len() as f64,
                    ImputeStrategy::Median => {
                        present.sort_by(f64::total_cmp);
                        let mid = present.len() / 2;
                        if present.len() % 2 == 1 {
                            present[mid]
                        } else {
                            (present[mid - 1] + present[mid]) / 2.0
                        }
                    }
                    ImputeStrategy::MostFrequent => most_frequent(&mut present),
                })
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

/// A fitted [`SimpleImputer`]: the fill of each column (`None`: kept missing) and the
/// columns that get a missing indicator, appended after all columns in this order.
struct Fills {
    fills: Vec<Option<f64>>,
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
            if let Some(fill) = *fill {
                column.mapv_inplace(|v| if v.is_nan() { fill } else { v });
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
                let n = present.len() as f64;
                let mean = present.iter().sum::<f64>() / n;
                let variance = present.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
                let std = variance.sqrt();
                (
                    if self.with_mean { mean } else { 0.0 },
                    if self.with_std && std > 0.0 { std } else { 1.0 },
                )
            })
            .collect();
        Ok(Box::new(Scales(scales)))
    }
}

struct Scales(Vec<(f64, f64)>);

impl Transform for Scales {
    fn transform(&self, x: &DesignMatrix) -> Result<DesignMatrix> {
        let mut out = x.clone();
        for (mut column, &(mean, std)) in out.x.axis_iter_mut(Axis(1)).zip(&self.0) {
            if (mean, std) != (0.0, 1.0) {
                column.mapv_inplace(|v| (v - mean) / std);
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
}
