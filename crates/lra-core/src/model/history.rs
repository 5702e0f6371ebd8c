//! A history: builds in order, the columns of a tests × builds grid, kept like the tests ×
//! iterations grid (run-length encoded [`IterationCells`] over build indexes), and what each
//! test's row says: how many builds it ran, failed and was flaky in, since when it fails, and
//! the one boundary where its failure rate changed most, if that change is beyond chance.

use crate::base::statistics::{DEFAULT_ALPHA, chi_square_1_sf};
use crate::model::cells::{Cell, IterationCells, Span};

/// Builds in order, and each test's passed and failed runs in each.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    /// Each build's label as given, in order: two builds may be given one label (see
    /// [`History::labels`]). Kept as given so that merges only concatenate, in any tree.
    pub builds: Vec<Box<str>>,
    /// Each test's cells over build indexes, by the summary's test index.
    pub(crate) cells: Vec<IterationCells>,
    /// The level a test's change point must be significant at to be shown.
    pub alpha: f64,
}

/// What a test's row of a history says; builds are indexes into [`History::builds`]. Every
/// figure is over its judged (passed or failed) runs: a build where it had none neither breaks
/// nor extends a streak.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TestHistory {
    /// Builds in which it had a judged run.
    pub builds_run: u32,
    /// Builds in which it failed at least once.
    pub builds_failed: u32,
    /// Of those, the builds in which it also passed.
    pub builds_flaky: u32,
    /// The first build it ran in.
    pub first_build: Option<u32>,
    /// The last build it ran in.
    pub last_build: Option<u32>,
    /// The first build of its current streak of builds in which every run of it failed; `None`
    /// when its last build had a run that passed.
    pub failing_since: Option<u32>,
    /// The last build in which it passed at least once.
    pub last_passed: Option<u32>,
    /// Where its failure rate changed most, when that is beyond chance.
    pub change_point: Option<ChangePoint>,
}

/// The build boundary where a test's failure rate changed most (see [`change_point`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChangePoint {
    /// The first build after the boundary.
    pub build: u32,
    /// Its runs in the builds before.
    pub before: Cell,
    /// Its runs from `build` on.
    pub after: Cell,
    /// The chance of a change at least this large at some boundary, were its rate constant.
    pub p_value: f64,
}

impl ChangePoint {
    /// Its runs before and after, as people read them (the build is named by the caller).
    pub fn runs_text(&self) -> String {
        format!(
            "failed {} of {} runs before, {} of {} from then on (p = {:.2e})",
            self.before.failed,
            self.before.judged(),
            self.after.failed,
            self.after.judged(),
            self.p_value
        )
    }
}

impl History {
    /// A history of one build, `label`, of tests whose runs `cells` gives (passed, failed), by
    /// test index.
    pub fn one_build(label: &str, cells: impl IntoIterator<Item = Cell>) -> History {
        let cells = cells
            .into_iter()
            .map(|cell| {
                let mut c = IterationCells::default();
                c.add(0, 1, cell);
                c
            })
            .collect();
        History { builds: vec![label.into()], cells, alpha: DEFAULT_ALPHA }
    }

    /// Appends `other`'s builds after this one's: its test `k` is this side's `tests[k]`, and this
    /// side then has `tests_len` tests.
    pub fn append(&mut self, other: History, tests: &[u32], tests_len: usize) {
        let shift = self.builds.len() as u32;
        self.builds.extend(other.builds);
        self.cells.resize_with(tests_len.max(self.cells.len()), IterationCells::default);
        for (k, theirs) in other.cells.into_iter().enumerate() {
            let shifted: Vec<Span> =
                theirs.spans().iter().map(|s| Span { first: s.first + shift, len: s.len, cell: s.cell }).collect();
            self.cells[tests[k] as usize].merge(&shifted);
        }
    }

