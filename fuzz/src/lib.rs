//! What the fuzz targets check (docs/design.md, "Fuzzing"). Every target reads its input in
//! ways that must agree, and panics, so that libFuzzer saves the input, when they do not:
//!
//! - [`check_log`]: a log fed whole, fed in pieces, parsed as segments merged in a tree, written
//!   as JSON and read back, and cut into two files whose saved summaries are merged;
//! - [`check_archive`]: a compressed file or archive fed whole and in pieces;
//! - [`check_saved`]: any bytes read as a saved summary: refused with a reason, or read into a
//!   summary that writes, reads back, merges and draws.
//!
//! The last [`CONTROL`] bytes of an input steer the check (options, where to cut); the rest is
//! the input. The committed seed corpus (`fuzz/seed-corpus.sh`) is the fixtures with
//! [`CONTROL`] zero bytes after each.

use lra_core::testing::{Tree, parse_in_pieces, parse_in_segments};
use lra_core::{DETECT_LEN, Diff, LogFormat, Markers, NameMode, Options, Summary};
use lra_input::{Sink, Unpacker};

/// How many bytes at an input's end steer the check.
pub const CONTROL: usize = 8;

/// The input and its control bytes (zeros where the input is shorter).
fn split(data: &[u8]) -> (&[u8], [u8; CONTROL]) {
    let at = data.len().saturating_sub(CONTROL);
    let mut control = [0u8; CONTROL];
    control[..data.len() - at].copy_from_slice(&data[at..]);
    (&data[..at], control)
}

/// Reading options from a control byte: the name mode, one file one iteration, custom markers
/// (for the markers format), and a small line limit now and then.
fn options(c: u8, format: Option<LogFormat>) -> Options {
    let markers = match (format, c >> 2 & 3) {
        (Some(LogFormat::Markers) | None, 1) => Markers::new("TEST:", "STATUS:", "Round ", false),
        (Some(LogFormat::Markers) | None, 2) => Markers::new("Case: ", "Outcome: ", "Iteration ", true),
        _ => Ok(Markers::default()),
    };
    Options {
        name_mode: if c & 1 == 0 { NameMode::Line } else { NameMode::FirstWord },
        markers: markers.expect("valid markers"),
        format,
        detected: None,
        iteration_per_file: c & 2 != 0 && c & 0x10 != 0,
        max_line: if c & 0x60 == 0x60 { usize::from(c >> 7) * 16 + 8 } else { lra_core::DEFAULT_MAX_LINE },
        parallel: false,
    }
}

/// Up to four cut positions in a log of `len` bytes, in order.
fn cuts(len: usize, control: &[u8]) -> Vec<usize> {
    let mut cuts: Vec<usize> = control.iter().map(|&c| len * usize::from(c) / 255).collect();
    cuts.sort_unstable();
    cuts
}

/// A log fed whole: in pieces cut nowhere.
fn parse(name: &str, bytes: &[u8], options: &Options) -> Summary {
    parse_in_pieces(name, bytes, options, &[])
}

/// A saved summary as the CLI and the app read it back; our own must always be accepted.
fn read_back(json: &str) -> Summary {
    Summary::from_json(json).unwrap_or_else(|e| panic!("a summary we wrote is refused: {e}\n{json}"))
}

/// Every text a summary keeps is within the budget (docs/design.md, "Names shown and kept"): at
/// most `CUT_BYTES`, or the cut form of a longer one, which keeps at most `CUT_BYTES` of it.
fn assert_within_budget(s: &Summary) {
    let check = |what: &str, text: &str| {
        if text.len() > lra_core::CUT_BYTES {
            let (kept, cut) = lra_core::split_cut(text);
            let cut = cut.unwrap_or_else(|| panic!("{what} of {} bytes is kept whole", text.len()));
            assert!(kept.len() <= lra_core::CUT_BYTES && cut.bytes > kept.len() as u64, "{what}: {cut:?}");
        }
    };
    for t in s.tests() {
        check("a test's name", &t.name);
        for (word, _) in t.results.iter() {
            check("a result word", word);
        }
    }
    for i in s.iterations() {
        check("an iteration's label", &i.label);
    }
    for f in &s.files {
        check("a file's name", &f.name);
    }
    for g in s.failure_groups() {
        check("a failure's reason", &g.detail);
        check("a failure's example", &g.example);
    }
    for a in s.anomalies() {
        check("an anomaly's text", &a.text);
    }
}

/// A log read as `format` (`None`: told by its first bytes): fed whole, in pieces, one byte at
/// a time (when short), as segments in a merge tree, through its JSON, and as two files whose
/// saved summaries are merged must all give the same summary.
pub fn check_log(data: &[u8], format: Option<LogFormat>) {
    let (log, control) = split(data);
    let options = options(control[0], format);
    let cuts = cuts(log.len(), &control[1..5]);
    let whole = parse("t.log", log, &options);
    assert_within_budget(&whole);

    assert_eq!(parse_in_pieces("t.log", log, &options, &cuts), whole, "fed in pieces cut at {cuts:?}");
    if log.len() <= 256 {
        let every: Vec<usize> = (1..log.len()).collect();
        assert_eq!(parse_in_pieces("t.log", log, &options, &every), whole, "fed a byte at a time");
    }
    let told = format.unwrap_or_else(|| lra_core::detect(&log[..log.len().min(DETECT_LEN)]));
    if told.is_line_format() {
        let tree = [Tree::Left, Tree::Right, Tree::Balanced][usize::from(control[5] % 3)];
        let segmented = parse_in_segments("t.log", log, &options, &cuts, tree);
        assert_eq!(segmented, whole, "segments cut at {cuts:?}, merged {tree:?}");
    }

    let json = whole.to_json();
    assert_eq!(read_back(&json).to_json(), json, "the JSON round trip changed the summary");

    // Two files, cut at a line's end: merged as parsed, and merged as saved summaries.
    let at = log[cuts[0]..].iter().position(|&b| b == b'\n').map_or(log.len(), |i| cuts[0] + i + 1);
    let (a, b) = (parse("a.log", &log[..at], &options), parse("b.log", &log[at..], &options));
    let mut saved = read_back(&a.to_json());
    saved.merge(read_back(&b.to_json())).expect("read by the same rules");
    let mut direct = a;
    direct.merge(b).expect("read by the same rules");
    let merged = direct.to_json();
    assert_eq!(saved.to_json(), merged, "the merge of saved summaries differs from the merge");
    read_back(&merged);
}

