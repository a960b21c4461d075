//! The report's figures as SVG text (plotters' SVG backend): box plots of fold scores, score
//! against training time, and the critical-difference diagram. Text is `sans-serif`, so no
//! font file is needed, and every flow keeps its colour (its place in [`Analysis::flows`]) in
//! every figure.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::leaderboard::{Analysis, Comparison, TaskLeaderboard};
use crate::results::ReportError;

/// Okabe and Ito's colour-blind-safe palette, most distinct colours first; flows beyond eight
/// take the colours again.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0x00, 0x00, 0x00), // black
];

/// The colour of the flow at `index` of [`Analysis::flows`].
pub fn flow_colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// `colour` as CSS hex, `#0072b2`.
pub fn hex(colour: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", colour.0, colour.1, colour.2)
}

/// One figure: its SVG and the colours of the flows drawn in it (CSS hex, in drawing order,
/// distinct), which a checker looks for in the rendered pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    /// The `<svg>` element.
    pub svg: String,
    /// The flows' colours.
    pub colours: Vec<String>,
}

/// Font size as plotters takes it (the SVG font size is this over 1.24: 13 px).
const FONT: f64 = 16.1;
/// The estimated width of a character of `sans-serif` at 13 px, for layout.
const CHAR_PX: f64 = 7.0;
/// Labels longer than this are cut (with `…`) in figures; tables show them whole.
const MAX_LABEL: usize = 44;
/// Legend labels longer than this are cut.
const MAX_LEGEND_LABEL: usize = 36;
/// The width of every figure (the report's column), in pixels.
const WIDTH: u32 = 960;
/// Room beside a label in the critical-difference diagram: the leader line's stub (20 px),
/// the gap to the text (6 px) and a margin (8 px).
const CD_TEXT_MARGIN: u32 = 34;
const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
const AXIS: RGBColor = RGBColor(0x55, 0x55, 0x55);

/// Per flow of `board`, best first, a horizontal box plot of its fold scores pooled over its
/// runs: the box from the first to the third quartile, the median, whiskers to the furthest
/// score within 1.5 times the box's width, and the scores beyond as circles.
pub fn box_plot(board: &TaskLeaderboard, analysis: &Analysis) -> Result<Plot, ReportError> {
    let figure = format!("box plot of {}", board.task);
    let rows: Vec<(String, RGBColor, Vec<f64>)> = board
        .rows
        .iter()
        .map(|row| {
            let mut scores = board.fold_scores(&row.flow);
            scores.sort_by(f64::total_cmp);
            let colour = flow_colour(analysis.flow_index(&row.flow));
            (row.flow.clone(), colour, scores)
        })
        .collect();
    let n = rows.len().max(1);
    let label_px = label_width(rows.iter().map(|r| r.0.as_str()), MAX_LABEL);
    let (width, height) = (WIDTH, 24 + 36 * n as u32 + 56);
    let all: Vec<f64> = rows.iter().flat_map(|r| r.2.iter().copied()).collect();
    let (lo, hi) = padded_range(&all);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let draw = || -> Result<(), String> {
            root.fill(&WHITE).map_err(|e| e.to_string())?;
            let mut chart = ChartBuilder::on(&root)
                .margin_top(16)
                .margin_right(28)
                .margin_left(8)
                .x_label_area_size(50)
                .y_label_area_size(label_px + 16)
                .build_cartesian_2d(lo..hi, 0.0..n as f64)
                .map_err(|e| e.to_string())?;
            let x_format = |v: &f64| format_tick(*v, hi - lo);
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(0)
                .x_labels(8)
                .x_label_formatter(&x_format)
                .x_desc(measure_description(analysis))
                .label_style(font(FONT, TEXT))
                .axis_desc_style(font(FONT, TEXT))
                .axis_style(AXIS)
                .light_line_style(WHITE)
                .bold_line_style(GRID)
                .draw()
                .map_err(|e| e.to_string())?;
            for (i, (label, colour, scores)) in rows.iter().enumerate() {
                let y = (n - i) as f64 - 0.5;
                let label_at = chart.backend_coord(&(lo, y));
                root.draw(&Text::new(
                    short(label, MAX_LABEL),
                    (label_at.0 - 10, label_at.1),
                    font(FONT, TEXT).pos(Pos::new(HPos::Right, VPos::Center)),
                ))
                .map_err(|e| e.to_string())?;
                if scores.is_empty() {
                    continue;
                }
                let stroke = colour.stroke_width(2);
                let (q1, median, q3) = (
                    quantile(scores, 0.25),
                    quantile(scores, 0.5),
                    quantile(scores, 0.75),
                );
                let reach = 1.5 * (q3 - q1);
                let low = scores
                    .iter()
                    .copied()
                    .find(|&v| v >= q1 - reach)
                    .unwrap_or(q1);
                let high = scores
                    .iter()
                    .rev()
                    .copied()
                    .find(|&v| v <= q3 + reach)
                    .unwrap_or(q3);
                let (half, cap) = (0.3, 0.15);
                let mut elements: Vec<DynElement<'_, _, _>> = vec![
                    Rectangle::new([(q1, y - half), (q3, y + half)], colour.mix(0.22).filled())
                        .into_dyn(),
                    Rectangle::new([(q1, y - half), (q3, y + half)], stroke).into_dyn(),
                    PathElement::new(vec![(low, y), (q1, y)], stroke).into_dyn(),
                    PathElement::new(vec![(q3, y), (high, y)], stroke).into_dyn(),
                    PathElement::new(vec![(low, y - cap), (low, y + cap)], stroke).into_dyn(),
                    PathElement::new(vec![(high, y - cap), (high, y + cap)], stroke).into_dyn(),
                    PathElement::new(
                        vec![(median, y - half), (median, y + half)],
                        colour.stroke_width(4),
                    )
                    .into_dyn(),
                ];
                for &v in scores.iter().filter(|&&v| v < low || v > high) {
                    elements.push(Circle::new((v, y), 4, stroke).into_dyn());
                }
                chart.draw_series(elements).map_err(|e| e.to_string())?;
            }
            root.present().map_err(|e| e.to_string())
        };
        draw().map_err(|message| plot_error(&figure, message))?;
    }
    Ok(Plot {
        svg,
        colours: distinct_hex(rows.iter().map(|r| r.1)),
    })
}

