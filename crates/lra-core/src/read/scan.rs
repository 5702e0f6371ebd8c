//! The fast path: find the rare marker lines in a run of whole lines without walking every line.
//!
//! Each marker has a SIMD substring finder that runs over the bytes; only the lines around a hit
//! are read. Between hits, newlines are just counted, to keep line numbers. The bytes are taken in
//! cache-sized blocks so that the three finders and the count read them from cache.

use memchr::memmem::{FindIter, Finder};

use crate::base::location::LineStart;
use crate::base::log_format::LogFormat;
use crate::base::options::Options;
use crate::base::text::count_lines;
use crate::read::extract::{Hits, LineEvents};
use crate::read::partial::{BlockLines, Lines, Partial};
use crate::read::prefix::runner_line;

/// Blocks of about this size stay in L2 while the finders pass over them.
const BLOCK: usize = 128 * 1024;

/// Parses `bytes`, which hold whole lines in `format`: each ends with `\n`, except perhaps the
/// last one when it is the end of the file.
pub(crate) fn scan(state: &mut Partial, bytes: &[u8], options: &Options, format: LogFormat) {
    if format != LogFormat::Markers {
        scan_runner(state, bytes, options, format);
        state.offset += bytes.len() as u64;
        return;
    }
    // The block as the finders match it, when the case is ignored.
    let mut folded = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let end = match bytes.get(start + BLOCK..) {
            Some(rest) => memchr::memchr(b'\n', rest).map_or(bytes.len(), |i| start + BLOCK + i + 1),
            None => bytes.len(),
        };
        let block = &bytes[start..end];
        let hay = options.markers.matchable(block, &mut folded);
        let markers = &options.markers;
        // The default markers get code of their own, with their texts known to the compiler:
        // this look back is the hottest code of the parse.
        match markers.shared_end() {
            Some(_) if markers.is_default() => {
                let ends = markers.shared_end().expect("the default markers share an end").find_iter(hay);
                scan_block(state, block, hay, options, DefaultMarkers { hay, ends })
            }
            Some(end) => {
                let (t, r) = (markers.test_finder().needle(), markers.result_finder().needle());
                let n = end.needle().len();
                let found =
                    SharedEnd { hay, ends: end.find_iter(hay), test: &t[..t.len() - n], result: &r[..r.len() - n] };
                scan_block(state, block, hay, options, found)
            }
            None => {
                let found = Apart {
                    tests: Peeked::new(markers.test_finder(), hay),
                    results: Peeked::new(markers.result_finder(), hay),
                };
                scan_block(state, block, hay, options, found)
            }
        }
        start = end;
    }
}

/// `bytes` is the block, `hay` the same bytes as the finders match them (ASCII-lowercased when
/// the case is ignored, so that every position is the same in both).
fn scan_block(
    state: &mut Partial,
    bytes: &[u8],
    hay: &[u8],
    options: &Options,
    mut tests_and_results: impl Iterator<Item = (Marker, usize)>,
) {
    let mut iterations = options.markers.iteration_finder().find_iter(hay);
    let mut next_iteration = iterations.next();
    let mut next_marker = tests_and_results.next();
    // Lines are counted only where a location needs their number.
    let mut block = BlockLines::new(bytes, state.lines, state.offset);
    let mut pos = 0;
    loop {
        let hit = match (next_iteration, next_marker) {
            (Some(i), Some((_, m))) => i.min(m),
            (Some(i), None) => i,
            (None, Some((_, m))) => m,
            (None, None) => break,
        };
        let line_start = line_start(bytes, pos, hit);
        let line_end = line_end(bytes, hit);
        let mut hits = Hits::default();
        if let Some(i) = next_iteration.filter(|&i| i < line_end) {
            hits.iteration = Some(i - line_start);
            next_iteration = iterations.find(|&i| i > line_end);
        }
        while let Some((marker, m)) = next_marker.filter(|&(_, m)| m < line_end) {
            let first = match marker {
                Marker::Test => &mut hits.test,
                Marker::Result => &mut hits.result,
            };
            first.get_or_insert(m - line_start);
            next_marker = tests_and_results.next();
        }
        let mut line = Lines::Lazy { block: &mut block, at: line_start };
        state.line(&bytes[line_start..line_end], hits, &mut line, options);
        if line_end == bytes.len() {
            break;
        }
        pos = line_end + 1;
    }
    state.end_block(block);
}

