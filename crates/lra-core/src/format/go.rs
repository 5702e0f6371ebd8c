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
//! `k`. A failure's reason is the first line of the run's output (`suite_test.go:15: expected 1
//! got 2`): with `-v`, the lines after its `=== RUN` (or `=== CONT`, `=== NAME`) line that are
//! not events; with `-json`, its first `output` event that is not an echo of an event line.

use std::borrow::Cow;

use crate::class::Class;
use crate::extract::LineEvents;
use crate::format::OrderedReader;
use crate::hash::FastMap;
use crate::partial::Partial;
use crate::stamps;
use crate::summary::LineStart;

/// A run started and not yet ended: its `=== RUN` line and its first line of output.
#[derive(Debug)]
struct Run {
    line: LineStart,
    message: Option<Box<[u8]>>,
}

/// Runs started and not yet ended, by test name, in the order they started.
type Running = FastMap<Box<[u8]>, Vec<Run>>;

/// The runs started and not yet ended, by package (empty for `-v` output), then test.
#[derive(Debug, Default)]
pub(crate) struct GoReader {
    /// `-json` rather than `-v`.
    json: bool,
    running: FastMap<Box<[u8]>, Running>,
    /// With `-v`, the run started last, kept out of `running` while it is: most often the next
    /// result ends it, which then costs no lookup. Its test's name is `latest_name`.
    latest: Option<Run>,
    latest_name: Vec<u8>,
    /// With `-v`, whose output the next lines are, while that run has none kept.
    output_of: OutputOf,
}

