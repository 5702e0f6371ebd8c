//! `lra merge`, and saved summaries told by their content wherever a log could be given.

use super::*;

/// Four logs of the generator, each with its own tests, flaky runs and failures, and the
/// stamps that give durations; written once per test into `dir`.
fn four_logs(dir: &Path) -> Vec<String> {
    (1..=4)
        .map(|seed| {
            let o = lra(&[
                "generate",
                "--iterations",
                &(seed + 2).to_string(),
                "--tests",
                "7",
                "--flaky",
                "2",
                "--fail-rate",
                "0.2",
                "--seed",
                &seed.to_string(),
            ]);
            let path = dir.join(format!("job-{seed}.log"));
            fs::write(&path, &o.stdout).unwrap();
            path.to_str().unwrap().to_owned()
        })
        .collect()
}

fn saved(dir: &Path, name: &str, inputs: &[&str]) -> String {
    let mut args = vec!["summarize", "--format", "json"];
    args.extend_from_slice(inputs);
    let o = lra(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    write(&dir.join(name), &stdout(&o))
}

fn merged(inputs: &[&str], out: &Path) -> String {
    let mut args = vec!["merge", "-o", out.to_str().unwrap()];
    args.extend_from_slice(inputs);
    let o = lra(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    out.to_str().unwrap().to_owned()
}

#[test]
fn every_merge_tree_of_saved_summaries_equals_summarizing_all_files_at_once() {
    let dir = scratch("merge-trees");
    let logs = four_logs(&dir);
    let logs: Vec<&str> = logs.iter().map(String::as_str).collect();
    let all_at_once = stdout(&lra(&["summarize", "--format", "json", logs[0], logs[1], logs[2], logs[3]]));
    let each: Vec<String> = (0..4).map(|i| saved(&dir, &format!("s{i}.json"), &[logs[i]])).collect();
    let s: Vec<&str> = each.iter().map(String::as_str).collect();
    // ((0 1) (2 3)), (0 (1 (2 3))), and all four in one merge.
    let left = merged(&[s[0], s[1]], &dir.join("01.json"));
    let right = merged(&[s[2], s[3]], &dir.join("23.json"));
    let balanced = merged(&[&left, &right], &dir.join("balanced.json"));
    let inner = merged(&[s[1], &right], &dir.join("123.json"));
    let leaning = merged(&[s[0], &inner], &dir.join("leaning.json"));
    let flat = stdout(&lra(&["merge", s[0], s[1], s[2], s[3]]));
    for (how, text) in [
        ("balanced", fs::read_to_string(&balanced).unwrap()),
        ("leaning", fs::read_to_string(&leaning).unwrap()),
        ("flat", flat),
    ] {
        assert!(text == all_at_once, "the {how} merge differs from summarizing the files at once");
    }
    // Logs and saved summaries together, in the order given.
    let mixed = stdout(&lra(&["summarize", "--format", "json", logs[0], &inner]));
    assert!(mixed == all_at_once, "a log then a saved summary differs from summarizing the files at once");
    let v: Value = serde_json::from_str(&all_at_once).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 4);
    assert!(v["totals"]["failed"].as_u64().unwrap() > 0 && v["tests"].as_array().unwrap().len() >= 7);
}

#[test]
fn the_order_of_the_files_is_kept() {
    let dir = scratch("merge-order");
    let a = saved(&dir, "a.json", &[&write(&dir.join("a.log"), "Test: t\nResult: FAIL first\n")]);
    let b =
        saved(&dir, "b.json", &[&write(&dir.join("b.log"), "Test: u\nResult: PASS\nTest: t\nResult: FAIL second\n")]);
    let v = json(&lra(&["merge", &b, &a]));
    let names: Vec<&str> = v["tests"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["u", "t"]);
    let t = &v["tests"][1];
    assert!(t["first_failure"]["file"].as_str().unwrap().ends_with("b.log"), "{t}");
}

#[test]
fn summaries_read_by_other_rules_are_refused_naming_both_files_and_nothing_is_written() {
    let dir = scratch("merge-rules");
    let log = write(&dir.join("x.log"), "Test: a b\nResult: PASS\n");
    let line = saved(&dir, "line.json", &[&log]);
    let first_word = write(
        &dir.join("first-word.json"),
        &stdout(&lra(&["summarize", "--format", "json", "--name", "first-word", &log])),
    );
    let markers = write(
        &dir.join("markers.json"),
        &stdout(&lra(&["summarize", "--format", "json", "--test-marker", "CASE ", &log])),
    );
    let out = dir.join("out.json");
    fs::write(&out, "the old result").unwrap();
    for (other, says) in [(&first_word, "first-word names"), (&markers, "markers")] {
        let o = lra(&["merge", "-o", out.to_str().unwrap(), &line, other]);
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(&o);
        assert!(err.contains(&format!("{other}: read by other rules than {line}")), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(err.contains("nothing was merged"), "{err}");
        assert_eq!(fs::read_to_string(&out).unwrap(), "the old result");
    }
    // A saved summary among logs read by other rules is refused too; the logs still count.
    let o = lra(&["summarize", "--format", "json", "--name", "first-word", &log, &line]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("line.json: this saved summary was read by other rules"), "{}", stderr(&o));
    assert_eq!(json_of(&o)["files"].as_array().unwrap().len(), 1);
}

#[test]
fn o_never_writes_through_a_symlink_planted_beside_out() {
    let dir = scratch("merge-symlink");
    let s = saved(&dir, "x.json", &[&write(&dir.join("x.log"), "Test: a\nResult: PASS\n")]);
    let victim = write(&dir.join("victim.txt"), "the victim's own bytes");
    let out = dir.join("out.json");
    // The name the result was once written through, and any other this pid could draw.
    std::os::unix::fs::symlink(&victim, dir.join("out.json.partial")).unwrap();
    let o = lra(&["merge", "-o", out.to_str().unwrap(), &s]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "the victim's own bytes");
    assert!(!fs::symlink_metadata(&out).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_to_string(&out).unwrap(), fs::read_to_string(&s).unwrap());
    // Nothing is left beside it but what was there.
    let mut left: Vec<String> =
        fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    assert_eq!(left, ["out.json", "out.json.partial", "victim.txt", "x.json", "x.log"]);
}

#[test]
fn list_0_ends_each_name_with_a_nul_byte_and_writes_it_byte_for_byte() {
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("list-null");
    // A name that holds a line break and then an option, and one that is not UTF-8.
    let odd = write(&dir.join("logs/x\n--endpoint=http:/127.0.0.1:9/a.log"), "Test: odd\nResult: PASS\n");
    let latin1 = dir.join(std::ffi::OsStr::from_bytes(b"logs/b\xe9.log"));
    fs::write(&latin1, "Test: b\nResult: PASS\n").unwrap();
    let logs = dir.join("logs");
    let o = lra(&["list", "-0", "--", logs.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut expected = latin1.as_os_str().as_bytes().to_vec();
    expected.push(0);
    expected.extend_from_slice(odd.as_bytes());
    expected.push(0);
    assert_eq!(o.stdout, expected);
    assert_eq!(lra(&["list", "--null", logs.to_str().unwrap()]).stdout, expected);
    // For people, one name a line, the line break and the option shown inside it.
    let lines = stdout(&lra(&["list", logs.to_str().unwrap()]));
    assert_eq!(lines.lines().count(), 2, "{lines}");
    assert!(lines.lines().nth(1).unwrap().ends_with("--endpoint=http:/127.0.0.1:9/a.log"), "{lines}");
    // Each read back after `--` as the file it is, never as an option.
    let names: Vec<&std::ffi::OsStr> =
        o.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()).map(std::ffi::OsStr::from_bytes).collect();
    let o = Command::new(env!("CARGO_BIN_EXE_lra"))
        .args(["summarize", "--format", "json", "--"])
        .args(&names)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["files"].as_array().unwrap().len(), 2);
    assert_eq!(v["files"][1]["name"], odd.as_str());
    assert_eq!(test_counts(&v, "odd"), (1, 0));
}

#[test]
fn merge_takes_only_saved_summaries() {
    let dir = scratch("merge-logs");
    let log = write(&dir.join("x.log"), "Test: a\nResult: PASS\n");
    let s = saved(&dir, "x.json", &[&log]);
    let o = lra(&["merge", &s, &log]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("x.log: not a saved summary"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let o = lra(&["merge", &s, dir.join("missing.json").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing.json: No such file or directory"), "{}", stderr(&o));
    let broken = write(&dir.join("broken.json"), "{\"schema\": \"lra-summary/1\", \"files\": [");
    let o = lra(&["merge", &s, &broken]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("broken.json: not a saved summary"), "{}", stderr(&o));
    // A directory of summaries, read in sorted order.
    let sums = dir.join("sums");
    saved(&sums, "2.json", &[&write(&dir.join("2.log"), "Test: second\nResult: PASS\n")]);
    saved(&sums, "1.json", &[&log]);
    let v = json(&lra(&["merge", sums.to_str().unwrap()]));
    let names: Vec<&str> = v["tests"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["a", "second"]);
}

#[test]
fn a_saved_summary_is_told_by_its_content_whatever_its_name() {
    let dir = scratch("merge-content");
    let log = write(&dir.join("x.log"), "Test: a\nResult: FAIL\nTest: b\nResult: PASS\n");
    let text = stdout(&lra(&["summarize", "--format", "json", &log]));
    let disguised = write(&dir.join("results.txt"), &text);
    // In summarize, as a file and on stdin: its counts, not a log's (which would find no test).
    for o in [
        lra(&["summarize", "--format", "json", &disguised]),
        lra_with_stdin(&["summarize", "--format", "json", "-"], text.as_bytes()),
    ] {
        let v = json(&o);
        assert_eq!(test_counts(&v, "a"), (0, 1));
        assert_eq!(test_counts(&v, "b"), (1, 0));
    }
    // In diff and merge.
    let v = json(&lra(&["diff", "--format", "json", &disguised, &log]));
    assert_eq!(v["new_failures"].as_array().unwrap().len(), 0);
    assert_eq!(v["still_failing"][0], "a");
    assert_eq!(json(&lra(&["merge", &disguised]))["totals"]["failed"], 1);
}

#[test]
fn list_prints_the_files_in_the_order_summarize_reads_them() {
    let dir = scratch("list");
    let b = write(&dir.join("logs/b.log"), "Test: b\nResult: PASS\n");
    let a = write(&dir.join("logs/a/z.log"), "Test: z\nResult: PASS\n");
    let c = write(&dir.join("c.log"), "Test: c\nResult: PASS\n");
    let o = lra(&["list", &c, dir.join("logs").to_str().unwrap()]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), format!("{c}\n{a}\n{b}\n"));
    let o = lra(&["list", dir.join("missing").to_str().unwrap(), &c]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), format!("{c}\n"));
    assert!(stderr(&o).contains("missing: No such file or directory"), "{}", stderr(&o));
    let o = lra(&["list", "ftp://host/x.log"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ftp://host/x.log: not a URL this lra reads"), "{}", stderr(&o));
}
