//! The client of the engine worker: a queue of batches of files, one analysis at a time.
//!
//! Worker objects, Files and JS callbacks are not `Send`, so they live here in a thread-local
//! rather than in signals; the signals in [`AppState`] carry what the UI shows.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Arc;

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use leptos::prelude::{GetUntracked, Set, Update, WithUntracked};
use lra_core::{LogFormat, Options, Summary};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, MessageEvent, Worker, WorkerOptions, WorkerType};

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

struct Job {
    id: u32,
    inputs: Vec<Input>,
}

type OnMessage = Closure<dyn FnMut(MessageEvent)>;
type SummaryListener = Box<dyn Fn(&Summary)>;

struct Client {
    state: AppState,
    worker: Worker,
    _on_message: OnMessage,
    next_job: u32,
    running: Option<Job>,
    queued: VecDeque<Input>,
    /// Every input whose analysis completed, for re-analysis in another name mode.
    analysed: Vec<Input>,
    /// Saved summaries being read.
    loading: usize,
    /// Sample logs asked of the engine and not yet received.
    samples: usize,
    /// Saved summaries merged into the page, by the name they were given under, kept to be
    /// merged again after the way of reading changes.
    saved: Vec<(String, Summary)>,
    /// Bumped by every Cancel and Clear; see [`epoch`].
    epoch: u32,
    /// `summary()` promises waiting for the queue to empty.
    waiters: Vec<Function>,
    /// Called with each completed summary (the iframe embedding posts it to the parent).
    on_summary: Vec<SummaryListener>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

fn with_client<R>(f: impl FnOnce(&mut Client) -> R) -> Option<R> {
    CLIENT.with(|c| c.borrow_mut().as_mut().map(f))
}

/// Starts the engine worker.
pub fn start(state: AppState) {
    match spawn_worker(state) {
        Ok((worker, on_message)) => CLIENT.with(|c| {
            *c.borrow_mut() = Some(Client {
                state,
                worker,
                _on_message: on_message,
                next_job: 1,
                running: None,
                queued: VecDeque::new(),
                analysed: Vec::new(),
                loading: 0,
                samples: 0,
                saved: Vec::new(),
                epoch: 0,
                waiters: Vec::new(),
                on_summary: Vec::new(),
            })
        }),
        Err(e) => state.engine.set(EngineStatus::Failed(js_text(&e))),
    }
}

fn spawn_worker(state: AppState) -> Result<(Worker, OnMessage), JsValue> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    // Relative to the page, so that the app works from any sub-path.
    let worker = Worker::new_with_options("./engine/worker.js", &options)?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        on_message(state, event.data());
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Ok((worker, on_message))
}

/// Adds files to the summary: they are analysed after those already queued.
pub fn add(inputs: Vec<Input>) {
    if inputs.is_empty() {
        return;
    }
    // A `.json` file may be a summary saved earlier: it is merged as it is, not parsed as a log.
    let (saved, logs): (Vec<Input>, Vec<Input>) = inputs.into_iter().partition(|i| i.name.ends_with(".json"));
    for input in saved {
        let Some(started) = with_client(|c| {
            c.loading += 1;
            c.epoch
        }) else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let text = JsFuture::from(input.blob.text()).await.ok().and_then(|t| t.as_string());
            // Cancel or Clear since the read began: the file is no longer wanted.
            let Some((state, current)) = with_client(|c| {
                c.loading -= 1;
                (c.state, c.epoch == started)
            }) else {
                return;
            };
            if current {
                match text.as_deref().map(Summary::from_json) {
                    Some(Ok(saved)) => {
                        if merge_in(state, &input.name, saved.clone(), Vec::new()) {
                            with_client(|c| c.saved.push((input.name, saved)));
                        }
                    }
                    // Not a saved summary: read it as a log.
                    _ => with_client(|c| c.queued.push_back(input)).unwrap_or(()),
                }
            }
            kick();
            settle();
        });
    }
    with_client(|c| c.queued.extend(logs));
    kick();
}

/// The core's options for how the page reads logs now.
fn page_options(state: AppState) -> Options {
    let r = Reading::of(state);
    let (name_mode, markers, format) = (r.name_mode, r.markers, r.log_format);
    Options { name_mode, markers, format, iteration_per_file: r.iteration_per_file, ..Options::default() }
}

/// Merges a completed batch (or a saved summary, given under `name`) into the page's summary.
/// Returns whether it did.
fn merge_in(state: AppState, name: &str, batch: Summary, inputs: Vec<Input>) -> bool {
    let empty = state.summary.with_untracked(Option::is_none)
        && with_client(|c| c.analysed.is_empty() && c.queued.is_empty() && c.running.is_none()).unwrap_or(true);
    if empty {
        // Nothing else on the page: take the saved summary's way of reading.
        if batch.name_mode != state.name_mode.get_untracked() {
            state.name_mode.set(batch.name_mode);
        }
        if batch.markers != state.markers.get_untracked() {
            state.markers.set(batch.markers.clone());
        }
    }
    let mut merged =
        state.summary.get_untracked().map_or_else(|| Summary::empty_for(&page_options(state)), Arc::unwrap_or_clone);
    if let Err(e) = merged.merge(batch) {
        state.errors.update(|errs| errs.push(format!("{name}: {e}: change the settings to match and give it again")));
        return false;
    }
    with_client(|c| {
        c.analysed.extend(inputs);
        for f in &c.on_summary {
            f(&merged);
        }
    });
    state.summary.set(Some(Arc::new(merged)));
    true
}

