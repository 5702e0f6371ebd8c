//! The engine client: a handle, provided through context, to the worker that keeps the summary.
//!
//! The page posts [`Request`]s and gets [`Reply`]s (see `lra_protocol`); it never holds the
//! summary, only what it shows. Worker objects, Blobs and JS callbacks are not `Send`, so the
//! client lives in a local [`StoredValue`]; its bookkeeping is the [`Machine`] of `client`, and
//! the signals of [`AppState`] carry what the UI shows. No borrow of the client is held while a
//! callback runs, since a callback may ask again.

use std::collections::HashMap;

use js_sys::{Array, Function, Object, Reflect};
use leptos::prelude::*;
use lra_protocol::{Export, Reply, Request};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::client::{Machine, Phase};
use crate::state::{AppState, EngineStatus, FileProgress, Progress, Reading, now};

/// A file to analyse and the name it is shown under.
#[derive(Clone)]
pub struct Input {
    pub blob: Blob,
    pub name: String,
}

impl Input {
    pub fn from_file(file: File, name: Option<String>) -> Input {
        let name = name.unwrap_or_else(|| file.name());
        Input { blob: file.into(), name }
    }
}

type OnMessage = Closure<dyn FnMut(MessageEvent)>;

/// The engine worker, and what hears from it.
struct Running {
    worker: Worker,
    _on_message: OnMessage,
    /// The name of the Web Lock the worker holds for as long as it lives (see
    /// [`Engine::watch_for_end`]).
    lifeline: String,
}

/// Called with a reply and the blob beside it.
type Answer = Box<dyn FnOnce(Reply, Option<Blob>)>;

struct Client {
    state: AppState,
    worker: Option<Running>,
    machine: Machine<Input>,
    /// The answers awaited, by request id.
    answers: HashMap<u32, Answer>,
    /// The batch the progress panel shows.
    progress_of: Option<u32>,
    /// Bumped by every Cancel and Clear; see [`Engine::epoch`].
    epoch: u32,
    /// `summary()` promises waiting for the page to be idle.
    waiters: Vec<Function>,
    /// Called after each change of the summary (the iframe embedding, once its parent asked).
    watchers: Vec<Box<dyn Fn()>>,
    /// Called once no answer is awaited; see [`Engine::when_quiet`].
    quiet: Vec<Box<dyn FnOnce()>>,
}

/// The handle to the engine, `Copy`, provided as context.
#[derive(Clone, Copy)]
pub struct Engine(StoredValue<Client, LocalStorage>);

impl Engine {
    /// Starts the engine worker.
    pub fn start(state: AppState) -> Engine {
        let client = Client {
            state,
            worker: None,
            machine: Machine::default(),
            answers: HashMap::new(),
            progress_of: None,
            epoch: 0,
            waiters: Vec::new(),
            watchers: Vec::new(),
            quiet: Vec::new(),
        };
        let engine = Engine(StoredValue::new_local(client));
        engine.spawn();
        engine
    }

    fn with<R>(self, f: impl FnOnce(&mut Client) -> R) -> Option<R> {
        self.0.try_update_value(f)
    }

    fn state(self) -> Option<AppState> {
        self.with(|c| c.state)
    }

    fn spawn(self) {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        // Relative to the page, so that the app works from any sub-path.
        let started = Worker::new_with_options("./engine/worker.js", &options).and_then(|worker| {
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                self.on_message(event.data());
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            // Unique among this origin's pages and workers: Web Locks are shared by them all.
            let lifeline = format!("lra-engine-{}", js_sys::Math::random().to_bits());
            let message = Object::new();
            set(&message, "lifeline", &lifeline.as_str().into());
            worker.post_message(&message)?;
            Ok(Running { worker, _on_message: on_message, lifeline })
        });
        match started {
            Ok(running) => {
                self.with(|c| c.worker = Some(running));
            }
            Err(e) => self.cannot_start(js_text(&e)),
        }
    }

