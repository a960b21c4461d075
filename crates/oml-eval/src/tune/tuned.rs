//! A flow tuned by a nested search: inside each unit's training rows, every candidate of a
//! [`Search`] is scored on inner splits, and the best is refitted on all the training rows.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use ndarray::Array1;
use oml_data::DesignMatrix;
use oml_flow::{
    Component, Describe, ESTIMATOR_STEP, Flow, Model, Output, Parameter, Pipeline, Target,
    TaskKind, TraceIteration, TrainingSet, qualified_name, unsupported,
};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::inner::{InnerSet, in_order, mean};
use super::space::{Search, SearchSpace};
use crate::error::{Error, Result};
use crate::measure_info::{MEASURES, MeasureInfo, MeasureKind, main_measure, measure_info};

/// The inner resampling of the training rows the candidates are scored on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Inner {
    /// `k`-fold cross-validation (`cv:K`), stratified by class for classification.
    Cv(usize),
    /// One split with `percent` of the rows as the test set (`holdout:P`), stratified.
    Holdout(f64),
}

impl FromStr for Inner {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let bad = || {
            Error::Config(format!(
                "inner resampling `{text}`: expected cv:K (K at least 2) or holdout:P (0 < P < 100)"
            ))
        };
        match text.trim().split_once(':') {
            Some(("cv", k)) => match k.trim().parse::<usize>() {
                Ok(k) if k >= 2 => Ok(Inner::Cv(k)),
                _ => Err(bad()),
            },
            Some(("holdout", p)) => match p.trim().parse::<f64>() {
                Ok(p) if p > 0.0 && p < 100.0 => Ok(Inner::Holdout(p)),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Inner::Cv(k) => write!(f, "cv:{k}"),
            Inner::Holdout(p) => write!(f, "holdout:{p}"),
        }
    }
}

impl Inner {
    /// The (train, test) row positions of `rows` training rows, drawn from `seed`: rows are
    /// shuffled, then dealt to the folds class by class (all rows as one class without
    /// `classes`), so that every fold keeps the class proportions.
    pub fn splits(
        &self,
        rows: usize,
        classes: Option<&Array1<usize>>,
        seed: u64,
    ) -> Result<Vec<(Vec<usize>, Vec<usize>)>> {
        let mut order: Vec<usize> = (0..rows).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        if let Some(classes) = classes {
            // Stable by class: within a class, the shuffled order.
            order.sort_by_key(|&row| classes[row]);
        }
        let (folds, test_of): (usize, Box<dyn Fn(usize) -> Option<usize>>) = match *self {
            Inner::Cv(k) => {
                if k > rows {
                    return Err(Error::Config(format!(
                        "inner cv:{k} needs at least {k} training rows; a unit has {rows}"
                    )));
                }
                (k, Box::new(move |position| Some(position % k)))
            }
            Inner::Holdout(percent) => {
                let every = 100.0 / percent;
                (
                    1,
                    Box::new(move |position| {
                        // Position p is a test row when it crosses a multiple of 100/P.
                        let crossed = ((position + 1) as f64 / every).floor()
                            > (position as f64 / every).floor();
                        crossed.then_some(0)
                    }),
                )
            }
        };
        let mut splits = vec![(Vec::new(), Vec::new()); folds];
        for (position, &row) in order.iter().enumerate() {
            let test = test_of(position);
            for (fold, (train, held)) in splits.iter_mut().enumerate() {
                if test == Some(fold) {
                    held.push(row);
                } else {
                    train.push(row);
                }
            }
        }
        for (train, test) in &mut splits {
            train.sort_unstable();
            test.sort_unstable();
            if train.is_empty() || test.is_empty() {
                return Err(Error::Config(format!(
                    "the inner resampling leaves a split without rows ({rows} training rows)"
                )));
            }
        }
        Ok(splits)
    }
}

/// How a search fits its distinct candidates ([`Tuned::batches`]): in groups, as positions
/// among them, each a family fitted at once or a chain fitted warm in order.
struct Batches {
    groups: Vec<Vec<usize>>,
    families: bool,
}

