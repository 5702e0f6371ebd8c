//! The app's shared state, provided as context: signals only, so it is `Copy`.

use leptos::prelude::*;
use lra_core::{LogFormat, Markers, NameMode, Reading};
use lra_protocol::{Column, Overview, Place};
pub use lra_protocol::{count, human_bytes, percent};

/// The views of a summary, one shown at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Tests,
    Suites,
    Flaky,
    Slowest,
    Failures,
    Compare,
    History,
}

impl View {
    pub const ALL: [(View, &'static str); 7] = [
        (View::Tests, "Tests"),
        (View::Suites, "Suites"),
        (View::Flaky, "Flaky"),
        (View::Slowest, "Slowest tests"),
        (View::Failures, "Why tests fail"),
        (View::Compare, "Compare with a baseline"),
        (View::History, "History"),
    ];

    /// Its name in the URL.
    pub fn key(self) -> &'static str {
        match self {
            View::Tests => "tests",
            View::Suites => "suites",
            View::Flaky => "flaky",
            View::Slowest => "slowest",
            View::Failures => "failures",
            View::Compare => "compare",
            View::History => "history",
        }
    }

    pub fn from_key(key: &str) -> Option<View> {
        View::ALL.iter().map(|(v, _)| *v).find(|v| v.key() == key)
    }
}

/// Lines shown before and after the place asked for.
pub const BEFORE: u32 = 12;
const AFTER: u32 = 40;
/// Where the viewer is open: a place, and the test whose failed runs it marks.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub place: Place,
    pub test: Option<String>,
    /// Lines before and after it.
    pub before: u32,
    pub after: u32,
}

impl Target {
    /// The lines around `place`, with `test`'s failed runs marked.
    pub fn at(place: Place, test: Option<String>) -> Target {
        Target { place, test, before: BEFORE, after: AFTER }
    }
}

/// Shared state of the page.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The summary's figures, files and anomalies; `None` until a file has been read. The
    /// summary itself stays in the engine worker.
    pub overview: RwSignal<Option<Overview>>,
    /// Bumped whenever the worker's summary or baseline changes: every view asks again.
    pub revision: RwSignal<u64>,
    /// The view shown, the tests table's filter and sort, and the selected test: all kept in the
    /// URL's hash, so that a link or a reload restores them.
    pub view: RwSignal<View>,
    /// Whether the view was chosen (a tab, a link): else many tests open on the suites.
    pub view_chosen: RwSignal<bool>,
    /// The suite the Suites view shows the inside of; empty: the top.
    pub suite: RwSignal<Vec<String>>,
    pub filter: RwSignal<String>,
    pub sort: RwSignal<(Column, bool)>,
    pub selected: RwSignal<Option<String>>,
    pub name_mode: RwSignal<NameMode>,
    /// The markers logs are read by; kept in the URL's hash when not the default ones.
    pub markers: RwSignal<Markers>,
    /// The logs' format; `None`: told by each file's first lines. In the URL's hash when set.
    pub log_format: RwSignal<Option<LogFormat>>,
    /// Each file is one iteration. In the URL's hash when set.
    pub iteration_per_file: RwSignal<bool>,
    /// Each file given alone, or entry of a folder, is one build of a history. In the URL's hash
    /// when set; set by itself for a folder of builds dropped on an empty page.
    pub files_are_builds: RwSignal<bool>,
    /// Messages for the user: unreadable files, engine failures.
    pub errors: RwSignal<Vec<String>>,
    /// Where the run viewer is open, if it is.
    pub viewer: RwSignal<Option<Target>>,
    /// The file and line the viewer shows, for the URL's hash.
    pub lines_shown: RwSignal<Option<(String, u64)>>,
}

impl AppState {
    pub fn new() -> AppState {
        AppState {
            overview: RwSignal::new(None),
            revision: RwSignal::new(0),
            view: RwSignal::new(View::Tests),
            view_chosen: RwSignal::new(false),
            suite: RwSignal::new(Vec::new()),
            filter: RwSignal::new(String::new()),
            sort: RwSignal::new((Column::Failed, true)),
            selected: RwSignal::new(None),
            name_mode: RwSignal::new(NameMode::Line),
            markers: RwSignal::new(Markers::default()),
            log_format: RwSignal::new(None),
            iteration_per_file: RwSignal::new(false),
            files_are_builds: RwSignal::new(false),
            errors: RwSignal::new(Vec::new()),
            viewer: RwSignal::new(None),
            lines_shown: RwSignal::new(None),
        }
    }
}

impl AppState {
    /// Shows `overview`: a summary of many tests opens on its suites, unless a view was chosen.
    /// The view is set first, so that the view the page would have opened on is never made.
    pub fn show(self, overview: Option<Overview>) {
        let many = overview.as_ref().is_some_and(|o| o.tests > SUITES_BY_DEFAULT);
        if many && !self.view_chosen.get_untracked() && self.view.get_untracked() == View::Tests {
            self.view.set(View::Suites);
        }
        self.overview.set(overview);
    }
}

impl AppState {
    /// Shows the test called `name` in the tests table, selected, the table filtered to it.
    pub fn show_test(self, name: &str) {
        self.filter.set(name.to_owned());
        self.selected.set(Some(name.to_owned()));
        self.view.set(View::Tests);
    }
}

/// Past this many tests, the page opens on the suites, unless a view was chosen.
const SUITES_BY_DEFAULT: u64 = 5_000;

impl AppState {
    /// How the page reads logs now: everything that, changed, calls for analysing the files
    /// again (the type the CLI's flags set and the engine's requests carry).
    pub fn reading(self) -> Reading {
        Reading {
            name_mode: self.name_mode.get_untracked(),
            markers: (&self.markers.get_untracked()).into(),
            format: self.log_format.get_untracked(),
            detected: None,
            iteration_per_file: self.iteration_per_file.get_untracked(),
            files_are_builds: self.files_are_builds.get_untracked(),
        }
    }

    /// [`AppState::reading`], tracked: an effect that asks runs again when the reading changes.
    pub fn reading_tracked(self) -> Reading {
        self.name_mode.track();
        self.markers.track();
        self.log_format.track();
        self.iteration_per_file.track();
        self.files_are_builds.track();
        self.reading()
    }

    /// Makes `reading` the page's, once its markers are checked; nothing changes if they are
    /// not valid.
    pub fn set_reading(self, reading: &Reading) -> Result<(), String> {
        let markers = reading.markers.markers()?;
        self.name_mode.set(reading.name_mode);
        self.markers.set(markers);
        self.log_format.set(reading.format);
        self.iteration_per_file.set(reading.iteration_per_file);
        self.files_are_builds.set(reading.files_are_builds);
        Ok(())
    }
}

/// `performance.now()`, in ms.
pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
