//! The summary the worker keeps for the page, and the answers to the page's requests.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
use std::rc::Rc;

use lra_core::{GenOptions, Options, Summary, generate};
use lra_protocol::{
    Column, Export, HistoryQuery, HistoryWindow, LinesQuery, Place, Reading, Reply, Request, RunAt, TestsPage,
    TestsQuery, ViewerLines,
};

use lra_input::{Decoded, Origin};

use crate::batch::{Batch, Purpose, file_name};
use crate::lines::{Anchor, LineIndex, Source, search, window};
use crate::rescan::{RESCAN_BUDGET, Rescan, next_failed_run};
use crate::rows::runs_of;
use crate::{charts, history, report, rows, suites};

/// A file of the summary as the run viewer reads it: its bytes, when the page gave them (the
/// file itself, or what holds it), and its known line starts.
struct FileLines {
    source: Option<Rc<dyn Source>>,
    /// The same bytes, when they are a compressed file's or an archive member's, decoded from
    /// the input's start.
    decoder: Option<Rc<Decoded>>,
    index: LineIndex,
}

/// Compressed bytes one request decodes, at most, to reach the lines asked for: a long way into
/// a large archive takes several requests, each answered with its progress.
const DECODE_BUDGET: u64 = 8 << 20;

/// The tests table's order for one filter and sort, kept until the summary changes, so that
/// paging through a million tests sorts them once.
struct Order {
    filter: String,
    sort: Column,
    descending: bool,
    tests: Vec<u32>,
}

/// The History view's order of the tests for one filter, kept until the summary changes.
struct HistoryOrder {
    filter: String,
    tests: Vec<u32>,
}

/// The page's summary and baseline, and the answers to what the page asks of them.
pub struct Session {
    summary: Option<Summary>,
    baseline: Option<Summary>,
    order: Option<Order>,
    history_order: Option<HistoryOrder>,
    /// One per build of the history: the files the page gave for it, whose lines the run viewer
    /// reads (`None`: a saved summary's build).
    build_files: Vec<Option<Range<u32>>>,
    /// One per file of the summary, in its order.
    files: Vec<FileLines>,
    /// Large slices are parsed on the thread pool.
    parallel: bool,
}

impl Session {
    /// An empty page; `parallel`: the engine has a thread pool to parse on.
    pub fn new(parallel: bool) -> Session {
        Session {
            summary: None,
            baseline: None,
            order: None,
            history_order: None,
            build_files: Vec::new(),
            files: Vec::new(),
            parallel,
        }
    }

    /// Whether the page has a summary.
    pub fn has_summary(&self) -> bool {
        self.summary.is_some()
    }

    /// Starts reading the files of `request`, which must be [`Request::Analyze`] or
    /// [`Request::Baseline`].
    pub fn begin(&self, request: &Request) -> Result<Batch, String> {
        match request {
            Request::Analyze { names, reading, adopt } => {
                Batch::new(Purpose::Add { adopt: *adopt }, names.clone(), reading, self.parallel)
            }
            Request::Baseline { name } => {
                Batch::new(Purpose::Baseline, vec![name.clone()], &Reading::default(), self.parallel)
            }
            other => Err(format!("{other:?} comes without files")),
        }
    }

