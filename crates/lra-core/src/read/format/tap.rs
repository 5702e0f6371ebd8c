//! The Test Anything Protocol (docs/design.md, "The test runners' formats"), read in order, since
//! a point's number, its subtest's name and whether it counts at all depend on the lines before:
//! - a run is a test point, `ok N - DESCRIPTION` or `not ok N - DESCRIPTION` (the number and the
//!   `-` are optional), maybe with a directive after the first unescaped `#`: `ok` is passed and
//!   `not ok` failed; `# SKIP reason` (any case, `skip` as a prefix) is skipped, with its reason;
//!   `# TODO reason` on a `not ok` is skipped (word `TODO`, an expected failure), and on an `ok`
//!   passed. `\#` and `\\` in a description are `#` and `\` (TAP 14, "Escaping").
//! - A point without a number is numbered by the count of points before it in its stream, plus
//!   one; one without a description is named by its number, `#N`.
//! - The directive's `#` is the first unescaped one that white space precedes (TAP 14).
//! - A stream starts at the file's start, at `TAP version`, and at prove's `NAME .. ` line (prove
//!   -v prints one before each script's TAP); nothing counts after `Bail out!` until the next
//!   (or, as a script run again without prove prints no header, until a plan or a point `1`),
//!   nor after a skip-all plan `1..0` (before any point) until the next or another plan.
//! - Once a plan `1..N` has its N points, a bare `ok` (`ok   12 ms …` with `--timer`) is prove's
//!   verdict on the script, not a run.
//! - Subtests, indented by 4 spaces a level (TAP 14, Test::More, node's test runner), are tests
//!   of their own, named `parent/child` as go's are: the parent's name is its `# Subtest: NAME`
//!   comment's, or `#N` (the number its point will have) without one. The parent's own point,
//!   which follows, is a run too.
//!   node-tap's older shapes are read too: a `# Subtest: NAME` indented as its subtest's points,
//!   and a buffered subtest, `ok 1 - NAME {`, its points indented after it, up to a `}`.
//! - YAML blocks (`  ---` to `  ...` after a point), plans, comments and anything else are not
//!   runs.
//!
//! TAP has no iteration lines: a test's k-th run in a file counts in iteration `k`.

use std::borrow::Cow;
use std::io::Write as _;

use crate::base::location::LineStart;
use crate::model::class::Class;
use crate::read::format::OrderedReader;
use crate::read::partial::{Partial, RunEnded};

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

/// Subtests nested deeper than this are not read: a line of a million spaces before an `ok`
/// would otherwise open a quarter of a million levels.
const MAX_DEPTH: usize = 64;

/// A stream's top level, or a subtest open in it.
#[derive(Debug)]
struct Level {
    /// Test points read at this level so far.
    count: u64,
    /// Its plan's count, once read.
    plan: Option<u64>,
    /// Where the names of this level's parents (each followed by `/`) end in
    /// [`TapReader::prefix`].
    prefix_end: usize,
}

impl Level {
    const TOP: Level = Level { count: 0, plan: None, prefix_end: 0 };
}

/// The state of the stream being read.
#[derive(Debug)]
pub(crate) struct TapReader {
    /// The top level, then each subtest open, outermost first: never empty.
    levels: Vec<Level>,
    /// The open subtests' names, each followed by `/`.
    prefix: Vec<u8>,
    /// `Bail out!` was read in this stream.
    stopped: bool,
    /// The stream's plan is `1..0` (skip all), read before any point: no point after it counts,
    /// until another plan.
    skipped_all: bool,
    /// The indentation of the last line, if it was a test point (a YAML block may follow).
    point_indent: Option<usize>,
    /// The indentation of the open YAML block's `---`.
    yaml: Option<usize>,
    /// A name being built, kept to reuse its allocation.
    name: Vec<u8>,
}

