//! The generator writes the seed's format deterministically, with the asked-for shape.

use lra_core::{GenOptions, GenStyle, NameMode, generate};

use crate::parse;

#[test]
fn generated_logs_are_deterministic_and_have_the_asked_shape() {
    let options = GenOptions { iterations: 50, tests: 30, fail_rate: 0.2, flaky: 4, seed: 9, ..GenOptions::default() };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    generate(options, &mut a).unwrap();
    generate(options, &mut b).unwrap();
    assert_eq!(a, b);
    let s = parse("g.log", &a, NameMode::FirstWord);
    assert_eq!(s.iterations().len(), 50);
    assert_eq!(s.tests().len(), 30);
    assert_eq!(s.totals().runs(), 50 * 30);
    assert_eq!(s.anomaly_count(), 0);
    // Every stable test either always passes or always fails; the flaky ones do both.
    let flaky = s.tests().iter().filter(|t| t.counts.passed > 0 && t.counts.failed > 0).count();
    assert_eq!(flaky, 4);
    let failing = s.tests().iter().filter(|t| t.counts.passed == 0).count();
    assert!((1..=14).contains(&failing), "{failing} always-failing tests for a 0.2 fail rate");
    // Another seed gives another log.
    let mut c = Vec::new();
    generate(GenOptions { seed: 10, ..options }, &mut c).unwrap();
    assert_ne!(a, c);
}

#[test]
fn generated_blocks_are_five_lines_in_the_seed_format() {
    let mut log = Vec::new();
    generate(
        GenOptions { iterations: 1, tests: 1, fail_rate: 0.0, flaky: 0, seed: 1, ..GenOptions::default() },
        &mut log,
    )
    .unwrap();
    let text = String::from_utf8(log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0], "# Iteration 1");
    assert_eq!(lines[1], "# Test: Apples Test");
    assert_eq!(lines[5], "# Result: PASS");
}

#[test]
fn the_seed_style_is_the_seeds_own_five_line_block() {
    let options = GenOptions { iterations: 2, tests: 2, fail_rate: 0.0, flaky: 0, seed: 1, style: GenStyle::Seed };
    let mut log = Vec::new();
    generate(options, &mut log).unwrap();
    let text = String::from_utf8(log).unwrap();
    let lines: Vec<&str> = text.lines().take(6).collect();
    assert_eq!(
        lines,
        [
            "# Iteration 1",
            "# Test: apples Test",
            "# This is apples Test",
            "# Who is apples?",
            "# I am not sure about apples",
            "# Result: PASS"
        ]
    );
    let s = parse("g.log", text.as_bytes(), NameMode::FirstWord);
    assert_eq!((s.tests().len(), s.iterations().len(), s.totals().passed), (2, 2, 4));
}

#[test]
fn the_flat_style_names_many_distinct_tests_in_suites() {
    let options = GenOptions { iterations: 1, tests: 2500, fail_rate: 0.05, flaky: 0, seed: 1, style: GenStyle::Flat };
    let mut log = Vec::new();
    generate(options, &mut log).unwrap();
    let text = String::from_utf8(log).unwrap();
    assert!(text.starts_with("# Iteration 1\nTest: suite0/case_0\nResult: "), "{}", &text[..60]);
    assert!(text.contains("\nTest: suite2/case_2499\n"));
    let s = parse("g.log", text.as_bytes(), NameMode::Line);
    assert_eq!(s.tests().len(), 2500);
    let failed = s.totals().failed;
    assert!((60..=190).contains(&failed), "{failed} of 2,500 failed at a 0.05 rate");
}

#[test]
fn the_stamped_style_gives_every_run_the_time_between_its_stamps() {
    let options = GenOptions { iterations: 3, tests: 4, fail_rate: 0.0, flaky: 0, seed: 1, style: GenStyle::Stamped };
    let mut log = Vec::new();
    generate(options, &mut log).unwrap();
    let text = String::from_utf8(log).unwrap();
    // Line k is stamped k × 7 ms: the first iteration line, then apples' five lines.
    assert!(text.starts_with("00:00:00.007 # Iteration 1\n00:00:00.014 # Test: apples Test\n"), "{}", &text[..80]);
    assert!(text.lines().all(|l| l.as_bytes()[12] == b' ' && l[..12].contains(':')));
    let s = parse("g.log", text.as_bytes(), NameMode::Line);
    assert_eq!(s.totals().passed, 12);
    // Each run's Result: line comes 4 lines after its Test: line: 28 ms.
    for t in s.tests() {
        let d = t.durations().expect("every run is timed");
        assert_eq!((d.runs(), d.min(), d.max()), (3, 28_000, 28_000), "{}", t.name);
    }
}
