//! JUnit XML, as every CI system and most runners write it (docs/design.md, "The test runners'
//! formats"), read as a stream: only the markup of one tag is held at a time, whatever the size
//! of the file or of a test's captured output; comments, CDATA, processing instructions and the
//! DOCTYPE are passed over without being held, and no DTD or entity is expanded.
//!
//! - `<testcase classname="C" name="N">` opens the test `C.N` (`N` when there is no class name),
//!   with pytest-repeat's `[K-N]` folded away as in pytest's own format.
//! - A case GoogleTest did not run (`status="notrun"`, `result="suppressed"`) or marked
//!   `status="disabled"` is skipped (word `DISABLED`), whatever its children say.
//! - Otherwise its first `<failure>` makes the run failed (word `FAILED`), or its first `<error>`
//!   (word `ERROR`), even after a `<skipped>` (GoogleTest writes a skip, then a failure in
//!   `TearDown`, in that order); else `<skipped>` makes it skipped (word `SKIPPED`); the child's
//!   `message` is the reason. Only without such a child does an attribute decide: GoogleTest's
//!   `result="skipped"` is skipped. Else it passed (word `PASSED`). `</testcase>`, or the `/>` of
//!   an empty one, closes it.
//! - Surefire's retries are runs of their own, in the order they ran, which is the document's:
//!   each `<flakyFailure>` / `<flakyError>` is a failed try before the case's own run, which
//!   passed; each `<rerunFailure>` / `<rerunError>` a failed try after it, which failed.
//! - Its `time` attribute, in seconds, is the duration of the case's own run.
//! - JUnit has no iteration lines: a test's k-th run in a file counts in iteration `k`.

use std::borrow::Cow;

use crate::base::location::LineStart;
use crate::base::text::{count_lines, find_byte};
use crate::model::class::Class;
use crate::read::extract::LineEvents;
use crate::read::partial::Partial;
use crate::read::stamps;

/// Written in the comment that opens the report `lra` writes from a summary
/// (`write::junit_report`); a JUnit file whose first bytes hold it was written by `lra`
/// ([`crate::FileStats::from_summary`]). Defined here, by the reader that looks for it, so that
/// reading needs nothing of the writers above it.
pub const JUNIT_REPORT_MARK: &str = "Written by lra from a summary";

/// The markup of one tag may be at most this long: a longer one is not a test's.
const MAX_TAG: usize = 1 << 20;