impl Default for TapReader {
    fn default() -> TapReader {
        TapReader {
            levels: vec![Level::TOP],
            prefix: Vec::new(),
            stopped: false,
            skipped_all: false,
            point_indent: None,
            yaml: None,
            name: Vec::new(),
        }
    }
}

impl OrderedReader for TapReader {
    fn line(&mut self, line: &[u8], n: LineStart, state: &mut Partial) {
        TapReader::line(self, line, n, state);
    }

    fn end(&mut self, _: &mut Partial) {}
}

impl TapReader {
    /// Reads line `n` (its CI prefix and `\r` already gone).
    pub(crate) fn line(&mut self, line: &[u8], n: LineStart, state: &mut Partial) {
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let body = &line[indent..];
        let point_indent = self.point_indent.take();
        if let Some(yaml) = self.yaml {
            // A YAML block's lines are indented at least as its `---`, blank lines aside.
            if body.is_empty() || indent >= yaml {
                if indent == yaml && body.trim_ascii_end() == b"..." {
                    self.yaml = None;
                }
                return;
            }
            self.yaml = None;
        }
        if point_indent.is_some_and(|p| indent == p + 2) && body.trim_ascii_end() == b"---" {
            self.yaml = Some(indent);
            return;
        }
        if !indent.is_multiple_of(4) {
            return;
        }
        let depth = indent / 4;
        if depth > MAX_DEPTH {
            return;
        }
        let is_point = body.starts_with(b"ok") || body.starts_with(b"not ok");
        if depth == 0 && !is_point && (is_version(body) || is_prove_header(body)) {
            return self.restart();
        }
        if self.stopped {
            // Scripts run one after another without prove (`perl t.t; perl t.t`) print no
            // header: the next one's plan or first point, numbered 1, starts its stream.
            let first =
                depth == 0 && (plan(body).is_some() || (is_point && point(body).is_some_and(|p| p.number == b"1")));
            if !first {
                return;
            }
            self.restart();
        }
        if is_point {
            if !self.skipped_all
                && let Some(point) = point(body)
            {
                self.point_indent = Some(indent);
                self.point(depth, point, n, state);
            }
        } else if let Some(count) = plan(body) {
            self.open_to(depth);
            self.levels[depth].plan = Some(count);
            // `1..0`: the script skipped all its tests; points after it are not its runs.
            if depth == 0 {
                self.skipped_all = count == 0 && self.levels[0].count == 0;
            }
        } else if let Some(name) = body.strip_prefix(b"# Subtest") {
            let name = name.strip_prefix(b":").unwrap_or(name).trim_ascii();
            self.open_subtest(depth, name);
        } else if body.len() >= 9 && body[..9].eq_ignore_ascii_case(b"bail out!") {
            self.stopped = true;
        } else if body.trim_ascii_end() == b"}" {
            // The end of a buffered subtest (`ok 1 - name {`).
            self.open_to(depth);
        }
    }

    /// A new stream starts.
    fn restart(&mut self) {
        self.levels.truncate(1);
        self.levels[0] = Level::TOP;
        self.prefix.clear();
        self.stopped = false;
        self.skipped_all = false;
    }

    /// Makes `depth` the deepest level: the subtests below it have ended, and the ones down to
    /// it have started, named by the numbers their points will have if no comment named them.
    fn open_to(&mut self, depth: usize) {
        if self.levels.len() > depth + 1 {
            self.levels.truncate(depth + 1);
            self.prefix.truncate(self.levels[depth].prefix_end);
        }
        while self.levels.len() <= depth {
            let number = self.levels.last().map_or(0, |l| l.count) + 1;
            self.name.clear();
            let _ = write!(self.name, "#{number}");
            let name = std::mem::take(&mut self.name);
            self.push_level(&name);
            self.name = name;
        }
    }

