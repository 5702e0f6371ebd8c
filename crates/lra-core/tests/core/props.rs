//! Property tests over messy logs: chunking, segmenting, merge trees and a reference reading
//! must all agree.

use lra_core::testing::{Tree, parse_in_pieces, parse_in_segments};
use lra_core::{FileParser, LogFormat, Markers, NameMode, Options, Summary};
use proptest::prelude::*;

use crate::reference::{View, reference};
use crate::{assert_offsets_name_their_lines, parse_with};

/// Pieces that logs are made of: markers, names, words, noise, odd whitespace and bad bytes.
const PIECES: &[&[u8]] = &[
    b"Iteration ",
    b"Iteration 2",
    b"Test: ",
    b"Test: ",
    b"Result: ",
    b"Result: ",
    // Markers of the custom sets in `options()`, in both cases.
    b"TEST:",
    b"test:",
    b"STATUS:",
    b"Status:",
    b"Round ",
    b"ROUND 7",
    b"Case: ",
    b"CASE: ",
    b"outcome: ",
    b"Outcome: ",
    b"ITERATION ",
    "R\u{e9}sultat: ".as_bytes(),
    "R\u{c9}SULTAT: ".as_bytes(),
    // Pieces of the runners' lines.
    b"[ RUN      ] ",
    b"[       OK ] ",
    b"[  FAILED  ] ",
    b"[  SKIPPED ] ",
    b" (3 ms)",
    b"Repeating all tests (iteration ",
    b"t.py::test_a",
    b"::",
    b"[2-3]",
    b" PASSED",
    b" FAILED",
    b" XFAIL",
    b"[gw0] [ 50%] ",
    b"2024-05-01T10:00:00.1Z ",
    b"test ",
    b" ... ok",
    b" ... FAILED",
    b" ... ignored, why",
    b"ok 1 - ",
    b"not ok 2 - ",
    b"ok ",
    b" # SKIP x",
    b"# ",
    b"alpha",
    b"Beta Test",
    b"gamma",
    b"PASS",
    b"pass",
    b"FAIL",
    b"error",
    b"skip",
    b"ok",
    b"XFAIL",
    b" ",
    b"  ",
    b"\t",
    b"\x0b",
    b"\r",
    "\u{a0}".as_bytes(),
    "\u{3000}".as_bytes(),
    "é".as_bytes(),
    b"\xff",
    b"\xc3",
    b"\x00",
    b"Tes",
    b"t: ",
    b"Result:",
    b"noise line",
    b" expected 3 got 14",
    b"a.cc:3: Failure",
    b"7",
    // Durations: stated, and timestamps at a line's start (docs/design.md, "Durations").
    b"(elapsed 12 ms)",
    b" (elapsed 1.5 s) ",
    b"(elapsed ",
    b"10:00:0",
    b"[10:00:01.5] ",
    b"23:59:58 ",
    // Texts near the budget a name is cut at (4,096 bytes): one more piece and it is over.
    &LONG_N,
    &LONG_M,
];

const LONG_N: [u8; 4094] = [b'n'; 4094];
const LONG_M: [u8; 4097] = [b'm'; 4097];

fn line() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(PIECES), 0..6).prop_map(|pieces| pieces.concat())
}

/// Whole lines of a log whose few tests fail again and again: more failed runs than a test keeps.
const REPEATED: &[&[u8]] = &[
    b"Test: a\nResult: FAIL boom 3",
    b"Test: a\nResult: FAIL boom 3",
    b"Test: a\nout\nResult: FAILED",
    b"Test: b\nResult: FAIL",
    b"Test: a",
    b"Result: PASS",
    b"Iteration 4",
    b"noise line",
    b"[ RUN      ] s.a\n[  FAILED  ] s.a (3 ms)",
    b"t.py::test_a FAILED",
    b"not ok 2 - a",
    b"test a ... FAILED",
    b"10:00:00 Test: a\n10:00:02.5 Result: FAIL boom (elapsed 3 ms)",
    b"10:00:01 Test: a\n10:00:03.25 out\n10:00:04 Result: FAIL boom 3",
    b"23:59:59.5 Test: b\n00:00:00.25 Result: PASS",
    b"2024-05-01T10:00:05Z Test: c\n2024-05-01T10:00:01Z Result: PASS",
    b"2024-05-01T10:00:05Z 10:00:05 Test: c",
    b"[10:00:06] Result: PASS (elapsed 1.5 s)",
];

