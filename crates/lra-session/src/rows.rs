//! The rows the page shows, cut from the summary: one page of tests, the first flaky tests and
//! failure groups, the files and anomalies.

use std::cmp::Ordering;

use lra_core::{AnomalyKind, DEFAULT_ALPHA, Diff, Location, Summary, TestStats};
use lra_protocol::{
    Column, Comparison, DiffList, FailureList, FailureRow, FileRow, FilesPage, FilesQuery, FlakyList, FlakyRow,
    Overview, Place, RunAt, SlowestList, StripCell, TestDetail, TestRow, TestsPage, TestsQuery, Timing,
};

/// At most this many rows in the flaky and failure views and names in each comparison list: the
/// browser lays out 500 rows in 50 ms on a slow machine, a frozen page.
pub(crate) const ROWS: usize = 200;
/// At most this many files in a page of the files table.
const FILES: u32 = 200;
/// How many anomalies the overview lists by location.
const ANOMALIES: usize = 100;

/// `file:line`.
pub(crate) fn at(s: &Summary, loc: Location) -> String {
    format!("{}:{}", s.file_name(loc), loc.line)
}

/// A location as the viewer opens it.
pub(crate) fn place(loc: Location) -> Place {
    Place { file: loc.file, line: Some(loc.line), offset: loc.offset }
}

/// A test's kept failed runs, in run order.
pub(crate) fn runs_of(t: &TestStats) -> Vec<RunAt> {
    let kept = t.failed_runs();
    kept.first().iter().chain(kept.last()).map(|r| RunAt { file: r.file, opened: r.opened, closed: r.closed }).collect()
}

pub(crate) fn overview(s: &Summary) -> Overview {
    let anomalies = s
        .anomalies()
        .iter()
        .take(ANOMALIES)
        .map(|a| {
            let what = match a.kind {
                AnomalyKind::OrphanResult => format!("Result: {} with no open test", a.text),
                AnomalyKind::MissingResult => format!("test {} never got a result", a.text),
                AnomalyKind::LongLine => {
                    format!("line over {} MiB: markers past that point ignored", lra_core::DEFAULT_MAX_LINE >> 20)
                }
            };
            (at(s, a.location), what, Some(place(a.location)))
        })
        .collect();
    Overview {
        files: s.files.len() as u64,
        bytes: s.bytes(),
        totals: s.totals(),
        orphan_results: s.orphan_results(),
        long_lines: s.long_lines(),
        tests: s.tests().len() as u64,
        iterations: s.iterations().len() as u64,
        flaky: s.tests().iter().filter(|t| t.flaky()).count() as u64,
        anomaly_count: s.anomaly_count(),
        anomalies,
        timed_runs: timed_runs(s),
        dropped_durations: s.dropped_durations(),
        builds: s.history().map_or(0, |h| h.builds.len() as u64),
    }
}

/// The files of a page of the files table, in the order given; past the end, the last page.
pub(crate) fn files_page(s: &Summary, q: &FilesQuery) -> FilesPage {
    let count = q.count.clamp(1, FILES) as usize;
    let last = s.files.len().saturating_sub(1) / count * count;
    let first = (q.first as usize).min(last);
    let rows = s
        .files
        .iter()
        .skip(first)
        .take(count)
        .map(|f| FileRow {
            name: f.name.to_string(),
            format: f.format,
            reading: f.reading.as_deref().map(str::to_owned),
            bytes: f.bytes,
            totals: f.totals,
            orphan_results: f.orphan_results,
            binary: f.binary,
            damage: f.damage.as_deref().map(str::to_owned),
        })
        .collect();
    FilesPage { first: first as u32, rows }
}

/// Runs with a duration, in every test.
fn timed_runs(s: &Summary) -> u64 {
    s.tests().iter().filter_map(TestStats::durations).map(|d| d.runs()).sum()
}

