//! The engine worker and the messages to and from it: starting the worker, the envelope of each
//! message (see `lra_protocol`), the Web Locks lifeline that tells the page when the worker is
//! gone, and the answers awaited by request id. What the worker says that is no awaited answer
//! (it is ready, a batch's progress and end, it stopped) is handed to the one listener given at
//! [`Transport::start`], the engine client. Worker objects, Blobs and JS callbacks are not
//! `Send`, so the transport lives in a local [`StoredValue`]; no borrow of it is held while a
//! callback runs, since a callback may ask again.

use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use leptos::prelude::*;
use lra_protocol::query::{NoAnswer, Query};
use lra_protocol::{Reply, Request};
use wasm_bindgen::prelude::*;
use web_sys::{Blob, MessageEvent, Worker, WorkerOptions, WorkerType};

type OnMessage = Closure<dyn FnMut(MessageEvent)>;

/// The engine worker, and what hears from it.
struct Running {
    worker: Worker,
    _on_message: OnMessage,
    /// The name of the Web Lock the worker holds for as long as it lives (see
    /// [`Transport::watch_for_end`]).
    lifeline: String,
}

/// Called with a reply and the blob beside it.
type Answer = Box<dyn FnOnce(Reply, Option<Blob>)>;

/// What the worker said that is not an awaited answer, for the listener.
pub enum Heard {
    /// The engine is loaded: which build, how many threads parse, whether the page is isolated.
    Ready { build: String, threads: u32, isolated: bool },
    /// A reply to request `id`, for which no answer is awaited: a batch's progress or its end.
    Reply { id: u32, reply: Box<Reply> },
    /// The worker could not start: nothing posted will be answered.
    CannotStart(String),
    /// The worker stopped while it was answering (a trap, or it was ended from outside).
    Stopped(String),
    /// Something to tell the user: a message that could not be read or sent.
    Problem(String),
}

struct Link {
    worker: Option<Running>,
    /// The answers awaited, by request id.
    answers: HashMap<u32, Answer>,
    /// Called once no answer is awaited; see [`Transport::when_quiet`].
    quiet: Vec<Box<dyn FnOnce()>>,
    /// Why the worker could not start: every request is then answered at once with it.
    failed: Option<String>,
    /// A fresh request id each call: one sequence for batches and queries (the client's
    /// `Machine` draws them), since the worker's replies are routed by id.
    ids: Option<Box<dyn FnMut() -> u32>>,
    listener: Option<Rc<dyn Fn(Heard)>>,
}

/// The answers that will not come: the worker that would have given them is gone.
pub struct Unanswered(HashMap<u32, Answer>);

impl Unanswered {
    /// Answers each awaited request with `why`.
    pub fn fail(self, why: &str) {
        for (_, answer) in self.0 {
            answer(Reply::Failed { message: why.to_owned() }, None);
        }
    }
}

/// The handle to the worker's messages, `Copy`.
#[derive(Clone, Copy)]
pub struct Transport(StoredValue<Link, LocalStorage>);

impl Transport {
    /// A transport with no worker yet; see [`Transport::start`].
    pub fn new() -> Transport {
        Transport(StoredValue::new_local(Link {
            worker: None,
            answers: HashMap::new(),
            quiet: Vec::new(),
            failed: None,
            ids: None,
            listener: None,
        }))
    }

    fn with<R>(self, f: impl FnOnce(&mut Link) -> R) -> Option<R> {
        self.0.try_update_value(f)
    }

    /// Starts the worker: request ids come from `ids`, and what is heard goes to `listener`.
    pub fn start(self, ids: impl FnMut() -> u32 + 'static, listener: impl Fn(Heard) + 'static) {
        self.with(|l| {
            l.ids = Some(Box::new(ids));
            l.listener = Some(Rc::new(listener));
        });
        self.spawn();
    }

    fn hear(self, heard: Heard) {
        if let Some(listener) = self.with(|l| l.listener.clone()).flatten() {
            listener(heard);
        }
    }