    /// Adds what `batch` read, which took `seconds`; the answer to its request. `given`: the
    /// request's files by their index in it, for the run viewer to read again.
    pub fn finish(&mut self, mut batch: Batch, seconds: f64, given: BTreeMap<usize, Rc<dyn Source>>) -> Reply {
        // A file still open ends here.
        batch.end_file();
        let read = batch.take_read();
        let Batch { purpose, options, reading, names, saved, mut problems, .. } = batch;
        let before = self.summary.as_ref().map_or(0, |s| s.files.len());
        if let Purpose::Baseline = purpose {
            return match saved.into_iter().next() {
                Some((_, s)) => {
                    self.baseline = Some(s);
                    Reply::Done
                }
                None => Reply::Failed { message: problems.join("; ") },
            };
        }
        let adopt = matches!(purpose, Purpose::Add { adopt: true });
        let mut adopted = None;
        for (name, s) in saved {
            match &mut self.summary {
                // On an empty page, the saved summary's way of reading becomes the page's.
                None if adopt => {
                    adopted = Some(Reading { name_mode: s.name_mode, markers: (&s.markers).into(), ..reading.clone() });
                    self.summary = Some(s);
                }
                None => match Summary::empty_for(&options).can_merge(&s) {
                    Ok(()) => self.summary = Some(s),
                    Err(e) => problems.push(format!("{name} was left out: {e}")),
                },
                Some(current) => {
                    if let Err(e) = current.merge(s) {
                        problems.push(format!("{name}: {e}: change the settings to match and give it again"));
                    }
                }
            }
        }
        let mut origins = Vec::new();
        let mut parts = Vec::new();
        let builds_before = self.builds().len();
        let files_before = self.summary.as_ref().map_or(0, |s| s.files.len());
        if let Some(read) = read {
            match &mut self.summary {
                None => {
                    self.summary = Some(read.summary);
                    (origins, parts) = (read.origins, read.parts);
                }
                Some(current) => match current.merge(read.summary) {
                    Ok(()) => (origins, parts) = (read.origins, read.parts),
                    Err(e) => problems.push(format!("the files analysed: {e}: change the settings to match")),
                },
            }
        }
        self.add_builds(builds_before, files_before as u32, &parts);
        self.add_files(before, origins, &names, &given);
        self.forget_orders();
        Reply::Analyzed { problems, adopted, seconds, parsers: 1 }
    }

    /// Answers a request that comes without files. What an export or a sample makes is written
    /// to `out`, and the reply names it.
    pub fn answer(&mut self, request: Request, out: &mut dyn Write) -> Reply {
        let s = self.summary.as_ref();
        match request {
            Request::Clear => {
                self.summary = None;
                self.build_files.clear();
                self.forget_orders();
                self.files.clear();
                Reply::Done
            }
            Request::SummaryAsBaseline => {
                self.baseline = self.summary.take();
                self.build_files.clear();
                self.forget_orders();
                self.files.clear();
                Reply::Done
            }
            Request::Lines(q) => self.lines(&q),
            Request::Search { file, from, text, forward } => self.search(file, from, &text, forward),
            Request::NextRun { test, file, after } => self.next_run(&test, file, after),
            Request::NextFailure { place, forward } => {
                Reply::NextFailure(s.and_then(|s| next_failure(s, &place, forward)))
            }
            Request::Overview => Reply::Overview(s.map(rows::overview)),
            Request::Files(q) => Reply::Files(s.map(|s| rows::files_page(s, &q)).unwrap_or_default()),
            Request::FileNamed { name } => {
                Reply::FileNamed(s.and_then(|s| s.files.iter().position(|f| *f.name == name)).map(|k| k as u32))
            }
            Request::Tests(q) => Reply::Tests(self.tests_page(&q)),
            Request::History(q) => Reply::History(self.history_window(&q)),
            Request::Test { name } => Reply::Test(s.and_then(|s| rows::test_detail(s, &name))),
            Request::Flaky => Reply::Flaky(s.map(rows::flaky).unwrap_or_default()),
            Request::Slowest => Reply::Slowest(s.map(rows::slowest).unwrap_or_default()),
            Request::Failures => Reply::Failures(s.map(rows::failures).unwrap_or_default()),
            Request::Charts => Reply::Charts(s.map(|s| Box::new(charts::chart_set(s)))),
            Request::Heatmap => Reply::Heatmap(s.map(|s| Box::new(charts::heatmap_set(s)))),
            Request::Suites { path } => Reply::Suites(s.map(|s| suites::level(s, &path)).unwrap_or_default()),
            Request::Compare => Reply::Compare(rows::comparison(self.baseline.as_ref(), s)),
            Request::Export(export) => match s {
                Some(s) => written(export_to(s, &export, out), &export),
                None => Reply::Failed { message: "there is nothing to export yet: give a log first".to_owned() },
            },
            Request::Sample { iterations, tests, seed } => {
                let options = GenOptions {
                    iterations: iterations.into(),
                    tests: tests.into(),
                    fail_rate: 0.15,
                    flaky: (tests / 8).max(1).into(),
                    seed: seed.into(),
                    ..GenOptions::default()
                };
                match generate(options, &mut &mut *out) {
                    Ok(()) => Reply::File { name: "sample.log".to_owned(), mime: "text/plain".to_owned() },
                    Err(e) => Reply::Failed { message: format!("could not make the sample: {e}") },
                }
            }
            request @ (Request::Analyze { .. } | Request::Baseline { .. }) => {
                Reply::Failed { message: format!("{request:?} comes without its files") }
            }
        }
    }

