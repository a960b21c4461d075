//! The report as one self-contained HTML page: inline CSS and SVG, no script, no external URL.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use oml_data::xml::escape;
use oml_run::{FailureRecord, Manifest, RunStore};

use crate::leaderboard::{Analysis, Comparison, TaskLeaderboard};
use crate::plots::{self, Plot};
use crate::results::{ReportError, Results};

/// What [`write_report`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSummary {
    /// The report's path.
    pub path: PathBuf,
    /// The measure compared.
    pub measure: String,
    /// The runs in the report.
    pub n_runs: usize,
    /// The runs left out because they lack the measure.
    pub n_skipped: usize,
    /// The tasks.
    pub n_tasks: usize,
    /// The flows (labels).
    pub n_flows: usize,
    /// The figures (`<figure class="plot">`).
    pub n_figures: usize,
}

/// Reads the runs of `store` that `keep` accepts (see [`Results::from_store`]) and writes
/// their report to `out`, whole or not at all (a temporary file in the same directory, then a
/// rename). The same runs give the same bytes.
/// Damaged runs are left out and handed to `on_damaged`.
pub fn write_report(
    store: &RunStore,
    measure: Option<&str>,
    keep: &dyn Fn(&str, &Manifest) -> bool,
    on_damaged: &mut dyn FnMut(&oml_run::Damaged),
    failures: &[FailureRecord],
    out: &Path,
) -> Result<ReportSummary, ReportError> {
    let results = Results::from_store(store, measure, keep, on_damaged)?;
    let title = format!("oml report: {}", store.root().display());
    let analysis = Analysis::new(&results);
    let html = render(&results, &analysis, &title, failures);
    write_atomically(out, html.as_bytes())?;
    Ok(ReportSummary {
        path: out.to_path_buf(),
        measure: results.measure.clone(),
        n_runs: results.entries.len(),
        n_skipped: results.skipped.len(),
        n_tasks: analysis.tasks.len(),
        n_flows: analysis.flows.len(),
        n_figures: html.matches("<figure class=\"plot\"").count(),
    })
}

/// The report on `results` as one HTML page titled `title`: an overview, Friedman's and
/// Nemenyi's tests with the critical-difference diagram, then per task its leaderboard, a box
/// plot of fold scores, the corrected resampled t-tests against the best flow and a plot of
/// score against training time. Every figure is a `<figure class="plot" id="...">` whose
/// `data-colors` lists the flows' colours drawn in it.
pub fn render_html(results: &Results, title: &str) -> String {
    render(results, &Analysis::new(results), title, &[])
}

