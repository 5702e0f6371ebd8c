//! The views beside the tests table: flaky tests, failure reasons, and the comparison with a
//! baseline run.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use lra_core::{Diff, FailureGroup, Summary};
use wasm_bindgen_futures::JsFuture;

use crate::charts::HeatmapFigure;
use crate::engine;
use crate::state::{AppState, View, count, percent};
use crate::tests_table::TestsTable;

/// The view tabs and the view shown.
#[component]
pub fn Views() -> impl IntoView {
    let state = expect_context::<AppState>();
    let tabs = View::ALL
        .into_iter()
        .map(|(view, label)| {
            view! {
                <button
                    role="tab"
                    id=format!("tab-{}", view.key())
                    aria-selected=move || (state.view.get() == view).to_string()
                    class:active=move || state.view.get() == view
                    on:click=move |_| state.view.set(view)
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    view! {
        <nav class="tabs" role="tablist" aria-label="Views">{tabs}</nav>
        {move || match state.view.get() {
            View::Tests => view! { <TestsTable/> }.into_any(),
            View::Flaky => view! { <Flaky/> }.into_any(),
            View::Failures => view! { <Failures/> }.into_any(),
            View::Compare => view! { <Compare/> }.into_any(),
        }}
    }
}

/// At most this many rows in the flaky and failure views.
const ROWS: usize = 500;

/// Tests that both passed and failed, the most often flipping first.
#[component]
fn Flaky() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let s = state.summary.get()?;
        let flaky = s.flaky_tests();
        let total = flaky.len();
        let rows = flaky
            .into_iter()
            .take(ROWS)
            .map(|t| {
                view! {
                    <tr>
                        <td class="name">{t.name.to_string()}</td>
                        <td>{count(t.counts.passed)}</td>
                        <td>{count(t.counts.failed)}</td>
                        <td>{count(t.transitions)}</td>
                        <td>{format!("{:.2}", t.flip_rate())}</td>
                        <td>{percent(t.counts.pass_rate())}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <section class="flaky" aria-label="Flaky tests">
                <h2>{format!("Flaky tests ({total})")}</h2>
                <p class="note">
                    "Tests that both passed and failed, sorted by flip rate: pass/fail transitions in run order "
                    "(files in the order given, then line order) over the most there could be."
                </p>
                <HeatmapFigure/>
                <table id="flaky-table">
                    <thead>
                        <tr>
                            <th>"Test"</th><th>"Passed"</th><th>"Failed"</th><th>"Transitions"</th>
                            <th>"Flip rate"</th><th>"Pass rate"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        })
    }
}

/// Failed runs grouped by the reason given after the result word, largest group first.
#[component]
fn Failures() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let s = state.summary.get()?;
        let groups = s.failure_groups_by_size();
        let total = groups.len();
        let rows = groups
            .into_iter()
            .take(ROWS)
            .map(|g| {
                let reason = reason(&g).to_owned();
                let pattern = (g.detail != g.example).then(|| format!(" (as {})", g.detail));
                let tests = g.tests.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ");
                let at = format!("{}:{}", s.file_name(g.first), g.first.line);
                view! {
                    <tr>
                        <td class="name">{reason}<span class="note">{pattern}</span></td>
                        <td>{count(g.count)}</td>
                        <td class="name">{tests}</td>
                        <td class="at">{at}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <section class="failures" aria-label="Why tests fail">
                <h2>{format!("Why tests fail ({total} reasons)")}</h2>
                <p class="note">
                    "Failed runs grouped by the text after the result word, with numbers folded, so that "
                    <code>"got 4"</code>" and "<code>"got 7"</code>" count together."
                </p>
                <table id="failures-table">
                    <thead>
                        <tr><th>"Reason"</th><th>"Failed runs"</th><th>"Tests"</th><th>"First"</th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        })
    }
}

/// How a failure group's reason is shown: as first written, or a note when there was none.
pub(crate) fn reason(g: &FailureGroup) -> &str {
    if g.example.is_empty() { "(no reason given)" } else { &g.example }
}

/// The comparison with a baseline: a saved summary, or the files given so far.
#[component]
fn Compare() -> impl IntoView {
    let state = expect_context::<AppState>();
    let saved = NodeRef::<html::Input>::new();
    let load = move |_| {
        let Some(file) = saved.get().and_then(|i| i.files()).and_then(|l| l.get(0)) else { return };
        wasm_bindgen_futures::spawn_local(async move {
            let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()).unwrap_or_default();
            match Summary::from_json(&text) {
                Ok(s) => state.baseline.set(Some(Arc::new(s))),
                Err(e) => state.errors.update(|errs| errs.push(format!("{}: {e}", file.name()))),
            }
        });
    };
    let lists = move || {
        let (base, current) = (state.baseline.get()?, state.summary.get()?);
        let d = Diff::between(&base, &current);
        let list = |id: &'static str, title: &'static str, names: Vec<String>| {
            view! {
                <div class="diff-list" id=id>
                    <h3>{format!("{title} ({})", names.len())}</h3>
                    <ul>{names.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                </div>
            }
        };
        Some(view! {
            <div class="diff">
                {list("new-failures", "New failures", d.new_failures)}
                {list("fixed", "Fixed", d.fixed)}
                {list("still-failing", "Still failing", d.still_failing)}
                {list("new-tests", "New tests", d.new_tests)}
                {list("removed-tests", "Removed tests", d.removed_tests)}
            </div>
        })
    };
    view! {
        <section class="compare" aria-label="Compare with a baseline">
            <h2>"Compare with a baseline"</h2>
            <p class="note">
                "A test is failing on a side when it failed there, passing when it passed and never failed. "
                "The baseline is a summary saved with Export JSON (or "<code>"lra summarize --format json"</code>
                "), or the files given so far."
            </p>
            <div class="controls">
                <label>
                    "Saved summary as baseline: "
                    <input type="file" accept=".json,application/json" id="baseline-file" node_ref=saved on:change=load/>
                </label>
                <button
                    id="files-as-baseline"
                    disabled=move || state.progress.with(Option::is_some)
                    on:click=move |_| {
                        if let Some(s) = state.summary.get_untracked() {
                            state.baseline.set(Some(s));
                            engine::clear();
                            state.view.set(View::Compare);
                        }
                    }
                >
                    "Use the files given so far as the baseline, then start over"
                </button>
            </div>
            {move || match (state.baseline.get(), state.summary.get()) {
                (None, _) => Some(view! { <p>"No baseline yet."</p> }.into_any()),
                (Some(b), None) => Some(
                    view! { <p>{format!("Baseline: {} files, {} tests. Now give the run to compare.", b.files.len(), b.tests().len())}</p> }
                        .into_any(),
                ),
                (Some(_), Some(_)) => lists().map(|l| l.into_any()),
            }}
        </section>
    }
}