    /// The history's builds, if the summary is one.
    fn builds(&self) -> &[Box<str>] {
        self.summary.as_ref().and_then(Summary::history).map_or(&[], |h| &h.builds)
    }

    /// Keeps, for each build the history gained past its first `before`, the files the page
    /// gave for it: the `parts` of a batch of builds ([`crate::batch::Read`]) from file
    /// `first_file` on, in order; a build of a saved summary has none to read.
    fn add_builds(&mut self, before: usize, first_file: u32, parts: &[(u32, u32, bool)]) {
        self.build_files.truncate(before);
        self.build_files.resize(before, None);
        let mut file = first_file;
        for &(files, builds, logs) in parts {
            match logs {
                true => self.build_files.push(Some(file..file + files)),
                false => self.build_files.extend((0..builds).map(|_| None)),
            }
            file += files;
        }
        let all = self.builds().len();
        self.build_files.resize(all, None);
    }

    /// Keeps, for each file the summary gained past its first `before`, its bytes and its known
    /// line starts. The logs just read (the last of the new files) have `origins`: a file that is
    /// a plain input is read from it as it is, a member is decoded from its input (called as in
    /// `names`) when read; each is read from the input of its origin's index in `given`, and
    /// starts with its checkpoints. The files of saved summaries have no origin and no bytes.
    /// Every location the summary holds is a known line start too.
    fn add_files(
        &mut self,
        before: usize,
        origins: Vec<Origin>,
        names: &[String],
        given: &BTreeMap<usize, Rc<dyn Source>>,
    ) {
        let Some(s) = &self.summary else { return };
        let new = s.files.len() - before;
        let first_log = s.files.len() - origins.len().min(new);
        for _ in before..first_log {
            self.files.push(FileLines { source: None, decoder: None, index: LineIndex::new(Vec::new()) });
        }
        for (f, origin) in s.files[first_log..].iter().zip(origins) {
            let (source, decoder): (Option<Rc<dyn Source>>, Option<Rc<Decoded>>) =
                match (given.get(&origin.input), origin.member) {
                    (None, _) => (None, None),
                    (Some(input), None) => (Some(Rc::clone(input)), None),
                    (Some(input), Some(member)) => {
                        let decoded = Rc::new(Decoded::new(
                            Rc::clone(input),
                            file_name(names, origin.input),
                            member.name,
                            member.nth,
                            f.bytes,
                        ));
                        (Some(Rc::clone(&decoded) as Rc<dyn Source>), Some(decoded))
                    }
                };
            self.files.push(FileLines { source, decoder, index: LineIndex::new(origin.checkpoints) });
        }
        self.files.truncate(s.files.len());
        // Every location is a known line start too.
        let mut known = |l: lra_core::Location| {
            if let (Some(f), Some(offset)) = (self.files.get_mut(l.file as usize), l.offset) {
                f.index.insert(offset, l.line - 1);
            }
        };
        for t in s.tests() {
            if let Some(l) = t.first_failure() {
                known(l);
            }
        }
        for a in s.anomalies() {
            known(a.location);
        }
    }

