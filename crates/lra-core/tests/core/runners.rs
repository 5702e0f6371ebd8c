//! The test runners' own output (tests/fixtures/runners/make.sh runs them on one small suite):
//! each run of each test is counted once, and the counts are those of the suite's design, not of
//! our output. The suite, repeated 6 times: one test always passes, one always fails, one is
//! skipped, and one fails on every third run (so in repetitions 3 and 6).

use lra_core::testing::{Tree, parse_in_segments};
use lra_core::{FileParser, LogFormat, Options, Summary};

use crate::{assert_offsets_name_their_lines, counts, names, parse_with};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/fixtures/runners/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every iteration's label, and the failed runs per iteration of a test.
fn failing_iterations(s: &Summary, test: &str) -> Vec<String> {
    let t = s.tests().iter().find(|t| &*t.name == test).unwrap();
    (0..s.iterations().len() as u32)
        .filter(|&i| t.by_iteration.at(i).failed > 0)
        .map(|i| s.iterations()[i as usize].label.to_string())
        .collect()
}

/// The suite's design, whatever the runner calls its tests.
fn check_suite(s: &Summary, [passes, fails, skipped, flaky]: [&str; 4]) {
    let mut found = names(s);
    found.sort_unstable();
    let mut expected = [passes, fails, skipped, flaky];
    expected.sort_unstable();
    assert_eq!(found, expected);
    assert_eq!(counts(s, passes), (6, 0, 0, 0, 0));
    assert_eq!(counts(s, fails), (0, 6, 0, 0, 0));
    assert_eq!(counts(s, skipped), (0, 0, 6, 0, 0));
    assert_eq!(counts(s, flaky), (4, 2, 0, 0, 0));
    let labels: Vec<&str> = s.iterations().iter().map(|i| &*i.label).collect();
    assert_eq!(labels, ["1", "2", "3", "4", "5", "6"]);
    assert_eq!(failing_iterations(s, flaky), ["3", "6"]);
    assert_eq!(failing_iterations(s, fails).len(), 6);
    let t = s.tests().iter().find(|t| &*t.name == flaky).unwrap();
    // Passed, passed, failed, passed, passed, failed: three changes.
    assert_eq!(t.transitions(), 3);
    assert_eq!(s.orphan_results(), 0);
    assert_eq!(s.totals().missing, 0);
    for i in s.iterations() {
        assert_eq!(i.counts.runs(), 4, "iteration {}", i.label);
    }
}

/// The failure reasons, largest group first: each group's first example and its failures.
fn reasons(s: &Summary) -> Vec<(String, u64)> {
    s.failure_groups_by_size().iter().map(|g| (g.example.to_string(), g.count)).collect()
}

/// The log parsed whole, in chunks of every size up to 64 and in segments merged in every tree
/// shape, all equal.
fn parse_every_way(log: &[u8], options: &Options) -> Summary {
    let whole = parse_with("run.log", log, options);
    for chunk in 1..=64 {
        let mut p = FileParser::new("run.log", options.clone());
        for piece in log.chunks(chunk) {
            p.feed(piece);
        }
        assert_eq!(p.finish(), whole, "chunks of {chunk}");
    }
    // As a file read in parts is: its head told once, for every part.
    let detected = lra_core::detect_reading(log, options.format);
    let known = Options { format: Some(detected.format), detected: Some(detected), ..options.clone() };
    for parts in [2, 3, 7, 40] {
        let cuts: Vec<usize> = (1..parts).map(|k| log.len() * k / parts).collect();
        for tree in [Tree::Left, Tree::Right, Tree::Balanced] {
            assert_eq!(parse_in_segments("run.log", log, &known, &cuts, tree), whole, "{parts} parts, {tree:?}");
        }
    }
    assert_offsets_name_their_lines(&whole, log);
    whole
}

#[test]
fn googletest_repeated() {
    let s = parse_every_way(&fixture("gtest.log"), &Options::default());
    assert_eq!(s.files[0].format, LogFormat::GoogleTest, "told by its first lines");
    check_suite(&s, ["Suite.AlwaysPasses", "Suite.AlwaysFails", "Suite.Skipped", "Flaky.EveryThirdRunFails"]);
    // A failure's reason is its assertion's message, after the `FILE:LINE: Failure` header.
    assert_eq!(
        reasons(&s),
        [
            ("Expected equality of these values:".into(), 6),
            ("Expected: (flaky_runs % 3) != (0), actual: 0 vs 0".into(), 2)
        ]
    );
}

/// The suite's names in GoogleTest.
const GTEST_SUITE: [&str; 4] = ["Suite.AlwaysPasses", "Suite.AlwaysFails", "Suite.Skipped", "Flaky.EveryThirdRunFails"];