/// What an unpacker gave: each file's name, length, checksum and damage, and the problems. The
/// bytes themselves are not kept, so that a small input that inflates to much stays cheap.
#[derive(Debug, Default, PartialEq)]
struct Unpacked {
    files: Vec<(String, u64, u32, Option<String>)>,
    problems: Vec<String>,
}

/// An [`Unpacked`] being filled: the open file's checksum so far beside it.
#[derive(Default)]
struct Unpacking(Unpacked, crc32fast::Hasher);

impl Sink for Unpacking {
    fn begin(&mut self, name: &str, _: bool) {
        self.0.files.push((name.to_owned(), 0, 0, None));
        self.1 = crc32fast::Hasher::new();
    }

    fn data(&mut self, bytes: &[u8]) {
        let file = self.0.files.last_mut().expect("bytes inside a file");
        file.1 += bytes.len() as u64;
        self.1.update(bytes);
        file.2 = self.1.clone().finalize();
    }

    fn end(&mut self, damage: Option<String>) {
        self.0.files.last_mut().expect("an end inside a file").3 = damage;
    }

    fn problem(&mut self, message: String) {
        self.0.problems.push(message);
    }
}

/// gzip's magic bytes.
pub const GZIP: &[u8] = &[0x1f, 0x8b];
/// zstd's magic bytes.
pub const ZSTD: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];
/// A zip entry's local header.
pub const ZIP: &[u8] = b"PK\x03\x04";
/// A ustar header's magic (at byte 257).
pub const TAR: &[u8] = b"ustar";

/// `input` made to start as `magic` says, so that every run reaches that reader.
fn with_magic(input: &[u8], magic: &[u8]) -> Vec<u8> {
    let at = if magic == TAR { 257 } else { 0 };
    let mut bytes = input.to_vec();
    if bytes.len() < at + magic.len() {
        bytes.resize(at + magic.len(), 0);
    }
    bytes[at..at + magic.len()].copy_from_slice(magic);
    bytes
}

fn unpack<S: Sink>(bytes: &[u8], piece: usize, mut sink: S) -> S {
    let mut u = Unpacker::new("in");
    for p in bytes.chunks(piece.max(1)) {
        u.feed(p, &mut sink);
    }
    u.finish(&mut sink);
    sink
}

/// A compressed file or archive (its magic bytes put at its start) gives the same members,
/// bytes, damage and problems, and the same summary, fed whole and in pieces.
pub fn check_archive(data: &[u8], magic: &[u8]) {
    let (input, control) = split(data);
    let bytes = with_magic(input, magic);
    let piece = 1 + usize::from(u16::from_le_bytes([control[0], control[1]])) % (bytes.len() + 1);
    let whole = unpack(&bytes, bytes.len(), Unpacking::default()).0;
    assert!(whole.files.len() as u64 <= lra_input::MAX_MEMBERS + 1, "{} members", whole.files.len());
    for (name, ..) in &whole.files {
        assert!(
            name.len() <= lra_core::CUT_BYTES || lra_core::split_cut(name).1.is_some(),
            "a member's name kept whole"
        );
    }
    assert_eq!(unpack(&bytes, piece, Unpacking::default()).0, whole, "fed in pieces of {piece} bytes");
    let options = options(control[2], None);
    let mut whole = unpack(&bytes, bytes.len(), lra_input::SummarySink::new(options.clone()));
    let mut pieces = unpack(&bytes, piece, lra_input::SummarySink::new(options));
    assert_eq!(pieces.take_problems(), whole.take_problems());
    let whole = whole.into_summary();
    assert_within_budget(&whole);
    assert_eq!(pieces.into_summary(), whole, "fed in pieces of {piece} bytes");
    read_back(&whole.to_json());
}

/// Any bytes read as a saved summary are refused with a reason or read into a summary whose
/// JSON reads back the same, which merges with itself into one that reads back, and which the
/// views (the heatmap, a diff, CSV, JUnit) can show without a panic.
pub fn check_saved(data: &[u8]) {
    let Ok(s) = Summary::read_json(data) else { return };
    assert_within_budget(&s);
    let json = s.to_json();
    let back = read_back(&json);
    assert_eq!(back.to_json(), json, "a saved summary read back is not stable");
    let _ = s.failure_grid(50, 10_000);
    let _ = Diff::between(&s, &back, lra_core::DEFAULT_ALPHA);
    let _ = s.to_csv();
    let mut junit = Vec::new();
    s.write_junit(&mut junit).expect("a Vec takes any bytes");
    let mut twice = s;
    twice.merge(back).expect("read by the same rules");
    let merged = twice.to_json();
    if let Err(e) = Summary::from_json(&merged) {
        // Each side's counts are at most 2^53 - 1: their sum may be over, and nothing else.
        assert!(e.contains("more than 2^53 - 1"), "a merge of a summary with itself is refused: {e}\n{merged}");
    }
}
