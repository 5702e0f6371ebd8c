//! Hostile input (issue 23): names, file and member names, words and lines that would drive a
//! terminal (OSC 52 writes the clipboard, a title sequence renames the window, CSI clears the
//! screen, `\r` overprints), reorder what is read (U+202E), or become a CI's command (a line that
//! starts with `::error`, `##[error]` anywhere), delivered in logs and through saved summaries;
//! and a saved summary that names a local file to have its lines printed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::{lra, scratch, stdout, write};

/// Test names as a log can say them: each a way to drive the terminal or the CI.
const NAMES: [&str; 9] = [
    "osc52\x1b]52;c;cHduZWQ=\x07",
    "title\x1b]0;owned\x07",
    "csi\x1b[2J\x1b[31mred",
    "ok\rall tests passed",
    "abc\u{202e}fed",
    "::error file=x::pwned",
    "  ::add-mask::x",
    "a ##[error]pwned",
    "zero\u{200b}width\u{2028}sep\u{85}",
];

/// What a terminal or a CI log must never receive raw: C0 controls but line feed and tab, DEL,
/// C1 controls, bidirectional controls, characters of no width, line and paragraph separators;
/// and no line may be a workflow command (`::` first after white space, or `##[` anywhere).
fn assert_harmless(what: &str, bytes: &[u8]) {
    let text = String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| panic!("{what}: not UTF-8"));
    for c in text.chars() {
        let raw = matches!(
            c,
            '\0'..='\u{8}'
                | '\u{b}'..='\u{1f}'
                | '\u{7f}'..='\u{9f}'
                | '\u{61c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
                | '\u{2028}'
                | '\u{2029}'
        );
        assert!(!raw, "{what}: a raw U+{:04X} in:\n{text}", c as u32);
    }
    for line in text.split('\n') {
        assert!(!line.trim_start().starts_with("::"), "{what}: a workflow command: {line:?}\n{text}");
        assert!(!line.contains("##["), "{what}: a workflow command: {line:?}\n{text}");
    }
}

/// Both streams of `o` are harmless; returns stdout and stderr.
fn harmless(what: &str, o: &Output) -> (String, String) {
    assert_harmless(&format!("{what} (stdout)"), &o.stdout);
    assert_harmless(&format!("{what} (stderr)"), &o.stderr);
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// A markers log in which every name of [`NAMES`] fails, then an orphan result and a test left
/// open, whose word and name are hostile too.
fn hostile_log() -> String {
    let mut log = String::new();
    for name in NAMES {
        log.push_str(&format!("Test: {name}\nResult: FAIL\n"));
    }
    log.push_str("Test: passes\nResult: PASS\n");
    log.push_str("Result: \x1b]0;orphan\x07\nTest: open\x1b[5m\u{202e}\n");
    log
}

/// A JUnit file whose name and reason hold a line break before workflow-command text, as
/// `&#10;` (the attack of issue 23).
const JUNIT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="s" tests="1">
  <testcase classname="c" name="x&#10;::error file=x::pwned&#13;&#10;##[error]again">
    <failure message="m&#10;::error::reason">text</failure>
  </testcase>
</testsuite>
"#;

/// A one-member ustar archive: `member` holding `data`, then its end.
fn tar(member: &str, data: &[u8]) -> Vec<u8> {
    let mut header = [0u8; 512];
    header[..member.len()].copy_from_slice(member.as_bytes());
    header[100..107].copy_from_slice(b"0000644");
    header[108..115].copy_from_slice(b"0000000");
    header[116..123].copy_from_slice(b"0000000");
    header[124..135].copy_from_slice(format!("{:011o}", data.len()).as_bytes());
    header[136..147].copy_from_slice(b"00000000000");
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    let mut out = header.to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().next_multiple_of(512), 0);
    out.extend_from_slice(&[0; 1024]);
    out
}

/// A folder of hostile inputs (the markers log under a hostile file name, the JUnit file, a tar
/// whose member's name is hostile), and one of broken ones under hostile names (a cut tar, whose
/// damage names its member; a file that looks binary; a `.json` that is no summary).
fn hostile_dirs(dir: &Path) -> (PathBuf, PathBuf) {
    let logs = dir.join("logs");
    write(&logs.join("a\x1b]0;file-title\x07\n::error file=f::pwned\u{202e}.log"), &hostile_log());
    write(&logs.join("b.xml"), JUNIT);
    let member = "m\x1b]52;c;bWVtYmVy\x07\n::warning::member.log";
    fs::write(logs.join("c.tar"), tar(member, b"Test: in-tar\x1b[2J\nResult: FAIL\n")).unwrap();
    let broken = dir.join("broken");
    fs::create_dir_all(&broken).unwrap();
    let whole = tar("cut\x1b]0;cut\x07.log", &[b'x'; 2000]);
    fs::write(broken.join("d\x1b[2J.tar"), &whole[..1200]).unwrap();
    fs::write(broken.join("e\x1b]0;bin\x07.log"), b"Test: nul\0\nResult: PASS\n").unwrap();
    fs::write(broken.join("f\r::error::empty.json"), b"{\"not\": \"a summary\"}\n").unwrap();
    (logs, broken)
}