/// What a run spent, on the x axis of [`resource_plot`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// CPU seconds spent training, summed over units.
    TrainingTime,
    /// The most heap a unit held (`peak_heap_bytes`), in MiB.
    PeakHeap,
}

impl Resource {
    /// The run's amount, where it recorded one.
    fn of(self, entry: &crate::results::Entry) -> Option<f64> {
        match self {
            Resource::TrainingTime => entry.training_time_s,
            Resource::PeakHeap => entry.peak_heap_bytes.map(|b| b / (1u64 << 20) as f64),
        }
    }

    /// The axis's description.
    fn axis(self) -> &'static str {
        match self {
            Resource::TrainingTime => "training time, CPU seconds",
            Resource::PeakHeap => "peak heap of a unit, MiB",
        }
    }

    /// What the figure is called in an error.
    fn name(self) -> &'static str {
        match self {
            Resource::TrainingTime => "training time",
            Resource::PeakHeap => "peak memory",
        }
    }
}

/// The runs of `board` as points of score against what they spent ([`Resource`]), one colour
/// per flow, with a legend; the x axis is logarithmic when the amounts span more than a factor
/// of 20. `None` when no run recorded the amount.
pub fn resource_plot(
    board: &TaskLeaderboard,
    analysis: &Analysis,
    resource: Resource,
) -> Result<Option<Plot>, ReportError> {
    let figure = format!("score against {} of {}", resource.name(), board.task);
    let points: Vec<(f64, f64, RGBColor)> = board
        .entries
        .iter()
        .filter_map(|e| {
            let amount = resource.of(e).filter(|t| t.is_finite() && *t >= 0.0)?;
            Some((amount, e.value, flow_colour(analysis.flow_index(&e.flow))))
        })
        .collect();
    if points.is_empty() {
        return Ok(None);
    }
    let legend: Vec<(String, RGBColor)> = board
        .rows
        .iter()
        .map(|r| (r.flow.clone(), flow_colour(analysis.flow_index(&r.flow))))
        .collect();
    let legend_px = label_width(legend.iter().map(|l| l.0.as_str()), MAX_LEGEND_LABEL) + 44;
    let (width, height) = (WIDTH, 380u32.max(40 + 24 * legend.len() as u32));
    let times: Vec<f64> = points.iter().map(|p| p.0).collect();
    let scores: Vec<f64> = points.iter().map(|p| p.1).collect();
    let (t_min, t_max) = (
        times.iter().copied().fold(f64::INFINITY, f64::min),
        times.iter().copied().fold(0.0, f64::max),
    );
    let log = t_min > 0.0 && t_max / t_min > 20.0;
    let (s_lo, s_hi) = padded_range(&scores);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let draw = || -> Result<(), String> {
            root.fill(&WHITE).map_err(|e| e.to_string())?;
            let (plot_area, legend_area) = root.split_horizontally(width - legend_px);
            let x_desc = if log {
                format!("{} (log scale)", resource.axis())
            } else {
                resource.axis().to_owned()
            };
            let x_desc = x_desc.as_str();
            let y_desc = measure_description(analysis);
            if log {
                let range = (t_min / 1.6..t_max * 1.6).log_scale();
                scatter(&plot_area, range, (s_lo, s_hi), x_desc, &y_desc, &points)?;
            } else {
                let t_hi = if t_max > 0.0 { t_max * 1.08 } else { 1.0 };
                scatter(
                    &plot_area,
                    0.0..t_hi,
                    (s_lo, s_hi),
                    x_desc,
                    &y_desc,
                    &points,
                )?;
            }
            draw_legend(&legend_area, &legend)?;
            root.present().map_err(|e| e.to_string())
        };
        draw().map_err(|message| plot_error(&figure, message))?;
    }
    Ok(Some(Plot {
        svg,
        colours: distinct_hex(points.iter().map(|p| p.2)),
    }))
}

