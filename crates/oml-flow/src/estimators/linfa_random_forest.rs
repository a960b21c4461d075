//! linfa-ensemble's random forest as a flow, with the mean of its trees' leaf class fractions
//! as confidences.

use std::panic::{AssertUnwindSafe, catch_unwind};

use linfa::prelude::*;
use linfa_ensemble::{EnsembleLearnerParams, EnsembleLearnerValidParams};
use linfa_trees::{DecisionTree, DecisionTreeValidParams};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ShapeBuilder};
use oml_data::DesignMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::estimators::linfa_decision_tree::{LeafFractions, set_tree_parameter, tree_parameters};
use crate::estimators::{linfa_libm_external_version, panic_message};
use crate::flow::{Describe, Flow, Model, Output, TaskKind, TrainingSet};
use crate::inputs::{class_inputs, fitted_inputs};
use crate::param::{Constraint, PROPORTION, Parameter, unknown_parameter};

/// The largest `ensemble_size`: linfa-ensemble reserves room for every tree up front, and an
/// impossible reservation aborts the process instead of failing.
const MAX_ENSEMBLE_SIZE: usize = 1_000_000;

/// The values `ensemble_size` takes.
const ENSEMBLE_SIZE: Constraint<usize> = Constraint {
    allowed: "an integer from 1 to 1000000",
    valid: |size| (1..=MAX_ENSEMBLE_SIZE).contains(size),
};

/// The checked parameters of linfa-ensemble with decision trees, and the random number
/// generator linfa-ensemble draws bootstrap rows and features from.
type ForestParams = EnsembleLearnerValidParams<DecisionTreeValidParams<f64, usize>, ChaCha8Rng>;

/// linfa-ensemble's random forest: `ensemble_size` linfa-trees decision trees, each fitted on
/// its own bootstrap sample of rows and its own sample of features.
///
/// The parameters are linfa-ensemble's own [`EnsembleLearnerValidParams`] (their public
/// fields) with linfa-trees' [`DecisionTreeValidParams`] as the tree parameters, read and set
/// as [`crate::LinfaDecisionTreeFlow`] does. Defaults are linfa's except `ensemble_size`, 100 rather
/// than linfa's 1, as scikit-learn's forest. `feature_proportion` keeps linfa's default, 1.0:
/// linfa draws `ceil(feature_proportion × features)` feature indices per tree *with
/// replacement*, so even 1.0 gives each tree about 63% of the distinct features. The forest
/// samples features per tree, not per split as scikit-learn's, so scikit-learn's
/// `sqrt(features)` would leave most trees with very few features; it is not a constant
/// proportion either.
///
/// Each fit seeds a [`ChaCha8Rng`] from the fit's seed (the generator stored in the parameters
/// is a placeholder and never used). Confidences are the mean over the trees of the training
/// class fractions of the leaf a row falls in, each tree's fractions counted on its own
/// bootstrap rows, as scikit-learn's `predict_proba`. The flow runs linfa-ensemble's fit
/// itself (linfa-ensemble does not return the bootstrap rows, copies each tree's table twice
/// and fits one tree after another): it replays linfa-ensemble's draws with an identical
/// generator and fits linfa-trees' tree on each, in parallel, which gives linfa-ensemble's
/// trees (this module's tests compare both).
#[derive(Debug, Clone)]
pub struct LinfaRandomForestFlow {
    params: ForestParams,
}

impl Default for LinfaRandomForestFlow {
    fn default() -> Self {
        let tree = DecisionTree::params()
            .check()
            .expect("linfa's defaults are valid");
        LinfaRandomForestFlow {
            params: forest_params(tree, DEFAULT_ENSEMBLE_SIZE, 1.0, 1.0)
                .expect("the defaults are valid"),
        }
    }
}

/// The default number of trees.
const DEFAULT_ENSEMBLE_SIZE: usize = 100;

/// linfa's builder and check, with the placeholder generator.
fn forest_params(
    tree: DecisionTreeValidParams<f64, usize>,
    ensemble_size: usize,
    bootstrap_proportion: f64,
    feature_proportion: f64,
) -> std::result::Result<ForestParams, linfa::Error> {
    EnsembleLearnerParams::new_fixed_rng(tree, ChaCha8Rng::seed_from_u64(0))
        .ensemble_size(ensemble_size)
        .bootstrap_proportion(bootstrap_proportion)
        .feature_proportion(feature_proportion)
        .check()
}

