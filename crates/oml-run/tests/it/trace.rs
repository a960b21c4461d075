//! `trace.arff` of a tuned flow's run: a row per (repeat, fold, candidate), one selected per
//! fold, written in the run directory and read back; verify compares it.

use std::sync::Arc;

use oml_data::arff::Column;
use oml_eval::EvaluatorBuilder;
use oml_eval::tune::{Inner, Search, SearchSpace, Tuned};
use oml_task::{LocalTaskBuilder, Resampling};

#[test]
fn a_tuned_run_writes_one_trace_row_per_candidate_and_one_selected_per_fold() {
    let task = LocalTaskBuilder::new()
        .resampling("cv:3".parse::<Resampling>().unwrap())
        .from_source("builtin:iris")
        .unwrap();
    let space = SearchSpace::parse(&["max_depth=int:1:4", "criterion=gini,entropy"]).unwrap();
    let tuned = Tuned::new(
        Arc::new(|| oml_flow::builtin_flow("decision-tree").unwrap()),
        space,
        Search::Random(5),
        Inner::Cv(3),
    )
    .unwrap();
    let evaluate = |threads| {
        EvaluatorBuilder::new()
            .threads(threads)
            .seed(3)
            .build()
            .unwrap()
            .evaluate(&tuned, &task)
            .unwrap()
    };
    let evaluation = evaluate(2);
    let trace = oml_run::trace_arff(&evaluation).unwrap().unwrap();
    let names: Vec<&str> = trace.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "repeat",
            "fold",
            "iteration",
            "evaluation",
            "selected",
            "parameter_max_depth",
            "parameter_criterion"
        ]
    );
    assert_eq!(trace.n_rows(), 3 * 5);
    let (Column::Numeric(folds), Column::Nominal(selected)) =
        (&trace.columns[1], &trace.columns[4])
    else {
        panic!("column kinds")
    };
    for fold in 0..3 {
        let chosen = folds
            .iter()
            .zip(selected)
            .filter(|&(&f, &s)| f == f64::from(fold) && s == 0)
            .count();
        assert_eq!(chosen, 1, "fold {fold}");
    }
    let Column::String(criteria) = &trace.columns[6] else {
        panic!("a string column")
    };
    assert!(
        criteria
            .iter()
            .all(|c| matches!(c.as_deref(), Some("\"gini\"" | "\"entropy\"")))
    );
    // The same on one thread, byte for byte.
    let again = oml_run::trace_arff(&evaluate(1)).unwrap().unwrap();
    assert_eq!(again.to_bytes().unwrap(), trace.to_bytes().unwrap());
    // A flow that searched nothing has no trace.
    let plain = EvaluatorBuilder::new()
        .build()
        .unwrap()
        .evaluate(&oml_flow::builtin_flow("decision-tree").unwrap(), &task)
        .unwrap();
    assert!(oml_run::trace_arff(&plain).unwrap().is_none());
}

/// A learning curve searches once per sample: the evaluation keeps every unit's search, and
/// writing them as OpenML's trace, which has no sample column, is refused, naming the file.
#[test]
fn a_tuned_learning_curve_of_several_samples_has_no_trace() {
    let task = LocalTaskBuilder::new()
        .resampling("curve:3".parse::<Resampling>().unwrap())
        .from_source("builtin:iris")
        .unwrap();
    assert_eq!(task.splits().n_samples(), 3);
    let tuned = Tuned::new(
        Arc::new(|| oml_flow::builtin_flow("decision-tree").unwrap()),
        SearchSpace::parse(&["max_depth=int:1:4"]).unwrap(),
        Search::Random(2),
        Inner::Cv(3),
    )
    .unwrap();
    let evaluation = EvaluatorBuilder::new()
        .build()
        .unwrap()
        .evaluate(&tuned, &task)
        .unwrap();
    assert!(evaluation.units.iter().all(|u| u.trace.len() == 2));
    let error = oml_run::trace_arff(&evaluation).unwrap_err().to_string();
    assert!(
        error.starts_with("trace.arff: a learning curve of 3 samples cannot be tuned"),
        "{error}"
    );
}
