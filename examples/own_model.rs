//! A model of your own as an OpenML flow: a nearest-centroid classifier with one
//! hyperparameter, run on a task with `oml::run_model_on_task`.
//!
//! `cargo run --release --example own_model [builtin:iris|TASK_DIR]`

use ndarray::{Array1, Array2, Axis};
use oml::flow::{Constraint, FINITE_POSITIVE, Parameter, unknown_parameter, unsupported};
use oml::prelude::*;

/// Predicts the class whose training centroid is nearest; confidences fall off with distance
/// as `exp(-distance / temperature)`.
struct NearestCentroid {
    temperature: f64,
}

/// The fitted model: one centroid per class of the task (classes absent from the training
/// rows have none and get confidence 0).
struct Centroids {
    centroids: Vec<Option<Array1<f64>>>,
    temperature: f64,
}

/// The values `temperature` takes: one constraint for its listing and its setter.
const TEMPERATURE: Constraint<f64> = FINITE_POSITIVE;

impl Describe for NearestCentroid {
    fn name(&self) -> String {
        "example.NearestCentroid".to_owned()
    }
    fn description(&self) -> String {
        "Nearest class centroid with softmax confidences".to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        vec![
            Parameter::new(
                "temperature",
                &1.0,
                &self.temperature,
                "softmax temperature",
            )
            .allowing(TEMPERATURE.allowed),
        ]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> oml::flow::Result<()> {
        match name {
            "temperature" => TEMPERATURE.set(&mut self.temperature, name, value),
            _ => Err(unknown_parameter(&self.name(), name, &self.parameters())),
        }
    }
}

impl Flow for NearestCentroid {
    fn fit(&self, data: &TrainingSet<'_>, _seed: u64) -> oml::flow::Result<Box<dyn Model>> {
        let Target::Classes { classes, n_classes } = data.target else {
            return Err(unsupported(self, &data.target));
        };
        let x = oml::flow::numeric_inputs(&self.name(), data.features)?;
        let centroids = (0..n_classes)
            .map(|class| {
                let rows: Vec<usize> = (0..classes.len())
                    .filter(|&r| classes[r] == class)
                    .collect();
                x.select(Axis(0), &rows).mean_axis(Axis(0))
            })
            .collect();
        Ok(Box::new(Centroids {
            centroids,
            temperature: self.temperature,
        }))
    }
}

impl Model for Centroids {
    fn output(&self, x: &DesignMatrix) -> oml::flow::Result<Output> {
        let mut confidences = Array2::zeros((x.x.nrows(), self.centroids.len()));
        for (row, mut out) in x.x.rows().into_iter().zip(confidences.rows_mut()) {
            for (class, centroid) in self.centroids.iter().enumerate() {
                if let Some(centroid) = centroid {
                    let distance = (&row - centroid).mapv(|d| d * d).sum().sqrt();
                    out[class] = libm::exp(-distance / self.temperature);
                }
            }
        }
        Ok(Output::Confidences(confidences))
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let source = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "builtin:iris".to_owned());
    let task = LocalTaskBuilder::new().from_source(&source)?;
    // The flow in oml's default pipeline for scaled models: imputation, scaling, one-hot.
    let mut flow = oml::flow::for_scaled(NearestCentroid { temperature: 1.0 });
    oml::flow::set_parameters(&mut flow, &["temperature=0.5"])?;
    let evaluation = run_model_on_task(&flow, &task)?;
    let labels = task
        .dataset()
        .class_target(task.target().unwrap_or_default())?
        .classes;
    let (mut right, mut total) = (0, 0);
    for unit in &evaluation.units {
        let Ok(Predictions::Classes {
            labels: predicted, ..
        }) = &unit.outcome
        else {
            return Err(format!(
                "unit {}/{} failed: {:?}",
                unit.repeat, unit.fold, unit.outcome
            )
            .into());
        };
        for (&row, &label) in unit.rows.iter().zip(predicted) {
            right += usize::from(labels[row as usize] == label);
            total += 1;
        }
    }
    println!("flow: {}", flow.name());
    println!("task: {source}, {} units", evaluation.units.len());
    println!(
        "accuracy: {:.4} ({right} of {total})",
        right as f64 / total as f64
    );
    println!("\n{}", oml::flow::flow_xml(&flow)?);
    Ok(())
}
