//! The CSV form of a Summary: one row per test, with a header. The CLI's `--format csv` and the
//! app's "Export CSV" both write this.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::durations::exact_ms;
use crate::summary::Summary;

/// The header row. Durations are in milliseconds with three decimals (exact microseconds),
/// empty for a test none of whose runs had one.
pub const CSV_HEADER: &str = "name,runs,passed,failed,skipped,other,missing,pass_rate,first_failure_file,\
first_failure_line,timed_runs,total_ms,min_ms,p50_ms,p95_ms,max_ms";

impl Summary {
    /// One row per test in order of first appearance, after a header (RFC 4180 quoting).
    pub fn to_csv(&self) -> String {
        let mut out = Vec::with_capacity(64 * (self.tests().len() + 1));
        self.write_csv(&mut out).expect("a Vec takes any bytes");
        String::from_utf8(out).expect("the rows are text")
    }

    /// Writes [`Summary::to_csv`]'s rows to `out`, one at a time.
    pub fn write_csv(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "{CSV_HEADER}")?;
        for test in self.tests() {
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
                Some(d) => writeln!(
                    out,
                    ",{},{},{},{},{},{}",
                    d.runs(),
                    exact_ms(d.total()),
                    exact_ms(d.min()),
                    exact_ms(d.p50()),
                    exact_ms(d.p95()),
                    exact_ms(d.max())
                )?,
                None => writeln!(out, ",,,,,,")?,
            }
        }
        Ok(())
    }
}

/// Quotes a field when it holds a comma, a quote or a line break (RFC 4180). A field that a
/// spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage
/// return: a test named `=HYPERLINK(…)` is a link to anywhere once the CSV is opened) gets a `'`
/// before it, which spreadsheets read as "text follows" (OWASP's advice), and is quoted.
fn field(s: &str) -> Cow<'_, str> {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula || s.contains([',', '"', '\n', '\r']) {
        let text = if formula { "'" } else { "" };
        Cow::Owned(format!("\"{text}{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}
