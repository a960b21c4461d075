//! The built-in flows by their short names, each in its default pipeline.

use crate::error::{Error, Result};
use crate::estimators::{
    ConstantFlow, DecisionTreeFlow, ElasticNetFlow, GaussianNbFlow, GbmFlow, KMeansFlow, KnnFlow,
    LinearRegressionFlow, LinfaDecisionTreeFlow, LinfaLogisticRegressionFlow,
    LinfaRandomForestFlow, LogisticRegressionFlow, RandomForestFlow, SvmFlow,
};
use crate::flow::Flow;
use crate::pipeline::Pipeline;
use crate::preprocess::{OneHotEncoder, SimpleImputer, StandardScaler};

/// A built-in flow: the short name the CLI accepts and how to make it. Each flow has one
/// name (a name is part of what users type and of sweep job keys; run keys hold the flow's
/// OpenML name and version).
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
        learns: "classification, regression",
        make: || for_missing_aware_trees(DecisionTreeFlow::new()),
    },
    BuiltinFlow {
        name: "random-forest",
        learns: "classification, regression",
        make: || for_missing_aware_trees(RandomForestFlow::new()),
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
    BuiltinFlow {
        name: "linfa-decision-tree",
        learns: "classification",
        make: || for_trees(LinfaDecisionTreeFlow::new()),
    },
    BuiltinFlow {
        name: "linfa-random-forest",
        learns: "classification",
        make: || for_trees(LinfaRandomForestFlow::new()),
    },
    BuiltinFlow {
        name: "constant",
        learns: "classification, regression",
        make: || for_missing_aware_trees(ConstantFlow::new()),
    },
    BuiltinFlow {
        name: "linfa-logistic-regression",
        learns: "classification",
        make: || for_scaled(LinfaLogisticRegressionFlow::new()),
    },
];

/// Names that built-in flows had before, with the name each has now.
const RENAMED: &[(&str, &str)] = &[("tree", "decision-tree"), ("forest", "random-forest")];

/// The built-in flow called `name`, in its default pipeline.
pub fn builtin_flow(name: &str) -> Result<Pipeline> {
    BUILTIN_FLOWS
        .iter()
        .find(|flow| flow.name == name)
        .map(BuiltinFlow::make)
        .ok_or_else(|| {
            let known = BUILTIN_FLOWS
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(", ");
            let known = match RENAMED.iter().find(|(old, _)| *old == name) {
                Some((_, new)) => format!("{known} (`{name}` is now called `{new}`)"),
                None => known,
            };
            Error::UnknownFlow {
                name: name.to_owned(),
                known,
            }
        })
}

/// The default pipeline of linfa's tree-based estimators, which need no scaling but take no
/// missing values: numeric missing values imputed with the median, nominal columns one-hot
/// encoded with a missing value as a category of its own (scikit-learn's
/// `SimpleImputer(strategy="median")` and `OneHotEncoder(handle_unknown="ignore")`).
pub fn for_trees(estimator: impl Flow + 'static) -> Pipeline {
    Pipeline::new(estimator)
        .step("impute", SimpleImputer::default())
        .step("onehot", OneHotEncoder)
}

/// The default pipeline of oml-trees' estimators and the booster, which handle missing values
/// themselves: only nominal columns one-hot encoded, a missing nominal value a category of
/// its own (scikit-learn's `OneHotEncoder(handle_unknown="ignore")`). Numeric columns are not
/// imputed, so NaN reaches the tree, which sends it to the better side of each split (as
/// scikit-learn 1.3 and later): imputing would put missing values among the middle values and
/// lose the information that they are missing.
fn for_missing_aware_trees(estimator: impl Flow + 'static) -> Pipeline {
    Pipeline::new(estimator).step("onehot", OneHotEncoder)
}

/// The default pipeline of estimators that compare distances or weigh features linearly:
/// numeric missing values imputed with the median, numeric columns standardised, nominal
/// columns one-hot encoded with a missing value as a category of its own (scikit-learn's
/// `SimpleImputer(strategy="median")`, `StandardScaler` and
/// `OneHotEncoder(handle_unknown="ignore")`).
pub fn for_scaled(estimator: impl Flow + 'static) -> Pipeline {
    Pipeline::new(estimator)
        .step("impute", SimpleImputer::default())
        .step("scale", StandardScaler::default())
        .step("onehot", OneHotEncoder)
}
