//! Entry points for the property tests: parse one file as independent segments merged in a
//! chosen tree shape, exactly as the parallel parse does, but on one thread and with cuts the
//! caller picks. Not part of the supported API.

use crate::base::log_format::LogFormat;
use crate::base::options::Options;
use crate::model::summary::Summary;
use crate::read::extract::Hits;
use crate::read::partial::Partial;
use crate::read::scan::scan;

/// Parses `bytes` as one file fed in pieces cut at `cuts` (in order; one past another is
/// empty), as the push parser is fed by its callers.
pub fn parse_in_pieces(name: &str, bytes: &[u8], options: &Options, cuts: &[usize]) -> Summary {
    let mut p = crate::read::parser::FileParser::new(name, options.clone());
    let mut start = 0;
    for &c in cuts {
        p.feed(&bytes[start..c.max(start)]);
        start = c.max(start);
    }
    p.feed(&bytes[start..]);
    p.finish()
}

/// Parses `bytes`, a whole file in the markers' format, the simple way: each line searched for
/// each marker with a substring finder, and every marker line read as the general event (no
/// first stage, no short paths). The fast scan is checked against it. Lines are never cut for
/// being long: the push parser's streaming of a name past the line limit reads as this does.
pub fn parse_markers_in_general(name: &str, bytes: &[u8], options: &Options) -> Summary {
    let mut p = Partial::at_file_start();
    crate::read::parser::number(&mut p, LogFormat::Markers, options);
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let line = &bytes[start..end];
        let hits = Hits::find(line, &options.markers);
        if hits.iteration.is_some() || hits.test.is_some() || hits.result.is_some() {
            let at = p.next_line(start);
            p.line_in_general(line, hits, at, options);
        }
        if end == bytes.len() {
            break;
        }
        p.lines += 1;
        start = end + 1;
    }
    p.offset += bytes.len() as u64;
    p.finish(name.into(), bytes.len() as u64, is_binary(bytes), LogFormat::Markers, options)
}

/// Parses `bytes`, a whole file in a runner's line format (GoogleTest, libtest), the simple
/// way: every line read by the format, none skipped for holding no needle. The first stage's scan
/// is checked against it.
pub fn parse_runner_every_line(name: &str, bytes: &[u8], options: &Options, format: LogFormat) -> Summary {
    let mut p = Partial::at_file_start();
    crate::read::parser::number(&mut p, format, options);
    crate::read::scan::read_every_line(&mut p, bytes, options, format);
    p.offset += bytes.len() as u64;
    p.finish(name.into(), bytes.len() as u64, is_binary(bytes), format, options)
}

/// Checks the markers' first stage against a byte-by-byte reading of `hay`, cut to every length,
/// with the default markers' probes and `probe` (up to its first three bytes).
pub fn check_first_stage(hay: &[u8], probe: &[u8]) -> Result<(), String> {
    crate::read::first_stage::check_against_bytewise(hay, probe)
}

/// How the segments' partial results are combined.
#[derive(Clone, Copy, Debug)]
pub enum Tree {
    /// `((a · b) · c) · d`
    Left,
    /// `a · (b · (c · d))`
    Right,
    /// Halves, recursively.
    Balanced,
}

/// Parses `bytes` as a whole file, cut after the first newline at or after each of `cuts`.
/// A format read in order is never cut into segments (as the parallel parse does not): it is
/// fed in pieces cut there instead.
pub fn parse_in_segments(name: &str, bytes: &[u8], options: &Options, cuts: &[usize], tree: Tree) -> Summary {
    let mut bounds: Vec<usize> = cuts
        .iter()
        .map(|&c| match bytes.get(c..).and_then(|rest| memchr::memchr(b'\n', rest)) {
            Some(i) => c + i + 1,
            None => bytes.len(),
        })
        .collect();
    bounds.push(0);
    bounds.push(bytes.len());
    bounds.sort_unstable();
    bounds.dedup();
    let detected =
        options.detected.clone().unwrap_or_else(|| crate::read::format::detect::detect_reading(bytes, options.format));
    let format = detected.format;
    if !format.is_line_format() {
        return parse_in_pieces(name, bytes, options, cuts);
    }
    let parts: Vec<Partial> = bounds
        .windows(2)
        .map(|w| {
            let mut p = Partial::at_segment_start();
            crate::read::parser::number(&mut p, format, options);
            scan(&mut p, &bytes[w[0]..w[1]], options, format);
            p
        })
        .collect();
    let mut whole = Partial::at_file_start();
    crate::read::parser::number(&mut whole, format, options);
    if let Some(merged) = combine(parts, tree) {
        whole.absorb(merged);
    }
    let mut summary = whole.finish(name.into(), bytes.len() as u64, is_binary(bytes), format, options);
    summary.files[0].reading = Some(detected.why.into());
    summary
}

/// Whether a whole file reads as binary, as the parser tells it: a NUL byte among the first
/// [`BINARY_PROBE`](crate::read::parser::BINARY_PROBE) bytes.
fn is_binary(bytes: &[u8]) -> bool {
    let probe = crate::read::parser::BINARY_PROBE as usize;
    memchr::memchr(0, &bytes[..bytes.len().min(probe)]).is_some()
}

fn combine(mut parts: Vec<Partial>, tree: Tree) -> Option<Partial> {
    match tree {
        Tree::Left => parts.into_iter().reduce(|mut a, b| {
            a.absorb(b);
            a
        }),
        Tree::Right => parts.into_iter().rev().reduce(|b, mut a| {
            a.absorb(b);
            a
        }),
        Tree::Balanced => {
            if parts.len() <= 1 {
                return parts.pop();
            }
            let right = parts.split_off(parts.len() / 2);
            let mut left = combine(parts, tree)?;
            left.absorb(combine(right, tree)?);
            Some(left)
        }
    }
}
