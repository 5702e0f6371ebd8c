//! A plain line-by-line reading of docs/design.md §1, written as simply as possible, to check the
//! fast parser against. It decodes each whole line, then looks for markers with `str::find`.

use std::collections::BTreeMap;

use lra_core::{AnomalyKind, Class, Counts, FailedRun, KEPT_RUNS, Location, Markers, NameMode, Summary};

/// A place in a file: its name, a line number and the line's byte offset.
pub type Place = (String, u64, Option<u64>);

/// A failed run: its file, then the offsets of its opening and its closing line.
pub type RunView = (String, u64, u64);

/// A test: name, counts, raw words, first failure, transitions, (passed, failed) by iteration
/// index, and its failed runs kept: how many it had, the first `KEPT_RUNS` and the last ones
/// after those.
pub type TestView = (
    String,
    Counts,
    BTreeMap<String, u64>,
    Option<Place>,
    u64,
    BTreeMap<usize, (u64, u64)>,
    (u64, Vec<RunView>, Vec<RunView>),
);

/// A failure group: folded detail, first example, count, tests, first place.
pub type GroupView = (String, String, u64, Vec<String>, Place);

/// Everything a Summary says, in plain collections.
#[derive(Debug, PartialEq, Default)]
pub struct View {
    pub tests: Vec<TestView>,
    pub iterations: Vec<(String, Counts)>,
    pub anomalies: Vec<(&'static str, Place, String)>,
    pub files: Vec<(String, u64, Counts, u64)>,
    pub failure_groups: Vec<GroupView>,
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
                    (t.name.to_string(), t.counts, results, ff, t.transitions(), cells, runs)
                })
                .collect(),
            iterations: s.iterations().iter().map(|i| (i.label.to_string(), i.counts)).collect(),
            anomalies: s
                .anomalies()
                .iter()
                .filter(|a| a.kind != AnomalyKind::LongLine)
                .map(|a| {
                    let l = a.location;
                    (a.kind.as_str(), (s.file_name(l).to_owned(), l.line, l.offset), a.text.to_string())
                })
                .collect(),
            files: s.files.iter().map(|f| (f.name.to_string(), f.bytes, f.totals, f.orphan_results)).collect(),
            failure_groups: s
                .failure_groups()
                .iter()
                .map(|g| {
                    let tests = g.tests.iter().map(|t| t.to_string()).collect();
                    let first = (s.file_name(g.first).to_owned(), g.first.line, g.first.offset);
                    (g.detail.to_string(), g.example.to_string(), g.count, tests, first)
                })
                .collect(),
        }
    }
}

struct Open {
    test: usize,
    iteration: Option<usize>,
    line: (u64, u64),
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
    for (name, bytes) in files {
        let mut totals = Counts::default();
        let mut orphans = 0;
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
                iteration = Some(match v.iterations.iter().position(|(l, _)| l == label) {
                    Some(p) => p,
                    None => {
                        v.iterations.push((label.to_owned(), Counts::default()));
                        v.iterations.len() - 1
                    }
                });
            }
            if let Some(at) = find(&line, test_marker, case) {
                let mut rest = &line[at + test_marker.len()..];
                if let Some(r) = find(rest, result_marker, case) {
                    rest = &rest[..r];
                }
                let test_name = match mode {
                    NameMode::Line => rest.trim(),
                    NameMode::FirstWord => rest.split_whitespace().next().unwrap_or(""),
                };
                if let Some(o) = open.take() {
                    close(&mut v, &mut outcomes, &mut failed_runs, &mut totals, o, "", "", name, n);
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
                        ));
                        outcomes.push(Vec::new());
                        failed_runs.push(Vec::new());
                        v.tests.len() - 1
                    }
                };
                open = Some(Open { test, iteration, line: n });
            }
            if let Some(at) = find(&line, result_marker, case) {
                let after = line[at + result_marker.len()..].trim_start();
                let raw_word = after.split_whitespace().next().unwrap_or("");
                let detail = after[raw_word.len()..].trim();
                let word = raw_word.to_uppercase();
                match open.take() {
                    Some(o) => close(&mut v, &mut outcomes, &mut failed_runs, &mut totals, o, &word, detail, name, n),
                    None => {
                        orphans += 1;
                        v.anomalies.push(("orphan_result", (name.to_string(), n.0, Some(n.1)), word));
                    }
                }
            }
        }
        if let Some(o) = open.take() {
            close(&mut v, &mut outcomes, &mut failed_runs, &mut totals, o, "", "", name, (0, 0));
        }
        v.files.push((name.to_string(), bytes.len() as u64, totals, orphans));
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
    v
}

#[allow(clippy::too_many_arguments)]
fn close(
    v: &mut View,
    outcomes: &mut [Vec<Class>],
    failed_runs: &mut [Vec<RunView>],
    totals: &mut Counts,
    o: Open,
    word: &str,
    detail: &str,
    file: &str,
    line: (u64, u64),
) {
    let place = (file.to_owned(), line.0, Some(line.1));
    let class = Class::of_word(word);
    if matches!(class, Class::Passed | Class::Failed) {
        outcomes[o.test].push(class);
    }
    if class == Class::Failed {
        let folded = fold(detail);
        let name = v.tests[o.test].0.clone();
        let g = match v.failure_groups.iter().position(|g| g.0 == folded) {
            Some(g) => g,
            None => {
                v.failure_groups.push((folded, detail.to_owned(), 0, Vec::new(), place.clone()));
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
