//! The engine client: the handle, provided through context, through which the page asks the
//! worker that keeps the summary. It ties the parts together: the [`Transport`] (the worker and
//! its messages), the [`Batches`] (the files being read), the [`Watchers`] (the embedding API's
//! waits); it hears what the worker says, restarts it when it stops, and, whenever the summary
//! changes, bumps the page's revision (every view asks again) and shows the new overview. Views
//! ask typed queries ([`EngineHandle::ask`], or the hooks of `asked`); the embedding API gets a
//! narrower handle, [`ForEmbedding`].

use js_sys::{Function, Object};
use leptos::prelude::*;
use lra_core::folder_of_builds;
use lra_protocol::query::{Baseline, Clear, MadeFile, NoAnswer, OverviewQuery, Query, Sample, SummaryAsBaseline};
use lra_protocol::{Export, Reading, Reply};
use wasm_bindgen::JsValue;
use web_sys::Blob;

use crate::batches::{BatchEnd, Batches, Input, Progress};
use crate::client::Phase;
use crate::state::AppState;
use crate::transport::{Heard, Transport, set};
use crate::watchers::{Watchers, summary_object};

/// What the engine worker said about itself.
#[derive(Clone, Debug, PartialEq)]
pub enum EngineStatus {
    /// The worker is loading its wasm.
    Starting,
    /// Ready: which build, how many threads, and whether the page is cross-origin isolated.
    Ready { build: String, threads: u32, isolated: bool },
    /// The worker could not start.
    Failed(String),
}

/// The handle to the engine, `Copy`, provided as context.
#[derive(Clone, Copy)]
pub struct EngineHandle {
    transport: Transport,
    batches: Batches,
    watchers: Watchers,
    state: AppState,
    /// What the worker said about itself.
    status: RwSignal<EngineStatus>,
}

impl EngineHandle {
    /// Starts the engine worker.
    pub fn start(state: AppState) -> EngineHandle {
        let transport = Transport::new();
        let batches = Batches::new(transport);
        let engine = EngineHandle {
            transport,
            batches,
            watchers: Watchers::new(transport),
            state,
            status: RwSignal::new(EngineStatus::Starting),
        };
        transport.start(move || batches.fresh_id(), move |heard| engine.heard(heard));
        engine
    }

    /// What the worker said about itself.
    pub fn status(self) -> ReadSignal<EngineStatus> {
        self.status.read_only()
    }

    /// The running analysis, while there is one.
    pub fn progress(self) -> ReadSignal<Option<Progress>> {
        self.batches.progress.read_only()
    }

    /// Asks `query`, and calls `answer` with its answer.
    pub fn ask<Q: Query>(self, query: Q, answer: impl FnOnce(Result<Q::Answer, NoAnswer>) + 'static) {
        self.transport.ask(query, None, move |a, _| answer(a));
    }

    /// Calls `f` in a task of its own once no answer is awaited (see [`Transport::when_quiet`]).
    pub fn when_quiet(self, f: impl FnOnce() + 'static) {
        self.transport.when_quiet(f);
    }

    /// The embedding API's handle.
    pub fn for_embedding(self) -> ForEmbedding {
        ForEmbedding(self)
    }

    /// Adds files to the summary: they are read after those already given.
    pub fn add(self, inputs: Vec<Input>) {
        if inputs.is_empty() {
            return;
        }
        // A folder of archives or subfolders dropped on an empty page: one build each.
        let empty = self.state.overview.with_untracked(Option::is_none) && self.batches.is_idle();
        if empty && folder_of_builds(inputs.iter().map(|i| i.name.as_str())) {
            self.state.files_are_builds.set(true);
        }
        self.batches.submit(inputs, self.state.reading(), true);
    }

    /// Stops reading: the batches not answered add nothing, and the page stays usable.
    pub fn cancel(self) {
        self.batches.cancel();
    }

    /// A number that changes whenever the work is cancelled or cleared, so that work started
    /// before (walking a dropped folder) can tell it is no longer wanted.
    pub fn epoch(self) -> u32 {
        self.batches.epoch()
    }

    /// Stops reading, forgets the files given, and asks `query`, which empties the worker's
    /// page; then every view asks again.
    fn start_over(self, query: impl Query + 'static) {
        self.cancel();
        self.batches.forget();
        self.ask(query, move |_| self.changed());
    }

    /// Forgets every file; the page shows no summary.
    pub fn clear(self) {
        self.start_over(Clear);
        self.state.overview.set(None);
    }

    /// Makes the summary the baseline, then empties the page.
    pub fn summary_as_baseline(self) {
        self.start_over(SummaryAsBaseline);
    }

    /// Makes a saved summary the baseline.
    pub fn baseline(self, input: Input) {
        let query = Baseline { name: input.name.clone() };
        self.transport.ask(query, Some(std::slice::from_ref(&input.blob)), move |answer, _| match answer {
            Err(NoAnswer::Failed(message)) => self.error(message),
            _ => self.changed(),
        });
    }

    /// Reads every file again, as `reading` says.
    pub fn set_reading(self, reading: Reading) {
        let state = self.state;
        if state.reading() == reading {
            return;
        }
        self.cancel();
        let all = self.batches.take_all();
        if let Err(e) = state.set_reading(&reading) {
            return self.error(e);
        }
        self.ask(Clear, |_| {});
        state.overview.set(None);
        if !all.is_empty() {
            // Saved summaries read otherwise are left out with a message, not adopted.
            self.batches.submit(all, reading, false);
        }
        self.changed();
    }