impl LinfaRandomForestFlow {
    /// A forest of 100 trees with linfa's other defaults: `bootstrap_proportion` 1.0,
    /// `feature_proportion` 1.0, and [`crate::LinfaDecisionTreeFlow::new`]'s tree parameters.
    pub fn new() -> Self {
        LinfaRandomForestFlow::default()
    }

    /// The checked linfa parameters (their generator is a placeholder: fits seed their own).
    pub fn params(
        &self,
    ) -> &EnsembleLearnerValidParams<DecisionTreeValidParams<f64, usize>, ChaCha8Rng> {
        &self.params
    }
}

impl Describe for LinfaRandomForestFlow {
    fn name(&self) -> String {
        "linfa_ensemble.RandomForest".to_owned()
    }
    fn external_version(&self) -> String {
        linfa_libm_external_version(&["linfa-ensemble", "linfa-trees"])
    }
    fn description(&self) -> String {
        "Random forest of linfa-ensemble: linfa-trees CART trees on bootstrap rows and sampled \
         features per tree; confidences are the mean of the trees' leaf class fractions \
         (scikit-learn: RandomForestClassifier; oml's `random-forest` is the faster one)"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let mut parameters = vec![
            Parameter::new(
                "ensemble_size",
                &DEFAULT_ENSEMBLE_SIZE,
                &self.params.ensemble_size,
                "number of trees",
            )
            .allowing(ENSEMBLE_SIZE.allowed),
            Parameter::new(
                "bootstrap_proportion",
                &1.0f64,
                &self.params.bootstrap_proportion,
                "rows drawn with replacement for each tree, as a proportion of the training rows",
            )
            .allowing(PROPORTION.allowed),
            Parameter::new(
                "feature_proportion",
                &1.0f64,
                &self.params.feature_proportion,
                "features drawn with replacement for each tree, as a proportion of the features",
            )
            .allowing(PROPORTION.allowed),
        ];
        parameters.extend(tree_parameters(&self.params.model_params));
        parameters
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        if let Some(tree) = set_tree_parameter(&self.params.model_params, name, value) {
            let tree = tree?;
            self.params = forest_params(
                tree,
                self.params.ensemble_size,
                self.params.bootstrap_proportion,
                self.params.feature_proportion,
            )
            .map_err(|e| Error::invalid(name, value, e.to_string()))?;
            return Ok(());
        }
        let mut ensemble_size = self.params.ensemble_size;
        let mut bootstrap_proportion = self.params.bootstrap_proportion;
        let mut feature_proportion = self.params.feature_proportion;
        match name {
            "ensemble_size" => ENSEMBLE_SIZE.set(&mut ensemble_size, name, value),
            "bootstrap_proportion" => PROPORTION.set(&mut bootstrap_proportion, name, value),
            "feature_proportion" => PROPORTION.set(&mut feature_proportion, name, value),
            _ => return Err(unknown_parameter(&self.name(), name, &self.parameters())),
        }?;
        self.params = forest_params(
            self.params.model_params,
            ensemble_size,
            bootstrap_proportion,
            feature_proportion,
        )
        .map_err(|e| Error::invalid(name, value, e.to_string()))?;
        Ok(())
    }
}

/// The rows and features one tree of a linfa-ensemble fit was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Draw {
    /// Training row indices, drawn with replacement.
    rows: Vec<usize>,
    /// Feature indices, drawn with replacement.
    features: Vec<usize>,
}

/// The draws of linfa-ensemble 0.8.1's fit (`algorithm.rs`) through linfa's
/// `bootstrap_with_indices` (`dataset/impl_dataset.rs`), replayed: from a clone of the
/// parameters' generator, for each tree, `ceil(rows × bootstrap_proportion)` row indices
/// `gen_range(0..rows)`, then `ceil(features × feature_proportion)` feature indices
/// `gen_range(0..features)`, each as a 64-bit target draws it ([`oml_math::index_in`]: on a
/// 32-bit one linfa's own would draw otherwise).
pub(crate) fn replay_draws<R: Rng + Clone>(
    params: &EnsembleLearnerValidParams<DecisionTreeValidParams<f64, usize>, R>,
    n_rows: usize,
    n_features: usize,
) -> Vec<Draw> {
    let mut rng = params.rng.clone();
    let dataset_size = ((n_rows as f64) * params.bootstrap_proportion).ceil() as usize;
    let n_sub = ((n_features as f64) * params.feature_proportion).ceil() as usize;
    (0..params.ensemble_size)
        .map(|_| {
            let rows = (0..dataset_size)
                .map(|_| oml_math::index_in(&mut rng, 0..n_rows))
                .collect();
            let features = (0..n_sub)
                .map(|_| oml_math::index_in(&mut rng, 0..n_features))
                .collect();
            Draw { rows, features }
        })
        .collect()
}