#[test]
fn googletest_without_times_every_run_is_read_and_the_end_lists_are_not() {
    // `--gtest_print_time=0`: no result line ends with `(N ms)`. Every run was missing; a result
    // now closes the open test it names, and the end-of-run lists, which name the failed and
    // skipped tests again with nothing open, are not runs.
    let s = parse_every_way(&fixture("gtest-no-time.log"), &Options::default());
    assert_eq!(s.files[0].format, LogFormat::GoogleTest);
    check_suite(&s, GTEST_SUITE);
    assert_eq!(
        reasons(&s),
        [
            ("Expected equality of these values:".into(), 6),
            ("Expected: (flaky_runs % 3) != (0), actual: 0 vs 0".into(), 2)
        ]
    );
    assert!(s.tests().iter().all(|t| t.durations().is_none()), "no duration is stated");
}

#[test]
fn googletest_a_quoted_result_line_closes_nothing() {
    // A test's output that quotes another test's result line (googletest's own tests do) does
    // not close the open test: a result closes only the open test it names.
    let log = b"[==========] Running 2 tests from 1 test suite.\n[ RUN      ] A.B\n\
a.cc:1: Failure\nExpected no line like\n[       OK ] A.C (0 ms)\n[  FAILED  ] A.B (1 ms)\n\
[ RUN      ] A.C\n[       OK ] A.C (0 ms)\n";
    let s = parse_every_way(log, &Options::default());
    assert_eq!(names(&s), ["A.B", "A.C"]);
    assert_eq!(counts(&s, "A.B"), (0, 1, 0, 0, 0));
    assert_eq!(counts(&s, "A.C"), (1, 0, 0, 0, 0));
    assert_eq!(s.orphan_results(), 0);
}

#[test]
fn googletest_results_after_output_that_did_not_end_its_line() {
    // The suite built with -DUNENDED_OUTPUT, without times: `no line end[       OK ] Suite.…`,
    // and a disabled test, `[ DISABLED ] Suite.DISABLED_NotRun`, skipped in every iteration.
    let s = parse_every_way(&fixture("gtest-unended.log"), &Options::default());
    assert_eq!(counts(&s, "Suite.AlwaysPasses"), (6, 0, 0, 0, 0));
    assert_eq!(counts(&s, "Suite.AlwaysFails"), (0, 6, 0, 0, 0));
    assert_eq!(counts(&s, "Suite.Skipped"), (0, 0, 6, 0, 0));
    assert_eq!(counts(&s, "Flaky.EveryThirdRunFails"), (4, 2, 0, 0, 0));
    assert_eq!(counts(&s, "Suite.DISABLED_NotRun"), (0, 0, 6, 0, 0));
    assert_eq!(failing_iterations(&s, "Flaky.EveryThirdRunFails"), ["3", "6"]);
    assert_eq!((s.orphan_results(), s.totals().missing), (0, 0));
    let t = s.tests().iter().find(|t| &*t.name == "Suite.DISABLED_NotRun").unwrap();
    assert_eq!(t.results.as_slice(), vec![("DISABLED".into(), 6)]);
}

#[test]
fn googletest_repeated_and_shuffled() {
    // `--gtest_repeat=3 --gtest_shuffle`: each iteration runs the tests in another order.
    let s = parse_every_way(&fixture("gtest-shuffle.log"), &Options::default());
    assert_eq!(counts(&s, "Suite.AlwaysPasses"), (3, 0, 0, 0, 0));
    assert_eq!(counts(&s, "Suite.AlwaysFails"), (0, 3, 0, 0, 0));
    assert_eq!(counts(&s, "Suite.Skipped"), (0, 0, 3, 0, 0));
    assert_eq!(counts(&s, "Flaky.EveryThirdRunFails"), (2, 1, 0, 0, 0));
    assert_eq!(failing_iterations(&s, "Flaky.EveryThirdRunFails"), ["3"]);
    assert_eq!((s.orphan_results(), s.totals().missing), (0, 0));
}

#[test]
fn googletest_one_shard() {
    // Shard 1 of 2 runs the tests whose index is even: the one that passes and the skipped one.
    let s = parse_every_way(&fixture("gtest-shard.log"), &Options::default());
    assert_eq!(names(&s), ["Suite.AlwaysPasses", "Suite.Skipped"]);
    assert_eq!(counts(&s, "Suite.AlwaysPasses"), (6, 0, 0, 0, 0));
    assert_eq!(counts(&s, "Suite.Skipped"), (0, 0, 6, 0, 0));
    assert_eq!(s.iterations().len(), 6);
}

