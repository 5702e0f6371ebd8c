//! A test's passed and failed runs per iteration, kept sparse for the tests × iterations heatmap.
//!
//! Most tests give the same outcome in iteration after iteration, so the cells are run-length
//! encoded over iteration indexes: a test that passed once in each of 1,000 iterations is one
//! [`Span`], and memory grows with the changes, not with tests × iterations. The spans are kept
//! canonical (sorted, disjoint, equal neighbours joined), so equal cells compare equal whatever
//! order the runs were added in, and every merge tree gives the same value.

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::model::class::Class;

/// Passed and failed runs of one test in one iteration (or in each iteration of a span).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// Passed runs.
    pub passed: u64,
    /// Failed runs.
    pub failed: u64,
}

impl Cell {
    /// One run of `class`; `None` unless it passed or failed.
    pub(crate) fn of(class: Class) -> Option<Cell> {
        match class {
            Class::Passed => Some(Cell { passed: 1, failed: 0 }),
            Class::Failed => Some(Cell { passed: 0, failed: 1 }),
            _ => None,
        }
    }

    /// Failed runs over passed and failed runs, or `None` when there are none.
    pub fn failure_ratio(&self) -> Option<f64> {
        let judged = self.judged();
        (judged > 0).then(|| self.failed as f64 / judged as f64)
    }

    /// Passed and failed runs.
    pub fn judged(&self) -> u64 {
        self.passed.saturating_add(self.failed)
    }

    /// No runs.
    pub fn is_empty(&self) -> bool {
        self.passed == 0 && self.failed == 0
    }

    // Saturating, like the rest of this type: counts this large only come from a hand-edited
    // saved summary, which must not crash the page.
    pub(crate) fn plus(self, other: Cell) -> Cell {
        Cell { passed: self.passed.saturating_add(other.passed), failed: self.failed.saturating_add(other.failed) }
    }

    fn minus(self, other: Cell) -> Cell {
        Cell { passed: self.passed.saturating_sub(other.passed), failed: self.failed.saturating_sub(other.failed) }
    }

    /// `n` copies of this cell added up.
    pub fn times(self, n: u64) -> Cell {
        Cell { passed: self.passed.saturating_mul(n), failed: self.failed.saturating_mul(n) }
    }
}

/// The same cell in each of `len` consecutive iterations, starting at index `first`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Index of the first iteration (into the summary's iterations).
    pub first: u32,
    /// How many iterations, at least one.
    pub len: u32,
    /// The runs in each of them.
    pub cell: Cell,
}

impl Span {
    /// One past the last iteration.
    pub fn end(&self) -> u32 {
        self.first + self.len
    }
}

/// One test's cells: sorted, disjoint spans, with no two adjacent spans of equal cells.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IterationCells {
    /// Most tests of a log with many of them ran once: their one span is kept inline, and a
    /// million such tests do not pay for a million allocations (32 bytes each).
    spans: Spans,
    /// Runs added behind the last span (an iteration seen again, as when a log repeats its
    /// labels), not yet in `spans`. Summing each into `spans` at once would cost a pass over
    /// them per run; gathered, one pass serves as many runs as there are spans.
    /// Boxed: most tests never have any, and a million tests ran once each pay 8 bytes, not 24.
    /// `None` when empty.
    #[allow(clippy::box_collection, reason = "a thin pointer when empty: 8 bytes a test, not 24")]
    behind: Option<Box<Vec<Span>>>,
}

/// A test's spans: one inline, more on the heap.
type Spans = SmallVec<[Span; 1]>;

impl PartialEq for IterationCells {
    fn eq(&self, other: &IterationCells) -> bool {
        if self.behind.is_none() && other.behind.is_none() {
            return self.spans == other.spans;
        }
        let settled = |c: &IterationCells| {
            let mut c = c.clone();
            c.settle();
            c.spans
        };
        settled(self) == settled(other)
    }
}

impl Eq for IterationCells {}

impl IterationCells {
    /// The spans, in iteration order. A Summary's cells are always settled.
    pub fn spans(&self) -> &[Span] {
        debug_assert!(self.behind.is_none(), "cells read before they were settled");
        &self.spans
    }

    /// Sums the runs added behind the last span into the spans.
    pub(crate) fn settle(&mut self) {
        if let Some(behind) = self.behind.take() {
            let behind = canonical(*behind);
            self.spans = sum(&self.spans, &behind);
        }
    }

    /// The runs in one iteration.
    pub fn at(&self, iteration: u32) -> Cell {
        debug_assert!(self.behind.is_none(), "cells read before they were settled");
        let i = self.spans.partition_point(|s| s.end() <= iteration);
        self.spans.get(i).filter(|s| s.first <= iteration).map_or(Cell::default(), |s| s.cell)
    }

