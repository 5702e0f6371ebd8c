//! Reading a log's own lines back: the failed run at a line (`lra show`), and the first lines of
//! a test's first failed run under the summary's table, read by [`lra_input::lines`] at the
//! offsets the summary keeps. `lra show` takes any location `lra` prints: a local file, an
//! object, a compressed one or an archive's member (`build.zip/job-3/test.log`), whose decoded
//! bytes are reached by decoding the input from its start ([`Decoded`]). Stdin cannot be read
//! again. Under the table, only the files read as plain local logs in this run are opened
//! again, and `lra show` opens only the input it was given: a file named inside a saved summary
//! never is (that name is anybody's). Every line, name and file name is printed as
//! [`as_printed`] shows it.

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::rc::Rc;

use lra_core::{FailedRun, Summary, TestStats, as_printed, push_printed};
use lra_input::lines::{Line, LineIndex, Source, line_at, line_start};
use lra_input::{Content, Decoded, HEAD_LEN};

use crate::input;

/// A line is shown cut to this many bytes, with its length.
const SHOWN_BYTES: usize = 1000;

/// How a line is written: as text, whatever its bytes. Invalid UTF-8 becomes U+FFFD, a CRLF
/// line loses its `\r`, and the rest is shown as [`push_printed`] shows a line (controls, bidi
/// and zero-width characters visible, a tab kept, a CI's commands defused), so that a log cannot
/// drive the terminal or the CI. A line longer than [`SHOWN_BYTES`] is cut, with its length.
pub fn printable(line: &Line) -> String {
    let text = &line.start;
    let text = if line.is_whole() { text.strip_suffix(b"\r").unwrap_or(text) } else { text };
    let cut = &text[..text.len().min(SHOWN_BYTES)];
    let mut out = String::with_capacity(cut.len());
    push_printed(&mut out, &String::from_utf8_lossy(cut), true);
    if text.len() > SHOWN_BYTES {
        out.push_str(&format!(" … ({} bytes in all)", line.len));
    }
    out
}

/// A local file, read where asked.
struct FileSource {
    file: File,
    size: u64,
}

impl FileSource {
    /// The regular file at `path`, or why it cannot be read again.
    fn open(path: &str) -> io::Result<FileSource> {
        let cannot = || {
            io::Error::other(format!("{}: cannot be read again here (stdin, or not a regular file)", as_printed(path)))
        };
        let file = File::open(Path::new(path)).map_err(|_| cannot())?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(cannot());
        }
        Ok(FileSource { file, size: meta.len() })
    }
}

impl Source for FileSource {
    fn size(&self) -> u64 {
        self.size
    }

    fn read(&self, offset: u64, len: u64) -> Result<Vec<u8>, String> {
        let end = offset.saturating_add(len).min(self.size);
        let mut buf = vec![0; end.saturating_sub(offset) as usize];
        let mut n = 0;
        while n < buf.len() {
            match self.file.read_at(&mut buf[n..], offset + n as u64) {
                Ok(0) => break,
                Ok(read) => n += read,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.to_string()),
            }
        }
        buf.truncate(n);
        Ok(buf)
    }
}

/// An error of a [`Source`], named by the file it reads.
fn failed(path: &str) -> impl Fn(String) -> io::Error + '_ {
    move |e| io::Error::other(format!("{}: {e}", as_printed(path)))
}

/// A local plain file named `name` of `bytes` bytes, as the summary read it, opened again; `None`
/// if it is stdin, gone, changed in size, or compressed.
fn reopen(name: &str, bytes: u64) -> Option<FileSource> {
    let src = FileSource::open(name).ok()?;
    let head = src.read(0, HEAD_LEN as u64).ok()?;
    (src.size == bytes && !lra_input::classify(&head).is_packed()).then_some(src)
}

