//! Parameter text round-trips; bad parameters are errors naming the parameter.

use oml_flow::{BUILTIN_FLOWS, Error, qualified_parameters, set_parameters};

#[test]
fn every_parameter_value_round_trips_through_its_text() {
    for builtin in BUILTIN_FLOWS {
        let mut flow = builtin.make();
        let before = qualified_parameters(&flow);
        assert!(
            !before.is_empty() || builtin.name == "constant",
            "{} has parameters",
            builtin.name
        );
        let assignments: Vec<String> = before
            .iter()
            .map(|(name, p)| format!("{name}={}", p.value))
            .collect();
        set_parameters(&mut flow, &assignments).unwrap_or_else(|e| panic!("{}: {e}", builtin.name));
        assert_eq!(qualified_parameters(&flow), before, "{}", builtin.name);
        for (name, parameter) in &before {
            assert_eq!(
                parameter.default, parameter.value,
                "{}: {name} starts at its default",
                builtin.name
            );
        }
    }
}

#[test]
fn set_values_show_in_the_parameters() {
    let mut flow = oml_flow::builtin_flow("linfa-decision-tree").unwrap();
    set_parameters(
        &mut flow,
        &[
            "max_depth=4",
            "estimator.split_quality=entropy",
            "impute.strategy=median",
        ],
    )
    .unwrap();
    let values: Vec<(String, String)> = qualified_parameters(&flow)
        .into_iter()
        .map(|(n, p)| (n, p.value))
        .collect();
    assert!(values.contains(&("estimator.max_depth".into(), "4".into())));
    assert!(values.contains(&("estimator.split_quality".into(), "entropy".into())));
    assert!(values.contains(&("impute.strategy".into(), "median".into())));
}

#[test]
fn bad_parameters_name_the_parameter_and_the_allowed_values() {
    let mut flow = oml_flow::builtin_flow("linfa-decision-tree").unwrap();
    let cases = [
        (
            "max_depht=3",
            "has no parameter `max_depht`; its parameters are: impute.strategy, ",
        ),
        (
            "split_quality=best",
            "parameter `split_quality`: `best` is not allowed; expected one of gini, entropy",
        ),
        (
            "max_depth=0",
            "parameter `max_depth`: `0` is not allowed; expected an integer of at least 1, or none",
        ),
        (
            "min_weight_leaf=-1",
            "parameter `min_weight_leaf`: `-1` is not allowed; expected a number greater than 0 and less than 1e30",
        ),
        (
            "impute.strategy=mode",
            "parameter `strategy`: `mode` is not allowed; expected one of mean, median, most_frequent",
        ),
        (
            "impute.nominal=mode",
            "parameter `nominal`: `mode` is not allowed; expected one of missing_category, most_frequent",
        ),
        ("max_depth", "`max_depth` is not NAME=VALUE"),
    ];
    let before = qualified_parameters(&flow);
    for (text, expected) in cases {
        let error = set_parameters(&mut flow, &[text]).unwrap_err().to_string();
        assert!(error.contains(expected), "{text}: {error}");
    }
    assert_eq!(
        qualified_parameters(&flow),
        before,
        "a failed set changes nothing"
    );
}

#[test]
fn unknown_flows_list_the_builtin_names() {
    let error = oml_flow::builtin_flow("xgboost").err().unwrap().to_string();
    assert!(
        error.starts_with(
            "no built-in flow is called `xgboost`; the built-in flows are: decision-tree"
        ),
        "{error}"
    );
}

