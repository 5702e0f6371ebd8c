//! The tests table: one row per test, failures first by default, sortable by any column, with a
//! filter box. The engine worker filters, sorts and cuts the page; only its rows come to the page,
//! so a million tests stay smooth. Names, words and reasons are whatever the logs said: they are
//! shown as [`as_shown`] makes them (controls visible, cut past 2 KiB), and kept exact to ask by.

use leptos::prelude::*;
use lra_core::{Counts, as_shown, human_duration};
use lra_protocol::query::{LinesAnswer, NoAnswer, TestQuery};
use lra_protocol::{Column, LinesQuery, Place, StripCell, TestRow, TestsQuery, ViewerLines, failure_rate};

use crate::asked::{asked_of_summary, asked_then};
use crate::state::{AppState, count, percent};
use crate::viewer::{OpenAt, log_line};

/// A test's runs per iteration as a strip of cells: passed only, failed only, both, or not run.
fn strip_view(strip: &[StripCell]) -> impl IntoView + use<> {
    let cells = strip
        .iter()
        .map(|c| {
            let class = match (c.passed > 0, c.failed > 0) {
                (true, false) => "cell passed",
                (false, true) => "cell failed",
                (true, true) => "cell both",
                (false, false) => "cell none",
            };
            let title =
                format!("iteration {}: {} passed, {} failed", as_shown(&c.label), count(c.passed), count(c.failed));
            view! { <span class=class role="listitem" title=title.clone() aria-label=title></span> }
        })
        .collect_view();
    (!strip.is_empty()).then(|| {
        view! {
            <div class="strip-box">
                <p class="note">"Its runs per iteration (green passed, red failed, amber both, grey not run):"</p>
                <div class="strip" id="test-strip" role="list" aria-label="Runs per iteration">{cells}</div>
            </div>
        }
    })
}

/// A selected test's durations, if its runs had any.
fn timing_view(row: &TestRow) -> impl IntoView + use<> {
    row.timing.map(|d| {
        view! {
            <p class="note" id="test-timing">
                {format!(
                    "Durations of its {} timed runs: p50 {}, p95 {}, min {}, max {}, {} in all.",
                    count(d.runs),
                    human_duration(d.p50_us),
                    human_duration(d.p95_us),
                    human_duration(d.min_us),
                    human_duration(d.max_us),
                    human_duration(d.total_us),
                )}
            </p>
        }
    })
}

/// The reasons a selected test failed for.
fn reasons_view(reasons: &[String]) -> impl IntoView + use<> {
    let items = reasons
        .iter()
        .map(|r| {
            let r = if r.is_empty() { "(no reason given)".to_owned() } else { as_shown(r).into_owned() };
            view! { <li>{r}</li> }
        })
        .collect_view();
    (!reasons.is_empty()).then(|| {
        view! {
            <div class="reasons" id="test-reasons">
                <p class="note">"It failed for these reasons (the largest group first):"</p>
                <ul>{items}</ul>
            </div>
        }
    })
}

/// The lines of a test's first failed run, from its opening line to its result, or why they
/// cannot be shown.
fn first_run_lines(answer: Result<ViewerLines, String>) -> impl IntoView {
    match answer {
        Err(why) => {
            view! { <p class="note" id="first-run">{format!("Its first failed run's lines: {why}")}</p> }.into_any()
        }
        Ok(v) => {
            let Some(run) = v.runs.first().cloned() else { return ().into_any() };
            let lines = v
                .window
                .lines
                .iter()
                .enumerate()
                .take_while(|(_, l)| l.offset <= run.closed)
                .map(|(k, l)| log_line(v.window.first_line + k as u64, l, true, false))
                .collect_view();
            let more = v.window.lines.last().is_some_and(|l| l.offset < run.closed);
            view! {
                <div class="first-run" id="first-run">
                    <p class="note">{format!("Its first failed run, in {}:", as_shown(&v.name))}</p>
                    <ol class="log-lines">{lines}</ol>
                    {more.then(|| view! { <p class="note">"… (open it for the rest)"</p> })}
                </div>
            }
            .into_any()
        }
    }
}

/// The box that filters tests by name (`AppState::filter`), shared by the tests table and the
/// History view; `id`: the box's id.
#[component]
pub fn FilterBox(id: &'static str) -> impl IntoView {
    let filter = expect_context::<AppState>().filter;
    view! {
        <input
            type="search"
            id=id
            placeholder="Filter by name"
            aria-label="Filter tests by name"
            prop:value=move || filter.get()
            on:input=move |ev| filter.set(event_target_value(&ev))
        />
    }
}

/// Rows per page of a table (the tests', the files'): what the page's main thread lays out and
/// paints well inside a frame budget on a slow machine (100 rows took up to 60 ms there: a frozen
/// page).
pub const PAGE: u32 = 50;

/// A selected test shows at most this many lines of its first failed run, after its first.
const FIRST_RUN_LINES: u32 = 15;

