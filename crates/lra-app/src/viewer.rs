//! The run viewer: the log's own lines at a place the summary names (a first failure, an
//! anomaly, a reason's first run), read from the File by the engine worker, a window at a time.
//! The page holds only the lines on screen, whatever the file's size. The worker sends each line
//! with its controls made visible (`lra_session::lines`); file and test names are shown as
//! [`as_shown`] makes them.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use lra_core::{KEPT_RUNS, as_shown};
use lra_protocol::query::{Found, LinesAnswer, NextFailureQuery, NextRunQuery, NoAnswer, RunFound, SearchQuery};
use lra_protocol::{LinesQuery, Place, RunAt, ShownLine, ViewerLines};

use crate::engine_handle::EngineHandle;
use crate::state::{AppState, BEFORE, Target, count, human_bytes};

/// A step of "earlier" and "later": the window moves by this many lines.
const STEP: u32 = 40;

/// A control that opens the viewer at `place`, showing `label` (its `file:line`).
#[component]
pub fn OpenAt(place: Option<Place>, label: String, #[prop(optional)] test: Option<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    match place {
        None => view! { <span>{as_shown(&label).into_owned()}</span> }.into_any(),
        Some(place) => {
            let open = move |ev: leptos::ev::MouseEvent| {
                // Inside a table row that selects its test: the click opens the lines only.
                ev.stop_propagation();
                state.viewer.set(Some(Target::at(place.clone(), test.clone())));
            };
            view! {
                <button type="button" class="open-at" title="Show these lines of the log" on:click=open>
                    {as_shown(&label).into_owned()}
                </button>
            }
            .into_any()
        }
    }
}