    /// The worker holds the Web Lock `lifeline` from now on, until it ends: the page asks for
    /// the same lock, which it is given once the worker is gone, however it ended. A worker
    /// ended from outside (closed, or terminated by the browser or a tool) sends no message and
    /// fires no event, so this is how the page learns of it; a worker the page ended itself is
    /// no longer the current one by then. Without Web Locks (not a secure context) the page
    /// does not learn of it.
    fn watch_for_end(self, lifeline: String) {
        let Some(window) = web_sys::window() else { return };
        let locks = get(&get(&window, "navigator"), "locks");
        let Ok(request) = get(&locks, "request").dyn_into::<Function>() else { return };
        let name = JsValue::from(lifeline.as_str());
        let ended = Closure::once_into_js(move || {
            let current = self.with(|c| c.worker.as_ref().is_some_and(|r| r.lifeline == lifeline));
            if current == Some(true) {
                self.crashed(
                    "the engine's worker was ended from outside the page (by the browser or a tool)".to_owned(),
                );
            }
        });
        // The request's promise settles only after the callback; a refusal changes nothing.
        if let Ok(promise) = request.call2(&locks, &name, &ended)
            && let Ok(catch) = get(&promise, "catch").dyn_into::<Function>()
        {
            let _ = catch.call1(&promise, &Closure::once_into_js(|_: JsValue| {}));
        }
    }

    /// Posts `request` as `id`, with `files` for a request that reads them.
    fn post(self, id: u32, request: &Request, files: Option<&[Input]>) {
        let message = Object::new();
        set(&message, "id", &id.into());
        set(&message, "request", &request.to_text().into());
        if let Some(files) = files {
            let blobs: Array = files.iter().map(|i| JsValue::from(&i.blob)).collect();
            set(&message, "files", &blobs);
        }
        let posted = self.with(|c| c.worker.as_ref().map(|r| r.worker.post_message(&message))).flatten();
        if let Some(Err(e)) = posted {
            self.error(format!("could not reach the engine: {}", js_text(&e)));
        }
    }

    /// Asks the worker, and calls `answer` with its reply (and the blob beside it).
    pub fn ask(self, request: Request, answer: impl FnOnce(Reply, Option<Blob>) + 'static) {
        self.ask_with(request, None, answer);
    }

    /// [`Engine::ask`], with the files a request reads beside it.
    fn ask_with(self, request: Request, files: Option<&[Input]>, answer: impl FnOnce(Reply, Option<Blob>) + 'static) {
        let failed = self.with(|c| c.machine.phase()).and_then(|p| match p {
            Phase::Failed(why) => Some(why),
            _ => None,
        });
        if let Some(why) = failed {
            return answer(Reply::Failed { message: why }, None);
        }
        let Some(id) = self.with(|c| {
            let id = c.machine.id();
            c.answers.insert(id, Box::new(answer));
            id
        }) else {
            return;
        };
        self.post(id, &request, files);
    }

    /// Adds files to the summary: they are read after those already given.
    pub fn add(self, inputs: Vec<Input>) {
        if inputs.is_empty() {
            return;
        }
        let Some(state) = self.state() else { return };
        self.submit(inputs, Reading::of(state), true);
    }

    fn submit(self, inputs: Vec<Input>, reading: Reading, adopt: bool) {
        let names = inputs.iter().map(|i| i.name.clone()).collect();
        let request = Request::Analyze { names, reading: reading.wire(), adopt };
        let Some(id) = self.with(|c| c.machine.submit(inputs.clone())) else { return };
        self.post(id, &request, Some(&inputs));
        self.show_progress();
    }

    /// The running batch's files in the progress panel, or none; set anew only when another
    /// batch starts, so that its progress is kept.
    fn show_progress(self) {
        self.with(|c| {
            let running = c.machine.running().map(|(id, _)| id);
            if running == c.progress_of {
                return;
            }
            c.progress_of = running;
            let progress = c.machine.running().map(|(_, files)| Progress {
                files: files
                    .iter()
                    .map(|i| FileProgress { name: i.name.clone(), size: i.blob.size(), done: 0.0 })
                    .collect(),
                started: now(),
            });
            c.state.progress.set(progress);
        });
    }

    /// Stops reading: the batches not answered add nothing, and the page stays usable.
    pub fn cancel(self) {
        let ids = self.with(|c| {
            c.epoch += 1;
            c.machine.unanswered()
        });
        for id in ids.unwrap_or_default() {
            let message = Object::new();
            set(&message, "cancel", &id.into());
            self.with(|c| c.worker.as_ref().map(|r| r.worker.post_message(&message)));
        }
    }

    /// A number that changes whenever the work is cancelled or cleared, so that work started
    /// before (walking a dropped folder) can tell it is no longer wanted.
    pub fn epoch(self) -> u32 {
        self.with(|c| c.epoch).unwrap_or(0)
    }

    /// Stops reading, forgets the files given, and asks `request`, which empties the worker's
    /// page; then every view asks again.
    fn start_over(self, request: Request) {
        self.cancel();
        self.with(|c| c.machine.forget());
        self.ask(request, move |_, _| self.changed());
    }