/// What the reader is in the middle of.
#[derive(Debug, Default, PartialEq)]
enum In {
    /// Text between tags.
    #[default]
    Text,
    /// A tag's markup, gathered from its `<`, and the quote it is inside, if any; `plain` once
    /// its first bytes told that it is no comment, CDATA, processing instruction or DOCTYPE.
    Tag { quote: Option<u8>, plain: bool },
    /// Something passed over until `end`: a comment, CDATA, a processing instruction.
    Skip { end: &'static [u8], matched: usize },
    /// A DOCTYPE, until its `>` (past an internal subset in brackets).
    Doctype { brackets: bool },
}

/// An open `<testcase>`: what decides its own run so far, and its retries (Surefire's
/// `rerunFailingTestsCount`).
#[derive(Debug, Default)]
struct Case {
    /// Not run (GoogleTest's `status="notrun"`, `result="suppressed"`) or `status="disabled"`:
    /// skipped whatever the children say.
    disabled: bool,
    /// GoogleTest's `result="skipped"`: decides only when no child does.
    skipped_attr: bool,
    /// The first `<failure>` or `<error>`: its word and reason.
    failed: Option<(&'static [u8], Vec<u8>)>,
    /// The first `<skipped>`'s reason.
    skipped: Option<Vec<u8>>,
    /// The case's own run is recorded already (closed where its first `rerun*` retry began):
    /// `</testcase>` adds none.
    recorded: bool,
    /// The retry element being read: its word, its reason, and whether it is a `flaky*` one.
    retry: Option<Retry>,
}

/// A Surefire retry element being read, recorded as a failed run at its end.
#[derive(Debug)]
struct Retry {
    word: &'static [u8],
    reason: Vec<u8>,
    /// `flakyFailure` / `flakyError`: a failed try before the case's own (passed) run, which is
    /// opened again after it. `rerunFailure` / `rerunError` come after the case's own run.
    flaky: bool,
}

impl Case {
    /// The case's own run: its word, class and reason (docs/design.md, JUnit XML).
    fn own_run(&mut self) -> (&'static [u8], Class, Vec<u8>) {
        if self.disabled {
            (b"DISABLED", Class::Skipped, Vec::new())
        } else if let Some((word, reason)) = self.failed.take() {
            (word, Class::Failed, reason)
        } else if let Some(reason) = self.skipped.take() {
            (b"SKIPPED", Class::Skipped, reason)
        } else if self.skipped_attr {
            (b"SKIPPED", Class::Skipped, Vec::new())
        } else {
            (b"PASSED", Class::Passed, Vec::new())
        }
    }
}

/// A push reader of JUnit XML, feeding the events it finds to a [`Partial`].
#[derive(Debug, Default)]
pub(crate) struct JunitReader {
    state: In,
    /// The markup gathered.
    tag: Vec<u8>,
    /// The line the tag being gathered started on.
    tag_line: LineStart,
    /// Bytes fed before the ones being read.
    fed: u64,
    /// Where the line holding the last `\n`-free stretch read starts: the last line start found.
    line_start: u64,
    /// Of the bytes being read, those before this were looked at for line starts.
    scanned: usize,
    /// The line ends counted before `scanned`.
    scanned_lines: u64,
    /// The test case open.
    open: Option<Case>,
    /// The open test case's `time`, in microseconds.
    time: Option<u64>,
    /// A test case's name as it is put together, kept to reuse its allocation.
    name: Vec<u8>,
    /// The file's first [`LEAD_LEN`] bytes, to tell a report `lra` wrote.
    lead: Vec<u8>,
    /// pytest-repeat's `[K-N]` is the test's iteration, not its parameters ([`repeats`]).
    fold_repeats: bool,
}

/// `lra`'s own JUnit report says so within this many first bytes.
const LEAD_LEN: usize = 512;

/// Whether the report whose first bytes are `head` is pytest-repeat's: every test case in it
/// has a name ending in `[K-N]` (at least one does). A report has no plugin list to show it, so
/// a single parametrized `test_equals[1-2]` beside any other test keeps every id whole.
pub(crate) fn repeats(head: &[u8]) -> bool {
    let mut cases = 0u64;
    for at in memchr::memmem::find_iter(head, b"<testcase") {
        let rest = &head[at + 9..];
        let Some(end) = memchr::memchr(b'>', rest) else { break };
        let attrs = &rest[..end];
        if !attrs.first().is_some_and(u8::is_ascii_whitespace) {
            continue;
        }
        let name = attr(attrs, b"name").unwrap_or_default();
        if super::pytest::fold_repeat(&name).1.is_none() {
            return false;
        }
        cases += 1;
    }
    cases > 0
}

impl JunitReader {
    /// A reader that folds pytest-repeat's suffix into the iteration when `fold_repeats`.
    pub(crate) fn new(fold_repeats: bool) -> JunitReader {
        JunitReader { fold_repeats, ..JunitReader::default() }
    }

    /// Whether the file is a report `lra --format junit` wrote from a summary, by the mark its
    /// opening comment holds.
    pub(crate) fn written_by_lra(&self) -> bool {
        memchr::memmem::find(&self.lead, JUNIT_REPORT_MARK.as_bytes()).is_some()
    }

    /// Reads the next bytes; `state.lines` counts their line ends.
    pub(crate) fn feed(&mut self, bytes: &[u8], state: &mut Partial) {
        if self.lead.len() < LEAD_LEN {
            self.lead.extend_from_slice(&bytes[..bytes.len().min(LEAD_LEN - self.lead.len())]);
        }
        self.scanned = 0;
        self.read(bytes, state);
        self.line_start_before(bytes, bytes.len(), state.lines);
        self.fed += bytes.len() as u64;
    }

    /// Moves `line_start` up to the last line start in `bytes[..to]`, looking only at what was
    /// not looked at before: a file of one long line costs one pass, not one per tag. `lines`
    /// is the count of line ends before `to`: when none was counted since the last look, there
    /// is no new line start to look for.
    fn line_start_before(&mut self, bytes: &[u8], to: usize, lines: u64) {
        if lines != self.scanned_lines
            && let Some(j) = memchr::memrchr(b'\n', &bytes[self.scanned..to])
        {
            self.line_start = self.fed + (self.scanned + j + 1) as u64;
        }
        self.scanned = to;
        self.scanned_lines = lines;
    }

