//! `lra show FILE:LINE` and the first failed runs under the table: a log's own lines, read back
//! at the offsets the summary keeps.

use std::fmt::Write as _;

use crate::{lra, scratch, stderr, stdout, write};

/// A log whose lines are numbered in their text, so that what is shown can be checked against
/// the line numbers printed beside it: `line N` noise, and a failed run of `b` on lines 5–7.
fn numbered_log() -> String {
    let mut log = String::new();
    for n in 1..=12 {
        let text = match n {
            2 => "Test: a".to_owned(),
            3 => "Result: PASS".to_owned(),
            5 => "Test: b".to_owned(),
            6 => "line 6 of b's output".to_owned(),
            7 => "Result: FAIL boom".to_owned(),
            n => format!("line {n}"),
        };
        log.push_str(&text);
        log.push('\n');
    }
    log
}

/// The shown lines as (marked, number, text).
fn shown(out: &str) -> Vec<(bool, u64, String)> {
    out.lines()
        .skip(1)
        .map(|l| {
            let (left, text) = l.split_once(" │ ").unwrap_or_else(|| panic!("not a shown line: {l:?}"));
            (left.starts_with('>'), left.trim_start_matches('>').trim().parse().unwrap(), text.to_owned())
        })
        .collect()
}

#[test]
fn show_prints_the_failed_run_that_holds_the_line_with_context() {
    let dir = scratch("show-run");
    let log = write(&dir.join("b.log"), &numbered_log());
    let text = numbered_log();
    let lines: Vec<&str> = text.lines().collect();
    // Any line of the run finds it: its result line (what the table names), or one inside.
    for at in [7, 6, 5] {
        let o = lra(&["show", &format!("{log}:{at}"), "-C", "2"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(out.lines().next().unwrap().contains("a failed run of b (its failed run 1 of 1)"), "{out}");
        let expected: Vec<(bool, u64, String)> =
            (3..=9).map(|n| ((5..=7).contains(&n), n, lines[n as usize - 1].to_owned())).collect();
        assert_eq!(shown(&out), expected);
    }
    // A line in no failed run: the lines around it, that line marked.
    let out = stdout(&lra(&["show", &format!("{log}:2"), "-C", "1"]));
    assert!(out.starts_with(&format!("{log}:2: no failed run kept here")), "{out}");
    assert_eq!(
        shown(&out),
        [(false, 1, "line 1".into()), (true, 2, "Test: a".into()), (false, 3, "Result: PASS".into())]
    );
}

#[test]
fn show_takes_the_line_as_the_app_writes_it_and_reads_far_into_the_file() {
    let dir = scratch("show-far");
    let mut log = String::new();
    for n in 1..=2_000 {
        log.push_str(&if n == 1_204 { "Test: far Result: FAIL".to_owned() } else { format!("line {n}") });
        log.push('\n');
    }
    let path = write(&dir.join("far.log"), &log);
    let out = stdout(&lra(&["show", &format!("{path}:1,204"), "-C", "1"]));
    assert_eq!(
        shown(&out),
        [
            (false, 1_203, "line 1203".into()),
            (true, 1_204, "Test: far Result: FAIL".into()),
            (false, 1_205, "line 1205".into())
        ]
    );
}

#[test]
fn show_writes_lines_as_text_cut_and_without_crlf_or_control_bytes() {
    let dir = scratch("show-bytes");
    let long = "x".repeat(3 << 20);
    let log = format!("Test: t\r\n\x1b[2J\x1b]0;owned\x07 \u{ff} ok\r\n{long}\nResult: FAIL\r\n");
    let path = write(&dir.join("bytes.log"), &log);
    std::fs::write(&path, [log.as_bytes(), b"\xff\xfe bad utf-8\n"].concat()).unwrap();
    let out = stdout(&lra(&["show", &format!("{path}:4"), "-C", "1"]));
    let rows = shown(&out);
    assert_eq!(rows[0], (true, 1, "Test: t".into()), "no \\r left");
    assert_eq!(rows[1].2, "␛[2J␛]0;owned␇ \u{ff} ok", "escape sequences are shown, not run");
    assert!(rows[2].2.starts_with("xxx") && rows[2].2.ends_with(&format!(" … ({} bytes in all)", 3 << 20)), "cut");
    assert!(rows[2].2.len() < 2_000);
    assert_eq!(rows[3], (true, 4, "Result: FAIL".into()));
    assert_eq!(rows[4], (false, 5, "\u{fffd}\u{fffd} bad utf-8".into()));
}

#[test]
fn show_refuses_what_it_cannot_read_again_with_a_reason() {
    let dir = scratch("show-refused");
    let log = write(&dir.join("short.log"), &numbered_log());
    let o = lra(&["show", &format!("{log}:13")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("has fewer than 13 lines"), "{}", stderr(&o));
    let o = lra(&["show", "no-line-number"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not FILE:LINE"), "{}", stderr(&o));
    // Reversed on purpose (issue 25): a compressed file is read again, decoded, and its line shown.
    let gz = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/archives/seed.log.gz");
    let o = lra(&["show", &format!("{}:3", gz.display()), "-C", "0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(shown(&stdout(&o)), [(true, 3, crate::SAMPLE.lines().nth(2).unwrap().to_owned())]);
    // Stdin cannot be read again.
    let o = crate::lra_with_stdin(&["show", "--", "-:3"], numbered_log().as_bytes());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot be read again here"), "{}", stderr(&o));
}

/// A fixture of tests/fixtures/archives (made by the real tools from the fixtures' logs), by
/// its full path.
fn archive(name: &str) -> String {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/archives").join(name);
    path.canonicalize().unwrap().to_str().unwrap().to_owned()
}

/// `lines` of `text` (1-based, inclusive) as `lra show` shows them, those in `marked` marked.
fn rows_of(
    text: &str,
    lines: std::ops::RangeInclusive<u64>,
    marked: std::ops::RangeInclusive<u64>,
) -> Vec<(bool, u64, String)> {
    let all: Vec<&str> = text.lines().collect();
    lines.map(|n| (marked.contains(&n), n, all[n as usize - 1].to_owned())).collect()
}

#[test]
fn show_reads_compressed_files_and_archive_members_at_any_depth() {
    // Each holds tests/fixtures/seed-sample.log (tests/fixtures/archives/make.sh), as itself or
    // as the member named after it: a gzip, a zstd, a zip's member, a tar.gz's, a gzip inside a
    // zip, a tar.gz inside a zip.
    for (input, member) in [
        ("seed.log.gz", ""),
        ("seed.log.zst", ""),
        ("logs.zip", "/logs/job-1/seed.log"),
        ("logs-pax.tar.gz", "/logs/job-1/seed.log"),
        ("logs.tar.zst", "/logs/job-1/seed.log"),
        ("logs.zip", "/logs/job-2/seed.log.gz"),
        ("nested.zip", "/bundle.tar.gz/logs/job-1/seed.log"),
    ] {
        let file = format!("{}{member}", archive(input));
        // A line in no failed run: the lines around it.
        let o = lra(&["show", &format!("{file}:3"), "-C", "1"]);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.starts_with(&format!("{file}:3: no failed run kept here")), "{out}");
        assert_eq!(shown(&out), rows_of(crate::SAMPLE, 2..=4, 3..=3), "{file}");
        // A line of Watermelon's first failed run (lines 12 to 16): the run.
        let out = stdout(&lra(&["show", &format!("{file}:14"), "-C", "1"]));
        assert!(out.starts_with(&format!("{file}: a failed run of Watermelon Test")), "{out}");
        assert_eq!(shown(&out), rows_of(crate::SAMPLE, 11..=17, 12..=16), "{file}");
        // The last line, and one past it.
        let out = stdout(&lra(&["show", &format!("{file}:48"), "-C", "1"]));
        assert_eq!(shown(&out).last(), rows_of(crate::SAMPLE, 48..=48, 48..=48).last(), "{file}");
        let o = lra(&["show", &format!("{file}:49")]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains(&format!("{file}: has fewer than 49 lines")), "{}", stderr(&o));
    }
    // A member the archive does not hold is named as such.
    let o = lra(&["show", &format!("{}/logs/job-9/seed.log:1", archive("logs.zip"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holds no file of that name"), "{}", stderr(&o));
}

#[test]
fn show_takes_every_location_the_table_prints() {
    let zip = archive("logs.zip");
    let table = stdout(&lra(&["summarize", &zip]));
    let mut seen = 0;
    for row in table.lines().filter(|l| l.contains(&format!("{zip}/"))) {
        // TEST … FIRST FAILURE: copied as they are.
        let Some(location) = row.split_whitespace().last().filter(|l| l.starts_with(&zip)) else { continue };
        let test = row.split("  ").next().unwrap().trim();
        let o = lra(&["show", location]);
        assert!(o.status.success(), "{location}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.lines().next().unwrap().contains(&format!("a failed run of {test} ")), "{location}: {out}");
        seen += 1;
    }
    assert!(seen >= 3, "{table}");
}

#[test]
fn show_decodes_far_into_a_large_compressed_file_whose_name_holds_a_colon() {
    use std::io::Write as _;
    // Two million numbered lines (more decoded bytes than are kept behind the decoder), with a
    // failed run near the end.
    let mut text = String::new();
    for n in 1..=2_000_000u64 {
        match n {
            1_999_000 => text.push_str("Test: far\n"),
            1_999_002 => text.push_str("Result: FAIL far\n"),
            n => writeln!(text, "line {n}").map(drop).unwrap(),
        }
    }
    let dir = scratch("show-far-gz");
    let path = dir.join("run:1.log.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    let file = path.to_str().unwrap();
    let out = stdout(&lra(&["show", &format!("{file}:1,999,001"), "-C", "2"]));
    assert!(out.starts_with(&format!("{file}: a failed run of far (its failed run 1 of 1)")), "{out}");
    assert_eq!(shown(&out), rows_of(&text, 1_998_998..=1_999_004, 1_999_000..=1_999_002));
    // Near the start, and past the end.
    let out = stdout(&lra(&["show", &format!("{file}:2"), "-C", "1"]));
    assert_eq!(shown(&out), rows_of(&text, 1..=3, 2..=2));
    let o = lra(&["show", &format!("{file}:2000001")]);
    assert!(stderr(&o).contains("has fewer than 2000001 lines"), "{}", stderr(&o));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn summarize_prints_the_first_lines_of_each_first_failed_run() {
    let dir = scratch("first-runs");
    let log = write(&dir.join("b.log"), &numbered_log());
    let out = stdout(&lra(&["summarize", &log]));
    let section = out.split("First failed runs:\n").nth(1).unwrap_or_else(|| panic!("{out}"));
    let expected =
        format!("  b (its result at {log}:7)\n    │ Test: b\n    │ line 6 of b's output\n    │ Result: FAIL boom\n");
    assert_eq!(section, expected);
    // From stdin the lines cannot be read again: the table alone.
    let o = crate::lra_with_stdin(&["summarize", "-"], numbered_log().as_bytes());
    assert!(!stdout(&o).contains("First failed runs"), "{}", stdout(&o));
}
