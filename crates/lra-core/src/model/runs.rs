//! A failing test's first and last few failed runs, each as where it opened and where it closed,
//! so that the app can show the run's own lines and step from one failed run to the next.
//!
//! A global cap ("the first 1,000 failed runs") would depend on the order files and segments are
//! merged in; a first-k and a last-k list per test do not: the first k of a concatenation are
//! the first k of the left side's first k and the right side's, and likewise at the end. So the
//! kept runs are the same whatever the chunking, the segments and the merge tree, and memory is
//! bounded per failing test (a test that never failed keeps none).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::base::location::Shift;

/// A test keeps at most this many of its first failed runs, and as many of its last.
pub const KEPT_RUNS: usize = 10;

/// One failed run: the byte offsets of the line that opened it (its `Test: ` line, or the
/// runner's start line) and of the line that closed it (its result), in one file. Offsets, not
/// line numbers: an offset costs nothing to know, a number costs a count of the newlines before
/// it (a fifth of the parse when every failure asked), and a reader of the file finds the
/// numbers from checkpoints as it reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FailedRun {
    /// Index into the summary's files.
    pub file: u32,
    /// Where the line the run opened on starts.
    pub opened: u64,
    /// Where the line the run closed on starts.
    pub closed: u64,
}

impl FailedRun {
    fn shifted(self, shift: Shift) -> FailedRun {
        FailedRun {
            file: self.file + shift.file,
            opened: self.opened + shift.offset,
            closed: self.closed + shift.offset,
        }
    }
}

/// A test's first [`KEPT_RUNS`] failed runs and its last [`KEPT_RUNS`] after those, in run
/// order, and how many it had in all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptRuns {
    /// Failed runs recorded, kept or not.
    seen: u64,
    /// The first `min(seen, KEPT_RUNS)`.
    first: Vec<FailedRun>,
    /// The last `min(seen - KEPT_RUNS, KEPT_RUNS)`, once there are more than `KEPT_RUNS`: runs
    /// in `first` are not repeated here. A ring: a test failing a million times moves no runs.
    last: VecDeque<FailedRun>,
}

impl KeptRuns {
    /// No runs.
    pub(crate) const EMPTY: KeptRuns = KeptRuns { seen: 0, first: Vec::new(), last: VecDeque::new() };

    /// Records the next failed run.
    pub(crate) fn push(&mut self, run: FailedRun) {
        self.seen += 1;
        if self.first.len() < KEPT_RUNS {
            self.first.push(run);
        } else {
            if self.last.len() == KEPT_RUNS {
                self.last.pop_front();
            }
            self.last.push_back(run);
        }
    }

    /// Appends the runs of `other`, which came after these, its locations moved by `shift`.
    pub(crate) fn append(&mut self, other: &KeptRuns, shift: Shift) {
        if other.seen == 0 {
            return;
        }
        let tail = |k: &KeptRuns| {
            let all: Vec<FailedRun> = k.first.iter().chain(&k.last).copied().collect();
            all[all.len().saturating_sub(KEPT_RUNS)..].to_vec()
        };
        let mut ends = tail(self);
        ends.extend(tail(other).into_iter().map(|r| r.shifted(shift)));
        // `first` is short only when it holds all of this side's runs, so the other side's
        // first ones follow it.
        let room = KEPT_RUNS - self.first.len();
        self.first.extend(other.first.iter().take(room).map(|r| r.shifted(shift)));
        self.seen += other.seen;
        let after_first = (self.seen as usize).saturating_sub(KEPT_RUNS).min(KEPT_RUNS);
        self.last = ends.split_off(ends.len() - after_first.min(ends.len())).into();
    }

    /// Failed runs recorded, kept or not.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// The first kept runs, in run order.
    pub fn first(&self) -> &[FailedRun] {
        &self.first
    }

    /// The last kept runs that are not among [`KeptRuns::first`], in run order.
    pub fn last(&self) -> impl ExactSizeIterator<Item = &FailedRun> + DoubleEndedIterator + Clone {
        self.last.iter()
    }

    /// Failed runs between the first and the last kept ones, not kept.
    pub fn between(&self) -> u64 {
        self.seen - (self.first.len() + self.last.len()) as u64
    }

    /// Made from saved lists; `None` if they cannot be what [`KeptRuns::push`] keeps.
    pub(crate) fn from_parts(seen: u64, first: Vec<FailedRun>, last: Vec<FailedRun>) -> Option<KeptRuns> {
        let expected_first = (seen as usize).min(KEPT_RUNS);
        let expected_last = (seen as usize).saturating_sub(KEPT_RUNS).min(KEPT_RUNS);
        (first.len() == expected_first && last.len() == expected_last).then(|| KeptRuns {
            seen,
            first,
            last: last.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(k: u64) -> FailedRun {
        FailedRun { file: 0, opened: k * 20, closed: k * 20 + 10 }
    }

    /// The reference: every run kept, then cut.
    fn expected(runs: &[FailedRun]) -> (Vec<FailedRun>, Vec<FailedRun>) {
        let first = runs[..runs.len().min(KEPT_RUNS)].to_vec();
        let rest = &runs[first.len()..];
        (first, rest[rest.len().saturating_sub(KEPT_RUNS)..].to_vec())
    }

    proptest::proptest! {
        #[test]
        fn kept_runs_are_the_same_whatever_the_cuts(n in 0u64..45, cuts in proptest::collection::vec(0u64..45, 0..4)) {
            let runs: Vec<FailedRun> = (0..n).map(run).collect();
            let mut cuts: Vec<u64> = cuts.into_iter().filter(|&c| c <= n).collect();
            cuts.extend([0, n]);
            cuts.sort_unstable();
            // Each piece is kept on its own, with its locations relative to its start, then
            // appended in order.
            let mut whole = KeptRuns::default();
            for w in cuts.windows(2) {
                let mut piece = KeptRuns::default();
                let base = w[0];
                for k in w[0]..w[1] {
                    let r = run(k);
                    piece.push(FailedRun { file: 0, opened: r.opened - base * 20, closed: r.closed - base * 20 });
                }
                whole.append(&piece, Shift { file: 0, line: base * 2, offset: base * 20 });
            }
            let (first, last) = expected(&runs);
            proptest::prop_assert_eq!(whole.first(), &first[..]);
            proptest::prop_assert_eq!(whole.last().copied().collect::<Vec<_>>(), last.clone());
            proptest::prop_assert_eq!(whole.seen(), n);
            proptest::prop_assert_eq!(whole.between(), n - (first.len() + last.len()) as u64);
        }
    }
}
