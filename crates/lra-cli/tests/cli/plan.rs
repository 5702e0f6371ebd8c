//! `lra plan`: how many clean runs show each failed test's rate under a target.

use super::*;

/// The fewest runs `total` at which seeing at most one failure has a chance under 5% at rate
/// `p`: P(X ≤ 1) = (1 − p)^total + total·p·(1 − p)^(total − 1), counted up one run at a time.
fn runs_to_clear_one_failure(p: f64) -> u64 {
    (1u64..).find(|&n| (1.0 - p).powf(n as f64) + n as f64 * p * (1.0 - p).powf(n as f64 - 1.0) < 0.05).unwrap()
}

#[test]
fn each_failed_test_gets_the_clean_runs_that_show_it_under_the_target() {
    let dir = scratch("plan");
    let mut log = String::new();
    for i in 0..10 {
        // `once` fails in the first of 10 iterations, `thrice` in the first 3, `fine` never.
        let word = |failing: bool| if failing { "FAIL" } else { "PASS" };
        log.push_str(&format!(
            "Iteration {i}\nTest: once\nResult: {}\nTest: thrice\nResult: {}\nTest: fine\nResult: PASS\n",
            word(i == 0),
            word(i < 3)
        ));
    }
    let log = write(&dir.join("runs.log"), &log);
    let o = lra(&["plan", "--target-rate", "0.01", "--format", "json", &log]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_of(&o);
    assert_eq!(v["schema"], "lra-plan/1");
    let tests = v["tests"].as_array().unwrap();
    let names: Vec<&str> = tests.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["thrice", "once"], "the failed tests, most runs needed first");
    let once = &tests[1];
    assert_eq!((once["failed"].as_u64(), once["runs"].as_u64()), (Some(1), Some(10)));
    let more = runs_to_clear_one_failure(0.01) - 10;
    assert_eq!(once["more_runs"].as_u64(), Some(more));
    assert!(tests[0]["more_runs"].as_u64().unwrap() > more);
    assert_eq!(v["suite_more_runs"], tests[0]["more_runs"]);
    // The bound now: 1 of 10 at most about 39% (P(X ≤ 1) = 0.05 there).
    let bound = once["upper_bound"].as_f64().unwrap();
    let chance = |p: f64| (1.0 - p).powi(10) + 10.0 * p * (1.0 - p).powi(9);
    assert!((chance(bound) - 0.05).abs() < 1e-9, "{bound}");

    let table = stdout(&lra(&["plan", "--target-rate", "0.01", &log]));
    assert!(table.contains(&format!("{more:>12}  {:>15}", "1 / 10")), "{table}");
    assert!(table.contains(&format!("The suite needs {} more clean runs.", tests[0]["more_runs"])), "{table}");

    let clean = write(&dir.join("clean.log"), "Test: a\nResult: PASS\n");
    let table = stdout(&lra(&["plan", "--target-rate", "0.01", &clean]));
    assert_eq!(table, "No test failed: nothing to show under 1%.\n");
    for bad in ["0", "1", "2", "-0.5", "often"] {
        let o = lra(&["plan", &format!("--target-rate={bad}"), &log]);
        assert_eq!(o.status.code(), Some(2), "--target-rate {bad}");
        assert!(stderr(&o).contains("is not a target failure rate"), "{}", stderr(&o));
    }
}
