//! The LogResultAccumulator core.
//!
//! A log is bytes. Lines holding `Test: <name>` open a test run, and a later line holding
//! `Result: <WORD>` closes it. This crate turns any number of logs into one [`Summary`]: per-test
//! counts by class, raw result words, iterations, per-file totals and located anomalies. The rules
//! are those of `docs/design.md` §1, and the JSON form is the `lra-summary/1` schema of §2.
//!
//! - [`FileParser`] is a push parser: feed it slices cut anywhere, then call
//!   [`FileParser::finish`]. Memory stays flat in the file size.
//! - With the `parallel` feature, large slices are cut into line-aligned segments and parsed on
//!   rayon's pool; the segments' partial results merge associatively into the same Summary the
//!   sequential parse gives.
//! - [`Summary::merge`] combines the summaries of several files or of saved JSON summaries.
//! - Each test keeps its passed and failed runs per iteration ([`IterationCells`]), run-length
//!   encoded so that memory follows the changes, not tests × iterations;
//!   [`Summary::failure_grid`] lays them out for a heatmap.
//! - [`Diff::between`] compares two runs: new failures, fixed, still failing, new and removed tests.
//! - [`generate`] writes deterministic logs in the seed's format, for samples and benchmarks.

mod cells;
mod class;
mod csv;
mod cut;
mod diff;
mod durations;
mod extract;
mod format;
mod generate;
mod grid;
mod hash;
mod json;
mod junit_report;
mod markers;
mod parser;
mod partial;
mod results;
mod runs;
mod scan;
mod shown;
mod stamps;
mod summary;
mod tables;
#[doc(hidden)]
pub mod testing;
mod wire;

pub use cells::{Cell, IterationCells, Span};
pub use class::{Class, Counts};
pub use csv::CSV_HEADER;
pub use cut::{CUT_BYTES, Cut, cut_text, split_cut};
pub use diff::{DIFF_SCHEMA, Diff};
pub use durations::{DURATION_SCHEME, Durations, Timed, exact_ms, human_duration};
pub use extract::NameMode;
pub use format::{DETECT_LEN, Detected, LogFormat, TERSE_OUTPUT, detect, detect_reading};
pub use generate::{GenOptions, GenStyle, Generator, generate};
pub use grid::FailureGrid;
pub use json::SUMMARY_SCHEMA;
pub use junit_report::JUNIT_REPORT_MARK;
pub use markers::{DEFAULT_ITERATION_MARKER, DEFAULT_RESULT_MARKER, DEFAULT_TEST_MARKER, MAX_MARKER_LEN, Markers};
pub use parser::{CHECKPOINT_BYTES, DEFAULT_MAX_LINE, FileParser, Options, Segment};
pub use results::ResultWords;
pub use runs::{FailedRun, KEPT_RUNS, KeptRuns};
pub use shown::{SHOWN_BYTES, as_printed, as_shown, push_printed, push_visible};
pub use summary::{
    Anomaly, AnomalyKind, FAILURE_GROUP_TESTS, FailureGroup, FileStats, IterationStats, LineStart, Location,
    MergeError, Summary, TestStats,
};
