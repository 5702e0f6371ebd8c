//! Telling a file's format from its head (docs/design.md, "Telling the format"): every format is
//! weighed over the same first [`DETECT_LEN`] bytes, the CLI's and the app's alike, looking past
//! colour codes, `^V` frames and CI timestamps ([`prefix::runner_line`]) and past any screen of
//! unrelated output before the runner's. What was chosen, and why, is said in `files[].reading`.
//!
//! - A format is a candidate only when the head holds a line only its runner prints (its
//!   *telltale*: a GoogleTest `[ RUN      ]`, a go `=== RUN`, a TAP plan or version, …), so that
//!   plain `go test`'s `ok  \tpkg` lines never pass for TAP.
//! - Among candidates, the one with the most lines of its own (telltales and run lines) wins; on
//!   a tie, the one seen first. A log's own output that happens to hold another runner's line is
//!   outweighed by the runner that printed the log.
//! - The markers format (`Test: `/`Result: `) wins when more lines hold its markers than any
//!   runner has lines of its own, and is the format when no runner is seen.
//! - Output that does not name its passing runs (`pytest -q`, `--gtest_brief=1`,
//!   `cargo test -q`) is not read as runs: it is read as markers (so finds none) and the reason
//!   names the flag to add. `go test` without `-v` is read as go, its failures as test2json
//!   reads them, and its reason says that its passes are not named.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use super::{go, gtest, junit, libtest, nextest, pytest, tap};
use crate::base::log_format::LogFormat;
use crate::base::options::Detected;
use crate::read::prefix;

/// How much of a file's start is looked at to tell its format, and the choices made with it.
/// One size for the CLI and the app, so that a file is read alike in both.
pub const DETECT_LEN: usize = 1 << 20;

/// The words in [`Detected::why`] of runner output that does not name its passing runs: the CLI
/// warns when it sees them.
pub const TERSE_OUTPUT: &str = "does not name its passing tests";

/// The format of a file that starts with `head` (its first [`DETECT_LEN`] bytes, or all of it).
pub fn detect(head: &[u8]) -> LogFormat {
    detect_reading(head, None).format
}

/// How a file that starts with `head` is read: in `named`, when the user named a format, else in
/// the format its head tells; with the choices its head decides.
pub fn detect_reading(head: &[u8], named: Option<LogFormat>) -> Detected {
    let head = &head[..head.len().min(DETECT_LEN)];
    let (format, mut why) = match named {
        Some(format) => (format, "named by the user".to_owned()),
        None => tell(head),
    };
    let pytest_repeat = match format {
        LogFormat::Pytest => pytest::repeats(head),
        LogFormat::Junit => junit::repeats(head),
        _ => false,
    };
    if pytest_repeat {
        why.push_str(match format {
            LogFormat::Junit => "; pytest-repeat's [K-N] read as the iteration (every test case in the head carries it)",
            _ => "; pytest-repeat's [K-N] read as the iteration (the plugin is listed and every result in the head carries it)",
        });
        debug_assert!(why.contains(crate::base::log_format::PYTEST_REPEAT_READ));
    }
    Detected { format, pytest_repeat, why }
}

/// The runners' formats, in the order a tie is broken when two were seen on the same line.
const RUNNERS: [LogFormat; 7] = [
    LogFormat::GoogleTest,
    LogFormat::Go,
    LogFormat::GoJson,
    LogFormat::Nextest,
    LogFormat::Pytest,
    LogFormat::Libtest,
    LogFormat::Tap,
];

/// What the head holds of one runner's lines.
#[derive(Clone, Copy, Default)]
struct Tally {
    /// Lines only this runner prints.
    telltales: u64,
    /// Other lines of its own: its run lines.
    runs: u64,
    /// The first telltale's line number.
    first: Option<u64>,
}

/// Runner output that does not name its passing runs, and what to add so that it does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Terse {
    GoWithoutV,
    PytestQuiet,
    GtestBrief,
    CargoQuiet,
}

