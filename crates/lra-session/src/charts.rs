//! The charts' ECharts options, built by charming, and their data as tables for screen readers.
//! The page draws them into a local ECharts; the report inlines them. Test names and iteration
//! labels go into the options as they are shown ([`lra_core::as_shown`]): ECharts draws them on its
//! canvas and in its tooltips, where a control would act and a megabyte would freeze the page.

use charming::Chart;
use charming::component::{
    Axis, DataZoom, DataZoomType, Feature, Grid, Legend, SaveAsImage, Title, Toolbox, VisualMap, VisualMapChannel,
};
use charming::element::{AxisLabel, AxisType, Color, ItemStyle, NameLocation, Orient, Tooltip, Trigger};
use charming::series::{Bar, Heatmap, Line, Pie};
use lra_core::{Cell, FailureGrid, GridAxis, Summary, TestStats, as_shown};
use lra_protocol::{ChartSet, HeatmapRow, HeatmapSet};

use crate::rows;
use serde_json::value::RawValue;

/// At most this many tests go into the bar chart: those with the most failures.
const BAR_TESTS: usize = 60;
/// Bars visible before zooming.
const BARS_VISIBLE: usize = 25;

/// At most this many tests are rows of the heatmap (see `Summary::failure_grid`).
const HEATMAP_TESTS: usize = 50;
/// At most this many cells are drawn; past it, consecutive iterations share a column.
const HEATMAP_CELLS: usize = 50_000;
/// At most this many rows in a chart's table: more would freeze the page as it opens.
const TABLE_ROWS: usize = 200;
/// Cells in view before zooming, at most.
const VISIBLE_CELLS: usize = 8_000;
/// Rows visible before zooming.
const ROWS_VISIBLE: usize = 20;
/// Longer test names are cut on the heatmap's axis (the tooltip has them as shown, up to 2 KiB).
const AXIS_NAME_CHARS: usize = 32;

const GREEN: &str = "#2e9e5b";
const RED: &str = "#d64545";

/// A chart drawn whole, without ECharts' entry animation: the animation made the drawing task of
/// the bar chart of 60 tests 25–40 ms instead of 20–25 (a frozen page is 50), then cost a task
/// every frame for a second, for no figure the user reads.
fn drawn_at_once() -> Chart {
    Chart::new().animation(false)
}

fn toolbox() -> Toolbox {
    Toolbox::new().feature(Feature::new().save_as_image(SaveAsImage::new()))
}

/// The tests with the most failures (then most missing), at most [`BAR_TESTS`]: the bar chart's
/// and its table's.
pub(crate) fn most_failing(s: &Summary) -> Vec<&TestStats> {
    let mut tests = s.tests_failures_first();
    tests.truncate(BAR_TESTS);
    tests
}

/// The bar chart of `tests`, those of [`most_failing`].
pub(crate) fn tests_chart(tests: &[&TestStats]) -> Chart {
    let names: Vec<String> = tests.iter().map(|t| as_shown(&t.name).into_owned()).collect();
    let end = if tests.len() <= BARS_VISIBLE { 100.0 } else { 100.0 * BARS_VISIBLE as f64 / tests.len() as f64 };
    drawn_at_once()
        .title(Title::new().text("Passed and failed per test (most failures first)"))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(Legend::new().top("bottom"))
        .toolbox(toolbox())
        .x_axis(Axis::new().type_(AxisType::Category).data(names))
        .y_axis(Axis::new().type_(AxisType::Value))
        .data_zoom(DataZoom::new().type_(DataZoomType::Slider).start(0.0).end(end))
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside))
        .series(
            Bar::new()
                .name("passed")
                .item_style(ItemStyle::new().color(GREEN))
                .data(tests.iter().map(|t| t.counts.passed as f64).collect()),
        )
        .series(
            Bar::new()
                .name("failed")
                .item_style(ItemStyle::new().color(RED))
                .data(tests.iter().map(|t| t.counts.failed as f64).collect()),
        )
}

/// The most iterations whose points the line marks: past it the marks touch one another and say
/// nothing the line does not, and the chart's one drawing task is longer (1,000 points: 11–22 ms
/// with them, 11–15 without, ECharts' first drawing of the chart on 6 pages each).
const SYMBOLS_UP_TO: usize = 100;

