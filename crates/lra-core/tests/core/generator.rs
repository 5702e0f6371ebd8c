//! The generator writes the seed's format deterministically, with the asked-for shape.

use lra_core::{GenOptions, NameMode, generate};

use crate::parse;

#[test]
fn generated_logs_are_deterministic_and_have_the_asked_shape() {
    let options = GenOptions { iterations: 50, tests: 30, fail_rate: 0.2, flaky: 4, seed: 9 };
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
    generate(GenOptions { iterations: 1, tests: 1, fail_rate: 0.0, flaky: 0, seed: 1 }, &mut log).unwrap();
    let text = String::from_utf8(log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0], "# Iteration 1");
    assert_eq!(lines[1], "# Test: Apples Test");
    assert_eq!(lines[5], "# Result: PASS");
}
