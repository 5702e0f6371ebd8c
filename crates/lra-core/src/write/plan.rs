//! The rerun planner of `lra plan`: for each test that has failed, how many more runs, all
//! clean, would show its failure rate under a target at 95% confidence, and so how many the
//! suite needs.

use serde::Serialize;

use crate::base::statistics::{CONFIDENCE, binomial_cdf, clean_runs_needed};
use crate::model::summary::Summary;

/// The `schema` value of a plan.
pub const PLAN_SCHEMA: &str = "lra-plan/1";

/// What `lra plan` prints.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// Always [`PLAN_SCHEMA`].
    pub schema: &'static str,
    /// The failure rate to show each test under.
    pub target_rate: f64,
    /// The confidence of the one-sided bound: 0.95.
    pub confidence: f64,
    /// The most that any test needs: running the suite this many more times, every run clean,
    /// shows every listed test under the target. `None` when some test can never be shown under
    /// it (see [`PlannedTest::more_runs`]).
    pub suite_more_runs: Option<u64>,
    /// Each test with a failed run, most runs needed first (then in order of first appearance).
    pub tests: Vec<PlannedTest>,
}

/// One test of a [`Plan`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlannedTest {
    /// The test.
    pub name: String,
    /// Its failed runs.
    pub failed: u64,
    /// Its passed and failed runs.
    pub runs: u64,
    /// The one-sided 95% Clopper–Pearson upper bound of its failure rate now.
    pub upper_bound: f64,
    /// More runs, all clean, after which that bound is under the target; `None` when no number
    /// of runs would do (past 2⁶³).
    pub more_runs: Option<u64>,
}

impl Plan {
    /// The plan that shows each failed test of `summary` under `target_rate`, which is above 0
    /// and under 1.
    pub fn of(summary: &Summary, target_rate: f64) -> Plan {
        let mut tests: Vec<PlannedTest> = summary
            .tests()
            .iter()
            .filter(|t| t.counts.failed > 0)
            .map(|t| {
                let (failed, runs) = (t.counts.failed, t.counts.judged());
                PlannedTest {
                    name: t.name.to_string(),
                    failed,
                    runs,
                    upper_bound: upper_bound(failed, runs),
                    more_runs: clean_runs_needed(failed, runs, target_rate),
                }
            })
            .collect();
        // Stable: equal needs keep the order of first appearance. `None` (never) sorts first.
        tests.sort_by(|a, b| match (a.more_runs, b.more_runs) {
            (Some(a), Some(b)) => b.cmp(&a),
            (a, b) => a.is_some().cmp(&b.is_some()),
        });
        let suite_more_runs = tests.iter().map(|t| t.more_runs).try_fold(0, |most, more| Some(most.max(more?)));
        Plan { schema: PLAN_SCHEMA, target_rate, confidence: CONFIDENCE, suite_more_runs, tests }
    }

    /// The plan as `lra-plan/1` JSON, indented for people.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a plan always serializes")
    }
}

/// The one-sided Clopper–Pearson upper bound of a failure rate of `failed` in `runs` at
/// [`CONFIDENCE`]: the rate at which so few failures would be seen with chance 1 − confidence,
/// found by halving (the chance falls as the rate rises).
fn upper_bound(failed: u64, runs: u64) -> f64 {
    if failed >= runs {
        return 1.0;
    }
    let (mut low, mut high) = (0.0f64, 1.0f64);
    for _ in 0..64 {
        let mid = (low + high) / 2.0;
        match binomial_cdf(failed, runs, mid) < 1.0 - CONFIDENCE {
            true => high = mid,
            false => low = mid,
        }
    }
    high
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_with_no_failure_has_a_closed_form() {
        // P(no failure in n) = (1 - p)^n = 0.05.
        for n in [1u64, 10, 299, 5000] {
            let expected = 1.0 - 0.05f64.powf(1.0 / n as f64);
            assert!((upper_bound(0, n) - expected).abs() < 1e-12, "{n}");
        }
        assert_eq!(upper_bound(3, 3), 1.0);
    }
}
