//! linfa-clustering's k-means as a flow, seeded from the unit's seed.

use linfa::prelude::*;
use linfa_clustering::{KMeans, KMeansParamsError, KMeansValidParams};
use linfa_nn::distance::L2Dist;
use oml_data::DesignMatrix;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};
use crate::estimators::linfa_external_version;
use crate::flow::{Describe, Flow, Model, Output, Target, TaskKind, TrainingSet, unsupported};
use crate::inputs::{fitted_inputs, training_inputs};
use crate::param::{
    AT_LEAST_ONE, AT_LEAST_ONE_U64, Constraint, FINITE_POSITIVE, Parameter, unknown_parameter,
};

/// The number of clusters by default: scikit-learn's `KMeans` default.
const DEFAULT_CLUSTERS: usize = 8;

/// The values `n_clusters` and `n_runs` take.
const COUNT: Constraint<usize> = AT_LEAST_ONE;

/// The values `max_n_iterations` takes.
const ITERATIONS: Constraint<u64> = AT_LEAST_ONE_U64;

/// The values `tolerance` takes.
const TOLERANCE: Constraint<f64> = FINITE_POSITIVE;

/// k-means of linfa-clustering (k-means++ initialisation, Lloyd iterations, the best of
/// `n_runs` runs by inertia). Its parameters are linfa's own [`KMeansValidParams`], read through
/// their getters; the random generator they hold is a placeholder, replaced at each fit by a
/// `ChaCha8Rng` seeded with the fit's seed, so a seed always gives the same clusters.
///
/// The output is each row's nearest centroid, a cluster id below `n_clusters`. A fit refuses
/// more clusters than training rows, as scikit-learn's `KMeans` does.
#[derive(Debug, Clone)]
pub struct KMeansFlow {
    params: KMeansValidParams<f64, ChaCha8Rng, L2Dist>,
}

impl Default for KMeansFlow {
    fn default() -> Self {
        KMeansFlow {
            params: KMeans::params_with_rng(DEFAULT_CLUSTERS, ChaCha8Rng::seed_from_u64(0))
                .check()
                .expect("linfa's defaults are valid"),
        }
    }
}

/// linfa's checked parameters with these values and a generator seeded from `seed`.
fn seeded(
    n_clusters: usize,
    n_runs: usize,
    max_n_iterations: u64,
    tolerance: f64,
    seed: u64,
) -> std::result::Result<KMeansValidParams<f64, ChaCha8Rng, L2Dist>, KMeansParamsError> {
    KMeans::params_with_rng(n_clusters, ChaCha8Rng::seed_from_u64(seed))
        .n_runs(n_runs)
        .max_n_iterations(max_n_iterations)
        .tolerance(tolerance)
        .check()
}

impl KMeansFlow {
    /// k-means with 8 clusters (scikit-learn's default) and linfa's other defaults: 10 runs,
    /// at most 300 iterations each, tolerance 1e-4.
    pub fn new() -> Self {
        KMeansFlow::default()
    }

    /// k-means with the given checked linfa parameters; their generator is not used.
    pub fn with_params(params: KMeansValidParams<f64, ChaCha8Rng, L2Dist>) -> Self {
        KMeansFlow { params }
    }

    /// The checked linfa parameters.
    pub fn params(&self) -> &KMeansValidParams<f64, ChaCha8Rng, L2Dist> {
        &self.params
    }
}

impl Describe for KMeansFlow {
    fn name(&self) -> String {
        "linfa_clustering.KMeans".to_owned()
    }
    fn external_version(&self) -> String {
        linfa_external_version(&["linfa-clustering"])
    }
    fn description(&self) -> String {
        "k-means clustering of linfa-clustering (k-means++ initialisation, best of several runs; \
         scikit-learn: KMeans)"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let default = KMeansFlow::new().params;
        let p = &self.params;
        vec![
            Parameter::new(
                "n_clusters",
                &default.n_clusters(),
                &p.n_clusters(),
                "number of clusters",
            )
            .allowing(COUNT.allowed),
            Parameter::new(
                "n_runs",
                &default.n_runs(),
                &p.n_runs(),
                "runs from different initial centroids; the one of least inertia is kept",
            )
            .allowing(COUNT.allowed),
            Parameter::new(
                "max_n_iterations",
                &default.max_n_iterations(),
                &p.max_n_iterations(),
                "most iterations of each run",
            )
            .allowing(ITERATIONS.allowed),
            Parameter::new(
                "tolerance",
                &default.tolerance(),
                &p.tolerance(),
                "centroid movement below which a run stops",
            )
            .allowing(TOLERANCE.allowed),
        ]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        let p = &self.params;
        let (mut n_clusters, mut n_runs) = (p.n_clusters(), p.n_runs());
        let (mut max_n_iterations, mut tolerance) = (p.max_n_iterations(), p.tolerance());
        match name {
            "n_clusters" => COUNT.set(&mut n_clusters, name, value)?,
            "n_runs" => COUNT.set(&mut n_runs, name, value)?,
            "max_n_iterations" => ITERATIONS.set(&mut max_n_iterations, name, value)?,
            "tolerance" => TOLERANCE.set(&mut tolerance, name, value)?,
            _ => return Err(unknown_parameter(&self.name(), name, &self.parameters())),
        }
        self.params = seeded(n_clusters, n_runs, max_n_iterations, tolerance, 0)
            .map_err(|e| Error::invalid(name, value, e.to_string()))?;
        Ok(())
    }
}

impl Flow for KMeansFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        kind == TaskKind::Clustering
    }

    fn fit(&self, data: &TrainingSet<'_>, seed: u64) -> Result<Box<dyn Model>> {
        if !matches!(data.target, Target::None) {
            return Err(unsupported(self, &data.target));
        }
        let x = training_inputs(&self.name(), data)?;
        let p = &self.params;
        // linfa's k-means++ would allocate for every cluster first, and with fewer rows than
        // clusters it leaves some empty: refused as scikit-learn's `KMeans` refuses it.
        let rows = x.nrows();
        if p.n_clusters() > rows {
            return Err(Error::on_data(
                self.name(),
                "n_clusters",
                p.n_clusters(),
                format!(
                    "n_samples={rows} should be >= n_clusters={}: a fit needs at least as many \
                     training rows as clusters",
                    p.n_clusters()
                ),
            ));
        }
        let params = seeded(
            p.n_clusters(),
            p.n_runs(),
            p.max_n_iterations(),
            p.tolerance(),
            seed,
        )
        .map_err(|e| Error::fit(self.name(), e))?;
        let model = params
            .fit(&DatasetBase::from(x))
            .map_err(|e| Error::fit(self.name(), e))?;
        Ok(Box::new(FittedKMeans {
            model,
            name: self.name(),
        }))
    }
}

struct FittedKMeans {
    model: KMeans<f64, L2Dist>,
    name: String,
}

impl Model for FittedKMeans {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let x = fitted_inputs(&self.name, x, self.model.centroids().ncols())?;
        Ok(Output::Clusters(self.model.predict(&x)))
    }
}
