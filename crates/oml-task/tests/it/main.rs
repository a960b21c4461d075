//! Integration tests of oml-task, one binary.

mod splits; // datasplits.arff: real OpenML files, bad files, generated-split properties
