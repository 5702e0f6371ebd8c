//! Reading a log's own lines back: the failed run at a line (`lra show`), and the first lines of
//! a test's first failed run under the summary's table. Only local plain files can be read
//! again: stdin cannot, and an archive member or a compressed file would have to be decoded up
//! to the offset (not done here yet). Under the table, only the files read as logs in this run
//! are opened again: a file named inside a saved summary never is (that name is anybody's).
//! Every line, name and file name is printed as [`as_printed`] shows it.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use lra_core::{FailedRun, Summary, TestStats, as_printed, push_printed};

use crate::input;

/// A line is shown cut to this many bytes, with its length.
const SHOWN_BYTES: usize = 1000;

/// How a line is written: as text, whatever its bytes. Invalid UTF-8 becomes U+FFFD, a CRLF
/// line loses its `\r`, and the rest is shown as [`push_printed`] shows a line (controls, bidi
/// and zero-width characters visible, a tab kept, a CI's commands defused), so that a log cannot
/// drive the terminal or the CI. A line longer than [`SHOWN_BYTES`] is cut, with its length.
pub fn printable(line: &Line) -> String {
    let text = &line.start;
    let text = if line.len as usize == text.len() { text.strip_suffix(b"\r").unwrap_or(text) } else { text };
    let cut = &text[..text.len().min(SHOWN_BYTES)];
    let mut out = String::with_capacity(cut.len());
    push_printed(&mut out, &String::from_utf8_lossy(cut), true);
    if text.len() > SHOWN_BYTES {
        out.push_str(&format!(" … ({} bytes in all)", line.len));
    }
    out
}

/// A line read back: its first bytes, as many as are shown and one more, and its length
/// without its `\n`.
pub struct Line {
    start: Vec<u8>,
    len: u64,
}

/// Reads the next line; `None` at the end of the file. Returns the bytes it took, with its
/// `\n`. A line of many megabytes is read only as far as it is shown.
fn read_line(reader: &mut impl BufRead) -> io::Result<Option<(Line, u64)>> {
    let mut start = Vec::new();
    let n = reader.by_ref().take(SHOWN_BYTES as u64 + 1).read_until(b'\n', &mut start)?;
    if n == 0 {
        return Ok(None);
    }
    let (rest, ended) = match start.last() {
        Some(b'\n') => {
            start.pop();
            (0, true)
        }
        _ if n > SHOWN_BYTES => skip_line(reader)?,
        _ => (0, false),
    };
    let taken = n as u64 + rest;
    Ok(Some((Line { start, len: taken - u64::from(ended) }, taken)))
}

/// A local plain file named `name` of `bytes` bytes, as the summary read it, opened again; `None`
/// if it is stdin, gone, changed in size, or compressed.
fn reopen(name: &str, bytes: u64) -> Option<File> {
    let file = File::open(Path::new(name)).ok()?;
    let meta = file.metadata().ok()?;
    (meta.is_file() && meta.len() == bytes && input::is_plain(&file)).then_some(file)
}

/// Up to `most` lines of `file` from `offset`, ending with the line that starts at `last` if it
/// comes first; and whether lines of the run were left out.
fn lines_from(file: &mut File, offset: u64, last: u64, most: usize) -> io::Result<(Vec<Line>, bool)> {
    file.seek(SeekFrom::Start(offset))?;
    let mut reader = BufReader::new(file);
    let (mut lines, mut at) = (Vec::new(), offset);
    while lines.len() < most {
        let Some((line, taken)) = read_line(&mut reader)? else { return Ok((lines, false)) };
        let start = at;
        at += taken;
        lines.push(line);
        if start >= last {
            return Ok((lines, false));
        }
    }
    Ok((lines, true))
}

/// Reads past the rest of a line: the bytes passed over, with its `\n`, and whether there was
/// one (not the end of the file).
fn skip_line(reader: &mut impl BufRead) -> io::Result<(u64, bool)> {
    let mut passed = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((passed, false));
        }
        match memchr::memchr(b'\n', buf) {
            Some(i) => {
                reader.consume(i + 1);
                return Ok((passed + i as u64 + 1, true));
            }
            None => {
                let n = buf.len();
                reader.consume(n);
                passed += n as u64;
            }
        }
    }
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
        let Some(mut file) = reopen(&f.name, f.bytes) else { continue };
        if !shown {
            writeln!(out, "\nFirst failed runs:")?;
            shown = true;
        }
        let at =
            t.first_failure().map_or(String::new(), |l| format!(" (its result at {}:{})", as_printed(&f.name), l.line));
        writeln!(out, "  {}{at}", as_printed(&t.name))?;
        let (read, cut) = lines_from(&mut file, run.opened, run.closed, lines)?;
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
    /// The file.
    pub path: &'a str,
    /// Its 1-based line.
    pub line: u64,
}

