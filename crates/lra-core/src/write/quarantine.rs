//! `lra quarantine`: the arguments that make a test runner skip the tests a summary judges flaky
//! or failing, each named by the runner's own id, and the tests that cannot be named exactly,
//! with why. A test's id is recovered from the format its first failure was read in, so a name
//! read from another runner's output (or from markers) is never passed off as this runner's.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::base::cut::split_cut;
use crate::base::log_format::LogFormat;
use crate::model::stats::TestStats;
use crate::model::summary::Summary;
use crate::write::shown::{SHOWN_BYTES, as_printed};

/// The `schema` value of a quarantine.
pub const QUARANTINE_SCHEMA: &str = "lra-quarantine/1";

/// A test runner whose skip flags `lra quarantine` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Runner {
    /// GoogleTest: one negative `--gtest_filter`.
    Gtest,
    /// pytest: a `--deselect` per node id.
    Pytest,
    /// `go test` (Go 1.20 and later): one `-skip` regular expression.
    Go,
    /// cargo-nextest: one `-E` filterset.
    Nextest,
    /// Rust's libtest: `--exact` and a `--skip` per test.
    Libtest,
}

impl Runner {
    /// Every runner, with its name on the command line.
    pub const ALL: [(Runner, &'static str); 5] = [
        (Runner::Gtest, "gtest"),
        (Runner::Pytest, "pytest"),
        (Runner::Go, "go"),
        (Runner::Nextest, "nextest"),
        (Runner::Libtest, "libtest"),
    ];

    /// Its name on the command line.
    pub fn as_str(self) -> &'static str {
        Runner::ALL.iter().find(|(r, _)| *r == self).map_or("", |(_, n)| n)
    }

    /// Whether a name read in `format` is this runner's own id. A JUnit file's
    /// `classname.name` is GoogleTest's `Suite.Test` exactly; pytest's JUnit `classname` is a
    /// dotted module path, not its node id, so it names no pytest test.
    fn reads(self, format: LogFormat) -> bool {
        match self {
            Runner::Gtest => matches!(format, LogFormat::GoogleTest | LogFormat::Junit),
            Runner::Pytest => format == LogFormat::Pytest,
            Runner::Go => matches!(format, LogFormat::Go | LogFormat::GoJson),
            Runner::Nextest => format == LogFormat::Nextest,
            Runner::Libtest => format == LogFormat::Libtest,
        }
    }
}

/// Which tests to quarantine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Select {
    /// Tests that both passed and failed: in a history, in one build (`builds_flaky > 0`).
    pub flaky: bool,
    /// Tests failing now: every judged run failed; in a history, with a `failing_since`.
    pub failing: bool,
}

/// What `lra quarantine` prints.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quarantine {
    /// Always [`QUARANTINE_SCHEMA`].
    pub schema: &'static str,
    /// The runner the arguments are for.
    pub runner: Runner,
    /// The arguments to add to the runner's command line, each one word (quote each for a shell).
    pub args: Vec<String>,
    /// The tests they skip, in the summary's order.
    pub tests: Vec<String>,
    /// The selected tests they cannot skip exactly, with why.
    pub unnamed: Vec<Unnamed>,
}

/// A selected test the runner's arguments cannot name exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unnamed {
    /// The test, as the summary names it.
    pub name: String,
    /// Why it cannot be named.
    pub why: String,
}

impl Quarantine {
    /// The quarantine of the tests of `summary` that `select` picks, for `runner`.
    pub fn of(summary: &Summary, runner: Runner, select: Select) -> Quarantine {
        let all: BTreeSet<&str> = summary.tests().iter().map(|t| &*t.name).collect();
        let (mut tests, mut ids, mut unnamed) = (Vec::new(), Vec::new(), Vec::new());
        for (i, test) in summary.tests().iter().enumerate() {
            if !selected(summary, i, test, select) {
                continue;
            }
            match id_of(summary, test, runner, &all) {
                Ok(id) => {
                    tests.push(test.name.to_string());
                    ids.push(id);
                }
                Err(why) => unnamed.push(Unnamed { name: test.name.to_string(), why }),
            }
        }
        let args = args_of(runner, &ids);
        Quarantine { schema: QUARANTINE_SCHEMA, runner, args, tests, unnamed }
    }

    /// The JSON `lra quarantine --format json` prints.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a quarantine always serializes")
    }
}

/// Whether `select` picks test `i`.
fn selected(summary: &Summary, i: usize, test: &TestStats, select: Select) -> bool {
    match summary.history() {
        Some(history) => {
            let row = history.test(i, history.alpha);
            (select.flaky && row.builds_flaky > 0) || (select.failing && row.failing_since.is_some())
        }
        None => {
            let failing = test.counts.failed > 0 && test.counts.passed == 0;
            (select.flaky && test.flaky()) || (select.failing && failing)
        }
    }
}