    /// Forgets every file.
    pub fn clear(self) {
        self.start_over(Request::Clear);
        if let Some(state) = self.state() {
            state.errors.set(Vec::new());
            state.overview.set(None);
        }
    }

    /// Makes the summary the baseline, then empties the page.
    pub fn summary_as_baseline(self) {
        self.start_over(Request::SummaryAsBaseline);
    }

    /// Makes a saved summary the baseline.
    pub fn baseline(self, input: Input) {
        let request = Request::Baseline { name: input.name.clone() };
        self.ask_with(request, Some(std::slice::from_ref(&input)), move |reply, _| match reply {
            Reply::Failed { message } => self.error(message),
            _ => self.changed(),
        });
    }

    /// Reads every file again, as `reading` says.
    pub fn set_reading(self, reading: Reading) {
        let Some(state) = self.state() else { return };
        if Reading::of(state) == reading {
            return;
        }
        self.cancel();
        let all = self.with(|c| c.machine.take_all()).unwrap_or_default();
        reading.clone().set(state);
        self.ask(Request::Clear, |_, _| {});
        state.overview.set(None);
        if !all.is_empty() {
            // Saved summaries read otherwise are left out with a message, not adopted.
            self.submit(all, reading, false);
        }
        self.changed();
    }

    /// Asks the engine for a generated sample log, then analyses it.
    pub fn sample(self) {
        self.with(|c| c.machine.await_one());
        self.ask(Request::Sample { iterations: 12, tests: 40, seed: 1 }, move |reply, blob| {
            self.with(|c| c.machine.awaited_done());
            match (reply, blob) {
                (Reply::File { name, .. }, Some(blob)) => self.add(vec![Input { blob, name }]),
                (Reply::Failed { message }, _) => self.error(message),
                _ => {}
            }
            self.settle();
        });
    }

    /// Builds an export in the worker and calls `done` with the file.
    pub fn export(self, export: Export, done: impl FnOnce(Result<(String, Blob), String>) + 'static) {
        self.ask(Request::Export(export), move |reply, blob| {
            done(match (reply, blob) {
                (Reply::File { name, .. }, Some(blob)) => Ok((name, blob)),
                (Reply::Failed { message }, _) => Err(message),
                (other, _) => Err(format!("the engine answered {other:?}")),
            })
        });
    }

    /// Calls `resolve` with the whole `lra-summary/1` object once the page is idle, or with
    /// `null` when there is none.
    pub fn when_idle(self, resolve: Function) {
        self.with(|c| c.waiters.push(resolve));
        self.settle();
    }

    /// Calls `f` in a task of its own once no answer is awaited. On two cores, a worker still
    /// answering takes the core that a long piece of the page's own work (drawing a chart) would
    /// want: such work waits for the engine to be quiet, and then does not freeze the page.
    pub fn when_quiet(self, f: impl FnOnce() + 'static) {
        self.with(|c| c.quiet.push(Box::new(f)));
        self.wake_quiet();
    }

    fn wake_quiet(self) {
        let quiet = self.with(|c| if c.answers.is_empty() { std::mem::take(&mut c.quiet) } else { Vec::new() });
        for f in quiet.unwrap_or_default() {
            set_timeout(f, std::time::Duration::ZERO);
        }
    }

    /// The engine's state for the embedding API's `status()`: `{phase, build, threads,
    /// isolated, parsers}`; `phase` is "starting", "idle", "running" or "failed" (then `reason`).
    pub fn status(self) -> JsValue {
        let status = Object::new();
        let Some((phase, state)) = self.with(|c| (c.machine.phase(), c.state)) else { return status.into() };
        let phase = match phase {
            Phase::Starting => "starting",
            Phase::Idle => "idle",
            Phase::Running { .. } => "running",
            Phase::Failed(why) => {
                set(&status, "reason", &why.into());
                "failed"
            }
        };
        set(&status, "phase", &phase.into());
        if let EngineStatus::Ready { build, threads, isolated } = state.engine.get_untracked() {
            set(&status, "build", &build.into());
            set(&status, "threads", &threads.into());
            set(&status, "isolated", &isolated.into());
        }
        set(&status, "parsers", &state.parsers.get_untracked().into());
        status.into()
    }

    /// Calls `f` after every change of the summary from now on.
    pub fn watch(self, f: impl Fn() + 'static) {
        self.with(|c| c.watchers.push(Box::new(f)));
    }

