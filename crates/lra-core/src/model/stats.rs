//! What a summary keeps of each test and each iteration, and the anomalies and failure groups
//! it locates: the rows of its tables.

use serde::{Deserialize, Serialize};

use crate::base::location::{Location, Shift};
use crate::model::cells::IterationCells;
use crate::model::class::{Class, Counts};
use crate::model::durations::{Durations, Timed};
use crate::model::results::ResultWords;
use crate::model::runs::{FailedRun, KeptRuns};

/// One test: its runs by class, its raw result words and its first failure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestStats {
    /// The test's name, per the summary's [`crate::NameMode`].
    pub name: Box<str>,
    /// Its runs by class.
    pub counts: Counts,
    /// Every uppercased result word with its count, sorted by word.
    pub results: ResultWords,
    /// Its passed and failed runs in each iteration (indexes into [`crate::Summary::iterations`]), for
    /// the tests × iterations heatmap. Runs outside any iteration are not in it.
    pub by_iteration: IterationCells,
    /// What only a test that failed needs (see [`TestStats::first_failure`] and the methods
    /// after it), made at its first failure: a test that never failed has none, so that a
    /// million tests that passed once do not pay for it. `None` means no failure, no
    /// transitions, and every judged run passed.
    failing: Option<Box<Failing>>,
    /// The durations of its runs that had one; none if none had.
    durations: Option<Box<Durations>>,
}

/// The run order of a test that failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Failing {
    first_failure: Option<Location>,
    transitions: u64,
    first_outcome: Option<Class>,
    last_outcome: Option<Class>,
    runs: KeptRuns,
}

impl TestStats {
    /// A test with no runs yet.
    pub(crate) fn new(name: Box<str>) -> TestStats {
        TestStats {
            name,
            counts: Counts::default(),
            results: ResultWords::default(),
            by_iteration: IterationCells::default(),
            failing: None,
            durations: None,
        }
    }

    /// The durations of its runs that had one, if any had.
    pub fn durations(&self) -> Option<&Durations> {
        self.durations.as_deref()
    }

    /// Adds a run's duration.
    pub(crate) fn add_duration(&mut self, us: u64) {
        match &mut self.durations {
            Some(d) => d.add(us),
            None => self.durations = Some(Box::new(Durations::of(us))),
        }
    }

    /// Adds the durations of another side's runs.
    pub(crate) fn add_durations(&mut self, other: &Durations) {
        match &mut self.durations {
            Some(d) => d.merge(other),
            None => self.durations = Some(Box::new(other.clone())),
        }
    }

    /// The `Result: ` line of its first failed run.
    pub fn first_failure(&self) -> Option<Location> {
        self.failing.as_ref().and_then(|f| f.first_failure)
    }

    /// Its first and last failed runs (see [`KeptRuns`]); empty if it never failed.
    pub fn failed_runs(&self) -> &KeptRuns {
        static NONE: KeptRuns = KeptRuns::EMPTY;
        self.failing.as_ref().map_or(&NONE, |f| &f.runs)
    }

    /// Adjacent pairs of runs, in run order and counting only passed and failed runs, where one
    /// passed and the other failed.
    pub fn transitions(&self) -> u64 {
        self.failing.as_ref().map_or(0, |f| f.transitions)
    }

    /// The class of its first passed-or-failed run: with [`TestStats::last_outcome`], what an
    /// exact merge needs to count the transition across the seam.
    pub fn first_outcome(&self) -> Option<Class> {
        self.failing.as_ref().map_or_else(|| self.passed_only(), |f| f.first_outcome)
    }

    /// The class of its last passed-or-failed run.
    pub fn last_outcome(&self) -> Option<Class> {
        self.failing.as_ref().map_or_else(|| self.passed_only(), |f| f.last_outcome)
    }

    /// The first and last outcome of a test that never failed.
    fn passed_only(&self) -> Option<Class> {
        (self.counts.passed > 0).then_some(Class::Passed)
    }

    /// Sets the run order; kept only when it differs from a test's that never failed.
    pub(crate) fn set_order(
        &mut self,
        first_failure: Option<Location>,
        transitions: u64,
        first_outcome: Option<Class>,
        last_outcome: Option<Class>,
    ) {
        let plain = self.passed_only();
        let runs = self.failing.take().map(|f| f.runs).unwrap_or_default();
        self.failing = match (first_failure, transitions, first_outcome, last_outcome) {
            (None, 0, first, last) if first == plain && last == plain && runs.seen() == 0 => None,
            _ => Some(Box::new(Failing { first_failure, transitions, first_outcome, last_outcome, runs })),
        };
    }

    /// Appends the failed runs of a side that came after this one.
    pub(crate) fn append_failed_runs(&mut self, other: &KeptRuns, shift: Shift) {
        if other.seen() > 0 {
            self.make_failing().runs.append(other, shift);
        }
    }

