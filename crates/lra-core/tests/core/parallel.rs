//! The parallel parse on a real rayon pool gives the sequential result, field for field.

use lra_core::{FileParser, GenOptions, Generator, NameMode, Options};

/// A few MB of generated log with noise, anomalies, CRLF and bad bytes mixed in, so that the
/// parallel path (slices of 1 MiB and more) cuts through all of them.
fn messy_log() -> Vec<u8> {
    let mut g = Generator::new(GenOptions {
        iterations: 1200,
        tests: 60,
        fail_rate: 0.2,
        flaky: 6,
        seed: 3,
        ..GenOptions::default()
    });
    let mut log = Vec::new();
    let mut i = 0u32;
    while g.next_iteration(&mut log) {
        i += 1;
        match i % 5 {
            0 => log.extend_from_slice(b"Result: PASS\r\n"),
            1 => log.extend_from_slice(b"# Test: Orphaned Test\n"),
            2 => log.extend_from_slice(b"\xff\xfe binary \x00 noise Test: odd \xc3 Result: weird\n"),
            3 => log.extend_from_slice(b"Iteration \r\n"),
            _ => {}
        }
    }
    log
}

#[test]
fn parallel_parse_equals_sequential_at_every_thread_count() {
    let log = messy_log();
    assert!(log.len() > 4 << 20, "the log must exceed several parallel slices");
    for mode in [NameMode::Line, NameMode::FirstWord] {
        let sequential = {
            let mut p = FileParser::new("m.log", Options { parallel: false, ..Options::with_name_mode(mode) });
            p.feed(&log);
            p.finish()
        };
        for threads in [2, 3, 4, 7] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            for slice in [log.len(), 3 << 20, (1 << 20) + 17] {
                let parallel = pool.install(|| {
                    let mut p = FileParser::new("m.log", Options::with_name_mode(mode));
                    for piece in log.chunks(slice) {
                        p.feed(piece);
                    }
                    p.finish()
                });
                assert_eq!(parallel, sequential, "{threads} threads, slices of {slice}");
            }
        }
        assert!(sequential.orphan_results() > 0 && sequential.totals().missing > 0);
    }
}
