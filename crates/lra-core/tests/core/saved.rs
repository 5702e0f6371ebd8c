//! A saved summary that is valid JSON but whose parts do not agree is refused with the reason
//! (docs/design.md §2, "Saved summaries are checked"), never merged into a silently wrong one.

use lra_core::{NameMode, Summary};
use serde_json::{Value, json};

use crate::parse_files;

/// A summary with something in every part: two files, iterations, every class, a flaky test,
/// durations, failure groups, an orphan result and a missing one.
fn saved() -> Value {
    let a: &[u8] = b"Iteration 1\nTest: flaky\nResult: PASS (elapsed 12 ms)\nTest: broken\nResult: FAIL boom 1\n\
Test: skipped\nResult: SKIP\nIteration 2\nTest: flaky\nResult: FAIL boom 2 (elapsed 30 ms)\nTest: broken\n\
Result: FAIL other\nResult: PASS\nTest: lost\n";
    let b: &[u8] = b"Iteration 1\nTest: flaky\nResult: PASS (elapsed 14 ms)\nTest: odd\nResult: WEIRD\n";
    let s = parse_files(&[("a.log", a), ("b.log", b)], NameMode::Line);
    serde_json::from_str(&s.to_json()).unwrap()
}

fn test_named<'a>(v: &'a mut Value, name: &str) -> &'a mut Value {
    v["tests"].as_array_mut().unwrap().iter_mut().find(|t| t["name"] == name).unwrap()
}

fn add(v: &mut Value, by: i64) {
    *v = json!(v.as_i64().unwrap() + by);
}

/// A change to part of a saved summary.
type Change = fn(&mut Value);

/// Reads `v` back, expecting a refusal whose reason holds `reason`.
fn refused(v: &Value, reason: &str) {
    let err = Summary::from_json(&v.to_string()).expect_err(reason);
    assert!(err.starts_with("a saved summary whose parts do not agree: "), "{err}");
    assert!(err.contains(reason), "expected {reason:?} in {err:?}");
}

#[test]
fn the_summary_as_written_reads_back_equal() {
    let v = saved();
    let s = Summary::from_json(&v.to_string()).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&s.to_json()).unwrap(), v);
}

