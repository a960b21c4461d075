//! Integration tests of oml-data, one binary.

mod fixtures; // the real OpenML files in fixtures/openml load, with the declared counts
mod load; // DatasetLoader: formats, description.xml and features.xml applied, MD5 check, CSV
mod malformed; // malformed ARFF corpus: every file fails with its line
mod roundtrip; // property test: random tables written as ARFF read back identical
