//! A plain line-by-line reading of docs/design.md §1, written as simply as possible, to check the
//! fast parser against. It decodes each whole line, then looks for markers with `str::find`.

use std::collections::BTreeMap;

use lra_core::{AnomalyKind, Class, Counts, FailedRun, KEPT_RUNS, Location, Markers, NameMode, Summary};

/// A place in a file: its name, a line number and the line's byte offset.
pub type Place = (String, u64, Option<u64>);

/// A failed run: its file, then the offsets of its opening and its closing line.
pub type RunView = (String, u64, u64);

/// A test: name, counts, raw words, first failure, transitions, (passed, failed) by iteration
/// index, its failed runs kept: how many it had, the first `KEPT_RUNS` and the last ones after
/// those, and its durations: runs with one, their total, least and most.
pub type TestView = (
    String,
    Counts,
    BTreeMap<String, u64>,
    Option<Place>,
    u64,
    BTreeMap<usize, (u64, u64)>,
    (u64, Vec<RunView>, Vec<RunView>),
    Option<(u64, u64, u64, u64)>,
);

/// Runs with a duration and their total.
pub type TimedView = (u64, u64);

/// A failure group: folded detail, first example, count, tests, first place.
pub type GroupView = (String, String, u64, Vec<String>, Place);

/// Everything a Summary says, in plain collections.
#[derive(Debug, PartialEq, Default)]
pub struct View {
    pub tests: Vec<TestView>,
    pub iterations: Vec<(String, Counts, TimedView)>,
    pub anomalies: Vec<(&'static str, Place, String)>,
    /// Name, bytes, totals, orphan results, dropped durations.
    pub files: Vec<(String, u64, Counts, u64, u64)>,
    pub failure_groups: Vec<GroupView>,
    /// Each timed test's p50 and p95: from the buckets in a summary, exact in the reference
    /// (see [`View::percentiles_agree`]).
    pub percentiles: BTreeMap<String, (u64, u64)>,
}

impl View {
    pub fn of(s: &Summary) -> View {
        View {
            tests: s
                .tests()
                .iter()
                .map(|t| {
                    let results = t.results.iter().map(|(w, n)| (w.to_owned(), n)).collect();
                    let place = |l: Location| (s.file_name(l).to_owned(), l.line, l.offset);
                    let ff = t.first_failure().map(place);
                    let run = |r: &FailedRun| {
                        let file = s.files[r.file as usize].name.to_string();
                        (file, r.opened, r.closed)
                    };
                    let kept = t.failed_runs();
                    let runs = (kept.seen(), kept.first().iter().map(run).collect(), kept.last().map(run).collect());
                    let mut cells = BTreeMap::new();
                    for s in t.by_iteration.spans() {
                        for i in s.first..s.end() {
                            cells.insert(i as usize, (s.cell.passed, s.cell.failed));
                        }
                    }
                    let durations = t.durations().map(|d| (d.runs(), d.total(), d.min(), d.max()));
                    (t.name.to_string(), t.counts, results, ff, t.transitions(), cells, runs, durations)
                })
                .collect(),
            iterations: s
                .iterations()
                .iter()
                .map(|i| (i.label.to_string(), i.counts, (i.timed.runs, i.timed.total)))
                .collect(),
            anomalies: s
                .anomalies()
                .iter()
                .filter(|a| a.kind != AnomalyKind::LongLine)
                .map(|a| {
                    let l = a.location;
                    (a.kind.as_str(), (s.file_name(l).to_owned(), l.line, l.offset), a.text.to_string())
                })
                .collect(),
            files: s
                .files
                .iter()
                .map(|f| (f.name.to_string(), f.bytes, f.totals, f.orphan_results, f.dropped_durations))
                .collect(),
            failure_groups: s
                .failure_groups()
                .iter()
                .map(|g| {
                    let tests = g.tests.iter().map(|t| t.to_string()).collect();
                    let first = (s.file_name(g.first).to_owned(), g.first.line, g.first.offset);
                    (g.detail.to_string(), g.example.to_string(), g.count, tests, first)
                })
                .collect(),
            percentiles: s
                .tests()
                .iter()
                .filter_map(|t| Some((t.name.to_string(), t.durations().map(|d| (d.p50(), d.p95()))?)))
                .collect(),
        }
    }

