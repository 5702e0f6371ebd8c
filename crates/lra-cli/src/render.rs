//! The table and CSV forms of a Summary. (The JSON form is `Summary::to_json`.)

use std::fmt::Write as _;
use std::io::{self, Write};

use lra_core::{Counts, Diff, LogFormat, Plan, Summary, as_printed, human_duration};

/// How many anomalies the table lists by location.
const ANOMALIES_SHOWN: usize = 10;

/// When no file gave a run, how many files' readings are shown.
const READINGS_SHOWN: usize = 10;

/// Totals, then one row per test (failures first), then the anomalies.
pub fn table(s: &Summary, out: &mut impl Write) -> io::Result<()> {
    let t = s.totals();
    // Duration columns and the slowest tests only for logs that state or stamp durations.
    let timed = s.has_durations();
    writeln!(
        out,
        "{} file{}, {}, {} distinct test{}",
        s.files.len(),
        plural(s.files.len() as u64),
        human_bytes(s.bytes()),
        s.tests().len(),
        plural(s.tests().len() as u64)
    )?;
    writeln!(
        out,
        "{} runs: {} passed, {} failed, {} skipped, {} other, {} missing; pass rate {}",
        t.runs(),
        t.passed,
        t.failed,
        t.skipped,
        t.other,
        t.missing,
        rate(&t)
    )?;
    if s.tests().is_empty() {
        if s.files.iter().all(|f| f.format == LogFormat::Markers) {
            writeln!(out, "\nNo `{}` lines found.", as_printed(s.markers.test()))?;
        } else {
            writeln!(out, "\nNo test runs found.")?;
        }
        // What each file was seen to be, so that the user knows what to change.
        for f in s.files.iter().take(READINGS_SHOWN) {
            if let Some(reading) = &f.reading {
                writeln!(out, "  {}: read as {}: {}", as_printed(&f.name), f.format, as_printed(reading))?;
            }
        }
        if s.files.len() > READINGS_SHOWN {
            writeln!(out, "  … and {} more files", s.files.len() - READINGS_SHOWN)?;
        }
    } else {
        writeln!(out)?;
        let tests = s.tests_failures_first();
        // The column is as wide as the longest name as it is shown.
        let width = tests.iter().map(|t| as_printed(&t.name).chars().count()).max().unwrap_or(0).clamp(4, 60);
        write!(
            out,
            "{:<width$}  {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7} {:>22}  ",
            "TEST", "RUNS", "PASSED", "FAILED", "SKIPPED", "OTHER", "MISSING", "PASS%", "FAIL% [95% INTERVAL]"
        )?;
        if timed {
            write!(out, "{:>9} {:>9}  ", "P50", "P95")?;
        }
        writeln!(out, "FIRST FAILURE")?;
        // One buffer for every row: a million rows made a million Strings and padded char by
        // char, slower than the parse.
        let mut row = String::new();
        for test in tests {
            let c = &test.counts;
            row.clear();
            push_clipped(&mut row, &test.name, width);
            row.push_str("  ");
            for n in [c.runs(), c.passed, c.failed, c.skipped, c.other, c.missing] {
                push_right(&mut row, format_args!("{n}"), 8);
                row.push(' ');
            }
            match c.pass_rate() {
                Some(r) => push_right(&mut row, format_args!("{:.1}%", r * 100.0), 7),
                None => push_right(&mut row, format_args!("-"), 7),
            }
            row.push(' ');
            // Failed over passed and failed runs, and its Wilson interval.
            match (c.failure_rate(), c.failure_rate_ci95()) {
                (Some(r), Some([low, high])) => push_right(
                    &mut row,
                    format_args!("{:.1}% [{:.1}, {:.1}]", r * 100.0, low * 100.0, high * 100.0),
                    22,
                ),
                _ => push_right(&mut row, format_args!("-"), 22),
            }
            row.push_str("  ");
            if timed {
                let d = test.durations();
                for us in [d.map(|d| d.p50()), d.map(|d| d.p95())] {
                    let shown = us.map_or_else(|| "-".to_owned(), human_duration);
                    push_right(&mut row, format_args!("{shown}"), 9);
                    row.push(' ');
                }
                row.push(' ');
            }
            if let Some(l) = test.first_failure() {
                write!(row, "{}:{}", as_printed(s.file_name(l)), l.line).expect("a String takes any text");
            }
            row.push('\n');
            out.write_all(row.as_bytes())?;
        }
    }
    if timed {
        slowest(s, out)?;
    }
    let total = s.anomaly_count();
    writeln!(
        out,
        "\nAnomalies: {total} ({} orphan result{}, {} missing result{}{})",
        s.orphan_results(),
        plural(s.orphan_results()),
        t.missing,
        plural(t.missing),
        match s.long_lines() {
            0 => String::new(),
            n => format!(", {n} over-long line{} with markers past the limit", plural(n)),
        }
    )?;
    for a in s.anomalies().iter().take(ANOMALIES_SHOWN) {
        let what = match a.text.is_empty() {
            true => String::new(),
            false => format!("  \"{}\"", as_printed(&a.text)),
        };
        writeln!(out, "  {}:{}  {}{what}", as_printed(s.file_name(a.location)), a.location.line, a.kind.as_str())?;
    }
    if total > ANOMALIES_SHOWN as u64 {
        writeln!(out, "  … and {} more (see --format json)", total - ANOMALIES_SHOWN as u64)?;
    }
    let damaged: Vec<_> = s.files.iter().filter_map(|f| Some((&f.name, f.damage.as_deref()?))).collect();
    if !damaged.is_empty() {
        writeln!(out, "\nDamaged files: {} (their lines before the damage are counted)", damaged.len())?;
        for (name, damage) in damaged {
            writeln!(out, "  {}  {}", clip(name, 200), as_printed(damage))?;
        }
    }
    Ok(())
}

