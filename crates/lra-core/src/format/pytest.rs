//! `pytest -v` output (docs/design.md, "The test runners' formats"): a run is a line
//! `NODEID WORD`, where the node id holds `::` and the word is one of pytest's outcomes,
//! optionally followed by a reason in parentheses and the progress `[ 50%]`:
//! - `PASSED` and `XPASS` (an expected failure that passed) are passed; `FAILED`, `ERROR` and
//!   `RERUN` (pytest-rerunfailures' failed try) are failed; `SKIPPED` and `XFAIL` (a failure that
//!   was expected) are skipped. The raw word is kept.
//! - pytest-repeat's suffix is folded into the name and gives the run's iteration:
//!   `test_a[3-200]` is the test `test_a` in iteration `3`, and `test_b[x-3-200]` is `test_b[x]`.
//! - pytest-xdist writes `[gw0] [ 50%] PASSED NODEID`: that order is a run too.
//! - The lines of the end-of-run summary (`FAILED NODEID - reason`) name tests again, word
//!   first and without a worker: they are not runs.
//!
//! A `SKIPPED` or `XFAIL` run's reason is the text in parentheses; a failure's message is printed
//! in a section of its own, which is not kept.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::class::Class;
use crate::extract::LineEvents;

/// Every node id holds `::`.
pub(crate) static NEEDLES: LazyLock<[Finder<'static>; 1]> = LazyLock::new(|| [Finder::new(b"::")]);

/// Whether the line is one only pytest prints.
pub(crate) fn is_telltale(line: &[u8]) -> bool {
    line.starts_with(b"=") && memchr::memmem::find(line, b" test session starts ").is_some()
}

fn class_of(word: &[u8]) -> Option<Class> {
    Some(match word {
        b"PASSED" | b"XPASS" => Class::Passed,
        b"FAILED" | b"ERROR" | b"RERUN" => Class::Failed,
        b"SKIPPED" | b"XFAIL" => Class::Skipped,
        _ => return None,
    })
}

/// The line's first token and the rest after it.
fn token(line: &[u8]) -> (&[u8], &[u8]) {
    let line = line.trim_ascii_start();
    let end = line.iter().position(|b| b.is_ascii_whitespace()).unwrap_or(line.len());
    (&line[..end], &line[end..])
}

/// Whether pytest-repeat is evidently repeating the session whose head this is: its plugin is
/// listed in the header (`plugins: repeat-0.9.4`) and every result in the head carries a `[K-N]`
/// suffix. An installed plugin alone proves nothing: pytest lists it without `--count` too.
pub(crate) fn repeats(head: &[u8]) -> bool {
    let (mut listed, mut results) = (false, 0u64);
    for line in head.split(|&b| b == b'\n') {
        let line = crate::format::prefix::runner_line(line);
        if let Some(plugins) = line.strip_prefix(b"plugins: ") {
            listed |= plugins.split(|&b| b == b' ').any(|p| p.starts_with(b"repeat-"));
            continue;
        }
        let events = read(&line);
        if events.result.is_some() {
            if events.iteration.is_none() {
                return false;
            }
            results += 1;
        }
    }
    listed && results > 0
}

/// Reads one line (its CI prefix and `\r` already gone).
pub(crate) fn read(line: &[u8]) -> LineEvents<'_> {
    let (first, rest) = token(line);
    let (node, word, detail) = if first.starts_with(b"[gw") && first.ends_with(b"]") {
        // xdist: `[gw0] [ 50%] WORD NODEID`.
        let rest = rest.trim_ascii_start();
        let rest = match rest.strip_prefix(b"[") {
            Some(r) => r.iter().position(|&b| b == b']').map_or(rest, |e| &r[e + 1..]),
            None => rest,
        };
        let (word, rest) = token(rest);
        let (node, _) = token(rest);
        (node, word, &b""[..])
    } else {
        let (word, detail) = token(rest);
        (first, word, detail)
    };
    let mut events = LineEvents::default();
    let Some(class) = class_of(word) else { return events };
    if memchr::memmem::find(node, b"::").is_none() {
        return events;
    }
    let (name, iteration) = fold_repeat(node);
    events.iteration = iteration.map(Cow::Borrowed);
    events.test = Some(name);
    events.result = Some((Cow::Borrowed(word), reason(detail), class));
    events
}

