//! A log's own lines, read back: a window of lines around a place, with their numbers, from a
//! file of any size, reading only the bytes it shows (and those it counts lines in). Where the
//! file's bytes come from is a [`Source`]: a Blob in the engine worker, a local file or an object
//! for `lra show`, a compressed file's or an archive member's decoded bytes
//! ([`crate::Decoded`]), memory in tests. The lines come back as bytes, each front-end showing
//! them its own way (the page's viewer, the terminal).

/// Of a line, at most this many bytes are kept: as many as a line is shown (names and lines are
/// shown cut at [`lra_core::SHOWN_BYTES`]) and one more; its whole length is told.
pub const KEPT_BYTES: usize = lra_core::SHOWN_BYTES + 1;

/// Bytes read at once when looking for line ends.
const BLOCK: u64 = 64 << 10;

/// Bytes read at once when counting lines.
const COUNT_BLOCK: u64 = 4 << 20;

/// Bytes a search reads for one request; it says where it stopped, so that the page can go on
/// (and stop: a search is cancelled by not asking again).
pub const SEARCH_BUDGET: u64 = 32 << 20;

/// A file's bytes, read where asked.
pub trait Source {
    /// Its length in bytes.
    fn size(&self) -> u64;
    /// `len` bytes from `offset` (fewer at the end).
    fn read(&self, offset: u64, len: u64) -> Result<Vec<u8>, String>;
}

impl Source for Vec<u8> {
    fn size(&self) -> u64 {
        self.as_slice().size()
    }

    fn read(&self, offset: u64, len: u64) -> Result<Vec<u8>, String> {
        self.as_slice().read(offset, len)
    }
}

impl Source for [u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read(&self, offset: u64, len: u64) -> Result<Vec<u8>, String> {
        let start = (offset as usize).min(self.len());
        let end = (offset.saturating_add(len) as usize).min(self.len());
        Ok(self[start..end].to_vec())
    }
}

/// Known places of a file as `(offset, newlines before it)`, sorted by offset: the parse's
/// checkpoints, the summary's locations, and what counting found since. A line number anywhere
/// is then a count from the nearest one before.
#[derive(Clone, Debug)]
pub struct LineIndex {
    points: Vec<(u64, u64)>,
}

impl Default for LineIndex {
    /// Only the file's start is known.
    fn default() -> LineIndex {
        LineIndex::new(Vec::new())
    }
}

impl LineIndex {
    /// An index of these points (any order).
    pub fn new(mut points: Vec<(u64, u64)>) -> LineIndex {
        points.push((0, 0));
        points.sort_unstable();
        points.dedup_by_key(|p| p.0);
        LineIndex { points }
    }

    /// Adds a known place: `newlines` newlines come before `offset`.
    pub fn insert(&mut self, offset: u64, newlines: u64) {
        if let Err(i) = self.points.binary_search_by_key(&offset, |p| p.0) {
            self.points.insert(i, (offset, newlines));
        }
    }

    /// The newlines before `offset`, counted from the nearest known place before it.
    pub fn newlines_before(&mut self, src: &(impl Source + ?Sized), offset: u64) -> Result<u64, String> {
        let i = self.points.partition_point(|p| p.0 <= offset) - 1;
        let (mut at, mut newlines) = self.points[i];
        while at < offset {
            let chunk = src.read(at, (offset - at).min(COUNT_BLOCK))?;
            if chunk.is_empty() {
                break;
            }
            newlines += memchr::memchr_iter(b'\n', &chunk).count() as u64;
            at += chunk.len() as u64;
            // What was counted is kept, a place a block.
            if at < offset {
                self.insert(at, newlines);
            }
        }
        self.insert(offset, newlines);
        Ok(newlines)
    }

    /// The nearest known place at or before the start of line `line` (1-based): where counting
    /// to it starts.
    pub fn known_before_line(&self, line: u64) -> u64 {
        let wanted = line.saturating_sub(1);
        self.points[self.points.partition_point(|p| p.1 <= wanted) - 1].0
    }

    /// Where line `line` (1-based) starts, counted from the nearest known place before it;
    /// `None` past the file's last line.
    pub fn offset_of_line(&mut self, src: &(impl Source + ?Sized), line: u64) -> Result<Option<u64>, String> {
        let wanted = line.saturating_sub(1);
        let i = self.points.partition_point(|p| p.1 <= wanted) - 1;
        let (mut at, mut newlines) = self.points[i];
        // A known place is not always a line start: back to the start of its line first.
        if newlines == wanted {
            return Ok(Some(line_start(src, at)?));
        }
        while at < src.size() {
            let chunk = src.read(at, COUNT_BLOCK)?;
            for nl in memchr::memchr_iter(b'\n', &chunk) {
                newlines += 1;
                if newlines == wanted {
                    let start = at + nl as u64 + 1;
                    self.insert(start, newlines);
                    return Ok((start < src.size()).then_some(start));
                }
            }
            at += chunk.len() as u64;
            self.insert(at, newlines);
        }
        Ok(None)
    }
}

