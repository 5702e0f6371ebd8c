//! The engine worker's answers, natively: what the page is shown of a summary it never holds.

use lra_core::{FileParser, NameMode, Options, Summary};
use lra_protocol::{Column, Export, FilesQuery, Reading, Reply, Request, TestsQuery};
use lra_session::Session;
use lra_session::lines::Source;
use std::rc::Rc;

mod history;
mod pool;
mod viewer;

/// Reads `files` ([name, text]) into the session as one request, each fed in slices of `slice`.
pub(crate) fn analyze(session: &mut Session, files: &[(&str, &str)], reading: Reading, slice: usize) -> Reply {
    let names = files.iter().map(|(n, _)| n.to_string()).collect();
    let mut batch = session.begin(&Request::Analyze { names, reading, adopt: true }).unwrap();
    for (i, (_, text)) in files.iter().enumerate() {
        batch.begin_file(i);
        for piece in text.as_bytes().chunks(slice) {
            batch.feed(piece);
        }
        batch.end_file();
    }
    // The page's files, for the viewer to read again.
    let given =
        files.iter().enumerate().map(|(i, (_, t))| (i, Rc::new(t.as_bytes().to_vec()) as Rc<dyn Source>)).collect();
    session.finish(batch, 0.0, given)
}

pub(crate) fn ask(session: &mut Session, request: Request) -> (Reply, Vec<u8>) {
    let mut out = Vec::new();
    let reply = session.answer(request, &mut out);
    (reply, out)
}

fn page(
    session: &mut Session,
    filter: &str,
    sort: Column,
    descending: bool,
    page: u32,
    size: u32,
) -> lra_protocol::TestsPage {
    let q = TestsQuery { filter: filter.into(), sort, descending, page, page_size: size };
    match ask(session, Request::Tests(q)).0 {
        Reply::Tests(t) => t,
        other => panic!("{other:?}"),
    }
}

/// 250 tests `case-000`… in one iteration; every seventh fails.
fn many_tests() -> String {
    let mut log = String::from("Iteration 1\n");
    for i in 0..250 {
        let word = if i % 7 == 0 { "FAIL" } else { "PASS" };
        log.push_str(&format!("Test: case-{i:03}\nResult: {word}\n"));
    }
    log
}

#[test]
fn the_overview_counts_what_the_log_holds() {
    let mut s = Session::new(false);
    assert!(matches!(ask(&mut s, Request::Overview).0, Reply::Overview(None)), "nothing given yet");
    let log = "Iteration 1\nTest: a\nResult: PASS\nTest: b\nResult: FAIL boom\nResult: PASS\nTest: never\n";
    let reply = analyze(&mut s, &[("one.log", log), ("two.log", "Test: a\r\nResult: SKIP")], Reading::default(), 3);
    assert!(matches!(reply, Reply::Analyzed { ref problems, adopted: None, .. } if problems.is_empty()), "{reply:?}");
    let Reply::Overview(Some(o)) = ask(&mut s, Request::Overview).0 else { panic!() };
    assert_eq!((o.files, o.tests, o.iterations), (2, 3, 1));
    assert_eq!((o.totals.passed, o.totals.failed, o.totals.skipped, o.totals.missing), (1, 1, 1, 1));
    assert_eq!(o.orphan_results, 1);
    assert_eq!(o.anomaly_count, 2);
    let place = lra_protocol::Place {
        file: 0,
        line: Some(6),
        offset: Some(log.find("Result: PASS\nTest: never").unwrap() as u64),
    };
    assert_eq!(o.anomalies[0], ("one.log:6".to_owned(), "Result: PASS with no open test".to_owned(), Some(place)));
    let Reply::Files(files) = ask(&mut s, Request::Files(FilesQuery { first: 0, count: 50 })).0 else { panic!() };
    assert_eq!(files.rows.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["one.log", "two.log"]);
}

/// The files table asks for a page of files: the overview no longer carries a row per file
/// (500 of them took a long task of the page to read).
#[test]
fn the_files_table_is_paged_in_the_worker_and_a_file_is_found_by_name() {
    let mut s = Session::new(false);
    let names: Vec<String> = (0..7).map(|k| format!("f{k}.log")).collect();
    let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "Test: a\nResult: PASS\n")).collect();
    analyze(&mut s, &files, Reading::default(), 4096);
    let mut page = |first, count| {
        let Reply::Files(p) = ask(&mut s, Request::Files(FilesQuery { first, count })).0 else { panic!() };
        (p.first, p.rows.into_iter().map(|f| f.name).collect::<Vec<_>>())
    };
    assert_eq!(page(0, 3), (0, vec!["f0.log".to_owned(), "f1.log".into(), "f2.log".into()]));
    assert_eq!(page(6, 3), (6, vec!["f6.log".to_owned()]));
    // Past the end: the last page of that size.
    assert_eq!(page(9, 3), (6, vec!["f6.log".to_owned()]));
    assert_eq!(page(7, 7), (7 - 7, names.clone()));
    let named = |s: &mut Session, name: &str| match ask(s, Request::FileNamed { name: name.into() }).0 {
        Reply::FileNamed(k) => k,
        other => panic!("{other:?}"),
    };
    assert_eq!(named(&mut s, "f4.log"), Some(4));
    assert_eq!(named(&mut s, "f9.log"), None);
}