    /// What test `i`'s row says; `alpha`: the level its change point must be significant at.
    pub fn test(&self, i: usize, alpha: f64) -> TestHistory {
        let Some(cells) = self.cells.get(i) else { return TestHistory::default() };
        let spans: Vec<Span> = cells.spans().iter().copied().filter(|s| !s.cell.is_empty()).collect();
        let mut h = TestHistory {
            first_build: spans.first().map(|s| s.first),
            last_build: spans.last().map(|s| s.end() - 1),
            ..TestHistory::default()
        };
        for s in &spans {
            h.builds_run += s.len;
            if s.cell.failed > 0 {
                h.builds_failed += s.len;
                if s.cell.passed > 0 {
                    h.builds_flaky += s.len;
                }
            }
            if s.cell.passed > 0 {
                h.last_passed = Some(s.end() - 1);
            }
        }
        // Back from its last build, while every run failed: gaps neither break nor extend it.
        for s in spans.iter().rev() {
            if s.cell.passed > 0 {
                break;
            }
            h.failing_since = Some(s.first);
        }
        h.change_point = change_point(&spans, alpha);
        h
    }
}

impl History {
    /// Test `i`'s runs in each build of `builds`, in order (an empty cell where it had none).
    pub fn row(&self, i: usize, builds: std::ops::Range<u32>) -> Vec<Cell> {
        let mut row = vec![Cell::default(); builds.len()];
        let Some(cells) = self.cells.get(i) else { return row };
        for s in cells.spans() {
            for b in s.first.max(builds.start)..s.end().min(builds.end) {
                row[(b - builds.start) as usize] = s.cell;
            }
        }
        row
    }
}

impl History {
    /// The builds' labels as shown, unique: in order, a label already shown gets ` #2` (` #3`,
    /// …, the first number not shown yet). Made when written, from the labels as given, so that
    /// a history written, read back and extended shows what one made at once shows.
    pub fn labels(&self) -> Vec<Box<str>> {
        let mut shown: std::collections::HashSet<Box<str>> = std::collections::HashSet::new();
        let mut labels = Vec::with_capacity(self.builds.len());
        for label in &self.builds {
            let unique: Box<str> = match shown.contains(label) {
                false => label.clone(),
                true => (2..)
                    .map(|n| format!("{label} #{n}"))
                    .find(|l| !shown.contains(l.as_str()))
                    .expect("some number is free")
                    .into(),
            };
            shown.insert(unique.clone());
            labels.push(unique);
        }
        labels
    }
}

/// The build boundary where a test's failure rate changed most, given its cells in build order,
/// when that change is significant at `alpha`.
///
/// At each boundary between two builds it ran in, the likelihood-ratio statistic of "one rate
/// before, another after" against "one rate throughout" is G = 2·(ℓ(before) + ℓ(after) − ℓ(all)),
/// ℓ(f of n) = f·ln(f/n) + (n−f)·ln(1−f/n). The boundary with the largest G is the candidate;
/// its p-value is that of χ² with one degree of freedom, times the number of boundaries tried
/// (Bonferroni: the chance that any boundary reaches G by chance is at most that), capped at 1.
pub fn change_point(spans: &[Span], alpha: f64) -> Option<ChangePoint> {
    // Each build it ran in, in order, with its runs there.
    let builds: Vec<(u32, Cell)> = spans
        .iter()
        .filter(|s| !s.cell.is_empty())
        .flat_map(|s| (s.first..s.end()).map(move |b| (b, s.cell)))
        .collect();
    if builds.len() < 2 {
        return None;
    }
    let total = builds.iter().fold(Cell::default(), |a, (_, c)| a.plus(*c));
    let whole = log_likelihood(total);
    let mut before = Cell::default();
    let mut best: Option<(f64, usize, Cell)> = None;
    for (k, (_, cell)) in builds.iter().enumerate().take(builds.len() - 1) {
        before = before.plus(*cell);
        let after = Cell { passed: total.passed - before.passed, failed: total.failed - before.failed };
        let g = 2.0 * (log_likelihood(before) + log_likelihood(after) - whole);
        if best.is_none_or(|(b, _, _)| g > b) {
            best = Some((g, k + 1, before));
        }
    }
    let (g, at, before) = best?;
    let tried = (builds.len() - 1) as f64;
    let p_value = (chi_square_1_sf(g.max(0.0)) * tried).min(1.0);
    let after = Cell { passed: total.passed - before.passed, failed: total.failed - before.failed };
    (p_value < alpha).then_some(ChangePoint { build: builds[at].0, before, after, p_value })
}