/// Where the line holding `hit` starts, the line at `pos` being the first it can be.
fn line_start(bytes: &[u8], pos: usize, hit: usize) -> usize {
    memchr::memrchr(b'\n', &bytes[pos..hit]).map_or(pos, |i| pos + i + 1)
}

/// Where the line holding `hit` ends: its `\n`, or the end of the bytes.
fn line_end(bytes: &[u8], hit: usize) -> usize {
    memchr::memchr(b'\n', &bytes[hit..]).map_or(bytes.len(), |i| hit + i)
}

#[derive(Clone, Copy)]
enum Marker {
    Test,
    Result,
}

/// The default markers: `Test: ` and `Result: ` both end in `t: `, so one finder for that, then a
/// look back, costs one pass over the bytes instead of two.
struct DefaultMarkers<'h> {
    hay: &'h [u8],
    ends: FindIter<'h, 'h>,
}

impl Iterator for DefaultMarkers<'_> {
    type Item = (Marker, usize);

    fn next(&mut self) -> Option<(Marker, usize)> {
        for p in self.ends.by_ref() {
            // A block starts at a line start, so a marker cannot begin before it.
            if p >= 3 && &self.hay[p - 3..p] == b"Tes" {
                return Some((Marker::Test, p - 3));
            }
            if p >= 5 && &self.hay[p - 5..p] == b"Resul" {
                return Some((Marker::Result, p - 5));
            }
        }
        None
    }
}

/// Custom markers that share an end, found the same way: `test` and `result` are what comes
/// before the end.
struct SharedEnd<'h> {
    hay: &'h [u8],
    ends: FindIter<'h, 'h>,
    test: &'h [u8],
    result: &'h [u8],
}

impl Iterator for SharedEnd<'_> {
    type Item = (Marker, usize);

    fn next(&mut self) -> Option<(Marker, usize)> {
        for p in self.ends.by_ref() {
            if p >= self.test.len() && self.hay[p - self.test.len()..p] == *self.test {
                return Some((Marker::Test, p - self.test.len()));
            }
            if p >= self.result.len() && self.hay[p - self.result.len()..p] == *self.result {
                return Some((Marker::Result, p - self.result.len()));
            }
        }
        None
    }
}

/// Markers with nothing in common: two finders, merged by position.
struct Apart<'h> {
    tests: Peeked<'h>,
    results: Peeked<'h>,
}

impl Iterator for Apart<'_> {
    type Item = (Marker, usize);

    fn next(&mut self) -> Option<(Marker, usize)> {
        match (self.tests.next, self.results.next) {
            (Some(t), Some(r)) if r < t => self.results.take().map(|r| (Marker::Result, r)),
            (Some(_), _) => self.tests.take().map(|t| (Marker::Test, t)),
            (None, Some(_)) => self.results.take().map(|r| (Marker::Result, r)),
            (None, None) => None,
        }
    }
}

/// A finder's iterator with its next hit taken out.
struct Peeked<'h> {
    next: Option<usize>,
    rest: FindIter<'h, 'h>,
}

