//! The charts, drawn into a local ECharts (`echarts.min.js`, never a CDN) from the options the
//! engine worker builds, each with save-as-image and a table alternative for screen readers.
//! The tables show names and labels as [`as_shown`] makes them, as the options do.

use std::sync::Arc;

use leptos::prelude::*;
use lra_core::{as_shown, human_duration};
use lra_protocol::query::{ChartsQuery, HeatmapQuery};
use lra_protocol::{ChartSet, HeatmapSet};
use serde_json::value::RawValue;
use wasm_bindgen::prelude::*;

use crate::asked::asked_of_summary_then;
use crate::engine_handle::EngineHandle;
use crate::later::after_frames;
use crate::state::{count, percent};
use crate::viewer::OpenAt;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = dispose)]
    fn echarts_dispose(element: &web_sys::Element) -> Result<(), JsValue>;

    type EchartsInstance;
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    fn echarts_init(element: &web_sys::Element, theme: JsValue) -> Result<EchartsInstance, JsValue>;

    // web/charts.js
    #[wasm_bindgen(catch, js_namespace = lraCharts, js_name = warm)]
    fn warm_charts() -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = lraCharts, js_name = setWithRest)]
    fn set_with_rest(chart: &EchartsInstance, option: JsValue, rest: JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = lraCharts, js_name = set)]
    fn set_painted_later(chart: &EchartsInstance, option: JsValue) -> Result<(), JsValue>;
}

/// The charts of the summary, asked once and shared by the views that draw them.
#[derive(Clone, Copy)]
pub struct Charts(ReadSignal<Option<Arc<ChartSet>>>);

impl Charts {
    /// Asks for the charts whenever the summary changes; provided as context.
    pub fn provide() {
        let charts = asked_of_summary_then(|| ChartsQuery, |answer| answer.ok().flatten().map(Arc::from));
        provide_context(Charts(charts));
        if echarts_loaded() {
            let _ = warm_charts();
        }
    }
}

fn echarts_loaded() -> bool {
    js_sys::Reflect::has(&js_sys::global(), &"echarts".into()).unwrap_or(false)
}

/// The three charts of the summary.
#[component]
pub fn ChartsSection() -> impl IntoView {
    let Charts(charts) = expect_context::<Charts>();
    let available = echarts_loaded();
    // A sentence rather than an empty chart; a memo, so that the chart's element is made again
    // only when this changes.
    let no_iterations = Memo::new(move |_| charts.with(|c| c.as_ref().is_some_and(|c| c.iterations.is_none())));
    Effect::new(move |_| {
        no_iterations.track();
        let Some(c) = charts.get() else { return };
        if available {
            draw_later("chart-tests", 1, &c, |c| (&c.tests, None));
            if c.iterations.is_some() {
                draw_later("chart-iterations", 2, &c, |c| (c.iterations.as_deref().expect("checked above"), None));
            }
            draw_later("chart-classes", 3, &c, |c| (&c.classes, None));
        }
    });
    view! {
        <section class="charts" aria-label="Charts">
            {(!available).then(|| view! { <p class="note">"Charts are unavailable: echarts.min.js did not load."</p> })}
            <ChartFigure id="chart-tests" wide=true data=charts table=tests_table
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
                    <ChartFigure id="chart-iterations" wide=false data=charts table=iterations_table
                        label="Line chart of the pass rate per iteration; its data follows as a table"
                        caption="Pass rate per iteration, as a table"/>
                }
                .into_any(),
            }}
            <ChartFigure id="chart-classes" wide=false data=charts table=classes_table
                label="Donut chart of all runs by class; its data follows as a table"
                caption="Runs by class, as a table"/>
        </section>
    }
}

