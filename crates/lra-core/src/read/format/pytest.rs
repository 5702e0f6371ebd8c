//! `pytest -v` output (docs/design.md, "The test runners' formats"), read in order, as pytest's
//! terminal reporter (`src/_pytest/terminal.py`) writes it:
//! - When a test starts, pytest prints its node id and a space at a line's start
//!   (`pytest_runtest_logstart`); when it ends, the outcome word, on the same line
//!   (`pytest_runtest_logreport`), optionally followed by a reason in parentheses and the progress
//!   `[ 50%]`. A node id holds `::`, and spaces only inside its parameters' brackets
//!   (`t.py::test_x[a b]`).
//! - What the test itself prints (`-s`) or logs (`--log-cli-level`) comes between the two: the
//!   word then follows on a later line, at its start, or at the end of the test's output if that
//!   did not end its line (`no line endPASSED`). The last word printed before the next test's
//!   node id is the outcome: a word the test printed itself comes before pytest's own.
//! - `PASSED` and `XPASS` (an expected failure that passed) are passed; `FAILED`, `ERROR` and
//!   `RERUN` (pytest-rerunfailures' failed try) are failed; `SKIPPED` and `XFAIL` (a failure that
//!   was expected) are skipped. The raw word is kept.
//! - pytest-xdist writes `[gw0] [ 50%] PASSED NODEID`: that is a run too.
//! - Results are printed between `test session starts` (or the file's start) and the sections
//!   after the run (`FAILURES`, `ERRORS`, `warnings summary`, `short test summary info`, the final
//!   counts, …): lines there name tests again, quote a test's output or list node ids, and are
//!   not runs. Other `=` lines (a plugin's, a test's own) do not end the results.
//! - A test whose node id was printed and no word followed before the session's end (a crash, a
//!   timeout that killed pytest, a word no reader knows) is missing, located at its node id, once
//!   the session printed some outcome (`--collect-only -q` prints node ids alone).
//! - pytest-repeat's suffix is folded into the name and gives the run's iteration
//!   (`test_a[3-200]` is the test `test_a` in iteration `3`, and `test_b[x-3-200]` is
//!   `test_b[x]`) only when the file's head shows pytest-repeat repeating the session
//!   ([`repeats`]); otherwise node ids are kept whole, since `test_equals[1-2]` may be a
//!   parameter of its own.
//!
//! A `SKIPPED` or `XFAIL` run's reason is the text in parentheses; a failure's message is printed
//! in a section of its own, which is not kept.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::FinderRev;

use crate::base::hash::FastMap;
use crate::base::location::LineStart;
use crate::model::class::Class;
use crate::read::extract::LineEvents;
use crate::read::format::OrderedReader;
use crate::read::partial::Partial;
use crate::read::prefix::runner_line;

/// Whether the line is one only pytest prints.
#[inline]
pub(crate) fn is_telltale(line: &[u8]) -> bool {
    line.starts_with(b"=") && memchr::memmem::find(line, b" test session starts ").is_some()
}

/// Whether the line is one pytest prints when it does not name its runs (`-q`, or no `-v`): the
/// progress line of its outcome letters, `..F.s    [ 50%]` (after the file's path without `-q`).
pub(crate) fn is_non_verbose_telltale(line: &[u8]) -> bool {
    let line = line.trim_ascii_end();
    let Some(inner) = line.strip_suffix(b"]") else { return false };
    let Some(open) = inner.iter().rposition(|&b| b == b'[') else { return false };
    if !is_progress(&inner[open + 1..]) {
        return false;
    }
    let before = inner[..open].trim_ascii_end();
    let letters = before.rsplit(|&b| b == b' ').next().unwrap_or_default();
    let path = before[..before.len() - letters.len()].trim_ascii();
    !letters.is_empty()
        && letters.iter().all(|b| b".FEsxXRu".contains(b))
        && memchr::memmem::find(path, b"::").is_none()
        && !path.contains(&b' ')
}

/// pytest's progress, inside its brackets: ` 50%` or `3/8`.
fn is_progress(p: &[u8]) -> bool {
    let p = p.trim_ascii();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    match p.strip_suffix(b"%") {
        Some(n) => digits(n.trim_ascii_start()),
        None => p.split(|&b| b == b'/').all(digits) && p.contains(&b'/'),
    }
}