    fn read(&mut self, bytes: &[u8], state: &mut Partial) {
        let mut at = 0;
        while at < bytes.len() {
            match &mut self.state {
                In::Text => match find_byte(b'<', &bytes[at..]) {
                    None => {
                        state.lines += count_lines(&bytes[at..]);
                        return;
                    }
                    Some(i) => {
                        state.lines += count_lines(&bytes[at..at + i]);
                        self.line_start_before(bytes, at + i, state.lines);
                        at += i + 1;
                        self.tag.clear();
                        self.tag_line = LineStart { line: state.lines + 1, offset: self.line_start };
                        self.state = In::Tag { quote: None, plain: false };
                    }
                },
                // The first bytes tell a comment, CDATA, a processing instruction or a DOCTYPE,
                // inside which quotes mean nothing: they are read one at a time until they do
                // (at most 8), so that a markup is told the same however the file is cut.
                In::Tag { plain: false, .. } => match opening(&self.tag) {
                    // `<!>`: a tag that ended before it was told; a plain one.
                    None if bytes[at] == b'>' => self.state = In::Tag { quote: None, plain: true },
                    None => {
                        state.lines += u64::from(bytes[at] == b'\n');
                        self.tag.push(bytes[at]);
                        at += 1;
                    }
                    Some(Opening::Plain) => self.state = In::Tag { quote: quote_after(&self.tag), plain: true },
                    Some(Opening::Skip(end)) => self.state = In::Skip { end, matched: 0 },
                    Some(Opening::Doctype) => self.state = In::Doctype { brackets: false },
                },
                In::Tag { quote, plain: true } => {
                    let rest = &bytes[at..];
                    // The tag ends at the first `>` outside quotes: jump from quote to quote.
                    let mut end = None;
                    let mut i = 0;
                    while i < rest.len() {
                        match *quote {
                            Some(q) => match memchr::memchr(q, &rest[i..]) {
                                Some(j) => {
                                    i += j + 1;
                                    *quote = None;
                                }
                                None => i = rest.len(),
                            },
                            // Between attributes the markup is short: a plain loop beats a
                            // search's set-up cost.
                            None => match rest[i..].iter().position(|&b| matches!(b, b'"' | b'\'' | b'>')) {
                                Some(j) if rest[i + j] == b'>' => {
                                    end = Some(i + j);
                                    break;
                                }
                                Some(j) => {
                                    *quote = Some(rest[i + j]);
                                    i += j + 1;
                                }
                                None => i = rest.len(),
                            },
                        }
                    }
                    let take = end.unwrap_or(rest.len());
                    state.lines += count_lines(&rest[..take]);
                    if self.tag.len() < MAX_TAG {
                        self.tag.extend_from_slice(&rest[..take.min(MAX_TAG)]);
                    }
                    match end {
                        None => return,
                        Some(i) => {
                            at += i + 1;
                            self.state = In::Text;
                            self.tag(state);
                        }
                    }
                }
                In::Skip { end, matched } => {
                    if *matched == 0 {
                        // Captured output can be large: jump to the next byte that could end it.
                        let jump = memchr::memchr(end[0], &bytes[at..]).unwrap_or(bytes.len() - at);
                        state.lines += count_lines(&bytes[at..at + jump]);
                        at += jump;
                        if at == bytes.len() {
                            return;
                        }
                    }
                    let b = bytes[at];
                    at += 1;
                    if b == b'\n' {
                        state.lines += 1;
                    }
                    *matched = if b == end[*matched] {
                        *matched + 1
                    } else if b == end[0] {
                        1
                    } else {
                        0
                    };
                    if *matched == end.len() {
                        self.state = In::Text;
                    }
                }
                In::Doctype { brackets } => {
                    let b = bytes[at];
                    at += 1;
                    match b {
                        b'\n' => state.lines += 1,
                        b'[' => *brackets = true,
                        b']' => *brackets = false,
                        b'>' if !*brackets => self.state = In::Text,
                        _ => {}
                    }
                }
            }
        }
    }

