//! The formats a log can be in, by name: what the user names, what a summary records per file.
//! How each is read is `read::format`'s.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a file's `reading` says when pytest-repeat's `[K-N]` was read as the iteration, so that
/// its test names are node ids without that suffix ([`crate::FileStats::pytest_repeat`]).
pub(crate) const PYTEST_REPEAT_READ: &str = "pytest-repeat's [K-N] read as the iteration";

/// A log's format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LogFormat {
    /// Lines holding the markers (`Test: `, `Result: `, `Iteration ` or custom ones).
    #[default]
    #[serde(rename = "markers")]
    Markers,
    /// GoogleTest's console output, `--gtest_repeat` too.
    #[serde(rename = "gtest")]
    GoogleTest,
    /// `pytest -v` output, with pytest-repeat, pytest-xdist and pytest-rerunfailures too.
    #[serde(rename = "pytest")]
    Pytest,
    /// Rust's libtest (`cargo test`) output.
    #[serde(rename = "libtest")]
    Libtest,
    /// The Test Anything Protocol (`prove -v`, node's TAP reporters, …).
    #[serde(rename = "tap")]
    Tap,
    /// JUnit XML, as CI systems and most runners write it.
    #[serde(rename = "junit")]
    Junit,
    /// `go test -v`, `-count=N` too.
    #[serde(rename = "go")]
    Go,
    /// `go test -json`.
    #[serde(rename = "go-json")]
    GoJson,
    /// cargo-nextest's output.
    #[serde(rename = "nextest")]
    Nextest,
}

impl LogFormat {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [LogFormat; 9] = [
        LogFormat::Markers,
        LogFormat::GoogleTest,
        LogFormat::Pytest,
        LogFormat::Libtest,
        LogFormat::Tap,
        LogFormat::Junit,
        LogFormat::Go,
        LogFormat::GoJson,
        LogFormat::Nextest,
    ];

    /// Its name on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            LogFormat::Markers => "markers",
            LogFormat::GoogleTest => "gtest",
            LogFormat::Pytest => "pytest",
            LogFormat::Libtest => "libtest",
            LogFormat::Tap => "tap",
            LogFormat::Junit => "junit",
            LogFormat::Go => "go",
            LogFormat::GoJson => "go-json",
            LogFormat::Nextest => "nextest",
        }
    }

    /// Whether a file in this format can be cut at line ends into segments parsed apart. JUnit
    /// XML is not lines; `go test`'s lines are read in order, since a package's end closes the
    /// tests still running; nextest's, since its reports repeat run lines; pytest's, since a
    /// test's outcome may follow its own output, lines after its node id; and TAP's, since a
    /// point's number and name and whether it counts depend on the lines before it.
    pub fn is_line_format(self) -> bool {
        !matches!(
            self,
            LogFormat::Junit
                | LogFormat::Go
                | LogFormat::GoJson
                | LogFormat::Nextest
                | LogFormat::Pytest
                | LogFormat::Tap
        )
    }

    /// Whether the format has no iteration lines, so that a test's k-th run in a file counts in
    /// iteration `k`.
    pub fn numbers_runs(self) -> bool {
        !matches!(self, LogFormat::Markers | LogFormat::GoogleTest | LogFormat::Pytest)
    }

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<LogFormat> {
        LogFormat::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in LogFormat::ALL {
            assert_eq!(LogFormat::from_name(f.as_str()), Some(f));
        }
        assert_eq!(LogFormat::from_name("jest"), None);
    }
}
