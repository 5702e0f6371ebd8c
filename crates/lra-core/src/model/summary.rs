//! The Summary of one or more logs (docs/design.md §2), and its exact merge.

use std::fmt;

use crate::base::location::{Location, Shift};
use crate::base::log_format::LogFormat;
use crate::base::markers::Markers;
use crate::base::options::{NameMode, Options};
use crate::model::cells::Cell;
use crate::model::class::Counts;
use crate::model::durations::Durations;
use crate::model::history::History;
use crate::model::stats::{Anomaly, FailureGroup, IterationStats, TestStats};
use crate::model::tables::Tables;

/// Per-file figures.
#[derive(Clone, Debug, PartialEq)]
pub struct FileStats {
    /// The file's name as given.
    pub name: Box<str>,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its runs by class.
    pub totals: Counts,
    /// `Result: ` lines with no open test.
    pub orphan_results: u64,
    /// Lines longer than the line limit with a marker past it.
    pub long_lines: u64,
    /// Durations computed from a run's timestamps that were negative or over a day, and so
    /// dropped (docs/design.md, "Durations").
    pub dropped_durations: u64,
    /// A NUL byte in the first 8 KiB: the file is probably not a text log.
    pub binary: bool,
    /// Why the file ended early, when it did (a corrupt or truncated archive member): its lines
    /// before the damage are counted.
    pub damage: Option<Box<str>>,
    /// A JUnit report `lra --format junit` wrote from a summary: each of its tests counts one
    /// run, whatever the summary counted. Said as a warning.
    pub from_summary: bool,
    /// The format it was read in.
    pub format: LogFormat,
    /// How the format was chosen and the choices made from the file's head, in words: `named by
    /// the user`, or what its head held (`go test -v: 12 lines of its own …`), or why a runner's
    /// output was not read as runs (`pytest -q output, which names no tests: …`). `None` in
    /// summaries saved before it was kept.
    pub reading: Option<Box<str>>,
}

impl FileStats {
    /// Whether its pytest node ids were read with pytest-repeat's `[K-N]` as the iteration, so
    /// that each test's name is its node id without that suffix.
    pub fn pytest_repeat(&self) -> bool {
        self.reading.as_deref().is_some_and(|r| r.contains(crate::base::log_format::PYTEST_REPEAT_READ))
    }
}

/// The summary of one or more logs. Build it with [`crate::FileParser`], combine with
/// [`Summary::merge`], and read or write it as `lra-summary/1` JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// How test names were taken.
    pub name_mode: NameMode,
    /// The markers the logs were read by.
    pub markers: Markers,
    /// The files, in the order given.
    pub files: Vec<FileStats>,
    pub(crate) tables: Tables,
    /// Its builds, when it is a history (`lra history`); `None` for a summary of logs.
    pub(crate) history: Option<History>,
}

/// Two summaries that cannot be merged: their logs were read by different rules, so the same
/// test could have a different name, or a run be counted in one and not the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// The names were taken differently.
    NameMode {
        /// The summary merged into.
        left: NameMode,
        /// The summary merged.
        right: NameMode,
    },
    /// The logs were read by different markers.
    Markers {
        /// The summary merged into.
        left: Markers,
        /// The summary merged.
        right: Markers,
    },
    /// One is a history of builds and the other a summary of no builds: its runs would belong
    /// to no build.
    History {
        /// Whether the summary merged into is the history.
        left_is_history: bool,
    },
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::NameMode { left, right } => {
                write!(f, "cannot merge a summary with {} names into one with {} names", right.as_str(), left.as_str())
            }
            MergeError::History { left_is_history: true } => f.write_str(
                "cannot merge a summary of no builds into a history: read it as the history's next build \
                 (`lra history HISTORY.json SUMMARY`)",
            ),
            MergeError::History { left_is_history: false } => f.write_str(
                "cannot merge a history into a summary of no builds: give the history first, and the summary \
                 as its next build (`lra history HISTORY.json SUMMARY`)",
            ),
            MergeError::Markers { left, right } => write!(
                f,
                "cannot merge a summary read with the markers {} into one read with {}",
                right.describe(),
                left.describe()
            ),
        }
    }
}

impl std::error::Error for MergeError {}

impl Summary {
    /// A summary of no files, read with the default markers.
    pub fn empty(name_mode: NameMode) -> Summary {
        Summary::empty_for(&Options::with_name_mode(name_mode))
    }

    /// A summary of no files, to be read with `options`.
    pub fn empty_for(options: &Options) -> Summary {
        Summary {
            name_mode: options.name_mode,
            markers: options.markers.clone(),
            files: Vec::new(),
            tables: Tables::default(),
            history: None,
        }
    }

    /// Whether `other` was read by the same rules, so that the two can merge.
    pub fn can_merge(&self, other: &Summary) -> Result<(), MergeError> {
        if self.name_mode != other.name_mode {
            return Err(MergeError::NameMode { left: self.name_mode, right: other.name_mode });
        }
        if self.markers != other.markers {
            return Err(MergeError::Markers { left: self.markers.clone(), right: other.markers.clone() });
        }
        if self.history.is_some() != other.history.is_some() && !self.is_empty() && !other.is_empty() {
            return Err(MergeError::History { left_is_history: self.history.is_some() });
        }
        Ok(())
    }

