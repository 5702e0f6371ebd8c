//! Between a [`Summary`] and its JSON form (the types of `super`): written one test at a time,
//! and read back through `check`.

use std::collections::HashMap;

use serde::Serialize;

use crate::base::cut::CUT_BYTES;
use crate::base::location::{Location, Shift};
use crate::base::markers::Markers;
use crate::base::statistics::DEFAULT_ALPHA;
use crate::model::cells::{Cell, IterationCells, Span, breaks_of, canonical};
use crate::model::durations::{DURATION_SCHEME, Timed};
use crate::model::history::History;
use crate::model::stats::{AnomalyKind, FailureGroup, TestStats};
use crate::model::summary::{FileStats, Summary};
use crate::model::tables::Tables;

use super::{
    AnomalyJson, BuildJson, ChangePointJson, DurationsJson, FailedRunsJson, FailureGroupJson, FileJson, IterationJson,
    JudgedJson, LocationJson, MarkersJson, Outcome, SUMMARY_SCHEMA, SummaryJson, TestHistoryJson, TestJson, TimedJson,
    check, kept,
};

/// A summary's tests, serialized one by one as they are written; a history's labels, made once.
struct TestsOut<'a>(&'a Summary, Option<Vec<Box<str>>>);

impl Serialize for TestsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let labels = self.1.as_deref();
        serializer.collect_seq(self.0.tests().iter().enumerate().map(|(i, t)| self.0.test_json(i, t, labels)))
    }
}

