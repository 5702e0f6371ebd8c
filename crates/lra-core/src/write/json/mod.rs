//! The `lra-summary/1` JSON form of a [`crate::Summary`] (docs/design.md §2), both ways.
//!
//! Besides the schema's fields, it carries what an exact merge of saved summaries needs: each
//! location's file index, and every raw result word with its count. A summary read back is
//! checked first (`check`): its parts must agree. This file is the form itself; `convert` turns a
//! summary into it and back.

mod check;
mod convert;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::base::cut::{Cut, split_cut};
use crate::base::log_format::LogFormat;
use crate::base::options::NameMode;
use crate::model::class::{Class, Counts};
use crate::model::durations::Durations;
use crate::model::runs::{FailedRun, KeptRuns};
use crate::model::summary::FileStats;

/// The `schema` value of a summary.
pub const SUMMARY_SCHEMA: &str = "lra-summary/1";

/// The JSON form. `T` is how the tests are held: read into a vector, written one by one from
/// the summary (`TestsOut`, in `convert`), so that writing a million tests never holds their
/// JSON form.
#[derive(Serialize, Deserialize)]
struct SummaryJson<T = Vec<TestJson>> {
    schema: String,
    name_mode: NameMode,
    /// Absent in summaries saved before markers could be set: the default ones.
    #[serde(default)]
    markers: Option<MarkersJson>,
    /// The budget its texts were cut at ([`crate::CUT_BYTES`]); absent in summaries saved before cuts,
    /// whose long texts are cut when read.
    #[serde(default)]
    cut_bytes: Option<u64>,
    totals: CountsJson,
    orphan_results: u64,
    /// These three follow from the files and tests; absent in summaries saved before them.
    #[serde(default)]
    long_lines: Option<u64>,
    #[serde(default)]
    bytes: Option<u64>,
    #[serde(default)]
    distinct_tests: Option<u64>,
    files: Vec<FileJson>,
    tests: T,
    iterations: Vec<IterationJson>,
    anomalies: Vec<AnomalyJson>,
    #[serde(default)]
    failure_groups: Vec<FailureGroupJson>,
    /// How the tests' durations are bucketed ([`crate::DURATION_SCHEME`]); absent in summaries saved
    /// before durations, which have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    duration_scheme: Option<String>,
    #[serde(default)]
    dropped_durations: u64,
    /// A history's builds, in order (absent in a summary of logs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    builds: Option<Vec<BuildJson>>,
    /// The level a history's change points are significant at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    change_point_alpha: Option<f64>,
}

/// A build of a history.
#[derive(Serialize, Deserialize)]
struct BuildJson {
    /// Unique: a label given twice is shown with ` #2`.
    label: String,
}

#[derive(Serialize, Deserialize)]
struct MarkersJson {
    test: String,
    result: String,
    iteration: String,
    ignore_case: bool,
}

/// What was cut from a text over [`crate::CUT_BYTES`]: the whole's length and SHA-256 (lowercase hex).
#[derive(Serialize, Deserialize)]
struct CutJson {
    bytes: u64,
    sha256: String,
}

impl CutJson {
    fn of(cut: Option<Cut>) -> Option<CutJson> {
        cut.map(|c| CutJson { bytes: c.bytes, sha256: c.sha256_hex() })
    }
}

/// A kept text as the JSON writes it where it is a value of its own: the kept text, and its
/// `cut` beside it when it was cut.
fn kept(text: &str) -> (String, Option<CutJson>) {
    let (kept, cut) = split_cut(text);
    (kept.to_owned(), CutJson::of(cut))
}

#[derive(Serialize, Deserialize)]
struct FailureGroupJson {
    detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    detail_cut: Option<CutJson>,
    #[serde(default)]
    example: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    example_cut: Option<CutJson>,
    count: u64,
    tests: Vec<String>,
    first: LocationJson,
}

/// Counts with `tests` (all runs) first, as the schema has them.
#[derive(Serialize, Deserialize)]
struct CountsJson {
    /// All runs; absent in the iterations of summaries saved before it was written there.
    #[serde(default)]
    tests: Option<u64>,
    #[serde(flatten)]
    counts: Counts,
    pass_rate: Option<f64>,
}

impl From<Counts> for CountsJson {
    fn from(counts: Counts) -> CountsJson {
        CountsJson { tests: Some(counts.runs()), counts, pass_rate: counts.pass_rate() }
    }
}

#[derive(Serialize, Deserialize)]
struct FileJson {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cut: Option<CutJson>,
    bytes: u64,
    totals: CountsJson,
    orphan_results: u64,
    #[serde(default)]
    long_lines: u64,
    #[serde(default)]
    binary: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    damage: Option<String>,
    #[serde(default)]
    dropped_durations: u64,
    /// Written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    from_summary: bool,
    /// Absent in summaries saved before formats: markers.
    #[serde(default)]
    format: LogFormat,
    /// How the format was chosen, in words; absent in summaries saved before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reading: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct TestJson {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cut: Option<CutJson>,
    runs: u64,
    #[serde(flatten)]
    counts: Counts,
    pass_rate: Option<f64>,
    /// Failed over passed + failed, and its 95% Wilson interval: follow from the counts, written
    /// for scripts and never read back (absent in summaries saved before them).
    #[serde(default)]
    failure_rate: Option<f64>,
    #[serde(default)]
    failure_rate_ci95: Option<[f64; 2]>,
    results: BTreeMap<String, u64>,
    first_failure: Option<LocationJson>,
    #[serde(default)]
    transitions: u64,
    /// Follows from the counts; absent in summaries saved before it.
    #[serde(default)]
    flaky: Option<bool>,
    #[serde(default)]
    first_outcome: Option<Outcome>,
    #[serde(default)]
    last_outcome: Option<Outcome>,
    /// `[first iteration index, iterations, passed, failed]` per span of equal cells.
    #[serde(default)]
    by_iteration: Vec<(u32, u32, u64, u64)>,
    /// Its first and last failed runs; absent when it has none kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    failed_runs: Option<FailedRunsJson>,
    /// Its runs' durations; absent when none had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    durations: Option<DurationsJson>,
    /// In a history: `[first build index, builds, passed, failed]` per span of equal cells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    by_build: Option<Vec<(u32, u32, u64, u64)>>,
    /// In a history: what its row says (derived: written, never read back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    history: Option<TestHistoryJson>,
}