/// Demšar's critical-difference diagram: an axis of average ranks 1 to k (best on the left),
/// each flow on a leader line to its name (the better half on the left, the others on the
/// right), the critical difference as a bar above the axis, and thick bars joining the groups
/// of flows whose ranks differ by less than it.
pub fn cd_diagram(comparison: &Comparison, analysis: &Analysis) -> Result<Plot, ReportError> {
    let ranks = &comparison.friedman.average_ranks;
    let order = comparison.by_rank();
    let k = order.len();
    // The axis takes 70 px per rank (300 to 440 px); each side takes the rest of the width or
    // what its longest label needs, whichever is less, and longer labels are cut.
    let axis_px = (70 * k.saturating_sub(1) as u32).clamp(300, 440);
    let max_side = (WIDTH - axis_px) / 2;
    let max_chars = ((max_side - CD_TEXT_MARGIN) as f64 / CHAR_PX) as usize;
    let labels: Vec<String> = order
        .iter()
        .map(|&i| {
            let rank = format!(" ({:.2})", ranks[i]);
            let name = short(
                &comparison.flows[i],
                max_chars.saturating_sub(rank.len()).max(8),
            );
            format!("{name}{rank}")
        })
        .collect();
    let side =
        (label_width(labels.iter().map(String::as_str), usize::MAX) + CD_TEXT_MARGIN).min(max_side);
    let width = 2 * side + axis_px;
    let x = |rank: f64| -> i32 {
        let span = (k.max(2) - 1) as f64;
        side as i32 + ((rank - 1.0) / span * axis_px as f64).round() as i32
    };
    let groups: Vec<&Vec<usize>> = comparison.groups.iter().filter(|g| g.len() > 1).collect();
    let axis_y = 64;
    let first_row = axis_y + 22 + 10 * groups.len() as i32 + 12;
    let left_n = k.div_ceil(2);
    let row_px = 24;
    let height = (first_row + row_px * left_n as i32 + 8) as u32;
    let figure = "critical-difference diagram".to_owned();
    let mut svg = String::new();
    let colours: Vec<RGBColor> = order
        .iter()
        .map(|&i| flow_colour(analysis.flow_index(&comparison.flows[i])))
        .collect();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let draw = || -> Result<(), String> {
            let e = |e: DrawingAreaErrorKind<_>| e.to_string();
            root.fill(&WHITE).map_err(e)?;
            // The critical difference, from rank 1.
            let cd = comparison.critical_difference;
            let cd_end = x((1.0 + cd).min(k as f64));
            let cd_label = if 1.0 + cd > k as f64 {
                format!("CD = {cd:.2} (longer than the axis)")
            } else {
                format!("CD = {cd:.2}")
            };
            let black = TEXT.stroke_width(2);
            root.draw(&PathElement::new(vec![(x(1.0), 28), (cd_end, 28)], black))
                .map_err(e)?;
            for end in [x(1.0), cd_end] {
                root.draw(&PathElement::new(vec![(end, 22), (end, 34)], black))
                    .map_err(e)?;
            }
            root.draw(&Text::new(
                cd_label,
                ((x(1.0) + cd_end) / 2, 16),
                font(FONT, TEXT).pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))
            .map_err(e)?;
            // The axis of ranks.
            root.draw(&PathElement::new(
                vec![(x(1.0), axis_y), (x(k as f64), axis_y)],
                AXIS.stroke_width(2),
            ))
            .map_err(e)?;
            for step in 0..(2 * k.max(2) - 1) {
                let rank = 1.0 + step as f64 / 2.0;
                if rank > k.max(2) as f64 {
                    break;
                }
                let whole = step % 2 == 0;
                let tick = if whole { 8 } else { 4 };
                root.draw(&PathElement::new(
                    vec![(x(rank), axis_y - tick), (x(rank), axis_y)],
                    AXIS.stroke_width(1),
                ))
                .map_err(e)?;
                if whole {
                    root.draw(&Text::new(
                        format!("{}", 1 + step / 2),
                        (x(rank), axis_y - 11),
                        font(FONT, TEXT).pos(Pos::new(HPos::Center, VPos::Bottom)),
                    ))
                    .map_err(e)?;
                }
            }
            // Groups not significantly different.
            for (g, group) in groups.iter().enumerate() {
                let members: Vec<f64> = group.iter().map(|&i| ranks[i]).collect();
                let lo = members.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = members.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let y = axis_y + 20 + 10 * g as i32;
                root.draw(&Rectangle::new(
                    [(x(lo) - 5, y - 2), (x(hi) + 5, y + 2)],
                    TEXT.filled(),
                ))
                .map_err(e)?;
            }
            // Leader lines and names.
            for (place, (&i, label)) in order.iter().zip(&labels).enumerate() {
                let colour = colours[place];
                let rank_x = x(ranks[i]);
                let (row, left) = if place < left_n {
                    (place, true)
                } else {
                    (k - 1 - place, false)
                };
                let y = first_row + row_px * row as i32 + row_px / 2;
                let end_x = if left {
                    side as i32 - 20
                } else {
                    (side + axis_px) as i32 + 20
                };
                root.draw(&PathElement::new(
                    vec![(rank_x, axis_y), (rank_x, y), (end_x, y)],
                    colour.stroke_width(2),
                ))
                .map_err(e)?;
                root.draw(&Circle::new((rank_x, axis_y), 5, colour.filled()))
                    .map_err(e)?;
                let (text_x, h) = if left {
                    (end_x - 6, HPos::Right)
                } else {
                    (end_x + 6, HPos::Left)
                };
                root.draw(&Text::new(
                    label.clone(),
                    (text_x, y),
                    font(FONT, TEXT).pos(Pos::new(h, VPos::Center)),
                ))
                .map_err(e)?;
            }
            root.present().map_err(e)
        };
        draw().map_err(|message| plot_error(&figure, message))?;
    }
    Ok(Plot {
        svg,
        colours: distinct_hex(colours.into_iter()),
    })
}