/// The sortable, filterable, paged table of tests.
#[component]
pub fn TestsTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (sort, filter, selected) = (state.sort, state.filter, state.selected);
    // A history's table also says since which build each test fails.
    let history = move || state.overview.with(|o| o.as_ref().is_some_and(|o| o.builds > 0));
    let page = RwSignal::new(0u32);
    // Back to the first page when the rows change.
    Effect::new(move |previous: Option<(String, (Column, bool))>| {
        let now = (filter.get(), sort.get());
        if previous.is_some_and(|p| p != now) {
            page.set(0);
        }
        now
    });
    // The worker filters, sorts and pages; only the rows shown come here.
    let shown = asked_of_summary(move || {
        let (sort, descending) = sort.get();
        TestsQuery { filter: filter.get(), sort, descending, page: page.get(), page_size: PAGE }
    });
    let pages = move || shown.with(|t| t.as_ref().map_or(1, |t| t.pages));
    let at_page = move || shown.with(|t| t.as_ref().map_or(0, |t| t.page));
    let at_last = move || at_page() + 1 >= pages();
    let detail = asked_then(
        move || {
            state.revision.track();
            selected.get().map(|name| TestQuery { name })
        },
        |answer| answer.ok().flatten(),
    );
    // The selected test's first failed run, its own lines read from the log.
    let first_run = asked_then(
        move || {
            detail.with(|d| {
                let d = d.as_ref()?;
                let run = d.runs.first()?;
                let at = Place { file: run.file, line: None, offset: Some(run.opened) };
                Some(LinesQuery { at, before: 0, after: FIRST_RUN_LINES, test: Some(d.row.name.clone()) })
            })
        },
        // Shown once the lines come, or why they cannot.
        |answer| match answer {
            Ok(LinesAnswer::Lines(v)) => Some(Ok(*v)),
            Err(NoAnswer::Failed(message)) => Some(Err(message)),
            Ok(LinesAnswer::Decoding { .. }) | Err(NoAnswer::Unexpected(_)) => None,
        },
    );
    let header = move |(column, label): (Column, &'static str)| {
        let aria = move || match sort.get() {
            (c, true) if c == column => "descending",
            (c, false) if c == column => "ascending",
            _ => "none",
        };
        view! {
            <th aria-sort=aria>
                <button on:click=move |_| {
                    sort.update(|(c, d)| {
                        if *c == column {
                            *d = !*d;
                        } else {
                            *c = column;
                            *d = column.descending_first();
                        }
                    })
                }>
                    {label}
                    {move || match sort.get() {
                        (c, true) if c == column => " ▼",
                        (c, false) if c == column => " ▲",
                        _ => "",
                    }}
                </button>
            </th>
        }
    };
    let rows = move || {
        shown.get().map(|t| {
            t.rows
                .into_iter()
                .map(|row| {
                    let c: Counts = row.counts;
                    let name = row.name;
                    let is_selected = selected.with(|s| s.as_deref() == Some(name.as_str()));
                    let class = match (c.failed > 0, is_selected) {
                        (_, true) => "selected",
                        (true, false) => "failing",
                        (false, false) => "",
                    };
                    let click_name = name.clone();
                    let test_name = name.clone();
                    view! {
                        <tr
                            class=class
                            aria-selected=is_selected.to_string()
                            on:click=move |_| {
                                let again = selected.with_untracked(|s| s.as_deref() == Some(click_name.as_str()));
                                selected.set((!again).then(|| click_name.clone()));
                            }
                        >
                            <td class="name">{as_shown(&name).into_owned()}</td>
                            <td>{count(c.runs())}</td>
                            <td>{count(c.passed)}</td>
                            <td>{count(c.failed)}</td>
                            <td>{count(c.skipped)}</td>
                            <td>{count(c.other)}</td>
                            <td>{count(c.missing)}</td>
                            <td>{percent(c.pass_rate())}</td>
                            <td>{failure_rate(&c)}</td>
                            <td>{row.timing.map_or_else(|| "–".to_owned(), |d| human_duration(d.p95_us))}</td>
                            <td class="at">
                                <OpenAt place=row.first_failure_at label=row.first_failure.unwrap_or_default() test=test_name/>
                            </td>
                            {history().then(|| view! {
                                <td class="name">{row.since.as_deref().map_or_else(|| "–".to_owned(), |b| as_shown(b).into_owned())}</td>
                            })}
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="tests" aria-label="Tests">
            <div class="table-bar">
                <h2>{move || format!("Tests ({})", count(shown.with(|t| t.as_ref().map_or(0, |t| t.matching))))}</h2>
                <FilterBox id="filter"/>
                <div class="pager">
                    <button on:click=move |_| page.set(at_page().saturating_sub(1)) disabled=move || at_page() == 0>
                        "Previous"
                    </button>
                    <span>{move || format!("Page {} of {}", count(u64::from(at_page()) + 1), count(pages().into()))}</span>
                    <button
                        on:click=move |_| page.set((at_page() + 1).min(pages() - 1))
                        disabled=at_last
                    >
                        "Next"
                    </button>
                </div>
            </div>
            {move || detail.get().map(|t| {
                let words = t.words.iter().map(|(w, n)| format!("{} ×{n}", as_shown(w))).collect::<Vec<_>>().join(", ");
                let first = t.row.first_failure.clone().map(|at| {
                    view! { "; first failure at " <OpenAt place=t.row.first_failure_at.clone() label=at test=t.row.name.clone()/> }
                });
                view! {
                    <p class="selected-test" id="selected-test">
                        <strong>{as_shown(&t.row.name).into_owned()}</strong>
                        {format!(
                            ": {} runs; result words {}; {} pass/fail transitions",
                            t.row.counts.runs(),
                            if words.is_empty() { "none".to_owned() } else { words },
                            t.transitions,
                        )}
                        {first}
                    </p>
                    {timing_view(&t.row)}
                    {reasons_view(&t.reasons)}
                    {strip_view(&t.strip)}
                    {move || first_run.get().map(first_run_lines)}
                }
            })}
            <table id="tests-table">
                <thead>
                    <tr>
                        {move || {
                            Column::ALL
                                .into_iter()
                                .filter(|&(c, _)| c != Column::Since || history())
                                .map(header)
                                .collect_view()
                        }}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