#[test]
fn the_tests_table_is_filtered_sorted_and_paged_in_the_worker() {
    let mut s = Session::new(false);
    analyze(&mut s, &[("many.log", &many_tests())], Reading::default(), 4096);
    // Failures first: the 36 failing tests (0, 7, … 245), in order of appearance among equals.
    let t = page(&mut s, "", Column::Failed, true, 0, 10);
    assert_eq!((t.matching, t.page, t.pages), (250, 0, 25));
    let expected: Vec<String> = (0..250).filter(|i| i % 7 == 0).take(10).map(|i| format!("case-{i:03}")).collect();
    assert_eq!(t.rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>(), expected);
    assert_eq!(t.rows[0].first_failure.as_deref(), Some("many.log:3"));
    // Filtered by "4" (any case), by name Z to A, second page of 7.
    let mut names: Vec<String> = (0..250).map(|i| format!("case-{i:03}")).filter(|n| n.contains('4')).collect();
    names.reverse();
    let t = page(&mut s, "CASE-0", Column::Name, true, 0, 1000);
    assert_eq!(t.matching, 100);
    let t = page(&mut s, "4", Column::Name, true, 1, 7);
    assert_eq!(t.matching, names.len() as u64);
    assert_eq!(t.rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>(), names[7..14]);
    // Past the last page: the last page.
    let t = page(&mut s, "4", Column::Name, true, 99, 7);
    assert_eq!(t.page as usize, names.len().div_ceil(7) - 1);
    assert_eq!(t.rows.last().unwrap().name, names[names.len() - 1]);
    // Nothing matches: one empty page.
    let t = page(&mut s, "no such test", Column::Name, false, 0, 7);
    assert_eq!((t.matching, t.pages, t.rows.len()), (0, 1, 0));
}

#[test]
fn a_new_batch_changes_the_order_asked_again() {
    let mut s = Session::new(false);
    analyze(&mut s, &[("a.log", "Test: x\nResult: PASS\n")], Reading::default(), 64);
    assert_eq!(page(&mut s, "", Column::Failed, true, 0, 10).rows[0].name, "x");
    analyze(&mut s, &[("b.log", "Test: y\nResult: FAIL\n")], Reading::default(), 64);
    let t = page(&mut s, "", Column::Failed, true, 0, 10);
    assert_eq!(t.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["y", "x"], "the cached order is stale");
}

#[test]
fn one_test_in_full() {
    let mut s = Session::new(false);
    let log = "Test: t\nResult: PASS\nTest: t\nResult: FAIL\nTest: t\nResult: PASS\n";
    analyze(&mut s, &[("t.log", log)], Reading::default(), 5);
    let Reply::Test(Some(t)) = ask(&mut s, Request::Test { name: "t".into() }).0 else { panic!() };
    assert_eq!(t.transitions, 2);
    assert_eq!(t.row.first_failure.as_deref(), Some("t.log:4"));
    assert_eq!(t.words, [("FAIL".to_owned(), 1), ("PASS".to_owned(), 2)], "by word");
    assert!(matches!(ask(&mut s, Request::Test { name: "nope".into() }).0, Reply::Test(None)));
}

#[test]
fn a_tests_strip_has_its_runs_per_iteration_summed_past_three_hundred() {
    let mut s = Session::new(false);
    let log = "Iteration a\nTest: t\nResult: PASS\nIteration b\nTest: u\nResult: PASS\nIteration c\nTest: t\nResult: FAIL\nTest: t\nResult: PASS\n";
    analyze(&mut s, &[("s.log", log)], Reading::default(), 4);
    let Reply::Test(Some(t)) = ask(&mut s, Request::Test { name: "t".into() }).0 else { panic!() };
    let cells: Vec<(&str, u64, u64)> = t.strip.iter().map(|c| (c.label.as_str(), c.passed, c.failed)).collect();
    assert_eq!(cells, [("a", 1, 0), ("b", 0, 0), ("c", 1, 1)]);
    // 1,000 iterations: 300 cells at most, neighbours summed, every run still counted.
    let mut log = String::new();
    for i in 1..=1000 {
        log.push_str(&format!("Iteration {i}\nTest: t\nResult: {}\n", if i % 3 == 0 { "FAIL" } else { "PASS" }));
    }
    let mut s = Session::new(false);
    analyze(&mut s, &[("m.log", &log)], Reading::default(), 4096);
    let Reply::Test(Some(t)) = ask(&mut s, Request::Test { name: "t".into() }).0 else { panic!() };
    assert!(t.strip.len() <= 300 && t.strip.len() > 100, "{}", t.strip.len());
    assert_eq!(t.strip[0].label, "1–4");
    assert_eq!(t.strip.iter().map(|c| c.passed + c.failed).sum::<u64>(), 1000);
    assert_eq!(t.strip.iter().map(|c| c.failed).sum::<u64>(), 333);
}

