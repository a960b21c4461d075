//! Leaderboards per task, paired tests against each task's best flow, and Friedman's test with
//! Nemenyi's post-hoc test across tasks.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use crate::results::{Entry, Results};
use crate::stats::{self, CorrectedTTest, Friedman};

/// The significance level of every test in a report.
pub const ALPHA: f64 = 0.05;

/// What a report says about a set of results: a leaderboard per task and the comparison across
/// tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The measure.
    pub measure: String,
    /// Whether a higher value of the measure is better.
    pub higher_is_better: bool,
    /// Every flow label, in natural order; a flow's position here is its colour in every plot.
    pub flows: Vec<String>,
    /// One leaderboard per task, tasks in natural order.
    pub tasks: Vec<TaskLeaderboard>,
    /// Friedman's and Nemenyi's tests across tasks, or the sentence why there are none.
    pub comparison: Result<Comparison, String>,
}

/// The flows run on one task, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskLeaderboard {
    /// The task label.
    pub task: String,
    /// One row per flow label, best first (by rank, then label).
    pub rows: Vec<LeaderboardRow>,
    /// Each flow but the best against the best (the first row), in the order of `rows`.
    pub tests: Vec<PairedTest>,
    /// The runs of the task, in the order of [`Results::entries`].
    pub entries: Vec<Entry>,
}

/// One flow on one task.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaderboardRow {
    /// The flow label.
    pub flow: String,
    /// The mean of the run-level values over the flow's runs (one per seed).
    pub mean: f64,
    /// The population standard deviation of every fold score of every run of the flow (failed
    /// folds left out).
    pub std: f64,
    /// The runs (seeds).
    pub n_runs: usize,
    /// The mean training time over the runs that recorded it, in seconds.
    pub mean_training_time_s: Option<f64>,
    /// The rank of `mean` among the task's flows (1 is best; ties share the average rank).
    pub rank: f64,
}

/// Nadeau and Bengio's corrected resampled t-test between a flow and the task's best flow.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedTest {
    /// The flow tested.
    pub flow: String,
    /// The task's best flow (the reference).
    pub reference: String,
    /// The seeds both flows were run with; fold scores are averaged over them.
    pub seeds: Vec<u64>,
    /// The test on (flow − reference) per (repeat, fold), or the sentence why there is none.
    pub outcome: Result<CorrectedTTest, String>,
}

/// Friedman's test over the flows run on every task, with Nemenyi's critical difference.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The tasks (rows of `scores`).
    pub tasks: Vec<String>,
    /// The flows run on every task (columns of `scores`), in natural order.
    pub flows: Vec<String>,
    /// The flows left out because some task lacks them.
    pub left_out: Vec<String>,
    /// `scores[task][flow]`: the flow's mean on the task.
    pub scores: Vec<Vec<f64>>,
    /// Friedman's test; `average_ranks` follow `flows`.
    pub friedman: Friedman,
    /// The significance level.
    pub alpha: f64,
    /// Nemenyi's critical difference of average ranks at `alpha`.
    pub critical_difference: f64,
    /// The maximal groups of flows (indices into `flows`, by rank) whose average ranks differ
    /// by less than the critical difference.
    pub groups: Vec<Vec<usize>>,
}

impl Analysis {
    /// Leaderboards, paired tests and the comparison across tasks of `results`.
    pub fn new(results: &Results) -> Analysis {
        let higher = results.higher_is_better;
        let flows = natural_sorted(results.entries.iter().map(|e| e.flow.clone()));
        let task_labels = natural_sorted(results.entries.iter().map(|e| e.task.clone()));
        let tasks: Vec<TaskLeaderboard> = task_labels
            .into_iter()
            .map(|task| {
                let entries: Vec<Entry> = results
                    .entries
                    .iter()
                    .filter(|e| e.task == task)
                    .cloned()
                    .collect();
                TaskLeaderboard::new(task, entries, higher)
            })
            .collect();
        let comparison = Comparison::new(&tasks, higher);
        Analysis {
            measure: results.measure.clone(),
            higher_is_better: higher,
            flows,
            tasks,
            comparison,
        }
    }

    /// The position of `flow` in [`Analysis::flows`] (its colour), or 0 if it is not there.
    pub fn flow_index(&self, flow: &str) -> usize {
        self.flows.iter().position(|f| f == flow).unwrap_or(0)
    }
}

