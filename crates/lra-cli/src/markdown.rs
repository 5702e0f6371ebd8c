//! `--format markdown`: a short summary for CI job summaries (GitHub's `$GITHUB_STEP_SUMMARY`,
//! GitLab's and Jenkins' Markdown panels): the totals, then the tests worth a look.

use std::io::{self, Write};

use lra_core::{Diff, Summary, TestStats, as_printed};

use crate::render::{plural, rate};

/// Each list shows at most this many tests, then says how many more there are.
const LISTED: usize = 10;

/// The totals, the failing tests and the flakiest tests.
pub fn summary(s: &Summary, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "## Test results (lra)\n")?;
    totals(s, out)?;
    let failing: Vec<&TestStats> = s.tests_failures_first().into_iter().filter(|t| t.counts.failed > 0).collect();
    if !failing.is_empty() {
        writeln!(out, "\n### Failing tests ({})\n", failing.len())?;
        writeln!(out, "| Test | Failed | Runs | Pass rate | First failure |")?;
        writeln!(out, "|---|---:|---:|---:|---|")?;
        for t in failing.iter().take(LISTED) {
            let first = t.first_failure().map(|l| code(&format!("{}:{}", s.file_name(l), l.line))).unwrap_or_default();
            writeln!(
                out,
                "| {} | {} | {} | {} | {first} |",
                code(&t.name),
                t.counts.failed,
                t.counts.runs(),
                rate(&t.counts)
            )?;
        }
        more(failing.len(), out)?;
    }
    flakiest(s, out)
}

/// The current run's totals, its new failures and the other changes by count, and its
/// flakiest tests.
pub fn diff(d: &Diff, current: &Summary, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "## Test results against the base (lra)\n")?;
    totals(current, out)?;
    writeln!(
        out,
        "\n{} new failure{}, {} fixed, {} still failing, {} new test{}, {} removed.",
        d.new_failures.len(),
        plural(d.new_failures.len() as u64),
        d.fixed.len(),
        d.still_failing.len(),
        d.new_tests.len(),
        plural(d.new_tests.len() as u64),
        d.removed_tests.len()
    )?;
    for (title, names) in [("New failures", &d.new_failures), ("Fixed", &d.fixed)] {
        if names.is_empty() {
            continue;
        }
        writeln!(out, "\n### {title} ({})\n", names.len())?;
        for name in names.iter().take(LISTED) {
            writeln!(out, "- {}", code(name))?;
        }
        more(names.len(), out)?;
    }
    if !d.regressions.is_empty() {
        writeln!(out, "\n### Failing more often, beyond chance ({})\n", d.regressions.len())?;
        for c in d.regressed().take(LISTED) {
            writeln!(out, "- {}: {}", code(&c.name), c.figures())?;
        }
        more(d.regressions.len(), out)?;
    }
    flakiest(current, out)
}

fn totals(s: &Summary, out: &mut impl Write) -> io::Result<()> {
    let t = s.totals();
    let pass_rate =
        t.pass_rate().map_or("none (no run passed or failed)".to_owned(), |r| format!("**{:.1}%**", r * 100.0));
    writeln!(
        out,
        "**{} runs** of **{} test{}** in {} file{}: {} passed, {} failed, {} skipped, {} other, {} missing. \
         Pass rate {pass_rate}.",
        t.runs(),
        s.tests().len(),
        plural(s.tests().len() as u64),
        s.files.len(),
        plural(s.files.len() as u64),
        t.passed,
        t.failed,
        t.skipped,
        t.other,
        t.missing
    )?;
    match s.anomaly_count() {
        0 => Ok(()),
        n => writeln!(
            out,
            "\n{n} anomal{} in the logs: {} result{} with no open test, {} test{} with no result.",
            if n == 1 { "y" } else { "ies" },
            s.orphan_results(),
            plural(s.orphan_results()),
            t.missing,
            plural(t.missing)
        ),
    }
}

fn flakiest(s: &Summary, out: &mut impl Write) -> io::Result<()> {
    let flaky = s.flaky_tests();
    if flaky.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n### Flakiest tests ({})\n", flaky.len())?;
    writeln!(out, "| Test | Flip rate | Failed | Runs | Pass rate |")?;
    writeln!(out, "|---|---:|---:|---:|---:|")?;
    for t in flaky.iter().take(LISTED) {
        writeln!(
            out,
            "| {} | {:.1}% | {} | {} | {} |",
            code(&t.name),
            t.flip_rate() * 100.0,
            t.counts.failed,
            t.counts.runs(),
            rate(&t.counts)
        )?;
    }
    more(flaky.len(), out)
}

fn more(n: usize, out: &mut impl Write) -> io::Result<()> {
    match n.checked_sub(LISTED) {
        Some(rest) if rest > 0 => writeln!(out, "\n…and {rest} more."),
        _ => Ok(()),
    }
}

/// `text` as a code span, so that nothing in a test's name is read as Markdown or HTML: shown as
/// [`as_printed`] shows it (controls, bidi and zero-width characters visible, so a line break is
/// never raw, and a CI's commands defused), then fenced by one more backtick than the longest
/// run inside, `|` escaped (a table cell would end at it even in a span).
fn code(text: &str) -> String {
    let text = as_printed(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let inner = text.replace('|', "\\|");
    // A span that starts or ends with a backtick needs a space inside its fence.
    let pad = if inner.starts_with('`') || inner.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{inner}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn names_are_code_spans_that_cannot_break_out() {
        assert_eq!(code("suite/test"), "`suite/test`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("<script>\u{7}"), "`<script>␇`");
        assert_eq!(code("a\r\nb\u{202e}"), "`a␍␊b⟨U+202E⟩`");
        assert_eq!(code("x\n::error::y ##[z]"), "`x␊::error::y ⟨U+0023⟩#[z]`");
        assert_eq!(code("::error::y"), "`⟨U+003A⟩:error::y`");
    }
}
