//! cargo-nextest's output (docs/design.md, "The test runners' formats"), read in order: after a
//! run, its report (from `Summary [` to the next run's `Starting `) lists tests again in the same
//! shape as their runs, and those lines are not runs.
//! - A run is a line `STATUS [ DURATION] (k/n) BINARY TEST`, or `TRY N STATUS …` for a retry
//!   (a retry is a run of its own). `PASS` is passed; `SKIP` skipped; `FAIL`, `TIMEOUT`, `ABORT`
//!   and the signals (`SIGSEGV`, …) failed; any other status (`LEAK`, …) other. The test is
//!   `BINARY TEST` as printed.
//! - nextest has no iteration lines: a test's k-th run in a file is iteration `k`. The captured
//!   output nextest shows for failures is indented, and is not kept.

use crate::base::location::LineStart;
use crate::model::class::Class;
use crate::read::format::OrderedReader;
use crate::read::partial::{Partial, RunEnded};
use crate::read::stamps;

/// Whether a report of the run before is being read.
#[derive(Debug, Default)]
pub(crate) struct NextestReader {
    in_report: bool,
}

/// Whether the line is one only nextest prints.
pub(crate) fn is_telltale(line: &[u8]) -> bool {
    let line = line.trim_ascii_start();
    line.starts_with(b"Nextest run ID ")
        || (line.starts_with(b"Starting ") && memchr::memmem::find(line, b" across ").is_some())
}

impl OrderedReader for NextestReader {
    fn end(&mut self, _: &mut Partial) {}

    fn line(&mut self, line: &[u8], n: LineStart, state: &mut Partial) {
        let trimmed = line.trim_ascii_start();
        if trimmed.starts_with(b"Summary [") {
            self.in_report = true;
        } else if trimmed.starts_with(b"Starting ") || trimmed.starts_with(b"Nextest run ID ") {
            self.in_report = false;
        } else if !self.in_report
            && let Some(Run { name, word, class, took }) = run(line)
        {
            state.run(name, None, RunEnded { word, detail: b"", class, duration: took }, n);
        }
    }
}

/// A run line: its test, status, class and duration.
#[derive(Debug, PartialEq)]
struct Run<'a> {
    name: &'a [u8],
    word: &'a [u8],
    class: Class,
    took: Option<u64>,
}

/// A run line's test, status, class and duration (none for a skipped test's `[         ]`).
/// Only lines indented as nextest indents its status column are runs (a test's captured output
/// is indented further, by four spaces).
fn run(line: &[u8]) -> Option<Run<'_>> {
    let rest = line.trim_ascii_start();
    let rest = match rest.strip_prefix(b"TRY ") {
        Some(r) => {
            let r = r.trim_ascii_start();
            r[r.iter().position(|b| b.is_ascii_whitespace())?..].trim_ascii_start()
        }
        None => rest,
    };
    let word_end = rest.iter().position(|&b| b == b' ')?;
    let (word, rest) = rest.split_at(word_end);
    if word.is_empty() || !word.iter().all(|b| b.is_ascii_uppercase() || *b == b'-') {
        return None;
    }
    let rest = rest.trim_ascii_start().strip_prefix(b"[")?;
    let close = rest.iter().position(|&b| b == b']')?;
    let took = stamps::stated(&rest[..close]);
    let rest = &rest[close + 1..];
    let mut rest = rest.trim_ascii_start();
    // The progress counter, `(1/3)` or `(───)`, in newer releases.
    if rest.starts_with(b"(") {
        rest = rest[rest.iter().position(|&b| b == b')')? + 1..].trim_ascii_start();
    }
    let name = rest.trim_ascii_end();
    // `BINARY TEST`: two words.
    if name.is_empty() || !name.contains(&b' ') {
        return None;
    }
    let class = match word {
        b"PASS" => Class::Passed,
        b"SKIP" => Class::Skipped,
        b"FAIL" | b"TIMEOUT" | b"ABORT" => Class::Failed,
        w if w.starts_with(b"SIG") => Class::Failed,
        _ => Class::Other,
    };
    Some(Run { name, word, class, took })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_lines() {
        assert_eq!(
            run(b"        PASS [   0.005s] (1/3) suite tests::always_passes"),
            Some(Run { name: b"suite tests::always_passes", word: b"PASS", class: Class::Passed, took: Some(5_000) })
        );
        assert_eq!(
            run(b"        SKIP [         ] (\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80) suite tests::skipped")
                .map(|r| (r.class, r.took)),
            Some((Class::Skipped, None))
        );
        assert_eq!(
            run(b"  TRY 2 FAIL [   0.006s] (3/3) suite tests::always_fails").map(|r| (r.name, r.class)),
            Some((&b"suite tests::always_fails"[..], Class::Failed))
        );
        assert_eq!(run(b"     SIGSEGV [   0.100s] crate::bin t::crashes").map(|r| r.class), Some(Class::Failed));
        assert_eq!(
            run(b"        PASS [   0.005s] suite tests::old_release").map(|r| r.name),
            Some(&b"suite tests::old_release"[..])
        );
    }

    #[test]
    fn other_lines_are_not_runs() {
        for line in [
            &b"    Starting 3 tests across 1 binary (1 test skipped)"[..],
            b"     Summary [   0.013s] 3 tests run: 2 passed, 1 failed, 1 skipped",
            b"    test tests::always_fails ... FAILED",
            b"  stdout \xe2\x94\x80\xe2\x94\x80\xe2\x94\x80",
            b"error: test run failed",
        ] {
            assert_eq!(run(line), None, "{}", String::from_utf8_lossy(line));
        }
    }
}
