//! Durations (docs/design.md, "Durations") in the table, the CSV and the JSON.

use std::fs;

use crate::{json, lra, scratch, stderr, stdout, write};

/// Three runs: one timed by its lines' stamps (250 ms), one whose stated 2,400 ms wins over its
/// stamps' 2.5 s, and one whose stamps go backwards (dropped, and counted).
const TIMED: &str = "\
2024-05-01T10:00:00.000Z Test: fast
2024-05-01T10:00:00.250Z Result: PASS
2024-05-01T10:00:01.000Z Test: slow
2024-05-01T10:00:03.500Z Result: FAIL timeout (elapsed 2400 ms)
2024-05-01T10:00:05Z Test: back
2024-05-01T10:00:04Z Result: PASS
";

#[test]
fn the_table_shows_p50_and_p95_and_the_slowest_tests() {
    let dir = scratch("durations-table");
    let log = write(&dir.join("timed.log"), TIMED);
    let out = stdout(&lra(&["summarize", &log]));
    assert!(out.contains("P50       P95  FIRST FAILURE"), "{out}");
    let slow = out.lines().find(|l| l.starts_with("slow ")).unwrap();
    assert!(slow.contains("2.40 s    2.40 s"), "{slow}");
    let back = out.lines().find(|l| l.starts_with("back ")).unwrap();
    assert!(back.contains("-         -"), "{back}");
    let slowest = out.split("Slowest tests").nth(1).unwrap();
    let rows: Vec<&str> = slowest.lines().skip(1).take(3).collect();
    assert!(rows[0].starts_with("  slow  p50 2.40 s, p95 2.40 s, max 2.40 s; 1 timed run, 2.40 s in all"), "{rows:?}");
    assert!(rows[1].starts_with("  fast  p50 250.0 ms"), "{rows:?}");
    assert_eq!(rows[2], "  1 duration from timestamps dropped: negative or over 24 hours");
    // A log with no durations has no such columns.
    let plain = write(&dir.join("plain.log"), "Test: a\nResult: PASS\n");
    let out = stdout(&lra(&["summarize", &plain]));
    assert!(!out.contains("P50") && !out.contains("Slowest"), "{out}");
}

#[test]
fn csv_and_json_carry_every_figure() {
    let dir = scratch("durations-csv");
    let log = write(&dir.join("timed.log"), TIMED);
    let csv = stdout(&lra(&["summarize", "--format", "csv", &log]));
    let rows: Vec<&str> = csv.lines().collect();
    // timed_runs, total_ms, min_ms, p50_ms, p95_ms, max_ms: columns 10 to 15.
    let timed = |row: &str| row.split(',').skip(10).take(6).collect::<Vec<_>>().join(",");
    assert!(rows[1].starts_with("fast,") && timed(rows[1]) == "1,250.000,250.000,250.000,250.000,250.000", "{csv}");
    assert_eq!(timed(rows[2]), "1,2400.000,2400.000,2400.000,2400.000,2400.000", "{csv}");
    assert!(rows[3].starts_with("back,") && timed(rows[3]) == ",,,,,", "{csv}");

    let v = json(&lra(&["summarize", "--format", "json", &log]));
    assert_eq!(v["duration_scheme"], "log2-16-us");
    assert_eq!(v["dropped_durations"], 1);
    assert_eq!(v["files"][0]["dropped_durations"], 1);
    let slow = v["tests"].as_array().unwrap().iter().find(|t| t["name"] == "slow").unwrap();
    let d = &slow["durations"];
    assert_eq!(
        (d["runs"].as_u64(), d["total_us"].as_u64(), d["p95_us"].as_u64()),
        (Some(1), Some(2_400_000), Some(2_400_000))
    );
    // The stated duration is cut from the reason.
    assert_eq!(v["failure_groups"][0]["detail"], "timeout");
    let back = v["tests"].as_array().unwrap().iter().find(|t| t["name"] == "back").unwrap();
    assert!(back.get("durations").is_none());
}

#[test]
fn a_summary_bucketed_otherwise_is_refused() {
    let dir = scratch("durations-scheme");
    let log = write(&dir.join("timed.log"), TIMED);
    let saved = stdout(&lra(&["summarize", "--format", "json", &log]));
    let other = dir.join("other.json");
    fs::write(&other, saved.replace("\"log2-16-us\"", "\"log10-us\"")).unwrap();
    let o = lra(&["diff", other.to_str().unwrap(), &log]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("its durations are bucketed as \"log10-us\""), "{}", stderr(&o));
    // The same summary in our scheme reads and compares.
    let ours = dir.join("ours.json");
    fs::write(&ours, saved).unwrap();
    assert!(lra(&["diff", ours.to_str().unwrap(), &log]).status.success());
}