#[test]
fn googletest_brief_output_names_no_runs() {
    // `--gtest_brief=1` prints only the failures' results, with no test open: read as GoogleTest
    // they are orphans (6 + 2), never runs; it has none of GoogleTest's telltale lines.
    let log = fixture("gtest-brief.log");
    let s = parse_every_way(&log, &Options { format: Some(LogFormat::GoogleTest), ..Options::default() });
    assert_eq!((s.tests().len(), s.orphan_results()), (0, 8));
    let told = parse_with("brief.log", &log, &Options::default());
    assert_eq!(told.tests().len(), 0);
    // Told apart, and the reason names the flag to drop.
    let reading = told.files[0].reading.as_deref().unwrap_or_default();
    assert!(reading.contains("run without --gtest_brief"), "{reading}");
}

#[test]
fn googletest_reason_is_the_first_line_after_the_header_in_any_segment() {
    let log = b"[ RUN      ] A.B\n\nsuite.cc:1: Failure\n  Value of: ok()\nmore\n[  FAILED  ] A.B (1 ms)\n\
[ RUN      ] A.C\n[  FAILED  ] A.C (1 ms)\nafter the run\n";
    let s = parse_every_way(log, &Options::default());
    assert_eq!(reasons(&s), [("Value of: ok()".into(), 1), ("".into(), 1)]);
}

#[test]
fn pytest_with_pytest_repeat() {
    let s = parse_in_chunks(&fixture("pytest.log"));
    assert_eq!(s.files[0].format, LogFormat::Pytest, "told by its first lines");
    let t = |n: &str| format!("test_suite.py::{n}");
    let names = [t("test_always_passes"), t("test_always_fails"), t("test_skipped"), t("test_flaky")];
    check_suite(&s, [&names[0], &names[1], &names[2], &names[3]]);
    // A skip's reason is kept as its result's text; failures have no reason on their line.
    let skipped = s.tests().iter().find(|t| t.name.ends_with("test_skipped")).unwrap();
    assert_eq!(skipped.results.as_slice(), [("SKIPPED".into(), 6)]);
}

#[test]
fn pytest_output_between_node_ids_and_words_in_any_chunking() {
    // pytest/test_output.py: 6 pass, 3 fail, 1 is skipped, with `-v -s`, live logging and `-v`.
    for name in ["pytest-output-s.log", "pytest-output-live.log", "pytest-output.log"] {
        let s = parse_in_chunks(&fixture(name));
        assert_eq!(s.files[0].format, LogFormat::Pytest, "{name}");
        let t = &s.files[0].totals;
        assert_eq!((t.passed, t.failed, t.skipped, t.missing, s.tests().len()), (6, 3, 1, 0, 10), "{name}");
    }
}

#[test]
fn libtest_run_six_times_each_run_an_iteration_by_its_count() {
    let s = parse_every_way(&fixture("libtest.log"), &Options::default());
    assert_eq!(s.files[0].format, LogFormat::Libtest, "told by its first lines");
    check_suite(&s, ["tests::always_passes", "tests::always_fails", "tests::skipped", "tests::flaky"]);
    let skipped = s.tests().iter().find(|t| &*t.name == "tests::skipped").unwrap();
    assert_eq!(skipped.results.as_slice(), [("IGNORED".into(), 6)]);
}

/// `cargo test -- --nocapture` lost every failed run: the panic message comes between
/// `test NAME ... ` and `FAILED`, which stands on a line of its own.
#[test]
fn libtest_with_nocapture_the_word_after_the_tests_output_regression() {
    let s = parse_every_way(&fixture("libtest-nocapture.log"), &Options::default());
    assert_eq!(s.files[0].format, LogFormat::Libtest);
    check_suite(&s, ["tests::always_passes", "tests::always_fails", "tests::skipped", "tests::flaky"]);
}

#[test]
fn tap_from_prove_run_six_times() {
    let s = parse_every_way(&fixture("tap.log"), &Options::default());
    assert_eq!(s.files[0].format, LogFormat::Tap, "told by its plan line");
    // The skipped test has no description: it is named by its number.
    check_suite(&s, ["always passes", "always fails", "#3", "flaky"]);
}

#[test]
fn tap_proves_verdict_on_a_script_that_passed_is_not_a_run() {
    // prove -v, twice, then with --timer: each time three passing tests and prove's `ok`.
    let s = parse_every_way(&fixture("tap-pass.log"), &Options::default());
    assert_eq!(s.files[0].format, LogFormat::Tap, "told by its plan line");
    let mut found = names(&s);
    found.sort_unstable();
    assert_eq!(found, ["#2", "first", "third"]);
    for test in ["first", "#2", "third"] {
        assert_eq!(counts(&s, test), (3, 0, 0, 0, 0), "{test}");
    }
}

/// The subtests' tests, sorted, and each one's passed, failed and skipped runs.
fn subtests(s: &Summary) -> Vec<(String, (u64, u64, u64))> {
    let mut found: Vec<(String, (u64, u64, u64))> = names(s)
        .into_iter()
        .map(|n| {
            let (p, f, k, _, _) = counts(s, n);
            (n.to_string(), (p, f, k))
        })
        .collect();
    found.sort_unstable();
    found
}