/// Where the line holding byte `offset` starts.
pub fn line_start(src: &(impl Source + ?Sized), offset: u64) -> Result<u64, String> {
    let mut end = offset.min(src.size());
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        let chunk = src.read(start, end - start)?;
        if let Some(i) = memchr::memrchr(b'\n', &chunk) {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

/// A line read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Where it starts.
    pub offset: u64,
    /// Its first bytes, without its `\n`: all of them, or the first [`KEPT_BYTES`].
    pub start: Vec<u8>,
    /// Its length in bytes, without its `\n`.
    pub len: u64,
}

impl Line {
    /// Whether [`Line::start`] holds the whole line.
    pub fn is_whole(&self) -> bool {
        self.start.len() as u64 == self.len
    }
}

/// The line that starts at `offset`, and where the next one starts (`None` at the end). A line
/// of many megabytes is read to its end, but only its first [`KEPT_BYTES`] are kept.
pub fn line_at(src: &(impl Source + ?Sized), offset: u64) -> Result<(Line, Option<u64>), String> {
    let mut start = Vec::new();
    let mut at = offset;
    // Read until the line's end; keep only what is shown.
    loop {
        let chunk = src.read(at, BLOCK)?;
        if chunk.is_empty() {
            let len = at - offset;
            return Ok((Line { offset, start, len }, None));
        }
        let end = memchr::memchr(b'\n', &chunk);
        let part = &chunk[..end.unwrap_or(chunk.len())];
        let room = KEPT_BYTES.saturating_sub(start.len());
        start.extend_from_slice(&part[..part.len().min(room)]);
        match end {
            Some(i) => {
                let len = at + i as u64 - offset;
                let next = at + i as u64 + 1;
                return Ok((Line { offset, start, len }, (next < src.size()).then_some(next)));
            }
            None => at += chunk.len() as u64,
        }
    }
}

/// Where to open a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// At the line holding this byte.
    Offset(u64),
    /// At this 1-based line.
    Line(u64),
}

/// Lines of a file around a place, with the first one's number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    /// The number (1-based) of the first of `lines`.
    pub first_line: u64,
    /// The lines, in order.
    pub lines: Vec<Line>,
    /// Which of `lines` is the anchor's.
    pub anchor: usize,
    /// Whether the first line is the file's first.
    pub at_start: bool,
    /// Whether the last line is the file's last.
    pub at_end: bool,
}

/// The lines around `anchor` in `src`: up to `before` lines before it, the anchor's line, and
/// up to `after` lines after it, with the first one's number; `None` when the anchor is a line
/// past the file's last.
pub fn window(
    src: &(impl Source + ?Sized),
    index: &mut LineIndex,
    anchor: Anchor,
    before: usize,
    after: usize,
) -> Result<Option<Window>, String> {
    let offset = match anchor {
        Anchor::Offset(o) => line_start(src, o.min(src.size()))?,
        Anchor::Line(n) => match index.offset_of_line(src, n)? {
            Some(offset) => offset,
            None => return Ok(None),
        },
    };
    let line = index.newlines_before(src, offset)? + 1;
    // The lines before, read backwards from the anchor's start.
    let mut starts = Vec::new();
    let mut start = offset;
    while starts.len() < before && start > 0 {
        start = line_start(src, start - 1)?;
        starts.push(start);
    }
    starts.reverse();
    let mut lines = Vec::with_capacity(before + after + 1);
    for &s in &starts {
        lines.push(line_at(src, s)?.0);
    }
    let anchor_at = lines.len();
    let mut next = Some(offset);
    while let Some(at) = next {
        if lines.len() > anchor_at + after {
            break;
        }
        let (l, n) = line_at(src, at)?;
        lines.push(l);
        next = n;
    }
    Ok(Some(Window {
        first_line: line - starts.len() as u64,
        at_start: lines.first().is_none_or(|l| l.offset == 0),
        at_end: next.is_none(),
        anchor: anchor_at,
        lines,
    }))
}

/// Looks for `needle` from byte `from` (forward) or before it (backward), reading at most
/// [`SEARCH_BUDGET`] bytes: the start of the line that holds the first hit, or where to go on
/// from (`Err`), or `Ok(None)` when the file holds no more hits that way.
pub fn search(
    src: &(impl Source + ?Sized),
    from: u64,
    needle: &[u8],
    forward: bool,
) -> Result<Result<Option<u64>, u64>, String> {
    if needle.is_empty() {
        return Ok(Ok(None));
    }
    let overlap = needle.len() as u64 - 1;
    let size = src.size();
    let mut read = 0;
    if forward {
        let mut at = from.min(size);
        let finder = memchr::memmem::Finder::new(needle);
        while at < size {
            if read >= SEARCH_BUDGET {
                return Ok(Err(at));
            }
            let chunk = src.read(at, COUNT_BLOCK + overlap)?;
            if let Some(i) = finder.find(&chunk) {
                return Ok(Ok(Some(line_start(src, at + i as u64)?)));
            }
            let step = (chunk.len() as u64).saturating_sub(overlap).max(1);
            at += step;
            read += step;
            if chunk.len() as u64 <= overlap {
                break;
            }
        }
        Ok(Ok(None))
    } else {
        let mut end = from.min(size);
        while end > 0 {
            if read >= SEARCH_BUDGET {
                return Ok(Err(end));
            }
            let start = end.saturating_sub(COUNT_BLOCK);
            let chunk = src.read(start, (end - start + overlap).min(size - start))?;
            // The last hit that starts before `end`.
            if let Some(i) = memchr::memmem::rfind_iter(&chunk, needle).find(|&i| start + (i as u64) < end) {
                return Ok(Ok(Some(line_start(src, start + i as u64)?)));
            }
            read += end - start;
            end = start;
        }
        Ok(Ok(None))
    }
}
