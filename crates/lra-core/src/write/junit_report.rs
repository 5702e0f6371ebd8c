//! A [`Summary`] as JUnit XML, for the test reports of CI systems (GitLab, Jenkins, GitHub's
//! reporters) to show tests found in plain logs (docs/design.md §2, "JUnit XML").
//!
//! One `<testcase>` per test, carrying the summary's counts in words: a test with failed runs
//! gets a `<failure>` ("41 of 500 runs failed, first at build.log:1204711"), one whose runs never
//! passed nor failed gets an `<error>` (no result) or `<skipped>`. The file opens with
//! [`JUNIT_REPORT_MARK`], so that reading it back as a log warns: its tests are a summary's, one
//! run each, not the runs of the logs.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::model::class::Counts;
use crate::model::stats::TestStats;
use crate::model::summary::Summary;
use crate::read::format::junit::JUNIT_REPORT_MARK;

/// A failure's body lists at most this many of the reasons its test failed for.
const REASONS_SHOWN: usize = 10;

/// What a test's `<testcase>` holds besides its name.
enum Verdict {
    Passed,
    Failed,
    /// No run passed or failed, and some had no result or another word.
    Error,
    Skipped,
}

fn verdict(c: &Counts) -> Verdict {
    if c.failed > 0 {
        Verdict::Failed
    } else if c.passed > 0 {
        Verdict::Passed
    } else if c.missing + c.other > 0 {
        Verdict::Error
    } else {
        Verdict::Skipped
    }
}