/// The page of `results`, whose analysis is `analysis`.
fn render(
    results: &Results,
    analysis: &Analysis,
    title: &str,
    failures: &[FailureRecord],
) -> String {
    let mut page = Page::default();
    page.push(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<main>\n<h1>{}</h1>\n",
        escape(title),
        escape(title)
    ));
    overview(&mut page, results, analysis, failures.len());
    if !analysis.tasks.is_empty() {
        across_tasks(&mut page, analysis);
        page.push(&crate::failures::left_out(failures.len(), "in all"));
        for (i, board) in analysis.tasks.iter().enumerate() {
            let of_task = failures
                .iter()
                .filter(|r| crate::failures::task_label(r) == board.task)
                .count();
            let note = crate::failures::left_out(of_task, "of this task");
            task_section(&mut page, analysis, board, i + 1, &note);
        }
    }
    crate::failures::section(&mut page.html, failures);
    page.push(&format!(
        "<footer>Written by oml report {}.</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    ));
    page.html
}

#[derive(Default)]
struct Page {
    html: String,
}

impl Page {
    fn push(&mut self, text: &str) {
        self.html.push_str(text);
    }

    /// A figure with `id`, or the reason it could not be drawn.
    fn figure(&mut self, id: &str, plot: Result<Plot, ReportError>, caption: &str) {
        match plot {
            Ok(plot) => {
                let _ = write!(
                    self.html,
                    "<figure class=\"plot\" id=\"{}\" data-colors=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
                    escape(id),
                    escape(&plot.colours.join(" ")),
                    plot.svg.trim(),
                    caption
                );
            }
            Err(e) => {
                let _ = writeln!(
                    self.html,
                    "<p class=\"note error\">The figure cannot be drawn: {}</p>",
                    escape(&e.to_string())
                );
            }
        }
    }
}

fn overview(page: &mut Page, results: &Results, analysis: &Analysis, n_failed: usize) {
    let direction = if analysis.higher_is_better {
        "higher is better"
    } else {
        "lower is better"
    };
    page.push("<section id=\"overview\">\n<h2>Overview</h2>\n<table class=\"facts\">\n");
    let facts = [
        (
            "Measure",
            format!("<code>{}</code> ({direction})", escape(&analysis.measure)),
        ),
        ("Tasks", analysis.tasks.len().to_string()),
        ("Flows", analysis.flows.len().to_string()),
        ("Runs", results.entries.len().to_string()),
        (
            "Runs without the measure (left out)",
            results.skipped.len().to_string(),
        ),
        (
            "Failed jobs (left out)",
            if n_failed == 0 {
                "0".to_owned()
            } else {
                format!("<a href=\"#failures\">{n_failed}</a>")
            },
        ),
        (
            "Significance level",
            format!("α = {}", crate::leaderboard::ALPHA),
        ),
    ];
    for (name, value) in facts {
        let _ = writeln!(page.html, "<tr><th>{name}</th><td>{value}</td></tr>");
    }
    page.push("</table>\n");
    if analysis.tasks.is_empty() {
        page.push("<p class=\"note\">No runs to compare.</p>\n</section>\n");
        return;
    }
    page.push("<p>Flows (their colour in every figure):</p>\n<ul class=\"flows\">\n");
    for (i, flow) in analysis.flows.iter().enumerate() {
        let _ = writeln!(
            page.html,
            "<li>{}<code>{}</code></li>",
            swatch(i),
            escape(flow)
        );
    }
    page.push("</ul>\n<p>Tasks:</p>\n<ol class=\"tasks\">\n");
    for (i, board) in analysis.tasks.iter().enumerate() {
        let _ = writeln!(
            page.html,
            "<li><a href=\"#task-{}\"><code>{}</code></a> ({} runs, best: <code>{}</code>)</li>",
            i + 1,
            escape(&board.task),
            board.entries.len(),
            escape(board.rows.first().map_or("", |r| r.flow.as_str()))
        );
    }
    page.push("</ol>\n</section>\n");
}

fn across_tasks(page: &mut Page, analysis: &Analysis) {
    page.push(
        "<section id=\"across-tasks\">\n<h2>Across tasks: Friedman's test and Nemenyi's post-hoc test</h2>\n",
    );
    let comparison = match &analysis.comparison {
        Ok(comparison) => comparison,
        Err(reason) => {
            let _ = writeln!(page.html, "<p class=\"note\">{}</p>", escape(reason));
            page.push("</section>\n");
            return;
        }
    };
    let f = &comparison.friedman;
    let significant = f.p_value < comparison.alpha;
    let _ = writeln!(
        page.html,
        "<p>{} flows run on all {} tasks, ranked on each task by their mean {} (1 is best). \
         At α = {}, their ranks {} (Iman and Davenport's F = {}, {}).</p>",
        comparison.flows.len(),
        comparison.tasks.len(),
        escape(&analysis.measure),
        comparison.alpha,
        if significant {
            "<strong>differ significantly</strong>"
        } else {
            "do not differ significantly"
        },
        num(f.iman_davenport_f, 3),
        p_is(f.p_value)
    );
    if !comparison.left_out.is_empty() {
        let names: Vec<String> = comparison
            .left_out
            .iter()
            .map(|f| format!("<code>{}</code>", escape(f)))
            .collect();
        let _ = writeln!(
            page.html,
            "<p class=\"note\">Left out, as some task lacks them: {}.</p>",
            names.join(", ")
        );
    }
    page.figure(
        "cd-diagram",
        plots::cd_diagram(comparison, analysis),
        &format!(
            "Critical-difference diagram: average ranks over {} tasks (best on the left). \
             Flows joined by a thick bar do not differ significantly (Nemenyi, α = {}, CD = {}).",
            comparison.tasks.len(),
            comparison.alpha,
            num(comparison.critical_difference, 3)
        ),
    );
    page.push("<table class=\"stats\">\n<caption>Friedman's test</caption>\n");
    let rows = [
        ("Tasks (N)", f.n_datasets.to_string()),
        ("Flows (k)", f.n_algorithms.to_string()),
        ("Friedman's χ²", num(f.chi_square, 3)),
        ("p (χ², k − 1 df)", p_value(f.p_value_chi_square)),
        ("Iman and Davenport's F", num(f.iman_davenport_f, 3)),
        (
            "Degrees of freedom",
            format!("{}, {}", num(f.df1, 0), num(f.df2, 0)),
        ),
        ("p (F)", p_value(f.p_value)),
        (
            "Nemenyi's critical difference",
            num(comparison.critical_difference, 3),
        ),
    ];
    for (name, value) in rows {
        let _ = writeln!(
            page.html,
            "<tr><th>{name}</th><td class=\"num\">{value}</td></tr>"
        );
    }
    page.push("</table>\n");
    nemenyi_table(page, analysis, comparison);
    mean_table(page, analysis, comparison);
    page.push("</section>\n");
}

fn nemenyi_table(page: &mut Page, analysis: &Analysis, comparison: &Comparison) {
    let ranks = &comparison.friedman.average_ranks;
    let order = comparison.by_rank();
    let best = order.first().map_or(f64::NAN, |&i| ranks[i]);
    let group_names: Vec<String> = (0..comparison.groups.len()).map(group_letter).collect();
    page.push(
        "<table class=\"nemenyi\">\n<caption>Average ranks and Nemenyi's groups \
         (flows sharing a letter do not differ significantly)</caption>\n\
         <tr><th class=\"num\">Place</th><th>Flow</th><th class=\"num\">Average rank</th>\
         <th class=\"num\">Behind the best</th><th>Differs from the best</th><th>Groups</th></tr>\n",
    );
    for (place, &i) in order.iter().enumerate() {
        let gap = ranks[i] - best;
        let groups: Vec<&str> = comparison
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.contains(&i))
            .map(|(g, _)| group_names[g].as_str())
            .collect();
        let _ = writeln!(
            page.html,
            "<tr><td class=\"num\">{}</td><td>{}<code>{}</code></td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            place + 1,
            swatch(analysis.flow_index(&comparison.flows[i])),
            escape(&comparison.flows[i]),
            num(ranks[i], 3),
            num(gap, 3),
            if gap >= comparison.critical_difference {
                "<span class=\"sig\">yes</span>"
            } else {
                "no"
            },
            if groups.is_empty() {
                "–".to_owned()
            } else {
                groups.join(" ")
            }
        );
    }
    page.push("</table>\n");
}

