//! The History view of a history (a summary whose runs are sorted into builds): its tests ×
//! builds grid, newly broken tests first, each cell coloured by the test's failure rate in that
//! build and its change point marked. The worker orders the tests and cuts the window shown
//! (`lra_protocol::HistoryQuery`), so 10,000 tests × 500 builds never cross to the page at once.

use leptos::prelude::*;
use lra_core::as_shown;
use lra_protocol::query::{NextRunQuery, NoAnswer, RunFound};
use lra_protocol::{HistoryQuery, HistoryRow, Place, count, failure_rate};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTableCellElement, HtmlTableRowElement};

use crate::asked::asked_of_summary;
use crate::engine_handle::EngineHandle;
use crate::state::{AppState, Target, View};
use crate::tests_table::FilterBox;

/// Tests and builds in one window: 1,500 cells lay out well inside a frame (2,000 took up to 59 ms
/// on CI's machines).
const ROWS: u32 = 50;
const BUILDS: u32 = 30;
/// The cells of a row before its builds': the test's name, since when it fails, its failure rate.
const LEADING_CELLS: i32 = 3;

/// A cell (or a test's name) picked in the grid: the test's row, and when a cell was, the
/// build's label, the test's runs in it (`[passed, failed]`) and the build's files, if the page
/// was given them.
#[derive(Clone, Debug, PartialEq)]
struct Picked {
    row: HistoryRow,
    cell: Option<(String, [u64; 2], Option<[u32; 2]>)>,
}

/// Opens the run viewer at `test`'s first failed run in files `file..end` (a build's), read
/// again from `after` in `file`, a share at a time; says so in `status` while it looks, and
/// why when it found none.
fn open_first_failed_run(
    state: AppState,
    engine: EngineHandle,
    test: String,
    file: u32,
    end: u32,
    after: u64,
    status: RwSignal<Option<String>>,
) {
    if file >= end {
        return status.set(Some(format!("No failed run of {} was found in these files.", as_shown(&test))));
    }
    let query = NextRunQuery { test: test.clone(), file, after };
    engine.ask(query, move |answer| match answer {
        Ok(RunFound { run: Some(run), .. }) => {
            status.set(None);
            let place = Place { file: run.file, line: None, offset: Some(run.opened) };
            state.viewer.set(Some(Target::at(place, Some(test))));
        }
        Ok(RunFound { run: None, done: true, .. }) => {
            open_first_failed_run(state, engine, test, file + 1, end, 0, status)
        }
        Ok(RunFound { run: None, next, .. }) => {
            status.set(Some(format!("Looking for its failed run… at byte {} of the build's file", count(next))));
            open_first_failed_run(state, engine, test, file, end, next, status)
        }
        Err(NoAnswer::Failed(m)) => status.set(Some(m)),
        Err(NoAnswer::Unexpected(_)) => status.set(None),
    });
}

/// A cell's colour class by its failure rate: not run, passed only, failed up to 10%, up to
/// half, more than half, every run.
fn cell_class([passed, failed]: [u64; 2]) -> &'static str {
    match (passed, failed) {
        (0, 0) => "hc none",
        (_, 0) => "hc r0",
        (0, _) => "hc r4",
        _ => match failed as f64 / (passed + failed) as f64 {
            r if r <= 0.1 => "hc r1",
            r if r <= 0.5 => "hc r2",
            _ => "hc r3",
        },
    }
}

/// A cell's runs in words.
fn cell_text(label: &str, [passed, failed]: [u64; 2]) -> String {
    match passed + failed {
        0 => format!("{}: not run", as_shown(label)),
        runs => format!("{}: {} of {} runs failed", as_shown(label), count(failed), count(runs)),
    }
}

/// Moves a window over a list, `step` at a time: a control back and one on (each an id and its
/// words), and where the window is. `at`: the window's first item, how many it shows, and how
/// many there are; `go`: where the next window starts.
#[component]
fn WindowPager(
    noun: &'static str,
    back: (&'static str, &'static str),
    on: (&'static str, &'static str),
    at: Signal<(u32, u32, u32)>,
    step: u32,
    go: RwSignal<u32>,
) -> impl IntoView {
    view! {
        <div class="pager">
            <button id=back.0 on:click=move |_| go.set(at.get().0.saturating_sub(step)) disabled=move || at.get().0 == 0>
                {back.1}
            </button>
            <span>
                {move || {
                    let (first, shown, total) = at.get();
                    format!("{noun} {}–{} of {}", count((first + shown.min(1)).into()), count((first + shown).into()), count(total.into()))
                }}
            </span>
            <button
                id=on.0
                on:click=move |_| go.set(at.get().0 + step)
                disabled=move || { let (first, shown, total) = at.get(); first + shown >= total }
            >
                {on.1}
            </button>
        </div>
    }
}

