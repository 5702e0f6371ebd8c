//! The messages between the page and the engine worker, defined once and used by both sides.
//!
//! The worker owns the summary; the page asks it for what it shows ([`Request`]) and gets back
//! only that ([`Reply`]): a page of tests, the flaky list, the charts' options. Both travel as
//! JSON text in a small envelope that `web/engine/worker.js` routes without reading:
//!
//! - page to worker: `{id, request, files?}`, where `request` is a [`Request`] as JSON and
//!   `files` the Blobs of a [`Request::Analyze`] or [`Request::Baseline`]; `{cancel: id}` stops
//!   the reading of that request's files between two slices;
//! - worker to page: `{id, reply, blob?}`, where `reply` is a [`Reply`] as JSON and `blob` the
//!   file an export or a sample log made; `{id, fatal}` when the engine itself stopped (a trap),
//!   which only the worker's script can say.
//!
//! The page asks through [`query`]: a type per request of one reply shape, whose answer is typed.

// Plain data: each type's documentation says what it carries, and its fields are named for
// what they hold, so they are not documented one by one.
#![allow(missing_docs)]

mod column;
pub mod query;
mod text;

use lra_core::{Counts, LogFormat};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub use column::Column;
/// How logs are read, as the page sets it and the CLI's flags do: one type, in the core.
pub use lra_core::{MarkerTexts, Reading};
pub use text::{count, failure_rate, human_bytes, percent};

/// What the page asks. Each is answered by one [`Reply`], in the order asked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "body", rename_all = "kebab-case")]
pub enum Request {
    /// Reads the Blobs sent beside it, named `names`, and adds them to the summary. A `.json`
    /// file that is a saved summary is merged as it is; on an empty page its way of reading is
    /// taken (`adopt`), else one read otherwise is left out with a message.
    Analyze { names: Vec<String>, reading: Reading, adopt: bool },
    /// Forgets the summary (not the baseline).
    Clear,
    /// The header's figures and the anomalies.
    Overview,
    /// One page of the files table.
    Files(FilesQuery),
    /// The index of the file named `name`, if the summary has one (a deep link's file).
    FileNamed { name: String },
    /// One page of the tests table.
    Tests(TestsQuery),
    /// A window of a history's tests × builds grid.
    History(HistoryQuery),
    /// One test, in full.
    Test { name: String },
    /// The flaky tests, the most often flipping first.
    Flaky,
    /// The tests with a timed run, the longest p95 first.
    Slowest,
    /// Failed runs grouped by reason, the largest group first.
    Failures,
    /// The charts' options and their data as tables.
    Charts,
    /// The heatmap's option and its table, asked only when it is shown.
    Heatmap,
    /// The suites inside the suite at `path` (empty: the top level).
    Suites { path: Vec<String> },
    /// The comparison of the summary with the baseline.
    Compare,
    /// Makes the saved summary sent beside it the baseline.
    Baseline { name: String },
    /// Makes the summary the baseline and empties the page.
    SummaryAsBaseline,
    /// The summary as a file, built in the worker (the reply's blob).
    Export(Export),
    /// A generated log in the seed's format (the reply's blob).
    Sample { iterations: u32, tests: u32, seed: u32 },
    /// The lines of a file around a place, for the run viewer.
    Lines(LinesQuery),
    /// Looks for `text` in `file` after byte `from` (`forward`) or before it: answered with
    /// [`Reply::Found`]. One request reads a bounded part of the file and says where it
    /// stopped; the page asks again to go on, or stops.
    Search { file: u32, from: u64, text: String, forward: bool },
    /// The nearest kept failed run of any test after (`forward`) or before `place`.
    NextFailure { place: Place, forward: bool },
    /// The first failed run of `test` in `file` whose result line starts after `after`, read
    /// from the file again (past the runs the summary kept): answered with [`Reply::NextRun`],
    /// a bounded share of the file at a time, as a search is.
    NextRun { test: String, file: u32, after: u64 },
}

/// A place in a file of the summary: its index, and its line as an offset, a number, or both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub file: u32,
    pub line: Option<u64>,
    pub offset: Option<u64>,
}

/// Which lines of a file the viewer shows: around `at`, `before` lines before and `after` after.
/// `test`: the test whose failed runs are marked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinesQuery {
    pub at: Place,
    pub before: u32,
    pub after: u32,
    pub test: Option<String>,
}