/// One chart: the element ECharts draws into, described for screen readers, and its data as a
/// table under a disclosure.
#[component]
fn ChartFigure<T: Send + Sync + 'static>(
    id: &'static str,
    wide: bool,
    label: &'static str,
    caption: &'static str,
    data: ReadSignal<Option<Arc<T>>>,
    table: fn(&T) -> AnyView,
) -> impl IntoView {
    // The table is made only once opened: a thousand rows nobody reads would cost the page.
    let open = RwSignal::new(false);
    view! {
        <figure>
            <div id=id class="chart" class:wide=wide role="img" aria-label=label></div>
            <figcaption>
                <details on:toggle=move |ev| {
                    open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())
                }>
                    <summary>{caption}</summary>
                    {move || open.get().then(|| data.get().map(|c| table(&c)))}
                </details>
            </figcaption>
        </figure>
    }
}

/// Failure ratio per test and iteration for the most failing tests, with zoom on both axes;
/// asked for only when shown.
#[component]
pub fn HeatmapFigure() -> impl IntoView {
    let heatmap = asked_of_summary_then(|| HeatmapQuery, |answer| answer.ok().flatten().map(Arc::<HeatmapSet>::from));
    let available = echarts_loaded();
    // Whether there is none, and why; until the answer comes, nothing is said.
    let why = Memo::new(move |_| heatmap.with(|h| h.as_ref().map(|h| h.why_none.clone())));
    Effect::new(move |_| {
        why.track();
        if let Some(h) = heatmap.get()
            && available
            && h.chart.is_some()
        {
            draw_later("chart-heatmap", 1, &h, |h| {
                let (option, rest) = h.chart.as_ref().expect("checked above");
                (option, Some(rest))
            });
        }
    });
    move || {
        match why.get() {
        None => None,
        Some(Some(why)) => Some(view! { <p class="note" id="heatmap-note">{why}</p> }.into_any()),
        Some(None) => Some(
            view! {
                <ChartFigure id="chart-heatmap" wide=true data=heatmap table=heatmap_table
                    label="Heatmap of the failure ratio per test and iteration, flaky tests first, then tests that always failed; its failing cells follow as a table"
                    caption="Failing cells per test, as a table"/>
            }
            .into_any(),
        ),
    }
    }
}

/// Draws a chart of `charts` in a task of its own `frames` frames after the engine is quiet, so
/// that drawing several is never one long task of the page, nor one slowed by a busy worker.
/// Each of a view's charts is given its own frame (`frames` 1, 2, 3…): drawn in one frame, the
/// three of the summary made a frame of 53–76 ms, each a task of its own but none drawn between.
fn draw_later<T: 'static>(
    id: &'static str,
    frames: u32,
    charts: &Arc<T>,
    pick: fn(&T) -> (&RawValue, Option<&RawValue>),
) {
    let charts = Arc::clone(charts);
    expect_context::<EngineHandle>().when_quiet(move || {
        // At least a frame later: ECharts' init lays the page out, and with parts of the page just
        // made and not laid out yet, their layout was the init's too (a task of up to 65 ms).
        after_frames(frames, move || {
            let (option, rest) = pick(&charts);
            draw(id, option, rest);
        });
    });
}

/// Draws `option` into the element `id`, with `rest` (the part charming cannot express), in one
/// task, called right after a frame: ECharts' init and its tooltip (in setOption) read the page's
/// layout, clean after a frame; anything the page made between them would be laid out in the
/// chart's task (seen as style recalculation inside it in a trace).
fn draw(id: &str, option: &RawValue, rest: Option<&RawValue>) {
    let Some(element) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) else {
        return;
    };
    // A fresh instance each time: setOption on an old one would merge in stale series.
    let _ = echarts_dispose(&element);
    let dark = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches());
    let theme = if dark { JsValue::from_str("dark") } else { JsValue::NULL };
    let Ok(chart) = echarts_init(&element, theme) else { return };
    let option = js_sys::JSON::parse(option.get());
    let rest = rest.map(|r| js_sys::JSON::parse(r.get()));
    match (option, rest) {
        (Ok(option), Some(Ok(rest))) => {
            let _ = set_with_rest(&chart, option, rest);
        }
        (Ok(option), _) => {
            let _ = set_painted_later(&chart, option);
        }
        _ => {}
    }
}