/// The viewer's panel, shown while `AppState::viewer` is set.
#[component]
pub fn RunViewer() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<EngineHandle>();
    let shown: RwSignal<Option<ViewerLines>> = RwSignal::new(None);
    let message: RwSignal<Option<String>> = RwSignal::new(None);
    let search = RwSignal::new(String::new());
    // A search on its way: its number, so that a newer one (or a cancel) drops it.
    let searching: RwSignal<Option<u64>> = RwSignal::new(None);
    let searches = StoredValue::new(0u64);
    // The failed runs found again past the first kept ones (`n` in the gap between a test's
    // first and last 10 kept runs), in the order visited: the last is the one shown, and `p`
    // steps back along them.
    let gap_trail: StoredValue<Vec<RunAt>> = StoredValue::new(Vec::new());
    let gap_run: RwSignal<Option<RunAt>> = RwSignal::new(None);
    let panel = NodeRef::<leptos::html::Div>::new();

    // Asks for the lines whenever the target changes: the worker reads them from the file.
    let lines = LinesAsk { engine, state, shown, message, searches, searching, gap_trail, gap_run };
    Effect::new(move |_| {
        let Some(target) = state.viewer.get() else {
            shown.set(None);
            state.lines_shown.set(None);
            return;
        };
        let query =
            LinesQuery { at: target.place.clone(), before: target.before, after: target.after, test: target.test };
        lines.ask(query, None);
    });
    // Focus moves into the panel when it opens, so that its keys work at once.
    Effect::new(move |_| {
        if state.viewer.with(Option::is_some)
            && let Some(el) = panel.get()
        {
            let _ = el.focus();
        }
    });

    let close = move || {
        searching.set(None);
        state.viewer.set(None);
    };
    let anchor_offset =
        move || shown.with(|v| v.as_ref().and_then(|v| v.window.lines.get(v.window.anchor as usize).map(|l| l.offset)));
    let go = move |place: Place, test: Option<String>| state.viewer.set(Some(Target::at(place, test)));
    // Earlier and later: the window moves, its first or last line kept in view.
    let shift = move |later: bool| {
        let Some((file, edge)) = shown.with(|v| {
            let v = v.as_ref()?;
            let edge = if later { v.window.lines.last() } else { v.window.lines.first() };
            Some((v.file, edge?.offset))
        }) else {
            return;
        };
        let test = state.viewer.with_untracked(|t| t.as_ref().and_then(|t| t.test.clone()));
        let place = Place { file, line: None, offset: Some(edge) };
        let (before, after) = if later { (BEFORE, STEP) } else { (STEP, BEFORE) };
        state.viewer.set(Some(Target { place, test, before, after }));
    };
    let earlier = move || shift(false);
    let later = move || shift(true);
    // The test's next or previous kept failed run, from the line shown.
    let step_run = move |forward: bool| {
        let Some(v) = shown.get_untracked() else { return };
        let Some(at) = anchor_offset() else { return };
        let here = (v.file, at);
        let mut runs: Vec<&RunAt> = v.runs.iter().collect();
        runs.sort_by_key(|r| (r.file, r.opened));
        // Between the first and the last kept runs, the runs are found again in the file.
        let gap =
            (v.seen > v.runs.len() as u64 && runs.len() > KEPT_RUNS).then(|| (runs[KEPT_RUNS - 1], runs[KEPT_RUNS]));
        if let (Some((tenth, next_kept)), Some(test)) = (gap, v.test.clone()) {
            let in_gap = here >= (tenth.file, tenth.opened) && here < (next_kept.file, next_kept.opened);
            if forward && in_gap && v.file == tenth.file {
                let shown_run = gap_trail
                    .with_value(|t| t.last().cloned())
                    .or_else(|| v.runs.iter().find(|r| r.holds(v.file, at)).cloned());
                let after = shown_run.filter(|r| r.file == v.file).map_or(at, |r| r.closed);
                let what = format!("Looking for {}'s next failed run in the file…", as_shown(&test));
                let chase = Chase::start(engine, state, v.file, searches, searching, message, what);
                rescan_from(chase, test, after, next_kept.clone(), gap_trail);
                return;
            }
            if !forward && gap_trail.with_value(|t| !t.is_empty()) {
                gap_trail.update_value(|t| {
                    t.pop();
                });
                let back = gap_trail.with_value(|t| t.last().cloned()).unwrap_or_else(|| tenth.clone());
                go(Place { file: back.file, line: None, offset: Some(back.opened) }, Some(test));
                return;
            }
        }
        let next = if forward {
            runs.iter().find(|r| (r.file, r.opened) > here && !r.holds(v.file, at))
        } else {
            runs.iter().rev().find(|r| (r.file, r.closed) < here)
        };
        match next {
            Some(r) => go(Place { file: r.file, line: None, offset: Some(r.opened) }, v.test.clone()),
            None => message.set(Some(match (&v.test, forward) {
                (None, _) => "no test is selected here: open the lines from a test's failure".to_owned(),
                (Some(t), true) => format!("no later failed run of {}", as_shown(t)),
                (Some(t), false) => format!("no earlier failed run of {}", as_shown(t)),
            })),
        }
    };
    // The next or previous failure of any test, from the end (or the start) of the run shown.
    let step_failure = move |forward: bool| {
        let Some(v) = shown.get_untracked() else { return };
        let Some(mut at) = anchor_offset() else { return };
        if let Some(run) = v.runs.iter().find(|r| r.holds(v.file, at)) {
            at = if forward { run.closed } else { run.opened };
        }
        let file = v.file;
        let place = Place { file, line: None, offset: Some(at) };
        engine.ask(NextFailureQuery { place, forward }, move |answer| match answer {
            Ok(Some((test, run))) => go(Place { file: run.file, line: None, offset: Some(run.closed) }, Some(test)),
            Ok(None) => message.set(Some(format!("no {} failure kept", if forward { "later" } else { "earlier" }))),
            Err(NoAnswer::Failed(m)) => message.set(Some(m)),
            Err(NoAnswer::Unexpected(_)) => {}
        });
    };
    // Search: each request reads a bounded part of the file; the next is asked until a hit,
    // the file's end, or a cancel.
    let find = move |forward: bool| {
        let text = search.get_untracked();
        let Some((file, at, len)) = shown.with_untracked(|v| {
            let v = v.as_ref()?;
            let l = v.window.lines.get(v.window.anchor as usize)?;
            Some((v.file, l.offset, l.len))
        }) else {
            return;
        };
        if text.is_empty() {
            return;
        }
        let chase = Chase::start(engine, state, file, searches, searching, message, format!("Searching for “{text}”…"));
        // From the next line on, or from before this one: a hit on the line shown is not next.
        let from = if forward { at + len + 1 } else { at };
        search_from(chase, from, text, forward);
    };

    let keys = move |ev: KeyboardEvent| {
        // Typing in the search box is not a command.
        let typing =
            ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()).is_some();
        match ev.key().as_str() {
            "Escape" => close(),
            "n" if !typing => step_run(true),
            "p" if !typing => step_run(false),
            "]" if !typing => step_failure(true),
            "[" if !typing => step_failure(false),
            "Enter" if typing => find(!ev.shift_key()),
            _ => return,
        }
        ev.prevent_default();
    };

    move || {
        state.viewer.with(Option::is_some).then(|| {
            let body = move || {
                shown.get().map(|v| {
                    let extra = gap_run.get();
                    let in_run = |offset: u64| {
                        v.runs.iter().chain(extra.as_ref()).any(|r| r.holds(v.file, offset))
                    };
                    let anchor = v.window.anchor as usize;
                    let rows = v
                        .window
                        .lines
                        .iter()
                        .enumerate()
                        .map(|(k, l)| log_line(v.window.first_line + k as u64, l, in_run(l.offset), k == anchor))
                        .collect_view();
                    let run_note = v.test.as_ref().map(|t| {
                        format!("{}: {} failed runs, {} kept (its first and last 10)", as_shown(t), count(v.seen), count(v.runs.len() as u64))
                    });
                    view! {
                        <p class="viewer-where" id="viewer-where">
                            <strong>{as_shown(&v.name).into_owned()}</strong>
                            {format!(" line {}", count(v.window.first_line + anchor as u64))}
                            {run_note.map(|n| view! { <span class="note">" · " {n}</span> })}
                        </p>
                        {v.decoded.then(|| view! {
                            <p class="note" id="viewer-decoded">
                                "This file is compressed, or inside an archive: its lines are decoded from the start of what \
                                 holds it up to here, which takes longer than reading a plain file, and longer the further in \
                                 they are. Reading on continues from here; going back decodes from the start again."
                            </p>
                        })}
                        {(!v.window.at_start).then(|| view! { <button type="button" class="more" on:click=move |_| earlier()>"Earlier lines"</button> })}
                        <ol class="log-lines" id="log-lines">{rows}</ol>
                        {(!v.window.at_end).then(|| view! { <button type="button" class="more" on:click=move |_| later()>"Later lines"</button> })}
                        {v.window.at_end.then(|| view! { <p class="note">"End of the file."</p> })}
                    }
                })
            };
            view! {
                <div class="viewer" role="dialog" aria-modal="true" aria-label="The log's lines" tabindex="-1" node_ref=panel on:keydown=keys>
                    <div class="viewer-bar">
                        <button type="button" on:click=move |_| step_run(false) title="Previous failed run of this test (p)">"Previous run (p)"</button>
                        <button type="button" on:click=move |_| step_run(true) title="Next failed run of this test (n)">"Next run (n)"</button>
                        <button type="button" on:click=move |_| step_failure(false) title="Previous failure of any test ([)">"Previous failure ([)"</button>
                        <button type="button" on:click=move |_| step_failure(true) title="Next failure of any test (])">"Next failure (])"</button>
                        <input
                            type="search"
                            id="viewer-search"
                            placeholder="Find in the file"
                            aria-label="Find in the file"
                            prop:value=move || search.get()
                            on:input=move |ev| search.set(event_target_value(&ev))
                        />
                        <button type="button" on:click=move |_| find(true)>"Find next"</button>
                        <button type="button" on:click=move |_| find(false)>"Find previous"</button>
                        {move || searching.get().map(|_| view! {
                            <button type="button" id="viewer-stop" on:click=move |_| { searching.set(None); message.set(Some("Stopped.".to_owned())); }>"Stop"</button>
                        })}
                        <button type="button" class="close" on:click=move |_| close() title="Close (Esc)">"Close (Esc)"</button>
                    </div>
                    {move || message.get().map(|m| view! { <p class="viewer-message" id="viewer-message" role="status">{m}</p> })}
                    {body}
                </div>
            }
        })
    }
}

