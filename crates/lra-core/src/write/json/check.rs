//! The checks a saved summary passes before it is read (docs/design.md §2, "Saved summaries are
//! checked"). A merge adds a saved summary's parts as they are written, so parts that do not
//! agree (counts that do not add up, a test listed twice, cells past the iterations) would make
//! a silently wrong merge: such a summary is refused with the reason instead.
//!
//! Where a field came after the first schema, a summary saved before it lacks it; a summary
//! merged from such old and newer ones then has less in that field than in the counts, so the
//! check is "at most" there, and "equal" where the field has always been written.

use std::collections::HashSet;

use crate::model::durations::bucket_of;
use crate::model::stats::FAILURE_GROUP_TESTS;
use crate::model::tables::ANOMALY_CAP;

use super::{CountsJson, CutJson, DurationsJson, Outcome, SummaryJson, TestJson};
use crate::base::cut::{CUT_BYTES, CutJsonParts, read_cut, split_cut};

/// The most any count, byte total or total of microseconds may be. JSON readers in JavaScript
/// (the app's embedding API, people's scripts) lose exactness past 2^53, and it keeps merges of
/// many saved summaries far from overflowing 64 bits.
pub(super) const MAX_COUNT: u64 = (1 << 53) - 1;

/// Runs by class, added up without overflow: passed, failed, skipped, other, missing.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
struct Sum([u128; 5]);

impl Sum {
    fn of(c: &crate::model::class::Counts) -> Sum {
        Sum([c.passed, c.failed, c.skipped, c.other, c.missing].map(u128::from))
    }

    fn add(&mut self, other: Sum) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    fn runs(&self) -> u128 {
        self.0.iter().sum()
    }

    fn at_most(&self, other: &Sum) -> bool {
        self.0.iter().zip(other.0).all(|(a, b)| *a <= b)
    }

    fn describe(&self) -> String {
        let [p, f, s, o, m] = self.0;
        format!("{p} passed, {f} failed, {s} skipped, {o} other, {m} missing")
    }
}

/// Reads every text of `json` into the form a summary keeps (`crate::base::cut`), checking each cut:
/// a text given with its `cut` keeps at most [`CUT_BYTES`] and not fewer than a cut keeps, less
/// than the whole's `bytes`, and a hash of 64 lowercase hex digits. A text over the budget given
/// without one (a summary saved before cuts) is cut, its length and hash those of the text that
/// is there. Texts written as keys or in lists (result words, a failure group's tests, an
/// anomaly's test or word, a location's file) are cut forms when long.
pub(super) fn read_cuts(json: &mut SummaryJson) -> Result<(), String> {
    fn one(text: &mut String, cut: &mut Option<CutJson>, what: &str) -> Result<(), String> {
        let parts = cut.take().map(|c| CutJsonParts { bytes: c.bytes, sha256: c.sha256 });
        *text = read_cut(std::mem::take(text), parts.as_ref()).map_err(|e| format!("{what}: {e}"))?;
        Ok(())
    }
    fn listed(text: &mut String, what: &str) -> Result<(), String> {
        if text.len() <= CUT_BYTES {
            return Ok(());
        }
        let (kept, cut) = split_cut(text);
        let parts = cut.map(|c| CutJsonParts { bytes: c.bytes, sha256: c.sha256_hex() });
        let kept = kept.to_owned();
        *text = read_cut(kept, parts.as_ref()).map_err(|e| format!("{what}: {e}"))?;
        Ok(())
    }
    for f in &mut json.files {
        one(&mut f.name, &mut f.cut, "a file's name")?;
    }
    for t in json.tests.iter_mut() {
        one(&mut t.name, &mut t.cut, "a test's name")?;
        if t.results.keys().any(|w| w.len() > CUT_BYTES) {
            let mut words = std::collections::BTreeMap::new();
            for (mut w, n) in std::mem::take(&mut t.results) {
                listed(&mut w, "a result word")?;
                *words.entry(w).or_insert(0u64) += n;
            }
            t.results = words;
        }
        if let Some(l) = &mut t.first_failure {
            listed(&mut l.file, "a location's file")?;
        }
    }
    for i in &mut json.iterations {
        one(&mut i.label, &mut i.cut, "an iteration's label")?;
    }
    for g in &mut json.failure_groups {
        one(&mut g.detail, &mut g.detail_cut, "a failure group's reason")?;
        one(&mut g.example, &mut g.example_cut, "a failure group's example")?;
        for t in &mut g.tests {
            listed(t, "a failure group's test")?;
        }
        listed(&mut g.first.file, "a location's file")?;
    }
    for a in &mut json.anomalies {
        for text in [&mut a.test, &mut a.word].into_iter().flatten() {
            listed(text, "an anomaly's text")?;
        }
        listed(&mut a.location.file, "a location's file")?;
    }
    Ok(())
}