#[test]
fn names_from_logs_reach_no_output_raw() {
    let dir = scratch("hostile-logs");
    let (logs, broken) = hostile_dirs(&dir);
    let (logs, broken) = (logs.to_str().unwrap(), broken.to_str().unwrap());
    let base = write(&dir.join("base.log"), "Test: passes\nResult: PASS\n");

    let o = lra(&["summarize", logs, broken]);
    let (table, err) = harmless("the table", &o);
    // What was there is shown, visibly: the test isn't passing for having printed nothing.
    for shown in ["osc52␛]52;c;cHduZWQ=␇", "ok␍all tests passed", "abc⟨U+202E⟩fed", "⟨U+003A⟩:error file=x::pwned"]
    {
        assert!(table.contains(shown), "{shown:?} in:\n{table}");
    }
    assert!(table.contains("a ⟨U+0023⟩#[error]pwned"), "{table}");
    assert!(table.contains("x␊::error file=x::pwned␍␊⟨U+0023⟩#[error]again"), "the JUnit name:\n{table}");
    assert!(table.contains("First failed runs:") && table.contains("│ Test: osc52␛]52;c;cHduZWQ=␇"), "{table}");
    // The columns line up: each name is padded by its shown width.
    let rows: Vec<&str> = table.lines().skip_while(|l| !l.starts_with("TEST ")).take_while(|l| !l.is_empty()).collect();
    let column = |line: &str, text: &str| line[..line.find(text).unwrap()].chars().count();
    assert!(rows.len() > NAMES.len(), "{table}");
    // The failure rate's column (its interval, or `-`) ends two characters before the last one.
    let last = column(rows[0], "FIRST FAILURE");
    for row in &rows[1..] {
        let chars: Vec<char> = row.chars().collect();
        assert!(matches!(chars[last - 3], ']' | '-') && chars[last - 2..last] == [' ', ' '], "{row:?} in:\n{table}");
    }
    assert!(table.contains("Damaged files: 1"), "{table}");
    assert!(err.contains("warning: this looks like a binary file"), "{err}");
    assert!(err.contains("warning: no test runs found in it"), "{err}");
    assert!(err.contains("truncated"), "the damage is named: {err}");

    harmless("markdown", &lra(&["summarize", "--format", "markdown", logs, broken]));
    let (_, err) = harmless("--fail-under", &lra(&["summarize", "--fail-under", "1", logs]));
    assert!(err.contains("--fail-under"), "{err}");
    let o = lra(&["diff", "--fail-on", "failures", &base, logs]);
    let (diff, err) = harmless("the diff and its gate", &o);
    assert!(diff.contains("  ⟨U+003A⟩:error file=x::pwned"), "{diff}");
    assert!(err.contains("--fail-on failures: ") && err.contains('␛'), "{err}");
    let o = lra(&["diff", "--fail-on", "new-failures", "--format", "markdown", &base, logs]);
    harmless("the diff in Markdown", &o);

    // `lra show` of the hostile log's first run: its name, its file's name and its lines.
    let log = fs::read_dir(logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with("a\x1b"));
    let place = format!("{}:1", log.unwrap().to_str().unwrap());
    let (shown, _) = harmless("lra show", &lra(&["show", &place]));
    assert!(shown.contains("1 │ Test: osc52␛]52;c;cHduZWQ=␇"), "{shown}");
    assert!(shown.contains("a failed run of osc52␛]52;c;cHduZWQ=␇"), "{shown}");
    let (_, err) = harmless("lra show's error", &lra(&["show", &format!("{}/nowhere\x1b]0;x\x07:1", dir.display())]));
    assert!(err.contains("nowhere␛]0;x␇"), "{err}");
}