fn compare(s: &Summary, column: Column, a: &TestStats, b: &TestStats) -> Ordering {
    let (ca, cb) = (&a.counts, &b.counts);
    match column {
        Column::Name => a.name.cmp(&b.name),
        Column::Runs => ca.runs().cmp(&cb.runs()),
        Column::Passed => ca.passed.cmp(&cb.passed),
        // Ties on failures go to the test with more missing results.
        Column::Failed => (ca.failed, ca.missing).cmp(&(cb.failed, cb.missing)),
        Column::Skipped => ca.skipped.cmp(&cb.skipped),
        Column::Other => ca.other.cmp(&cb.other),
        Column::Missing => ca.missing.cmp(&cb.missing),
        Column::PassRate => {
            let rate = |r: Option<f64>| r.unwrap_or(-1.0);
            rate(ca.pass_rate()).total_cmp(&rate(cb.pass_rate()))
        }
        Column::FailureRate => {
            let key =
                |c: &lra_core::Counts| c.failure_rate_ci95().map(|[low, _]| (low, c.failure_rate().unwrap_or(0.0)));
            let (ka, kb) = (key(ca), key(cb));
            // Tests with no judged run sort below every other.
            match (ka, kb) {
                (Some(a), Some(b)) => a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)),
                (a, b) => a.is_some().cmp(&b.is_some()),
            }
        }
        // Untimed tests sort below every timed one.
        Column::P95 => p95(a).cmp(&p95(b)),
        Column::FirstFailure => {
            let at = |t: &TestStats| t.first_failure().map(|l| (s.file_name(l), l.line));
            at(a).cmp(&at(b))
        }
        // Sorted by `order` from keys made once: a test's history is not a field.
        Column::Since => Ordering::Equal,
    }
}

/// The filter box's rule, in the tests table and the History view: a test is kept when its
/// name holds the filter, ignoring case; an empty filter keeps every test.
pub(crate) struct NameFilter(String);

impl NameFilter {
    pub(crate) fn new(filter: &str) -> NameFilter {
        NameFilter(filter.to_lowercase())
    }

    pub(crate) fn test(&self, t: &TestStats) -> bool {
        self.0.is_empty() || t.name.to_lowercase().contains(&self.0)
    }
}

/// The tests a query keeps, in its order: their indexes.
pub(crate) fn order(s: &Summary, q: &TestsQuery) -> Vec<u32> {
    let keeps = NameFilter::new(&q.filter);
    let tests = s.tests();
    let mut order: Vec<u32> = (0..tests.len() as u32).filter(|&i| keeps.test(&tests[i as usize])).collect();
    // A stable sort keeps first-appearance order among equals.
    match (q.sort, s.history()) {
        // The build each fails since, the latest last (so first when descending); a test not
        // failing now below every other.
        (Column::Since, Some(h)) => {
            let since: Vec<Option<u32>> = (0..tests.len()).map(|i| h.test(i, h.alpha).failing_since).collect();
            order.sort_by(|&a, &b| {
                let o = since[a as usize].cmp(&since[b as usize]);
                if q.descending { o.reverse() } else { o }
            });
        }
        _ => order.sort_by(|&a, &b| {
            let o = compare(s, q.sort, &tests[a as usize], &tests[b as usize]);
            if q.descending { o.reverse() } else { o }
        }),
    }
    order
}

/// A test's p95, for sorting.
fn p95(t: &TestStats) -> Option<u64> {
    t.durations().map(|d| d.p95())
}

pub(crate) fn test_row(s: &Summary, t: &TestStats) -> TestRow {
    TestRow {
        since: None,
        name: t.name.to_string(),
        counts: t.counts,
        first_failure: t.first_failure().map(|l| at(s, l)),
        first_failure_at: t.first_failure().map(place),
        timing: t.durations().map(|d| Timing {
            runs: d.runs(),
            total_us: d.total(),
            min_us: d.min(),
            p50_us: d.p50(),
            p95_us: d.p95(),
            max_us: d.max(),
        }),
    }
}

/// [`test_row`] of test `i`, with the build it fails since when `s` is a history whose build
/// labels are `labels` (the tests table's rows; other lists leave it out).
fn test_row_since(s: &Summary, i: usize, labels: Option<&[Box<str>]>) -> TestRow {
    let since = s.history().zip(labels).and_then(|(h, labels)| {
        let b = h.test(i, h.alpha).failing_since?;
        labels.get(b as usize).map(|l| l.to_string())
    });
    TestRow { since, ..test_row(s, &s.tests()[i]) }
}

/// The tests with a timed run, the longest p95 first (then the longest total), at most
/// [`ROWS`].
pub(crate) fn slowest(s: &Summary) -> SlowestList {
    let timed = s.tests_slowest_first();
    let rows = timed.iter().take(ROWS).map(|&(t, _)| test_row(s, t)).collect();
    SlowestList { total: timed.len() as u64, rows }
}

