//! The engine in a real browser (headless Chromium through wasm-bindgen-test-runner), in both
//! builds. The threaded build runs in a dedicated worker, the only place where the rayon pool
//! can block, and it must report more than one thread. Run by `make test-wasm`.
#![cfg(target_arch = "wasm32")]

use lra_core::{FileParser, GenOptions, Generator, LogFormat, NameMode, Options, Summary};
use lra_engine::{Engine, build_kind, first_stage, threads};
use lra_protocol::{Export, MarkerTexts, Reading, Reply, Request};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[cfg(feature = "threads")]
wasm_bindgen_test_configure!(run_in_dedicated_worker);
#[cfg(not(feature = "threads"))]
wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &[u8] = include_bytes!("../../../tests/fixtures/seed-sample.log");

/// Reads `files` as one request through the engine, each in slices of `slice` bytes; the reply.
fn read(engine: &mut Engine, files: &[(&str, &[u8])], reading: Reading, slice: usize) -> Reply {
    let names = files.iter().map(|(n, _)| n.to_string()).collect();
    let request = Request::Analyze { names, reading, adopt: true }.to_text();
    assert_eq!(engine.begin_batch(&request), None);
    for (i, (_, bytes)) in files.iter().enumerate() {
        engine.begin_file(i as u32).unwrap();
        for piece in bytes.chunks(slice) {
            engine.feed(piece.to_vec()).unwrap();
        }
        engine.end_file().unwrap();
    }
    Reply::from_text(&engine.end_batch(0.0, 1)).unwrap()
}

/// The engine's summary, as the page's Export JSON gets it: a Blob built in parts.
async fn summary(engine: &mut Engine) -> Summary {
    let request = Request::Export(Export::Json { pretty: false }).to_text();
    let answer = engine.answer(&request).unwrap();
    let blob: web_sys::Blob = js_sys::Reflect::get(&answer, &"blob".into()).unwrap().unchecked_into();
    let text = wasm_bindgen_futures::JsFuture::from(blob.text()).await.unwrap().as_string().unwrap();
    Summary::from_json(&text).unwrap()
}

/// `log` alone, read in `mode` with the default markers, through a fresh engine.
async fn through_engine(mode: NameMode, name: &str, log: &[u8], slice: usize) -> Summary {
    let mut engine = Engine::new();
    let reading = Reading { name_mode: mode, ..Reading::default() };
    assert!(matches!(read(&mut engine, &[(name, log)], reading, slice), Reply::Analyzed { .. }));
    summary(&mut engine).await
}

/// The same log through the core on this one thread.
fn sequential(mode: NameMode, name: &str, log: &[u8]) -> Summary {
    let mut p = FileParser::new(name, Options { parallel: false, ..Options::with_name_mode(mode) });
    p.feed(log);
    p.finish()
}

/// Starts the threaded build's pool of 2 threads, once per test binary (the only time it can
/// be built): every test that parses awaits this first, whatever order the tests run in, since
/// the first parse would otherwise make rayon's default pool.
async fn pool() {
    #[cfg(feature = "threads")]
    {
        use wasm_bindgen_futures::js_sys::Promise;
        thread_local! {
            static POOL: std::cell::RefCell<Option<Promise>> = const { std::cell::RefCell::new(None) };
        }
        // One promise, which every test awaits, should several run at once.
        let started = POOL.with(|p| p.borrow_mut().get_or_insert_with(|| lra_engine::init_thread_pool(2)).clone());
        wasm_bindgen_futures::JsFuture::from(started).await.unwrap();
    }
}

