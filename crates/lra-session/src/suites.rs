//! Suites: tests whose names have a hierarchy, grouped into a tree with rolled-up counts. The
//! page walks it one level at a time (`Request::Suites { path }`), so that a million tests are
//! never one tree on the page.
//!
//! Where a name is cut follows the format its logs were read in (docs/design.md, "Suites"):
//! `::` for pytest, libtest and nextest (and `/` in pytest's file path, a space after nextest's
//! binary), `.` once between a GoogleTest suite and its test, `.` in JUnit's dotted class names,
//! `/` for go's subtests and for paths. A `.` is never a cut in the other formats, so that
//! `test_foo.py` stays one part.

use std::collections::HashMap;

use lra_core::{Counts, LogFormat, Summary};
use lra_protocol::{SuiteLevel, SuiteRow};

/// A level lists at most this many suites and tests, as a page of the tests table does: the
/// browser lays out 200 rows in one frame of ~40 ms on these machines, too near a frozen page,
/// and 100 of them with the files table's 50 took up to 41 ms (`benches/page-tasks.mjs`).
const LEVEL_ROWS: usize = 50;

/// Names are cut into at most this many parts; the last holds the rest.
pub(crate) const MAX_DEPTH: usize = 6;

/// How names are cut.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Cut {
    /// `/` and `::`: the markers format, TAP, and summaries of mixed formats.
    Paths,
    /// `/` in the suite, one `.` before the test (`Prefix/Suite.Test/0`).
    GoogleTest,
    /// `/` in the file path, `::` after it.
    Pytest,
    /// `::`, after the binary's name and a space for nextest.
    Rust,
    /// `.` between the packages and classes, then the test.
    Junit,
    /// `/` between a test and its subtests.
    Go,
}

impl Cut {
    /// The cut for a summary: its files' format if they share one, else paths.
    pub(crate) fn of(s: &Summary) -> Cut {
        let mut formats = s.files.iter().map(|f| f.format);
        let first = formats.next().unwrap_or_default();
        if formats.any(|f| f != first) {
            return Cut::Paths;
        }
        match first {
            LogFormat::Markers | LogFormat::Tap => Cut::Paths,
            LogFormat::GoogleTest => Cut::GoogleTest,
            LogFormat::Pytest => Cut::Pytest,
            LogFormat::Libtest | LogFormat::Nextest => Cut::Rust,
            LogFormat::Junit => Cut::Junit,
            LogFormat::Go | LogFormat::GoJson => Cut::Go,
        }
    }

    /// The parts of `name`, at most [`MAX_DEPTH`].
    pub(crate) fn parts(self, name: &str) -> Vec<&str> {
        let mut parts: Vec<&str> = match self {
            // `a/b/c.py::Class::test[x/y]`: `/` only before the first `::`, and nothing inside
            // brackets (pytest's parameters) is cut.
            Cut::Paths | Cut::Pytest => {
                let mut pieces = split_outside_brackets(name, "::");
                let mut parts = split_outside_brackets(pieces.remove(0), "/");
                parts.extend(pieces);
                parts
            }
            Cut::GoogleTest => match name.split_once('.') {
                Some((suite, test)) => suite.split('/').chain([test]).collect(),
                None => vec![name],
            },
            Cut::Rust => match name.split_once(' ') {
                Some((binary, path)) if !binary.contains("::") => {
                    std::iter::once(binary).chain(split_outside_brackets(path, "::")).collect()
                }
                _ => split_outside_brackets(name, "::"),
            },
            Cut::Junit => split_outside_brackets(name, "."),
            Cut::Go => name.split('/').collect(),
        };
        parts.retain(|p| !p.is_empty());
        if parts.is_empty() {
            parts.push(name);
        }
        if parts.len() > MAX_DEPTH {
            // The last part is the rest of the name, from the part it starts with.
            let start = parts[MAX_DEPTH - 1].as_ptr() as usize - name.as_ptr() as usize;
            parts.truncate(MAX_DEPTH - 1);
            parts.push(&name[start..]);
        }
        parts
    }
}

