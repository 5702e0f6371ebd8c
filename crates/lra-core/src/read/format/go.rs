//! `go test -v` output (docs/design.md, "The test runners' formats"), read in order, since a
//! test's result names it and a package's end closes every test still running:
//! - `=== RUN   NAME` starts a run of `NAME` (subtests are `Parent/sub`, tests of their own);
//! - `--- PASS: NAME (0.00s)`, `--- FAIL: …` and `--- SKIP: …`, indented for subtests, are runs:
//!   passed, failed and skipped; the result ends the run of `NAME` started last. Which of them are
//!   results is test2json's rule (indentation against the results pending, the `^V` frame of
//!   `-test.v=test2json`), and a result after a test's unended output is read: see
//!   [`GoReader::text_line`];
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
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::base::hash::FastMap;
use crate::base::location::LineStart;
use crate::model::class::Class;
use crate::read::extract::LineEvents;
use crate::read::format::OrderedReader;
use crate::read::partial::{Partial, RunEnded};
use crate::read::stamps;

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
    /// result ends it, which then costs no lookup. Its test's name is `latest_name`, and its
    /// first line of output `latest_message` (empty: none yet), not its `message`: both are
    /// kept to reuse their allocations, since most runs of a `-count=N` log are the latest
    /// when they end, and half of them print something.
    latest: Option<Run>,
    latest_name: Vec<u8>,
    latest_message: Vec<u8>,
    /// With `-v`, whose output the next lines are, while that run has none kept.
    output_of: OutputOf,
    /// With `-v`, how many result lines are pending in test2json's sense: a result line indented
    /// by `k` groups of four spaces is one only when `k <= depth` (see [`GoReader::text_line`]).
    depth: usize,
    /// With `-v`, the last framing line came with the `^V` frame byte (`-test.v=test2json`): until
    /// one comes without it, lines without it are the tests' output.
    need_frame: bool,
    /// With `-v`, a line started with the frame byte. Only then does a framed line make the
    /// frame needed: if the frame byte was taken off the lines' starts before they reach this
    /// reader, the frames left inside lines still end them, but no line can be told framed.
    frames_start_lines: bool,
}

/// The byte `-test.v=test2json` (Go 1.20 and later) writes before each framing line, and
/// test2json's line end when it is not at a line's start.
const FRAME: u8 = crate::read::prefix::SYN;

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

/// What `-json` lines are looked through for before they are parsed, each searcher set up once
/// (a search set up per line costs more than the search): an output event, its text, its test.
static JSON_KEYS: LazyLock<[Finder<'static>; 3]> = LazyLock::new(|| {
    [Finder::new(b"\"Action\":\"output\""), Finder::new(b"\"Output\":\""), Finder::new(b"\"Test\":\"")]
});

/// Whether the line is one only `go test -json` or `go tool test2json` prints: an event object,
/// with its `"Time"` first (`-json`, `test2json -t`) or without one (`test2json` alone), whose
/// `"Action"` is one test2json writes.
pub(crate) fn is_json_telltale(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"{\"Time\":\"").or_else(|| line.strip_prefix(b"{")) else { return false };
    let Some(at) = memchr::memmem::find(rest, b"\"Action\":\"") else { return false };
    let action = &rest[at + 10..];
    let action = &action[..memchr::memchr(b'"', action).unwrap_or(action.len())];
    (at == 0 || line.starts_with(b"{\"Time\":"))
        && matches!(
            action,
            b"start" | b"run" | b"pause" | b"cont" | b"pass" | b"bench" | b"fail" | b"output" | b"skip" | b"attr"
        )
}

/// Whether the line is one only `go test -v` (or its test binary with `-test.v`, framed or not)
/// prints: a test's start, or a test's result at a line's start.
pub(crate) fn is_telltale(line: &[u8]) -> bool {
    let line = line.strip_prefix(&[FRAME]).unwrap_or(line);
    line.starts_with(b"=== RUN   ") || is_result_telltale(line)
}