#[test]
fn flaky_tests_and_failure_reasons() {
    let mut s = Session::new(false);
    let log = "Iteration 1\nTest: wobbly\nResult: PASS\nTest: broken\nResult: FAIL expected 3 got 4\n\
               Iteration 2\nTest: wobbly\nResult: FAIL timeout\nTest: broken\nResult: FAIL expected 10 got 7\n";
    analyze(&mut s, &[("f.log", log)], Reading::default(), 9);
    let Reply::Flaky(f) = ask(&mut s, Request::Flaky).0 else { panic!() };
    assert_eq!((f.total, f.rows[0].name.as_str(), f.rows[0].transitions), (1, "wobbly", 1));
    let Reply::Failures(g) = ask(&mut s, Request::Failures).0 else { panic!() };
    assert_eq!(g.total, 2);
    assert_eq!((g.rows[0].example.as_str(), g.rows[0].count), ("expected 3 got 4", 2));
    assert_eq!(g.rows[0].tests, ["broken"]);
    assert_eq!(g.rows[1].example, "timeout");
    let Reply::Charts(Some(c)) = ask(&mut s, Request::Charts).0 else { panic!() };
    assert_eq!(c.iteration_rows, [("1".to_owned(), 2, Some(0.5)), ("2".to_owned(), 2, Some(0.0))]);
    let Reply::Heatmap(Some(h)) = ask(&mut s, Request::Heatmap).0 else { panic!() };
    assert!(h.chart.is_some() && h.why_none.is_none());
    // Cells are coloured by their failure ratio, their third value, not by the last.
    let (option, rest) = h.chart.as_ref().unwrap();
    let option: serde_json::Value = serde_json::from_str(option.get()).unwrap();
    let rest: serde_json::Value = serde_json::from_str(rest.get()).unwrap();
    assert_eq!(option["visualMap"][0]["dimension"], 2);
    let wobbly_first = &rest["series"][0]["data"][0];
    assert_eq!((wobbly_first[2].as_f64(), wobbly_first[4].as_u64()), (Some(0.0), Some(1)), "{wobbly_first}");
    assert_eq!(h.rows[0].test, "wobbly", "flaky tests first");
    // Each row opens its test's first failure in the viewer.
    let first = h.rows[0].first.as_ref().expect("wobbly failed");
    assert_eq!(first.1.file, 0);
    assert!(first.0.ends_with(&format!(":{}", first.1.line.unwrap())), "{first:?}");
    // The options are JSON for ECharts.
    let tests: serde_json::Value = serde_json::from_str(c.tests.get()).unwrap();
    assert_eq!(tests["series"][1]["data"], serde_json::json!([2.0, 1.0]));
    assert_eq!(tests["dataZoom"][0]["showDataShadow"], false);
}

#[test]
fn the_pass_rate_line_marks_its_points_up_to_a_hundred_iterations() {
    let marked = |iterations: usize| {
        let log: String = (1..=iterations).map(|i| format!("Iteration {i}\nTest: t\nResult: PASS\n")).collect();
        let mut s = Session::new(false);
        analyze(&mut s, &[("f.log", &log)], Reading::default(), 4096);
        let Reply::Charts(Some(c)) = ask(&mut s, Request::Charts).0 else { panic!() };
        let line: serde_json::Value = serde_json::from_str(c.iterations.as_ref().unwrap().get()).unwrap();
        assert_eq!(line["xAxis"]["data"].as_array().map(Vec::len), Some(iterations));
        line["series"][0]["showSymbol"].as_bool()
    };
    assert_eq!(marked(3), Some(true));
    assert_eq!(marked(100), Some(true));
    // Past a hundred the marks would touch, and they lengthen the chart's one drawing task.
    assert_eq!(marked(101), Some(false));
}

#[test]
fn exports_are_the_cores_json_and_csv() {
    let log = many_tests();
    let mut s = Session::new(false);
    analyze(&mut s, &[("many.log", &log)], Reading::default(), 1000);
    let mut core = FileParser::new("many.log", Options::default());
    core.feed(log.as_bytes());
    let core = core.finish();
    let (reply, json) = ask(&mut s, Request::Export(Export::Json { pretty: true }));
    assert!(matches!(reply, Reply::File { ref name, .. } if name == "lra-summary.json"));
    assert_eq!(String::from_utf8(json).unwrap(), core.to_json_pretty() + "\n");
    let (_, csv) = ask(&mut s, Request::Export(Export::Csv));
    assert_eq!(String::from_utf8(csv).unwrap(), core.to_csv());
    let (reply, html) = ask(&mut s, Request::Export(Export::Report { echarts: "/* echarts */".into() }));
    assert!(matches!(reply, Reply::File { ref mime, .. } if mime == "text/html"));
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("/* echarts */") && html.contains("case-249"));
    // Nothing to export on an empty page: said, not an empty file.
    assert!(matches!(ask(&mut Session::new(false), Request::Export(Export::Csv)).0, Reply::Failed { .. }));
}