/// Whether pytest-repeat is evidently repeating the session whose start is `head` (a file's
/// first bytes): its plugin is listed in the header (`plugins: …, repeat-0.9.4`) and every node
/// id printed where results are carries its `[K-N]` suffix. An installed plugin alone proves
/// nothing: pytest lists it without `--count` too. A last line not ended may be cut where the
/// head ends, and is not looked at.
pub(crate) fn repeats(head: &[u8]) -> bool {
    let (mut plugin, mut results, mut in_run) = (false, 0usize, true);
    let whole = &head[..memchr::memrchr(b'\n', head).map_or(0, |nl| nl + 1)];
    for line in whole.split(|&b| b == b'\n').map(runner_line) {
        let line = &*line;
        if let Some(plugins) = line.strip_prefix(b"plugins: ") {
            plugin |= plugins.split(|&b| b == b',').any(|p| {
                p.trim_ascii().strip_prefix(b"repeat-").is_some_and(|v| v.first().is_some_and(u8::is_ascii_digit))
            });
        } else if is_telltale(line) {
            in_run = true;
        } else if ends_results(line) {
            in_run = false;
        } else if in_run {
            let node = match xdist(line) {
                Some((node, _)) => node,
                None => match node_id(line) {
                    Some(end) => &line[..end],
                    None => continue,
                },
            };
            if fold_repeat(node).1.is_none() {
                return false;
            }
            results += 1;
        }
    }
    plugin && results > 0
}

/// An outcome word: the word as pytest prints it and its class.
type Outcome = (&'static [u8], Class);

fn outcome(word: &[u8]) -> Option<Outcome> {
    OUTCOMES.iter().copied().find(|(w, _)| *w == word)
}

const OUTCOMES: [Outcome; 7] = [
    (b"PASSED", Class::Passed),
    (b"XPASS", Class::Passed),
    (b"FAILED", Class::Failed),
    (b"ERROR", Class::Failed),
    (b"RERUN", Class::Failed),
    (b"SKIPPED", Class::Skipped),
    (b"XFAIL", Class::Skipped),
];

/// Where the node id a line starts with ends: at its first space outside brackets (a
/// parameter's id may hold spaces). A node id holds `::` after a path; `None` if the line does
/// not start with one.
fn node_id(line: &[u8]) -> Option<usize> {
    let end = node_end(line)?;
    let node = &line[..end];
    // The first `::`, found without setting up a substring search for one short line.
    let colons = memchr::memchr_iter(b':', node).find(|&i| node.get(i + 1) == Some(&b':'))?;
    // `::` after a path, not inside a parameter.
    (!node[..colons].contains(&b'[')).then_some(end)
}

/// Where a node id the line may start with would end: its first space outside brackets, else,
/// with brackets never closed, its first space; `None` for a line that starts with a space, `[`
/// or `:`.
fn node_end(line: &[u8]) -> Option<usize> {
    if line.first().is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'[' | b':')) {
        return None;
    }
    let mut depth = 0usize;
    for (i, &b) in line.iter().enumerate() {
        match b {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b' ' | b'\t' if depth == 0 => return Some(i),
            _ => {}
        }
    }
    Some(match depth {
        0 => line.len(),
        _ => memchr::memchr(b' ', line).unwrap_or(line.len()),
    })
}

/// The outcome word `text` starts with, and the text after it.
fn leading_word(text: &[u8]) -> Option<(Outcome, &[u8])> {
    let text = text.trim_ascii_start();
    let end = text.iter().position(|b| b.is_ascii_whitespace()).unwrap_or(text.len());
    Some((outcome(&text[..end])?, &text[end..]))
}

/// The outcome word a line of a test's output ends with, as pytest prints it after output that
/// did not end its line (`no line endPASSED`), with what follows it: nothing, a reason in
/// parentheses, or the progress. The last such word counts.
fn trailing_word(text: &[u8]) -> Option<(Outcome, &[u8])> {
    let mut best: Option<(usize, Outcome)> = None;
    for (o, finder) in OUTCOMES.into_iter().zip(&*OUTCOME_FINDERS) {
        let mut hay = text;
        while let Some(at) = finder.rfind(hay) {
            let rest = &text[at + o.0.len()..];
            let tail = rest.trim_ascii();
            let fits = rest.is_empty()
                || (rest[0].is_ascii_whitespace()
                    && (tail.is_empty()
                        || tail.starts_with(b"(")
                        || (tail.starts_with(b"[") && tail.ends_with(b"]") && is_progress(&tail[1..tail.len() - 1]))));
            if fits {
                if best.is_none_or(|(b, _)| at > b) {
                    best = Some((at, o));
                }
                break;
            }
            hay = &text[..at];
        }
    }
    best.map(|(at, o)| (o, &text[at + o.0.len()..]))
}