impl<'h> Peeked<'h> {
    fn new(finder: &'h Finder<'static>, hay: &'h [u8]) -> Peeked<'h> {
        let mut rest = finder.find_iter(hay);
        Peeked { next: rest.next(), rest }
    }

    fn take(&mut self) -> Option<usize> {
        let at = self.next;
        self.next = self.rest.next();
        at
    }
}

/// A runner's format: the lines around its needles' hits are read by the format. Lines with no
/// events are offered as the open test's output while it has none (see [`read_runner_line`]).
fn scan_runner(state: &mut Partial, bytes: &[u8], options: &Options, format: LogFormat) {
    if crate::read::prefix::first_escape(bytes).is_some() {
        // Colour codes may fall inside a needle (`]\x1b[m `): every line is read, as the format
        // reads it once they are gone.
        return read_every_line(state, bytes, options, format);
    }
    let mut hits: Vec<usize> = Vec::new();
    for needle in format.needles() {
        hits.extend(needle.find_iter(bytes));
    }
    hits.sort_unstable();
    let messages = format.has_messages();
    // The next byte not yet read, at a line start.
    let mut pos = 0;
    for hit in hits.into_iter().chain(std::iter::once(bytes.len())) {
        if hit < pos {
            // On a line read already.
            continue;
        }
        if messages && state.wants_message() {
            pos = offer_gap(state, bytes, pos, hit, options, format);
        }
        if hit == bytes.len() {
            break;
        }
        let (newlines, line_start) = lines_before(bytes, pos, hit);
        state.lines += newlines;
        let line_end = memchr::memchr(b'\n', &bytes[hit..]).map_or(bytes.len(), |i| hit + i);
        let at = state.next_line(line_start);
        read_runner_line(state, &bytes[line_start..line_end], at, options, format);
        if line_end == bytes.len() {
            return;
        }
        state.lines += 1;
        pos = line_end + 1;
    }
    state.lines += count_lines(&bytes[pos..]);
}

/// Reads each line of `bytes` in a runner's line format, without looking for needles first.
fn read_every_line(state: &mut Partial, bytes: &[u8], options: &Options, format: LogFormat) {
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        read_runner_line(state, &bytes[pos..end], state.next_line(pos), options, format);
        if end == bytes.len() {
            return;
        }
        state.lines += 1;
        pos = end + 1;
    }
}

/// Offers the whole lines of `bytes[pos..hit]` (no needle in them, so no events) as output, one
/// by one, until one is kept; returns where the lines not read start.
fn offer_gap(
    state: &mut Partial,
    bytes: &[u8],
    mut pos: usize,
    hit: usize,
    options: &Options,
    format: LogFormat,
) -> usize {
    while state.wants_message() {
        let Some(nl) = memchr::memchr(b'\n', &bytes[pos..hit]) else {
            // The line at `pos` is the hit's, unless the bytes ended: then it is their last line,
            // without its `\n`.
            if hit == bytes.len() && pos < hit {
                read_runner_line(state, &bytes[pos..hit], state.next_line(pos), options, format);
                return hit;
            }
            break;
        };
        read_runner_line(state, &bytes[pos..pos + nl], state.next_line(pos), options, format);
        state.lines += 1;
        pos += nl + 1;
    }
    pos
}

/// Reads one line (without its `\n`) of a runner's line format, the line `at`: its events, or,
/// when it has none, the line as output of the open test.
pub(crate) fn read_runner_line(state: &mut Partial, line: &[u8], at: LineStart, options: &Options, format: LogFormat) {
    let kept = &line[..line.len().min(options.max_line)];
    let line = runner_line(kept);
    let mut events = format.read(&line);
    if events != LineEvents::default() {
        events.read_stamp(kept.strip_suffix(b"\r").unwrap_or(kept));
        state.apply(events, at);
    } else if format.has_messages()
        && state.wants_message()
        && let Some(message) = format.message(&line)
    {
        state.message(message);
    }
}

/// The newlines in `bytes[from..to]`, and where the line holding `to` starts.
fn lines_before(bytes: &[u8], from: usize, to: usize) -> (u64, usize) {
    let gap = &bytes[from..to];
    match memchr::memrchr(b'\n', gap) {
        None => (0, from),
        Some(i) => (count_lines(&gap[..=i]), from + i + 1),
    }
}
