//! GoogleTest's console output (docs/design.md, "The test runners' formats"), as
//! `PrettyUnitTestResultPrinter` in googletest's `src/gtest.cc` prints it:
//! - `Repeating all tests (iteration N) . . .` starts iteration `N` (`--gtest_repeat`);
//! - `[ RUN      ] Suite.Name` opens the test `Suite.Name`;
//! - `[       OK ] Suite.Name (N ms)`, `[  FAILED  ] …` and `[  SKIPPED ] …` close it as passed,
//!   failed or skipped: a failure may add `, where TypeParam = …` or `GetParam() = …`, and
//!   `--gtest_print_time=0` drops the duration. A result line names its test, and closes only
//!   the open test of that name: the end-of-run lists print the same lines for the failed and
//!   skipped tests, with nothing open, and are not runs. With nothing open, a result with a
//!   duration is an orphan (what `--gtest_brief=1` prints: failures only, told apart by `format::detect`).
//! - A result tag after other text on a line is read too: a test's output that did not end its
//!   line has GoogleTest's result printed after it (`done[       OK ] Suite.Name (0 ms)`).
//! - `[ DISABLED ] Suite.DISABLED_Name` (a disabled test the filter selects) is a skipped run
//!   with the word `DISABLED`; `[  DEATH   ] …` lines quote a death test's stderr, and are read
//!   as nothing.
//!
//! A test whose `[ RUN      ]` line is followed by another, or by the end of the file, never
//! finished (a crash or a timeout): it is missing. A failure's reason is the test's first line of
//! output that is not an assertion's `FILE:LINE: Failure` header: the assertion's message.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::model::class::Class;
use crate::read::extract::LineEvents;
use crate::read::stamps;

/// Every status line holds ` ] ` (the end of its bracketed tag), and the repeat line its text.
pub(crate) const NEEDLES: [&[u8]; 2] = [TAG_END, REPEAT];

const TAG_END: &[u8] = b" ] ";

const REPEAT: &[u8] = b"Repeating all tests (iteration ";

/// Finds [`TAG_END`] within a line.
static TAG_END_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(TAG_END));

/// Whether the line is one only GoogleTest prints.
pub(crate) fn is_telltale(line: &[u8]) -> bool {
    line.starts_with(b"[==========] Running ") || line.starts_with(b"[ RUN      ] ")
}

/// Whether the line ends an iteration: `[==========] N tests from M test suites ran.`, then
/// ` (N ms total)` unless `--gtest_print_time=0`. Both of GoogleTest's printers print it.
pub(crate) fn is_iteration_end(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"[==========] ") else { return false };
    let rest = rest.trim_ascii_end();
    let rest = match rest.strip_suffix(b" ms total)") {
        Some(r) => r.iter().rposition(|&b| b == b'(').map_or(r, |open| &r[..open]).trim_ascii_end(),
        None => rest,
    };
    rest.ends_with(b" ran.") && memchr::memmem::find(rest, b" from ").is_some()
}

/// The message a line of a test's output gives, if any: not a blank line, nor the
/// `FILE:LINE: Failure` (or `Skipped`) header that comes before an assertion's message.
pub(crate) fn message(line: &[u8]) -> Option<&[u8]> {
    let line = line.trim_ascii();
    let header = line.ends_with(b": Failure") || line.ends_with(b": Skipped");
    (!line.is_empty() && !header).then_some(line)
}

/// The bracketed tag that starts GoogleTest's status lines: `[ RUN      ]`, `[       OK ]`, ….
const TAG: usize = 12;

/// `, where TypeParam = … and GetParam() = …`, after a parameterized test's name in a failure.
static WHERE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b", where "));

/// The word and class of a tag that ends a run.
fn result_tag(tag: &[u8]) -> Option<(&'static [u8], Class)> {
    match tag {
        b"[       OK ]" => Some((b"OK", Class::Passed)),
        b"[  FAILED  ]" => Some((b"FAILED", Class::Failed)),
        b"[  SKIPPED ]" => Some((b"SKIPPED", Class::Skipped)),
        _ => None,
    }
}

/// Whether `tag` is one of GoogleTest's: twelve bytes, bracketed.
fn is_tag(tag: &[u8]) -> bool {
    tag.len() == TAG && tag[0] == b'[' && tag[TAG - 1] == b']'
}

