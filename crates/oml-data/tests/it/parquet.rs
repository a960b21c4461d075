//! Parquet columns of types oml does not read are refused from the schema, naming the file, the
//! column and the type, before polars reads a value (it panicked on decimals and maps, and
//! blamed a corrupt dictionary page for binary columns).
//!
//! The files in `fixtures/parquet/` were written by pyarrow 26:
//!
//! ```python
//! import pyarrow as pa, pyarrow.parquet as pq, decimal
//! D = decimal.Decimal
//! pq.write_table(pa.table({'d': pa.array([D('1.25'), None, D('-3.50')], pa.decimal128(10, 2)), 'y': [1, 2, 3]}), 'decimal.parquet')
//! pq.write_table(pa.table({'y': [1, 2, 3], 'd': pa.array([D('1.25'), None, D('-3.50')], pa.decimal256(40, 2))}), 'decimal256.parquet')
//! pq.write_table(pa.table({'m': pa.array([[('a', 1)], None, [('b', 2), ('c', 3)]], pa.map_(pa.string(), pa.int64())), 'y': [1, 2, 3]}), 'map.parquet')
//! pq.write_table(pa.table({'b': pa.array([b'\x00\xff', b'x', None], pa.binary()), 'y': [1, 2, 3]}), 'binary.parquet')
//! ```

use std::path::PathBuf;

use oml_data::{Error, load};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/parquet")
        .join(name)
}

#[test]
fn unsupported_column_types_are_errors_naming_the_file_column_and_type() {
    for (file, column, dtype) in [
        ("decimal.parquet", "d", "decimal(10, 2)"),
        ("decimal256.parquet", "d", "decimal256(40, 2)"),
        // polars reads a map as the list of its entries.
        (
            "map.parquet",
            "m",
            "list<struct<key: string, value: int64>>",
        ),
        // Dictionary-encoded bytes that are not UTF-8.
        ("binary.parquet", "b", "binary"),
    ] {
        let path = data(file);
        let err = load(path.to_str().unwrap()).unwrap_err();
        let message = err.to_string();
        match &err {
            Error::UnsupportedColumn {
                path: Some(p),
                column: c,
                dtype: t,
            } => {
                assert_eq!(
                    (p, c.as_str(), t.as_str()),
                    (&path, column, dtype),
                    "{message}"
                );
            }
            _ => panic!("{file}: {message}"),
        }
        assert!(
            message.contains(&format!("{file}: column `{column}` has type ")),
            "{message}"
        );
        assert!(message.contains("which oml does not read"), "{message}");
    }
}