/// One line of the log as the page shows it: its number, its text, and, when it was cut, its
/// length; `in_run`: it belongs to a failed run shown; `anchor`: it is the place asked for.
pub fn log_line(number: u64, line: &ShownLine, in_run: bool, anchor: bool) -> impl IntoView + use<> {
    let cut =
        line.cut.then(|| view! { <span class="cut">{format!(" … (the line is {} bytes)", count(line.len))}</span> });
    view! {
        <li class:in-run=in_run class:anchor=anchor>
            <span class="n">{count(number)}</span>
            <span class="text">{line.text.clone()}</span>
            {cut}
        </li>
    }
}

/// What asking for the viewer's lines updates: the lines shown, the message, and the trail of
/// runs found again.
#[derive(Clone, Copy)]
struct LinesAsk {
    engine: EngineHandle,
    state: AppState,
    shown: RwSignal<Option<ViewerLines>>,
    message: RwSignal<Option<String>>,
    searches: StoredValue<u64>,
    searching: RwSignal<Option<u64>>,
    gap_trail: StoredValue<Vec<RunAt>>,
    gap_run: RwSignal<Option<RunAt>>,
}

impl LinesAsk {
    /// Asks for the lines of `query`. A compressed file's are decoded up to them a share at a
    /// time: each answer says how far, and the next share is asked (as a `chase`, which the
    /// Stop button ends) until the lines come.
    fn ask(self, query: LinesQuery, chase: Option<Chase>) {
        let again = query.clone();
        self.engine.ask(query, move |answer| {
            if chase.is_some_and(|c| c.stopped()) {
                return;
            }
            match answer {
                Ok(LinesAnswer::Lines(v)) => {
                    if let Some(c) = chase {
                        c.end(None);
                    }
                    self.show(*v);
                }
                Ok(LinesAnswer::Decoding { file, done, size }) => {
                    let what = format!(
                        "Decoding the file from its start to reach these lines: {} of {} compressed ({}%)…",
                        human_bytes(done as f64),
                        human_bytes(size as f64),
                        done * 100 / size.max(1)
                    );
                    let chase = match chase {
                        Some(c) => {
                            c.message.set(Some(what));
                            c
                        }
                        None => Chase::start(
                            self.engine,
                            self.state,
                            file,
                            self.searches,
                            self.searching,
                            self.message,
                            what,
                        ),
                    };
                    self.ask(again, Some(chase));
                }
                Err(NoAnswer::Failed(m)) => match chase {
                    Some(c) => c.end(Some(m)),
                    None => self.message.set(Some(m)),
                },
                Err(other) => self.message.set(Some(other.to_string())),
            }
        });
    }

