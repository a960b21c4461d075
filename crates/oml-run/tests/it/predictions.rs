//! predictions.arff has OpenML's columns, one row per test row per unit, argmax predictions.

use oml_data::arff::{Arff, Column};
use oml_eval::EvaluatorBuilder;
use oml_flow::builtin_flow;
use oml_task::{LocalTaskBuilder, Resampling};

fn run(source: &str, resampling: &str, flow: &str) -> (oml_task::Task, oml_eval::Evaluation) {
    let task = LocalTaskBuilder::new()
        .resampling(resampling.parse::<Resampling>().unwrap())
        .from_source(source)
        .unwrap();
    let evaluation = EvaluatorBuilder::new()
        .seed(1)
        .build()
        .unwrap()
        .evaluate(&builtin_flow(flow).unwrap(), &task)
        .unwrap();
    (task, evaluation)
}

fn numbers(arff: &Arff, name: &str) -> Vec<f64> {
    match &arff.columns[arff.attribute_index(name).unwrap()] {
        Column::Numeric(v) => v.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn classification_columns_rows_and_argmax() {
    let (task, evaluation) = run("builtin:iris", "cv:5:2", "decision-tree");
    let arff = oml_run::predictions_arff(
        &evaluation,
        Some(59),
        task.class_labels(),
        vec!["oml test".into()],
    )
    .unwrap();
    let names: Vec<&str> = arff.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "repeat",
            "fold",
            "sample",
            "row_id",
            "prediction",
            "correct",
            "confidence.Iris-setosa",
            "confidence.Iris-versicolor",
            "confidence.Iris-virginica"
        ]
    );
    assert_eq!(arff.relation, "openml_task_59_predictions");
    assert_eq!(arff.n_rows(), 300);
    let (repeat, fold, row_id) = (
        numbers(&arff, "repeat"),
        numbers(&arff, "fold"),
        numbers(&arff, "row_id"),
    );
    let mut seen = vec![0; 150];
    for i in 0..300 {
        assert_eq!(repeat[i], if i < 150 { 0.0 } else { 1.0 });
        if i > 0 && repeat[i] == repeat[i - 1] {
            assert!(fold[i] >= fold[i - 1], "unit order");
        }
        seen[row_id[i] as usize] += 1;
    }
    assert!(seen.iter().all(|&n| n == 2));
    let Column::Nominal(predicted) = &arff.columns[4] else {
        panic!()
    };
    let confidences: Vec<Vec<f64>> = (6..9)
        .map(|j| numbers(&arff, &arff.attributes[j].name))
        .collect();
    for i in 0..300 {
        let row: Vec<f64> = confidences.iter().map(|c| c[i]).collect();
        let best = (0..3).fold(0, |b, k| if row[k] > row[b] { k } else { b });
        assert_eq!(predicted[i] as usize, best);
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
    // What is written is read back the same.
    let bytes = arff.to_bytes().unwrap();
    assert!(
        bytes.starts_with(b"% oml test\n@RELATION openml_task_59_predictions"),
        "{}",
        String::from_utf8_lossy(&bytes[..80])
    );
    assert_eq!(Arff::from_bytes(&bytes).unwrap().to_bytes().unwrap(), bytes);
}

#[test]
fn regression_columns_carry_the_truth() {
    let (task, evaluation) = run("builtin:diabetes", "cv:10", "linear-regression");
    let arff =
        oml_run::predictions_arff(&evaluation, None, task.class_labels(), Vec::new()).unwrap();
    let names: Vec<&str> = arff.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["repeat", "fold", "row_id", "prediction", "truth"]);
    assert_eq!(arff.n_rows(), task.dataset().n_rows());
    let target = task
        .dataset()
        .regression_target(task.target().unwrap())
        .unwrap();
    let (row_id, truth) = (numbers(&arff, "row_id"), numbers(&arff, "truth"));
    for (row, value) in row_id.iter().zip(truth) {
        assert_eq!(target[*row as usize], value);
    }
}

#[test]
fn learning_curves_repeat_the_test_fold_for_every_sample() {
    let (task, evaluation) = run("builtin:iris", "curve:10", "decision-tree");
    let (_, _, samples) = evaluation.shape;
    let arff =
        oml_run::predictions_arff(&evaluation, None, task.class_labels(), Vec::new()).unwrap();
    assert_eq!(arff.n_rows(), 150 * samples as usize);
    let sample = numbers(&arff, "sample");
    assert_eq!(
        sample.iter().cloned().fold(0.0, f64::max),
        f64::from(samples - 1)
    );
}
