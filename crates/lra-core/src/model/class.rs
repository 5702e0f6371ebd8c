//! Result classes and the counters kept per test, per iteration, per file and overall.

use serde::{Deserialize, Serialize};

use crate::base::statistics::wilson_interval;

/// The class of one test run (docs/design.md §1.4; `Missing` is a run that never got a word).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Class {
    /// `PASS PASSED OK SUCCESS SUCCEEDED`
    Passed,
    /// `FAIL FAILED FAILURE ERROR ERRORED`
    Failed,
    /// `SKIP SKIPPED IGNORED`
    Skipped,
    /// Any other non-empty word.
    Other,
    /// No result: the test was closed by another `Test: `, by end of file, or by an empty word.
    Missing,
}

impl Class {
    /// Classifies an uppercased result word. An empty word is [`Class::Missing`].
    pub fn of_word(word: &str) -> Class {
        Class::of_word_bytes(word.as_bytes())
    }

    pub(crate) fn of_word_bytes(word: &[u8]) -> Class {
        match word {
            b"" => Class::Missing,
            _ => Class::of_known_word(word).unwrap_or(Class::Other),
        }
    }

    /// The class of one of the words the classes list; `None` for any other word.
    pub(crate) fn of_known_word(word: &[u8]) -> Option<Class> {
        match word {
            b"PASS" | b"PASSED" | b"OK" | b"SUCCESS" | b"SUCCEEDED" => Some(Class::Passed),
            b"FAIL" | b"FAILED" | b"FAILURE" | b"ERROR" | b"ERRORED" => Some(Class::Failed),
            b"SKIP" | b"SKIPPED" | b"IGNORED" => Some(Class::Skipped),
            _ => None,
        }
    }
}

/// Run counts by class. `runs()` is their sum (docs/design.md §1.5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Runs whose word is in the passed class.
    pub passed: u64,
    /// Runs whose word is in the failed class.
    pub failed: u64,
    /// Runs whose word is in the skipped class.
    pub skipped: u64,
    /// Runs with any other word.
    pub other: u64,
    /// Runs that never got a result word.
    pub missing: u64,
}

impl Counts {
    /// Counts one run of `class`.
    pub fn add(&mut self, class: Class) {
        *match class {
            Class::Passed => &mut self.passed,
            Class::Failed => &mut self.failed,
            Class::Skipped => &mut self.skipped,
            Class::Other => &mut self.other,
            Class::Missing => &mut self.missing,
        } += 1;
    }

    /// Adds every counter of `other`.
    pub fn add_all(&mut self, other: &Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
        self.other += other.other;
        self.missing += other.missing;
    }

    /// All runs: passed + failed + skipped + other + missing.
    pub fn runs(&self) -> u64 {
        self.passed + self.failed + self.skipped + self.other + self.missing
    }

    /// Passed runs over the runs that were not skipped, or `None` when there are none.
    pub fn pass_rate(&self) -> Option<f64> {
        let judged = self.runs() - self.skipped;
        (judged > 0).then(|| self.passed as f64 / judged as f64)
    }

    /// The judged runs: passed + failed, what a failure rate is over.
    pub fn judged(&self) -> u64 {
        self.passed + self.failed
    }

    /// Failed runs over the judged ones, or `None` when there are none.
    pub fn failure_rate(&self) -> Option<f64> {
        (self.judged() > 0).then(|| self.failed as f64 / self.judged() as f64)
    }

    /// The 95% Wilson score interval of [`Counts::failure_rate`].
    pub fn failure_rate_ci95(&self) -> Option<[f64; 2]> {
        wilson_interval(self.failed, self.judged())
    }
}
