//! The interned tables that both a segment's partial result and a finished Summary hold:
//! tests, iterations and anomalies, each in order of first appearance, with an exact merge.

use rustc_hash::FxHashMap;

use crate::class::{Class, Counts};
use crate::extract::lossy;
use crate::summary::{Anomaly, AnomalyKind, IterationStats, Location, TestStats};

/// At most this many anomalies keep their location; their counts are never capped.
pub(crate) const ANOMALY_CAP: usize = 1000;

/// How the locations of a right-hand side move when it is appended to a left-hand side.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shift {
    pub(crate) file: u32,
    pub(crate) line: u64,
}

impl Shift {
    pub(crate) fn apply(self, loc: Location) -> Location {
        Location {
            file: loc.file + self.file,
            line: loc.line + self.line,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Tables {
    pub(crate) tests: Vec<TestStats>,
    test_index: FxHashMap<Box<str>, u32>,
    pub(crate) iterations: Vec<IterationStats>,
    iteration_index: FxHashMap<Box<str>, u32>,
    /// The first [`ANOMALY_CAP`] anomalies, sorted by location (stable for ties).
    pub(crate) anomalies: Vec<Anomaly>,
}

impl Tables {
    pub(crate) fn test(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.test_index.get(name) {
            return i;
        }
        let i = self.tests.len() as u32;
        self.tests.push(TestStats::new(name.into()));
        self.test_index.insert(name.into(), i);
        i
    }

    pub(crate) fn iteration(&mut self, label: &str) -> u32 {
        if let Some(&i) = self.iteration_index.get(label) {
            return i;
        }
        let i = self.iterations.len() as u32;
        self.iterations.push(IterationStats {
            label: label.into(),
            counts: Counts::default(),
        });
        self.iteration_index.insert(label.into(), i);
        i
    }

    /// Records one run of test `t`, whose result (if any) is at `at`.
    pub(crate) fn record(&mut self, t: u32, word: &[u8], class: Class, at: Location) {
        let test = &mut self.tests[t as usize];
        test.counts.add(class);
        if class != Class::Missing {
            test.add_word(word, 1);
        }
        if class == Class::Failed && test.first_failure.is_none() {
            test.first_failure = Some(at);
        }
    }

    /// Keeps the anomaly if it is among the first [`ANOMALY_CAP`] in order.
    pub(crate) fn anomaly(&mut self, kind: AnomalyKind, at: Location, text: Box<str>) {
        let new = Anomaly {
            kind,
            location: at,
            text,
        };
        let pos = self.anomalies.partition_point(|a| a.order() <= new.order());
        if pos < ANOMALY_CAP {
            self.anomalies.insert(pos, new);
            self.anomalies.truncate(ANOMALY_CAP);
        }
    }

    /// Appends `other`, whose locations are moved by `shift`. Returns where `other`'s tests and
    /// iterations went, so that state referring to them can be carried over.
    pub(crate) fn absorb(&mut self, other: Tables, shift: Shift) -> (Vec<u32>, Vec<u32>) {
        let tests = other
            .tests
            .into_iter()
            .map(|theirs| {
                let i = self.test(&theirs.name);
                self.tests[i as usize].absorb(theirs, shift);
                i
            })
            .collect();
        let iterations = other
            .iterations
            .into_iter()
            .map(|theirs| {
                let i = self.iteration(&theirs.label);
                self.iterations[i as usize].counts.add_all(&theirs.counts);
                i
            })
            .collect();
        // Each side holds its first ANOMALY_CAP in order, so the union's first ANOMALY_CAP are
        // among them. Only an anomaly the merge itself placed on the boundary line can tie with
        // the right side's first ones, so the sort is rarely needed.
        let sorted_before = self.anomalies.len();
        self.anomalies
            .extend(other.anomalies.into_iter().map(|mut a| {
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
    pub(crate) fn new(name: Box<str>) -> TestStats {
        TestStats {
            name,
            counts: Counts::default(),
            results: Vec::new(),
            first_failure: None,
        }
    }

    /// Counts `n` runs with `word` (bytes of an uppercased word; see `extract::Text`).
    pub(crate) fn add_word(&mut self, word: &[u8], n: u64) {
        // Kept sorted by word, so that the order does not depend on which run came first.
        match self
            .results
            .binary_search_by(|(w, _)| w.as_bytes().cmp(word))
        {
            Ok(i) => self.results[i].1 += n,
            Err(_) => {
                let word: Box<str> = lossy(word).into();
                match self.results.binary_search_by(|(w, _)| w.cmp(&word)) {
                    Ok(i) => self.results[i].1 += n,
                    Err(i) => self.results.insert(i, (word, n)),
                }
            }
        }
    }

    fn absorb(&mut self, other: TestStats, shift: Shift) {
        self.counts.add_all(&other.counts);
        for (word, n) in &other.results {
            self.add_word(word.as_bytes(), *n);
        }
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure.map(|l| shift.apply(l));
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
