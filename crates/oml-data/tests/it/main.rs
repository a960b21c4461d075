//! Integration tests of oml-data, one binary.

mod csv; // CSV read as pandas reads it, or errors naming the file and the line
mod fixtures; // the real OpenML files in fixtures/openml load, with the declared counts
mod load; // DatasetLoader: formats, description.xml and features.xml applied, MD5 check, CSV
mod malformed; // malformed ARFF corpus: every file fails with its line
mod parquet; // Parquet columns of unsupported types refused from the schema
mod roundtrip; // property test: random tables written as ARFF read back identical