    /// Acts on a whole tag's markup (between `<` and `>`).
    fn tag(&mut self, state: &mut Partial) {
        // Taken out while it is read, and put back to reuse its allocation.
        let markup = std::mem::take(&mut self.tag);
        let (closing, t) = match markup.strip_prefix(b"/") {
            Some(rest) => (true, rest),
            None => (false, &markup[..]),
        };
        let name_end = t.iter().position(|&b| b.is_ascii_whitespace() || b == b'/').unwrap_or(t.len());
        let (name, attrs) = t.split_at(name_end);
        let empty = attrs.ends_with(b"/");
        let line = self.tag_line;
        match (closing, name) {
            (false, b"testcase") => {
                let [classname, name, time, status, result] =
                    attrs_named(attrs, [b"classname", b"name", b"time", b"status", b"result"]);
                test_name(classname, name, self.fold_repeats, &mut self.name);
                self.time = time.and_then(|t| stamps::seconds(&t));
                state.apply(LineEvents { test: Some(Cow::Borrowed(&self.name)), ..LineEvents::default() }, line);
                let is =
                    |v: &Option<Cow<'_, [u8]>>, word: &[u8]| v.as_ref().is_some_and(|v| v.eq_ignore_ascii_case(word));
                self.open = Some(Case {
                    disabled: is(&status, b"notrun") || is(&status, b"disabled") || is(&result, b"suppressed"),
                    skipped_attr: is(&result, b"skipped"),
                    ..Case::default()
                });
                if empty {
                    self.close(state, line);
                }
            }
            (true, b"testcase") => self.close(state, line),
            (false, b"failure" | b"error" | b"skipped") => {
                if let Some(case) = self.open.as_mut().filter(|c| c.retry.is_none()) {
                    let reason = || attr(attrs, b"message").unwrap_or_default().into_owned();
                    match name {
                        b"skipped" if case.skipped.is_none() => case.skipped = Some(reason()),
                        b"skipped" => {}
                        _ if case.failed.is_none() => {
                            let word: &'static [u8] = if name == b"failure" { b"FAILED" } else { b"ERROR" };
                            case.failed = Some((word, reason()));
                        }
                        _ => {}
                    }
                }
            }
            (false, b"flakyFailure" | b"flakyError" | b"rerunFailure" | b"rerunError") => {
                self.start_retry(name, attrs, state, line);
                if empty {
                    self.end_retry(state, line);
                }
            }
            (true, b"flakyFailure" | b"flakyError" | b"rerunFailure" | b"rerunError") => self.end_retry(state, line),
            _ => {}
        }
        self.tag = markup;
    }

    /// Starts a Surefire retry element `name` (`flakyFailure`, `flakyError`, `rerunFailure`,
    /// `rerunError`) of the open case, found at `line`; a disabled case's are not runs.
    fn start_retry(&mut self, name: &[u8], attrs: &[u8], state: &mut Partial, line: LineStart) {
        let Some(case) = self.open.as_mut().filter(|c| !c.disabled && c.retry.is_none()) else { return };
        let (word, flaky): (&'static [u8], bool) = match name {
            b"flakyFailure" => (b"FLAKY FAILURE", true),
            b"flakyError" => (b"FLAKY ERROR", true),
            b"rerunFailure" => (b"RERUN FAILURE", false),
            _ => (b"RERUN ERROR", false),
        };
        let reason = attr(attrs, b"message").unwrap_or_default().into_owned();
        case.retry = Some(Retry { word, reason, flaky });
        // A `rerun*` try came after the case's own run, which ends where the first one starts.
        // A `flaky*` try came before it: it is the run open already, unless the case's own run
        // is recorded; then, as a `rerun*` try, it is a run of its own from here.
        if !flaky && !case.recorded {
            self.record_own(state, line);
        }
        if self.open.as_ref().is_some_and(|c| c.recorded) {
            state.apply(LineEvents { test: Some(Cow::Borrowed(&self.name)), ..LineEvents::default() }, line);
        }
    }

    /// Ends the retry element being read: a failed run of the open test, located here. After a
    /// `flaky*` try the test's next run (another try, or the case's own) starts here.
    fn end_retry(&mut self, state: &mut Partial, line: LineStart) {
        let Some(Retry { word, reason, flaky }) = self.open.as_mut().and_then(|c| c.retry.take()) else { return };
        let result = Some((Cow::Borrowed(word), Cow::Owned(reason), Class::Failed));
        state.apply(LineEvents { result, ..LineEvents::default() }, line);
        if flaky && self.open.as_ref().is_some_and(|c| !c.recorded) {
            state.apply(LineEvents { test: Some(Cow::Borrowed(&self.name)), ..LineEvents::default() }, line);
        }
    }

    /// Records the open case's own run, located here, with the case's `time`.
    fn record_own(&mut self, state: &mut Partial, line: LineStart) {
        let Some(case) = self.open.as_mut() else { return };
        case.recorded = true;
        let (word, class, reason) = case.own_run();
        // A case that did not run has no duration, whatever its `time` says.
        let duration = self.time.filter(|_| !case.disabled);
        let result = Some((Cow::Borrowed(word), Cow::Owned(reason), class));
        state.apply(LineEvents { result, duration, ..LineEvents::default() }, line);
    }

