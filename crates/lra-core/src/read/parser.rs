//! The push parser: feed a file's bytes in slices cut anywhere, then finish.

use crate::base::cut::cut_string;
use crate::base::log_format::LogFormat;
use crate::base::options::{Detected, Options};
use crate::model::summary::Summary;
use crate::read::extract::{Hits, NameStream, extract_at};
use crate::read::first_stage::Newlines;
use crate::read::format::OrderedReader;
use crate::read::format::detect::{DETECT_LEN, detect_reading};
use crate::read::format::go::GoReader;
use crate::read::format::junit::JunitReader;
use crate::read::format::nextest::NextestReader;
use crate::read::format::pytest::PytestReader;
use crate::read::format::tap::TapReader;
use crate::read::partial::Partial;
use crate::read::prefix::{clean_runner_line, first_escape, framed_runner_line, runner_line};
use crate::read::scan::{read_runner_line, scan};

/// A line as an ordered reader reads it.
fn ordered_line<'l>(reader: &dyn OrderedReader, line: &'l [u8]) -> std::borrow::Cow<'l, [u8]> {
    if reader.keeps_frames() { framed_runner_line(line) } else { runner_line(line) }
}

/// A reader of the file's lines later (the app's run viewer) finds line numbers by counting from
/// the nearest checkpoint before: one is kept about every this many bytes.
pub const CHECKPOINT_BYTES: u64 = 1 << 20;

/// A file is flagged as binary when this many first bytes hold a NUL.
pub(crate) const BINARY_PROBE: u64 = 8192;

/// Segments of a parallel parse are at least this long: splitting finer would cost more than it
/// saves.
#[cfg(feature = "parallel")]
const MIN_SEGMENT: usize = 128 << 10;

/// ...and at least this many bytes per distinct test known in the file. Each segment interns and
/// merges every test it holds, whatever its size: about 650 ns per test and segment natively,
/// against about 1 ns per byte parsed. With 10,000 tests, 8 MiB slices cut finer than this made
/// the parse 2× (natively) to 6× (in wasm) slower than on one thread.
#[cfg(feature = "parallel")]
const SEGMENT_BYTES_PER_TEST: usize = 4096;

/// Parses one file. All state lives here; [`FileParser::feed`] takes any slices and
/// [`FileParser::finish`] settles the end of input.
#[derive(Debug)]
pub struct FileParser {
    options: Options,
    name: Box<str>,
    /// The file's format, once known.
    format: Option<LogFormat>,
    /// How and why it was chosen, once known (`files[].reading`).
    reading: Option<Box<str>>,
    /// The file's first bytes while its format is being told.
    head: Vec<u8>,
    /// The reader of a JUnit XML file, which is read as tags rather than lines.
    junit: Option<Box<JunitReader>>,
    /// The reader of a format whose lines are read in order (`go test`, nextest, TAP).
    ordered: Option<Box<dyn OrderedReader>>,
    state: Partial,
    /// The start of a line that has not ended yet, at most `max_line` + a few bytes of it.
    pending: Vec<u8>,
    /// Set once the pending line outgrew the limit: the last bytes seen, to find a marker that
    /// spans two slices, and whether one was found past the limit.
    overflow: Option<Overflow>,
    bytes: u64,
    /// Where the first NUL byte is, if within the first `BINARY_PROBE` bytes fed.
    nul_at: Option<u64>,
    /// Line starts and their line numbers, about every [`CHECKPOINT_BYTES`], as `(offset,
    /// lines before it)`: wherever a slice fed ended. Not part of the summary.
    checkpoints: Vec<(u64, u64)>,
}

/// The parsed result of a run of whole lines from the middle of a file; see
/// [`FileParser::for_segment`]. It can travel to another thread or worker as bytes
/// ([`Segment::to_bytes`]).
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Segment {
    pub(crate) partial: Partial,
    bytes: u64,
    nul_at: Option<u64>,
    /// Relative to the segment's start.
    checkpoints: Vec<(u64, u64)>,
}

