//! Reading the paths given on the command line into a Summary, in slices, never whole.
//!
//! A plain log that is a regular file is read in parts, one per thread. Anything else (stdin,
//! compressed files, archives) is streamed through `lra_input`'s unpacker, each member a file
//! of the summary.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Read};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use lra_core::{FileParser, Options, Summary};
use lra_input::{Content, HEAD_LEN, Sink, SummarySink, Unpacker};

use crate::object_url::{shown_url, url_of};

/// The size of one read when several threads parse it. Two are in memory at a time: one parsed
/// while the next is read.
const PARALLEL_SLICE: usize = 8 << 20;

/// The size of one read on one thread: small enough that the copy from the kernel and the parse
/// both stay in the CPU's cache.
const SERIAL_SLICE: usize = 64 << 10;

/// Adds every readable file under `paths` to `summary`, in order: logs, and summaries saved
/// with `--format json` (told by their content), merged where they stand. A path may be an
/// object store's URL (with the `store` feature), read as `store` says. Returns one message per
/// path that could not be read, or saved summary read by other rules than `summary`; the others
/// are still summarized. Adds to `read_here` the index in `summary.files` of each file read as a
/// plain local log: the only files whose lines may be read again and printed (a file named in a
/// saved summary is anybody's choice, `.git/config` or a key).
pub fn summarize_paths(
    paths: &[PathBuf],
    options: &Options,
    store: &StoreConfig,
    summary: &mut Summary,
    read_here: &mut Vec<u32>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            if let Err(e) = read_stream("<stdin>", io::stdin(), options, summary, &mut problems) {
                problems.push(format!("<stdin>: {}", reason(&e)));
            }
            continue;
        }
        if let Some(url) = url_of(path) {
            for_each_object(url, store, &mut problems, |name, reader, problems| {
                if let Err(e) = read_stream(name, reader, options, summary, problems) {
                    problems.push(format!("{name}: {}", reason(&e)));
                }
            });
            continue;
        }
        let mut files = Vec::new();
        collect(path, &mut files, &mut HashSet::new(), &mut problems);
        for file in files {
            let name = file.to_string_lossy();
            let read = File::open(&file).and_then(|f| {
                let meta = f.metadata()?;
                if !meta.is_file() {
                    return read_stream(&name, f, options, summary, &mut problems);
                }
                match lra_input::classify(&head_of(&f)?) {
                    Content::SavedSummary => return add_saved(&name, f, summary, &mut problems),
                    Content::Packed(_) => return unpack_stream(&name, f, options, summary, &mut problems),
                    Content::Log => {}
                }
                let s = if rayon::current_num_threads() > 1 && meta.len() >= RANGES_MIN {
                    parse_in_ranges(&name, &f, meta.len(), options)?
                } else {
                    parse_stream(&name, f, options)?
                };
                let index = summary.files.len() as u32;
                summary.merge(s).expect("every file is parsed with the same options");
                read_here.extend(index..summary.files.len() as u32);
                Ok(())
            });
            if let Err(e) = read {
                problems.push(format!("{name}: {}", reason(&e)));
            }
        }
    }
    problems
}

/// A regular file's first bytes, [`HEAD_LEN`] of them (enough for [`lra_input::classify`]) or
/// all it has.
fn head_of(file: &File) -> io::Result<Vec<u8>> {
    let mut head = vec![0; HEAD_LEN];
    let mut n = 0;
    while n < HEAD_LEN {
        match file.read_at(&mut head[n..], n as u64)? {
            0 => break,
            read => n += read,
        }
    }
    head.truncate(n);
    Ok(head)
}

/// A stream's first bytes, [`HEAD_LEN`] of them or all it has, and the stream from its start.
/// A read error is kept for the stream's reader, after the bytes read before it, so that it is
/// reported like any other.
fn peek<'a>(mut reader: impl Read + Send + 'a) -> (Vec<u8>, Box<dyn Read + Send + 'a>) {
    let mut head = Vec::with_capacity(HEAD_LEN);
    let error = (&mut reader).take(HEAD_LEN as u64).read_to_end(&mut head).err();
    let rest: Box<dyn Read + Send> = match error {
        None => Box::new(reader),
        Some(e) => Box::new(Failed(Some(e))),
    };
    (head.clone(), Box::new(io::Cursor::new(head).chain(rest)))
}

/// A reader whose next read fails with the error it holds.
struct Failed(Option<io::Error>);