fn mean_table(page: &mut Page, analysis: &Analysis, comparison: &Comparison) {
    page.push("<table class=\"means\">\n<caption>Mean ");
    page.push(&escape(&analysis.measure));
    page.push(" per task (rank on the task)</caption>\n<tr><th>Task</th>");
    for (i, flow) in comparison.flows.iter().enumerate() {
        let _ = write!(
            page.html,
            "<th class=\"num\">{}<code>{}</code></th>",
            swatch(analysis.flow_index(flow)),
            escape(&comparison.flows[i])
        );
    }
    page.push("</tr>\n");
    for (t, task) in comparison.tasks.iter().enumerate() {
        let board = analysis.tasks.iter().find(|b| &b.task == task);
        let _ = write!(page.html, "<tr><td><code>{}</code></td>", escape(task));
        for (j, flow) in comparison.flows.iter().enumerate() {
            let rank = board
                .and_then(|b| b.rows.iter().find(|r| &r.flow == flow))
                .map_or(f64::NAN, |r| r.rank);
            let _ = write!(
                page.html,
                "<td class=\"num\">{} ({})</td>",
                num(comparison.scores[t][j], 4),
                num(rank, 1)
            );
        }
        page.push("</tr>\n");
    }
    page.push("</table>\n");
}

fn task_section(
    page: &mut Page,
    analysis: &Analysis,
    board: &TaskLeaderboard,
    number: usize,
    left_out: &str,
) {
    let first = board.entries.first();
    let _ = writeln!(
        page.html,
        "<section class=\"task\" id=\"task-{number}\">\n<h2>Task {number}: <code>{}</code></h2>",
        escape(&board.task)
    );
    if let Some(e) = first {
        let ratio = e
            .test_train_ratio
            .map_or("unknown".to_owned(), |r| num(r, 3));
        let _ = writeln!(
            page.html,
            "<p>{} runs; {} repeat(s) of {} fold(s); test/train ratio {}.</p>",
            board.entries.len(),
            e.n_repeats,
            e.n_folds,
            ratio
        );
    }
    page.push(
        "<table class=\"leaderboard\">\n<caption>Leaderboard</caption>\n<tr><th class=\"num\">Rank</th>\
         <th>Flow</th><th class=\"num\">Mean</th><th class=\"num\">Std (folds)</th>\
         <th class=\"num\">Runs</th><th class=\"num\">Training time (s)</th></tr>\n",
    );
    for row in &board.rows {
        let _ = writeln!(
            page.html,
            "<tr><td class=\"num\">{}</td><td>{}<code>{}</code></td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            num(row.rank, 1),
            swatch(analysis.flow_index(&row.flow)),
            escape(&row.flow),
            num(row.mean, 4),
            num(row.std, 4),
            row.n_runs,
            row.mean_training_time_s.map_or("–".to_owned(), seconds)
        );
    }
    page.push("</table>\n");
    page.figure(
        &format!("box-{number}"),
        plots::box_plot(board, analysis),
        &format!(
            "Fold scores of every run on task {number}, per flow (best at the top): quartiles, \
             median, whiskers to 1.5 × the interquartile range, scores beyond as circles."
        ),
    );
    t_tests(page, analysis, board);
    match plots::resource_plot(board, analysis, plots::Resource::TrainingTime) {
        Ok(None) => page.push("<p class=\"note\">No run recorded its training time.</p>\n"),
        Ok(Some(plot)) => page.figure(
            &format!("time-{number}"),
            Ok(plot),
            &format!("Score against CPU time spent training, one point per run, on task {number}."),
        ),
        Err(e) => page.figure(&format!("time-{number}"), Err(e), ""),
    }
    // Runs made before oml recorded memory (or by a program without its allocator) have none.
    match plots::resource_plot(board, analysis, plots::Resource::PeakHeap) {
        Ok(None) => {}
        Ok(Some(plot)) => page.figure(
            &format!("memory-{number}"),
            Ok(plot),
            &format!(
                "Score against the most heap memory a unit held while fitting and predicting, \
                 one point per run, on task {number}."
            ),
        ),
        Err(e) => page.figure(&format!("memory-{number}"), Err(e), ""),
    }
    page.push(left_out);
    page.push("</section>\n");
}