/// Stops the running analysis: its files are left out, and the page stays usable.
pub fn cancel() {
    restart_worker();
    settle();
}

/// Replaces the worker with a fresh one and forgets what was running or queued.
fn restart_worker() {
    let Some(state) = with_client(|c| {
        // Messages already on their way from the old worker must not reach a dropped callback.
        c.worker.set_onmessage(None);
        c.worker.terminate();
        c.running = None;
        c.queued.clear();
        c.samples = 0;
        c.epoch += 1;
        c.state.progress.set(None);
        c.state.engine.set(EngineStatus::Starting);
        c.state
    }) else {
        return;
    };
    match spawn_worker(state) {
        Ok((worker, on_message)) => {
            with_client(|c| {
                c.worker = worker;
                c._on_message = on_message;
            });
        }
        Err(e) => state.engine.set(EngineStatus::Failed(js_text(&e))),
    }
}

/// A number that changes whenever the work is cancelled or cleared, so that work started before
/// can tell it is no longer wanted.
pub fn epoch() -> u32 {
    with_client(|c| c.epoch).unwrap_or(0)
}

/// Forgets every file.
pub fn clear() {
    restart_worker();
    with_client(|c| {
        c.analysed.clear();
        c.saved.clear();
        c.state.summary.set(None);
        c.state.errors.set(Vec::new());
    });
    settle();
}

/// Analyses every file again, read as `reading` says. Saved summaries read otherwise cannot be
/// read again, so they are left out, with a message.
pub fn set_reading(reading: Reading) {
    let state = with_client(|c| c.state);
    let Some(state) = state else { return };
    if Reading::of(state) == reading {
        return;
    }
    let (pending, saved): (Vec<Input>, Vec<(String, Summary)>) = with_client(|c| {
        let mut all = std::mem::take(&mut c.analysed);
        all.extend(c.running.take().map(|j| j.inputs).unwrap_or_default());
        all.extend(c.queued.drain(..));
        (all, std::mem::take(&mut c.saved))
    })
    .unwrap_or_default();
    restart_worker();
    reading.set(state);
    state.summary.set(None);
    let page = Summary::empty_for(&page_options(state));
    for (name, s) in saved {
        match page.can_merge(&s) {
            Ok(()) => {
                if merge_in(state, &name, s.clone(), Vec::new()) {
                    with_client(|c| c.saved.push((name, s)));
                }
            }
            Err(e) => state.errors.update(|errs| errs.push(format!("{name} was left out: {e}"))),
        }
    }
    add(pending);
    settle();
}

/// Asks the engine for a generated sample log, then analyses it.
pub fn sample() {
    with_client(|c| {
        c.samples += 1;
        let message = Object::new();
        set(&message, "type", &"sample".into());
        set(&message, "job", &0.into());
        set(&message, "iterations", &12.into());
        set(&message, "tests", &40.into());
        let _ = c.worker.post_message(&message);
    });
}

/// Registers a callback for `summary()`: called now if idle, else when the queue empties.
pub fn when_idle(resolve: Function) {
    match with_client(|c| c.waiters.push(resolve.clone())) {
        Some(()) => settle(),
        // No engine could be started: nothing will be analysed.
        None => {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
        }
    }
}

/// Registers a listener for completed summaries.
pub fn on_summary(f: impl Fn(&Summary) + 'static) {
    with_client(|c| c.on_summary.push(Box::new(f)));
}

/// Starts the next batch if nothing runs: all queued files go in one job.
fn kick() {
    with_client(|c| {
        if c.running.is_some() || c.queued.is_empty() {
            return;
        }
        if !matches!(c.state.engine.get_untracked(), EngineStatus::Ready { .. }) {
            return;
        }
        let inputs: Vec<Input> = c.queued.drain(..).collect();
        let id = c.next_job;
        c.next_job += 1;
        let files = Array::new();
        let names = Array::new();
        for input in &inputs {
            files.push(&input.blob);
            names.push(&JsValue::from_str(&input.name));
        }
        let message = Object::new();
        set(&message, "type", &"analyze".into());
        set(&message, "job", &id.into());
        set(&message, "files", &files);
        set(&message, "names", &names);
        set(&message, "nameMode", &c.state.name_mode.get_untracked().as_str().into());
        let markers = c.state.markers.get_untracked();
        let m = Object::new();
        set(&m, "test", &markers.test().into());
        set(&m, "result", &markers.result().into());
        set(&m, "iteration", &markers.iteration().into());
        set(&m, "ignoreCase", &markers.ignore_case().into());
        set(&message, "markers", &m);
        // Custom markers mean the markers format, as on the command line.
        let format = match c.state.log_format.get_untracked() {
            Some(f) => f.as_str(),
            None if !markers.is_default() => LogFormat::Markers.as_str(),
            None => "auto",
        };
        set(&message, "logFormat", &format.into());
        set(&message, "iterationPerFile", &c.state.iteration_per_file.get_untracked().into());
        c.state.progress.set(Some(Progress {
            files: inputs
                .iter()
                .map(|i| FileProgress { name: i.name.clone(), size: i.blob.size(), done: 0.0 })
                .collect(),
            started: now(),
        }));
        if let Err(e) = c.worker.post_message(&message) {
            c.state.errors.update(|errs| errs.push(format!("could not start the analysis: {}", js_text(&e))));
            c.state.progress.set(None);
            return;
        }
        c.running = Some(Job { id, inputs });
    });
}