#[wasm_bindgen_test]
async fn engine_gives_the_core_summary() {
    pool().await;
    #[cfg(feature = "threads")]
    {
        assert_eq!(build_kind(), "threaded");
        assert!(threads() > 1, "the threaded build runs {} thread(s)", threads());
    }
    #[cfg(not(feature = "threads"))]
    {
        assert_eq!(build_kind(), "single");
        assert_eq!(threads(), 1);
    }

    // The seed's sample, fed in awkward slices.
    let s = through_engine(NameMode::FirstWord, "seed-sample.log", SAMPLE, 7).await;
    let pf: Vec<(&str, u64, u64)> = s.tests().iter().map(|t| (&*t.name, t.counts.passed, t.counts.failed)).collect();
    assert_eq!(pf, [("Apples", 2, 0), ("Oranges", 1, 1), ("Watermelon", 0, 2)]);

    // A log of several MB with anomalies, in 8 MiB slices as the worker sends them: the threaded
    // build splits each slice across its threads and must give the sequential result.
    let mut log = Vec::new();
    let mut g = Generator::new(GenOptions {
        iterations: 400,
        tests: 80,
        fail_rate: 0.2,
        flaky: 8,
        seed: 5,
        ..GenOptions::default()
    });
    let mut i = 0;
    while g.next_iteration(&mut log) {
        i += 1;
        if i % 7 == 0 {
            log.extend_from_slice(b"Result: PASS\r\n# Test: Unfinished Test\n\xff\xfe\n");
        }
    }
    assert!(log.len() > 3 << 20);
    for mode in [NameMode::Line, NameMode::FirstWord] {
        let engine = through_engine(mode, "big.log", &log, 8 << 20).await;
        assert_eq!(engine, sequential(mode, "big.log", &log), "{mode:?}");
        assert!(engine.orphan_results() > 0 && engine.totals().missing > 0);
    }
}

/// The markers' first stage is the browser's SIMD code (the engine is built with simd128), and it
/// classifies bytes as a byte-by-byte reading does, at every length and offset.
#[wasm_bindgen_test]
fn the_first_stage_is_simd128_and_reads_bytes_exactly() {
    assert_eq!(first_stage(), "std::simd, 64-byte bitmasks, wasm32 simd128");
    let line = b"Iteration 7\nTest: a\r\nResult: PASS\nIt: t:  Test: x Result: y\n\nt:\xff\0";
    for shift in 0..66 {
        let mut hay = vec![b' '; shift];
        for _ in 0..3 {
            hay.extend_from_slice(line);
        }
        lra_core::testing::check_first_stage(&hay, b"Res").unwrap();
    }
}

#[wasm_bindgen_test]
async fn a_sample_is_a_blob_in_the_seed_format() {
    let answer = Engine::new().answer(&Request::Sample { iterations: 4, tests: 10, seed: 1 }.to_text()).unwrap();
    let reply = js_sys::Reflect::get(&answer, &"reply".into()).unwrap().as_string().unwrap();
    assert!(matches!(Reply::from_text(&reply).unwrap(), Reply::File { ref name, .. } if name == "sample.log"));
    let blob: web_sys::Blob = js_sys::Reflect::get(&answer, &"blob".into()).unwrap().unchecked_into();
    let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer()).await.unwrap();
    let log = js_sys::Uint8Array::new(&buffer).to_vec();
    let s = sequential(NameMode::FirstWord, "sample.log", &log);
    assert_eq!(s.iterations().len(), 4);
    assert_eq!(s.tests().len(), 10);
    assert_eq!(s.totals().runs(), 40);
    assert!(log.starts_with(b"# Iteration 1\n# Test: Apples Test\n"));
}

#[wasm_bindgen_test]
fn bad_requests_get_a_clear_reply() {
    let mut e = Engine::new();
    let failed = |text: Option<String>| matches!(Reply::from_text(&text.unwrap()).unwrap(), Reply::Failed { .. });
    let empty_marker =
        Reading { markers: MarkerTexts { test: String::new(), ..Reading::default().markers }, ..Reading::default() };
    let request = Request::Analyze { names: vec!["a.log".into()], reading: empty_marker, adopt: true };
    assert!(failed(e.begin_batch(&request.to_text())), "an empty marker");
    assert!(failed(e.begin_batch("{\"type\": \"shout\"}")), "an unknown request");
    assert!(failed(e.begin_batch(&Request::Overview.to_text())), "a request without files");
    assert!(e.feed(b"Test: x\n".to_vec()).is_err(), "feed outside of a batch");
}