/// A log: lines joined by `\n` or `\r\n`, with or without a final newline; most of them messy,
/// some long runs of a few tests that fail often.
fn log() -> impl Strategy<Value = Vec<u8>> {
    let repeated = prop::collection::vec(prop::sample::select(REPEATED).prop_map(<[u8]>::to_vec), 0..100);
    let lines = prop_oneof![3 => prop::collection::vec(line(), 0..40), 1 => repeated];
    (
        lines
            .prop_flat_map(|l| {
                let n = l.len();
                (Just(l), prop::collection::vec(any::<bool>(), n))
            })
            .prop_map(|(l, crlf)| l.into_iter().zip(crlf).collect::<Vec<_>>()),
        any::<bool>(),
    )
        .prop_map(|(lines, trailing)| {
            let mut out = Vec::new();
            let n = lines.len();
            for (i, (l, crlf)) in lines.into_iter().enumerate() {
                out.extend_from_slice(&l);
                if i + 1 < n || trailing {
                    out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                }
            }
            out
        })
}

fn mode() -> impl Strategy<Value = NameMode> {
    prop_oneof![Just(NameMode::Line), Just(NameMode::FirstWord)]
}

/// The default markers, and custom ones: two that share no end (two finders), two that share
/// `e: ` (one finder and a look back), with and without case, and a non-ASCII one.
fn markers() -> impl Strategy<Value = Markers> {
    let m = |t: &str, r: &str, i: &str, case: bool| Markers::new(t, r, i, case).unwrap();
    prop_oneof![
        3 => Just(Markers::default()),
        1 => Just(m("TEST:", "STATUS:", "Round ", false)),
        1 => Just(m("TEST:", "STATUS:", "Round ", true)),
        1 => Just(m("Case: ", "Outcome: ", "Iteration ", true)),
        1 => Just(m("Case: ", "Outcome: ", "Iteration ", false)),
        1 => Just(m("Test: ", "R\u{e9}sultat: ", "ROUND ", true)),
    ]
}

fn options() -> impl Strategy<Value = Options> {
    (mode(), markers()).prop_map(|(name_mode, markers)| Options {
        name_mode,
        markers,
        format: Some(LogFormat::Markers),
        ..Options::default()
    })
}

/// Options of every format: markers (given or told), and the runners'.
fn any_options() -> impl Strategy<Value = Options> {
    let format = prop_oneof![
        Just(Some(LogFormat::Markers)),
        Just(None),
        Just(Some(LogFormat::GoogleTest)),
        Just(Some(LogFormat::Pytest)),
        Just(Some(LogFormat::Libtest)),
        Just(Some(LogFormat::Tap)),
    ];
    (options(), format, prop::bool::weighted(0.2)).prop_map(|(o, format, iteration_per_file)| Options {
        format,
        iteration_per_file,
        ..o
    })
}

/// Parses one file fed whole.
fn parse(name: &str, bytes: &[u8], options: &Options) -> Summary {
    parse_with(name, bytes, options)
}

fn tree() -> impl Strategy<Value = Tree> {
    prop_oneof![Just(Tree::Left), Just(Tree::Right), Just(Tree::Balanced)]
}

/// Cut points, as fractions of the length, so that they shrink well.
fn cuts() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0.0..1.0f64, 0..8)
}

fn at(len: usize, fractions: &[f64]) -> Vec<usize> {
    let mut v: Vec<usize> = fractions.iter().map(|f| (f * len as f64) as usize).collect();
    v.sort_unstable();
    v
}