/// Each of [`OUTCOMES`]' words, looked for from the end of a test's output lines: set up once,
/// since a search set up per line costs more than the search.
static OUTCOME_FINDERS: LazyLock<[FinderRev<'static>; 7]> = LazyLock::new(|| OUTCOMES.map(|(w, _)| FinderRev::new(w)));

/// pytest-xdist's result line `[gw0] [ 50%] WORD NODEID`: its node id and outcome.
fn xdist(line: &[u8]) -> Option<(&[u8], Outcome)> {
    let rest = line.strip_prefix(b"[gw")?;
    let rest = &rest[rest.iter().position(|&b| b == b']')? + 1..];
    let mut rest = rest.trim_ascii_start();
    if rest.starts_with(b"[") {
        rest = rest[rest.iter().position(|&b| b == b']')? + 1..].trim_ascii_start();
    }
    let (o, rest) = leading_word(rest)?;
    let rest = rest.trim_ascii();
    let end = node_id(rest)?;
    Some((&rest[..end], o))
}

/// Whether the line is one of the sections pytest writes after the run (`terminal.py`'s
/// `summary_*` and `short_test_summary`), or its final counts (`== 1 failed in 0.12s ==`, which
/// always follow, `--no-summary` and a `!!! KeyboardInterrupt !!!` too): results are not printed
/// after them. Other `=` lines (a plugin's, a test's own) do not end the results.
fn ends_results(line: &[u8]) -> bool {
    let Some(title) = sep_title(line, b'=') else { return false };
    matches!(
        title,
        b"FAILURES"
            | b"ERRORS"
            | b"XFAILURES"
            | b"PASSES"
            | b"XPASSES"
            | b"warnings summary"
            | b"warnings summary (final)"
            | b"short test summary info"
    ) || memchr::memmem::find(title, b" in ").is_some_and(|at| title[at + 4..].first().is_some_and(u8::is_ascii_digit))
}

/// The title of a separator line pytest writes (`==== title ====`), made of `sep`.
fn sep_title(line: &[u8], sep: u8) -> Option<&[u8]> {
    let line = line.trim_ascii_end();
    let start = line.iter().position(|&b| b != sep)?;
    let end = line.iter().rposition(|&b| b != sep)? + 1;
    if start == 0 || end == line.len() {
        return None;
    }
    let title = line[start..end].strip_prefix(b" ")?.strip_suffix(b" ")?;
    (!title.is_empty()).then_some(title)
}

/// A test's outcome word as printed at line `line`, with its reason.
#[derive(Debug)]
struct Word {
    outcome: Outcome,
    reason: Box<[u8]>,
    line: LineStart,
}

/// A test whose node id was printed at line `line`, its word not yet (or not surely) printed.
#[derive(Debug)]
struct Started {
    name: Box<[u8]>,
    line: LineStart,
    word: Option<Word>,
}

/// A reader of `pytest -v` output; see the module's documentation.
#[derive(Debug)]
pub(crate) struct PytestReader {
    /// Fold pytest-repeat's `[K-N]` into the iteration ([`repeats`]).
    repeat: bool,
    /// Whether results are printed here: from the file's start or a session's start to the
    /// sections after its run.
    in_run: bool,
    /// Whether this session printed an outcome word.
    ran: bool,
    /// The test whose node id was printed last and whose output the next lines are.
    current: Option<Started>,
    /// A result line of another test printed while `current` waits for its word: the test's own
    /// output if its word follows, else a run of its own (after a word no reader knows).
    held: Option<(Box<[u8]>, Word)>,
    /// Tests whose node id was printed, then another's before any word of theirs (pytest-xdist
    /// prints them all first, and their results later): a result naming one ends it.
    waiting: FastMap<Box<[u8]>, Vec<LineStart>>,
}

impl PytestReader {
    /// A reader that folds pytest-repeat's suffix into the iteration if `repeat`.
    pub(crate) fn new(repeat: bool) -> PytestReader {
        PytestReader { repeat, in_run: true, ran: false, current: None, held: None, waiting: FastMap::default() }
    }

    /// A run of `name`, started at `opened`, ended by `word`.
    fn run(&self, name: &[u8], opened: Option<LineStart>, word: (Outcome, &[u8]), at: LineStart, state: &mut Partial) {
        let ((w, class), reason) = word;
        let (name, iteration) = if self.repeat { fold_repeat(name) } else { (Cow::Borrowed(name), None) };
        let events = LineEvents {
            test: Some(name),
            iteration: iteration.map(Cow::Borrowed),
            result: Some((Cow::Borrowed(w), Cow::Borrowed(reason), class)),
            ..LineEvents::default()
        };
        state.apply_run(events, opened, at);
    }

    /// The run `current` ended with its word, if it has one; else it waits for a result naming
    /// it.
    fn settle_current(&mut self, state: &mut Partial) {
        if let Some((name, word)) = self.held.take() {
            // Its word never followed the result line held: that line was a run.
            if let Some(current) = self.current.take() {
                self.waiting.entry(current.name).or_default().push(current.line);
            }
            self.run(&name, None, (word.outcome, &word.reason), word.line, state);
        }
        let Some(current) = self.current.take() else { return };
        match current.word {
            Some(w) => self.run(&current.name, Some(current.line), (w.outcome, &w.reason), w.line, state),
            None => self.waiting.entry(current.name).or_default().push(current.line),
        }
    }

    /// The session's results end: tests that printed no word are missing.
    fn end_run(&mut self, state: &mut Partial) {
        self.settle_current(state);
        let mut left: Vec<(LineStart, Box<[u8]>)> = Vec::new();
        for (name, lines) in self.waiting.drain() {
            left.extend(lines.into_iter().map(|l| (l, name.clone())));
        }
        if self.ran {
            left.sort_unstable();
            for (line, name) in left {
                let (name, iteration) = if self.repeat { fold_repeat(&name) } else { (Cow::Borrowed(&name[..]), None) };
                let result = Some((Cow::Borrowed(&b""[..]), Cow::Borrowed(&b""[..]), Class::Missing));
                let events = LineEvents {
                    test: Some(name),
                    iteration: iteration.map(Cow::Borrowed),
                    result,
                    ..LineEvents::default()
                };
                state.apply(events, line);
            }
        }
        self.ran = false;
    }

    /// When `name` started, if its node id was printed without its word.
    fn started(&mut self, name: &[u8]) -> Option<LineStart> {
        let lines = self.waiting.get_mut(name)?;
        let first = (!lines.is_empty()).then(|| lines.remove(0));
        if lines.is_empty() {
            self.waiting.remove(name);
        }
        first
    }
}

impl OrderedReader for PytestReader {
    fn line(&mut self, line: &[u8], n: LineStart, state: &mut Partial) {
        if is_telltale(line) {
            self.end_run(state);
            self.in_run = true;
            return;
        }
        if !self.in_run {
            return;
        }
        if ends_results(line) {
            self.end_run(state);
            self.in_run = false;
            return;
        }
        if let Some((name, o)) = xdist(line) {
            self.ran = true;
            let opened = match &self.current {
                Some(c) if *c.name == *name => self.current.take().map(|c| c.line),
                _ => self.started(name),
            };
            return self.run(name, opened, (o, b""), n, state);
        }
        if let Some(end) = node_id(line) {
            let (name, rest) = line.split_at(end);
            if let Some((o, detail)) = leading_word(rest) {
                // `NODEID WORD`: a result.
                self.ran = true;
                let reason = reason(detail);
                let current = self.current.as_ref().map(|c| (*c.name == *name, c.word.is_some()));
                match current {
                    Some((true, _)) => {
                        // A word of its own (subtests, a teardown's error) after the one before.
                        let c = self.current.take().expect("matched");
                        self.held = None;
                        match c.word {
                            Some(w) => {
                                self.run(&c.name, Some(c.line), (w.outcome, &w.reason), w.line, state);
                                self.run(name, None, (o, reason), n, state);
                            }
                            None => self.run(name, Some(c.line), (o, reason), n, state),
                        }
                    }
                    Some((false, false)) if self.held.is_none() => {
                        // Printed before the test's word: its own output, if the word follows.
                        self.held = Some((name.into(), Word { outcome: o, reason: reason.into(), line: n }));
                    }
                    _ => {
                        self.settle_current(state);
                        let opened = self.started(name);
                        self.run(name, opened, (o, reason), n, state);
                    }
                }
                return;
            }
            // `NODEID ` and maybe the test's own output: the test starts.
            self.settle_current(state);
            let word = trailing_word(rest).map(|(o, detail)| {
                self.ran = true;
                Word { outcome: o, reason: reason(detail).into(), line: n }
            });
            self.current = Some(Started { name: name.into(), line: n, word });
            return;
        }
        // The current test's output, or its word.
        if let Some(current) = &mut self.current
            && let Some((o, detail)) = leading_word(line).or_else(|| trailing_word(line))
        {
            self.ran = true;
            current.word = Some(Word { outcome: o, reason: reason(detail).into(), line: n });
            // A result line held was the test's output.
            self.held = None;
        }
    }

    fn end(&mut self, state: &mut Partial) {
        self.end_run(state);
    }
}

/// The text in parentheses after the word, before the progress.
fn reason(detail: &[u8]) -> &[u8] {
    let d = detail.trim_ascii();
    match (d.strip_prefix(b"("), d.iter().rposition(|&b| b == b')')) {
        (Some(_), Some(end)) => &d[1..end],
        _ => b"",
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
    use crate::base::options::Options;
    use crate::model::summary::Summary;
    use crate::read::parser::FileParser;

    /// [`node_id`] as first written: `::` found by `memmem` before the node's end, and no `[`
    /// before it.
    fn node_id_by_memmem(line: &[u8]) -> Option<usize> {
        let end = node_end(line)?;
        let colons = memchr::memmem::find(&line[..end], b"::")?;
        (!line[..colons].contains(&b'[')).then_some(end)
    }

    #[test]
    fn node_ids_end_where_the_memmem_reading_ends_them() {
        let lines: [&[u8]; 14] = [
            b"t.py::test_a PASSED",
            b"t.py::test_a[1 2] PASSED [ 50%]",
            b"t.py::test_a[x:y] FAILED",
            b"t.py:test_a PASSED",
            b"t.py::",
            b"t.py:::test PASSED",
            b"t.py: :test PASSED",
            b"a[::]::b PASSED",
            b"t.py::test_a[open PASSED",
            b"t.py::Class::test_b\tSKIPPED",
            b"::t PASSED",
            b"dir/t.py::test_c",
            b"t.py :: test",
            b"t.py::x]] y",
        ];
        for line in lines {
            for cut in 0..=line.len() {
                let line = &line[..cut];
                assert_eq!(node_id(line), node_id_by_memmem(line), "{:?}", String::from_utf8_lossy(line));
            }
        }
        assert_eq!(node_id(b"t.py::test_a[1 2] PASSED"), Some(17));
        assert_eq!(node_id(b"t.py:test_a PASSED"), None);
    }

    fn parse(log: &str) -> Summary {
        let mut p = FileParser::new("t.log", Options { format: Some(crate::LogFormat::Pytest), ..Options::default() });
        p.feed(log.as_bytes());
        p.finish()
    }

    /// Each test's name and its runs: passed, failed, skipped, missing.
    fn runs(log: &str) -> Vec<(String, [u64; 4])> {
        let s = parse(log);
        s.tests()
            .iter()
            .map(|t| (t.name.to_string(), [t.counts.passed, t.counts.failed, t.counts.skipped, t.counts.missing]))
            .collect()
    }

    fn row(name: &str, p: u64, f: u64, s: u64, m: u64) -> (String, [u64; 4]) {
        (name.into(), [p, f, s, m])
    }

    const HEADER: &str = "============================= test session starts ==============================\n\
platform linux -- Python 3.11.7, pytest-9.2.0, pluggy-1.7.0\nrootdir: /x\nplugins: repeat-0.9.4\n\
collecting ... collected 4 items\n\n";

    #[test]
    fn run_lines_with_their_outcome_and_reason() {
        let log = "t.py::test_a PASSED                                   [ 25%]\n\
t.py::test_b SKIPPED (not on this machine)                                   [ 50%]\n\
t.py::C::test_c XFAIL (known)\nt.py::test_d ERROR\n[gw1] [ 50%] RERUN t.py::test_e\n";
        assert_eq!(
            runs(log),
            [
                row("t.py::test_a", 1, 0, 0, 0),
                row("t.py::test_b", 0, 0, 1, 0),
                row("t.py::C::test_c", 0, 0, 1, 0),
                row("t.py::test_d", 0, 1, 0, 0),
                row("t.py::test_e", 0, 1, 0, 0),
            ]
        );
    }

    #[test]
    fn output_between_the_node_id_and_the_word_regression() {
        // `-v -s` and live logging: the word follows the test's output, at a line's start or at
        // the end of output that did not end its line.
        let log = "t.py::test_a a line of the test's own\nPASSED\n\
t.py::test_b no line endPASSED\n\
t.py::test_c \n------------- live log call -------------\nWARNING  suite:t.py:11 logged\n\
SKIPPED (why)                                          [ 37%]\n\
t.py::test_d   SETUP x\n  RUN\nFAILED  TEARDOWN x\n\n";
        assert_eq!(
            runs(log),
            [
                row("t.py::test_a", 1, 0, 0, 0),
                row("t.py::test_b", 1, 0, 0, 0),
                row("t.py::test_c", 0, 0, 1, 0),
                row("t.py::test_d", 0, 1, 0, 0),
            ]
        );
        let s = parse(log);
        assert_eq!(s.tests()[2].results.as_slice(), [("SKIPPED".into(), 1)]);
    }

    #[test]
    fn output_quoting_a_result_line_regression() {
        // The word pytest prints comes after the test's output: the last one counts; a result
        // line of another test printed before it is output, not a run.
        let log = "t.py::test_a t.py::test_other PASSED\nFAILED\n\
t.py::test_b \nt.py::test_other PASSED\nFAILED\n\
t.py::test_c PASSED\n";
        assert_eq!(
            runs(log),
            [row("t.py::test_a", 0, 1, 0, 0), row("t.py::test_b", 0, 1, 0, 0), row("t.py::test_c", 1, 0, 0, 0)]
        );
    }

    #[test]
    fn sections_after_the_run_are_not_runs() {
        let log = format!(
            "{HEADER}t.py::test_b ==== a test's own banner ====\nPASSED\n==== and another ====\n\
t.py::test_a FAILED\n\n=================== FAILURES ===================\n\
_____ test_a _____\n---- Captured stdout call ----\nt.py::test_other PASSED\nt.py::test_x \n\
=========== warnings summary ===========\nt.py::test_w\n  w.py:5: UserWarning: old\n\
=========== short test summary info ===========\nFAILED t.py::test_a - assert 1 == 2\n\
========== 1 failed in 0.02s ==========\nt.py::test_after PASSED\n"
        );
        let first = [row("t.py::test_b", 1, 0, 0, 0), row("t.py::test_a", 0, 1, 0, 0)];
        assert_eq!(runs(&log), first);
        // A new session reads results again.
        let two = format!("{log}{HEADER}t.py::test_c PASSED\n");
        assert_eq!(runs(&two), [first[0].clone(), first[1].clone(), row("t.py::test_c", 1, 0, 0, 0)]);
    }

    #[test]
    fn a_test_with_no_word_before_the_end_is_missing() {
        let log = "t.py::test_a PASSED\nt.py::test_b Fatal Python error: Segmentation fault\n";
        assert_eq!(runs(log), [row("t.py::test_a", 1, 0, 0, 0), row("t.py::test_b", 0, 0, 0, 1)]);
        // `--collect-only -q` lists node ids alone: no session that printed no outcome has runs.
        assert_eq!(runs("t.py::test_a\nt.py::test_b\n\n2 tests collected in 0.01s\n"), []);
    }

    #[test]
    fn a_second_word_for_the_same_test_is_a_run_of_its_own() {
        // A teardown's error after the test passed, its node id printed again; a subtest's
        // word (not one of pytest's outcomes), then the test's own.
        let log = "t.py::test_a \nWARNING  suite:t.py:3 logged\nPASSED\nt.py::test_a ERROR\n\
t.py::test_b SUBFAILED[msg] (i=1)\nt.py::test_b FAILED\nt.py::test_c PASSED\n";
        assert_eq!(
            runs(log),
            [row("t.py::test_a", 1, 1, 0, 0), row("t.py::test_b", 0, 1, 0, 0), row("t.py::test_c", 1, 0, 0, 0)]
        );
    }

    #[test]
    fn xdist_results_end_the_node_ids_printed_before() {
        let log =
            "t.py::test_a \nt.py::test_b \n[gw1] [ 50%] PASSED t.py::test_b \n[gw0] [100%] FAILED t.py::test_a \n";
        assert_eq!(runs(log), [row("t.py::test_b", 1, 0, 0, 0), row("t.py::test_a", 0, 1, 0, 0)]);
    }

    #[test]
    fn ids_with_spaces_in_brackets_regression() {
        let log =
            "t.py::test_spaced[a b] PASSED                                  [ 87%]\nt.py::test_spaced[c] PASSED\n";
        assert_eq!(runs(log), [row("t.py::test_spaced[a b]", 1, 0, 0, 0), row("t.py::test_spaced[c]", 1, 0, 0, 0)]);
    }

    #[test]
    fn a_parameter_like_a_repeat_suffix_is_kept_whole_regression() {
        // pytest-repeat installed, but not repeating: `[1-2]` is a parameter.
        let log =
            format!("{HEADER}t.py::test_equals[1-2] FAILED\nt.py::test_equals[2-2] PASSED\nt.py::test_c PASSED\n");
        assert!(!repeats(log.as_bytes()));
        assert_eq!(
            runs(&log),
            [
                row("t.py::test_equals[1-2]", 0, 1, 0, 0),
                row("t.py::test_equals[2-2]", 1, 0, 0, 0),
                row("t.py::test_c", 1, 0, 0, 0)
            ]
        );
    }

    #[test]
    fn repeats_only_when_the_plugin_is_listed_and_every_result_has_a_suffix() {
        let repeated =
            format!("{HEADER}t.py::test_a[1-2] PASSED\nt.py::test_b[x-1-2] FAILED\nt.py::test_a[2-2] PASSED\n");
        assert!(repeats(repeated.as_bytes()));
        let s = parse(&repeated);
        let names: Vec<&str> = s.tests().iter().map(|t| &*t.name).collect();
        assert_eq!(names, ["t.py::test_a", "t.py::test_b[x]"]);
        let labels: Vec<&str> = s.iterations().iter().map(|i| &*i.label).collect();
        assert_eq!(labels, ["1", "2"]);
        // Without the plugin in the header: kept whole.
        assert!(!repeats(repeated.replace("plugins: repeat-0.9.4\n", "").as_bytes()));
        assert!(!repeats(repeated.replace("repeat-0.9.4", "xdist-3.5.0").as_bytes()));
        assert!(repeats(repeated.replace("repeat-0.9.4", "xdist-3.5.0, repeat-0.9.4").as_bytes()));
        // No results in the head: nothing shows a repeat.
        assert!(!repeats(HEADER.as_bytes()));
        // The head cut inside a node id: that line is not looked at.
        assert!(repeats(format!("{repeated}t.py::test_b[x-2").as_bytes()));
    }

    #[test]
    fn folding_a_repeat_suffix() {
        let f = |n: &str| {
            let (name, k) = fold_repeat(n.as_bytes());
            (String::from_utf8_lossy(&name).into_owned(), k.map(|k| String::from_utf8_lossy(k).into_owned()))
        };
        assert_eq!(f("t.py::test_flaky[3-6]"), ("t.py::test_flaky".into(), Some("3".into())));
        assert_eq!(f("t.py::test_x[a-2-5]"), ("t.py::test_x[a]".into(), Some("2".into())));
        assert_eq!(f("t.py::test_z[1-2-3x]"), ("t.py::test_z[1-2-3x]".into(), None));
        assert_eq!(f("t.py::test_z[7-6]"), ("t.py::test_z[7-6]".into(), None));
    }

    #[test]
    fn summary_and_other_lines_are_not_runs() {
        let log = "FAILED test_suite.py::test_flaky[3-6] - AssertionError: run 3 fails\n\
collecting ... collected 24 items\ntest_suite.py:26: AssertionError\nE       assert (3 % 3) != 0\n\
::1 PASSED\n";
        assert_eq!(runs(log), []);
    }

    #[test]
    fn non_verbose_progress_lines() {
        for line in [
            "...FF...                                                                 [100%]",
            "t.py .sxX   [ 50%]",
            "..F [3/8]",
        ] {
            assert!(is_non_verbose_telltale(line.as_bytes()), "{line}");
        }
        for line in [
            "t.py::test_a PASSED                                [ 50%]",
            "[gw0] [ 50%] PASSED t.py::test_a",
            "t.py::test_x[1-2] PASSED",
            "collected 8 items",
            "a b .. [ 50%]",
            "some words   [ 50%]",
        ] {
            assert!(!is_non_verbose_telltale(line.as_bytes()), "{line}");
        }
    }
}
