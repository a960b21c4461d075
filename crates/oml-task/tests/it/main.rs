//! Integration tests of oml-task, one binary.

mod cache; // cache root resolution, server directories, file paths, NotCached errors
mod fixture_tasks; // OpenML's tasks 1 and 3 (task.xml + datasplits.arff) read through a cache
mod local; // LocalTaskBuilder: defaults, task types, resamplings, errors
mod roundtrip; // tasks written to a cache read back the same; bad cached files name file and line
mod splits; // datasplits.arff: OpenML files, bad files, engine curves, generated splits