    fn show(self, v: ViewerLines) {
        let LinesAsk { state, shown, message, gap_trail, gap_run, .. } = self;
        state.lines_shown.set(Some((v.name.clone(), v.window.first_line + u64::from(v.window.anchor))));
        // Anywhere but at the last run found again, the trail is left.
        let anchor = v.window.lines.get(v.window.anchor as usize).map(|l| l.offset);
        let on_trail = gap_trail.with_value(|t| t.last().is_some_and(|r| r.file == v.file && Some(r.opened) == anchor));
        if !on_trail {
            gap_trail.set_value(Vec::new());
        }
        gap_run.set(gap_trail.with_value(|t| t.last().cloned()));
        shown.set(Some(v));
        message.set(None);
    }
}

/// What a request asked again over shares of a file carries from one share to the next: the
/// file, whether it is still the one running (the Stop button and a newer search make it not),
/// and where to say how it goes.
#[derive(Clone, Copy)]
struct Chase {
    engine: EngineHandle,
    state: AppState,
    file: u32,
    number: u64,
    searching: RwSignal<Option<u64>>,
    message: RwSignal<Option<String>>,
}

impl Chase {
    /// Starts a chase in `file`, saying `what`: the one running from now on.
    fn start(
        engine: EngineHandle,
        state: AppState,
        file: u32,
        searches: StoredValue<u64>,
        searching: RwSignal<Option<u64>>,
        message: RwSignal<Option<String>>,
        what: String,
    ) -> Chase {
        let number = searches.get_value() + 1;
        searches.set_value(number);
        searching.set(Some(number));
        message.set(Some(what));
        Chase { engine, state, file, number, searching, message }
    }

