//! Comparing two runs: which tests newly fail, got fixed, still fail, appeared or went away.

use crate::base::hash::FastMap;
use serde::Serialize;

use crate::model::stats::TestStats;
use crate::model::summary::Summary;

/// The `schema` value of a diff.
pub const DIFF_SCHEMA: &str = "lra-diff/1";

/// The five lists of `lra diff`, each in order of first appearance (`removed_tests` in the base's
/// order, the others in the current run's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Always [`DIFF_SCHEMA`].
    pub schema: &'static str,
    /// Failing now, and in the base passing or neither (only skipped, say): not failing.
    pub new_failures: Vec<String>,
    /// Passing now, failing in the base.
    pub fixed: Vec<String>,
    /// Failing in both.
    pub still_failing: Vec<String>,
    /// Only in the current run.
    pub new_tests: Vec<String>,
    /// Only in the base.
    pub removed_tests: Vec<String>,
}

/// A test's standing on one side.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    /// At least one failed run.
    Failing,
    /// Passed at least once and never failed.
    Passing,
    /// Neither: only skipped, other or missing runs.
    Neither,
}

fn status(t: &TestStats) -> Status {
    if t.counts.failed > 0 {
        Status::Failing
    } else if t.counts.passed > 0 {
        Status::Passing
    } else {
        Status::Neither
    }
}

impl Diff {
    /// Compares `current` against `base`, by test name.
    pub fn between(base: &Summary, current: &Summary) -> Diff {
        let in_base: FastMap<&str, &TestStats> = base.tests().iter().map(|t| (&*t.name, t)).collect();
        let in_current: FastMap<&str, &TestStats> = current.tests().iter().map(|t| (&*t.name, t)).collect();
        let mut diff = Diff { schema: DIFF_SCHEMA, ..Diff::default() };
        for t in current.tests() {
            let name = t.name.to_string();
            match in_base.get(&*t.name).map(|b| (status(b), status(t))) {
                None => diff.new_tests.push(name),
                Some((Status::Passing | Status::Neither, Status::Failing)) => diff.new_failures.push(name),
                Some((Status::Failing, Status::Passing)) => diff.fixed.push(name),
                Some((Status::Failing, Status::Failing)) => diff.still_failing.push(name),
                Some(_) => {}
            }
        }
        diff.removed_tests =
            base.tests().iter().filter(|t| !in_current.contains_key(&*t.name)).map(|t| t.name.to_string()).collect();
        diff
    }

    /// The diff as `lra-diff/1` JSON, indented for people.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a diff always serializes")
    }
}
