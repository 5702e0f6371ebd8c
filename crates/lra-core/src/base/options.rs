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

/// How logs are read, as a user sets it: the CLI's flags, the app's Reading panel and its link,
/// and the page's requests to the engine all carry this one type (serde: it is the protocol's
/// `reading`), and [`Reading::options`] alone turns it into the parser's [`Options`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// How test names are taken.
    pub name_mode: NameMode,
    /// The markers, as their texts; [`MarkerTexts::markers`] checks them.
    pub markers: MarkerTexts,
    /// `None`: told by each file's first lines.
    pub format: Option<LogFormat>,
    /// What the head of the file being read in parts told (a part's parser cannot see it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detected: Option<Detected>,
    /// Each file is one iteration, labelled by its name.
    pub iteration_per_file: bool,
    /// Each file given alone, or entry of a folder given, is one build of a history
    /// ([`crate::build_of`]); the page reads them in natural order.
    #[serde(default)]
    pub files_are_builds: bool,
}

impl Default for Reading {
    /// Line names, the default markers, the format told by each file, no iteration per file.
    fn default() -> Reading {
        Reading {
            name_mode: NameMode::Line,
            markers: (&Markers::default()).into(),
            format: None,
            detected: None,
            iteration_per_file: false,
            files_are_builds: false,
        }
    }
}

impl Reading {
    /// The parser's options for this reading, or why the markers make none. Custom markers
    /// mean the markers format unless a format is given (a log in another runner's format has
    /// no markers to customize).
    pub fn options(&self) -> Result<Options, String> {
        let markers = self.markers.markers()?;
        let format = self.format.or((!markers.is_default()).then_some(LogFormat::Markers));
        Ok(Options {
            name_mode: self.name_mode,
            markers,
            format,
            detected: self.detected.clone(),
            iteration_per_file: self.iteration_per_file,
            ..Options::default()
        })
    }
}

/// The markers as their texts, as a user gives them; [`MarkerTexts::markers`] checks them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkerTexts {
    /// The text that opens a test.
    pub test: String,
    /// The text that closes it.
    pub result: String,
    /// The text that starts an iteration.
    pub iteration: String,
    /// Whether they match in any case of ASCII letters.
    pub ignore_case: bool,
}

impl From<&Markers> for MarkerTexts {
    fn from(m: &Markers) -> MarkerTexts {
        MarkerTexts {
            test: m.test().to_owned(),
            result: m.result().to_owned(),
            iteration: m.iteration().to_owned(),
            ignore_case: m.ignore_case(),
        }
    }
}

impl MarkerTexts {
    /// The markers these texts make, or why they make none.
    pub fn markers(&self) -> Result<Markers, String> {
        Markers::new(&self.test, &self.result, &self.iteration, self.ignore_case)
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

    /// The mode [`NameMode::as_str`] calls `name`.
    pub fn from_name(name: &str) -> Option<NameMode> {
        [NameMode::Line, NameMode::FirstWord].into_iter().find(|m| m.as_str() == name)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(test: &str) -> MarkerTexts {
        MarkerTexts { test: test.to_owned(), ..(&Markers::default()).into() }
    }

    #[test]
    fn custom_markers_mean_the_markers_format_unless_a_format_is_given() {
        assert_eq!(Reading::default().options().unwrap().format, None, "the default: told by each file");
        let custom = Reading { markers: texts("TESTCASE: "), ..Reading::default() };
        let options = custom.options().unwrap();
        assert_eq!((options.format, options.markers.test()), (Some(LogFormat::Markers), "TESTCASE: "));
        let told = Reading { format: Some(LogFormat::GoogleTest), ..custom };
        assert_eq!(told.options().unwrap().format, Some(LogFormat::GoogleTest));
    }

    #[test]
    fn markers_that_make_none_are_refused_with_why() {
        let empty = Reading { markers: texts(""), ..Reading::default() };
        assert!(empty.options().is_err());
    }

    #[test]
    fn a_reading_reads_back_from_its_json_as_it_was() {
        let reading = Reading {
            name_mode: NameMode::FirstWord,
            markers: MarkerTexts { ignore_case: true, ..texts("case: ") },
            format: Some(LogFormat::Tap),
            detected: None,
            iteration_per_file: true,
            files_are_builds: true,
        };
        let json = serde_json::to_string(&reading).unwrap();
        assert!(!json.contains("detected"), "told only when a head told it: {json}");
        assert_eq!(serde_json::from_str::<Reading>(&json).unwrap(), reading);
    }
}
