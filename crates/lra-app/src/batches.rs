//! The batches of files to analyse: each drop or pick is one [`lra_protocol::Request::Analyze`],
//! posted in order and answered in order; its progress, shown while it runs; Cancel; and the
//! files kept, to read again another way or after the worker stopped. The rules are the
//! [`Machine`] of `client`, natively tested; this drives it over the [`Transport`] and owns the
//! signals of what is being read.

use leptos::prelude::*;
use lra_core::{build_of, natural};
use lra_protocol::{Reading, Reply, Request};
use web_sys::{Blob, File};

use crate::client::{Machine, Phase, Recovery};
use crate::state::now;
use crate::transport::Transport;

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

/// One file of the running analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct FileProgress {
    pub name: String,
    pub size: f64,
    pub done: f64,
}

/// The running analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub files: Vec<FileProgress>,
    /// `performance.now()` when it started, in ms.
    pub started: f64,
}

/// How a batch ended, for the engine client to show.
pub enum BatchEnd {
    /// Its files were added. `problems`: damaged files and archives, refused summaries;
    /// `adopted`: the way of reading a saved summary on an empty page brought.
    Added { problems: Vec<String>, adopted: Option<Reading> },
    /// It could not be read, for this reason.
    Failed(String),
    /// It was cancelled: nothing was added.
    Cancelled,
}

struct Book {
    machine: Machine<Input>,
    /// The batch the progress panel shows.
    progress_of: Option<u32>,
    /// Bumped by every Cancel; see [`Batches::epoch`].
    epoch: u32,
}

/// The handle to the batches, `Copy`.
#[derive(Clone, Copy)]
pub struct Batches {
    book: StoredValue<Book, LocalStorage>,
    transport: Transport,
    /// The running batch's files and how far each is read; `None` when none runs.
    pub progress: RwSignal<Option<Progress>>,
    /// How many workers read the last files added at once (0 before any).
    pub parsers: RwSignal<u32>,
}

impl Batches {
    pub fn new(transport: Transport) -> Batches {
        let book = Book { machine: Machine::default(), progress_of: None, epoch: 0 };
        Batches {
            book: StoredValue::new_local(book),
            transport,
            progress: RwSignal::new(None),
            parsers: RwSignal::new(0),
        }
    }

    fn with<R>(self, f: impl FnOnce(&mut Book) -> R) -> Option<R> {
        self.book.try_update_value(f)
    }

    fn machine<R>(self, f: impl FnOnce(&mut Machine<Input>) -> R) -> Option<R> {
        self.with(|b| f(&mut b.machine))
    }

    /// A fresh request id: batches and queries share one sequence.
    pub fn fresh_id(self) -> u32 {
        self.machine(Machine::id).unwrap_or(0)
    }

    /// Where the engine is.
    pub fn phase(self) -> Option<Phase> {
        self.machine(|m| m.phase())
    }

    /// Nothing is being read or awaited: what the page shows is the whole summary.
    pub fn is_idle(self) -> bool {
        self.machine(|m| m.is_idle()).unwrap_or(false)
    }

    /// The worker loaded its engine.
    pub fn loaded(self) {
        self.machine(Machine::loaded);
    }

    /// The worker could not start: nothing is read.
    pub fn failed(self, why: String) {
        self.machine(|m| m.failed(why));
        self.progress.set(None);
    }

    /// The worker stopped while answering: what to read again, and what is lost.
    pub fn crashed(self) -> Option<Recovery<Input>> {
        self.machine(Machine::crashed)
    }

    /// Posts `inputs` to be read as `reading` says; `adopt`: a saved summary on an empty page
    /// brings its way of reading.
    pub fn submit(self, mut inputs: Vec<Input>, reading: Reading, adopt: bool) {
        if reading.files_are_builds {
            // Builds in natural order, a build's files by name (a folder pick comes in no order).
            inputs.sort_by(|a, b| natural(build_of(&a.name), build_of(&b.name)).then_with(|| a.name.cmp(&b.name)));
        }
        let names = inputs.iter().map(|i| i.name.clone()).collect();
        let request = Request::Analyze { names, reading, adopt };
        let blobs: Vec<Blob> = inputs.iter().map(|i| i.blob.clone()).collect();
        let Some(id) = self.machine(|m| m.submit(inputs)) else { return };
        self.transport.post(id, &request, Some(&blobs));
        self.show_progress();
    }

    /// The running batch's files in the progress panel, or none; set anew only when another
    /// batch starts, so that its progress is kept.
    pub fn show_progress(self) {
        self.with(|b| {
            let running = b.machine.running().map(|(id, _)| id);
            if running == b.progress_of {
                return;
            }
            b.progress_of = running;
            let progress = b.machine.running().map(|(_, files)| Progress {
                files: files
                    .iter()
                    .map(|i| FileProgress { name: i.name.clone(), size: i.blob.size(), done: 0.0 })
                    .collect(),
                started: now(),
            });
            self.progress.set(progress);
        });
    }

    /// Stops reading: the batches not answered add nothing.
    pub fn cancel(self) {
        let ids = self.with(|b| {
            b.epoch += 1;
            b.machine.unanswered()
        });
        for id in ids.unwrap_or_default() {
            self.transport.cancel(id);
        }
    }

    /// A number that changes whenever the work is cancelled or cleared, so that work started
    /// before (walking a dropped folder) can tell it is no longer wanted.
    pub fn epoch(self) -> u32 {
        self.with(|b| b.epoch).unwrap_or(0)
    }

    /// The page is emptied: the files analysed are forgotten.
    pub fn forget(self) {
        self.machine(Machine::forget);
    }

    /// Every file, analysed then waiting, to be read again another way.
    pub fn take_all(self) -> Vec<Input> {
        self.machine(Machine::take_all).unwrap_or_default()
    }

    /// A request whose answer the page waits for before it is idle is posted (a sample).
    pub fn await_one(self) {
        self.machine(Machine::await_one);
    }

    /// One awaited answer came.
    pub fn awaited_done(self) {
        self.machine(Machine::awaited_done);
    }

    /// A reply to request `id` with no awaited answer: a batch's progress is shown; its end is
    /// returned (the caller then shows the next batch's progress, [`Batches::show_progress`]).
    pub fn on_reply(self, id: u32, reply: Reply) -> Option<BatchEnd> {
        match reply {
            Reply::Progress { file, done, .. } => {
                if self.machine(|m| m.running().map(|(r, _)| r)).flatten() == Some(id) {
                    self.progress.update(|p| {
                        if let Some(f) = p.as_mut().and_then(|p| p.files.get_mut(file as usize)) {
                            f.done = done;
                        }
                    });
                }
                None
            }
            reply @ (Reply::Analyzed { .. } | Reply::Cancelled | Reply::Failed { .. })
                if self.machine(|m| m.unanswered().contains(&id)) == Some(true) =>
            {
                let added = matches!(reply, Reply::Analyzed { .. });
                self.machine(|m| m.answered(id, added));
                let end = match reply {
                    Reply::Analyzed { problems, adopted, parsers, .. } => {
                        self.parsers.set(parsers);
                        BatchEnd::Added { problems, adopted }
                    }
                    Reply::Failed { message } => BatchEnd::Failed(message),
                    _ => BatchEnd::Cancelled,
                };
                Some(end)
            }
            _ => None,
        }
    }
}
