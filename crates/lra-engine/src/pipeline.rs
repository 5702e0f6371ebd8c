//! The reading of a batch's files, step by step, and in the threaded build behind the worker's
//! reads: the worker's thread hands each slice over and goes back to reading the next while a
//! task on the rayon pool feeds the batch (whose parser cuts each slice for the pool's threads).
//! Fed in place, a slice kept the worker from reading until it was parsed, and the threaded build
//! on two threads was no faster than on one (`benches/browser.mjs`, "its threads alone").

use lra_session::Batch;

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
    pub(crate) fn send(&self, step: Step) {
        // The task ends only when `finish` drops the sender (a panic aborts the whole module).
        let _ = self.steps.send(step);
    }

    /// Waits until the task has done every step; the batch.
    pub(crate) fn finish(self) -> Batch {
        drop(self.steps);
        self.back.recv().expect("the task gives the batch back when its steps end")
    }
}
