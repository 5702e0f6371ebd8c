//! What one line says: the markers of docs/design.md §1.2, read in the order Iteration, Test, Result.

use std::borrow::Cow;

use crate::base::cut::{CutBuilder, cut_string};
use crate::base::markers::Markers;
use crate::base::options::{NameMode, Options};
use crate::base::text::{Text, lossy};
use crate::model::class::Class;
use crate::read::stamps::{self, Stamp};

/// The markers found on one line.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct LineEvents<'a> {
    /// `Iteration ` was found; its label (possibly empty).
    pub(crate) iteration: Option<Text<'a>>,
    /// `Test: ` was found; the test's name.
    pub(crate) test: Option<Text<'a>>,
    /// The test's name as a summary keeps it (`crate::base::cut`), when it is read from past the line
    /// limit (then `test` is empty): a name not ended within the limit runs to the line's end.
    pub(crate) test_kept: Option<String>,
    /// `Result: ` was found; its uppercased word (empty when there is none), the bytes after it,
    /// and the word's class.
    pub(crate) result: Option<(Text<'a>, Text<'a>, Class)>,
    /// The test the result names, for a runner whose result lines name their test (GoogleTest):
    /// the result then closes only the open test of that name (docs/design.md, "The test
    /// runners' formats").
    pub(crate) names: Option<Text<'a>>,
    /// The line is longer than the limit and a marker occurs past it, so that marker was ignored.
    pub(crate) cut_marker: bool,
    /// The run's duration as the result states it, in microseconds (`crate::read::stamps`).
    pub(crate) duration: Option<u64>,
    /// The timestamp the line starts with, for a line that opens or closes a run.
    pub(crate) stamp: Option<Stamp>,
}

/// Where each marker first occurs in a line, as found by the caller's scan.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Hits {
    pub(crate) iteration: Option<usize>,
    pub(crate) test: Option<usize>,
    pub(crate) result: Option<usize>,
}

impl Hits {
    /// Searches `line` for each marker.
    pub(crate) fn find(line: &[u8], markers: &Markers) -> Hits {
        let mut scratch = Vec::new();
        let hay = markers.matchable(line, &mut scratch);
        Hits {
            iteration: markers.iteration_finder().find(hay),
            test: markers.test_finder().find(hay),
            result: markers.result_finder().find(hay),
        }
    }
}

/// Reads one line (without its `\n`). Only the first `max_line` bytes are read for markers.
#[cfg(test)]
pub(crate) fn extract<'a>(line: &'a [u8], options: &Options) -> LineEvents<'a> {
    extract_at(line, Hits::find(line, &options.markers), options)
}

/// Reads one line (without its `\n`) whose first marker positions are `hits`.
pub(crate) fn extract_at<'a>(line: &'a [u8], hits: Hits, options: &Options) -> LineEvents<'a> {
    let (markers, max_line) = (&options.markers, options.max_line);
    let (test_len, result_len) = (markers.test().len(), markers.result().len());
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut hits = hits;
    let mut events = LineEvents::default();
    let whole = Some(line);
    let line = if line.len() > max_line {
        // A marker that does not lie wholly within the first `max_line` bytes is past the limit.
        let from = max_line.saturating_sub(markers.longest() - 1);
        events.cut_marker = markers.any_in(&line[from..]);
        let kept = &line[..max_line];
        hits = Hits::find(kept, markers);
        kept
    } else {
        line
    };
    if let Some(i) = hits.iteration {
        events.iteration = Some(first_token(&line[i + markers.iteration().len()..]));
    }
    if let Some(t) = hits.test {
        let rest = &line[t + test_len..];
        // The name ends before the first result marker after the test marker.
        let cut = match hits.result {
            None => None,
            Some(r) if r >= t + test_len => Some(r - t - test_len),
            Some(_) => Hits::find(rest, markers).result,
        };
        if cut.is_none()
            && let Some(whole) = whole.filter(|w| w.len() > max_line)
        {
            // Not ended within the limit: the name runs on to the line's end, whatever markers
            // lie past the limit. Kept cut, so that only its first bytes and hash stay.
            let rest = &whole[t + test_len..];
            let name = match options.name_mode {
                NameMode::Line => trimmed(rest),
                NameMode::FirstWord => first_token(rest),
            };
            events.test = Some(Cow::Borrowed(b""));
            events.test_kept = Some(cut_string(lossy(&name).into_owned()));
        } else {
            let rest = cut.map_or(rest, |c| &rest[..c]);
            events.test = Some(match options.name_mode {
                NameMode::Line => trimmed(rest),
                NameMode::FirstWord => first_token(rest),
            });
        }
    }
    if let Some(r) = hits.result {
        let (word, detail) = split_first_token(&line[r + result_len..]);
        let detail = match stamps::cut_elapsed_text(detail) {
            Ok((us, rest)) => {
                events.duration = Some(us);
                rest
            }
            Err(detail) => detail,
        };
        let word = uppercase(word);
        let class = Class::of_word_bytes(&word);
        events.result = Some((word, detail, class));
    }
    events.read_stamp(line);
    events
}