    /// The summary as its JSON object, decoded on this thread (the embedding API only).
    pub fn summary_object(self, done: impl FnOnce(JsValue) + 'static) {
        self.export(Export::Json { pretty: false }, move |file| {
            let Ok((_, blob)) = file else { return done(JsValue::NULL) };
            wasm_bindgen_futures::spawn_local(async move {
                let text = JsFuture::from(blob.text()).await.ok().and_then(|t| t.as_string());
                done(text.and_then(|t| js_sys::JSON::parse(&t).ok()).unwrap_or(JsValue::NULL));
            });
        });
    }

    /// Resolves the `summary()` promises once the page is idle.
    fn settle(self) {
        let waiters = self
            .with(|c| if c.machine.is_idle() { std::mem::take(&mut c.waiters) } else { Vec::new() })
            .unwrap_or_default();
        if waiters.is_empty() {
            return;
        }
        let has_summary = self.state().is_some_and(|s| s.overview.with_untracked(Option::is_some));
        let resolve_all = move |value: JsValue| {
            for resolve in &waiters {
                let _ = resolve.call1(&JsValue::NULL, &value);
            }
        };
        if has_summary { self.summary_object(resolve_all) } else { resolve_all(JsValue::NULL) }
    }

    /// The summary changed: every view asks again, then the overview and the waiters.
    fn changed(self) {
        let Some(state) = self.state() else { return };
        state.revision.update(|r| *r += 1);
        self.ask(Request::Overview, move |reply, _| {
            if let Reply::Overview(o) = reply {
                state.show(o);
            }
            self.settle();
            let watchers = self.with(|c| std::mem::take(&mut c.watchers)).unwrap_or_default();
            for w in &watchers {
                w();
            }
            // Watchers added meanwhile come after these.
            self.with(|c| {
                let added = std::mem::replace(&mut c.watchers, watchers);
                c.watchers.extend(added);
            });
        });
    }

    fn error(self, message: String) {
        if let Some(state) = self.state() {
            state.errors.update(|errs| errs.push(message));
        }
    }

    fn cannot_start(self, why: String) {
        let answers = self.with(|c| {
            c.machine.failed(why.clone());
            c.state.engine.set(EngineStatus::Failed(why.clone()));
            c.state.progress.set(None);
            std::mem::take(&mut c.answers)
        });
        self.error(why.clone());
        fail_all(answers.unwrap_or_default(), &why);
        self.settle();
        self.wake_quiet();
    }

    /// The worker stopped while answering request `id`: a fresh one reads again every file but
    /// those being read, which are left out with a message.
    fn crashed(self, why: String) {
        let Some((recovery, answers, state)) = self.with(|c| {
            if let Some(running) = c.worker.take() {
                running.worker.set_onmessage(None);
                running.worker.terminate();
            }
            c.state.engine.set(EngineStatus::Starting);
            (c.machine.crashed(), std::mem::take(&mut c.answers), c.state)
        }) else {
            return;
        };
        let lost: Vec<String> = recovery.lost.iter().map(|i| i.name.clone()).collect();
        self.error(match lost.is_empty() {
            true => format!("{why}; the engine was started again"),
            false => format!("{why}; the engine was started again without {}", lost.join(", ")),
        });
        fail_all(answers, &why);
        self.spawn();
        state.overview.set(None);
        if !recovery.again.is_empty() {
            self.submit(recovery.again, Reading::of(state), false);
        }
        self.show_progress();
        self.changed();
    }

    fn on_message(self, data: JsValue) {
        if let Some(lifeline) = get(&data, "held").as_string() {
            return self.watch_for_end(lifeline);
        }
        let id = get(&data, "id").as_f64().map(|id| id as u32);
        if let Some(why) = get(&data, "fatal").as_string() {
            return match id {
                None => self.cannot_start(why),
                Some(_) => self.crashed(why),
            };
        }
        let reply = match Reply::from_text(&get(&data, "reply").as_string().unwrap_or_default()) {
            Ok(reply) => reply,
            Err(e) => return self.error(e),
        };
        let blob = get(&data, "blob").dyn_into::<Blob>().ok();
        match (id, reply) {
            (None, Reply::Ready { build, threads, isolated }) => {
                self.with(|c| {
                    c.machine.loaded();
                    c.state.engine.set(EngineStatus::Ready { build, threads, isolated });
                });
                self.settle();
            }
            (Some(id), Reply::Progress { file, done, .. }) => {
                if self.with(|c| c.machine.running().map(|(r, _)| r)).flatten() == Some(id)
                    && let Some(state) = self.state()
                {
                    state.progress.update(|p| {
                        if let Some(f) = p.as_mut().and_then(|p| p.files.get_mut(file as usize)) {
                            f.done = done;
                        }
                    });
                }
            }
            (Some(id), reply @ (Reply::Analyzed { .. } | Reply::Cancelled | Reply::Failed { .. }))
                if self.with(|c| c.machine.unanswered().contains(&id)) == Some(true) =>
            {
                self.batch_answered(id, reply)
            }
            (Some(id), reply) => {
                if let Some(answer) = self.with(|c| c.answers.remove(&id)).flatten() {
                    answer(reply, blob);
                }
                self.wake_quiet();
            }
            (None, _) => {}
        }
    }

