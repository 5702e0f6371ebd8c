//! The charts, drawn by charming into a local ECharts (`echarts.min.js`, never a CDN), each with
//! save-as-image and a table alternative for screen readers.

use charming::component::{
    Axis, DataZoom, DataZoomType, Feature, Grid, Legend, SaveAsImage, Title, Toolbox, VisualMap, VisualMapChannel,
};
use charming::element::{AxisLabel, AxisType, Color, ItemStyle, NameLocation, Orient, Tooltip, Trigger};
use charming::series::{Bar, Heatmap, Line, Pie};
use charming::theme::Theme;
use charming::{Chart, WasmRenderer};
use leptos::prelude::*;
use lra_core::{Cell, Summary, TestStats};
use wasm_bindgen::prelude::*;

use crate::state::{AppState, count, percent};

/// At most this many tests go into the bar chart: those with the most failures.
const BAR_TESTS: usize = 200;
/// Bars visible before zooming.
const BARS_VISIBLE: usize = 25;

/// At most this many tests are rows of the heatmap (see `Summary::failure_grid`).
pub(crate) const HEATMAP_TESTS: usize = 50;
/// At most this many cells are drawn; past it, consecutive iterations share a column.
const HEATMAP_CELLS: usize = 50_000;
/// Rows visible before zooming.
const ROWS_VISIBLE: usize = 20;
/// Longer test names are cut on the heatmap's axis (the tooltip has them whole).
const AXIS_NAME_CHARS: usize = 32;

const GREEN: &str = "#2e9e5b";
const RED: &str = "#d64545";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = dispose)]
    fn echarts_dispose(element: &web_sys::Element) -> Result<(), JsValue>;

    type EchartsInstance;
    #[wasm_bindgen(js_namespace = echarts, js_name = getInstanceByDom)]
    fn echarts_instance(element: &web_sys::Element) -> Option<EchartsInstance>;
    #[wasm_bindgen(method, js_name = setOption)]
    fn set_option(this: &EchartsInstance, option: JsValue);
}

/// The three charts.
#[component]
pub fn Charts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let available = js_sys::Reflect::has(&js_sys::global(), &"echarts".into()).unwrap_or(false);
    // A sentence rather than an empty chart; a memo, so that the chart's element is made again
    // only when this changes.
    let no_iterations =
        Memo::new(move |_| state.summary.with(|s| s.as_ref().is_some_and(|s| s.iterations().is_empty())));
    Effect::new(move |_| {
        let Some(s) = state.summary.get() else { return };
        if available {
            draw("chart-tests", &tests_chart(&s), None);
            draw("chart-iterations", &iterations_chart(&s), None);
            draw("chart-classes", &classes_chart(&s), None);
        }
    });
    view! {
        <section class="charts" aria-label="Charts">
            {(!available).then(|| view! { <p class="note">"Charts are unavailable: echarts.min.js did not load."</p> })}
            <ChartFigure id="chart-tests" wide=true table=tests_table
                label="Bar chart of passed and failed runs per test, most failures first; its data follows as a table"
                caption="Passed and failed per test, as a table"/>
            {move || match no_iterations.get() {
                true => view! {
                    <p class="note" id="iterations-note">
                        "The logs have no Iteration lines, so there is no pass rate per iteration to chart."
                    </p>
                }
                .into_any(),
                false => view! {
                    <ChartFigure id="chart-iterations" wide=false table=iterations_table
                        label="Line chart of the pass rate per iteration; its data follows as a table"
                        caption="Pass rate per iteration, as a table"/>
                }
                .into_any(),
            }}
            <ChartFigure id="chart-classes" wide=false table=classes_table
                label="Donut chart of all runs by class; its data follows as a table"
                caption="Runs by class, as a table"/>
        </section>
    }
}

/// One chart: the element ECharts draws into, described for screen readers, and its data as a
/// table under a disclosure.
#[component]
fn ChartFigure(
    id: &'static str,
    wide: bool,
    label: &'static str,
    caption: &'static str,
    table: fn(&Summary) -> AnyView,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <figure>
            <div id=id class="chart" class:wide=wide role="img" aria-label=label></div>
            <figcaption>
                <details>
                    <summary>{caption}</summary>
                    {move || state.summary.get().map(|s| table(&s))}
                </details>
            </figcaption>
        </figure>
    }
}

