//! One test per rule of docs/design.md §1, written from the rule's text.

use lra_core::{AnomalyKind, Class, NameMode, Options, Summary};

use crate::{counts, names, parse, parse_files, parse_with};

fn line_mode(log: &str) -> Summary {
    parse("t.log", log.as_bytes(), NameMode::Line)
}

fn anomalies(s: &Summary) -> Vec<(&'static str, u64, &str)> {
    s.anomalies().iter().map(|a| (a.kind.as_str(), a.location.line, &*a.text)).collect()
}

// 1. Lines

#[test]
fn lines_end_at_newline_and_a_trailing_cr_is_dropped() {
    let s = line_mode("Test: a\r\nResult: PASS\r\nTest: b \r\nResult: fail\r\n");
    assert_eq!(names(&s), ["a", "b"]);
    assert_eq!(counts(&s, "a").0, 1);
    assert_eq!(counts(&s, "b").1, 1);
    assert_eq!(s.tests()[0].results.as_slice(), vec![("PASS".into(), 1)]);
}

#[test]
fn only_one_trailing_cr_is_dropped_and_a_lone_cr_does_not_end_a_line() {
    // A CR in the middle is part of the line, so `Result: ` on the same line closes the test.
    let s = line_mode("Test: a\rResult: PASS\n");
    assert_eq!(names(&s), ["a"]);
    assert_eq!(counts(&s, "a"), (1, 0, 0, 0, 0));
}

#[test]
fn invalid_utf8_is_decoded_lossily() {
    let s = parse("t.log", b"Test: caf\xe9 \xff\xfe\nResult: PASS\n", NameMode::Line);
    assert_eq!(names(&s), ["caf\u{fffd} \u{fffd}\u{fffd}"]);
    assert_eq!(counts(&s, "caf\u{fffd} \u{fffd}\u{fffd}").0, 1);
}

#[test]
fn two_invalid_names_that_decode_alike_are_one_test() {
    let s = parse("t.log", b"Test: x\xff\nResult: PASS\nTest: x\xfe\nResult: FAIL\n", NameMode::Line);
    assert_eq!(names(&s), ["x\u{fffd}"]);
    assert_eq!(counts(&s, "x\u{fffd}"), (1, 1, 0, 0, 0));
}

#[test]
fn a_final_line_without_newline_still_counts() {
    let s = line_mode("Test: a\nResult: PASS");
    assert_eq!(counts(&s, "a").0, 1);
}

#[test]
fn an_empty_file_is_a_valid_log_with_nothing_in_it() {
    let s = line_mode("");
    assert!(s.tests().is_empty());
    assert_eq!(s.files.len(), 1);
    assert_eq!(s.files[0].bytes, 0);
    assert_eq!(s.anomaly_count(), 0);
    assert_eq!(s.totals().runs(), 0);
}

// 2. Markers

#[test]
fn markers_match_anywhere_in_the_line_and_are_case_sensitive() {
    let s = line_mode("2026-01-01 [INFO] Test: a\nlog: Result: PASS\ntest: b\nresult: PASS\nRESULT: FAIL\n");
    assert_eq!(names(&s), ["a"]);
    assert_eq!(counts(&s, "a").0, 1);
    assert_eq!(s.orphan_results(), 0);
}

#[test]
fn iteration_label_is_the_first_token_after_the_marker() {
    let s = line_mode("== Iteration 7 of 10 ==\nTest: a\nResult: PASS\nIteration \nTest: a\nResult: FAIL\n");
    let its: Vec<(&str, u64, u64)> =
        s.iterations().iter().map(|i| (&*i.label, i.counts.passed, i.counts.failed)).collect();
    assert_eq!(its, [("7", 1, 0), ("", 0, 1)]);
}

#[test]
fn tests_count_in_the_iteration_current_at_their_test_line() {
    // The result comes after the next iteration starts; the run still counts in iteration 1.
    let s = line_mode("Iteration 1\nTest: a\nIteration 2\nResult: FAIL\n");
    assert_eq!(s.iterations()[0].counts.failed, 1);
    assert_eq!(s.iterations()[1].counts.runs(), 0);
}

#[test]
fn before_any_iteration_marker_a_test_belongs_to_no_iteration() {
    let s = line_mode("Test: a\nResult: PASS\nIteration 1\nTest: a\nResult: PASS\n");
    assert_eq!(s.iterations().len(), 1);
    assert_eq!(s.iterations()[0].counts.passed, 1);
    assert_eq!(s.totals().passed, 2);
}