impl Summary {
    /// Writes the summary as JUnit XML: one `<testsuite>` named `lra` holding one `<testcase>` per
    /// test, in the summary's order, with its exact name.
    pub fn write_junit(&self, out: &mut impl Write) -> io::Result<()> {
        let (mut failures, mut errors, mut skipped) = (0, 0, 0);
        for t in self.tests() {
            match verdict(&t.counts) {
                Verdict::Failed => failures += 1,
                Verdict::Error => errors += 1,
                Verdict::Skipped => skipped += 1,
                Verdict::Passed => {}
            }
        }
        let total_us: u64 = self.tests().iter().filter_map(|t| t.durations()).map(|d| d.total()).sum();
        let time = match self.has_durations() {
            true => format!(" time=\"{}\"", seconds(total_us)),
            false => String::new(),
        };
        let t = self.totals();
        let tests = self.tests().len();
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            "<!-- {JUNIT_REPORT_MARK} of {} file{}, {} runs ({} passed, {} failed, {} skipped): one testcase \
             per test, its runs counted in its messages. Not a log to read again. -->",
            self.files.len(),
            plural(self.files.len() as u64),
            t.runs(),
            t.passed,
            t.failed,
            t.skipped,
        )?;
        writeln!(out, r#"<testsuites name="lra" tests="{tests}" failures="{failures}" errors="{errors}"{time}>"#)?;
        writeln!(
            out,
            r#"  <testsuite name="lra" tests="{tests}" failures="{failures}" errors="{errors}" skipped="{skipped}"{time}>"#
        )?;
        writeln!(out, "    <properties>")?;
        writeln!(out, r#"      <property name="lra.version" value="{}"/>"#, env!("CARGO_PKG_VERSION"))?;
        for f in &self.files {
            writeln!(out, r#"      <property name="lra.file" value="{}"/>"#, Escaped(&f.name))?;
        }
        writeln!(out, "    </properties>")?;
        let reasons = self.reasons_by_test();
        for test in self.tests() {
            self.write_case(test, reasons.get(&*test.name).map_or(&[][..], Vec::as_slice), out)?;
        }
        writeln!(out, "  </testsuite>")?;
        writeln!(out, "</testsuites>")
    }

    /// The failure groups' reasons that list each test, in the groups' order.
    fn reasons_by_test(&self) -> HashMap<Box<str>, Vec<String>> {
        let mut by_test: HashMap<Box<str>, Vec<String>> = HashMap::new();
        for group in self.failure_groups_by_size().into_iter().filter(|g| !g.detail.is_empty()) {
            let reason = format!("{} ({} failed run{} in all)", group.example, group.count, plural(group.count));
            for name in group.tests {
                by_test.entry(name).or_default().push(reason.clone());
            }
        }
        by_test
    }

    fn write_case(&self, test: &TestStats, reasons: &[String], out: &mut impl Write) -> io::Result<()> {
        let c = &test.counts;
        let time = test.durations().map(|d| format!(r#" time="{}""#, seconds(d.total()))).unwrap_or_default();
        write!(out, r#"    <testcase name="{}"{time}"#, Escaped(&test.name))?;
        let runs = c.runs();
        match verdict(c) {
            Verdict::Passed => return writeln!(out, "/>"),
            Verdict::Failed => {
                let first = match test.first_failure() {
                    Some(l) => format!(", first at {}:{}", self.file_name(l), l.line),
                    None => String::new(),
                };
                let message = format!("{} of {runs} run{} failed{first}", c.failed, plural(runs));
                writeln!(out, r#">"#)?;
                write!(out, r#"      <failure message="{}" type="failed">"#, Escaped(&message))?;
                let mut body = format!("{}\n", counts_line(c));
                for r in reasons.iter().take(REASONS_SHOWN) {
                    body.push_str(&format!("failed for: {r}\n"));
                }
                if reasons.len() > REASONS_SHOWN {
                    body.push_str(&format!("and {} other reasons\n", reasons.len() - REASONS_SHOWN));
                }
                writeln!(out, "{}</failure>", Content(&body))?;
            }
            Verdict::Error => {
                let message =
                    format!("{} of {runs} run{} had no result, {} another word", c.missing, plural(runs), c.other);
                writeln!(out, r#">"#)?;
                writeln!(
                    out,
                    r#"      <error message="{}" type="no-result">{}</error>"#,
                    Escaped(&message),
                    counts_line(c)
                )?;
            }
            Verdict::Skipped => {
                let message = format!("all {runs} run{} skipped", plural(runs));
                writeln!(out, r#">"#)?;
                writeln!(out, r#"      <skipped message="{}"/>"#, Escaped(&message))?;
            }
        }
        writeln!(out, "    </testcase>")
    }
}

fn counts_line(c: &Counts) -> String {
    format!(
        "{} runs: {} passed, {} failed, {} skipped, {} other, {} missing",
        c.runs(),
        c.passed,
        c.failed,
        c.skipped,
        c.other,
        c.missing
    )
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Microseconds as seconds with three decimals, as JUnit readers (and the Surefire time type
/// of the schema) take them.
fn seconds(us: u64) -> String {
    let ms = us.div_ceil(1000);
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Text made safe for an XML attribute: markup escaped, line breaks and tabs kept as character
/// references (a reader would take them as spaces), and the characters XML 1.0 forbids (most C0
/// controls, U+FFFE, U+FFFF) replaced by U+FFFD.
struct Escaped<'a>(&'a str);

/// Text made safe for XML content: as [`Escaped`], but line breaks and tabs as they are.
struct Content<'a>(&'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        escape(self.0, true, f)
    }
}

impl std::fmt::Display for Content<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        escape(self.0, false, f)
    }
}

/// Writes `text` escaped, for an attribute or for content.
fn escape(text: &str, attribute: bool, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    let mut from = 0;
    for (i, ch) in text.char_indices() {
        let replacement = match ch {
            '\n' | '\t' if !attribute => continue,
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            '\n' => "&#10;",
            '\r' => "&#13;",
            '\t' => "&#9;",
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => "\u{fffd}",
            _ => continue,
        };
        f.write_str(&text[from..i])?;
        f.write_str(replacement)?;
        from = i + ch.len_utf8();
    }
    f.write_str(&text[from..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_replaced_and_markup_escaped() {
        let text = Escaped("a<b>&\"c'\u{1}\u{8}\u{b}\u{c}\u{1f}\u{fffe}\u{ffff}\td\ne").to_string();
        assert_eq!(
            text,
            "a&lt;b&gt;&amp;&quot;c&apos;\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}&#9;d&#10;e"
        );
        assert_eq!(Escaped("plain ünïcode ✓").to_string(), "plain ünïcode ✓");
        assert_eq!(Content("a\tb\nc\r<\u{0}").to_string(), "a\tb\nc&#13;&lt;\u{fffd}");
    }

    #[test]
    fn seconds_have_three_decimals_rounded_up() {
        assert_eq!(seconds(0), "0.000");
        assert_eq!(seconds(1), "0.001");
        assert_eq!(seconds(1_234_500), "1.235");
        assert_eq!(seconds(61_000_000), "61.000");
    }
}
