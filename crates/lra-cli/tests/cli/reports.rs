//! `--format junit` and `--format markdown`. (The JUnit XML is validated against Jenkins'
//! published schema by `tests/integrations/junit_schema.py`.)

use super::*;

const LOG: &str = "Iteration 1\nTest: flaky\nResult: PASS\nTest: broken\nResult: FAIL timeout after 30 s\n\
                   Test: skipped\nResult: SKIP\nTest: lost\n\
                   Iteration 2\nTest: flaky\nResult: FAIL assertion\nTest: broken\nResult: FAIL timeout after 31 s\n\
                   Test: skipped\nResult: SKIP\n\
                   Iteration 3\nTest: flaky\nResult: PASS\nTest: broken\nResult: FAIL boom\n";

#[test]
fn junit_has_one_testcase_per_test_with_its_counts_in_words() {
    let dir = scratch("junit");
    let log = write(&dir.join("build.log"), LOG);
    let o = lra(&["summarize", "--format", "junit", &log]);
    assert!(o.status.success(), "{}", stderr(&o));
    let xml = stdout(&o);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Written by lra from a summary"), "{xml}");
    assert!(xml.contains(r#"<testsuite name="lra" tests="4" failures="2" errors="1" skipped="1">"#), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 4);
    // `broken` failed its three runs, first on line 5; `flaky` one of three, on line 11.
    assert!(
        xml.contains(&format!(r#"<failure message="3 of 3 runs failed, first at {log}:5" type="failed">"#)),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(r#"<failure message="1 of 3 runs failed, first at {log}:11" type="failed">"#)),
        "{xml}"
    );
    assert!(xml.contains("failed for: timeout after 30 s (2 failed runs in all)"), "{xml}");
    assert!(xml.contains(r#"<testcase name="skipped">"#) && xml.contains(r#"<skipped message="all 2 runs skipped"/>"#));
    assert!(xml.contains(r#"<error message="1 of 1 run had no result, 0 another word" type="no-result">"#), "{xml}");
}

#[test]
fn junit_names_are_escaped_and_read_back_exactly_with_a_warning() {
    let dir = scratch("junit-names");
    let names = ["a<b>&\"c\"", "it's", "tab\there", "ünïcode ✓", "ctrl\u{1}char"];
    let log: String = names.iter().map(|n| format!("Test: {n}\nResult: FAIL\n")).collect();
    let log = write(&dir.join("names.log"), &log);
    let xml = stdout(&lra(&["summarize", "--format", "junit", &log]));
    assert!(!xml.contains('\u{1}'), "a character XML forbids was written");
    let report = write(&dir.join("report.xml"), &xml);
    let o = lra(&["summarize", "--format", "json", &report]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("report.xml: warning: this JUnit file was written by `lra --format junit`"),
        "{}",
        stderr(&o)
    );
    let v = json(&o);
    let read: Vec<&str> = v["tests"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(read, ["a<b>&\"c\"", "it's", "tab\there", "ünïcode ✓", "ctrl\u{fffd}char"]);
    assert_eq!(v["files"][0]["from_summary"], true);
    // A JUnit file another tool wrote gets no warning.
    let other = write(&dir.join("other.xml"), "<testsuite><testcase name=\"t\"/></testsuite>\n");
    let o = lra(&["summarize", &other]);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn junit_time_is_the_total_of_timed_runs_in_seconds() {
    let dir = scratch("junit-time");
    let log =
        write(&dir.join("t.log"), "Test: a\nResult: PASS (elapsed 1500 ms)\nTest: a\nResult: PASS (elapsed 250 ms)\n");
    let xml = stdout(&lra(&["summarize", "--format", "junit", &log]));
    assert!(xml.contains(r#"<testcase name="a" time="1.750"/>"#), "{xml}");
    assert!(xml.contains(r#"skipped="0" time="1.750">"#), "{xml}");
}

#[test]
fn markdown_gives_totals_failing_and_flakiest_tests() {
    let dir = scratch("markdown");
    let log = write(&dir.join("build.log"), LOG);
    let md = stdout(&lra(&["summarize", "--format", "markdown", &log]));
    assert!(
        md.contains("**9 runs** of **4 tests** in 1 file: 2 passed, 4 failed, 2 skipped, 0 other, 1 missing. Pass rate **28.6%**."),
        "{md}"
    );
    assert!(md.contains("### Failing tests (2)"), "{md}");
    assert!(md.contains(&format!("| `broken` | 3 | 3 | 0.0% | `{log}:5` |")), "{md}");
    assert!(md.contains("### Flakiest tests (1)"), "{md}");
    assert!(md.contains("| `flaky` | 100.0% | 1 | 3 | 66.7% |"), "{md}");
}

#[test]
fn markdown_of_a_diff_lists_new_failures() {
    let dir = scratch("markdown-diff");
    let base = write(&dir.join("base.log"), "Test: a|b\nResult: PASS\nTest: c\nResult: FAIL\n");
    let current = write(&dir.join("current.log"), "Test: a|b\nResult: FAIL\nTest: c\nResult: PASS\n");
    let md = stdout(&lra(&["diff", "--format", "markdown", &base, &current]));
    assert!(md.contains("1 new failure, 1 fixed, 0 still failing, 0 new tests, 0 removed."), "{md}");
    assert!(md.contains("### New failures (1)\n\n- `a\\|b`\n"), "{md}");
    assert!(md.contains("### Fixed (1)\n\n- `c`\n"), "{md}");
}