#[test]
fn iterations_restart_with_every_file_and_merge_by_label() {
    let a = b"Iteration 1\nTest: a\nResult: PASS\n";
    let b = b"Test: a\nResult: FAIL\nIteration 1\nTest: a\nResult: FAIL\n";
    let s = parse_files(&[("a.log", a), ("b.log", b)], NameMode::Line);
    // The first test of b.log is before any marker of b.log: in no iteration.
    assert_eq!(s.iterations().len(), 1);
    let c = s.iterations()[0].counts;
    assert_eq!((c.passed, c.failed), (1, 1));
}

#[test]
fn name_is_the_rest_of_the_line_cut_before_a_later_result_and_trimmed() {
    let s = line_mode("# Test:   Apples Test  \t\nResult: PASS\nTest: gamma ray Result: PASS\n");
    assert_eq!(names(&s), ["Apples Test", "gamma ray"]);
}

#[test]
fn name_is_cut_at_the_first_result_after_the_test_marker_only() {
    let s = line_mode("Result: x Test: b Result: OK\n");
    // The line opens b (cut before its own later `Result: `), then the first `Result: ` (word X)
    // closes it.
    assert_eq!(names(&s), ["b"]);
    assert_eq!(s.tests()[0].results.as_slice(), vec![("X".into(), 1)]);
}

#[test]
fn first_word_mode_takes_the_first_token() {
    let s = parse("t.log", b"# Test: Apples Test\n# Result: PASS\n", NameMode::FirstWord);
    assert_eq!(names(&s), ["Apples"]);
}

#[test]
fn unicode_whitespace_separates_and_trims() {
    let s = parse("t.log", "Test:\u{a0}x\u{3000}y\u{a0}\nResult: pass\u{2003}now\n".as_bytes(), NameMode::Line);
    // `Test: ` needs an ASCII space, so `Test:\u{a0}` is no marker: the Result is an orphan.
    assert!(s.tests().is_empty());
    let s = parse("t.log", "Test: \u{a0}x\u{3000}y\u{a0}\nResult: pass\u{2003}now\n".as_bytes(), NameMode::FirstWord);
    assert_eq!(names(&s), ["x"]);
    assert_eq!(s.tests()[0].results.as_slice(), vec![("PASS".into(), 1)]);
    let s = parse("t.log", "Test: \u{a0}x\u{3000}y\u{a0}\nResult: ok\n".as_bytes(), NameMode::Line);
    assert_eq!(names(&s), ["x\u{3000}y"]);
}

#[test]
fn an_already_open_test_is_closed_as_missing() {
    let s = line_mode("Test: a\nTest: b\nResult: PASS\n");
    assert_eq!(counts(&s, "a"), (0, 0, 0, 0, 1));
    assert_eq!(counts(&s, "b"), (1, 0, 0, 0, 0));
    assert_eq!(anomalies(&s), [("missing_result", 1, "a")]);
}

#[test]
fn result_word_is_the_first_token_uppercased() {
    let s = line_mode("Test: a\nResult:   passed with notes\n");
    assert_eq!(s.tests()[0].results.as_slice(), vec![("PASSED".into(), 1)]);
    assert_eq!(counts(&s, "a").0, 1);
}

#[test]
fn an_empty_word_closes_the_test_as_missing() {
    let s = line_mode("Test: a\nResult:   \nResult: PASS\n");
    assert_eq!(counts(&s, "a"), (0, 0, 0, 0, 1));
    // The test was closed, so the next result has no open test.
    assert_eq!(s.orphan_results(), 1);
    assert_eq!(anomalies(&s), [("missing_result", 1, "a"), ("orphan_result", 3, "PASS")]);
}

#[test]
fn an_empty_word_between_timestamps_gives_no_duration() {
    // Found by the saved-summary check: the run was missing yet timed, so its own summary was refused.
    let s = line_mode("[10:00:01.5] Test: a\n10:00:07 Result: \n");
    assert_eq!(counts(&s, "a"), (0, 0, 0, 0, 1));
    assert!(s.tests()[0].durations().is_none(), "a missing run has no duration (rule 9)");
    Summary::from_json(&s.to_json()).expect("its own summary reads back");
}

#[test]
fn a_result_without_an_open_test_is_an_orphan_counted_and_located() {
    let s = line_mode("noise\nResult: PASS\nTest: a\nResult: FAIL\nResult: OK\n");
    assert_eq!(s.orphan_results(), 2);
    assert_eq!(anomalies(&s), [("orphan_result", 2, "PASS"), ("orphan_result", 5, "OK")]);
    assert_eq!(s.files[0].orphan_results, 2);
}

#[test]
fn one_line_may_open_and_close_a_test() {
    let s = line_mode("Iteration 3 Test: gamma Result: PASS\n");
    assert_eq!(names(&s), ["gamma"]);
    assert_eq!(counts(&s, "gamma").0, 1);
    assert_eq!(s.iterations()[0].label.as_ref(), "3");
}

// 3. End of file

