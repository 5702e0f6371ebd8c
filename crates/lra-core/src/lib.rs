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
//! - [`Diff::between`] compares two runs: new failures, fixed, still failing, new and removed tests,
//!   and the failure rates that rose beyond chance.
//! - [`generate`] writes deterministic logs in the seed's format, for samples and benchmarks.

// The first stage of the markers' scan (`read::first_stage`) is written with `std::simd`.
#![feature(portable_simd)]

mod base;
mod model;
mod read;
#[doc(hidden)]
pub mod testing;
mod write;

pub use base::builds::{build_of, folder_of_builds, natural};
pub use base::cut::{CUT_BYTES, Cut, cut_text, split_cut};
pub use base::link::READING_LINK_KEYS;
pub use base::location::{LineStart, Location};
pub use base::log_format::LogFormat;
pub use base::markers::{
    DEFAULT_ITERATION_MARKER, DEFAULT_RESULT_MARKER, DEFAULT_TEST_MARKER, MAX_MARKER_LEN, Markers,
};
pub use base::options::{DEFAULT_MAX_LINE, Detected, MarkerTexts, NameMode, Options, Reading};
pub use base::statistics::{
    DEFAULT_ALPHA, binomial_cdf, clean_runs_needed, fisher_p_worse, holm_rejects, wilson_interval,
};
pub use model::cells::{Cell, IterationCells, Span};
pub use model::class::{Class, Counts};
pub use model::durations::{DURATION_SCHEME, Durations, Timed, exact_ms, human_duration};
pub use model::history::{ChangePoint, History, TestHistory};
pub use model::results::ResultWords;
pub use model::runs::{FailedRun, KEPT_RUNS, KeptRuns};
pub use model::stats::{Anomaly, AnomalyKind, FAILURE_GROUP_TESTS, FailureGroup, IterationStats, TestStats};
pub use model::summary::{FileStats, MergeError, Summary};
pub use read::first_stage::FIRST_STAGE;
pub use read::format::detect::{DETECT_LEN, TERSE_OUTPUT, detect, detect_reading};
pub use read::format::junit::JUNIT_REPORT_MARK;
pub use read::parser::{CHECKPOINT_BYTES, FileParser, Segment};
pub use write::csv::{CSV_HEADER, CSV_HISTORY_HEADER};
pub use write::diff::{Compared, DIFF_SCHEMA, Diff, Judged};
pub use write::generate::{GenOptions, GenStyle, Generator, generate};
pub use write::grid::{FailureGrid, GridAxis};
pub use write::json::SUMMARY_SCHEMA;
pub use write::plan::{PLAN_SCHEMA, Plan, PlannedTest};
pub use write::quarantine::{QUARANTINE_SCHEMA, Quarantine, Runner, Select, Unnamed};
pub use write::shown::{SHOWN_BYTES, as_printed, as_shown, push_printed, push_visible};
