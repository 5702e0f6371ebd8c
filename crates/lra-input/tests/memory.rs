//! The attack of issue 23: a 65 KB `.gz` whose one line is a 64 MiB test name. Unpacked and
//! parsed as the CLI and the engine do (`SummarySink`), it must not make the process hold the line:
//! a parser holds at most `DEFAULT_MAX_LINE` (1 MiB) of a line, and reads the name on as it
//! streams, keeping it cut (docs/design.md, "Names shown and kept"). Measured as the process's peak resident memory
//! (`VmHWM`), so this test is a binary of its own: nothing else runs beside it.

use std::io::Write as _;

use lra_core::{NameMode, Options};
use lra_input::{SummarySink, Unpacker};

/// The process's peak resident memory so far, in bytes (Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn a_small_gz_of_a_64_mib_name_is_read_in_bounded_memory() {
    const MIB: u64 = 1 << 20;
    // The .gz is made a piece at a time, so that the log itself is never in memory either.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(b"Test: ").unwrap();
    let piece = vec![b'n'; 1 << 20];
    for _ in 0..64 {
        gz.write_all(&piece).unwrap();
    }
    gz.write_all(b" Result: PASS\nTest: b\nResult: FAIL\n").unwrap();
    let gz = gz.finish().unwrap();
    drop(piece);
    assert!(gz.len() < 100_000, "{} bytes", gz.len());

    let Some(before) = peak_rss() else { return };
    let mut members = SummarySink::new(Options::with_name_mode(NameMode::Line));
    let mut u = Unpacker::new("attack.log.gz");
    for slice in gz.chunks(64 << 10) {
        u.feed(slice, &mut members);
    }
    u.finish(&mut members);
    let s = members.into_summary();
    let peak = peak_rss().expect("read before");

    // The decoders' windows, 8 MiB slices gathered for the parallel parse, and 1 MiB of line:
    // well under the 64 MiB line (the parser held it whole before, 144 MB at its peak).
    let grew = peak.saturating_sub(before);
    eprintln!("peak resident memory {} MiB, {} MiB more than before the parse", peak / MIB, grew / MIB);
    assert!(grew < 40 * MIB, "the parse grew the peak resident memory by {} MiB", grew / MIB);
    // What the rules say: the name runs to the line's end, kept cut with the whole's length and
    // hash (`(head -c 67108864 /dev/zero | tr '\0' n; printf ' Result: PASS') | sha256sum`).
    assert_eq!(s.files[0].bytes, 6 + 64 * MIB + 35);
    let (kept, cut) = lra_core::split_cut(&s.tests()[0].name);
    let cut = cut.expect("cut");
    assert_eq!((kept.len(), cut.bytes), (4096, 64 * MIB + 13));
    assert_eq!(cut.sha256_hex(), "c2485596b6df73d9da46e7fe294ede71565f91bea4565a9f638c6e15af8fca5d");
    assert_eq!((s.totals().missing, s.totals().failed, s.long_lines()), (1, 1, 1));
}