#[test]
fn end_of_file_closes_an_open_test_as_missing() {
    let s = parse_files(&[("a.log", b"Test: a\n"), ("b.log", b"Result: PASS\n")], NameMode::Line);
    // The open test does not carry over into the next file: its result there is an orphan.
    assert_eq!(counts(&s, "a"), (0, 0, 0, 0, 1));
    assert_eq!(s.orphan_results(), 1);
    let located: Vec<(&str, u64)> = s.anomalies().iter().map(|a| (s.file_name(a.location), a.location.line)).collect();
    assert_eq!(located, [("a.log", 1), ("b.log", 1)]);
}

// 4. Classes

#[test]
fn classes_of_result_words() {
    for (word, class) in [
        ("PASS", Class::Passed),
        ("passed", Class::Passed),
        ("Ok", Class::Passed),
        ("SUCCESS", Class::Passed),
        ("succeeded", Class::Passed),
        ("FAIL", Class::Failed),
        ("failed", Class::Failed),
        ("FAILURE", Class::Failed),
        ("error", Class::Failed),
        ("ERRORED", Class::Failed),
        ("SKIP", Class::Skipped),
        ("skipped", Class::Skipped),
        ("IGNORED", Class::Skipped),
        ("XFAIL", Class::Other),
        ("PASS:", Class::Other),
        ("timeout", Class::Other),
    ] {
        let s = line_mode(&format!("Test: t\nResult: {word}\n"));
        let t = &s.tests()[0];
        assert_eq!(t.count(class), 1, "{word} should be {class:?}");
        assert_eq!(t.results.as_slice(), vec![(word.to_uppercase().into(), 1)], "raw word of {word}");
    }
}

#[test]
fn every_raw_word_is_kept_with_its_count() {
    let s = line_mode("Test: t\nResult: pass\nTest: t\nResult: OK\nTest: t\nResult: PASS\nTest: t\nResult: flaky\n");
    assert_eq!(s.tests()[0].results.as_slice(), vec![("FLAKY".into(), 1), ("OK".into(), 1), ("PASS".into(), 2)]);
    assert_eq!(counts(&s, "t"), (3, 0, 0, 1, 0));
}

// 5. Runs

#[test]
fn runs_are_the_sum_of_every_class() {
    let s = line_mode(
        "Test: t\nResult: PASS\nTest: t\nResult: FAIL\nTest: t\nResult: SKIP\nTest: t\nResult: ??\nTest: t\n",
    );
    assert_eq!(counts(&s, "t"), (1, 1, 1, 1, 1));
    assert_eq!(s.tests()[0].counts.runs(), 5);
    assert_eq!(s.totals().runs(), 5);
}

// 6. Locations

#[test]
fn first_failure_is_located_at_its_result_line() {
    let s = parse_files(
        &[("a.log", b"Test: t\nResult: PASS\n"), ("b.log", b"x\nTest: t\ny\nResult: ERROR\nTest: t\nResult: FAIL\n")],
        NameMode::Line,
    );
    let l = s.tests()[0].first_failure().unwrap();
    assert_eq!((s.file_name(l), l.line), ("b.log", 4));
}

#[test]
fn anomalies_keep_their_locations_in_order() {
    let s = line_mode("Test: a\nnoise\nTest: b\nResult: PASS\nResult: PASS\nTest: c\n");
    assert_eq!(anomalies(&s), [("missing_result", 1, "a"), ("orphan_result", 5, "PASS"), ("missing_result", 6, "c")]);
}

#[test]
fn anomaly_list_is_capped_but_counts_are_not() {
    let log = "Result: PASS\n".repeat(1500);
    let s = line_mode(&log);
    assert_eq!(s.orphan_results(), 1500);
    assert_eq!(s.anomalies().len(), 1000);
    assert_eq!(s.anomalies()[999].location.line, 1000);
}

// Lines longer than the limit

#[test]
fn a_marker_past_the_line_limit_is_reported_and_the_rest_of_the_line_ignored() {
    let options = Options { max_line: 32, ..Options::with_name_mode(NameMode::FirstWord) };
    let long = format!("Test: a {} Result: PASS\nTest: b\nResult: PASS\n", "x".repeat(40));
    for chunk in [1, 3, 7, 1000] {
        let mut p = lra_core::FileParser::new("t.log", options.clone());
        for piece in long.as_bytes().chunks(chunk) {
            p.feed(piece);
        }
        let s = p.finish();
        assert_eq!(names(&s), ["a", "b"], "chunk {chunk}");
        assert_eq!(counts(&s, "a"), (0, 0, 0, 0, 1));
        assert_eq!(s.long_lines(), 1);
        assert_eq!(s.anomalies()[0].kind, AnomalyKind::LongLine);
        assert_eq!(s, parse_with("t.log", long.as_bytes(), &options), "chunk {chunk}");
    }
}