pub(crate) fn iterations_chart(s: &Summary) -> Chart {
    let its = s.iterations();
    drawn_at_once()
        .title(Title::new().text("Pass rate per iteration (%)"))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .toolbox(toolbox())
        .x_axis(
            Axis::new().type_(AxisType::Category).data(its.iter().map(|i| as_shown(&i.label).into_owned()).collect()),
        )
        .y_axis(Axis::new().type_(AxisType::Value).min(0).max(100))
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside))
        .series(
            Line::new()
                .name("pass rate")
                .show_symbol(its.len() <= SYMBOLS_UP_TO)
                .item_style(ItemStyle::new().color(GREEN))
                .data(its.iter().map(|i| i.counts.pass_rate().map_or(f64::NAN, |r| r * 100.0)).collect()),
        )
}

/// The time each iteration's timed runs took, in seconds: a bar per iteration.
pub(crate) fn durations_chart(s: &Summary) -> Chart {
    let its = s.iterations();
    drawn_at_once()
        .title(Title::new().text("Time of the timed runs per iteration (s)"))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .toolbox(toolbox())
        .x_axis(
            Axis::new().type_(AxisType::Category).data(its.iter().map(|i| as_shown(&i.label).into_owned()).collect()),
        )
        .y_axis(Axis::new().type_(AxisType::Value))
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside))
        .series(
            Bar::new()
                .name("seconds")
                .item_style(ItemStyle::new().color("#3b6fd6"))
                .data(its.iter().map(|i| i.timed.total as f64 / 1e6).collect()),
        )
}