    fn close(&mut self, state: &mut Partial, line: LineStart) {
        // A retry left open ends with its case.
        self.end_retry(state, line);
        if self.open.as_ref().is_some_and(|c| !c.recorded) {
            self.record_own(state, line);
        }
        self.open = None;
    }
}

/// Puts `C.N`, or `N`, with pytest-repeat's suffix folded away when `fold`, in `out`.
fn test_name(class: Option<Cow<'_, [u8]>>, name: Option<Cow<'_, [u8]>>, fold: bool, out: &mut Vec<u8>) {
    let name = name.unwrap_or_default();
    let name = if fold { super::pytest::fold_repeat(&name).0 } else { Cow::Borrowed(&*name) };
    out.clear();
    if let Some(class) = class.filter(|c| !c.is_empty()) {
        out.extend_from_slice(&class);
        out.push(b'.');
    }
    out.extend_from_slice(&name);
}

/// The value of attribute `key` in `attrs`, its entities decoded.
fn attr<'a>(attrs: &'a [u8], key: &[u8]) -> Option<Cow<'a, [u8]>> {
    let [value] = attrs_named(attrs, [key]);
    value
}

/// The values of the attributes `keys` in `attrs`, each its entities decoded, read in one pass
/// over the markup (a `<testcase>` is asked five, and GoogleTest writes `classname` last). A key
/// given twice has its first value; the markup is read up to anything that is no `key="value"`
/// or `key='value'`, and keys not found by then have none.
fn attrs_named<'a, const N: usize>(attrs: &'a [u8], keys: [&[u8]; N]) -> [Option<Cow<'a, [u8]>>; N] {
    let mut values = [const { None }; N];
    let mut missing = N;
    let mut rest = attrs;
    while missing > 0 {
        rest = rest.trim_ascii_start();
        let Some(eq) = find_byte(b'=', rest) else { break };
        let k = rest[..eq].trim_ascii();
        let after = rest[eq + 1..].trim_ascii_start();
        let Some(&quote) = after.first().filter(|&&q| q == b'"' || q == b'\'') else { break };
        let Some(end) = memchr::memchr(quote, &after[1..]) else { break };
        let value = &after[1..1 + end];
        if let Some(i) = keys.iter().position(|&key| key == k)
            && values[i].is_none()
        {
            values[i] = Some(match memchr::memchr(b'&', value) {
                None => Cow::Borrowed(value),
                Some(_) => Cow::Owned(unescape(value)),
            });
            missing -= 1;
        }
        rest = &after[end + 2..];
    }
    values
}

/// XML's five entities and character references; anything else is left as it is.
fn unescape(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'&'
            && let Some(semi) = v[i..].iter().take(12).position(|&b| b == b';')
        {
            let entity = &v[i + 1..i + semi];
            let ch = match entity {
                b"lt" => Some('<'),
                b"gt" => Some('>'),
                b"amp" => Some('&'),
                b"quot" => Some('"'),
                b"apos" => Some('\''),
                _ => entity.strip_prefix(b"#").and_then(|n| {
                    let n = std::str::from_utf8(n).ok()?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)
                }),
            };
            if let Some(c) = ch {
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                i += semi + 1;
                continue;
            }
        }
        out.push(v[i]);
        i += 1;
    }
    out
}