#[test]
fn tap_test_more_subtests_are_tests_and_nothing_counts_after_bail_out() {
    // No plan before the first test (it bails out before `done_testing`): told by its format.
    let options = Options { format: Some(LogFormat::Tap), ..Options::default() };
    // Run twice by perl: the second run, after the first one's `Bail out!`, starts at its point 1.
    let s = parse_every_way(&fixture("tap-subtests.log"), &options);
    let expected = [
        ("#3", (2, 0, 0)),
        ("always passes", (2, 0, 0)),
        ("group", (0, 2, 0)),
        ("group/#3", (0, 0, 2)),
        ("group/deeper", (0, 2, 0)),
        ("group/deeper/leaf fails", (0, 2, 0)),
        ("group/inner passes", (2, 0, 0)),
    ];
    assert_eq!(subtests(&s), expected.map(|(n, c)| (n.to_string(), c)));
}

#[test]
fn tap_from_nodes_test_runner_nested_tests_and_suites() {
    let s = parse_every_way(&fixture("tap-node.log"), &Options::default());
    assert_eq!(s.files[0].format, LogFormat::Tap, "told by its version line");
    // A parent's result is a run of its own, as go's is: a failing leaf fails its suites too.
    let expected = [
        ("always passes", (1, 0, 0)),
        ("group", (0, 1, 0)),
        ("group/deeper", (0, 1, 0)),
        ("group/deeper/leaf fails", (0, 1, 0)),
        ("group/inner passes", (1, 0, 0)),
        ("group/skipped", (0, 0, 1)),
        ("parent", (1, 0, 0)),
        ("parent/child passes", (1, 0, 0)),
    ];
    assert_eq!(subtests(&s), expected.map(|(n, c)| (n.to_string(), c)));
}

/// The XML parsed whole and in chunks of every size up to 64 (it is read in order: no segments).
fn parse_in_chunks(log: &[u8]) -> Summary {
    let whole = parse_with("run.xml", log, &Options::default());
    for chunk in 1..=64 {
        let mut p = FileParser::new("run.xml", Options::default());
        for piece in log.chunks(chunk) {
            p.feed(piece);
        }
        assert_eq!(p.finish(), whole, "chunks of {chunk}");
    }
    assert_offsets_name_their_lines(&whole, log);
    whole
}

#[test]
fn junit_xml_from_pytest_repeated() {
    let s = parse_in_chunks(&fixture("pytest-junit.xml"));
    assert_eq!(s.files[0].format, LogFormat::Junit, "told by its first bytes");
    check_suite(
        &s,
        [
            "test_suite.test_always_passes",
            "test_suite.test_always_fails",
            "test_suite.test_skipped",
            "test_suite.test_flaky",
        ],
    );
    // The failure's message is its reason, entities decoded.
    let groups = s.failure_groups_by_size();
    assert_eq!(groups[0].example.as_ref(), "AssertionError: expected 1 got 2\nassert 1 == 2");
    assert_eq!(groups[0].count, 6);
}

#[test]
fn junit_xml_from_googletest_with_cdata() {
    let s = parse_in_chunks(&fixture("gtest-junit.xml"));
    assert_eq!(s.files[0].format, LogFormat::Junit);
    assert_eq!(counts(&s, "Suite.AlwaysPasses"), (1, 0, 0, 0, 0));
    assert_eq!(counts(&s, "Suite.AlwaysFails"), (0, 1, 0, 0, 0));
    assert_eq!(counts(&s, "Suite.Skipped"), (0, 0, 1, 0, 0));
    assert_eq!(counts(&s, "Flaky.EveryThirdRunFails"), (1, 0, 0, 0, 0));
    // Located at the test case's line.
    let fails = s.tests().iter().find(|t| &*t.name == "Suite.AlwaysFails").unwrap();
    let text = String::from_utf8(fixture("gtest-junit.xml")).unwrap();
    let line = text.lines().position(|l| l.contains("</testcase>")).unwrap() as u64 + 1;
    assert_eq!(fails.first_failure().map(|l| l.line), Some(line));
}

/// GoogleTest's XML (gtest/precedence_test.cc) and Surefire's retries (a hand-written report),
/// read in slices of every size: a disabled test is skipped, a failure beats a skip written
/// before it, and each retry is a run of its own, its lines where its element is.
#[test]
fn junit_disabled_cases_and_surefire_retries_in_any_slices() {
    let s = parse_in_chunks(&fixture("gtest-precedence.xml"));
    assert_eq!(counts(&s, "Precedence.DISABLED_Disabled"), (0, 0, 1, 0, 0));
    assert_eq!(counts(&s, "Precedence.FailsThenSkips"), (0, 1, 0, 0, 0));
    assert_eq!(counts(&s, "SkipThenFail.SkipsThenTearDownFails"), (0, 1, 0, 0, 0));
    let s = parse_in_chunks(&fixture("surefire-rerun.xml"));
    assert_eq!(counts(&s, "suite.SuiteTest.alwaysFails"), (0, 3, 0, 0, 0));
    assert_eq!(counts(&s, "suite.SuiteTest.everyThirdRunFails"), (1, 1, 0, 0, 0));
    assert_eq!(failing_iterations(&s, "suite.SuiteTest.alwaysFails"), ["1", "2", "3"]);
    assert_eq!(failing_iterations(&s, "suite.SuiteTest.everyThirdRunFails"), ["1"]);
}

