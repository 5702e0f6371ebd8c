//! The interned tables that both a segment's partial result and a finished Summary hold:
//! tests, iterations and anomalies, each in order of first appearance, with an exact merge.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::base::cut::{CUT_BYTES, cut_string, cut_text};
use crate::base::hash::{FastMap, NameIndex, WordTexts};
use crate::base::location::{Location, Shift};
use crate::base::text::{lossy, same_bytes};
use crate::model::cells::{Cell, breaks_of};
use crate::model::class::{Class, Counts};
use crate::model::durations::Timed;
use crate::model::runs::FailedRun;
use crate::model::stats::{Anomaly, AnomalyKind, FAILURE_GROUP_TESTS, FailureGroup, IterationStats, TestStats};

/// At most this many anomalies keep their location; their counts are never capped.
pub(crate) const ANOMALY_CAP: usize = 1000;

/// How a run ended: its result word, the word's class, the text after the word, and how long
/// it took, if known.
pub(crate) struct RunResult<'a> {
    pub(crate) word: &'a [u8],
    pub(crate) class: Class,
    pub(crate) detail: &'a [u8],
    pub(crate) duration: Option<u64>,
}

/// Serialized for a segment's part (`crate::read::wire`) without its indexes, which
/// [`Tables::reindex`] makes again.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Tables {
    pub(crate) tests: Vec<TestStats>,
    #[serde(skip)]
    test_index: NameIndex,
    pub(crate) iterations: Vec<IterationStats>,
    #[serde(skip)]
    iteration_index: NameIndex,
    /// The first [`ANOMALY_CAP`] anomalies, sorted by location (stable for ties).
    pub(crate) anomalies: Vec<Anomaly>,
    /// In order of first appearance, which is also the order of their first location.
    pub(crate) failure_groups: Vec<Group>,
    #[serde(skip)]
    failure_index: FastMap<Box<str>, u32>,
    /// The group of each detail as written, so that a repeated reason is neither decoded nor
    /// folded again. Not part of the result.
    #[serde(skip)]
    raw_failure_index: FastMap<Box<[u8]>, u32>,
    /// The last failure's detail as written and its group: most failures repeat the one before
    /// (the seed's give none at all), and are then not hashed. Its buffer is reused, so that
    /// reasons that alternate cost no allocation each. Not part of the result.
    #[serde(skip)]
    last_failure: Option<(Vec<u8>, u32)>,
    /// The result words' texts, each kept once for every test. Not part of the result.
    #[serde(skip)]
    pub(crate) words: WordTexts,
}

/// A failure group as kept while parsing: its tests by index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Group {
    detail: Box<str>,
    example: Box<str>,
    count: u64,
    tests: Vec<u32>,
    first: Location,
}

impl PartialEq for Tables {
    fn eq(&self, other: &Tables) -> bool {
        self.tests == other.tests
            && self.iterations == other.iterations
            && self.anomalies == other.anomalies
            && self.failure_groups == other.failure_groups
    }
}

impl Tables {
    pub(crate) fn test(&mut self, name: &str) -> u32 {
        let tests = &self.tests;
        match self.test_index.get_or_insert(name, tests.len() as u32, |i| &tests[i as usize].name) {
            Ok(i) => i,
            Err(i) => {
                self.tests.push(TestStats::new(name.into()));
                i
            }
        }
    }

    pub(crate) fn iteration(&mut self, label: &str) -> u32 {
        let iterations = &self.iterations;
        match self.iteration_index.get_or_insert(label, iterations.len() as u32, |i| &iterations[i as usize].label) {
            Ok(i) => i,
            Err(i) => {
                self.iterations.push(IterationStats {
                    label: label.into(),
                    counts: Counts::default(),
                    timed: Timed::default(),
                });
                i
            }
        }
    }

    /// Makes the indexes again, and shares the result words, after the tables were read back
    /// without them (`crate::read::wire`).
    pub(crate) fn reindex(&mut self) {
        let Tables { tests, test_index, iterations, iteration_index, failure_groups, failure_index, words, .. } = self;
        for (i, t) in tests.iter().enumerate() {
            let _ = test_index.get_or_insert(&t.name, i as u32, |j| &tests[j as usize].name);
        }
        for (i, it) in iterations.iter().enumerate() {
            let _ = iteration_index.get_or_insert(&it.label, i as u32, |j| &iterations[j as usize].label);
        }
        *failure_index = failure_groups.iter().enumerate().map(|(i, g)| (g.detail.clone(), i as u32)).collect();
        for t in tests.iter_mut() {
            t.results.share(words);
        }
    }

