//! How logs are read: the options every reader is given, and the parts of them a summary
//! records (how names are taken) or a file's head decides (its format and why).

use serde::{Deserialize, Serialize};

use crate::base::log_format::LogFormat;
use crate::base::markers::Markers;

/// Lines longer than this are read only in their first this-many bytes (1 MiB), so that a file
/// with no newlines, or a small compressed one whose line inflates to gigabytes, cannot take
/// memory in proportion to its size: a parser holds at most this much of a line. A name, word or
/// reason is at most what a line holds there, and over `CUT_BYTES` it is kept cut, hashed from
/// what was read. (It was 64 MiB, which a 65 KB `.gz` could make a parser hold, twice.)
pub const DEFAULT_MAX_LINE: usize = 1 << 20;

/// How logs are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// How test names are taken.
    pub name_mode: NameMode,
    /// The markers that open a test, close it and start an iteration.
    pub markers: Markers,
    /// The format logs are in; `None`: told by each file's first bytes ([`crate::detect`]).
    pub format: Option<LogFormat>,
    /// What a file's head told, when it was told already: the format, the choices made from the
    /// head, and why ([`crate::detect_reading`]). Given to every part of a file read in parts,
    /// so that each reads it as the head said; `None`: each file's own head tells.
    pub detected: Option<Detected>,
    /// Each file is one iteration, labelled by its name (a folder of JUnit files, one run
    /// each); iteration lines are then ignored.
    pub iteration_per_file: bool,
    /// See [`DEFAULT_MAX_LINE`].
    pub max_line: usize,
    /// Parse large slices on rayon's current thread pool (needs the `parallel` feature).
    pub parallel: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            name_mode: NameMode::Line,
            markers: Markers::default(),
            format: None,
            detected: None,
            iteration_per_file: false,
            max_line: DEFAULT_MAX_LINE,
            parallel: cfg!(feature = "parallel"),
        }
    }
}

impl Options {
    /// Default options with this name mode.
    pub fn with_name_mode(name_mode: NameMode) -> Options {
        Options { name_mode, ..Options::default() }
    }
}

/// How a test's name is taken from its `Test: ` line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NameMode {
    /// The rest of the line after `Test: `, cut before a later `Result: `, trimmed.
    #[default]
    #[serde(rename = "line")]
    Line,
    /// The first whitespace-separated token of that text (`# Test: Apples Test` gives `Apples`).
    #[serde(rename = "first-word")]
    FirstWord,
}

impl NameMode {
    /// The name used in the JSON schema and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            NameMode::Line => "line",
            NameMode::FirstWord => "first-word",
        }
    }
}

/// What a file's head told: the format it is read in, a choice made with it, and why, in words
/// for people (`files[].reading`). Decided once from the head and handed to every part of the
/// file, so that a file read in parts is read as one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detected {
    /// The format the file is read in.
    pub format: LogFormat,
    /// pytest and JUnit only: pytest-repeat is evidently repeating the session, so that a node
    /// id's `[K-N]` suffix is its iteration (docs/design.md, "pytest", "JUnit XML").
    #[serde(default)]
    pub pytest_repeat: bool,
    /// Why, for people.
    pub why: String,
}