/// `text` split at `sep`, except inside `[…]`.
fn split_outside_brackets<'a>(text: &'a str, sep: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut i) = (0usize, 0, 0);
    let bytes = text.as_bytes();
    while i < bytes.len() {
        match bytes[i] {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            // Bytes, not `text[i..]`: `i` may be inside a character of several bytes.
            _ if depth == 0 && bytes[i..].starts_with(sep.as_bytes()) => {
                out.push(&text[start..i]);
                i += sep.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&text[start..]);
    out
}

/// The children of the suite at `path` (empty: the top), the most failures first.
pub(crate) fn level(s: &Summary, path: &[String]) -> SuiteLevel {
    let cut = Cut::of(s);
    // name → (row, order of first appearance)
    let mut children: HashMap<&str, (SuiteRow, usize)> = HashMap::new();
    let mut tests_below = 0u64;
    for t in s.tests() {
        let parts = cut.parts(&t.name);
        if parts.len() <= path.len() || parts.iter().zip(path).any(|(a, b)| *a != b) {
            continue;
        }
        tests_below += 1;
        let name = parts[path.len()];
        let leaf = parts.len() == path.len() + 1;
        let order = children.len();
        let (row, _) = children.entry(name).or_insert_with(|| {
            (SuiteRow { name: name.to_owned(), test: None, tests: 0, counts: Counts::default(), flaky: 0 }, order)
        });
        row.tests += 1;
        row.counts.add_all(&t.counts);
        row.flaky += u64::from(t.flaky());
        if leaf {
            row.test = Some(t.name.to_string());
        }
    }
    let mut rows: Vec<(SuiteRow, usize)> = children.into_values().collect();
    rows.sort_by(|(a, ia), (b, ib)| {
        (b.counts.failed, b.counts.missing, b.flaky).cmp(&(a.counts.failed, a.counts.missing, a.flaky)).then(ia.cmp(ib))
    });
    let total = rows.len() as u64;
    SuiteLevel {
        path: path.to_vec(),
        tests: tests_below,
        total,
        rows: rows.into_iter().take(LEVEL_ROWS).map(|(r, _)| r).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cut_as_their_format_writes_them() {
        let cases: [(Cut, &str, &[&str]); 14] = [
            (Cut::Paths, "suite17/case_123", &["suite17", "case_123"]),
            (Cut::Paths, "test_foo.py", &["test_foo.py"]),
            (Cut::Paths, "Apples Test", &["Apples Test"]),
            (
                Cut::Pytest,
                "tests/unit/test_a.py::TestX::test_y[1/2]",
                &["tests", "unit", "test_a.py", "TestX", "test_y[1/2]"],
            ),
            (Cut::Pytest, "test_a.py::test_b[a::b]", &["test_a.py", "test_b[a::b]"]),
            (Cut::GoogleTest, "Flaky.EveryThirdRunFails", &["Flaky", "EveryThirdRunFails"]),
            (Cut::GoogleTest, "Inst/Param.Works/0", &["Inst", "Param", "Works/0"]),
            (Cut::Rust, "tests::always_fails", &["tests", "always_fails"]),
            (Cut::Rust, "suite tests::always_fails", &["suite", "tests", "always_fails"]),
            (Cut::Junit, "tests.test_suite.TestFoo.test_x", &["tests", "test_suite", "TestFoo", "test_x"]),
            (Cut::Go, "TestGroup/first", &["TestGroup", "first"]),
            (Cut::Go, "a/b/c/d/e/f/g/h", &["a", "b", "c", "d", "e", "f/g/h"]),
            // Characters of several bytes, before and between the cuts.
            (Cut::Paths, "ünï/cödé::é", &["ünï", "cödé", "é"]),
            (Cut::Rust, "abc\u{202e}fed::x", &["abc\u{202e}fed", "x"]),
        ];
        for (cut, name, parts) in cases {
            assert_eq!(cut.parts(name), parts, "{cut:?} {name}");
        }
    }
}
