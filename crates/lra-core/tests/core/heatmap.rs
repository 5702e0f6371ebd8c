//! The per-iteration cells behind the tests × iterations heatmap: exact, and sparse.

use lra_core::{Cell, GenOptions, NameMode, Summary, generate};

use crate::{parse, parse_files};

/// The (passed, failed) of `test` in the iteration labelled `label`.
fn cell(s: &Summary, test: &str, label: &str) -> (u64, u64) {
    let t = s.tests().iter().find(|t| &*t.name == test).expect("test");
    let i = s.iterations().iter().position(|i| &*i.label == label).expect("iteration");
    let Cell { passed, failed } = t.by_iteration.at(i as u32);
    (passed, failed)
}

#[test]
fn cells_count_each_tests_runs_per_iteration_label_across_files() {
    let a = b"Iteration 1\nTest: x\nResult: PASS\nTest: y\nResult: FAIL\nTest: x\nResult: FAIL\n\
              Iteration 2\nTest: x\nResult: FAIL\nTest: y\nResult: SKIP\n";
    let b = b"Test: x\nResult: FAIL\nIteration 1\nTest: x\nResult: PASS\nTest: y\nResult: PASS\n";
    let s = parse_files(&[("a.log", a), ("b.log", b)], NameMode::Line);
    assert_eq!(cell(&s, "x", "1"), (2, 1));
    assert_eq!(cell(&s, "x", "2"), (0, 1));
    assert_eq!(cell(&s, "y", "1"), (1, 1));
    // A skipped run is not judged; b.log's run before any iteration belongs to none.
    assert_eq!(cell(&s, "y", "2"), (0, 0));
    assert_eq!(s.tests()[0].counts.failed, 3);
    // The saved summary keeps them.
    assert_eq!(Summary::from_json(&s.to_json()).unwrap(), s);
}

#[test]
fn cells_stay_sparse_when_most_tests_give_the_same_outcome_every_iteration() {
    let options =
        GenOptions { iterations: 300, tests: 2000, fail_rate: 0.05, flaky: 5, seed: 3, ..GenOptions::default() };
    let mut log = Vec::new();
    generate(options, &mut log).unwrap();
    let s = parse("big.log", &log, NameMode::FirstWord);
    assert_eq!(s.iterations().len(), 300);
    // A test that passes (or fails) once in every iteration is one span, not 300 cells.
    let stable: Vec<_> = s.tests().iter().filter(|t| !t.flaky()).collect();
    assert_eq!(stable.len(), 1995);
    assert!(stable.iter().all(|t| t.by_iteration.spans().len() == 1));
    let spans: usize = s.tests().iter().map(|t| t.by_iteration.spans().len()).sum();
    assert!(spans <= 1995 + 5 * 300, "{spans} spans");
    // Every flaky test's cells add up to its counts.
    for t in s.tests() {
        let sum = t.by_iteration.spans().iter().fold(Cell::default(), |acc, s| {
            let c = s.cell.times(s.len.into());
            Cell { passed: acc.passed + c.passed, failed: acc.failed + c.failed }
        });
        assert_eq!((sum.passed, sum.failed), (t.counts.passed, t.counts.failed), "{}", t.name);
    }
}

#[test]
fn a_saved_summary_with_cells_past_its_iterations_is_refused() {
    let s = parse("a.log", b"Iteration 1\nTest: x\nResult: PASS\n", NameMode::Line);
    let json = s.to_json().replace("[0,1,1,0]", "[0,2,1,0]");
    let err = Summary::from_json(&json).unwrap_err();
    assert!(err.contains("past the 1 listed"), "{err}");
}

/// A log of `iterations` iterations, labelled 1…n, where `fails(test, iteration)` says whether
/// each of the tests a, b, c failed.
fn log_of(iterations: u32, fails: impl Fn(&str, u32) -> bool) -> Vec<u8> {
    let mut log = String::new();
    for i in 1..=iterations {
        log += &format!("Iteration {i}\n");
        for t in ["a", "b", "c"] {
            log += &format!("Test: {t}\nResult: {}\n", if fails(t, i) { "FAIL" } else { "PASS" });
        }
    }
    log.into_bytes()
}