/// The page of `order` the query asks for.
pub(crate) fn tests_page(s: &Summary, order: &[u32], q: &TestsQuery) -> TestsPage {
    let size = q.page_size.max(1) as usize;
    let pages = order.len().div_ceil(size).max(1);
    let page = (q.page as usize).min(pages - 1);
    // Labels made unique once for the page, not once a row.
    let labels = s.history().map(|h| h.labels());
    let rows =
        order.iter().skip(page * size).take(size).map(|&i| test_row_since(s, i as usize, labels.as_deref())).collect();
    TestsPage { matching: order.len() as u64, page: page as u32, pages: pages as u32, rows }
}

pub(crate) fn test_detail(s: &Summary, name: &str) -> Option<TestDetail> {
    let t = s.tests().iter().find(|t| &*t.name == name)?;
    Some(TestDetail {
        row: test_row(s, t),
        words: t.results.iter().map(|(w, n)| (w.to_owned(), n)).collect(),
        transitions: t.transitions(),
        runs: runs_of(t),
        seen: t.failed_runs().seen(),
        strip: strip(s, t),
        reasons: s
            .failure_groups_by_size()
            .iter()
            .filter(|g| g.tests.iter().any(|n| **n == *t.name))
            .map(|g| g.example.to_string())
            .collect(),
    })
}

/// A test's strip has at most this many cells.
const STRIP_CELLS: usize = 300;

/// A test's runs per iteration, neighbouring iterations summed into one cell when there are
/// more than [`STRIP_CELLS`].
fn strip(s: &Summary, t: &TestStats) -> Vec<StripCell> {
    let n = s.iterations().len();
    let per = n.div_ceil(STRIP_CELLS).max(1);
    let label = |i: usize| s.iterations()[i].label.to_string();
    (0..n)
        .step_by(per)
        .map(|first| {
            let last = (first + per).min(n) - 1;
            let (mut passed, mut failed) = (0, 0);
            for i in first..=last {
                let c = t.by_iteration.at(i as u32);
                passed += c.passed;
                failed += c.failed;
            }
            let label = if first == last { label(first) } else { format!("{}–{}", label(first), label(last)) };
            StripCell { label, passed, failed }
        })
        .collect()
}

pub(crate) fn flaky(s: &Summary) -> FlakyList {
    let flaky = s.flaky_tests();
    let rows = flaky
        .iter()
        .take(ROWS)
        .map(|t| FlakyRow {
            name: t.name.to_string(),
            counts: t.counts,
            transitions: t.transitions(),
            flip_rate: t.flip_rate(),
        })
        .collect();
    FlakyList { total: flaky.len() as u64, rows }
}

pub(crate) fn failures(s: &Summary) -> FailureList {
    let groups = s.failure_groups_by_size();
    let rows = groups
        .iter()
        .take(ROWS)
        .map(|g| FailureRow {
            example: g.example.to_string(),
            detail: g.detail.to_string(),
            count: g.count,
            tests: g.tests.iter().map(|t| t.to_string()).collect(),
            first: at(s, g.first),
            first_at: Some(place(g.first)),
        })
        .collect();
    FailureList { total: groups.len() as u64, rows }
}

pub(crate) fn comparison(base: Option<&Summary>, current: Option<&Summary>) -> Comparison {
    let baseline = base.map(|b| (b.files.len() as u64, b.tests().len() as u64));
    let lists = base.zip(current).map(|(base, current)| {
        let d = Diff::between(base, current, DEFAULT_ALPHA);
        let list = |id: &str, title: &str, names: Vec<String>| DiffList {
            id: id.to_owned(),
            title: title.to_owned(),
            total: names.len() as u64,
            names: names.into_iter().take(ROWS).collect(),
        };
        vec![
            list("new-failures", "New failures", d.new_failures),
            list("fixed", "Fixed", d.fixed),
            list("still-failing", "Still failing", d.still_failing),
            list("new-tests", "New tests", d.new_tests),
            list("removed-tests", "Removed tests", d.removed_tests),
            list(
                "regressions",
                &format!("Failing more often, beyond chance (Fisher's test, Holm's method, α = {DEFAULT_ALPHA})"),
                d.regressions,
            ),
        ]
    });
    Comparison { baseline, lists }
}