/// A window of a file's lines: `lines[anchor]` is the one asked for, `first_line` the number
/// of `lines[0]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinesWindow {
    pub first_line: u64,
    pub lines: Vec<ShownLine>,
    pub anchor: u32,
    pub at_start: bool,
    pub at_end: bool,
}

/// One line, as text: `len` is its length in bytes, `cut` whether `text` is only its start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownLine {
    pub offset: u64,
    pub text: String,
    pub len: u64,
    pub cut: bool,
}

/// A kept failed run: where it opened and closed (offsets of line starts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunAt {
    pub file: u32,
    pub opened: u64,
    pub closed: u64,
}

impl RunAt {
    /// Whether the line that starts at `offset` of `file` is one of the run's.
    pub fn holds(&self, file: u32, offset: u64) -> bool {
        self.file == file && self.opened <= offset && offset <= self.closed
    }
}

/// The lines the viewer shows, and what it knows of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViewerLines {
    pub file: u32,
    /// The file's name.
    pub name: String,
    pub window: LinesWindow,
    /// The kept failed runs of the test asked for (or of the test whose run holds the line),
    /// in run order, with how many failed runs it had, and its name.
    pub test: Option<String>,
    pub runs: Vec<RunAt>,
    pub seen: u64,
    /// The file is a compressed file's or an archive member's: decoded from the start of
    /// what holds it to reach these lines.
    pub decoded: bool,
}

/// The files an export makes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Export {
    /// `lra-summary/1` JSON, pretty or compact.
    Json { pretty: bool },
    /// One row per test.
    Csv,
    /// One self-contained HTML file; `echarts` is the charting library's source, inlined.
    Report { echarts: String },
}

/// Which tests, in which order, and which page of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestsQuery {
    /// Tests whose name holds this, ignoring case; empty: every test.
    pub filter: String,
    pub sort: Column,
    pub descending: bool,
    /// From 0; past the last page, the last page.
    pub page: u32,
    pub page_size: u32,
}

/// Which window of a history's tests × builds grid: its tests in the History view's order
/// (newly broken first), `tests` of them from `first_test`, and `builds` builds from
/// `first_build`. A window past the end is moved back to end there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryQuery {
    /// Tests whose name holds this, ignoring case; empty: every test.
    pub filter: String,
    pub first_test: u32,
    pub tests: u32,
    pub first_build: u32,
    pub builds: u32,
}

/// A window of a history's grid: the tests the filter keeps and the builds in all, the window's
/// place (as moved to fit), its builds' labels, and its rows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryWindow {
    pub matching: u64,
    pub builds: u32,
    pub first_test: u32,
    pub first_build: u32,
    pub labels: Vec<String>,
    /// Each build's files, `[first, end)`, when the page gave them (so the run viewer can read
    /// its lines); `None` for a saved summary's build.
    pub files: Vec<Option<[u32; 2]>>,
    pub rows: Vec<HistoryRow>,
}

/// A test's row of the history's grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub name: String,
    /// Over every build (its failure rate's interval is made from them).
    pub counts: Counts,
    pub builds_run: u32,
    pub builds_failed: u32,
    pub builds_flaky: u32,
    /// The label of the build since which every run of it failed.
    pub failing_since: Option<String>,
    /// Where its failure rate changed: the build's index and label, and its runs before and
    /// after in words.
    pub change_point: Option<(u32, String, String)>,
    /// Its runs in each build of the window, in order: `[passed, failed]`.
    pub cells: Vec<[u64; 2]>,
}

