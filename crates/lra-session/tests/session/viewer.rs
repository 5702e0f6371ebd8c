//! The run viewer's lines, checked against the file's own bytes split at `\n`: any place, any
//! window, CRLF, invalid UTF-8, long lines, no final newline; and search against a plain scan.

use lra_protocol::{FilesQuery, LinesQuery, Place, Reading, Reply, Request};
use lra_session::Session;
use std::rc::Rc;

use lra_session::lines::{Anchor, LineIndex, SHOWN_BYTES, Source, search, window};
use proptest::prelude::*;

use crate::{analyze, ask};

/// The lines of `bytes` as the viewer must show them: split at `\n`, a last line without one
/// kept, the `\r` of a CRLF dropped, invalid UTF-8 as U+FFFD, the controls that [`piece`] makes
/// visible (docs/design.md §1: a tab stays), with each line's start.
fn expected_lines(bytes: &[u8]) -> Vec<(u64, String, u64)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let at = start;
        start += line.len() + 1;
        if at == bytes.len() && i > 0 {
            break;
        }
        let shown = if line.len() > SHOWN_BYTES {
            // Its first bytes, less a character cut in two at the limit.
            let mut cut = &line[..SHOWN_BYTES];
            while !cut.is_empty() && std::str::from_utf8(cut).is_err_and(|e| e.error_len().is_none()) {
                cut = &cut[..cut.len() - 1];
            }
            cut
        } else {
            line.strip_suffix(b"\r").unwrap_or(line)
        };
        let text =
            String::from_utf8_lossy(shown).replace('\r', "␍").replace('\u{1b}', "␛").replace('\u{202e}', "⟨U+202E⟩");
        out.push((at as u64, text, line.len() as u64));
    }
    out
}

fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"Test: a".to_vec()),
        Just(b"Result: FAIL".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just("é".as_bytes().to_vec()),
        Just(b"<script>alert(1)</script>".to_vec()),
        // A terminal's escape, a tab and a bidirectional control: shown, not obeyed.
        Just("\u{1b}[2J\t\u{202e}".as_bytes().to_vec()),
        (1usize..5000).prop_map(|n| vec![b'x'; n]),
    ]
}

fn file() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(piece(), 0..60).prop_map(|p| p.concat())
}

proptest! {
    #[test]
    fn a_window_holds_the_files_own_lines_numbered(
        bytes in file(),
        at in 0.0f64..1.0,
        before in 0usize..6,
        after in 0usize..6,
        by_line in any::<bool>(),
        known in prop::collection::vec(0.0f64..1.0, 0..3),
    ) {
        let lines = expected_lines(&bytes);
        let k = ((lines.len() as f64 * at) as usize).min(lines.len().saturating_sub(1));
        // Any place inside the line finds it; so does its number.
        let (start, _, len) = lines[k];
        let anchor = if by_line { Anchor::Line(k as u64 + 1) } else { Anchor::Offset(start + (len as f64 * at) as u64) };
        // Known places may be anywhere (the parse's checkpoints are not always line starts).
        let mut points = Vec::new();
        for f in known {
            let o = (bytes.len() as f64 * f) as usize;
            points.push((o as u64, bytes[..o].iter().filter(|&&b| b == b'\n').count() as u64));
        }
        let mut index = LineIndex::new(points);
        let w = window(&bytes[..], &mut index, anchor, before, after).unwrap();
        let first = k.saturating_sub(before);
        prop_assert_eq!(w.first_line, first as u64 + 1);
        prop_assert_eq!(w.anchor as usize, k - first);
        let last = (k + after).min(lines.len() - 1);
        prop_assert_eq!(w.lines.len(), last - first + 1);
        for (shown, (offset, text, len)) in w.lines.iter().zip(&lines[first..=last]) {
            prop_assert_eq!(shown.offset, *offset);
            prop_assert_eq!(shown.len, *len);
            prop_assert_eq!(shown.cut, *len as usize > SHOWN_BYTES);
            prop_assert_eq!(&shown.text, text);
        }
        prop_assert_eq!(w.at_start, first == 0);
        prop_assert_eq!(w.at_end, last == lines.len() - 1);
    }

    #[test]
    fn search_finds_the_line_of_the_next_hit_either_way(bytes in file(), from in 0.0f64..1.0, forward in any::<bool>()) {
        let needle = b"FAIL";
        let from = (bytes.len() as f64 * from) as u64;
        let hits: Vec<u64> = (0..bytes.len().saturating_sub(3)).filter(|&i| &bytes[i..i + 4] == needle).map(|i| i as u64).collect();
        let hit = if forward { hits.iter().find(|&&h| h >= from) } else { hits.iter().rev().find(|&&h| h < from) };
        let line_of = |h: u64| bytes[..h as usize].iter().rposition(|&b| b == b'\n').map_or(0, |i| i as u64 + 1);
        prop_assert_eq!(search(&bytes[..], from, needle, forward).unwrap(), Ok(hit.map(|&h| line_of(h))));
    }
}

