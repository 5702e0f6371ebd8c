//! The summary the worker keeps for the page, and the answers to the page's requests.

use std::io::Write;

use lra_core::{GenOptions, Summary, generate};
use lra_protocol::{Column, Export, Reading, Reply, Request, TestsPage, TestsQuery};

use crate::batch::{Batch, Purpose};
use crate::{charts, report, rows, suites};

/// The tests table's order for one filter and sort, kept until the summary changes, so that
/// paging through a million tests sorts them once.
struct Order {
    filter: String,
    sort: Column,
    descending: bool,
    tests: Vec<u32>,
}

/// The page's summary and baseline, and the answers to what the page asks of them.
pub struct Session {
    summary: Option<Summary>,
    baseline: Option<Summary>,
    order: Option<Order>,
    /// Large slices are parsed on the thread pool.
    parallel: bool,
}

impl Session {
    /// An empty page; `parallel`: the engine has a thread pool to parse on.
    pub fn new(parallel: bool) -> Session {
        Session { summary: None, baseline: None, order: None, parallel }
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

    /// Adds what `batch` read, which took `seconds`; the answer to its request.
    pub fn finish(&mut self, mut batch: Batch, seconds: f64) -> Reply {
        // A file still open ends here.
        batch.end_file();
        let Batch { purpose, options, reading, members, logs, saved, mut problems, .. } = batch;
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
        if logs > 0 {
            let read = members.into_summary();
            match &mut self.summary {
                None => self.summary = Some(read),
                Some(current) => {
                    if let Err(e) = current.merge(read) {
                        problems.push(format!("the files analysed: {e}: change the settings to match"));
                    }
                }
            }
        }
        self.order = None;
        Reply::Analyzed { problems, adopted, seconds, parsers: 1 }
    }

    /// Answers a request that comes without files. What an export or a sample makes is written
    /// to `out`, and the reply names it.
    pub fn answer(&mut self, request: Request, out: &mut dyn Write) -> Reply {
        let s = self.summary.as_ref();
        match request {
            Request::Clear => {
                self.summary = None;
                self.order = None;
                Reply::Done
            }
            Request::SummaryAsBaseline => {
                self.baseline = self.summary.take();
                self.order = None;
                Reply::Done
            }
            Request::Overview => Reply::Overview(s.map(rows::overview)),
            Request::Tests(q) => Reply::Tests(self.tests_page(&q)),
            Request::Test { name } => Reply::Test(s.and_then(|s| rows::test_detail(s, &name))),
            Request::Flaky => Reply::Flaky(s.map(rows::flaky).unwrap_or_default()),
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

fn export_to(s: &Summary, export: &Export, out: &mut dyn Write) -> std::io::Result<()> {
    match export {
        // Ended by a newline, as a text file is, and as `lra summarize --format json` writes it.
        Export::Json { pretty } => s.write_json(&mut *out, *pretty).and_then(|()| out.write_all(b"\n")),
        Export::Csv => s.write_csv(&mut &mut *out),
        Export::Report { echarts } => out.write_all(report::build(s, echarts).as_bytes()),
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