fn chunked(bytes: &[u8], cuts: &[usize], options: &Options) -> Summary {
    parse_in_pieces("t.log", bytes, options, cuts)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_chunking_equals_feeding_whole(log in log(), options in any_options(), cuts in cuts()) {
        let whole = parse_with("t.log", &log, &options);
        prop_assert_eq!(&chunked(&log, &at(log.len(), &cuts), &options), &whole);
        assert_offsets_name_their_lines(&whole, &log);
    }

    #[test]
    fn one_byte_chunks_equal_feeding_whole(log in log(), options in any_options()) {
        let cuts: Vec<usize> = (1..log.len()).collect();
        prop_assert_eq!(chunked(&log, &cuts, &options), parse_with("t.log", &log, &options));
    }

    #[test]
    fn a_small_line_limit_gives_the_same_result_whatever_the_chunking(
        log in log(), options in any_options(), cuts in cuts(), max_line in 0usize..24
    ) {
        let options = Options { max_line, ..options };
        let whole = parse_with("t.log", &log, &options);
        prop_assert_eq!(&chunked(&log, &at(log.len(), &cuts), &options), &whole);
        if !segmentable(&log, &options) {
            return Ok(());
        }
        let segments = parse_in_segments("t.log", &log, &options, &at(log.len(), &cuts), Tree::Balanced);
        prop_assert_eq!(&segments, &whole);
    }

    #[test]
    fn a_name_past_a_small_line_limit_read_a_byte_at_a_time_equals_the_whole(
        lines in prop::collection::vec(line(), 1..6), options in any_options(), max_line in 0usize..16
    ) {
        // Names that run past the limit are read as the bytes stream by (docs/design.md,
        // "Names shown and kept"): every cut, inside a character or a marker too, agrees.
        let mut log = Vec::new();
        for l in lines {
            log.extend_from_slice(b"Test: ");
            log.extend_from_slice(&l);
            log.push(b'\n');
        }
        let options = Options { max_line, ..options };
        let cuts: Vec<usize> = (1..log.len()).collect();
        prop_assert_eq!(chunked(&log, &cuts, &options), parse_with("t.log", &log, &options));
    }

    #[test]
    fn any_segmenting_and_merge_tree_equals_the_sequential_parse(
        log in log(), options in any_options(), cuts in cuts(), tree in tree()
    ) {
        if !segmentable(&log, &options) {
            return Ok(());
        }
        let segmented = parse_in_segments("t.log", &log, &options, &at(log.len(), &cuts), tree);
        prop_assert_eq!(segmented, parse_with("t.log", &log, &options));
    }

    #[test]
    fn every_segment_boundary_one_line_apart(log in log(), options in any_options()) {
        // Cut after every line: the most boundaries a log can have.
        if !segmentable(&log, &options) {
            return Ok(());
        }
        let cuts: Vec<usize> = (0..log.len()).collect();
        let segmented = parse_in_segments("t.log", &log, &options, &cuts, Tree::Right);
        prop_assert_eq!(segmented, parse_with("t.log", &log, &options));
    }

    #[test]
    fn summary_merge_is_associative(a in log(), b in log(), c in log(), options in any_options()) {
        let (a, b, c) = (parse("a", &a, &options), parse("b", &b, &options), parse("c", &c, &options));
        let mut left = a.clone();
        left.merge(b.clone()).unwrap();
        left.merge(c.clone()).unwrap();
        let mut bc = b;
        bc.merge(c).unwrap();
        let mut right = a;
        right.merge(bc).unwrap();
        prop_assert_eq!(left, right);
    }

    #[test]
    fn the_reference_reading_agrees(logs in prop::collection::vec(log(), 1..4), options in options()) {
        let names = ["a.log", "b.log", "c.log"];
        let files: Vec<(&str, &[u8])> = logs.iter().enumerate().map(|(i, l)| (names[i], &l[..])).collect();
        let mut fast = Summary::empty_for(&options);
        for (name, bytes) in &files {
            fast.merge(parse(name, bytes, &options)).unwrap();
        }
        let (mut fast, mut exact) = (View::of(&fast), reference(&files, options.name_mode, &options.markers));
        prop_assert!(fast.percentiles_agree(&exact), "{:?} against {:?}", fast.percentiles, exact.percentiles);
        (fast.percentiles, exact.percentiles) = Default::default();
        prop_assert_eq!(fast, exact);
    }

    #[test]
    fn a_saved_summary_reads_back_equal_and_merges_exactly(a in log(), b in log(), options in any_options()) {
        let (a, b) = (parse("a", &a, &options), parse("b", &b, &options));
        let read = |s: &Summary| Summary::from_json(&s.to_json()).unwrap();
        prop_assert_eq!(&read(&a), &a);
        let mut direct = a.clone();
        direct.merge(b.clone()).unwrap();
        let mut saved = read(&a);
        saved.merge(read(&b)).unwrap();
        prop_assert_eq!(saved, direct);
    }
}