#[test]
fn a_line_past_the_end_is_refused_with_the_count() {
    let mut index = LineIndex::default();
    let e = window(&b"a\nb\n"[..], &mut index, Anchor::Line(3), 1, 1).unwrap_err();
    assert_eq!(e, "the file has fewer than 3 lines");
}

#[test]
fn a_search_reads_a_bounded_share_and_says_where_to_go_on() {
    let mut bytes = vec![b'.'; 70 << 20];
    bytes.extend_from_slice(b"\nneedle\n");
    let first = search(&bytes[..], 0, b"needle", true).unwrap();
    let Err(next) = first else { panic!("{first:?}") };
    assert!(next > 0 && next < bytes.len() as u64);
    let mut from = next;
    loop {
        match search(&bytes[..], from, b"needle", true).unwrap() {
            Ok(hit) => {
                assert_eq!(hit, Some((70 << 20) + 1));
                break;
            }
            Err(next) => from = next,
        }
    }
}

/// A log with a test that fails twice, CRLF lines, a bad byte and a hostile line.
const LOG: &str = "Iteration 1\r\nTest: a\r\n<script>alert(1)</script>\r\nResult: FAIL boom\r\nTest: b\nResult: PASS\nTest: a\n\u{e9}t\u{e9}\nResult: FAIL again\n";

#[test]
fn the_session_opens_a_first_failure_and_marks_the_tests_runs() {
    let mut s = Session::new(false);
    analyze(&mut s, &[("a.log", LOG)], Reading::default(), 7);
    let q = LinesQuery { at: Place { file: 0, line: Some(4), offset: None }, before: 2, after: 1, test: None };
    let Reply::Lines(v) = ask(&mut s, Request::Lines(q)).0 else { panic!() };
    assert_eq!(v.name, "a.log");
    assert_eq!(v.test.as_deref(), Some("a"), "the run that holds line 4 is a's");
    assert_eq!(v.seen, 2);
    let offsets: Vec<u64> = LOG.match_indices('\n').map(|(i, _)| i as u64 + 1).collect();
    // a's runs: lines 2–4 and 7–9.
    let runs: Vec<(u64, u64)> = v.runs.iter().map(|r| (r.opened, r.closed)).collect();
    assert_eq!(runs, [(offsets[0], offsets[2]), (offsets[5], offsets[7])]);
    assert_eq!(v.window.first_line, 2);
    let texts: Vec<&str> = v.window.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["Test: a", "<script>alert(1)</script>", "Result: FAIL boom", "Test: b"]);
    // The same place by its offset.
    let q = LinesQuery { at: Place { file: 0, line: None, offset: Some(offsets[2]) }, before: 2, after: 1, test: None };
    let Reply::Lines(w) = ask(&mut s, Request::Lines(q)).0 else { panic!() };
    assert_eq!(w.window, v.window);
    // The next failure of any test, from the first one's result.
    let place = Place { file: 0, line: None, offset: Some(offsets[2]) };
    let Reply::NextFailure(Some((name, run))) = ask(&mut s, Request::NextFailure { place, forward: true }).0 else {
        panic!()
    };
    assert_eq!((name.as_str(), run.opened), ("a", offsets[5]));
}

#[test]
fn a_file_the_page_did_not_give_again_is_not_shown_and_says_why() {
    // Read without its bytes kept (as a saved summary's files, or an archive's members, are).
    let mut s = Session::new(false);
    let names = vec!["a.log".to_owned()];
    let mut batch = s.begin(&Request::Analyze { names, reading: Reading::default(), adopt: true }).unwrap();
    batch.begin_file(0);
    batch.feed(LOG.as_bytes());
    batch.end_file();
    s.finish(batch, 0.0, Default::default());
    let q = LinesQuery { at: Place { file: 0, line: Some(1), offset: None }, before: 0, after: 0, test: None };
    let Reply::Failed { message } = ask(&mut s, Request::Lines(q)).0 else { panic!() };
    assert!(message.starts_with("a.log cannot be shown"), "{message}");
}

