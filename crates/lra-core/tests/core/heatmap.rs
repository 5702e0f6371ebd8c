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
    let options = GenOptions { iterations: 300, tests: 2000, fail_rate: 0.05, flaky: 5, seed: 3 };
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