/// Checks that `json`'s parts agree; the error says which part and how.
pub(super) fn check(json: &SummaryJson) -> Result<(), String> {
    let mut files = Sum::default();
    // The files' orphan_results, long_lines, dropped_durations and bytes, each bounded and added up.
    let mut sums = [0u128; 4];
    for f in &json.files {
        let what = || format!("file {:?}", f.name);
        let counts = counts(&f.totals, what)?;
        files.add(counts);
        let fields = [
            (f.orphan_results, "orphan_results"),
            (f.long_lines, "long_lines"),
            (f.dropped_durations, "dropped_durations"),
            (f.bytes, "bytes"),
        ];
        for ((n, field), sum) in fields.into_iter().zip(&mut sums) {
            bounded(n, || format!("{}'s {field}", what()))?;
            *sum += u128::from(n);
        }
    }
    let [orphans, long_lines, dropped, bytes] = sums;
    let totals = counts(&json.totals, || "the totals".to_owned())?;
    if totals != files {
        return Err(format!("the totals ({}) are not the sum of the files' ({})", totals.describe(), files.describe()));
    }
    agree("orphan_results", Some(json.orphan_results), orphans)?;
    agree("long_lines", json.long_lines, long_lines)?;
    agree("dropped_durations", Some(json.dropped_durations), dropped)?;
    agree("bytes", json.bytes, bytes)?;

    let iterations = check_iterations(json, &totals)?;
    let mut tests = Sum::default();
    let mut names = HashSet::with_capacity(json.tests.len());
    // Per iteration, the passed and failed runs the tests' cells hold, as differences from the
    // iteration before (a span adds at its first iteration and takes away after its last), so
    // that a test's span of a thousand iterations costs two entries.
    let mut cells = vec![(0i128, 0i128); iterations.len() + 1];
    for t in &json.tests {
        if !names.insert(t.name.as_str()) {
            return Err(format!("test {:?} is listed twice", t.name));
        }
        let counts = check_test(t, iterations.len(), &mut cells).map_err(|e| format!("test {:?}: {e}", t.name))?;
        tests.add(counts);
    }
    if let Some(n) = json.distinct_tests.filter(|&n| n as usize != json.tests.len()) {
        return Err(format!("distinct_tests is {n}, and {} tests are listed", json.tests.len()));
    }
    if tests != totals {
        return Err(format!("the tests' runs ({}) are not the totals ({})", tests.describe(), totals.describe()));
    }
    let (mut passed, mut failed) = (0i128, 0i128);
    for (i, (label, counts)) in iterations.iter().enumerate() {
        passed += cells[i].0;
        failed += cells[i].1;
        if passed > counts.0[0] as i128 || failed > counts.0[1] as i128 {
            return Err(format!(
                "iteration {label:?} has {} passed and {} failed runs, and its tests' cells hold {passed} and {failed}",
                counts.0[0], counts.0[1]
            ));
        }
    }
    check_failure_groups(json, &totals)?;
    check_anomalies(json, &totals, orphans, long_lines)
}

/// A summary of old and new parts has less in a newer field than in the counts: "at most".
fn at_most(what: &str, field: &str, n: u128, bound: u128) -> Result<(), String> {
    match n <= bound {
        true => Ok(()),
        false => Err(format!("{what} has {n} {field}, and its runs allow at most {bound}")),
    }
}

/// A count that must be the sum of the files' (`None`: a summary saved before it was written).
fn agree(field: &str, given: Option<u64>, sum: u128) -> Result<(), String> {
    match given {
        Some(n) if u128::from(n) != sum => Err(format!("{field} is {n}, and the files' add up to {sum}")),
        _ => Ok(()),
    }
}

fn bounded(n: u64, what: impl Fn() -> String) -> Result<(), String> {
    match n <= MAX_COUNT {
        true => Ok(()),
        false => Err(format!("{} is {n}, more than 2^53 - 1", what())),
    }
}