    /// Starts a worker, the current one from now on.
    pub fn spawn(self) {
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
                self.with(|l| l.worker = Some(running));
            }
            Err(e) => self.hear(Heard::CannotStart(js_text(&e))),
        }
    }

    /// Ends the current worker, which stopped: the answers it owed are handed back, to fail.
    pub fn end_worker(self) -> Unanswered {
        let answers = self.with(|l| {
            if let Some(running) = l.worker.take() {
                running.worker.set_onmessage(None);
                running.worker.terminate();
            }
            std::mem::take(&mut l.answers)
        });
        Unanswered(answers.unwrap_or_default())
    }

    /// The worker could not start, for `why`: every awaited request, and every one asked from
    /// now on, is answered with it.
    pub fn fail(self, why: &str) {
        let answers = self.with(|l| {
            l.failed = Some(why.to_owned());
            std::mem::take(&mut l.answers)
        });
        Unanswered(answers.unwrap_or_default()).fail(why);
        self.wake_quiet();
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
            let current = self.with(|l| l.worker.as_ref().is_some_and(|r| r.lifeline == lifeline));
            if current == Some(true) {
                self.hear(Heard::Stopped(
                    "the engine's worker was ended from outside the page (by the browser or a tool)".to_owned(),
                ));
            }
        });
        // The request's promise settles only after the callback; a refusal changes nothing.
        if let Ok(promise) = request.call2(&locks, &name, &ended)
            && let Ok(catch) = get(&promise, "catch").dyn_into::<Function>()
        {
            let _ = catch.call1(&promise, &Closure::once_into_js(|_: JsValue| {}));
        }
    }

    /// Posts `request` as `id`, with the Blobs of `files` for a request that reads them.
    pub fn post(self, id: u32, request: &Request, files: Option<&[Blob]>) {
        let message = Object::new();
        set(&message, "id", &id.into());
        set(&message, "request", &request.to_text().into());
        if let Some(files) = files {
            let blobs: Array = files.iter().map(JsValue::from).collect();
            set(&message, "files", &blobs);
        }
        let posted = self.with(|l| l.worker.as_ref().map(|r| r.worker.post_message(&message))).flatten();
        if let Some(Err(e)) = posted {
            self.hear(Heard::Problem(format!("could not reach the engine: {}", js_text(&e))));
        }
    }

    /// Stops the reading of request `id`'s files between two slices.
    pub fn cancel(self, id: u32) {
        let message = Object::new();
        set(&message, "cancel", &id.into());
        self.with(|l| l.worker.as_ref().map(|r| r.worker.post_message(&message)));
    }

    /// Asks the worker `request`, with `files` beside it, and calls `answer` with its reply and
    /// the blob beside it.
    pub fn send(self, request: Request, files: Option<&[Blob]>, answer: impl FnOnce(Reply, Option<Blob>) + 'static) {
        if let Some(why) = self.with(|l| l.failed.clone()).flatten() {
            return answer(Reply::Failed { message: why }, None);
        }
        let Some(id) = self.with(|l| {
            let id = l.ids.as_mut().map_or(0, |ids| ids());
            l.answers.insert(id, Box::new(answer));
            id
        }) else {
            return;
        };
        self.post(id, &request, files);
    }

    /// Asks `query`, with `files` beside it, and calls `answer` with its typed answer and the
    /// blob beside it.
    pub fn ask<Q: Query>(
        self,
        query: Q,
        files: Option<&[Blob]>,
        answer: impl FnOnce(Result<Q::Answer, NoAnswer>, Option<Blob>) + 'static,
    ) {
        self.send(query.request(), files, move |reply, blob| answer(Q::answer(reply), blob));
    }

    /// Calls `f` in a task of its own once no answer is awaited. On two cores, a worker still
    /// answering takes the core that a long piece of the page's own work (drawing a chart) would
    /// want: such work waits for the engine to be quiet, and then does not freeze the page.
    pub fn when_quiet(self, f: impl FnOnce() + 'static) {
        self.with(|l| l.quiet.push(Box::new(f)));
        self.wake_quiet();
    }

    fn wake_quiet(self) {
        let quiet = self.with(|l| if l.answers.is_empty() { std::mem::take(&mut l.quiet) } else { Vec::new() });
        for f in quiet.unwrap_or_default() {
            set_timeout(f, std::time::Duration::ZERO);
        }
    }

    fn on_message(self, data: JsValue) {
        if let Some(lifeline) = get(&data, "held").as_string() {
            return self.watch_for_end(lifeline);
        }
        let id = get(&data, "id").as_f64().map(|id| id as u32);
        if let Some(why) = get(&data, "fatal").as_string() {
            return self.hear(match id {
                None => Heard::CannotStart(why),
                Some(_) => Heard::Stopped(why),
            });
        }
        let reply = match Reply::from_text(&get(&data, "reply").as_string().unwrap_or_default()) {
            Ok(reply) => reply,
            Err(e) => return self.hear(Heard::Problem(e)),
        };
        match (id, reply) {
            (None, Reply::Ready { build, threads, isolated }) => self.hear(Heard::Ready { build, threads, isolated }),
            (Some(id), reply) => {
                // Batches are posted without an awaited answer: their ids are never among these.
                match self.with(|l| l.answers.remove(&id)).flatten() {
                    Some(answer) => answer(reply, get(&data, "blob").dyn_into::<Blob>().ok()),
                    None => self.hear(Heard::Reply { id, reply: Box::new(reply) }),
                }
                self.wake_quiet();
            }
            (None, _) => {}
        }
    }
}

pub fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

pub fn set(o: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(o, &key.into(), value);
}

/// A JS error's message.
pub fn js_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{e:?}"), |e| String::from(e.message()))
}