/// Reads one line (its CI prefix and `\r` already gone).
pub(crate) fn read(line: &[u8]) -> LineEvents<'_> {
    let mut events = LineEvents::default();
    if let Some(rest) = line.strip_prefix(REPEAT) {
        let label = &rest[..rest.iter().position(|&b| b == b')').unwrap_or(rest.len())];
        events.iteration = Some(Cow::Borrowed(label));
        return events;
    }
    if let (Some(tag), Some(rest)) = (line.get(..TAG), line.get(TAG..).and_then(|r| r.strip_prefix(b" ")))
        && is_tag(tag)
    {
        match tag {
            b"[ RUN      ]" => events.test = Some(Cow::Borrowed(rest.trim_ascii())),
            // A disabled test that the filter selects, not run (`OnTestDisabled`): skipped, as
            // JUnit's `status="disabled"` is.
            b"[ DISABLED ]" => {
                let name = rest.trim_ascii();
                if !name.is_empty() {
                    events.test = Some(Cow::Borrowed(name));
                    events.result = Some((Cow::Borrowed(b"DISABLED"), Cow::Borrowed(b""), Class::Skipped));
                    events.names = Some(Cow::Borrowed(name));
                }
            }
            // Any other tag is GoogleTest's own line (`[  DEATH   ]` quotes a death test's
            // stderr): only a result tag there is a result.
            _ => {
                if let Some((word, class)) = result_tag(tag) {
                    result(&mut events, word, class, rest);
                }
            }
        }
        return events;
    }
    // A test's output that did not end its line: GoogleTest prints the result after it.
    for at in TAG_END_FINDER.find_iter(line) {
        if let Some((word, class)) = at.checked_sub(TAG - 2).and_then(|start| result_tag(&line[start..at + 2])) {
            result(&mut events, word, class, &line[at + 3..]);
            break;
        }
    }
    events
}