#[test]
fn a_sample_is_the_seed_format() {
    let (reply, log) = ask(&mut Session::new(false), Request::Sample { iterations: 3, tests: 5, seed: 1 });
    assert!(matches!(reply, Reply::File { ref name, .. } if name == "sample.log"));
    assert!(log.starts_with(b"# Iteration 1\n# Test: "));
}

#[test]
fn saved_summaries_lend_their_reading_to_an_empty_page_only() {
    let first_word = {
        let mut p = FileParser::new("seed.log", Options::with_name_mode(NameMode::FirstWord));
        p.feed(b"# Test: Apples Test\n# Result: PASS\n");
        p.finish().to_json()
    };
    let line = {
        let mut p = FileParser::new("line.log", Options::default());
        p.feed(b"Test: Pears Test\nResult: FAIL\n");
        p.finish().to_json()
    };
    let mut s = Session::new(false);
    let Reply::Analyzed { adopted, problems, .. } =
        analyze(&mut s, &[("fw.json", &first_word)], Reading::default(), 10)
    else {
        panic!()
    };
    assert!(problems.is_empty());
    assert_eq!(adopted.map(|r| r.name_mode), Some(NameMode::FirstWord));
    let Reply::Analyzed { problems, .. } = analyze(&mut s, &[("line.json", &line)], Reading::default(), 10) else {
        panic!()
    };
    assert_eq!(
        problems,
        [
            "line.json: cannot merge a summary with line names into one with first-word names: change the settings to match and give it again"
        ]
    );
    // A .json file that is not a summary is a log like any other.
    let reading = Reading { name_mode: NameMode::FirstWord, ..Reading::default() };
    analyze(&mut s, &[("events.json", "{\"event\": 1}\nTest: json-lines x\nResult: PASS\n")], reading, 4);
    let t = page(&mut s, "", Column::Name, false, 0, 10);
    assert_eq!(t.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["Apples", "json-lines"]);
    // A saved summary is told by its content, whatever its name, fed in slices of 3 bytes.
    let more = {
        let mut p = FileParser::new("more.log", Options::with_name_mode(NameMode::FirstWord));
        p.feed(b"# Test: Figs Test\n# Result: FAIL\n");
        p.finish().to_json()
    };
    let Reply::Analyzed { problems, .. } = analyze(&mut s, &[("results.txt", &more)], Reading::default(), 3) else {
        panic!()
    };
    assert!(problems.is_empty(), "{problems:?}");
    let t = page(&mut s, "", Column::Name, false, 0, 10);
    assert_eq!(t.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["Apples", "Figs", "json-lines"]);
    // Read again another way, without adopting: left out, with the reason.
    ask(&mut s, Request::Clear);
    let names = vec!["fw.json".to_owned()];
    let mut batch = s.begin(&Request::Analyze { names, reading: Reading::default(), adopt: false }).unwrap();
    batch.begin_file(0);
    batch.feed(first_word.as_bytes());
    let Reply::Analyzed { problems, adopted, .. } = s.finish(batch, 0.0, Default::default()) else { panic!() };
    assert_eq!(adopted, None);
    assert_eq!(
        problems,
        ["fw.json was left out: cannot merge a summary with first-word names into one with line names"]
    );
    assert!(!s.has_summary());
}

#[test]
fn a_baseline_from_the_summary_or_a_saved_one() {
    let mut s = Session::new(false);
    let base = "Test: a\nResult: PASS\nTest: b\nResult: FAIL\nTest: gone\nResult: PASS\n";
    analyze(&mut s, &[("base.log", base)], Reading::default(), 7);
    ask(&mut s, Request::SummaryAsBaseline);
    assert!(!s.has_summary(), "the page starts over");
    let Reply::Compare(c) = ask(&mut s, Request::Compare).0 else { panic!() };
    assert_eq!((c.baseline, c.lists), (Some((1, 3)), None));
    analyze(
        &mut s,
        &[("now.log", "Test: a\nResult: FAIL\nTest: b\nResult: PASS\nTest: new\nResult: PASS\n")],
        Reading::default(),
        7,
    );
    let Reply::Compare(c) = ask(&mut s, Request::Compare).0 else { panic!() };
    let lists: Vec<(String, Vec<String>)> = c.lists.unwrap().into_iter().map(|l| (l.id, l.names)).collect();
    let expected = [("new-failures", "a"), ("fixed", "b"), ("new-tests", "new"), ("removed-tests", "gone")];
    for (id, name) in expected {
        assert!(lists.contains(&(id.to_owned(), vec![name.to_owned()])), "{id}: {lists:?}");
    }
    // A file that is not a saved summary is refused as a baseline, with the reason.
    let mut batch = s.begin(&Request::Baseline { name: "oops.json".into() }).unwrap();
    batch.begin_file(0);
    batch.feed(b"Test: a\n");
    assert!(
        matches!(s.finish(batch, 0.0, Default::default()), Reply::Failed { ref message } if message.starts_with("oops.json: not a saved summary"))
    );
}

