//! A request's files, read one after another before they are added to the summary at once, so
//! that a cancelled request adds nothing.

use lra_core::{FileParser, Options, Segment, Summary, build_of};
use lra_input::{Content, HEAD_LEN, Member, Origin, SummarySink, Unpacker};
use lra_protocol::{Reading, Request};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

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
    /// Its first bytes, until they tell what it is ([`HEAD_LEN`] of them, or the whole file).
    Head {
        name: String,
        bytes: Vec<u8>,
    },
    Log(Unpacker),
    /// A plain log whose parts parsers of the pool read: their segments are appended in order.
    /// `input`: its index in the request.
    Segments {
        parser: Box<FileParser>,
        input: usize,
    },
    /// Kept whole until its end, to be tried as a saved summary.
    Json {
        name: String,
        bytes: Vec<u8>,
    },
}

/// The builds of a batch whose files are builds ([`Reading::files_are_builds`]): those ended, in
/// order, each with its files' origins, and the label of the one being read.
#[derive(Default)]
struct Builds {
    current: Option<String>,
    /// Each with its files' origins, and whether its files are logs the page gave (not a saved
    /// summary's).
    ended: Vec<(Summary, Vec<Origin>, bool)>,
}

/// What a batch's logs add ([`Batch::take_read`]).
pub(crate) struct Read {
    pub summary: Summary,
    /// One per file, in order.
    pub origins: Vec<Origin>,
    /// In a batch of builds, what each part of the history came from, in order: how many files
    /// and builds it holds, and whether its files are logs the page gave (one build each) or a
    /// saved summary's (no lines to read again). Empty otherwise.
    pub parts: Vec<(u32, u32, bool)>,
}

/// The origin of a file that came from a saved summary: no input, so no lines to read again.
fn saved_origin() -> Origin {
    Origin { input: usize::MAX, member: None, checkpoints: Vec::new() }
}

/// The files of one request, read.
pub struct Batch {
    pub(crate) purpose: Purpose,
    pub(crate) options: Options,
    pub(crate) reading: Reading,
    /// The files' names, in the order they are read.
    pub(crate) names: Vec<String>,
    /// The logs, parsed in order.
    pub(crate) members: SummarySink,
    pub(crate) logs: usize,
    /// Saved summaries, by the name they were given under.
    pub(crate) saved: Vec<(String, Summary)>,
    pub(crate) problems: Vec<String>,
    open: Option<Open>,
    /// Set when the files are builds: what the logs and saved summaries read became.
    builds: Option<Builds>,
}