/// One tree of linfa-ensemble's fit: linfa-trees' tree on the rows and features of `draw`,
/// gathered in one copy (linfa copies the rows, then their features) from `by_feature`, the
/// input's transpose (a row per feature), in column-major order, which linfa-trees reads column
/// by column; with a panic inside linfa-trees turned into an error message.
fn fit_tree(
    params: &DecisionTreeValidParams<f64, usize>,
    by_feature: ArrayView2<'_, f64>,
    classes: ArrayView1<'_, usize>,
    draw: &Draw,
) -> std::result::Result<DecisionTree<f64, usize>, String> {
    let (rows, features) = (&draw.rows, &draw.features);
    catch_unwind(AssertUnwindSafe(|| {
        let mut values = Vec::with_capacity(rows.len() * features.len());
        for &feature in features {
            let source = by_feature.row(feature);
            values.extend(rows.iter().map(|&row| source[row]));
        }
        let tree_x = Array2::from_shape_vec((rows.len(), features.len()).f(), values)
            .expect("one value per row and feature");
        let tree_classes: Array1<usize> = rows.iter().map(|&row| classes[row]).collect();
        params.fit(&DatasetBase::new(tree_x, tree_classes))
    }))
    .map_err(|payload| panic_message(payload.as_ref()))?
    .map_err(|e| e.to_string())
}