impl Terse {
    fn why(self) -> &'static str {
        match self {
            Terse::GoWithoutV => {
                "go test output without -v, which does not name its passing tests: only its failures are read, as \
                 test2json reads them; run `go test -v` (or `go test -json`)"
            }
            Terse::PytestQuiet => {
                "pytest -q output, which does not name its passing tests: not read as runs; run pytest with -v (no -q)"
            }
            Terse::GtestBrief => {
                "GoogleTest output with --gtest_brief=1, which does not name its passing tests: not read as runs; run \
                 without --gtest_brief"
            }
            Terse::CargoQuiet => {
                "cargo test -q output, which does not name its passing tests: not read as runs; run `cargo test` without -q"
            }
        }
    }
}

/// The format `head` is in, and why.
fn tell(head: &[u8]) -> (LogFormat, String) {
    let text = head.strip_prefix("\u{feff}".as_bytes()).unwrap_or(head).trim_ascii_start();
    if text.starts_with(b"<") && memchr::memmem::find(text, b"<testsuite").is_some() {
        return (LogFormat::Junit, "XML holding <testsuite> elements".to_owned());
    }
    let mut tallies = [Tally::default(); RUNNERS.len()];
    let mut markers = 0u64;
    let mut terse: Option<Terse> = None;
    let (mut gtest_ran, mut libtest_result, mut go_started) = (false, false, false);
    let escapes = prefix::first_escape(head).is_some();
    for (n, (raw, marked)) in (0u64..).zip(marked_lines(head)) {
        markers += u64::from(marked);
        // A head with no escape byte anywhere (most) spares each line its own search for one.
        let line = if escapes { prefix::runner_line(raw) } else { Cow::Borrowed(prefix::clean_runner_line(raw)) };
        let line = &*line;
        let starts = Starts::of(line);
        for (tally, format) in tallies.iter_mut().zip(RUNNERS) {
            if !starts.may_be(format) {
                continue;
            }
            if is_telltale(format, line) {
                tally.telltales += 1;
                tally.first.get_or_insert(n);
            } else if is_run_line(format, line) {
                tally.runs += 1;
            }
        }
        gtest_ran |= gtest::is_iteration_end(line);
        libtest_result |= line.starts_with(b"test result: ");
        go_started |= line.starts_with(b"=== RUN   ");
        if terse.is_none() {
            terse = if go::is_non_verbose_telltale(line) {
                Some(Terse::GoWithoutV)
            } else if pytest::is_non_verbose_telltale(line) {
                Some(Terse::PytestQuiet)
            } else {
                None
            };
        }
    }
    let tally = |f: LogFormat| tallies[RUNNERS.iter().position(|&r| r == f).expect("a runner")];
    // A runner seen only by its header, with none of its run lines, said it ran tests without
    // naming them.
    if tally(LogFormat::GoogleTest).telltales == 0 && gtest_ran {
        terse = Some(Terse::GtestBrief);
    }
    let libtest = tally(LogFormat::Libtest);
    if libtest.telltales > 0 && libtest.runs == 0 && libtest_result {
        return (LogFormat::Markers, Terse::CargoQuiet.why().to_owned());
    }
    let best = RUNNERS
        .iter()
        .zip(tallies)
        .filter(|(_, t)| t.telltales > 0)
        .min_by_key(|(_, t)| (std::cmp::Reverse(t.telltales + t.runs), t.first));
    let head_size = if head.len() >= DETECT_LEN { "first 1 MiB" } else { "whole file" };
    match best {
        // go test without -v: its failures are read (as test2json reads them), and the reason
        // says its passes are not named.
        Some((&LogFormat::Go, t)) if t.telltales + t.runs >= markers && !go_started => {
            (LogFormat::Go, Terse::GoWithoutV.why().to_owned())
        }
        Some((&format, t)) if t.telltales + t.runs >= markers => {
            let lines = t.telltales + t.runs;
            let why = format!(
                "{}: {lines} line{} of its own in the {head_size}, from line {}",
                runner_name(format),
                if lines == 1 { "" } else { "s" },
                t.first.unwrap_or(0) + 1
            );
            (format, why)
        }
        Some((&format, t)) => {
            let why = format!(
                "markers: {markers} lines holding `Test: ` or `Result: ` in the {head_size}, more than the {} lines \
                 of {}",
                t.telltales + t.runs,
                runner_name(format)
            );
            (LogFormat::Markers, why)
        }
        None => match terse {
            Some(Terse::GoWithoutV) => (LogFormat::Go, Terse::GoWithoutV.why().to_owned()),
            Some(terse) => (LogFormat::Markers, terse.why().to_owned()),
            None if markers > 0 => (
                LogFormat::Markers,
                format!("markers: {markers} lines holding `Test: ` or `Result: ` in the {head_size}"),
            ),
            None => (LogFormat::Markers, format!("markers: no test runner's lines in the {head_size}")),
        },
    }
}

