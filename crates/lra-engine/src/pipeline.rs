//! The reading of a batch's files, step by step, and in the threaded build behind the worker's
//! reads: the worker's thread hands each slice over and goes back to reading the next while a
//! task on the rayon pool feeds the batch (whose parser cuts each slice for the pool's threads).
//! Fed in place, a slice kept the worker from reading until it was parsed, and the threaded build
//! on two threads was no faster than on one (`benches/browser.mjs`, (c) and its variants).

use lra_session::Batch;

/// Set by the hooks in `lib.rs` when any thread of this instance panicked or could not allocate:
/// in the threaded build a thread of the pool may stop so while the worker's waits for it.
pub(crate) static A_THREAD_STOPPED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// What the worker does to the batch, in the order it reads its files.
pub(crate) enum Step {
    /// Starts the batch's file of this index.
    Begin(usize),
    /// The file's next bytes.
    Feed(Vec<u8>),
    /// Ends the file.
    End,
    /// Ends the file early, for this reason (what was read of it still counts, flagged).
    CutShort(String),
}

impl Step {
    /// Does this step to `batch`.
    pub(crate) fn apply(self, batch: &mut Batch) {
        match self {
            Step::Begin(index) => batch.begin_file(index),
            Step::Feed(bytes) => batch.feed(&bytes),
            Step::End => batch.end_file(),
            Step::CutShort(reason) => batch.cut_file_short(&reason),
        }
    }
}

/// Slices handed over and not yet taken by the task: with the one it is feeding and the two the
/// worker has in flight, memory stays at a few slices however far the reads run ahead.
#[cfg(feature = "threads")]
const DEPTH: usize = 2;

/// How long the worker's thread sleeps between two looks at a task it waits for. A wait is a
/// loop rather than a block so that it can see the task's thread stop (see [`wait_for_pool`]);
/// a look costs next to nothing, and a slice takes milliseconds to parse.
#[cfg(feature = "threads")]
const LOOK_EVERY: std::time::Duration = std::time::Duration::from_micros(50);

/// A batch lent to a task on the rayon pool, which does the steps it is sent in order, and the
/// way it comes back.
#[cfg(feature = "threads")]
pub(crate) struct Pipeline {
    steps: std::sync::mpsc::SyncSender<Step>,
    back: std::sync::mpsc::Receiver<Batch>,
}

#[cfg(feature = "threads")]
impl Pipeline {
    /// Lends `batch` to a new task on the pool.
    pub(crate) fn start(mut batch: Batch) -> Pipeline {
        let (steps, todo) = std::sync::mpsc::sync_channel::<Step>(DEPTH);
        let (give_back, back) = std::sync::mpsc::sync_channel(1);
        rayon::spawn(move || {
            for step in todo {
                step.apply(&mut batch);
            }
            // The engine waits for it in `finish`, which alone ends `todo`.
            let _ = give_back.send(batch);
        });
        Pipeline { steps, back }
    }

    /// Hands `step` over; waits only while the task is [`DEPTH`] steps behind.
    pub(crate) fn send(&self, mut step: Step) {
        use std::sync::mpsc::TrySendError;
        loop {
            match self.steps.try_send(step) {
                Err(TrySendError::Full(again)) => step = again,
                // The task ends only when `finish` drops the sender.
                Ok(()) | Err(TrySendError::Disconnected(_)) => return,
            }
            wait_for_pool();
        }
    }

    /// Waits until the task has done every step; the batch.
    pub(crate) fn finish(self) -> Batch {
        drop(self.steps);
        loop {
            match self.back.try_recv() {
                Ok(batch) => return batch,
                Err(std::sync::mpsc::TryRecvError::Empty) => wait_for_pool(),
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    unreachable!("the task gives the batch back before it ends")
                }
            }
        }
    }
}

/// Sleeps a little, unless a thread of the pool has stopped (a panic, or memory exhausted: the
/// hooks in `lib.rs` keep why). That stopped only its own Web Worker, and the steps it held will
/// never be done: then this instance stops too, a trap the worker's script reports as the
/// engine's with that reason, so that the page starts a fresh engine instead of waiting.
#[cfg(feature = "threads")]
fn wait_for_pool() {
    if A_THREAD_STOPPED.load(std::sync::atomic::Ordering::Acquire) {
        std::process::abort();
    }
    std::thread::sleep(LOOK_EVERY);
}
