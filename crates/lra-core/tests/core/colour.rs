//! Colour codes, as a terminal or a CI runner's `--color=yes` puts them around a runner's words,
//! change nothing that a runner's log says: the same tests, counts, words, reasons, iterations
//! and line numbers as the same log without them, however it is chunked or cut into segments.
//! (Only byte offsets move, by the codes' lengths.)

use lra_core::testing::{Tree, parse_in_pieces, parse_in_segments};
use lra_core::{LogFormat, Options, Summary};
use proptest::prelude::*;
use serde_json::Value;

use crate::parse_with;

/// The runners' fixtures, as their runners printed them (tests/fixtures/runners/make.sh).
const FIXTURES: [(&str, LogFormat); 6] = [
    ("gtest.log", LogFormat::GoogleTest),
    ("pytest.log", LogFormat::Pytest),
    ("libtest.log", LogFormat::Libtest),
    ("tap.log", LogFormat::Tap),
    ("go.log", LogFormat::Go),
    ("nextest.log", LogFormat::Nextest),
];

/// What terminals put around words: SGR colours and resets, bold, an erased line, a hyperlink
/// (OSC 8). (The `^V` that frames `-test.v=test2json` lines is no colour: go reads it by
/// test2json's rules, and its fixtures test them.)
const CODES: [&[u8]; 7] = [
    b"\x1b[0;32m",
    b"\x1b[m",
    b"\x1b[1m\x1b[31m",
    b"\x1b[0m",
    b"\x1b[2K",
    b"\x1b[38;5;208m",
    b"\x1b]8;;file:///suite\x1b\\",
];

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/fixtures/runners/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `log` with a code put where `picks` say among the places a terminal puts one: a line's start
/// and end, and each boundary between a word and the spaces around it. `picks` is read
/// cyclically, one number per place: 0 is no code, k is `CODES[k - 1]`.
fn coloured(log: &[u8], picks: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(log.len() * 2);
    let mut place = 0usize;
    let mut put = |out: &mut Vec<u8>| {
        let pick = picks[place % picks.len()] as usize % (CODES.len() + 1);
        place += 1;
        if pick > 0 {
            out.extend_from_slice(CODES[pick - 1]);
        }
    };
    for line in log.split_inclusive(|&b| b == b'\n') {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let body_end = body.strip_suffix(b"\r").map_or(body.len(), <[u8]>::len);
        put(&mut out);
        for (i, &b) in body[..body_end].iter().enumerate() {
            if i > 0 && (b == b' ') != (body[i - 1] == b' ') {
                put(&mut out);
            }
            out.push(b);
        }
        put(&mut out);
        out.extend_from_slice(&line[body_end..]);
    }
    out
}

/// A summary's JSON without what colour codes move: byte offsets (of locations and of the
/// failed runs kept for the run viewer) and sizes.
fn without_offsets(s: &Summary) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for key in ["offset", "failed_runs", "bytes"] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: Value = serde_json::from_str(&s.to_json()).expect("a summary writes JSON");
    strip(&mut v);
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn colour_codes_where_a_terminal_puts_them_change_nothing_a_runners_log_says(
        which in 0..FIXTURES.len(),
        picks in prop::collection::vec(any::<u8>(), 1..64),
        cuts in prop::collection::vec(0.0f64..1.0, 0..6),
    ) {
        let (name, format) = FIXTURES[which];
        let plain = fixture(name);
        let log = coloured(&plain, &picks);
        let expected = without_offsets(&parse_with("run.log", &plain, &Options::default()));
        let whole = parse_with("run.log", &log, &Options::default());
        prop_assert_eq!(whole.files[0].format, format, "told through the colour");
        prop_assert_eq!(&without_offsets(&whole), &expected);
        let mut at: Vec<usize> = cuts.iter().map(|c| (c * log.len() as f64) as usize).collect();
        at.sort_unstable();
        prop_assert_eq!(&parse_in_pieces("run.log", &log, &Options::default(), &at), &whole, "chunked");
        if format.is_line_format() {
            let detected = lra_core::detect_reading(&log, None);
            let known = Options { format: Some(detected.format), detected: Some(detected), ..Options::default() };
            let segmented = parse_in_segments("run.log", &log, &known, &at, Tree::Balanced);
            prop_assert_eq!(&segmented, &whole, "segments");
        }
    }
}

#[test]
fn googletest_with_color_yes_reads_as_without() {
    // The same suite run with --gtest_color=yes and with --gtest_color=no (tests/fixtures/runners).
    let coloured = parse_with("run.log", &fixture("gtest-color.log"), &Options::default());
    let plain = parse_with("run.log", &fixture("gtest.log"), &Options::default());
    assert_eq!(coloured.files[0].format, LogFormat::GoogleTest);
    assert_eq!(coloured.tests().len(), 4);
    assert_eq!(without_offsets(&coloured), without_offsets(&plain));
}