/// Reads `input` (a compressed file or an archive) as the page gives it, keeping its bytes.
fn analyze_input(name: &str, input: Vec<u8>) -> Session {
    let mut s = Session::new(false);
    let names = vec![name.to_owned()];
    let mut batch = s.begin(&Request::Analyze { names, reading: Reading::default(), adopt: true }).unwrap();
    batch.begin_file(0);
    for piece in input.chunks(1000) {
        batch.feed(piece);
    }
    batch.end_file();
    let given = [(0, Rc::new(input) as Rc<dyn Source>)].into();
    s.finish(batch, 0.0, given);
    s
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../../tests/fixtures/archives/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Every line of `file` of `s`, asked a few at a time from several places, as the viewer asks.
fn all_lines(s: &mut Session, file: u32) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = 1;
    loop {
        let q = LinesQuery { at: Place { file, line: Some(line), offset: None }, before: 0, after: 6, test: None };
        match ask(s, Request::Lines(q)).0 {
            Reply::Lines(v) => {
                assert!(v.decoded);
                assert_eq!(v.window.first_line, line);
                out.extend(v.window.lines.iter().map(|l| l.text.clone()));
                if v.window.at_end {
                    return out;
                }
                line += v.window.lines.len() as u64;
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_compressed_file_and_an_archives_member_are_decoded_up_to_the_lines_shown() {
    let sample = include_str!("../../../../tests/fixtures/seed-sample.log");
    let expected: Vec<String> = sample.lines().map(str::to_owned).collect();
    for name in ["seed.log.gz", "seed.log.zst"] {
        let mut s = analyze_input(name, fixture(name));
        assert_eq!(all_lines(&mut s, 0), expected, "{name}");
    }
    // The zip's members: the gzipped seed log inside it is the third file.
    let mut s = analyze_input("logs.zip", fixture("logs.zip"));
    let files = FilesQuery { first: 0, count: 50 };
    let Reply::Files(files) = ask(&mut s, Request::Files(files)).0 else { panic!() };
    let k = files.rows.iter().position(|f| f.name.ends_with("job-2/seed.log.gz")).expect("the member");
    assert_eq!(all_lines(&mut s, k as u32), expected);
    // Back to the start after reading on: decoded again from the start.
    let q = LinesQuery { at: Place { file: k as u32, line: Some(1), offset: None }, before: 0, after: 0, test: None };
    let Reply::Lines(v) = ask(&mut s, Request::Lines(q)).0 else { panic!() };
    assert_eq!(v.window.lines[0].text, expected[0]);
}

/// A log where `t` fails 30 times (more than the 20 runs kept), other lines between: each run
/// as the offsets of its `Test: t` line and of its result, read from the text.
fn often_failing() -> (String, Vec<(u64, u64)>) {
    let mut log = String::new();
    let mut runs = Vec::new();
    for i in 0..30 {
        log.push_str(&format!("Test: other\nResult: PASS\nTest: t\noutput of run {i}\n"));
        let opened = log.rfind("Test: t").unwrap() as u64;
        let closed = log.len() as u64;
        log.push_str(&format!("Result: FAIL boom {i}\n"));
        runs.push((opened, closed));
        if i % 4 == 0 {
            log.push_str("Test: t\nResult: PASS\n");
        }
    }
    (log, runs)
}

#[test]
fn every_failed_run_past_the_kept_ones_is_found_again_in_order() {
    use lra_core::Options;
    use lra_session::rescan::{Rescan, next_failed_run};
    let (log, expected) = often_failing();
    let src = log.as_bytes();
    // Whole shares, and shares so small that runs straddle them, down to the longest run (47
    // bytes, `Test: t` to `Result: FAIL boom 29`): a run open at a share's end is read again
    // from its start by the next.
    for budget in [1 << 20, 200, 61, 47] {
        let mut found = Vec::new();
        let mut after = 0;
        loop {
            match next_failed_run(src, &Options::default(), "t", after, budget).unwrap() {
                Rescan::Found { opened, closed } => {
                    found.push((opened, closed));
                    after = closed;
                }
                Rescan::GoOn(next) => {
                    assert!(next > after, "budget {budget}: no progress at {after}");
                    after = next;
                }
                Rescan::Done => break,
            }
        }
        assert_eq!(found, expected, "budget {budget}");
    }
    // Through the session: the run after the 10th kept one is the 11th, which was not kept.
    let mut s = Session::new(false);
    analyze(&mut s, &[("o.log", &log)], Reading::default(), 4096);
    let request = Request::NextRun { test: "t".into(), file: 0, after: expected[9].1 };
    let Reply::NextRun { run: Some(run), done: true, .. } = ask(&mut s, request).0 else { panic!() };
    assert_eq!((run.opened, run.closed), expected[10]);
    let request = Request::NextRun { test: "t".into(), file: 0, after: expected[29].1 };
    assert!(matches!(ask(&mut s, request).0, Reply::NextRun { run: None, done: true, .. }));
}

#[test]
fn a_long_way_into_a_compressed_file_is_decoded_a_share_at_a_time_with_its_progress() {
    use std::io::Write;
    // 12 MiB of runs, stored without compression, so that reaching the last one takes more
    // than one share of 8 MiB; the failure is the last run.
    let mut log = String::new();
    while log.len() < 12 << 20 {
        log.push_str("Test: t\nResult: PASS\n");
    }
    let failure = log.len() as u64 + 8;
    log.push_str("Test: t\nResult: FAIL at the end\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    gz.write_all(log.as_bytes()).unwrap();
    let input = gz.finish().unwrap();
    let size = input.len() as u64;
    let mut s = analyze_input("big.log.gz", input);
    let q = LinesQuery { at: Place { file: 0, line: None, offset: Some(failure) }, before: 1, after: 0, test: None };
    let mut progress = Vec::new();
    let v = loop {
        match ask(&mut s, Request::Lines(q.clone())).0 {
            Reply::Decoding { file: 0, done, size: total } => {
                assert_eq!(total, size);
                progress.push(done);
            }
            Reply::Lines(v) => break v,
            other => panic!("{other:?}"),
        }
    };
    assert!(!progress.is_empty() && progress.windows(2).all(|w| w[0] < w[1]), "{progress:?}");
    assert!(progress.iter().all(|&d| d < size));
    let texts: Vec<&str> = v.window.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["Test: t", "Result: FAIL at the end"]);
    assert!(v.decoded);
}

/// Reads `inputs` ([name, bytes]) as one request, keeping their bytes as the page gives them:
/// by one batch, or (`in_parts`) each by a parser of the pool, its part added to the batch.
fn analyze_inputs(inputs: &[(&str, &[u8])], in_parts: bool) -> Session {
    let mut s = Session::new(false);
    let names = inputs.iter().map(|(n, _)| n.to_string()).collect();
    let mut batch = s.begin(&Request::Analyze { names, reading: Reading::default(), adopt: true }).unwrap();
    for (i, (_, bytes)) in inputs.iter().enumerate() {
        if in_parts {
            let mut alone = Session::new(false).begin(&batch.request_for(i)).unwrap();
            alone.begin_file(0);
            alone.feed(bytes);
            batch.add_part(i, &alone.into_part()).unwrap();
        } else {
            batch.begin_file(i);
            batch.feed(bytes);
            batch.end_file();
        }
    }
    let given = inputs.iter().enumerate().map(|(i, (_, b))| (i, Rc::new(b.to_vec()) as Rc<dyn Source>)).collect();
    s.finish(batch, 0.0, given);
    s
}

#[test]
fn two_inputs_of_the_same_name_and_size_one_compressed_are_each_read_from_its_own() {
    use std::io::Write;
    // Two `run.log` from different folders, one gzipped, whose logs are the same size: nothing
    // but where each file came from tells them apart.
    let zipped_log = "Test: a\nResult: FAIL gz\n";
    let plain_log = "Test: b\nResult: FAIL pl\n";
    assert_eq!(zipped_log.len(), plain_log.len());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(zipped_log.as_bytes()).unwrap();
    let zipped = gz.finish().unwrap();
    let first_line = |s: &mut Session, file: u32| {
        let q = LinesQuery { at: Place { file, line: Some(1), offset: None }, before: 0, after: 1, test: None };
        let Reply::Lines(v) = ask(s, Request::Lines(q)).0 else { panic!("file {file}") };
        (v.window.lines.iter().map(|l| l.text.clone()).collect::<Vec<_>>().join("\n"), v.decoded)
    };
    for in_parts in [false, true] {
        let mut s = analyze_inputs(&[("run.log", &zipped), ("run.log", plain_log.as_bytes())], in_parts);
        assert_eq!(first_line(&mut s, 0), ("Test: a\nResult: FAIL gz".to_owned(), true), "parts: {in_parts}");
        assert_eq!(first_line(&mut s, 1), ("Test: b\nResult: FAIL pl".to_owned(), false), "parts: {in_parts}");
        let mut s = analyze_inputs(&[("run.log", plain_log.as_bytes()), ("run.log", &zipped)], in_parts);
        assert_eq!(first_line(&mut s, 0), ("Test: b\nResult: FAIL pl".to_owned(), false), "parts: {in_parts}");
        assert_eq!(first_line(&mut s, 1), ("Test: a\nResult: FAIL gz".to_owned(), true), "parts: {in_parts}");
    }
}