    /// The lines the viewer asked for.
    fn lines(&mut self, q: &LinesQuery) -> Reply {
        let Some(s) = &self.summary else { return Reply::Failed { message: "there is no summary yet".to_owned() } };
        let Some(stats) = s.files.get(q.at.file as usize) else {
            return Reply::Failed { message: format!("there is no file #{}", q.at.file) };
        };
        let Some(f) = self.files.get_mut(q.at.file as usize) else {
            return Reply::Failed { message: format!("there is no file #{}", q.at.file) };
        };
        let Some(source) = &f.source else { return Reply::Failed { message: unreadable(&stats.name) } };
        let anchor = match (q.at.offset, q.at.line) {
            (Some(o), _) => Anchor::Offset(o),
            (None, Some(n)) => Anchor::Line(n.max(1)),
            (None, None) => Anchor::Offset(0),
        };
        // A decoded file is decoded up to the place a share at a time, each answered with its
        // progress, so that the page shows it and can stop.
        if let Some(decoder) = &f.decoder {
            let to = match anchor {
                Anchor::Offset(o) => o,
                Anchor::Line(n) => f.index.known_before_line(n),
            };
            match decoder.advance(to, DECODE_BUDGET) {
                Ok(None) => {}
                Ok(Some((done, size))) => return Reply::Decoding { file: q.at.file, done, size },
                Err(message) => return Reply::Failed { message: format!("{}: {message}", stats.name) },
            }
        }
        let window = match window(&**source, &mut f.index, anchor, q.before as usize, q.after as usize) {
            Ok(w) => w,
            Err(message) => return Reply::Failed { message: format!("{}: {message}", stats.name) },
        };
        let at = window.lines.get(window.anchor as usize).map_or(0, |l| l.offset);
        // The test asked for, or the one whose kept failed run holds the line.
        let test = match &q.test {
            Some(name) => s.tests().iter().find(|t| *t.name == **name),
            None => s.tests().iter().find(|t| runs_of(t).iter().any(|r| r.holds(q.at.file, at))),
        };
        Reply::Lines(Box::new(ViewerLines {
            file: q.at.file,
            name: stats.name.to_string(),
            window,
            test: test.map(|t| t.name.to_string()),
            runs: test.map(runs_of).unwrap_or_default(),
            seen: test.map_or(0, |t| t.failed_runs().seen()),
            decoded: f.decoder.is_some(),
        }))
    }

    fn search(&self, file: u32, from: u64, text: &str, forward: bool) -> Reply {
        let name = self.summary.as_ref().and_then(|s| s.files.get(file as usize)).map_or("", |f| &*f.name);
        let Some(source) = self.files.get(file as usize).and_then(|f| f.source.as_deref()) else {
            return Reply::Failed { message: unreadable(name) };
        };
        match search(source, from, text.as_bytes(), forward) {
            Ok(Ok(offset)) => Reply::Found { offset, next: from, done: true },
            Ok(Err(next)) => Reply::Found { offset: None, next, done: false },
            Err(message) => Reply::Failed { message: format!("{name}: {message}") },
        }
    }

    fn next_run(&self, test: &str, file: u32, after: u64) -> Reply {
        let Some(s) = &self.summary else { return Reply::Failed { message: "there is no summary yet".to_owned() } };
        let Some(stats) = s.files.get(file as usize) else {
            return Reply::Failed { message: format!("there is no file #{file}") };
        };
        let Some(source) = self.files.get(file as usize).and_then(|f| f.source.as_deref()) else {
            return Reply::Failed { message: unreadable(&stats.name) };
        };
        let options = Options {
            name_mode: s.name_mode,
            markers: s.markers.clone(),
            format: Some(stats.format),
            ..Options::default()
        };
        match next_failed_run(source, &options, test, after, RESCAN_BUDGET) {
            Ok(Rescan::Found { opened, closed }) => {
                Reply::NextRun { run: Some(RunAt { file, opened, closed }), next: closed, done: true }
            }
            Ok(Rescan::GoOn(next)) => Reply::NextRun { run: None, next, done: false },
            Ok(Rescan::Done) => Reply::NextRun { run: None, next: after, done: true },
            Err(message) => Reply::Failed { message: format!("{}: {message}", stats.name) },
        }
    }

