//! The sink that parses each member an unpacker finds into a summary: what the CLI and the
//! browser engine both do with their input.

use lra_core::{FileParser, Options, Summary};

use crate::layer::Sink;

/// Decoded bytes are gathered into slices this large for a parallel parse to split.
const PARALLEL_SLICE: usize = 8 << 20;

/// Parses every file it is given (see [`Sink`]) into one [`Summary`], in order. A file that
/// ended early is flagged (`FileStats::damage`), and each damage is also a problem message.
pub struct Members {
    options: Options,
    parser: Option<FileParser>,
    /// Decoded bytes gathered into large slices, which a parallel parse can split.
    pending: Vec<u8>,
    summary: Summary,
    /// Each file's checkpoints (`FileParser::take_checkpoints`), in the summary's file order.
    checkpoints: Vec<Vec<(u64, u64)>>,
    problems: Vec<String>,
}

impl Members {
    /// An empty summary, to be filled with files read with `options`.
    pub fn new(options: Options) -> Members {
        let summary = Summary::empty_for(&options);
        Members { options, parser: None, pending: Vec::new(), summary, checkpoints: Vec::new(), problems: Vec::new() }
    }

    /// The files ended so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// The summary of every file ended.
    pub fn into_summary(self) -> Summary {
        self.summary
    }

    /// The summary of every file ended, and each file's checkpoints (see
    /// `lra_core::FileParser::take_checkpoints`), in the same order.
    pub fn into_parts(self) -> (Summary, Vec<Vec<(u64, u64)>>) {
        (self.summary, self.checkpoints)
    }

    /// Appends one file's summary, read with the same options; `damage`: why it ended early, if
    /// it did (flagged, and a problem).
    pub fn add_file(&mut self, mut file: Summary, damage: Option<String>, checkpoints: Vec<(u64, u64)>) {
        if let Some(damage) = damage {
            let stats = &mut file.files[0];
            self.problems.push(format!("{}: {damage}; the lines before it are counted", stats.name));
            stats.damage = Some(damage.into());
        }
        self.summary.merge(file).expect("every file is read with the same options");
        self.checkpoints.push(checkpoints);
    }

    /// Appends the summary of files read elsewhere with the same options, as if they had been
    /// given here.
    pub fn add(&mut self, files: Summary, mut checkpoints: Vec<Vec<(u64, u64)>>) -> Result<(), lra_core::MergeError> {
        checkpoints.resize_with(files.files.len(), Vec::new);
        self.summary.merge(files)?;
        self.checkpoints.extend(checkpoints);
        Ok(())
    }

    /// The problems met since the last call: damaged files and archives.
    pub fn take_problems(&mut self) -> Vec<String> {
        std::mem::take(&mut self.problems)
    }
}

impl Sink for Members {
    fn begin(&mut self, name: &str) {
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
        let checkpoints = parser.take_checkpoints();
        self.add_file(parser.finish(), damage, checkpoints);
    }

    fn problem(&mut self, message: String) {
        self.problems.push(message);
    }
}