impl Read for Failed {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

/// Reads a stream that is not a regular file (stdin, an object): a saved summary if its first
/// bytes say so, else logs.
fn read_stream(
    name: &str,
    reader: impl Read + Send,
    options: &Options,
    summary: &mut Summary,
    problems: &mut Vec<String>,
) -> io::Result<()> {
    let (head, reader) = peek(reader);
    match lra_input::classify(&head) {
        Content::SavedSummary => add_saved(name, reader, summary, problems),
        Content::Packed(_) | Content::Log => unpack_stream(name, reader, options, summary, problems),
    }
}

/// Where objects are read from and written to (see [`crate::store`]).
#[cfg(feature = "store")]
pub use crate::store::Config as StoreConfig;

/// Without the `store` feature there is nothing to configure.
#[cfg(not(feature = "store"))]
#[derive(Clone, Debug, Default)]
pub struct StoreConfig;

/// Calls `each` with every object `url` names, in order, and a reader of its bytes; a URL that
/// names none, or that cannot be listed, is a problem.
#[cfg(feature = "store")]
pub fn for_each_object(
    url: &str,
    store: &StoreConfig,
    problems: &mut Vec<String>,
    mut each: impl FnMut(&str, crate::store::ObjectReader, &mut Vec<String>),
) {
    let objects = match objects_of(url, store) {
        Ok(objects) => objects,
        Err(e) => return problems.push(format!("{}: {e}", shown_url(url))),
    };
    match crate::store::read_all(objects) {
        Ok(objects) => objects.for_each(|(name, reader)| each(&name, reader, problems)),
        Err(e) => problems.push(format!("{}: {}", shown_url(url), reason(&e))),
    }
}

/// Without the `store` feature, a URL is a problem.
#[cfg(not(feature = "store"))]
pub fn for_each_object(
    url: &str,
    store: &StoreConfig,
    problems: &mut Vec<String>,
    _: impl FnMut(&str, io::Empty, &mut Vec<String>),
) {
    if let Err(e) = object_names(url, store) {
        problems.push(format!("{}: {e}", shown_url(url)));
    }
}

/// The objects `url` names, in key order, or why there are none.
#[cfg(feature = "store")]
fn objects_of(url: &str, store: &StoreConfig) -> Result<Vec<crate::store::Object>, String> {
    if !crate::store::is_url(url) {
        return Err("not a URL this lra reads (s3://, gs://, az://, http:// or https://)".to_owned());
    }
    crate::store::list(url, store)
}

/// The names (URLs) of the objects `url` names, in key order, or why there are none.
fn object_names(url: &str, store: &StoreConfig) -> Result<Vec<String>, String> {
    #[cfg(feature = "store")]
    return objects_of(url, store).map(|objects| objects.into_iter().map(|o| o.name).collect());
    #[cfg(not(feature = "store"))]
    {
        let _ = (url, store);
        Err("this lra was built without object storage (the `store` feature)".to_owned())
    }
}

/// Reads the summary saved in `reader` (`name` says where from) and merges it into `summary`,
/// or says why not. (Its read errors are problems too: it is never `Err`.)
fn add_saved(name: &str, reader: impl Read, summary: &mut Summary, problems: &mut Vec<String>) -> io::Result<()> {
    match read_saved(reader) {
        Ok(saved) => {
            if let Err(e) = summary.merge(saved) {
                problems.push(format!("{name}: this saved summary was read by other rules than these logs: {e}"));
            }
        }
        Err(e) => problems.push(format!("{name}: {e}")),
    }
    Ok(())
}

/// The summary saved in `reader`, read as it streams.
pub fn read_saved(reader: impl Read) -> Result<Summary, String> {
    Summary::read_json(io::BufReader::with_capacity(SERIAL_SLICE, reader))
}

/// Opens `path` as a saved summary if it is a regular file whose content is one: `None` when it
/// is anything else (a log, an archive, a directory, stdin).
pub fn open_saved(path: &Path) -> Result<Option<Summary>, String> {
    let reason = |e: io::Error| reason(&e);
    // Stdin cannot be read twice: the logs' reader tells a summary on it.
    if !path.is_file() {
        return Ok(None);
    }
    let file = File::open(path).map_err(reason)?;
    if lra_input::classify(&head_of(&file).map_err(reason)?) != Content::SavedSummary {
        return Ok(None);
    }
    read_saved(file).map(Some)
}

/// Calls `each` with every file or object under `paths`, in order: its name and the summary
/// saved in it, or a message (naming it) that says why there is none.
pub fn for_each_saved(paths: &[PathBuf], store: &StoreConfig, mut each: impl FnMut(Result<(String, Summary), String>)) {
    for path in paths {
        let mut problems = Vec::new();
        if let Some(url) = url_of(path) {
            for_each_object(url, store, &mut problems, |name, reader, _| {
                let (head, reader) = peek(reader);
                each(match lra_input::classify(&head) {
                    Content::SavedSummary => {
                        read_saved(reader).map(|s| (name.to_owned(), s)).map_err(|e| format!("{name}: {e}"))
                    }
                    Content::Packed(_) | Content::Log => Err(format!("{name}: {NOT_SAVED}")),
                })
            });
        } else {
            let mut files = Vec::new();
            collect(path, &mut files, &mut HashSet::new(), &mut problems);
            for file in files {
                let name = file.display().to_string();
                each(match open_saved(&file) {
                    Ok(Some(s)) => Ok((name, s)),
                    Ok(None) => Err(format!("{name}: {NOT_SAVED}")),
                    Err(e) => Err(format!("{name}: {e}")),
                });
            }
        }
        problems.into_iter().for_each(|p| each(Err(p)));
    }
}

/// The files and objects under `paths`, in the order they are read (as given: a file's name
/// byte for byte), and a message for each path that could not be listed.
pub fn list(paths: &[PathBuf], store: &StoreConfig) -> (Vec<std::ffi::OsString>, Vec<String>) {
    let (mut names, mut problems) = (Vec::new(), Vec::new());
    for path in paths {
        match url_of(path) {
            Some(url) => match object_names(url, store) {
                Ok(objects) => names.extend(objects.into_iter().map(Into::into)),
                Err(e) => problems.push(format!("{}: {e}", shown_url(url))),
            },
            None if path.as_os_str() == "-" => names.push("-".into()),
            None => {
                let mut files = Vec::new();
                collect(path, &mut files, &mut HashSet::new(), &mut problems);
                names.extend(files.into_iter().map(PathBuf::into_os_string));
            }
        }
    }
    (names, problems)
}

const NOT_SAVED: &str = "not a saved summary (`lra summarize --format json` writes one; `lra summarize` reads logs and saved summaries together)";

/// Lists the files at `path`: itself, or everything below it in sorted order.
/// `seen` holds the directories already listed, so that a symlink loop is listed once.
fn collect(path: &Path, files: &mut Vec<PathBuf>, seen: &mut HashSet<PathBuf>, problems: &mut Vec<String>) {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return problems.push(format!("{}: {}", path.display(), reason(&e))),
    };
    if !meta.is_dir() {
        return files.push(path.to_owned());
    }
    if !seen.insert(fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())) {
        return;
    }
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) => return problems.push(format!("{}: {}", path.display(), reason(&e))),
    };
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => children.push(e.path()),
            Err(e) => problems.push(format!("{}: {}", path.display(), reason(&e))),
        }
    }
    children.sort();
    for child in children {
        collect(&child, files, seen, problems);
    }
}