#[test]
fn junit_markup_that_is_not_a_test_is_passed_over() {
    let xml = br#"<?xml version="1.0"?>
<!DOCTYPE testsuites [ <!ENTITY boom "<testcase name='fake'/>"> ]>
<testsuites><!-- <testcase name="commented"/> -->
<testsuite name="s"><testcase classname="c" name="a&amp;b" time="1"><system-out><![CDATA[<testcase name="in cdata"/> ]]> ]]></system-out></testcase>
<testcase name="cut short" attr="a > b">"#;
    let s = parse_in_chunks(xml);
    assert_eq!(names(&s), ["c.a&b", "cut short"]);
    assert_eq!(counts(&s, "c.a&b"), (1, 0, 0, 0, 0));
    assert_eq!(counts(&s, "cut short"), (0, 0, 0, 0, 1), "a file cut inside a test case: missing");
}

/// A processing instruction ends at its first `?>`, whatever quotes it holds (found by the
/// fuzzers): a file fed whole once read on past it, inside the quote, and lost its tests, while
/// the same file fed in slices found them.
#[test]
fn junit_a_quote_inside_a_processing_instruction_hides_nothing() {
    let xml = br#"<?xml version="1.0" encoding="utf-8 ?><testsuite><testcase name="a"/><testcase name="b"><failure message="x"/></testcase></testsuite>"#;
    let s = parse_in_chunks(xml);
    assert_eq!(names(&s), ["a", "b"]);
    assert_eq!(counts(&s, "b"), (0, 1, 0, 0, 0));
}

#[test]
fn a_tests_kth_run_counts_in_iteration_k_across_segments_and_files() {
    // Two files: the iterations restart with each, and are shared by label.
    let a = b"test t ... ok\ntest u ... ok\ntest t ... FAILED\ntest t ... ok\n";
    let b = b"test t ... FAILED\n";
    let options = Options { format: Some(LogFormat::Libtest), ..Options::default() };
    let one = parse_every_way(a, &options);
    let labels: Vec<(&str, u64)> = one.iterations().iter().map(|i| (&*i.label, i.counts.runs())).collect();
    assert_eq!(labels, [("1", 2), ("2", 1), ("3", 1)]);
    assert_eq!(failing_iterations(&one, "t"), ["2"]);
    let mut both = one.clone();
    both.merge(parse_with("b.log", b, &options)).unwrap();
    assert_eq!(failing_iterations(&both, "t"), ["1", "2"]);
    assert_eq!(both.iterations()[0].counts.failed, 1);
}

#[test]
fn a_crashed_googletest_run_is_missing_and_the_next_test_still_counts() {
    let log = b"[==========] Running 2 tests from 1 test suite.\n[ RUN      ] A.Crashes\n\
                [ RUN      ] A.Next\n[       OK ] A.Next (3 ms)\n[ RUN      ] A.Last\n";
    let s = parse_with("crash.log", log, &Options::default());
    assert_eq!(counts(&s, "A.Crashes"), (0, 0, 0, 0, 1));
    assert_eq!(counts(&s, "A.Next"), (1, 0, 0, 0, 0));
    assert_eq!(counts(&s, "A.Last"), (0, 0, 0, 0, 1));
}

#[test]
fn ci_timestamps_before_a_runners_lines_are_looked_past() {
    let log = b"2024-05-01T10:00:00.1234567Z [==========] Running 1 test from 1 test suite.\n\
                2024-05-01T10:00:00.1234567Z [ RUN      ] A.B\n\
                2024-05-01T10:00:01.0000000Z [  FAILED  ] A.B (10 ms)\n";
    let s = parse_with("ci.log", log, &Options::default());
    assert_eq!(s.files[0].format, LogFormat::GoogleTest);
    assert_eq!(counts(&s, "A.B"), (0, 1, 0, 0, 0));
}

#[test]
fn a_format_given_is_used_whatever_the_file_looks_like() {
    let log = fixture("gtest.log");
    let s = parse_with("gtest.log", &log, &Options { format: Some(LogFormat::Markers), ..Options::default() });
    assert_eq!(s.files[0].format, LogFormat::Markers);
    assert_eq!(s.tests().len(), 0, "no markers in GoogleTest's output");
    let s = parse_with(
        "x.log",
        b"Test: a\nResult: PASS\n",
        &Options { format: Some(LogFormat::Pytest), ..Options::default() },
    );
    assert_eq!(s.tests().len(), 0);
}

