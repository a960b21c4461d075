//! Tuned flows: search spaces and their errors, candidates from the seed, the nested search
//! choosing and refitting the best candidate, and its trace.

use std::sync::Arc;

use ndarray::Axis;
use oml_data::DesignMatrix;
use oml_eval::tune::{Domain, Inner, Search, SearchSpace, Tuned};
use oml_flow::{
    Describe, Flow, Pipeline, Predictions, Target, TaskKind, TrainingSet, builtin_flow,
    set_parameters,
};

fn tree() -> Arc<dyn Fn() -> Pipeline + Send + Sync> {
    Arc::new(|| builtin_flow("decision-tree").unwrap())
}

fn iris() -> (DesignMatrix, ndarray::Array1<usize>) {
    let iris = oml_data::builtin("iris").unwrap();
    let x = iris.design_matrix(Some("class")).unwrap();
    let y = iris.class_target("class").unwrap().classes;
    (x, y)
}

#[test]
fn spaces_parse_and_bad_ones_are_named() {
    assert_eq!(
        "int:1:20".parse::<Domain>().unwrap(),
        Domain::Int { low: 1, high: 20 }
    );
    assert_eq!(
        "float:0.001:100:log".parse::<Domain>().unwrap(),
        Domain::Float {
            low: 0.001,
            high: 100.0,
            log: true
        }
    );
    assert_eq!(
        "gini, entropy".parse::<Domain>().unwrap(),
        Domain::Values(vec!["gini".into(), "entropy".into()])
    );
    for bad in [
        "int:5:1",
        "int:a:3",
        "float:0:1:log",
        "float:1",
        "a,,b",
        "float:1:inf",
    ] {
        let err = bad.parse::<Domain>().unwrap_err().to_string();
        assert!(err.contains(bad), "{bad}: {err}");
    }
    assert!(SearchSpace::parse::<&str>(&[]).is_err());
    assert!(SearchSpace::parse(&["max_depth=int:1:3", "max_depth=int:2:4"]).is_err());
    assert!("random:0".parse::<Search>().is_err());
    assert_eq!("random:20".parse::<Search>().unwrap(), Search::Random(20));
    assert!("cv:1".parse::<Inner>().is_err());
    assert!("holdout:100".parse::<Inner>().is_err());
}

#[test]
fn a_space_outside_the_parameter_is_refused_before_any_fit_with_the_allowed_values() {
    let space = SearchSpace::parse(&["max_depth=int:0:5"]).unwrap();
    let Err(err) = Tuned::new(tree(), space, Search::Random(3), Inner::Cv(3)) else {
        panic!("max_depth 0 accepted")
    };
    let err = err.to_string();
    assert!(err.contains("max_depth") && err.contains("`0`"), "{err}");
    let unknown = SearchSpace::parse(&["depth=int:1:5"]).unwrap();
    assert!(Tuned::new(tree(), unknown, Search::Grid, Inner::Cv(3)).is_err());
}