/// The result `word` of `class` whose tag `rest` follows: `Suite.Name`, then `, where …` for a
/// parameterized test's failure, then ` (N ms)` unless `--gtest_print_time=0`. It names its
/// test, since the end-of-run lists print result lines too (without a duration).
fn result<'a>(events: &mut LineEvents<'a>, word: &'static [u8], class: Class, rest: &'a [u8]) {
    let rest = rest.trim_ascii_end();
    let mut name_end = rest.len();
    if rest.ends_with(b" ms)")
        && let Some(open) = rest.iter().rposition(|&b| b == b'(')
        && open > 0
        && rest[open - 1] == b' '
    {
        let ms = &rest[open + 1..rest.len() - 4];
        if !ms.is_empty() && ms.iter().all(u8::is_ascii_digit) {
            events.duration = stamps::stated(&rest[open + 1..rest.len() - 1]);
        }
        name_end = open - 1;
    }
    if let Some(at) = WHERE.find(&rest[..name_end]) {
        name_end = at;
    }
    let name = rest[..name_end].trim_ascii();
    if !name.is_empty() {
        events.result = Some((Cow::Borrowed(word), Cow::Borrowed(&b""[..]), class));
        events.names = Some(Cow::Borrowed(name));
    } else {
        events.duration = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A result: word, class, the name it closes, and the duration.
    type Read = Option<(Vec<u8>, Class, Vec<u8>, Option<u64>)>;

    /// The result a line gives.
    fn result_of(line: &[u8]) -> Read {
        let e = read(line);
        let (word, _, class) = e.result?;
        Some((word.into_owned(), class, e.names.expect("a result names its test").into_owned(), e.duration))
    }

    fn r(word: &str, class: Class, name: &str, duration: Option<u64>) -> Read {
        Some((word.into(), class, name.into(), duration))
    }

    #[test]
    fn status_lines() {
        let e = read(b"[ RUN      ] Suite.AlwaysFails");
        assert_eq!(e.test.as_deref(), Some(&b"Suite.AlwaysFails"[..]));
        assert_eq!(
            result_of(b"[  FAILED  ] Suite.AlwaysFails (12 ms)"),
            r("FAILED", Class::Failed, "Suite.AlwaysFails", Some(12_000))
        );
        assert_eq!(
            result_of(b"[       OK ] Suite.AlwaysPasses (0 ms)"),
            r("OK", Class::Passed, "Suite.AlwaysPasses", Some(0))
        );
        assert_eq!(
            result_of(b"[  SKIPPED ] Suite.Skipped (3 ms)"),
            r("SKIPPED", Class::Skipped, "Suite.Skipped", Some(3_000))
        );
        assert_eq!(read(b"Repeating all tests (iteration 12) . . .").iteration.as_deref(), Some(&b"12"[..]));
    }

    #[test]
    fn a_parameterized_failure_names_its_test_before_where() {
        // `PrintFullTestCommentIfPresent`: `, where TypeParam = …`, ` and GetParam() = …`.
        let typed = b"[  FAILED  ] Typed/0.Works, where TypeParam = int (0 ms)";
        assert_eq!(result_of(typed), r("FAILED", Class::Failed, "Typed/0.Works", Some(0)));
        let both = b"[  FAILED  ] T/1.F/0, where TypeParam = char and GetParam() = (1 ms) (5 ms)";
        assert_eq!(result_of(both), r("FAILED", Class::Failed, "T/1.F/0", Some(5_000)));
        let untimed = b"[  FAILED  ] P/Param.Fails/0, where GetParam() = \"a (2 ms)\"";
        assert_eq!(result_of(untimed), r("FAILED", Class::Failed, "P/Param.Fails/0", None));
    }

    #[test]
    fn without_times_a_result_has_no_duration() {
        // `--gtest_print_time=0`.
        assert_eq!(result_of(b"[       OK ] Suite.AlwaysPasses"), r("OK", Class::Passed, "Suite.AlwaysPasses", None));
        assert_eq!(
            result_of(b"[  FAILED  ] Suite.AlwaysFails  "),
            r("FAILED", Class::Failed, "Suite.AlwaysFails", None)
        );
    }

    #[test]
    fn a_result_after_unended_output_is_read() {
        let line = b"no line end[  FAILED  ] Suite.AlwaysFails (0 ms)";
        assert_eq!(result_of(line), r("FAILED", Class::Failed, "Suite.AlwaysFails", Some(0)));
        let line = b"x ] y[       OK ] Suite.AlwaysPasses";
        assert_eq!(result_of(line), r("OK", Class::Passed, "Suite.AlwaysPasses", None));
        // Not a test's start: a `[ RUN      ]` in a test's output does not open a test.
        assert_eq!(read(b"quoted: [ RUN      ] Suite.Other"), LineEvents::default());
    }

    #[test]
    fn a_disabled_test_is_a_skipped_run_and_death_lines_are_nothing() {
        let e = read(b"[ DISABLED ] Suite.DISABLED_Off");
        assert_eq!(e.test.as_deref(), Some(&b"Suite.DISABLED_Off"[..]));
        assert_eq!(
            result_of(b"[ DISABLED ] Suite.DISABLED_Off"),
            r("DISABLED", Class::Skipped, "Suite.DISABLED_Off", None)
        );
        assert_eq!(read(b"[  DEATH   ] [       OK ] Suite.AlwaysPasses (0 ms)"), LineEvents::default());
    }

    #[test]
    fn the_summary_lines_are_not_runs() {
        for line in [
            &b"[  PASSED  ] 2 tests."[..],
            b"[==========] 4 tests from 2 test suites ran. (0 ms total)",
            b"[----------] 3 tests from Suite (0 ms total)",
            b"[  FAILED  ] ",
        ] {
            assert_eq!(read(line), LineEvents::default(), "{}", String::from_utf8_lossy(line));
        }
        // The lists name tests without a duration: results that close only an open test of
        // that name, and nothing when none is (`Partial::result`).
        assert_eq!(result_of(b"[  FAILED  ] Suite.AlwaysFails"), r("FAILED", Class::Failed, "Suite.AlwaysFails", None));
    }

    #[test]
    fn an_iterations_end_with_and_without_its_time() {
        assert!(is_iteration_end(b"[==========] 4 tests from 2 test suites ran. (0 ms total)"));
        assert!(is_iteration_end(b"[==========] 1 test from 1 test suite ran."));
        assert!(!is_iteration_end(b"[==========] Running 4 tests from 2 test suites."));
    }
}