    fn tests_page(&mut self, q: &TestsQuery) -> TestsPage {
        let Some(s) = &self.summary else {
            return TestsPage { matching: 0, page: 0, pages: 1, rows: Vec::new() };
        };
        let fresh = self
            .order
            .as_ref()
            .is_some_and(|o| o.filter == q.filter && o.sort == q.sort && o.descending == q.descending);
        if !fresh {
            let tests = rows::order(s, q);
            self.order = Some(Order { filter: q.filter.clone(), sort: q.sort, descending: q.descending, tests });
        }
        let order = self.order.as_ref().map_or(&[][..], |o| &o.tests);
        rows::tests_page(s, order, q)
    }
}

impl Session {
    /// The orders made for the summary, forgotten when it changes.
    fn forget_orders(&mut self) {
        self.order = None;
        self.history_order = None;
    }

    /// The window of the History view's grid the page asked for.
    fn history_window(&mut self, q: &HistoryQuery) -> HistoryWindow {
        let Some(s) = &self.summary else { return HistoryWindow::default() };
        if self.history_order.as_ref().is_none_or(|o| o.filter != q.filter) {
            self.history_order = Some(HistoryOrder { filter: q.filter.clone(), tests: history::order(s, &q.filter) });
        }
        let order = self.history_order.as_ref().map_or(&[][..], |o| &o.tests);
        history::window(s, order, &self.build_files, q)
    }
}

/// Why the viewer cannot show the lines of the file called `name`.
fn unreadable(name: &str) -> String {
    format!(
        "{name} cannot be shown: its lines are read from the file itself, which this page was not given \
         (it came from a saved summary, or the page was reloaded: give the file again)"
    )
}

/// The nearest kept failed run of any test after (`forward`) or before `place`, by its result
/// line.
fn next_failure(s: &Summary, place: &Place, forward: bool) -> Option<(String, RunAt)> {
    let here = (place.file, place.offset.unwrap_or(0));
    let mut best: Option<(String, RunAt)> = None;
    for t in s.tests() {
        for r in runs_of(t) {
            let key = (r.file, r.closed);
            let beyond = if forward { key > here } else { key < here };
            let better = best
                .as_ref()
                .is_none_or(|(_, b)| if forward { key < (b.file, b.closed) } else { key > (b.file, b.closed) });
            if beyond && better {
                best = Some((t.name.to_string(), r));
            }
        }
    }
    best
}

fn export_to(s: &Summary, export: &Export, out: &mut dyn Write) -> std::io::Result<()> {
    match export {
        // Ended by a newline, as a text file is, and as `lra summarize --format json` writes it.
        Export::Json { pretty } => s.write_json(&mut *out, *pretty).and_then(|()| out.write_all(b"\n")),
        Export::Csv => s.write_csv(&mut &mut *out),
        Export::Report { echarts } => out.write_all(report::report_html(s, echarts).as_bytes()),
    }
}

fn written(result: std::io::Result<()>, export: &Export) -> Reply {
    let (name, mime) = match export {
        Export::Json { .. } => ("lra-summary.json", "application/json"),
        Export::Csv => ("lra-summary.csv", "text/csv"),
        Export::Report { .. } => ("lra-report.html", "text/html"),
    };
    match result {
        Ok(()) => Reply::File { name: name.to_owned(), mime: mime.to_owned() },
        Err(e) => Reply::Failed { message: format!("could not write {name}: {e}") },
    }
}