/// A scatter plot of `points` (x, y, colour) on `area`.
fn scatter<X>(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    x_range: X,
    (y_lo, y_hi): (f64, f64),
    x_desc: &str,
    y_desc: &str,
    points: &[(f64, f64, RGBColor)],
) -> Result<(), String>
where
    X: plotters::coord::ranged1d::AsRangedCoord<Value = f64>,
    X::CoordDescType: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(area)
        .margin_top(16)
        .margin_right(16)
        .margin_left(8)
        .x_label_area_size(50)
        .y_label_area_size(72)
        .build_cartesian_2d(x_range, y_lo..y_hi)
        .map_err(|e| e.to_string())?;
    let y_format = |v: &f64| format_tick(*v, y_hi - y_lo);
    let x_format = |v: &f64| format_seconds(*v);
    chart
        .configure_mesh()
        .x_labels(8)
        .y_labels(8)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(font(FONT, TEXT))
        .axis_desc_style(font(FONT, TEXT))
        .axis_style(AXIS)
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(
            points
                .iter()
                .map(|&(t, v, colour)| Circle::new((t, v), 5, colour.filled())),
        )
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// A legend of flows on `area`: a dot in the flow's colour, then its label.
fn draw_legend(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    legend: &[(String, RGBColor)],
) -> Result<(), String> {
    for (i, (label, colour)) in legend.iter().enumerate() {
        let y = 28 + 24 * i as i32;
        area.draw(&Circle::new((14, y), 6, colour.filled()))
            .map_err(|e| e.to_string())?;
        area.draw(&Text::new(
            short(label, MAX_LEGEND_LABEL),
            (28, y),
            font(FONT, TEXT).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn font(size: f64, colour: RGBColor) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&colour)
}

/// The axis title of the measure: `predictive_accuracy (higher is better)`.
fn measure_description(analysis: &Analysis) -> String {
    let direction = if analysis.higher_is_better {
        "higher is better"
    } else {
        "lower is better"
    };
    format!("{} ({direction})", analysis.measure)
}

/// `label`, cut to `max` characters with `…`.
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let mut cut: String = label.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// The estimated width in pixels of the widest of `labels`, cut to `max` characters.
fn label_width<'a>(labels: impl Iterator<Item = &'a str>, max: usize) -> u32 {
    let chars = labels
        .map(|l| l.chars().count().min(max))
        .max()
        .unwrap_or(0);
    (chars as f64 * CHAR_PX).ceil() as u32
}

/// The range of `values` with 6% room on each side (a unit around a single value).
fn padded_range(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    if span <= f64::EPSILON * hi.abs().max(1.0) {
        let room = if lo == 0.0 { 0.5 } else { lo.abs() * 0.05 };
        return (lo - room, hi + room);
    }
    (lo - 0.06 * span, hi + 0.06 * span)
}

/// The `p` quantile of sorted `values`, interpolated linearly (Hyndman and Fan's type 7, as
/// numpy's default).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let (i, frac) = (h.floor() as usize, h - h.floor());
    match sorted.get(i + 1) {
        Some(next) => sorted[i] + frac * (next - sorted[i]),
        None => sorted[i],
    }
}