/// The time of each iteration's timed runs, drawn when an iteration has one.
#[component]
pub fn DurationsFigure() -> impl IntoView {
    let Charts(charts) = expect_context::<Charts>();
    let available = echarts_loaded();
    let drawn = Memo::new(move |_| charts.with(|c| c.as_ref().is_some_and(|c| c.durations.is_some())));
    Effect::new(move |_| {
        drawn.track();
        if let Some(c) = charts.get()
            && available
            && c.durations.is_some()
        {
            draw_later("chart-durations", 4, &c, |c| (c.durations.as_deref().expect("checked above"), None));
        }
    });
    move || {
        drawn.get().then(|| {
            view! {
                <ChartFigure id="chart-durations" wide=true data=charts table=durations_table
                    label="Bar chart of the time the timed runs of each iteration took, in seconds; its data follows as a table"
                    caption="Time per iteration, as a table"/>
            }
        })
    }
}

fn durations_table(c: &ChartSet) -> AnyView {
    let rows = c
        .duration_rows
        .iter()
        .map(|(label, runs, us)| {
            view! { <tr><td>{as_shown(label).into_owned()}</td><td>{count(*runs)}</td><td>{human_duration(*us)}</td></tr> }
        })
        .collect_view();
    let shown = c.duration_rows.len() as u64;
    view! {
        <table id="durations-table">
            <thead><tr><th>"Iteration"</th><th>"Timed runs"</th><th>"Their time"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {(c.iterations_total > shown).then(|| view! {
            <p class="note">{format!("The first {} of {} iterations; Export JSON has them all.", count(shown), count(c.iterations_total))}</p>
        })}
    }
    .into_any()
}

fn heatmap_table(h: &HeatmapSet) -> AnyView {
    let rows = h
        .rows
        .iter()
        .map(|row| {
            let first = row
                .first
                .clone()
                .map(|(label, place)| view! { <OpenAt place=Some(place) label=label test=row.test.clone()/> });
            view! {
                <tr>
                    <td class="name">{as_shown(&row.test).into_owned()}</td>
                    <td>{row.failing.clone()}</td>
                    <td class="name">{as_shown(&row.at).into_owned()}</td>
                    <td class="at">{first}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table id="heatmap-table">
            <thead>
                <tr><th>"Test"</th><th>"Failing columns"</th><th>"Where (failed/judged runs)"</th><th>"First failure"</th></tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn tests_table(c: &ChartSet) -> AnyView {
    let rows = c
        .test_rows
        .iter()
        .map(|(name, passed, failed)| view! { <tr><td>{as_shown(name).into_owned()}</td><td>{count(*passed)}</td><td>{count(*failed)}</td></tr> })
        .collect_view();
    view! {
        <table>
            <thead><tr><th>"Test"</th><th>"Passed"</th><th>"Failed"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn iterations_table(c: &ChartSet) -> AnyView {
    let rows = c
        .iteration_rows
        .iter()
        .map(|(label, runs, rate)| view! { <tr><td>{as_shown(label).into_owned()}</td><td>{count(*runs)}</td><td>{percent(*rate)}</td></tr> })
        .collect_view();
    let shown = c.iteration_rows.len() as u64;
    view! {
        <table>
            <thead><tr><th>"Iteration"</th><th>"Runs"</th><th>"Pass rate"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {(c.iterations_total > shown).then(|| view! {
            <p class="note">{format!("The first {} of {} iterations; Export CSV or JSON has them all.", count(shown), count(c.iterations_total))}</p>
        })}
    }
    .into_any()
}

fn classes_table(c: &ChartSet) -> AnyView {
    let rows = c
        .class_rows
        .iter()
        .map(|(name, runs)| view! { <tr><td>{name.clone()}</td><td>{count(*runs)}</td></tr> })
        .collect_view();
    view! {
        <table>
            <thead><tr><th>"Class"</th><th>"Runs"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
