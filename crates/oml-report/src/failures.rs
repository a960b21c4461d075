//! The report's account of failed jobs: counts per flow and per task by reason, each job's
//! message, and the note each comparison carries of the jobs it leaves out.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use oml_data::xml::escape;
use oml_run::{FailureReason, FailureRecord};

/// The failures section: nothing when no job failed.
pub(crate) fn section(html: &mut String, failures: &[FailureRecord]) {
    if failures.is_empty() {
        return;
    }
    let _ = writeln!(
        html,
        "<section id=\"failures\">\n<h2>Failures</h2>\n<p>{} jobs failed and have no run; every \
         comparison above leaves them out. <code>oml sweep retry --failed</code> runs them \
         again (with <code>--time-limit</code> or <code>--memory-limit</code> for those \
         stopped at a limit).</p>",
        failures.len()
    );
    for (title, key) in [
        (
            "flow",
            (|r: &FailureRecord| r.job.flow.clone()) as fn(&FailureRecord) -> String,
        ),
        ("task", task_label),
    ] {
        let mut counts: BTreeMap<String, BTreeMap<FailureReason, usize>> = BTreeMap::new();
        for record in failures {
            *counts
                .entry(key(record))
                .or_default()
                .entry(record.reason)
                .or_default() += 1;
        }
        let _ = write!(
            html,
            "<table class=\"failures\" id=\"failures-by-{title}\">\n<caption>Failed jobs by \
             {title}</caption>\n<tr><th>{title}</th>"
        );
        for reason in FailureReason::ALL {
            let _ = write!(html, "<th>{reason}</th>");
        }
        html.push_str("<th>total</th></tr>\n");
        for (name, by_reason) in &counts {
            let _ = write!(html, "<tr><td><code>{}</code></td>", escape(name));
            for reason in FailureReason::ALL {
                let _ = write!(html, "<td>{}</td>", by_reason.get(&reason).unwrap_or(&0));
            }
            let _ = writeln!(html, "<td>{}</td></tr>", by_reason.values().sum::<usize>());
        }
        html.push_str("</table>\n");
    }
    html.push_str("<h3>Messages</h3>\n<ul class=\"failures\">\n");
    for record in failures {
        let _ = writeln!(
            html,
            "<li><code>{}</code> ({}): {}</li>",
            escape(&record.label),
            record.reason,
            escape(&record.message)
        );
    }
    html.push_str("</ul>\n</section>\n");
}

/// A failed job's task as the report names tasks (`builtin:iris --resampling cv:5`, as
/// [`crate::results::task_label`] names a run's).
pub(crate) fn task_label(record: &FailureRecord) -> String {
    if record.job.task_options.is_empty() {
        record.job.task.clone()
    } else {
        format!("{} {}", record.job.task, record.job.task_options)
    }
}

/// The note of a comparison that leaves out `n` failed jobs (empty for none).
pub(crate) fn left_out(n: usize, of: &str) -> String {
    match n {
        0 => String::new(),
        1 => format!(
            "<p class=\"note\">1 failed job {of} is left out (see <a href=\"#failures\">Failures</a>).</p>\n"
        ),
        n => format!(
            "<p class=\"note\">{n} failed jobs {of} are left out (see <a href=\"#failures\">Failures</a>).</p>\n"
        ),
    }
}
