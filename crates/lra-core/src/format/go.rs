//! `go test -v` output (docs/design.md, "The test runners' formats"), read in order, since a
//! test's result names it and a package's end closes every test still running:
//! - `=== RUN   NAME` starts a run of `NAME` (subtests are `Parent/sub`, tests of their own);
//! - `--- PASS: NAME (0.00s)`, `--- FAIL: …` and `--- SKIP: …`, indented for subtests, are runs:
//!   passed, failed and skipped; the result ends the run of `NAME` started last;
//! - a package's end (`PASS` or `FAIL` alone, `ok  \tPKG …`, `FAIL\tPKG …`) or `panic: …` leaves
//!   every test still running missing, located at its `=== RUN` line, and so does the file's end.
//! - `=== PAUSE`, `=== CONT` and `=== NAME` lines, and the tests' own output, are not runs.
//!
//! `go test` has no iteration lines: with `-count=N`, a test's k-th run in a file is iteration
//! `k`. A failure's message is printed on lines of its own, which are not kept.

use std::borrow::Cow;

use crate::class::Class;
use crate::extract::LineEvents;
use crate::hash::FastMap;
use crate::partial::Partial;

/// The runs started and not yet ended, by test: their `=== RUN` lines.
#[derive(Debug, Default)]
pub(crate) struct GoReader {
    running: FastMap<Box<[u8]>, Vec<u64>>,
}

/// Whether the line is one only `go test -v` prints.
pub(crate) fn is_telltale(line: &[u8]) -> bool {
    line.starts_with(b"=== RUN   ")
}

impl GoReader {
    /// Reads line `n` (its CI prefix and `\r` already gone).
    pub(crate) fn line(&mut self, line: &[u8], n: u64, state: &mut Partial) {
        if let Some(name) = line.strip_prefix(b"=== RUN") {
            let name = name.trim_ascii();
            if !name.is_empty() {
                self.running.entry(name.into()).or_default().push(n);
            }
            return;
        }
        if let Some((name, word, class)) = result(line) {
            if let Some(started) = self.running.get_mut(name) {
                started.pop();
            }
            let result = Some((Cow::Borrowed(word), Cow::Borrowed(&b""[..]), class));
            state.apply(LineEvents { test: Some(Cow::Borrowed(name)), result, ..LineEvents::default() }, n);
            return;
        }
        if is_package_end(line) {
            self.end(state);
        }
    }

    /// The package, or the file, ended: every test still running is missing.
    pub(crate) fn end(&mut self, state: &mut Partial) {
        let mut left: Vec<(u64, Box<[u8]>)> = Vec::new();
        for (name, lines) in self.running.drain() {
            left.extend(lines.into_iter().map(|l| (l, name.clone())));
        }
        left.sort_unstable();
        for (line, name) in left {
            let result = Some((Cow::Borrowed(&b""[..]), Cow::Borrowed(&b""[..]), Class::Missing));
            state.apply(LineEvents { test: Some(Cow::Owned(name.into_vec())), result, ..LineEvents::default() }, line);
        }
    }
}

/// A result line's test, word and class.
fn result(line: &[u8]) -> Option<(&[u8], &'static [u8], Class)> {
    let rest = line.trim_ascii_start().strip_prefix(b"--- ")?;
    let (word, class, rest): (&'static [u8], Class, &[u8]) = if let Some(r) = rest.strip_prefix(b"PASS: ") {
        (b"PASS", Class::Passed, r)
    } else if let Some(r) = rest.strip_prefix(b"FAIL: ") {
        (b"FAIL", Class::Failed, r)
    } else if let Some(r) = rest.strip_prefix(b"SKIP: ") {
        (b"SKIP", Class::Skipped, r)
    } else {
        return None;
    };
    let name = match memchr::memmem::rfind(rest, b" (") {
        Some(at) if rest.ends_with(b")") => &rest[..at],
        _ => rest,
    };
    let name = name.trim_ascii();
    (!name.is_empty()).then_some((name, word, class))
}

fn is_package_end(line: &[u8]) -> bool {
    line == b"PASS"
        || line == b"FAIL"
        || line.starts_with(b"ok  \t")
        || line.starts_with(b"FAIL\t")
        || line.starts_with(b"panic: ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines() {
        assert_eq!(
            result(b"--- FAIL: TestAlwaysFails (0.00s)"),
            Some((&b"TestAlwaysFails"[..], &b"FAIL"[..], Class::Failed))
        );
        assert_eq!(result(b"    --- PASS: TestSub/with_space (0.01s)").map(|r| r.0), Some(&b"TestSub/with_space"[..]));
        assert_eq!(result(b"--- SKIP: TestSkipped (0.00s)").map(|r| r.2), Some(Class::Skipped));
        assert_eq!(result(b"--- BENCH: BenchmarkX"), None);
        assert_eq!(result(b"=== RUN   TestX"), None);
    }

    #[test]
    fn package_ends() {
        for line in [
            &b"PASS"[..],
            b"FAIL",
            b"ok  \texample.com/suite\t0.003s",
            b"FAIL\texample.com/suite\t0.003s",
            b"panic: test timed out after 1s",
        ] {
            assert!(is_package_end(line), "{}", String::from_utf8_lossy(line));
        }
        assert!(!is_package_end(b"    PASS"));
    }
}
