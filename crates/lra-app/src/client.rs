//! The engine client's state machine, apart from the worker it drives, so that its rules have
//! native tests. `T` is what a file to read is (a Blob and its name in the app).
//!
//! The worker answers in the order asked, so the batches of files posted and not yet answered
//! form a queue whose first is being read. Once a batch is answered its files are *analysed*:
//! kept, so that they can be read again when the way of reading changes, or when the worker
//! stopped and took the summary with it.

use std::collections::VecDeque;

/// Where the engine is.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// The worker is loading its wasm; what is posted waits in the worker.
    Starting,
    /// Loaded; nothing is being read.
    Idle,
    /// Reading the first of these many batches.
    Running { batches: usize },
    /// The worker could not start, for this reason: nothing posted will be answered.
    Failed(String),
}

/// What to do after the worker stopped in the middle of a request.
#[derive(Debug, PartialEq)]
pub struct Recovery<T> {
    /// The files being read when it stopped: left out, so that a file that stops the engine
    /// does not stop it again.
    pub lost: Vec<T>,
    /// Every other file, analysed or waiting, to be read again by a fresh worker, in order.
    pub again: Vec<T>,
}

/// The client's bookkeeping.
#[derive(Debug)]
pub struct Machine<T> {
    loaded: bool,
    failed: Option<String>,
    next_id: u32,
    /// Batches posted and not answered, oldest first: (request id, files).
    batches: VecDeque<(u32, Vec<T>)>,
    analysed: Vec<T>,
    /// Requests other than batches whose answer is awaited before the page is idle (samples).
    awaited: usize,
}

impl<T> Default for Machine<T> {
    fn default() -> Machine<T> {
        Machine { loaded: false, failed: None, next_id: 1, batches: VecDeque::new(), analysed: Vec::new(), awaited: 0 }
    }
}

impl<T> Machine<T> {
    /// The phase now.
    pub fn phase(&self) -> Phase {
        match (&self.failed, self.loaded, self.batches.len()) {
            (Some(why), _, _) => Phase::Failed(why.clone()),
            (None, false, _) => Phase::Starting,
            (None, true, 0) => Phase::Idle,
            (None, true, batches) => Phase::Running { batches },
        }
    }

    /// Nothing is being read or awaited: what the page shows is the whole summary.
    pub fn is_idle(&self) -> bool {
        self.batches.is_empty() && self.awaited == 0 && (self.loaded || self.failed.is_some())
    }

    /// A fresh request id.
    pub fn id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The worker loaded its engine.
    pub fn loaded(&mut self) {
        self.loaded = true;
    }

    /// The worker could not start.
    pub fn failed(&mut self, why: String) {
        self.failed = Some(why);
        self.batches.clear();
        self.awaited = 0;
    }

    /// A batch of files is posted; its request id.
    pub fn submit(&mut self, files: Vec<T>) -> u32 {
        let id = self.id();
        self.batches.push_back((id, files));
        id
    }

    /// The batch being read: its id and files.
    pub fn running(&self) -> Option<(u32, &[T])> {
        self.batches.front().map(|(id, files)| (*id, &files[..]))
    }

    /// The ids of every batch posted and not answered, to cancel them.
    pub fn unanswered(&self) -> Vec<u32> {
        self.batches.iter().map(|(id, _)| *id).collect()
    }

    /// The batch `id` was answered: added (`added`) or cancelled. Returns whether it was one.
    pub fn answered(&mut self, id: u32, added: bool) -> bool {
        let Some(at) = self.batches.iter().position(|(b, _)| *b == id) else { return false };
        let (_, files) = self.batches.remove(at).expect("found above");
        if added {
            self.analysed.extend(files);
        }
        true
    }

    /// A request whose answer the page waits for before it is idle is posted.
    pub fn await_one(&mut self) {
        self.awaited += 1;
    }

    /// One awaited answer came.
    pub fn awaited_done(&mut self) {
        self.awaited = self.awaited.saturating_sub(1);
    }