#[test]
fn linfa_flows_check_their_parameters() {
    let cases = [
        (
            "logistic-regression",
            "C=0",
            "parameter `C`: `0` is not allowed; expected a finite number greater than 0",
        ),
        (
            "logistic-regression",
            "max_iter=0",
            "parameter `max_iter`: `0` is not allowed; expected an integer of at least 1",
        ),
        (
            "linfa-logistic-regression",
            "alpha=-1",
            "parameter `alpha`: `-1` is not allowed; expected a finite number of at least 0",
        ),
        (
            "linfa-logistic-regression",
            "gradient_tolerance=0",
            "parameter `gradient_tolerance`: `0` is not allowed; expected a finite number greater than 0",
        ),
        (
            "svm",
            "kernel=rbf",
            "parameter `kernel`: `rbf` is not allowed; expected one of linear, gaussian, polynomial",
        ),
        (
            "svm",
            "c=0",
            "parameter `c`: `0` is not allowed; expected a finite number greater than 0",
        ),
        (
            "svm",
            "polynomial_degree=0",
            "parameter `polynomial_degree`: `0` is not allowed; expected an integer from 1 to 4294967295",
        ),
        (
            "linear-regression",
            "fit_intercept=yes",
            "parameter `fit_intercept`: `yes` is not allowed; expected true or false",
        ),
        (
            "elastic-net",
            "l1_ratio=1.5",
            "parameter `l1_ratio`: `1.5` is not allowed; expected a number from 0 to 1",
        ),
        (
            "k-means",
            "n_clusters=0",
            "parameter `n_clusters`: `0` is not allowed; expected an integer of at least 1",
        ),
        (
            "k-means",
            "tolerance=inf",
            "parameter `tolerance`: `inf` is not allowed; expected a finite number greater than 0",
        ),
    ];
    for (name, text, expected) in cases {
        let mut flow = oml_flow::builtin_flow(name).unwrap();
        let before = qualified_parameters(&flow);
        let error = set_parameters(&mut flow, &[text]).unwrap_err().to_string();
        assert_eq!(error, expected, "{name}: {text}");
        assert_eq!(qualified_parameters(&flow), before, "{name}: {text}");
    }
    let mut svm = oml_flow::builtin_flow("svm").unwrap();
    set_parameters(
        &mut svm,
        &["kernel=polynomial", "polynomial_degree=2", "c=0.5"],
    )
    .unwrap();
    let values: Vec<(String, String)> = qualified_parameters(&svm)
        .into_iter()
        .map(|(n, p)| (n, p.value))
        .collect();
    assert!(values.contains(&("estimator.kernel".into(), "polynomial".into())));
    assert!(values.contains(&("estimator.polynomial_degree".into(), "2".into())));
    assert!(values.contains(&("estimator.c".into(), "0.5".into())));
}

/// Every parameter of every built-in flow accepts its listed default, and a value it rejects
/// is rejected with exactly the allowed values it lists (`oml flows`, the flow XML), whether
/// the text does not parse or is out of range.
#[test]
fn every_parameter_rejects_values_with_its_listed_allowed_text() {
    let bad_texts = ["-1", "0", "1e300", "-1e300", "nonsense"];
    let mut problems = Vec::new();
    for builtin in BUILTIN_FLOWS {
        let flow_name = builtin.name;
        let listed = qualified_parameters(&builtin.make());
        for (name, parameter) in &listed {
            let mut flow = builtin.make();
            if let Err(e) = set_parameters(&mut flow, &[format!("{name}={}", parameter.default)]) {
                problems.push(format!(
                    "{flow_name}: the default of {name} is rejected: {e}"
                ));
            }
            for bad in bad_texts {
                let mut flow = builtin.make();
                match set_parameters(&mut flow, &[format!("{name}={bad}")]) {
                    Ok(()) => {}
                    Err(error @ Error::InvalidParameter { .. }) => {
                        let message = error.to_string();
                        if !message.ends_with(&format!("; expected {}", parameter.allowed)) {
                            problems.push(format!(
                                "{flow_name}: {name}={bad}: `{message}` does not end with the \
                                 listed allowed values `{}`",
                                parameter.allowed
                            ));
                        }
                        if qualified_parameters(&flow) != listed {
                            problems.push(format!(
                                "{flow_name}: {name}={bad}: a failed set changed the parameters"
                            ));
                        }
                    }
                    Err(error) => problems.push(format!("{flow_name}: {name}={bad}: {error}")),
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