    /// Whether nothing was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.tests.is_empty()
            && self.iterations.is_empty()
            && self.anomalies.is_empty()
            && self.failure_groups.is_empty()
    }

    /// Puts every test's iteration cells in their canonical form, as a merge does.
    pub(crate) fn settle(&mut self) {
        for t in &mut self.tests {
            t.by_iteration.settle();
        }
    }

    /// Makes room for `more` iterations.
    pub(crate) fn reserve_iterations(&mut self, more: usize) {
        self.iterations.reserve(more);
        self.iteration_index.reserve(more);
    }

    /// Counts one run of test `t`, in iteration `iteration` if any, that ended with `result`.
    /// `failed` is where the run opened and closed, for a failed run (and only for one); its
    /// result line is `at`.
    pub(crate) fn record(
        &mut self,
        t: u32,
        iteration: Option<u32>,
        result: RunResult<'_>,
        failed: Option<FailedRun>,
        at: Location,
    ) {
        let RunResult { word, class, detail, duration } = result;
        debug_assert_eq!(failed.is_some(), class == Class::Failed);
        let test = &mut self.tests[t as usize];
        test.counts.add(class);
        if let Some(us) = duration {
            test.add_duration(us);
        }
        if let (Some(i), Some(cell)) = (iteration, Cell::of(class)) {
            test.by_iteration.add(i, 1, cell);
        }
        if class != Class::Missing {
            if word.len() <= CUT_BYTES {
                test.results.add_raw(word, 1, &mut self.words);
            } else {
                // Not shared: a word this long is rare, and its bytes are never kept.
                test.results.add(cut_text(&lossy(word)).into(), 1);
            }
        }
        if matches!(class, Class::Passed | Class::Failed) {
            test.add_outcome(class);
        }
        if let Some(run) = failed {
            if !cfg!(feature = "bare-runs") {
                test.add_failed_run(run, at);
            }
            let last = self.last_failure.as_ref().filter(|(raw, _)| same_bytes(raw, detail)).map(|&(_, g)| g);
            let g = match last.or_else(|| self.raw_failure_index.get(detail).copied()) {
                Some(g) => g,
                None => {
                    let example = lossy(detail);
                    let example = example.trim();
                    let folded = cut_string(fold_digits(example));
                    let g = self.failure_group(&folded, &cut_text(example), at);
                    // A reason over the budget is not kept whole, even as a key.
                    if detail.len() <= CUT_BYTES {
                        self.raw_failure_index.insert(detail.into(), g);
                    }
                    g
                }
            };
            if last.is_none() && detail.len() <= CUT_BYTES {
                let (raw, group) = self.last_failure.get_or_insert_with(|| (Vec::new(), g));
                raw.clear();
                raw.extend_from_slice(detail);
                *group = g;
            }
            let group = &mut self.failure_groups[g as usize];
            group.count += 1;
            group.add_test(t);
        }
    }

    /// The index of the group of failures with this folded detail, made if new.
    fn failure_group(&mut self, detail: &str, example: &str, first: Location) -> u32 {
        if let Some(&i) = self.failure_index.get(detail) {
            return i;
        }
        let i = self.failure_groups.len() as u32;
        self.failure_groups.push(Group {
            detail: detail.into(),
            example: example.into(),
            count: 0,
            tests: Vec::new(),
            first,
        });
        self.failure_index.insert(detail.into(), i);
        i
    }

    /// Adds a failure group of another table (or a saved summary), whose tests are named.
    pub(crate) fn add_failure_group(&mut self, g: FailureGroup) {
        let i = self.failure_group(&g.detail, &g.example, g.first) as usize;
        self.failure_groups[i].count += g.count;
        for name in &g.tests {
            let t = self.test(name);
            self.failure_groups[i].add_test(t);
        }
    }

    /// The failure groups with their tests named.
    pub(crate) fn named_failure_groups(&self) -> Vec<FailureGroup> {
        self.failure_groups
            .iter()
            .map(|g| FailureGroup {
                detail: g.detail.clone(),
                example: g.example.clone(),
                count: g.count,
                tests: g.tests.iter().map(|&t| self.tests[t as usize].name.clone()).collect(),
                first: g.first,
            })
            .collect()
    }

    /// Puts failure groups read from a saved summary (largest first) back in order of first
    /// appearance.
    pub(crate) fn sort_failure_groups(&mut self) {
        self.failure_groups.sort_by_key(|g| g.first);
        self.failure_index =
            self.failure_groups.iter().enumerate().map(|(i, g)| (g.detail.clone(), i as u32)).collect();
        self.raw_failure_index.clear();
        self.last_failure = None;
    }

    /// Keeps the anomaly if it is among the first [`ANOMALY_CAP`] in order.
    pub(crate) fn anomaly(&mut self, kind: AnomalyKind, at: Location, text: Box<str>) {
        let new = Anomaly { kind, location: at, text };
        let pos = self.anomalies.partition_point(|a| a.order() <= new.order());
        if pos < ANOMALY_CAP {
            self.anomalies.insert(pos, new);
            self.anomalies.truncate(ANOMALY_CAP);
        }
    }

    /// Appends `other`, whose locations are moved by `shift`. `incoming` is an iteration of this
    /// side and, by test index, the runs of `other`'s tests that count in it (a partial's runs
    /// before its first `Iteration ` line). Returns where `other`'s tests and iterations went, so
    /// that state referring to them can be carried over.
    pub(crate) fn absorb(
        &mut self,
        other: Tables,
        shift: Shift,
        incoming: Option<(u32, &[Cell])>,
    ) -> (Vec<u32>, Vec<u32>) {
        let iterations: Vec<u32> = other
            .iterations
            .into_iter()
            .map(|theirs| {
                let i = self.iteration(&theirs.label);
                self.iterations[i as usize].counts.add_all(&theirs.counts);
                self.iterations[i as usize].timed.add_all(theirs.timed);
                i
            })
            .collect();
        let breaks = breaks_of(&iterations);
        let tests: Vec<u32> = other
            .tests
            .into_iter()
            .enumerate()
            .map(|(k, theirs)| {
                let i = self.test(&theirs.name);
                // Before the other side's cells, which come later, so that it is appended.
                if let Some((at, cells)) = incoming
                    && let Some(&cell) = cells.get(k)
                {
                    self.tests[i as usize].by_iteration.add(at, 1, cell);
                }
                self.tests[i as usize].absorb(theirs, shift, &iterations, &breaks);
                i
            })
            .collect();
        for theirs in other.failure_groups {
            let first = shift.apply(theirs.first);
            let i = self.failure_group(&theirs.detail, &theirs.example, first) as usize;
            self.failure_groups[i].count += theirs.count;
            for t in theirs.tests {
                self.failure_groups[i].add_test(tests[t as usize]);
            }
        }
        // Each side holds its first ANOMALY_CAP in order, so the union's first ANOMALY_CAP are
        // among them. Only an anomaly the merge itself placed on the boundary line can tie with
        // the right side's first ones, so the sort is rarely needed.
        let sorted_before = self.anomalies.len();
        self.anomalies.extend(other.anomalies.into_iter().map(|mut a| {
            a.location = shift.apply(a.location);
            a
        }));
        if sorted_before > 0
            && sorted_before < self.anomalies.len()
            && self.anomalies[sorted_before - 1].order() > self.anomalies[sorted_before].order()
        {
            self.anomalies.sort_by_key(Anomaly::order);
        }
        self.anomalies.truncate(ANOMALY_CAP);
        (tests, iterations)
    }
}

