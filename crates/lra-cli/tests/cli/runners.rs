//! The test runners' output (tests/fixtures/runners/make.sh), told by its first lines or named
//! with `--log-format`. Expected counts are the fixture suite's design: repeated 6 times, one
//! test always passes, one always fails, one is skipped, one fails on every third run.

use std::path::PathBuf;

use serde_json::Value;

use crate::{json, lra, scratch, stdout};

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
}
