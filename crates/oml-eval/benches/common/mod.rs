//! What the evaluator's benches share.

use oml_eval::{Evaluator, EvaluatorBuilder};

/// An evaluator on `threads` threads with seed 0.
pub fn evaluator(threads: usize) -> Evaluator {
    EvaluatorBuilder::new()
        .threads(threads)
        .seed(0)
        .build()
        .expect("an evaluator")
}
