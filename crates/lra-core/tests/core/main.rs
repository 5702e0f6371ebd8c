//! The core's integration tests, compiled as one binary.

mod colour;
mod cuts;
mod generator;
mod heatmap;
mod history;
mod json;
mod markers;
mod parallel;
mod props;
mod reference;
mod rules;
mod runners;
mod saved;
mod seed;

use lra_core::{FileParser, NameMode, Options, Summary};

/// Parses one file fed whole.
pub fn parse(name: &str, bytes: &[u8], mode: NameMode) -> Summary {
    parse_with(name, bytes, &Options::with_name_mode(mode))
}

/// Parses one file fed whole, with these options.
pub fn parse_with(name: &str, bytes: &[u8], options: &Options) -> Summary {
    let mut p = FileParser::new(name, options.clone());
    p.feed(bytes);
    p.finish()
}

/// Checks every location of `s`, a summary of the one file `bytes`, against the bytes: each
/// offset is where its line starts, counting the newlines before it. The opening line of a kept
/// failed run comes before, or is, its closing line.
pub fn assert_offsets_name_their_lines(s: &Summary, bytes: &[u8]) {
    let mut starts = vec![0u64];
    starts.extend(memchr_all(bytes).map(|i| i as u64 + 1));
    let check = |what: &str, line: u64, offset: Option<u64>| {
        let expected = starts.get(line as usize - 1).copied();
        assert_eq!(offset, expected, "{what} at line {line}");
    };
    for t in s.tests() {
        if let Some(l) = t.first_failure() {
            check("first failure", l.line, l.offset);
        }
        for r in t.failed_runs().first().iter().chain(t.failed_runs().last()) {
            assert!(starts.binary_search(&r.opened).is_ok() && starts.binary_search(&r.closed).is_ok(), "{r:?}");
            assert!(r.opened <= r.closed, "{r:?}");
        }
    }
    for a in s.anomalies() {
        check(a.kind.as_str(), a.location.line, a.location.offset);
    }
    for g in s.failure_groups() {
        check("a reason's first run", g.first.line, g.first.offset);
    }
}

fn memchr_all(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i)
}

/// Parses several files and merges them in order.
pub fn parse_files(files: &[(&str, &[u8])], mode: NameMode) -> Summary {
    let mut s = Summary::empty(mode);
    for (name, bytes) in files {
        s.merge(parse(name, bytes, mode)).unwrap();
    }
    s
}

/// (passed, failed, skipped, other, missing) of the test called `name`.
pub fn counts(s: &Summary, name: &str) -> (u64, u64, u64, u64, u64) {
    let t = s.tests().iter().find(|t| &*t.name == name).unwrap_or_else(|| panic!("no test {name:?} in {:?}", names(s)));
    let c = t.counts;
    (c.passed, c.failed, c.skipped, c.other, c.missing)
}

/// The tests' names in order of first appearance.
pub fn names(s: &Summary) -> Vec<&str> {
    s.tests().iter().map(|t| &*t.name).collect()
}
