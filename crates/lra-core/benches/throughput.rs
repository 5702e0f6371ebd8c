//! `cargo bench -p lra-core`: parse a generated seed-format log of at least 256 MB, fed in 8 MiB
//! slices as the CLI and the browser feed them, on one thread and on all threads. A newline count
//! over the same bytes, measured in the same run, is the baseline: it is the least any parser must
//! do, so the ratios stay meaningful on a shared, noisy machine.
//!
//! Then each test runner's format, on its fixture (tests/fixtures/runners) repeated to the same
//! size, on one thread, with its ratio to the markers' rate on one thread.
//!
//! `LRA_BENCH_MB` sets the size in MB (default 256).

use std::time::{Duration, Instant};

use lra_core::{FileParser, GenOptions, Generator, LogFormat, NameMode, Options};

const SLICE: usize = 8 << 20;
const ROUNDS: usize = 5;

fn main() {
    let mb: usize = std::env::var("LRA_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    let log = make_log(mb << 20);
    let size = log.len() as f64 / 1e6;
    println!("log: {size:.0} MB, {} threads available", rayon::current_num_threads());

    let baseline = best(|| {
        let n = memchr::memchr_iter(b'\n', &log).count();
        std::hint::black_box(n);
    });
    let rate = |d: Duration| size / d.as_secs_f64();
    println!("baseline  newline count          {:>8.0} MB/s", rate(baseline));

    let all = rayon::current_num_threads();
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let mut results = Vec::new();
    for (label, threads) in [("1 thread", 1), ("all threads", all)] {
        let pool = if threads == 1 { &one } else { &rayon::ThreadPoolBuilder::new().num_threads(all).build().unwrap() };
        for mode in [NameMode::Line, NameMode::FirstWord] {
            let t = pool.install(|| best(|| parse(&log, mode)));
            println!(
                "lra-core  {label:<11} {:<10} {:>8.0} MB/s  ({:.2}x baseline)",
                mode.as_str(),
                rate(t),
                baseline.as_secs_f64() / t.as_secs_f64()
            );
            results.push((threads, mode, t));
        }
    }
    let one_line = results[0].2.as_secs_f64();
    let all_line = results[2].2.as_secs_f64();
    println!("speed-up, {all} threads over 1: {:.2}x", one_line / all_line);
    let formats = [
        (LogFormat::GoogleTest, "gtest.log"),
        (LogFormat::Pytest, "pytest.log"),
        (LogFormat::Libtest, "libtest.log"),
        (LogFormat::Tap, "tap.log"),
        (LogFormat::Go, "go.log"),
        (LogFormat::GoJson, "go-json.log"),
        (LogFormat::Nextest, "nextest.log"),
        (LogFormat::Junit, "pytest-junit.xml"),
    ];
    for (format, fixture) in formats {
        let path = format!("{}/../../tests/fixtures/runners/{fixture}", env!("CARGO_MANIFEST_DIR"));
        let one_run = std::fs::read(&path).expect("the runners' fixtures");
        let repeated = one_run.repeat(log.len() / one_run.len() + 1);
        let options = Options { format: Some(format), ..Options::default() };
        let t = one.install(|| best(|| parse_with(&repeated, options.clone())));
        let rate = repeated.len() as f64 / 1e6 / t.as_secs_f64();
        println!(
            "lra-core  1 thread    {:<10} {rate:>8.0} MB/s  ({:.2}x the markers on 1 thread)",
            format.as_str(),
            rate / (size / one_line)
        );
    }
}

fn parse(log: &[u8], mode: NameMode) {
    parse_with(log, Options::with_name_mode(mode));
}

fn parse_with(log: &[u8], options: Options) {
    let mut p = FileParser::new("bench.log", options);
    for slice in log.chunks(SLICE) {
        p.feed(slice);
    }
    std::hint::black_box(p.finish());
}

fn best(mut f: impl FnMut()) -> Duration {
    (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn make_log(min_bytes: usize) -> Vec<u8> {
    let options =
        GenOptions { iterations: u64::MAX, tests: 200, fail_rate: 0.1, flaky: 10, seed: 7, ..GenOptions::default() };
    let mut g = Generator::new(options);
    let mut log = Vec::with_capacity(min_bytes + (1 << 20));
    while log.len() < min_bytes && g.next_iteration(&mut log) {}
    log
}
