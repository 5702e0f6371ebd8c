//! `go test -v` output (docs/design.md, "The test runners' formats"), read in order, since a
//! test's result names it and a package's end closes every test still running:
//! - `=== RUN   NAME` starts a run of `NAME` (subtests are `Parent/sub`, tests of their own);
//! - `--- PASS: NAME (0.00s)`, `--- FAIL: …` and `--- SKIP: …`, indented for subtests, are runs:
//!   passed, failed and skipped; the result ends the run of `NAME` started last;
//! - a package's end (`PASS` or `FAIL` alone, `ok  \tPKG …`, `FAIL\tPKG …`) or `panic: …` leaves
//!   every test still running missing, located at its `=== RUN` line, and so does the file's end.
//! - `=== PAUSE`, `=== CONT` and `=== NAME` lines, and the tests' own output, are not runs.
//!
//! `go test -json` (format `go-json`) gives the same events as objects, one a line: `"Action"`
//! `run`, `pass`, `fail` and `skip` with a `"Test"` start and end runs, and `pass` or `fail`
//! without one ends its `"Package"`, whose tests still running are then missing. Packages are
//! kept apart, since their output may interleave.
//!
//! `go test` has no iteration lines: with `-count=N`, a test's k-th run in a file is iteration
//! `k`. A failure's message is printed on lines of its own, which are not kept.

use std::borrow::Cow;

use crate::class::Class;
use crate::extract::LineEvents;
use crate::format::OrderedReader;
use crate::hash::FastMap;
use crate::partial::Partial;

/// Runs started and not yet ended, by test name: their `=== RUN` lines.
type Running = FastMap<Box<[u8]>, Vec<u64>>;

/// The runs started and not yet ended, by package (empty for `-v` output), then test.
#[derive(Debug, Default)]
pub(crate) struct GoReader {
    /// `-json` rather than `-v`.
    json: bool,
    running: FastMap<Box<[u8]>, Running>,
}

/// The fields of a `go test -json` event that matter here.
#[derive(serde::Deserialize)]
struct Event<'a> {
    #[serde(rename = "Action", borrow)]
    action: Cow<'a, str>,
    #[serde(rename = "Package", default, borrow)]
    package: Cow<'a, str>,
    #[serde(rename = "Test", default, borrow)]
    test: Option<Cow<'a, str>>,
}

/// Whether the line is one only `go test -json` prints.
pub(crate) fn is_json_telltale(line: &[u8]) -> bool {
    line.starts_with(b"{\"Time\":") && memchr::memmem::find(line, b"\"Action\":\"").is_some()
}

/// Whether the line is one only `go test -v` prints.
pub(crate) fn is_telltale(line: &[u8]) -> bool {
    line.starts_with(b"=== RUN   ")
}

impl OrderedReader for GoReader {
    fn line(&mut self, line: &[u8], n: u64, state: &mut Partial) {
        GoReader::line(self, line, n, state);
    }

    fn end(&mut self, state: &mut Partial) {
        GoReader::end(self, None, state);
    }
}

impl GoReader {
    /// A reader of `go test -json` output.
    pub(crate) fn json() -> GoReader {
        GoReader { json: true, ..GoReader::default() }
    }

    /// Reads line `n` (its CI prefix and `\r` already gone).
    pub(crate) fn line(&mut self, line: &[u8], n: u64, state: &mut Partial) {
        if self.json {
            return self.json_line(line, n, state);
        }
        if let Some(name) = line.strip_prefix(b"=== RUN") {
            self.start(b"", name.trim_ascii(), n);
        } else if let Some((name, word, class)) = result(line) {
            self.run(b"", name, word, class, n, state);
        } else if is_package_end(line) {
            self.end(Some(b""), state);
        }
    }

    fn json_line(&mut self, line: &[u8], n: u64, state: &mut Partial) {
        // Most events are output: pass over them without parsing.
        if memchr::memmem::find(line, b"\"Action\":\"output\"").is_some() || !line.starts_with(b"{") {
            return;
        }
        let Ok(event) = serde_json::from_slice::<Event<'_>>(line) else { return };
        let package = event.package.as_bytes();
        let outcome: Option<(&'static [u8], Class)> = match &*event.action {
            "pass" => Some((b"PASS", Class::Passed)),
            "fail" => Some((b"FAIL", Class::Failed)),
            "skip" => Some((b"SKIP", Class::Skipped)),
            _ => None,
        };
        match (&*event.action, event.test.as_deref(), outcome) {
            ("run", Some(test), _) => self.start(package, test.as_bytes(), n),
            (_, Some(test), Some((word, class))) => self.run(package, test.as_bytes(), word, class, n, state),
            (_, None, Some(_)) => self.end(Some(package), state),
            _ => {}
        }
    }

    fn start(&mut self, package: &[u8], name: &[u8], n: u64) {
        if name.is_empty() {
            return;
        }
        let tests = match self.running.get_mut(package) {
            Some(tests) => tests,
            None => self.running.entry(package.into()).or_default(),
        };
        match tests.get_mut(name) {
            Some(lines) => lines.push(n),
            None => {
                tests.insert(name.into(), vec![n]);
            }
        }
    }

    /// A run of `name` ended at line `n`.
    fn run(&mut self, package: &[u8], name: &[u8], word: &'static [u8], class: Class, n: u64, state: &mut Partial) {
        if let Some(started) = self.running.get_mut(package).and_then(|tests| tests.get_mut(name)) {
            started.pop();
        }
        let result = Some((Cow::Borrowed(word), Cow::Borrowed(&b""[..]), class));
        state.apply(LineEvents { test: Some(Cow::Borrowed(name)), result, ..LineEvents::default() }, n);
    }

    /// `package` (every package, when `None`: the file) ended: its tests still running are
    /// missing.
    pub(crate) fn end(&mut self, package: Option<&[u8]>, state: &mut Partial) {
        let mut left: Vec<(u64, Box<[u8]>)> = Vec::new();
        self.running.retain(|p, tests| {
            if package.is_some_and(|pkg| pkg != &**p) {
                return true;
            }
            for (name, lines) in tests.drain() {
                left.extend(lines.into_iter().map(|l| (l, name.clone())));
            }
            false
        });
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
    } else {
        (b"SKIP", Class::Skipped, rest.strip_prefix(b"SKIP: ")?)
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