    fn batch_answered(self, id: u32, reply: Reply) {
        let Some(state) = self.state() else { return };
        let added = matches!(reply, Reply::Analyzed { .. });
        self.with(|c| c.machine.answered(id, added));
        match reply {
            Reply::Analyzed { problems, adopted, parsers, .. } => {
                state.parsers.set(parsers);
                if !problems.is_empty() {
                    state.errors.update(|errs| errs.extend(problems));
                }
                if let Some(reading) = adopted.and_then(|r| Reading::from_wire(&r).ok()) {
                    reading.set(state);
                }
            }
            Reply::Failed { message } => self.error(message),
            _ => {}
        }
        self.show_progress();
        self.changed();
    }
}

/// Answers every awaited request: the engine that would have answered is gone, for `why`.
fn fail_all(answers: HashMap<u32, Answer>, why: &str) {
    for (_, answer) in answers {
        answer(Reply::Failed { message: why.to_owned() }, None);
    }
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn set(o: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(o, &key.into(), value);
}

/// A JS error's message.
pub fn js_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{e:?}"), |e| String::from(e.message()))
}

/// The latest answer to the request `make` builds, asked again whenever the signals it reads
/// change (the summary's revision among them); `None` until answered, or when `make` asks
/// nothing. The previous answer stays shown while the next is on its way, and while one is on
/// its way only the latest of the requests made meanwhile is sent after it: typing a filter over
/// a million tests does not queue a sort per key in the worker.
pub fn asked<T: Send + Sync + 'static>(
    make: impl Fn() -> Option<Request> + 'static,
    pick: fn(Reply) -> Option<T>,
) -> ReadSignal<Option<T>> {
    let engine = expect_context::<Engine>();
    let (answer, set_answer) = signal(None);
    let waiting = StoredValue::new_local(Waiting::default());
    Effect::new(move |_| {
        let request = make();
        let send_now = waiting.try_update_value(|w| {
            w.latest += 1;
            w.next = None;
            match (&request, w.busy) {
                (Some(request), true) => {
                    w.next = Some((w.latest, request.clone()));
                    None
                }
                (Some(_), false) => Some(w.latest),
                (None, _) => None,
            }
        });
        match (request, send_now.flatten()) {
            (Some(request), Some(number)) => send(engine, number, request, waiting, set_answer, pick),
            (None, _) => set_answer.set(None),
            _ => {}
        }
    });
    answer
}

/// [`asked`] for a request about the summary: asked again whenever the summary changes, and
/// only while there is one (`make` is called every time, so that the signals it reads are
/// tracked).
pub fn asked_of_summary<T: Send + Sync + 'static>(
    make: impl Fn() -> Request + 'static,
    pick: fn(Reply) -> Option<T>,
) -> ReadSignal<Option<T>> {
    let state = expect_context::<AppState>();
    asked(
        move || {
            state.revision.track();
            let request = make();
            state.overview.with(Option::is_some).then_some(request)
        },
        pick,
    )
}

/// The requests of one [`asked`].
#[derive(Default)]
struct Waiting {
    /// A request is on its way.
    busy: bool,
    /// The number of the latest request made, whose answer alone is shown.
    latest: u64,
    /// The latest request made while one was on its way, to send when it is answered.
    next: Option<(u64, Request)>,
}

fn send<T: Send + Sync + 'static>(
    engine: Engine,
    number: u64,
    request: Request,
    waiting: StoredValue<Waiting, LocalStorage>,
    set_answer: WriteSignal<Option<T>>,
    pick: fn(Reply) -> Option<T>,
) {
    waiting.update_value(|w| w.busy = true);
    engine.ask(request, move |reply, _| {
        let (next, latest) = waiting
            .try_update_value(|w| {
                w.busy = false;
                (w.next.take(), w.latest)
            })
            .unwrap_or((None, 0));
        match next {
            Some((n, next)) => send(engine, n, next, waiting, set_answer, pick),
            None if number == latest => set_answer.set(pick(reply)),
            None => {}
        }
    });
}