impl Summary {
    /// The summary as `lra-summary/1` JSON, on one line.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.json_form()).expect("a summary always serializes")
    }

    /// The summary as `lra-summary/1` JSON, indented for people.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.json_form()).expect("a summary always serializes")
    }

    /// Writes the summary as `lra-summary/1` JSON (indented when `pretty`) to `out`, one test at
    /// a time: however many tests it has, only one test's JSON form is held at once.
    pub fn write_json(&self, out: impl std::io::Write, pretty: bool) -> std::io::Result<()> {
        let written = match pretty {
            true => serde_json::to_writer_pretty(out, &self.json_form()),
            false => serde_json::to_writer(out, &self.json_form()),
        };
        written.map_err(std::io::Error::other)
    }

    fn location_json(&self, l: Location) -> LocationJson {
        LocationJson { file: self.file_name(l).to_owned(), line: l.line, offset: l.offset, file_index: Some(l.file) }
    }

    /// A history's row of test `i`: its cells and what they say, builds by `labels`.
    fn test_history_json(&self, i: usize, labels: &[Box<str>]) -> (Vec<(u32, u32, u64, u64)>, TestHistoryJson) {
        let history = self.history.as_ref().expect("a history");
        let spans = history.cells.get(i).map(|c| c.spans()).unwrap_or_default();
        let by_build = spans.iter().map(|s| (s.first, s.len, s.cell.passed, s.cell.failed)).collect();
        let h = history.test(i, history.alpha);
        let label = |b: Option<u32>| b.map(|b| labels[b as usize].to_string());
        let judged = |c: Cell| JudgedJson { failed: c.failed, runs: c.judged() };
        let row = TestHistoryJson {
            builds_run: h.builds_run,
            builds_failed: h.builds_failed,
            builds_flaky: h.builds_flaky,
            first_build: label(h.first_build),
            last_build: label(h.last_build),
            failing_since: label(h.failing_since),
            last_passed: label(h.last_passed),
            change_point: h.change_point.map(|c| ChangePointJson {
                build: labels[c.build as usize].to_string(),
                before: judged(c.before),
                after: judged(c.after),
                p_value: c.p_value,
            }),
        };
        (by_build, row)
    }

    fn test_json(&self, i: usize, t: &TestStats, labels: Option<&[Box<str>]>) -> TestJson {
        let (name, cut) = kept(&t.name);
        let (by_build, history) = match labels {
            Some(labels) => {
                let (cells, row) = self.test_history_json(i, labels);
                (Some(cells), Some(row))
            }
            None => (None, None),
        };
        TestJson {
            name,
            cut,
            runs: t.counts.runs(),
            counts: t.counts,
            pass_rate: t.counts.pass_rate(),
            failure_rate: t.counts.failure_rate(),
            failure_rate_ci95: t.counts.failure_rate_ci95(),
            results: t.results.iter().map(|(w, n)| (w.to_owned(), n)).collect(),
            first_failure: t.first_failure().map(|l| self.location_json(l)),
            transitions: t.transitions(),
            flaky: Some(t.flaky()),
            first_outcome: Outcome::of(t.first_outcome()),
            last_outcome: Outcome::of(t.last_outcome()),
            by_iteration: t
                .by_iteration
                .spans()
                .iter()
                .map(|s| (s.first, s.len, s.cell.passed, s.cell.failed))
                .collect(),
            failed_runs: FailedRunsJson::of(t.failed_runs()),
            durations: t.durations().map(DurationsJson::of),
            by_build,
            history,
        }
    }

    fn json_form(&self) -> SummaryJson<TestsOut<'_>> {
        let loc = |l: Location| self.location_json(l);
        SummaryJson {
            schema: SUMMARY_SCHEMA.to_owned(),
            name_mode: self.name_mode,
            markers: Some(MarkersJson {
                test: self.markers.test().to_owned(),
                result: self.markers.result().to_owned(),
                iteration: self.markers.iteration().to_owned(),
                ignore_case: self.markers.ignore_case(),
            }),
            cut_bytes: Some(CUT_BYTES as u64),
            totals: self.totals().into(),
            orphan_results: self.orphan_results(),
            long_lines: Some(self.long_lines()),
            bytes: Some(self.bytes()),
            distinct_tests: Some(self.tests().len() as u64),
            files: self
                .files
                .iter()
                .map(|f| FileJson {
                    name: kept(&f.name).0,
                    cut: kept(&f.name).1,
                    bytes: f.bytes,
                    totals: f.totals.into(),
                    orphan_results: f.orphan_results,
                    long_lines: f.long_lines,
                    binary: f.binary,
                    damage: f.damage.as_deref().map(str::to_owned),
                    dropped_durations: f.dropped_durations,
                    from_summary: f.from_summary,
                    format: f.format,
                    reading: f.reading.as_deref().map(str::to_owned),
                })
                .collect(),
            tests: TestsOut(self, self.history.as_ref().map(History::labels)),
            iterations: self
                .iterations()
                .iter()
                .map(|i| IterationJson {
                    label: kept(&i.label).0,
                    cut: kept(&i.label).1,
                    counts: i.counts.into(),
                    durations: (i.timed.runs > 0).then_some(TimedJson { runs: i.timed.runs, total_us: i.timed.total }),
                })
                .collect(),
            anomalies: self
                .anomalies()
                .iter()
                .map(|a| AnomalyJson {
                    kind: a.kind.as_str().to_owned(),
                    location: loc(a.location),
                    test: (a.kind == AnomalyKind::MissingResult).then(|| a.text.to_string()),
                    word: (a.kind == AnomalyKind::OrphanResult).then(|| a.text.to_string()),
                })
                .collect(),
            failure_groups: self
                .failure_groups_by_size()
                .into_iter()
                .map(|g| FailureGroupJson {
                    detail: kept(&g.detail).0,
                    detail_cut: kept(&g.detail).1,
                    example: kept(&g.example).0,
                    example_cut: kept(&g.example).1,
                    count: g.count,
                    tests: g.tests.iter().map(|t| t.to_string()).collect(),
                    first: loc(g.first),
                })
                .collect(),
            duration_scheme: Some(DURATION_SCHEME.to_owned()),
            dropped_durations: self.dropped_durations(),
            builds: self
                .history
                .as_ref()
                .map(|h| h.labels().into_iter().map(|label| BuildJson { label: label.into() }).collect()),
            change_point_alpha: self.history.as_ref().map(|h| h.alpha),
        }
    }

    /// Reads a summary saved as `lra-summary/1` JSON.
    pub fn from_json(text: &str) -> Result<Summary, String> {
        let json: SummaryJson = serde_json::from_str(text).map_err(|e| format!("not a saved summary: {e}"))?;
        Summary::from_saved(json)
    }

    /// Reads a summary saved as `lra-summary/1` JSON from `reader` as it streams, so that its
    /// text is never held whole (give it a buffered reader). An error of the reader ends it.
    pub fn read_json(reader: impl std::io::Read) -> Result<Summary, String> {
        let json: SummaryJson = serde_json::from_reader(reader).map_err(|e| match e.classify() {
            serde_json::error::Category::Io => format!("{e}"),
            _ => format!("not a saved summary: {e}"),
        })?;
        Summary::from_saved(json)
    }

    fn from_saved(json: SummaryJson) -> Result<Summary, String> {
        if json.schema != SUMMARY_SCHEMA {
            return Err(format!("unsupported schema {:?}, expected {SUMMARY_SCHEMA:?}", json.schema));
        }
        // Buckets of another scheme cannot be added to ours, nor their percentiles read.
        if let Some(scheme) = json.duration_scheme.as_deref().filter(|&s| s != DURATION_SCHEME) {
            return Err(format!(
                "its durations are bucketed as {scheme:?}, and this lra buckets them as {DURATION_SCHEME:?}: \
                 summaries with different duration schemes cannot be merged"
            ));
        }
        // Texts cut at another size are other keys: the same test would be two.
        if let Some(n) = json.cut_bytes.filter(|&n| n != CUT_BYTES as u64) {
            return Err(format!(
                "its names are cut at {n} bytes, and this lra cuts them at {CUT_BYTES}: \
                 summaries cut at different sizes cannot be merged"
            ));
        }
        let markers = match &json.markers {
            None => Markers::default(),
            Some(m) => Markers::new(&m.test, &m.result, &m.iteration, m.ignore_case)
                .map_err(|e| format!("the saved markers are not valid: {e}"))?,
        };
        let mut json = json;
        check::read_cuts(&mut json).map_err(|e| format!("a saved summary whose parts do not agree: {e}"))?;
        Summary::from_agreeing(json, markers).map_err(|e| format!("a saved summary whose parts do not agree: {e}"))
    }

    /// The summary `json` holds, read by `markers`, once its parts are found to agree.
    fn from_agreeing(json: SummaryJson, markers: Markers) -> Result<Summary, String> {
        check::check(&json)?;
        let files: Vec<FileStats> = json
            .files
            .into_iter()
            .map(|f| FileStats {
                name: f.name.into(),
                bytes: f.bytes,
                totals: f.totals.counts,
                orphan_results: f.orphan_results,
                long_lines: f.long_lines,
                binary: f.binary,
                damage: f.damage.map(Into::into),
                dropped_durations: f.dropped_durations,
                from_summary: f.from_summary,
                format: f.format,
                // Words for people, from a file anyone may have written: kept short.
                reading: f.reading.map(|r| crate::base::cut::cut_string(r).into()),
            })
            .collect();
        // A location saved without its file's index names the file: the first of that name, found
        // by a map (a scan of the files for each location made loading quadratic), made only
        // when a location needs it.
        let by_name: std::cell::OnceCell<HashMap<&str, u32>> = std::cell::OnceCell::new();
        let index_of = |name: &str| {
            let map = by_name.get_or_init(|| {
                let mut map = HashMap::with_capacity(files.len());
                for (i, f) in files.iter().enumerate() {
                    map.entry(&*f.name).or_insert(i as u32);
                }
                map
            });
            map.get(name).copied()
        };
        let loc = |l: LocationJson| -> Result<Location, String> {
            let file = match l.file_index {
                Some(i) if (i as usize) < files.len() => i,
                Some(i) => {
                    return Err(format!("location names file #{i}, but there are {}", files.len()));
                }
                None => index_of(&l.file).ok_or_else(|| format!("location names unknown file {:?}", l.file))?,
            };
            if l.line == 0 || l.offset.is_some_and(|o| o >= files[file as usize].bytes) {
                let at = l.offset.map_or(String::new(), |o| format!(" (byte {o})"));
                return Err(format!("location {:?}:{}{at} is not a line of that file", l.file, l.line));
            }
            Ok(Location { file, line: l.line, offset: l.offset })
        };
        let mut tables = Tables::default();
        // Iterations first: the tests' cells refer to them by index.
        let iterations: Vec<u32> = json
            .iterations
            .into_iter()
            .map(|it| {
                let i = tables.iteration(&it.label);
                tables.iterations[i as usize].counts.add_all(&it.counts.counts);
                if let Some(t) = &it.durations {
                    tables.iterations[i as usize].timed.add_all(Timed { runs: t.runs, total: t.total_us });
                }
                i
            })
            .collect();
        let breaks = breaks_of(&iterations);
        let builds = json.builds.as_ref().map_or(0, Vec::len);
        let mut by_build: Vec<(usize, Vec<Span>)> = Vec::new();
        for t in json.tests {
            let i = tables.test(&t.name) as usize;
            if let Some(cells) = &t.by_build {
                if json.builds.is_none() {
                    return Err(format!("test {:?} has runs by build, and the summary lists no builds", t.name));
                }
                let mut spans = Vec::with_capacity(cells.len());
                let mut sum = Cell::default();
                for &(first, len, passed, failed) in cells {
                    if first.checked_add(len).is_none_or(|end| end as usize > builds) {
                        return Err(format!("test {:?} has runs in builds past the {builds} listed", t.name));
                    }
                    let cell = Cell { passed, failed };
                    sum = sum.plus(cell.times(u64::from(len)));
                    if len > 0 && !cell.is_empty() {
                        spans.push(Span { first, len, cell });
                    }
                }
                // Every judged run belongs to one build.
                if (sum.passed, sum.failed) != (t.counts.passed, t.counts.failed) {
                    return Err(format!(
                        "test {:?}'s runs by build ({} passed, {} failed) are not its runs ({} passed, {} failed)",
                        t.name, sum.passed, sum.failed, t.counts.passed, t.counts.failed
                    ));
                }
                by_build.push((i, spans));
            } else if json.builds.is_some() && t.counts.passed + t.counts.failed > 0 {
                return Err(format!("test {:?} of a history has no runs by build", t.name));
            }
            let test = &mut tables.tests[i];
            test.counts.add_all(&t.counts);
            for (word, n) in &t.results {
                test.results.add_raw(word.as_bytes(), *n, &mut tables.words);
            }
            let first_failure = match test.first_failure() {
                Some(l) => Some(l),
                None => t.first_failure.map(loc).transpose()?,
            };
            test.set_order(
                first_failure,
                t.transitions,
                Outcome::class(t.first_outcome),
                Outcome::class(t.last_outcome),
            );
            if let Some(runs) = t.failed_runs {
                let runs = runs.runs(&files).map_err(|e| format!("test {:?}: {e}", t.name))?;
                test.append_failed_runs(&runs, Shift::files(0));
            }
            if let Some(d) = t.durations {
                let d = d.durations().map_err(|e| format!("test {:?}: {e}", t.name))?;
                test.add_durations(&d);
            }
            let mut spans = Vec::with_capacity(t.by_iteration.len());
            for (first, len, passed, failed) in t.by_iteration {
                if first.checked_add(len).is_none_or(|end| end as usize > iterations.len()) {
                    let n = iterations.len();
                    return Err(format!("test {:?} has runs in iterations past the {n} listed", t.name));
                }
                let cell = Cell { passed, failed };
                if len > 0 && !cell.is_empty() {
                    spans.push(Span { first, len, cell });
                }
            }
            test.by_iteration.merge_mapped(&spans, &iterations, &breaks);
        }
        let history = json.builds.map(|listed| {
            let mut cells = vec![IterationCells::default(); tables.tests.len()];
            for (i, spans) in by_build {
                cells[i].merge(&canonical(spans));
            }
            History {
                builds: listed.into_iter().map(|b| b.label.into()).collect(),
                cells,
                alpha: json.change_point_alpha.unwrap_or(DEFAULT_ALPHA),
            }
        });
        for g in json.failure_groups {
            tables.add_failure_group(FailureGroup {
                detail: g.detail.into(),
                example: g.example.into(),
                count: g.count,
                tests: g.tests.into_iter().map(Into::into).collect(),
                first: loc(g.first)?,
            });
        }
        tables.sort_failure_groups();
        for a in json.anomalies {
            let kind = match a.kind.as_str() {
                "orphan_result" => AnomalyKind::OrphanResult,
                "missing_result" => AnomalyKind::MissingResult,
                "long_line" => AnomalyKind::LongLine,
                other => return Err(format!("unknown anomaly kind {other:?}")),
            };
            let text = a.test.or(a.word).unwrap_or_default().into();
            tables.anomaly(kind, loc(a.location)?, text);
        }
        Ok(Summary { name_mode: json.name_mode, markers, files, tables, history })
    }
}