#[wasm_bindgen_test]
async fn archives_are_unpacked_member_by_member_in_any_slices() {
    pool().await;
    let zip = include_bytes!("../../../tests/fixtures/archives/logs.zip");
    let gz = include_bytes!("../../../tests/fixtures/archives/seed.log.gz");
    for slice in [7, 4096, 8 << 20] {
        let s = through_engine(NameMode::FirstWord, "logs.zip", zip, slice).await;
        let names: Vec<&str> = s.files.iter().map(|f| &*f.name).collect();
        assert_eq!(names.len(), 3, "{names:?}");
        assert_eq!(names[0], "logs.zip/logs/job-1/seed.log");
        assert_eq!(names[2], "logs.zip/logs/job-2/seed.log.gz");
        let s = through_engine(NameMode::FirstWord, "seed.log.gz", gz, slice).await;
        assert_eq!(s, sequential(NameMode::FirstWord, "seed.log.gz", SAMPLE));
    }
}

#[wasm_bindgen_test]
async fn damage_is_a_problem_and_the_lines_before_it_count() {
    pool().await;
    let zip = include_bytes!("../../../tests/fixtures/archives/truncated.zip");
    let mut e = Engine::new();
    let reading = Reading { name_mode: NameMode::FirstWord, ..Reading::default() };
    let names = vec!["cut.zip".to_owned(), "half.log".to_owned()];
    assert_eq!(e.begin_batch(&Request::Analyze { names, reading, adopt: true }.to_text()), None);
    e.begin_file(0).unwrap();
    e.feed(zip.to_vec()).unwrap();
    e.end_file().unwrap();
    // A file whose reading failed halfway keeps its lines, flagged.
    e.begin_file(1).unwrap();
    e.feed(b"Test: a\nResult: PASS\nTest: b\n".to_vec()).unwrap();
    e.cut_file_short("NotReadableError").unwrap();
    let Reply::Analyzed { problems, .. } = Reply::from_text(&e.end_batch(0.0, 1)).unwrap() else { panic!() };
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].ends_with(
            "messy.log: truncated: the zip archive ends inside this member; the lines before it are counted"
        )
    );
    let s = summary(&mut e).await;
    assert_eq!(s.files.len(), 3);
    assert_eq!(s.files[1].damage.as_deref(), Some("truncated: the zip archive ends inside this member"));
    assert_eq!(s.files[2].damage.as_deref(), Some("could not be read to its end: NotReadableError"));
    assert_eq!(s.files[2].totals.passed, 1);
}

#[wasm_bindgen_test]
async fn runner_logs_are_told_by_their_first_lines() {
    pool().await;
    let gtest = include_bytes!("../../../tests/fixtures/runners/gtest.log");
    for slice in [5, 8 << 20] {
        let s = through_engine(NameMode::Line, "gtest.log", gtest, slice).await;
        assert_eq!(s.files[0].format, LogFormat::GoogleTest);
        let flaky = s.tests().iter().find(|t| &*t.name == "Flaky.EveryThirdRunFails").unwrap();
        assert_eq!((flaky.counts.passed, flaky.counts.failed), (4, 2));
    }
}

#[wasm_bindgen_test]
async fn custom_markers_in_any_case() {
    pool().await;
    let mut e = Engine::new();
    let markers = MarkerTexts {
        test: "CASE: ".into(),
        result: "VERDICT: ".into(),
        iteration: "Round ".into(),
        ignore_case: true,
    };
    let reading = Reading { markers, format: Some(LogFormat::Markers), ..Reading::default() };
    read(&mut e, &[("c.log", b"round 1\ncase: a\nverdict: fail\n")], reading, 3);
    let s = summary(&mut e).await;
    assert_eq!(s.tests()[0].counts.failed, 1);
    assert_eq!(s.markers.test(), "CASE: ");
    assert!(s.markers.ignore_case());
}
