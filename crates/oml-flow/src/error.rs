//! The error type of oml-flow.

/// What can go wrong configuring, fitting or predicting with a flow.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter name the flow does not have.
    #[error("{flow} has no parameter `{name}`; its parameters are: {known}")]
    UnknownParameter {
        /// The flow's name.
        flow: String,
        /// The name that was given.
        name: String,
        /// The parameters the flow has, comma-separated.
        known: String,
    },
    /// A parameter name that more than one pipeline step has.
    #[error("parameter `{name}` is ambiguous: write one of {candidates}")]
    AmbiguousParameter {
        /// The name that was given.
        name: String,
        /// The qualified names it could mean, comma-separated.
        candidates: String,
    },
    /// A parameter value that does not parse or is out of range.
    #[error("parameter `{name}`: `{value}` is not allowed; expected {allowed}")]
    InvalidParameter {
        /// The parameter's name.
        name: String,
        /// The value that was given, as text.
        value: String,
        /// What the parameter accepts.
        allowed: String,
    },
    /// Parameter text that is not `NAME=VALUE`.
    #[error("`{text}` is not NAME=VALUE")]
    ParameterSyntax {
        /// The text that was given.
        text: String,
    },
    /// A flow name that is not built in.
    #[error("no built-in flow is called `{name}`; the built-in flows are: {known}")]
    UnknownFlow {
        /// The name that was given.
        name: String,
        /// The built-in names, comma-separated.
        known: String,
    },
    /// A flow asked to learn a kind of task it cannot.
    #[error("{flow} cannot learn a {task} task")]
    UnsupportedTask {
        /// The flow's name.
        flow: String,
        /// The task kind (classification, regression, clustering).
        task: String,
    },
    /// The inputs of a fit or a prediction do not suit the flow.
    #[error("{flow}: column `{column}`: {problem}")]
    Input {
        /// The flow's name.
        flow: String,
        /// The offending column.
        column: String,
        /// What is wrong with it, and what to do.
        problem: String,
    },
    /// Fitting failed inside the model.
    #[error("{flow}: fit failed: {message}")]
    Fit {
        /// The flow's name.
        flow: String,
        /// The model's message.
        message: String,
    },
    /// A parameter value that its check accepts but that a fit cannot use on its training
    /// rows (more clusters than rows, a scale that overflows on these values): refused at fit
    /// time, before the model computes with it or after it shows, naming the parameter.
    #[error("{flow}: parameter `{name}`: `{value}` does not suit the training rows: {problem}")]
    ParameterOnData {
        /// The flow's name.
        flow: String,
        /// The parameter's name.
        name: String,
        /// Its value, as text.
        value: String,
        /// Why the training rows cannot take it, and what would.
        problem: String,
    },
    /// Prediction failed inside the model, or the model's output is unusable.
    #[error("{flow}: prediction failed: {message}")]
    Predict {
        /// The flow's name.
        flow: String,
        /// What went wrong.
        message: String,
    },
    /// A flow name or parameter that OpenML's flow schema does not accept.
    #[error("flow XML: {field} `{value}` {problem}")]
    Xml {
        /// The element (`name`, `parameter name`, `component identifier`, ...).
        field: &'static str,
        /// The offending value.
        value: String,
        /// What the schema requires.
        problem: &'static str,
    },
}

impl Error {
    /// A fit failure of `flow` with the model's own message.
    pub fn fit(flow: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Error::Fit {
            flow: flow.into(),
            message: message.to_string(),
        }
    }

    /// A prediction failure of `flow`.
    pub fn predict(flow: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Error::Predict {
            flow: flow.into(),
            message: message.to_string(),
        }
    }

    /// A value of parameter `name` of `flow` that the fit's training rows cannot take.
    pub fn on_data(
        flow: impl Into<String>,
        name: &str,
        value: impl std::fmt::Display,
        problem: impl Into<String>,
    ) -> Self {
        Error::ParameterOnData {
            flow: flow.into(),
            name: name.to_owned(),
            value: value.to_string(),
            problem: problem.into(),
        }
    }

    /// An invalid value for parameter `name`.
    pub fn invalid(name: &str, value: impl std::fmt::Display, allowed: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name: name.to_owned(),
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }
}

/// linfa's checked parameter sets report their failures through this conversion.
impl From<linfa::Error> for Error {
    fn from(error: linfa::Error) -> Self {
        Error::Fit {
            flow: "linfa".to_owned(),
            message: error.to_string(),
        }
    }
}

/// A `Result` with oml-flow's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
