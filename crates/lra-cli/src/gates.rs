//! CI gates: `--fail-under` and `--fail-on`, which turn a summary or a diff into exit status 3.

use std::process::ExitCode;

use clap::ValueEnum;
use lra_core::{Diff, Summary, as_printed};

/// The exit status of a failed gate: 1 is a read error, 2 a usage error.
const GATE_FAILED: u8 = 3;

/// What `lra diff --fail-on` fails on.
#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    /// A test that fails now and did not fail in the base (a new test that fails, too).
    NewFailures,
    /// Any test with a failed run now.
    Failures,
    /// A test whose failure rate rose beyond chance (the diff's `regressions`).
    Regressions,
}

/// The exit status for a gate's outcome (`None`: no gate was asked for); a failed gate says why
/// (the tests it names as [`as_printed`] shows them).
pub fn verdict(gate: Option<Result<(), String>>) -> ExitCode {
    match gate {
        Some(Err(why)) => {
            eprintln!("lra: {why}");
            ExitCode::from(GATE_FAILED)
        }
        _ => ExitCode::SUCCESS,
    }
}

/// `--fail-under RATE`: the pass rate of every judged run is at least `rate`.
pub fn pass_rate(summary: &Summary, rate: f64) -> Result<(), String> {
    let totals = summary.totals();
    match totals.pass_rate() {
        None => Err(format!("--fail-under {}: no run passed or failed in these logs", percent(rate))),
        Some(r) if r < rate => Err(format!(
            "--fail-under {}: the pass rate is {} ({} of {} runs passed)",
            percent(rate),
            percent(r),
            totals.passed,
            totals.runs() - totals.skipped
        )),
        Some(_) => Ok(()),
    }
}

/// `--fail-on GATE` for a diff whose current side is `current`.
pub fn fail_on(gate: FailOn, diff: &Diff, current: &Summary) -> Result<(), String> {
    if current.totals().pass_rate().is_none() {
        return Err("--fail-on: no run passed or failed in the current run".to_owned());
    }
    let failing: Vec<&str> = match gate {
        FailOn::NewFailures => {
            let new_tests: std::collections::HashSet<&str> = diff.new_tests.iter().map(String::as_str).collect();
            let new_failing = current.tests().iter().filter(|t| t.counts.failed > 0 && new_tests.contains(&*t.name));
            diff.new_failures.iter().map(String::as_str).chain(new_failing.map(|t| &*t.name)).collect()
        }
        FailOn::Failures => current.tests().iter().filter(|t| t.counts.failed > 0).map(|t| &*t.name).collect(),
        FailOn::Regressions => diff.regressions.iter().map(String::as_str).collect(),
    };
    if failing.is_empty() {
        return Ok(());
    }
    let (what, flag) = match gate {
        FailOn::NewFailures => ("new failure", "new-failures"),
        FailOn::Failures => ("failing test", "failures"),
        FailOn::Regressions => ("regression", "regressions"),
    };
    let shown: Vec<_> = failing.iter().take(NAMES_SHOWN).map(|name| as_printed(name)).collect();
    let more = match failing.len() - shown.len() {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    Err(format!(
        "--fail-on {flag}: {} {what}{}: {}{more}",
        failing.len(),
        if failing.len() == 1 { "" } else { "s" },
        shown.join(", ")
    ))
}

/// A failed gate names at most this many tests.
const NAMES_SHOWN: usize = 5;

/// `--fail-under`'s value: a fraction from 0 to 1, or a percentage from 0% to 100%.
pub fn parse_threshold(s: &str) -> Result<f64, String> {
    let bad = || format!("{s:?} is not a pass rate: give a fraction (0.95) or a percentage (95%)");
    let rate = match s.trim().strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map_err(|_| bad())? / 100.0,
        None => s.trim().parse::<f64>().map_err(|_| bad())?,
    };
    match (0.0..=1.0).contains(&rate) {
        true => Ok(rate),
        false => Err(bad()),
    }
}

fn percent(rate: f64) -> String {
    format!("{}%", (rate * 1000.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_fractions_or_percentages() {
        assert_eq!(parse_threshold("0.95"), Ok(0.95));
        assert_eq!(parse_threshold("95%"), Ok(0.95));
        assert_eq!(parse_threshold("100%"), Ok(1.0));
        assert_eq!(parse_threshold("0"), Ok(0.0));
        assert!(parse_threshold("95").is_err());
        assert!(parse_threshold("101%").is_err());
        assert!(parse_threshold("-0.1").is_err());
        assert!(parse_threshold("abc").is_err());
        assert!(parse_threshold("NaN").is_err());
    }
}