/// The two commonest marker lines, read without the general event: a line whose only marker
/// is a test's, or a result's, within the line limit, whose name or word needs no decoding and
/// whose result states no duration. Each reads as [`extract_at`] reads it.
pub(crate) enum Plain<'a> {
    /// The test's name.
    Test(&'a [u8]),
    /// The result's word (upper case already), the bytes after it, and the word's class.
    Result { word: &'a [u8], detail: &'a [u8], class: Class },
}

/// The line (without its `\n`) as a [`Plain`] line, and the timestamp it starts with; `None`
/// when it is another line.
#[inline]
pub(crate) fn plain<'a>(line: &'a [u8], hits: Hits, options: &Options) -> Option<(Plain<'a>, Option<Stamp>)> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() > options.max_line || hits.iteration.is_some() {
        return None;
    }
    let markers = &options.markers;
    let found = match (hits.test, hits.result) {
        (Some(t), None) => {
            let rest = &line[t + markers.test().len()..];
            Plain::Test(match options.name_mode {
                // A name with no space at either end is its own trim: no loop over it.
                NameMode::Line if rest.first().zip(rest.last()).is_some_and(|(&a, &b)| is_inner(a) && is_inner(b)) => {
                    rest
                }
                NameMode::Line => ascii_trim(rest)?,
                NameMode::FirstWord => ascii_token(rest).map(|(a, b)| &rest[a..b])?,
            })
        }
        (None, Some(r)) => {
            let rest = &line[r + markers.result().len()..];
            // The commonest result: one known word, and nothing after it.
            if let Some(class) = Class::of_known_word(rest) {
                return Some((Plain::Result { word: rest, detail: b"", class }, stamps::leading(line)));
            }
            let (a, b) = ascii_token(rest)?;
            let (word, detail) = (&rest[a..b], &rest[b..]);
            if word.iter().any(u8::is_ascii_lowercase) || stamps::cut_elapsed(detail).is_some() {
                return None;
            }
            Plain::Result { word, detail, class: Class::of_word_bytes(word) }
        }
        _ => return None,
    };
    Some((found, stamps::leading(line)))
}

impl LineEvents<'_> {
    /// Keeps the timestamp `line` (without its `\n` and `\r`) starts with, when the line opens
    /// or closes a run: only those lines' stamps time a run.
    pub(crate) fn read_stamp(&mut self, line: &[u8]) {
        if self.test.is_some() || self.result.is_some() {
            self.stamp = stamps::leading(line);
        }
    }
}

/// Applies `f` to the decoded text, for the rare text where the ASCII fast paths cannot decide.
fn decoded(bytes: &[u8], f: impl FnOnce(&str) -> &str) -> Text<'_> {
    Cow::Owned(f(&lossy(bytes)).as_bytes().to_vec())
}

/// The text, trimmed of Unicode whitespace as `str::trim` does.
fn trimmed(bytes: &[u8]) -> Text<'_> {
    match ascii_trim(bytes) {
        Some(t) => Cow::Borrowed(t),
        None => decoded(bytes, str::trim),
    }
}

