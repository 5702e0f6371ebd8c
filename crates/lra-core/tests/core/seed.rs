//! The seed's own sample log (docs/design.md §1): three iterations of three fruit tests.

use lra_core::NameMode;

use crate::{counts, names, parse};

const SAMPLE: &[u8] = include_bytes!("../../../../tests/fixtures/seed-sample.log");

#[test]
fn seed_sample_in_first_word_mode() {
    let s = parse("seed-sample.log", SAMPLE, NameMode::FirstWord);
    assert_eq!(names(&s), ["Apples", "Oranges", "Watermelon"]);
    let pf = |name| {
        let (p, f, ..) = counts(&s, name);
        (p, f)
    };
    assert_eq!(pf("Apples"), (2, 0));
    assert_eq!(pf("Oranges"), (1, 1));
    assert_eq!(pf("Watermelon"), (0, 2));
    let labels: Vec<&str> = s.iterations().iter().map(|i| &*i.label).collect();
    assert_eq!(labels, ["1", "2", "3"]);
    assert_eq!(s.anomaly_count(), 0);
}

#[test]
fn seed_sample_in_line_mode_keeps_the_whole_name() {
    let s = parse("seed-sample.log", SAMPLE, NameMode::Line);
    assert_eq!(names(&s), ["Apples Test", "Oranges Test", "Watermelon Test"]);
}