impl TestStats {
    /// Appends `other`, whose iteration `i` is this side's `iterations[i]` (`breaks` as in
    /// [`IterationCells::merge_mapped`]).
    fn absorb(&mut self, mut other: TestStats, shift: Shift, iterations: &[u32], breaks: &[u32]) {
        other.by_iteration.settle();
        self.by_iteration.merge_mapped(other.by_iteration.spans(), iterations, breaks);
        // The seam between the two run orders counts too.
        let seam = match (self.last_outcome(), other.first_outcome()) {
            (Some(last), Some(first)) => u64::from(last != first),
            _ => 0,
        };
        let first_failure = self.first_failure().or(other.first_failure().map(|l| shift.apply(l)));

        let transitions = self.transitions() + seam + other.transitions();
        let first_outcome = self.first_outcome().or(other.first_outcome());
        let last_outcome = other.last_outcome().or(self.last_outcome());
        self.counts.add_all(&other.counts);
        self.set_order(first_failure, transitions, first_outcome, last_outcome);
        self.append_failed_runs(other.failed_runs(), shift);
        if let Some(theirs) = other.durations() {
            self.add_durations(theirs);
        }
        for (word, n) in other.results.as_slice() {
            self.results.add(Arc::clone(word), *n);
        }
    }
}

impl Anomaly {
    /// Anomalies are listed by location, then kind: at most one of each kind fits on a line, so
    /// this order is total and any merge tree gives the same list.
    fn order(&self) -> (Location, u8) {
        let rank = match self.kind {
            AnomalyKind::LongLine => 0,
            AnomalyKind::OrphanResult => 1,
            AnomalyKind::MissingResult => 2,
        };
        (self.location, rank)
    }
}

impl Group {
    fn add_test(&mut self, t: u32) {
        if self.tests.len() < FAILURE_GROUP_TESTS && !self.tests.contains(&t) {
            self.tests.push(t);
        }
    }
}

/// Folds each run of ASCII digits to `#`, so that `got 4` and `got 17` read alike.
pub(crate) fn fold_digits(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_digits = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}