#[derive(Debug, Default)]
struct Overflow {
    tail: Vec<u8>,
    marker: bool,
    /// A test's name not ended within the limit, read on to the line's end.
    name: Option<NameStream>,
}

impl FileParser {
    /// A parser for a file called `name` (the name is only used in locations).
    pub fn new(name: impl Into<Box<str>>, options: Options) -> FileParser {
        let format = options.format;
        let mut p = FileParser {
            format: None,
            reading: None,
            options,
            // A member's name may be as long as an archive says: it is cut like any name.
            name: cut_string(name.into().into()).into(),
            head: Vec::new(),
            junit: None,
            ordered: None,
            state: Partial::at_file_start(),
            pending: Vec::new(),
            overflow: None,
            bytes: 0,
            nul_at: None,
            checkpoints: Vec::new(),
        };
        // A named format is read at once, but pytest-repeat's is still the head's to tell.
        if let Some(detected) = p.options.detected.clone() {
            p.know_format(detected);
        } else if let Some(f) = format.filter(|f| !matches!(f, LogFormat::Pytest | LogFormat::Junit)) {
            p.know_format(detect_reading(b"", Some(f)));
        }
        p
    }

    /// The file is read as `detected` says from now on.
    fn know_format(&mut self, detected: Detected) {
        let format = detected.format;
        self.format = Some(format);
        self.reading = Some(detected.why.into());
        match format {
            LogFormat::Pytest => self.ordered = Some(Box::new(PytestReader::new(detected.pytest_repeat))),
            LogFormat::Junit => self.junit = Some(Box::new(JunitReader::new(detected.pytest_repeat))),
            LogFormat::Go => self.ordered = Some(Box::<GoReader>::default()),
            LogFormat::GoJson => self.ordered = Some(Box::new(GoReader::json())),
            LogFormat::Nextest => self.ordered = Some(Box::<NextestReader>::default()),
            LogFormat::Tap => self.ordered = Some(Box::<TapReader>::default()),
            _ => {}
        }
        number(&mut self.state, format, &self.options);
    }

    /// A parser for a run of whole lines from the middle of a file: it starts knowing nothing of
    /// what came before (the open test, the iteration). Its [`Segment`] is appended, in order, to
    /// the parser of what precedes it with [`FileParser::append`]. This lets several threads read
    /// one file's parts at once. The middle of a file cannot tell its format: `options.format`
    /// says it (markers if it does not).
    pub fn for_segment(options: Options) -> FileParser {
        let detected = match &options.detected {
            Some(detected) => detected.clone(),
            None => detect_reading(b"", Some(options.format.unwrap_or_default())),
        };
        let mut p = FileParser { state: Partial::at_segment_start(), format: None, ..FileParser::new("", options) };
        p.know_format(detected);
        p
    }

    /// Ends a parser made by [`FileParser::for_segment`]. Its bytes must have ended at a line
    /// end, or at the end of the file.
    pub fn into_segment(mut self) -> Segment {
        self.tell_format();
        if !self.pending.is_empty() || self.overflow.is_some() {
            self.end_pending_line();
        }
        Segment { partial: self.state, bytes: self.bytes, nul_at: self.nul_at, checkpoints: self.checkpoints }
    }

    /// Appends the segment that follows the bytes fed so far, which must end at a line end.
    pub fn append(&mut self, segment: Segment) {
        self.tell_format();
        assert!(self.pending.is_empty() && self.overflow.is_none(), "a segment must be appended at a line boundary");
        let (offset, lines) = (self.state.offset, self.state.lines);
        self.checkpoints.extend(segment.checkpoints.iter().map(|&(o, l)| (o + offset, l + lines)));
        self.state.absorb(segment.partial);
        self.checkpoint();
        if let Some(at) = segment.nul_at.map(|at| self.bytes + at).filter(|&at| at < BINARY_PROBE) {
            self.nul_at.get_or_insert(at);
        }
        self.bytes += segment.bytes;
    }

