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
    #[default]
    Mean,
    /// The median of the column's training values.
    Median,
    /// The most frequent training value, the smallest on ties.
    MostFrequent,
}

crate::option_value!(ImputeStrategy {
    ImputeStrategy::Mean => "mean",
    ImputeStrategy::Median => "median",
    ImputeStrategy::MostFrequent => "most_frequent",
});

/// Fills missing values with a statistic of the training rows. Numeric columns follow
/// `strategy`; nominal columns always take their most frequent category. A column with no
/// training value at all is filled with 0 (the first category for a nominal column).
#[derive(Debug, Clone, Default)]
pub struct SimpleImputer {
    strategy: ImputeStrategy,
}

impl SimpleImputer {
    /// An imputer with `strategy` for numeric columns. By default, the mean.
    pub fn new(strategy: ImputeStrategy) -> Self {
        SimpleImputer { strategy }
    }

    /// The strategy for numeric columns.
    pub fn strategy(&self) -> ImputeStrategy {
        self.strategy
    }
}

impl Describe for SimpleImputer {
    fn name(&self) -> String {
        "oml.SimpleImputer".to_owned()
    }
    fn description(&self) -> String {
        "Replaces missing values by the mean, median or most frequent value of the column's \
         training rows (nominal columns: the most frequent category)"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        vec![Parameter::new(
            "strategy",
            &ImputeStrategy::default(),
            &self.strategy,
            "statistic that fills missing numeric values",
        )]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        match name {
            "strategy" => set_value(&mut self.strategy, name, value),
            _ => Err(unknown_parameter(&self.name(), name, &self.parameters())),
        }
    }
}

impl Preprocessor for SimpleImputer {
    fn fit(&self, x: &DesignMatrix) -> Result<Box<dyn Transform>> {
        let fills = x
            .columns
            .iter()
            .zip(x.x.axis_iter(Axis(1)))
            .map(|(column, values)| {
                let mut present: Vec<f64> =
                    values.iter().copied().filter(|v| !v.is_nan()).collect();
                if present.is_empty() {
                    return 0.0;
                }
                let strategy = if column.categories.is_some() {
                    ImputeStrategy::MostFrequent
                } else {
                    self.strategy
                };
                match strategy {
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
                }
            })
            .collect();
        Ok(Box::new(Fills(fills)))
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

struct Fills(Vec<f64>);

impl Transform for Fills {
    fn transform(&self, x: &DesignMatrix) -> Result<DesignMatrix> {
        let mut out = x.clone();
        for (mut column, &fill) in out.x.axis_iter_mut(Axis(1)).zip(&self.0) {
            column.mapv_inplace(|v| if v.is_nan() { fill } else { v });
        }
        Ok(out)
    }
}

/// Replaces each nominal column by one indicator column per category seen in the training
/// rows (named `column=category`, in declared order). A category not seen in training, or a
/// missing value, gives zeros in all of the column's indicators. Numeric columns pass through.
#[derive(Debug, Clone, Default)]
pub struct OneHotEncoder;

impl Describe for OneHotEncoder {
    fn name(&self) -> String {
        "oml.OneHotEncoder".to_owned()
    }
    fn description(&self) -> String {
        "Encodes each nominal column as indicator columns for the categories seen in the training \
         rows; unknown categories and missing values give all zeros"
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
                let mut seen = vec![false; categories.len()];
                for &v in values {
                    if let Some(slot) = code(v, categories.len()) {
                        seen[slot] = true;
                    }
                }
                Some(
                    (0..categories.len())
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

/// Per input column: `None` to pass it through, or the categories that get an indicator.
struct Indicators(Vec<Option<Vec<usize>>>);

impl Transform for Indicators {
    fn transform(&self, x: &DesignMatrix) -> Result<DesignMatrix> {
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
                    let mut slot_of = vec![usize::MAX; categories.len()];
                    for (offset, &category) in kept.iter().enumerate() {
                        slot_of[category] = k + offset;
                        columns.push(EncodedColumn {
                            name: format!("{}={}", column.name, categories[category]),
                            categories: None,
                        });
                    }
                    for (row, &v) in values.iter().enumerate() {
                        if let Some(slot) = code(v, categories.len()).map(|c| slot_of[c])
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
        "Centres numeric columns on their training mean and scales them to unit variance".to_owned()
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
    use ndarray::array;

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
        let fill = |strategy| {
            let fitted = SimpleImputer::new(strategy).fit(&train).unwrap();
            fitted.transform(&test).unwrap().x.row(0).to_vec()
        };
        assert_eq!(fill(ImputeStrategy::Mean), vec![3.0, 2.0]);
        assert_eq!(fill(ImputeStrategy::Median), vec![2.0, 2.0]);
        assert_eq!(fill(ImputeStrategy::MostFrequent), vec![1.0, 2.0]);
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
        assert_eq!(
            out.x,
            array![[7.0, 0.0, 1.0], [8.0, 0.0, 0.0], [9.0, 0.0, 0.0]]
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
