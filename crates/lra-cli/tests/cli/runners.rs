//! The test runners' output (tests/fixtures/runners/make.sh), told by its first lines or named
//! with `--log-format`. Expected counts are the fixture suite's design: repeated 6 times, one
//! test always passes, one always fails, one is skipped, one fails on every third run.

use std::path::PathBuf;

use serde_json::Value;

use crate::{json, lra, scratch, stderr, stdout};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/runners").join(name);
    path.to_str().unwrap().to_owned()
}

/// (name, passed, failed, skipped) per test.
fn table(v: &Value) -> Vec<(String, u64, u64, u64)> {
    v["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let n = |k: &str| t[k].as_u64().unwrap();
            (t["name"].as_str().unwrap().to_owned(), n("passed"), n("failed"), n("skipped"))
        })
        .collect()
}

#[test]
fn googletest_and_pytest_are_told_by_their_first_lines() {
    let v = json(&lra(&["summarize", "--format", "json", &fixture("gtest.log"), &fixture("pytest.log")]));
    assert_eq!(v["files"][0]["format"], "gtest");
    assert_eq!(v["files"][1]["format"], "pytest");
    let s = |n: &str| n.to_owned();
    assert_eq!(
        table(&v),
        [
            (s("Suite.AlwaysPasses"), 6, 0, 0),
            (s("Suite.AlwaysFails"), 0, 6, 0),
            (s("Suite.Skipped"), 0, 0, 6),
            (s("Flaky.EveryThirdRunFails"), 4, 2, 0),
            (s("test_suite.py::test_always_passes"), 6, 0, 0),
            (s("test_suite.py::test_always_fails"), 0, 6, 0),
            (s("test_suite.py::test_skipped"), 0, 0, 6),
            (s("test_suite.py::test_flaky"), 4, 2, 0),
        ]
    );
    assert_eq!(v["tests"][3]["flaky"], true);
}

#[test]
fn googletest_without_times_and_after_unended_output() {
    // `--gtest_print_time=0`, and the suite built with -DUNENDED_OUTPUT (results printed after
    // output that did not end its line, and a disabled test), each repeated 6 times.
    let v =
        json(&lra(&["summarize", "--format", "json", &fixture("gtest-no-time.log"), &fixture("gtest-unended.log")]));
    assert_eq!(v["files"][0]["format"], "gtest");
    assert_eq!(v["files"][1]["format"], "gtest");
    let s = |n: &str| n.to_owned();
    assert_eq!(
        table(&v),
        [
            (s("Suite.AlwaysPasses"), 12, 0, 0),
            (s("Suite.AlwaysFails"), 0, 12, 0),
            (s("Suite.Skipped"), 0, 0, 12),
            (s("Flaky.EveryThirdRunFails"), 8, 4, 0),
            (s("Suite.DISABLED_NotRun"), 0, 0, 6),
        ]
    );
    assert_eq!(v["files"][0]["orphan_results"], 0);
    // `--gtest_brief=1` names no run: none is counted.
    let v = json(&lra(&["summarize", "--format", "json", &fixture("gtest-brief.log")]));
    assert_eq!(v["tests"].as_array().unwrap().len(), 0);
}

#[test]
fn libtest_and_tap_runs_are_iterations_by_their_count() {
    let v = json(&lra(&["summarize", "--format", "json", &fixture("libtest.log"), &fixture("tap.log")]));
    assert_eq!(v["files"][0]["format"], "libtest");
    assert_eq!(v["files"][1]["format"], "tap");
    let labels: Vec<&str> = v["iterations"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["1", "2", "3", "4", "5", "6"]);
    let flaky = |name: &str| v["tests"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap().clone();
    for name in ["tests::flaky", "flaky"] {
        let t = flaky(name);
        assert_eq!((t["passed"].as_u64(), t["failed"].as_u64()), (Some(4), Some(2)), "{name}");
        // Failed in its 3rd and 6th runs: iterations 3 and 6 (indexes 2 and 5).
        let spans: Vec<(u64, u64, u64, u64)> = t["by_iteration"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s[0].as_u64().unwrap(), s[1].as_u64().unwrap(), s[2].as_u64().unwrap(), s[3].as_u64().unwrap()))
            .collect();
        assert_eq!(spans, [(0, 2, 1, 0), (2, 1, 0, 1), (3, 2, 1, 0), (5, 1, 0, 1)], "{name}");
    }
}