impl<'a> Place<'a> {
    /// `path:line`, the line perhaps written with thousands separators as the app shows it.
    pub fn parse(text: &'a str) -> Result<Place<'a>, String> {
        let (path, line) = text.rsplit_once(':').ok_or_else(|| format!("{text:?} is not FILE:LINE"))?;
        let digits: String = line.chars().filter(|c| !matches!(c, ',' | '_' | '\u{202f}' | '\u{a0}')).collect();
        match digits.parse::<u64>() {
            Ok(line) if line > 0 && !path.is_empty() => Ok(Place { path, line }),
            _ => Err(format!("{text:?} is not FILE:LINE (a line number from 1)")),
        }
    }
}

/// What `lra show` prints: the lines from `first` to `last` (offsets of line starts), with
/// `context` lines either side; lines of the run itself are marked.
struct Window {
    first: u64,
    last: u64,
    context: usize,
}

/// Prints the failed run of `summary` (the summary of the one file at `place.path`) that holds
/// line `place.line`, or, if no kept run does, the lines around it, `context` lines either side.
pub fn show(summary: &Summary, place: &Place<'_>, context: usize, out: &mut impl Write) -> io::Result<()> {
    let bytes = summary.files.first().map_or(0, |f| f.bytes);
    let mut file = reopen(place.path, bytes).ok_or_else(|| {
        io::Error::other(format!(
            "{}: cannot be read again here (stdin, or a compressed file or archive)",
            as_printed(place.path)
        ))
    })?;
    let Some(offset) = offset_of_line(&mut file, place.line)? else {
        return Err(io::Error::other(format!("{}: has fewer than {} lines", as_printed(place.path), place.line)));
    };
    // The kept run that holds the line; the one that closes on it, if several do.
    let mut best: Option<(&TestStats, FailedRun, usize)> = None;
    for t in summary.tests() {
        let kept = t.failed_runs();
        for (k, run) in kept.first().iter().chain(kept.last()).enumerate() {
            if run.opened <= offset && offset <= run.closed && best.is_none_or(|(_, b, _)| run.closed < b.closed) {
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
    print_window(&mut file, &window, place.line, offset, out)
}

/// The offset of line `line`, counting newlines from the start; `None` past the end.
fn offset_of_line(file: &mut File, line: u64) -> io::Result<Option<u64>> {
    if line == 1 {
        return Ok(Some(0));
    }
    file.seek(SeekFrom::Start(0))?;
    let (mut seen, mut at) = (1u64, 0u64);
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        for i in memchr::memchr_iter(b'\n', &buf[..n]) {
            seen += 1;
            if seen == line {
                let start = at + i as u64 + 1;
                // A newline that ends the file starts no line.
                return Ok((start < file.metadata()?.len()).then_some(start));
            }
        }
        at += n as u64;
    }
}

/// Prints `window` of `file`, whose line `line` starts at `offset`. Lines before the window's
/// first line are found by reading back from it.
fn print_window(file: &mut File, window: &Window, line: u64, offset: u64, out: &mut impl Write) -> io::Result<()> {
    // The number of the window's first line: counted between it and the known line.
    let first_line = line - newlines_between(file, window.first, offset)?;
    let (before, start) = lines_back(file, window.first, window.context)?;
    let width = (line + 1_000).to_string().len();
    file.seek(SeekFrom::Start(start))?;
    let mut reader = BufReader::new(file);
    let (mut n, mut at, mut after) = (first_line - before as u64, start, 0);
    while let Some((text, taken)) = read_line(&mut reader)? {
        let inside = at >= window.first && at <= window.last;
        if at > window.last {
            if after == window.context {
                break;
            }
            after += 1;
        }
        let mark = if inside { '>' } else { ' ' };
        writeln!(out, "{mark} {n:>width$} │ {}", printable(&text))?;
        n += 1;
        at += taken;
    }
    Ok(())
}

/// Newlines in `file[from..to]`.
fn newlines_between(file: &mut File, from: u64, to: u64) -> io::Result<u64> {
    file.seek(SeekFrom::Start(from))?;
    let mut left = to.saturating_sub(from);
    let (mut count, mut buf) = (0, vec![0; 1 << 20]);
    while left > 0 {
        let n = file.read(&mut buf[..left.min(1 << 20) as usize])?;
        if n == 0 {
            break;
        }
        count += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        left -= n as u64;
    }
    Ok(count)
}

/// Where the line `lines` lines before the one at `offset` starts (fewer at the file's start):
/// how many lines back that is, and its offset. Reads backwards a block at a time.
fn lines_back(file: &mut File, offset: u64, lines: usize) -> io::Result<(usize, u64)> {
    const BLOCK: u64 = 64 << 10;
    if lines == 0 || offset == 0 {
        return Ok((0, offset));
    }
    // The newline just before `offset` ends the line before it; each newline before that one
    // starts a line one further back.
    let (mut found, mut end) = (0, offset - 1);
    let mut buf = vec![0; BLOCK as usize];
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        let chunk = &mut buf[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        for i in memchr::memrchr_iter(b'\n', chunk) {
            found += 1;
            if found == lines {
                return Ok((found, start + i as u64 + 1));
            }
        }
        end = start;
    }
    // The file's first line.
    Ok((found + 1, 0))
}
