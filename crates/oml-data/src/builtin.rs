//! Datasets embedded in the binary, from the linfa-datasets crate: `builtin:NAME`.

use std::collections::BTreeSet;

use ndarray::Array2;

use crate::arff::{Arff, Attribute, AttributeKind, Column};
use crate::dataset::Dataset;
use crate::error::{Error, Result};

/// The prefix that names an embedded dataset, as in `builtin:iris`.
pub const BUILTIN_PREFIX: &str = "builtin:";

/// The names of the embedded datasets.
pub const BUILTIN_NAMES: [&str; 3] = ["iris", "winequality", "diabetes"];

/// Loads an embedded dataset by name (`iris`, `winequality`, `diabetes`), with its default
/// target set.
///
/// - `iris`: 150 rows, 4 numeric features, nominal `class` with the three OpenML labels
///   `Iris-setosa`, `Iris-versicolor`, `Iris-virginica` (as in OpenML dataset 61).
/// - `winequality`: the 1,599 red wines, 11 numeric features, nominal `quality` whose values are
///   the quality scores that occur (`3` to `8`).
/// - `diabetes`: 441 rows (as linfa-datasets ships it), 10 numeric features, numeric `progression` (regression).
pub fn builtin(name: &str) -> Result<Dataset> {
    let (arff, target) = match name {
        "iris" => {
            let data = linfa_datasets::iris();
            let labels = ["Iris-setosa", "Iris-versicolor", "Iris-virginica"];
            let features = features_only("iris", data.records(), data.feature_names().to_vec());
            let targets = data.targets().to_vec();
            (
                classification(features, &targets, "class", &labels.map(String::from)),
                "class",
            )
        }
        "winequality" => {
            let data = linfa_datasets::winequality();
            let scores: BTreeSet<usize> = data.targets().iter().copied().collect();
            let max = scores.last().copied().unwrap_or(0);
            // Codes are the scores themselves, so the labels run from 0 to the maximum and the
            // scores that never occur are dropped below.
            let labels: Vec<String> = (0..=max).map(|s| s.to_string()).collect();
            let features =
                features_only("winequality", data.records(), data.feature_names().to_vec());
            let targets = data.targets().to_vec();
            let mut arff = classification(features, &targets, "quality", &labels);
            drop_unused_labels(&mut arff, &scores);
            (arff, "quality")
        }
        "diabetes" => {
            let data = linfa_datasets::diabetes();
            let mut arff = features_only("diabetes", data.records(), data.feature_names().to_vec());
            arff.attributes.push(Attribute {
                name: "progression".into(),
                kind: AttributeKind::Numeric,
            });
            arff.columns.push(Column::Numeric(data.targets().to_vec()));
            (arff, "progression")
        }
        _ => {
            return Err(Error::UnknownBuiltin {
                name: name.to_owned(),
                known: BUILTIN_NAMES.iter().map(|n| n.to_string()).collect(),
            });
        }
    };
    let mut dataset = Dataset::from_arff(arff)?;
    dataset.set_default_target(Some(target))?;
    Ok(dataset)
}

/// Appends a nominal target with `labels` whose codes are `targets`.
fn classification(mut arff: Arff, targets: &[usize], target: &str, labels: &[String]) -> Arff {
    arff.attributes.push(Attribute {
        name: target.into(),
        kind: AttributeKind::Nominal(labels.to_vec()),
    });
    arff.columns
        .push(Column::Nominal(targets.iter().map(|&c| c as u32).collect()));
    arff
}

fn features_only(name: &str, records: &Array2<f64>, names: Vec<String>) -> Arff {
    Arff {
        relation: name.into(),
        description: vec![format!("{name}, embedded from the linfa-datasets crate")],
        attributes: names
            .into_iter()
            .map(|name| Attribute {
                name,
                kind: AttributeKind::Numeric,
            })
            .collect(),
        columns: records
            .columns()
            .into_iter()
            .map(|c| Column::Numeric(c.to_vec()))
            .collect(),
    }
}

/// Keeps only the nominal labels of the last column whose codes occur in `used`, renumbering.
fn drop_unused_labels(arff: &mut Arff, used: &BTreeSet<usize>) {
    let (Some(attribute), Some(Column::Nominal(codes))) =
        (arff.attributes.last_mut(), arff.columns.last_mut())
    else {
        return;
    };
    let AttributeKind::Nominal(labels) = &mut attribute.kind else {
        return;
    };
    let renumber: Vec<u32> = (0..labels.len())
        .map(|code| used.iter().take_while(|&&u| u < code).count() as u32)
        .collect();
    *labels = used.iter().map(|&u| labels[u].clone()).collect();
    for code in codes.iter_mut() {
        *code = renumber[*code as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris() {
        let iris = builtin("iris").unwrap();
        assert_eq!(iris.n_rows(), 150);
        assert_eq!(iris.features().len(), 5);
        assert_eq!(iris.default_target(), Some("class"));
        let target = iris.class_target("class").unwrap();
        assert_eq!(
            target.labels,
            ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]
        );
        for class in 0..3 {
            assert_eq!(target.classes.iter().filter(|&&c| c == class).count(), 50);
        }
        let x = iris.design_matrix(Some("class")).unwrap().x;
        assert_eq!(x.shape(), &[150, 4]);
        assert_eq!(x.row(0).to_vec(), vec![5.1, 3.5, 1.4, 0.2]);
    }

    #[test]
    fn winequality_labels_are_the_scores() {
        let wine = builtin("winequality").unwrap();
        assert_eq!(wine.n_rows(), 1599);
        let target = wine.class_target("quality").unwrap();
        assert_eq!(target.labels, ["3", "4", "5", "6", "7", "8"]);
        let raw = linfa_datasets::winequality();
        for (code, score) in target.classes.iter().zip(raw.targets()) {
            assert_eq!(target.labels[*code], score.to_string());
        }
    }

    #[test]
    fn diabetes_and_unknown() {
        let diabetes = builtin("diabetes").unwrap();
        assert_eq!(diabetes.n_rows(), 441);
        assert_eq!(
            diabetes.regression_target("progression").unwrap().len(),
            441
        );
        let err = builtin("mnist").unwrap_err().to_string();
        assert!(err.contains("mnist") && err.contains("iris"), "{err}");
    }
}