#[test]
fn a_large_junit_file_is_read_in_order_at_any_thread_count() {
    let dir = scratch("junit-large");
    let one = String::from_utf8(std::fs::read(fixture("pytest-junit.xml")).unwrap()).unwrap();
    // One document with the same test suite many times, past the size that is read in parts.
    let start = one.find("<testsuite ").unwrap();
    let end = one.rfind("</testsuites>").unwrap();
    let copies = (5 << 20) / one.len() + 1;
    let big = format!("{}{}</testsuites>", &one[..start], one[start..end].repeat(copies));
    let path = dir.join("big.xml");
    std::fs::write(&path, big).unwrap();
    let path = path.to_str().unwrap();
    let a = lra(&["summarize", "--format", "json", "--threads", "1", path]);
    let b = lra(&["summarize", "--format", "json", "--threads", "2", path]);
    assert_eq!(stdout(&a), stdout(&b));
    let v = json(&a);
    assert_eq!(v["files"][0]["format"], "junit");
    let flaky = table(&v).into_iter().find(|t| t.0 == "test_suite.test_flaky").unwrap();
    assert_eq!(flaky, ("test_suite.test_flaky".to_owned(), 4 * copies as u64, 2 * copies as u64, 0));
    assert_eq!(v["iterations"].as_array().unwrap().len(), 6 * copies, "each test's k-th run is iteration k");
}