    /// What a test that failed keeps, made if it has none.
    fn make_failing(&mut self) -> &mut Failing {
        let before = self.passed_only();
        self.failing.get_or_insert_with(|| {
            Box::new(Failing {
                first_failure: None,
                transitions: 0,
                first_outcome: before,
                last_outcome: before,
                runs: KeptRuns::default(),
            })
        })
    }

    /// Appends a passed or failed run to the test's run order; its counts already hold it.
    pub(crate) fn add_outcome(&mut self, class: Class) {
        if self.failing.is_none() && class == Class::Passed {
            // Still only passes: the order follows from the counts.
            return;
        }
        // At the first failure the runs before it all passed: `make_failing` says so.
        let failing = self.make_failing();
        if failing.last_outcome.is_some_and(|last| last != class) {
            failing.transitions += 1;
        }
        failing.first_outcome = failing.first_outcome.or(Some(class));
        failing.last_outcome = Some(class);
    }

    /// Records a failed run, whose outcome was added; the first is its first failure, whose
    /// result line is `at`.
    pub(crate) fn add_failed_run(&mut self, run: FailedRun, at: Location) {
        let failing = self.make_failing();
        if failing.first_failure.is_none() {
            failing.first_failure = Some(at);
        }
        failing.runs.push(run);
    }
    /// Both passed and failed at least once.
    pub fn flaky(&self) -> bool {
        self.counts.passed > 0 && self.counts.failed > 0
    }

    /// Transitions over the most there could be: 1.0 when passes and failures alternate.
    pub fn flip_rate(&self) -> f64 {
        let judged = self.counts.passed + self.counts.failed;
        if judged < 2 { 0.0 } else { self.transitions() as f64 / (judged - 1) as f64 }
    }
}

/// Failed runs that gave the same reason, digits aside.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureGroup {
    /// The text after the result word, trimmed, with each run of digits folded to `#`.
    pub detail: Box<str>,
    /// The first such text as it was written.
    pub example: Box<str>,
    /// Failed runs in the group.
    pub count: u64,
    /// The tests in the group, in order of first appearance, at most [`FAILURE_GROUP_TESTS`].
    pub tests: Vec<Box<str>>,
    /// Where the group's first run failed.
    pub first: Location,
}

/// A failure group lists at most this many tests.
pub const FAILURE_GROUP_TESTS: usize = 20;

/// Runs counted in one iteration, keyed by the iteration's label across files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IterationStats {
    /// The first token after `Iteration `, or `""`.
    pub label: Box<str>,
    /// The runs whose `Test: ` line came while this iteration was current.
    pub counts: Counts,
    /// Those of them with a duration, and their sum.
    pub timed: Timed,
}

/// The kinds of anomaly a log can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnomalyKind {
    /// A `Result: ` with no open test. Located at the `Result: ` line.
    OrphanResult,
    /// A test that never got a result word. Located at its `Test: ` line.
    MissingResult,
    /// A line longer than the line limit with a marker past the limit, which was ignored.
    LongLine,
}

impl AnomalyKind {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyKind::OrphanResult => "orphan_result",
            AnomalyKind::MissingResult => "missing_result",
            AnomalyKind::LongLine => "long_line",
        }
    }
}

/// One located anomaly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Anomaly {
    /// What is wrong.
    pub kind: AnomalyKind,
    /// Where.
    pub location: Location,
    /// The test's name for a missing result; the word for an orphan result; empty otherwise.
    pub text: Box<str>,
}

impl TestStats {
    /// The number of runs whose class is `class`.
    pub fn count(&self, class: Class) -> u64 {
        match class {
            Class::Passed => self.counts.passed,
            Class::Failed => self.counts.failed,
            Class::Skipped => self.counts.skipped,
            Class::Other => self.counts.other,
            Class::Missing => self.counts.missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TestStats;

    #[test]
    fn a_test_that_ran_once_stays_small() {
        // Issue 9: a test that ran once costs at most 200 bytes in the core. Besides this, it
        // holds its name (one allocation) and a slot of the name index; its result word, its
        // one span of cells and its counts are inline, and its run order is not kept. Issue
        // 10: durations are one pointer more, boxed only for a test whose runs had one.
        assert!(std::mem::size_of::<TestStats>() <= 144, "{}", std::mem::size_of::<TestStats>());
        let mut t = TestStats::new("suite/case".into());
        t.counts.add(crate::Class::Passed);
        assert!(t.failing.is_none() && t.durations.is_none());
        // A timed test's durations are one allocation: the buckets of a test that takes about
        // the same time each run are inline.
        assert!(std::mem::size_of::<crate::Durations>() <= 72, "{}", std::mem::size_of::<crate::Durations>());
        t.add_duration(1_000);
        t.add_duration(1_010);
        assert!(!t.durations().unwrap().buckets_spilled());
    }
}
