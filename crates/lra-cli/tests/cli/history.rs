//! `lra history`: builds in order, what each test's row says, and a saved history extended.

use super::*;

/// Build `b` of a designed suite, ten iterations: `steady` always passes; `broke` fails from
/// build 8 on; `fixed` fails until build 3; `new` runs from build 5; `flaky` fails the first
/// iteration of every build, a constant 10%.
fn build_log(b: usize) -> String {
    let mut log = String::new();
    for i in 1..=10 {
        let word = |failing: bool| if failing { "FAIL boom" } else { "PASS" };
        log.push_str(&format!("Iteration {i}\nTest: steady\nResult: PASS\n"));
        log.push_str(&format!("Test: broke\nResult: {}\n", word(b >= 8)));
        log.push_str(&format!("Test: fixed\nResult: {}\n", word(b <= 3)));
        log.push_str(&format!("Test: flaky\nResult: {}\n", word(i == 1)));
        if b >= 5 {
            log.push_str("Test: new\nResult: PASS\n");
        }
    }
    log
}

/// A folder of builds `build-1.log` … `build-N.log`.
fn builds(dir: &Path, n: usize) -> String {
    std::fs::create_dir_all(dir).unwrap();
    for b in 1..=n {
        write(&dir.join(format!("build-{b}.log")), &build_log(b));
    }
    dir.to_str().unwrap().to_owned()
}

fn test<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["tests"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()
}

#[test]
fn each_tests_row_says_what_the_builds_were_designed_to() {
    let dir = scratch("history-designed");
    let folder = builds(&dir.join("builds"), 12);
    let o = lra(&["history", &folder]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_of(&o);
    let labels: Vec<&str> = v["builds"].as_array().unwrap().iter().map(|b| b["label"].as_str().unwrap()).collect();
    let expected: Vec<String> = (1..=12).map(|b| format!("build-{b}.log")).collect();
    assert_eq!(labels, expected, "natural order: build-9 before build-10");
    let broke = &test(&v, "broke")["history"];
    assert_eq!(broke["failing_since"], "build-8.log");
    assert_eq!(broke["last_passed"], "build-7.log");
    assert_eq!((broke["builds_run"].as_u64(), broke["builds_failed"].as_u64()), (Some(12), Some(5)));
    let cp = &broke["change_point"];
    assert_eq!(cp["build"], "build-8.log");
    assert_eq!(cp["before"], serde_json::json!({"failed": 0, "runs": 70}));
    assert_eq!(cp["after"], serde_json::json!({"failed": 50, "runs": 50}));
    let fixed = &test(&v, "fixed")["history"];
    assert_eq!(
        (fixed["failing_since"].clone(), fixed["last_passed"].clone()),
        (serde_json::Value::Null, "build-12.log".into())
    );
    assert_eq!(fixed["change_point"]["build"], "build-4.log");
    let new = &test(&v, "new")["history"];
    assert_eq!((new["first_build"].as_str(), new["builds_run"].as_u64()), (Some("build-5.log"), Some(8)));
    let flaky = &test(&v, "flaky")["history"];
    assert_eq!((flaky["builds_flaky"].as_u64(), flaky["change_point"].clone()), (Some(12), serde_json::Value::Null));
    assert_eq!(test(&v, "steady")["history"]["change_point"], serde_json::Value::Null);

    let table = stdout(&lra(&["history", "--format", "table", &folder]));
    assert!(table.contains("History: 12 builds, build-1.log … build-12.log"), "{table}");
    assert!(table.contains("  broke  at build-8.log: failed 0 of 70 runs before, 50 of 50 from then on"), "{table}");
    assert!(table.contains("  broke  since build-8.log"), "{table}");

    // The CSV: the summary's columns, then the history's, by the same design.
    let csv = stdout(&lra(&["history", "--format", "csv", &folder]));
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |column: &str| header.iter().position(|h| *h == column).unwrap();
    assert_eq!(header[..at("builds_run")].join(","), lra_core::CSV_HEADER);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let row = |name: &str| rows.iter().find(|r| r[0] == name).unwrap();
    let columns = [
        "builds_run",
        "builds_failed",
        "builds_flaky",
        "first_build",
        "failing_since",
        "last_passed",
        "change_point_build",
    ];
    let cells = |name: &str| columns.iter().map(|c| row(name)[at(c)]).collect::<Vec<_>>();
    assert_eq!(cells("broke"), ["12", "5", "0", "build-1.log", "build-8.log", "build-7.log", "build-8.log"]);
    assert_eq!(cells("fixed"), ["12", "3", "0", "build-1.log", "", "build-12.log", "build-4.log"]);
    assert_eq!(cells("new"), ["8", "0", "0", "build-5.log", "", "build-12.log", ""]);
    assert_eq!(cells("flaky"), ["12", "12", "12", "build-1.log", "", "build-12.log", ""]);
    let p: f64 = row("broke")[at("change_point_p_value")].parse().unwrap();
    assert!(p < 1e-20, "{p}");
    // A summary of no builds has the summary's columns alone.
    let plain = stdout(&lra(&["summarize", "--format", "csv", &format!("{folder}/build-1.log")]));
    assert_eq!(plain.lines().next(), Some(lra_core::CSV_HEADER));

    let given = json_of(&lra(&["history", "--order", "given", &folder]));
    assert_eq!(given["builds"][1]["label"], "build-10.log", "by bytes: build-1, build-10, build-11, …");
}

#[test]
fn a_saved_history_extended_equals_reading_every_build_at_once() {
    let dir = scratch("history-extended");
    let folder = builds(&dir.join("builds"), 9);
    let at_once = stdout(&lra(&["history", &folder]));
    let saved = dir.join("week.json");
    let saved = saved.to_str().unwrap();
    let first: Vec<String> = (1..=4).map(|b| format!("{folder}/build-{b}.log")).collect();
    let mut args = vec!["history", "-o", saved];
    args.extend(first.iter().map(String::as_str));
    assert!(lra(&args).status.success());
    for b in 5..=9 {
        let next = format!("{folder}/build-{b}.log");
        let o = lra(&["history", saved, &next, "-o", saved]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(saved).unwrap(), at_once);
}

#[test]
fn a_build_that_cannot_be_read_writes_nothing_and_a_plain_summary_is_no_history() {
    let dir = scratch("history-refused");
    let folder = builds(&dir.join("builds"), 2);
    let out = dir.join("h.json");
    let missing = dir.join("missing.log");
    let o = lra(&["history", "-o", out.to_str().unwrap(), &folder, missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no history was written"), "{}", stderr(&o));
    assert!(!out.exists());
    // `lra merge` of a history and a summary of no builds is refused, with why.
    let history = write(&dir.join("history.json"), &stdout(&lra(&["history", &folder])));
    let plain = write(
        &dir.join("plain.json"),
        &stdout(&lra(&["summarize", "--format", "json", &format!("{folder}/build-1.log")])),
    );
    let o = lra(&["merge", &history, &plain]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("read it as the history's next build"), "{}", stderr(&o));
}