#[test]
fn every_request_and_reply_reads_back_as_written() {
    // The questions about a summary, answered below too.
    let questions = [
        Request::Overview,
        Request::Flaky,
        Request::Slowest,
        Request::Failures,
        Request::Charts,
        Request::Heatmap,
        Request::Suites { path: vec!["a".into(), "b::c".into()] },
        Request::Compare,
        Request::Test { name: "case-007".into() },
    ];
    let others = [
        Request::Analyze { names: vec!["a.log".into()], reading: Reading::default(), adopt: true },
        Request::Clear,
        Request::Tests(TestsQuery {
            filter: "x".into(),
            sort: Column::PassRate,
            descending: false,
            page: 3,
            page_size: 100,
        }),
        Request::Test { name: "t \"quoted\"".into() },
        Request::Baseline { name: "b.json".into() },
        Request::SummaryAsBaseline,
        Request::Export(Export::Json { pretty: false }),
        Request::Export(Export::Csv),
        Request::Export(Export::Report { echarts: "</script>".into() }),
        Request::Sample { iterations: 1, tests: 2, seed: 3 },
    ];
    for r in questions.iter().chain(&others) {
        assert_eq!(Request::from_text(&r.to_text()).as_ref(), Ok(r));
    }
    assert!(Request::from_text("{\"type\": \"launch\"}").unwrap_err().starts_with("not a request the engine knows"));
    // Replies, from a real session: the text each is sent as reads back to the same text.
    let mut s = Session::new(false);
    let mut replies = vec![analyze(&mut s, &[("f.log", &many_tests())], Reading::default(), 100)];
    for r in questions {
        replies.push(ask(&mut s, r).0);
    }
    replies.push(page_reply(&mut s));
    replies.push(Reply::Progress { file: 1, done: 5e9, size: 6e9 });
    replies.push(Reply::Ready { build: "single".into(), threads: 1, isolated: false });
    for r in replies {
        let text = r.to_text();
        assert_eq!(Reply::from_text(&text).unwrap().to_text(), text);
    }
}

fn page_reply(s: &mut Session) -> Reply {
    ask(
        s,
        Request::Tests(TestsQuery {
            filter: String::new(),
            sort: Column::Failed,
            descending: true,
            page: 0,
            page_size: 5,
        }),
    )
    .0
}

#[test]
fn a_saved_summary_read_back_equals_the_one_saved() {
    let log = many_tests();
    let mut s = Session::new(false);
    analyze(&mut s, &[("many.log", &log)], Reading::default(), 333);
    let (_, json) = ask(&mut s, Request::Export(Export::Json { pretty: false }));
    let mut again = Session::new(false);
    analyze(&mut again, &[("saved.json", std::str::from_utf8(&json).unwrap())], Reading::default(), 1 << 20);
    let (_, json2) = ask(&mut again, Request::Export(Export::Json { pretty: false }));
    assert_eq!(
        Summary::from_json(std::str::from_utf8(&json2).unwrap()),
        Summary::from_json(std::str::from_utf8(&json).unwrap())
    );
}

fn suites(s: &mut Session, path: &[&str]) -> lra_protocol::SuiteLevel {
    let path = path.iter().map(|p| p.to_string()).collect();
    match ask(s, Request::Suites { path }).0 {
        Reply::Suites(level) => level,
        other => panic!("{other:?}"),
    }
}

#[test]
fn suites_roll_up_their_tests_counts_one_level_at_a_time() {
    let mut s = Session::new(false);
    let log = "Test: web/login\nResult: PASS\nTest: web/logout\nResult: FAIL\nTest: web/logout\nResult: PASS\n\
               Test: web\nResult: PASS\nTest: api/users/list\nResult: SKIP\nTest: test_foo.py\nResult: PASS\n";
    analyze(&mut s, &[("suites.log", log)], Reading::default(), 11);
    let top = suites(&mut s, &[]);
    assert_eq!((top.tests, top.total), (5, 3));
    /// Name, tests, passed, failed, flaky, the test it is.
    type Row<'a> = (&'a str, u64, u64, u64, u64, Option<&'a str>);
    let rows: Vec<Row> = top
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.tests, r.counts.passed, r.counts.failed, r.flaky, r.test.as_deref()))
        .collect();
    // The most failures first, then in order of first appearance; a `.` in a file name is no cut.
    assert_eq!(
        rows,
        [("web", 3, 3, 1, 1, Some("web")), ("api", 1, 0, 0, 0, None), ("test_foo.py", 1, 1, 0, 0, Some("test_foo.py"))]
    );
    let web = suites(&mut s, &["web"]);
    let names: Vec<(&str, Option<&str>)> = web.rows.iter().map(|r| (r.name.as_str(), r.test.as_deref())).collect();
    assert_eq!(names, [("logout", Some("web/logout")), ("login", Some("web/login"))]);
    assert_eq!(suites(&mut s, &["api", "users"]).rows[0].test.as_deref(), Some("api/users/list"));
    assert_eq!(suites(&mut s, &["nothing"]).total, 0);
}