/// The text in parentheses after the word, before the progress.
fn reason(detail: &[u8]) -> Cow<'_, [u8]> {
    let d = detail.trim_ascii();
    match (d.strip_prefix(b"("), d.iter().rposition(|&b| b == b')')) {
        (Some(_), Some(end)) => Cow::Borrowed(&d[1..end]),
        _ => Cow::Borrowed(&b""[..]),
    }
}

/// The node id without pytest-repeat's `[K-N]` (or `-K-N]` after other parameters), and `K`.
pub(crate) fn fold_repeat(node: &[u8]) -> (Cow<'_, [u8]>, Option<&[u8]>) {
    let Some(inner) = node.strip_suffix(b"]") else { return (Cow::Borrowed(node), None) };
    let Some(open) = inner.iter().rposition(|&b| b == b'[') else { return (Cow::Borrowed(node), None) };
    let params = &inner[open + 1..];
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    let mut parts = params.rsplitn(3, |&b| b == b'-');
    let (n, k, before) = (parts.next(), parts.next(), parts.next());
    match (k, n) {
        (Some(k), Some(n)) if digits(k) && digits(n) && parse(k) >= 1 && parse(k) <= parse(n) => {
            let name = match before {
                None => Cow::Borrowed(&node[..open]),
                Some(before) => Cow::Owned([&node[..=open], before, b"]"].concat()),
            };
            (name, Some(k))
        }
        _ => (Cow::Borrowed(node), None),
    }
}

fn parse(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |n, &d| n.saturating_mul(10).saturating_add(u64::from(d - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> Option<(String, Option<String>, String, String, Class)> {
        let e = read(line.as_bytes());
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let (w, d, c) = e.result?;
        Some((s(&e.test?), e.iteration.map(|i| s(&i)), s(&w), s(&d), c))
    }

    #[test]
    fn run_lines_with_their_outcome_and_repeat() {
        assert_eq!(
            run("test_suite.py::test_flaky[3-6] FAILED                                    [ 87%]"),
            Some(("test_suite.py::test_flaky".into(), Some("3".into()), "FAILED".into(), "".into(), Class::Failed))
        );
        assert_eq!(
            run("test_suite.py::test_skipped[1-6] SKIPPED (not on this machine)           [ 54%]"),
            Some((
                "test_suite.py::test_skipped".into(),
                Some("1".into()),
                "SKIPPED".into(),
                "not on this machine".into(),
                Class::Skipped
            ))
        );
        assert_eq!(
            run("t.py::test_x[a-2-5] XFAIL").map(|r| (r.0, r.1, r.4)),
            Some(("t.py::test_x[a]".into(), Some("2".into()), Class::Skipped))
        );
        assert_eq!(run("t.py::C::test_y PASSED").map(|r| (r.0, r.1)), Some(("t.py::C::test_y".into(), None)));
        assert_eq!(run("t.py::test_z[1-2-3x] PASSED").map(|r| r.0), Some("t.py::test_z[1-2-3x]".into()));
        assert_eq!(
            run("[gw1] [ 50%] RERUN t.py::test_a").map(|r| (r.0, r.4)),
            Some(("t.py::test_a".into(), Class::Failed))
        );
    }

    #[test]
    fn summary_and_other_lines_are_not_runs() {
        for line in [
            "FAILED test_suite.py::test_flaky[3-6] - AssertionError: run 3 fails",
            "collecting ... collected 24 items",
            "test_suite.py:26: AssertionError",
            "E       assert (3 % 3) != 0",
        ] {
            assert_eq!(read(line.as_bytes()), LineEvents::default(), "{line}");
        }
    }
}