    /// The checkpoints kept so far, `(offset of a line start, lines before it)` in order, about
    /// every [`CHECKPOINT_BYTES`]; taken out, so that [`FileParser::finish`] can follow.
    pub fn take_checkpoints(&mut self) -> Vec<(u64, u64)> {
        std::mem::take(&mut self.checkpoints)
    }

    /// Keeps a checkpoint where the whole lines read end, if the last is far enough behind.
    fn checkpoint(&mut self) {
        let (offset, lines) = (self.state.offset, self.state.lines);
        let last = self.checkpoints.last().map_or(0, |&(o, _)| o);
        if offset >= last + CHECKPOINT_BYTES {
            self.checkpoints.push((offset, lines));
        }
    }

    /// Bytes fed so far.
    pub fn bytes(&self) -> u64 {
        self.bytes + self.head.len() as u64
    }

    /// Parses the next bytes of the file. Slice boundaries may fall anywhere.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.format.is_some() {
            return self.feed_known(bytes);
        }
        if self.head.is_empty() && bytes.len() >= DETECT_LEN {
            self.know_format(detect_reading(&bytes[..DETECT_LEN], self.options.format));
            return self.feed_known(bytes);
        }
        self.head.extend_from_slice(bytes);
        if self.head.len() >= DETECT_LEN {
            self.tell_format();
        }
    }

    /// The format, told from the bytes gathered so far if it is not known yet; they are then
    /// parsed.
    fn tell_format(&mut self) {
        if self.format.is_none() {
            let head = std::mem::take(&mut self.head);
            self.know_format(detect_reading(&head, self.options.format));
            self.feed_known(&head);
        }
    }

    /// The file's format (told from the bytes so far, if it was not known).
    pub fn format(&mut self) -> LogFormat {
        self.tell_format();
        self.format.unwrap_or_default()
    }

    fn feed_known(&mut self, mut bytes: &[u8]) {
        if self.bytes < BINARY_PROBE {
            let probe = &bytes[..bytes.len().min((BINARY_PROBE - self.bytes) as usize)];
            if self.nul_at.is_none() {
                self.nul_at = memchr::memchr(0, probe).map(|i| self.bytes + i as u64);
            }
        }
        self.bytes += bytes.len() as u64;
        if let Some(junit) = &mut self.junit {
            return junit.feed(bytes, &mut self.state);
        }
        if !self.pending.is_empty() || self.overflow.is_some() {
            match memchr::memchr(b'\n', bytes) {
                None => return self.hold(bytes),
                Some(nl) => {
                    self.hold(&bytes[..nl]);
                    self.end_pending_line();
                    self.state.lines += 1;
                    // The pending line may have been cut at the line limit: its end is here.
                    self.state.offset = self.bytes - (bytes.len() - nl - 1) as u64;
                    // A line start too: slices shorter than a line hold no whole line, and
                    // would otherwise keep no checkpoint.
                    self.checkpoint();
                    bytes = &bytes[nl + 1..];
                }
            }
        }
        match memchr::memrchr(b'\n', bytes) {
            None => self.hold(bytes),
            Some(nl) => {
                self.whole_lines(&bytes[..=nl]);
                self.checkpoint();
                self.hold(&bytes[nl + 1..]);
            }
        }
    }

    /// Ends the file: a last line without `\n` still counts, and an open test is missing.
    pub fn finish(mut self) -> Summary {
        let format = self.format();
        if !self.pending.is_empty() || self.overflow.is_some() {
            self.end_pending_line();
        }
        if let Some(ordered) = &mut self.ordered {
            ordered.end(&mut self.state);
        }
        let from_summary = self.junit.as_ref().is_some_and(|j| j.written_by_lra());
        let mut summary = self.state.finish(self.name, self.bytes, self.nul_at.is_some(), format, &self.options);
        summary.files[0].from_summary = from_summary;
        summary.files[0].reading = self.reading;
        summary
    }

    /// Keeps the start of an unfinished line; past the limit, only looks for markers.
    fn hold(&mut self, bytes: &[u8]) {
        // A few bytes past the limit let `extract` see markers that straddle it.
        let longest = self.options.markers.longest();
        let keep = self.options.max_line.saturating_add(longest);
        let room = keep.saturating_sub(self.pending.len()).min(bytes.len());
        self.pending.extend_from_slice(&bytes[..room]);
        let rest = &bytes[room..];
        if rest.is_empty() {
            return;
        }
        if self.overflow.is_none() {
            let name = match self.format == Some(LogFormat::Markers) {
                true => open_name(&self.pending, &self.options),
                false => None,
            };
            let tail = self.pending[self.pending.len() - (longest - 1)..].to_vec();
            self.overflow = Some(Overflow { tail, marker: false, name });
        }
        let overflow = self.overflow.as_mut().expect("just made");
        if let Some(name) = &mut overflow.name {
            name.feed(rest);
        }
        // Only markers are looked for past the limit: a runner's line is read from its start.
        if !overflow.marker && self.format == Some(LogFormat::Markers) {
            let mut window = std::mem::take(&mut overflow.tail);
            window.extend_from_slice(rest);
            overflow.marker = self.options.markers.any_in(&window);
            overflow.tail = window[window.len().saturating_sub(longest - 1)..].to_vec();
        }
    }

    fn end_pending_line(&mut self) {
        let mut line = std::mem::take(&mut self.pending);
        let mut streamed = None;
        if let Some(overflow) = self.overflow.take() {
            // Force `extract` to see the line as long; append a marker if one was found past
            // the kept bytes, so that it reports the cut.
            if overflow.marker {
                line.extend_from_slice(self.options.markers.iteration().as_bytes());
            }
            streamed = overflow.name.map(NameStream::finish);
        }
        let o = &self.options;
        let at = self.state.next_line(0);
        if let Some(ordered) = &mut self.ordered {
            let kept = &line[..line.len().min(o.max_line)];
            ordered.line(&ordered_line(&**ordered, kept), at, &mut self.state);
            line.clear();
            self.pending = line;
            return;
        }
        match self.format.unwrap_or_default() {
            LogFormat::Markers if streamed.is_some() => {
                let mut events = extract_at(&line, Hits::find(&line, &o.markers), o);
                events.test_kept = streamed;
                self.state.apply(events, at);
            }
            LogFormat::Markers => {
                let hits = Hits::find(&line, &o.markers);
                self.state.line(&line, hits, at, o)
            }
            format => read_runner_line(&mut self.state, &line, at, o, format),
        }
        line.clear();
        self.pending = line;
    }

    fn whole_lines(&mut self, bytes: &[u8]) {
        if let Some(ordered) = &mut self.ordered {
            // Most logs hold no escape byte at all: then no line is searched for one.
            let clean = first_escape(bytes).is_none();
            let mut start = 0;
            for end in Newlines::new(bytes) {
                let line = &bytes[start..end.min(start + self.options.max_line)];
                let at = self.state.next_line(start);
                match clean {
                    true => ordered.clean_line(clean_runner_line(line), at, &mut self.state),
                    false => ordered.line(&ordered_line(&**ordered, line), at, &mut self.state),
                }
                self.state.lines += 1;
                start = end + 1;
            }
            self.state.offset += bytes.len() as u64;
            return;
        }
        let o = &self.options;
        let format = self.format.unwrap_or_default();
        #[cfg(feature = "parallel")]
        if o.parallel && rayon::current_num_threads() > 1 {
            let pieces = segments_for(bytes.len(), self.state.tables.tests.len(), rayon::current_num_threads());
            if pieces > 1 {
                return self.whole_lines_parallel(bytes, pieces, format);
            }
        }
        scan(&mut self.state, bytes, o, format);
    }

    /// Cuts `bytes` at line boundaries into `pieces` segments, parses them with no knowledge of
    /// each other, and merges the partial results in order.
    #[cfg(feature = "parallel")]
    fn whole_lines_parallel(&mut self, bytes: &[u8], pieces: usize, format: LogFormat) {
        use rayon::prelude::*;
        let o = &self.options;
        let segments = split_lines(bytes, pieces);
        let partials: Vec<Partial> = segments
            .into_par_iter()
            .map(|segment| {
                let mut p = Partial::at_segment_start();
                number(&mut p, format, o);
                scan(&mut p, segment, o, format);
                p
            })
            .collect();
        for p in partials {
            self.state.absorb(p);
        }
    }
}