    fn stopped(&self) -> bool {
        self.searching.get_untracked() != Some(self.number)
    }

    /// Ends the chase, saying `why` (nothing when it found what it looked for).
    fn end(&self, why: Option<String>) {
        self.searching.set(None);
        self.message.set(why);
    }

    /// Opens the viewer at `offset`, `test`'s runs marked.
    fn open(&self, offset: u64, test: Option<String>) {
        let place = Place { file: self.file, line: None, offset: Some(offset) };
        self.state.viewer.set(Some(Target::at(place, test)));
    }
}

/// Looks for `test`'s first failed run after `after` in the chase's file, past the runs its
/// summary kept, and opens the viewer there; `then` is the kept run opened if the file holds
/// none before its end. A run found again is added to `trail`.
fn rescan_from(chase: Chase, test: String, after: u64, then: RunAt, trail: StoredValue<Vec<RunAt>>) {
    let query = NextRunQuery { test: test.clone(), file: chase.file, after };
    chase.engine.ask(query, move |answer| {
        if chase.stopped() {
            return;
        }
        match answer {
            Ok(RunFound { run: Some(run), .. }) => {
                chase.end(None);
                // The kept run itself is not one found again.
                if (run.file, run.opened) != (then.file, then.opened) {
                    trail.update_value(|t| t.push(run.clone()));
                }
                chase.open(run.opened, Some(test));
            }
            Ok(RunFound { run: None, done: true, .. }) => {
                chase.end(None);
                chase.open(then.opened, Some(test));
            }
            Ok(RunFound { run: None, next, .. }) => {
                chase.message.set(Some(format!(
                    "Looking for {}'s next failed run in the file… at byte {}",
                    as_shown(&test),
                    count(next)
                )));
                rescan_from(chase, test, next, then, trail);
            }
            Err(NoAnswer::Failed(m)) => chase.end(Some(m)),
            Err(NoAnswer::Unexpected(_)) => chase.end(None),
        }
    });
}

/// Searches on for `text` from `from`; goes on while a share is read without a hit.
fn search_from(chase: Chase, from: u64, text: String, forward: bool) {
    let query = SearchQuery { file: chase.file, from, text: text.clone(), forward };
    chase.engine.ask(query, move |answer| {
        if chase.stopped() {
            return;
        }
        match answer {
            Ok(Found { offset: Some(offset), .. }) => {
                chase.end(None);
                let test = chase.state.viewer.with_untracked(|t| t.as_ref().and_then(|t| t.test.clone()));
                chase.open(offset, test);
            }
            Ok(Found { offset: None, done: true, .. }) => {
                let way = if forward { "further on" } else { "earlier" };
                chase.end(Some(format!("“{text}” is not {way} in this file")));
            }
            Ok(Found { offset: None, next, .. }) => {
                chase.message.set(Some(format!("Searching for “{text}”… at byte {}", count(next))));
                search_from(chase, next, text, forward);
            }
            Err(NoAnswer::Failed(m)) => chase.end(Some(m)),
            Err(NoAnswer::Unexpected(_)) => chase.end(None),
        }
    });
}