#[test]
fn names_from_a_saved_summary_reach_no_output_raw() {
    let dir = scratch("hostile-saved");
    let (logs, broken) = hostile_dirs(&dir);
    // The hostile logs' own summary (serde writes `\u001b` for ESC)...
    let saved = lra(&["summarize", "--format", "json", logs.to_str().unwrap(), broken.to_str().unwrap()]).stdout;
    let saved = String::from_utf8(saved).unwrap();
    assert!(saved.contains("\\u001b]52;c;cHduZWQ=\\u0007"), "{saved}");
    let from_logs = write(&dir.join("from-logs.json"), &saved);
    // ...and one written by hand: a plain log's summary with its names replaced in the JSON.
    let plain =
        write(&dir.join("plain.log"), "Test: NAME_A\nResult: FAIL\nTest: NAME_B\nResult: FAIL\nResult: WORD_C\n");
    let json = String::from_utf8(lra(&["summarize", "--format", "json", &plain]).stdout).unwrap();
    let json = json
        .replace("NAME_A", r"\u001b]52;c;aGFuZA==\u0007\r\n::error file=x::pwned")
        .replace("NAME_B", r"\u001b]2;title\u0007\u202e\u2028##[warning]b")
        .replace("WORD_C", r"\u009b2J\u001b[8m")
        .replace(&plain, r"\u001b]0;file\u0007\n::notice::plain.log");
    let by_hand = write(&dir.join("by-hand.json"), &json);
    let base = write(&dir.join("base.log"), "Test: passes\nResult: PASS\n");

    // The logs are gone: only the summaries say what they held.
    fs::remove_dir_all(&logs).unwrap();
    fs::remove_dir_all(&broken).unwrap();
    for saved in [&from_logs, &by_hand] {
        let (table, _) = harmless("the table", &lra(&["summarize", saved]));
        assert!(table.contains('␛'), "{table}");
        harmless("markdown", &lra(&["summarize", "--format", "markdown", saved]));
        harmless("--fail-under", &lra(&["summarize", "--fail-under", "1", saved]));
        let (diff, err) = harmless("the diff", &lra(&["diff", "--fail-on", "new-failures", &base, saved]));
        assert!(diff.contains('␛') && err.contains('␛'), "{diff}\n{err}");
        harmless("the diff in Markdown", &lra(&["diff", "--format", "markdown", &base, saved]));
    }
    let table = stdout(&lra(&["summarize", &by_hand]));
    assert!(table.contains("␛]52;c;aGFuZA==␇␍␊::error file=x::pwned"), "{table}");
    assert!(table.contains("⟨U+0023⟩#[warning]b"), "{table}");
    assert!(table.contains("orphan_result  \"⟨U+009B⟩2J␛[8m\""), "the orphan's word: {table}");
    assert!(table.contains("␛]0;file␇␊::notice::plain.log:2"), "{table}");
}

#[test]
fn a_saved_summary_cannot_have_a_local_file_printed() {
    let dir = scratch("hostile-secret");
    // A log whose one test failed on its first line, and a secret file of its very size.
    let log = write(&dir.join("t.log"), "Test: t\nResult: FAIL\n");
    let secret = dir.join("secret.key");
    let size = fs::metadata(&log).unwrap().len() as usize;
    let text = format!("{:<1$}\n", "SECRET-TOKEN=hunter2", size - 1);
    fs::write(&secret, &text).unwrap();
    assert_eq!(fs::metadata(&secret).unwrap().len() as usize, size);
    // The log's summary, then that summary naming the secret file where it named the log: a
    // failed run at offset 0 of a file of the right size.
    let json = String::from_utf8(lra(&["summarize", "--format", "json", &log]).stdout).unwrap();
    assert!(json.contains("\"failed_runs\""), "{json}");
    let untrusted = write(&dir.join("untrusted.json"), &json.replace(&log, secret.to_str().unwrap()));
    let o = lra(&["summarize", &untrusted]);
    let table = stdout(&o);
    assert!(!table.contains("SECRET"), "a file named in a saved summary was printed:\n{table}");
    assert!(!table.contains("First failed runs"), "{table}");
    // Read as a log in this run, the same file's lines are printed.
    fs::write(&secret, "Test: t\nResult: FAIL\n").unwrap();
    let table = stdout(&lra(&["summarize", secret.to_str().unwrap(), &untrusted]));
    assert_eq!(table.matches("    │ Test: t").count(), 1, "once, from the log read here:\n{table}");
}

#[test]
fn lra_lists_problems_are_shown_as_every_other_problem() {
    // `lra list` said its problems raw while every other command printed them shown.
    let dir = scratch("hostile-list");
    let missing = dir.join("gone\x1b]0;owned\x07\r::error::x");
    let o = lra(&["list", missing.to_str().unwrap()]);
    assert!(!o.status.success());
    let (_, err) = harmless("lra list's problem", &o);
    assert!(err.contains("gone␛]0;owned␇␍::error::x"), "{err}");
}