/// A tick label with the decimals that ticks about an eighth of `span` apart need.
fn format_tick(v: f64, span: f64) -> String {
    let decimals = if span > 0.0 {
        (-libm::log10(span / 8.0).floor()).clamp(0.0, 6.0) as usize
    } else {
        2
    };
    format!("{v:.decimals$}")
}

/// A time tick in seconds, without trailing zeros: `0.01`, `0.25`, `1`, `120`.
fn format_seconds(v: f64) -> String {
    let text = format!("{v:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// The colours of `colours` as hex, first occurrences in order.
fn distinct_hex(colours: impl Iterator<Item = RGBColor>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for colour in colours {
        let h = hex(colour);
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

fn plot_error(figure: &str, message: String) -> ReportError {
    ReportError::Plot {
        figure: figure.to_owned(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_as_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert_eq!(quantile(&v, 0.25), 1.75);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert_eq!(quantile(&[7.0], 0.75), 7.0);
    }

    #[test]
    fn labels_are_cut_with_an_ellipsis() {
        assert_eq!(short("tree max_depth=3", MAX_LABEL), "tree max_depth=3");
        let long = "x".repeat(60);
        assert_eq!(short(&long, MAX_LABEL).chars().count(), MAX_LABEL);
        assert!(short(&long, MAX_LABEL).ends_with('…'));
    }

    #[test]
    fn ticks_have_the_decimals_the_span_needs() {
        assert_eq!(format_tick(0.84, 0.09), "0.84");
        assert_eq!(format_tick(0.5, 1.0), "0.5");
        assert_eq!(format_tick(120.0, 100.0), "120");
        assert_eq!(format_seconds(0.01), "0.01");
        assert_eq!(format_seconds(2.5), "2.5");
        assert_eq!(format_seconds(1.0), "1");
        assert_eq!(format_seconds(0.0), "0");
        assert_eq!(hex(PALETTE[1]), "#e69f00");
    }
}