fn t_tests(page: &mut Page, analysis: &Analysis, board: &TaskLeaderboard) {
    let Some(best) = board.rows.first() else {
        return;
    };
    if board.tests.is_empty() {
        let _ = writeln!(
            page.html,
            "<p class=\"note\">One flow only: nothing to test against <code>{}</code>.</p>",
            escape(&best.flow)
        );
        return;
    }
    let _ = writeln!(
        page.html,
        "<table class=\"ttests\">\n<caption>Nadeau and Bengio's corrected resampled t-tests against \
         the best flow, <code>{}</code>, on fold scores averaged over shared seeds</caption>\n\
         <tr><th>Flow</th><th class=\"num\">Seeds</th><th class=\"num\">Mean difference</th>\
         <th class=\"num\">t</th><th class=\"num\">df</th><th class=\"num\">p</th>\
         <th>Significant at α = {}</th></tr>",
        escape(&best.flow),
        crate::leaderboard::ALPHA
    );
    for test in &board.tests {
        let flow = format!(
            "{}<code>{}</code>",
            swatch(analysis.flow_index(&test.flow)),
            escape(&test.flow)
        );
        match &test.outcome {
            Ok(t) => {
                let _ = writeln!(
                    page.html,
                    "<tr><td>{flow}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                     <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                     <td>{}</td></tr>",
                    test.seeds.len(),
                    num(t.mean_difference, 4),
                    num(t.t, 3),
                    num(t.df, 0),
                    p_value(t.p_value),
                    if t.p_value < crate::leaderboard::ALPHA {
                        "<span class=\"sig\">yes</span>"
                    } else {
                        "no"
                    }
                );
            }
            Err(reason) => {
                let _ = writeln!(
                    page.html,
                    "<tr><td>{flow}</td><td class=\"num\">{}</td><td colspan=\"5\" class=\"note\">\
                     Not tested: {}</td></tr>",
                    test.seeds.len(),
                    escape(reason)
                );
            }
        }
    }
    page.push("</table>\n");
}

/// A dot in the colour of the flow at `index`.
fn swatch(index: usize) -> String {
    format!(
        "<span class=\"swatch\" style=\"background:{}\"></span>",
        plots::hex(plots::flow_colour(index))
    )
}

