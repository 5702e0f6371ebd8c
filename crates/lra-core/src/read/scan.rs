//! The markers' scan: find the rare marker lines in a run of whole lines without reading every
//! line. The first stage (`first_stage`) classifies each 64 bytes into bitmasks of newlines and
//! of marker candidates; this walks their bits in order, confirms each candidate against the
//! marker's text, counts lines by popcount, and hands each line holding a marker, with its
//! number, to the partial result. The runners' line formats are scanned here too: their needles'
//! hits, then the lines around them.

use crate::base::location::LineStart;
use crate::base::log_format::LogFormat;
use crate::base::options::Options;
use crate::base::text::count_lines;
use crate::read::extract::{Hits, LineEvents};
use crate::read::first_stage::{Classifier, LANES, Probe};
use crate::read::format::{gtest, libtest};
use crate::read::partial::Partial;
use crate::read::prefix::{clean_runner_line, runner_line};

/// When the case is ignored, the bytes are lowercased into a copy this large at a time, which
/// stays in L2 while the first stage reads it.
const FOLDED_BLOCK: usize = 128 * 1024;

/// Parses `bytes`, which hold whole lines in `format`: each ends with `\n`, except perhaps the
/// last one when it is the end of the file.
pub(crate) fn scan(state: &mut Partial, bytes: &[u8], options: &Options, format: LogFormat) {
    if format != LogFormat::Markers {
        scan_runner(state, bytes, options, format);
        state.offset += bytes.len() as u64;
        return;
    }
    let markers = &options.markers;
    let block_len = if markers.ignore_case() { FOLDED_BLOCK } else { usize::MAX };
    let mut folded = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let end = match bytes.get(start.saturating_add(block_len)..) {
            Some(rest) => memchr::memchr(b'\n', rest).map_or(bytes.len(), |i| start + block_len + i + 1),
            None => bytes.len(),
        };
        let block = &bytes[start..end];
        let hay = markers.matchable(block, &mut folded);
        // The default markers get code of their own, with their texts known to the compiler:
        // confirming a candidate is the hottest code of the parse.
        let (t, r, i) =
            (markers.test_finder().needle(), markers.result_finder().needle(), markers.iteration_finder().needle());
        if markers.is_default() {
            scan_block(state, block, hay, options, &DefaultMarkers);
        } else if let Some(end) = markers.shared_end() {
            let before = |m: &'_ [u8]| m.len() - end.len();
            let found = SharedEnd { end, test: &t[..before(t)], result: &r[..before(r)], iteration: i };
            scan_block(state, block, hay, options, &found);
        } else {
            scan_block(state, block, hay, options, &Apart { test: t, result: r, iteration: i });
        }
        state.offset += block.len() as u64;
        start = end;
    }
}

/// How a set of markers is found: the probes the first stage looks for, and the confirmation of
/// a candidate.
trait Confirm<const N: usize> {
    fn probes(&self) -> [Probe; N];

    /// Confirms the candidate at `p` in `hay`: keeps where each marker that it starts (or, for a
    /// shared end, ends) begins, as its line's first if it is, and says whether there was one. A
    /// marker holds no newline, so one that matches lies within the candidate's line; a block
    /// starts at a line start, so a look back that stays in `hay` stays in the line.
    fn confirm(&self, hay: &[u8], p: usize, line: &mut Line) -> bool;
}

/// The line being walked: where it starts and where its markers are.
struct Line {
    start: usize,
    hits: Hits,
}

impl Line {
    /// Keeps `at` as the line's first `marker` if it is; says so.
    #[inline(always)]
    fn hit(&mut self, marker: Marker, at: usize) -> bool {
        let first = match marker {
            Marker::Iteration => &mut self.hits.iteration,
            Marker::Test => &mut self.hits.test,
            Marker::Result => &mut self.hits.result,
        };
        first.get_or_insert(at - self.start);
        true
    }
}

#[derive(Clone, Copy)]
enum Marker {
    Iteration,
    Test,
    Result,
}