impl Batch {
    /// Files to read as `reading` says; `parallel`: each large slice is parsed on the thread pool.
    pub(crate) fn new(
        purpose: Purpose,
        names: Vec<String>,
        reading: &Reading,
        parallel: bool,
    ) -> Result<Batch, String> {
        let options = options_for(reading, parallel)?;
        let members = SummarySink::new(options.clone());
        let builds = (matches!(purpose, Purpose::Add { .. }) && reading.files_are_builds).then(Builds::default);
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
            builds,
        })
    }

    /// Starts the file `index` of the request's names (past them: `blob-N`).
    pub fn begin_file(&mut self, index: usize) {
        self.end_file();
        self.enter_build(index);
        self.members.begin_input(index);
        let name = self.file_name(index);
        let name = name.as_str();
        self.open = Some(match self.purpose {
            Purpose::Baseline => Open::Json { name: name.to_owned(), bytes: Vec::new() },
            Purpose::Add { .. } => Open::Head { name: name.to_owned(), bytes: Vec::new() },
        });
    }

    /// The file whose first bytes are held is a saved summary, kept whole, or a log, parsed
    /// from its first byte.
    fn tell_head(&mut self) {
        if !matches!(self.open, Some(Open::Head { .. })) {
            return;
        }
        if let Some(Open::Head { name, bytes }) = self.open.take() {
            if lra_input::classify(&bytes) == Content::SavedSummary {
                self.open = Some(Open::Json { name, bytes });
            } else {
                let mut u = self.unpacker(&name);
                u.feed(&bytes, &mut self.members);
                self.open = Some(Open::Log(u));
            }
        }
    }

    /// The name of file `index` of the request (past its names: `blob-N`).
    pub fn file_name(&self, index: usize) -> String {
        file_name(&self.names, index)
    }

    /// A log's unpacker, counted.
    fn unpacker(&mut self, name: &str) -> Unpacker {
        self.logs += 1;
        Unpacker::new(name)
    }

    /// The file's next bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        if let Some(Open::Head { bytes: head, .. }) = &mut self.open {
            head.extend_from_slice(bytes);
            if head.len() >= HEAD_LEN {
                self.tell_head();
            }
            return;
        }
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
        self.tell_head();
        match self.open.take() {
            Some(Open::Log(u)) => u.finish(&mut self.members),
            Some(Open::Segments { mut parser, input }) => {
                let origin = Origin { input, member: None, checkpoints: parser.take_checkpoints() };
                self.members.add_file(parser.finish(), None, origin)
            }
            Some(Open::Json { name, bytes }) => self.end_json(name, bytes),
            Some(Open::Head { .. }) | None => {}
        }
        self.problems.extend(self.members.take_problems());
    }

    fn end_json(&mut self, name: String, bytes: Vec<u8>) {
        let parsed = std::str::from_utf8(&bytes).map_err(|e| e.to_string()).and_then(Summary::from_json);
        match (parsed, &self.purpose) {
            (Ok(summary), _) if self.builds.is_some() => self.add_saved_build(summary),
            (Ok(summary), _) => self.saved.push((name, summary)),
            (Err(e), Purpose::Baseline) => self.problems.push(format!("{name}: not a saved summary: {e}")),
            // Its first bytes said it is one: read as a log, it would count nothing.
            (Err(e), Purpose::Add { .. }) => {
                self.problems.push(format!("{name}: this saved summary cannot be read: {e}"))
            }
        }
    }

    /// Ends the file early: it could not be read to its end, for `reason`. What was read of it
    /// still counts, flagged.
    pub fn cut_file_short(&mut self, reason: &str) {
        self.tell_head();
        match self.open.take() {
            Some(Open::Log(u)) => u.cut_short(reason, &mut self.members),
            Some(Open::Segments { mut parser, input }) => {
                let origin = Origin { input, member: None, checkpoints: parser.take_checkpoints() };
                self.members.add_file(parser.finish(), Some(reason.to_owned()), origin)
            }
            Some(Open::Json { name, .. }) => self.problems.push(format!("{name}: {reason}")),
            Some(Open::Head { .. }) | None => {}
        }
        self.problems.extend(self.members.take_problems());
    }
}

impl Batch {
    /// File `index` starts: in a batch of builds, the build it belongs to starts, unless it is
    /// the one being read.
    fn enter_build(&mut self, index: usize) {
        let label = build_of(&file_name(&self.names, index)).to_owned();
        match &self.builds {
            Some(b) if b.current.as_deref() != Some(label.as_str()) => {
                self.end_build();
                if let Some(b) = &mut self.builds {
                    b.current = Some(label);
                }
            }
            _ => {}
        }
    }

    /// Ends the build being read: the logs read since it began become one build, called by its
    /// label.
    fn end_build(&mut self) {
        let Some(b) = &mut self.builds else { return };
        let Some(label) = &b.current else { return };
        let sink = std::mem::replace(&mut self.members, SummarySink::new(self.options.clone()));
        let (summary, origins) = sink.into_parts();
        if !summary.files.is_empty() {
            b.ended.push((summary.into_build(label), origins, true));
        }
    }

    /// A saved summary in a batch of builds: one build where it stands (a saved history, its
    /// builds), after the logs of its build read before it; the logs after it are another
    /// build of the same label (shown with ` #2`).
    fn add_saved_build(&mut self, summary: Summary) {
        self.end_build();
        let label = self.builds.as_ref().and_then(|b| b.current.clone()).unwrap_or_default();
        let origins = vec![saved_origin(); summary.files.len()];
        if let Some(b) = &mut self.builds {
            b.ended.push((summary.into_build(&label), origins, false));
        }
    }