/// Failure ratio per test and iteration for the most failing tests, with zoom on both axes.
#[component]
pub fn HeatmapFigure() -> impl IntoView {
    let state = expect_context::<AppState>();
    let available = js_sys::Reflect::has(&js_sys::global(), &"echarts".into()).unwrap_or(false);
    Effect::new(move |_| {
        if let Some(s) = state.summary.get()
            && available
            && no_heatmap(&s).is_none()
        {
            let (chart, rest) = heatmap_chart(&s);
            draw("chart-heatmap", &chart, Some(&rest));
        }
    });
    let nothing_to_map = move || state.summary.with(|s| s.as_deref().and_then(no_heatmap));
    view! {
        {move || match nothing_to_map() {
            Some(why) => view! { <p class="note" id="heatmap-note">{why}</p> }.into_any(),
            None => view! {
                <ChartFigure id="chart-heatmap" wide=true table=heatmap_table
                    label="Heatmap of the failure ratio per test and iteration, flaky tests first, then tests that always failed; its failing cells follow as a table"
                    caption="Failing cells per test, as a table"/>
            }
            .into_any(),
        }}
    }
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

/// Draws `chart` into the element `id`, then sets `rest`, the part of the option charming cannot
/// express (see [`heatmap_chart`]).
fn draw(id: &str, chart: &Chart, rest: Option<&serde_json::Value>) {
    let Some(element) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) else {
        return;
    };
    // A fresh instance each time: setOption on an old one would merge in stale series.
    let _ = echarts_dispose(&element);
    let dark = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches());
    let renderer = WasmRenderer::new_opt(None, None);
    let renderer = if dark { renderer.theme(Theme::Dark) } else { renderer };
    let _ = renderer.render(id, chart);
    if let Some(rest) = rest
        && let (Some(instance), Ok(option)) = (echarts_instance(&element), js_sys::JSON::parse(&rest.to_string()))
    {
        instance.set_option(option);
    }
}

fn toolbox() -> Toolbox {
    Toolbox::new().feature(Feature::new().save_as_image(SaveAsImage::new()))
}

/// The tests with the most failures (then most missing), at most [`BAR_TESTS`].
fn most_failing(s: &Summary) -> Vec<&TestStats> {
    let mut tests = s.tests_failures_first();
    tests.truncate(BAR_TESTS);
    tests
}

pub(crate) fn tests_chart(s: &Summary) -> Chart {
    let tests = most_failing(s);
    let names: Vec<String> = tests.iter().map(|t| t.name.to_string()).collect();
    let end = if tests.len() <= BARS_VISIBLE { 100.0 } else { 100.0 * BARS_VISIBLE as f64 / tests.len() as f64 };
    Chart::new()
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

pub(crate) fn iterations_chart(s: &Summary) -> Chart {
    let its = s.iterations();
    Chart::new()
        .title(Title::new().text("Pass rate per iteration (%)"))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .toolbox(toolbox())
        .x_axis(Axis::new().type_(AxisType::Category).data(its.iter().map(|i| i.label.to_string()).collect()))
        .y_axis(Axis::new().type_(AxisType::Value).min(0).max(100))
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside))
        .series(
            Line::new()
                .name("pass rate")
                .item_style(ItemStyle::new().color(GREEN))
                .data(its.iter().map(|i| i.counts.pass_rate().map_or(f64::NAN, |r| r * 100.0)).collect()),
        )
}