/// The lines of `head`, without their `\n`: the last one, ended or not, too (as `split` gives
/// them, found by a search rather than a byte at a time).
fn lines(head: &[u8]) -> impl Iterator<Item = &[u8]> {
    let ends = memchr::memchr_iter(b'\n', head).chain([head.len()]);
    ends.scan(0, move |start, end| {
        let line = &head[*start..end];
        *start = end + 1;
        Some(line)
    })
}

/// The markers a line is counted for, each searcher set up once (set up per line, it costs more
/// than the search).
static MARKERS: LazyLock<[Finder<'static>; 2]> = LazyLock::new(|| [Finder::new(b"Test: "), Finder::new(b"Result: ")]);

/// [`lines`], each with whether it holds a marker. Each marker is searched for through the whole
/// head, not line by line: a search started per line costs more than the line (half of the
/// detection of a seed-style log), and most lines of a runner's log hold none.
fn marked_lines(head: &[u8]) -> impl Iterator<Item = (&[u8], bool)> {
    let mut hits = MARKERS.each_ref().map(|m| m.find_iter(head).peekable());
    let mut start = 0;
    lines(head).map(move |line| {
        let end = start + line.len();
        let mut marked = false;
        // A marker holds no newline, so each hit is inside one line, and hits come in order.
        for hit in &mut hits {
            while hit.next_if(|&at| at < end).is_some() {
                marked = true;
            }
        }
        start = end + 1;
        (line, marked)
    })
}

/// The runner that prints a format, as people call it.
fn runner_name(format: LogFormat) -> &'static str {
    match format {
        LogFormat::Markers => "markers",
        LogFormat::GoogleTest => "GoogleTest",
        LogFormat::Pytest => "pytest -v",
        LogFormat::Libtest => "cargo test (libtest)",
        LogFormat::Tap => "TAP",
        LogFormat::Junit => "JUnit XML",
        LogFormat::Go => "go test -v",
        LogFormat::GoJson => "go test -json",
        LogFormat::Nextest => "cargo-nextest",
    }
}

/// A line's first byte and its first past leading white space: each runner's lines start with
/// a few bytes only, so most lines are told to be none of a runner's by these, before its
/// checks (which cost several hundred instructions a line for the seven runners).
#[derive(Clone, Copy)]
struct Starts {
    first: Option<u8>,
    trimmed: Option<u8>,
}

impl Starts {
    fn of(line: &[u8]) -> Self {
        Starts { first: line.first().copied(), trimmed: line.trim_ascii_start().first().copied() }
    }

