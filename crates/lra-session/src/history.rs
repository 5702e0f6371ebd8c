//! The History view's grid: a history's tests in its order (newly broken first), a window of
//! rows and builds at a time, so that 10,000 tests × 500 builds never cross to the page at once.

use std::ops::Range;

use lra_core::Summary;
use lra_protocol::{HistoryQuery, HistoryRow, HistoryWindow};

use crate::rows::NameFilter;

/// At most this many rows and builds in one window: the page draws rows × builds cells, and
/// 10,000 of them lay out well inside a frame.
pub(crate) const MAX_ROWS: u32 = 200;
pub(crate) const MAX_BUILDS: u32 = 100;

/// The history's tests whose name holds `filter` (ignoring case), in the view's order
/// ([`Summary::history_order`]): their indexes. Empty for a summary of no builds.
pub(crate) fn order(s: &Summary, filter: &str) -> Vec<u32> {
    let keeps = NameFilter::new(filter);
    let tests = s.tests();
    s.history_order().into_iter().map(|(i, _)| i as u32).filter(|&i| keeps.test(&tests[i as usize])).collect()
}

/// The window `q` asks for of the tests `order` keeps, moved back to end at the last test and
/// build when it would pass them, and cut to [`MAX_ROWS`] × [`MAX_BUILDS`].
/// `build_files`: each build's files, when the page gave them.
pub(crate) fn window(
    s: &Summary,
    order: &[u32],
    build_files: &[Option<Range<u32>>],
    q: &HistoryQuery,
) -> HistoryWindow {
    let Some(history) = s.history() else { return HistoryWindow::default() };
    let labels = history.labels();
    let total_builds = labels.len() as u32;
    let (first_test, rows) = fit(q.first_test, q.tests.min(MAX_ROWS), order.len() as u32);
    let (first_build, builds) = fit(q.first_build, q.builds.min(MAX_BUILDS), total_builds);
    let build_range = first_build..first_build + builds;
    let label = |b: u32| labels.get(b as usize).map_or_else(String::new, |l| l.to_string());
    let rows = order[first_test as usize..(first_test + rows) as usize]
        .iter()
        .map(|&i| {
            let i = i as usize;
            let t = &s.tests()[i];
            let h = history.test(i, history.alpha);
            HistoryRow {
                name: t.name.to_string(),
                counts: t.counts,
                builds_run: h.builds_run,
                builds_failed: h.builds_failed,
                builds_flaky: h.builds_flaky,
                failing_since: h.failing_since.map(label),
                change_point: h.change_point.map(|c| (c.build, label(c.build), c.runs_text())),
                cells: history.row(i, build_range.clone()).iter().map(|c| [c.passed, c.failed]).collect(),
            }
        })
        .collect();
    HistoryWindow {
        matching: order.len() as u64,
        builds: total_builds,
        first_test,
        first_build,
        labels: build_range.clone().map(label).collect(),
        files: build_range.map(|b| build_files.get(b as usize).cloned().flatten().map(|r| [r.start, r.end])).collect(),
        rows,
    }
}

/// A window of `len` from `first` among `total`, moved back to end at the last one: its start
/// and length.
fn fit(first: u32, len: u32, total: u32) -> (u32, u32) {
    let len = len.min(total);
    (first.min(total - len), len)
}
