//! The views beside the tests table: flaky tests, failure reasons, and the comparison with a
//! baseline run. Names and reasons are shown as [`as_shown`] makes them, and kept exact to ask by.

use leptos::html;
use leptos::prelude::*;
use lra_core::{as_shown, human_duration};
use lra_protocol::query::{CompareQuery, FailuresQuery, FlakyQuery, SlowestQuery, SuitesQuery};

use crate::asked::{asked, asked_of_summary};
use crate::batches::Input;
use crate::charts::{DurationsFigure, HeatmapFigure};
use crate::engine_handle::EngineHandle;
use crate::history_view::HistoryGrid;
use crate::later::Later;
use crate::state::{AppState, View, count, percent};
use crate::tests_table::TestsTable;
use crate::viewer::OpenAt;

/// The view tabs and the view shown.
#[component]
pub fn Views() -> impl IntoView {
    let state = expect_context::<AppState>();
    // History is a tab of a history only.
    let builds = move || state.overview.with(|o| o.as_ref().is_some_and(|o| o.builds > 0));
    let tabs = move || {
        View::ALL
            .into_iter()
            .filter(|&(view, _)| view != View::History || builds())
            .map(|(view, label)| {
                view! {
                    <button
                        role="tab"
                        id=format!("tab-{}", view.key())
                        aria-selected=move || (state.view.get() == view).to_string()
                        class:active=move || state.view.get() == view
                        on:click=move |_| {
                            state.view.set(view);
                            state.view_chosen.set(true);
                        }
                    >
                        {label}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <nav class="tabs" role="tablist" aria-label="Views">{tabs}</nav>
        // A view is made a frame after its tab is chosen: the view it replaces is let go in the
        // click's task, the new one made in a task of its own.
        {move || {
            let shown = state.view.get();
            view! {
                <Later frames=1>
                    {move || match shown {
                        View::Tests => view! { <TestsTable/> }.into_any(),
                        View::Suites => view! { <Suites/> }.into_any(),
                        View::Flaky => view! { <Flaky/> }.into_any(),
                        View::Slowest => view! { <Slowest/> }.into_any(),
                        View::Failures => view! { <Failures/> }.into_any(),
                        View::Compare => view! { <Compare/> }.into_any(),
                        View::History => view! { <HistoryGrid/> }.into_any(),
                    }}
                </Later>
            }
        }}
    }
}

/// The suites' tree, one level at a time: each suite's tests rolled up, the most failures first.
#[component]
fn Suites() -> impl IntoView {
    let state = expect_context::<AppState>();
    let level = asked_of_summary(move || SuitesQuery { path: state.suite.get() });
    let crumbs = move || {
        let path = state.suite.get();
        let up = (0..=path.len()).map(|depth| {
            let label = if depth == 0 { "All".to_owned() } else { as_shown(&path[depth - 1]).into_owned() };
            let at = path[..depth].to_vec();
            let here = depth == path.len();
            view! {
                <li>
                    <button aria-current=here.then_some("location") disabled=here on:click=move |_| state.suite.set(at.clone())>
                        {label}
                    </button>
                </li>
            }
        });
        view! { <nav aria-label="Suite path"><ol class="crumbs">{up.collect_view()}</ol></nav> }
    };
    let rows = move || {
        level.get().map(|l| {
            let path = l.path.clone();
            l.rows
                .into_iter()
                .map(|row| {
                    let c = row.counts;
                    let inside = row.tests > u64::from(row.test.is_some());
                    let mut child = path.clone();
                    child.push(row.name.clone());
                    let test = row.test.clone();
                    let part = as_shown(&row.name).into_owned();
                    let name = match (inside, test) {
                        (true, _) => view! {
                            <button class="link" on:click=move |_| state.suite.set(child.clone())>{part}</button>
                        }
                        .into_any(),
                        // A test: shown in the tests table.
                        (false, Some(test)) => view! {
                            <button class="link" on:click=move |_| state.show_test(&test)>{part}</button>
                        }
                        .into_any(),
                        (false, None) => part.into_any(),
                    };
                    let failing = c.failed > 0;
                    view! {
                        <tr class:failing=failing>
                            <td class="name">{name}</td>
                            <td>{count(row.tests)}</td>
                            <td>{count(c.runs())}</td>
                            <td>{count(c.passed)}</td>
                            <td>{count(c.failed)}</td>
                            <td>{count(c.skipped)}</td>
                            <td>{percent(c.pass_rate())}</td>
                            <td>{count(row.flaky)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="suites" aria-label="Suites">
            <h2>{move || level.with(|l| l.as_ref().map(|l| {
                format!("Suites ({} tests in {} parts here)", count(l.tests), count(l.total))
            }))}</h2>
            <p class="note">
                "Tests grouped by their names' parts ("<code>"/"</code>", "<code>"::"</code>", or the "
                "runner's own, such as GoogleTest's "<code>"Suite.Test"</code>"), each with the counts of every "
                "test inside it; the most failures first."
                {move || level.with(|l| l.as_ref().filter(|l| l.total > l.rows.len() as u64).map(|l| {
                    format!(" The first {} of {} are listed.", l.rows.len(), count(l.total))
                }))}
            </p>
            {crumbs}
            <table id="suites-table">
                <thead>
                    <tr>
                        <th>"Suite or test"</th><th>"Tests"</th><th>"Runs"</th><th>"Passed"</th><th>"Failed"</th>
                        <th>"Skipped"</th><th>"Pass rate"</th><th>"Flaky"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// Tests that both passed and failed, the most often flipping first.
#[component]
fn Flaky() -> impl IntoView {
    let flaky = asked_of_summary(|| FlakyQuery);
    move || {
        let flaky = flaky.get()?;
        let shown = flaky.rows.len();
        let rows = flaky
            .rows
            .into_iter()
            .map(|t| {
                view! {
                    <tr>
                        <td class="name">{as_shown(&t.name).into_owned()}</td>
                        <td>{count(t.counts.passed)}</td>
                        <td>{count(t.counts.failed)}</td>
                        <td>{count(t.transitions)}</td>
                        <td>{format!("{:.2}", t.flip_rate)}</td>
                        <td>{percent(t.counts.pass_rate())}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <section class="flaky" aria-label="Flaky tests">
                <h2>{format!("Flaky tests ({})", count(flaky.total))}</h2>
                <p class="note">
                    "Tests that both passed and failed, sorted by flip rate: pass/fail transitions in run order "
                    "(files in the order given, then line order) over the most there could be."
                    {(flaky.total > shown as u64).then(|| format!(" The first {} are listed.", count(shown as u64)))}
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

/// The tests whose runs had a duration, the longest p95 first, and the time per iteration.
#[component]
fn Slowest() -> impl IntoView {
    let state = expect_context::<AppState>();
    let slowest = asked_of_summary(|| SlowestQuery);
    move || {
        let slowest = slowest.get()?;
        let shown = slowest.rows.len();
        let rows = slowest
            .rows
            .into_iter()
            .filter_map(|t| {
                let d = t.timing?;
                let name = t.name.clone();
                let failing = t.counts.failed > 0;
                Some(view! {
                    <tr class:failing=failing>
                        <td class="name">
                            <button class="link" on:click=move |_| state.show_test(&name)>{as_shown(&t.name).into_owned()}</button>
                        </td>
                        <td>{human_duration(d.p95_us)}</td>
                        <td>{human_duration(d.p50_us)}</td>
                        <td>{human_duration(d.max_us)}</td>
                        <td>{human_duration(d.min_us)}</td>
                        <td>{human_duration(d.total_us)}</td>
                        <td>{count(d.runs)}</td>
                        <td>{count(t.counts.failed)}</td>
                    </tr>
                })
            })
            .collect_view();
        let none = (slowest.total == 0).then(|| {
            view! {
                <p id="slowest-none">
                    "No run has a duration: the runner states none (go test, GoogleTest, nextest and JUnit do), "
                    "no result says "<code>"(elapsed 12 ms)"</code>", and the runs' lines carry no timestamps."
                </p>
            }
        });
        Some(view! {
            <section class="slowest" aria-label="Slowest tests">
                <h2>{format!("Slowest tests ({})", count(slowest.total))}</h2>
                <p class="note">
                    "Tests whose runs had a duration, the longest 95th percentile first. A duration is the one the "
                    "runner states, else the time between the timestamps of the run's first and last lines; "
                    "percentiles are read from buckets a sixteenth wide, so they are at most 6% high."
                    {(slowest.total > shown as u64).then(|| format!(" The first {} are listed.", count(shown as u64)))}
                </p>
                {none}
                <DurationsFigure/>
                <table id="slowest-table">
                    <thead>
                        <tr>
                            <th>"Test"</th><th>"p95"</th><th>"p50"</th><th>"Max"</th><th>"Min"</th><th>"Total"</th>
                            <th>"Timed runs"</th><th>"Failed"</th>
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
    let failures = asked_of_summary(|| FailuresQuery);
    move || {
        let failures = failures.get()?;
        let rows = failures
            .rows
            .into_iter()
            .map(|g| {
                let pattern = (g.detail != g.example).then(|| format!(" (as {})", as_shown(&g.detail)));
                let reason = if g.example.is_empty() {
                    "(no reason given)".to_owned()
                } else {
                    as_shown(&g.example).into_owned()
                };
                view! {
                    <tr>
                        <td class="name">{reason}<span class="note">{pattern}</span></td>
                        <td>{count(g.count)}</td>
                        <td class="name">{g.tests.iter().map(|t| as_shown(t)).collect::<Vec<_>>().join(", ")}</td>
                        <td class="at"><OpenAt place=g.first_at label=g.first/></td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <section class="failures" aria-label="Why tests fail">
                <h2>{format!("Why tests fail ({} reasons)", count(failures.total))}</h2>
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

/// The comparison with a baseline: a saved summary, or the files given so far.
#[component]
fn Compare() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<EngineHandle>();
    let saved = NodeRef::<html::Input>::new();
    let load = move |_| {
        if let Some(file) = saved.get().and_then(|i| i.files()).and_then(|l| l.get(0)) {
            engine.baseline(Input::from_file(file, None));
        }
    };
    let comparison = asked(move || {
        state.revision.track();
        Some(CompareQuery)
    });
    let lists = move |lists: Vec<lra_protocol::DiffList>| {
        let lists = lists
            .into_iter()
            .map(|l| {
                let more = (l.total > l.names.len() as u64).then(
                    || view! { <p class="note">{format!("The first {} of {}.", l.names.len(), count(l.total))}</p> },
                );
                view! {
                    <div class="diff-list" id=l.id>
                        <h3>{format!("{} ({})", l.title, count(l.total))}</h3>
                        <ul>{l.names.iter().map(|n| view! { <li>{as_shown(n).into_owned()}</li> }).collect_view()}</ul>
                        {more}
                    </div>
                }
            })
            .collect_view();
        view! { <div class="diff">{lists}</div> }
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
                    disabled=move || engine.progress().with(Option::is_some) || state.overview.with(Option::is_none)
                    on:click=move |_| {
                        engine.summary_as_baseline();
                        state.view.set(View::Compare);
                    }
                >
                    "Use the files given so far as the baseline, then start over"
                </button>
            </div>
            {move || comparison.get().map(|c| match (c.baseline, c.lists) {
                (None, _) => view! { <p>"No baseline yet."</p> }.into_any(),
                (Some((files, tests)), None) => view! {
                    <p>{format!("Baseline: {} files, {} tests. Now give the run to compare.", count(files), count(tests))}</p>
                }
                .into_any(),
                (Some(_), Some(l)) => lists(l).into_any(),
            })}
        </section>
    }
}