    /// `# Subtest: NAME` at `depth`: a subtest of that level starts (named by its point's
    /// number-to-be when the comment gives no name).
    fn open_subtest(&mut self, depth: usize, name: &[u8]) {
        if depth > 0 && self.levels.len() <= depth {
            // Indented as the subtest's own points (node-tap before TAP 14): it names the level
            // at `depth`, which no point has opened yet.
            self.open_to(depth - 1);
            return self.push_level(name);
        }
        self.open_to(depth);
        if name.is_empty() {
            self.open_to(depth + 1);
        } else {
            self.push_level(name);
        }
    }

    fn push_level(&mut self, name: &[u8]) {
        let parent = self.levels.last().map_or(0, |l| l.prefix_end);
        self.prefix.truncate(parent);
        self.prefix.extend_from_slice(name);
        self.prefix.push(b'/');
        self.levels.push(Level { count: 0, plan: None, prefix_end: self.prefix.len() });
    }

    /// A test point at `depth`, on line `n`.
    fn point(&mut self, depth: usize, point: Point<'_>, n: LineStart, state: &mut Partial) {
        self.open_to(depth);
        let level = &mut self.levels[depth];
        if depth == 0 && point.verdict && level.plan.is_some_and(|planned| level.count >= planned) {
            return;
        }
        level.count += 1;
        let prefix = &self.prefix[..level.prefix_end];
        let name: Cow<'_, [u8]> = if prefix.is_empty() && !point.description.is_empty() && !point.escaped {
            Cow::Borrowed(point.description)
        } else {
            self.name.clear();
            self.name.extend_from_slice(prefix);
            if !point.description.is_empty() {
                unescape_into(point.description, &mut self.name);
            } else if !point.number.is_empty() {
                self.name.push(b'#');
                self.name.extend_from_slice(point.number);
            } else {
                let _ = write!(self.name, "#{}", level.count);
            }
            Cow::Borrowed(&self.name)
        };
        let reason = match point.reason {
            r if r.contains(&b'\\') => Cow::Owned(unescaped(r)),
            r => Cow::Borrowed(r),
        };
        state.run(&name, None, RunEnded { word: point.word, detail: &reason, class: point.class, duration: None }, n);
        if point.opens {
            // A buffered subtest (node-tap): its points follow, indented, up to a `}`.
            let count = self.levels[depth].count;
            let mut name = std::mem::take(&mut self.name);
            name.clear();
            match point.description {
                b"" => {
                    let _ = write!(name, "#{count}");
                }
                d => unescape_into(d, &mut name),
            }
            self.push_level(&name);
            self.name = name;
        }
    }
}

/// A test point's parts.
#[derive(Debug, PartialEq)]
struct Point<'a> {
    /// The number as written (empty when there is none).
    number: &'a [u8],
    /// The description, still escaped, without the `- ` before it (empty when there is none).
    description: &'a [u8],
    /// The description holds a `\`.
    escaped: bool,
    word: &'static [u8],
    /// A directive's reason, still escaped.
    reason: &'a [u8],
    class: Class,
    /// A bare `ok`, maybe with prove's `--timer` time after it: what prove prints for a script
    /// all of whose tests passed.
    verdict: bool,
    /// It ends in ` {`: a buffered subtest's points follow.
    opens: bool,
}

