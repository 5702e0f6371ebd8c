//! The fast path: find the rare marker lines in a run of whole lines without walking every line.
//!
//! Each marker has a SIMD substring finder that runs over the bytes; only the lines around a hit
//! are read. Between hits, newlines are just counted, to keep line numbers. The bytes are taken in
//! cache-sized blocks so that the three finders and the count read them from cache.

use memchr::memmem::FindIter;

use crate::extract::{FINDERS, Hits, NameMode};
use crate::partial::Partial;

/// Blocks of about this size stay in L2 while the finders pass over them.
const BLOCK: usize = 128 * 1024;

/// Parses `bytes`, which hold whole lines: each ends with `\n`, except perhaps the last one when
/// it is the end of the file.
pub(crate) fn scan(state: &mut Partial, bytes: &[u8], mode: NameMode, max_line: usize) {
    let mut start = 0;
    while start < bytes.len() {
        let end = match bytes.get(start + BLOCK..) {
            Some(rest) => memchr::memchr(b'\n', rest).map_or(bytes.len(), |i| start + BLOCK + i + 1),
            None => bytes.len(),
        };
        scan_block(state, &bytes[start..end], mode, max_line);
        start = end;
    }
}

fn scan_block(state: &mut Partial, bytes: &[u8], mode: NameMode, max_line: usize) {
    let mut iterations = FINDERS.iteration.find_iter(bytes);
    let mut next_iteration = iterations.next();
    let mut tests_and_results = TestsAndResults { bytes, colons: FINDERS.t_colon.find_iter(bytes) };
    let mut next_marker = tests_and_results.next();
    let mut pos = 0;
    loop {
        let hit = match (next_iteration, next_marker) {
            (Some(i), Some((_, m))) => i.min(m),
            (Some(i), None) => i,
            (None, Some((_, m))) => m,
            (None, None) => {
                state.lines += count_lines(&bytes[pos..]);
                return;
            }
        };
        let (newlines, line_start) = lines_before(bytes, pos, hit);
        state.lines += newlines;
        let line_end = memchr::memchr(b'\n', &bytes[hit..]).map_or(bytes.len(), |i| hit + i);
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
        state.line(&bytes[line_start..line_end], hits, state.lines + 1, mode, max_line);
        if line_end == bytes.len() {
            return;
        }
        state.lines += 1;
        pos = line_end + 1;
    }
}

#[derive(Clone, Copy)]
enum Marker {
    Test,
    Result,
}

/// `Test: ` and `Result: ` both end in `t: `: one finder for that, then a look back, costs one
/// pass over the bytes instead of two.
struct TestsAndResults<'h> {
    bytes: &'h [u8],
    colons: FindIter<'h, 'static>,
}

impl Iterator for TestsAndResults<'_> {
    type Item = (Marker, usize);

    fn next(&mut self) -> Option<(Marker, usize)> {
        for p in self.colons.by_ref() {
            // A block starts at a line start, so a marker cannot begin before it.
            if p >= 3 && &self.bytes[p - 3..p] == b"Tes" {
                return Some((Marker::Test, p - 3));
            }
            if p >= 5 && &self.bytes[p - 5..p] == b"Resul" {
                return Some((Marker::Result, p - 5));
            }
        }
        None
    }
}

fn count_lines(bytes: &[u8]) -> u64 {
    // Gaps between marker lines are usually a few short lines, where a plain loop (which the
    // compiler vectorizes) beats the set-up cost of the SIMD routine.
    if bytes.len() < 128 {
        bytes.iter().filter(|&&b| b == b'\n').count() as u64
    } else {
        memchr::memchr_iter(b'\n', bytes).count() as u64
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