/// The heatmap, and the rest of its option, to set after it: the cells as
/// `{value: [column, row, failure ratio], name}` objects (charming's heatmap series takes bare
/// arrays only, and the name is what the tooltip shows) and the colour scale's labels (charming's
/// VisualMap has no `text`).
pub(crate) fn heatmap_chart(s: &Summary) -> (Chart, serde_json::Value) {
    let grid = s.failure_grid(HEATMAP_TESTS, HEATMAP_CELLS);
    let columns: Vec<String> = (0..grid.columns.len()).map(|c| grid.column_label(s, c)).collect();
    let cells: Vec<serde_json::Value> = grid
        .cells
        .iter()
        .map(|&(row, column, cell)| {
            let judged = cell.judged();
            let name = format!(
                "{} · iteration {}: {} of {judged} runs failed",
                grid.tests[row as usize].name, columns[column as usize], cell.failed
            );
            let ratio = cell.failure_ratio().unwrap_or(0.0);
            serde_json::json!({ "value": [column, row, ratio], "name": name })
        })
        .collect();
    let rows: Vec<String> = grid.tests.iter().map(|t| cut(&t.name, AXIS_NAME_CHARS)).collect();
    let zoom_rows = if rows.len() <= ROWS_VISIBLE { 100.0 } else { 100.0 * ROWS_VISIBLE as f64 / rows.len() as f64 };
    let title = if grid.columns.iter().any(|c| c.len() > 1) {
        "Failure ratio per test and iteration (flaky tests first; iterations grouped to fit)"
    } else {
        "Failure ratio per test and iteration (flaky tests first)"
    };
    let chart = Chart::new()
        .title(Title::new().text(title))
        .tooltip(Tooltip::new().trigger(Trigger::Item).formatter("{b}"))
        .toolbox(toolbox())
        .grid(Grid::new().left(8).right(48).top(48).bottom(104).contain_label(true))
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .name("iteration")
                .name_location(NameLocation::Middle)
                .name_gap(26)
                .data(columns),
        )
        .y_axis(Axis::new().type_(AxisType::Category).inverse(true).axis_label(AxisLabel::new().interval(0)).data(rows))
        .visual_map(
            VisualMap::new()
                .min(0)
                .max(1)
                .calculable(true)
                .orient(Orient::Horizontal)
                .left("center")
                .bottom(0)
                .in_range(VisualMapChannel::new().color(vec![GREEN, "#e8c547", RED])),
        )
        .data_zoom(DataZoom::new().type_(DataZoomType::Slider).x_axis_index(0).bottom(44))
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside).x_axis_index(0))
        .data_zoom(DataZoom::new().type_(DataZoomType::Slider).y_axis_index(0).right(8).start(0.0).end(zoom_rows))
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside).y_axis_index(0).start(0.0).end(zoom_rows))
        .series(Heatmap::new().name("failure ratio"));
    // The ends of the colour scale, high first.
    let rest = serde_json::json!({
        "series": [{ "data": cells }],
        "visualMap": [{ "text": ["every run failed", "none failed"] }],
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

fn heatmap_table(s: &Summary) -> AnyView {
    let grid = s.failure_grid(HEATMAP_TESTS, HEATMAP_CELLS);
    let rows = grid
        .tests
        .iter()
        .enumerate()
        .map(|(row, t)| {
            let cells = grid.row(row);
            let failing: Vec<_> = cells.iter().filter(|c| c.2.failed > 0).collect();
            // Neighbouring columns that failed alike read as one range, so that a test failing in
            // each of 1,000 iterations is one entry.
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
                        format!("{} ({}/{judged})", grid.column_label(s, first as usize), cell.failed)
                    } else {
                        let (a, b) = (grid.column_label(s, first as usize), grid.column_label(s, last as usize));
                        format!("{a}…{b} ({}/{judged} each)", cell.failed)
                    }
                })
                .collect();
            view! {
                <tr>
                    <td class="name">{t.name.to_string()}</td>
                    <td>{format!("{} of {}", failing.len(), cells.len())}</td>
                    <td class="name">{runs.join(", ")}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table id="heatmap-table">
            <thead><tr><th>"Test"</th><th>"Failing columns"</th><th>"Where (failed/judged runs)"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
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
    Chart::new()
        .title(Title::new().text("Runs by class"))
        .tooltip(Tooltip::new().trigger(Trigger::Item))
        .legend(Legend::new().top("bottom"))
        .toolbox(toolbox())
        .color(shown.iter().map(|(_, _, color)| Color::from(*color)).collect())
        .series(Pie::new().name("runs").radius(vec!["40%", "70%"]).data(data))
}

fn tests_table(s: &Summary) -> AnyView {
    let rows = most_failing(s)
        .into_iter()
        .map(|t| view! { <tr><td>{t.name.to_string()}</td><td>{count(t.counts.passed)}</td><td>{count(t.counts.failed)}</td></tr> })
        .collect_view();
    view! {
        <table>
            <thead><tr><th>"Test"</th><th>"Passed"</th><th>"Failed"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn iterations_table(s: &Summary) -> AnyView {
    let rows = s
        .iterations()
        .iter()
        .map(|i| view! { <tr><td>{i.label.to_string()}</td><td>{count(i.counts.runs())}</td><td>{percent(i.counts.pass_rate())}</td></tr> })
        .collect_view();
    view! {
        <table>
            <thead><tr><th>"Iteration"</th><th>"Runs"</th><th>"Pass rate"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn classes_table(s: &Summary) -> AnyView {
    let rows = classes(s)
        .into_iter()
        .map(|(name, count, _)| view! { <tr><td>{name}</td><td>{count}</td></tr> })
        .collect_view();
    view! {
        <table>
            <thead><tr><th>"Class"</th><th>"Runs"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
