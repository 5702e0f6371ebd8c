//! The tests table's columns, which it can be sorted by.

use serde::{Deserialize, Serialize};

/// A column of the tests table.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Column {
    Name,
    Runs,
    Passed,
    Failed,
    Skipped,
    Other,
    Missing,
    PassRate,
    /// Failed over passed and failed runs, with its 95% Wilson interval; sorted by the
    /// interval's low end, so that a test surely failing often comes before one seen failing once.
    FailureRate,
    /// The 95th percentile of its runs' durations.
    P95,
    FirstFailure,
    /// In a history, the build since which every run of it failed; shown only for a history.
    Since,
}

impl Column {
    /// Every column, in the table's order, with its heading.
    pub const ALL: [(Column, &'static str); 12] = [
        (Column::Name, "Test"),
        (Column::Runs, "Runs"),
        (Column::Passed, "Passed"),
        (Column::Failed, "Failed"),
        (Column::Skipped, "Skipped"),
        (Column::Other, "Other"),
        (Column::Missing, "Missing"),
        (Column::PassRate, "Pass rate"),
        (Column::FailureRate, "Failure rate (95%)"),
        (Column::P95, "p95 time"),
        (Column::FirstFailure, "First failure"),
        (Column::Since, "Failing since"),
    ];

    /// Its name in the URL.
    pub fn key(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Runs => "runs",
            Column::Passed => "passed",
            Column::Failed => "failed",
            Column::Skipped => "skipped",
            Column::Other => "other",
            Column::Missing => "missing",
            Column::PassRate => "pass-rate",
            Column::FailureRate => "failure-rate",
            Column::P95 => "p95",
            Column::FirstFailure => "first-failure",
            Column::Since => "since",
        }
    }

    /// The column named `key` in the URL.
    pub fn from_key(key: &str) -> Option<Column> {
        Column::ALL.iter().map(|(c, _)| *c).find(|c| c.key() == key)
    }

    /// The order a click on its heading sorts by first: names and places A to Z, counts (and
    /// the latest build a test fails since) most first.
    pub fn descending_first(self) -> bool {
        self != Column::Name && self != Column::FirstFailure
    }
}