    /// What the logs read add, with each file's origin (a saved summary's files have none to
    /// read again), or `None` when there is nothing: in a batch of builds, one history of the
    /// builds in order (saved summaries among them); else the logs' summary. Call once, after
    /// the last file ended.
    pub(crate) fn take_read(&mut self) -> Option<Read> {
        self.end_build();
        let fresh = SummarySink::new(self.options.clone());
        let Some(builds) = self.builds.take() else {
            return (self.logs > 0).then(|| {
                let (summary, origins) = std::mem::replace(&mut self.members, fresh).into_parts();
                Read { summary, origins, parts: Vec::new() }
            });
        };
        let mut read: Option<Read> = None;
        for (build, origins, logs) in builds.ended {
            let part = (build.files.len() as u32, build.history().map_or(1, |h| h.builds.len() as u32), logs);
            match &mut read {
                None => read = Some(Read { summary: build, origins, parts: vec![part] }),
                Some(r) => match r.summary.merge(build) {
                    Ok(()) => {
                        r.origins.extend(origins);
                        r.parts.push(part);
                    }
                    Err(e) => self.problems.push(format!("a build was left out: {e}")),
                },
            }
        }
        read
    }
}

/// The name of file `index` of a request whose files are called `names` (past them: `blob-N`):
/// the name its unpacker was given.
pub(crate) fn file_name(names: &[String], index: usize) -> String {
    names.get(index).cloned().unwrap_or_else(|| format!("blob-{}", index + 1))
}

/// How files are parsed when read as `reading` says; `parallel`: each large slice on the thread
/// pool.
fn options_for(reading: &Reading, parallel: bool) -> Result<Options, String> {
    Ok(Options { parallel, ..reading.options()? })
}

/// The parser of one part of a file, for a parser of the pool: `reading` is the JSON
/// [`Batch::segment_reading`] made. Its bytes are whole lines, the last perhaps the file's end.
pub fn segment_parser(reading: &str) -> Result<FileParser, String> {
    Ok(FileParser::for_segment(options_for(&segment_reading_of(reading)?, false)?))
}

/// The reading [`Batch::segment_reading`] wrote: its format is told.
fn segment_reading_of(text: &str) -> Result<Reading, String> {
    let reading: Reading = serde_json::from_str(text).map_err(|e| format!("a segment's reading: {e}"))?;
    match reading.format {
        Some(_) => Ok(reading),
        None => Err("a segment's reading must give its format".to_owned()),
    }
}

/// What a batch of one file read, as a parser of the page's pool sends it to the batch the file
/// belongs to (see [`Batch::into_part`]): the `lra-summary/1` JSON of its logs and of each saved
/// summary, whose round trip is exact, so that adding parts in file order gives the summary one
/// batch reading every file would.
#[derive(Serialize, Deserialize)]
struct PartWire<'a> {
    logs: usize,
    #[serde(borrow)]
    summary: &'a RawValue,
    #[serde(borrow)]
    saved: Vec<(String, &'a RawValue)>,
    problems: Vec<String>,
    /// Each log file's origin, in order; its input is the part's own file (0), re-indexed when
    /// the part is added.
    origins: Vec<OriginWire>,
}

/// An [`Origin`] in a [`PartWire`].
#[derive(Serialize, Deserialize)]
struct OriginWire {
    /// The member's name and number, when the file is not the input itself.
    member: Option<(String, usize)>,
    checkpoints: Vec<(u64, u64)>,
}

impl Batch {
    /// The request that reads file `index` of this batch alone, as a parser of the pool does.
    pub fn request_for(&self, index: usize) -> Request {
        let name = self.file_name(index);
        // One file of the batch: a build's part, not a build of its own.
        let reading = Reading { files_are_builds: false, ..self.reading.clone() };
        Request::Analyze { names: vec![name], reading, adopt: false }
    }