/// What a markup's first bytes say it is.
enum Opening {
    /// A tag: its attributes' quotes count.
    Plain,
    /// A comment, CDATA or a processing instruction, passed over until this end.
    Skip(&'static [u8]),
    /// A DOCTYPE.
    Doctype,
}

/// What the markup gathered after a `<` is, or `None` while more bytes are needed to tell.
fn opening(t: &[u8]) -> Option<Opening> {
    // Most markup is a tag, told by its first byte without comparing any opening.
    match t.first() {
        None => return None,
        Some(b'!' | b'?') => {}
        Some(_) => return Some(Opening::Plain),
    }
    const SKIPPED: [(&[u8], &[u8]); 3] = [(b"!--", b"-->"), (b"![CDATA[", b"]]>"), (b"?", b"?>")];
    for (start, end) in SKIPPED {
        if t.starts_with(start) {
            return Some(Opening::Skip(end));
        }
        if start.starts_with(t) {
            return None;
        }
    }
    match t {
        [b'!', second, ..] if !b"-[".contains(second) => Some(Opening::Doctype),
        _ => Some(Opening::Plain),
    }
}

/// The quote the markup `t` ends inside, if any.
fn quote_after(t: &[u8]) -> Option<u8> {
    t.iter().fold(None, |quote, &b| match quote {
        Some(q) if q == b => None,
        None if b == b'"' || b == b'\'' => Some(b),
        q => q,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FileParser, LogFormat, Options, Summary, TestStats};

    /// `xml` read as JUnit whole, and in slices of every size up to 40, which must agree.
    fn read(xml: &str) -> Summary {
        let options = Options { format: Some(LogFormat::Junit), ..Options::default() };
        let parse = |chunk: usize| {
            let mut p = FileParser::new("t.xml", options.clone());
            for piece in xml.as_bytes().chunks(chunk) {
                p.feed(piece);
            }
            p.finish()
        };
        let whole = parse(xml.len().max(1));
        for chunk in 1..=40 {
            assert_eq!(parse(chunk), whole, "slices of {chunk}");
        }
        whole
    }

    fn test<'a>(s: &'a Summary, name: &str) -> &'a TestStats {
        s.tests().iter().find(|t| &*t.name == name).unwrap_or_else(|| panic!("no test {name}"))
    }

    /// A test's runs per class (passed, failed, skipped) and its words.
    fn runs(s: &Summary, name: &str) -> ((u64, u64, u64), Vec<(String, u64)>) {
        let t = test(s, name);
        let words = t.results.iter().map(|(w, n)| (w.to_owned(), n)).collect();
        ((t.counts.passed, t.counts.failed, t.counts.skipped), words)
    }

    fn words(list: &[(&str, u64)]) -> Vec<(String, u64)> {
        list.iter().map(|&(w, n)| (w.to_owned(), n)).collect()
    }

    /// The iterations a test failed in, and those it passed in (indexes).
    fn failed_and_passed(s: &Summary, name: &str) -> (Vec<u32>, Vec<u32>) {
        let t = test(s, name);
        let n = s.iterations().len() as u32;
        (
            (0..n).filter(|&i| t.by_iteration.at(i).failed > 0).collect(),
            (0..n).filter(|&i| t.by_iteration.at(i).passed > 0).collect(),
        )
    }

    /// Disabled cases counted as passed (issue 24): GoogleTest's `DISABLED_` tests and
    /// `status="disabled"` ones did not run, whatever their children say.
    #[test]
    fn disabled_cases_are_skipped_whatever_their_children() {
        let s = read(
            r#"<testsuite>
<testcase name="DISABLED_a" status="notrun" result="suppressed" time="0" classname="G"/>
<testcase name="b" status="disabled"><failure message="not this"/></testcase>
<testcase name="c" result="SUPPRESSED"></testcase>
<testcase name="d" status="disabled"><flakyFailure message="nor this"/></testcase>
<testcase name="DISABLED_e" status="run" result="completed" classname="G"/>
</testsuite>"#,
        );
        for name in ["G.DISABLED_a", "b", "c", "d"] {
            assert_eq!(runs(&s, name), ((0, 0, 1), words(&[("DISABLED", 1)])), "{name}");
            assert!(test(&s, name).durations().is_none(), "{name}: it did not run");
        }
        // --gtest_also_run_disabled_tests: it ran.
        assert_eq!(runs(&s, "G.DISABLED_e"), ((1, 0, 0), words(&[("PASSED", 1)])));
        assert!(s.failure_groups().is_empty());
    }

    /// `<skipped/>` before `<failure>` hid the failure (issue 24): GoogleTest writes a skip, then
    /// a failure in `TearDown`, in that order, and counts the test failed.
    #[test]
    fn a_failure_after_a_skip_is_not_hidden() {
        let s = read(
            r#"<testsuite>
<testcase name="a"><skipped message="skip"/><failure message="then failed"/></testcase>
<testcase name="b"><skipped/><error message="broke"/><failure message="failed"/></testcase>
<testcase name="c"><failure message="first"/><skipped/><error message="second"/></testcase>
<testcase name="d"><skipped message="only skipped"/></testcase>
</testsuite>"#,
        );
        assert_eq!(runs(&s, "a"), ((0, 1, 0), words(&[("FAILED", 1)])));
        assert_eq!(runs(&s, "b"), ((0, 1, 0), words(&[("ERROR", 1)])), "the first failure or error");
        assert_eq!(runs(&s, "c"), ((0, 1, 0), words(&[("FAILED", 1)])));
        assert_eq!(runs(&s, "d"), ((0, 0, 1), words(&[("SKIPPED", 1)])));
        let mut reasons: Vec<String> = s.failure_groups().iter().map(|g| g.example.to_string()).collect();
        reasons.sort();
        assert_eq!(reasons, ["broke", "first", "then failed"]);
    }

