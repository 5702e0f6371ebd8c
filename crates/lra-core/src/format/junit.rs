//! JUnit XML, as every CI system and most runners write it (docs/design.md, "The test runners'
//! formats"), read as a stream: only the markup of one tag is held at a time, whatever the size
//! of the file or of a test's captured output; comments, CDATA, processing instructions and the
//! DOCTYPE are passed over without being held, and no DTD or entity is expanded.
//!
//! - `<testcase classname="C" name="N">` opens the test `C.N` (`N` when there is no class name),
//!   with pytest-repeat's `[K-N]` folded away as in pytest's own format.
//! - Its `<failure>` makes the run failed (word `FAILED`), `<error>` failed (word `ERROR`), and
//!   `<skipped>` skipped (word `SKIPPED`); the first such child's `message` is the reason.
//!   Without one it passed (word `PASSED`). `</testcase>`, or the `/>` of an empty one, closes it.
//! - Its `time` attribute, in seconds, is the run's duration.
//! - JUnit has no iteration lines: a test's k-th run in a file counts in iteration `k`.

use std::borrow::Cow;

use crate::class::Class;
use crate::extract::LineEvents;
use crate::partial::Partial;
use crate::scan::count_lines;
use crate::stamps;
use crate::summary::LineStart;

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

/// A test case's outcome from its children: the word, its class and the reason.
type Outcome = (&'static [u8], Class, Vec<u8>);

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
    /// A test case is open: the outcome its children gave so far.
    open: Option<Option<Outcome>>,
    /// The open test case's `time`, in microseconds.
    time: Option<u64>,
    /// A test case's name as it is put together, kept to reuse its allocation.
    name: Vec<u8>,
    /// The file's first [`LEAD_LEN`] bytes, to tell a report `lra` wrote.
    lead: Vec<u8>,
}

/// `lra`'s own JUnit report says so within this many first bytes.
const LEAD_LEN: usize = 512;

impl JunitReader {
    /// Whether the file is a report `lra --format junit` wrote from a summary, by the mark its
    /// opening comment holds.
    pub(crate) fn written_by_lra(&self) -> bool {
        memchr::memmem::find(&self.lead, crate::junit_report::JUNIT_REPORT_MARK.as_bytes()).is_some()
    }

    /// Reads the next bytes; `state.lines` counts their line ends.
    pub(crate) fn feed(&mut self, bytes: &[u8], state: &mut Partial) {
        if self.lead.len() < LEAD_LEN {
            self.lead.extend_from_slice(&bytes[..bytes.len().min(LEAD_LEN - self.lead.len())]);
        }
        self.scanned = 0;
        self.read(bytes, state);
        self.line_start_before(bytes, bytes.len());
        self.fed += bytes.len() as u64;
    }

    /// Moves `line_start` up to the last line start in `bytes[..to]`, looking only at what was
    /// not looked at before: a file of one long line costs one pass, not one per tag.
    fn line_start_before(&mut self, bytes: &[u8], to: usize) {
        if let Some(j) = memchr::memrchr(b'\n', &bytes[self.scanned..to]) {
            self.line_start = self.fed + (self.scanned + j + 1) as u64;
        }
        self.scanned = to;
    }

    fn read(&mut self, bytes: &[u8], state: &mut Partial) {
        let mut at = 0;
        while at < bytes.len() {
            match &mut self.state {
                In::Text => match memchr::memchr(b'<', &bytes[at..]) {
                    None => {
                        state.lines += count_lines(&bytes[at..]);
                        return;
                    }
                    Some(i) => {
                        state.lines += count_lines(&bytes[at..at + i]);
                        self.line_start_before(bytes, at + i);
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
                test_name(attr(attrs, b"classname"), attr(attrs, b"name"), &mut self.name);
                self.time = attr(attrs, b"time").and_then(|t| stamps::seconds(&t));
                state.apply(LineEvents { test: Some(Cow::Borrowed(&self.name)), ..LineEvents::default() }, line);
                self.open = Some(None);
                if empty {
                    self.close(state, line);
                }
            }
            (true, b"testcase") => self.close(state, line),
            (false, b"failure" | b"error" | b"skipped") => {
                if let Some(outcome @ None) = &mut self.open {
                    let (word, class): (&'static [u8], Class) = match name {
                        b"failure" => (b"FAILED", Class::Failed),
                        b"error" => (b"ERROR", Class::Failed),
                        _ => (b"SKIPPED", Class::Skipped),
                    };
                    *outcome = Some((word, class, attr(attrs, b"message").unwrap_or_default().into_owned()));
                }
            }
            _ => {}
        }
        self.tag = markup;
    }

    fn close(&mut self, state: &mut Partial, line: LineStart) {
        if let Some(outcome) = self.open.take() {
            let (word, class, reason) = outcome.unwrap_or((b"PASSED", Class::Passed, Vec::new()));
            let result = Some((Cow::Borrowed(word), Cow::Owned(reason), class));
            state.apply(LineEvents { result, duration: self.time, ..LineEvents::default() }, line);
        }
    }
}

/// Puts `C.N`, or `N`, with pytest-repeat's suffix folded away, in `out`.
fn test_name(class: Option<Cow<'_, [u8]>>, name: Option<Cow<'_, [u8]>>, out: &mut Vec<u8>) {
    let name = name.unwrap_or_default();
    let (name, _) = super::pytest::fold_repeat(&name);
    out.clear();
    if let Some(class) = class.filter(|c| !c.is_empty()) {
        out.extend_from_slice(&class);
        out.push(b'.');
    }
    out.extend_from_slice(&name);
}

/// The value of attribute `key` in `attrs`, its entities decoded.
fn attr<'a>(attrs: &'a [u8], key: &[u8]) -> Option<Cow<'a, [u8]>> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_ascii_start();
        let eq = memchr::memchr(b'=', rest)?;
        let k = rest[..eq].trim_ascii();
        let after = rest[eq + 1..].trim_ascii_start();
        let quote = *after.first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let end = memchr::memchr(quote, &after[1..])?;
        let value = &after[1..1 + end];
        if k == key {
            return Some(match memchr::memchr(b'&', value) {
                None => Cow::Borrowed(value),
                Some(_) => Cow::Owned(unescape(value)),
            });
        }
        rest = &after[end + 2..];
    }
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

    #[test]
    fn names_fold_pytest_repeat() {
        let name = |class: Option<&'static [u8]>, name: &'static [u8]| {
            let mut out = Vec::new();
            test_name(class.map(Cow::Borrowed), Some(Cow::Borrowed(name)), &mut out);
            out
        };
        assert_eq!(name(Some(b"test_suite"), b"test_flaky[3-6]"), b"test_suite.test_flaky");
        assert_eq!(name(None, b"works"), b"works");
    }
}