    /// Ends this batch, of the one file a parser of the pool read: what it read, encoded for
    /// [`Batch::add_part`].
    pub fn into_part(mut self) -> Vec<u8> {
        self.end_file();
        let (summary, origins) = self.members.into_parts();
        let origins = origins
            .into_iter()
            .map(|o| OriginWire { member: o.member.map(|m| (m.name, m.nth)), checkpoints: o.checkpoints })
            .collect();
        let summary = summary.to_json();
        let saved: Vec<(String, String)> = self.saved.iter().map(|(n, s)| (n.clone(), s.to_json())).collect();
        fn raw(text: &str) -> &RawValue {
            serde_json::from_str(text).expect("a summary's JSON is JSON")
        }
        let wire = PartWire {
            logs: self.logs,
            summary: raw(&summary),
            saved: saved.iter().map(|(n, s)| (n.clone(), raw(s))).collect(),
            problems: self.problems,
            origins,
        };
        serde_json::to_vec(&wire).expect("a part is JSON")
    }

    /// Adds, in the place of the next file, file `index`, what a parser of the pool read of it
    /// (its [`Batch::into_part`]).
    pub fn add_part(&mut self, index: usize, part: &[u8]) -> Result<(), String> {
        self.end_file();
        self.enter_build(index);
        let wire: PartWire = serde_json::from_slice(part).map_err(|e| format!("a parser's part: {e}"))?;
        let summary = Summary::from_json(wire.summary.get())?;
        let saved = wire
            .saved
            .iter()
            .map(|(name, s)| Summary::from_json(s.get()).map(|s| (name.clone(), s)))
            .collect::<Result<Vec<_>, _>>()?;
        if wire.logs > 0 {
            if wire.origins.len() != summary.files.len() {
                return Err(format!(
                    "a parser's part: {} origins for {} files",
                    wire.origins.len(),
                    summary.files.len()
                ));
            }
            // The part's own batch read its file as its first: here it is file `index`.
            let origins = wire
                .origins
                .into_iter()
                .map(|o| Origin {
                    input: index,
                    member: o.member.map(|(name, nth)| Member { name, nth }),
                    checkpoints: o.checkpoints,
                })
                .collect();
            self.members.add(summary, origins).map_err(|e| e.to_string())?;
        }
        self.logs += wire.logs;
        for (name, summary) in saved {
            match self.builds {
                Some(_) => self.add_saved_build(summary),
                None => self.saved.push((name, summary)),
            }
        }
        self.problems.extend(wire.problems);
        Ok(())
    }

    /// When the next file, whose first bytes are `head`, can be read in parts by the parsers of
    /// the pool: the reading (JSON) each part's parser takes, its format told. Only a plain log
    /// in a line format can (not a saved summary, an archive, JUnit XML, `go test`, nextest,
    /// pytest).
    pub fn segment_reading(&self, head: &[u8]) -> Option<String> {
        if !matches!(self.purpose, Purpose::Add { .. }) || lra_input::classify(head) != Content::Log {
            return None;
        }
        let detected = lra_core::detect_reading(head, self.options.format);
        let format = detected.format;
        let reading =
            Reading { format: Some(format), detected: Some(detected), files_are_builds: false, ..self.reading.clone() };
        format.is_line_format().then(|| serde_json::to_string(&reading).expect("a reading is JSON"))
    }

    /// Starts file `index`, read in parts as `reading` ([`Batch::segment_reading`]) says: its
    /// segments follow, in order, with [`Batch::add_segment`].
    pub fn begin_segments(&mut self, index: usize, reading: &str) -> Result<(), String> {
        self.end_file();
        self.enter_build(index);
        let reading = segment_reading_of(reading)?;
        let options = Options { format: reading.format, detected: reading.detected, ..self.options.clone() };
        self.logs += 1;
        let parser = Box::new(FileParser::new(self.file_name(index), options));
        self.open = Some(Open::Segments { parser, input: index });
        Ok(())
    }

    /// Appends the next part of the file begun with [`Batch::begin_segments`] (its
    /// [`Segment::to_bytes`]).
    pub fn add_segment(&mut self, bytes: &[u8]) -> Result<(), String> {
        let segment = Segment::from_bytes(bytes)?;
        match &mut self.open {
            Some(Open::Segments { parser, .. }) => {
                parser.append(segment);
                Ok(())
            }
            _ => Err("a segment outside of a file read in parts".to_owned()),
        }
    }

    /// The next file could not be read: its parser stopped, for `why`.
    pub fn lose_file(&mut self, index: usize, why: &str) {
        self.end_file();
        let name = self.file_name(index);
        self.problems.push(format!("{name} was left out: {why}"));
    }
}
