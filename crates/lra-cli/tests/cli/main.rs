//! End-to-end tests of the `lra` binary, compiled as one test binary.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod archives;
mod durations;
mod gates;
mod history;
mod hostile;
mod markers;
mod merge;
mod plan;
mod quarantine;
mod reports;
mod runners;
mod show;

const SAMPLE: &str = include_str!("../../../../tests/fixtures/seed-sample.log");

fn lra(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lra")).args(args).output().unwrap()
}

/// Runs `lra` with `input` on its standard input.
fn lra_with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lra"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lra-cli-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, text: &str) -> String {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The JSON on stdout, whatever the exit status.
fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap()
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "stderr: {}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn test_counts(v: &Value, name: &str) -> (u64, u64) {
    let t = v["tests"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap();
    (t["passed"].as_u64().unwrap(), t["failed"].as_u64().unwrap())
}

#[test]
fn json_of_the_seed_sample_in_first_word_mode() {
    let dir = scratch("json");
    let log = write(&dir.join("sample.log"), SAMPLE);
    let v = json(&lra(&["summarize", "--format", "json", "--name", "first-word", &log]));
    assert_eq!(v["schema"], "lra-summary/1");
    assert_eq!(v["name_mode"], "first-word");
    assert_eq!(test_counts(&v, "Apples"), (2, 0));
    assert_eq!(test_counts(&v, "Oranges"), (1, 1));
    assert_eq!(test_counts(&v, "Watermelon"), (0, 2));
    assert_eq!(v["files"][0]["name"], log.as_str());
}

#[test]
fn line_mode_is_the_default() {
    let dir = scratch("line");
    let log = write(&dir.join("sample.log"), SAMPLE);
    let v = json(&lra(&["summarize", "--format", "json", &log]));
    assert_eq!(v["name_mode"], "line");
    assert_eq!(test_counts(&v, "Apples Test"), (2, 0));
}

#[test]
fn table_lists_totals_then_failures_first_then_anomalies() {
    let dir = scratch("table");
    let log = write(&dir.join("sample.log"), &format!("{SAMPLE}# Result: PASS\n# Test: Kiwi Test\n"));
    let o = lra(&["summarize", "--name", "first-word", &log]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("10 runs: 3 passed, 3 failed, 3 skipped, 0 other, 1 missing"), "{out}");
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with(['A', 'O', 'W', 'K'])).collect();
    assert!(rows[0].starts_with("Watermelon") && rows[1].starts_with("Oranges"), "{rows:?}");
    assert!(rows[0].ends_with("sample.log:16"), "first failure location: {}", rows[0]);
    assert!(out.contains("Anomalies: 2 (1 orphan result, 1 missing result)"), "{out}");
    let n = SAMPLE.lines().count();
    assert!(out.contains(&format!("{log}:{}  orphan_result  \"PASS\"", n + 1)), "{out}");
    assert!(out.contains(&format!("{log}:{}  missing_result  \"Kiwi\"", n + 2)), "{out}");
}

#[test]
fn csv_has_a_header_and_one_quoted_row_per_test() {
    let dir = scratch("csv");
    let log = write(&dir.join("q.log"), "Test: a, \"b\"\nResult: FAIL\nTest: plain\nResult: PASS\n");
    let o = lra(&["summarize", "--format", "csv", &log]);
    assert!(o.status.success());
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "name,runs,passed,failed,skipped,other,missing,pass_rate,first_failure_file,first_failure_line,\
         timed_runs,total_ms,min_ms,p50_ms,p95_ms,max_ms,failure_rate,failure_rate_ci95_low,failure_rate_ci95_high"
    );
    // Wilson's interval of 1 in 1 is [1 / (1 + z²), 1], of 0 in 1 [0, z² / (1 + z²)], z = 1.96.
    assert_eq!(lines[1], format!("\"a, \"\"b\"\"\",1,0,1,0,0,0,0.000000,{log},2,,,,,,,1.000000,0.206549,1.000000"));
    assert_eq!(lines[2], "plain,1,1,0,0,0,0,1.000000,,,,,,,,,0.000000,0.000000,0.793451");
    assert_eq!(lines.len(), 3);
}

