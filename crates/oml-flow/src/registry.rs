//! The built-in flows by their short names, each in its default pipeline.

use crate::error::{Error, Result};
use crate::estimators::{
    DecisionTreeFlow, ElasticNetFlow, ForestFlow, GaussianNbFlow, GbmFlow, KMeansFlow, KnnFlow,
    LinearRegressionFlow, LogisticRegressionFlow, RandomForestFlow, SvmFlow, TreeFlow,
};
use crate::flow::Flow;
use crate::pipeline::Pipeline;
use crate::preprocess::{OneHotEncoder, SimpleImputer, StandardScaler};

/// A built-in flow: the short name the CLI accepts and how to make it.
pub struct BuiltinFlow {
    /// The short name (`decision-tree`, `knn`, ...).
    pub name: &'static str,
    /// The kinds of task it learns.
    pub learns: &'static str,
    make: fn() -> Pipeline,
}

impl BuiltinFlow {
    /// The flow with its default parameters, in its default pipeline.
    pub fn make(&self) -> Pipeline {
        (self.make)()
    }
}

/// Every built-in flow, in the order `oml flows` lists them.
pub const BUILTIN_FLOWS: &[BuiltinFlow] = &[
    BuiltinFlow {
        name: "decision-tree",
        learns: "classification",
        make: || for_trees(DecisionTreeFlow::new()),
    },
    BuiltinFlow {
        name: "random-forest",
        learns: "classification",
        make: || for_trees(RandomForestFlow::new()),
    },
    BuiltinFlow {
        name: "tree",
        learns: "classification, regression",
        make: || for_missing_aware_trees(TreeFlow::new()),
    },
    BuiltinFlow {
        name: "forest",
        learns: "classification, regression",
        make: || for_missing_aware_trees(ForestFlow::new()),
    },
    BuiltinFlow {
        name: "gbm",
        learns: "classification, regression",
        make: || for_missing_aware_trees(GbmFlow::new()),
    },
    BuiltinFlow {
        name: "perpetual-gbm",
        learns: "classification, regression",
        make: || for_missing_aware_trees(crate::estimators::PerpetualGbmFlow::new()),
    },
    BuiltinFlow {
        name: "knn",
        learns: "classification",
        make: || for_scaled(KnnFlow::new()),
    },
    BuiltinFlow {
        name: "gaussian-nb",
        learns: "classification",
        make: || for_scaled(GaussianNbFlow::new()),
    },
    BuiltinFlow {
        name: "logistic-regression",
        learns: "classification",
        make: || for_scaled(LogisticRegressionFlow::new()),
    },
    BuiltinFlow {
        name: "svm",
        learns: "classification",
        make: || for_scaled(SvmFlow::new()),
    },
    BuiltinFlow {
        name: "linear-regression",
        learns: "regression",
        make: || for_scaled(LinearRegressionFlow::new()),
    },
    BuiltinFlow {
        name: "elastic-net",
        learns: "regression",
        make: || for_scaled(ElasticNetFlow::new()),
    },
    BuiltinFlow {
        name: "k-means",
        learns: "clustering",
        make: || for_scaled(KMeansFlow::new()),
    },
];

/// The built-in flow called `name`, in its default pipeline.
pub fn builtin_flow(name: &str) -> Result<Pipeline> {
    BUILTIN_FLOWS
        .iter()
        .find(|flow| flow.name == name)
        .map(BuiltinFlow::make)
        .ok_or_else(|| Error::UnknownFlow {
            name: name.to_owned(),
            known: BUILTIN_FLOWS
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// The default pipeline of tree-based estimators, which need no scaling: missing values
/// imputed (mean; most frequent category), then nominal columns one-hot encoded.
pub fn for_trees(estimator: impl Flow + 'static) -> Pipeline {
    Pipeline::new(estimator)
        .step("impute", SimpleImputer::default())
        .step("onehot", OneHotEncoder)
}

/// The default pipeline of oml-trees' estimators and perpetual's booster, which handle missing
/// values themselves: only nominal columns one-hot encoded (a missing nominal value gives
/// all-zero indicators). Numeric columns are not imputed, so NaN reaches the tree, which sends it
/// to the better side of each split (as scikit-learn 1.3 and later): imputing the mean would put
/// missing values among the middle values and lose the information that they are missing.
fn for_missing_aware_trees(estimator: impl Flow + 'static) -> Pipeline {
    Pipeline::new(estimator).step("onehot", OneHotEncoder)
}

/// The default pipeline of estimators that compare distances or weigh features linearly:
/// missing values imputed, numeric columns standardised, nominal columns one-hot encoded.
pub fn for_scaled(estimator: impl Flow + 'static) -> Pipeline {
    Pipeline::new(estimator)
        .step("impute", SimpleImputer::default())
        .step("scale", StandardScaler::default())
        .step("onehot", OneHotEncoder)
}