#[test]
fn googletest_and_pytest_suites_are_cut_as_those_runners_name_them() {
    for (file, top) in [("gtest.log", vec![("Suite", 3), ("Flaky", 1)]), ("pytest.log", vec![("test_suite.py", 4)])] {
        let log =
            std::fs::read_to_string(format!("{}/../../tests/fixtures/runners/{file}", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        let mut s = Session::new(false);
        analyze(&mut s, &[(file, &log)], Reading::default(), 4096);
        let level = suites(&mut s, &[]);
        let mut got: Vec<(&str, u64)> = level.rows.iter().map(|r| (r.name.as_str(), r.tests)).collect();
        got.sort();
        let mut top = top;
        top.sort();
        assert_eq!(got, top, "{file}");
    }
}

/// Reads each file apart, as a parser of the page's pool does (a session of its own reading the
/// request for that file alone), and adds their parts to one batch in file order.
pub(crate) fn analyze_in_parts(
    session: &mut Session,
    files: &[(&str, &[u8])],
    reading: Reading,
    slice: usize,
) -> Reply {
    let names = files.iter().map(|(n, _)| n.to_string()).collect();
    let mut batch = session.begin(&Request::Analyze { names, reading, adopt: true }).unwrap();
    for (i, (_, bytes)) in files.iter().enumerate() {
        let mut alone = Session::new(false).begin(&batch.request_for(i)).unwrap();
        alone.begin_file(0);
        for piece in bytes.chunks(slice) {
            alone.feed(piece);
        }
        batch.add_part(i, &alone.into_part()).unwrap();
    }
    session.finish(batch, 0.0, Default::default())
}

/// The same files read by one batch, each fed in slices of `slice`.
fn analyze_bytes(session: &mut Session, files: &[(&str, &[u8])], reading: Reading, slice: usize) -> Reply {
    let names = files.iter().map(|(n, _)| n.to_string()).collect();
    let mut batch = session.begin(&Request::Analyze { names, reading, adopt: true }).unwrap();
    for (i, (_, bytes)) in files.iter().enumerate() {
        batch.begin_file(i);
        for piece in bytes.chunks(slice) {
            batch.feed(piece);
        }
        batch.end_file();
    }
    session.finish(batch, 0.0, Default::default())
}

pub(crate) fn exported_json(session: &mut Session) -> String {
    String::from_utf8(ask(session, Request::Export(Export::Json { pretty: false })).1).unwrap()
}

#[test]
fn files_read_apart_by_the_pool_give_the_summary_one_reading_gives() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let read = |path: &str| std::fs::read(fixtures.join(path)).unwrap();
    // Logs of every kind, a damaged archive, a saved summary, and a .json file that is a log.
    let saved = {
        let mut s = Session::new(false);
        analyze(&mut s, &[("saved.log", "Iteration 3\nTest: saved\nResult: FAIL old\n")], Reading::default(), 64);
        exported_json(&mut s)
    };
    let owned: Vec<(&str, Vec<u8>)> = vec![
        ("seed-sample.log", read("seed-sample.log")),
        ("messy.log", read("messy.log")),
        ("logs.tar.zst", read("archives/logs.tar.zst")),
        ("truncated.log.gz", read("archives/truncated.log.gz")),
        ("saved.json", saved.into_bytes()),
        ("not-a-summary.json", b"Test: in json\nResult: PASS\n".to_vec()),
        ("gtest.log", read("runners/gtest.log")),
        ("pytest-junit.xml", read("runners/pytest-junit.xml")),
        ("go.log", read("runners/go.log")),
    ];
    let files: Vec<(&str, &[u8])> = owned.iter().map(|(n, b)| (*n, &b[..])).collect();
    let (mut whole, mut parts) = (Session::new(false), Session::new(false));
    let one = analyze_bytes(&mut whole, &files, Reading::default(), 4096);
    let pooled = analyze_in_parts(&mut parts, &files, Reading::default(), 4096);
    let problems = |r: &Reply| match r {
        Reply::Analyzed { problems, .. } => problems.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(problems(&pooled), problems(&one));
    assert!(problems(&one).iter().any(|p| p.contains("truncated.log.gz")), "{:?}", problems(&one));
    let json = exported_json(&mut whole);
    assert!(json.contains("\"saved\"") && json.contains("in json"), "both .json files were read");
    assert_eq!(exported_json(&mut parts), json);
}

#[test]
fn a_file_whose_parser_stopped_is_left_out_with_its_name() {
    let mut s = Session::new(false);
    let names = vec!["a.log".to_owned(), "lost.log".to_owned(), "c.log".to_owned()];
    let mut batch = s.begin(&Request::Analyze { names, reading: Reading::default(), adopt: true }).unwrap();
    for (i, text) in [(0, "Test: a\nResult: PASS\n"), (2, "Test: c\nResult: FAIL\n")] {
        if i == 2 {
            batch.lose_file(1, "the parser stopped: out of memory");
        }
        let mut alone = Session::new(false).begin(&batch.request_for(i)).unwrap();
        alone.begin_file(0);
        alone.feed(text.as_bytes());
        batch.add_part(i, &alone.into_part()).unwrap();
    }
    let Reply::Analyzed { problems, .. } = s.finish(batch, 0.0, Default::default()) else { panic!() };
    assert_eq!(problems, ["lost.log was left out: the parser stopped: out of memory"]);
    let Reply::Overview(Some(o)) = ask(&mut s, Request::Overview).0 else { panic!() };
    assert_eq!((o.files, o.tests), (2, 2));
}

mod parts {
    use proptest::prelude::*;

    use super::*;

    /// Lines of the markers format, with the cases that cross files: an open test at a file's
    /// end, a result before any test, iterations, CRLF, a missing final newline.
    fn log() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            Just("Test: a"),
            Just("Test: b"),
            Just("Test: c d"),
            Just("Result: PASS"),
            Just("Result: FAIL boom 12"),
            Just("Result: skip"),
            Just("Result: WEIRD"),
            Just("Iteration 1"),
            Just("Iteration 2"),
            Just("noise"),
            Just("Test: a\r"),
        ];
        (prop::collection::vec(line, 0..30), any::<bool>()).prop_map(|(lines, newline)| {
            let mut text = lines.join("\n");
            if newline && !text.is_empty() {
                text.push('\n');
            }
            text
        })
    }

    proptest! {
        #[test]
        fn parts_added_in_order_equal_one_reading(logs in prop::collection::vec(log(), 1..5), slice in 1usize..40) {
            let names: Vec<String> = (0..logs.len()).map(|i| format!("f{i}.log")).collect();
            let files: Vec<(&str, &[u8])> = names.iter().zip(&logs).map(|(n, l)| (n.as_str(), l.as_bytes())).collect();
            let (mut whole, mut parts) = (Session::new(false), Session::new(false));
            analyze_bytes(&mut whole, &files, Reading::default(), slice);
            analyze_in_parts(&mut parts, &files, Reading::default(), slice);
            prop_assert_eq!(exported_json(&mut parts), exported_json(&mut whole));
        }
    }
}

