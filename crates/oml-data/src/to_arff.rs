//! A [`Dataset`] back to an [`Arff`], so that any dataset oml reads (ARFF, Parquet, CSV,
//! builtin) can be written as the ARFF file OpenML and openml-python expect.

use polars::prelude::DataType;

use crate::arff::{Arff, Attribute, AttributeKind, Column, DateFormat, MISSING_CODE};
use crate::dataset::{Dataset, FeatureKind, nominal_codes};
use crate::error::{Error, Result};

impl Dataset {
    /// The dataset as ARFF: relation = the dataset's name, one attribute per column in table
    /// order, no description lines.
    ///
    /// Numeric features become `NUMERIC` (with `NaN` for missing values), nominal features
    /// keep their declared values in order (unused ones included), strings stay strings, and
    /// dates are written with ARFF's default format `yyyy-MM-dd'T'HH:mm:ss`, so milliseconds
    /// are dropped. Roles (row id, ignored) and the default target are not part of ARFF; they
    /// belong in `description.xml`.
    ///
    /// [`Dataset::from_arff`] of the result gives the same table and features back.
    pub fn to_arff(&self) -> Result<Arff> {
        let mut attributes = Vec::with_capacity(self.features().len());
        let mut columns = Vec::with_capacity(self.features().len());
        for (feature, column) in self.features().iter().zip(self.table().columns()) {
            let series = column.as_materialized_series();
            let fail = |e: polars::error::PolarsError| {
                Error::table(format!("writing column `{}` as ARFF", feature.name), e)
            };
            let (kind, values) = match &feature.kind {
                FeatureKind::Numeric => {
                    let values = series.f64().map_err(fail)?;
                    let values = values.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
                    (AttributeKind::Numeric, Column::Numeric(values))
                }
                FeatureKind::Nominal(categories) => {
                    let codes = nominal_codes(series).map_err(fail)?;
                    let codes = codes
                        .into_iter()
                        .map(|c| c.unwrap_or(MISSING_CODE))
                        .collect();
                    (
                        AttributeKind::Nominal(categories.clone()),
                        Column::Nominal(codes),
                    )
                }
                FeatureKind::String => {
                    let values = series.str().map_err(fail)?;
                    let values = values.iter().map(|v| v.map(str::to_owned)).collect();
                    (AttributeKind::String, Column::String(values))
                }
                FeatureKind::Date => {
                    let millis = series.cast(&DataType::Int64).map_err(fail)?;
                    let values = millis.i64().map_err(fail)?.iter().collect();
                    (
                        AttributeKind::Date(DateFormat::default()),
                        Column::Date(values),
                    )
                }
            };
            attributes.push(Attribute {
                name: feature.name.clone(),
                kind,
            });
            columns.push(values);
        }
        Ok(Arff {
            relation: self.name().to_owned(),
            description: Vec::new(),
            attributes,
            columns,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin::builtin;
    use proptest::prelude::*;

    /// `arff` with every numeric kind as `NUMERIC`, every date format the default one, no
    /// description: what a round trip through a `Dataset` gives.
    fn normalised(mut arff: Arff) -> Arff {
        arff.description.clear();
        for attribute in &mut arff.attributes {
            attribute.kind = match &attribute.kind {
                AttributeKind::Real | AttributeKind::Integer => AttributeKind::Numeric,
                AttributeKind::Date(_) => AttributeKind::Date(DateFormat::default()),
                other => other.clone(),
            };
        }
        arff
    }

    #[test]
    fn every_kind_round_trips() {
        let text = "% a comment\n@relation 'toy set'\n@attribute x real\n@attribute n integer\n\
                    @attribute 'class name' {'a b', c, unused}\n@attribute s string\n\
                    @attribute d date\n@data\n1.5,3,c,'t u',2001-02-03T04:05:06\n\
                    ?,?,?,?,?\n-0,7,'a b','',1970-01-01T00:00:00\n";
        let arff = Arff::from_bytes(text.as_bytes()).unwrap();
        let dataset = Dataset::from_arff(arff.clone()).unwrap();
        let back = dataset.to_arff().unwrap();
        assert_eq!(back, normalised(arff));
        assert_eq!(back.relation, "toy set");
        // And through the writer and reader.
        let again = Arff::from_bytes(&back.to_bytes().unwrap()).unwrap();
        assert_eq!(again, back);
    }

    #[test]
    fn builtins_round_trip() {
        for name in crate::BUILTIN_NAMES {
            let dataset = builtin(name).unwrap();
            let arff = dataset.to_arff().unwrap();
            let back =
                Dataset::from_arff(Arff::from_bytes(&arff.to_bytes().unwrap()).unwrap()).unwrap();
            assert_eq!(back.features(), dataset.features(), "{name}");
            assert!(back.table().equals_missing(dataset.table()), "{name}");
        }
    }

    fn column(kind: u8, n: usize) -> impl Strategy<Value = (AttributeKind, Column)> {
        let numeric = proptest::collection::vec(
            prop_oneof![
                Just(f64::NAN),
                any::<f64>().prop_filter("NaN", |x| !x.is_nan())
            ],
            n,
        )
        .prop_map(|v| (AttributeKind::Numeric, Column::Numeric(v)))
        .boxed();
        match kind {
            0 => numeric,
            1 => proptest::collection::vec(prop_oneof![Just(MISSING_CODE), 0u32..3], n)
                .prop_map(|codes| {
                    let values = vec!["x".into(), "y z".into(), " w".into()];
                    (AttributeKind::Nominal(values), Column::Nominal(codes))
                })
                .boxed(),
            2 => proptest::collection::vec(proptest::option::of("\\PC{0,5}"), n)
                .prop_map(|v| (AttributeKind::String, Column::String(v)))
                .boxed(),
            _ => proptest::collection::vec(
                proptest::option::of((-10_000_000_000i64..10_000_000_000).prop_map(|s| s * 1000)),
                n,
            )
            .prop_map(|v| (AttributeKind::Date(DateFormat::default()), Column::Date(v)))
            .boxed(),
        }
    }

    fn table() -> impl Strategy<Value = Arff> {
        (0usize..20, proptest::collection::vec(0u8..4, 1..5)).prop_flat_map(|(n, kinds)| {
            let columns: Vec<_> = kinds.into_iter().map(|k| column(k, n)).collect();
            columns.prop_map(|columns| {
                let (kinds, columns): (Vec<_>, Vec<_>) = columns.into_iter().unzip();
                Arff {
                    relation: "random".into(),
                    description: Vec::new(),
                    attributes: kinds
                        .into_iter()
                        .enumerate()
                        .map(|(j, kind)| Attribute {
                            name: format!("c{j}"),
                            kind,
                        })
                        .collect(),
                    columns,
                }
            })
        })
    }

    proptest! {
        #[test]
        fn random_tables_round_trip(arff in table()) {
            let dataset = Dataset::from_arff(arff.clone()).unwrap();
            prop_assert_eq!(dataset.to_arff().unwrap(), arff);
        }
    }
}
