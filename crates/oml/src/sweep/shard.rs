//! Shards of a job list, from a flag or an array-job engine.