fn parse_stream(name: &str, reader: impl Read + Send, options: &Options) -> io::Result<Summary> {
    let mut parser = FileParser::new(name, options.clone());
    feed(reader, |bytes| parser.feed(bytes))?;
    Ok(parser.finish())
}

/// Streams `reader` through the unpacker: each member it finds is parsed as a file of its own
/// and merged into `summary`, and damage is a problem. With several threads, decoding runs on a
/// thread of its own while the pool parses what it decoded, as `zcat | lra summarize -` would.
/// A read error is reported once, by the file it cut short; only a decoder that stopped is an
/// error of its own.
fn unpack_stream(
    name: &str,
    reader: impl Read + Send,
    options: &Options,
    summary: &mut Summary,
    problems: &mut Vec<String>,
) -> io::Result<()> {
    let mut members = SummarySink::new(options.clone());
    let read = if rayon::current_num_threads() > 1 {
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::sync_channel(PIPE_DEPTH);
            let decoder = scope.spawn(move || unpack(name, reader, &mut Pipe { tx, batch: Vec::new() }));
            for event in rx {
                match event {
                    Event::Begin(name, is_member) => members.begin(&name, is_member),
                    Event::Data(bytes) => members.data(&bytes),
                    Event::End(damage) => members.end(damage),
                    Event::Problem(message) => members.problem(message),
                }
            }
            decoder.join().map_err(|_| io::Error::other("the decoder stopped"))
        })
    } else {
        unpack(name, reader, &mut members);
        Ok(())
    };
    problems.extend(members.take_problems());
    summary.merge(members.into_summary()).expect("every file is read with the same options");
    read
}

/// Reads `reader` through an unpacker into `sink`. What was read before an error still counts:
/// the file being read ends with the reason, which `sink` is told.
fn unpack(name: &str, mut reader: impl Read, sink: &mut dyn Sink) {
    let mut unpacker = Unpacker::new(name);
    let mut buf = vec![0; SERIAL_SLICE];
    loop {
        match read_full(&mut reader, &mut buf) {
            Ok(0) => break,
            Ok(n) => unpacker.feed(&buf[..n], sink),
            Err(e) => return unpacker.cut_short(&reason(&e), sink),
        }
    }
    unpacker.finish(sink);
}