#[test]
fn a_test_listed_twice_is_refused() {
    // from_json once added the counts of a repeated name and overwrote its run order.
    let mut v = saved();
    let again = test_named(&mut v, "flaky").clone();
    v["tests"].as_array_mut().unwrap().push(again);
    refused(&v, r#"test "flaky" is listed twice"#);
}

#[test]
fn totals_that_are_not_the_files_sum_are_refused() {
    let mut v = saved();
    add(&mut v["totals"]["failed"], 1);
    add(&mut v["totals"]["tests"], 1);
    refused(&v, "the totals (2 passed, 4 failed, 1 skipped, 1 other, 1 missing) are not the sum of the files'");
    let mut v = saved();
    add(&mut v["files"][1]["totals"]["tests"], 1);
    refused(&v, r#"file "b.log" say 3 runs, and their classes add up to 2"#);
    let mut v = saved();
    add(&mut v["orphan_results"], 1);
    refused(&v, "orphan_results is 2, and the files' add up to 1");
    for (field, reason) in [
        ("bytes", "bytes is"),
        ("distinct_tests", "distinct_tests is 6, and 5 tests are listed"),
        ("long_lines", "long_lines is 1"),
    ] {
        let mut v = saved();
        add(&mut v[field], 1);
        refused(&v, reason);
    }
}

#[test]
fn a_test_whose_parts_do_not_add_up_is_refused() {
    let cases: [(&str, Change, &str); 12] = [
        ("runs", |t| add(&mut t["runs"], 1), "runs is 3, and its classes add up to 2"),
        (
            "a class",
            |t| {
                add(&mut t["passed"], 1);
                add(&mut t["runs"], 1);
                t["results"]["PASS"] = json!(1);
                t["flaky"] = json!(true);
            },
            "the tests' runs (3 passed, 3 failed, 1 skipped, 1 other, 1 missing) are not the totals",
        ),
        (
            "its words",
            |t| add(&mut t["results"]["FAIL"], 1),
            "its result words count 3 runs, and it has 2 with a result",
        ),
        ("no first failure", |t| t["first_failure"] = Value::Null, "it has 2 failed runs and no first failure"),
        (
            "seen",
            |t| add(&mut t["failed_runs"]["seen"], 1),
            "it has 3 failed runs kept as seen, and its runs allow at most 2",
        ),
        ("flaky", |t| t["flaky"] = json!(true), "flaky is true, with 0 passed and 2 failed runs"),
        ("transitions", |t| t["transitions"] = json!(1), "it has 1 transitions"),
        ("outcome", |t| t["first_outcome"] = json!("passed"), "its first outcome is a class it has no run of"),
        ("a span past the iterations", |t| t["by_iteration"] = json!([[0, 3, 0, 1]]), "past the 2 listed"),
        ("overlapping spans", |t| t["by_iteration"] = json!([[0, 2, 0, 1], [1, 1, 0, 1]]), "overlap"),
        ("cells over its runs", |t| t["by_iteration"] = json!([[0, 2, 0, 2]]), "its cells hold more runs than it has"),
        (
            "a failed run past the file",
            |t| t["failed_runs"]["first"][0][2] = json!(1 << 20),
            "a failed run closes at byte 1048576",
        ),
    ];
    for (what, change, reason) in cases {
        let mut v = saved();
        change(test_named(&mut v, "broken"));
        eprintln!("{what}");
        refused(&v, reason);
    }
}

#[test]
fn durations_that_cannot_be_are_refused() {
    let cases: [(Change, &str); 4] = [
        (|d| d["runs"] = json!(4), "it has 4 timed runs, and its runs allow at most 3"),
        (
            |d| d["total_us"] = json!(100_000),
            "its durations do not add up (3 runs, 100000 µs in all, from 12000 to 30000 µs)",
        ),
        (|d| d["min_us"] = json!(31_000), "its durations do not add up"),
        (|d| d["max_us"] = json!(29_000), "its duration buckets do not run from its least to its most"),
    ];
    for (change, reason) in cases {
        let mut v = saved();
        change(&mut test_named(&mut v, "flaky")["durations"]);
        refused(&v, reason);
    }
}

#[test]
fn iterations_that_do_not_fit_their_tests_are_refused() {
    let mut v = saved();
    let again = v["iterations"][1].clone();
    v["iterations"].as_array_mut().unwrap().push(again);
    refused(&v, r#"iteration "2" is listed twice"#);
    // Iteration 1 holds flaky's two passes (one per file) and broken's failure.
    let mut v = saved();
    add(&mut v["iterations"][0]["passed"], -1);
    add(&mut v["iterations"][0]["tests"], -1);
    refused(&v, r#"iteration "1" has 1 passed and 1 failed runs, and its tests' cells hold 2 and 1"#);
    let mut v = saved();
    add(&mut v["iterations"][0]["missing"], 5);
    add(&mut v["iterations"][0]["tests"], 5);
    refused(&v, "the iterations hold more runs");
}

#[test]
fn failure_groups_and_anomalies_that_do_not_fit_are_refused() {
    let mut v = saved();
    let again = v["failure_groups"][0].clone();
    v["failure_groups"].as_array_mut().unwrap().push(again);
    refused(&v, "is listed twice");
    let mut v = saved();
    v["failure_groups"][0]["tests"] = json!(["skipped"]);
    refused(&v, r#"names "skipped", which is no test that failed"#);
    let mut v = saved();
    add(&mut v["failure_groups"][0]["count"], 10);
    refused(&v, "the summary has 13 failed runs in failure groups, and its runs allow at most 3");
    let mut v = saved();
    let orphan = v["anomalies"].as_array().unwrap().iter().find(|a| a["kind"] == "orphan_result").unwrap().clone();
    v["anomalies"].as_array_mut().unwrap().push(orphan);
    refused(&v, "it lists 2 orphan_result anomalies, and counts 1");
    let mut v = saved();
    v["anomalies"][0]["line"] = json!(0);
    refused(&v, "is not a line of that file");
    let mut v = saved();
    v["anomalies"][0]["offset"] = json!(1 << 20);
    refused(&v, "(byte 1048576) is not a line of that file");
}

#[test]
fn counts_past_2_to_the_53_are_refused() {
    // Beyond 2^53 a JavaScript reader of the JSON loses exactness, so nothing is let that far.
    let mut v = saved();
    v["files"][1]["totals"]["other"] = json!(1u64 << 53);
    v["files"][1]["totals"]["tests"] = json!(1 + (1u64 << 53));
    refused(&v, r#"file "b.log" count 9007199254740993 runs, more than 2^53 - 1"#);
}

#[test]
fn a_files_other_figures_past_2_to_the_53_are_refused_though_they_add_up() {
    // The summary's own figure is made the files' sum, so that only the bound can refuse it.
    for field in ["orphan_results", "long_lines", "dropped_durations", "bytes"] {
        let mut v = saved();
        let other = v["files"][0][field].as_u64().unwrap();
        v["files"][1][field] = json!(1u64 << 53);
        v[field] = json!(other + (1u64 << 53));
        refused(&v, &format!(r#"file "b.log"'s {field} is 9007199254740992, more than 2^53 - 1"#));
    }
}

#[test]
fn a_summary_saved_before_the_newer_fields_still_reads() {
    // Without the fields that came after the first schema, it is read as it always was.
    let mut v = saved();
    for field in ["bytes", "distinct_tests", "long_lines", "failure_groups", "duration_scheme", "markers", "cut_bytes"]
    {
        v.as_object_mut().unwrap().remove(field);
    }
    for t in v["tests"].as_array_mut().unwrap() {
        for field in
            ["flaky", "transitions", "first_outcome", "last_outcome", "by_iteration", "failed_runs", "durations"]
        {
            t.as_object_mut().unwrap().remove(field);
        }
    }
    for i in v["iterations"].as_array_mut().unwrap() {
        i.as_object_mut().unwrap().remove("tests");
    }
    let s = Summary::from_json(&v.to_string()).unwrap();
    assert_eq!(s.totals().failed, 3);
    assert_eq!(s.tests().len(), 5);
}

/// A summary of `n` files, each with its own failing test, an orphan result and a missing one,
/// saved without `file_index` (as summaries were before it was written): every location names
/// its file by name only.
fn many_files_by_name(n: usize) -> (Summary, String) {
    let logs: Vec<(String, Vec<u8>)> = (0..n)
        .map(|i| {
            (
                format!("logs/{i:05}.log"),
                format!("Test: t{i}\nResult: FAIL boom {i}\nResult: PASS\nTest: open{i}\n").into_bytes(),
            )
        })
        .collect();
    let named: Vec<(&str, &[u8])> = logs.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let s = parse_files(&named, NameMode::Line);
    let mut v: Value = serde_json::from_str(&s.to_json()).unwrap();
    fn strip(v: &mut Value) -> usize {
        match v {
            Value::Object(o) => {
                usize::from(o.remove("file_index").is_some()) + o.values_mut().map(strip).sum::<usize>()
            }
            Value::Array(a) => a.iter_mut().map(strip).sum(),
            _ => 0,
        }
    }
    assert!(strip(&mut v) > n, "the locations had their file's index");
    (s, v.to_string())
}

#[test]
fn locations_named_by_file_name_alone_find_their_files_in_a_large_summary() {
    // Each location was matched by a scan of the files: quadratic (issue 23: 8,000 files and
    // tests took 4 s to load). Now by a map, first name first.
    let (s, text) = many_files_by_name(4_000);
    let read = Summary::from_json(&text).unwrap();
    assert_eq!(read.to_json(), s.to_json(), "every location found its own file");
    let t = read.tests().iter().find(|t| &*t.name == "t3210").unwrap();
    assert_eq!(read.file_name(t.first_failure().unwrap()), "logs/03210.log");
}

#[test]
fn a_location_named_by_a_file_name_listed_twice_is_its_first() {
    let (_, text) = many_files_by_name(2);
    let text = text.replace("logs/00001.log", "logs/00000.log");
    let read = Summary::from_json(&text).unwrap();
    let failures: Vec<_> = read.tests().iter().filter_map(|t| t.first_failure()).collect();
    assert_eq!(failures.len(), 2);
    assert!(failures.iter().all(|l| l.file == 0), "{failures:?}");
}