#[test]
fn csv_cells_a_spreadsheet_would_run_as_formulas_are_quoted_as_text() {
    let dir = scratch("csv-formulas");
    let names = [
        "=HYPERLINK(\"http://x.invalid\",\"y\")",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\tx",
        "a=b",
        "x-1",
        "a;=HYPERLINK(\"http://x.invalid\")",
        "x\t+cmd",
    ];
    let log: String = names.iter().map(|n| format!("Test: {n}\nResult: PASS\n")).collect();
    let log = write(&dir.join("f.log"), &log);
    let out = stdout(&lra(&["summarize", "--format", "csv", "--name", "line", &log]));
    let names_as_written: Vec<&str> = out.lines().skip(1).map(|row| &row[..row.find(",1,1,").unwrap()]).collect();
    // A leading `=`, `+`, `-`, `@` or tab gets a `'` before it inside quotes (OWASP's advice);
    // the same characters later in a name are left alone. The tab is trimmed off the name. A
    // name that holds a separator (`;` and tab too) is quoted: no cell starts inside it.
    assert_eq!(
        names_as_written,
        [
            r#""'=HYPERLINK(""http://x.invalid"",""y"")""#,
            r#""'+1+1""#,
            r#""'-2+3""#,
            r#""'@SUM(A1)""#,
            "x",
            "a=b",
            "x-1",
            r#""a;=HYPERLINK(""http://x.invalid"")""#,
            "\"x\t+cmd\""
        ]
    );
}

#[test]
fn directories_are_read_recursively_in_sorted_order() {
    let dir = scratch("dir");
    write(&dir.join("b/2.log"), "Test: t\nResult: FAIL\n");
    write(&dir.join("b/1.log"), "Test: t\nResult: PASS\n");
    write(&dir.join("a.log"), "Test: t\nResult: SKIP\n");
    let v = json(&lra(&["summarize", "--format", "json", dir.to_str().unwrap()]));
    let files: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| Path::new(f["name"].as_str().unwrap()).strip_prefix(&dir).unwrap().display().to_string())
        .collect();
    assert_eq!(files, ["a.log", "b/1.log", "b/2.log"]);
    assert_eq!(v["totals"]["tests"], 3);
    // The first failure is in the last file.
    assert!(v["tests"][0]["first_failure"]["file"].as_str().unwrap().ends_with("b/2.log"));
}

#[test]
fn stdin_is_read_for_dash() {
    let v = json(&lra_with_stdin(&["summarize", "--format", "json", "--name", "first-word", "-"], SAMPLE.as_bytes()));
    assert_eq!(v["files"][0]["name"], "<stdin>");
    assert_eq!(test_counts(&v, "Oranges"), (1, 1));
}

#[test]
fn an_unreadable_path_is_named_on_stderr_and_the_others_still_count() {
    let dir = scratch("unreadable");
    let good = write(&dir.join("good.log"), "Test: t\nResult: PASS\n");
    let missing = dir.join("missing.log");
    let o = lra(&["summarize", "--format", "json", missing.to_str().unwrap(), &good]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(err.trim_end(), format!("lra: {}: No such file or directory", missing.display()));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["totals"]["passed"], 1);
}

#[test]
fn a_broken_entry_inside_a_directory_is_reported_too() {
    let dir = scratch("broken");
    write(&dir.join("ok.log"), "Test: t\nResult: PASS\n");
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("dangling.log")).unwrap();
    let o = lra(&["summarize", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("dangling.log: No such file or directory"), "{}", stderr(&o));
    assert!(stdout(&o).contains("1 runs: 1 passed"), "{}", stdout(&o));
}