#[test]
fn go_test_is_read_in_order_and_a_timed_out_package_leaves_its_tests_missing() {
    let v = json(&lra(&[
        "summarize",
        "--format",
        "json",
        "--threads",
        "2",
        &fixture("go.log"),
        &fixture("go-timeout.log"),
    ]));
    assert_eq!(v["files"][0]["format"], "go");
    let t = table(&v);
    assert_eq!(t[3], ("TestFlaky".to_owned(), 4, 2, 0));
    let missing: Vec<&str> = v["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "missing_result")
        .map(|a| a["test"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["TestGroup", "TestGroup/first", "TestGroup/hangs"]);
}

/// The tests' rows of one file summarized, sorted by name.
fn sorted_table(file: &str) -> (Value, Vec<(String, u64, u64, u64)>) {
    let v = json(&lra(&["summarize", "--format", "json", &fixture(file)]));
    let mut t = table(&v);
    t.sort();
    (v, t)
}

#[test]
fn go_test_output_left_unended_and_a_message_quoting_results_keep_the_suites_counts() {
    // go/habits: the suite's design, where tests print without a line end before their result
    // and a failure message quotes `--- FAIL: TestOther`, `--- PASS: TestAlwaysPasses` and its
    // own result line; plain, and framed as -test.v=test2json frames it.
    let s = |n: &str| n.to_owned();
    for file in ["go-habits.log", "go-framed.log"] {
        let (v, t) = sorted_table(file);
        assert_eq!(v["files"][0]["format"], "go", "{file}");
        assert_eq!(
            t,
            [
                (s("TestAlwaysFails"), 0, 6, 0),
                (s("TestAlwaysPasses"), 6, 0, 0),
                (s("TestAlwaysPasses/sub"), 6, 0, 0),
                (s("TestFlaky"), 4, 2, 0),
                (s("TestSkipped"), 0, 0, 6),
            ],
            "{file}"
        );
        assert_eq!(v["totals"]["missing"], 0, "{file}");
    }
}

#[test]
fn go_test2json_without_times_is_go_json() {
    let (v, t) = sorted_table("go-test2json.log");
    assert_eq!(v["files"][0]["format"], "go-json");
    let s = |n: &str| n.to_owned();
    assert_eq!(
        t,
        [
            (s("TestAlwaysFails"), 0, 6, 0),
            (s("TestAlwaysPasses"), 6, 0, 0),
            (s("TestFlaky"), 4, 2, 0),
            (s("TestSkipped"), 0, 0, 6)
        ]
    );
}

#[test]
fn go_test_without_v_is_go_and_not_tap() {
    // Only failures are named: their runs are read; the passing runs cannot be.
    let (v, t) = sorted_table("go-quiet.log");
    assert_eq!(v["files"][0]["format"], "go");
    assert_eq!(t, [("TestAlwaysFails".to_owned(), 0, 6, 0), ("TestFlaky".to_owned(), 0, 2, 0)]);
    // Every test passing: the packages' `ok` lines, which are no TAP points.
    let (v, t) = sorted_table("go-quiet-ok.log");
    assert_eq!(v["files"][0]["format"], "go");
    assert_eq!(t, []);
    // Either way the user is told that passes are not named, and what to run.
    for name in ["go-quiet.log", "go-quiet-ok.log"] {
        let o = lra(&["summarize", &fixture(name)]);
        let err = stderr(&o);
        assert!(err.contains("go test output without -v, which does not name its passing tests"), "{err}");
        assert!(err.contains("run `go test -v`"), "{err}");
    }
}

#[test]
fn a_format_can_be_named() {
    let v = json(&lra(&["summarize", "--format", "json", "--log-format", "markers", &fixture("gtest.log")]));
    assert_eq!(v["files"][0]["format"], "markers");
    assert_eq!(v["tests"].as_array().unwrap().len(), 0);
    let out = stdout(&lra(&["summarize", "--log-format", "pytest", &fixture("gtest.log")]));
    assert!(out.contains("No test runs found."), "{out}");
    assert_eq!(lra(&["summarize", "--log-format", "jest", "x"]).status.code(), Some(2));
}

#[test]
fn a_large_googletest_log_read_in_parts_gives_the_same_summary_at_any_thread_count() {
    let dir = scratch("gtest-parts");
    let one = std::fs::read(fixture("gtest.log")).unwrap();
    let big = dir.join("big-gtest.log");
    std::fs::write(&big, one.repeat((6 << 20) / one.len() + 1)).unwrap();
    let big = big.to_str().unwrap();
    let a = lra(&["summarize", "--format", "json", "--threads", "1", big]);
    let b = lra(&["summarize", "--format", "json", "--threads", "2", big]);
    assert_eq!(stdout(&a), stdout(&b));
    let v = json(&a);
    assert_eq!(v["files"][0]["format"], "gtest");
    let copies = v["tests"][0]["passed"].as_u64().unwrap() / 6;
    assert!(copies > 1000);
    assert_eq!(table(&v)[3], ("Flaky.EveryThirdRunFails".to_owned(), 4 * copies, 2 * copies, 0));
}

#[test]
fn a_folder_of_junit_files_with_each_file_an_iteration() {
    let dir = scratch("junit-folder");
    for (k, outcome) in [(1, ""), (2, "<failure message='boom'/>"), (3, "")] {
        let xml = format!(r#"<testsuite><testcase classname="c" name="t">{outcome}</testcase></testsuite>"#);
        std::fs::write(dir.join(format!("run-{k}.xml")), xml).unwrap();
    }
    let v = json(&lra(&["summarize", "--format", "json", "--iteration-per-file", dir.to_str().unwrap()]));
    let labels: Vec<String> = v["iterations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| std::path::Path::new(i["label"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(labels, ["run-1.xml", "run-2.xml", "run-3.xml"]);
    assert_eq!(v["tests"][0]["by_iteration"], serde_json::json!([[0, 1, 1, 0], [1, 1, 0, 1], [2, 1, 1, 0]]));
}

#[test]
fn cargo_test_quiet_names_no_passing_test_so_it_is_not_read_and_the_flag_is_named() {
    // `cargo test -q` prints dots, and names only the failed test: counts from it would be wrong.
    let quiet = fixture("libtest-quiet.log");
    let o = lra(&["summarize", &quiet]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("0 runs"), "{out}");
    assert!(out.contains("No `Test: ` lines found."), "{out}");
    assert!(out.contains("libtest-quiet.log: read as markers: cargo test -q output"), "{out}");
    assert!(out.contains("run `cargo test` without -q"), "{out}");
    assert!(stderr(&o).contains("warning: cargo test -q output"), "{}", stderr(&o));
    let v = json(&lra(&["summarize", "--format", "json", &quiet]));
    assert_eq!(v["files"][0]["format"], "markers");
    assert!(v["files"][0]["reading"].as_str().unwrap().contains("without -q"), "{v}");
    // The verbose run of the same binary says what it was read as, and why.
    let v = json(&lra(&["summarize", "--format", "json", &fixture("libtest.log")]));
    let reading = v["files"][0]["reading"].as_str().unwrap();
    assert!(reading.starts_with("cargo test (libtest): "), "{reading}");
    // Named by the user, it is read as the runner's, for the failure it names.
    let v = json(&lra(&["summarize", "--format", "json", "--log-format", "libtest", &quiet]));
    assert_eq!(v["files"][0]["reading"], "named by the user");
}

/// GoogleTest's XML counted a `DISABLED_` test as passed, and a skip written before a failure
/// hid the failure (issue 24). The precedence suite (gtest/precedence_test.cc), run once.
#[test]
fn googletest_xml_disabled_tests_are_skipped_and_a_failure_beats_a_skip() {
    let v = json(&lra(&["summarize", "--format", "json", &fixture("gtest-precedence.xml")]));
    assert_eq!(v["files"][0]["format"], "junit");
    let s = |n: &str| n.to_owned();
    assert_eq!(
        table(&v),
        [
            (s("Precedence.Passes"), 1, 0, 0),
            (s("Precedence.DISABLED_Disabled"), 0, 0, 1),
            (s("Precedence.Skips"), 0, 0, 1),
            (s("Precedence.FailsThenSkips"), 0, 1, 0),
            (s("SkipThenFail.SkipsThenTearDownFails"), 0, 1, 0),
        ]
    );
    assert_eq!(v["tests"][1]["results"], serde_json::json!({"DISABLED": 1}));
    // Run with --gtest_also_run_disabled_tests, it ran and passed.
    let v = json(&lra(&["summarize", "--format", "json", &fixture("gtest-precedence-also-disabled.xml")]));
    assert_eq!(table(&v)[1], (s("Precedence.DISABLED_Disabled"), 1, 0, 0));
    assert_eq!(v["tests"][1]["results"], serde_json::json!({"PASSED": 1}));
}

/// Surefire's retries were not runs (issue 24): with `rerunFailingTestsCount=2` the test that
/// always fails ran three times, and the flaky one failed once and passed on its rerun.
#[test]
fn surefire_reruns_and_flaky_runs_are_runs_of_their_own() {
    let v = json(&lra(&["summarize", "--format", "json", &fixture("surefire-rerun.xml")]));
    assert_eq!(v["files"][0]["format"], "junit");
    let s = |n: &str| n.to_owned();
    assert_eq!(
        table(&v),
        [
            (s("suite.SuiteTest.alwaysPasses"), 1, 0, 0),
            (s("suite.SuiteTest.alwaysFails"), 0, 3, 0),
            (s("suite.SuiteTest.skipped"), 0, 0, 1),
            (s("suite.SuiteTest.everyThirdRunFails"), 1, 1, 0),
        ]
    );
    assert_eq!(v["tests"][1]["results"], serde_json::json!({"FAILED": 1, "RERUN FAILURE": 2}));
    let flaky = &v["tests"][3];
    assert_eq!(flaky["results"], serde_json::json!({"FLAKY FAILURE": 1, "PASSED": 1}));
    assert_eq!(flaky["flaky"], true);
    // A test's k-th run is iteration k: the flaky one failed, then passed on its rerun.
    assert_eq!(flaky["by_iteration"], serde_json::json!([[0, 1, 0, 1], [1, 1, 1, 0]]));
    assert_eq!(v["iterations"].as_array().unwrap().len(), 3, "the test that always fails ran 3 times");
}

/// pytest/test_output.py's design: 6 pass, 3 fail, 1 is skipped; `[1-2]` and `[2-2]` are
/// parameters.
fn pytest_output_table() -> Vec<(String, u64, u64, u64)> {
    let t = |n: &str, p, f, s| (format!("test_output.py::{n}"), p, f, s);
    vec![
        t("test_prints_a_line", 1, 0, 0),
        t("test_prints_no_line_end", 1, 0, 0),
        t("test_logs", 1, 0, 0),
        t("test_quotes_a_result_line", 0, 1, 0),
        t("test_quotes_on_a_line_of_its_own", 0, 1, 0),
        t("test_skips_after_output", 0, 0, 1),
        t("test_equals[1-2]", 0, 1, 0),
        t("test_equals[2-2]", 1, 0, 0),
        t("test_spaced[a b]", 1, 0, 0),
        t("test_spaced[c]", 1, 0, 0),
    ]
}

#[test]
fn pytest_output_between_a_node_id_and_its_word_regression() {
    // `-v -s` and live logging print a test's output, or its log, before its word: 0 of 8 runs
    // were found. Quoted result lines are the test's output, the word after them counts.
    for log in ["pytest-output-s.log", "pytest-output-live.log"] {
        let v = json(&lra(&["summarize", "--format", "json", &fixture(log)]));
        assert_eq!(v["files"][0]["format"], "pytest", "{log}");
        assert_eq!(table(&v), pytest_output_table(), "{log}");
        assert_eq!(v["files"][0]["totals"]["missing"], 0, "{log}");
    }
}

#[test]
fn pytest_repeat_installed_and_not_repeating_keeps_ids_whole_regression() {
    // `plugins: repeat-0.9.4` is listed without --count: test_equals[1-2] is a parameter, not
    // repetition 1 of 2.
    let text = std::fs::read_to_string(fixture("pytest-output.log")).unwrap();
    assert!(text.contains("plugins: repeat-"));
    let v = json(&lra(&["summarize", "--format", "json", &fixture("pytest-output.log")]));
    assert_eq!(table(&v), pytest_output_table());
    assert_eq!(v["iterations"].as_array().unwrap().len(), 0);
}

#[test]
fn pytest_quiet_names_no_runs() {
    for args in [&["--log-format", "pytest"][..], &[]] {
        let v =
            json(&lra(&[&["summarize", "--format", "json"][..], args, &[&fixture("pytest-output-q.log")]].concat()));
        assert_eq!(v["tests"].as_array().unwrap().len(), 0, "{args:?}");
    }
    // Told apart, it says why and what to add.
    let o = lra(&["summarize", &fixture("pytest-output-q.log")]);
    assert!(stdout(&o).contains("read as markers: pytest -q output"), "{}", stdout(&o));
    assert!(stderr(&o).contains("run pytest with -v (no -q)"), "{}", stderr(&o));
}

/// JUnit XML folded `[K-N]` into an iteration whatever the session (issue 24): the report of a
/// session that is not repeating keeps `test_equals[1-2]` and `[2-2]` as two tests, while the
/// report of `--count=6` still folds them.
#[test]
fn pytest_junit_of_a_session_not_repeating_keeps_parametrized_ids_whole_regression() {
    let v = json(&lra(&["summarize", "--format", "json", &fixture("pytest-output-junit.xml")]));
    assert_eq!(v["files"][0]["format"], "junit");
    // The report names a test `test_output.NAME` (its classname), where the console says
    // `test_output.py::NAME`.
    let mut expected: Vec<_> = pytest_output_table()
        .into_iter()
        .map(|(n, p, f, s)| (n.replace("test_output.py::", "test_output."), p, f, s))
        .collect();
    let mut found = table(&v);
    expected.sort();
    found.sort();
    assert_eq!(found, expected);
    let v = json(&lra(&["summarize", "--format", "json", &fixture("pytest-junit.xml")]));
    assert_eq!(v["tests"].as_array().unwrap().len(), 4, "--count=6: each test's six runs are one test");
    assert!(v["files"][0]["reading"].as_str().unwrap().contains("pytest-repeat's [K-N] read as the iteration"));
    // Named by the user, the head still tells.
    let v = json(&lra(&["summarize", "--format", "json", "--log-format", "junit", &fixture("pytest-junit.xml")]));
    assert_eq!(v["tests"].as_array().unwrap().len(), 4);
}