    /// Whether a summary's percentiles (`self`) are the reference's exact ones within the bucket
    /// scheme's error: at least the exact one, and at most a sixteenth above it.
    pub fn percentiles_agree(&self, exact: &View) -> bool {
        let near = |bucketed: u64, exact: u64| bucketed >= exact && bucketed * 16 <= exact * 17;
        self.percentiles.len() == exact.percentiles.len()
            && self
                .percentiles
                .iter()
                .zip(&exact.percentiles)
                .all(|((a, (a50, a95)), (b, (b50, b95)))| a == b && near(*a50, *b50) && near(*a95, *b95))
    }
}

struct Open {
    test: usize,
    iteration: Option<usize>,
    line: (u64, u64),
    /// The timestamp its line starts with, unless the line also closes it.
    stamp: Option<Stamp>,
}

/// A line's leading timestamp: microseconds, and whether they count from the epoch (a date was
/// given) rather than from midnight.
type Stamp = (i64, bool);

/// The timestamp a line starts with, in the shapes the property tests write: a time of day,
/// bracketed or not, and ISO 8601 with a date and `Z`. After a CI prefix (an ISO stamp and a
/// space, or a bracketed time and a space), the line's own stamp is the run's, if it has one.
fn stamp(line: &str) -> Option<Stamp> {
    let own = |rest: &str| time_of_day(rest).map(|(us, _)| (us, false));
    if let Some((us, rest)) = iso(line) {
        return rest.strip_prefix(' ').and_then(own).or(Some((us, true)));
    }
    let (us, rest) = time_of_day(line)?;
    if line.starts_with('[')
        && let Some(r) = rest.strip_prefix(' ')
        && let Some(inner) = own(r)
    {
        return Some(inner);
    }
    Some((us, false))
}

/// `HH:MM:SS[.frac]` or `[HH:MM:SS[.frac]]` at the start, not followed by a digit or a `:`:
/// microseconds since midnight, and the rest of the line.
fn time_of_day(line: &str) -> Option<(i64, &str)> {
    let (bracketed, t) = match line.strip_prefix('[') {
        Some(t) => (true, t),
        None => (false, line),
    };
    let b = t.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let num = |s: Option<&str>| s.filter(|s| s.bytes().all(|c| c.is_ascii_digit()))?.parse::<i64>().ok();
    let (h, m, s) = (num(t.get(..2))?, num(t.get(3..5))?, num(t.get(6..8))?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let mut rest = &t[8..];
    let mut us = ((h * 60 + m) * 60 + s) * 1_000_000;
    if let Some(f) = rest.strip_prefix('.') {
        let digits: String = f.chars().take_while(char::is_ascii_digit).collect();
        let micro: String = format!("{digits:0<6}").chars().take(6).collect();
        us += micro.parse::<i64>().unwrap();
        rest = &f[digits.len()..];
    }
    if rest.starts_with(|c: char| c.is_ascii_digit() || c == ':') {
        return None;
    }
    if bracketed {
        rest = rest.strip_prefix(']').unwrap_or(rest);
    }
    Some((us, rest))
}

/// `2024-05-01T10:00:00[.frac]Z` at the start: microseconds since the epoch, and the rest.
fn iso(line: &str) -> Option<(i64, &str)> {
    let date = line.get(..10)?;
    let ymd: Vec<i64> = date.split('-').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    if ymd.len() != 3 || line.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    let (us, rest) = time_of_day(&line[11..])?;
    let rest = rest.strip_prefix('Z')?;
    // Days since the epoch by counting them, the plain way.
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days =
        |y: i64, m: i64| [31, if leap(y) { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m as usize - 1];
    let days: i64 = (1970..ymd[0]).map(|y| if leap(y) { 366 } else { 365 }).sum::<i64>()
        + (1..ymd[1]).map(|m| month_days(ymd[0], m)).sum::<i64>()
        + ymd[2]
        - 1;
    Some((days * 86_400_000_000 + us, rest))
}

/// A result's text with its first `(elapsed N UNIT)` cut out, and the duration, if it states a
/// valid one there.
fn elapsed(detail: &str) -> Option<(u64, String)> {
    let at = detail.find("(elapsed ")?;
    let inner_start = at + "(elapsed ".len();
    let close = detail[inner_start..].find(')')? + inner_start;
    let inner = detail[inner_start..close].trim();
    let number: String = inner.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let ns_per_unit: u128 = match inner[number.len()..].trim_start() {
        "ns" => 1,
        "us" | "µs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        _ => return None,
    };
    let (int, frac) = number.split_once('.').unwrap_or((&number, ""));
    if int.is_empty() || frac.contains('.') {
        return None;
    }
    let frac_ns =
        if frac.is_empty() { 0 } else { frac.parse::<u128>().ok()? * ns_per_unit / 10u128.pow(frac.len() as u32) };
    let ns = int.parse::<u128>().ok()? * ns_per_unit + frac_ns;
    let (before, after) = (detail[..at].trim_end(), detail[close + 1..].trim_start());
    let rest = match (before.is_empty(), after.is_empty()) {
        (_, true) => before.to_owned(),
        (true, false) => after.to_owned(),
        (false, false) => format!("{before} {after}"),
    };
    Some(((ns / 1_000) as u64, rest))
}

/// Where `marker` first occurs in `line`, in either case of ASCII letters if `ignore_case`.
fn find(line: &str, marker: &str, ignore_case: bool) -> Option<usize> {
    if ignore_case { line.to_ascii_lowercase().find(&marker.to_ascii_lowercase()) } else { line.find(marker) }
}

pub fn reference(files: &[(&str, &[u8])], mode: NameMode, markers: &Markers) -> View {
    let case = markers.ignore_case();
    let (test_marker, result_marker, iteration_marker) = (markers.test(), markers.result(), markers.iteration());
    let mut v = View::default();
    // Each test's passed/failed outcomes in run order, for its transitions.
    let mut outcomes: Vec<Vec<Class>> = Vec::new();
    // And its failed runs, all of them.
    let mut failed_runs: Vec<Vec<RunView>> = Vec::new();
    // And its durations, all of them.
    let mut durations: Vec<Vec<u64>> = Vec::new();
    for (name, bytes) in files {
        let mut totals = Counts::default();
        let mut orphans = 0;
        let mut dropped = 0;
        let mut iteration: Option<usize> = None;
        let mut open: Option<Open> = None;
        let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        if bytes.ends_with(b"\n") || bytes.is_empty() {
            lines.pop();
        }
        let mut offset = 0;
        for (i, raw) in lines.iter().enumerate() {
            // The line's number and the offset of its first byte.
            let n = (i as u64 + 1, offset);
            offset += raw.len() as u64 + 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let line = String::from_utf8_lossy(raw);
            if let Some(at) = find(&line, iteration_marker, case) {
                let label = line[at + iteration_marker.len()..].split_whitespace().next().unwrap_or("");
                let label = &cut(label);
                iteration = Some(match v.iterations.iter().position(|(l, ..)| l == label) {
                    Some(p) => p,
                    None => {
                        v.iterations.push((label.to_owned(), Counts::default(), (0, 0)));
                        v.iterations.len() - 1
                    }
                });
            }
            let line_stamp = stamp(&line);
            let mut ended = Ended { stated: None, stamp: line_stamp, dropped: &mut dropped };
            if let Some(at) = find(&line, test_marker, case) {
                let mut rest = &line[at + test_marker.len()..];
                if let Some(r) = find(rest, result_marker, case) {
                    rest = &rest[..r];
                }
                let test_name = match mode {
                    NameMode::Line => rest.trim(),
                    NameMode::FirstWord => rest.split_whitespace().next().unwrap_or(""),
                };
                let test_name = cut(test_name);
                let test_name = test_name.as_str();
                if let Some(o) = open.take() {
                    let missing = Ended { stated: None, stamp: None, dropped: &mut *ended.dropped };
                    let lists =
                        Lists { outcomes: &mut outcomes, failed_runs: &mut failed_runs, durations: &mut durations };
                    close(&mut v, lists, &mut totals, o, "", "", name, n, missing);
                }
                let test = match v.tests.iter().position(|t| t.0 == test_name) {
                    Some(p) => p,
                    None => {
                        v.tests.push((
                            test_name.to_owned(),
                            Counts::default(),
                            BTreeMap::new(),
                            None,
                            0,
                            BTreeMap::new(),
                            (0, Vec::new(), Vec::new()),
                            None,
                        ));
                        outcomes.push(Vec::new());
                        failed_runs.push(Vec::new());
                        durations.push(Vec::new());
                        v.tests.len() - 1
                    }
                };
                let closes_here = find(&line, result_marker, case).is_some();
                open = Some(Open { test, iteration, line: n, stamp: line_stamp.filter(|_| !closes_here) });
            }
            if let Some(at) = find(&line, result_marker, case) {
                let after = line[at + result_marker.len()..].trim_start();
                let raw_word = after.split_whitespace().next().unwrap_or("");
                let mut detail = after[raw_word.len()..].trim().to_owned();
                if let Some((us, rest)) = elapsed(&detail) {
                    ended.stated = Some(us);
                    detail = rest;
                }
                let word = cut(&raw_word.to_uppercase());
                match open.take() {
                    Some(o) => {
                        let lists =
                            Lists { outcomes: &mut outcomes, failed_runs: &mut failed_runs, durations: &mut durations };
                        close(&mut v, lists, &mut totals, o, &word, &detail, name, n, ended)
                    }
                    None => {
                        orphans += 1;
                        v.anomalies.push(("orphan_result", (name.to_string(), n.0, Some(n.1)), word));
                    }
                }
            }
        }
        if let Some(o) = open.take() {
            let missing = Ended { stated: None, stamp: None, dropped: &mut dropped };
            let lists = Lists { outcomes: &mut outcomes, failed_runs: &mut failed_runs, durations: &mut durations };
            close(&mut v, lists, &mut totals, o, "", "", name, (0, 0), missing);
        }
        v.files.push((name.to_string(), bytes.len() as u64, totals, orphans, dropped));
    }
    // Anomalies are listed by location; within a file, a missing result is found late.
    let order: Vec<&str> = files.iter().map(|f| f.0).collect();
    v.anomalies.sort_by_key(|a| (order.iter().position(|f| *f == a.1.0), a.1.1));
    v.anomalies.truncate(1000);
    for (t, runs) in v.tests.iter_mut().zip(&outcomes) {
        t.4 = runs.windows(2).filter(|w| w[0] != w[1]).count() as u64;
    }
    // Every failed run was kept above: the first `KEPT_RUNS`, and the last ones after those.
    for (t, runs) in v.tests.iter_mut().zip(failed_runs) {
        let first = runs[..runs.len().min(KEPT_RUNS)].to_vec();
        let rest = &runs[first.len()..];
        t.6 = (runs.len() as u64, first, rest[rest.len().saturating_sub(KEPT_RUNS)..].to_vec());
    }
    // Exact percentiles by nearest rank: the smallest duration that `p`% of the runs do not
    // exceed.
    for (t, mut runs) in v.tests.iter().zip(durations) {
        if runs.is_empty() {
            continue;
        }
        runs.sort_unstable();
        let rank = |p: usize| runs[(runs.len() * p).div_ceil(100).max(1) - 1];
        v.percentiles.insert(t.0.clone(), (rank(50), rank(95)));
    }
    v
}

/// What a test's run lists are kept in, by test.
struct Lists<'a> {
    outcomes: &'a mut [Vec<Class>],
    failed_runs: &'a mut [Vec<RunView>],
    durations: &'a mut [Vec<u64>],
}

/// What the closing line says of a run's duration, and the file's count of dropped ones.
struct Ended<'a> {
    stated: Option<u64>,
    stamp: Option<Stamp>,
    dropped: &'a mut u64,
}

#[allow(clippy::too_many_arguments)]
fn close(
    v: &mut View,
    lists: Lists<'_>,
    totals: &mut Counts,
    o: Open,
    word: &str,
    detail: &str,
    file: &str,
    line: (u64, u64),
    ended: Ended<'_>,
) {
    let Lists { outcomes, failed_runs, durations } = lists;
    let place = (file.to_owned(), line.0, Some(line.1));
    let class = Class::of_word(word);
    if matches!(class, Class::Passed | Class::Failed) {
        outcomes[o.test].push(class);
    }
    // A stated duration wins; else the stamps', a time of day wrapping at midnight, dropped if
    // negative or over a day.
    const DAY: i64 = 86_400_000_000;
    let took = match (ended.stated, o.stamp, ended.stamp) {
        _ if class == Class::Missing => None,
        (Some(us), ..) => Some(us),
        (None, Some((a, abs_a)), Some((b, abs_b))) if abs_a == abs_b => {
            let mut us = b - a;
            if us < 0 && !abs_a {
                us += DAY;
            }
            if (0..=DAY).contains(&us) {
                Some(us as u64)
            } else {
                *ended.dropped += 1;
                None
            }
        }
        _ => None,
    };
    if let Some(us) = took {
        durations[o.test].push(us);
        let t = &mut v.tests[o.test];
        let d = t.7.get_or_insert((0, 0, u64::MAX, 0));
        *d = (d.0 + 1, d.1 + us, d.2.min(us), d.3.max(us));
        if let Some(i) = o.iteration {
            let timed = &mut v.iterations[i].2;
            *timed = (timed.0 + 1, timed.1 + us);
        }
    }
    if class == Class::Failed {
        let folded = cut(&fold(detail));
        let name = v.tests[o.test].0.clone();
        let g = match v.failure_groups.iter().position(|g| g.0 == folded) {
            Some(g) => g,
            None => {
                v.failure_groups.push((folded, cut(detail), 0, Vec::new(), place.clone()));
                v.failure_groups.len() - 1
            }
        };
        let g = &mut v.failure_groups[g];
        g.2 += 1;
        if g.3.len() < 20 && !g.3.contains(&name) {
            g.3.push(name);
        }
    }
    let t = &mut v.tests[o.test];
    t.1.add(class);
    totals.add(class);
    if class != Class::Missing {
        *t.2.entry(word.to_owned()).or_default() += 1;
    }
    if class == Class::Failed {
        t.3.get_or_insert(place);
        failed_runs[o.test].push((file.to_owned(), o.line.1, line.1));
    }
    if let Some(i) = o.iteration {
        v.iterations[i].1.add(class);
        let cell = t.5.entry(i).or_default();
        match class {
            Class::Passed => cell.0 += 1,
            Class::Failed => cell.1 += 1,
            _ => {}
        }
        if *cell == (0, 0) {
            t.5.remove(&i);
        }
    }
    if class == Class::Missing {
        let name = t.0.clone();
        v.anomalies.push(("missing_result", (file.to_owned(), o.line.0, Some(o.line.1)), name));
    }
}

/// Each run of ASCII digits becomes one `#`.
fn fold(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                chars.next();
            }
            out.push('#');
        } else {
            out.push(c);
        }
    }
    out
}

/// The rule of docs/design.md §1, "Names shown and kept": a text over 4,096 bytes keeps its first
/// whole characters within them, followed by ` … (cut: N bytes, sha256 H)`, N and H the whole's.
fn cut(text: &str) -> String {
    use sha2::Digest;
    if text.len() <= 4096 {
        return text.to_owned();
    }
    let mut end = 4096;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let hash: String = sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    format!("{} … (cut: {} bytes, sha256 {hash})", &text[..end], text.len())
}
