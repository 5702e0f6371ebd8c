//! The smaller panels: welcome, progress, errors, the header figures, anomalies and files. File
//! names and what an anomaly says (a test's name, a result word) are shown as [`as_shown`] makes
//! them.

use crate::asked::asked_of_summary;
use crate::engine_handle::{EngineHandle, EngineStatus};
use crate::state::{AppState, count, human_bytes, now, percent};
use crate::viewer::OpenAt;
use leptos::prelude::*;
use lra_core::as_shown;
use lra_protocol::FilesQuery;

/// Shown before any file is given.
#[component]
pub fn Welcome() -> impl IntoView {
    view! {
        <section class="welcome">
            <p>
                "Drop one log, hundreds, or a folder. Each test is a line holding "<code>"Test: name"</code>
                ", closed by a line holding "<code>"Result: WORD"</code>". The logs are read here, in this tab: "
                "no byte leaves your machine."
            </p>
        </section>
    }
}

/// Per-file and overall progress, with MB/s, ETA and Cancel.
#[component]
pub fn Progress() -> impl IntoView {
    let engine = expect_context::<EngineHandle>();
    // Re-read the clock while the analysis runs, for the rate and the ETA.
    let (tick, set_tick) = signal(0u32);
    let handle = set_interval_with_handle(move || set_tick.update(|t| *t += 1), std::time::Duration::from_millis(250));
    on_cleanup(move || {
        if let Ok(h) = handle {
            h.clear();
        }
    });
    move || {
        tick.track();
        engine.progress().get().map(|p| {
            let total: f64 = p.files.iter().map(|f| f.size).sum();
            let done: f64 = p.files.iter().map(|f| f.done).sum();
            let seconds = ((now() - p.started) / 1000.0).max(1e-3);
            let rate = done / seconds;
            let eta = if rate > 0.0 { format!("{:.0} s left", (total - done) / rate) } else { "…".to_owned() };
            let overall = if total > 0.0 { done / total } else { 1.0 };
            let shown = p.files.len().min(20);
            let more = p.files.len() - shown;
            view! {
                <section class="progress" aria-live="polite" aria-label="Progress">
                    <div class="overall">
                        <progress max="1" value=overall></progress>
                        <span>
                            {format!(
                                "{} of {} · {}/s · {}",
                                human_bytes(done),
                                human_bytes(total),
                                human_bytes(rate),
                                eta,
                            )}
                        </span>
                        <button id="cancel" on:click=move |_| engine.cancel()>"Cancel"</button>
                    </div>
                    <ul class="files">
                        {p.files.into_iter().take(shown).map(|f| {
                            let share = if f.size > 0.0 { f.done / f.size } else { 1.0 };
                            view! {
                                <li>
                                    <progress max="1" value=share></progress>
                                    <span class="name">{as_shown(&f.name).into_owned()}</span>
                                    <span>{format!("{:.0}%", share * 100.0)}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(more > 0).then(|| view! { <p>{format!("and {more} more files")}</p> })}
                </section>
            }
        })
    }
}

/// Errors for the user: unreadable files, engine failures.
#[component]
pub fn Errors() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let errors = state.errors.get();
        (!errors.is_empty()).then(|| {
            view! {
                <section class="errors" role="alert">
                    <ul>{errors.iter().map(|e| view! { <li>{as_shown(e).into_owned()}</li> }).collect_view()}</ul>
                    <button on:click=move |_| state.errors.set(Vec::new())>"Dismiss"</button>
                </section>
            }
        })
    }
}

/// Why a page that is not a secure context runs single-threaded (ends the thread line).
const NOT_SECURE: &str = ". It is not a secure context (plain HTTP, not from localhost), so no service worker can \
     isolate it and each worker runs the single-threaded engine; served over HTTPS, it would run threaded";

/// The figures that matter at a glance, and how the analysis ran.
#[component]
pub fn Header() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<EngineHandle>();
    // Served over plain HTTP from a host other than localhost, a page gets no service worker, so
    // coi-serviceworker cannot isolate it: the user is told why, and what would give threads.
    let secure = web_sys::window().is_none_or(|w| w.is_secure_context());
    let why = if secure { "" } else { NOT_SECURE };
    let threads = move || match engine.status().get() {
        EngineStatus::Starting => "Starting the engine…".to_owned(),
        EngineStatus::Failed(e) => format!("The engine failed: {e}"),
        EngineStatus::Ready { threads, isolated: true, .. } => {
            format!("{threads} thread{}: this page is cross-origin isolated", if threads == 1 { "" } else { "s" })
        }
        EngineStatus::Ready { threads: 1, isolated: false, .. } => {
            format!("1 thread: this page is not cross-origin isolated{why}")
        }
        // Without shared memory, a pool of single-threaded workers reads the files of a drop.
        EngineStatus::Ready { threads, isolated: false, .. } => {
            format!(
                "{threads} threads: this page is not cross-origin isolated, so {threads} workers read files at once{why}"
            )
        }
    };
    move || {
        state.overview.get().map(|s| {
            let t = s.totals;
            let figure = |label: &'static str, value: String, class: &'static str| {
                view! {
                    <div class=format!("figure {class}")>
                        <span class="value">{value}</span>
                        <span class="label">{label}</span>
                    </div>
                }
            };
            view! {
                <section class="summary-header" aria-label="Totals">
                    <div class="figures">
                        {figure("files", count(s.files), "")}
                        {figure("bytes", human_bytes(s.bytes as f64), "")}
                        {figure("tests run", count(t.runs()), "")}
                        {figure("passed", count(t.passed), "passed")}
                        {figure("failed", count(t.failed), "failed")}
                        {figure("skipped", count(t.skipped), "skipped")}
                        {figure("other", count(t.other), "other")}
                        {figure("missing", count(t.missing), "missing")}
                        {figure("pass rate", percent(t.pass_rate()), "")}
                        {figure("orphan results", count(s.orphan_results), "")}
                    </div>
                    <p class="threads" id="threads">{threads}</p>
                </section>
            }
        })
    }
}