/// A counts object's runs by class, checked against its `tests` (all runs) and the bound.
fn counts(c: &CountsJson, what: impl Fn() -> String) -> Result<Sum, String> {
    let sum = Sum::of(&c.counts);
    if sum.runs() > u128::from(MAX_COUNT) {
        return Err(format!("{} count {} runs, more than 2^53 - 1", what(), sum.runs()));
    }
    match c.tests {
        Some(n) if u128::from(n) != sum.runs() => {
            Err(format!("{} say {n} runs, and their classes add up to {}", what(), sum.runs()))
        }
        _ => Ok(sum),
    }
}

/// The iterations' labels and runs; each label once, and no more runs than the totals.
fn check_iterations(json: &SummaryJson, totals: &Sum) -> Result<Vec<(String, Sum)>, String> {
    let mut labels = HashSet::with_capacity(json.iterations.len());
    let mut all = Sum::default();
    let mut iterations = Vec::with_capacity(json.iterations.len());
    for it in &json.iterations {
        let what = || format!("iteration {:?}", it.label);
        if !labels.insert(it.label.as_str()) {
            return Err(format!("{} is listed twice", what()));
        }
        let counts = counts(&it.counts, what)?;
        if let Some(d) = &it.durations {
            at_most(&what(), "timed runs", d.runs.into(), counts.runs() - counts.0[4])?;
            bounded(d.total_us, || format!("{}'s total_us", what()))?;
        }
        all.add(counts);
        iterations.push((it.label.clone(), counts));
    }
    if !all.at_most(totals) {
        return Err(format!(
            "the iterations hold more runs ({}) than the totals ({})",
            all.describe(),
            totals.describe()
        ));
    }
    Ok(iterations)
}

/// One test's parts against its counts; adds its cells to `cells` (see [`check`]).
fn check_test(t: &TestJson, iterations: usize, cells: &mut [(i128, i128)]) -> Result<Sum, String> {
    let counts = Sum::of(&t.counts);
    if counts.runs() > u128::from(MAX_COUNT) {
        return Err(format!("{} runs, more than 2^53 - 1", counts.runs()));
    }
    if u128::from(t.runs) != counts.runs() {
        return Err(format!("runs is {}, and its classes add up to {}", t.runs, counts.runs()));
    }
    let [passed, failed, ..] = counts.0;
    let with_a_word = counts.runs() - counts.0[4];
    let words: u128 = t.results.values().map(|&n| u128::from(n)).sum();
    if words != with_a_word {
        return Err(format!("its result words count {words} runs, and it has {with_a_word} with a result"));
    }
    if t.first_failure.is_some() != (failed > 0) {
        return Err(format!(
            "it has {failed} failed runs and {} first failure",
            match t.first_failure {
                Some(_) => "a",
                None => "no",
            }
        ));
    }
    if let Some(runs) = &t.failed_runs {
        at_most("it", "failed runs kept as seen", runs.seen.into(), failed)?;
        if let Some(&(_, opened, closed)) = runs.first.iter().chain(&runs.last).find(|(_, o, c)| o > c) {
            return Err(format!("a failed run closes at byte {closed}, before it opened at {opened}"));
        }
    }
    if let Some(flaky) = t.flaky
        && flaky != (passed > 0 && failed > 0)
    {
        return Err(format!("flaky is {flaky}, with {passed} passed and {failed} failed runs"));
    }
    let most_transitions = if passed > 0 && failed > 0 { passed + failed - 1 } else { 0 };
    at_most("it", "transitions", t.transitions.into(), most_transitions)?;
    for (outcome, which) in [(t.first_outcome, "first"), (t.last_outcome, "last")] {
        let had = match outcome {
            None => true,
            Some(Outcome::Passed) => passed > 0,
            Some(Outcome::Failed) => failed > 0,
        };
        if !had {
            return Err(format!("its {which} outcome is a class it has no run of"));
        }
    }
    if let Some(d) = &t.durations {
        check_durations(d, with_a_word)?;
    }
    let mut end = 0u64;
    let (mut in_cells_passed, mut in_cells_failed) = (0u128, 0u128);
    for &(first, len, p, f) in &t.by_iteration {
        let stop = u64::from(first) + u64::from(len);
        if u64::from(first) < end || len == 0 {
            return Err("its cells' spans overlap or are out of order".to_owned());
        }
        if stop > iterations as u64 {
            return Err(format!("it has runs in iterations past the {iterations} listed"));
        }
        end = stop;
        in_cells_passed += u128::from(len) * u128::from(p);
        in_cells_failed += u128::from(len) * u128::from(f);
        if in_cells_passed > passed || in_cells_failed > failed {
            return Err(format!(
                "its cells hold more runs than it has ({in_cells_passed} passed, {in_cells_failed} failed)"
            ));
        }
        // Bounded by the test's counts just above, so within i128.
        cells[first as usize].0 += i128::from(p);
        cells[first as usize].1 += i128::from(f);
        cells[stop as usize].0 -= i128::from(p);
        cells[stop as usize].1 -= i128::from(f);
    }
    Ok(counts)
}

