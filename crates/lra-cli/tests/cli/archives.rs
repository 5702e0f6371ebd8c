//! Compressed files and archives (made by the real tools: tests/fixtures/archives/make.sh):
//! each member is a file of the summary, and damage is named with what came before kept.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::{SAMPLE, json, lra, lra_with_stdin, scratch, stderr, stdout, test_counts, write};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/archives").join(name);
    path.canonicalize().unwrap().to_str().unwrap().to_owned()
}

fn file_names(v: &Value) -> Vec<String> {
    v["files"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_owned()).collect()
}

/// The summary of the plain logs the archives hold, in the archives' order.
fn plain_tree(dir: &str) -> Value {
    let messy = include_bytes!("../../../../tests/fixtures/messy.log");
    let d = scratch(dir);
    let a = write(&d.join("1.log"), SAMPLE);
    let b = d.join("2.log");
    std::fs::write(&b, messy).unwrap();
    let c = write(&d.join("3.log"), SAMPLE);
    json(&lra(&["summarize", "--format", "json", "--name", "first-word", &a, b.to_str().unwrap(), &c]))
}

/// What two summaries of the same logs under other file names share.
fn counts_of(v: &Value) -> (Value, Value, Value, Value) {
    let tests: Vec<Value> = v["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let mut t = t.clone();
            t.as_object_mut().unwrap().remove("first_failure");
            t
        })
        .collect();
    (v["totals"].clone(), tests.into(), v["iterations"].clone(), v["orphan_results"].clone())
}

#[test]
fn a_zip_of_logs_is_summarized_member_by_member() {
    let zip = fixture("logs.zip");
    let o = lra(&["summarize", "--format", "json", "--name", "first-word", &zip]);
    let v = json(&o);
    let long = "a-folder-name-long-enough-that-the-whole-path-passes-one-hundred-bytes-of-ustar-name";
    assert_eq!(
        file_names(&v),
        [
            format!("{zip}/logs/job-1/seed.log"),
            format!("{zip}/logs/job-2/{long}/messy.log"),
            format!("{zip}/logs/job-2/seed.log.gz")
        ]
    );
    assert_eq!(counts_of(&v), counts_of(&plain_tree("zip-plain")));
    let watermelon = v["tests"].as_array().unwrap().iter().find(|t| t["name"] == "Watermelon").unwrap();
    assert_eq!(watermelon["first_failure"]["file"], format!("{zip}/logs/job-1/seed.log"));
}

#[test]
fn every_archive_kind_gives_the_same_summary() {
    let expected = counts_of(&plain_tree("kinds-plain"));
    for name in ["logs.tar", "logs-pax.tar.gz", "logs.tar.zst", "logs.zip"] {
        let v = json(&lra(&["summarize", "--format", "json", "--name", "first-word", &fixture(name)]));
        assert_eq!(counts_of(&v), expected, "{name}");
        assert_eq!(v["files"].as_array().unwrap().len(), 3, "{name}");
    }
}

#[test]
fn gzip_and_zstd_files_are_read_as_the_log_they_hold() {
    for name in ["seed.log.gz", "seed.log.zst"] {
        let v = json(&lra(&["summarize", "--format", "json", "--name", "first-word", &fixture(name)]));
        assert_eq!(test_counts(&v, "Oranges"), (1, 1), "{name}");
        assert_eq!(test_counts(&v, "Watermelon"), (0, 2), "{name}");
        assert_eq!(v["files"][0]["bytes"], SAMPLE.len(), "{name}: the bytes are the log's");
        assert_eq!(v["files"][0]["name"], fixture(name));
    }
}

#[test]
fn a_compressed_log_on_stdin_is_recognised_by_its_bytes() {
    let gz = std::fs::read(fixture("two-members.log.gz")).unwrap();
    let v = json(&lra_with_stdin(&["summarize", "--format", "json", "--name", "first-word", "-"], &gz));
    assert_eq!(v["files"][0]["name"], "<stdin>");
    // Both members: the seed sample, then messy.log.
    assert_eq!(test_counts(&v, "Oranges"), (1, 1));
    assert_eq!(test_counts(&v, "login"), (1, 1));
}

#[test]
fn thread_counts_agree_on_a_large_gzip() {
    let dir = scratch("gz-threads");
    let generated = lra(&["generate", "--iterations", "1500", "--tests", "40", "--flaky", "5"]);
    let log = dir.join("big.log");
    std::fs::write(&log, &generated.stdout).unwrap();
    let status = Command::new("gzip").arg("-k").arg(&log).status().unwrap();
    assert!(status.success());
    let gz = format!("{}.gz", log.display());
    let one = lra(&["summarize", "--format", "json", "--threads", "1", &gz]);
    let two = lra(&["summarize", "--format", "json", "--threads", "2", &gz]);
    assert_eq!(stdout(&one), stdout(&two));
    let plain = json(&lra(&["summarize", "--format", "json", log.to_str().unwrap()]));
    assert_eq!(counts_of(&json(&one)), counts_of(&plain));
}

#[test]
fn a_truncated_member_is_named_and_its_lines_before_the_cut_count() {
    let zip = fixture("truncated.zip");
    let o = lra(&["summarize", "--format", "json", "--name", "first-word", &zip]);
    assert_eq!(o.status.code(), Some(1), "damage is a read error");
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    let cut = err.lines().next().unwrap();
    assert!(cut.starts_with(&format!("lra: {zip}/logs/job-2/")), "{cut}");
    assert!(
        cut.ends_with("messy.log: truncated: the zip archive ends inside this member; the lines before it are counted")
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(test_counts(&v, "Oranges"), (1, 1), "the whole member counts");
    assert_eq!(v["files"][1]["damage"], "truncated: the zip archive ends inside this member");
    assert!(v["files"][0].get("damage").is_none());
    let table = stdout(&lra(&["summarize", &zip]));
    assert!(table.contains("Damaged files: 1 (their lines before the damage are counted)"), "{table}");
}

#[test]
fn a_corrupt_gzip_says_why_and_other_files_still_count() {
    let dir = scratch("corrupt");
    let good = write(&dir.join("good.log"), "Test: t\nResult: PASS\n");
    let o = lra(&["summarize", "--format", "json", &fixture("corrupt.log.gz"), &good]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("corrupt deflate data"), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 2);
    assert_eq!(test_counts(&v, "t"), (1, 0));
}

#[test]
fn a_broken_tar_header_is_reported_after_the_members_read() {
    let o = lra(&["summarize", "--format", "json", &fixture("truncated.tar")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("truncated"), "{err}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(file_names(&v)[0].ends_with("truncated.tar/logs/job-1/seed.log"));
}

#[test]
fn a_read_error_is_named_once_by_the_file_it_cut_short() {
    let dir = scratch("read-error");
    let stdin = std::fs::File::open(&dir).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_lra")).args(["summarize", "-"]).stdin(stdin).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).trim_end(),
        "lra: <stdin>: could not be read to its end: Is a directory; the lines before it are counted"
    );
}
