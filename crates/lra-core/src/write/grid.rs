//! The tests × iterations grid that the heatmap draws: the most failing tests as rows, the
//! iterations (or, when there are too many to draw, runs of consecutive iterations) as columns,
//! and only the cells where a test passed or failed.

use std::ops::Range;

use crate::model::cells::Cell;
use crate::model::stats::TestStats;
use crate::model::summary::Summary;

/// A grid ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureGrid<'a> {
    /// The rows: tests that failed in an iteration, the flaky ones first, then those that failed
    /// every judged run; each the most failures first.
    pub tests: Vec<&'a TestStats>,
    /// The columns, each a range of iteration indexes; one iteration each unless binned.
    pub columns: Vec<Range<u32>>,
    /// The cells with a passed or failed run: (row, column, runs), row by row.
    pub cells: Vec<(u32, u32, Cell)>,
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
        let iterations = self.iterations().len() as u32;
        let max_columns = (max_cells / tests.len().max(1)).clamp(1, u32::MAX as usize) as u32;
        let width = iterations.div_ceil(max_columns).max(1);
        let columns: Vec<Range<u32>> =
            (0..iterations.div_ceil(width)).map(|c| c * width..((c + 1) * width).min(iterations)).collect();
        let mut cells = Vec::new();
        let mut row_cells = vec![Cell::default(); columns.len()];
        for (row, t) in tests.iter().enumerate() {
            row_cells.fill(Cell::default());
            for s in t.by_iteration.spans() {
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
        FailureGrid { tests, columns, cells }
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

    /// A column's label: its iteration's label, or the first and last of the iterations it holds.
    pub fn column_label(&self, summary: &Summary, column: usize) -> String {
        let r = &self.columns[column];
        let label = |i: u32| summary.iterations()[i as usize].label.to_string();
        if r.len() == 1 { label(r.start) } else { format!("{}–{}", label(r.start), label(r.end - 1)) }
    }
}
