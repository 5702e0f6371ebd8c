//! Rust's libtest output, as `cargo test` prints it (docs/design.md, "The test runners' formats"):
//! a run is a line `test NAME ... ok`, `... FAILED` or `... ignored` (`ignored, REASON`), at the
//! start of the line. The lists of failures and the `test result:` line are not runs, and
//! neither are the indented lines of captured output that cargo-nextest shows.
//!
//! libtest has no iteration lines: a test's k-th run in a file counts in iteration `k`. A
//! failure's message is printed in a section of its own, which is not kept.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::class::Class;
use crate::extract::LineEvents;

/// Every run line holds ` ... `.
pub(crate) static NEEDLES: LazyLock<[Finder<'static>; 1]> = LazyLock::new(|| [Finder::new(b" ... ")]);

/// Whether the line is one only libtest prints.
pub(crate) fn is_telltale(line: &[u8]) -> bool {
    line.strip_prefix(b"running ").is_some_and(|rest| rest.ends_with(b" tests") || rest.ends_with(b" test"))
}

/// Reads one line (its CI prefix and `\r` already gone).
pub(crate) fn read(line: &[u8]) -> LineEvents<'_> {
    let mut events = LineEvents::default();
    let Some(rest) = line.strip_prefix(b"test ") else { return events };
    let Some(at) = memchr::memmem::rfind(rest, b" ... ") else { return events };
    let (name, outcome) = (&rest[..at], &rest[at + 5..]);
    let (word, class, reason): (&[u8], Class, &[u8]) = match outcome {
        b"ok" => (b"OK", Class::Passed, b""),
        b"FAILED" => (b"FAILED", Class::Failed, b""),
        b"ignored" => (b"IGNORED", Class::Skipped, b""),
        _ => match outcome.strip_prefix(b"ignored, ") {
            Some(reason) => (b"IGNORED", Class::Skipped, reason),
            None => return events,
        },
    };
    if name.is_empty() {
        return events;
    }
    events.test = Some(Cow::Borrowed(name));
    events.result = Some((Cow::Borrowed(word), Cow::Borrowed(reason), class));
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_lines() {
        let e = read(b"test tests::skipped ... ignored, not on this machine");
        assert_eq!(e.test.as_deref(), Some(&b"tests::skipped"[..]));
        let (w, d, c) = e.result.unwrap();
        assert_eq!((&*w, &*d, c), (&b"IGNORED"[..], &b"not on this machine"[..], Class::Skipped));
        let e = read(b"test src/lib.rs - f (line 3) ... FAILED");
        assert_eq!(e.test.as_deref(), Some(&b"src/lib.rs - f (line 3)"[..]));
    }

    #[test]
    fn other_lines_are_not_runs() {
        for line in [
            &b"test result: FAILED. 2 passed; 1 failed; 1 ignored"[..],
            b"    test tests::a ... FAILED",
            b"test bench ... bench:  10 ns/iter (+/- 1)",
            b"failures:",
            b"    tests::always_fails",
        ] {
            assert_eq!(read(line), LineEvents::default(), "{}", String::from_utf8_lossy(line));
        }
    }
}