/// Anomaly counts and the first locations as `file:line`.
#[component]
pub fn Anomalies() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.overview.get().map(|s| {
            let shown = s.anomalies.len();
            let rows = s
                .anomalies
                .into_iter()
                .map(
                    |(at, what, place)| view! { <li><OpenAt place=place label=at/>" "{as_shown(&what).into_owned()}</li> },
                )
                .collect_view();
            view! {
                <section class="anomalies" aria-label="Anomalies">
                    <h2>{format!("Anomalies: {}", count(s.anomaly_count))}</h2>
                    <p>
                        {format!(
                            "{} orphan results, {} missing results, {} over-long lines.",
                            count(s.orphan_results),
                            count(s.totals.missing),
                            count(s.long_lines),
                        )}
                        {(s.dropped_durations > 0).then(|| format!(
                            " {} durations from timestamps dropped: negative or over 24 hours.",
                            count(s.dropped_durations)
                        ))}
                        {(s.anomaly_count > shown as u64).then(|| format!(" The first {shown} by location:"))}
                    </p>
                    <ul>{rows}</ul>
                </section>
            }
        })
    }
}

/// Files per page of the files table: a thousand rows of eleven cells would be one long task.
const FILE_PAGE: u32 = crate::tests_table::PAGE;

/// One row per file, a page at a time, asked of the worker.
#[component]
pub fn Files() -> impl IntoView {
    let state = expect_context::<AppState>();
    let first = RwSignal::new(0u32);
    let page = asked_of_summary(move || FilesQuery { first: first.get(), count: FILE_PAGE });
    move || {
        let files = state.overview.with(|o| o.as_ref().map_or(0, |o| o.files));
        page.get().map(|p| {
            let at = p.first;
            let shown = p.rows.len() as u64;
            let rows = p
                .rows
                .into_iter()
                .map(|f| {
                    let t = f.totals;
                    let note = if f.binary { " (looks binary)" } else { "" };
                    let damaged = f.damage.is_some();
                    // How the format was chosen; said aloud when the file gave no run, so that
                    // the user knows what the file was seen to be and what to change.
                    let reading = f.reading.as_deref().map(|r| as_shown(r).into_owned()).unwrap_or_default();
                    let unread = t.runs() == 0 && !reading.is_empty();
                    let damage = f.damage.map(|d| {
                        view! { <span class="damage">" damaged: " {as_shown(&d).into_owned()} "; its lines before that count"</span> }
                    });
                    view! {
                        <tr class:damaged=damaged>
                            <td class="name">{as_shown(&f.name).into_owned()}{note}{damage}</td>
                            <td class="format" title=reading.clone()>
                                {f.format.as_str()}
                                {unread.then(|| view! { <span class="reading">{reading.clone()}</span> })}
                            </td>
                            <td>{human_bytes(f.bytes as f64)}</td>
                            <td>{count(t.runs())}</td>
                            <td>{count(t.passed)}</td>
                            <td>{count(t.failed)}</td>
                            <td>{count(t.skipped)}</td>
                            <td>{count(t.other)}</td>
                            <td>{count(t.missing)}</td>
                            <td>{count(f.orphan_results)}</td>
                            <td>{percent(t.pass_rate())}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="files-table" aria-label="Files">
                    <div class="table-bar">
                        <h2>"Files"</h2>
                        {(files > u64::from(FILE_PAGE)).then(|| view! {
                            <div class="pager">
                                <button id="files-previous" on:click=move |_| first.set(at.saturating_sub(FILE_PAGE)) disabled={at == 0}>
                                    "Previous"
                                </button>
                                <span>{format!("Files {}–{} of {}", count(u64::from(at) + 1), count(u64::from(at) + shown), count(files))}</span>
                                <button id="files-next" on:click=move |_| first.set(at + FILE_PAGE) disabled={u64::from(at) + shown >= files}>
                                    "Next"
                                </button>
                            </div>
                        })}
                    </div>
                    <table>
                        <thead>
                            <tr>
                                <th>"File"</th><th>"Format"</th><th>"Size"</th><th>"Runs"</th><th>"Passed"</th><th>"Failed"</th>
                                <th>"Skipped"</th><th>"Other"</th><th>"Missing"</th><th>"Orphans"</th>
                                <th>"Pass rate"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </section>
            }
        })
    }
}
