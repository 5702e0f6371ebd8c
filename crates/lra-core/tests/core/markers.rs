//! Custom markers (docs/design.md §1.2): any three texts in place of `Test: `, `Result: ` and
//! `Iteration `, matched case-sensitively or, for ASCII letters, in either case.

use lra_core::{Markers, NameMode, Options, Summary};
use serde_json::Value;

use crate::{counts, names, parse_with};

fn with(test: &str, result: &str, iteration: &str, ignore_case: bool) -> Options {
    Options { markers: Markers::new(test, result, iteration, ignore_case).unwrap(), ..Options::default() }
}

#[test]
fn custom_markers_read_a_log_the_default_ones_cannot() {
    let log = b"Round 1\nTEST: login\nSTATUS: PASS\nTEST: upload\nSTATUS: FAIL disk full\n\
                Round 2\nTEST: login\nSTATUS: fail\nTest: not a test here\nResult: PASS\n";
    let s = parse_with("t.log", log, &with("TEST:", "STATUS:", "Round ", false));
    assert_eq!(names(&s), ["login", "upload"]);
    assert_eq!(counts(&s, "login"), (1, 1, 0, 0, 0));
    assert_eq!(counts(&s, "upload"), (0, 1, 0, 0, 0));
    let labels: Vec<&str> = s.iterations().iter().map(|i| &*i.label).collect();
    assert_eq!(labels, ["1", "2"]);
    assert_eq!(s.failure_groups()[0].example.as_ref(), "disk full");
    // The default markers find the one line pair they know, and nothing else.
    let d = parse_with("t.log", log, &Options::default());
    assert_eq!(names(&d), ["not a test here"]);
}

#[test]
fn ignoring_case_matches_the_markers_in_any_case_of_ascii_letters() {
    let log = b"testcase: a\nVERDICT: pass\nTestCase: b\nverdict: Fail\nTESTCASE: c\n";
    let sensitive = parse_with("t.log", log, &with("Testcase: ", "Verdict: ", "Iteration ", false));
    assert_eq!(sensitive.tests().len(), 0);
    let any = parse_with("t.log", log, &with("Testcase: ", "Verdict: ", "Iteration ", true));
    assert_eq!(names(&any), ["a", "b", "c"]);
    assert_eq!(counts(&any, "a"), (1, 0, 0, 0, 0));
    assert_eq!(counts(&any, "b"), (0, 1, 0, 0, 0));
    assert_eq!(counts(&any, "c"), (0, 0, 0, 0, 1));
    // Names and words keep their own case (words are uppercased as always).
    assert_eq!(any.tests()[1].results.as_slice()[0].0.as_ref(), "FAIL");
}

#[test]
fn the_name_is_cut_before_a_custom_result_marker_on_the_same_line() {
    let o = Options { name_mode: NameMode::Line, ..with("Case: ", "Outcome: ", "Iteration ", true) };
    let s = parse_with("t.log", b"x CASE: gamma one outcome: ok\n", &o);
    assert_eq!(names(&s), ["gamma one"]);
    assert_eq!(counts(&s, "gamma one"), (1, 0, 0, 0, 0));
}

#[test]
fn the_summary_records_its_markers_and_reads_them_back() {
    let o = with("TEST:", "STATUS:", "Round ", true);
    let s = parse_with("t.log", b"test: a\nstatus: ok\n", &o);
    let v: Value = serde_json::from_str(&s.to_json()).unwrap();
    assert_eq!(v["markers"]["test"], "TEST:");
    assert_eq!(v["markers"]["result"], "STATUS:");
    assert_eq!(v["markers"]["iteration"], "Round ");
    assert_eq!(v["markers"]["ignore_case"], true);
    let back = Summary::from_json(&s.to_json()).unwrap();
    assert_eq!(back.markers, o.markers);
    assert_eq!(back, s);
}

#[test]
fn a_summary_saved_without_markers_has_the_default_ones() {
    let s = parse_with("t.log", b"Test: a\nResult: PASS\n", &Options::default());
    let mut v: Value = serde_json::from_str(&s.to_json()).unwrap();
    v.as_object_mut().unwrap().remove("markers");
    let back = Summary::from_json(&v.to_string()).unwrap();
    assert!(back.markers.is_default());
    assert_eq!(back, s);
}

#[test]
fn summaries_read_with_different_markers_are_refused_as_a_merge() {
    let mut a = parse_with("a", b"", &Options::default());
    let b = parse_with("b", b"", &with("TEST:", "STATUS:", "Round ", false));
    let err = a.merge(b.clone()).unwrap_err().to_string();
    assert!(err.contains(r#""TEST:" / "STATUS:" / "Round ""#), "{err}");
    assert!(err.contains(r#""Test: " / "Result: " / "Iteration ""#), "{err}");
    // Case alone differs: refused too, since a run could count on one side only.
    let c = parse_with("c", b"", &with("TEST:", "STATUS:", "Round ", true));
    let mut b2 = b;
    assert!(b2.merge(c).unwrap_err().to_string().contains("any case"));
}

#[test]
fn saved_markers_that_are_not_valid_are_refused_with_the_reason() {
    let s = parse_with("t.log", b"", &Options::default());
    let mut v: Value = serde_json::from_str(&s.to_json()).unwrap();
    v["markers"]["test"] = "".into();
    let err = Summary::from_json(&v.to_string()).unwrap_err();
    assert!(err.contains("test marker is empty"), "{err}");
}
