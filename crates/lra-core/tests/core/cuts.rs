//! Texts over the budget (docs/design.md §1, "Names shown and kept": 4 KiB) keep their first
//! bytes, and the length and SHA-256 of the whole; two that differ past the cut stay two. The
//! hashes here come from `sha256sum`, never from our own output:
//!
//! ```sh
//! (printf 'x%.0s' $(seq 5000); printf A) | sha256sum   # 95e2802c…
//! (printf 'x%.0s' $(seq 5000); printf B) | sha256sum   # 54caf1b7…
//! printf 'n%.0s' $(seq 5000) | sha256sum               # 91c45f5c…
//! ```

use lra_core::testing::{Tree, parse_in_pieces, parse_in_segments};
use lra_core::{CUT_BYTES, NameMode, Options, Summary, split_cut};
use serde_json::{Value, json};

use crate::{counts, parse, parse_files};

const XA: &str = "95e2802c3f2139f44e84c56492b80fb692d97c039758d00746ebd0a77e9b692c";
const XB: &str = "54caf1b703f979f763b5bd17beeea6c9b3db2117eafa6d5bd92d6c032720c126";
const N5000: &str = "91c45f5cbab5caa10700b403b9b0a4bb557c2e1bf5ca91aa82e7ae8f5c13a040";

fn x(last: char) -> String {
    format!("{}{last}", "x".repeat(5000))
}

/// Two tests whose names differ only in their 5001st byte.
fn twins() -> String {
    format!("Test: {a}\nResult: PASS\nTest: {b}\nResult: FAIL\nTest: {a}\nResult: FAIL\n", a = x('A'), b = x('B'))
}

/// The kept text and (bytes, sha256) of a text as a summary keeps it.
fn parts(text: &str) -> (&str, Option<(u64, String)>) {
    let (kept, cut) = split_cut(text);
    (kept, cut.map(|c| (c.bytes, c.sha256_hex())))
}

#[test]
fn names_that_differ_past_the_cut_stay_two_tests() {
    let s = parse("t.log", twins().as_bytes(), NameMode::Line);
    assert_eq!(s.tests().len(), 2);
    let kept = "x".repeat(CUT_BYTES);
    assert_eq!(parts(&s.tests()[0].name), (&kept[..], Some((5001, XA.to_owned()))));
    assert_eq!(parts(&s.tests()[1].name), (&kept[..], Some((5001, XB.to_owned()))));
    assert_eq!(counts(&s, &s.tests()[0].name), (1, 1, 0, 0, 0));
    assert_eq!(counts(&s, &s.tests()[1].name), (0, 1, 0, 0, 0));
}

#[test]
fn cut_names_agree_however_the_log_is_fed_segmented_or_merged() {
    let log = twins().repeat(3);
    let options = Options::default();
    let whole = parse("t.log", log.as_bytes(), NameMode::Line);
    for cuts in [vec![1], vec![10, 5003, 5010], vec![CUT_BYTES + 6, 9000, 20_000]] {
        assert_eq!(parse_in_pieces("t.log", log.as_bytes(), &options, &cuts), whole, "{cuts:?}");
        for tree in [Tree::Left, Tree::Right, Tree::Balanced] {
            assert_eq!(parse_in_segments("t.log", log.as_bytes(), &options, &cuts, tree), whole, "{cuts:?}");
        }
    }
    // Two files merged, and their saved summaries merged, are the same summary.
    let merged = parse_files(&[("a", twins().as_bytes()), ("b", twins().as_bytes())], NameMode::Line);
    let mut saved = Summary::from_json(&parse("a", twins().as_bytes(), NameMode::Line).to_json()).unwrap();
    saved.merge(Summary::from_json(&parse("b", twins().as_bytes(), NameMode::Line).to_json()).unwrap()).unwrap();
    assert_eq!(saved, merged);
    assert_eq!(merged.tests().len(), 2);
}

#[test]
fn the_json_keeps_the_first_bytes_and_a_cut_beside_them() {
    let s = parse("t.log", twins().as_bytes(), NameMode::Line);
    let v: Value = serde_json::from_str(&s.to_json()).unwrap();
    assert_eq!(v["cut_bytes"], json!(4096));
    assert_eq!(v["tests"][0]["name"], json!("x".repeat(4096)));
    assert_eq!(v["tests"][0]["cut"], json!({"bytes": 5001, "sha256": XA}));
    assert_eq!(v["tests"][1]["cut"], json!({"bytes": 5001, "sha256": XB}));
    // A name within the budget has none.
    let short: Value = serde_json::from_str(&parse("t", b"Test: a\nResult: PASS\n", NameMode::Line).to_json()).unwrap();
    assert!(short["tests"][0].get("cut").is_none());
    assert_eq!(Summary::from_json(&s.to_json()).unwrap(), s);
}

