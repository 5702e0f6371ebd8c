//! The core's integration tests, compiled as one binary.

mod generator;
mod heatmap;
mod json;
mod markers;
mod parallel;
mod props;
mod reference;
mod rules;
mod runners;
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
