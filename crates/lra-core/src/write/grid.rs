//! The tests × iterations grid that the heatmap draws, and a history's tests × builds grid: the
//! most failing (or newly broken) tests as rows, the iterations or builds (or, when there are too
//! many to draw, runs of consecutive ones) as columns, and only the cells where a test passed or
//! failed.

use std::ops::Range;

use crate::model::cells::{Cell, IterationCells};
use crate::model::history::TestHistory;
use crate::model::stats::TestStats;
use crate::model::summary::Summary;

/// What a grid's columns are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GridAxis {
    /// The summary's iterations.
    Iterations,
    /// A history's builds.
    Builds,
}

impl GridAxis {
    /// What one column is called: "iteration" or "build".
    pub fn noun(self) -> &'static str {
        match self {
            GridAxis::Iterations => "iteration",
            GridAxis::Builds => "build",
        }
    }
}

/// A grid ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureGrid<'a> {
    /// What the columns are.
    pub axis: GridAxis,
    /// The rows: for iterations, tests that failed in an iteration, the flaky ones first, then
    /// those that failed every judged run, each the most failures first; for builds, see
    /// [`Summary::history_grid`].
    pub tests: Vec<&'a TestStats>,
    /// The columns, each a range of iteration (or build) indexes; one each unless binned.
    pub columns: Vec<Range<u32>>,
    /// Each column's label: its iteration's or build's, or the first and last it holds.
    pub labels: Vec<String>,
    /// The cells with a passed or failed run: (row, column, runs), row by row.
    pub cells: Vec<(u32, u32, Cell)>,
    /// Where a row's failure rate changed (a history's change point): (row, column).
    pub marks: Vec<(u32, u32)>,
}

impl Summary {
    /// The grid of at most `rows` tests that failed in an iteration (a failure outside any
    /// iteration has no cell to show), by iteration. Flaky tests come first: a test that fails
    /// every time is one solid row, while a flaky one shows when it failed. Each part is ordered
    /// most failures first (then most missing, then in order of first appearance). When rows ×
    /// iterations would pass `max_cells`, consecutive iterations share a column, so that the grid
    /// stays within it (or within one column per row, if `rows` is larger).
    pub fn failure_grid(&self, rows: usize, max_cells: usize) -> FailureGrid<'_> {
        let mut tests: Vec<&TestStats> = self
            .tests_failures_first()
            .into_iter()
            .take_while(|t| t.counts.failed > 0)
            .filter(|t| t.by_iteration.spans().iter().any(|s| s.cell.failed > 0))
            .collect();
        // Stable, so each part keeps the order above.
        tests.sort_by_key(|t| !t.flaky());
        tests.truncate(rows);
        let labels: Vec<&str> = self.iterations().iter().map(|i| &*i.label).collect();
        let rows: Vec<(&TestStats, &IterationCells)> = tests.into_iter().map(|t| (t, &t.by_iteration)).collect();
        lay_out(GridAxis::Iterations, rows, &labels, max_cells, Vec::new())
    }

    /// A history's tests that failed in some build with their rows, at most `rows` of them, in
    /// the order of [`Summary::history_order`]. Empty for a summary of no builds.
    pub fn history_rows(&self, rows: usize) -> Vec<(usize, TestHistory)> {
        let Some(history) = self.history() else { return Vec::new() };
        let failed = |i: usize| history.cells.get(i).is_some_and(|c| c.spans().iter().any(|s| s.cell.failed > 0));
        let mut chosen = self.history_sorted(failed);
        chosen.truncate(rows);
        chosen
    }

    /// Every test of a history with its row, the newly broken first: those with a change point,
    /// the latest first, then those failing since a build, the latest first, then the others
    /// most failures first (each in order of first appearance on ties), so that tests that never
    /// failed come last. Empty for a summary of no builds.
    pub fn history_order(&self) -> Vec<(usize, TestHistory)> {
        self.history_sorted(|_| true)
    }

    /// The tests `keep` keeps (by index) with their rows, in the order of
    /// [`Summary::history_order`]; a row is made only for a test kept.
    fn history_sorted(&self, keep: impl Fn(usize) -> bool) -> Vec<(usize, TestHistory)> {
        let Some(history) = self.history() else { return Vec::new() };
        let tests = self.tests();
        let mut order: Vec<(usize, TestHistory)> =
            (0..tests.len()).filter(|&i| keep(i)).map(|i| (i, history.test(i, history.alpha))).collect();
        let newest = |h: &TestHistory| (h.change_point.as_ref().map(|c| c.build), h.failing_since);
        // Stable: first appearance on ties.
        order.sort_by(|(a, ha), (b, hb)| {
            newest(hb).cmp(&newest(ha)).then(tests[*b].counts.failed.cmp(&tests[*a].counts.failed))
        });
        order
    }

    /// A history's tests × builds grid of `chosen` (from [`Summary::history_rows`]), each row's
    /// change point marked; `None` for a summary of no builds. Builds share columns past
    /// `max_cells` as iterations do in [`Summary::failure_grid`].
    pub fn history_grid(&self, chosen: &[(usize, TestHistory)], max_cells: usize) -> Option<FailureGrid<'_>> {
        let history = self.history()?;
        let points = chosen.iter().map(|(_, h)| h.change_point.as_ref().map(|c| c.build)).collect();
        let labels = history.labels();
        let labels: Vec<&str> = labels.iter().map(|l| &**l).collect();
        let rows = chosen.iter().map(|&(i, _)| (&self.tests()[i], &history.cells[i])).collect();
        Some(lay_out(GridAxis::Builds, rows, &labels, max_cells, points))
    }
}

