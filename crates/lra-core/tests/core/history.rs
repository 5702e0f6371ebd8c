//! Builds merged into a history: exact under any merge tree of builds in order, and never mixed
//! with a summary of no builds.

use lra_core::{GridAxis, MergeError, NameMode, Summary};

use super::parse;

/// Build `b` of a designed suite: `steady` always passes, `broke` fails from build 3 on, `fixed`
/// fails until build 2, `new` only runs from build 4; three iterations each.
fn build(b: usize) -> Summary {
    let mut log = String::new();
    for i in 1..=3 {
        log.push_str(&format!("Iteration {i}\nTest: steady\nResult: PASS\n"));
        log.push_str(&format!("Test: broke\nResult: {}\n", if b >= 3 { "FAIL" } else { "PASS" }));
        log.push_str(&format!("Test: fixed\nResult: {}\n", if b <= 2 { "FAIL" } else { "PASS" }));
        if b >= 4 {
            log.push_str("Test: new\nResult: PASS\n");
        }
    }
    parse(&format!("build-{b}.log"), log.as_bytes(), NameMode::Line).into_build(&format!("build-{b}"))
}

fn merged(parts: Vec<Summary>) -> Summary {
    let mut all = Summary::empty(NameMode::Line);
    for p in parts {
        all.merge(p).unwrap();
    }
    all
}

#[test]
fn builds_merge_the_same_in_any_tree() {
    let flat = merged((1..=5).map(build).collect());
    let h = flat.history().unwrap();
    assert_eq!(
        h.builds.iter().map(|b| &**b).collect::<Vec<_>>(),
        ["build-1", "build-2", "build-3", "build-4", "build-5"]
    );
    let left = merged(vec![merged(vec![build(1), build(2)]), build(3), merged(vec![build(4), build(5)])]);
    let right =
        merged(vec![build(1), merged(vec![build(2), merged(vec![build(3), merged(vec![build(4), build(5)])])])]);
    assert_eq!(left, flat);
    assert_eq!(right, flat);
}

#[test]
fn each_tests_row_says_what_the_design_says() {
    let s = merged((1..=5).map(build).collect());
    let h = s.history().unwrap();
    let row = |name: &str| h.test(s.tests().iter().position(|t| &*t.name == name).unwrap(), 0.01);
    let broke = row("broke");
    assert_eq!(
        (broke.builds_run, broke.builds_failed, broke.failing_since, broke.last_passed),
        (5, 3, Some(2), Some(1))
    );
    let fixed = row("fixed");
    assert_eq!((fixed.builds_failed, fixed.failing_since, fixed.last_passed), (2, None, Some(4)));
    let new = row("new");
    assert_eq!((new.first_build, new.last_build, new.builds_run), (Some(3), Some(4), 2));
    let steady = row("steady");
    assert_eq!((steady.builds_failed, steady.change_point), (0, None));
}

#[test]
fn a_history_and_a_summary_of_no_builds_do_not_merge() {
    let plain = parse("plain.log", b"Test: a\nResult: PASS\n", NameMode::Line);
    let mut history = build(1);
    let e = history.merge(plain.clone()).unwrap_err();
    assert_eq!(e, MergeError::History { left_is_history: true });
    assert!(e.to_string().contains("read it as the history's next build"), "{e}");
    let mut plain = plain;
    assert_eq!(plain.merge(build(2)).unwrap_err(), MergeError::History { left_is_history: false });
}

#[test]
fn a_repeated_label_is_numbered() {
    let s = merged(vec![build(1), build(1), build(1)]);
    let labels = s.history().unwrap().labels();
    assert_eq!(labels.iter().map(|b| &**b).collect::<Vec<_>>(), ["build-1", "build-1 #2", "build-1 #3"]);
    // In any tree.
    let other = merged(vec![build(1), merged(vec![build(1), build(1)])]);
    assert_eq!(other.history().unwrap().labels(), labels);
}

#[test]
fn a_saved_history_extended_equals_one_made_at_once_byte_for_byte() {
    let at_once = merged((1..=5).map(build).collect()).to_json();
    for saved_after in 1..5 {
        let saved = merged((1..=saved_after).map(build).collect()).to_json();
        let mut extended = Summary::from_json(&saved).unwrap();
        for b in saved_after + 1..=5 {
            extended.merge(build(b)).unwrap();
        }
        assert_eq!(extended.to_json(), at_once, "saved after build {saved_after}");
    }
    let v: serde_json::Value = serde_json::from_str(&at_once).unwrap();
    assert_eq!(v["builds"][4]["label"], "build-5");
    let broke = v["tests"].as_array().unwrap().iter().find(|t| t["name"] == "broke").unwrap();
    assert_eq!(broke["by_build"], serde_json::json!([[0, 2, 3, 0], [2, 3, 0, 3]]));
    assert_eq!(broke["history"]["failing_since"], "build-3");
    assert_eq!(broke["history"]["last_passed"], "build-2");
}

#[test]
fn a_history_whose_builds_do_not_hold_its_runs_is_refused() {
    let json = merged((1..=2).map(build).collect()).to_json();
    for (from, to, why) in
        [("[[0,2,3,0]]", "[[0,3,3,0]]", "past the 2 listed"), ("[[0,2,3,0]]", "[[0,1,3,0]]", "are not its runs")]
    {
        let hostile = json.replacen(from, to, 1);
        assert_ne!(hostile, json, "{from}");
        let e = Summary::from_json(&hostile).unwrap_err();
        assert!(e.contains(why), "{e}");
    }
}

#[test]
fn the_history_grid_puts_the_newly_broken_first_and_marks_their_change() {
    let s = merged((1..=5).map(build).collect());
    // broke and fixed both changed at build-3 (index 2); broke fails since then, so it is first.
    // steady and new never failed: no rows.
    let grid = s.history_grid(&s.history_rows(50), 1000).unwrap();
    assert_eq!(grid.axis, GridAxis::Builds);
    assert_eq!(grid.tests.iter().map(|t| &*t.name).collect::<Vec<_>>(), ["broke", "fixed"]);
    assert_eq!(grid.labels, ["build-1", "build-2", "build-3", "build-4", "build-5"]);
    assert_eq!(grid.marks, [(0, 2), (1, 2)]);
    let failed = |row: usize| grid.row(row).iter().map(|c| c.2.failed).collect::<Vec<_>>();
    assert_eq!((failed(0), failed(1)), (vec![0, 0, 3, 3, 3], vec![3, 3, 0, 0, 0]));
    // Four cells for two rows: builds share columns of three, and the marks move with them.
    let binned = s.history_grid(&s.history_rows(50), 4).unwrap();
    assert_eq!(binned.labels, ["build-1–build-3", "build-4–build-5"]);
    assert_eq!(binned.marks, [(0, 0), (1, 0)]);
    let cells: Vec<(u64, u64)> = binned.row(0).iter().map(|c| (c.2.passed, c.2.failed)).collect();
    assert_eq!(cells, [(6, 3), (0, 6)]);
    // A summary of no builds has no history grid.
    let plain = parse("plain.log", b"Test: a\nResult: FAIL\n", NameMode::Line);
    assert!(plain.history_rows(50).is_empty() && plain.history_grid(&[], 1000).is_none());
}
