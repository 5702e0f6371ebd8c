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

/// A log in which test `name` runs `runs` times, one iteration each, `failed` of them failing
/// (the first ones), beside a test that always passes.
fn failing_at(dir: &Path, file: &str, name: &str, failed: usize, runs: usize) -> String {
    let mut log = String::new();
    for i in 0..runs {
        let word = if i < failed { "FAIL" } else { "PASS" };
        log.push_str(&format!("Iteration {i}\nTest: {name}\nResult: {word}\nTest: steady\nResult: PASS\n"));
    }
    write(&dir.join(file), &log)
}

#[test]
fn regressions_are_rates_that_rose_beyond_chance_not_any_new_failure() {
    let dir = scratch("gate-regressions");
    // 3 of 100, then 5 of 100: a rise that chance explains (Fisher's p is about 0.36).
    let (before, after) = (failing_at(&dir, "a.log", "t", 3, 100), failing_at(&dir, "b.log", "t", 5, 100));
    let o = lra(&["diff", "--format", "json", "--fail-on", "regressions", &before, &after]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json_of(&o);
    assert_eq!(v["regressions"], serde_json::json!([]));
    let t = v["compared"].as_array().unwrap().iter().find(|c| c["name"] == "t").unwrap();
    assert_eq!((t["before"]["failed"].as_u64(), t["before"]["runs"].as_u64()), (Some(3), Some(100)));
    assert_eq!((t["after"]["failed"].as_u64(), t["after"]["runs"].as_u64()), (Some(5), Some(100)));
    let p = t["p_worse"].as_f64().unwrap();
    assert!(p > 0.3 && p < 0.4, "{p}");
    // A test that never failed on either side has nothing to compare.
    assert_eq!(v["compared"].as_array().unwrap().len(), 1, "{v}");

    // 0 of 1000, then 30 of 1000: no chance at all.
    let (before, after) = (failing_at(&dir, "c.log", "t", 0, 1000), failing_at(&dir, "d.log", "t", 30, 1000));
    let o = lra(&["diff", "--fail-on", "regressions", &before, &after]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("--fail-on regressions: 1 regression: t"), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Failing more often, beyond chance at alpha 0.01 (1):"), "{out}");
    assert!(out.contains("  t  failed 0 of 1000 before, 30 of 1000 now (p = "), "{out}");
    // The same rise is a new failure too, and the markdown names it with its figures.
    let md = stdout(&lra(&["diff", "--format", "markdown", &before, &after]));
    assert!(md.contains("- `t`: failed 0 of 1000 before, 30 of 1000 now"), "{md}");

    // 1 of 20, then 6 of 20: p is about 0.046, a regression at 0.05 but not at the default 0.01.
    let (before, after) = (failing_at(&dir, "e.log", "t", 1, 20), failing_at(&dir, "f.log", "t", 6, 20));
    assert_eq!(lra(&["diff", "--fail-on", "regressions", &before, &after]).status.code(), Some(0));
    let o = lra(&["diff", "--fail-on", "regressions", "--alpha", "0.05", &before, &after]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    for bad in ["0", "1", "-0.1", "NaN", "often"] {
        let o = lra(&["diff", &format!("--alpha={bad}"), &before, &after]);
        assert_eq!(o.status.code(), Some(2), "--alpha {bad}");
        assert!(stderr(&o).contains("is not a significance level"), "{}", stderr(&o));
    }
}
