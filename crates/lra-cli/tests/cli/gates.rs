//! The CI gates: `--fail-under` and `--fail-on`, and their exit status.

use super::*;

/// Nine passed runs and one failed: a pass rate of exactly 90%, with a skip that does not count.
fn ninety_percent(dir: &Path) -> String {
    let mut log = "Test: a\nResult: PASS\n".repeat(9);
    log.push_str("Test: b\nResult: FAIL\nTest: c\nResult: SKIP\n");
    write(&dir.join("ninety.log"), &log)
}

#[test]
fn fail_under_exits_with_3_below_the_rate_in_either_notation() {
    let dir = scratch("gate-rate");
    let log = ninety_percent(&dir);
    for rate in ["0.9", "90%", "0", "0%"] {
        let o = lra(&["summarize", "--fail-under", rate, &log]);
        assert_eq!(o.status.code(), Some(0), "--fail-under {rate}: {}", stderr(&o));
    }
    for rate in ["0.91", "90.5%", "100%"] {
        let o = lra(&["summarize", "--format", "json", "--fail-under", rate, &log]);
        assert_eq!(o.status.code(), Some(3), "--fail-under {rate}");
        let err = stderr(&o);
        assert!(err.contains("the pass rate is 90% (9 of 10 runs passed)"), "{err}");
        // The output is still written, for the job's artifacts.
        assert_eq!(json_of(&o)["totals"]["passed"], 9);
    }
}

#[test]
fn a_log_with_no_judged_run_fails_the_gate() {
    let dir = scratch("gate-empty");
    let skips = write(&dir.join("skips.log"), "Test: a\nResult: SKIP\n");
    let empty = write(&dir.join("empty.log"), "");
    for log in [&skips, &empty] {
        let o = lra(&["summarize", "--fail-under", "0", log]);
        assert_eq!(o.status.code(), Some(3));
        assert!(stderr(&o).contains("no run passed or failed"), "{}", stderr(&o));
    }
    let o = lra(&["diff", "--fail-on", "failures", &ninety_percent(&dir), &skips]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("no run passed or failed in the current run"), "{}", stderr(&o));
}

#[test]
fn a_read_error_wins_over_the_gate_and_usage_errors_stay_2() {
    let dir = scratch("gate-errors");
    let log = ninety_percent(&dir);
    let missing = dir.join("missing.log");
    let o = lra(&["summarize", "--fail-under", "99%", &log, missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    for bad in ["95", "1.5", "-1%", "most"] {
        let o = lra(&["summarize", &format!("--fail-under={bad}"), &log]);
        assert_eq!(o.status.code(), Some(2), "--fail-under {bad}");
        assert!(stderr(&o).contains("give a fraction (0.95) or a percentage (95%)"), "{}", stderr(&o));
    }
    assert_eq!(lra(&["diff", "--fail-on", "flakes", &log, &log]).status.code(), Some(2));
    let o = lra(&["diff", "--fail-on", "failures", &log, missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn fail_on_new_failures_counts_new_tests_that_fail_and_not_old_failures() {
    let dir = scratch("gate-new");
    let base = write(&dir.join("base.log"), "Test: old\nResult: FAIL\nTest: fine\nResult: PASS\n");
    let same = write(&dir.join("same.log"), "Test: old\nResult: FAIL\nTest: fine\nResult: PASS\n");
    let broke = write(&dir.join("broke.log"), "Test: old\nResult: FAIL\nTest: fine\nResult: FAIL\n");
    let added =
        write(&dir.join("added.log"), "Test: old\nResult: FAIL\nTest: fine\nResult: PASS\nTest: new\nResult: FAIL\n");
    let o = lra(&["diff", "--fail-on", "new-failures", &base, &same]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (current, name) in [(&broke, "fine"), (&added, "new")] {
        let o = lra(&["diff", "--fail-on", "new-failures", &base, current]);
        assert_eq!(o.status.code(), Some(3));
        assert_eq!(stderr(&o).trim_end(), format!("lra: --fail-on new-failures: 1 new failure: {name}"));
    }
    // `failures` fails on the old one too.
    let o = lra(&["diff", "--fail-on", "failures", &base, &same]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(stderr(&o).trim_end(), "lra: --fail-on failures: 1 failing test: old");
    // Against a saved summary as the base.
    let saved = write(&dir.join("base.json"), &stdout(&lra(&["summarize", "--format", "json", &base])));
    assert_eq!(lra(&["diff", "--fail-on", "new-failures", &saved, &broke]).status.code(), Some(3));
    assert_eq!(lra(&["diff", "--fail-on", "new-failures", &saved, &same]).status.code(), Some(0));
}