/// `bytes` is the block, `hay` the same bytes as the markers match them (ASCII-lowercased when
/// the case is ignored, so that every position is the same in both).
fn scan_block<const N: usize>(
    state: &mut Partial,
    bytes: &[u8],
    hay: &[u8],
    options: &Options,
    markers: &impl Confirm<N>,
) {
    let mut line = Line { start: 0, hits: Hits::default() };
    // The line holds a marker.
    let mut marked = false;
    for (at, chunk) in Classifier::new(hay, markers.probes()) {
        let (mut newlines, mut candidates) = (chunk.newlines, chunk.candidates);
        // Bits in order, while a candidate is left or a marked line waits for its end.
        while candidates != 0 || (marked && newlines != 0) {
            let (c, n) = (candidates.trailing_zeros(), newlines.trailing_zeros());
            if c < n {
                candidates &= candidates - 1;
                marked |= markers.confirm(hay, at + c as usize, &mut line);
            } else {
                newlines &= newlines - 1;
                let end = at + n as usize;
                if std::mem::take(&mut marked) {
                    let hits = std::mem::take(&mut line.hits);
                    marker_line(state, &bytes[line.start..end], hits, line.start, options);
                }
                state.lines += 1;
                line.start = end + 1;
            }
        }
        if newlines != 0 {
            state.lines += u64::from(newlines.count_ones());
            line.start = at + LANES - newlines.leading_zeros() as usize;
        }
    }
    if marked {
        // The last line, not ended by a newline.
        marker_line(state, &bytes[line.start..], line.hits, line.start, options);
    }
}

/// Reads the marker line `line`, which starts `at` bytes into the block being read.
fn marker_line(state: &mut Partial, line: &[u8], hits: Hits, at: usize, options: &Options) {
    let start = state.next_line(at);
    state.line(line, hits, start, options);
}

/// The default markers: `Test: ` and `Result: ` both end in `t: `, so one probe finds both, and a
/// look back tells them apart.
struct DefaultMarkers;

impl Confirm<2> for DefaultMarkers {
    fn probes(&self) -> [Probe; 2] {
        [Probe::new(b"t: "), Probe::new(b"Iteration ")]
    }

    #[inline(always)]
    fn confirm(&self, hay: &[u8], p: usize, line: &mut Line) -> bool {
        // The two probes start with different bytes: the first tells which one this is.
        if hay[p] == b't' {
            if p >= 3 && &hay[p - 3..p] == b"Tes" {
                return line.hit(Marker::Test, p - 3);
            }
            return p >= 5 && &hay[p - 5..p] == b"Resul" && line.hit(Marker::Result, p - 5);
        }
        hay[p..].starts_with(b"Iteration ") && line.hit(Marker::Iteration, p)
    }
}

/// Custom markers whose test and result markers share an end (`markers::shared_end`): one probe
/// for that end, then a look back. `test` and `result` are what comes before the end.
struct SharedEnd<'m> {
    end: &'m [u8],
    test: &'m [u8],
    result: &'m [u8],
    iteration: &'m [u8],
}

impl Confirm<2> for SharedEnd<'_> {
    fn probes(&self) -> [Probe; 2] {
        [Probe::new(self.end), Probe::new(self.iteration)]
    }

    fn confirm(&self, hay: &[u8], p: usize, line: &mut Line) -> bool {
        let before = |m: &[u8]| p.checked_sub(m.len()).filter(|&s| hay[s..p] == *m);
        let mut found = false;
        if hay[p..].starts_with(self.end) {
            // The end is the longest the two share, so at most one of them comes before it.
            if let Some(s) = before(self.test) {
                found = line.hit(Marker::Test, s);
            } else if let Some(s) = before(self.result) {
                found = line.hit(Marker::Result, s);
            }
        }
        if hay[p..].starts_with(self.iteration) {
            found = line.hit(Marker::Iteration, p);
        }
        found
    }
}

/// Markers with no end in common: a probe for each.
struct Apart<'m> {
    test: &'m [u8],
    result: &'m [u8],
    iteration: &'m [u8],
}

impl Confirm<3> for Apart<'_> {
    fn probes(&self) -> [Probe; 3] {
        [Probe::new(self.test), Probe::new(self.result), Probe::new(self.iteration)]
    }

    fn confirm(&self, hay: &[u8], p: usize, line: &mut Line) -> bool {
        // One marker may start with another: each is kept.
        let mut found = false;
        for (marker, text) in
            [(Marker::Test, self.test), (Marker::Result, self.result), (Marker::Iteration, self.iteration)]
        {
            if hay[p..].starts_with(text) {
                found = line.hit(marker, p);
            }
        }
        found
    }
}