/// What the worker says.
#[derive(Debug, Serialize, Deserialize)]
// Adjacently tagged: the tag comes first, so the body is read without being buffered, which
// the charts' raw JSON needs.
#[serde(tag = "type", content = "body", rename_all = "kebab-case")]
pub enum Reply {
    /// The engine is loaded: which build, how many threads parse, whether the page is isolated.
    Ready {
        build: String,
        threads: u32,
        isolated: bool,
    },
    /// `done` of `size` bytes of the request's file `file` are read.
    Progress {
        file: u32,
        done: f64,
        size: f64,
    },
    /// The files were added. `problems`: damaged files and archives, refused summaries.
    /// `adopted`: the way of reading the page took from a saved summary. `parsers`: how many
    /// workers read the files at once (the pool of a page without threads; else 1).
    Analyzed {
        problems: Vec<String>,
        adopted: Option<Reading>,
        seconds: f64,
        parsers: u32,
    },
    /// The reading was stopped; nothing of that request was added.
    Cancelled,
    /// Done, nothing to say (Clear, a new baseline).
    Done,
    Overview(Option<Overview>),
    Files(FilesPage),
    FileNamed(Option<u32>),
    Tests(TestsPage),
    History(HistoryWindow),
    Test(Option<TestDetail>),
    Flaky(FlakyList),
    Slowest(SlowestList),
    Failures(FailureList),
    Charts(Option<Box<ChartSet>>),
    Heatmap(Option<Box<HeatmapSet>>),
    Suites(SuiteLevel),
    Compare(Comparison),
    Lines(Box<ViewerLines>),
    /// A search's answer: the start of the line of the next hit, or `None` with where it
    /// stopped (`next`) when it read its share of the file without a hit, or the file ended
    /// (`done`).
    Found {
        offset: Option<u64>,
        next: u64,
        done: bool,
    },
    /// The nearest kept failed run after or before a place: its test and where it is.
    NextFailure(Option<(String, RunAt)>),
    /// The lines asked for are in a compressed file or an archive's member, decoded from its
    /// start: `done` of the input's `size` bytes are decoded so far. Ask again to go on.
    Decoding {
        file: u32,
        done: u64,
        size: u64,
    },
    /// A rescan's answer: the run found, or `None` with where it stopped (`next`) when it read
    /// its share without one, or the file ended (`done`).
    NextRun {
        run: Option<RunAt>,
        next: u64,
        done: bool,
    },
    /// The blob beside it: its file name and type.
    File {
        name: String,
        mime: String,
    },
    /// The request could not be answered.
    Failed {
        message: String,
    },
}

/// The header's figures, the files and the first anomalies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub files: u64,
    pub bytes: u64,
    pub totals: Counts,
    pub orphan_results: u64,
    pub long_lines: u64,
    pub tests: u64,
    pub iterations: u64,
    pub flaky: u64,
    pub anomaly_count: u64,
    /// The first anomalies by location, each as `at` (`file:line`), what happened, and the
    /// place.
    pub anomalies: Vec<(String, String, Option<Place>)>,
    /// Runs with a duration, and durations from timestamps dropped (negative or over a day).
    #[serde(default)]
    pub timed_runs: u64,
    #[serde(default)]
    pub dropped_durations: u64,
    /// The builds of a history; 0 for a summary of no builds.
    #[serde(default)]
    pub builds: u64,
}

/// Which files of the summary, in the order given: `count` of them (at most 200) from `first`.
/// Past the end: the last page, the one from the last multiple of `count`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilesQuery {
    pub first: u32,
    pub count: u32,
}

/// One page of the files table: `rows` are the files from `first` on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FilesPage {
    pub first: u32,
    pub rows: Vec<FileRow>,
}

/// One file of the summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileRow {
    pub name: String,
    pub format: LogFormat,
    /// How the format was chosen, in words (`files[].reading`).
    #[serde(default)]
    pub reading: Option<String>,
    pub bytes: u64,
    pub totals: Counts,
    pub orphan_results: u64,
    pub binary: bool,
    pub damage: Option<String>,
}

/// One page of the tests table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestsPage {
    /// The tests the filter keeps.
    pub matching: u64,
    /// The page shown (the last one when the asked one is past it) and how many there are.
    pub page: u32,
    pub pages: u32,
    pub rows: Vec<TestRow>,
}

/// A test's row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestRow {
    pub name: String,
    pub counts: Counts,
    /// `file:line` of its first failure, and the place.
    pub first_failure: Option<String>,
    #[serde(default)]
    pub first_failure_at: Option<Place>,
    /// Its runs' durations, if any had one.
    #[serde(default)]
    pub timing: Option<Timing>,
    /// In a history, the label of the build since which every run of it failed.
    #[serde(default)]
    pub since: Option<String>,
}

/// A test's durations, in microseconds (docs/design.md, "Durations").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    /// Runs with a duration.
    pub runs: u64,
    pub total_us: u64,
    pub min_us: u64,
    pub p50_us: u64,
    pub p95_us: u64,
    pub max_us: u64,
}

/// The tests with a timed run shown, the longest p95 first, of `total`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SlowestList {
    pub total: u64,
    pub rows: Vec<TestRow>,
}