/// `options` with the format told from the log's head, as a file cut into parts is read.
fn told(log: &[u8], options: Options) -> Options {
    let told = lra_core::detect_reading(log, options.format);
    Options { format: Some(told.format), detected: Some(told), ..options }
}

/// Whether a file in `log`'s format can be cut into segments (pytest's is read in order).
fn segmentable(log: &[u8], options: &Options) -> bool {
    told(log, options.clone()).format.is_some_and(|f| f.is_line_format())
}

/// Where the parts of `log` cut at `cuts` end: each at the end of the line its cut falls in, the
/// last at the log's end.
fn line_ends(log: &[u8], cuts: &[f64]) -> Vec<usize> {
    let mut bounds: Vec<usize> = at(log.len(), cuts)
        .into_iter()
        .map(|c| log[c..].iter().position(|&b| b == b'\n').map_or(log.len(), |i| c + i + 1))
        .collect();
    bounds.push(log.len());
    bounds.dedup();
    bounds
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn segments_read_apart_and_appended_equal_the_whole(log in log(), options in any_options(), cuts in cuts(), feed in 1usize..9) {
        // As the CLI reads a large file: its format told from its head, parts cut at line ends,
        // each parsed by its own parser in small slices, appended in order.
        let options = told(&log, options);
        if !segmentable(&log, &options) {
            return Ok(());
        }
        let bounds = line_ends(&log, &cuts);
        let mut first = FileParser::new("t.log", options.clone());
        let mut start = 0;
        let mut parts = bounds.iter().map(|&end| {
            let part = &log[start..end];
            start = end;
            part
        });
        for piece in parts.next().unwrap_or(&[]).chunks(feed) {
            first.feed(piece);
        }
        for part in parts {
            let mut p = FileParser::for_segment(options.clone());
            for piece in part.chunks(feed) {
                p.feed(piece);
            }
            first.append(p.into_segment());
        }
        prop_assert_eq!(first.finish(), parse_with("t.log", &log, &options));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_segment_sent_as_bytes_and_appended_to_an_empty_parser_equals_the_whole(log in log(), options in any_options(), cuts in cuts(), feed in 1usize..9) {
        // As the browser's pool of parsers reads one file: its format told from its head, every
        // part (the first too) parsed apart as a segment in another worker, sent as bytes, and
        // appended in order to a parser of the file that was fed nothing.
        let options = told(&log, options);
        if !options.format.is_some_and(|f| f.is_line_format()) {
            return Ok(());
        }
        let mut file = FileParser::new("t.log", options.clone());
        let mut start = 0;
        for end in line_ends(&log, &cuts) {
            let mut p = FileParser::for_segment(options.clone());
            for piece in log[start..end].chunks(feed) {
                p.feed(piece);
            }
            start = end;
            let segment = p.into_segment();
            let sent = lra_core::Segment::from_bytes(&segment.to_bytes()).unwrap();
            prop_assert_eq!(&sent, &segment);
            file.append(sent);
        }
        prop_assert_eq!(file.finish(), parse_with("t.log", &log, &options));
    }
}

/// A few MiB of generated log, so that checkpoints are kept.
fn big_log() -> Vec<u8> {
    let options = lra_core::GenOptions { iterations: 900, tests: 40, ..lra_core::GenOptions::default() };
    let mut log = Vec::new();
    lra_core::generate(options, &mut log).unwrap();
    assert!(log.len() > 4 << 20, "{} bytes", log.len());
    log
}

/// Each checkpoint is a line start with the lines before it counted right, they come in order,
/// and none is much further than `CHECKPOINT_BYTES` plus a slice from the one before.
fn check_checkpoints(log: &[u8], points: &[(u64, u64)], slice: u64) {
    assert!(points.len() as u64 >= log.len() as u64 / (lra_core::CHECKPOINT_BYTES + slice), "{}", points.len());
    let mut last = 0;
    for &(offset, lines) in points {
        assert!(offset > last || last == 0, "in order");
        assert_eq!(log[offset as usize - 1], b'\n', "a line start");
        assert_eq!(log[..offset as usize].iter().filter(|&&b| b == b'\n').count() as u64, lines);
        assert!(offset - last <= lra_core::CHECKPOINT_BYTES + slice);
        last = offset;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn checkpoints_are_line_starts_with_their_line_counts_fed_or_appended(slice in 1usize..300_000, cut in 0.0f64..1.0) {
        let log = big_log();
        let mut fed = FileParser::new("g.log", Options::default());
        for piece in log.chunks(slice) {
            fed.feed(piece);
        }
        check_checkpoints(&log, &fed.take_checkpoints(), slice as u64);
        // Read in two parts, the second as a segment appended to the first.
        let options = Options { format: Some(LogFormat::Markers), ..Options::default() };
        let at = line_ends(&log, &[cut])[0];
        let mut left = FileParser::new("g.log", options.clone());
        left.feed(&log[..at]);
        let mut right = FileParser::for_segment(options);
        for piece in log[at..].chunks(slice) {
            right.feed(piece);
        }
        left.append(right.into_segment());
        check_checkpoints(&log, &left.take_checkpoints(), slice as u64 + at as u64);
    }
}

/// GoogleTest's lines over a few names: results that name the open test, another or none, with
/// and without durations, after unended output, the end-of-run lists, and output lines.
fn gtest_log() -> impl Strategy<Value = Vec<u8>> {
    (prop::collection::vec(prop::sample::select(GTEST_LINES), 0..40), any::<bool>()).prop_map(|(lines, trailing)| {
        let mut out = lines.join("\n").into_bytes();
        if trailing {
            out.push(b'\n');
        }
        out
    })
}

/// GoogleTest's lines for [`gtest_log`].
const GTEST_LINES: &[&str] = &[
    "[ RUN      ] A.B",
    "[ RUN      ] A.C",
    "[       OK ] A.B",
    "[       OK ] A.C (1 ms)",
    "[  FAILED  ] A.B (2 ms)",
    "[  FAILED  ] A.C",
    "[  FAILED  ] A.B, where GetParam() = 1",
    "[  SKIPPED ] A.C (3 ms)",
    "[  SKIPPED ] A.B",
    "out[       OK ] A.B",
    "out[  FAILED  ] A.C (4 ms)",
    "[ DISABLED ] A.D",
    "[  DEATH   ] [       OK ] A.B (5 ms)",
    "[  FAILED  ] 1 test, listed below:",
    "Repeating all tests (iteration 2) . . .",
    "a.cc:1: Failure",
    "first message",
    "second message",
    "",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn googletest_results_close_only_the_open_test_of_their_name_in_any_segments(
        log in gtest_log(), cuts in cuts(), tree in tree()
    ) {
        // A result closes only the open test it names (docs/design.md, "The test runners'
        // formats"): what a segment's first results close is settled by the merge.
        let options = Options { format: Some(LogFormat::GoogleTest), ..Options::default() };
        let whole = parse_with("t.log", &log, &options);
        prop_assert_eq!(&chunked(&log, &at(log.len(), &cuts), &options), &whole);
        prop_assert_eq!(&parse_in_segments("t.log", &log, &options, &at(log.len(), &cuts), tree), &whole);
    }
}

/// A history of `logs` in order, each read in pieces cut at `cuts` and made a build labelled
/// from `labels` (repeats included, which the JSON numbers).
fn history_of(logs: &[Vec<u8>], labels: &[usize], cuts: &[f64], options: &Options) -> Summary {
    let mut all = Summary::empty_for(options);
    for (i, log) in logs.iter().enumerate() {
        let build = chunked(log, &at(log.len(), cuts), options).into_build(&format!("build-{}", labels[i]));
        all.merge(build).unwrap();
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_history_at_once_equals_a_saved_one_extended_under_any_chunking(
        logs in prop::collection::vec(log(), 1..5),
        labels in prop::collection::vec(0usize..3, 5),
        cuts in cuts(),
        other_cuts in cuts(),
        split in 0usize..5,
        options in any_options(),
    ) {
        let at_once = history_of(&logs, &labels, &[], &options);
        let split = split.min(logs.len());
        let saved = Summary::from_json(&history_of(&logs[..split], &labels, &cuts, &options).to_json()).unwrap();
        let mut extended = if split == 0 { Summary::empty_for(&options) } else { saved };
        extended.merge(history_of(&logs[split..], &labels[split..], &other_cuts, &options)).unwrap();
        prop_assert_eq!(extended.to_json(), at_once.to_json());
        prop_assert_eq!(extended.to_csv(), at_once.to_csv());
    }
}

/// A log of tens of KiB, long enough for the first stage's vector loop: the messy lines and the
/// repeated runs, each after a filler of any length, so that markers fall at every offset modulo
/// 64 and on both sides of each 64-byte edge.
fn long_log() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![2 => line(), 2 => prop::sample::select(REPEATED).prop_map(<[u8]>::to_vec)];
    padded_log(b"x \t#", piece)
}

/// Pieces, each after a filler of 0 to 129 bytes drawn from `filler` that is a line of its own or
/// the start of the piece's line; a tenth of the lines end in CRLF, and the last may have no
/// newline.
fn padded_log(filler: &'static [u8], piece: impl Strategy<Value = Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let filler =
        (0usize..130, prop::sample::select(filler)).prop_map(|(n, b)| std::iter::repeat_n(b, n).collect::<Vec<u8>>());
    let entry = (filler, piece, any::<bool>(), prop::bool::weighted(0.1));
    (prop::collection::vec(entry, 100..600), any::<bool>()).prop_map(|(entries, trailing)| {
        let mut out = Vec::new();
        for (filler, piece, same_line, crlf) in entries {
            out.extend_from_slice(&filler);
            if !same_line {
                out.push(b'\n');
            }
            out.extend_from_slice(&piece);
            out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        }
        if !trailing {
            out.pop();
        }
        out
    })
}

/// A summary without what only the push parser adds: how its format was told.
fn unreported(mut s: Summary) -> Summary {
    s.files[0].reading = None;
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_first_stage_and_short_paths_read_as_the_general_path(
        log in long_log(), options in options(), max_line in prop_oneof![Just(usize::MAX), 20usize..200]
    ) {
        let options = Options { max_line: max_line.min(options.max_line), ..options };
        let fast = parse_with("t.log", &log, &options);
        let general = lra_core::testing::parse_markers_in_general("t.log", &log, &options);
        prop_assert_eq!(unreported(fast.clone()), unreported(general));
        assert_offsets_name_their_lines(&fast, &log);
        if max_line == usize::MAX {
            let (mut fast, mut exact) = (View::of(&fast), reference(&[("t.log", &log)], options.name_mode, &options.markers));
            prop_assert!(fast.percentiles_agree(&exact), "{:?} against {:?}", fast.percentiles, exact.percentiles);
            (fast.percentiles, exact.percentiles) = Default::default();
            prop_assert_eq!(fast, exact);
        }
    }
}

/// Markers matched in any case are read from a lowercased copy, 128 KiB of lines at a time: a
/// log of many such blocks, in mixed case, reads as the general path reads it, line by line.
#[test]
fn case_blind_markers_read_alike_across_the_lowercased_blocks() {
    let options =
        lra_core::GenOptions { iterations: 150, tests: 40, fail_rate: 0.2, ..lra_core::GenOptions::default() };
    let mut log = Vec::new();
    lra_core::generate(options, &mut log).unwrap();
    // Every third line's markers in upper case, so that only a case-blind reading counts them.
    let log: Vec<u8> = log
        .split(|&b| b == b'\n')
        .enumerate()
        .flat_map(|(i, line)| {
            let line = if i % 3 == 0 { line.to_ascii_uppercase() } else { line.to_vec() };
            line.into_iter().chain(*b"\n")
        })
        .collect();
    assert!(log.len() > 3 * 128 * 1024, "{} bytes", log.len());
    let markers = Markers::new("Test: ", "Result: ", "Iteration ", true).unwrap();
    for name_mode in [NameMode::Line, NameMode::FirstWord] {
        let options =
            Options { markers: markers.clone(), name_mode, format: Some(LogFormat::Markers), ..Options::default() };
        let fast = parse_with("t.log", &log, &options);
        let general = lra_core::testing::parse_markers_in_general("t.log", &log, &options);
        assert!(fast.files[0].totals.runs() > 1000);
        assert_eq!(unreported(fast), unreported(general));
    }
}

/// libtest's lines: run lines with each word, a result alone on a later line (`--nocapture`),
/// the summary, a failure's output, and lines that hold a needle's text but mean nothing.
const LIBTEST_LINES: &[&str] = &[
    "running 3 tests",
    "test a::b ... ok",
    "test a::c ... FAILED",
    "test a::d ... ignored",
    "test a::e ... ignored, slow",
    "test a::f ... ",
    "ok",
    "FAILED",
    "output of a test",
    "---- a::c stdout ----",
    "thread 'a::c' panicked at src/lib.rs:3:5:",
    "failures:",
    "    a::c",
    "test result: FAILED. 1 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s",
    "look, a token ... broken",
    "",
];

/// A runner's log of tens of KiB, long enough for the first stage's vector loop: its `lines`,
/// each after a filler of any length (of the needles' bytes, so that some start a needle and
/// do not finish it), on a line of its own or starting the line, so that needles fall at every
/// offset modulo 64 and on both sides of each 64-byte edge.
fn long_runner_log(lines: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    padded_log(b"x ]R.ok", prop::sample::select(lines).prop_map(|line| line.as_bytes().to_vec()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_first_stage_reads_a_runners_lines_as_reading_every_line_does(
        gtest in long_runner_log(GTEST_LINES),
        libtest in long_runner_log(LIBTEST_LINES),
        max_line in prop_oneof![Just(usize::MAX), 20usize..200],
    ) {
        for (log, format) in [(gtest, LogFormat::GoogleTest), (libtest, LogFormat::Libtest)] {
            let options = Options { format: Some(format), max_line, ..Options::default() };
            let fast = parse_with("t.log", &log, &options);
            prop_assert!(fast.files[0].totals.runs() > 0);
            let every = lra_core::testing::parse_runner_every_line("t.log", &log, &options, format);
            prop_assert_eq!(unreported(fast.clone()), unreported(every));
            assert_offsets_name_their_lines(&fast, &log);
        }
    }
}
