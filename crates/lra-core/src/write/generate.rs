//! A deterministic generator of logs in the markers' format, for the sample button and benchmarks.
//!
//! Each iteration starts with `# Iteration N`; each run is a block from `# Test: X Test` to
//! `# Result: PASS` or `# Result: FAIL <reason>`, in one of three [styles](GenStyle).

use std::io::{self, Write};

const FRUITS: &[&str] = &[
    "Apples",
    "Oranges",
    "Watermelon",
    "Bananas",
    "Cherries",
    "Grapes",
    "Lemons",
    "Mangoes",
    "Peaches",
    "Pears",
    "Plums",
    "Kiwis",
    "Apricots",
    "Figs",
    "Limes",
    "Papayas",
    "Guavas",
    "Lychees",
    "Melons",
    "Quinces",
];

const REASONS: &[&str] = &[
    "expected 3 got 4",
    "timeout after 30 s",
    "connection refused on port 8080",
    "assertion failed: basket.is_empty()",
];

/// How each run's block is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GenStyle {
    /// Five lines with a worker, a step and a duration between the markers, and a reason after
    /// `FAIL`: `# Test: Apples Test` … `# Result: FAIL expected 3 got 4`.
    #[default]
    Verbose,
    /// The seed's own sample: five short lines, `# Test: apples Test`, `# This is apples Test`,
    /// `# Who is apples?`, `# I am not sure about apples`, `# Result: PASS`. Its markers are
    /// denser than the verbose style's.
    Seed,
    /// Two lines, `Test: suite17/case_17042` and `Result: PASS`: for many distinct tests, named
    /// in 1,000 suites of 1,000.
    Flat,
    /// The seed's lines with a time of day before every line, 7 ms apart
    /// (`00:00:00.007 # Test: apples Test`): every run gets a duration from its lines' stamps,
    /// which is what durations cost where logs have them.
    Stamped,
}

impl GenStyle {
    /// Every style, by its name on the command line.
    pub const ALL: [(GenStyle, &'static str); 4] = [
        (GenStyle::Verbose, "verbose"),
        (GenStyle::Seed, "seed"),
        (GenStyle::Flat, "flat"),
        (GenStyle::Stamped, "stamped"),
    ];
}

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GenOptions {
    /// Number of iterations.
    pub iterations: u64,
    /// Tests per iteration.
    pub tests: u64,
    /// The share of non-flaky tests that fail in every iteration (0.0 to 1.0).
    pub fail_rate: f64,
    /// How many tests (the last ones) pass or fail at random in each iteration.
    pub flaky: u64,
    /// Seed of the pseudo-random choices: the same options give the same bytes.
    pub seed: u64,
    /// How each run is written.
    pub style: GenStyle,
}

impl Default for GenOptions {
    fn default() -> GenOptions {
        GenOptions { iterations: 3, tests: 3, fail_rate: 0.1, flaky: 1, seed: 1, style: GenStyle::Verbose }
    }
}

/// Writes a log iteration by iteration, so that a caller can stop at any size.
#[derive(Clone, Debug)]
pub struct Generator {
    options: GenOptions,
    next_iteration: u64,
    /// Lines written so far (the stamped style's clock).
    lines: u64,
}

impl Generator {
    /// A generator at iteration 1.
    pub fn new(options: GenOptions) -> Generator {
        Generator { options, next_iteration: 1, lines: 0 }
    }

    /// The name of test `i`: `Apples`, `Oranges`, … then `Apples2`, `Oranges2`, …
    pub fn test_name(i: u64) -> String {
        let fruit = FRUITS[(i % FRUITS.len() as u64) as usize];
        match i / FRUITS.len() as u64 {
            0 => fruit.to_owned(),
            round => format!("{fruit}{}", round + 1),
        }
    }

    /// Appends the next iteration to `out`, or returns false after the last one.
    pub fn next_iteration(&mut self, out: &mut Vec<u8>) -> bool {
        let o = self.options;
        let n = self.next_iteration;
        if n > o.iterations {
            return false;
        }
        self.next_iteration += 1;
        let start = out.len();
        let _ = writeln!(out, "# Iteration {n}");
        let stable = o.tests.saturating_sub(o.flaky);
        for i in 0..o.tests {
            let failed = if i < stable { unit(mix(o.seed, i, 0)) < o.fail_rate } else { mix(o.seed, i, n) & 1 == 1 };
            let _ = match o.style {
                GenStyle::Verbose => verbose_run(out, &o, i, n, failed),
                GenStyle::Seed | GenStyle::Stamped => seed_run(out, i, failed),
                GenStyle::Flat => {
                    writeln!(out, "Test: suite{}/case_{i}\nResult: {}", i / 1000, if failed { "FAIL" } else { "PASS" })
                }
            };
        }
        if o.style == GenStyle::Stamped {
            let lines = out.split_off(start);
            for line in lines.split_inclusive(|&b| b == b'\n') {
                self.lines += 1;
                let ms = self.lines * 7;
                let (h, m, s) = (ms / 3_600_000 % 24, ms / 60_000 % 60, ms / 1000 % 60);
                let _ = write!(out, "{h:02}:{m:02}:{s:02}.{:03} ", ms % 1000);
                out.extend_from_slice(line);
            }
        }
        true
    }
}

fn verbose_run(out: &mut Vec<u8>, o: &GenOptions, i: u64, n: u64, failed: bool) -> io::Result<()> {
    let name = Generator::test_name(i);
    let ms = 5 + mix(o.seed ^ 0x5eed, i, n) % 995;
    writeln!(out, "# Test: {name} Test")?;
    writeln!(out, "# Started: worker {} iteration {n}", 1 + i % 4)?;
    writeln!(out, "# Step: prepare the {} basket ... ok", name.to_lowercase())?;
    writeln!(out, "# Duration: {ms} ms")?;
    if failed {
        let reason = REASONS[(mix(o.seed, i, 7) % REASONS.len() as u64) as usize];
        writeln!(out, "# Result: FAIL {reason}")
    } else {
        writeln!(out, "# Result: PASS")
    }
}

fn seed_run(out: &mut Vec<u8>, i: u64, failed: bool) -> io::Result<()> {
    let name = Generator::test_name(i).to_lowercase();
    writeln!(out, "# Test: {name} Test")?;
    writeln!(out, "# This is {name} Test")?;
    writeln!(out, "# Who is {name}?")?;
    writeln!(out, "# I am not sure about {name}")?;
    writeln!(out, "# Result: {}", if failed { "FAIL" } else { "PASS" })
}

/// Writes the whole log to `out`.
pub fn generate(options: GenOptions, out: &mut impl Write) -> io::Result<()> {
    let mut generator = Generator::new(options);
    let mut buf = Vec::with_capacity(1 << 16);
    while generator.next_iteration(&mut buf) {
        if buf.len() >= 1 << 16 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)
}

/// SplitMix64 over the seed and two coordinates: deterministic and well spread.
fn mix(seed: u64, a: u64, b: u64) -> u64 {
    let mut z = seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}