/// A flow tuned by a nested search. The search draws its candidates, and the inner splits
/// their rows, from the unit's seed; each candidate is scored by the task's main measure
/// (accuracy for classification, the root mean squared error for regression) averaged over
/// the inner splits; the best (ties to the earliest candidate) is refitted on every training
/// row and predicts the unit. A candidate whose score is undefined (NaN: the measure has no
/// value on one of the inner splits) ranks after every defined score, as in scikit-learn's
/// `GridSearchCV`, so it is chosen only when every score is undefined, and then the earliest
/// candidate is. Its trace ([`Model::trace`]) has every candidate.
pub struct Tuned {
    make: Arc<dyn Fn() -> Pipeline + Send + Sync>,
    base: Pipeline,
    /// Whether every tuned parameter is the estimator's, so that the pipeline's preprocessing
    /// is the same for every candidate: it is then fitted once per inner split
    /// ([`InnerSet::cut`]) rather than once per candidate and split, with the same results,
    /// and the candidates fit only the estimator.
    shared: bool,
    space: SearchSpace,
    search: Search,
    inner: Inner,
    measure: Option<&'static MeasureInfo>,
}

impl Tuned {
    /// `make`'s flow tuned over `space` by `search` on `inner` splits. The space is checked
    /// against the search ([`Search::check`]: a grid's size, counted) and against the flow
    /// ([`SearchSpace::check`]) first, so a space that cannot run fails before any fit.
    pub fn new(
        make: Arc<dyn Fn() -> Pipeline + Send + Sync>,
        space: SearchSpace,
        search: Search,
        inner: Inner,
    ) -> Result<Self> {
        search.check(&space)?;
        space.check(&*make)?;
        let base = make();
        let estimator = format!("{ESTIMATOR_STEP}.");
        let shared = space.dimensions().iter().all(|(name, _)| {
            qualified_name(&base, name).is_some_and(|q| q.starts_with(&estimator))
        });
        Ok(Tuned {
            make,
            base,
            shared,
            space,
            search,
            inner,
            measure: None,
        })
    }

