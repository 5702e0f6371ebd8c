//! `lra quarantine`: which tests a summary or a history quarantines, and that every name it
//! writes reaches the runner unchanged through a shell, or is said on stderr.

use std::process::Command;

use super::*;

/// A GoogleTest log of one build: each `(test, passed)` run in order.
fn gtest_build(runs: &[(&str, bool)]) -> String {
    let mut log = String::new();
    for (test, passed) in runs {
        let word = if *passed { "[       OK ]" } else { "[  FAILED  ]" };
        log.push_str(&format!("[ RUN      ] {test}\n{word} {test} (1 ms)\n"));
    }
    log
}

#[test]
fn a_history_quarantines_by_builds_a_summary_by_runs() {
    let dir = scratch("quarantine-history");
    let builds = dir.join("builds");
    std::fs::create_dir_all(&builds).unwrap();
    // S.Fixed fails in build 1 and passes in build 2: flaky over all runs, in no one build.
    // S.Flaky passes and fails within build 1. S.Broke fails every run of build 2, its last.
    write(&builds.join("build-1.log"), &gtest_build(&[("S.Fixed", false), ("S.Flaky", true), ("S.Flaky", false)]));
    write(&builds.join("build-2.log"), &gtest_build(&[("S.Fixed", true), ("S.Flaky", true), ("S.Broke", false)]));
    let folder = builds.to_str().unwrap();
    let history = dir.join("history.json");
    let o = lra(&["history", "--log-format", "gtest", "-o", history.to_str().unwrap(), folder]);
    assert!(o.status.success(), "{}", stderr(&o));
    let history = history.to_str().unwrap();

    let args = |extra: &[&str], path: &str| {
        let mut all = vec!["quarantine", "--runner", "gtest", "--log-format", "gtest"];
        all.extend_from_slice(extra);
        all.push(path);
        let o = lra(&all);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert_eq!(args(&[], history), "--gtest_filter=-S.Flaky\n");
    assert_eq!(args(&["--failing"], history), "--gtest_filter=-S.Broke\n");
    assert_eq!(args(&["--flaky", "--failing"], history), "--gtest_filter=-S.Flaky:S.Broke\n");
    // Read as one summary, the same runs make S.Fixed flaky too; S.Broke, whose one run
    // failed, is failing there as well.
    assert_eq!(args(&[], folder), "--gtest_filter=-S.Fixed:S.Flaky\n");
    assert_eq!(args(&["--failing"], folder), "--gtest_filter=-S.Broke\n");
}

#[test]
fn names_reach_the_runner_unchanged_through_a_shell_or_are_said_on_stderr() {
    let dir = scratch("quarantine-names");
    let ids = [
        "t.py::test_a",                           // a prefix of the next: not exact
        "t.py::test_a_b",                         // exact
        "t.py::test_x[$(touch pwned) it's; `x`]", // shell syntax, quoted
        "t.py::test_\u{202e}bidi",                // does not print as itself
    ];
    let mut log = String::new();
    for id in ids {
        log.push_str(&format!("{id} PASSED\n{id} FAILED\n"));
    }
    let log = write(&dir.join("p.log"), &log);
    let o = lra(&["quarantine", "--runner", "pytest", "--log-format", "pytest", &log]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The shell reads the words back as the ids, runs nothing and makes no file.
    let words = Command::new("sh")
        .current_dir(&dir)
        .args(["-c", &format!("printf '%s\\n' {}", stdout(&o).trim_end())])
        .output()
        .unwrap();
    assert_eq!(stdout(&words), format!("--deselect\n{}\n--deselect\n{}\n", ids[1], ids[2]));
    assert!(!dir.join("pwned").exists());
    let err = stderr(&o);
    assert!(err.contains("not quarantined: t.py::test_a: pytest would deselect t.py::test_a_b too"), "{err}");
    assert!(err.contains("t.py::test_⟨U+202E⟩bidi: its name does not print as itself"), "{err}");
    assert!(!err.contains('\u{202e}'), "a bidi control reaches the terminal raw: {err}");
    assert!(err.contains("2 test(s) quarantined for pytest, 2 could not be named"), "{err}");

    // The same names read as markers are no runner's ids: none is written.
    let markers: String =
        ids.iter().map(|id| format!("Test: {id}\nResult: PASS\nTest: {id}\nResult: FAIL\n")).collect();
    let markers = write(&dir.join("m.log"), &markers);
    let o = lra(&["quarantine", "--runner", "pytest", "--format", "json", &markers]);
    let v = json_of(&o);
    assert_eq!(v["schema"], "lra-quarantine/1");
    assert_eq!(v["args"], serde_json::json!([]));
    assert_eq!(v["unnamed"].as_array().unwrap().len(), 4);
    assert_eq!(v["unnamed"][1]["why"], "it was read as markers output, not pytest's");
}