/// The name of a test that `held` (the first `max_line` + a few bytes of a longer line) opens and
/// does not end within `max_line`, to be read on as the line streams (docs/design.md §1,
/// "Names shown and kept"), fed the held bytes after the test marker.
fn open_name(held: &[u8], options: &Options) -> Option<NameStream> {
    let markers = &options.markers;
    let kept = &held[..options.max_line.min(held.len())];
    let t = Hits::find(kept, markers).test? + markers.test().len();
    if Hits::find(&kept[t..], markers).result.is_some() {
        return None;
    }
    let mut name = NameStream::new(options.name_mode);
    name.feed(&held[t..]);
    Some(name)
}

/// Sets how `state` gives runs their iterations when the lines do not: by each test's k-th run
/// (formats with no iteration lines), or one per file.
pub(crate) fn number(state: &mut Partial, format: LogFormat, options: &Options) {
    if options.iteration_per_file {
        state.one_iteration();
    } else if format.numbers_runs() {
        state.number_runs();
    }
}

/// How many segments to cut `len` bytes into for `threads` threads (1: parse on this thread), when
/// the file has shown `tests` distinct tests so far: a few per thread, for balance, but none
/// shorter than [`MIN_SEGMENT`] or [`SEGMENT_BYTES_PER_TEST`] per test.
#[cfg(feature = "parallel")]
pub(crate) fn segments_for(len: usize, tests: usize, threads: usize) -> usize {
    let shortest = MIN_SEGMENT.max(tests.saturating_mul(SEGMENT_BYTES_PER_TEST));
    (len / shortest).clamp(1, threads * 4)
}