/// ℓ of a binomial sample at its own rate: f·ln(f/n) + (n−f)·ln(1−f/n), 0·ln 0 being 0.
fn log_likelihood(c: Cell) -> f64 {
    let n = c.judged() as f64;
    let term = |k: u64| if k == 0 { 0.0 } else { k as f64 * (k as f64 / n).ln() };
    term(c.failed) + term(c.passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(passed: u64, failed: u64) -> Cell {
        Cell { passed, failed }
    }

    /// A test's cells from its runs per build (`None`: it did not run).
    fn row(builds: &[Option<(u64, u64)>]) -> History {
        let mut c = IterationCells::default();
        for (b, r) in builds.iter().enumerate() {
            if let Some((p, f)) = r {
                c.add(b as u32, 1, cell(*p, *f));
            }
        }
        History {
            builds: (0..builds.len()).map(|b| format!("build-{}", b + 1).into()).collect(),
            cells: vec![c],
            alpha: 0.01,
        }
    }

    #[test]
    fn a_test_that_broke_at_a_known_build() {
        // 20 clean runs a build for 22 builds, then every run fails.
        let runs: Vec<_> = (0..40).map(|b| Some(if b < 22 { (20, 0) } else { (0, 20) })).collect();
        let h = row(&runs).test(0, 0.01);
        assert_eq!((h.builds_run, h.builds_failed, h.builds_flaky), (40, 18, 0));
        assert_eq!((h.failing_since, h.last_passed), (Some(22), Some(21)));
        let cp = h.change_point.expect("a break this clear is found");
        assert_eq!((cp.build, cp.before, cp.after), (22, cell(440, 0), cell(0, 360)));
        assert!(cp.p_value < 1e-100, "{}", cp.p_value);
    }

    #[test]
    fn gaps_neither_break_nor_extend_a_streak() {
        let h = row(&[Some((1, 0)), Some((0, 2)), None, Some((0, 1)), None]).test(0, 0.01);
        assert_eq!((h.first_build, h.last_build, h.builds_run), (Some(0), Some(3), 3));
        assert_eq!((h.failing_since, h.last_passed), (Some(1), Some(0)));
        let fixed = row(&[Some((0, 3)), Some((2, 1)), None]).test(0, 0.01);
        assert_eq!((fixed.failing_since, fixed.last_passed, fixed.builds_flaky), (None, Some(1), 1));
    }

    /// A row of 40 builds of 20 runs each, each run failing with chance `rate(build)`.
    fn drawn(seed: u64, rate: impl Fn(usize) -> f64) -> History {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
        let mut next = move || {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as f64 / u64::MAX as f64
        };
        let runs: Vec<_> = (0..40)
            .map(|b| {
                let failed = (0..20).filter(|_| next() < rate(b)).count() as u64;
                Some((20 - failed, failed))
            })
            .collect();
        row(&runs)
    }

    #[test]
    fn a_constant_rate_rarely_gets_a_change_point() {
        let found = (0..1000).filter(|&seed| drawn(seed, |_| 0.1).test(0, 0.01).change_point.is_some()).count();
        assert!(found <= 20, "{found} of 1000 flaky tests at a constant 10% got a change point");
    }

    #[test]
    fn a_rate_that_rose_from_2_to_40_percent_is_found_at_its_build() {
        let (mut found, mut at_its_build) = (0, 0);
        for seed in 0..200 {
            if let Some(cp) = drawn(seed, |b| if b < 23 { 0.02 } else { 0.4 }).test(0, 0.01).change_point {
                found += 1;
                at_its_build += usize::from((22..=24).contains(&cp.build));
            }
        }
        assert_eq!(found, 200);
        assert!(at_its_build >= 190, "{at_its_build} of 200 placed within a build of 23");
    }

    #[test]
    fn labels_are_shown_unique_and_the_same_after_a_round_trip() {
        let given = |labels: &[&str]| History {
            builds: labels.iter().map(|&l| l.into()).collect(),
            cells: vec![],
            alpha: 0.01,
        };
        let at_once = given(&["a", "a", "b", "a"]).labels();
        assert_eq!(at_once.iter().map(|l| &**l).collect::<Vec<_>>(), ["a", "a #2", "b", "a #3"]);
        // Written after two builds (`a`, `a #2`), read back, then extended by `b` and `a`.
        let extended = given(&["a", "a #2", "b", "a"]).labels();
        assert_eq!(extended, at_once);
    }
}
