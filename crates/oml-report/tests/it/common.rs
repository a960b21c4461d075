//! What the tests share.

use std::path::Path;

use oml_report::{Entry, Results};

/// The tasks of [`synthetic`].
pub const TASKS: [&str; 3] = [
    "builtin:iris --resampling cv:5",
    "builtin:wine --resampling cv:5",
    "builtin:digits --resampling cv:5",
];
/// The flows of [`synthetic`], best first on every task.
pub const FLOWS: [&str; 3] = ["forest n_trees=50", "logistic C=1", "tree max_depth=3"];

/// A run of `flow` on `task`: its fold scores are `base` plus small fixed offsets that depend
/// on the seed and fold, and its value is their mean.
pub fn entry(task: &str, flow: &str, seed: u64, fold_scores: Vec<f64>, time_s: f64) -> Entry {
    let n_folds = fold_scores.len();
    Entry {
        key: format!("{task}/{flow}/{seed}"),
        task: task.to_owned(),
        flow: flow.to_owned(),
        seed,
        value: fold_scores.iter().sum::<f64>() / n_folds as f64,
        fold_scores,
        training_time_s: Some(time_s),
        peak_heap_bytes: None,
        test_train_ratio: Some(1.0 / (n_folds as f64 - 1.0)),
        n_repeats: 1,
        n_folds,
    }
}

/// 3 tasks x 3 flows x 2 seeds x 5 folds of accuracy; on every task the forest beats
/// logistic regression, which beats the tree, and the forest trains slowest.
pub fn synthetic() -> Results {
    let mut entries = Vec::new();
    for (t, task) in TASKS.iter().enumerate() {
        for (f, flow) in FLOWS.iter().enumerate() {
            for seed in 0..2u64 {
                let base = 0.95 - 0.04 * f as f64 - 0.05 * t as f64;
                let folds = (0..5)
                    .map(|fold| {
                        let wiggle = ((fold * 7 + seed as usize * 3 + f * 5 + t) % 9) as f64;
                        base + 0.006 * (wiggle - 4.0)
                    })
                    .collect();
                let time = [0.8, 0.04, 0.006][f] * (1.0 + 0.5 * t as f64 + 0.1 * seed as f64);
                entries.push(entry(task, flow, seed, folds, time));
            }
        }
    }
    Results {
        measure: "predictive_accuracy".to_owned(),
        higher_is_better: true,
        entries,
        skipped: Vec::new(),
    }
}

/// Writes a run directory that `oml_run::Run::load` reads: the manifest given, `summary` as
/// summary.json, and minimal documents beside them.
pub fn write_run(store: &Path, key: &str, manifest: &oml_run::Manifest, summary: &str) {
    let dir = store.join(key);
    std::fs::create_dir_all(&dir).unwrap();
    let description = oml_run::RunDescription {
        task_id: None,
        flow_id: oml_run::UNPUBLISHED_FLOW_ID,
        setup_string: format!("oml run --task {} --flow {}", manifest.task, manifest.flow),
        parameter_settings: Vec::new(),
        tags: Vec::new(),
        evaluations: Vec::new(),
    };
    let files = [
        (oml_run::files::DESCRIPTION, description.to_xml()),
        (
            oml_run::files::PREDICTIONS,
            "@RELATION predictions\n@ATTRIBUTE row_id NUMERIC\n@DATA\n0\n".to_owned(),
        ),
        (oml_run::files::FLOW, "<flow/>\n".to_owned()),
        (oml_run::files::SUMMARY, summary.to_owned()),
        (
            oml_run::files::MANIFEST,
            serde_json::to_string_pretty(manifest).unwrap(),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// A manifest of `flow` with `parameters` on `task` with `options`.
pub fn manifest(
    task: &str,
    options: &[&str],
    flow: &str,
    parameters: &[&str],
    seed: u64,
) -> oml_run::Manifest {
    oml_run::Manifest {
        oml_version: "0.1.0".into(),
        rustc_version: "rustc".into(),
        crates: Default::default(),
        os: "test".into(),
        cpu: "test".into(),
        cores: 1,
        memory_bytes: 1,
        task: task.into(),
        task_id: None,
        task_options: oml_task::TaskOptions::from_items(
            &options.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
        .unwrap(),
        flow: flow.into(),
        flow_name: format!("oml.{flow}"),
        flow_external_version: "1".into(),
        parameters: parameters.iter().map(|s| s.to_string()).collect(),
        tune: None,
        seed,
        threads: 1,
        n_units: 3,
        wall_time_s: 0.1,
        started: "2025-01-01T00:00:00.000Z".into(),
        finished: "2025-01-01T00:00:01.000Z".into(),
        peak_rss_bytes: None,
        digests: Default::default(),
    }
}

/// A pseudo-random number in [0, 1) from `seed` (splitmix64), for synthetic scores.
fn unit(seed: u64) -> f64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

/// A larger mix: 8 flows (long labels, one beyond the palette's first seven colours), 6 tasks
/// (10-fold cross-validation repeated twice, 5 folds, 3 folds, and a holdout of an OpenML task
/// with an unknown test/train ratio), 3 seeds; one flow is missing on one task.
pub fn synthetic_large() -> Results {
    let flows = [
        (
            "forest n_trees=100 max_features=sqrt min_samples_leaf=2",
            0.90,
            2.0,
        ),
        ("gbm learning_rate=0.1 max_depth=6", 0.91, 3.5),
        ("logistic C=1", 0.86, 0.08),
        ("tree max_depth=3", 0.82, 0.01),
        ("knn k=5", 0.85, 0.002),
        ("svm kernel=rbf C=10 gamma=scale", 0.88, 0.9),
        ("naive-bayes", 0.80, 0.003),
        ("dummy strategy=most_frequent", 0.55, 0.0005),
    ];
    let tasks = [
        ("3", 2, 10, 0.05),
        ("31", 1, 10, -0.10),
        ("37", 1, 5, -0.05),
        ("builtin:iris --resampling cv:10:2", 2, 10, 0.06),
        ("builtin:wine --resampling cv:3", 1, 3, 0.04),
        ("53", 1, 1, -0.02),
    ];
    let mut entries = Vec::new();
    for (t, &(task, repeats, folds, ease)) in tasks.iter().enumerate() {
        for (f, &(flow, quality, time)) in flows.iter().enumerate() {
            if t == 2 && f == 4 {
                continue;
            }
            let affinity = 0.06 * (unit((t * 100 + f) as u64) - 0.5);
            for seed in 0..3u64 {
                let scores: Vec<f64> = (0..repeats * folds)
                    .map(|u| {
                        let noise = unit(((t * 100 + f) * 1000 + seed as usize * 100 + u) as u64);
                        (quality + ease + affinity + 0.05 * (noise - 0.5)).min(1.0)
                    })
                    .collect();
                let t_s = time * (1.0 + t as f64 * 0.3) * (0.9 + 0.2 * unit(seed + 7 * f as u64));
                let mut e = entry(task, flow, seed, scores, t_s);
                e.n_repeats = repeats;
                e.n_folds = folds;
                e.test_train_ratio = (folds > 1).then(|| 1.0 / (folds as f64 - 1.0));
                entries.push(e);
            }
        }
    }
    Results {
        measure: "predictive_accuracy".to_owned(),
        higher_is_better: true,
        entries,
        skipped: vec!["r1".into(), "r2".into()],
    }
}