#[test]
fn every_kept_text_is_cut_words_labels_reasons_and_file_names() {
    let long = |c: char| c.to_string().repeat(5000);
    let log = format!(
        "Iteration {l}\nTest: a\nResult: {w}\nTest: b\nResult: FAIL {r}\nResult: {w}\n",
        l = long('l'),
        w = long('w'),
        r = long('r')
    );
    let s = parse(&long('f'), log.as_bytes(), NameMode::Line);
    let w = "W".repeat(5000);
    let (kept, cut) = parts(&s.iterations()[0].label);
    assert_eq!((kept.len(), cut.map(|c| c.0)), (4096, Some(5000)));
    let (word, n) = s.tests()[0].results.iter().next().unwrap();
    // The word is uppercased, then cut.
    assert_eq!((parts(word).0, parts(word).1.map(|c| c.0), n), (&w[..4096], Some(5000), 1));
    let g = &s.failure_groups()[0];
    assert_eq!((parts(&g.example).0.len(), parts(&g.example).1.map(|c| c.0)), (4096, Some(5000)));
    assert_eq!(parts(&s.files[0].name).1.map(|c| c.0), Some(5000));
    assert_eq!(parts(&s.anomalies()[0].text).1.map(|c| c.0), Some(5000), "the orphan's word");
    let v: Value = serde_json::from_str(&s.to_json()).unwrap();
    assert_eq!(v["iterations"][0]["cut"]["bytes"], json!(5000));
    assert_eq!(v["files"][0]["cut"]["bytes"], json!(5000));
    assert_eq!(v["failure_groups"][0]["example_cut"]["bytes"], json!(5000));
    assert_eq!(Summary::from_json(&s.to_json()).unwrap(), s);
    assert_eq!(Summary::from_json(&s.to_json_pretty()).unwrap(), s);
}

/// Reads `v` back, expecting a refusal whose reason holds `reason`.
fn refused(v: &Value, reason: &str) {
    let err = Summary::from_json(&v.to_string()).expect_err(reason);
    assert!(err.contains(reason), "expected {reason:?} in {err:?}");
}

#[test]
fn summaries_cut_at_different_sizes_are_not_merged() {
    let mut v: Value = serde_json::from_str(&parse("t", twins().as_bytes(), NameMode::Line).to_json()).unwrap();
    v["cut_bytes"] = json!(1024);
    refused(&v, "its names are cut at 1024 bytes, and this lra cuts them at 4096");
    v["cut_bytes"] = json!(8192);
    refused(&v, "summaries cut at different sizes cannot be merged");
}

#[test]
fn cuts_that_do_not_fit_their_text_are_refused() {
    let v: Value = serde_json::from_str(&parse("t", twins().as_bytes(), NameMode::Line).to_json()).unwrap();
    let change = |f: fn(&mut Value), reason: &str| {
        let mut w = v.clone();
        f(&mut w["tests"][0]);
        refused(&w, reason);
    };
    change(|t| t["cut"]["bytes"] = json!(4096), "nothing was cut");
    change(|t| t["cut"]["bytes"] = json!(10), "nothing was cut");
    change(|t| t["cut"]["sha256"] = json!(XA.to_uppercase()), "is not 64 lowercase hex digits");
    change(|t| t["cut"]["sha256"] = json!(&XA[1..]), "is not 64 lowercase hex digits");
    change(|t| t["cut"]["sha256"] = json!(format!("{XA}0")), "is not 64 lowercase hex digits");
    change(|t| t["name"] = json!("x".repeat(4097)), "over the 4096 a cut keeps");
    change(|t| t["name"] = json!("x".repeat(100)), "keeps only 100 bytes");
    // The same on an iteration, a file and a failure group.
    let mut w: Value =
        serde_json::from_str(&parse("t", b"Iteration 1\nTest: a\nResult: FAIL r\n", NameMode::Line).to_json()).unwrap();
    w["iterations"][0]["cut"] = json!({"bytes": 1, "sha256": XA});
    refused(&w, "an iteration's label");
    w["iterations"][0].as_object_mut().unwrap().remove("cut");
    w["files"][0]["cut"] = json!({"bytes": 5000, "sha256": "x"});
    refused(&w, "a file's name");
    w["files"][0].as_object_mut().unwrap().remove("cut");
    w["failure_groups"][0]["detail_cut"] = json!({"bytes": 0, "sha256": XA});
    refused(&w, "a failure group's reason");
}

#[test]
fn long_names_of_a_summary_saved_before_cuts_are_cut_when_read() {
    // As an older lra wrote it: the whole name, no `cut`, no `cut_bytes`.
    let log = format!("Test: {}\nResult: PASS\n", "n".repeat(5000));
    let fresh = parse("t.log", log.as_bytes(), NameMode::Line);
    let mut v: Value = serde_json::from_str(&fresh.to_json()).unwrap();
    v.as_object_mut().unwrap().remove("cut_bytes");
    v["tests"][0]["name"] = json!("n".repeat(5000));
    v["tests"][0].as_object_mut().unwrap().remove("cut");
    let mut old = Summary::from_json(&v.to_string()).unwrap();
    assert_eq!(parts(&old.tests()[0].name), (&"n".repeat(4096)[..], Some((5000, N5000.to_owned()))));
    // Hashed from what is there: the whole name, here, so it is the test a fresh parse finds.
    assert_eq!(old, fresh);
    old.merge(fresh).unwrap();
    assert_eq!(old.tests().len(), 1);
    assert_eq!(old.totals().passed, 2);
}

#[test]
fn a_name_written_as_another_names_cut_form_is_a_test_of_its_own() {
    // The parser knows a test that followed another by its bytes; a long name whose bytes are
    // those of a cut name (whose whole differs) must not be taken for it.
    let cut_b = lra_core::cut_text(&x('B')).into_owned();
    let log = format!(
        "Test: a\nResult: PASS\nTest: {b}\nResult: PASS\nTest: a\nResult: PASS\nTest: {cut_b}\nResult: FAIL\n",
        b = x('B')
    );
    let s = parse("t.log", log.as_bytes(), NameMode::Line);
    assert_eq!(s.tests().len(), 3);
    assert_eq!(counts(&s, &s.tests()[1].name), (1, 0, 0, 0, 0));
    assert_eq!(parts(&s.tests()[2].name).1.map(|c| c.0), Some(cut_b.len() as u64));
}
