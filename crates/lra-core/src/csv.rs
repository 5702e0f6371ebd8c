//! The CSV form of a Summary: one row per test, with a header. The CLI's `--format csv` and the
//! app's "Export CSV" both write this.

use std::fmt::Write;

use crate::summary::Summary;

/// The header row.
pub const CSV_HEADER: &str =
    "name,runs,passed,failed,skipped,other,missing,pass_rate,first_failure_file,first_failure_line";

impl Summary {
    /// One row per test in order of first appearance, after a header (RFC 4180 quoting).
    pub fn to_csv(&self) -> String {
        let mut out = String::with_capacity(64 * (self.tests().len() + 1));
        out.push_str(CSV_HEADER);
        out.push('\n');
        for test in self.tests() {
            let c = &test.counts;
            let (file, line) = match test.first_failure {
                Some(l) => (field(self.file_name(l)), l.line.to_string()),
                None => (String::new(), String::new()),
            };
            let pass_rate = c.pass_rate().map_or(String::new(), |r| format!("{r:.6}"));
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{pass_rate},{file},{line}",
                field(&test.name),
                c.runs(),
                c.passed,
                c.failed,
                c.skipped,
                c.other,
                c.missing
            );
        }
        out
    }
}

/// Quotes a field when it holds a comma, a quote or a line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}