/// One test, in full.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestDetail {
    pub row: TestRow,
    /// Each result word and how often it was given.
    pub words: Vec<(String, u64)>,
    pub transitions: u64,
    /// Its kept failed runs, in run order, and how many it had.
    #[serde(default)]
    pub runs: Vec<RunAt>,
    #[serde(default)]
    pub seen: u64,
    /// Its runs in each iteration, in order, as at most a few hundred cells: a cell is one
    /// iteration, or a range of neighbouring ones summed (`12–18`) when there are more.
    #[serde(default)]
    pub strip: Vec<StripCell>,
    /// The reasons of the failure groups that list it (a group lists its first tests only).
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// One cell of a test's strip: the iteration (or range) and its passed and failed runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StripCell {
    pub label: String,
    pub passed: u64,
    pub failed: u64,
}

/// The flaky tests shown, of `total`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlakyList {
    pub total: u64,
    pub rows: Vec<FlakyRow>,
}

/// A flaky test's row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlakyRow {
    pub name: String,
    pub counts: Counts,
    pub transitions: u64,
    pub flip_rate: f64,
}

/// The failure groups shown, of `total`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FailureList {
    pub total: u64,
    pub rows: Vec<FailureRow>,
}

/// A group of failed runs with the same reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailureRow {
    /// The reason as first written; empty when none was given.
    pub example: String,
    /// The reason with its numbers folded, as the group is keyed.
    pub detail: String,
    pub count: u64,
    /// Its first tests.
    pub tests: Vec<String>,
    /// `file:line` of its first failure, and the place.
    pub first: String,
    #[serde(default)]
    pub first_at: Option<Place>,
}

/// The charts: ECharts options as JSON, and their data as tables for screen readers.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChartSet {
    pub tests: Box<RawValue>,
    /// `None` when the logs have no iterations.
    pub iterations: Option<Box<RawValue>>,
    pub classes: Box<RawValue>,
    /// Test, passed, failed: the bar chart's data.
    pub test_rows: Vec<(String, u64, u64)>,
    /// Label, runs, pass rate: the first iterations, of `iterations`.
    pub iteration_rows: Vec<(String, u64, Option<f64>)>,
    pub iterations_total: u64,
    /// Class, runs.
    pub class_rows: Vec<(String, u64)>,
    /// The time the timed runs of each iteration took; `None` when no run in an iteration was
    /// timed.
    #[serde(default)]
    pub durations: Option<Box<RawValue>>,
    /// Label, timed runs, their total in microseconds: the first iterations.
    #[serde(default)]
    pub duration_rows: Vec<(String, u64, u64)>,
}

/// The heatmap: apart from the other charts, since its cells are many and shown in one view.
#[derive(Debug, Serialize, Deserialize)]
pub struct HeatmapSet {
    /// Its option and the part set after it; `None`, with the reason in `why_none`.
    pub chart: Option<(Box<RawValue>, Box<RawValue>)>,
    pub why_none: Option<String>,
    pub rows: Vec<HeatmapRow>,
}

/// A heatmap row as a table row: its test, how many columns failed, where (columns and runs),
/// and its first failure (`file:line`, and the place for the viewer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatmapRow {
    pub test: String,
    pub failing: String,
    pub at: String,
    pub first: Option<(String, Place)>,
}

/// One level of the suites' tree: the children of the suite at `path`, the most failures first,
/// at most a few hundred of `total`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SuiteLevel {
    pub path: Vec<String>,
    /// The tests below `path`.
    pub tests: u64,
    pub total: u64,
    pub rows: Vec<SuiteRow>,
}

/// A suite, or a test: the counts of every test below it, rolled up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuiteRow {
    /// This part of the names.
    pub name: String,
    /// The whole name of the test that ends here, if one does (a suite may also be a test).
    pub test: Option<String>,
    /// The tests at or below it.
    pub tests: u64,
    pub counts: Counts,
    /// How many of them are flaky.
    pub flaky: u64,
}

/// The comparison with the baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The baseline's files and tests.
    pub baseline: Option<(u64, u64)>,
    /// Each list's title, element id, length and first names; `None` without both sides.
    pub lists: Option<Vec<DiffList>>,
}

/// One list of the comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffList {
    pub id: String,
    pub title: String,
    pub total: u64,
    pub names: Vec<String>,
}

impl Request {
    /// As the envelope carries it.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("a request serializes")
    }

    /// From the envelope.
    pub fn from_text(text: &str) -> Result<Request, String> {
        serde_json::from_str(text).map_err(|e| format!("not a request the engine knows: {e}"))
    }
}

impl Reply {
    /// As the envelope carries it.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("a reply serializes")
    }

    /// From the envelope.
    pub fn from_text(text: &str) -> Result<Reply, String> {
        serde_json::from_str(text).map_err(|e| format!("the engine answered oddly: {e}"))
    }
}
