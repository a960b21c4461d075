//! `models`: each built-in classifier's fit and predict on generated tables shaped like real
//! ones (issue 19's shapes; `scripts/model_speed.py` times the same against scikit-learn).
//!
//! - `fit_predict/FLOW/ROWSxNUMERICxNOMINALxCLASSES`: one holdout unit (80% training rows, 20%
//!   test rows) of a generated table through the flow's default pipeline, on one thread.
//!   Shapes: 5,000 rows with 20 numeric columns and 2 classes; 5,000 rows with 10 numeric and
//!   10 nominal columns (`oml data generate`'s 2 to 6 levels, 5% missing values) and 5
//!   classes.
//! - `tuned/FLOW`: a random search of 20 candidates with 3-fold inner cross-validation on one
//!   unit of 1,000 rows (issue 17's searches), on one thread: the decision tree and the
//!   random forest over `max_depth` and `min_samples_leaf` (each inner split's candidates
//!   grown as one family), logistic regression over `C` on a log scale (fitted down the path
//!   of `C`, each from the last).
//!
//! Every benchmark takes 10 samples of one evaluation each (flat sampling).

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use oml_data::SyntheticBuilder;
use oml_eval::tune::{Inner, Search, SearchSpace, Tuned};
use oml_flow::builtin_flow;
use oml_task::{LocalTaskBuilder, Task};

use common::{evaluation_group, evaluator};

/// The classifiers timed, by their built-in names.
const FLOWS: [&str; 12] = [
    "decision-tree",
    "random-forest",
    "gbm",
    "knn",
    "gaussian-nb",
    "logistic-regression",
    "svm",
    "perpetual-gbm",
    "linfa-decision-tree",
    "linfa-random-forest",
    "linfa-logistic-regression",
    "constant",
];

/// (rows, numeric columns, nominal columns, classes).
const SHAPES: [(usize, usize, usize, usize); 2] = [(5000, 20, 0, 2), (5000, 10, 10, 5)];

fn task(rows: usize, numeric: usize, nominal: usize, classes: usize) -> Task {
    let dataset = SyntheticBuilder::new()
        .rows(rows)
        .numeric(numeric)
        .nominal(nominal)
        .classes(classes)
        .missing(if nominal > 0 { 0.05 } else { 0.0 })
        .seed(1)
        .build()
        .expect("the generated dataset");
    LocalTaskBuilder::new()
        .resampling("holdout:20".parse().expect("a resampling"))
        .build(dataset)
        .expect("the generated task")
}

fn fit_predict(c: &mut Criterion) {
    let evaluator = evaluator(1);
    let mut group = evaluation_group(
        c,
        "fit_predict",
        Duration::from_millis(200),
        Duration::from_secs(5),
    );
    for (rows, numeric, nominal, classes) in SHAPES {
        let task = task(rows, numeric, nominal, classes);
        let shape = format!("{rows}x{numeric}x{nominal}x{classes}");
        for name in FLOWS {
            let flow = builtin_flow(name).expect("a built-in flow");
            group.bench_function(BenchmarkId::new(name, &shape), |b| {
                b.iter(|| black_box(evaluator.evaluate(&flow, &task).expect("an evaluation")))
            });
        }
    }
    group.finish();
}

/// The tuned flows timed: built-in name and search space.
const TUNED: [(&str, &[&str]); 3] = [
    (
        "decision-tree",
        &["max_depth=int:1:20", "min_samples_leaf=int:1:20"],
    ),
    (
        "random-forest",
        &["max_depth=int:1:20", "min_samples_leaf=int:1:20"],
    ),
    ("logistic-regression", &["C=float:0.001:1000:log"]),
];

fn tuned(c: &mut Criterion) {
    let evaluator = evaluator(1);
    let task = task(1000, 10, 5, 3);
    let mut group = evaluation_group(
        c,
        "tuned",
        Duration::from_millis(200),
        Duration::from_secs(3),
    );
    for (name, space) in TUNED {
        let space = SearchSpace::parse(space).expect("a search space");
        let flow = Tuned::new(
            Arc::new(move || builtin_flow(name).expect("a built-in flow")),
            space,
            Search::Random(20),
            Inner::Cv(3),
        )
        .expect("a tuned flow");
        group.bench_function(name, |b| {
            b.iter(|| black_box(evaluator.evaluate(&flow, &task).expect("an evaluation")))
        });
    }
    group.finish();
}

criterion_group!(benches, fit_predict, tuned);
criterion_main!(benches);
