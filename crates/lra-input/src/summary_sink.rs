//! The sink that parses each member an unpacker finds into a summary, and records where each
//! file came from as it begins: what the CLI and the browser engine both do with their input.

use std::collections::HashMap;

use lra_core::{FileParser, Options, Summary};

use crate::layer::Sink;

/// Decoded bytes are gathered into slices this large for a parallel parse to split.
const PARALLEL_SLICE: usize = 8 << 20;

/// Where a file of the summary came from, recorded when it began (never guessed back from its
/// name): which input, which member of it, and the line starts its parse passed. The run viewer
/// reads the file's lines again from there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The input's index in the batch that read it (the order the inputs were given in).
    pub input: usize,
    /// `None`: the file is the input itself, plain; otherwise the member of the input it is.
    pub member: Option<Member>,
    /// Known line starts, `(offset, line index)` (see `lra_core::FileParser::take_checkpoints`).
    pub checkpoints: Vec<(u64, u64)>,
}

/// A compressed file's content or an archive's member, as the unpacker names it
/// (`logs.zip/job-1/test.log`, or the compressed file's own name): the `nth` (from 0) of that
/// name in its input, since a tar may hold two of the same name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// As the unpacker gives it to [`Sink::begin`].
    pub name: String,
    /// How many members of the same name the input held before it.
    pub nth: usize,
}

/// Parses every file it is given (see [`Sink`]) into one [`Summary`], in order. A file that
/// ended early is flagged (`FileStats::damage`), and each damage is also a problem message.
pub struct SummarySink {
    options: Options,
    parser: Option<FileParser>,
    /// Decoded bytes gathered into large slices, which a parallel parse can split.
    pending: Vec<u8>,
    summary: Summary,
    /// The input the files begun from now on come from (see [`SummarySink::begin_input`]).
    input: usize,
    /// How many files of each name the input has begun, to number members of the same name.
    names_begun: HashMap<String, usize>,
    /// The origin of the file being read; its checkpoints are taken when it ends.
    open: Option<Origin>,
    /// Each file's origin, in the summary's file order.
    origins: Vec<Origin>,
    problems: Vec<String>,
}

impl SummarySink {
    /// An empty summary, to be filled with files read with `options`.
    pub fn new(options: Options) -> SummarySink {
        let summary = Summary::empty_for(&options);
        SummarySink {
            options,
            parser: None,
            pending: Vec::new(),
            summary,
            input: 0,
            names_begun: HashMap::new(),
            open: None,
            origins: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The files that begin from now on come from input `input` (its index in the batch): their
    /// origins say so, and their members are numbered within it. Before any call, input 0.
    pub fn begin_input(&mut self, input: usize) {
        self.input = input;
        self.names_begun.clear();
    }

    /// The files ended so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// The summary of every file ended.
    pub fn into_summary(self) -> Summary {
        self.summary
    }

    /// The summary of every file ended, and each file's origin, in the same order.
    pub fn into_parts(self) -> (Summary, Vec<Origin>) {
        (self.summary, self.origins)
    }

    /// Appends one file's summary, read with the same options, and its origin; `damage`: why it
    /// ended early, if it did (flagged, and a problem).
    pub fn add_file(&mut self, mut file: Summary, damage: Option<String>, origin: Origin) {
        if let Some(damage) = damage {
            let stats = &mut file.files[0];
            self.problems.push(format!("{}: {damage}; the lines before it are counted", stats.name));
            stats.damage = Some(damage.into());
        }
        self.summary.merge(file).expect("every file is read with the same options");
        self.origins.push(origin);
    }

    /// Appends the summary of files read elsewhere with the same options, as if they had been
    /// given here, with their origins (one per file, in order).
    pub fn add(&mut self, files: Summary, origins: Vec<Origin>) -> Result<(), lra_core::MergeError> {
        debug_assert_eq!(files.files.len(), origins.len(), "one origin per file");
        self.summary.merge(files)?;
        self.origins.extend(origins);
        Ok(())
    }

    /// The problems met since the last call: damaged files and archives.
    pub fn take_problems(&mut self) -> Vec<String> {
        std::mem::take(&mut self.problems)
    }
}

impl Sink for SummarySink {
    fn begin(&mut self, name: &str, is_member: bool) {
        let begun = self.names_begun.entry(name.to_owned()).or_default();
        let nth = *begun;
        *begun += 1;
        let member = is_member.then(|| Member { name: name.to_owned(), nth });
        self.open = Some(Origin { input: self.input, member, checkpoints: Vec::new() });
        self.parser = Some(FileParser::new(name, self.options.clone()));
    }

    fn data(&mut self, bytes: &[u8]) {
        let Some(parser) = self.parser.as_mut() else { return };
        if !self.options.parallel || (self.pending.is_empty() && bytes.len() >= PARALLEL_SLICE) {
            return parser.feed(bytes);
        }
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= PARALLEL_SLICE {
            parser.feed(&self.pending);
            self.pending.clear();
        }
    }

    fn end(&mut self, damage: Option<String>) {
        let Some(mut parser) = self.parser.take() else { return };
        parser.feed(&self.pending);
        self.pending.clear();
        let origin = Origin { checkpoints: parser.take_checkpoints(), ..self.open.take().unwrap_or_default() };
        self.add_file(parser.finish(), damage, origin);
    }

    fn problem(&mut self, message: String) {
        self.problems.push(message);
    }
}