/// `--- FAIL: NAME (0.00s)` (a benchmark's without its time) and its `PASS` and `SKIP` twins at a line's start: `go test` prints
/// failures this way with or without `-v`.
fn is_result_telltale(line: &[u8]) -> bool {
    (line.starts_with(b"--- FAIL: ") || line.starts_with(b"--- PASS: ") || line.starts_with(b"--- SKIP: "))
        && line.get(10).is_some_and(|b| !b.is_ascii_whitespace())
}

/// Whether the line is a package's summary as `go test` prints it with or without `-v`:
/// `ok  \tPKG\t0.01s`, `FAIL\tPKG\t0.01s` (or `[build failed]`, `[setup failed]`) and
/// `?   \tPKG\t[no test files]`. A file with these and no `=== RUN   ` line is `go test`
/// without `-v`, which names only its failed tests: its passing runs cannot be read.
pub(crate) fn is_non_verbose_telltale(line: &[u8]) -> bool {
    let (rest, no_tests) = if let Some(rest) = line.strip_prefix(b"ok  \t") {
        (rest, false)
    } else if let Some(rest) = line.strip_prefix(b"FAIL\t") {
        (rest, false)
    } else if let Some(rest) = line.strip_prefix(b"?   \t") {
        (rest, true)
    } else {
        return false;
    };
    let package_end = rest.iter().position(|&b| b == b'\t' || b == b' ').unwrap_or(rest.len());
    let after = &rest[package_end..];
    package_end > 0
        && !rest[..package_end].contains(&b'\t')
        && if no_tests { after == b"\t[no test files]" } else { after.starts_with(b"\t") || after.starts_with(b" [") }
}

impl OrderedReader for GoReader {
    fn line(&mut self, line: &[u8], n: LineStart, state: &mut Partial) {
        GoReader::line(self, line, n, state);
    }

    /// No frame byte in the line: it is one unframed text line.
    fn clean_line(&mut self, line: &[u8], n: LineStart, state: &mut Partial) {
        match self.json {
            true => self.json_line(line, n, state),
            false => self.text_line(line, false, n, state),
        }
    }

    fn end(&mut self, state: &mut Partial) {
        GoReader::end(self, None, state);
    }

    /// test2json's framing rules need the `^V` byte: once lines come framed, unframed ones
    /// are a test's output.
    fn keeps_frames(&self) -> bool {
        true
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
        // test2json: a frame byte not at a line's start ends the line there (a test's output left
        // unterminated, then its framed result), and starts a framed one.
        let (mut framed, mut line) = match line.strip_prefix(&[FRAME]) {
            Some(rest) => {
                self.frames_start_lines = true;
                (true, rest)
            }
            None => (false, line),
        };
        while let Some(at) = memchr::memchr(FRAME, line) {
            self.text_line(&line[..at], framed, n, state);
            (framed, line) = (true, &line[at + 1..]);
        }
        self.text_line(line, framed, n, state);
    }

