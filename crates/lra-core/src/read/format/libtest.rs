//! Rust's libtest output, as `cargo test` prints it (docs/design.md, "The test runners' formats"):
//! a run is a line `test NAME ... ok`, `... FAILED` or `... ignored` (`ignored, REASON`), at the
//! start of the line; with `--nocapture` the word may come later (see [`read`]). The lists of failures and the `test result:` line are not runs, and
//! neither are the indented lines of captured output that cargo-nextest shows.
//!
//! libtest has no iteration lines: a test's k-th run in a file counts in iteration `k`. A
//! failure's message is printed in a section of its own, which is not kept.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::model::class::Class;
use crate::read::extract::LineEvents;

/// Every run line holds ` ... `; with `--nocapture` a result may stand alone on a later line,
/// and holds its word.
pub(crate) const NEEDLES: [&[u8]; 4] = [b" ... ", b"ok", b"FAILED", b"ignored"];

/// Finds ` ... ` in a run line, set up once: a search set up per line costs more than the search.
static SEPARATOR: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b" ... "));

/// Whether the line is one only libtest prints.
pub(crate) fn is_telltale(line: &[u8]) -> bool {
    line.strip_prefix(b"running ").is_some_and(|rest| rest.ends_with(b" tests") || rest.ends_with(b" test"))
}

/// An outcome as libtest prints it: its word, class and reason.
type Outcome<'l> = (&'static [u8], Class, &'l [u8]);

/// The outcome `text` is, exactly.
fn outcome(text: &[u8]) -> Option<Outcome<'_>> {
    Some(match text {
        b"ok" => (b"OK", Class::Passed, b""),
        b"FAILED" => (b"FAILED", Class::Failed, b""),
        b"ignored" => (b"IGNORED", Class::Skipped, b""),
        _ => (b"IGNORED", Class::Skipped, text.strip_prefix(b"ignored, ")?),
    })
}

/// The outcome `text` ends with, after a test's own output that did not end its line
/// (`test a ... helloFAILED`): libtest prints the word right after it.
fn glued_outcome(text: &[u8]) -> Option<Outcome<'_>> {
    if text.ends_with(b"FAILED") {
        Some((b"FAILED", Class::Failed, b""))
    } else if text.ends_with(b"ok") {
        Some((b"OK", Class::Passed, b""))
    } else {
        None
    }
}

/// Reads one line (its CI prefix and `\r` already gone).
///
/// With `--nocapture` (`cargo test -- --nocapture`) libtest prints `test NAME ... ` before the
/// test runs and its word after the test's own output: on a line of its own when the output
/// ended its line, else right after it. So `test NAME ... ` with no word opens the test, a line
/// that is only a word closes it, and a word at the end of the `test NAME ... ` line closes it
/// too. (A line that is only a word with no test open is an orphan, never a run.)
pub(crate) fn read(line: &[u8]) -> LineEvents<'_> {
    let mut events = LineEvents::default();
    let Some(rest) = line.strip_prefix(b"test ") else {
        if let Some((word, class, reason)) = outcome(line.trim_ascii_end()) {
            events.result = Some((Cow::Borrowed(word), Cow::Borrowed(reason), class));
        }
        return events;
    };
    // The first ` ... `: what follows may be the test's own output.
    let Some(at) = SEPARATOR.find(rest) else { return events };
    let (name, after) = (&rest[..at], &rest[at + 5..]);
    if name.is_empty() {
        return events;
    }
    let outcome = outcome(after).or_else(|| glued_outcome(after));
    if after.starts_with(b"bench:") {
        // A benchmark's figures (`cargo bench`), not a test's run.
        return events;
    }
    events.test = Some(Cow::Borrowed(name));
    if let Some((word, class, reason)) = outcome {
        events.result = Some((Cow::Borrowed(word), Cow::Borrowed(reason), class));
    }
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

    fn read_all(lines: &[&str]) -> Vec<(Option<String>, Option<String>)> {
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        lines.iter().map(|l| read(l.as_bytes())).map(|e| (e.test.map(|t| s(&t)), e.result.map(|r| s(&r.0)))).collect()
    }

    #[test]
    fn with_nocapture_the_word_follows_the_tests_own_output() {
        // `cargo test -- --nocapture --test-threads=1`: the start, the test's output, the word.
        let t = |n: &str| Some(n.to_owned());
        assert_eq!(
            read_all(&["test tests::a ... ", "thread 'tests::a' panicked at src/lib.rs:14:9:", "FAILED"]),
            [(t("tests::a"), None), (None, None), (None, t("FAILED"))]
        );
        // Output that did not end its line: the word follows it on the same line.
        assert_eq!(read_all(&["test tests::b ... no line endok"]), [(t("tests::b"), t("OK"))]);
        assert_eq!(read_all(&["test tests::c ... some text FAILED"]), [(t("tests::c"), t("FAILED"))]);
        // Output with spaces before the word's own line opens the test all the same.
        assert_eq!(read_all(&["test tests::d ... printing, then", "ok"]), [(t("tests::d"), None), (None, t("OK"))]);
        assert_eq!(read_all(&["ignored, not here"]), [(None, t("IGNORED"))]);
    }

    #[test]
    fn other_lines_are_not_runs() {
        for line in [
            &b"test result: FAILED. 2 passed; 1 failed; 1 ignored"[..],
            b"    test tests::a ... FAILED",
            b"test bench ... bench:  10 ns/iter (+/- 1)",
            b"failures:",
            b"    tests::always_fails",
            b"okay",
            b"    ok",
        ] {
            assert_eq!(read(line), LineEvents::default(), "{}", String::from_utf8_lossy(line));
        }
    }
}