/// How many of the slowest tests the table lists.
const SLOWEST_SHOWN: usize = 5;

/// The tests with the longest p95, with their durations, and the dropped durations if any.
fn slowest(s: &Summary, out: &mut impl Write) -> io::Result<()> {
    let timed = s.tests_slowest_first();
    writeln!(out, "\nSlowest tests (by p95 of the runs with a duration):")?;
    for (t, d) in timed.iter().take(SLOWEST_SHOWN) {
        writeln!(
            out,
            "  {}  p50 {}, p95 {}, max {}; {} timed run{}, {} in all",
            clip(&t.name, 60),
            human_duration(d.p50()),
            human_duration(d.p95()),
            human_duration(d.max()),
            d.runs(),
            plural(d.runs()),
            human_duration(d.total())
        )?;
    }
    match s.dropped_durations() {
        0 => Ok(()),
        n => writeln!(out, "  {n} duration{} from timestamps dropped: negative or over 24 hours", plural(n)),
    }
}

/// A pass rate for people: one decimal and `%`, or `-` when no run was judged.
pub(crate) fn rate(c: &Counts) -> String {
    c.pass_rate().map_or("-".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

/// Appends `name` as [`clip`] shows it, padded with spaces to `width` characters.
fn push_clipped(row: &mut String, name: &str, width: usize) {
    let shown = as_printed(name);
    let chars = shown.chars().count();
    if chars <= width {
        row.push_str(&shown);
    } else {
        row.extend(shown.chars().take(width - 1));
        row.push('…');
    }
    row.extend(std::iter::repeat_n(' ', width.saturating_sub(chars)));
}

/// Appends `value`, right-aligned in `width` characters (its text is ASCII; `width` at most 32).
fn push_right(row: &mut String, value: std::fmt::Arguments<'_>, width: usize) {
    const SPACES: &str = "                                ";
    let start = row.len();
    row.write_fmt(value).expect("a String takes any text");
    let len = row.len() - start;
    if len < width {
        row.insert_str(start, &SPACES[..width - len]);
    }
}

/// The name as a terminal is shown it ([`as_printed`]: nothing in it can drive the terminal or
/// the CI), cut to `width` characters.
fn clip(name: &str, width: usize) -> String {
    let shown = as_printed(name);
    if shown.chars().count() <= width {
        return shown.into_owned();
    }
    let mut s: String = shown.chars().take(width - 1).collect();
    s.push('…');
    s
}

pub(crate) fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn human_bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} bytes"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        _ => format!("{:.2} GB", n as f64 / 1e9),
    }
}

