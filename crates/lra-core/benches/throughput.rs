//! `cargo bench -p lra-core`: parse generated logs of at least 256 MB in the three styles users'
//! markers logs come in (`lra generate --style`): the seed's own short blocks, our generator's
//! verbose ones, and the seed's with a time of day on every line (every run timed from its
//! stamps); fed in 8 MiB slices as the CLI and the browser feed them, on one thread (the seed
//! style also by first word and on all threads). A newline count over the same bytes, measured in
//! the same run, is the baseline: it is the least any parser must do, so the ratios stay
//! meaningful on a shared, noisy machine.
//!
//! Then each test runner's format, on its fixture (tests/fixtures/runners) repeated to the same
//! size, on one thread, with its ratio to the seed style's rate on one thread.
//!
//! `LRA_BENCH_MB` sets the size in MB (default 256); `LRA_BENCH_RUNNERS=0` leaves the runners'
//! formats out, and `LRA_BENCH_RUNNERS=go,junit` measures only those (by `--log-format` name) and
//! the seed style, to compare two builds in turn on the formats a change is about.

use std::time::{Duration, Instant};

use lra_core::{FileParser, GenOptions, GenStyle, Generator, LogFormat, NameMode, Options};

const SLICE: usize = 8 << 20;
const ROUNDS: usize = 5;

fn main() {
    let mb: usize = std::env::var("LRA_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    let all = rayon::current_num_threads();
    println!("{all} threads available; each log at least {mb} MB");
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let every = rayon::ThreadPoolBuilder::new().num_threads(all).build().unwrap();
    // The rate of the seed style on one thread, which the runners' formats are compared with.
    let mut seed_rate = 0.0;
    let only = std::env::var("LRA_BENCH_RUNNERS").ok();
    // Runners named: the seed style alone, for their ratios.
    let styles = match only.as_deref() {
        Some(names) if names != "0" => &[(GenStyle::Seed, "seed")][..],
        _ => &[(GenStyle::Seed, "seed"), (GenStyle::Verbose, "verbose"), (GenStyle::Stamped, "stamped")],
    };
    for &(style, name) in styles {
        let log = make_log(mb << 20, style);
        let size = log.len() as f64 / 1e6;
        let baseline = best(|| {
            let n = memchr::memchr_iter(b'\n', &log).count();
            std::hint::black_box(n);
        });
        let rate = |d: Duration| size / d.as_secs_f64();
        println!("{name} style: {size:.0} MB; baseline newline count {:>8.0} MB/s", rate(baseline));
        // Every style on one thread; the seed's also by first word and on every thread.
        let mut runs = vec![(&one, "1 thread", NameMode::Line)];
        if style == GenStyle::Seed {
            runs.extend([(&one, "1 thread", NameMode::FirstWord), (&every, "all threads", NameMode::Line)]);
        }
        let mut one_line = Duration::ZERO;
        for (pool, label, mode) in runs {
            let t = pool.install(|| best(|| parse(&log, mode)));
            println!(
                "  lra-core  {label:<11} {:<10} {:>8.0} MB/s  ({:.2}x baseline)",
                mode.as_str(),
                rate(t),
                baseline.as_secs_f64() / t.as_secs_f64()
            );
            if label == "1 thread" && mode == NameMode::Line {
                one_line = t;
            } else if label == "all threads" {
                println!("  speed-up, {all} threads over 1: {:.2}x", one_line.as_secs_f64() / t.as_secs_f64());
            }
        }
        if style == GenStyle::Seed {
            seed_rate = rate(one_line);
        }
    }
    if only.as_deref() == Some("0") {
        return;
    }
    let chosen = |format: LogFormat| only.as_deref().is_none_or(|names| names.split(',').any(|n| n == format.as_str()));
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
    println!("the runners' fixtures, each repeated to {mb} MB, on 1 thread:");
    for (format, fixture) in formats.into_iter().filter(|&(format, _)| chosen(format)) {
        let path = format!("{}/../../tests/fixtures/runners/{fixture}", env!("CARGO_MANIFEST_DIR"));
        let one_run = std::fs::read(&path).expect("the runners' fixtures");
        let repeated = one_run.repeat((mb << 20) / one_run.len() + 1);
        let options = Options { format: Some(format), ..Options::default() };
        let t = one.install(|| best(|| parse_with(&repeated, options.clone())));
        let rate = repeated.len() as f64 / 1e6 / t.as_secs_f64();
        println!(
            "  lra-core  1 thread    {:<10} {rate:>8.0} MB/s  ({:.2}x the seed style on 1 thread)",
            format.as_str(),
            rate / seed_rate
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

/// A generated log of `style`, 200 tests (10 flaky, 10% failing), as `benches/compare.sh` makes.
fn make_log(min_bytes: usize, style: GenStyle) -> Vec<u8> {
    let options = GenOptions { iterations: u64::MAX, tests: 200, fail_rate: 0.1, flaky: 10, seed: 7, style };
    let mut g = Generator::new(options);
    let mut log = Vec::with_capacity(min_bytes + (1 << 20));
    while log.len() < min_bytes && g.next_iteration(&mut log) {}
    log
}