#[test]
fn an_empty_file_is_a_valid_log() {
    let dir = scratch("empty");
    let log = write(&dir.join("empty.log"), "");
    let o = lra(&["summarize", &log]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("No `Test: ` lines found."), "{}", stdout(&o));
    let v = json(&lra(&["summarize", "--format", "json", &log]));
    assert_eq!(v["totals"]["tests"], 0);
    assert_eq!(v["files"][0]["bytes"], 0);
    assert_eq!(v["tests"].as_array().unwrap().len(), 0);
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(lra(&["summarize"]).status.code(), Some(2));
    assert_eq!(lra(&["summarize", "--format", "xml", "x"]).status.code(), Some(2));
    assert_eq!(lra(&["summarize", "--threads", "0", "x"]).status.code(), Some(2));
    assert_eq!(lra(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn thread_counts_agree() {
    let dir = scratch("threads");
    let generated = lra(&["generate", "--iterations", "3000", "--tests", "40", "--flaky", "5", "--fail-rate", "0.3"]);
    assert!(generated.status.success());
    assert!(generated.stdout.len() > 10 << 20, "the log must span several read slices");
    let log = dir.join("generated.log");
    fs::write(&log, &generated.stdout).unwrap();
    let log = log.to_str().unwrap();
    let one = lra(&["summarize", "--format", "json", "--threads", "1", log]);
    for threads in ["2", "3"] {
        let many = lra(&["summarize", "--format", "json", "--threads", threads, log]);
        assert_eq!(stdout(&many), stdout(&one), "{threads} threads");
    }
    assert_eq!(json(&one)["totals"]["tests"], 3000 * 40);
}

#[test]
fn generate_writes_the_seed_format_and_size_stops_it() {
    let o = lra(&["generate", "--iterations", "2", "--tests", "3"]);
    let text = stdout(&o);
    assert!(text.starts_with("# Iteration 1\n# Test: Apples Test\n"), "{text}");
    assert_eq!(text.matches("# Result: ").count(), 6);
    let o = lra(&["generate", "--size", "100K"]);
    assert!((100 << 10..(100 << 10) + 4096).contains(&o.stdout.len()), "{}", o.stdout.len());
    assert_eq!(lra(&["generate", "--fail-rate", "2"]).status.code(), Some(2));
}

#[test]
fn parts_read_by_threads_agree_even_when_a_line_spans_a_part() {
    // A file read as one part per thread, where one 6 MB line crosses where the parts would be
    // cut, and the log ends without a newline.
    let dir = scratch("ranges");
    let mut log = String::from("Iteration 1\nTest: before\n");
    log.push_str(&format!("Result: PASS {}\n", "x".repeat(6 << 20)));
    for i in 0..50_000 {
        log.push_str(&format!(
            "Test: t{}\nnoise line\nResult: {}\r\n",
            i % 97,
            if i % 13 == 0 { "FAIL" } else { "ok" }
        ));
    }
    log.push_str("Test: open at the end");
    let path = write(&dir.join("ranges.log"), &log);
    let one = lra(&["summarize", "--format", "json", "--threads", "1", &path]);
    assert!(one.status.success());
    for threads in ["2", "3", "5"] {
        let many = lra(&["summarize", "--format", "json", "--threads", threads, &path]);
        assert_eq!(stdout(&many), stdout(&one), "{threads} threads");
    }
    let v = json(&one);
    assert_eq!(v["totals"]["tests"], 50_002);
    assert_eq!(v["totals"]["missing"], 1);
}

const BASE: &str = "Test: a\nResult: PASS\nTest: b\nResult: FAIL\nTest: c\nResult: FAIL\nTest: gone\nResult: PASS\n\
                    Test: skipped\nResult: SKIP\n";
const CURRENT: &str = "Test: a\nResult: PASS\nTest: a\nResult: FAIL x\nTest: b\nResult: PASS\nTest: c\nResult: ERROR\n\
                       Test: new\nResult: FAIL\nTest: skipped\nResult: FAIL\n";

fn diff_lists(v: &Value) -> Vec<(String, Vec<String>)> {
    ["new_failures", "fixed", "still_failing", "new_tests", "removed_tests"]
        .iter()
        .map(|k| {
            let names = v[k].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_owned()).collect();
            (k.to_string(), names)
        })
        .collect()
}

fn expected_lists() -> Vec<(String, Vec<String>)> {
    [
        ("new_failures", vec!["a", "skipped"]),
        ("fixed", vec!["b"]),
        ("still_failing", vec!["c"]),
        ("new_tests", vec!["new"]),
        ("removed_tests", vec!["gone"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(String::from).collect()))
    .collect()
}

#[test]
fn diff_of_two_logs() {
    let dir = scratch("diff-logs");
    let base = write(&dir.join("base.log"), BASE);
    let current = write(&dir.join("current.log"), CURRENT);
    let v = json(&lra(&["diff", "--format", "json", &base, &current]));
    assert_eq!(v["schema"], "lra-diff/1");
    // `skipped` was neither passing nor failing in the base: failing now, it is a new failure.
    assert_eq!(diff_lists(&v), expected_lists());
    let table = stdout(&lra(&["diff", &base, &current]));
    assert!(table.contains("New failures (2):\n  a\n  skipped\nFixed (1):\n  b\n"), "{table}");
}

#[test]
fn diff_against_a_saved_summary_and_a_directory() {
    let dir = scratch("diff-saved");
    let base_log = write(&dir.join("base.log"), BASE);
    let saved = dir.join("base.json");
    let o = lra(&["summarize", "--format", "json", &base_log]);
    fs::write(&saved, &o.stdout).unwrap();
    write(&dir.join("current/part1.log"), "Test: a\nResult: PASS\nTest: a\nResult: FAIL x\nTest: b\nResult: PASS\n");
    write(
        &dir.join("current/part2.log"),
        "Test: c\nResult: ERROR\nTest: new\nResult: FAIL\nTest: skipped\nResult: FAIL\n",
    );
    let current = dir.join("current");
    let v = json(&lra(&["diff", "--format", "json", saved.to_str().unwrap(), current.to_str().unwrap()]));
    assert_eq!(diff_lists(&v), expected_lists());
    // Both sides saved.
    let saved_current = dir.join("current.json");
    fs::write(&saved_current, lra(&["summarize", "--format", "json", current.to_str().unwrap()]).stdout).unwrap();
    let v = json(&lra(&["diff", "--format", "json", saved.to_str().unwrap(), saved_current.to_str().unwrap()]));
    assert_eq!(diff_lists(&v), expected_lists());
}

#[test]
fn diff_with_a_broken_side_says_why_and_fails() {
    let dir = scratch("diff-broken");
    let bad = write(&dir.join("bad.json"), "{\"schema\": \"lra-summary/1\", \"name_mode\": 3}");
    let good = write(&dir.join("good.log"), BASE);
    let o = lra(&["diff", &bad, &good]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad.json: not a saved summary"), "{}", stderr(&o));
    // Other JSON is a log, and says it holds no runs.
    let other = write(&dir.join("other.json"), "{\"not\": \"a summary\"}");
    let o = lra(&["diff", &other, &good]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("other.json: warning: no test runs found in it"), "{}", stderr(&o));
    let o = lra(&["diff", dir.join("missing.log").to_str().unwrap(), &good]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing.log: No such file or directory"), "{}", stderr(&o));
    assert_eq!(lra(&["diff", &good]).status.code(), Some(2));
}

#[test]
fn the_table_gives_each_failure_rate_with_its_wilson_interval() {
    let dir = scratch("table-interval");
    let log = write(
        &dir.join("t.log"),
        "Test: b\nResult: FAIL\nTest: b\nResult: PASS\nTest: b\nResult: SKIP\nTest: a\nResult: PASS\nTest: c\nResult: SKIP\n",
    );
    let out = stdout(&lra(&["summarize", &log]));
    assert!(out.contains("FAIL% [95% INTERVAL]"), "{out}");
    let row = |name: &str| out.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap().to_owned();
    // 1 of 2 (the skip left out): 0.5 ± z / (1 + z²/2) · √(1/8 + z²/16) with z = 1.96.
    assert!(row("b").contains(" 50.0% [9.5, 90.5]  "), "{out}");
    // 0 of 1: [0, z² / (1 + z²)].
    assert!(row("a").contains(" 0.0% [0.0, 79.3]  "), "{out}");
    // No judged run: no rate.
    assert!(row("c").trim_end().ends_with(" -"), "{out}");
}