    /// Asks the engine for a generated sample log, then analyses it.
    pub fn sample(self) {
        self.batches.await_one();
        self.transport.ask(Sample { iterations: 12, tests: 40, seed: 1 }, None, move |file, blob| {
            self.batches.awaited_done();
            match (file, blob) {
                (Ok(file), Some(blob)) => self.add(vec![Input { blob, name: file.name }]),
                (Err(NoAnswer::Failed(message)), _) => self.error(message),
                _ => {}
            }
            self.settle();
        });
    }

    /// Builds an export in the worker and calls `done` with the file.
    pub fn export(self, export: Export, done: impl FnOnce(Result<(String, Blob), String>) + 'static) {
        self.transport.ask(export, None, move |file, blob| {
            done(match (file, blob) {
                (Ok(file), Some(blob)) => Ok((file.name, blob)),
                // A file without its blob: as the worker said it.
                (Ok(MadeFile { name, mime }), None) => {
                    Err(format!("the engine answered {:?}", Reply::File { name, mime }))
                }
                (Err(no), _) => Err(no.to_string()),
            })
        });
    }

    /// Resolves the `summary()` promises once the page is idle.
    fn settle(self) {
        let has_summary = self.state.overview.with_untracked(Option::is_some);
        self.watchers.settle(self.batches.is_idle(), has_summary);
    }

    /// The summary changed: every view asks again, then the overview, the waiters and the
    /// watchers.
    fn changed(self) {
        let state = self.state;
        state.revision.update(|r| *r += 1);
        self.ask(OverviewQuery, move |overview| {
            if let Ok(o) = overview {
                state.show(o);
            }
            self.settle();
            self.watchers.changed();
        });
    }

    fn error(self, message: String) {
        self.state.errors.update(|errs| errs.push(message));
    }

    /// What the worker said that is no awaited answer.
    fn heard(self, heard: Heard) {
        match heard {
            Heard::Ready { build, threads, isolated } => {
                self.batches.loaded();
                self.status.set(EngineStatus::Ready { build, threads, isolated });
                self.settle();
            }
            Heard::Reply { id, reply } => {
                if let Some(end) = self.batches.on_reply(id, *reply) {
                    self.batch_ended(end);
                }
            }
            Heard::CannotStart(why) => self.cannot_start(why),
            Heard::Stopped(why) => self.crashed(why),
            Heard::Problem(message) => self.error(message),
        }
    }

    fn batch_ended(self, end: BatchEnd) {
        match end {
            BatchEnd::Added { problems, adopted } => {
                if !problems.is_empty() {
                    self.state.errors.update(|errs| errs.extend(problems));
                }
                if let Some(reading) = adopted {
                    // A saved summary's markers are checked when it is read: these are valid.
                    let _ = self.state.set_reading(&reading);
                }
            }
            BatchEnd::Failed(message) => self.error(message),
            BatchEnd::Cancelled => {}
        }
        self.batches.show_progress();
        self.changed();
    }

    fn cannot_start(self, why: String) {
        self.batches.failed(why.clone());
        self.status.set(EngineStatus::Failed(why.clone()));
        self.error(why.clone());
        self.transport.fail(&why);
        self.settle();
    }

    /// The worker stopped while answering: a fresh one reads again every file but those being
    /// read, which are left out with a message.
    fn crashed(self, why: String) {
        let unanswered = self.transport.end_worker();
        self.status.set(EngineStatus::Starting);
        let Some(recovery) = self.batches.crashed() else { return };
        let lost: Vec<String> = recovery.lost.iter().map(|i| i.name.clone()).collect();
        self.error(match lost.is_empty() {
            true => format!("{why}; the engine was started again"),
            false => format!("{why}; the engine was started again without {}", lost.join(", ")),
        });
        unanswered.fail(&why);
        self.transport.spawn();
        self.state.overview.set(None);
        if !recovery.again.is_empty() {
            self.batches.submit(recovery.again, self.state.reading(), false);
        }
        self.batches.show_progress();
        self.changed();
    }
}

/// What the embedding API (`embed`) may do with the engine: add files, wait for the summary,
/// read the status, and watch the summary change.
#[derive(Clone, Copy)]
pub struct ForEmbedding(EngineHandle);

impl ForEmbedding {
    /// Adds files to the summary.
    pub fn add(self, inputs: Vec<Input>) {
        self.0.add(inputs);
    }

    /// Calls `resolve` with the whole `lra-summary/1` object once the page is idle, or with
    /// `null` when there is none.
    pub fn when_idle(self, resolve: Function) {
        self.0.watchers.wait(resolve);
        self.0.settle();
    }

    /// Calls `f` after every change of the summary from now on.
    pub fn watch(self, f: impl Fn() + 'static) {
        self.0.watchers.watch(f);
    }

    /// The summary as its JSON object, decoded on this thread.
    pub fn summary_object(self, done: impl FnOnce(JsValue) + 'static) {
        summary_object(self.0.transport, done);
    }

    /// The engine's state for the embedding API's `status()`: `{phase, build, threads,
    /// isolated, parsers}`; `phase` is "starting", "idle", "running" or "failed" (then `reason`).
    pub fn status(self) -> JsValue {
        let EngineHandle { batches, status: engine, .. } = self.0;
        let status = Object::new();
        let Some(phase) = batches.phase() else { return status.into() };
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
        if let EngineStatus::Ready { build, threads, isolated } = engine.get_untracked() {
            set(&status, "build", &build.into());
            set(&status, "threads", &threads.into());
            set(&status, "isolated", &isolated.into());
        }
        set(&status, "parsers", &batches.parsers.get_untracked().into());
        status.into()
    }
}
