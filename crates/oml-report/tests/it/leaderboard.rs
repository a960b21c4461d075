//! Leaderboards, paired tests and Friedman's test on synthetic results.

use oml_report::{Analysis, Results};

use crate::common::{FLOWS, TASKS, entry, synthetic};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn a_leaderboard_is_sorted_best_first_with_hand_checked_numbers() {
    let analysis = Analysis::new(&synthetic());
    assert_eq!(analysis.tasks.len(), 3);
    assert_eq!(analysis.flows, FLOWS);
    let iris = analysis.tasks.iter().find(|t| t.task == TASKS[0]).unwrap();
    let order: Vec<&str> = iris.rows.iter().map(|r| r.flow.as_str()).collect();
    assert_eq!(order, FLOWS);
    let ranks: Vec<f64> = iris.rows.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, [1.0, 2.0, 3.0]);
    let forest = &iris.rows[0];
    // Seed 0 folds wiggle by [0, 7, 5, 3, 1], seed 1 by [3, 1, 8, 6, 4], each 0.006 * (w - 4)
    // around 0.95: run values 0.9452 and 0.9524.
    assert!(
        close(forest.mean, (0.9452 + 0.9524) / 2.0),
        "{}",
        forest.mean
    );
    assert!(close(forest.std, 0.006 * 6.56f64.sqrt()), "{}", forest.std);
    assert_eq!(forest.n_runs, 2);
    assert!(close(
        forest.mean_training_time_s.unwrap(),
        (0.8 + 0.88) / 2.0
    ));
}

#[test]
fn lower_is_better_reverses_the_order_and_ties_share_a_rank() {
    let folds = |v: f64| vec![v, v + 0.1, v - 0.1];
    let results = Results {
        measure: "root_mean_squared_error".into(),
        higher_is_better: false,
        entries: vec![
            entry("t", "big", 0, folds(3.0), 1.0),
            entry("t", "small", 0, folds(1.0), 1.0),
            entry("t", "also-small", 0, folds(1.0), 1.0),
        ],
        skipped: Vec::new(),
    };
    let analysis = Analysis::new(&results);
    let rows = &analysis.tasks[0].rows;
    let order: Vec<(&str, f64)> = rows.iter().map(|r| (r.flow.as_str(), r.rank)).collect();
    assert_eq!(
        order,
        [("also-small", 1.5), ("small", 1.5), ("big", 3.0)],
        "ties share the average rank and keep label order"
    );
}

#[test]
fn every_flow_is_tested_against_the_best_on_shared_seeds() {
    let analysis = Analysis::new(&synthetic());
    for board in &analysis.tasks {
        assert_eq!(board.tests.len(), 2);
        for test in &board.tests {
            assert_eq!(test.reference, FLOWS[0]);
            assert_eq!(test.seeds, [0, 1]);
            let t = test.outcome.as_ref().expect("a test");
            assert!(t.mean_difference < 0.0, "{t:?}");
            assert_eq!(t.df, 4.0, "5 folds averaged over the 2 seeds");
        }
        let tree = board.tests.iter().find(|t| t.flow == FLOWS[2]).unwrap();
        assert!(tree.outcome.as_ref().unwrap().p_value < 0.05);
    }
}

#[test]
fn a_test_that_cannot_be_made_says_why() {
    let mut unknown_ratio = entry("t", "b", 0, vec![0.7, 0.8], 1.0);
    unknown_ratio.test_train_ratio = None;
    let mut best_unknown = entry("t", "a", 0, vec![0.9, 0.95], 1.0);
    best_unknown.test_train_ratio = None;
    let results = Results {
        measure: "predictive_accuracy".into(),
        higher_is_better: true,
        entries: vec![
            best_unknown,
            unknown_ratio,
            entry("t", "c", 0, vec![0.5, 0.6, 0.7], 1.0),
            entry("t", "d", 7, vec![0.5, 0.6], 1.0),
        ],
        skipped: Vec::new(),
    };
    let analysis = Analysis::new(&results);
    let board = &analysis.tasks[0];
    let reason = |flow: &str| {
        board
            .tests
            .iter()
            .find(|t| t.flow == flow)
            .unwrap()
            .outcome
            .clone()
            .unwrap_err()
    };
    assert!(reason("b").contains("ratio is unknown"), "{}", reason("b"));
    assert!(
        reason("c").contains("fold counts differ"),
        "{}",
        reason("c")
    );
    assert!(reason("d").contains("no seed in common"), "{}", reason("d"));
}

#[test]
fn friedman_and_nemenyi_across_tasks() {
    let analysis = Analysis::new(&synthetic());
    let comparison = analysis.comparison.as_ref().expect("a comparison");
    assert_eq!(comparison.flows, FLOWS);
    assert!(comparison.left_out.is_empty());
    assert_eq!(comparison.friedman.average_ranks, [1.0, 2.0, 3.0]);
    assert_eq!(comparison.friedman.n_datasets, 3);
    // q(3, 0.05) = 2.343, so CD = 2.343 * sqrt(3 * 4 / (6 * 3)) = 1.913.
    assert!((comparison.critical_difference - 1.913).abs() < 1e-3);
    assert_eq!(comparison.groups, [vec![0, 1], vec![1, 2]]);
    assert_eq!(comparison.by_rank(), [0, 1, 2]);
}

#[test]
fn friedman_needs_two_tasks_and_two_flows_on_all_of_them() {
    let mut results = synthetic();
    results.entries.retain(|e| e.task == TASKS[0]);
    let reason = Analysis::new(&results).comparison.unwrap_err();
    assert!(reason.contains("at least 2 tasks"), "{reason}");

    let mut results = synthetic();
    results
        .entries
        .retain(|e| e.flow == FLOWS[0] || (e.task == TASKS[0] && e.flow == FLOWS[1]));
    let reason = Analysis::new(&results).comparison.unwrap_err();
    assert!(reason.contains("1 is run on all 3 tasks"), "{reason}");

    let mut results = synthetic();
    results
        .entries
        .retain(|e| e.flow != FLOWS[2] || e.task == TASKS[1]);
    let analysis = Analysis::new(&results);
    let comparison = analysis.comparison.unwrap();
    assert_eq!(comparison.flows, FLOWS[..2]);
    assert_eq!(comparison.left_out, [FLOWS[2]]);
}