/// Reads a line (at its indentation) that starts with `ok` or `not ok`.
fn point(line: &[u8]) -> Option<Point<'_>> {
    let (passed, rest) = match line.strip_prefix(b"ok") {
        Some(rest) => (true, rest),
        None => (false, line.strip_prefix(b"not ok")?),
    };
    if !(rest.is_empty() || rest.starts_with(b" ")) {
        return None;
    }
    let rest = rest.trim_ascii();
    let verdict = passed && (rest.is_empty() || is_timer(rest));
    let mut digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if !rest.get(digits).is_none_or(u8::is_ascii_whitespace) {
        // `ok 1st try`: no number, a description.
        digits = 0;
    }
    let (number, rest) = rest.split_at(digits);
    let (description, directive) = match directive_at(rest) {
        Some(hash) => (&rest[..hash], Some(rest[hash + 1..].trim_ascii())),
        None => (rest, None),
    };
    let description = description.trim_ascii();
    let description = description.strip_prefix(b"- ").unwrap_or(description).trim_ascii();
    let description = if description == b"-" { &b""[..] } else { description };
    // node-tap's buffered subtest: `ok 1 - name {`, its points after it.
    let (description, opens) = match description.strip_suffix(b"{") {
        Some(d) if d.is_empty() || d.ends_with(b" ") => (d.trim_ascii_end(), true),
        _ => (description, false),
    };
    let (word, class, reason): (&[u8], Class, &[u8]) = match directive {
        Some(d) if d.len() >= 4 && d[..4].eq_ignore_ascii_case(b"skip") => (b"SKIP", Class::Skipped, reason_of(d)),
        Some(d) if d.len() >= 4 && d[..4].eq_ignore_ascii_case(b"todo") && !passed => {
            (b"TODO", Class::Skipped, reason_of(d))
        }
        _ if passed => (b"OK", Class::Passed, b""),
        _ => (b"NOT OK", Class::Failed, b""),
    };
    let escaped = description.contains(&b'\\');
    Some(Point { number, description, escaped, word, reason, class, verdict, opens })
}

/// Where the directive's `#` is in `text` (what follows a point's number, or its `ok`): the
/// first that no `\` escapes (a `\\` is an escaped `\`) and that white space or an escaped `\`
/// precedes (TAP 14, "Directive" and "Escaping": `hello \\# todo` is a todo; a `#` in a word, as
/// in a URL's `page.html#skip`, is the description's).
fn directive_at(text: &[u8]) -> Option<usize> {
    let mut at = 0;
    // Where the last `\\` ended.
    let mut after_escape = usize::MAX;
    while let Some(i) = memchr::memchr2(b'#', b'\\', &text[at..]) {
        let i = at + i;
        if text[i] == b'#' {
            if i == 0 || i == after_escape || text[i - 1].is_ascii_whitespace() {
                return Some(i);
            }
            at = i + 1;
            continue;
        }
        if text.get(i + 1) == Some(&b'\\') {
            after_escape = i + 2;
        }
        at = i + 2;
        if at >= text.len() {
            return None;
        }
    }
    None
}

/// Appends `text` with `\#` and `\\` unescaped (TAP 14: a `\` before anything else is itself).
fn unescape_into(text: &[u8], out: &mut Vec<u8>) {
    let mut bytes = text.iter().copied();
    while let Some(b) = bytes.next() {
        if b == b'\\' {
            match bytes.clone().next() {
                Some(next @ (b'\\' | b'#')) => {
                    bytes.next();
                    out.push(next);
                }
                _ => out.push(b),
            }
        } else {
            out.push(b);
        }
    }
}

fn unescaped(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    unescape_into(text, &mut out);
    out
}

/// Whether `rest` (after a bare `ok`) is prove's `--timer` time: `12 ms` and maybe more.
fn is_timer(rest: &[u8]) -> bool {
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && rest[digits..].trim_ascii_start().starts_with(b"ms") && {
        let after = &rest[digits..].trim_ascii_start()[2..];
        after.is_empty() || after.starts_with(b" ")
    }
}

/// The directive's reason: what follows its first word.
fn reason_of(directive: &[u8]) -> &[u8] {
    let end = directive.iter().position(|b| b.is_ascii_whitespace()).unwrap_or(directive.len());
    directive[end..].trim_ascii()
}

