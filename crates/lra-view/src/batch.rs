//! A request's files, read one after another before they are added to the summary at once, so
//! that a cancelled request adds nothing.

use lra_core::{LogFormat, Options, Summary};
use lra_input::{Members, Unpacker};
use lra_protocol::Reading;

/// A `.json` file is kept whole up to this size to be tried as a saved summary; a larger one
/// is read as a log.
const SAVED_MAX: usize = 1 << 30;

/// What the files of a batch become.
pub(crate) enum Purpose {
    /// Added to the summary; saved summaries on an empty page lend it their reading (`adopt`).
    Add { adopt: bool },
    /// The one file is a saved summary, the baseline.
    Baseline,
}

/// The file being read.
enum Open {
    Log(Unpacker),
    /// Kept whole until its end, to be tried as a saved summary.
    Json {
        name: String,
        bytes: Vec<u8>,
    },
}

/// The files of one request, read.
pub struct Batch {
    pub(crate) purpose: Purpose,
    pub(crate) options: Options,
    pub(crate) reading: Reading,
    /// The files' names, in the order they are read.
    names: Vec<String>,
    /// The logs, parsed in order.
    pub(crate) members: Members,
    pub(crate) logs: usize,
    /// Saved summaries, by the name they were given under.
    pub(crate) saved: Vec<(String, Summary)>,
    pub(crate) problems: Vec<String>,
    open: Option<Open>,
}

impl Batch {
    /// Files to read as `reading` says; `parallel`: each large slice is parsed on the thread pool.
    pub(crate) fn new(
        purpose: Purpose,
        names: Vec<String>,
        reading: &Reading,
        parallel: bool,
    ) -> Result<Batch, String> {
        let markers = reading.markers.markers()?;
        // Custom markers mean the markers format, as on the command line.
        let format = reading.format.or((!markers.is_default()).then_some(LogFormat::Markers));
        let options = Options {
            name_mode: reading.name_mode,
            markers,
            format,
            iteration_per_file: reading.iteration_per_file,
            parallel,
            ..Options::default()
        };
        let members = Members::new(options.clone());
        Ok(Batch {
            purpose,
            options,
            reading: reading.clone(),
            names,
            members,
            logs: 0,
            saved: Vec::new(),
            problems: Vec::new(),
            open: None,
        })
    }

    /// Starts the file `index` of the request's names (past them: `blob-N`).
    pub fn begin_file(&mut self, index: usize) {
        self.end_file();
        let name = self.names.get(index).cloned().unwrap_or_else(|| format!("blob-{}", index + 1));
        let name = name.as_str();
        let saved = matches!(self.purpose, Purpose::Baseline) || name.ends_with(".json");
        self.open = Some(match saved {
            true => Open::Json { name: name.to_owned(), bytes: Vec::new() },
            false => Open::Log(self.unpacker(name)),
        });
    }

    /// A log's unpacker, counted.
    fn unpacker(&mut self, name: &str) -> Unpacker {
        self.logs += 1;
        Unpacker::new(name)
    }

    /// The file's next bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        if let Some(Open::Json { bytes: kept, .. }) = &mut self.open {
            if kept.len() + bytes.len() <= SAVED_MAX {
                return kept.extend_from_slice(bytes);
            }
            // Too large for a saved summary: a log, from its first byte.
            if let Some(Open::Json { name, bytes: kept }) = self.open.take() {
                let mut u = self.unpacker(&name);
                u.feed(&kept, &mut self.members);
                self.open = Some(Open::Log(u));
            }
        }
        if let Some(Open::Log(u)) = &mut self.open {
            u.feed(bytes, &mut self.members);
        }
    }

    /// Ends the file.
    pub fn end_file(&mut self) {
        match self.open.take() {
            Some(Open::Log(u)) => u.finish(&mut self.members),
            Some(Open::Json { name, bytes }) => self.end_json(name, bytes),
            None => {}
        }
        self.problems.extend(self.members.take_problems());
    }

    fn end_json(&mut self, name: String, bytes: Vec<u8>) {
        let parsed = std::str::from_utf8(&bytes).map_err(|e| e.to_string()).and_then(Summary::from_json);
        match (parsed, &self.purpose) {
            (Ok(summary), _) => self.saved.push((name, summary)),
            (Err(e), Purpose::Baseline) => self.problems.push(format!("{name}: not a saved summary: {e}")),
            // Not a saved summary: a log like any other.
            (Err(_), Purpose::Add { .. }) => {
                let mut u = self.unpacker(&name);
                u.feed(&bytes, &mut self.members);
                u.finish(&mut self.members);
            }
        }
    }

    /// Ends the file early: it could not be read to its end, for `reason`. What was read of it
    /// still counts, flagged.
    pub fn cut_file_short(&mut self, reason: &str) {
        match self.open.take() {
            Some(Open::Log(u)) => u.cut_short(reason, &mut self.members),
            Some(Open::Json { name, .. }) => self.problems.push(format!("{name}: {reason}")),
            None => {}
        }
        self.problems.extend(self.members.take_problems());
    }
}
