//! A [`Reading`] as the `key=value` pairs of a link (the app keeps them in its URL's hash), so
//! that a shared link reads the logs as its sender did. Only what differs from the default is
//! written; reading a link keeps the default for whatever it lacks or gets wrong, and says why.
//! The values are plain text here: escaping them for a URL is the caller's job.

use crate::base::log_format::LogFormat;
use crate::base::markers::Markers;
use crate::base::options::{MarkerTexts, NameMode, Reading};

/// The keys [`Reading::link_pairs`] writes and [`Reading::from_link_pairs`] reads; a link's
/// other keys are not a reading's.
pub const READING_LINK_KEYS: [&str; 8] = [
    "format",
    "names",
    "test-marker",
    "result-marker",
    "iteration-marker",
    "ignore-case",
    "iteration-per-file",
    "files-are-builds",
];

impl Reading {
    /// This reading as a link's pairs: only what differs from [`Reading::default`], in the order
    /// of [`READING_LINK_KEYS`]. What the head of a file told (`detected`) is not a setting and is
    /// not written.
    pub fn link_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(format) = self.format {
            pairs.push(("format", format.as_str().to_owned()));
        }
        if self.name_mode != NameMode::default() {
            pairs.push(("names", self.name_mode.as_str().to_owned()));
        }
        let default = MarkerTexts::from(&Markers::default());
        for (key, text, default) in [
            ("test-marker", &self.markers.test, &default.test),
            ("result-marker", &self.markers.result, &default.result),
            ("iteration-marker", &self.markers.iteration, &default.iteration),
        ] {
            if text != default {
                pairs.push((key, text.clone()));
            }
        }
        if self.markers.ignore_case {
            pairs.push(("ignore-case", "1".to_owned()));
        }
        if self.iteration_per_file {
            pairs.push(("iteration-per-file", "1".to_owned()));
        }
        if self.files_are_builds {
            pairs.push(("files-are-builds", "1".to_owned()));
        }
        pairs
    }

    /// The reading a link's pairs give, and what in them could not be taken (each kept at its
    /// default). Keys that are not a reading's are passed over; a key given twice counts once,
    /// the last time.
    pub fn from_link_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Reading, Vec<String>) {
        let mut reading = Reading::default();
        let mut problems = Vec::new();
        let mut texts = reading.markers.clone();
        for (key, value) in pairs {
            match key {
                "format" => match LogFormat::from_name(value) {
                    Some(format) => reading.format = Some(format),
                    None => problems.push(format!("the link's log format {value:?} is not known")),
                },
                "names" => match NameMode::from_name(value) {
                    Some(mode) => reading.name_mode = mode,
                    None => problems.push(format!("the link's name mode {value:?} is not known")),
                },
                "test-marker" => texts.test = value.to_owned(),
                "result-marker" => texts.result = value.to_owned(),
                "iteration-marker" => texts.iteration = value.to_owned(),
                "ignore-case" => texts.ignore_case = value == "1",
                "iteration-per-file" => reading.iteration_per_file = value == "1",
                "files-are-builds" => reading.files_are_builds = value == "1",
                _ => {}
            }
        }
        match texts.markers() {
            Ok(_) => reading.markers = texts,
            Err(e) => problems.push(format!("the link's markers are not valid: {e}")),
        }
        (reading, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> (Reading, Vec<String>) {
        Reading::from_link_pairs(pairs.iter().copied())
    }

    fn custom() -> Reading {
        Reading {
            name_mode: NameMode::FirstWord,
            markers: MarkerTexts {
                test: "TESTCASE: ".into(),
                result: "VERDICT=".into(),
                iteration: "== pass ".into(),
                ignore_case: true,
            },
            format: Some(LogFormat::Markers),
            detected: None,
            iteration_per_file: true,
            files_are_builds: true,
        }
    }

    #[test]
    fn the_default_reading_needs_nothing_in_the_link() {
        assert!(Reading::default().link_pairs().is_empty());
        assert_eq!(read(&[]), (Reading::default(), vec![]));
    }

    #[test]
    fn every_setting_comes_back_from_its_link() {
        let pairs = custom().link_pairs();
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, READING_LINK_KEYS, "each setting written once, in order");
        let (back, problems) = Reading::from_link_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!((back, problems), (custom(), vec![]));
    }

    #[test]
    fn links_written_before_names_were_kept_still_read() {
        let (reading, problems) = read(&[("view", "flaky"), ("test-marker", "TESTCASE: "), ("ignore-case", "1")]);
        assert!(problems.is_empty());
        assert_eq!(reading.markers.test, "TESTCASE: ");
        assert!(reading.markers.ignore_case);
        assert_eq!(reading.markers.result, Reading::default().markers.result);
        assert_eq!(reading.options().unwrap().format, Some(LogFormat::Markers), "custom markers mean markers");
    }

    #[test]
    fn what_a_hostile_link_gets_wrong_is_said_and_left_at_its_default() {
        let long = "x".repeat(10_000);
        for (pairs, why) in [
            (vec![("format", "exe")], "log format \"exe\""),
            (vec![("names", "all")], "name mode \"all\""),
            (vec![("test-marker", "")], "test marker is empty"),
            (vec![("result-marker", "a\nb")], "line break"),
            (vec![("iteration-marker", long.as_str())], "longer than"),
        ] {
            let (reading, problems) = read(&pairs);
            assert_eq!(reading, Reading::default(), "{pairs:?}");
            assert_eq!(problems.len(), 1, "{pairs:?}");
            assert!(problems[0].contains(why), "{problems:?}");
        }
    }
}