/// Resolves the `summary()` promises once nothing is running or queued.
fn settle() {
    let ready = with_client(|c| {
        let idle = c.running.is_none() && c.queued.is_empty() && c.loading == 0 && c.samples == 0;
        if !idle {
            return None;
        }
        let summary = c.state.summary.get_untracked();
        Some((std::mem::take(&mut c.waiters), summary))
    })
    .flatten();
    if let Some((waiters, summary)) = ready.filter(|(waiters, _)| !waiters.is_empty()) {
        let value = match summary {
            Some(s) => js_sys::JSON::parse(&s.to_json()).unwrap_or(JsValue::NULL),
            None => JsValue::NULL,
        };
        for resolve in waiters {
            let _ = resolve.call1(&JsValue::NULL, &value);
        }
    }
}

fn on_message(state: AppState, data: JsValue) {
    let kind = get(&data, "type").as_string().unwrap_or_default();
    let job = get(&data, "job").as_f64().map(|j| j as u32);
    let current = with_client(|c| c.running.as_ref().map(|j| j.id)).flatten();
    match kind.as_str() {
        "ready" => {
            state.engine.set(EngineStatus::Ready {
                build: get(&data, "build").as_string().unwrap_or_default(),
                threads: get(&data, "threads").as_f64().unwrap_or(1.0) as u32,
                isolated: get(&data, "isolated").is_truthy(),
            });
            kick();
        }
        "progress" if job.is_some() && job == current => {
            let file = get(&data, "file").as_f64().unwrap_or(0.0) as usize;
            let done = get(&data, "done").as_f64().unwrap_or(0.0);
            state.progress.update(|p| {
                if let Some(f) = p.as_mut().and_then(|p| p.files.get_mut(file)) {
                    f.done = done;
                }
            });
        }
        "summary" if job.is_some() && job == current => {
            let job = with_client(|c| c.running.take()).flatten();
            for e in js_strings(&get(&data, "errors")) {
                state.errors.update(|errs| errs.push(e));
            }
            let json = get(&data, "json").as_string().unwrap_or_default();
            match Summary::from_json(&json) {
                Ok(batch) => {
                    merge_in(state, "the files analysed", batch, job.map(|j| j.inputs).unwrap_or_default());
                }
                Err(e) => state.errors.update(|errs| errs.push(format!("the engine answered oddly: {e}"))),
            }
            state.progress.set(None);
            kick();
            settle();
        }
        "sample" => {
            with_client(|c| c.samples = c.samples.saturating_sub(1));
            let bytes: Uint8Array = get(&data, "bytes").unchecked_into();
            let parts = Array::of1(&bytes);
            match File::new_with_u8_array_sequence(&parts, "sample.log") {
                Ok(file) => add(vec![Input::from_file(file, None)]),
                Err(e) => state.errors.update(|errs| errs.push(js_text(&e))),
            }
        }
        "error" => {
            let message = get(&data, "message").as_string().unwrap_or_else(|| "unknown error".into());
            state.errors.update(|errs| errs.push(message.clone()));
            if job.is_none() {
                // The engine could not start: nothing queued can run.
                state.engine.set(EngineStatus::Failed(message));
                with_client(|c| {
                    c.queued.clear();
                    c.running = None;
                    c.samples = 0;
                });
                state.progress.set(None);
            }
            if job.is_some() && job == current {
                with_client(|c| c.running = None);
                state.progress.set(None);
                if get(&data, "fatal").is_truthy() {
                    // The engine's instance is broken: start a fresh worker, keeping the queue.
                    let queued: Vec<Input> = with_client(|c| c.queued.drain(..).collect()).unwrap_or_default();
                    restart_worker();
                    with_client(|c| c.queued.extend(queued));
                }
                kick();
            }
            settle();
        }
        _ => {}
    }
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn set(o: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(o, &key.into(), value);
}

fn js_strings(v: &JsValue) -> Vec<String> {
    if !Array::is_array(v) {
        return Vec::new();
    }
    Array::from(v).iter().filter_map(|s| s.as_string()).collect()
}

/// A JS error's message.
pub fn js_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{e:?}"), |e| String::from(e.message()))
}