    /// No file and no test.
    fn is_empty(&self) -> bool {
        self.files.is_empty() && self.tables.is_empty()
    }

    /// This summary as one build called `label`, to be merged with other builds into a history:
    /// each test's passed and failed runs are its cells in that build. A history stays as it is.
    pub fn into_build(mut self, label: &str) -> Summary {
        if self.history.is_none() {
            let cells = self.tables.tests.iter().map(|t| Cell { passed: t.counts.passed, failed: t.counts.failed });
            self.history = Some(History::one_build(label, cells));
        }
        self
    }

    /// Its builds, if it is a history.
    pub fn history(&self) -> Option<&History> {
        self.history.as_ref()
    }

    /// The level a history's change points must be significant at to be shown.
    pub fn set_change_point_alpha(&mut self, alpha: f64) {
        if let Some(h) = &mut self.history {
            h.alpha = alpha;
        }
    }

    /// Appends `other`, as if its files had been given after this summary's files.
    /// The merge is exact and associative.
    pub fn merge(&mut self, other: Summary) -> Result<(), MergeError> {
        self.can_merge(&other)?;
        if self.is_empty() && self.history.as_ref().is_none_or(|h| h.builds.is_empty()) {
            // Into nothing: the other side as it is (a merge would rebuild the same tables).
            *self = other;
            self.tables.settle();
            return Ok(());
        }
        let shift = Shift::files(self.files.len() as u32);
        let (tests, _) = self.tables.absorb(other.tables, shift, None);
        self.files.extend(other.files);
        if let (Some(mine), Some(theirs)) = (self.history.as_mut(), other.history) {
            mine.append(theirs, &tests, self.tables.tests.len());
        }
        Ok(())
    }

    /// All runs by class, over every file.
    pub fn totals(&self) -> Counts {
        let mut t = Counts::default();
        for f in &self.files {
            t.add_all(&f.totals);
        }
        t
    }

    /// `Result: ` lines with no open test, over every file.
    pub fn orphan_results(&self) -> u64 {
        self.files.iter().map(|f| f.orphan_results).sum()
    }

    /// Lines whose markers past the line limit were ignored, over every file.
    pub fn long_lines(&self) -> u64 {
        self.files.iter().map(|f| f.long_lines).sum()
    }

    /// Durations computed from timestamps that were negative or over a day, and dropped.
    pub fn dropped_durations(&self) -> u64 {
        self.files.iter().map(|f| f.dropped_durations).sum()
    }

    /// Whether any run had a duration.
    pub fn has_durations(&self) -> bool {
        self.tests().iter().any(|t| t.durations().is_some())
    }

    /// All bytes read.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }

    /// Tests in order of first appearance.
    pub fn tests(&self) -> &[TestStats] {
        &self.tables.tests
    }

    /// Iterations in order of first appearance.
    pub fn iterations(&self) -> &[IterationStats] {
        &self.tables.iterations
    }

    /// Failed runs grouped by reason, in order of first appearance (`failure_groups_by_size` for
    /// largest first).
    pub fn failure_groups(&self) -> Vec<FailureGroup> {
        self.tables.named_failure_groups()
    }

    /// Failure groups, largest first.
    pub fn failure_groups_by_size(&self) -> Vec<FailureGroup> {
        let mut groups = self.failure_groups();
        groups.sort_by(|a, b| b.count.cmp(&a.count).then(a.first.cmp(&b.first)));
        groups
    }

    /// The first anomalies by location (capped; the counts are not).
    pub fn anomalies(&self) -> &[Anomaly] {
        &self.tables.anomalies
    }

    /// All anomalies, located or not: orphan results, missing results and long lines.
    pub fn anomaly_count(&self) -> u64 {
        self.orphan_results() + self.totals().missing + self.long_lines()
    }

    /// The name of a location's file.
    pub fn file_name(&self, loc: Location) -> &str {
        self.files.get(loc.file as usize).map_or("", |f| &f.name)
    }

    /// The tests whose runs had a duration, with their durations: the longest p95 first, then
    /// the longest total, then in order of first appearance.
    pub fn tests_slowest_first(&self) -> Vec<(&TestStats, &Durations)> {
        let mut timed: Vec<_> = self.tests().iter().filter_map(|t| Some((t, t.durations()?))).collect();
        timed.sort_by_key(|(_, d)| std::cmp::Reverse((d.p95(), d.total())));
        timed
    }

    /// Tests sorted for reading: most failures first, then most missing results, then in order of
    /// first appearance.
    pub fn tests_failures_first(&self) -> Vec<&TestStats> {
        let mut tests: Vec<&TestStats> = self.tests().iter().collect();
        tests.sort_by(|a, b| {
            (b.counts.failed, b.counts.missing, b.counts.other).cmp(&(
                a.counts.failed,
                a.counts.missing,
                a.counts.other,
            ))
        });
        tests
    }

    /// The flaky tests, the most often flipping first (then most failures, then in order of
    /// first appearance).
    pub fn flaky_tests(&self) -> Vec<&TestStats> {
        let mut flaky: Vec<&TestStats> = self.tests().iter().filter(|t| t.flaky()).collect();
        flaky.sort_by(|a, b| b.flip_rate().total_cmp(&a.flip_rate()).then(b.counts.failed.cmp(&a.counts.failed)));
        flaky
    }
}
