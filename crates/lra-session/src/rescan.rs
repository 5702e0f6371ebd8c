//! A test's failed runs past those its summary kept (its first and last 10, docs/design.md
//! §1.6): found by reading the file again from a place with the same parser, a bounded share
//! per request, so that the viewer's `n` goes on through every failed run of a test.

use lra_core::{AnomalyKind, FileParser, Options};
use lra_input::lines::Source;

/// Bytes one request parses; it says where it stopped, so that the page can go on (or stop).
pub const RESCAN_BUDGET: u64 = 32 << 20;

/// What one share of a rescan found.
#[derive(Debug, PartialEq, Eq)]
pub enum Rescan {
    /// The run.
    Found {
        /// The offset of the line that opened it.
        opened: u64,
        /// The offset of its result line.
        closed: u64,
    },
    /// None in this share: go on from here.
    GoOn(u64),
    /// The file holds no later failed run of the test.
    Done,
}

/// The first failed run of `test` whose result line starts after `after` (a line start), in
/// `src` read by `options`, reading at most `budget` bytes ([`RESCAN_BUDGET`] for the page). The
/// share starts at
/// `after`, as a file would: a run still open there (one that `after`'s line closes) is not
/// this test's next one. A run longer than a share is not found (it never fits one).
pub fn next_failed_run(
    src: &(impl Source + ?Sized),
    options: &Options,
    test: &str,
    after: u64,
    budget: u64,
) -> Result<Rescan, String> {
    let size = src.size();
    if after >= size {
        return Ok(Rescan::Done);
    }
    let mut share = src.read(after, budget)?;
    let at_end = after + share.len() as u64 >= size;
    if !at_end {
        match memchr::memrchr(b'\n', &share) {
            Some(i) => share.truncate(i + 1),
            // One line longer than the share: no run ends inside it.
            None => return Ok(Rescan::GoOn(after + share.len() as u64)),
        }
    }
    let mut parser = FileParser::new("rescan", Options { parallel: false, ..options.clone() });
    parser.feed(&share);
    let summary = parser.finish();
    let Some(t) = summary.tests().iter().find(|t| *t.name == *test) else {
        return Ok(if at_end { Rescan::Done } else { Rescan::GoOn(after + share.len() as u64) });
    };
    if let Some(run) = t.failed_runs().first().iter().find(|r| r.closed > 0) {
        return Ok(Rescan::Found { opened: after + run.opened, closed: after + run.closed });
    }
    if at_end {
        return Ok(Rescan::Done);
    }
    // A run of the test still open at the share's end (closed there as missing, at its opening
    // line) is read again from its start by the next share.
    let open = summary
        .anomalies()
        .iter()
        .rev()
        .find(|a| a.kind == AnomalyKind::MissingResult && *a.text == *test)
        .and_then(|a| a.location.offset)
        .filter(|&o| o > 0);
    Ok(Rescan::GoOn(after + open.unwrap_or(share.len() as u64)))
}