/// Up to `most` lines of `src` from `offset`, ending with the line that starts at `last` if it
/// comes first; and whether lines of the run were left out.
fn lines_from(src: &dyn Source, offset: u64, last: u64, most: usize) -> Result<(Vec<Line>, bool), String> {
    let (mut lines, mut next) = (Vec::new(), (offset < src.size()).then_some(offset));
    while lines.len() < most {
        let Some(start) = next else { return Ok((lines, false)) };
        let (line, after) = line_at(src, start)?;
        lines.push(line);
        if start >= last {
            return Ok((lines, false));
        }
        next = after;
    }
    Ok((lines, true))
}

/// Under each of the first `tests` failing tests of the table, the first `lines` lines of its
/// first failed run, when its file is one of `read_here` (the indices in `s.files` of the files
/// this run read as plain local logs) and can be read again.
pub fn first_runs(s: &Summary, read_here: &[u32], tests: usize, lines: usize, out: &mut impl Write) -> io::Result<()> {
    let failing: Vec<&TestStats> =
        s.tests_failures_first().into_iter().filter(|t| t.counts.failed > 0).take(tests).collect();
    let mut shown = false;
    for t in failing {
        let Some(&run) = t.failed_runs().first().first() else { continue };
        if !read_here.contains(&run.file) {
            continue;
        }
        let f = &s.files[run.file as usize];
        let Some(src) = reopen(&f.name, f.bytes) else { continue };
        if !shown {
            writeln!(out, "\nFirst failed runs:")?;
            shown = true;
        }
        let at =
            t.first_failure().map_or(String::new(), |l| format!(" (its result at {}:{})", as_printed(&f.name), l.line));
        writeln!(out, "  {}{at}", as_printed(&t.name))?;
        let (read, cut) = lines_from(&src, run.opened, run.closed, lines).map_err(failed(&f.name))?;
        for line in &read {
            writeln!(out, "    │ {}", printable(line))?;
        }
        if cut {
            writeln!(out, "    │ …")?;
        }
    }
    Ok(())
}

/// A line of a file that `lra show` was asked for: `path:line`.
pub struct Place<'a> {
    /// The file, as `lra` names it: a path, an object's URL, either followed by a member's path
    /// inside it (`build.zip/job-3/test.log`).
    pub path: &'a str,
    /// Its 1-based line.
    pub line: u64,
}

