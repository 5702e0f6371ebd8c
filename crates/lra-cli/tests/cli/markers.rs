//! `--test-marker`, `--result-marker`, `--iteration-marker` and `--ignore-case`.

use crate::{json, lra, scratch, stderr, stdout, test_counts, write};

const LOG: &str = "=== ROUND 1\nTESTCASE: login\nVERDICT: PASS\nTESTCASE: upload\nVERDICT: FAIL disk full\n\
                   === round 2\nTestcase: login\nVerdict: fail\n";

#[test]
fn custom_markers_read_another_dialect() {
    let dir = scratch("markers");
    let log = write(&dir.join("d.log"), LOG);
    let args = ["summarize", "--format", "json", "--test-marker", "TESTCASE: ", "--result-marker", "VERDICT: "];
    let v = json(&lra(&[&args[..], &["--iteration-marker", "ROUND ", &log]].concat()));
    assert_eq!(test_counts(&v, "login"), (1, 0), "case-sensitive: round 2 is not matched");
    assert_eq!(test_counts(&v, "upload"), (0, 1));
    assert_eq!(v["markers"]["test"], "TESTCASE: ");
    assert_eq!(v["markers"]["ignore_case"], false);
    let v = json(&lra(&[&args[..], &["--iteration-marker", "ROUND ", "--ignore-case", &log]].concat()));
    assert_eq!(test_counts(&v, "login"), (1, 1));
    let labels: Vec<&str> = v["iterations"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["1", "2"]);
    assert_eq!(v["markers"]["ignore_case"], true);
}

#[test]
fn the_table_names_the_test_marker_when_none_is_found() {
    let dir = scratch("markers-none");
    let log = write(&dir.join("d.log"), LOG);
    let out = stdout(&lra(&["summarize", &log]));
    assert!(out.contains("No `Test: ` lines found."), "{out}");
    let out = stdout(&lra(&["summarize", "--test-marker", "CASE ", &log]));
    assert!(out.contains("No `CASE ` lines found."), "{out}");
}

#[test]
fn bad_markers_are_usage_errors() {
    let o = lra(&["summarize", "--test-marker", "", "x.log"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).trim_end(), "lra: the test marker is empty");
    let o = lra(&["summarize", "--test-marker", "X", "--result-marker", "x", "--ignore-case", "x.log"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("must differ"), "{}", stderr(&o));
}

#[test]
fn diff_reads_both_sides_with_the_markers_and_warns_when_a_saved_side_differs() {
    let dir = scratch("markers-diff");
    let base = write(&dir.join("base.log"), "TESTCASE: a\nVERDICT: PASS\n");
    let current = write(&dir.join("current.log"), "TESTCASE: a\nVERDICT: FAIL\n");
    let m = ["--test-marker", "TESTCASE: ", "--result-marker", "VERDICT: "];
    let o = lra(&[&["diff", "--format", "json"][..], &m, &[&base, &current]].concat());
    let v = json(&o);
    assert_eq!(v["new_failures"][0], "a");
    let saved = dir.join("base.json");
    std::fs::write(&saved, stdout(&lra(&["summarize", "--format", "json", &base]))).unwrap();
    let o = lra(&[&["diff"][..], &m, &[saved.to_str().unwrap(), &current]].concat());
    assert!(o.status.success());
    assert!(stderr(&o).contains("read by different rules"), "{}", stderr(&o));
}