/// A plan, `1..N` (maybe with a `# reason`): its count.
fn plan(line: &[u8]) -> Option<u64> {
    let rest = line.strip_prefix(b"1..")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || !(rest.len() == digits || rest[digits].is_ascii_whitespace()) {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

/// `TAP version N` (any case, as tap-parser reads it).
fn is_version(line: &[u8]) -> bool {
    line.len() > 12 && line[..12].eq_ignore_ascii_case(b"TAP version ")
}

/// prove's line before a script's TAP: `NAME .. ` (dots pad names to one width), maybe after
/// `--timer`'s `[10:00:00] `.
fn is_prove_header(line: &[u8]) -> bool {
    let line = line.trim_ascii_end();
    if !line.ends_with(b"..") {
        return false;
    }
    let Some(space) = memchr::memrchr(b' ', line) else { return false };
    let name = line[..space].trim_ascii_end();
    let name = match name.strip_prefix(b"[") {
        Some(timed) => match memchr::memchr(b']', timed) {
            Some(end) => timed[end + 1..].trim_ascii_start(),
            None => name,
        },
        None => name,
    };
    // A script's path, in one word: a test's own output ending in `...` is not a header.
    line[space + 1..].iter().all(|&b| b == b'.')
        && !name.is_empty()
        && !name.starts_with(b"#")
        && !name.iter().any(u8::is_ascii_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::options::Options;
    use crate::model::summary::Summary;
    use crate::read::parser::FileParser;

    fn run(line: &str) -> Option<(String, String, String, Class)> {
        let p = point(line.as_bytes())?;
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let name = match p.description {
            b"" => format!("#{}", s(p.number)),
            d => s(&unescaped(d)),
        };
        Some((name, s(p.word), s(&unescaped(p.reason)), p.class))
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
        assert_eq!(run("okay then"), None);
    }

    /// TAP 14, "Escaping": `\#` is no directive's delimiter; `\#` and `\\` are unescaped.
    #[test]
    fn escaped_hash_is_no_directive() {
        assert_eq!(run(r"ok 2 - name \# SKIP"), Some(("name # SKIP".into(), "OK".into(), "".into(), Class::Passed)));
        assert_eq!(run(r"ok 5 - hello \\# todo hash \# character").map(|r| r.0), Some(r"hello \".into()));
        assert_eq!(
            run(r"not ok 5 - hello \\# todo hash \# character").map(|r| (r.0, r.2, r.3)),
            Some((r"hello \".into(), "hash # character".into(), Class::Skipped))
        );
        assert_eq!(
            run(r"ok 8 - hello \\\\\\\# todo").map(|r| (r.0, r.3)),
            Some((r"hello \\\# todo".into(), Class::Passed))
        );
        assert_eq!(run(r"ok 9 - a \n b").map(|r| r.0), Some(r"a \n b".into()), "other escapes are kept");
    }

    fn parse(log: &str) -> Summary {
        let options = Options { format: Some(crate::LogFormat::Tap), ..Options::default() };
        let mut p = FileParser::new("t.tap", options);
        p.feed(log.as_bytes());
        p.finish()
    }

    /// Each test's name and its runs' words, in the order the tests were first seen.
    fn runs(log: &str) -> Vec<(String, Vec<String>)> {
        let s = parse(log);
        s.tests().iter().map(|t| (t.name.to_string(), t.results.iter().map(|(w, _)| w.to_string()).collect())).collect()
    }

    fn names(log: &str) -> Vec<String> {
        runs(log).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn bare_points_are_numbered_by_their_count() {
        assert_eq!(
            runs("1..5\nnot ok\nok\nnot ok\nok\nok\n"),
            [("#1", ["NOT OK"]), ("#2", ["OK"]), ("#3", ["NOT OK"]), ("#4", ["OK"]), ("#5", ["OK"])]
                .map(|(n, w)| (n.to_string(), w.map(String::from).to_vec()))
        );
        // A numbered point counts too, whatever its number.
        assert_eq!(names("ok 7 - a\nok\n"), ["a", "#2"]);
    }

    #[test]
    fn a_stream_restarts_at_a_version_or_a_prove_header() {
        let log = "a.t .. \n1..2\nok\nok\nok\nb.t .. \nok\nTAP version 14\nok\n[10:00:07] c.t .... \nok\n";
        // In each stream the bare point is #1; a.t's third `ok` is prove's verdict.
        let s = parse(log);
        assert_eq!(s.tests().len(), 2, "{:?}", names(log));
        assert_eq!(names(log), ["#1", "#2"]);
        assert_eq!(s.tests()[0].results.iter().map(|r| r.1).sum::<u64>(), 4);
    }

    #[test]
    fn nothing_counts_after_bail_out() {
        assert_eq!(names("ok 1 - a\nBail out! no database\nok 2 - b\nnot ok 3 - c\n"), ["a"]);
        assert_eq!(names("ok 1 - a\nbail out!\nok 2 - b\nTAP version 13\nok 1 - c\n"), ["a", "c"]);
        assert_eq!(names("ok 1 - a\n    Bail out!\nok 2 - b\n"), ["a"], "a subtest's bail out stops all");
        // The next script's plan or first point starts a stream.
        assert_eq!(names("ok 1 - a\nBail out!\nok 2 - b\n1..1\nok 1 - c\n"), ["a", "c"]);
        assert_eq!(names("ok 1 - a\nBail out!\nok 2 - b\nok 1 - d\n"), ["a", "d"]);
    }

    #[test]
    fn a_bare_ok_after_the_plan_is_proves_verdict() {
        let log = "t.t .. \n1..2\nok 1 - a\nok 2 - b\nok\n";
        assert_eq!(runs(log).iter().map(|r| r.1.len()).sum::<usize>(), 2);
        // With a trailing plan, and with prove's --timer.
        let log = "t.t .. \nok 1 - a\nok 2 - b\n1..2\nok       32 ms ( 0.00 usr  0.00 sys +  0.02 cusr  0.00 csys =  0.02 CPU)\n";
        assert_eq!(names(log), ["a", "b"]);
        // Before the plan has its points, a bare `ok` is a run.
        assert_eq!(names("1..3\nok 1 - a\nok\n"), ["a", "#2"]);
        assert_eq!(names("ok 1 - a\nok\n"), ["a", "#2"], "no plan");
    }

    #[test]
    fn subtests_are_tests_named_by_their_parents() {
        // Test::More's subtests, one in another.
        let log = "ok 1 - top\n# Subtest: outer\n    ok 1 - inner\n    # Subtest: deeper\n        not ok 1 - leaf\n        1..1\n    not ok 2 - deeper\n    1..2\nnot ok 2 - outer\nok 3\n";
        assert_eq!(
            runs(log),
            [
                ("top", "OK"),
                ("outer/inner", "OK"),
                ("outer/deeper/leaf", "NOT OK"),
                ("outer/deeper", "NOT OK"),
                ("outer", "NOT OK"),
                ("#3", "OK")
            ]
            .map(|(n, w)| (n.to_string(), vec![w.to_string()]))
        );
        // Bare subtests (TAP 14): the parent is named by the number its point will have.
        assert_eq!(
            names("ok 1 - a\n        ok 1 - twice\n        1..1\n    ok 1\n    1..1\nok 2 - b\n"),
            ["a", "#2/#1/twice", "#2/#1", "b"]
        );
        // `# Subtest` without a name.
        assert_eq!(names("# Subtest\n    ok 1 - x\nok 1\n"), ["#1/x", "#1"]);
        // node-tap's comment indented as its subtest's points, and its buffered subtests.
        assert_eq!(
            names("    # Subtest: a\n    ok 1 - x\n        # Subtest: b\n        ok 1 - y\n    ok 2 - b\nok 1 - a\n"),
            ["a/x", "a/b/y", "a/b", "a"]
        );
        assert_eq!(
            names("not ok 1 - buffered {\n    ok 1 - x\n    not ok 2\n}\nok 2 - after\n"),
            ["buffered", "buffered/x", "buffered/#2", "after"]
        );
        // Bare points in a subtest count in the subtest's stream.
        assert_eq!(names("ok 1 - a\n# Subtest: s\n    ok\n    ok\nok 2 - s\n"), ["a", "s/#1", "s/#2", "s"]);
    }

    #[test]
    fn yaml_blocks_are_not_runs() {
        let log = "# Subtest: t\n    not ok 1 - leaf\n      ---\n      error: |-\n        ok 7 - quoted\n        not ok 3 - in yaml\n      ...\n    1..1\nnot ok 1 - t\n  ---\n  ok: quoted\n\n  ...\nok 2 - after\n";
        assert_eq!(names(log), ["t/leaf", "t", "after"]);
        // A block never closed ends at the first line indented less than its `---`.
        assert_eq!(names("ok 1 - a\n  ---\n  x: 1\nok 2 - b\n"), ["a", "b"]);
        // `---` not right after a point is no block.
        assert_eq!(names("ok 1 - a\n# c\n  ---\nok 2 - b\n"), ["a", "b"]);
    }

    /// TAP 14, "Directive": its `#` follows white space; a `#` in a word is the description's.
    #[test]
    fn a_directive_follows_white_space() {
        assert_eq!(
            run("ok 4 not skipped, title#skip is no directive").map(|r| (r.0, r.3)),
            Some(("not skipped, title#skip is no directive".into(), Class::Passed))
        );
        assert_eq!(
            run("ok 5    #sKiPpPy weird spelling").map(|r| (r.0, r.2, r.3)),
            Some(("#5".into(), "weird spelling".into(), Class::Skipped))
        );
        assert_eq!(run("ok # skip").map(|r| r.3), Some(Class::Skipped));
        assert_eq!(run("ok 1st try").map(|r| r.0), Some("1st try".into()), "a number is a word of digits");
    }

    #[test]
    fn a_point_ending_in_dots_is_no_prove_header() {
        assert_eq!(
            runs("1..2\nnot ok 1 # TODO if I heard a voice ...\nok\n"),
            [("#1", "TODO"), ("#2", "OK")].map(|(n, w)| (n.to_string(), vec![w.to_string()]))
        );
    }

    #[test]
    fn nothing_counts_after_a_skip_all_plan() {
        assert_eq!(names("1..0 # SKIP no network\nok 1 - a\n"), Vec::<String>::new());
        // Until another plan: the next script's.
        assert_eq!(names("1..0 # SKIP no network\nok 1 - a\n1..1\nok 1 - b\n"), ["b"]);
        // A trailing `1..0` after points is no skip all.
        assert_eq!(names("ok 1 - a\n1..0\nnot ok 2 - b\n"), ["a", "b"]);
    }

    #[test]
    fn subtests_nested_past_the_limit_are_not_read() {
        let deep = |depth: usize| format!("{}ok 1 - x\n", " ".repeat(4 * depth));
        assert_eq!(names(&deep(MAX_DEPTH)).len(), 1);
        assert_eq!(names(&deep(MAX_DEPTH + 1)), Vec::<String>::new());
    }

    #[test]
    fn other_lines_are_not_runs() {
        assert_eq!(
            names(
                "1..4\n# Looks like you failed 1 test of 4.\nokay then\n  ok 1 - two spaces\nDubious, test returned 1\n"
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn prove_headers() {
        for line in ["suite.t .. ", "t/a.t ...... ", "[11:00:07] pass.t ...... ", "x.t .."] {
            assert!(is_prove_header(line.as_bytes()), "{line}");
        }
        for line in [
            "# wait ..",
            "skipall.t ... skipped: no network",
            "suite.t .. ok",
            "..",
            "loading...",
            " x.t ..",
            "waiting for the server ...",
        ] {
            assert!(!is_prove_header(line.as_bytes()), "{line}");
        }
    }
}
