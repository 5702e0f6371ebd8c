//! Comparing two runs: which tests newly fail, got fixed, still fail, appeared or went away, and
//! whose failure rate rose beyond what chance explains.

use crate::base::hash::FastMap;
use crate::base::statistics::{fisher_p_worse, holm_rejects};
use serde::Serialize;

use crate::model::stats::TestStats;
use crate::model::summary::Summary;

/// The `schema` value of a diff.
pub const DIFF_SCHEMA: &str = "lra-diff/1";

/// The lists of `lra diff`, each in order of first appearance (`removed_tests` in the base's
/// order, the others in the current run's).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
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
    /// The level `regressions` are found at: the chance that any test of `compared` is named
    /// there by chance alone is at most this (Holm's method over their `p_worse`).
    pub alpha: f64,
    /// The tests of `compared` whose failure rate rose beyond chance at `alpha`.
    pub regressions: Vec<String>,
    /// Each test with a passed or failed run on both sides and a failed run on either, with how
    /// it fared on each. (One that never failed has nothing to compare: its `p_worse` is 1.)
    pub compared: Vec<Compared>,
}

/// A test judged on both sides of a diff.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Compared {
    /// The test.
    pub name: String,
    /// In the base.
    pub before: Judged,
    /// In the current run.
    pub after: Judged,
    /// The one-sided p-value of Fisher's exact test that its failure rate rose: the chance of
    /// failures at least this many after, were its rate the same on both sides.
    pub p_worse: f64,
}

/// A test's failed runs among its judged (passed or failed) ones, on one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Judged {
    /// Failed runs.
    pub failed: u64,
    /// Passed and failed runs.
    pub runs: u64,
}

impl Compared {
    /// Its figures for people: `failed 0 of 1000 before, 30 of 1000 now (p = 7.47e-10)`.
    pub fn figures(&self) -> String {
        format!(
            "failed {} of {} before, {} of {} now (p = {:.2e})",
            self.before.failed, self.before.runs, self.after.failed, self.after.runs, self.p_worse
        )
    }
}

impl Judged {
    fn of(t: &TestStats) -> Judged {
        Judged { failed: t.counts.failed, runs: t.counts.judged() }
    }
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
    /// Compares `current` against `base`, by test name, finding regressions at `alpha`.
    pub fn between(base: &Summary, current: &Summary, alpha: f64) -> Diff {
        let in_base: FastMap<&str, &TestStats> = base.tests().iter().map(|t| (&*t.name, t)).collect();
        let in_current: FastMap<&str, &TestStats> = current.tests().iter().map(|t| (&*t.name, t)).collect();
        let mut diff = Diff { schema: DIFF_SCHEMA, alpha, ..Diff::default() };
        for t in current.tests() {
            let name = t.name.to_string();
            if let Some(b) = in_base.get(&*t.name) {
                let (before, after) = (Judged::of(b), Judged::of(t));
                // One that never failed on either side has a p of 1, and is left out.
                if before.runs > 0 && after.runs > 0 && before.failed + after.failed > 0 {
                    let p_worse = fisher_p_worse((before.failed, before.runs), (after.failed, after.runs));
                    diff.compared.push(Compared { name: name.clone(), before, after, p_worse });
                }
            }
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
        // The family is the tests that failed on some side: one that never failed can never be a
        // regression (its smallest possible p-value is 1, Fisher's test being conditional on
        // the failures in all), so counting it would only hold the others to a smaller share of
        // alpha (Tarone's remark on discrete tests, in its simplest case).
        let p_values: Vec<f64> = diff.compared.iter().map(|c| c.p_worse).collect();
        let rejected = holm_rejects(&p_values, alpha);
        diff.regressions =
            diff.compared.iter().zip(rejected).filter(|(_, r)| *r).map(|(c, _)| c.name.clone()).collect();
        diff
    }

    /// The tests of `regressions`, with their figures, in order.
    pub fn regressed(&self) -> impl Iterator<Item = &Compared> {
        let names: std::collections::HashSet<&str> = self.regressions.iter().map(String::as_str).collect();
        self.compared.iter().filter(move |c| names.contains(c.name.as_str()))
    }

    /// The diff as `lra-diff/1` JSON, indented for people.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a diff always serializes")
    }
}