    /// The page is emptied: the files analysed are forgotten. Batches in flight are not: the
    /// caller cancels them.
    pub fn forget(&mut self) {
        self.analysed.clear();
    }

    /// Every file, analysed then waiting, to be read again another way; the batches in flight
    /// are forgotten (the caller cancels them and empties the summary).
    pub fn take_all(&mut self) -> Vec<T> {
        let mut all = std::mem::take(&mut self.analysed);
        all.extend(self.batches.drain(..).flat_map(|(_, files)| files));
        all
    }

    /// The worker stopped while answering: a fresh one starts, and the summary must be built
    /// again from the files it had, less those being read.
    pub fn crashed(&mut self) -> Recovery<T> {
        self.loaded = false;
        self.awaited = 0;
        let lost = self.batches.pop_front().map(|(_, files)| files).unwrap_or_default();
        let mut again = std::mem::take(&mut self.analysed);
        again.extend(self.batches.drain(..).flat_map(|(_, files)| files));
        Recovery { lost, again }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_runs_and_goes_idle() {
        let mut m = Machine::<&str>::default();
        assert_eq!(m.phase(), Phase::Starting);
        assert!(!m.is_idle(), "a page whose engine is loading is not idle");
        // Files given before the engine is loaded wait in the worker.
        let a = m.submit(vec!["a.log"]);
        assert_eq!(m.phase(), Phase::Starting);
        m.loaded();
        assert_eq!(m.phase(), Phase::Running { batches: 1 });
        let b = m.submit(vec!["b.log", "c.log"]);
        assert_eq!(m.phase(), Phase::Running { batches: 2 });
        assert_eq!(m.running(), Some((a, &["a.log"][..])));
        assert!(m.answered(a, true));
        assert_eq!(m.running(), Some((b, &["b.log", "c.log"][..])));
        assert!(!m.answered(a, true), "answered once");
        assert!(m.answered(b, true));
        assert_eq!(m.phase(), Phase::Idle);
        assert!(m.is_idle());
        assert_eq!(m.take_all(), ["a.log", "b.log", "c.log"]);
    }

    #[test]
    fn a_cancelled_batch_is_not_analysed() {
        let mut m = Machine::<&str>::default();
        m.loaded();
        let a = m.submit(vec!["big.log"]);
        let b = m.submit(vec!["next.log"]);
        assert_eq!(m.unanswered(), [a, b]);
        m.answered(a, false);
        m.answered(b, true);
        assert_eq!(m.take_all(), ["next.log"]);
    }

    #[test]
    fn samples_keep_the_page_busy_until_answered() {
        let mut m = Machine::<&str>::default();
        m.loaded();
        m.await_one();
        assert!(!m.is_idle());
        m.awaited_done();
        assert!(m.is_idle());
    }

    #[test]
    fn a_crash_loses_only_the_batch_being_read() {
        let mut m = Machine::<&str>::default();
        m.loaded();
        let a = m.submit(vec!["one.log"]);
        m.answered(a, true);
        m.submit(vec!["poison.log"]);
        m.submit(vec!["later.log"]);
        let r = m.crashed();
        assert_eq!(r, Recovery { lost: vec!["poison.log"], again: vec!["one.log", "later.log"] });
        assert_eq!(m.phase(), Phase::Starting, "a fresh worker is loading");
        assert!(m.unanswered().is_empty());
    }

    #[test]
    fn a_worker_that_cannot_start_fails_and_ends_the_wait() {
        let mut m = Machine::<&str>::default();
        m.submit(vec!["a.log"]);
        m.await_one();
        m.failed("no WebAssembly".into());
        assert_eq!(m.phase(), Phase::Failed("no WebAssembly".into()));
        assert!(m.is_idle(), "summary() must not wait for ever");
    }

    #[test]
    fn forgetting_keeps_the_ids_fresh() {
        let mut m = Machine::<&str>::default();
        let a = m.submit(vec!["a.log"]);
        m.forget();
        let b = m.submit(vec!["b.log"]);
        assert_ne!(a, b);
    }
}