    /// Scores candidates by the OpenML measure `name` rather than the task's main measure:
    /// one oml computes from predictions (not a timing), which the caller checks against the
    /// task's kind ([`Tuned::measure_for`]).
    pub fn with_measure(mut self, name: &str) -> Result<Self> {
        let info = measure_info(name)
            .filter(|info| !info.is_timing())
            .ok_or_else(|| {
                Error::Config(format!(
                    "tune measure `{name}`: not a measure oml computes from predictions; they are {}",
                    MEASURES
                        .iter()
                        .filter(|m| !m.is_timing())
                        .map(|m| m.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        self.measure = Some(info);
        Ok(self)
    }

    /// The measure candidates are scored by on a task of `kind`: the one asked for, which must
    /// apply to the kind, else the kind's main measure.
    pub fn measure_for(&self, kind: TaskKind) -> Result<&'static MeasureInfo> {
        let wanted = match kind {
            TaskKind::Classification { .. } => MeasureKind::Classification,
            TaskKind::Regression => MeasureKind::Regression,
            TaskKind::Clustering => {
                return Err(Error::Config("a clustering task cannot be tuned".into()));
            }
        };
        match self.measure {
            None => main_measure(wanted)
                .ok_or_else(|| Error::Config("the task kind has no main measure".into())),
            Some(info)
                if info.kind == wanted || info.kind == MeasureKind::ClassificationAndRegression =>
            {
                Ok(info)
            }
            Some(info) => Err(Error::Config(format!(
                "tune measure `{}` does not apply to {} tasks",
                info.name,
                kind.name()
            ))),
        }
    }

    /// The pipeline whose steps [`InnerSet::cut`] applies, where they are shared.
    fn preprocessing(&self) -> Option<&Pipeline> {
        self.shared.then_some(&self.base)
    }

    /// The flow with `candidate`'s parameter values.
    fn configured(&self, candidate: &[(String, String)]) -> oml_flow::Result<Pipeline> {
        let mut pipeline = (self.make)();
        for (name, value) in candidate {
            pipeline.set_parameter(name, value)?;
        }
        Ok(pipeline)
    }

    /// The batches the `distinct` candidates are fitted in, as positions in `distinct`.
    /// Families ([`Flow::family_parameters`]): candidates that differ only in the estimator's
    /// family parameters, fitted at once ([`Flow::fit_family`]). Warm chains
    /// ([`Flow::warm_path`]): candidates that differ only in the estimator's warm parameter,
    /// in the path's order of its value. Otherwise every candidate on its own, cold: where the
    /// preprocessing is not shared (the candidates then fit whole pipelines), the estimator
    /// has neither, the space does not tune its warm parameter, or a candidate's value of it
    /// is not a number.
    fn batches(&self, candidates: &[Vec<(String, String)>], distinct: &[usize]) -> Batches {
        if let Some(families) = self.families(candidates, distinct) {
            return Batches {
                groups: families,
                families: true,
            };
        }
        let chains = self.warm_chains(candidates, distinct);
        Batches {
            groups: chains
                .unwrap_or_else(|| (0..distinct.len()).map(|position| vec![position]).collect()),
            families: false,
        }
    }

    /// [`Tuned::batches`]' families, if the estimator fits any: the candidates by their values
    /// of the parameters outside the family, each family in the candidates' order.
    fn families(
        &self,
        candidates: &[Vec<(String, String)>],
        distinct: &[usize],
    ) -> Option<Vec<Vec<usize>>> {
        let names = self.base.estimator().family_parameters();
        if !self.shared || names.is_empty() {
            return None;
        }
        let in_family = |name: &str| {
            qualified_name(&self.base, name).is_some_and(|qualified| {
                names
                    .iter()
                    .any(|n| qualified == format!("{ESTIMATOR_STEP}.{n}"))
            })
        };
        let mut families: BTreeMap<Vec<&(String, String)>, Vec<usize>> = BTreeMap::new();
        for (position, &i) in distinct.iter().enumerate() {
            let others = candidates[i]
                .iter()
                .filter(|(name, _)| !in_family(name))
                .collect();
            families.entry(others).or_default().push(position);
        }
        Some(families.into_values().collect())
    }

    /// [`Tuned::batches`]' warm chains, if the search has any.
    fn warm_chains(
        &self,
        candidates: &[Vec<(String, String)>],
        distinct: &[usize],
    ) -> Option<Vec<Vec<usize>>> {
        if !self.shared {
            return None;
        }
        let path = self.base.estimator().warm_path()?;
        let warm = format!("{ESTIMATOR_STEP}.{}", path.parameter);
        let is_warm = |name: &str| qualified_name(&self.base, name).as_deref() == Some(&warm);
        // By the other parameters' values: each chain's (value along the path, position).
        let mut chains: BTreeMap<Vec<&(String, String)>, Vec<_>> = BTreeMap::new();
        for (position, &i) in distinct.iter().enumerate() {
            let (along, others): (Vec<_>, Vec<_>) =
                candidates[i].iter().partition(|(name, _)| is_warm(name));
            let [(_, value)] = along[..] else {
                return None;
            };
            let value = value.trim().parse::<f64>().ok()?;
            chains.entry(others).or_default().push((value, position));
        }
        Some(
            chains
                .into_values()
                .map(|mut chain| {
                    chain.sort_by(|a, b| {
                        let along = a.0.total_cmp(&b.0);
                        let along = if path.descending {
                            along.reverse()
                        } else {
                            along
                        };
                        along.then(a.1.cmp(&b.1))
                    });
                    chain.into_iter().map(|(_, position)| position).collect()
                })
                .collect(),
        )
    }

    /// The scores of the `distinct` candidates by `measure` on the inner splits `sets` (each
    /// already cut from the training rows, [`InnerSet::cut`], once per search, and, where
    /// [`Tuned::shared`], preprocessed: then only the estimator is fitted), fitted in
    /// `batches` ([`Tuned::batches`]): each batch on each split runs on its own on the rayon
    /// pool, a family fitted at once, a chain's candidates in order, each after the first
    /// fitted from the model of the one before; a candidate's score is the mean over the
    /// splits in their order.
    fn score_batches(
        &self,
        candidates: &[Vec<(String, String)>],
        distinct: &[usize],
        batches: &Batches,
        sets: &[InnerSet],
        measure: &MeasureInfo,
        seed: u64,
    ) -> oml_flow::Result<Vec<f64>> {
        let jobs: Vec<(&[usize], &InnerSet)> = batches
            .groups
            .iter()
            .flat_map(|group| sets.iter().map(move |set| (group.as_slice(), set)))
            .collect();
        let values = in_order(jobs.par_iter().map(|&(group, set)| {
            let pipelines = group
                .iter()
                .map(|&position| self.configured(&candidates[distinct[position]]))
                .collect::<oml_flow::Result<Vec<Pipeline>>>()?;
            let flows: Vec<&dyn Flow> = pipelines
                .iter()
                .map(|pipeline| {
                    if self.shared {
                        pipeline.estimator()
                    } else {
                        pipeline as &dyn Flow
                    }
                })
                .collect();
            let (training, prepared) = (set.training(), set.prepared.as_ref());
            if batches.families {
                let models = flows[0].fit_family(&training, prepared, seed, &flows)?;
                return models
                    .iter()
                    .map(|model| set.score(model.as_ref(), measure))
                    .collect::<oml_flow::Result<Vec<f64>>>();
            }
            let mut previous: Option<Box<dyn Model>> = None;
            flows
                .iter()
                .map(|flow| {
                    let model = match &previous {
                        Some(previous) => flow.fit_warm(&training, prepared, seed, &**previous)?,
                        None => flow.fit_prepared(&training, prepared, seed)?,
                    };
                    let value = set.score(model.as_ref(), measure)?;
                    previous = Some(model);
                    Ok(value)
                })
                .collect::<oml_flow::Result<Vec<f64>>>()
        }))?;
        let mut by_candidate = vec![Vec::with_capacity(sets.len()); distinct.len()];
        for (group_values, &(group, _)) in values.iter().zip(&jobs) {
            for (&value, &position) in group_values.iter().zip(group) {
                by_candidate[position].push(value);
            }
        }
        Ok(by_candidate.iter().map(|values| mean(values)).collect())
    }
}

impl Tuned {
    /// The scores of the candidates `alive` (indices into `candidates`) on `sets`, in the
    /// order of `alive`, fitted in parallel on the rayon pool. A candidate equal to an earlier
    /// one of `alive` is not fitted again but takes its score: every candidate fits with the
    /// unit's seed, so equal candidates fit equal models (a random search draws a point twice
    /// when the space is small).
    fn score_distinct(
        &self,
        candidates: &[Vec<(String, String)>],
        alive: &[usize],
        sets: &[InnerSet],
        measure: &MeasureInfo,
        seed: u64,
    ) -> oml_flow::Result<Vec<f64>> {
        let mut first_seen: BTreeMap<&[(String, String)], usize> = BTreeMap::new();
        let mut distinct = Vec::new();
        let slots: Vec<usize> = alive
            .iter()
            .map(|&i| {
                *first_seen.entry(&candidates[i]).or_insert_with(|| {
                    distinct.push(i);
                    distinct.len() - 1
                })
            })
            .collect();
        let batches = self.batches(candidates, &distinct);
        let scores = self.score_batches(candidates, &distinct, &batches, sets, measure, seed)?;
        Ok(slots.into_iter().map(|slot| scores[slot]).collect())
    }

    /// Successive halving: each round scores the surviving candidates with every inner
    /// training set cut to `3^-(rounds left)` of its rows (a seeded prefix), keeps the best
    /// third (at least one), and ends with the survivors on all rows. Returns each candidate's
    /// score in the last round it was in (its trace evaluation) and the final survivors,
    /// among which the best is chosen.
    fn halving(
        &self,
        candidates: &[Vec<(String, String)>],
        data: &TrainingSet<'_>,
        splits: &[(Vec<usize>, Vec<usize>)],
        seed: u64,
        measure: &MeasureInfo,
    ) -> oml_flow::Result<(Vec<f64>, Vec<usize>)> {
        let higher_is_better = measure.higher_is_better();
        let mut rounds = 1;
        while 3usize.pow(rounds) < candidates.len() {
            rounds += 1;
        }
        let mut shuffled = splits.to_vec();
        for (i, (train, _)) in shuffled.iter_mut().enumerate() {
            train.shuffle(&mut ChaCha8Rng::seed_from_u64(oml_flow::unit_seed(
                seed, 1, i as u32, 0,
            )));
        }
        let mut scores = vec![f64::NAN; candidates.len()];
        let mut alive: Vec<usize> = (0..candidates.len()).collect();
        for round in 0..rounds {
            let fraction = 3f64.powi(round as i32 + 1 - rounds as i32);
            let cut: Vec<(Vec<usize>, Vec<usize>)> = shuffled
                .iter()
                .map(|(train, test)| {
                    let keep =
                        ((train.len() as f64 * fraction).ceil() as usize).clamp(1, train.len());
                    let mut rows = train[..keep].to_vec();
                    rows.sort_unstable();
                    (rows, test.clone())
                })
                .collect();
            let sets = InnerSet::cut(data, &cut, self.preprocessing())?;
            let round_scores = self.score_distinct(candidates, &alive, &sets, measure, seed)?;
            for (&i, score) in alive.iter().zip(&round_scores) {
                scores[i] = *score;
            }
            if round + 1 == rounds {
                break;
            }
            alive = best_third(&alive, &scores, higher_is_better);
        }
        Ok((scores, alive))
    }
}

impl Describe for Tuned {
    fn name(&self) -> String {
        format!("oml.Tuned({})", self.base.name())
    }
    fn external_version(&self) -> String {
        self.base.external_version()
    }
    fn description(&self) -> String {
        format!(
            "{} tuned inside each unit by a nested search ({}, inner {}) over {}; the best \
             candidate by the task's main measure is refitted on the unit's training rows",
            self.base.name(),
            self.search,
            self.inner,
            self.space
        )
    }
    fn parameters(&self) -> Vec<Parameter> {
        let text = |name: &str, value: String, description: &str, allowed: &str| Parameter {
            name: name.to_owned(),
            data_type: "string",
            default: String::new(),
            value,
            description: description.to_owned(),
            allowed: allowed.to_owned(),
        };
        vec![
            text(
                "space",
                self.space.to_string(),
                "the tuned parameters and their domains",
                "NAME=int:LO:HI, NAME=float:LO:HI[:log] or NAME=a,b,c, separated by `; `",
            ),
            text(
                "search",
                self.search.to_string(),
                "how candidates are chosen",
                "grid or random:N",
            ),
            text(
                "inner",
                self.inner.to_string(),
                "the inner resampling of each unit's training rows",
                "cv:K or holdout:P",
            ),
        ]
    }
    fn components(&self) -> Vec<Component<'_>> {
        vec![Component {
            identifier: "tuned",
            flow: &self.base,
        }]
    }
}

impl Flow for Tuned {
    fn learns(&self, kind: TaskKind) -> bool {
        !matches!(kind, TaskKind::Clustering) && self.base.learns(kind)
    }

    fn fit(&self, data: &TrainingSet<'_>, seed: u64) -> oml_flow::Result<Box<dyn Model>> {
        let config = |e: Error| oml_flow::Error::fit(self.name(), e);
        let candidates = self.search.candidates(&self.space, seed).map_err(config)?;
        let classes = match data.target {
            Target::Classes { classes, .. } => Some(classes.to_owned()),
            _ => None,
        };
        let inner_seed = oml_flow::unit_seed(seed, 0, 0, 1);
        let splits = self
            .inner
            .splits(data.features.x.nrows(), classes.as_ref(), inner_seed)
            .map_err(config)?;
        // Each candidate on the same rayon pool; collected in order, so the result is the
        // same for any thread count.
        let kind = match data.target {
            Target::Classes { n_classes, .. } => TaskKind::Classification { n_classes },
            Target::Values(_) => TaskKind::Regression,
            Target::None => return Err(unsupported(self, &data.target)),
        };
        let measure = self.measure_for(kind).map_err(config)?;
        let higher_is_better = measure.higher_is_better();
        let (scores, finalists) = match self.search {
            Search::Halving(_) => self.halving(&candidates, data, &splits, seed, measure)?,
            _ => {
                let sets = InnerSet::cut(data, &splits, self.preprocessing())?;
                let all: Vec<usize> = (0..candidates.len()).collect();
                let scores = self.score_distinct(&candidates, &all, &sets, measure, seed)?;
                (scores, all)
            }
        };
        let best = best_of(&finalists, &scores, higher_is_better);
        let model = self.configured(&candidates[best])?.fit(data, seed)?;
        let trace = candidates
            .into_iter()
            .zip(scores)
            .enumerate()
            .map(|(i, (parameters, evaluation))| TraceIteration {
                parameters,
                evaluation,
                selected: i == best,
            })
            .collect();
        Ok(Box::new(TunedModel { model, trace }))
    }
}

/// The candidate of `finalists` (indices into `scores`, not empty) with the best score, ties
/// to the earliest; an undefined score never beats a defined one ([`rank_order`]), and where
/// every score is undefined the earliest finalist is chosen.
fn best_of(finalists: &[usize], scores: &[f64], higher_is_better: bool) -> usize {
    let mut best = finalists[0];
    for &i in finalists {
        if rank_order(scores[i], scores[best], higher_is_better, numeric) == Ordering::Less {
            best = i;
        }
    }
    best
}

/// The best third (at least one) of the candidates `alive` (indices into `scores`) that a
/// round of successive halving keeps, in increasing order: ties to the earlier candidate,
/// undefined scores last ([`rank_order`]).
fn best_third(alive: &[usize], scores: &[f64], higher_is_better: bool) -> Vec<usize> {
    let mut ranked = alive.to_vec();
    ranked.sort_by(|&a, &b| {
        rank_order(scores[a], scores[b], higher_is_better, f64::total_cmp).then(a.cmp(&b))
    });
    ranked.truncate(ranked.len().div_ceil(3).max(1));
    ranked.sort_unstable();
    ranked
}

/// How the score `a` ranks against `b`, the better first: by the measure's direction, with
/// `compare` for two defined scores; an undefined score (NaN: the measure has no value on some
/// inner split, as kappa where a test split holds one class) after every defined one and level
/// with another undefined one, as scikit-learn's `*SearchCV` rank scores (NaN means tie below
/// the worst; successive halving keeps them last).
fn rank_order(
    a: f64,
    b: f64,
    higher_is_better: bool,
    compare: fn(&f64, &f64) -> Ordering,
) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) if higher_is_better => compare(&b, &a),
        (false, false) => compare(&a, &b),
    }
}

