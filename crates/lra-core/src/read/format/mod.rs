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
//! Which one a file is in is told by its head ([`detect`]), unless the user says. A format's name
//! ([`crate::LogFormat`]) is in `base::log_format`, since options and summaries name it; how its
//! lines are read is here.

pub(crate) mod detect;
pub(crate) mod go;
pub(crate) mod gtest;
pub(crate) mod junit;
pub(crate) mod libtest;
pub(crate) mod nextest;
pub(crate) mod pytest;
pub(crate) mod tap;

use std::fmt;

use crate::base::log_format::LogFormat;
use crate::read::extract::LineEvents;

/// A reader of a format whose lines must be read in order, one after another: what a line
/// means depends on lines before it that a segment could not see.
pub(crate) trait OrderedReader: Send + fmt::Debug {
    /// Reads line `n` (its CI prefix and `\r` already gone).
    fn line(&mut self, line: &[u8], n: crate::base::location::LineStart, state: &mut crate::read::partial::Partial);
    /// [`OrderedReader::line`] for a line known to hold no escape byte and no `^V`: a reader
    /// that looks for them in each line skips the search.
    fn clean_line(
        &mut self,
        line: &[u8],
        n: crate::base::location::LineStart,
        state: &mut crate::read::partial::Partial,
    ) {
        self.line(line, n, state);
    }
    /// The file ended.
    fn end(&mut self, state: &mut crate::read::partial::Partial);
    /// Whether its lines keep the `^V` frame byte (see [`crate::read::prefix::framed_runner_line`]).
    fn keeps_frames(&self) -> bool {
        false
    }
}

impl LogFormat {
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
    /// `\r`: see [`crate::read::prefix::runner_line`]).
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