/// `A`, `B`, ..., `Z`, `AA`, ...
fn group_letter(mut g: usize) -> String {
    let mut out = String::new();
    loop {
        out.insert(0, (b'A' + (g % 26) as u8) as char);
        if g < 26 {
            return out;
        }
        g = g / 26 - 1;
    }
}

/// `v` with `decimals` decimals; `–` for `NaN`, `∞` for infinity.
fn num(v: f64, decimals: usize) -> String {
    if v.is_nan() {
        "–".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "∞" } else { "−∞" }.to_owned()
    } else {
        format!("{v:.decimals$}")
    }
}

/// A p-value: three decimals, `< 0.001` below.
fn p_value(p: f64) -> String {
    if p.is_nan() {
        "–".to_owned()
    } else if p < 0.001 {
        "&lt; 0.001".to_owned()
    } else {
        format!("{p:.3}")
    }
}

/// `p = 0.123` or `p < 0.001`.
fn p_is(p: f64) -> String {
    if p < 0.001 {
        "p &lt; 0.001".to_owned()
    } else {
        format!("p = {}", p_value(p))
    }
}

/// Seconds with three significant digits (whole seconds from 100 s).
fn seconds(s: f64) -> String {
    if s <= 0.0 || !s.is_finite() {
        return num(s, 0);
    }
    let decimals = (2.0 - libm::log10(s).floor()).clamp(0.0, 9.0) as usize;
    format!("{s:.decimals$}")
}

/// Writes `bytes` to `path` whole or not at all (oml-data's atomic write: a temporary file in
/// the same directory, renamed); an error names `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    oml_data::write_atomically(path, |file| file.write_all(bytes)).map_err(|source| {
        ReportError::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}

const STYLE: &str = "
:root { color-scheme: light; }
body { margin: 0; background: #f4f5f7; color: #222; font: 15px/1.45 sans-serif; }
main { max-width: 1060px; margin: 0 auto; padding: 8px 24px 32px; }
h1 { font-size: 24px; margin: 20px 0 8px; overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 4px 0 12px; overflow-wrap: anywhere; }
section { background: #fff; border: 1px solid #dfe2e6; border-radius: 8px; padding: 16px 24px; margin: 18px 0; }
code { font-family: monospace; font-size: 13.5px; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 14px 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: 6px; }
th, td { padding: 4px 12px 4px 0; border-bottom: 1px solid #e6e8eb; text-align: left; vertical-align: top; }
th { font-weight: 600; }
.num { text-align: right; padding-left: 12px; }
.facts th { font-weight: normal; color: #555; }
figure.plot { margin: 18px 0 8px; }
figure.plot svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: #555; margin-top: 6px; max-width: 960px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 7px; }
ul.flows, ol.tasks { margin: 4px 0 8px; padding-left: 22px; }
ul.flows { list-style: none; padding-left: 0; }
.note { color: #555; font-style: italic; }
.error { color: #a00; }
.sig { font-weight: 700; }
footer { color: #777; font-size: 13px; text-align: center; }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(
            escape("<script>alert(\"x&y\")</script> 'q'"),
            "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; &apos;q&apos;"
        );
    }

    #[test]
    fn group_letters_go_on_past_z() {
        assert_eq!(group_letter(0), "A");
        assert_eq!(group_letter(25), "Z");
        assert_eq!(group_letter(26), "AA");
        assert_eq!(group_letter(27), "AB");
    }

    #[test]
    fn numbers_are_written_for_reading() {
        assert_eq!(seconds(0.000512), "0.000512");
        assert_eq!(seconds(0.0823), "0.0823");
        assert_eq!(seconds(1.64), "1.64");
        assert_eq!(seconds(250.4), "250");
        assert_eq!(seconds(0.0), "0");
        assert_eq!(num(f64::INFINITY, 3), "∞");
        assert_eq!(num(f64::NAN, 3), "–");
        assert_eq!(p_is(0.0004), "p &lt; 0.001");
        assert_eq!(p_is(0.0123), "p = 0.012");
    }

    #[test]
    fn reports_are_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
        let missing = dir.path().join("no/such/dir/report.html");
        let e = write_atomically(&missing, b"x").unwrap_err();
        assert!(e.to_string().contains("no/such/dir/report.html"), "{e}");
    }
}