/// What names `test` exactly for `runner` (its name, or for pytest the prefix `--deselect`
/// takes); if nothing does, why.
fn id_of(summary: &Summary, test: &TestStats, runner: Runner, all: &BTreeSet<&str>) -> Result<String, String> {
    let name = &*test.name;
    if split_cut(name).1.is_some() {
        return Err("its name was cut (over 4 KiB)".into());
    }
    if name.is_empty() {
        return Err("its name is empty".into());
    }
    if name.len() > SHOWN_BYTES {
        return Err("its name is too long to print whole (over 2 KiB)".into());
    }
    if as_printed(name) != name {
        // What a terminal would not show as it is (a control, a bidi or zero-width character,
        // a CI log's command) is never handed to a shell or a runner.
        return Err("its name does not print as itself (a control, bidi or zero-width character)".into());
    }
    let file = test.first_failure().and_then(|at| summary.files.get(at.file as usize));
    match file.map(|f| f.format) {
        Some(format) if runner.reads(format) => {}
        Some(format) => {
            return Err(format!("it was read as {} output, not {}'s", format.as_str(), runner.as_str()));
        }
        None => return Err("the file it failed in is unknown".into()),
    }
    match runner {
        Runner::Gtest => gtest_id(name).map(|()| name.to_owned()),
        Runner::Pytest => pytest_id(name, file.is_some_and(|f| f.pytest_repeat()), all),
        Runner::Go | Runner::Libtest => Ok(name.to_owned()),
        Runner::Nextest => nextest_id(name).map(|()| name.to_owned()),
    }
}

/// GoogleTest's ids (`Prefix/Suite.Test/Param`) are C++ identifiers and parameter names of
/// letters, digits and `_`; anything else would be read as a filter's pattern (`*`, `?`, `:`,
/// a leading `-`).
fn gtest_id(name: &str) -> Result<(), String> {
    let plain = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '.'));
    if plain && name.contains('.') {
        Ok(())
    } else {
        Err("it is not a GoogleTest name (Suite.Test of letters, digits, _ and /)".into())
    }
}

/// pytest's `--deselect` drops every node id that *starts with* the one given, so a prefix is
/// exact only when no other test the summary knows has an id starting with it. Read with
/// pytest-repeat (`repeated`), a test's ids are its name with `[K-N]` added (`t.py::test_a[2-6]`)
/// or, for a parametrized one, `-K-N` inside its brackets (`t.py::test_p[x-2-6]`): the prefix is
/// the name up to where that begins (`t.py::test_a[`, `t.py::test_p[x-`).
fn pytest_id(name: &str, repeated: bool, all: &BTreeSet<&str>) -> Result<String, String> {
    if !name.contains("::") {
        return Err("it is not a pytest node id (path::name)".into());
    }
    // Where every id of the test named `n` starts.
    let ids_start = |n: &str| -> String {
        match (repeated, n.strip_suffix(']')) {
            (false, _) => n.to_owned(),
            (true, Some(open)) => format!("{open}-"),
            (true, None) => format!("{n}["),
        }
    };
    let prefix = ids_start(name);
    // A test whose ids could start with the prefix shares its name up to the first `[`.
    let base = &prefix[..prefix.find('[').unwrap_or(prefix.len())];
    let clash = all
        .range::<str, _>((std::ops::Bound::Included(base), std::ops::Bound::Unbounded))
        .take_while(|other| other.starts_with(base))
        .filter(|other| **other != name)
        .find(|other| {
            let theirs = ids_start(other);
            // With repetitions, `t.py::test_p[x]`'s ids (`…[x-1-6]`) start with `t.py::test_p[x-1-`:
            // the prefix goes on from where theirs start with what could begin `K-N]`.
            let repetition = |rest: &str| rest.splitn(2, '-').all(|part| part.bytes().all(|b| b.is_ascii_digit()));
            theirs.starts_with(&prefix) || (repeated && prefix.strip_prefix(&*theirs).is_some_and(repetition))
        });
    match clash {
        Some(other) => Err(format!("pytest would deselect {other} too (its ids start with {prefix})")),
        None => Ok(prefix),
    }
}