    /// Reads one `-v` line, as test2json does (`src/cmd/internal/test2json/test2json.go`,
    /// `handleInputLine`): a framing line is one of
    /// - `=== RUN   `, `=== PAUSE `, `=== CONT  `, `=== NAME  ` and `=== PASS  `, `=== FAIL  `,
    ///   `=== SKIP  ` (a result of the test named) at the line's start: none is pending after it;
    /// - a result `--- PASS: ` (`FAIL`, `SKIP`, `BENCH`) after `k` groups of four spaces, only if
    ///   `k` results are pending (a subtest's follows its parent's, one group deeper): it flushes
    ///   the deeper ones and is pending itself; any other is the test's output, such as a failure
    ///   message quoting result lines (indented past its `file.go:12: ` line);
    /// - `PASS` or `FAIL` alone, or a package's summary line (`ok  \tPKG`, `FAIL\tPKG`), or
    ///   `panic: `, which end the package.
    ///
    /// Framed lines are what the test binary wrote; once the last framing line was framed, a line
    /// without the frame is output. A test's output that did not end its line before the result
    /// (`hello--- PASS: TestX (0.00s)`) is read as test2json read it before frames existed, by
    /// looking for the framing text inside the line; here only a result of a test still running,
    /// or a start at no indentation, so that a message quoting another result stays a message.
    fn text_line(&mut self, line: &[u8], framed: bool, n: LineStart, state: &mut Partial) {
        if self.need_frame && !framed {
            return self.output(line);
        }
        if let Some(update) = update(line) {
            self.need_frame = framed && self.frames_start_lines;
            return self.update(update, n, state);
        }
        let indent = line.iter().take_while(|&&b| b == b' ').count() / 4;
        let rest = &line[indent * 4..];
        if let Some(report) = report(rest) {
            if indent > self.depth {
                return self.output(line);
            }
            self.need_frame = framed && self.frames_start_lines;
            return self.report(report, indent, n, state);
        }
        if line == b"PASS" || line == b"FAIL" {
            self.need_frame = framed && self.frames_start_lines;
        }
        if is_package_end(line) {
            self.depth = 0;
            return self.end(Some(b""), state);
        }
        // A framing text inside the line: what is before it is output.
        let Some(at) = find_framing(rest) else { return self.output(line) };
        let (before, framing) = rest.split_at(at);
        let (update, report) = (update(framing), report(framing));
        let accepted = match (&update, &report) {
            (Some(_), _) => indent == 0,
            (_, Some(Report::Result(name, _))) => indent <= self.depth && self.is_running(name),
            _ => false,
        };
        if !accepted {
            return self.output(line);
        }
        self.output(before);
        match (update, report) {
            (Some(update), _) => self.update(update, n, state),
            (_, Some(report)) => self.report(report, indent, n, state),
            _ => {}
        }
    }

    /// A test's output line, kept as its message if it is its first.
    fn output(&mut self, line: &[u8]) {
        if matches!(self.output_of, OutputOf::Nobody) {
            return;
        }
        let Some(message) = output_message(line) else { return };
        match std::mem::take(&mut self.output_of) {
            OutputOf::Latest => {
                if self.latest.is_some() {
                    self.latest_message.clear();
                    self.latest_message.extend_from_slice(message);
                }
            }
            OutputOf::Named(name) => self.keep_output(b"", &name, message),
            OutputOf::Nobody => {}
        }
    }

    /// An `=== ` line: no result is pending after it.
    fn update(&mut self, update: Update<'_>, n: LineStart, state: &mut Partial) {
        self.depth = 0;
        match update {
            Update::Run(name) => self.start_latest(name, n),
            Update::Switch(name) => self.switch_to(name),
            Update::Other => {}
            Update::Result(name, ended) => self.result(name, ended, n, state),
        }
    }

    /// A `--- ` result line at `indent` (at most the pending depth): pending, deeper ones
    /// flushed.
    fn report(&mut self, report: Report<'_>, indent: usize, n: LineStart, state: &mut Partial) {
        self.depth = indent + 1;
        match report {
            Report::Result(name, ended) => self.result(name, ended, n, state),
            Report::Bench => self.output_of = OutputOf::Nobody,
        }
    }

    /// The latest run of `name` ended as `ended` at line `n`.
    fn result(&mut self, name: &[u8], ended: Ended, n: LineStart, state: &mut Partial) {
        self.output_of = OutputOf::Nobody;
        if self.latest.is_some() && self.latest_name == name {
            let opened = self.latest.take().map(|run| run.line);
            run(opened, &self.latest_message, name, ended, n, state);
            self.latest_message.clear();
        } else {
            let started = self.running.get_mut(&b""[..]).and_then(|tests| tests.get_mut(name)).and_then(Vec::pop);
            ended_run(started, name, ended, n, state);
        }
    }

    /// Whether a `-v` run of `name` started and has not ended.
    fn is_running(&self, name: &[u8]) -> bool {
        (self.latest.is_some() && self.latest_name == name)
            || self.running.get(&b""[..]).and_then(|tests| tests.get(name)).is_some_and(|runs| !runs.is_empty())
    }