#[cfg(feature = "parallel")]
/// Cuts `bytes` (whole lines) into at most `n` runs of whole lines of similar size.
pub(crate) fn split_lines(bytes: &[u8], n: usize) -> Vec<&[u8]> {
    let target = bytes.len().div_ceil(n.max(1)).max(1);
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    while start < bytes.len() {
        let end = match bytes.get(start + target..) {
            Some(rest) if !rest.is_empty() => {
                memchr::memchr(b'\n', rest).map_or(bytes.len(), |i| start + target + i + 1)
            }
            _ => bytes.len(),
        };
        out.push(&bytes[start..end]);
        start = end;
    }
    out
}

#[cfg(all(test, feature = "parallel"))]
mod tests {
    use super::segments_for;

    const MIB: usize = 1 << 20;

    #[test]
    fn a_few_segments_per_thread_when_tests_are_few() {
        assert_eq!(segments_for(8 * MIB, 200, 2), 8);
        assert_eq!(segments_for(MIB, 0, 2), 8);
        assert_eq!(segments_for(100 << 10, 0, 2), 1);
    }

    #[test]
    fn many_distinct_tests_regression_fewer_longer_segments() {
        // 10,000 tests: every segment would intern and merge all of them.
        assert_eq!(segments_for(8 * MIB, 10_000, 2), 1);
        assert_eq!(segments_for(128 * MIB, 10_000, 2), 3);
        assert_eq!(segments_for(8 * MIB, 100_000, 8), 1);
    }
}