    /// Whether `line` may be a telltale or a run line of `format` ([`is_telltale`],
    /// [`is_run_line`]): false only when neither can be, from the bytes each starts with.
    fn may_be(self, format: LogFormat) -> bool {
        let (Some(first), Some(trimmed)) = (self.first, self.trimmed) else { return false };
        match format {
            LogFormat::GoogleTest => first == b'[',
            // `=== RUN   `, `--- PASS: `; `--- ` after white space. (test2json's frame byte,
            // which `go::is_telltale` looks past, is gone: `runner_line` takes it out.)
            LogFormat::Go => matches!(first, b'=' | b'-') || trimmed == b'-',
            LogFormat::GoJson => first == b'{',
            // `Nextest run ID `, `Starting `, `PASS [`, `FAIL [`, `SKIP [`, after white space.
            LogFormat::Nextest => matches!(trimmed, b'N' | b'S' | b'P' | b'F'),
            // The session's `=` line, or a node id as the first word (so not white space).
            LogFormat::Pytest => !first.is_ascii_whitespace(),
            // `running `, `test `.
            LogFormat::Libtest => matches!(first, b'r' | b't'),
            // `TAP version `, `1..`, `ok`, `not ok`.
            LogFormat::Tap => matches!(first, b'T' | b'1' | b'o' | b'n'),
            LogFormat::Markers | LogFormat::Junit => false,
        }
    }
}

/// Whether `line` is one only `format`'s runner prints.
fn is_telltale(format: LogFormat, line: &[u8]) -> bool {
    match format {
        LogFormat::GoogleTest => gtest::is_telltale(line),
        LogFormat::Go => go::is_telltale(line),
        LogFormat::GoJson => go::is_json_telltale(line),
        LogFormat::Nextest => nextest::is_telltale(line),
        LogFormat::Pytest => pytest::is_telltale(line),
        LogFormat::Libtest => libtest::is_telltale(line),
        LogFormat::Tap => tap::is_telltale(line),
        LogFormat::Markers | LogFormat::Junit => false,
    }
}