    /// Adds `cell` to each of `len` iterations from `first`.
    pub(crate) fn add(&mut self, first: u32, len: u32, cell: Cell) {
        if len == 0 || cell.is_empty() {
            return;
        }
        let span = Span { first, len, cell };
        match self.spans.last_mut() {
            None => self.spans.push(span),
            // Logs run through their iterations in order, so nearly every run lands at the end.
            Some(last) if last.end() <= first => push_joined(&mut self.spans, span),
            Some(last) if len == 1 && last.end() == first + 1 => {
                // Another run in the last iteration: split that iteration off the last span.
                let tail = Span { first, len: 1, cell: last.cell.plus(cell) };
                last.len -= 1;
                if last.len == 0 {
                    self.spans.pop();
                }
                push_joined(&mut self.spans, tail);
            }
            Some(_) => {
                if len == 1 && self.move_border(first, cell) {
                    return;
                }
                let behind = self.behind.get_or_insert_default();
                behind.push(span);
                if behind.len() > self.spans.len().max(64) {
                    self.settle();
                }
            }
        }
    }

    /// Adds a run's `cell` to iteration `i` in place, if `i` starts a span of more than one and the
    /// sum equals the span before it: the border between the two moves up by one. A log that runs
    /// through its labels again adds up this way, run after run, once the first of them settled.
    fn move_border(&mut self, i: u32, cell: Cell) -> bool {
        let k = self.spans.partition_point(|s| s.first < i);
        match (k.checked_sub(1).map(|p| self.spans[p]), self.spans.get(k)) {
            (Some(before), Some(s))
                if s.first == i && s.len > 1 && before.end() == i && before.cell == s.cell.plus(cell) =>
            {
                self.spans[k - 1].len += 1;
                self.spans[k].first += 1;
                self.spans[k].len -= 1;
                true
            }
            _ => false,
        }
    }

    /// Adds another test's cells, whose iteration indexes are already this side's.
    pub(crate) fn merge(&mut self, other: &[Span]) {
        let Some(first) = other.first() else { return };
        if self.spans.last().is_none_or(|last| last.end() <= first.first) {
            for &s in other {
                push_joined(&mut self.spans, s);
            }
        } else {
            self.spans = sum(&self.spans, other);
        }
    }

    /// Adds the cells of a side whose iteration `i` is this side's `map[i]` (several may map to
    /// one). `breaks` holds each `i` where `map[i] != map[i - 1] + 1`, sorted, so that spans split
    /// only where they must.
    pub(crate) fn merge_mapped(&mut self, other: &[Span], map: &[u32], breaks: &[u32]) {
        let mut mapped: Vec<Span> = Vec::with_capacity(other.len());
        for s in other {
            let mut at = s.first;
            let mut b = breaks.partition_point(|&b| b <= at);
            while at < s.end() {
                let stop = breaks.get(b).map_or(s.end(), |&b| b.min(s.end()));
                mapped.push(Span { first: map[at as usize], len: stop - at, cell: s.cell });
                at = stop;
                b += 1;
            }
        }
        self.merge(&canonical(mapped));
    }
}

/// The indexes `i` where `map[i]` does not follow `map[i - 1]`: where a mapped span must split.
pub(crate) fn breaks_of(map: &[u32]) -> Vec<u32> {
    (1..map.len()).filter(|&i| map[i] != map[i - 1].wrapping_add(1)).map(|i| i as u32).collect()
}

/// Spans in any order, overlapping or not, as a canonical list of their cell-wise sum.
pub(crate) fn canonical(mut spans: Vec<Span>) -> Vec<Span> {
    // A log read again from its first iteration adds in order, one iteration at a time.
    if spans.windows(2).all(|w| w[0].end() <= w[1].first) {
        let mut joined = Vec::with_capacity(spans.len());
        for s in spans {
            push_joined(&mut joined, s);
        }
        return joined;
    }
    // Each span starts adding its cell at `first` and stops at `end`; between two consecutive
    // such points the sum is constant.
    let mut points: Vec<(u32, bool, Cell)> = Vec::with_capacity(spans.len() * 2);
    for s in spans.drain(..) {
        points.push((s.first, true, s.cell));
        points.push((s.end(), false, s.cell));
    }
    points.sort_unstable_by_key(|p| p.0);
    let mut current = Cell::default();
    let mut at = 0;
    for (point, starts, cell) in points {
        if point > at && !current.is_empty() {
            push_joined(&mut spans, Span { first: at, len: point - at, cell: current });
        }
        at = point;
        // A span ending here was added before, so taking it away cannot underflow.
        current = if starts { current.plus(cell) } else { current.minus(cell) };
    }
    spans
}