impl TaskLeaderboard {
    /// The leaderboard of `entries`, the runs of `task`.
    pub fn new(task: String, entries: Vec<Entry>, higher_is_better: bool) -> TaskLeaderboard {
        let flows = natural_sorted(entries.iter().map(|e| e.flow.clone()));
        let mut rows: Vec<LeaderboardRow> = flows
            .iter()
            .map(|flow| {
                let runs: Vec<&Entry> = entries.iter().filter(|e| &e.flow == flow).collect();
                let values: Vec<f64> = runs.iter().map(|e| e.value).collect();
                let folds: Vec<f64> = runs
                    .iter()
                    .flat_map(|e| e.fold_scores.iter().copied())
                    .filter(|v| v.is_finite())
                    .collect();
                let times: Vec<f64> = runs.iter().filter_map(|e| e.training_time_s).collect();
                LeaderboardRow {
                    flow: flow.clone(),
                    mean: mean(&values),
                    std: population_std(&folds),
                    n_runs: runs.len(),
                    mean_training_time_s: (!times.is_empty()).then(|| mean(&times)),
                    rank: f64::NAN,
                }
            })
            .collect();
        let means: Vec<f64> = rows.iter().map(|r| r.mean).collect();
        for (row, rank) in rows
            .iter_mut()
            .zip(stats::rank_row(&means, higher_is_better))
        {
            row.rank = rank;
        }
        rows.sort_by(|a, b| {
            a.rank
                .total_cmp(&b.rank)
                .then_with(|| natural_cmp(&a.flow, &b.flow))
        });
        let tests = match rows.first() {
            Some(best) => rows[1..]
                .iter()
                .map(|row| PairedTest::new(&entries, &row.flow, &best.flow))
                .collect(),
            None => Vec::new(),
        };
        TaskLeaderboard {
            task,
            rows,
            tests,
            entries,
        }
    }

    /// The finite fold scores of every run of `flow`, pooled over seeds.
    pub fn fold_scores(&self, flow: &str) -> Vec<f64> {
        self.entries
            .iter()
            .filter(|e| e.flow == flow)
            .flat_map(|e| e.fold_scores.iter().copied())
            .filter(|v| v.is_finite())
            .collect()
    }
}

impl PairedTest {
    /// `flow` against `reference` on the runs `entries` of one task.
    fn new(entries: &[Entry], flow: &str, reference: &str) -> PairedTest {
        let seeds_of = |label: &str| -> BTreeSet<u64> {
            entries
                .iter()
                .filter(|e| e.flow == label)
                .map(|e| e.seed)
                .collect()
        };
        let seeds: Vec<u64> = seeds_of(flow)
            .intersection(&seeds_of(reference))
            .copied()
            .collect();
        let outcome = Self::run(entries, flow, reference, &seeds);
        PairedTest {
            flow: flow.to_owned(),
            reference: reference.to_owned(),
            seeds,
            outcome,
        }
    }

    fn run(
        entries: &[Entry],
        flow: &str,
        reference: &str,
        seeds: &[u64],
    ) -> Result<CorrectedTTest, String> {
        if seeds.is_empty() {
            return Err("no seed in common with the best flow".to_owned());
        }
        let runs = |label: &str| -> Vec<&Entry> {
            entries
                .iter()
                .filter(|e| e.flow == label && seeds.contains(&e.seed))
                .collect()
        };
        let (a_runs, b_runs) = (runs(flow), runs(reference));
        let (a, b) = (fold_means(&a_runs)?, fold_means(&b_runs)?);
        if a.len() != b.len() {
            return Err(format!(
                "the fold counts differ: {} against {} for the best flow",
                a.len(),
                b.len()
            ));
        }
        let ratio = b_runs
            .iter()
            .chain(&a_runs)
            .find_map(|e| e.test_train_ratio)
            .ok_or_else(|| {
                "the test/train ratio is unknown (a holdout of an OpenML task)".to_owned()
            })?;
        let (a, b): (Vec<f64>, Vec<f64>) = a
            .iter()
            .zip(&b)
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|(x, y)| (*x, *y))
            .unzip();
        if a.len() < 2 {
            return Err(format!(
                "{} fold(s) with scores of both flows; the test needs 2",
                a.len()
            ));
        }
        stats::corrected_resampled_t_test(&a, &b, ratio).map_err(|e| e.to_string())
    }
}

