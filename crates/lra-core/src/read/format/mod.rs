//! The formats a log can be in, each read line by line into the same events (docs/design.md
//! §1.2): a test opens, a result closes it, an iteration starts. The accumulator never knows
//! which format a line came from.
//!
//! - `markers`: the `Test: `/`Result: `/`Iteration ` lines, or a user's own (the parser's fast
//!   path, `scan`, reads them).
//! - [`gtest`]: GoogleTest's `[ RUN      ]` and `[       OK ]` lines.
//! - [`pytest`]: `pytest -v`, read in order (a test's word may follow its output), with
//!   pytest-repeat's `[3-200]` as the iteration when the session repeats.
//! - [`libtest`]: `cargo test`'s `test NAME ... ok` lines.
//! - [`tap`]: the Test Anything Protocol's `ok 1 - NAME` lines (`prove -v`), read in order (a
//!   point's number, its subtests' names and `Bail out!` depend on the lines before).
//! - [`junit`]: JUnit XML, read as a stream of tags rather than lines.
//! - [`go`]: `go test -v`, read line by line in order (a package's end closes its running tests).
//! - [`nextest`]: cargo-nextest, read in order too (its report repeats the run lines).
//!
//! Formats with no iteration lines (libtest, TAP, JUnit) count each test's k-th run in a file in
//! iteration `k`, so that a log of repeated runs has its iterations.
//!
//! Which one a file is in is told by its head ([`detect`]), unless the user says.

pub(crate) mod detect;
pub(crate) mod go;
pub(crate) mod gtest;
pub(crate) mod junit;
pub(crate) mod libtest;
pub(crate) mod nextest;
pub(crate) mod prefix;
pub(crate) mod pytest;
pub(crate) mod tap;

use std::fmt;

use memchr::memmem::Finder;
use serde::{Deserialize, Serialize};

use crate::read::extract::LineEvents;

pub use detect::{DETECT_LEN, Detected, TERSE_OUTPUT, detect, detect_reading};

/// A log's format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LogFormat {
    /// Lines holding the markers (`Test: `, `Result: `, `Iteration ` or custom ones).
    #[default]
    #[serde(rename = "markers")]
    Markers,
    /// GoogleTest's console output, `--gtest_repeat` too.
    #[serde(rename = "gtest")]
    GoogleTest,
    /// `pytest -v` output, with pytest-repeat, pytest-xdist and pytest-rerunfailures too.
    #[serde(rename = "pytest")]
    Pytest,
    /// Rust's libtest (`cargo test`) output.
    #[serde(rename = "libtest")]
    Libtest,
    /// The Test Anything Protocol (`prove -v`, node's TAP reporters, …).
    #[serde(rename = "tap")]
    Tap,
    /// JUnit XML, as CI systems and most runners write it.
    #[serde(rename = "junit")]
    Junit,
    /// `go test -v`, `-count=N` too.
    #[serde(rename = "go")]
    Go,
    /// `go test -json`.
    #[serde(rename = "go-json")]
    GoJson,
    /// cargo-nextest's output.
    #[serde(rename = "nextest")]
    Nextest,
}

/// A reader of a format whose lines must be read in order, one after another: what a line
/// means depends on lines before it that a segment could not see.
pub(crate) trait OrderedReader: Send + fmt::Debug {
    /// Reads line `n` (its CI prefix and `\r` already gone).
    fn line(&mut self, line: &[u8], n: crate::model::summary::LineStart, state: &mut crate::read::partial::Partial);
    /// The file ended.
    fn end(&mut self, state: &mut crate::read::partial::Partial);
    /// Whether its lines keep the `^V` frame byte (see [`prefix::framed_runner_line`]).
    fn keeps_frames(&self) -> bool {
        false
    }
}

impl LogFormat {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [LogFormat; 9] = [
        LogFormat::Markers,
        LogFormat::GoogleTest,
        LogFormat::Pytest,
        LogFormat::Libtest,
        LogFormat::Tap,
        LogFormat::Junit,
        LogFormat::Go,
        LogFormat::GoJson,
        LogFormat::Nextest,
    ];

    /// Its name on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            LogFormat::Markers => "markers",
            LogFormat::GoogleTest => "gtest",
            LogFormat::Pytest => "pytest",
            LogFormat::Libtest => "libtest",
            LogFormat::Tap => "tap",
            LogFormat::Junit => "junit",
            LogFormat::Go => "go",
            LogFormat::GoJson => "go-json",
            LogFormat::Nextest => "nextest",
        }
    }

    /// Whether a file in this format can be cut at line ends into segments parsed apart. JUnit
    /// XML is not lines; `go test`'s lines are read in order, since a package's end closes the
    /// tests still running; nextest's, since its reports repeat run lines; pytest's, since a
    /// test's outcome may follow its own output, lines after its node id; and TAP's, since a
    /// point's number and name and whether it counts depend on the lines before it.
    pub fn is_line_format(self) -> bool {
        !matches!(
            self,
            LogFormat::Junit
                | LogFormat::Go
                | LogFormat::GoJson
                | LogFormat::Nextest
                | LogFormat::Pytest
                | LogFormat::Tap
        )
    }

    /// Whether the format has no iteration lines, so that a test's k-th run in a file counts in
    /// iteration `k`.
    pub fn numbers_runs(self) -> bool {
        !matches!(self, LogFormat::Markers | LogFormat::GoogleTest | LogFormat::Pytest)
    }

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<LogFormat> {
        LogFormat::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// Texts one of which every line that means something in this format holds: the scan reads
    /// only the lines around their hits.
    pub(crate) fn needles(self) -> &'static [Finder<'static>] {
        match self {
            LogFormat::Markers => &[],
            LogFormat::GoogleTest => &*gtest::NEEDLES,
            LogFormat::Libtest => &*libtest::NEEDLES,
            LogFormat::Junit
            | LogFormat::Go
            | LogFormat::GoJson
            | LogFormat::Nextest
            | LogFormat::Pytest
            | LogFormat::Tap => &[],
        }
    }

    /// Whether the format prints a failure's message between a test's start and its result, on
    /// lines that [`LogFormat::message`] reads.
    pub(crate) fn has_messages(self) -> bool {
        self == LogFormat::GoogleTest
    }

    /// The message a line of a test's output holds (its CI prefix and `\r` already gone), for
    /// formats that [have them](Self::has_messages).
    pub(crate) fn message(self, line: &[u8]) -> Option<&[u8]> {
        match self {
            LogFormat::GoogleTest => gtest::message(line),
            _ => None,
        }
    }

    /// Reads one line of a format other than markers (without its `\n`, its CI prefix and
    /// `\r`: see [`prefix::runner_line`]).
    pub(crate) fn read(self, line: &[u8]) -> LineEvents<'_> {
        match self {
            LogFormat::Markers => unreachable!("markers are read by extract"),
            LogFormat::Junit
            | LogFormat::Go
            | LogFormat::GoJson
            | LogFormat::Nextest
            | LogFormat::Pytest
            | LogFormat::Tap => {
                unreachable!("read in order by their own readers")
            }
            LogFormat::GoogleTest => gtest::read(line),
            LogFormat::Libtest => libtest::read(line),
        }
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in LogFormat::ALL {
            assert_eq!(LogFormat::from_name(f.as_str()), Some(f));
        }
        assert_eq!(LogFormat::from_name("jest"), None);
    }
}