#[test]
fn runner_logs_merge_and_round_trip_as_saved_summaries() {
    let (g, p) = (fixture("gtest.log"), fixture("pytest.log"));
    let mut both = parse_with("gtest.log", &g, &Options::default());
    both.merge(parse_with("pytest.log", &p, &Options::default())).unwrap();
    assert_eq!(both.tests().len(), 8);
    let back = Summary::from_json(&both.to_json()).unwrap();
    assert_eq!(back, both);
    assert_eq!(back.files[1].format, LogFormat::Pytest);
}

#[test]
fn each_file_one_iteration_labelled_by_its_name() {
    // A folder of JUnit files, one run each: the files are the iterations.
    let run = |outcome: &str| {
        format!(r#"<testsuite><testcase classname="c" name="t">{outcome}</testcase><testcase name="u"/></testsuite>"#)
    };
    let options = Options { iteration_per_file: true, ..Options::default() };
    let mut s = Summary::empty_for(&options);
    for (name, outcome) in [("run-1.xml", ""), ("run-2.xml", "<failure message='x'/>"), ("run-3.xml", "")] {
        s.merge(parse_with(name, run(outcome).as_bytes(), &options)).unwrap();
    }
    let labels: Vec<(&str, u64)> = s.iterations().iter().map(|i| (&*i.label, i.counts.runs())).collect();
    assert_eq!(labels, [("run-1.xml", 2), ("run-2.xml", 2), ("run-3.xml", 2)]);
    assert_eq!(failing_iterations(&s, "c.t"), ["run-2.xml"]);
    // Iteration lines are ignored then.
    let markers = parse_every_way(
        b"Iteration 1\nTest: a\nResult: PASS\nIteration 2\nTest: a\nResult: FAIL\n",
        &Options { format: Some(LogFormat::Markers), ..options },
    );
    let labels: Vec<&str> = markers.iterations().iter().map(|i| &*i.label).collect();
    assert_eq!(labels, ["run.log"]);
    assert_eq!(markers.tests()[0].by_iteration.at(0), lra_core::Cell { passed: 1, failed: 1 });
}

#[test]
fn go_test_count_six() {
    let s = parse_in_chunks(&fixture("go.log"));
    assert_eq!(s.files[0].format, LogFormat::Go, "told by its first lines");
    check_suite(&s, ["TestAlwaysPasses", "TestAlwaysFails", "TestSkipped", "TestFlaky"]);
    // The reason is the run's first line of output; digits fold, so runs 3 and 6 are one group.
    let expected = [("suite_test.go:15: expected 1 got 2".into(), 6), ("suite_test.go:27: run 3 fails".into(), 2)];
    assert_eq!(reasons(&s), expected);
}

#[test]
fn go_output_after_a_cont_line_is_that_tests() {
    let log = b"=== RUN   TestA\n=== PAUSE TestA\n=== RUN   TestB\n    b.go:1: b's\n=== CONT  TestA\n    a.go:2: a's\n\
--- FAIL: TestB (0.00s)\n--- FAIL: TestA (0.00s)\nFAIL\n";
    let s = parse_in_chunks(log);
    let mut found = reasons(&s);
    found.sort();
    assert_eq!(found, [("a.go:2: a's".into(), 1), ("b.go:1: b's".into(), 1)]);
    // Each failed run opened at its own `=== RUN` line, though another test's lines came
    // between, and closed at its `--- FAIL`.
    let run = |name: &str| {
        let t = s.tests().iter().find(|t| &*t.name == name).unwrap();
        let r = t.failed_runs().first()[0];
        (r.opened, r.closed)
    };
    assert_eq!(run("TestA"), (0, 120));
    assert_eq!(run("TestB"), (32, 96));
}

#[test]
fn go_tests_still_running_when_the_package_times_out_are_missing() {
    let s = parse_in_chunks(&fixture("go-timeout.log"));
    // The subtest that passed has its result printed only with its parent's, which never came.
    assert_eq!(names(&s), ["TestGroup", "TestGroup/first", "TestGroup/hangs"]);
    for name in ["TestGroup", "TestGroup/first", "TestGroup/hangs"] {
        assert_eq!(counts(&s, name), (0, 0, 0, 0, 1), "{name}");
    }
    // Located at their `=== RUN` lines.
    let lines: Vec<u64> = s.anomalies().iter().map(|a| a.location.line).collect();
    assert_eq!(lines, [1, 2, 3]);
}

#[test]
fn go_parallel_tests_and_the_name_lines_of_newer_releases() {
    // Written by hand: Debian's Go prints no `=== NAME` lines.
    let s = parse_in_chunks(&fixture("go-1.21-parallel.log"));
    assert_eq!(counts(&s, "TestA"), (0, 1, 0, 0, 0));
    assert_eq!(counts(&s, "TestB"), (1, 0, 0, 0, 0));
    assert_eq!(counts(&s, "TestC/sub"), (1, 0, 0, 0, 0));
    assert_eq!(s.totals().missing, 0);
}

/// Pieces of `go test` output and JUnit XML, for the property below.
const ORDERED_PIECES: &[&[u8]] = &[
    b"=== RUN   TestA\n",
    b"=== RUN   TestA/sub\n",
    b"--- PASS: TestA (0.00s)\n",
    b"    --- FAIL: TestA/sub (0.01s)\n",
    b"--- SKIP: TestB (0.00s)\n",
    b"=== RUN   TestB\n",
    b"PASS\n",
    b"FAIL\texample.com/p\t0.1s\n",
    b"panic: boom\n",
    b"\r\n",
    b"\xff",
    b"2024-05-01T10:00:00.1Z ",
    b"<testcase name=\"x\">",
    b"</testcase>",
    b"<failure message='m'/>",
    b"<![CDATA[ </testcase> ]]>",
    b"<!-- -->",
    b"<testsuite>",
];

proptest::proptest! {
    /// `go test` and JUnit are read in order: any chunking still gives the same summary.
    #[test]
    fn ordered_formats_read_the_same_in_any_chunks(
        pieces in proptest::collection::vec(proptest::sample::select(ORDERED_PIECES), 0..40),
        cuts in proptest::collection::vec(0usize..400, 0..6),
        format in proptest::sample::select(&[LogFormat::Go, LogFormat::Junit][..]),
    ) {
        let log = pieces.concat();
        let options = Options { format: Some(format), ..Options::default() };
        let whole = parse_with("o.log", &log, &options);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(log.len())).collect();
        cuts.sort_unstable();
        let mut p = FileParser::new("o.log", options.clone());
        let mut start = 0;
        for c in cuts {
            p.feed(&log[start..c]);
            start = c;
        }
        p.feed(&log[start..]);
        proptest::prop_assert_eq!(p.finish(), whole);
    }
}

