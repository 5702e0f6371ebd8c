//! The engine in a real browser (headless Chromium through wasm-bindgen-test-runner), in both
//! builds. The threaded build runs in a dedicated worker, the only place where the rayon pool
//! can block, and it must report more than one thread. Run by `make test-wasm`.
#![cfg(target_arch = "wasm32")]

use lra_core::{FileParser, GenOptions, Generator, NameMode, Options, Summary};
use lra_engine::{Engine, build_kind, sample_log, threads};
use wasm_bindgen_test::*;

#[cfg(feature = "threads")]
wasm_bindgen_test_configure!(run_in_dedicated_worker);
#[cfg(not(feature = "threads"))]
wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &[u8] = include_bytes!("../../../tests/fixtures/seed-sample.log");

/// Feeds `log` to the engine in slices of `slice` bytes.
fn through_engine(mode: &str, name: &str, log: &[u8], slice: usize) -> Summary {
    let mut engine = Engine::new(mode).unwrap();
    engine.begin_file(name);
    for piece in log.chunks(slice) {
        engine.feed(piece).unwrap();
    }
    engine.end_file();
    Summary::from_json(&engine.summary_json()).unwrap()
}

/// The same log through the core on this one thread.
fn sequential(mode: NameMode, name: &str, log: &[u8]) -> Summary {
    let mut p = FileParser::new(name, Options { parallel: false, ..Options::with_name_mode(mode) });
    p.feed(log);
    p.finish()
}

// The rayon pool can be built once per test binary, so the threaded checks share one test.
#[wasm_bindgen_test]
async fn engine_gives_the_core_summary() {
    #[cfg(feature = "threads")]
    {
        let pool = lra_engine::init_thread_pool(2);
        wasm_bindgen_futures::JsFuture::from(pool).await.unwrap();
        assert_eq!(build_kind(), "threaded");
        assert!(threads() > 1, "the threaded build runs {} thread(s)", threads());
    }
    #[cfg(not(feature = "threads"))]
    {
        assert_eq!(build_kind(), "single");
        assert_eq!(threads(), 1);
    }

    // The seed's sample, fed in awkward slices.
    let s = through_engine("first-word", "seed-sample.log", SAMPLE, 7);
    let pf: Vec<(&str, u64, u64)> = s.tests().iter().map(|t| (&*t.name, t.counts.passed, t.counts.failed)).collect();
    assert_eq!(pf, [("Apples", 2, 0), ("Oranges", 1, 1), ("Watermelon", 0, 2)]);

    // A log of several MB with anomalies, in 8 MiB slices as the worker sends them: the threaded
    // build splits each slice across its threads and must give the sequential result.
    let mut log = Vec::new();
    let mut g = Generator::new(GenOptions { iterations: 400, tests: 80, fail_rate: 0.2, flaky: 8, seed: 5 });
    let mut i = 0;
    while g.next_iteration(&mut log) {
        i += 1;
        if i % 7 == 0 {
            log.extend_from_slice(b"Result: PASS\r\n# Test: Unfinished Test\n\xff\xfe\n");
        }
    }
    assert!(log.len() > 3 << 20);
    for mode in [NameMode::Line, NameMode::FirstWord] {
        let engine = through_engine(mode.as_str(), "big.log", &log, 8 << 20);
        assert_eq!(engine, sequential(mode, "big.log", &log), "{mode:?}");
        assert!(engine.orphan_results() > 0 && engine.totals().missing > 0);
    }
}

#[wasm_bindgen_test]
fn sample_log_is_the_seed_format() {
    let log = sample_log(4, 10, 1);
    let s = sequential(NameMode::FirstWord, "sample.log", &log);
    assert_eq!(s.iterations().len(), 4);
    assert_eq!(s.tests().len(), 10);
    assert_eq!(s.totals().runs(), 40);
    assert!(log.starts_with(b"# Iteration 1\n# Test: Apples Test\n"));
}

#[wasm_bindgen_test]
fn bad_input_gets_a_clear_error() {
    assert!(Engine::new("shouty").is_err());
    let mut e = Engine::new("line").unwrap();
    assert!(e.feed(b"Test: x\n").is_err(), "feed before begin_file");
}