#[test]
fn candidates_come_from_the_seed_and_grids_in_order() {
    let space = SearchSpace::parse(&["max_depth=int:1:20", "min_samples_leaf=int:1:20"]).unwrap();
    let a = Search::Random(20).candidates(&space, 7).unwrap();
    assert_eq!(a, Search::Random(20).candidates(&space, 7).unwrap());
    assert_ne!(a, Search::Random(20).candidates(&space, 8).unwrap());
    assert_eq!(a.len(), 20);
    for candidate in &a {
        for (_, value) in candidate {
            let v: i64 = value.parse().unwrap();
            assert!((1..=20).contains(&v));
        }
    }
    let grid = SearchSpace::parse(&["max_depth=int:1:2", "criterion=gini,entropy"]).unwrap();
    let points = Search::Grid.candidates(&grid, 0).unwrap();
    let text: Vec<String> = points
        .iter()
        .map(|p| {
            p.iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        text,
        [
            "max_depth=1 criterion=gini",
            "max_depth=1 criterion=entropy",
            "max_depth=2 criterion=gini",
            "max_depth=2 criterion=entropy"
        ]
    );
    let float = SearchSpace::parse(&["alpha=float:0.1:1"]).unwrap();
    assert!(Search::Grid.candidates(&float, 0).is_err());
}

#[test]
fn inner_splits_are_stratified_and_cover_the_rows() {
    let (_, y) = iris();
    let splits = Inner::Cv(3).splits(y.len(), Some(&y), 1).unwrap();
    assert_eq!(splits.len(), 3);
    let mut tested: Vec<usize> = splits.iter().flat_map(|(_, test)| test.clone()).collect();
    tested.sort_unstable();
    assert_eq!(tested, (0..150).collect::<Vec<_>>());
    for (train, test) in &splits {
        assert_eq!(train.len() + test.len(), 150);
        // 50 rows of each class dealt to 3 folds: 16 or 17 of each class per test fold.
        for class in 0..3 {
            let n = test.iter().filter(|&&r| y[r] == class).count();
            assert!((16..=17).contains(&n), "class {class}: {n}");
        }
    }
    let holdout = Inner::Holdout(20.0).splits(150, Some(&y), 1).unwrap();
    assert_eq!(holdout[0].1.len(), 30);
    assert!(Inner::Cv(200).splits(150, None, 1).is_err());
}

#[test]
fn the_best_candidate_is_refitted_and_its_trace_has_one_selected_row() {
    let (x, y) = iris();
    let space = SearchSpace::parse(&["max_depth=int:1:6", "min_samples_leaf=int:1:20"]).unwrap();
    let tuned = Tuned::new(tree(), space, Search::Random(12), Inner::Cv(3)).unwrap();
    assert!(tuned.name().starts_with("oml.Tuned("));
    let data = TrainingSet {
        features: &x,
        target: Target::Classes {
            classes: y.view(),
            n_classes: 3,
        },
    };
    let kind = TaskKind::Classification { n_classes: 3 };
    let model = tuned.fit(&data, 42).unwrap();
    let trace = model.trace();
    assert_eq!(trace.len(), 12);
    let selected: Vec<_> = trace.iter().filter(|t| t.selected).collect();
    assert_eq!(selected.len(), 1);
    let best = trace.iter().map(|t| t.evaluation).fold(f64::MIN, f64::max);
    let first_best = trace.iter().position(|t| t.evaluation == best).unwrap();
    assert!(
        trace[first_best].selected,
        "ties go to the earliest candidate"
    );
    assert!(best > 0.8 && best <= 1.0, "{best}");
    // The predictions are those of the selected candidate refitted on every row.
    let mut refit = builtin_flow("decision-tree").unwrap();
    let assignments: Vec<String> = selected[0]
        .parameters
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    set_parameters(&mut refit as &mut dyn Describe, &assignments).unwrap();
    let direct = refit.fit(&data, 42).unwrap().predict(&x, kind).unwrap();
    assert_eq!(model.predict(&x, kind).unwrap(), direct);
    // The same seed gives the same search on any thread count.
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let again = one.install(|| tuned.fit(&data, 42).unwrap());
    assert_eq!(again.trace(), trace);
}

/// The search preprocesses each inner split once for all candidates when only the estimator is
/// tuned: every evaluation must still be the whole pipeline's, fitted per candidate. Three
/// searches: a tree's (its inputs presorted once per split), knn's (its imputer's medians and
/// its scaler depend on each split's training rows) and one that tunes the imputer too (the
/// preprocessing then cannot be shared).
#[test]
fn each_evaluation_is_the_whole_pipeline_fitted_and_scored_on_the_inner_splits() {
    let (mut x, y) = iris();
    // Missing values, so that the imputer's medians depend on each split's training rows.
    for row in (0..x.x.nrows()).step_by(4) {
        x.x[[row, 2]] = f64::NAN;
    }
    let data = TrainingSet {
        features: &x,
        target: Target::Classes {
            classes: y.view(),
            n_classes: 3,
        },
    };
    // The inner splits' seed, as `Tuned` derives it from the unit's (tuned.rs, `fit`).
    let splits = Inner::Cv(3)
        .splits(x.x.nrows(), Some(&y), oml_flow::unit_seed(7, 0, 0, 1))
        .unwrap();
    let rows = |r: &[usize]| x.select_rows(r);
    let kind = TaskKind::Classification { n_classes: 3 };
    // The trees' searches fit families (`Flow::fit_family`): a candidate's evaluation is
    // still its lone fit's, grouped by the parameters outside the family (`criterion`).
    let searches: [(&'static str, &[&str]); 5] = [
        (
            "decision-tree",
            &["max_depth=int:1:6", "min_samples_leaf=int:1:20"],
        ),
        (
            "decision-tree",
            &[
                "criterion=gini,entropy",
                "max_depth=int:1:6",
                "min_samples_leaf=int:1:20",
            ],
        ),
        (
            "random-forest",
            &["max_depth=int:1:6", "min_samples_leaf=int:1:20"],
        ),
        ("knn", &["k=int:1:15"]),
        ("knn", &["impute.strategy=mean,median", "k=int:1:15"]),
    ];
    for (name, space) in searches {
        let make: Arc<dyn Fn() -> Pipeline + Send + Sync> =
            Arc::new(move || builtin_flow(name).unwrap());
        let space = SearchSpace::parse(space).unwrap();
        let model = Tuned::new(make, space, Search::Random(8), Inner::Cv(3))
            .unwrap()
            .fit(&data, 7)
            .unwrap();
        for iteration in model.trace() {
            let mut pipeline = builtin_flow(name).unwrap();
            let assignments: Vec<String> = iteration
                .parameters
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            set_parameters(&mut pipeline as &mut dyn Describe, &assignments).unwrap();
            let mut total = 0.0;
            for (train, test) in &splits {
                let classes = y.select(Axis(0), train);
                let training = TrainingSet {
                    features: &rows(train),
                    target: Target::Classes {
                        classes: classes.view(),
                        n_classes: 3,
                    },
                };
                let Predictions::Classes { labels, .. } = pipeline
                    .fit(&training, 7)
                    .unwrap()
                    .predict(&rows(test), kind)
                    .unwrap()
                else {
                    panic!("classification")
                };
                let correct = test
                    .iter()
                    .zip(&labels)
                    .filter(|(r, l)| y[**r] == **l)
                    .count();
                total += correct as f64 / test.len() as f64;
            }
            let expected = total / splits.len() as f64;
            assert!(
                (iteration.evaluation - expected).abs() < 1e-12,
                "{name} {:?}: {} against {expected}",
                iteration.parameters,
                iteration.evaluation
            );
        }
    }
}

#[test]
fn successive_halving_scores_every_candidate_and_refits_a_survivor() {
    assert_eq!("halving:9".parse::<Search>().unwrap(), Search::Halving(9));
    assert!("halving:1".parse::<Search>().is_err());
    let (x, y) = iris();
    let space = SearchSpace::parse(&["max_depth=int:1:6", "min_samples_leaf=int:1:40"]).unwrap();
    let tuned = Tuned::new(tree(), space, Search::Halving(9), Inner::Cv(3)).unwrap();
    let data = TrainingSet {
        features: &x,
        target: Target::Classes {
            classes: y.view(),
            n_classes: 3,
        },
    };
    let model = tuned.fit(&data, 5).unwrap();
    let trace = model.trace();
    assert_eq!(trace.len(), 9);
    assert_eq!(trace.iter().filter(|t| t.selected).count(), 1);
    assert!(trace.iter().all(|t| (0.0..=1.0).contains(&t.evaluation)));
    // The same candidates as a random search of 9 from the same seed, scored otherwise.
    let random = Tuned::new(
        tree(),
        SearchSpace::parse(&["max_depth=int:1:6", "min_samples_leaf=int:1:40"]).unwrap(),
        Search::Random(9),
        Inner::Cv(3),
    )
    .unwrap()
    .fit(&data, 5)
    .unwrap();
    let parameters = |t: &[oml_flow::TraceIteration]| -> Vec<Vec<(String, String)>> {
        t.iter().map(|i| i.parameters.clone()).collect()
    };
    assert_eq!(parameters(trace), parameters(random.trace()));
    let again = tuned.fit(&data, 5).unwrap();
    assert_eq!(again.trace(), trace);
}

#[test]
fn another_measure_scores_the_candidates_in_its_direction() {
    let (x, y) = iris();
    let space = || SearchSpace::parse(&["max_depth=int:1:6"]).unwrap();
    let tuned = Tuned::new(tree(), space(), Search::Random(6), Inner::Cv(3))
        .unwrap()
        .with_measure("log_loss")
        .unwrap();
    let kind = TaskKind::Classification { n_classes: 3 };
    assert_eq!(tuned.measure_for(kind).unwrap().name, "log_loss");
    let data = TrainingSet {
        features: &x,
        target: Target::Classes {
            classes: y.view(),
            n_classes: 3,
        },
    };
    let model = tuned.fit(&data, 2).unwrap();
    let least = model
        .trace()
        .iter()
        .map(|t| t.evaluation)
        .fold(f64::MAX, f64::min);
    let chosen = model.trace().iter().find(|t| t.selected).unwrap();
    assert_eq!(chosen.evaluation, least, "log loss: lower is better");
    let r2 = Tuned::new(tree(), space(), Search::Random(2), Inner::Cv(3))
        .unwrap()
        .with_measure("r_squared")
        .unwrap();
    assert!(r2.measure_for(kind).is_err());
    assert!(
        Tuned::new(tree(), space(), Search::Grid, Inner::Cv(3))
            .unwrap()
            .with_measure("usercpu_time_millis")
            .is_err()
    );
}

/// The decision tree flow, counting its fits.
struct CountedTree {
    tree: Pipeline,
    fits: Arc<std::sync::atomic::AtomicUsize>,
}

impl Describe for CountedTree {
    fn name(&self) -> String {
        self.tree.estimator().name()
    }
    fn parameters(&self) -> Vec<oml_flow::Parameter> {
        self.tree.estimator().parameters()
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> oml_flow::Result<()> {
        self.tree.set_parameter(name, value)
    }
}

impl Flow for CountedTree {
    fn fit(&self, data: &TrainingSet<'_>, seed: u64) -> oml_flow::Result<Box<dyn oml_flow::Model>> {
        self.fits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.tree.fit(data, seed)
    }
}

/// A candidate equal to an earlier one (a grid list naming a value twice, a random search
/// drawing a point twice) is not fitted again: it takes the earlier one's evaluation, which
/// fitting it would give (every candidate fits with the unit's seed).
#[test]
fn equal_candidates_are_fitted_once() {
    let (x, y) = iris();
    let data = TrainingSet {
        features: &x,
        target: Target::Classes {
            classes: y.view(),
            n_classes: 3,
        },
    };
    let fits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = fits.clone();
    let make: Arc<dyn Fn() -> Pipeline + Send + Sync> = Arc::new(move || {
        Pipeline::new(CountedTree {
            tree: builtin_flow("decision-tree").unwrap(),
            fits: counter.clone(),
        })
    });
    let space = SearchSpace::parse(&["max_depth=2,1,2,3,1"]).unwrap();
    let model = Tuned::new(make, space, Search::Grid, Inner::Cv(3))
        .unwrap()
        .fit(&data, 3)
        .unwrap();
    // Three distinct candidates on three inner splits, then the refit of the best.
    assert_eq!(fits.load(std::sync::atomic::Ordering::Relaxed), 3 * 3 + 1);
    let evaluations: Vec<f64> = model.trace().iter().map(|t| t.evaluation).collect();
    assert_eq!(evaluations.len(), 5);
    assert_eq!(evaluations[0], evaluations[2]);
    assert_eq!(evaluations[1], evaluations[4]);
    assert_ne!(
        evaluations[1], evaluations[0],
        "depth 1 and 2 differ on iris"
    );
    // The selected row is the first of the best, not a later copy of it.
    let best = evaluations.iter().copied().fold(f64::MIN, f64::max);
    let selected = model.trace().iter().position(|t| t.selected).unwrap();
    assert_eq!(
        selected,
        evaluations.iter().position(|&e| e == best).unwrap()
    );
}

/// The decision tree estimator, counting its family fits and their members.
struct CountedFamilies {
    tree: oml_flow::DecisionTreeFlow,
    calls: Arc<std::sync::Mutex<Vec<usize>>>,
}

impl Describe for CountedFamilies {
    fn name(&self) -> String {
        self.tree.name()
    }
    fn parameters(&self) -> Vec<oml_flow::Parameter> {
        self.tree.parameters()
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> oml_flow::Result<()> {
        self.tree.set_parameter(name, value)
    }
}

impl Flow for CountedFamilies {
    fn fit(&self, data: &TrainingSet<'_>, seed: u64) -> oml_flow::Result<Box<dyn oml_flow::Model>> {
        self.tree.fit(data, seed)
    }
    fn family_parameters(&self) -> &'static [&'static str] {
        self.tree.family_parameters()
    }
    fn fit_family(
        &self,
        data: &TrainingSet<'_>,
        prepared: Option<&oml_flow::Prepared>,
        seed: u64,
        members: &[&dyn Flow],
    ) -> oml_flow::Result<Vec<Box<dyn oml_flow::Model>>> {
        self.calls.lock().unwrap().push(members.len());
        self.tree.fit_family(data, prepared, seed, members)
    }
}

/// Candidates that differ only in the estimator's family parameters are fitted as one family
/// per inner split (`Flow::fit_family`), grouped by the other parameters.
#[test]
fn candidates_of_one_family_are_fitted_at_once_on_each_split() {
    let (x, y) = iris();
    let data = TrainingSet {
        features: &x,
        target: Target::Classes {
            classes: y.view(),
            n_classes: 3,
        },
    };
    let calls = Arc::new(std::sync::Mutex::new(Vec::new()));
    let counter = calls.clone();
    let make: Arc<dyn Fn() -> Pipeline + Send + Sync> = Arc::new(move || {
        Pipeline::new(CountedFamilies {
            tree: oml_flow::DecisionTreeFlow::new(),
            calls: counter.clone(),
        })
    });
    let space = SearchSpace::parse(&[
        "criterion=gini,entropy",
        "max_depth=1,2,3",
        "min_samples_leaf=1,9",
    ])
    .unwrap();
    let model = Tuned::new(make, space, Search::Grid, Inner::Cv(3))
        .unwrap()
        .fit(&data, 3)
        .unwrap();
    assert_eq!(model.trace().len(), 12);
    // Two families (by criterion) of six candidates, on three inner splits.
    let mut calls = calls.lock().unwrap().clone();
    calls.sort_unstable();
    assert_eq!(calls, [6; 6]);
}

/// A search over logistic regression's `C` (and `max_iter`) fits warm: each evaluation is the
/// candidate's fit started where the candidate of the next larger `C` with the same
/// `max_iter` stopped, on each inner split (scored by the mean absolute error of the
/// confidences, which sees every change of the fitted probabilities), and some are not what
/// cold fits score; the trace is the same on 1 and 3 threads, bit for bit.
#[test]
fn a_search_over_c_fits_down_the_path_of_c_on_any_thread_count() {
    let (mut x, y) = iris();
    for row in (0..x.x.nrows()).step_by(5) {
        x.x[[row, 1]] = f64::NAN;
    }
    let data = TrainingSet {
        features: &x,
        target: Target::Classes {
            classes: y.view(),
            n_classes: 3,
        },
    };
    let make: Arc<dyn Fn() -> Pipeline + Send + Sync> =
        Arc::new(|| builtin_flow("logistic-regression").unwrap());
    let space = SearchSpace::parse(&["C=float:0.001:1000:log", "max_iter=20,100"]).unwrap();
    let tuned = Tuned::new(make, space, Search::Random(10), Inner::Cv(3))
        .unwrap()
        .with_measure("mean_absolute_error")
        .unwrap();
    let on_threads = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| tuned.fit(&data, 11).unwrap().trace().to_vec())
    };
    let trace = on_threads(1);
    assert_eq!(trace, on_threads(3));
    assert_eq!(trace.iter().filter(|t| t.selected).count(), 1);

    // The inner splits, preprocessed as the search does (every candidate shares them).
    let splits = Inner::Cv(3)
        .splits(x.x.nrows(), Some(&y), oml_flow::unit_seed(11, 0, 0, 1))
        .unwrap();
    let base = builtin_flow("logistic-regression").unwrap();
    let sets: Vec<_> = splits
        .iter()
        .map(|(train, test)| {
            let (x_train, x_test) = base
                .preprocess(x.select_rows(train), x.select_rows(test))
                .unwrap();
            (x_train, x_test, y.select(Axis(0), train), test.clone())
        })
        .collect();
    let value = |t: &oml_flow::TraceIteration, name: &str| -> String {
        t.parameters
            .iter()
            .find(|(n, _)| n == name)
            .unwrap()
            .1
            .clone()
    };
    let (mut expected, mut cold_expected) = (vec![0.0; trace.len()], vec![0.0; trace.len()]);
    for max_iter in ["20", "100"] {
        let mut chain: Vec<usize> = (0..trace.len())
            .filter(|&i| value(&trace[i], "max_iter") == max_iter)
            .collect();
        assert!(chain.len() > 1, "a chain of max_iter={max_iter}");
        let c = |i: usize| value(&trace[i], "C").parse::<f64>().unwrap();
        chain.sort_by(|&a, &b| c(b).total_cmp(&c(a)));
        for (x_train, x_test, classes, test) in &sets {
            let mut previous: Option<Box<dyn oml_flow::Model>> = None;
            for &i in &chain {
                let mut pipeline = builtin_flow("logistic-regression").unwrap();
                let assignments: Vec<String> = trace[i]
                    .parameters
                    .iter()
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect();
                set_parameters(&mut pipeline as &mut dyn Describe, &assignments).unwrap();
                let estimator = pipeline.estimator();
                let training = TrainingSet {
                    features: x_train,
                    target: Target::Classes {
                        classes: classes.view(),
                        n_classes: 3,
                    },
                };
                let warm = match &previous {
                    Some(previous) => estimator.fit_warm(&training, None, 11, previous.as_ref()),
                    None => estimator.fit(&training, 11),
                }
                .unwrap();
                let cold = estimator.fit(&training, 11).unwrap();
                // OpenML's mean absolute error of confidences against the one-hot truth.
                let error = |model: &dyn oml_flow::Model| {
                    let Predictions::Classes { confidences, .. } = model
                        .predict(x_test, TaskKind::Classification { n_classes: 3 })
                        .unwrap()
                    else {
                        panic!("classification")
                    };
                    let mut error = 0.0;
                    for (row, &r) in test.iter().enumerate() {
                        for class in 0..3 {
                            let truth = f64::from(u8::from(y[r] == class));
                            error += (confidences[[row, class]] - truth).abs();
                        }
                    }
                    error / (3 * test.len()) as f64 / sets.len() as f64
                };
                expected[i] += error(warm.as_ref());
                cold_expected[i] += error(cold.as_ref());
                previous = Some(warm);
            }
        }
    }
    for (iteration, expected) in trace.iter().zip(&expected) {
        assert!(
            (iteration.evaluation - expected).abs() < 1e-12,
            "{:?}: {} against {expected}",
            iteration.parameters,
            iteration.evaluation
        );
    }
    // The warm fits are not the cold ones: the search did start from the chain's models.
    assert!(
        trace
            .iter()
            .zip(&cold_expected)
            .any(|(iteration, cold)| (iteration.evaluation - cold).abs() > 1e-9),
        "every evaluation is a cold fit's"
    );
}
