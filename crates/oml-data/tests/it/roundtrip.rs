//! Random tables written as ARFF (dense and sparse, with missing values and awkward names and
//! nominal values) read back identical.

use oml_data::arff::{Arff, Attribute, AttributeKind, Column, DateFormat, MISSING_CODE};
use oml_data::{ArffReader, ArffWriterBuilder};
use proptest::collection::{btree_set, vec};
use proptest::prelude::*;

/// Text that ARFF makes hard: separators, quotes, escapes, `?`, `%`, braces, spaces at the ends,
/// control characters and non-ASCII.
fn awkward() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9_]{0,6}",
        "[ a-z,'\"%{}?\\\\\t\r\n@-]{0,8}",
        Just("?".to_owned()),
        Just(String::new()),
        Just(" - 50000.".to_owned()),
        Just("it's, \"quoted\"".to_owned()),
        "\\PC{0,6}",
        "[\u{0}-\u{1f}\u{7f}é漢\u{a0}]{1,4}",
    ]
}

#[derive(Debug, Clone)]
enum Kind {
    Numeric,
    Integer,
    Nominal(Vec<String>),
    String,
    Date(&'static str),
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Numeric),
        Just(Kind::Integer),
        btree_set(awkward(), 1..6).prop_map(|s| Kind::Nominal(s.into_iter().collect())),
        Just(Kind::String),
        Just(Kind::Date("yyyy-MM-dd'T'HH:mm:ss")),
        Just(Kind::Date("dd/MM/yyyy HH:mm:ss.SSS")),
    ]
}

/// One column of `rows` values of `kind`, roughly one in five missing.
fn column(kind: Kind, rows: usize) -> BoxedStrategy<(AttributeKind, Column)> {
    let missing = || prop::bool::weighted(0.2);
    match kind {
        Kind::Numeric => vec(
            (
                missing(),
                prop_oneof![
                    Just(0.0),
                    Just(-0.0),
                    Just(f64::INFINITY),
                    any::<f64>().prop_filter("not NaN", |x| !x.is_nan()),
                    (-1e6..1e6f64),
                ],
            ),
            rows,
        )
        .prop_map(|v| {
            let values = v
                .into_iter()
                .map(|(m, x)| if m { f64::NAN } else { x })
                .collect();
            (AttributeKind::Numeric, Column::Numeric(values))
        })
        .boxed(),
        Kind::Integer => vec((missing(), -1_000_000i64..1_000_000), rows)
            .prop_map(|v| {
                let values = v
                    .into_iter()
                    .map(|(m, x)| if m { f64::NAN } else { x as f64 })
                    .collect();
                (AttributeKind::Integer, Column::Numeric(values))
            })
            .boxed(),
        Kind::Nominal(values) => {
            let n = values.len() as u32;
            vec((missing(), 0..n), rows)
                .prop_map(move |v| {
                    let codes = v
                        .into_iter()
                        .map(|(m, c)| if m { MISSING_CODE } else { c })
                        .collect();
                    (
                        AttributeKind::Nominal(values.clone()),
                        Column::Nominal(codes),
                    )
                })
                .boxed()
        }
        Kind::String => vec((missing(), awkward()), rows)
            .prop_map(|v| {
                let values = v.into_iter().map(|(m, s)| (!m).then_some(s)).collect();
                (AttributeKind::String, Column::String(values))
            })
            .boxed(),
        Kind::Date(java) => {
            let millis = java.contains("SSS");
            vec((missing(), -2_000_000_000_000i64..4_000_000_000_000), rows)
                .prop_map(move |v| {
                    let values = v
                        .into_iter()
                        .map(|(m, t)| (!m).then_some(if millis { t } else { t / 1000 * 1000 }))
                        .collect();
                    let format = DateFormat::new(java).expect("supported format");
                    (AttributeKind::Date(format), Column::Date(values))
                })
                .boxed()
        }
    }
}

fn table() -> impl Strategy<Value = Arff> {
    (
        btree_set(awkward().prop_filter("a name", |s| !s.is_empty()), 1..7),
        vec(kind(), 7),
        0usize..25,
        awkward(),
        vec(
            "[a-zA-Z0-9,.()]([a-zA-Z0-9 ,.()]{0,20}[a-zA-Z0-9,.()])?",
            0..3,
        ),
    )
        .prop_flat_map(|(names, kinds, rows, relation, description)| {
            let columns: Vec<_> = kinds
                .into_iter()
                .take(names.len())
                .map(|k| column(k, rows))
                .collect();
            (Just(names), columns, Just(relation), Just(description))
        })
        .prop_map(|(names, columns, relation, description)| {
            let (attributes, columns) = names
                .into_iter()
                .zip(columns)
                .map(|(name, (kind, column))| (Attribute { name, kind }, column))
                .unzip();
            Arff {
                relation,
                description,
                attributes,
                columns,
            }
        })
}

fn round_trip(arff: &Arff, sparse: bool) -> Arff {
    let mut bytes = Vec::new();
    ArffWriterBuilder::new()
        .sparse(sparse)
        .build()
        .write(arff, &mut bytes)
        .expect("valid table");
    ArffReader::new()
        .read(&bytes[..])
        .unwrap_or_else(|e| panic!("{e}\n--- written ---\n{}", String::from_utf8_lossy(&bytes)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn dense_round_trip(arff in table()) {
        prop_assert_eq!(round_trip(&arff, false), arff);
    }

    #[test]
    fn sparse_round_trip(arff in table()) {
        prop_assert_eq!(round_trip(&arff, true), arff);
    }
}

#[test]
fn gzip_file_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let arff = Arff::from_bytes(
        b"@relation r\n@attribute 'a b' {x, 'y z'}\n@attribute n numeric\n@data\n'y z',1.5\nx,?\n",
    )
    .unwrap();
    let path = dir.path().join("t.arff.gz");
    oml_data::ArffWriter::new()
        .write_path(&arff, &path)
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "written gzip-compressed");
    assert_eq!(ArffReader::new().read_path(&path).unwrap(), arff);
}