/// [`crate::TestHistory`] with builds by label.
#[derive(Serialize, Deserialize)]
struct TestHistoryJson {
    builds_run: u32,
    builds_failed: u32,
    builds_flaky: u32,
    first_build: Option<String>,
    last_build: Option<String>,
    failing_since: Option<String>,
    last_passed: Option<String>,
    change_point: Option<ChangePointJson>,
}

#[derive(Serialize, Deserialize)]
struct ChangePointJson {
    build: String,
    before: JudgedJson,
    after: JudgedJson,
    p_value: f64,
}

/// Failed runs among the passed and failed ones.
#[derive(Serialize, Deserialize)]
struct JudgedJson {
    failed: u64,
    runs: u64,
}

/// A test's durations, in microseconds: the percentiles are written for people and scripts, and
/// read back from the buckets (`[bucket, runs]` in the summary's `duration_scheme`).
#[derive(Serialize, Deserialize)]
struct DurationsJson {
    runs: u64,
    total_us: u64,
    min_us: u64,
    max_us: u64,
    #[serde(default)]
    p50_us: u64,
    #[serde(default)]
    p95_us: u64,
    buckets: Vec<(u16, u64)>,
}

impl DurationsJson {
    fn of(d: &Durations) -> DurationsJson {
        DurationsJson {
            runs: d.runs(),
            total_us: d.total(),
            min_us: d.min(),
            max_us: d.max(),
            p50_us: d.p50(),
            p95_us: d.p95(),
            buckets: d.buckets().to_vec(),
        }
    }

    fn durations(self) -> Result<Durations, String> {
        Durations::from_parts(self.runs, self.total_us, self.min_us, self.max_us, self.buckets)
    }
}

/// An iteration's runs with a duration, and their sum in microseconds.
#[derive(Serialize, Deserialize)]
struct TimedJson {
    runs: u64,
    total_us: u64,
}

/// A test's kept failed runs (`crate::model::runs`): each run is `[file index, the offset of its
/// opening line, the offset of its closing line]`.
#[derive(Serialize, Deserialize)]
struct FailedRunsJson {
    seen: u64,
    first: Vec<(u32, u64, u64)>,
    last: Vec<(u32, u64, u64)>,
}

impl FailedRunsJson {
    fn of(runs: &KeptRuns) -> Option<FailedRunsJson> {
        let tuple = |r: &FailedRun| (r.file, r.opened, r.closed);
        (runs.seen() > 0).then(|| FailedRunsJson {
            seen: runs.seen(),
            first: runs.first().iter().map(tuple).collect(),
            last: runs.last().map(tuple).collect(),
        })
    }

    fn runs(self, files: &[FileStats]) -> Result<KeptRuns, String> {
        let run = |(file, opened, closed): (u32, u64, u64)| {
            let Some(f) = files.get(file as usize) else {
                return Err(format!("a failed run names file #{file}, but there are {}", files.len()));
            };
            if closed >= f.bytes {
                return Err(format!("a failed run closes at byte {closed} of {:?}, which has {}", f.name, f.bytes));
            }
            Ok(FailedRun { file, opened, closed })
        };
        let first = self.first.into_iter().map(run).collect::<Result<_, _>>()?;
        let last = self.last.into_iter().map(run).collect::<Result<_, _>>()?;
        KeptRuns::from_parts(self.seen, first, last)
            .ok_or_else(|| format!("the failed runs kept do not fit {} runs seen", self.seen))
    }
}

/// A passed or failed run, for a test's first and last outcome.
#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Outcome {
    Passed,
    Failed,
}

impl Outcome {
    fn of(class: Option<Class>) -> Option<Outcome> {
        match class? {
            Class::Passed => Some(Outcome::Passed),
            Class::Failed => Some(Outcome::Failed),
            _ => None,
        }
    }

    fn class(o: Option<Outcome>) -> Option<Class> {
        o.map(|o| match o {
            Outcome::Passed => Class::Passed,
            Outcome::Failed => Class::Failed,
        })
    }
}

#[derive(Serialize, Deserialize)]
struct LocationJson {
    file: String,
    line: u64,
    /// The byte offset of the line's start; missing in summaries saved before offsets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    offset: Option<u64>,
    /// Which of `files` is meant, should two files share a name.
    #[serde(default)]
    file_index: Option<u32>,
}

#[derive(Serialize, Deserialize)]
struct IterationJson {
    label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cut: Option<CutJson>,
    #[serde(flatten)]
    counts: CountsJson,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    durations: Option<TimedJson>,
}

#[derive(Serialize, Deserialize)]
struct AnomalyJson {
    kind: String,
    #[serde(flatten)]
    location: LocationJson,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    test: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    word: Option<String>,
}