/// The lists of a diff, each with its count, the regressions with their figures.
pub fn diff(d: &Diff, out: &mut impl Write) -> io::Result<()> {
    for (title, names) in [
        ("New failures", &d.new_failures),
        ("Fixed", &d.fixed),
        ("Still failing", &d.still_failing),
        ("New tests", &d.new_tests),
        ("Removed tests", &d.removed_tests),
    ] {
        writeln!(out, "{title} ({}):", names.len())?;
        for name in names {
            writeln!(out, "  {}", clip(name, 200))?;
        }
    }
    writeln!(out, "Failing more often, beyond chance at alpha {} ({}):", d.alpha, d.regressions.len())?;
    for c in d.regressed() {
        writeln!(out, "  {}  {}", clip(&c.name, 200), c.figures())?;
    }
    Ok(())
}

/// `lra plan`'s table: the tests most runs needed first.
pub fn plan(p: &Plan, out: &mut impl Write) -> io::Result<()> {
    let target = format!("{}%", p.target_rate * 100.0);
    if p.tests.is_empty() {
        return writeln!(out, "No test failed: nothing to show under {target}.");
    }
    writeln!(
        out,
        "Clean runs to show each failure rate under {target} ({}% one-sided Clopper-Pearson bound):",
        p.confidence * 100.0
    )?;
    writeln!(out, "{:>12}  {:>15}  {:>9}  test", "more runs", "failed / runs", "bound now")?;
    for t in &p.tests {
        let more = t.more_runs.map_or("never".to_owned(), |n| n.to_string());
        let share = format!("{} / {}", t.failed, t.runs);
        writeln!(out, "{more:>12}  {share:>15}  {:>8.2}%  {}", t.upper_bound * 100.0, clip(&t.name, 200))?;
    }
    match p.suite_more_runs {
        Some(n) => writeln!(out, "The suite needs {n} more clean runs."),
        None => writeln!(out, "No number of runs shows every test under {target}."),
    }
}

/// A history's own section: its builds, then the tests whose failure rate changed beyond chance,
/// the most recent change first, then those failing in every run since some build.
pub fn history(s: &Summary, out: &mut impl Write) -> io::Result<()> {
    let Some(h) = s.history() else { return Ok(()) };
    let labels = h.labels();
    let (first, last) = (labels.first().map_or("", |l| &**l), labels.last().map_or("", |l| &**l));
    writeln!(
        out,
        "\nHistory: {} build{}, {} … {}",
        labels.len(),
        plural(labels.len() as u64),
        as_printed(first),
        as_printed(last)
    )?;
    let rows: Vec<_> = s.tests().iter().enumerate().map(|(i, t)| (t, h.test(i, h.alpha))).collect();
    let mut changed: Vec<_> = rows.iter().filter_map(|(t, r)| r.change_point.map(|c| (t, c))).collect();
    changed.sort_by_key(|(_, c)| std::cmp::Reverse(c.build));
    writeln!(out, "Changed beyond chance at alpha {} ({}):", h.alpha, changed.len())?;
    for (t, c) in changed {
        writeln!(out, "  {}  at {}: {}", clip(&t.name, 200), as_printed(&labels[c.build as usize]), c.runs_text())?;
    }
    let mut failing: Vec<_> = rows.iter().filter_map(|(t, r)| r.failing_since.map(|b| (t, b))).collect();
    failing.sort_by_key(|(_, b)| std::cmp::Reverse(*b));
    writeln!(out, "Failing in every run since ({}):", failing.len())?;
    for (t, b) in failing {
        writeln!(out, "  {}  since {}", clip(&t.name, 200), as_printed(&labels[b as usize]))?;
    }
    Ok(())
}