    /// A `-v` run of `name` starts at line `n`: it is the latest, and the one before it goes on.
    fn start_latest(&mut self, name: &[u8], n: LineStart) {
        if name.is_empty() {
            return;
        }
        if let Some(mut run) = self.latest.take() {
            run.message = (!self.latest_message.is_empty()).then(|| self.latest_message[..].into());
            self.latest_message.clear();
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
            Some(_) if self.latest_name == name => {
                if self.latest_message.is_empty() {
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
        if JSON_KEYS[0].find(line).is_some() {
            let Some(at) = JSON_KEYS[1].find(line) else { return };
            let raw = &line[at + 10..];
            let raw = raw.strip_suffix(b"\\n\"}").unwrap_or(raw);
            if output_message(raw).is_none() || JSON_KEYS[2].find(line).is_none() {
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
                ended_run(started, name, (word, class, took), n, state);
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
            self.latest_message.clear();
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
fn ended_run(started: Option<Run>, name: &[u8], ended: Ended, n: LineStart, state: &mut Partial) {
    let message = started.as_ref().and_then(|run| run.message.as_deref()).unwrap_or_default();
    run(started.as_ref().map(|run| run.line), message, name, ended, n, state);
}

/// A run of `name` that started on line `opened` (if its start was seen) and printed `message`
/// first (empty: nothing) ended at line `n` with `word` of `class`, taking `took` microseconds
/// if stated.
fn run(opened: Option<LineStart>, message: &[u8], name: &[u8], ended: Ended, n: LineStart, state: &mut Partial) {
    let (word, class, duration) = ended;
    state.run(name, opened, RunEnded { word, detail: message, class, duration }, n);
}

/// How a run ended: its word, class and stated duration.
type Ended = (&'static [u8], Class, Option<u64>);

/// A line starting with `=== `, as test2json reads it.
enum Update<'a> {
    /// `=== RUN   NAME`.
    Run(&'a [u8]),
    /// `=== CONT  NAME` or `=== NAME  NAME`: the lines that follow are `NAME`'s output.
    Switch(&'a [u8]),
    /// `=== PAUSE NAME`.
    Other,
    /// `=== PASS  NAME` (`FAIL`, `SKIP`): test2json's result event for `NAME`.
    Result(&'a [u8], Ended),
}

/// The `=== ` line `line` starts with, if it does.
fn update(line: &[u8]) -> Option<Update<'_>> {
    let rest = line.strip_prefix(b"=== ")?;
    let word = |w: &[u8]| rest.strip_prefix(w).filter(|r| r.is_empty() || r[0] == b' ').map(<[u8]>::trim_ascii);
    if let Some(name) = word(b"RUN") {
        Some(Update::Run(name))
    } else if let Some(name) = word(b"CONT").or_else(|| word(b"NAME")) {
        Some(Update::Switch(name))
    } else if word(b"PAUSE").is_some() {
        Some(Update::Other)
    } else {
        let (word, class, name) = if let Some(name) = rest.strip_prefix(b"PASS  ") {
            (&b"PASS"[..], Class::Passed, name)
        } else if let Some(name) = rest.strip_prefix(b"FAIL  ") {
            (&b"FAIL"[..], Class::Failed, name)
        } else {
            (&b"SKIP"[..], Class::Skipped, rest.strip_prefix(b"SKIP  ")?)
        };
        let name = name.trim_ascii();
        (!name.is_empty()).then_some(Update::Result(name, (word, class, None)))
    }
}

/// A `--- ` line, its indentation taken off, as test2json reads it.
enum Report<'a> {
    /// `--- PASS: NAME (0.00s)`, `--- FAIL: …`, `--- SKIP: …`.
    Result(&'a [u8], Ended),
    /// `--- BENCH: NAME`: a benchmark's report, not a run.
    Bench,
}

/// The `--- ` line `line` starts with, if it does.
fn report(line: &[u8]) -> Option<Report<'_>> {
    let rest = line.strip_prefix(b"--- ")?;
    let (word, class, rest): (&'static [u8], Class, &[u8]) = if let Some(r) = rest.strip_prefix(b"PASS: ") {
        (b"PASS", Class::Passed, r)
    } else if let Some(r) = rest.strip_prefix(b"FAIL: ") {
        (b"FAIL", Class::Failed, r)
    } else if let Some(r) = rest.strip_prefix(b"SKIP: ") {
        (b"SKIP", Class::Skipped, r)
    } else {
        return rest.starts_with(b"BENCH: ").then_some(Report::Bench);
    };
    let (name, took) = match last_space_paren(rest) {
        Some(at) if rest.ends_with(b")") => (&rest[..at], stamps::stated(&rest[at + 2..rest.len() - 1])),
        _ => (rest, None),
    };
    let name = name.trim_ascii();
    (!name.is_empty()).then_some(Report::Result(name, (word, class, took)))
}

/// Where the last ` (` in `text` is (`memmem::rfind`'s answer, without setting up a search for
/// each result line).
fn last_space_paren(text: &[u8]) -> Option<usize> {
    memchr::memrchr_iter(b'(', text).find(|&at| at > 0 && text[at - 1] == b' ').map(|at| at - 1)
}

/// Where the first text that starts a framing line (`=== RUN   `, `--- PASS: `, …) is inside
/// `line`, after its first byte.
fn find_framing(line: &[u8]) -> Option<usize> {
    memchr::memchr2_iter(b'=', b'-', line).skip_while(|&at| at == 0).find(|&at| {
        let rest = &line[at..];
        [&b"=== RUN   "[..], b"=== CONT  ", b"=== NAME  ", b"=== PAUSE ", b"--- PASS: ", b"--- FAIL: ", b"--- SKIP: "]
            .iter()
            .any(|framing| rest.starts_with(framing))
    })
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

    /// Each test's (name, passed, failed, skipped, missing), read as `go test -v` output.
    fn read(log: &[u8]) -> Vec<(String, u64, u64, u64, u64)> {
        let options = crate::Options { format: Some(crate::LogFormat::Go), ..crate::Options::default() };
        let mut p = crate::FileParser::new("go.log", options);
        p.feed(log);
        let s = p.finish();
        s.tests()
            .iter()
            .map(|t| (t.name.to_string(), t.counts.passed, t.counts.failed, t.counts.skipped, t.counts.missing))
            .collect()
    }

    fn t(name: &str, passed: u64, failed: u64, skipped: u64, missing: u64) -> (String, u64, u64, u64, u64) {
        (name.to_owned(), passed, failed, skipped, missing)
    }

    #[test]
    fn result_lines() {
        let result = |line: &'static [u8]| match report(line) {
            Some(Report::Result(name, ended)) => Some((name, ended)),
            _ => None,
        };
        assert_eq!(
            result(b"--- FAIL: TestAlwaysFails (0.35s)"),
            Some((&b"TestAlwaysFails"[..], (&b"FAIL"[..], Class::Failed, Some(350_000))))
        );
        assert_eq!(result(b"--- PASS: TestSub/with_space (0.01s)").map(|r| r.0), Some(&b"TestSub/with_space"[..]));
        assert_eq!(result(b"--- SKIP: TestSkipped (0.00s)").map(|r| r.1.1), Some(Class::Skipped));
        assert!(matches!(report(b"--- BENCH: BenchmarkX"), Some(Report::Bench)));
        assert_eq!(result(b"=== RUN   TestX"), None);
        // Indentation is the reader's to weigh, in groups of four spaces.
        assert_eq!(result(b"    --- PASS: TestSub/a (0.01s)"), None);
        assert!(matches!(update(b"=== PASS  TestX"), Some(Update::Result(b"TestX", (_, Class::Passed, None)))));
        assert!(matches!(update(b"=== NAME"), Some(Update::Switch(b""))));
        assert!(update(b"=== RUNNING x").is_none());
        // A name holding ` (` and `(`: the time is the last ` (`'s.
        assert_eq!(
            result(b"--- PASS: TestX/(a)_(b) (c)(0.01s) (0.02s)"),
            Some((&b"TestX/(a)_(b) (c)(0.01s)"[..], (&b"PASS"[..], Class::Passed, Some(20_000))))
        );
        assert_eq!(result(b"--- PASS: TestX(0.01s)").map(|r| r.1.2), Some(None));
    }

    #[test]
    fn the_last_space_paren_is_where_memmem_finds_it() {
        for text in [&b""[..], b"(", b" (", b"a (b (c", b"((( ", b" ( (", b"x(y) (z)(", b"(  (((  ("] {
            assert_eq!(last_space_paren(text), memchr::memmem::rfind(text, b" ("), "{}", String::from_utf8_lossy(text));
        }
    }

    /// The lines, each ended.
    fn lines(lines: &[&str]) -> Vec<u8> {
        lines.iter().flat_map(|l| [l.as_bytes(), b"\n"]).flatten().copied().collect()
    }

    #[test]
    fn a_failure_message_quoting_result_lines_is_the_tests_output() {
        // What `t.Errorf("got:\n--- FAIL: TestOther (0.00s)\n    --- PASS: TestA (0.00s)")` prints
        // with -v, then without -v (the message after the result).
        let log = lines(&[
            "=== RUN   TestA",
            "    a_test.go:9: got:",
            "        --- FAIL: TestOther (0.00s)",
            "            --- PASS: TestA (0.00s)",
            "--- FAIL: TestA (0.00s)",
            "--- FAIL: TestB (0.00s)",
            "    b_test.go:9: got:",
            "        --- FAIL: TestOther (0.00s)",
            "            --- PASS: TestB (0.00s)",
            "FAIL",
        ]);
        assert_eq!(read(&log), [t("TestA", 0, 1, 0, 0), t("TestB", 0, 1, 0, 0)]);
    }

    #[test]
    fn subtests_results_follow_their_parents_one_level_deeper() {
        let log = lines(&[
            "=== RUN   TestP",
            "=== RUN   TestP/a",
            "=== RUN   TestP/a/b",
            "=== RUN   TestP/c",
            "=== RUN   TestP/c/d",
            "--- FAIL: TestP (0.00s)",
            "    --- FAIL: TestP/a (0.00s)",
            "        --- PASS: TestP/a/b (0.00s)",
            "    --- SKIP: TestP/c (0.00s)",
            "        --- PASS: TestP/c/d (0.00s)",
            "FAIL",
        ]);
        let expected =
            [t("TestP", 0, 1, 0, 0), t("TestP/a", 0, 1, 0, 0), t("TestP/a/b", 1, 0, 0, 0), t("TestP/c", 0, 0, 1, 0)];
        assert_eq!(read(&log)[..4], expected);
        assert_eq!(read(&log)[4], t("TestP/c/d", 1, 0, 0, 0));
        // A result deeper than the results pending is output (test2json's issue 23036).
        let log = lines(&["=== RUN   TestP", "--- FAIL: TestP (0.00s)", "        --- FAIL: TestQ (0.00s)", "FAIL"]);
        assert_eq!(read(&log), [t("TestP", 0, 1, 0, 0)]);
    }

    #[test]
    fn a_result_after_a_tests_unterminated_output_is_read() {
        // `fmt.Print("no line end")` in TestA and in its subtest, then in TestB.
        let log = lines(&[
            "=== RUN   TestA",
            "no line end=== RUN   TestA/sub",
            "nor here--- PASS: TestA (0.00s)",
            "    --- PASS: TestA/sub (0.00s)",
            "=== RUN   TestB",
            "run 1--- FAIL: TestB (0.00s)",
            "FAIL",
        ]);
        assert_eq!(read(&log), [t("TestA", 1, 0, 0, 0), t("TestA/sub", 1, 0, 0, 0), t("TestB", 0, 1, 0, 0)]);
        // Only a running test's result, and a start only at no indentation: quotes stay output.
        let log = lines(&[
            "=== RUN   TestA",
            "said --- FAIL: TestOther (0.00s)",
            "    a.go:1: === RUN   TestC",
            "--- PASS: TestA (0.00s)",
            "PASS",
        ]);
        assert_eq!(read(&log), [t("TestA", 1, 0, 0, 0)]);
    }

    #[test]
    fn the_test2json_frame_byte_starts_a_framing_line_anywhere() {
        // `-test.v=test2json`: a frame byte inside a line ends the test's output before it.
        let log = lines(&[
            "\x16=== RUN   TestA",
            "hello\x16--- PASS: TestA (0.00s)",
            "\x16=== RUN   TestB",
            "\x16=== RUN   TestB/x",
            "\x16--- FAIL: TestB (0.00s)",
            "\x16    --- PASS: TestB/x (0.00s)",
            "\x16FAIL",
        ]);
        assert_eq!(read(&log), [t("TestA", 1, 0, 0, 0), t("TestB", 0, 1, 0, 0), t("TestB/x", 1, 0, 0, 0)]);
        // Once framing lines are framed, a line without the frame is output (test2json's
        // frame.test: a test printing `=== RUN`).
        let log = lines(&["\x16=== RUN   TestA", "=== RUN   TestNotReally", "\x16--- PASS: TestA", "FAIL", "\x16PASS"]);
        assert_eq!(read(&log), [t("TestA", 1, 0, 0, 0)]);
        // The frame bytes at the lines' starts taken off, those inside lines left: no line can be
        // told framed, and each still ends its line.
        let log = lines(&[
            "=== RUN   TestA",
            "hello\x16--- PASS: TestA (0.00s)",
            "=== RUN   TestB",
            "--- PASS: TestB (0.00s)",
            "PASS",
        ]);
        assert_eq!(read(&log[..]), [t("TestA", 1, 0, 0, 0), t("TestB", 1, 0, 0, 0)]);
    }

    #[test]
    fn a_pass_update_line_is_a_result_as_test2json_reads_it() {
        // test2json's framebig data: `=== PASS  NAME` after the result is a second pass event.
        let log = lines(&["=== RUN   TestA", "--- PASS: TestA (0.00s)", "=== PASS  TestA", "=== NAME", "PASS"]);
        assert_eq!(read(&log), [t("TestA", 2, 0, 0, 0)]);
    }

    #[test]
    fn telltales() {
        assert!(is_telltale(b"=== RUN   TestA"));
        assert!(is_telltale(b"\x16=== RUN   TestA"));
        assert!(is_telltale(b"--- FAIL: TestA (0.00s)"));
        assert!(is_telltale(b"--- FAIL: BenchmarkFoo"));
        assert!(!is_telltale(b"--- "));
        assert!(!is_telltale(b"---  FAIL"));
        assert!(is_json_telltale(br#"{"Time":"2026-12-01T10:17:06Z","Action":"run","Package":"p","Test":"TestA"}"#));
        assert!(is_json_telltale(br#"{"Action":"run","Test":"TestA"}"#));
        assert!(is_json_telltale(br#"{"Action":"start"}"#));
        assert!(!is_json_telltale(br#"{"Action":"deploy"}"#));
        assert!(!is_json_telltale(br#"{"user":{"Action":"run"}}"#));
        assert!(is_non_verbose_telltale(b"ok  \texample.com/suite\t0.003s"));
        assert!(is_non_verbose_telltale(b"ok  \texample.com/suite\t(cached)"));
        assert!(is_non_verbose_telltale(b"FAIL\texample.com/suite\t0.003s"));
        assert!(is_non_verbose_telltale(b"FAIL\texample.com/suite [build failed]"));
        assert!(is_non_verbose_telltale(b"?   \texample.com/suite/cmd\t[no test files]"));
        assert!(!is_non_verbose_telltale(b"ok 1 - a"));
        assert!(!is_non_verbose_telltale(b"ok  \t"));
        assert!(!is_non_verbose_telltale(b"FAIL"));
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
