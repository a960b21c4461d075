//! Tuned flows that cannot run are refused before any fit, naming the `--tune` text: grids too
//! large (counted, never listed), float ranges a flow or a grid cannot take, ranges wider than
//! the largest number; and a candidate whose score is undefined never wins over a defined one
//! (the audit of flows, defects 1, 3, 4 and 5).

use std::sync::Arc;

use oml_eval::EvaluatorBuilder;
use oml_eval::tune::{Domain, Inner, MAX_CANDIDATES, Search, SearchSpace, Tuned};
use oml_flow::{Pipeline, builtin_flow};
use oml_task::{LocalTaskBuilder, Resampling};

fn flow(name: &'static str) -> Arc<dyn Fn() -> Pipeline + Send + Sync> {
    Arc::new(move || builtin_flow(name).unwrap())
}

/// The error of tuning `name` over `space` by `search`, which must be refused.
fn refusal(name: &'static str, space: &[&str], search: Search) -> String {
    let parsed = SearchSpace::parse(space).unwrap();
    match Tuned::new(flow(name), parsed, search, Inner::Cv(3)) {
        Ok(_) => panic!("{name} {space:?} {search} accepted"),
        Err(error) => error.to_string(),
    }
}

/// Defect 1: a grid was listed whole before its size was checked (a range of three billion
/// aborted out of memory), and only inside each unit. It is counted and refused when the tuned
/// flow is made, naming the texts and the limit.
#[test]
fn a_grid_too_large_is_counted_and_refused_before_any_fit() {
    let cases: [(&[&str], &str); 4] = [
        (&["max_depth=int:1:3000000000"], "3000000000"),
        (&["max_depth=int:1:200000"], "200000"),
        (
            &["max_depth=int:1:1000", "min_samples_leaf=int:1:1000"],
            "1000000",
        ),
        (
            &[
                "max_depth=int:1:4",
                "min_samples_leaf=int:-9223372036854775808:9223372036854775807",
                "min_samples_split=int:-9223372036854775808:9223372036854775807",
            ],
            "more than 2^128",
        ),
    ];
    for (space, count) in cases {
        let error = refusal("decision-tree", space, Search::Grid);
        assert!(
            error.contains(&format!("a grid of {count} candidates"))
                && error.contains(&format!("at most {MAX_CANDIDATES}")),
            "{error}"
        );
        for text in space {
            assert!(error.contains(&format!("`{text}`")), "{text}: {error}");
        }
        let parsed = SearchSpace::parse(space).unwrap();
        assert!(Search::Grid.candidates(&parsed, 0).is_err());
    }
    // The limit itself is a grid, one more is not.
    let grid = |high: usize| SearchSpace::parse(&[format!("max_depth=int:1:{high}")]).unwrap();
    assert!(Search::Grid.check(&grid(MAX_CANDIDATES)).is_ok());
    let error = Search::Grid
        .check(&grid(MAX_CANDIDATES + 1))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&format!("a grid of {} candidates", MAX_CANDIDATES + 1)),
        "{error}"
    );
}

/// Defect 3: a float range whose bounds are finite but further apart than the largest number
/// panicked in rand's sampler; it is refused when parsed, naming the text.
#[test]
fn a_float_range_wider_than_the_largest_number_is_refused() {
    for text in ["float:-1e308:1e308", "float:-1.7e308:1e308"] {
        let error = text.parse::<Domain>().unwrap_err().to_string();
        assert!(
            error.contains(&format!("`{text}`")) && error.contains("further apart"),
            "{error}"
        );
    }
    let wide = SearchSpace::parse(&["polynomial_constant=float:-8e307:8e307"]).unwrap();
    for candidate in Search::Random(50).candidates(&wide, 3).unwrap() {
        let value: f64 = candidate[0].1.parse().unwrap();
        assert!((-8e307..8e307).contains(&value), "{value}");
    }
}

