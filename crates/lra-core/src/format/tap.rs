//! The Test Anything Protocol (docs/design.md, "The test runners' formats"): a run is a line
//! `ok N - DESCRIPTION` or `not ok N - DESCRIPTION`, at the start of the line (the number and the
//! `-` are optional), maybe with a directive after `#`:
//! - `ok` is passed and `not ok` failed;
//! - `# SKIP reason` (any case, `skip` as a prefix) is skipped, with its reason;
//! - `# TODO reason` marks a test expected to fail: `not ok` is then skipped (word `TODO`),
//!   and `ok` passed.
//!
//! The test is its description, or `#N` when it has none. Indented lines (subtests), plans
//! (`1..4`), diagnostics (`# …`) and `Bail out!` are not runs. TAP has no iteration lines: a
//! test's k-th run in a file counts in iteration `k`.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::class::Class;
use crate::extract::LineEvents;

/// Every run line holds `ok`.
pub(crate) static NEEDLES: LazyLock<[Finder<'static>; 1]> = LazyLock::new(|| [Finder::new(b"ok")]);

/// Whether the line is one only TAP has: a version or a plan at the start.
pub(crate) fn is_telltale(line: &[u8]) -> bool {
    if line.starts_with(b"TAP version ") {
        return true;
    }
    match line.strip_prefix(b"1..") {
        Some(n) => !n.is_empty() && n.iter().take_while(|b| b.is_ascii_digit()).count() > 0,
        None => false,
    }
}

/// Reads one line (its CI prefix and `\r` already gone).
pub(crate) fn read(line: &[u8]) -> LineEvents<'_> {
    let mut events = LineEvents::default();
    let (passed, rest) = if let Some(rest) = line.strip_prefix(b"ok") {
        (true, rest)
    } else if let Some(rest) = line.strip_prefix(b"not ok") {
        (false, rest)
    } else {
        return events;
    };
    if !(rest.is_empty() || rest.starts_with(b" ")) {
        return events;
    }
    let rest = rest.trim_ascii_start();
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let (number, rest) = rest.split_at(digits);
    let (description, directive) = match memchr::memchr(b'#', rest) {
        Some(hash) => (&rest[..hash], Some(rest[hash + 1..].trim_ascii())),
        None => (rest, None),
    };
    let description = description.trim_ascii();
    let description = description.strip_prefix(b"- ").unwrap_or(description).trim_ascii();
    let name: Cow<'_, [u8]> = if !description.is_empty() {
        Cow::Borrowed(description)
    } else if !number.is_empty() {
        Cow::Owned([b"#", number].concat())
    } else {
        return events;
    };
    let (word, class, reason): (&[u8], Class, &[u8]) = match directive {
        Some(d) if d.len() >= 4 && d[..4].eq_ignore_ascii_case(b"skip") => (b"SKIP", Class::Skipped, reason_of(d)),
        Some(d) if d.len() >= 4 && d[..4].eq_ignore_ascii_case(b"todo") && !passed => {
            (b"TODO", Class::Skipped, reason_of(d))
        }
        _ if passed => (b"OK", Class::Passed, b""),
        _ => (b"NOT OK", Class::Failed, b""),
    };
    events.test = Some(name);
    events.result = Some((Cow::Borrowed(word), Cow::Borrowed(reason), class));
    events
}

/// The directive's reason: what follows its first word.
fn reason_of(directive: &[u8]) -> &[u8] {
    let end = directive.iter().position(|b| b.is_ascii_whitespace()).unwrap_or(directive.len());
    directive[end..].trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> Option<(String, String, String, Class)> {
        let e = read(line.as_bytes());
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let (w, d, c) = e.result?;
        Some((s(&e.test?), s(&w), s(&d), c))
    }

    #[test]
    fn run_lines_and_directives() {
        assert_eq!(run("ok 1 - always passes"), Some(("always passes".into(), "OK".into(), "".into(), Class::Passed)));
        assert_eq!(
            run("not ok 2 - always fails"),
            Some(("always fails".into(), "NOT OK".into(), "".into(), Class::Failed))
        );
        assert_eq!(
            run("ok 3 # skip not on this machine"),
            Some(("#3".into(), "SKIP".into(), "not on this machine".into(), Class::Skipped))
        );
        assert_eq!(
            run("not ok 4 - later # TODO not written"),
            Some(("later".into(), "TODO".into(), "not written".into(), Class::Skipped))
        );
        assert_eq!(run("ok 5 - done early # TODO"), Some(("done early".into(), "OK".into(), "".into(), Class::Passed)));
        assert_eq!(run("ok - no number").map(|r| r.0), Some("no number".into()));
    }

    #[test]
    fn other_lines_are_not_runs() {
        for line in [
            "    ok 1 - a subtest",
            "1..4",
            "# Looks like you failed 1 test of 4.",
            "okay then",
            "Bail out! no database",
            "ok",
        ] {
            assert_eq!(read(line.as_bytes()), LineEvents::default(), "{line}");
        }
    }
}