/// Reads `bytes` as the pool reads one large file: cut into `parts` byte ranges, each parsed
/// apart as the lines that start in it (as `web/engine/parser.js` cuts them), sent as bytes, and
/// appended in order.
fn analyze_in_segments(session: &mut Session, name: &str, bytes: &[u8], parts: usize) -> Reply {
    let request = Request::Analyze { names: vec![name.to_owned()], reading: Reading::default(), adopt: true };
    let mut batch = session.begin(&request).unwrap();
    let reading = batch.segment_reading(&bytes[..bytes.len().min(64 << 10)]).expect("a plain log can be cut");
    batch.begin_segments(0, &reading).unwrap();
    // A line starts at 0 or after a newline; a part holds the lines that start in its range.
    let line_start = |at: usize| match at {
        0 => 0,
        _ => bytes[at - 1..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| at + i),
    };
    for k in 0..parts {
        let (start, end) = (line_start(bytes.len() * k / parts), line_start(bytes.len() * (k + 1) / parts));
        let mut p = lra_session::segment_parser(&reading).unwrap();
        p.feed(&bytes[start..end.max(start)]);
        batch.add_segment(&p.into_segment().to_bytes()).unwrap();
    }
    session.finish(batch, 0.0, Default::default())
}

#[test]
fn one_large_log_read_in_parts_by_the_pool_gives_the_summary_one_reading_gives() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    // pytest's output is read in order (a test's word may follow its output), never cut.
    for name in ["seed-sample.log", "messy.log", "runners/gtest.log", "runners/libtest.log"] {
        let bytes = std::fs::read(fixtures.join(name)).unwrap();
        let mut whole = Session::new(false);
        analyze_bytes(&mut whole, &[(name, &bytes)], Reading::default(), 4096);
        for parts in [1, 2, 3, 7, 64] {
            let mut cut = Session::new(false);
            analyze_in_segments(&mut cut, name, &bytes, parts);
            assert_eq!(exported_json(&mut cut), exported_json(&mut whole), "{name} in {parts} parts");
        }
    }
}