/// nextest's names are `BINARY-ID TEST`; both go into a filterset's `=` matchers, which would
/// read `)`, `,` or a space as syntax, so only the characters of Rust paths and binary ids are
/// written.
fn nextest_id(name: &str) -> Result<(), String> {
    let Some((binary, test)) = name.split_once(' ') else {
        return Err("it is not a nextest name (binary id, a space, the test)".into());
    };
    let plain =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '/' | '-' | '.'));
    if plain(binary) && plain(test) {
        Ok(())
    } else {
        Err("its name holds characters a filterset would read as syntax".into())
    }
}

/// The runner's arguments that skip `tests`, whose names are its exact ids; none for none.
fn args_of(runner: Runner, tests: &[String]) -> Vec<String> {
    if tests.is_empty() {
        return Vec::new();
    }
    match runner {
        Runner::Gtest => vec![format!("--gtest_filter=-{}", tests.join(":"))],
        Runner::Pytest => tests.iter().flat_map(|t| ["--deselect".to_string(), t.clone()]).collect(),
        Runner::Go => vec!["-skip".into(), go_skip(tests)],
        Runner::Nextest => {
            let each: Vec<String> = tests
                .iter()
                .map(|t| {
                    let (binary, test) = t.split_once(' ').expect("checked by nextest_id");
                    format!("(binary_id(={binary}) & test(={test}))")
                })
                .collect();
            vec!["-E".into(), format!("not ({})", each.join(" | "))]
        }
        Runner::Libtest => {
            let mut args = vec!["--exact".to_string()];
            args.extend(tests.iter().flat_map(|t| ["--skip".to_string(), t.clone()]));
            args
        }
    }
}

/// go's `-skip` pattern: go splits it at unbracketed `|` into alternatives and each at
/// unbracketed `/` into one pattern per level of a test's name (`TestA/sub`), and skips a test
/// when every level of some alternative matches; a parent whose subtest alone is named still
/// runs. Each level is matched whole, its regular-expression characters escaped.
fn go_skip(tests: &[String]) -> String {
    let alternative = |name: &str| -> String {
        name.split('/').map(|level| format!("^{}$", regex_quote(level))).collect::<Vec<_>>().join("/")
    };
    tests.iter().map(|t| alternative(t)).collect::<Vec<_>>().join("|")
}

/// `text` with every character Go's `regexp.QuoteMeta` escapes escaped.
fn regex_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_skip_escapes_each_level_and_joins_alternatives() {
        let tests = vec!["TestA".to_string(), "TestB/case_1.5".to_string()];
        assert_eq!(go_skip(&tests), r"^TestA$|^TestB$/^case_1\.5$");
    }

    #[test]
    fn a_pytest_id_that_is_a_prefix_of_another_known_id_is_not_exact() {
        let all: BTreeSet<&str> = ["t.py::test_a", "t.py::test_a_b", "t.py::test_c"].into();
        assert!(pytest_id("t.py::test_a", false, &all).unwrap_err().contains("t.py::test_a_b"));
        assert_eq!(pytest_id("t.py::test_c", false, &all).as_deref(), Ok("t.py::test_c"));
        assert_eq!(pytest_id("t.py::test_a_b", false, &all).as_deref(), Ok("t.py::test_a_b"));
        // Repeated, every id has `[K-N]` after the name: test_a's ids no longer start test_a_b's.
        assert_eq!(pytest_id("t.py::test_a", true, &all).as_deref(), Ok("t.py::test_a["));
    }

    #[test]
    fn a_repeated_parametrized_id_is_its_name_up_to_the_repetition() {
        // pytest-repeat writes `t.py::test_p[x-2-6]` for `t.py::test_p[x]`'s second of six.
        let all: BTreeSet<&str> =
            ["t.py::test_p[x]", "t.py::test_p[x-y]", "t.py::test_p[z]", "t.py::test_p[z-1]"].into();
        assert_eq!(pytest_id("t.py::test_p[x-y]", true, &all).as_deref(), Ok("t.py::test_p[x-y-"));
        // `t.py::test_p[x-` is where test_p[x-y]'s ids start too.
        assert!(pytest_id("t.py::test_p[x]", true, &all).unwrap_err().contains("t.py::test_p[x-y]"));
        // `t.py::test_p[z-1-` would drop test_p[z]'s first repetition, `t.py::test_p[z-1-6]`.
        assert!(pytest_id("t.py::test_p[z-1]", true, &all).unwrap_err().contains("t.py::test_p[z]"));
    }

    #[test]
    fn gtest_filter_patterns_are_not_names() {
        assert_eq!(gtest_id("Prefix/Suite.Test/0"), Ok(()));
        for bad in ["Suite.*", "A.B:C.D", "-Suite.Test", "NoDot", "Suite.Te st"] {
            assert!(gtest_id(bad).is_err(), "{bad}");
        }
    }
}