/// Numbers compared as `<` and `>` compare them (0 and -0 level); for numbers only.
fn numeric(a: &f64, b: &f64) -> Ordering {
    a.partial_cmp(b).unwrap_or(Ordering::Equal)
}

/// The refitted best candidate and the trace of the search that chose it.
struct TunedModel {
    model: Box<dyn Model>,
    trace: Vec<TraceIteration>,
}

impl Model for TunedModel {
    fn output(&self, x: &DesignMatrix) -> oml_flow::Result<Output> {
        self.model.output(x)
    }

    fn trace(&self) -> &[TraceIteration] {
        &self.trace
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Audit of flows, defect 4: a NaN score first was never replaced (every comparison with
    /// it is false), and halving's `total_cmp` ranked a positive NaN above every number when
    /// higher is better. NaN now ranks last in both directions, as in scikit-learn.
    #[test]
    fn an_undefined_score_never_beats_a_defined_one() {
        let nan = f64::NAN;
        for higher_is_better in [true, false] {
            let scores = [nan, 0.5, -nan, 0.25, 0.5];
            let (best, third) = if higher_is_better {
                (1, [1, 4])
            } else {
                (3, [1, 3])
            };
            assert_eq!(best_of(&[0, 1, 2, 3, 4], &scores, higher_is_better), best);
            assert_eq!(best_of(&[2, 4, 0], &scores, higher_is_better), 4);
            // Every score undefined: the earliest finalist.
            assert_eq!(best_of(&[2, 0], &scores, higher_is_better), 2);
            // Halving keeps the best third: the defined scores before the undefined ones.
            let alive = [0, 1, 2, 3, 4];
            assert_eq!(best_third(&alive, &scores, higher_is_better), third);
            assert_eq!(best_third(&[0, 2, 3], &scores, higher_is_better), [3]);
            assert_eq!(best_third(&[2, 0], &scores, higher_is_better), [0]);
        }
    }

    /// Only a search over the estimator's parameters alone shares each inner split's
    /// preprocessing among the candidates; one that tunes a step does not.
    #[test]
    fn preprocessing_is_shared_only_when_only_the_estimator_is_tuned() {
        let searches: [(&'static str, &[&str], bool); 3] = [
            (
                "decision-tree",
                &["max_depth=int:1:6", "min_samples_leaf=int:1:20"],
                true,
            ),
            ("knn", &["k=int:1:15"], true),
            ("knn", &["impute.strategy=mean,median", "k=int:1:15"], false),
        ];
        for (name, space, shared) in searches {
            let make: Arc<dyn Fn() -> Pipeline + Send + Sync> =
                Arc::new(move || oml_flow::builtin_flow(name).unwrap());
            let space = SearchSpace::parse(space).unwrap();
            let tuned = Tuned::new(make, space, Search::Random(6), Inner::Cv(3)).unwrap();
            assert_eq!(tuned.shared, shared, "{name}");
            assert_eq!(tuned.preprocessing().is_some(), shared, "{name}");
        }
    }
}