impl<'a> Place<'a> {
    /// `path:line`, the line perhaps written with thousands separators as the app shows it. The
    /// path may hold `:` itself: the line is what follows the last one.
    pub fn parse(text: &'a str) -> Result<Place<'a>, String> {
        let (path, line) = text.rsplit_once(':').ok_or_else(|| format!("{text:?} is not FILE:LINE"))?;
        let digits: String = line.chars().filter(|c| !matches!(c, ',' | '_' | '\u{202f}' | '\u{a0}')).collect();
        match digits.parse::<u64>() {
            Ok(line) if line > 0 && !path.is_empty() => Ok(Place { path, line }),
            _ => Err(format!("{text:?} is not FILE:LINE (a line number from 1)")),
        }
    }

    /// The input that holds the file, to be read as `lra` reads its inputs: the path itself
    /// when it exists (a file, a compressed file), else the longest part of it before a `/`
    /// that is a regular file or an object (an archive, whose member the rest names). A path
    /// that names nothing is the input as it is, for the reader to say why.
    pub fn input(&self, store: &input::StoreConfig) -> String {
        let path = self.path;
        match crate::object_url::url_of(Path::new(path)) {
            Some(url) => {
                // An object's key starts after the bucket's (or host's) name.
                let key_from = url.find("://").map_or(0, |s| s + 3);
                let key_from = url[key_from..].find('/').map_or(url.len(), |k| key_from + k);
                let exists = |url: &str| matches!(object(url, store), Ok(Some(_)));
                prefixes(url, key_from).find(|&p| exists(p)).unwrap_or(url).to_owned()
            }
            None if fs::metadata(path).is_ok() => path.to_owned(),
            None => prefixes(path, 0)
                .skip(1)
                .find(|p| fs::metadata(p).is_ok_and(|m| m.is_file()))
                .unwrap_or(path)
                .to_owned(),
        }
    }
}

/// `path`, then each part of it before one of its `/` past byte `floor`, the longest first.
fn prefixes(path: &str, floor: usize) -> impl Iterator<Item = &str> {
    let cuts = path.match_indices('/').map(|(i, _)| i).filter(move |&i| i > floor).collect::<Vec<_>>();
    std::iter::once(path).chain(cuts.into_iter().rev().map(move |i| &path[..i]))
}

/// An input opened again: its name, as a summary names its files, and its bytes.
type Reopened = (String, Rc<dyn Source>);

/// The object `url` names, read where asked; `None` when there is none.
#[cfg(feature = "store")]
fn object(url: &str, store: &input::StoreConfig) -> Result<Option<Reopened>, String> {
    let object = crate::store::ObjectSource::open(url, store)?;
    Ok(object.map(|o| (o.name().to_owned(), Rc::new(o) as Rc<dyn Source>)))
}

/// Without the `store` feature, no object can be read.
#[cfg(not(feature = "store"))]
fn object(_: &str, _: &input::StoreConfig) -> Result<Option<Reopened>, String> {
    Err("this lra was built without object storage (the `store` feature)".to_owned())
}

/// What `lra show` prints: the lines from `first` to `last` (offsets of line starts), with
/// `context` lines either side; lines of the run itself are marked.
struct Window {
    first: u64,
    last: u64,
    context: usize,
}

/// Prints the failed run of `summary` (the summary of `input`, as [`Place::input`] chose it)
/// that holds line `place.line` of the file `place.path`, or, if no kept run does, the lines
/// around it, `context` lines either side.
pub fn show(
    summary: &Summary,
    input: &str,
    store: &input::StoreConfig,
    place: &Place<'_>,
    context: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    let file = file_of(summary, input, place)?;
    let src = read_again(summary, file, input, store, place)?;
    let src = &*src;
    let mut index = known_lines(summary, file);
    let Some(offset) = index.offset_of_line(src, place.line).map_err(failed(place.path))? else {
        return Err(io::Error::other(format!("{}: has fewer than {} lines", as_printed(place.path), place.line)));
    };
    // The kept run that holds the line; the one that closes on it, if several do.
    let mut best: Option<(&TestStats, FailedRun, usize)> = None;
    for t in summary.tests() {
        let kept = t.failed_runs();
        for (k, run) in kept.first().iter().chain(kept.last()).enumerate() {
            let holds = run.file as usize == file && run.opened <= offset && offset <= run.closed;
            if holds && best.is_none_or(|(_, b, _)| run.closed < b.closed) {
                best = Some((t, *run, k));
            }
        }
    }
    let window = match best {
        Some((t, run, k)) => {
            let kept = t.failed_runs();
            let nth = if k < kept.first().len() {
                format!("its failed run {} of {}", k + 1, kept.seen())
            } else {
                format!(
                    "its failed run {} of {}",
                    kept.seen() - (kept.first().len() + kept.last().len() - k) as u64 + 1,
                    kept.seen()
                )
            };
            writeln!(out, "{}: a failed run of {} ({nth})", as_printed(place.path), as_printed(&t.name))?;
            Window { first: run.opened, last: run.closed, context }
        }
        None => {
            writeln!(out, "{}:{}: no failed run kept here; the lines around it", as_printed(place.path), place.line)?;
            Window { first: offset, last: offset, context }
        }
    };
    print_window(src, &mut index, &window, place.line, place.path, out)
}

/// The index in `summary.files` of the file `place` names: the first of that name, or the one
/// file `input` held when the place names the input itself (an object's URL spelled otherwise
/// than its name, with its query).
fn file_of(summary: &Summary, input: &str, place: &Place<'_>) -> io::Result<usize> {
    if let Some(k) = summary.files.iter().position(|f| *f.name == *place.path) {
        return Ok(k);
    }
    if place.path == input && summary.files.len() == 1 {
        return Ok(0);
    }
    let why = match place.path == input {
        true => "cannot be read again here (stdin, a directory or a saved summary)".to_owned(),
        false => format!("{} holds no file of that name", as_printed(input)),
    };
    Err(io::Error::other(format!("{}: {why}", as_printed(place.path))))
}

/// The bytes of file `file` of `summary`, read from `input` again: the input itself when it is
/// that file, a plain log of the same size; else its member, decoded from the input's start.
fn read_again(
    summary: &Summary,
    file: usize,
    input: &str,
    store: &input::StoreConfig,
    place: &Place<'_>,
) -> io::Result<Rc<dyn Source>> {
    let f = &summary.files[file];
    let fail = failed(place.path);
    let (name, whole): Reopened = match crate::object_url::url_of(Path::new(input)) {
        Some(url) => object(url, store)
            .map_err(&fail)?
            .ok_or_else(|| fail(format!("{}: no such object", crate::object_url::shown_url(url))))?,
        None => (input.to_owned(), Rc::new(FileSource::open(input)?)),
    };
    let head = whole.read(0, HEAD_LEN as u64).map_err(&fail)?;
    match lra_input::classify(&head) {
        Content::Log if *f.name == *name => match whole.size() == f.bytes {
            true => Ok(whole),
            false => Err(fail("changed since it was read".to_owned())),
        },
        Content::Packed(_) => {
            // SummarySink of the same name (a tar may hold two) are told apart by their order.
            let nth = summary.files[..file].iter().filter(|g| g.name == f.name).count();
            Ok(Rc::new(Decoded::new(whole, name, f.name.to_string(), nth, f.bytes)))
        }
        Content::Log | Content::SavedSummary => {
            Err(fail("cannot be read again here: it was not read from a log (a saved summary names it)".to_owned()))
        }
    }
}

/// The places of file `file` whose line the summary knows (its tests' first failures, its
/// anomalies), from which counting lines starts.
fn known_lines(summary: &Summary, file: usize) -> LineIndex {
    let mut index = LineIndex::default();
    let mut known = |l: lra_core::Location| {
        if let (true, Some(offset)) = (l.file as usize == file, l.offset) {
            index.insert(offset, l.line - 1);
        }
    };
    for t in summary.tests() {
        if let Some(l) = t.first_failure() {
            known(l);
        }
    }
    for a in summary.anomalies() {
        known(a.location);
    }
    index
}

/// Prints `window` of `src` (the file `path`), whose lines `index` counts; `line`, the line
/// asked for, sets the numbers' width. Lines before the window's first line are found by
/// reading back from it.
fn print_window(
    src: &dyn Source,
    index: &mut LineIndex,
    window: &Window,
    line: u64,
    path: &str,
    out: &mut impl Write,
) -> io::Result<()> {
    let fail = failed(path);
    let first_line = index.newlines_before(src, window.first).map_err(&fail)? + 1;
    let (mut start, mut before) = (window.first, 0);
    while before < window.context && start > 0 {
        start = line_start(src, start - 1).map_err(&fail)?;
        before += 1;
    }
    let width = (line + 1_000).to_string().len();
    let (mut n, mut next, mut after) = (first_line - before as u64, (start < src.size()).then_some(start), 0);
    while let Some(at) = next {
        let inside = at >= window.first && at <= window.last;
        if at > window.last {
            if after == window.context {
                break;
            }
            after += 1;
        }
        let (text, following) = line_at(src, at).map_err(&fail)?;
        let mark = if inside { '>' } else { ' ' };
        writeln!(out, "{mark} {n:>width$} │ {}", printable(&text))?;
        n += 1;
        next = following;
    }
    Ok(())
}