/// Defect 5: spaces were checked only at their bounds, so a float range for an integer
/// parameter, a float range with refused values inside, and a grid over a float range all
/// started the run and failed in every unit. They are refused when the tuned flow is made,
/// naming the text and what the parameter or the grid takes.
#[test]
fn a_float_range_is_refused_where_the_flow_or_a_grid_cannot_take_it() {
    let cases: [(&'static str, &str, Search, &[&str]); 4] = [
        (
            "decision-tree",
            "max_depth=float:1:5",
            Search::Random(3),
            &[
                "takes integers",
                "an integer of at least 1, or none",
                "int:LO:HI",
            ],
        ),
        (
            "knn",
            "k=float:1:9",
            Search::Halving(3),
            &["takes integers"],
        ),
        (
            "random-forest",
            "max_features=float:0.5:2",
            Search::Random(3),
            &["inside the range", "a fraction in (0, 1]"],
        ),
        (
            "decision-tree",
            "min_impurity_decrease=float:0:1",
            Search::Grid,
            &["a grid cannot enumerate a float range", "random:N"],
        ),
    ];
    for (name, space, search, says) in cases {
        let error = refusal(name, &[space], search);
        assert!(error.starts_with(&format!("tune `{space}`: ")), "{error}");
        for said in says {
            assert!(error.contains(said), "{space}: {said}: {error}");
        }
    }
    // What the flows take is still taken.
    for (name, space) in [
        ("decision-tree", "min_impurity_decrease=float:0:1"),
        ("random-forest", "max_features=float:0.1:1"),
        ("random-forest", "max_features=int:1:4"),
        ("logistic-regression", "C=float:0.001:1000:log"),
        ("knn", "k=int:1:9"),
    ] {
        let parsed = SearchSpace::parse(&[space]).unwrap();
        Tuned::new(flow(name), parsed, Search::Random(3), Inner::Cv(3))
            .unwrap_or_else(|e| panic!("{name} {space}: {e}"));
    }
}

/// The audit's `data/imbal2.arff`: 40 rows, 4 of class `b`.
const IMBALANCED: &str = "@RELATION imbal2
@ATTRIBUTE x1 NUMERIC
@ATTRIBUTE x2 NUMERIC
@ATTRIBUTE class {a,b}
@DATA
0.095,1.25,a
-0.931,0.992,a
-0.259,-0.262,a
1.9,0.158,a
-0.043,0.729,a
1.127,-0.031,b
0.588,-0.974,a
-0.367,-0.438,a
-1.332,-1.509,a
-1.627,-0.239,a
-0.172,-0.32,a
0.069,-1.336,a
-0.079,0.238,a
0.751,-0.846,a
-0.4,-2.015,a
-0.504,-2.197,b
-1.419,1.102,a
-2.202,0.799,a
0.328,-0.312,a
0.459,0.527,a
1.045,-0.23,a
-0.592,-0.605,a
-0.986,-0.045,a
-0.786,1.069,a
-1.869,-1.094,a
-0.953,-2.093,b
1.902,-2.408,a
-0.283,-0.525,a
1.656,-1.985,a
1.072,-0.731,a
-0.155,-0.671,a
0.64,-1.138,a
-0.079,0.353,a
1.84,-2.405,a
1.525,0.948,a
-0.484,0.305,b
-0.466,1.647,a
0.21,-0.216,a
-0.228,-0.2,a
-0.177,-0.879,a
";

/// Defect 4: on the audit's imbalanced set (outer cv:2, inner cv:3, kappa), an inner test
/// split holds only class `a`, where `k=15` predicts only `a` and its kappa is undefined
/// (NaN); `k=1`'s is defined. The grid chose `k=15` when it came first. A NaN score now ranks
/// last, as in scikit-learn's `GridSearchCV`, whatever the order of the list.
#[test]
fn an_undefined_score_is_never_chosen_over_a_defined_one() {
    let arff = oml_data::Arff::from_bytes(IMBALANCED.as_bytes()).unwrap();
    let dataset = oml_data::Dataset::from_arff(arff).unwrap();
    let task = LocalTaskBuilder::new()
        .target("class")
        .resampling("cv:2".parse::<Resampling>().unwrap())
        .build(dataset)
        .unwrap();
    let evaluator = EvaluatorBuilder::new().threads(1).seed(0).build().unwrap();
    for list in ["k=15,1", "k=1,15"] {
        let space = SearchSpace::parse(&[list]).unwrap();
        let tuned = Tuned::new(flow("knn"), space, Search::Grid, Inner::Cv(3))
            .unwrap()
            .with_measure("kappa")
            .unwrap();
        let evaluation = evaluator.evaluate(&tuned, &task).unwrap();
        let mut undefined = 0;
        for unit in &evaluation.units {
            assert!(unit.outcome.is_ok(), "{list}: {:?}", unit.outcome);
            let chosen = unit.trace.iter().find(|t| t.selected).unwrap();
            let defined = unit.trace.iter().any(|t| !t.evaluation.is_nan());
            undefined += unit.trace.iter().filter(|t| t.evaluation.is_nan()).count();
            assert!(
                !defined || !chosen.evaluation.is_nan(),
                "{list}: fold {}: chose {:?} with an undefined score",
                unit.fold,
                chosen.parameters
            );
            assert_eq!(chosen.parameters[0].1, "1", "{list}: fold {}", unit.fold);
        }
        assert!(undefined > 0, "{list}: the case has undefined scores");
    }
}