/// A runner's line format (GoogleTest, libtest): the first stage finds where its needles may
/// start, and only the lines holding one are read by the format. Lines with no needle have no
/// events; they are offered as the open test's output while it has none (see
/// [`read_runner_line`]).
fn scan_runner(state: &mut Partial, bytes: &[u8], options: &Options, format: LogFormat) {
    if crate::read::prefix::first_escape(bytes).is_some() {
        // Colour codes may fall inside a needle (`]\x1b[m `): every line is read, as the format
        // reads it once they are gone.
        return read_every_line(state, bytes, options, format);
    }
    // Past here no line holds an escape byte or `^V`: lines are read as clean ones.
    match format {
        LogFormat::GoogleTest => scan_needles(state, bytes, gtest::NEEDLES, options, format),
        LogFormat::Libtest => scan_needles(state, bytes, libtest::NEEDLES, options, format),
        // The other runners are read in order by their own readers, not scanned.
        _ => state.lines += count_lines(bytes),
    }
}

/// [`scan_runner`] for a format every meaningful line of which holds one of `needles`: the
/// first stage's candidates are confirmed against them, newline bits end lines, and a line is
/// read when it holds a needle or the open test wants a message.
fn scan_needles<const N: usize>(
    state: &mut Partial,
    bytes: &[u8],
    needles: [&[u8]; N],
    options: &Options,
    format: LogFormat,
) {
    let messages = format.has_messages();
    let mut start = 0;
    // The line holds a needle.
    let mut marked = false;
    for (at, chunk) in Classifier::new(bytes, needles.map(Probe::new)) {
        let (mut newlines, mut candidates) = (chunk.newlines, chunk.candidates);
        loop {
            // Every line is read while the open test waits for its message.
            let every = messages && state.wants_message();
            if candidates == 0 && (newlines == 0 || !(marked || every)) {
                break;
            }
            let (c, n) = (candidates.trailing_zeros(), newlines.trailing_zeros());
            if c < n {
                candidates &= candidates - 1;
                let p = at + c as usize;
                marked = marked || needles.iter().any(|needle| bytes[p..].starts_with(needle));
            } else {
                newlines &= newlines - 1;
                let end = at + n as usize;
                if std::mem::take(&mut marked) || every {
                    read_clean_runner_line(state, &bytes[start..end], state.next_line(start), options, format);
                }
                state.lines += 1;
                start = end + 1;
            }
        }
        if newlines != 0 {
            state.lines += u64::from(newlines.count_ones());
            start = at + LANES - newlines.leading_zeros() as usize;
        }
    }
    // The last line, not ended by a newline.
    if start < bytes.len() && (marked || (messages && state.wants_message())) {
        read_clean_runner_line(state, &bytes[start..], state.next_line(start), options, format);
    }
}

/// Reads each line of `bytes` in a runner's line format, without looking for needles first.
pub(crate) fn read_every_line(state: &mut Partial, bytes: &[u8], options: &Options, format: LogFormat) {
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

/// Reads one line (without its `\n`) of a runner's line format, the line `at`: its events, or,
/// when it has none, the line as output of the open test.
pub(crate) fn read_runner_line(state: &mut Partial, line: &[u8], at: LineStart, options: &Options, format: LogFormat) {
    let kept = &line[..line.len().min(options.max_line)];
    read_plain_runner_line(state, kept, &runner_line(kept), at, format);
}

/// [`read_runner_line`] of a line known to hold no escape byte and no `^V`.
fn read_clean_runner_line(state: &mut Partial, line: &[u8], at: LineStart, options: &Options, format: LogFormat) {
    let kept = &line[..line.len().min(options.max_line)];
    read_plain_runner_line(state, kept, clean_runner_line(kept), at, format);
}

/// Reads `kept` (a line within the line limit) whose plain form is `line`.
fn read_plain_runner_line(state: &mut Partial, kept: &[u8], line: &[u8], at: LineStart, format: LogFormat) {
    let mut events = format.read(line);
    if events != LineEvents::default() {
        events.read_stamp(kept.strip_suffix(b"\r").unwrap_or(kept));
        state.apply(events, at);
    } else if format.has_messages()
        && state.wants_message()
        && let Some(message) = format.message(line)
    {
        state.message(message);
    }
}