/// The heatmap, and the rest of its option, to set after it: the cells as
/// `[column, row, failure ratio, failed, judged]` (charming's heatmap series takes three values),
/// the colour scale's labels (charming's VisualMap has no `text`), and `heatmapNames`, the test
/// names, column labels (as shown, not cut to the axis) and what a column is that the page's
/// tooltip (`web/charts.js`, which escapes them: its formatter writes HTML) names cells by. A
/// history's grid also marks each row's change point, a second series of `[column, row]`.
pub(crate) fn heatmap_chart(grid: &FailureGrid) -> (Chart, serde_json::Value) {
    let columns: Vec<String> = (0..grid.columns.len()).map(|c| as_shown(grid.column_label(c)).into_owned()).collect();
    let cells: Vec<serde_json::Value> = grid
        .cells
        .iter()
        .map(|&(row, column, cell)| {
            let ratio = cell.failure_ratio().unwrap_or(0.0);
            serde_json::json!([column, row, ratio, cell.failed, cell.judged()])
        })
        .collect();
    let names: Vec<String> = grid.tests.iter().map(|t| as_shown(&t.name).into_owned()).collect();
    let rows: Vec<String> = names.iter().map(|name| cut(name, AXIS_NAME_CHARS)).collect();
    let zoom_rows = if rows.len() <= ROWS_VISIBLE { 100.0 } else { 100.0 * ROWS_VISIBLE as f64 / rows.len() as f64 };
    // At first, the iterations that fit VISIBLE_CELLS with the rows shown: ECharts draws each
    // cell in view, and tens of thousands at once freeze the page for a tenth of a second.
    let in_view = rows.len().min(ROWS_VISIBLE) * columns.len();
    let zoom_columns = if in_view <= VISIBLE_CELLS { 100.0 } else { 100.0 * VISIBLE_CELLS as f64 / in_view as f64 };
    let grouped = grid.columns.iter().any(|c| c.len() > 1);
    let title = match (grid.axis, grouped) {
        (GridAxis::Iterations, true) => {
            "Failure ratio per test and iteration (flaky tests first; iterations grouped to fit)"
        }
        (GridAxis::Iterations, false) => "Failure ratio per test and iteration (flaky tests first)",
        (GridAxis::Builds, true) => {
            "Failure ratio per test and build (newly broken first, ▲ change point; builds grouped to fit)"
        }
        (GridAxis::Builds, false) => "Failure ratio per test and build (newly broken first, ▲ change point)",
    };
    let chart = drawn_at_once()
        .title(Title::new().text(title))
        .tooltip(Tooltip::new().trigger(Trigger::Item))
        .toolbox(toolbox())
        .grid(Grid::new().left(8).right(48).top(48).bottom(104).contain_label(true))
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .name(grid.axis.noun())
                .name_location(NameLocation::Middle)
                .name_gap(26)
                .data(columns.clone()),
        )
        .y_axis(Axis::new().type_(AxisType::Category).inverse(true).axis_label(AxisLabel::new().interval(0)).data(rows))
        .visual_map(
            // Coloured by the failure ratio, the cells' third value: by default ECharts takes
            // the last (the judged runs), which painted every cell of one run red.
            VisualMap::new()
                .dimension(2)
                .min(0)
                .max(1)
                .calculable(true)
                .orient(Orient::Horizontal)
                .left("center")
                .bottom(0)
                .in_range(VisualMapChannel::new().color(vec![GREEN, "#e8c547", RED])),
        )
        .data_zoom(DataZoom::new().type_(DataZoomType::Slider).x_axis_index(0).bottom(44).start(0.0).end(zoom_columns))
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside).x_axis_index(0).start(0.0).end(zoom_columns))
        .data_zoom(DataZoom::new().type_(DataZoomType::Slider).y_axis_index(0).right(8).start(0.0).end(zoom_rows))
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside).y_axis_index(0).start(0.0).end(zoom_rows))
        .series(Heatmap::new().name("failure ratio"));
    // The ends of the colour scale, high first.
    let mut series = vec![serde_json::json!({ "data": cells })];
    if !grid.marks.is_empty() {
        // Drawn over the cells; the colour scale is the heatmap's alone (`seriesIndex`).
        let marks: Vec<[u32; 2]> = grid.marks.iter().map(|&(row, column)| [column, row]).collect();
        series.push(serde_json::json!({
            "type": "scatter", "name": "change point", "symbol": "triangle", "symbolSize": 11,
            "itemStyle": { "color": "#1d2330", "borderColor": "#ffffff", "borderWidth": 1 },
            "tooltip": { "show": false }, "data": marks,
        }));
    }
    let rest = serde_json::json!({
        "series": series,
        "visualMap": [{ "text": ["every run failed", "none failed"], "seriesIndex": 0 }],
        "heatmapNames": { "tests": names, "columns": columns, "axis": grid.axis.noun() },
    });
    (chart, rest)
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Each heatmap row's test, how many of its columns failed, and where, neighbouring columns
/// that failed alike read as one range, so that a test failing in each of 1,000 iterations is
/// one entry.
fn heatmap_rows(s: &Summary, grid: &FailureGrid) -> Vec<HeatmapRow> {
    grid.tests
        .iter()
        .enumerate()
        .map(|(row, t)| {
            let cells = grid.row(row);
            let failing: Vec<_> = cells.iter().filter(|c| c.2.failed > 0).collect();
            let mut runs: Vec<(u32, u32, Cell)> = Vec::new();
            for &&(_, column, cell) in &failing {
                match runs.last_mut() {
                    Some((_, last, c)) if *last + 1 == column && *c == cell => *last = column,
                    _ => runs.push((column, column, cell)),
                }
            }
            let runs: Vec<String> = runs
                .into_iter()
                .map(|(first, last, cell)| {
                    let judged = cell.judged();
                    if first == last {
                        format!("{} ({}/{judged})", grid.column_label(first as usize), cell.failed)
                    } else {
                        let (a, b) = (grid.column_label(first as usize), grid.column_label(last as usize));
                        format!("{a}…{b} ({}/{judged} each)", cell.failed)
                    }
                })
                .collect();
            let first = t.first_failure().map(|l| (rows::at(s, l), rows::place(l)));
            HeatmapRow {
                test: t.name.to_string(),
                failing: format!("{} of {}", failing.len(), cells.len()),
                at: runs.join(", "),
                first,
            }
        })
        .collect()
}

fn classes(s: &Summary) -> [(&'static str, u64, &'static str); 5] {
    let t = s.totals();
    [
        ("passed", t.passed, GREEN),
        ("failed", t.failed, RED),
        ("skipped", t.skipped, "#8a8f98"),
        ("other", t.other, "#c48a1b"),
        ("missing", t.missing, "#7a5cc4"),
    ]
}