/// Decoded bytes cross to the parsing side in pieces of about this size, at most this many
/// pieces ahead, so that memory stays flat.
const PIPE_PIECE: usize = 1 << 20;
const PIPE_DEPTH: usize = 8;

/// What the decoding thread tells the parsing side.
enum Event {
    /// A file begins: its name, and whether it is a member (see `Sink::begin`).
    Begin(String, bool),
    Data(Vec<u8>),
    End(Option<String>),
    Problem(String),
}

/// A sink that sends what it is told to the parsing side, the bytes gathered into pieces.
struct Pipe {
    tx: mpsc::SyncSender<Event>,
    batch: Vec<u8>,
}

impl Pipe {
    fn send(&mut self, event: Event) {
        // The parsing side hangs up only when it stopped; the decoder then ends too.
        let _ = self.tx.send(event);
    }

    fn flush(&mut self) {
        if !self.batch.is_empty() {
            let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(PIPE_PIECE));
            self.send(Event::Data(batch));
        }
    }
}

impl Sink for Pipe {
    fn begin(&mut self, name: &str, is_member: bool) {
        self.send(Event::Begin(name.to_owned(), is_member));
    }

    fn data(&mut self, bytes: &[u8]) {
        self.batch.extend_from_slice(bytes);
        if self.batch.len() >= PIPE_PIECE {
            self.flush();
        }
    }

    fn end(&mut self, damage: Option<String>) {
        self.flush();
        self.send(Event::End(damage));
    }

    fn problem(&mut self, message: String) {
        self.send(Event::Problem(message));
    }
}

/// Files at least this large are read as one part per thread.
const RANGES_MIN: u64 = 4 << 20;

/// Reads a regular file as one part per thread, each part on its own thread with its own small
/// buffer (so that the copy from the kernel and the parse stay in that core's cache), then
/// appends the parts' results in order. Parts are cut at line ends.
fn parse_in_ranges(name: &str, file: &File, size: u64, options: &Options) -> io::Result<Summary> {
    use rayon::prelude::*;
    // The parts after the first cannot tell the format: the file's head does, for all.
    let detected = match &options.detected {
        Some(detected) => detected.clone(),
        None => {
            let mut head = vec![0; lra_core::DETECT_LEN];
            let n = file.read_at(&mut head, 0)?;
            lra_core::detect_reading(&head[..n], options.format)
        }
    };
    let format = detected.format;
    let options = Options { format: Some(format), detected: Some(detected), ..options.clone() };
    if !format.is_line_format() {
        // Read in order: it cannot be cut at line ends.
        return parse_stream(name, file, &options);
    }
    let options = Options { parallel: false, ..options };
    let ranges = lra_input::byte_ranges(size, rayon::current_num_threads() as u64);
    let parsers: Vec<FileParser> = ranges
        .into_par_iter()
        .enumerate()
        .map(|(k, range)| {
            let options = options.clone();
            let mut p = if k == 0 { FileParser::new(name, options) } else { FileParser::for_segment(options) };
            read_lines_in(file, size, range, |bytes| p.feed(bytes))?;
            Ok(p)
        })
        .collect::<io::Result<_>>()?;
    let mut parsers = parsers.into_iter();
    let mut first = parsers.next().expect("one part at least");
    for p in parsers {
        first.append(p.into_segment());
    }
    Ok(first.finish())
}

/// Feeds the lines of `file` that start in `range` ([`lra_input::LinesInRange`]) to `use_bytes`
/// in slices that fit in cache.
fn read_lines_in(file: &File, size: u64, range: Range<u64>, mut use_bytes: impl FnMut(&[u8])) -> io::Result<()> {
    let mut lines = lra_input::LinesInRange::new(range);
    let mut buf = vec![0; SERIAL_SLICE];
    let mut at = lines.read_from();
    while at < size && !lines.is_finished() {
        let want = ((size - at) as usize).min(buf.len());
        let n = file.read_at(&mut buf[..want], at)?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file shrank while it was read"));
        }
        use_bytes(lines.take(&buf[..n]));
        at += n as u64;
    }
    Ok(())
}

/// Reads `reader` in slices, reading the next while `use_bytes` works on the current one.
fn feed(mut reader: impl Read + Send, mut use_bytes: impl FnMut(&[u8]) + Send) -> io::Result<()> {
    let slice = if rayon::current_num_threads() > 1 { PARALLEL_SLICE } else { SERIAL_SLICE };
    let mut current = vec![0; slice];
    let mut next = vec![0; slice];
    let mut n = read_full(&mut reader, &mut current)?;
    while n > 0 {
        let (read, ()) = rayon::join(|| read_full(&mut reader, &mut next), || use_bytes(&current[..n]));
        n = read?;
        std::mem::swap(&mut current, &mut next);
    }
    Ok(())
}

fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The OS's reason without the "(os error N)" suffix.
fn reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}