/// Whether `line` has the shape of one of `format`'s run lines (which other text may share: so
/// they weigh a candidate but make none).
fn is_run_line(format: LogFormat, line: &[u8]) -> bool {
    match format {
        LogFormat::GoogleTest => line.starts_with(b"[       OK ] ") || line.starts_with(b"[  FAILED  ] "),
        LogFormat::Go => {
            let l = line.trim_ascii_start();
            l.starts_with(b"--- PASS: ") || l.starts_with(b"--- FAIL: ") || l.starts_with(b"--- SKIP: ")
        }
        LogFormat::Nextest => {
            let l = line.trim_ascii_start();
            l.starts_with(b"PASS [") || l.starts_with(b"FAIL [") || l.starts_with(b"SKIP [")
        }
        LogFormat::Pytest => {
            let first = line.split(|b| b.is_ascii_whitespace()).next().unwrap_or_default();
            // Each outcome's searcher set up once, as the markers' are: `memmem::find` sets one up
            // per call on a line of 64 bytes or more (most of pytest's).
            static OUTCOMES: LazyLock<[Finder<'static>; 6]> = LazyLock::new(|| {
                [" PASSED", " FAILED", " SKIPPED", " ERROR", " XFAIL", " XPASS"].map(|w| Finder::new(w.as_bytes()))
            });
            memchr::memmem::find(first, b"::").is_some() && OUTCOMES.iter().any(|w| w.find(line).is_some())
        }
        LogFormat::Libtest => line.starts_with(b"test ") && memchr::memmem::find(line, b" ... ").is_some(),
        LogFormat::Tap => line.starts_with(b"ok") || line.starts_with(b"not ok"),
        LogFormat::Markers | LogFormat::Junit | LogFormat::GoJson => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_is_cut_into_lines_as_split_cuts_it() {
        for head in [&b""[..], b"\n", b"a", b"a\n", b"\n\nb", b"a\nb", b"a\nb\n", b"a\r\n\nbc\n\n"] {
            let split: Vec<&[u8]> = head.split(|&b| b == b'\n').collect();
            assert_eq!(lines(head).collect::<Vec<_>>(), split, "{:?}", String::from_utf8_lossy(head));
        }
    }

    #[test]
    fn a_line_is_marked_when_it_holds_a_marker() {
        // Markers at a line's start, middle and end, two on a line, cut, and across lines.
        let parts =
            ["Test: a", "Result: PASS", "x", "Test:", "Tes", "t: ", "Result:", " ", "\n", "\r\n", "Result: Test: "];
        let mut heads = vec![String::new()];
        for a in parts {
            for b in parts {
                for c in parts {
                    heads.push(format!("{a}{b}\n{c}"));
                    heads.push(format!("{a}\n{b}{c}\n"));
                }
            }
        }
        for head in heads {
            let by_line: Vec<(&[u8], bool)> =
                lines(head.as_bytes()).map(|l| (l, MARKERS.iter().any(|m| m.find(l).is_some()))).collect();
            assert_eq!(marked_lines(head.as_bytes()).collect::<Vec<_>>(), by_line, "{head:?}");
        }
    }

    #[test]
    fn a_line_told_by_its_start_to_be_none_of_a_runners_is_none() {
        // Every line of every runner fixture (the versions' folders too), as it is, after white
        // space and after go's frame.
        let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/runners")];
        let mut raws = vec![Vec::new(), b" ".to_vec()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("the runner fixtures") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let bytes = std::fs::read(path).expect("a fixture");
                for line in bytes.split(|&b| b == b'\n') {
                    for before in [&b""[..], b"  ", b"\t", &[prefix::SYN]] {
                        raws.push([before, line].concat());
                    }
                }
            }
        }
        let (mut told, mut lines) = (0, 0);
        for raw in &raws {
            let line = prefix::runner_line(raw);
            let starts = Starts::of(&line);
            for format in RUNNERS {
                if !starts.may_be(format) {
                    told += 1;
                    let shown = String::from_utf8_lossy(&line);
                    assert!(!is_telltale(format, &line), "{format:?} {shown:?}");
                    assert!(!is_run_line(format, &line), "{format:?} {shown:?}");
                } else if is_telltale(format, &line) || is_run_line(format, &line) {
                    lines += 1;
                }
            }
        }
        // The fixtures hold both: runners' lines, and lines told apart by their start.
        assert!(told > raws.len() && lines > 1000, "{told} {lines}");
    }

    fn told(head: &str) -> (LogFormat, String) {
        let d = detect_reading(head.as_bytes(), None);
        (d.format, d.why)
    }

    #[test]
    fn each_runner_is_told_by_its_lines() {
        assert_eq!(
            detect(b"Running main() from gtest_main.cc\n[==========] Running 4 tests from 2 test suites.\n"),
            LogFormat::GoogleTest
        );
        assert_eq!(detect(b"2024-05-01T10:00:00.1234567Z [ RUN      ] A.B\n"), LogFormat::GoogleTest);
        assert_eq!(
            detect(b"============================= test session starts ==============================\n"),
            LogFormat::Pytest
        );
        assert_eq!(detect(b"\nrunning 4 tests\ntest tests::a ... ok\n"), LogFormat::Libtest);
        assert_eq!(detect(b"suite.t .. \n1..4\nok 1 - a\n"), LogFormat::Tap);
        assert_eq!(detect(b"TAP version 14\n"), LogFormat::Tap);
        assert_eq!(detect(b"=== RUN   TestA\n--- PASS: TestA (0.00s)\n"), LogFormat::Go);
        assert_eq!(
            detect(br#"{"Time":"2026-12-01T10:17:06Z","Action":"run","Package":"p","Test":"TestA"}"#),
            LogFormat::GoJson
        );
        assert_eq!(detect(b"<?xml version=\"1.0\"?>\n<testsuites>"), LogFormat::Junit);
        assert_eq!(detect(b"Test: <testsuite> in a log\n"), LogFormat::Markers);
        assert_eq!(detect(b"# Iteration 1\n# Test: Apples Test\n# Result: PASS\n"), LogFormat::Markers);
        assert_eq!(detect(b""), LogFormat::Markers);
    }

    #[test]
    fn colour_and_frames_hide_no_runner() {
        assert_eq!(detect(b"\x1b[0;32m[==========] \x1b[mRunning 1 test from 1 test suite.\n"), LogFormat::GoogleTest);
        assert_eq!(detect(b"\x16=== RUN   TestA\n\x16--- PASS: TestA (0.00s)\n"), LogFormat::Go);
    }

    #[test]
    fn the_runner_with_most_lines_of_its_own_wins_over_a_stray_telltale() {
        // A build's output prints a TAP-like plan before go test -v runs.
        let mut log = String::from("building 1..3 parts\n1..3\nok 1 - compiled\n");
        for k in 0..5 {
            log.push_str(&format!("=== RUN   TestA{k}\n--- PASS: TestA{k} (0.00s)\n"));
        }
        let (format, why) = told(&log);
        assert_eq!(format, LogFormat::Go, "{why}");
        assert!(why.starts_with("go test -v: 10 lines of its own in the whole file, from line 4"), "{why}");
    }

    #[test]
    fn a_first_screen_of_other_output_is_looked_past() {
        let mut log = "npm WARN deprecated something\n".repeat(20_000);
        log.push_str("[ RUN      ] A.B\n[       OK ] A.B (0 ms)\n");
        assert!(log.len() > 16 << 10 && log.len() < DETECT_LEN);
        assert_eq!(detect(log.as_bytes()), LogFormat::GoogleTest);
    }

    #[test]
    fn markers_outweigh_a_runners_line_quoted_in_a_test() {
        let log = "Test: a\n[ RUN      ] quoted by the test\nResult: PASS\nTest: b\nResult: PASS\n";
        let (format, why) = told(log);
        assert_eq!(format, LogFormat::Markers);
        assert!(why.contains("more than the 1 lines of GoogleTest"), "{why}");
    }

    #[test]
    fn plain_go_test_output_is_go_not_tap_and_names_the_flag() {
        let (format, why) = told(
            "--- FAIL: TestB (0.00s)\n    x_test.go:9: no\nFAIL\nFAIL\texample.com/x\t0.003s\nok  \texample.com/y\t0.002s\n",
        );
        assert_eq!(format, LogFormat::Go);
        assert!(why.contains("run `go test -v`"), "{why}");
        let (format, why) = told("ok  \texample.com/a\t0.003s\nok  \texample.com/b\t0.001s\n");
        assert_eq!(format, LogFormat::Go);
        assert!(why.contains(TERSE_OUTPUT), "{why}");
        // go test -v names its passing runs: no such reason.
        let (_, why) = told("=== RUN   TestA\n--- PASS: TestA (0.00s)\nok  \texample.com/a\t0.003s\n");
        assert!(!why.contains(TERSE_OUTPUT), "{why}");
    }

    #[test]
    fn test2json_without_times_and_framed_lines_are_go() {
        assert_eq!(detect(br#"{"Action":"start","Package":"p"}"#), LogFormat::GoJson, "test2json without -t");
        assert_eq!(detect(b"\x16=== RUN   TestA\n"), LogFormat::Go, "-test.v=test2json");
    }

    #[test]
    fn terse_output_names_the_flag_to_add() {
        let (format, why) =
            told("..F.s                                                    [100%]\n1 failed, 3 passed in 0.01s\n");
        assert_eq!(format, LogFormat::Markers);
        assert!(why.contains("with -v"), "{why}");
        let (format, why) = told("\nrunning 4 tests\n..F.\nfailures:\n\ntest result: FAILED. 3 passed; 1 failed\n");
        assert_eq!(format, LogFormat::Markers);
        assert!(why.contains("without -q"), "{why}");
        let (_, why) = told("[  FAILED  ] A.B (0 ms)\n[==========] 4 tests from 2 test suites ran. (0 ms total)\n");
        assert!(why.contains("--gtest_brief"), "{why}");
    }

    #[test]
    fn a_named_format_is_said_to_be_named() {
        let d = detect_reading(b"=== RUN   TestA\n", Some(LogFormat::Tap));
        assert_eq!((d.format, d.why.as_str()), (LogFormat::Tap, "named by the user"));
    }
}