/// The grid of `rows` over the columns `labels` name, binned to fit `max_cells`, with each
/// row's change point (a column index before binning) marked.
fn lay_out<'a>(
    axis: GridAxis,
    rows: Vec<(&'a TestStats, &IterationCells)>,
    labels: &[&str],
    max_cells: usize,
    points: Vec<Option<u32>>,
) -> FailureGrid<'a> {
    let total = labels.len() as u32;
    let max_columns = (max_cells / rows.len().max(1)).clamp(1, u32::MAX as usize) as u32;
    let width = total.div_ceil(max_columns).max(1);
    let columns: Vec<Range<u32>> =
        (0..total.div_ceil(width)).map(|c| c * width..((c + 1) * width).min(total)).collect();
    let column_labels = columns
        .iter()
        .map(|r| {
            let label = |i: u32| labels[i as usize];
            if r.len() == 1 { label(r.start).to_owned() } else { format!("{}–{}", label(r.start), label(r.end - 1)) }
        })
        .collect();
    let mut cells = Vec::new();
    let mut row_cells = vec![Cell::default(); columns.len()];
    for (row, (_, by_column)) in rows.iter().enumerate() {
        row_cells.fill(Cell::default());
        for s in by_column.spans() {
            for c in s.first / width..s.end().div_ceil(width) {
                let overlap = s.end().min((c + 1) * width) - s.first.max(c * width);
                row_cells[c as usize] = row_cells[c as usize].plus(s.cell.times(overlap.into()));
            }
        }
        cells.extend(
            row_cells
                .iter()
                .enumerate()
                .filter(|(_, cell)| !cell.is_empty())
                .map(|(c, &cell)| (row as u32, c as u32, cell)),
        );
    }
    let marks = points.iter().enumerate().filter_map(|(row, p)| p.map(|b| (row as u32, b / width))).collect();
    FailureGrid {
        axis,
        tests: rows.into_iter().map(|(t, _)| t).collect(),
        columns,
        labels: column_labels,
        cells,
        marks,
    }
}

impl FailureGrid<'_> {
    /// The cells of one row, by column.
    pub fn row(&self, row: usize) -> &[(u32, u32, Cell)] {
        let row = row as u32;
        let start = self.cells.partition_point(|c| c.0 < row);
        let end = self.cells.partition_point(|c| c.0 <= row);
        &self.cells[start..end]
    }

    /// A column's label: its iteration's or build's, or the first and last of those it holds.
    pub fn column_label(&self, column: usize) -> &str {
        &self.labels[column]
    }
}
