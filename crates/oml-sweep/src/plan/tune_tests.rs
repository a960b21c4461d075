//! Tuned flows in sweep files, and the documented sweep file, tested.

use super::tests::{chain, no_suites, read};

#[test]
fn a_flow_tuned_in_a_sweep_file_has_its_own_key_and_a_checked_search() {
    let text = "tasks = [\"builtin:iris\"]\n[[flows]]\nname = \"decision-tree\"\n\
                [flows.tune]\nspace = { max_depth = \"int:1:5\" }\nsearch = \"random:4\"\n";
    let sweep = read(text).unwrap();
    let jobs = sweep.jobs(&mut no_suites).unwrap();
    let tune = jobs[0].tune.as_ref().unwrap();
    assert_eq!(tune.space, ["max_depth=int:1:5"]);
    assert_eq!(
        (tune.search.as_str(), tune.inner.as_str()),
        ("random:4", "cv:3")
    );
    assert_eq!(jobs[0].request(None).tune.as_ref(), Some(tune));
    let mut untuned = jobs[0].clone();
    untuned.tune = None;
    assert_ne!(untuned.key(), jobs[0].key());
    assert!(
        jobs[0]
            .label()
            .contains("tuned(max_depth=int:1:5, random:4, inner cv:3)")
    );
    // A bound the flow refuses, or a search it cannot run, names the entry and the line.
    let bad = text.replace("int:1:5", "int:0:5");
    let message = chain(&read(&bad).unwrap_err());
    assert!(
        message.contains("flows[0].tune") && message.contains("`0`"),
        "{message}"
    );
    assert!(message.contains("line 4"), "{message}");
    let bad = text.replace("random:4", "random:0");
    assert!(chain(&read(&bad).unwrap_err()).contains("random:0"));
}

#[test]
fn the_documented_sweep_file_reads() {
    let doc = include_str!("../../../../docs/sweep-file.md");
    let start = doc.find("```toml\n").unwrap() + "```toml\n".len();
    let block = &doc[start..start + doc[start..].find("```").unwrap()];
    let sweep = read(block).unwrap();
    assert_eq!(sweep.flows.len(), 3);
    assert!(sweep.flows[2].tune.is_some());
}

/// A job goes to a sweep worker as one line of JSON: it comes back the same job, with its
/// task's options, its cache directory and its search, so the worker needs no sweep file.
#[test]
fn a_job_is_the_same_job_after_its_json_line() {
    let text = "tasks = [{ task = \"builtin:iris\", resampling = \"holdout:33:3\" }]\n\
                [[flows]]\nname = \"decision-tree\"\ngrid = { max_depth = [4] }\n\
                [flows.tune]\nspace = { min_samples_leaf = \"int:1:5\" }\nsearch = \"random:4\"\n";
    let mut job = read(text).unwrap().jobs(&mut no_suites).unwrap().remove(0);
    job.task.cache_dir = Some("/tmp/some cache".into());
    let line = serde_json::to_string(&job).unwrap();
    let back: super::Job = serde_json::from_str(&line).unwrap();
    assert_eq!(back, job);
    // The cache directory travels with the job (above) but is not part of its identity.
    let mut elsewhere = back.clone();
    elsewhere.task.cache_dir = None;
    assert_eq!(elsewhere.key(), job.key());
    assert_eq!(back.task.options.to_items(), ["--resampling holdout:33:3"]);
}