pub(crate) fn classes_chart(s: &Summary) -> Chart {
    // Empty classes would only crowd the labels.
    let shown: Vec<_> = classes(s).into_iter().filter(|(_, count, _)| *count > 0).collect();
    let data: Vec<(f64, &str)> = shown.iter().map(|(n, c, _)| (*c as f64, *n)).collect();
    drawn_at_once()
        .title(Title::new().text("Runs by class"))
        .tooltip(Tooltip::new().trigger(Trigger::Item))
        .legend(Legend::new().top("bottom"))
        .toolbox(toolbox())
        .color(shown.iter().map(|(_, _, color)| Color::from(*color)).collect())
        .series(Pie::new().name("runs").radius(vec!["40%", "70%"]).data(data))
}

/// Why there is no heatmap to draw, said instead of an empty chart.
pub(crate) fn no_heatmap(s: &Summary) -> Option<&'static str> {
    if !s.tests().iter().any(|t| t.counts.failed > 0) {
        Some("No test failed, so there is no heatmap of failures.")
    } else if s.iterations().is_empty() {
        Some("The logs have no Iteration lines, so runs cannot be placed in iterations for a heatmap.")
    } else if !s.tests().iter().any(|t| t.by_iteration.spans().iter().any(|c| c.cell.failed > 0)) {
        Some(
            "No test failed inside an iteration (or the summary was saved without per-iteration cells), so there is no heatmap.",
        )
    } else {
        None
    }
}

fn raw(value: &impl serde::Serialize) -> Box<RawValue> {
    serde_json::value::to_raw_value(value).expect("a chart's option serializes")
}

/// `chart`'s option with its sliders' data shadow off (charming cannot say it): drawing the
/// shadow costs more than the bars themselves, in the page's one task.
fn without_data_shadow(chart: &Chart) -> serde_json::Value {
    let mut option = serde_json::to_value(chart).expect("a chart's option serializes");
    if let Some(zooms) = option.get_mut("dataZoom").and_then(|z| z.as_array_mut()) {
        for zoom in zooms.iter_mut().filter(|z| z["type"] == "slider") {
            zoom["showDataShadow"] = false.into();
        }
    }
    option
}

/// Every chart of the summary, and their tables.
pub(crate) fn chart_set(s: &Summary) -> ChartSet {
    // Sorting every test by failures is the costly part: once, for the chart and its table.
    let tests = most_failing(s);
    ChartSet {
        tests: raw(&without_data_shadow(&tests_chart(&tests))),
        iterations: (!s.iterations().is_empty()).then(|| raw(&iterations_chart(s))),
        classes: raw(&classes_chart(s)),
        test_rows: tests.iter().map(|t| (t.name.to_string(), t.counts.passed, t.counts.failed)).collect(),
        iteration_rows: s
            .iterations()
            .iter()
            .take(TABLE_ROWS)
            .map(|i| (i.label.to_string(), i.counts.runs(), i.counts.pass_rate()))
            .collect(),
        iterations_total: s.iterations().len() as u64,
        class_rows: classes(s).iter().map(|(name, count, _)| (name.to_string(), *count)).collect(),
        durations: s.iterations().iter().any(|i| i.timed.runs > 0).then(|| raw(&durations_chart(s))),
        duration_rows: s
            .iterations()
            .iter()
            .take(TABLE_ROWS)
            .map(|i| (i.label.to_string(), i.timed.runs, i.timed.total))
            .collect(),
    }
}

/// The grid the heatmap draws (see [`Summary::failure_grid`]).
pub(crate) fn heatmap_grid(s: &Summary) -> FailureGrid<'_> {
    s.failure_grid(HEATMAP_TESTS, HEATMAP_CELLS)
}

/// The heatmap of the summary, and its table, from one grid.
pub(crate) fn heatmap_set(s: &Summary) -> HeatmapSet {
    match no_heatmap(s) {
        Some(why) => HeatmapSet { chart: None, why_none: Some(why.to_owned()), rows: Vec::new() },
        None => {
            let grid = heatmap_grid(s);
            let (chart, rest) = heatmap_chart(&grid);
            HeatmapSet { chart: Some((raw(&chart), raw(&rest))), why_none: None, rows: heatmap_rows(s, &grid) }
        }
    }
}
