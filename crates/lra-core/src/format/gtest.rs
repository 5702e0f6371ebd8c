//! GoogleTest's console output (docs/design.md, "The test runners' formats"):
//! - `Repeating all tests (iteration N) . . .` starts iteration `N` (`--gtest_repeat`);
//! - `[ RUN      ] Suite.Name` opens the test `Suite.Name`;
//! - `[       OK ] Suite.Name (N ms)`, `[  FAILED  ] …` and `[  SKIPPED ] …` close it as passed,
//!   failed or skipped. Only lines that end with the duration are runs: the summary at the end
//!   of a run names the failed and skipped tests again without one.
//!
//! A test whose `[ RUN      ]` line is followed by another, or by the end of the file, never
//! finished (a crash or a timeout): it is missing. A failure's reason is the test's first line of
//! output that is not an assertion's `FILE:LINE: Failure` header: the assertion's message.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::class::Class;
use crate::extract::LineEvents;
use crate::stamps;

/// Every status line holds ` ] ` (the end of its bracketed tag), and the repeat line its text.
pub(crate) static NEEDLES: LazyLock<[Finder<'static>; 2]> =
    LazyLock::new(|| [Finder::new(b" ] "), Finder::new(b"Repeating all tests (iteration ")]);

const REPEAT: &[u8] = b"Repeating all tests (iteration ";

/// Whether the line is one only GoogleTest prints.
pub(crate) fn is_telltale(line: &[u8]) -> bool {
    line.starts_with(b"[==========] Running ") || line.starts_with(b"[ RUN      ] ")
}

/// The message a line of a test's output gives, if any: not a blank line, nor the
/// `FILE:LINE: Failure` (or `Skipped`) header that comes before an assertion's message.
pub(crate) fn message(line: &[u8]) -> Option<&[u8]> {
    let line = line.trim_ascii();
    let header = line.ends_with(b": Failure") || line.ends_with(b": Skipped");
    (!line.is_empty() && !header).then_some(line)
}

/// Reads one line (its CI prefix and `\r` already gone).
pub(crate) fn read(line: &[u8]) -> LineEvents<'_> {
    let mut events = LineEvents::default();
    if let Some(rest) = line.strip_prefix(REPEAT) {
        let label = &rest[..rest.iter().position(|&b| b == b')').unwrap_or(rest.len())];
        events.iteration = Some(Cow::Borrowed(label));
        return events;
    }
    let (Some(tag), Some(rest)) = (line.get(..12), line.get(12..).and_then(|r| r.strip_prefix(b" "))) else {
        return events;
    };
    let (word, class): (&[u8], Class) = match tag {
        b"[ RUN      ]" => {
            events.test = Some(Cow::Borrowed(rest.trim_ascii()));
            return events;
        }
        b"[       OK ]" => (b"OK", Class::Passed),
        b"[  FAILED  ]" => (b"FAILED", Class::Failed),
        b"[  SKIPPED ]" => (b"SKIPPED", Class::Skipped),
        _ => return events,
    };
    // A run's result ends with its duration; the summary's lists have none.
    let Some(open) = rest.iter().rposition(|&b| b == b'(') else { return events };
    let duration = rest[open + 1..].trim_ascii_end();
    let is_duration = duration.strip_suffix(b" ms)").is_some_and(|d| !d.is_empty() && d.iter().all(u8::is_ascii_digit));
    if is_duration {
        events.result = Some((Cow::Borrowed(word), Cow::Borrowed(&b""[..]), class));
        events.duration = stamps::stated(&duration[..duration.len() - 1]);
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        let e = read(b"[ RUN      ] Suite.AlwaysFails");
        assert_eq!(e.test.as_deref(), Some(&b"Suite.AlwaysFails"[..]));
        let e = read(b"[  FAILED  ] Suite.AlwaysFails (12 ms)");
        assert_eq!(e.duration, Some(12_000));
        assert_eq!(e.result.map(|(w, _, c)| (w.into_owned(), c)), Some((b"FAILED".to_vec(), Class::Failed)));
        let e = read(b"[  FAILED  ] Typed/0.Works, where TypeParam = int (0 ms)");
        assert!(e.result.is_some());
        assert_eq!(read(b"Repeating all tests (iteration 12) . . .").iteration.as_deref(), Some(&b"12"[..]));
    }

    #[test]
    fn the_summary_lists_are_not_runs() {
        for line in [
            &b"[  FAILED  ] Suite.AlwaysFails"[..],
            b"[  SKIPPED ] 1 test, listed below:",
            b"[  PASSED  ] 2 tests.",
            b"[==========] 4 tests from 2 test suites ran. (0 ms total)",
        ] {
            assert_eq!(read(line), LineEvents::default(), "{}", String::from_utf8_lossy(line));
        }
    }
}