#[test]
fn a_name_not_ended_within_the_line_limit_runs_to_the_line_s_end_kept_cut() {
    // The line is read in its first 1 MiB: the result marker past it is ignored (a long line,
    // and the test is missing), and the name, not ended within the limit, runs on to the line's
    // end, read as it streams and kept cut with the whole's length and hash
    // (`(head -c 20971520 /dev/zero | tr '\0' n; printf ' Result: PASS') | sha256sum`).
    let log = format!("Test: {} Result: PASS\nTest: b\nResult: FAIL\n", "n".repeat(20 << 20));
    let mut p = lra_core::FileParser::new("t.log", Options::default());
    for piece in log.as_bytes().chunks(1 << 20) {
        p.feed(piece);
    }
    let s = p.finish();
    assert_eq!(lra_core::DEFAULT_MAX_LINE, 1 << 20);
    let (kept, cut) = lra_core::split_cut(&s.tests()[0].name);
    assert_eq!(kept, "n".repeat(4096));
    let cut = cut.unwrap();
    assert_eq!(cut.bytes, (20 << 20) + 13);
    assert_eq!(cut.sha256_hex(), "1498e9dfc18fbc7d9ec48951cee3cabf4156ef0a6887b5c3bf8428a43571aa40");
    assert_eq!(s.totals().missing, 1);
    assert_eq!(s.totals().failed, 1);
    assert_eq!(s.long_lines(), 1);
    assert_eq!(s, crate::parse_with("t.log", log.as_bytes(), &Options::default()));
}

#[test]
fn binary_files_are_flagged_and_still_read() {
    let mut log = vec![0u8, 1, 2, 0xff, b'\n'];
    log.extend_from_slice(b"Test: a\nResult: PASS\n");
    let s = parse("bin", &log, NameMode::Line);
    assert!(s.files[0].binary);
    assert_eq!(s.totals().passed, 1);
    assert!(!line_mode("Test: a\n").files[0].binary);
}

#[test]
fn merging_summaries_of_different_name_modes_is_refused() {
    let mut a = parse("a", b"", NameMode::Line);
    let b = parse("b", b"", NameMode::FirstWord);
    assert!(a.merge(b).is_err());
}

// Flakiness (issue: insight): transitions count adjacent passed/failed pairs that differ, in run
// order, files in the order given.

#[test]
fn transitions_count_changes_between_passed_and_failed_runs_only() {
    let s = parse_files(
        &[
            ("a.log", b"Test: t\nResult: PASS\nTest: t\nResult: SKIP\nTest: t\nResult: FAIL\nTest: t\n"),
            ("b.log", b"Test: t\nResult: FAIL\nTest: t\nResult: ok\nTest: s\nResult: PASS\n"),
        ],
        NameMode::Line,
    );
    // Run order of t, passed/failed only: PASS, FAIL, FAIL, OK: two changes.
    let t = &s.tests()[0];
    assert_eq!(t.transitions(), 2);
    assert!(t.flaky());
    assert!((t.flip_rate() - 2.0 / 3.0).abs() < 1e-9);
    let s2 = &s.tests()[1];
    assert_eq!((s2.transitions(), s2.flaky()), (0, false));
}

// Failure reasons: the text after the result word, trimmed, digits folded.

#[test]
fn failures_are_grouped_by_reason_with_digits_folded() {
    let s = line_mode(
        "Test: a\nResult: FAIL expected 3 got 4\nTest: b\nResult: FAILED   expected 10 got 7  \n\
         Test: a\nResult: ERROR timeout\nTest: c\nResult: FAIL\nTest: a\nResult: PASS all good 1\n",
    );
    let by_size = s.failure_groups_by_size();
    let groups: Vec<(&str, &str, u64, Vec<&str>, u64)> = by_size
        .iter()
        .map(|g| (&*g.detail, &*g.example, g.count, g.tests.iter().map(|t| &**t).collect(), g.first.line))
        .collect();
    assert_eq!(
        groups,
        [
            ("expected # got #", "expected 3 got 4", 2, vec!["a", "b"], 2),
            ("timeout", "timeout", 1, vec!["a"], 6),
            ("", "", 1, vec!["c"], 8),
        ]
    );
}

#[test]
fn a_failure_group_names_at_most_twenty_tests() {
    let log: String = (0..30).map(|i| format!("Test: t{i}\nResult: FAIL boom\n")).collect();
    let s = line_mode(&log);
    let g = &s.failure_groups()[0];
    assert_eq!(g.count, 30);
    assert_eq!(g.tests.len(), lra_core::FAILURE_GROUP_TESTS);
    assert_eq!(&*g.tests[19], "t19");
}