/// The history's grid, a window at a time, with the picked cell's figures under it.
#[component]
pub fn HistoryGrid() -> impl IntoView {
    let state = expect_context::<AppState>();
    let filter = state.filter;
    let first_test = RwSignal::new(0u32);
    // The latest builds first: the worker moves a window past the end back to end there.
    let first_build = RwSignal::new(u32::MAX);
    let engine = expect_context::<EngineHandle>();
    let picked = RwSignal::new(None::<Picked>);
    // Where the search for a picked cell's failed run is, or why it found none.
    let looking = RwSignal::new(None::<String>);
    // Back to the first tests when the filter changes.
    Effect::new(move |previous: Option<String>| {
        let now = filter.get();
        if previous.is_some_and(|p| p != now) {
            first_test.set(0);
        }
        now
    });
    let shown = asked_of_summary(move || HistoryQuery {
        filter: filter.get(),
        first_test: first_test.get(),
        tests: ROWS,
        first_build: first_build.get(),
        builds: BUILDS,
    });
    // Where the window is among the tests and among the builds: its first, how many it shows,
    // how many there are.
    let tests_at = Signal::derive(move || {
        shown.with(|w| w.as_ref().map_or((0, 0, 0), |w| (w.first_test, w.rows.len() as u32, w.matching as u32)))
    });
    let builds_at = Signal::derive(move || {
        shown.with(|w| w.as_ref().map_or((0, 0, 0), |w| (w.first_build, w.labels.len() as u32, w.builds)))
    });
    let header = move || {
        shown.get().map(|w| {
            let labels = w
                .labels
                .iter()
                .map(|l| view! { <th scope="col" class="build" title=as_shown(l).into_owned()>{as_shown(l).into_owned()}</th> })
                .collect_view();
            view! {
                <tr>
                    <th scope="col" class="test">"Test"</th>
                    <th scope="col" class="since">"Failing since"</th>
                    <th scope="col" class="rate">"Failure rate (95% interval)"</th>
                    {labels}
                </tr>
            }
        })
    };
    // A test's row picked by its place in the window, with the cell of the build at `build`.
    let pick = move |row: usize, build: Option<usize>| {
        let chosen = shown.with_untracked(|w| {
            let w = w.as_ref()?;
            let row = w.rows.get(row)?.clone();
            let cell = match build {
                Some(k) => Some((w.labels.get(k)?.clone(), *row.cells.get(k)?, w.files.get(k).copied().flatten())),
                None => None,
            };
            Some(Picked { row, cell })
        });
        if chosen.is_some() {
            looking.set(None);
            picked.set(chosen);
        }
    };
    // One handler for every cell of the grid, which finds the cell by its place in the table: a
    // closure and a listener per cell (1,500 of them) made drawing a window a long task.
    let cell_clicked = move |ev: web_sys::MouseEvent| {
        let cell = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| e.closest("td.hc").ok().flatten())
            .and_then(|c| c.dyn_into::<HtmlTableCellElement>().ok());
        let Some(cell) = cell else { return };
        let row = cell.parent_element().and_then(|r| r.dyn_into::<HtmlTableRowElement>().ok());
        let (Some(row), Ok(build)) = (row, usize::try_from(cell.cell_index() - LEADING_CELLS)) else { return };
        if let Ok(row) = usize::try_from(row.section_row_index()) {
            pick(row, Some(build));
        }
    };
    let rows = move || {
        shown.get().map(|w| {
            let first_build = w.first_build;
            let labels = w.labels;
            w.rows
                .into_iter()
                .enumerate()
                .map(|(r, row)| {
                    let point = row.change_point.as_ref().map(|c| c.0);
                    let cells = row
                        .cells
                        .iter()
                        .zip(&labels)
                        .enumerate()
                        .map(|(k, (&cell, label))| {
                            let mark = (point == Some(first_build + k as u32)).then_some("▲");
                            let text = match mark {
                                Some(_) => format!("{}; its failure rate changed here", cell_text(label, cell)),
                                None => cell_text(label, cell),
                            };
                            view! { <td class=cell_class(cell) title=text>{mark}</td> }
                        })
                        .collect_view();
                    let name = as_shown(&row.name).into_owned();
                    let since =
                        row.failing_since.as_deref().map_or_else(|| "–".to_owned(), |b| as_shown(b).into_owned());
                    let rate = failure_rate(&row.counts);
                    // The row's LEADING_CELLS, then its cells.
                    view! {
                        <tr class:broken=row.failing_since.is_some()>
                            <th scope="row" class="name">
                                <button type="button" on:click=move |_| pick(r, None)>{name}</button>
                            </th>
                            <td class="name">{since}</td>
                            <td>{rate}</td>
                            {cells}
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let detail = move || {
        picked.get().map(|Picked { row, cell }| {
            let name = row.name.clone();
            let show = move |_| {
                state.selected.set(Some(name.clone()));
                state.view.set(View::Tests);
            };
            let figures = format!(
                "ran in {} builds, failed in {} ({} of them flaky); failure rate {}{}",
                count(row.builds_run.into()),
                count(row.builds_failed.into()),
                count(row.builds_flaky.into()),
                failure_rate(&row.counts),
                row.failing_since.as_deref().map_or_else(String::new, |b| format!("; failing since {}", as_shown(b))),
            );
            // A failed cell of a build whose files the page has: its first failed run's lines.
            let runs = cell.as_ref().filter(|(_, [_, failed], _)| *failed > 0).map(|(label, _, files)| match *files {
                Some([first, end]) => {
                    let test = row.name.clone();
                    let open = move |_| open_first_failed_run(state, engine, test.clone(), first, end, 0, looking);
                    view! {
                        " "
                        <button type="button" id="history-runs" on:click=open>
                            {format!("Show its first failed run in {}", as_shown(label))}
                        </button>
                    }
                    .into_any()
                }
                None => view! {
                    <p class="note">
                        "This build came from a saved summary, which keeps counts, not lines: give its files \
                         (with \"Files are builds\") to open its failed runs."
                    </p>
                }
                .into_any(),
            });
            let point = row
                .change_point
                .as_ref()
                .map(|(_, label, runs)| format!("Its failure rate changed at {}: it {runs}.", as_shown(label)));
            view! {
                <div class="picked" id="history-picked">
                    <p>
                        <strong>{as_shown(&row.name).into_owned()}</strong>
                        {cell.as_ref().map(|(label, c, _)| format!(" in {}", cell_text(label, *c)))}
                        {format!(". Over every build: {figures}.")}
                    </p>
                    {point.map(|p| view! { <p class="note">{p}</p> })}
                    <button type="button" on:click=show>"Show it in the tests table"</button>
                    {runs}
                    {move || looking.get().map(|m| view! { <p class="note" role="status">{m}</p> })}
                </div>
            }
        })
    };
    view! {
        <section class="history" aria-label="History">
            <div class="table-bar">
                <h2>
                    {move || {
                        format!("History ({} tests × {} builds)", count(tests_at.get().2.into()), count(builds_at.get().2.into()))
                    }}
                </h2>
                <FilterBox id="history-filter"/>
                <WindowPager noun="Tests" back=("history-up", "Previous tests") on=("history-down", "Next tests") at=tests_at step=ROWS go=first_test/>
                <WindowPager noun="Builds" back=("history-earlier", "Earlier builds") on=("history-later", "Later builds") at=builds_at step=BUILDS go=first_build/>
            </div>
            <p class="note legend">
                "Each cell is a test's runs in a build: "
                <span class="hc r0"></span>" passed only, "
                <span class="hc r1"></span>" up to 10% failed, "
                <span class="hc r2"></span>" up to half, "
                <span class="hc r3"></span>" more than half, "
                <span class="hc r4"></span>" every run, "
                <span class="hc none"></span>" not run; ▲ where its failure rate changed. Newly broken tests come first. "
                "Pick a cell or a name for its figures."
            </p>
            {detail}
            <div class="history-scroll">
                // Its columns' widths are set (style.css), so that laying out 1,500 cells does not
                // measure each of them first; the table is as wide as its builds.
                <table id="history-grid" style=move || format!("--builds: {}", builds_at.get().1)>
                    <thead>{header}</thead>
                    <tbody on:click=cell_clicked>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