impl Comparison {
    /// Friedman's test over the flows that every task of `tasks` has, or why there is none.
    fn new(tasks: &[TaskLeaderboard], higher_is_better: bool) -> Result<Comparison, String> {
        if tasks.len() < 2 {
            return Err(format!(
                "Friedman's test compares flows across at least 2 tasks; the runs cover {}.",
                tasks.len()
            ));
        }
        let all = natural_sorted(
            tasks
                .iter()
                .flat_map(|t| t.rows.iter().map(|r| r.flow.clone())),
        );
        let (flows, left_out): (Vec<String>, Vec<String>) = all
            .into_iter()
            .partition(|flow| tasks.iter().all(|t| t.rows.iter().any(|r| &r.flow == flow)));
        if flows.len() < 2 {
            return Err(format!(
                "Friedman's test compares at least 2 flows run on every task; {} {} run on all {} tasks.",
                flows.len(),
                if flows.len() == 1 { "is" } else { "are" },
                tasks.len()
            ));
        }
        let scores: Vec<Vec<f64>> = tasks
            .iter()
            .map(|t| {
                flows
                    .iter()
                    .map(|flow| {
                        t.rows
                            .iter()
                            .find(|r| &r.flow == flow)
                            .map_or(f64::NAN, |r| r.mean)
                    })
                    .collect()
            })
            .collect();
        let friedman = stats::friedman(&scores, higher_is_better)
            .map_err(|e| format!("Friedman's test cannot be computed: {e}."))?;
        let critical_difference = stats::critical_difference(flows.len(), tasks.len(), ALPHA)
            .map_err(|e| format!("Nemenyi's critical difference cannot be computed: {e}."))?;
        let groups = stats::nemenyi_groups(&friedman.average_ranks, critical_difference);
        Ok(Comparison {
            tasks: tasks.iter().map(|t| t.task.clone()).collect(),
            flows,
            left_out,
            scores,
            friedman,
            alpha: ALPHA,
            critical_difference,
            groups,
        })
    }

    /// Indices into [`Comparison::flows`], best average rank first (ties by label).
    pub fn by_rank(&self) -> Vec<usize> {
        let ranks = &self.friedman.average_ranks;
        let mut order: Vec<usize> = (0..self.flows.len()).collect();
        order.sort_by(|&a, &b| {
            ranks[a]
                .total_cmp(&ranks[b])
                .then_with(|| natural_cmp(&self.flows[a], &self.flows[b]))
        });
        order
    }
}

/// The element-wise mean of the fold scores of `runs` (failed folds left out; `NaN` where all
/// failed); an error if the runs have different fold counts.
fn fold_means(runs: &[&Entry]) -> Result<Vec<f64>, String> {
    let n = runs.first().map_or(0, |e| e.fold_scores.len());
    if let Some(other) = runs.iter().find(|e| e.fold_scores.len() != n) {
        return Err(format!(
            "the runs of {} differ in fold counts ({} and {n})",
            other.flow,
            other.fold_scores.len()
        ));
    }
    Ok((0..n)
        .map(|i| {
            let values: Vec<f64> = runs
                .iter()
                .map(|e| e.fold_scores[i])
                .filter(|v| v.is_finite())
                .collect();
            mean(&values)
        })
        .collect())
}

/// The mean; `NaN` for no values.
pub(crate) fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// The population standard deviation; `NaN` for no values.
fn population_std(values: &[f64]) -> f64 {
    let m = mean(values);
    (values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / values.len() as f64).sqrt()
}

/// The distinct labels of `labels` in natural order.
fn natural_sorted(labels: impl Iterator<Item = String>) -> Vec<String> {
    let mut labels: Vec<String> = labels
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>();
    labels.sort_by(|a, b| natural_cmp(a, b));
    labels
}

/// Orders text with runs of digits compared as numbers: `task 2` before `task 10`; equal
/// numbers with different leading zeros, and otherwise equal labels, fall back to byte order.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for ((da, xa), (db, xb)) in ca.iter().zip(&cb) {
        let order = if *da && *db {
            let (ta, tb) = (xa.trim_start_matches('0'), xb.trim_start_matches('0'));
            ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb))
        } else {
            xa.cmp(xb)
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_compares_numbers_as_numbers() {
        let mut labels = vec!["task 10", "task 2", "task 1", "forest", "Forest", "task 02"];
        labels.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            labels,
            ["Forest", "forest", "task 1", "task 02", "task 2", "task 10"]
        );
    }

    #[test]
    fn fold_means_average_seeds_and_leave_failures_out() {
        let entry = |scores: Vec<f64>| Entry {
            key: String::new(),
            task: "t".into(),
            flow: "f".into(),
            seed: 0,
            value: 0.0,
            fold_scores: scores,
            training_time_s: None,
            peak_heap_bytes: None,
            test_train_ratio: Some(0.5),
            n_repeats: 1,
            n_folds: 3,
        };
        let (a, b) = (
            entry(vec![1.0, f64::NAN, f64::NAN]),
            entry(vec![0.5, 0.5, f64::NAN]),
        );
        let means = fold_means(&[&a, &b]).unwrap();
        assert_eq!(means[..2], [0.75, 0.5]);
        assert!(means[2].is_nan());
        let c = entry(vec![1.0]);
        assert!(fold_means(&[&a, &c]).is_err());
    }
}
