//! The charts, drawn by charming into a local ECharts (`echarts.min.js`, never a CDN), each with
//! save-as-image and a table alternative for screen readers.

use charming::component::{Axis, DataZoom, DataZoomType, Feature, Legend, SaveAsImage, Title, Toolbox};
use charming::element::{AxisType, Color, ItemStyle, Tooltip, Trigger};
use charming::series::{Bar, Line, Pie};
use charming::theme::Theme;
use charming::{Chart, WasmRenderer};
use leptos::prelude::*;
use lra_core::{Summary, TestStats};
use wasm_bindgen::prelude::*;

use crate::state::{AppState, percent};

/// At most this many tests go into the bar chart: those with the most failures.
const BAR_TESTS: usize = 200;
/// Bars visible before zooming.
const BARS_VISIBLE: usize = 25;

const GREEN: &str = "#2e9e5b";
const RED: &str = "#d64545";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = dispose)]
    fn echarts_dispose(element: &web_sys::Element) -> Result<(), JsValue>;
}

/// The three charts.
#[component]
pub fn Charts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let available = js_sys::Reflect::has(&js_sys::global(), &"echarts".into()).unwrap_or(false);
    Effect::new(move |_| {
        let Some(s) = state.summary.get() else { return };
        if available {
            draw("chart-tests", &tests_chart(&s));
            draw("chart-iterations", &iterations_chart(&s));
            draw("chart-classes", &classes_chart(&s));
        }
    });
    view! {
        <section class="charts" aria-label="Charts">
            {(!available).then(|| view! { <p class="note">"Charts are unavailable: echarts.min.js did not load."</p> })}
            <ChartFigure id="chart-tests" wide=true table=tests_table
                label="Bar chart of passed and failed runs per test, most failures first; its data follows as a table"
                caption="Passed and failed per test, as a table"/>
            <ChartFigure id="chart-iterations" wide=false table=iterations_table
                label="Line chart of the pass rate per iteration; its data follows as a table"
                caption="Pass rate per iteration, as a table"/>
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

fn draw(id: &str, chart: &Chart) {
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
        .map(|t| view! { <tr><td>{t.name.to_string()}</td><td>{t.counts.passed}</td><td>{t.counts.failed}</td></tr> })
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
        .map(|i| view! { <tr><td>{i.label.to_string()}</td><td>{i.counts.runs()}</td><td>{percent(i.counts.pass_rate())}</td></tr> })
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