impl Flow for LinfaRandomForestFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        matches!(kind, TaskKind::Classification { .. })
    }

    /// linfa-ensemble 0.8.1's fit, run by the flow: its draws replayed
    /// (`replay_draws`, checked against linfa-ensemble's own fit in this module's tests),
    /// and each tree fitted by linfa-trees on its draw as linfa-ensemble fits it. The trees are
    /// fitted in parallel on the current rayon pool and collected in draw order, so the forest
    /// is the same for any number of threads, and the same as linfa-ensemble's.
    fn fit(&self, data: &TrainingSet<'_>, seed: u64) -> Result<Box<dyn Model>> {
        let (x, classes, n_classes) = class_inputs(self, data)?;
        let name = self.name();
        let mut params = self.params.clone();
        params.rng = ChaCha8Rng::seed_from_u64(seed);
        let transposed = x.t();
        let by_feature = transposed.as_standard_layout();
        let trees = replay_draws(&params, x.nrows(), x.ncols())
            .par_iter()
            .map(|draw| {
                let tree = fit_tree(&params.model_params, by_feature.view(), classes, draw)
                    .map_err(|e| Error::fit(&name, e))?;
                let rows = draw.rows.iter().copied();
                Ok(LeafFractions::new(
                    &tree,
                    &draw.features,
                    x,
                    rows,
                    classes,
                    n_classes,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Box::new(FittedForest {
            trees,
            n_features: x.ncols(),
            n_classes,
            name,
        }))
    }
}

struct FittedForest {
    /// Each tree's leaf fractions, reading the forest's input columns.
    trees: Vec<LeafFractions>,
    n_features: usize,
    n_classes: usize,
    name: String,
}

impl Model for FittedForest {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let x = fitted_inputs(&self.name, x, self.n_features)?;
        let mut out = Array2::zeros((x.nrows(), self.n_classes));
        for leaves in &self.trees {
            leaves.add_confidences(x, &mut out);
        }
        out /= self.trees.len() as f64;
        Ok(Output::Confidences(out))
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Axis;

    use super::*;

    /// Random features and random labels: a fully grown tree fits its own bootstrap rows
    /// exactly and any other rows only by chance, so a wrong replay of the rows shows.
    fn noise(rows: usize, features: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let x = Array2::from_shape_fn((rows, features), |_| rng.r#gen::<f64>());
        let y = Array1::from_shape_fn(rows, |_| rng.gen_range(0..3));
        (x, y)
    }

    /// linfa-ensemble draws `usize` ranges, which on a 32-bit target draw otherwise than
    /// `oml_math::index_in`: the same draws on 64-bit targets only.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn replayed_draws_are_linfa_ensembles() {
        let (x, y) = noise(60, 5, 1);
        for (bootstrap, features) in [(1.0, 1.0), (0.7, 0.5), (0.33, 0.2)] {
            let mut params = forest_params(
                DecisionTree::params().check().unwrap(),
                7,
                bootstrap,
                features,
            )
            .unwrap();
            params.rng = ChaCha8Rng::seed_from_u64(42);
            let forest = params.fit(&DatasetBase::new(x.clone(), y.view())).unwrap();
            let draws = replay_draws(&params, x.nrows(), x.ncols());
            assert_eq!(draws.len(), 7);
            for (t, draw) in draws.iter().enumerate() {
                assert_eq!(draw.features, forest.model_features[t], "tree {t}");
                let tree_x = x
                    .select(Axis(0), &draw.rows)
                    .select(Axis(1), &draw.features);
                let tree_y = y.select(Axis(0), &draw.rows);
                let predicted = forest.models[t].predict(&tree_x);
                assert_eq!(predicted, tree_y, "tree {t} fits its replayed rows");
            }
            // The check is sharp: the next tree's rows are not fitted exactly.
            let other = &draws[1].rows;
            let other_x = x.select(Axis(0), other).select(Axis(1), &draws[0].features);
            let misses = forest.models[0]
                .predict(&other_x)
                .iter()
                .zip(y.select(Axis(0), other))
                .filter(|(p, y)| *p != y)
                .count();
            assert!(misses > 0);
        }
    }

    #[test]
    fn a_panic_inside_a_tree_fit_is_an_error() {
        // The flow's draws stay inside the table; a row past it panics in the gather.
        let (x, y) = noise(20, 2, 3);
        let params = LinfaRandomForestFlow::new().params;
        let draw = Draw {
            rows: vec![0, 25],
            features: vec![1],
        };
        let error = fit_tree(&params.model_params, x.t(), y.view(), &draw)
            .err()
            .unwrap();
        assert!(error.starts_with("panicked: "), "{error}");
    }

    /// The flow's forest, fitted tree by tree in parallel, has linfa-ensemble's own trees: the
    /// confidences of linfa-ensemble's fitted trees with the same seed are the flow's, bit for
    /// bit, on 1 and 3 threads.
    #[test]
    fn the_forest_is_linfa_ensembles() {
        let (x, y) = noise(90, 6, 5);
        let mut flow = LinfaRandomForestFlow::new();
        flow.set_parameter("ensemble_size", "9").unwrap();
        flow.set_parameter("feature_proportion", "0.5").unwrap();
        let features = DesignMatrix {
            x: x.clone(),
            columns: (0..6)
                .map(|c| oml_data::EncodedColumn {
                    name: format!("f{c}"),
                    categories: None,
                })
                .collect(),
        };
        let training = TrainingSet {
            features: &features,
            target: crate::Target::Classes {
                classes: y.view(),
                n_classes: 3,
            },
        };
        let mut params = flow.params.clone();
        params.rng = ChaCha8Rng::seed_from_u64(17);
        let forest = params.fit(&DatasetBase::new(x.clone(), y.view())).unwrap();
        let mut theirs = Array2::zeros((90, 3));
        for (tree, draw) in forest.models.iter().zip(replay_draws(&params, 90, 6)) {
            let rows = draw.rows.iter().copied();
            LeafFractions::new(tree, &draw.features, x.view(), rows, y.view(), 3)
                .add_confidences(x.view(), &mut theirs);
        }
        theirs /= 9.0;
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let model = pool.install(|| flow.fit(&training, 17)).unwrap();
            let Output::Confidences(ours) = model.output(&features).unwrap() else {
                panic!("confidences")
            };
            assert_eq!(ours, theirs, "{threads} threads");
        }
        // The check is sharp: another seed gives other confidences.
        let model = flow.fit(&training, 18).unwrap();
        let Output::Confidences(other) = model.output(&features).unwrap() else {
            panic!("confidences")
        };
        assert_ne!(other, theirs);
    }

    #[test]
    fn no_features_give_the_bootstrap_class_fractions() {
        let x = DesignMatrix {
            x: Array2::zeros((4, 0)),
            columns: Vec::new(),
        };
        let classes = ndarray::array![0, 1, 1, 1];
        let model = LinfaRandomForestFlow::new()
            .fit(
                &TrainingSet {
                    features: &x,
                    target: crate::Target::Classes {
                        classes: classes.view(),
                        n_classes: 2,
                    },
                },
                0,
            )
            .unwrap();
        let Output::Confidences(confidences) = model.output(&x).unwrap() else {
            panic!("confidences")
        };
        assert!((confidences[[0, 1]] - 0.75).abs() < 0.1, "{confidences}");
    }
}
