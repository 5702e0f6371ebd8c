//! One large plain log read as parts at once: the CLI's threads and the browser's pool of
//! parsers cut it the same way, here. Part `k` of `n` is the lines that *start* in the byte range
//! `[size·k/n, size·(k+1)/n)`: a line starts at byte 0 or just after a `\n`. So parts never share
//! a line, none is lost, and each is found by reading only its own range and the line that
//! crosses its end; no part needs to know where another stopped.

use std::ops::Range;

/// The byte ranges of a file of `size` bytes read as `parts` parts (at least one).
pub fn byte_ranges(size: u64, parts: u64) -> Vec<Range<u64>> {
    let parts = parts.max(1);
    // u128: size · k overflows u64 for files over 2^58 bytes cut in 64 parts, nothing near today,
    // but the product is free to widen.
    let at = |k: u64| (u128::from(size) * u128::from(k) / u128::from(parts)) as u64;
    (0..parts).map(|k| at(k)..at(k + 1)).collect()
}

/// The lines that start in one range, taken from the file's bytes as they are read from
/// [`LinesInRange::read_from`], in slices cut anywhere: a push cutter, so that the browser's
/// parser, handed slices, and the CLI, reading with `pread`, cut alike.
#[derive(Debug, Clone)]
pub struct LinesInRange {
    end: u64,
    /// The offset of the next byte fed.
    at: u64,
    /// Before the range's first line: passing the end of the line that holds byte `start - 1`.
    skipping: bool,
    finished: bool,
}

impl LinesInRange {
    /// The cutter of `range`.
    pub fn new(range: Range<u64>) -> LinesInRange {
        let Range { start, end } = range;
        LinesInRange { end, at: start.saturating_sub(1), skipping: start > 0, finished: start >= end }
    }

    /// Where reading starts: one byte before the range, to see whether a line starts at its
    /// first byte.
    pub fn read_from(&self) -> u64 {
        self.at
    }

    /// Whether the range's last line is complete: nothing more need be read.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// What of `bytes`, the file's next bytes, belongs to the range's lines.
    pub fn take<'b>(&mut self, bytes: &'b [u8]) -> &'b [u8] {
        if self.finished {
            return &[];
        }
        let from = self.at;
        self.at += bytes.len() as u64;
        let mut begin = 0;
        if self.skipping {
            let Some(nl) = memchr::memchr(b'\n', bytes) else {
                // No line has started yet; none starts in the range if it is passed.
                self.finished = self.at >= self.end;
                return &[];
            };
            self.skipping = false;
            begin = nl + 1;
            if from + begin as u64 >= self.end {
                self.finished = true;
                return &[];
            }
        }
        // The range's last line ends at the first `\n` at or after byte `end - 1`.
        let last = self.end - 1;
        let mut stop = bytes.len();
        if self.at > last {
            let search = begin.max(last.saturating_sub(from) as usize);
            if let Some(nl) = memchr::memchr(b'\n', &bytes[search..]) {
                stop = search + nl + 1;
                self.finished = true;
            }
        }
        &bytes[begin..stop]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: the start of the first line that starts at or after `at`.
    fn line_start(bytes: &[u8], at: usize) -> usize {
        match at {
            0 => 0,
            _ => bytes[at - 1..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| at + i),
        }
    }

    /// The lines of `range` as a cutter fed slices of `slice` bytes gives them.
    fn cut(bytes: &[u8], range: Range<u64>, slice: usize) -> Vec<u8> {
        let mut lines = LinesInRange::new(range);
        let mut out = Vec::new();
        let mut at = lines.read_from() as usize;
        while at < bytes.len() && !lines.is_finished() {
            let next = (at + slice).min(bytes.len());
            out.extend_from_slice(lines.take(&bytes[at..next]));
            at = next;
        }
        out
    }

    #[test]
    fn every_range_holds_the_lines_that_start_in_it_for_every_cut() {
        let texts: [&[u8]; 6] = [
            b"Test: a\nResult: PASS\nTest: b\r\nResult: FAIL\n",
            b"no trailing newline\nlast",
            b"\n\n\nx\n\n",
            b"one long line without any newline at all",
            b"",
            b"a\nbb\nccc\ndddd\neeeee\n",
        ];
        for bytes in texts {
            for parts in 1..=bytes.len().max(1) as u64 + 2 {
                let ranges = byte_ranges(bytes.len() as u64, parts);
                assert_eq!(ranges.len() as u64, parts);
                for slice in [1, 2, 3, 7, 64] {
                    let mut joined = Vec::new();
                    for range in &ranges {
                        let (s, e) = (range.start as usize, range.end as usize);
                        let want = &bytes[line_start(bytes, s)..line_start(bytes, e).max(line_start(bytes, s))];
                        let got = cut(bytes, range.clone(), slice);
                        assert_eq!(got, want, "{range:?} of {parts} parts, slices of {slice}");
                        joined.extend_from_slice(&got);
                    }
                    assert_eq!(joined, bytes, "{parts} parts, slices of {slice}: no line lost or shared");
                }
            }
        }
    }

    #[test]
    fn ranges_cover_the_file_in_order() {
        assert_eq!(byte_ranges(10, 3), vec![0..3, 3..6, 6..10]);
        assert_eq!(byte_ranges(0, 2), vec![0..0, 0..0]);
        assert_eq!(byte_ranges(5, 0), vec![0..5]);
        let big = byte_ranges(u64::MAX, 64);
        assert_eq!((big[0].start, big[63].end), (0, u64::MAX));
    }

    #[test]
    fn a_range_inside_one_long_line_is_empty_and_stops_reading() {
        let bytes = b"x".repeat(1000);
        let mut lines = LinesInRange::new(300..600);
        assert!(lines.take(&bytes[299..700]).is_empty());
        assert!(lines.is_finished(), "past the range without a line start: nothing more to read");
    }
}