#[test]
fn go_test_json_count_six_and_a_timed_out_package() {
    let s = parse_in_chunks(&fixture("go-json.log"));
    assert_eq!(s.files[0].format, LogFormat::GoJson, "told by its first lines");
    check_suite(&s, ["TestAlwaysPasses", "TestAlwaysFails", "TestSkipped", "TestFlaky"]);
    let expected = [("suite_test.go:15: expected 1 got 2".into(), 6), ("suite_test.go:27: run 3 fails".into(), 2)];
    assert_eq!(reasons(&s), expected);
    let s = parse_in_chunks(&fixture("go-json-timeout.log"));
    for name in ["TestGroup", "TestGroup/first", "TestGroup/hangs"] {
        assert_eq!(counts(&s, name), (0, 0, 0, 0, 1), "{name}");
    }
}

#[test]
fn go_test_json_packages_are_kept_apart() {
    // Two packages' events interleaved; the first package's end leaves only its own test missing.
    let log = br#"{"Time":"t","Action":"run","Package":"a","Test":"TestX"}
{"Time":"t","Action":"run","Package":"b","Test":"TestX"}
{"Time":"t","Action":"fail","Package":"a","Elapsed":1}
{"Time":"t","Action":"output","Package":"b","Test":"TestX","Output":"--- PASS: TestX (0.00s)\n"}
{"Time":"t","Action":"pass","Package":"b","Test":"TestX","Elapsed":0}
{"Time":"t","Action":"pass","Package":"b","Elapsed":1}
"#;
    let s = parse_in_chunks(log);
    assert_eq!(counts(&s, "TestX"), (1, 0, 0, 0, 1));
    assert_eq!(s.anomalies()[0].location.line, 1, "located at its run event");
}

#[test]
fn cargo_nextest_run_six_times_its_reports_not_counted() {
    let s = parse_in_chunks(&fixture("nextest.log"));
    assert_eq!(s.files[0].format, LogFormat::Nextest, "told by its first lines");
    // Each run's report lists the failures again: they are not runs.
    check_suite(
        &s,
        ["suite tests::always_passes", "suite tests::always_fails", "suite tests::skipped", "suite tests::flaky"],
    );
}

#[test]
fn a_nextest_retry_is_a_run() {
    let log = b"    Starting 1 test across 1 binary\n  TRY 1 FAIL [   0.006s] (1/1) suite t::flaky\n\
                  TRY 2 PASS [   0.005s] (1/1) suite t::flaky\n     Summary [   0.013s] 1 test run: 1 passed (1 flaky)\n\
                  TRY 2 PASS [   0.005s] (1/1) suite t::flaky\n";
    let s = parse_in_chunks(log);
    assert_eq!(counts(&s, "suite t::flaky"), (1, 1, 0, 0, 0));
    assert!(s.tests()[0].flaky());
}