/// Pushes a span that starts at or after the last one ends, joining them if they touch and match.
fn push_joined(spans: &mut impl SpanList, s: Span) {
    match spans.last_mut() {
        Some(last) if last.end() == s.first && last.cell == s.cell => last.len += s.len,
        _ => spans.push(s),
    }
}

/// What [`push_joined`] needs of a list of spans: a `Vec` or [`Spans`].
trait SpanList {
    fn last_mut(&mut self) -> Option<&mut Span>;
    fn push(&mut self, s: Span);
}

impl SpanList for Vec<Span> {
    fn last_mut(&mut self) -> Option<&mut Span> {
        <[Span]>::last_mut(self)
    }

    fn push(&mut self, s: Span) {
        Vec::push(self, s)
    }
}

impl SpanList for Spans {
    fn last_mut(&mut self) -> Option<&mut Span> {
        <[Span]>::last_mut(self)
    }

    fn push(&mut self, s: Span) {
        SmallVec::push(self, s)
    }
}

/// The cell-wise sum of two canonical span lists.
fn sum(a: &[Span], b: &[Span]) -> Spans {
    let mut out = Spans::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.iter().copied(), b.iter().copied());
    // The parts of the current spans not yet written.
    let (mut x, mut y) = (a.next(), b.next());
    loop {
        match (x.as_mut(), y.as_mut()) {
            (None, None) => break,
            (Some(s), None) | (None, Some(s)) => {
                push_joined(&mut out, *s);
                if x.is_some() {
                    x = a.next();
                } else {
                    y = b.next();
                }
            }
            (Some(p), Some(q)) => {
                let (lead, other) = if p.first <= q.first { (p, q) } else { (q, p) };
                let piece = if lead.first < other.first {
                    // Only `lead` covers the iterations before `other` starts.
                    let len = lead.len.min(other.first - lead.first);
                    Span { first: lead.first, len, cell: lead.cell }
                } else {
                    let len = lead.len.min(other.len);
                    let piece = Span { first: lead.first, len, cell: lead.cell.plus(other.cell) };
                    other.first += len;
                    other.len -= len;
                    piece
                };
                lead.first += piece.len;
                lead.len -= piece.len;
                push_joined(&mut out, piece);
                if x.is_some_and(|s| s.len == 0) {
                    x = a.next();
                }
                if y.is_some_and(|s| s.len == 0) {
                    y = b.next();
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Cell = Cell { passed: 1, failed: 0 };
    const F: Cell = Cell { passed: 0, failed: 1 };

    /// The plain dense reading that the spans stand for.
    fn dense(c: &IterationCells, n: u32) -> Vec<Cell> {
        (0..n).map(|i| c.at(i)).collect()
    }

    fn is_canonical(c: &IterationCells) -> bool {
        c.spans.windows(2).all(|w| w[0].end() < w[1].first || (w[0].end() == w[1].first && w[0].cell != w[1].cell))
            && c.spans.iter().all(|s| s.len > 0 && !s.cell.is_empty())
    }

    #[test]
    fn a_test_that_ran_once_keeps_its_cells_inline() {
        // A million tests that ran once each: their cells must not cost an allocation each
        // (issue 9's 200 bytes a test).
        let mut c = IterationCells::default();
        c.add(7, 1, P);
        assert!(!c.spans.spilled() && c.behind.is_none());
        assert!(std::mem::size_of::<IterationCells>() <= 40);
        c.add(8, 1, F);
        assert_eq!(dense(&c, 10)[7..9], [P, F]);
    }

    proptest::proptest! {
        #[test]
        fn spans_equal_the_dense_reading_whatever_the_order(
            adds in proptest::collection::vec((0u32..40, 1u32..6, 0u64..3, 0u64..2), 0..60),
            split in 0usize..60,
            map_shift in 0u32..50,
        ) {
            let mut expected = vec![Cell::default(); 100];
            let (mut whole, mut left, mut right) = Default::default();
            for (k, &(first, len, passed, failed)) in adds.iter().enumerate() {
                let cell = Cell { passed, failed };
                for i in first..first + len {
                    expected[i as usize] = expected[i as usize].plus(cell);
                }
                IterationCells::add(&mut whole, first, len, cell);
                IterationCells::add(if k < split { &mut left } else { &mut right }, first, len, cell);
            }
            let mut whole: IterationCells = whole;
            whole.settle();
            proptest::prop_assert!(is_canonical(&whole));
            proptest::prop_assert_eq!(dense(&whole, 100), expected.clone());
            let (mut left, mut right): (IterationCells, IterationCells) = (left, right);
            right.settle();
            left.merge(right.spans());
            left.settle();
            proptest::prop_assert_eq!(&left, &whole);
            // Moved by a map that rotates the indexes, the cells move with them.
            let map: Vec<u32> = (0..100).map(|i| (i + map_shift) % 100).collect();
            let mut moved = IterationCells::default();
            moved.merge_mapped(whole.spans(), &map, &breaks_of(&map));
            proptest::prop_assert!(is_canonical(&moved));
            for i in 0..100 {
                proptest::prop_assert_eq!(moved.at(map[i]), expected[i]);
            }
        }
    }

    #[test]
    fn a_test_that_always_passes_is_one_span() {
        let mut c = IterationCells::default();
        for i in 0..1000 {
            c.add(i, 1, P);
        }
        assert_eq!(c.spans(), &[Span { first: 0, len: 1000, cell: P }]);
    }

    #[test]
    fn two_runs_in_an_iteration_split_and_rejoin() {
        let mut c = IterationCells::default();
        for i in 0..10 {
            c.add(i, 1, P);
            c.add(i, 1, P);
        }
        assert_eq!(c.spans(), &[Span { first: 0, len: 10, cell: P.times(2) }]);
        c.add(9, 1, F);
        c.add(3, 1, F);
        c.settle();
        assert_eq!(c.spans().len(), 4);
        assert_eq!(c.at(9), Cell { passed: 2, failed: 1 });
        assert!(is_canonical(&c));
    }

    #[test]
    fn adds_in_any_order_give_the_same_spans() {
        // Iterations revisited out of order, as a second file with the same labels does.
        let runs: Vec<(u32, Cell)> = (0..200u32).map(|k| ((k * 37) % 23, if k % 7 == 0 { F } else { P })).collect();
        let mut forward = IterationCells::default();
        let mut expected = vec![Cell::default(); 23];
        for &(i, cell) in &runs {
            forward.add(i, 1, cell);
            expected[i as usize] = expected[i as usize].plus(cell);
        }
        let mut backward = IterationCells::default();
        for &(i, cell) in runs.iter().rev() {
            backward.add(i, 1, cell);
        }
        // Equal before they are settled, and after.
        assert_eq!(forward, backward);
        forward.settle();
        backward.settle();
        assert_eq!(dense(&forward, 23), expected);
        assert_eq!(forward, backward);
        assert!(is_canonical(&forward));
    }

    #[test]
    fn merging_overlapping_spans_sums_cell_by_cell() {
        let mut a = IterationCells::default();
        a.add(0, 10, P);
        a.add(4, 1, F);
        a.settle();
        let mut b = IterationCells::default();
        b.add(5, 10, P);
        b.add(20, 2, F);
        b.settle();
        let mut merged = a.clone();
        merged.merge(b.spans());
        let mut direct = IterationCells::default();
        for i in 0..25 {
            let cell = a.at(i).plus(b.at(i));
            direct.add(i, 1, cell);
        }
        direct.settle();
        assert_eq!(merged, direct);
        assert!(is_canonical(&merged));
    }

    #[test]
    fn spans_mapped_onto_the_same_iterations_add_up() {
        // Occurrences 0..3 are iterations 0, 1, 0, 1: a log that repeats its labels.
        let mut occurrences = IterationCells::default();
        occurrences.add(0, 3, P);
        occurrences.add(3, 1, F);
        let map = [0, 1, 0, 1];
        let mut labels = IterationCells::default();
        labels.merge_mapped(occurrences.spans(), &map, &breaks_of(&map));
        assert_eq!(
            labels.spans(),
            &[
                Span { first: 0, len: 1, cell: P.times(2) },
                Span { first: 1, len: 1, cell: Cell { passed: 1, failed: 1 } }
            ]
        );
    }

    #[test]
    fn mapped_spans_split_where_the_map_jumps() {
        let mut right = IterationCells::default();
        right.add(0, 4, P);
        // Right's iterations 0 and 1 are new here (10, 11); 2 was seen before (3); 3 is new (12).
        let map = [10, 11, 3, 12];
        let mut left = IterationCells::default();
        left.add(3, 1, F);
        left.merge_mapped(right.spans(), &map, &breaks_of(&map));
        assert_eq!(left.at(3), Cell { passed: 1, failed: 1 });
        assert_eq!(
            left.spans(),
            &[Span { first: 3, len: 1, cell: Cell { passed: 1, failed: 1 } }, Span { first: 10, len: 3, cell: P }]
        );
    }
}
