//! A plain line-by-line reading of design.md §1, written as simply as possible, to check the
//! fast parser against. It decodes each whole line, then looks for markers with `str::find`.

use std::collections::BTreeMap;

use lra_core::{AnomalyKind, Class, Counts, NameMode, Summary};

/// A test: name, counts, raw words, first failure as (file, line).
pub type TestView = (String, Counts, BTreeMap<String, u64>, Option<(String, u64)>);

/// Everything a Summary says, in plain collections.
#[derive(Debug, PartialEq, Default)]
pub struct View {
    pub tests: Vec<TestView>,
    pub iterations: Vec<(String, Counts)>,
    pub anomalies: Vec<(&'static str, String, u64, String)>,
    pub files: Vec<(String, u64, Counts, u64)>,
}

impl View {
    pub fn of(s: &Summary) -> View {
        View {
            tests: s
                .tests()
                .iter()
                .map(|t| {
                    let results = t.results.iter().map(|(w, n)| (w.to_string(), *n)).collect();
                    let ff = t.first_failure.map(|l| (s.file_name(l).to_owned(), l.line));
                    (t.name.to_string(), t.counts, results, ff)
                })
                .collect(),
            iterations: s
                .iterations()
                .iter()
                .map(|i| (i.label.to_string(), i.counts))
                .collect(),
            anomalies: s
                .anomalies()
                .iter()
                .filter(|a| a.kind != AnomalyKind::LongLine)
                .map(|a| {
                    (
                        a.kind.as_str(),
                        s.file_name(a.location).to_owned(),
                        a.location.line,
                        a.text.to_string(),
                    )
                })
                .collect(),
            files: s
                .files
                .iter()
                .map(|f| (f.name.to_string(), f.bytes, f.totals, f.orphan_results))
                .collect(),
        }
    }
}

struct Open {
    test: usize,
    iteration: Option<usize>,
    line: u64,
}

pub fn reference(files: &[(&str, &[u8])], mode: NameMode) -> View {
    let mut v = View::default();
    for (name, bytes) in files {
        let mut totals = Counts::default();
        let mut orphans = 0;
        let mut iteration: Option<usize> = None;
        let mut open: Option<Open> = None;
        let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        if bytes.ends_with(b"\n") || bytes.is_empty() {
            lines.pop();
        }
        for (i, raw) in lines.iter().enumerate() {
            let n = i as u64 + 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let line = String::from_utf8_lossy(raw);
            if let Some(at) = line.find("Iteration ") {
                let label = line[at + 10..].split_whitespace().next().unwrap_or("");
                iteration = Some(match v.iterations.iter().position(|(l, _)| l == label) {
                    Some(p) => p,
                    None => {
                        v.iterations.push((label.to_owned(), Counts::default()));
                        v.iterations.len() - 1
                    }
                });
            }
            if let Some(at) = line.find("Test: ") {
                let mut rest = &line[at + 6..];
                if let Some(r) = rest.find("Result: ") {
                    rest = &rest[..r];
                }
                let test_name = match mode {
                    NameMode::Line => rest.trim(),
                    NameMode::FirstWord => rest.split_whitespace().next().unwrap_or(""),
                };
                if let Some(o) = open.take() {
                    close(&mut v, &mut totals, o, "", name, n);
                }
                let test = match v.tests.iter().position(|t| t.0 == test_name) {
                    Some(p) => p,
                    None => {
                        v.tests.push((
                            test_name.to_owned(),
                            Counts::default(),
                            BTreeMap::new(),
                            None,
                        ));
                        v.tests.len() - 1
                    }
                };
                open = Some(Open {
                    test,
                    iteration,
                    line: n,
                });
            }
            if let Some(at) = line.find("Result: ") {
                let word = line[at + 8..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_uppercase();
                match open.take() {
                    Some(o) => close(&mut v, &mut totals, o, &word, name, n),
                    None => {
                        orphans += 1;
                        v.anomalies
                            .push(("orphan_result", name.to_string(), n, word));
                    }
                }
            }
        }
        if let Some(o) = open.take() {
            close(&mut v, &mut totals, o, "", name, 0);
        }
        v.files
            .push((name.to_string(), bytes.len() as u64, totals, orphans));
    }
    // Anomalies are listed by location; within a file, a missing result is found late.
    let order: Vec<&str> = files.iter().map(|f| f.0).collect();
    v.anomalies
        .sort_by_key(|a| (order.iter().position(|f| *f == a.1), a.2));
    v.anomalies.truncate(1000);
    v
}

fn close(v: &mut View, totals: &mut Counts, o: Open, word: &str, file: &str, line: u64) {
    let class = Class::of_word(word);
    let t = &mut v.tests[o.test];
    t.1.add(class);
    totals.add(class);
    if class != Class::Missing {
        *t.2.entry(word.to_owned()).or_default() += 1;
    }
    if class == Class::Failed && t.3.is_none() {
        t.3 = Some((file.to_owned(), line));
    }
    if let Some(i) = o.iteration {
        v.iterations[i].1.add(class);
    }
    if class == Class::Missing {
        let name = t.0.clone();
        v.anomalies
            .push(("missing_result", file.to_owned(), o.line, name));
    }
}