    /// GoogleTest's `result="skipped"` decides only where no child does.
    #[test]
    fn attributes_decide_only_without_a_child() {
        let s = read(
            r#"<testsuite>
<testcase name="a" status="run" result="skipped"/>
<testcase name="b" status="run" result="skipped"><failure message="x"/></testcase>
<testcase name="c" status="run" result="completed"><skipped/></testcase>
<testcase name="d" status="run" result="completed"/>
</testsuite>"#,
        );
        assert_eq!(runs(&s, "a"), ((0, 0, 1), words(&[("SKIPPED", 1)])));
        assert_eq!(runs(&s, "b"), ((0, 1, 0), words(&[("FAILED", 1)])));
        assert_eq!(runs(&s, "c"), ((0, 0, 1), words(&[("SKIPPED", 1)])));
        assert_eq!(runs(&s, "d"), ((1, 0, 0), words(&[("PASSED", 1)])));
    }

    /// Surefire's retries (`rerunFailingTestsCount`) were lost (issue 24): each is a run of its
    /// own, in the order they ran, which is the document's, located where its element ends.
    #[test]
    fn surefire_retries_are_runs_of_their_own() {
        let xml = r#"<testsuite>
<testcase name="flaky" classname="C" time="0.5">
  <flakyFailure message="first try" type="AssertionError">
    <stackTrace>at C.flaky</stackTrace>
  </flakyFailure>
  <flakyError message="second try"><stackTrace/></flakyError>
  <system-out>passed</system-out>
</testcase>
<testcase name="broken" classname="C" time="0.25">
  <failure message="first run">trace</failure>
  <system-out>first</system-out>
  <rerunFailure message="second run"><stackTrace/></rerunFailure>
  <rerunError message="third run"/>
</testcase>
<testcase name="plain" classname="C"/>
</testsuite>"#;
        let s = read(xml);
        let flaky = test(&s, "C.flaky");
        assert_eq!(runs(&s, "C.flaky"), ((1, 2, 0), words(&[("FLAKY ERROR", 1), ("FLAKY FAILURE", 1), ("PASSED", 1)])));
        // A test's k-th run in a file is iteration k: the tries, then the run that passed.
        assert_eq!(failed_and_passed(&s, "C.flaky"), (vec![0, 1], vec![2]));
        assert!(flaky.flaky());
        // `time` is the duration of the case's own run: Surefire's is the run that passed.
        let d = flaky.durations().unwrap();
        assert_eq!((d.runs(), d.total()), (1, 500_000));
        assert_eq!(
            runs(&s, "C.broken"),
            ((0, 3, 0), words(&[("FAILED", 1), ("RERUN ERROR", 1), ("RERUN FAILURE", 1)]))
        );
        assert_eq!(failed_and_passed(&s, "C.broken"), (vec![0, 1, 2], vec![]));
        assert_eq!(test(&s, "C.broken").durations().map(|d| (d.runs(), d.total())), Some((1, 250_000)));
        assert_eq!(runs(&s, "C.plain"), ((1, 0, 0), words(&[("PASSED", 1)])));
        assert_eq!(s.totals().missing, 0);
        assert_eq!(s.orphan_results(), 0);
        // Each try's reason is its own message.
        let mut reasons: Vec<String> = s.failure_groups().iter().map(|g| g.example.to_string()).collect();
        reasons.sort();
        assert_eq!(reasons, ["first run", "first try", "second run", "second try", "third run"]);
        // Each failed run spans its lines: a try from where the previous run ended to its own
        // end; the case's own failed run ends where its first rerun starts.
        let line_of = |needle: &str| xml[..xml.find(needle).unwrap()].matches('\n').count() as u64 + 1;
        let start_of =
            |line: u64| xml.split_inclusive('\n').take(line as usize - 1).map(str::len).sum::<usize>() as u64;
        let spans = |name: &str| -> Vec<(u64, u64)> {
            test(&s, name).failed_runs().first().iter().map(|r| (r.opened, r.closed)).collect()
        };
        assert_eq!(
            spans("C.flaky"),
            [
                (start_of(line_of(r#"name="flaky""#)), start_of(line_of("</flakyFailure>"))),
                (start_of(line_of("</flakyFailure>")), start_of(line_of("<flakyError"))),
            ]
        );
        assert_eq!(
            spans("C.broken"),
            [
                (start_of(line_of(r#"name="broken""#)), start_of(line_of("<rerunFailure"))),
                (start_of(line_of("<rerunFailure")), start_of(line_of("</rerunFailure>"))),
                (start_of(line_of("<rerunError")), start_of(line_of("<rerunError"))),
            ]
        );
    }

    #[test]
    fn attributes_and_entities() {
        let attrs = br#" classname="a.B" name='t&lt;1&gt;' message="x &amp; y&#10;z&#x41;" "#;
        let attr = |attrs, key| attr(attrs, key).map(Cow::into_owned);
        assert_eq!(attr(attrs, b"classname").as_deref(), Some(&b"a.B"[..]));
        assert_eq!(attr(attrs, b"name").as_deref(), Some(&b"t<1>"[..]));
        assert_eq!(attr(attrs, b"message").as_deref(), Some(&b"x & y\nzA"[..]));
        assert_eq!(attr(attrs, b"time"), None);
        assert_eq!(unescape(b"&unknown; &"), b"&unknown; &");
    }

    /// The simplest reading of one attribute, scanning for it alone: the reference the one-pass
    /// reading of several is checked against.
    fn reference_attr(attrs: &[u8], key: &[u8]) -> Option<Vec<u8>> {
        let mut rest = attrs;
        loop {
            rest = rest.trim_ascii_start();
            let eq = rest.iter().position(|&b| b == b'=')?;
            let after = rest[eq + 1..].trim_ascii_start();
            let quote = *after.first().filter(|&&q| q == b'"' || q == b'\'')?;
            let end = after[1..].iter().position(|&b| b == quote)?;
            if rest[..eq].trim_ascii() == key {
                return Some(unescape(&after[1..1 + end]));
            }
            rest = &after[end + 2..];
        }
    }

    proptest::proptest! {
        /// Markup of keys, values, quotes, spaces, `=` and entities in any order, well formed or
        /// not, asked five keys at once: each value is the one asked alone.
        #[test]
        fn attributes_read_in_one_pass_are_those_read_one_at_a_time(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(" ".to_owned()),
                    proptest::strategy::Just("=".to_owned()),
                    proptest::strategy::Just("\"".to_owned()),
                    proptest::strategy::Just("'".to_owned()),
                    proptest::strategy::Just("&amp;".to_owned()),
                    proptest::strategy::Just("&#x41;".to_owned()),
                    "(name|classname|time|status|result|file|x)=\"[a-z0-9 .&;]{0,6}\"",
                    "(name|classname|time) = '[a-z0-9 \"]{0,6}'",
                    "[a-z]{1,4}",
                ],
                0..12,
            )
        ) {
            let markup = parts.concat();
            let keys: [&[u8]; 5] = [b"classname", b"name", b"time", b"status", b"result"];
            let together = attrs_named(markup.as_bytes(), keys).map(|v| v.map(Cow::into_owned));
            let alone = keys.map(|k| reference_attr(markup.as_bytes(), k));
            proptest::prop_assert_eq!(together, alone, "{:?}", markup);
        }
    }

    #[test]
    fn names_fold_pytest_repeat() {
        let name = |class: Option<&'static [u8]>, name: &'static [u8]| {
            let mut out = Vec::new();
            test_name(class.map(Cow::Borrowed), Some(Cow::Borrowed(name)), true, &mut out);
            out
        };
        assert_eq!(name(Some(b"test_suite"), b"test_flaky[3-6]"), b"test_suite.test_flaky");
        assert_eq!(name(None, b"works"), b"works");
    }

    #[test]
    fn a_repeat_is_told_by_every_case_carrying_its_suffix() {
        let case = |n: &str| format!("<testcase classname=\"t\" name=\"{n}\" time=\"0\"/>");
        let report = |names: &[&str]| {
            let cases: String = names.iter().map(|n| case(n)).collect();
            format!("<testsuites><testsuite name=\"pytest\"><testcases/>{cases}</testsuite></testsuites>")
        };
        assert!(repeats(report(&["test_a[1-2]", "test_a[2-2]", "test_b[x-1-2]"]).as_bytes()));
        // A parametrized id among other tests is its parameters.
        assert!(!repeats(report(&["test_equals[1-2]", "test_equals[2-2]", "test_a"]).as_bytes()));
        assert!(!repeats(report(&[]).as_bytes()));
    }
}