/// The first whitespace-separated token, as `str::split_whitespace` gives it.
fn first_token(bytes: &[u8]) -> Text<'_> {
    match ascii_token(bytes) {
        Some((a, b)) => Cow::Borrowed(&bytes[a..b]),
        None => decoded(bytes, |s| {
            let (a, b) = slow_token(s);
            &s[a..b]
        }),
    }
}

/// The first token and the bytes after it.
fn split_first_token(bytes: &[u8]) -> (Text<'_>, Text<'_>) {
    match ascii_token(bytes) {
        Some((a, b)) => (Cow::Borrowed(&bytes[a..b]), Cow::Borrowed(&bytes[b..])),
        None => {
            let text = lossy(bytes);
            let (a, b) = slow_token(&text);
            (Cow::Owned(text[a..b].as_bytes().to_vec()), Cow::Owned(text[b..].as_bytes().to_vec()))
        }
    }
}

/// Whether `b` is ASCII above the space: neither whitespace nor part of a character that could
/// be.
fn is_inner(b: u8) -> bool {
    b > b' ' && b.is_ascii()
}

/// `char::is_whitespace` for ASCII, which unlike `u8::is_ascii_whitespace` includes VT.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// The first token's byte range when ASCII alone decides it; `None` when a non-ASCII byte could
/// be Unicode whitespace at a boundary.
fn ascii_token(b: &[u8]) -> Option<(usize, usize)> {
    let start = b.iter().position(|&c| !is_ascii_space(c)).unwrap_or(b.len());
    let len = b[start..].iter().position(|&c| c >= 0x80 || is_ascii_space(c)).unwrap_or(b.len() - start);
    let end = start + len;
    match b.get(end) {
        Some(&c) if c >= 0x80 => None,
        _ if b.get(start).is_some_and(|&c| c >= 0x80) => None,
        _ => Some((start, end)),
    }
}

