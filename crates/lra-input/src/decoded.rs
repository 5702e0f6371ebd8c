//! A member of a compressed file or an archive as a [`Source`]: its decoded bytes, which a
//! summary's offsets count in, for the run viewer and `lra show`. There is no way to start decoding in the middle of a deflate
//! or zstd stream without an index, so the member is reached by decoding the input from its
//! start; a cursor then stays where it stopped, so that reading on (the lines after, the next
//! failed run, a search) continues from there, and the last few MiB decoded are kept, so that
//! the lines just before are at hand. Reading further back decodes again from the start.

use std::cell::RefCell;
use std::rc::Rc;

use crate::layer::Sink;
use crate::lines::Source;
use crate::unpack::Unpacker;

/// Decoded bytes kept behind the cursor.
const KEEP: usize = 8 << 20;

/// Compressed bytes read at once.
const FEED: u64 = 256 << 10;

/// The `nth` member called `name` (as the unpacker names it: `logs.zip/job-1/test.log`, or the
/// compressed file's own name) of the input called `input_name`, `size` bytes decoded.
pub struct Decoded {
    input: Rc<dyn Source>,
    input_name: String,
    name: String,
    nth: usize,
    size: u64,
    cursor: RefCell<Cursor>,
}

/// Where decoding stopped.
struct Cursor {
    unpacker: Unpacker,
    /// Compressed bytes fed so far.
    fed: u64,
    capture: Capture,
}

/// The sink that keeps the wanted member's last decoded bytes and drops everything else.
struct Capture {
    name: String,
    nth: usize,
    /// SummarySink of that name begun so far.
    seen: usize,
    inside: bool,
    /// Decoded bytes of the member so far,
    pos: u64,
    /// of which these, from `kept_from`, are kept.
    kept: Vec<u8>,
    kept_from: u64,
    ended: bool,
}

impl Sink for Capture {
    fn begin(&mut self, name: &str, _: bool) {
        if name == self.name {
            self.seen += 1;
            self.inside = self.seen == self.nth + 1;
        }
    }

    fn data(&mut self, bytes: &[u8]) {
        if !self.inside {
            return;
        }
        self.kept.extend_from_slice(bytes);
        self.pos += bytes.len() as u64;
        if self.kept.len() > 2 * KEEP {
            let drop = self.kept.len() - KEEP;
            self.kept.drain(..drop);
            self.kept_from += drop as u64;
        }
    }

    fn end(&mut self, _: Option<String>) {
        if self.inside {
            self.inside = false;
            self.ended = true;
        }
    }

    fn problem(&mut self, _: String) {}
}

impl Decoded {
    /// The member, to be decoded from `input` when read.
    pub fn new(input: Rc<dyn Source>, input_name: String, name: String, nth: usize, size: u64) -> Decoded {
        let cursor = RefCell::new(Decoded::start(&input_name, &name, nth));
        Decoded { input, input_name, name, nth, size, cursor }
    }

    fn start(input_name: &str, name: &str, nth: usize) -> Cursor {
        let capture = Capture {
            name: name.to_owned(),
            nth,
            seen: 0,
            inside: false,
            pos: 0,
            kept: Vec::new(),
            kept_from: 0,
            ended: false,
        };
        Cursor { unpacker: Unpacker::new(input_name), fed: 0, capture }
    }
}

impl Decoded {
    /// Decodes towards decoded byte `offset` (from the start again if it is behind what is
    /// kept), feeding at most `budget` compressed bytes: `None` once the bytes from `offset` on
    /// can be read, else how many of the input's bytes are fed, of how many. The run viewer
    /// asks again and again, so that a long decoding shows its progress and can be stopped;
    /// reading ([`Source::read`]) decodes as far as it must.
    pub fn advance(&self, offset: u64, budget: u64) -> Result<Option<(u64, u64)>, String> {
        let mut cursor = self.cursor.borrow_mut();
        self.decode(&mut cursor, offset, offset.saturating_add(1).min(self.size), budget)?;
        let c = &cursor.capture;
        let reached = c.pos >= offset.saturating_add(1).min(self.size) || c.ended || cursor.fed >= self.input.size();
        Ok((!reached).then(|| (cursor.fed, self.input.size())))
    }

    /// Decodes until the member's bytes up to `end` are decoded (or it ended), feeding at most
    /// `budget` compressed bytes; from the input's start again when `from` is behind the kept
    /// bytes.
    fn decode(&self, cursor: &mut Cursor, from: u64, end: u64, budget: u64) -> Result<(), String> {
        if from < cursor.capture.kept_from {
            *cursor = Decoded::start(&self.input_name, &self.name, self.nth);
        }
        let stop = cursor.fed.saturating_add(budget);
        while cursor.capture.pos < end && !cursor.capture.ended && cursor.fed < stop {
            if cursor.fed >= self.input.size() {
                let done = std::mem::replace(&mut cursor.unpacker, Unpacker::new(""));
                done.finish(&mut cursor.capture);
                break;
            }
            let bytes = self.input.read(cursor.fed, FEED.min(stop - cursor.fed))?;
            cursor.fed += bytes.len() as u64;
            let Cursor { unpacker, capture, .. } = &mut *cursor;
            unpacker.feed(&bytes, capture);
        }
        Ok(())
    }
}

impl Source for Decoded {
    fn size(&self) -> u64 {
        self.size
    }

    fn read(&self, offset: u64, len: u64) -> Result<Vec<u8>, String> {
        let end = offset.saturating_add(len).min(self.size);
        let mut cursor = self.cursor.borrow_mut();
        self.decode(&mut cursor, offset, end, u64::MAX)?;
        let c = &cursor.capture;
        let from = offset.clamp(c.kept_from, c.pos);
        let to = end.clamp(from, c.pos);
        Ok(c.kept[(from - c.kept_from) as usize..(to - c.kept_from) as usize].to_vec())
    }
}