/// Each test's runs with a duration and their total in microseconds, as `run` reads each line of
/// `text` (a test's name and its stated duration, if the line is a run's result).
fn stated(text: &str, run: impl Fn(&str) -> Option<(String, u64)>) -> Vec<(String, u64, u64)> {
    let mut by_test: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
    for (name, us) in text.lines().filter_map(run) {
        let t = by_test.entry(name).or_default();
        *t = (t.0 + 1, t.1 + us);
    }
    by_test.into_iter().map(|(name, (runs, total))| (name, runs, total)).collect()
}

/// Each test's runs with a duration and their total, as the summary has them.
fn timed(s: &Summary) -> Vec<(String, u64, u64)> {
    let mut out: Vec<_> = s
        .tests()
        .iter()
        .filter_map(|t| Some((t.name.to_string(), t.durations()?.runs(), t.durations()?.total())))
        .collect();
    out.sort();
    out
}

/// `(N ms)`, `(0.35s)` or `[ 0.004s]`: a decimal and a unit, in microseconds.
fn micros(text: &str) -> u64 {
    let (number, unit) = text.trim().split_at(text.trim().find(|c: char| !c.is_ascii_digit() && c != '.').unwrap());
    let per_unit = match unit.trim() {
        "ms" => 1_000.0,
        "s" => 1_000_000.0,
        other => panic!("unit {other}"),
    };
    (number.parse::<f64>().unwrap() * per_unit).round() as u64
}

#[test]
fn stated_durations_are_each_runs_own() {
    let text = |name: &str| String::from_utf8(fixture(name)).unwrap();
    // GoogleTest: `[       OK ] Suite.Name (N ms)`.
    let gtest = stated(&text("gtest.log"), |l| {
        let rest =
            l.strip_prefix("[       OK ] ").or(l.strip_prefix("[  FAILED  ] ")).or(l.strip_prefix("[  SKIPPED ] "))?;
        let (name, ms) = rest.strip_suffix(")")?.rsplit_once(" (")?;
        Some((name.to_owned(), micros(ms)))
    });
    assert_eq!(gtest.len(), 4);
    assert_eq!(timed(&parse_with("gtest.log", &fixture("gtest.log"), &Options::default())), gtest);
    // go test: `--- PASS: TestName (0.00s)`.
    let go = stated(&text("go.log"), |l| {
        let rest = l.trim_start().strip_prefix("--- ")?;
        let (_, rest) = rest.split_once(": ")?;
        let (name, s) = rest.strip_suffix(")")?.rsplit_once(" (")?;
        Some((name.to_owned(), micros(s)))
    });
    assert_eq!(go.len(), 4);
    assert_eq!(timed(&parse_in_chunks(&fixture("go.log"))), go);
    // nextest: `PASS [   0.005s] (1/3) suite tests::name`; a skipped test has no duration.
    // Its report after each run (from `Summary [` to the next `Starting`) repeats run lines.
    let mut in_report = false;
    let runs_only: String = text("nextest.log")
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            in_report = (in_report || l.starts_with("Summary [")) && !l.starts_with("Starting ");
            !in_report
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let nextest = stated(&runs_only, |l| {
        let l = l.trim_start();
        let l = l.strip_prefix("TRY ").map_or(l, |r| r.split_once(' ').unwrap().1.trim_start());
        let (_, rest) = l.split_once(" [")?;
        let (took, rest) = rest.split_once(']')?;
        let name = rest.trim_start().strip_prefix('(').map_or(rest, |r| r.split_once(')').unwrap().1).trim();
        (!took.trim().is_empty()).then(|| (name.to_owned(), micros(took)))
    });
    assert_eq!(nextest.len(), 3, "{nextest:?}");
    assert_eq!(timed(&parse_in_chunks(&fixture("nextest.log"))), nextest);
    // JUnit: each `<testcase … time="0.113">`.
    let junit_text = text("pytest-junit.xml");
    let junit = stated(&junit_text.replace("<testcase ", "\n<testcase "), |l| {
        let attr = |k: &str| Some(l.split_once(&format!(" {k}=\""))?.1.split_once('"')?.0.to_owned());
        l.starts_with("<testcase ").then_some(())?;
        let name = attr("name")?;
        let name = name.split_once('[').map_or(&name[..], |(n, _)| n);
        Some((format!("{}.{name}", attr("classname")?), micros(&format!("{}s", attr("time")?))))
    });
    assert_eq!(junit.len(), 4);
    assert_eq!(timed(&parse_in_chunks(&fixture("pytest-junit.xml"))), junit);
}