/// The bytes trimmed of ASCII whitespace, when no non-ASCII byte is left at either edge.
fn ascii_trim(b: &[u8]) -> Option<&[u8]> {
    let start = b.iter().position(|&c| !is_ascii_space(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|&c| !is_ascii_space(c)).map_or(start, |i| i + 1);
    let t = &b[start..end.max(start)];
    match (t.first(), t.last()) {
        (Some(&f), Some(&l)) if f >= 0x80 || l >= 0x80 => None,
        _ => Some(t),
    }
}

fn slow_token(s: &str) -> (usize, usize) {
    let start = s.len() - s.trim_start().len();
    let end = s[start..].find(char::is_whitespace).map_or(s.len(), |e| start + e);
    (start, end)
}

fn uppercase(word: Text<'_>) -> Text<'_> {
    if word.iter().all(|b| b.is_ascii() && !b.is_ascii_lowercase()) {
        word
    } else {
        Cow::Owned(lossy(&word).to_uppercase().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(line: &str, mode: NameMode) -> LineEvents<'_> {
        extract(line.as_bytes(), &Options { max_line: usize::MAX, ..Options::with_name_mode(mode) })
    }

    #[test]
    fn test_and_result_on_one_line() {
        let e = ev("x Test: gamma one Result: pass now", NameMode::Line);
        assert_eq!(e.test.as_deref(), Some(&b"gamma one"[..]));
        let (w, d, _) = e.result.unwrap();
        assert_eq!((w.as_ref(), d.as_ref()), (&b"PASS"[..], &b" now"[..]));
    }

    #[test]
    fn first_word_mode() {
        let e = ev("# Test: Apples Test", NameMode::FirstWord);
        assert_eq!(e.test.as_deref(), Some(&b"Apples"[..]));
    }

    #[test]
    fn marker_past_the_line_limit_is_reported() {
        let e = extract(b"aaaaaaaaaaaaaaaaaaaaResult: PASS", &Options { max_line: 22, ..Options::default() });
        assert!(e.cut_marker);
        assert!(e.result.is_none());
    }
}

/// A test's name that runs past the line limit, read as its bytes stream by (docs/design.md §1,
/// "Names shown and kept"): decoded as rule 1 says, trimmed (line mode) or its first token
/// (first-word mode), and kept cut, never held whole. Fed the bytes after the test marker up to
/// the line's end (without its `\n`), it gives what [`extract_at`] gives for the whole line.
#[derive(Debug)]
pub(crate) struct NameStream {
    mode: NameMode,
    /// A non-whitespace character was seen.
    started: bool,
    /// First-word mode: the token ended.
    ended: bool,
    /// The end of an unfinished UTF-8 sequence, decoded once the next bytes come.
    carry: Vec<u8>,
    /// A `\r` held back: dropped if it ends the line.
    cr: bool,
    /// The text so far, from its first non-whitespace character.
    all: CutBuilder,
    /// The same, up to its last non-whitespace character (line mode's trailing trim).
    committed: CutBuilder,
}

impl NameStream {
    pub(crate) fn new(mode: NameMode) -> NameStream {
        NameStream {
            mode,
            started: false,
            ended: false,
            carry: Vec::new(),
            cr: false,
            all: CutBuilder::default(),
            committed: CutBuilder::default(),
        }
    }

    /// The name's next bytes.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() || self.ended {
            return;
        }
        if std::mem::take(&mut self.cr) {
            self.decode(b"\r");
        }
        let (bytes, cr) = match bytes.strip_suffix(b"\r") {
            Some(b) => (b, true),
            None => (bytes, false),
        };
        self.decode(bytes);
        self.cr = cr;
    }

    /// Decodes `bytes` after the carried ones, carrying an unfinished sequence at their end.
    fn decode(&mut self, bytes: &[u8]) {
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(bytes);
        let mut chunks = data.utf8_chunks().peekable();
        while let Some(chunk) = chunks.next() {
            self.text(chunk.valid());
            let invalid = chunk.invalid();
            if invalid.is_empty() {
                continue;
            }
            if chunks.peek().is_none() && unfinished(invalid) {
                self.carry = invalid.to_vec();
            } else {
                self.text("\u{FFFD}");
            }
        }
    }

    fn text(&mut self, s: &str) {
        if self.ended || s.is_empty() {
            return;
        }
        let s = if self.started { s } else { s.trim_start() };
        if s.is_empty() {
            return;
        }
        self.started = true;
        match self.mode {
            NameMode::FirstWord => match s.find(char::is_whitespace) {
                Some(end) => {
                    self.all.push(&s[..end]);
                    self.ended = true;
                }
                None => self.all.push(s),
            },
            NameMode::Line => match s.char_indices().rev().find(|(_, c)| !c.is_whitespace()) {
                Some((i, c)) => {
                    let end = i + c.len_utf8();
                    self.all.push(&s[..end]);
                    self.committed = self.all.clone();
                    self.all.push(&s[end..]);
                }
                None => self.all.push(s),
            },
        }
    }

    /// The name, at the line's end.
    pub(crate) fn finish(mut self) -> String {
        if !self.carry.is_empty() {
            self.carry.clear();
            self.text("\u{FFFD}");
        }
        match self.mode {
            NameMode::FirstWord => self.all.finish(),
            NameMode::Line => self.committed.finish(),
        }
    }
}

/// Whether `b` (1 to 3 bytes that did not decode) is the start of a UTF-8 sequence that more
/// bytes could finish.
fn unfinished(b: &[u8]) -> bool {
    let width = match b[0] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return false,
    };
    let second = match b[0] {
        0xE0 => 0xA0..=0xBF,
        0xED => 0x80..=0x9F,
        0xF0 => 0x90..=0xBF,
        0xF4 => 0x80..=0x8F,
        _ => 0x80..=0xBF,
    };
    b.len() < width && b.get(1).is_none_or(|c| second.contains(c)) && b.get(2).is_none_or(|c| (0x80..=0xBF).contains(c))
}