#[test]
fn the_grid_shows_failing_tests_only_flaky_first_then_most_failures_first() {
    let log = log_of(6, |t, i| (t == "c" && i % 2 == 0) || (t == "b" && i == 5));
    let s = parse("a.log", &log, NameMode::Line);
    let grid = s.failure_grid(50, 10_000);
    let names: Vec<&str> = grid.tests.iter().map(|t| &*t.name).collect();
    assert_eq!(names, ["c", "b"]);
    // A test that failed every time, with the most failures, still comes after the flaky ones.
    let log = log_of(6, |t, i| t == "a" || (t == "c" && i == 2));
    let s = parse("a.log", &log, NameMode::Line);
    let names: Vec<&str> = s.failure_grid(50, 10_000).tests.iter().map(|t| &*t.name).collect();
    assert_eq!(names, ["c", "a"]);
    assert_eq!(grid.columns.len(), 6);
    assert_eq!(grid.column_label(4), "5");
    // Every judged cell of both rows is there; c failed in iterations 2, 4 and 6.
    assert_eq!(grid.cells.len(), 12);
    let failed: Vec<(u32, u32)> = grid.cells.iter().filter(|c| c.2.failed > 0).map(|c| (c.0, c.1)).collect();
    assert_eq!(failed, [(0, 1), (0, 3), (0, 5), (1, 4)]);
    assert_eq!(grid.row(1).len(), 6);
    assert!(grid.row(1).iter().all(|c| c.0 == 1));
    assert!(grid.row(2).is_empty());
    // Only the first row fits.
    assert_eq!(s.failure_grid(1, 10_000).tests.len(), 1);
}

#[test]
fn a_grid_too_large_to_draw_bins_consecutive_iterations_and_keeps_the_sums() {
    let log = log_of(10, |t, i| t != "a" && i % 3 == 0);
    let s = parse("a.log", &log, NameMode::Line);
    // Two rows and at most 8 cells: 4 columns of 3 iterations (the last holds one).
    let grid = s.failure_grid(50, 8);
    assert_eq!(grid.columns, [0..3, 3..6, 6..9, 9..10]);
    assert_eq!(grid.column_label(1), "4–6");
    let row0: Vec<(u64, u64)> = grid.cells.iter().filter(|c| c.0 == 0).map(|c| (c.2.passed, c.2.failed)).collect();
    assert_eq!(row0, [(2, 1), (2, 1), (2, 1), (1, 0)]);
    assert!(grid.cells.len() <= 8);
}

#[test]
fn no_failures_no_grid_rows() {
    let s = parse("a.log", &log_of(4, |_, _| false), NameMode::Line);
    let grid = s.failure_grid(50, 10_000);
    assert!(grid.tests.is_empty() && grid.cells.is_empty());
}

#[test]
fn a_test_that_failed_only_outside_iterations_has_no_row() {
    // Its failure has no cell; a row of passes alone would read as "never failed".
    let s = parse("a.log", b"Test: x\nResult: FAIL\nIteration 1\nTest: x\nResult: PASS\n", NameMode::Line);
    assert!(s.tests()[0].flaky());
    assert!(s.failure_grid(50, 10_000).tests.is_empty());
}

#[test]
fn a_saved_summary_with_absurd_cells_is_refused_not_drawn() {
    // Cells that hold more runs than the test (and overlap): once read and drawn without
    // overflowing; now refused, since a merge with them would be silently wrong.
    let s = parse("a.log", b"Iteration 1\nTest: x\nResult: FAIL\n", NameMode::Line);
    let huge = u64::MAX.to_string();
    let json = s.to_json().replace("[0,1,0,1]", &format!("[0,1,{huge},1],[0,1,1,1]"));
    let err = Summary::from_json(&json).unwrap_err();
    assert!(err.contains(r#"test "x": its cells hold more runs than it has"#), "{err}");
}
