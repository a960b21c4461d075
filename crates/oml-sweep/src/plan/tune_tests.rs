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