#[test]
fn archives_saved_summaries_and_xml_are_not_cut() {
    let s = Session::new(false);
    let names = ["a.log.gz", "saved.json", "report.xml", "plain.log"].map(str::to_owned).to_vec();
    let batch = s.begin(&Request::Analyze { names, reading: Reading::default(), adopt: true }).unwrap();
    assert_eq!(batch.segment_reading(b"\x1f\x8b\x08\x00rest"), None);
    assert_eq!(batch.segment_reading(b"{\"schema\": \"lra-summary/1\"}"), None);
    assert_eq!(batch.segment_reading(b"<?xml version=\"1.0\"?><testsuites>"), None);
    // pytest's output is read in order: a test's word may follow its own output.
    assert_eq!(batch.segment_reading(b"=========== test session starts ===========\nt.py::test_a PASSED\n"), None);
    assert!(batch.segment_reading(b"Test: a\nResult: PASS\n").is_some());
}

#[test]
fn the_slowest_tests_their_column_and_the_time_per_iteration() {
    let mut s = Session::new(false);
    // quick: 10 ms and 20 ms; slow: 3 s stated; plain: no duration.
    let log = "Iteration 1\n10:00:00.000 Test: quick\n10:00:00.010 Result: PASS\nTest: slow\nResult: FAIL late (elapsed 3 s)\n\
               Test: plain\nResult: PASS\nIteration 2\n10:00:01.000 Test: quick\n10:00:01.020 Result: PASS\n";
    analyze(&mut s, &[("d.log", log)], Reading::default(), 7);
    let Reply::Slowest(list) = ask(&mut s, Request::Slowest).0 else { panic!() };
    let names: Vec<&str> = list.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!((list.total, names), (2, vec!["slow", "quick"]), "untimed tests are not listed");
    let quick = list.rows[1].timing.unwrap();
    assert_eq!((quick.runs, quick.total_us, quick.min_us, quick.max_us), (2, 30_000, 10_000, 20_000));
    // One of two runs takes at most 10 ms: its bucket's top, at most a sixteenth above.
    assert!((10_000..=10_625).contains(&quick.p50_us), "{}", quick.p50_us);
    assert_eq!(quick.p95_us, 20_000, "the top of 20 ms's bucket, clamped to the most");
    // The tests table sorts by p95, untimed tests last when descending.
    let t = page(&mut s, "", Column::P95, true, 0, 10);
    let names: Vec<&str> = t.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["slow", "quick", "plain"]);
    // The detail lists the reasons, the duration cut out.
    let Reply::Test(Some(d)) = ask(&mut s, Request::Test { name: "slow".into() }).0 else { panic!() };
    assert_eq!(d.reasons, ["late"]);
    assert_eq!(d.row.timing.map(|t| t.p95_us), Some(3_000_000));
    let Reply::Charts(Some(c)) = ask(&mut s, Request::Charts).0 else { panic!() };
    assert_eq!(c.duration_rows, [("1".to_owned(), 2, 3_010_000), ("2".to_owned(), 1, 20_000)]);
    let chart: serde_json::Value = serde_json::from_str(c.durations.as_ref().expect("timed").get()).unwrap();
    assert_eq!(chart["series"][0]["data"], serde_json::json!([3.01, 0.02]));
    let Reply::Overview(Some(o)) = ask(&mut s, Request::Overview).0 else { panic!() };
    assert_eq!((o.timed_runs, o.dropped_durations), (3, 0));
    // The report's tests table has the p95 too: its microseconds to sort by, and as shown.
    let (_, html) = ask(&mut s, Request::Export(Export::Report { echarts: String::new() }));
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("<button data-col=9>p95 time</button>"), "the column");
    assert!(
        html.contains(r#"3000000,"3.00 s",["#) && html.contains(r#"null,null,[0.0,0.0],"0.0% (0.0–79.3%)"]"#),
        "the rows"
    );
    // Then the failure rate: its sort key (the interval's low end, the rate) and as shown.
    assert!(html.contains(r#"<button data-col=10>Failure rate (95%)</button>"#), "the column");
    assert!(html.contains(r#",1.0],"100.0% (20.7–100.0%)"]"#), "1 of 1 failed: [1 / (1 + z²), 1]");
}

#[test]
fn sorted_by_failure_rate_a_test_surely_failing_often_comes_before_one_seen_failing_once() {
    // `often` fails 30 of 100 runs, `once` its 1 run, `never` 0 of 100, `skipped` is never judged.
    let mut log = String::new();
    for i in 0..100 {
        let word = if i < 30 { "FAIL" } else { "PASS" };
        log.push_str(&format!("Test: often\nResult: {word}\nTest: never\nResult: PASS\n"));
    }
    log.push_str("Test: once\nResult: FAIL\nTest: skipped\nResult: SKIP\n");
    let mut s = Session::new(false);
    analyze(&mut s, &[("rates.log", &log)], Reading::default(), 4096);
    let mut names = |descending| -> Vec<String> {
        page(&mut s, "", Column::FailureRate, descending, 0, 10).rows.into_iter().map(|r| r.name).collect()
    };
    // The Wilson intervals' low ends: 30 of 100 about 0.219, 1 of 1 1 / (1 + z²) = 0.207, 0 of 100 0.
    assert_eq!(names(true), ["often", "once", "never", "skipped"]);
    assert_eq!(names(false), ["skipped", "never", "once", "often"]);
}
