//! The page: figures, tables, escaping, no external URL, determinism.

use oml_report::{Results, render_html};

use crate::common::{FLOWS, TASKS, synthetic, synthetic_large};

/// The `id`s of the page's `<figure class="plot">` elements, in order.
fn figure_ids(html: &str) -> Vec<String> {
    html.split("<figure class=\"plot\" id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

#[test]
fn the_page_has_every_figure_and_table() {
    let html = render_html(&synthetic(), "synthetic");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        figure_ids(&html),
        [
            "cd-diagram",
            "box-1",
            "time-1",
            "box-2",
            "time-2",
            "box-3",
            "time-3"
        ]
    );
    for figure in html.split("<figure class=\"plot\"").skip(1) {
        let figure = &figure[..figure.find("</figure>").unwrap()];
        assert!(figure.contains("<svg "), "an inline SVG");
        assert!(figure.contains("data-colors=\"#0072b2 #e69f00 #009e73\""));
        assert!(figure.contains("font-family=\"sans-serif\""));
    }
    for (table, count) in [
        ("class=\"facts\"", 1),
        ("class=\"stats\"", 1),
        ("class=\"nemenyi\"", 1),
        ("class=\"means\"", 1),
        ("class=\"leaderboard\"", 3),
        ("class=\"ttests\"", 3),
    ] {
        assert_eq!(html.matches(table).count(), count, "{table}");
    }
    assert!(html.contains("CD = 1.91"), "the CD bar's label");
    for task in TASKS {
        assert!(html.contains(task));
    }
    // Tasks come in natural order (digits, iris, wine); iris's leaderboard lists the flows
    // best first.
    let iris = &html[html.find("id=\"task-2\"").unwrap()..html.find("id=\"task-3\"").unwrap()];
    assert!(iris.contains(&format!("<code>{}</code></h2>", TASKS[0])));
    let board = &iris[iris.find("class=\"leaderboard\"").unwrap()..];
    let board = &board[..board.find("</table>").unwrap()];
    let places: Vec<usize> = FLOWS.iter().map(|f| board.find(f).unwrap()).collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]), "{places:?}");
    assert!(board.contains("<td class=\"num\">0.9488</td>"), "{board}");
}

#[test]
fn labels_are_escaped_everywhere() {
    let mut results = synthetic();
    for entry in &mut results.entries {
        if entry.flow == FLOWS[1] {
            entry.flow = "evil <script>alert(\"x\")</script> a&b".to_owned();
        }
    }
    let html = render_html(&results, "<title> & \"title\"");
    assert!(!html.contains("<script"), "no script element");
    assert!(html.contains("evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; a&amp;b"));
    assert!(html.contains("<title>&lt;title&gt; &amp; &quot;title&quot;</title>"));
}

#[test]
fn the_page_is_self_contained() {
    let html = render_html(&synthetic(), "synthetic");
    let svg_namespace = "xmlns=\"http://www.w3.org/2000/svg\"";
    let without_namespace = html.replace(svg_namespace, "");
    assert!(
        !without_namespace.to_lowercase().contains("http"),
        "an external URL"
    );
    assert!(!without_namespace.contains("//"), "a protocol-relative URL");
    for needle in [
        "src=",
        "url(",
        "@import",
        "<script",
        "<link rel=\"stylesheet\"",
    ] {
        assert!(!html.contains(needle), "{needle}");
    }
    for href in html.split("href=\"").skip(1) {
        let href = &href[..href.find('"').unwrap()];
        assert!(href.starts_with('#') || href == "data:,", "{href}");
    }
}

#[test]
fn the_same_results_give_the_same_bytes() {
    assert_eq!(
        render_html(&synthetic(), "synthetic"),
        render_html(&synthetic(), "synthetic")
    );
}

#[test]
fn no_runs_give_a_page_that_says_so() {
    let results = Results {
        measure: "predictive_accuracy".into(),
        higher_is_better: true,
        entries: Vec::new(),
        skipped: vec!["abc".into()],
    };
    let html = render_html(&results, "empty");
    assert!(html.contains("No runs to compare."));
    assert!(figure_ids(&html).is_empty());
}

#[test]
fn one_task_has_no_friedman_test_and_says_why() {
    let mut results = synthetic();
    results.entries.retain(|e| e.task == TASKS[0]);
    let html = render_html(&results, "one task");
    assert_eq!(figure_ids(&html), ["box-1", "time-1"]);
    assert!(html.contains("at least 2 tasks; the runs cover 1."));
}

#[test]
fn a_larger_mix_renders_with_reasons_for_what_is_missing() {
    let html = render_html(&synthetic_large(), "large");
    assert_eq!(figure_ids(&html).len(), 1 + 2 * 6);
    assert!(
        html.contains("test/train ratio is unknown"),
        "the holdout task's tests"
    );
    assert!(html.contains("Left out, as some task lacks them: <code>knn k=5</code>."));
    let box_plot = &html[html.find("id=\"box-1\"").unwrap()..];
    let colours = &box_plot[box_plot.find("data-colors=\"").unwrap() + 13..];
    let colours: Vec<&str> = colours[..colours.find('"').unwrap()].split(' ').collect();
    assert_eq!(
        colours.len(),
        8,
        "every flow in its own colour: {colours:?}"
    );
    assert!(colours.contains(&"#000000"), "the eighth colour");
}

/// Writes the synthetic reports to `$OML_REPORT_DEV_OUT` and beside it, with `-large` in the
/// name (for `scripts/check_report.py` and for looking at them); does nothing when the
/// variable is unset.
#[test]
fn write_the_synthetic_report_when_asked() {
    let Some(path) = std::env::var_os("OML_REPORT_DEV_OUT") else {
        return;
    };
    let path = std::path::PathBuf::from(path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(
        &path,
        render_html(&synthetic(), "oml report: synthetic runs"),
    )
    .unwrap();
    let large = path.with_file_name(format!(
        "{}-large.html",
        path.file_stem().unwrap().to_string_lossy()
    ));
    let html = render_html(&synthetic_large(), "oml report: a larger synthetic mix");
    std::fs::write(large, html).unwrap();
}