/// See [`GoReader::output_of`].
#[derive(Debug, Default)]
enum OutputOf {
    #[default]
    Nobody,
    /// The latest run.
    Latest,
    /// The latest run of this test, in `running` (`=== CONT`, `=== NAME`).
    Named(Box<[u8]>),
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
    #[serde(rename = "Output", default, borrow)]
    output: Option<Cow<'a, str>>,
    /// Seconds, on a test's `pass`, `fail` and `skip`: kept as written, to be read exactly.
    #[serde(rename = "Elapsed", default, borrow)]
    elapsed: Option<&'a serde_json::value::RawValue>,
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
    fn line(&mut self, line: &[u8], n: LineStart, state: &mut Partial) {
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
    pub(crate) fn line(&mut self, line: &[u8], n: LineStart, state: &mut Partial) {
        if self.json {
            return self.json_line(line, n, state);
        }
        if let Some(rest) = line.strip_prefix(b"=== ") {
            if let Some(name) = rest.strip_prefix(b"RUN") {
                self.start_latest(name.trim_ascii(), n);
            } else if let Some(name) = rest.strip_prefix(b"CONT").or_else(|| rest.strip_prefix(b"NAME")) {
                self.switch_to(name.trim_ascii());
            }
        } else if let Some((name, ended)) = result(line) {
            let started = match &self.latest {
                Some(_) if self.latest_name == name => self.latest.take(),
                _ => self.running.get_mut(&b""[..]).and_then(|tests| tests.get_mut(name)).and_then(Vec::pop),
            };
            self.output_of = OutputOf::Nobody;
            run(started, name, ended, n, state);
        } else if is_package_end(line) {
            self.end(Some(b""), state);
        } else if !matches!(self.output_of, OutputOf::Nobody)
            && let Some(message) = output_message(line)
        {
            match std::mem::take(&mut self.output_of) {
                OutputOf::Latest => {
                    if let Some(run) = &mut self.latest {
                        run.message = Some(message.into());
                    }
                }
                OutputOf::Named(name) => self.keep_output(b"", &name, message),
                OutputOf::Nobody => {}
            }
        }
    }

    /// A `-v` run of `name` starts at line `n`: it is the latest, and the one before it goes on.
    fn start_latest(&mut self, name: &[u8], n: LineStart) {
        if name.is_empty() {
            return;
        }
        if let Some(run) = self.latest.take() {
            // Taken out for the call, and put back to reuse its allocation.
            let latest_name = std::mem::take(&mut self.latest_name);
            self.push_run(b"", &latest_name, run);
            self.latest_name = latest_name;
        }
        self.latest_name.clear();
        self.latest_name.extend_from_slice(name);
        self.latest = Some(Run { line: n, message: None });
        self.output_of = OutputOf::Latest;
    }

    /// The lines that follow are `name`'s output (`=== CONT`, `=== NAME`).
    fn switch_to(&mut self, name: &[u8]) {
        self.output_of = match &self.latest {
            Some(run) if self.latest_name == name => {
                if run.message.is_none() {
                    OutputOf::Latest
                } else {
                    OutputOf::Nobody
                }
            }
            _ => {
                let latest = self.running.get(&b""[..]).and_then(|tests| tests.get(name)).and_then(|runs| runs.last());
                match latest {
                    Some(run) if run.message.is_none() => OutputOf::Named(name.into()),
                    _ => OutputOf::Nobody,
                }
            }
        };
    }

    /// Keeps `message` as the output of the latest run of `name`, if it has none yet.
    fn keep_output(&mut self, package: &[u8], name: &[u8], message: &[u8]) {
        let latest = self.running.get_mut(package).and_then(|tests| tests.get_mut(name)).and_then(|r| r.last_mut());
        if let Some(run) = latest {
            run.message.get_or_insert_with(|| message.into());
        }
    }

    fn json_line(&mut self, line: &[u8], n: LineStart, state: &mut Partial) {
        if !line.starts_with(b"{") {
            return;
        }
        // Most events are output, and most output echoes an event line: pass over those without
        // parsing.
        if memchr::memmem::find(line, b"\"Action\":\"output\"").is_some() {
            let Some(at) = memchr::memmem::find(line, b"\"Output\":\"") else { return };
            let raw = &line[at + 10..];
            let raw = raw.strip_suffix(b"\\n\"}").unwrap_or(raw);
            if output_message(raw).is_none() || memchr::memmem::find(line, b"\"Test\":\"").is_none() {
                return;
            }
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
            ("output", Some(test), _) => {
                if let Some(message) = event.output.as_deref().and_then(|o| output_message(o.as_bytes())) {
                    self.keep_output(package, test.as_bytes(), message);
                }
            }
            (_, Some(test), Some((word, class))) => {
                let name = test.as_bytes();
                let started = self.running.get_mut(package).and_then(|tests| tests.get_mut(name)).and_then(Vec::pop);
                let took = event.elapsed.and_then(|s| stamps::seconds(s.get().as_bytes()));
                run(started, name, (word, class, took), n, state);
            }
            (_, None, Some(_)) => self.end(Some(package), state),
            _ => {}
        }
    }

    /// A `-json` run of `name` in `package` starts at line `n`.
    fn start(&mut self, package: &[u8], name: &[u8], n: LineStart) {
        if !name.is_empty() {
            self.push_run(package, name, Run { line: n, message: None });
        }
    }

    /// Adds `run` to the runs of `name` in `package` still going; keys are copied only when new.
    fn push_run(&mut self, package: &[u8], name: &[u8], run: Run) {
        let tests = match self.running.get_mut(package) {
            Some(tests) => tests,
            None => self.running.entry(package.into()).or_default(),
        };
        match tests.get_mut(name) {
            Some(runs) => runs.push(run),
            None => {
                tests.insert(name.into(), vec![run]);
            }
        }
    }

    /// `package` (every package, when `None`: the file) ended: its tests still running are
    /// missing.
    pub(crate) fn end(&mut self, package: Option<&[u8]>, state: &mut Partial) {
        let mut left: Vec<(LineStart, Box<[u8]>)> = Vec::new();
        if package.is_none_or(<[u8]>::is_empty)
            && let Some(run) = self.latest.take()
        {
            left.push((run.line, self.latest_name[..].into()));
        }
        self.running.retain(|p, tests| {
            if package.is_some_and(|pkg| pkg != &**p) {
                return true;
            }
            for (name, runs) in tests.drain() {
                left.extend(runs.into_iter().map(|run| (run.line, name.clone())));
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

/// A run of `name` that started as `started` (if its start was seen) ended at line `n` with
/// `word` of `class`, taking `took` microseconds if stated.
fn run(started: Option<Run>, name: &[u8], ended: Ended, n: LineStart, state: &mut Partial) {
    let (word, class, duration) = ended;
    let opened = started.as_ref().map(|run| run.line);
    let message = started.and_then(|run| run.message).map_or(Cow::Borrowed(&b""[..]), |m| Cow::Owned(m.into_vec()));
    let result = Some((Cow::Borrowed(word), message, class));
    let events = LineEvents { test: Some(Cow::Borrowed(name)), result, duration, ..LineEvents::default() };
    state.apply_run(events, opened, n);
}

/// How a run ended: its word, class and stated duration.
type Ended = (&'static [u8], Class, Option<u64>);

/// A result line's test, and how its run ended.
fn result(line: &[u8]) -> Option<(&[u8], Ended)> {
    let rest = line.trim_ascii_start().strip_prefix(b"--- ")?;
    let (word, class, rest): (&'static [u8], Class, &[u8]) = if let Some(r) = rest.strip_prefix(b"PASS: ") {
        (b"PASS", Class::Passed, r)
    } else if let Some(r) = rest.strip_prefix(b"FAIL: ") {
        (b"FAIL", Class::Failed, r)
    } else {
        (b"SKIP", Class::Skipped, rest.strip_prefix(b"SKIP: ")?)
    };
    let (name, took) = match memchr::memmem::rfind(rest, b" (") {
        Some(at) if rest.ends_with(b")") => (&rest[..at], stamps::stated(&rest[at + 2..rest.len() - 1])),
        _ => (rest, None),
    };
    let name = name.trim_ascii();
    (!name.is_empty()).then_some((name, (word, class, took)))
}

/// The message a line of a run's output gives: trimmed, not empty, and not an event line echoed
/// (`-json` repeats each `=== RUN` and `--- PASS` line as output).
fn output_message(line: &[u8]) -> Option<&[u8]> {
    let line = line.trim_ascii();
    let echo = line.starts_with(b"=== ") || line.starts_with(b"--- ");
    (!line.is_empty() && !echo).then_some(line)
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
            result(b"--- FAIL: TestAlwaysFails (0.35s)"),
            Some((&b"TestAlwaysFails"[..], (&b"FAIL"[..], Class::Failed, Some(350_000))))
        );
        assert_eq!(result(b"    --- PASS: TestSub/with_space (0.01s)").map(|r| r.0), Some(&b"TestSub/with_space"[..]));
        assert_eq!(result(b"--- SKIP: TestSkipped (0.00s)").map(|r| r.1.1), Some(Class::Skipped));
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