/// A test's durations: no more timed runs than runs with a result, a total that one run of
/// `min`, one of `max` and the others between them can make, and buckets from `min`'s to
/// `max`'s (the rest `Durations::from_parts` checks).
fn check_durations(d: &DurationsJson, with_a_word: u128) -> Result<(), String> {
    at_most("it", "timed runs", d.runs.into(), with_a_word)?;
    bounded(d.total_us, || "its total_us".to_owned())?;
    let (runs, total, min, max) =
        (u128::from(d.runs), u128::from(d.total_us), u128::from(d.min_us), u128::from(d.max_us));
    let (least, most) = match runs {
        0 => (0, 0),
        1 => (min, min),
        _ => (min + max + (runs - 2) * min, min + max + (runs - 2) * max),
    };
    if min > max || (runs == 1 && min != max) || total < least || total > most {
        return Err(format!(
            "its durations do not add up ({} runs, {} µs in all, from {} to {} µs)",
            d.runs, d.total_us, d.min_us, d.max_us
        ));
    }
    let (first, last) = (d.buckets.first().map(|b| b.0), d.buckets.last().map(|b| b.0));
    if first != Some(bucket_of(d.min_us)) || last != Some(bucket_of(d.max_us)) {
        return Err(format!("its duration buckets do not run from its least to its most ({:?})", d.buckets));
    }
    Ok(())
}

/// Failure groups: each reason once, named tests that failed, no more failed runs than the
/// totals. Absent in summaries saved before them.
fn check_failure_groups(json: &SummaryJson, totals: &Sum) -> Result<(), String> {
    if json.failure_groups.is_empty() {
        return Ok(());
    }
    let failed: HashSet<&str> = json.tests.iter().filter(|t| t.counts.failed > 0).map(|t| t.name.as_str()).collect();
    let mut details = HashSet::with_capacity(json.failure_groups.len());
    let mut runs = 0u128;
    for g in &json.failure_groups {
        let what = || format!("failure group {:?}", g.detail);
        if !details.insert(g.detail.as_str()) {
            return Err(format!("{} is listed twice", what()));
        }
        if g.count == 0 || g.tests.is_empty() || g.tests.len() > FAILURE_GROUP_TESTS {
            return Err(format!("{} has {} runs of {} tests", what(), g.count, g.tests.len()));
        }
        let mut listed = HashSet::with_capacity(g.tests.len());
        for name in &g.tests {
            if !failed.contains(name.as_str()) || !listed.insert(name.as_str()) {
                return Err(format!("{} names {name:?}, which is no test that failed, or names it twice", what()));
            }
        }
        runs += u128::from(g.count);
    }
    at_most("the summary", "failed runs in failure groups", runs, totals.0[1])
}

/// Anomalies: at most the cap, and of each kind no more than its count.
fn check_anomalies(json: &SummaryJson, totals: &Sum, orphans: u128, long_lines: u128) -> Result<(), String> {
    if json.anomalies.len() > ANOMALY_CAP {
        return Err(format!("it lists {} anomalies, more than the {ANOMALY_CAP} kept", json.anomalies.len()));
    }
    for (kind, most) in [("orphan_result", orphans), ("missing_result", totals.0[4]), ("long_line", long_lines)] {
        let listed = json.anomalies.iter().filter(|a| a.kind == kind).count() as u128;
        if listed > most {
            return Err(format!("it lists {listed} {kind} anomalies, and counts {most}"));
        }
    }
    Ok(())
}
