//! Reading the paths given on the command line into a Summary, in slices, never whole.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use lra_core::{FileParser, Options, Summary};

/// The size of one read when several threads parse it. Two are in memory at a time: one parsed
/// while the next is read.
const PARALLEL_SLICE: usize = 8 << 20;

/// The size of one read on one thread: small enough that the copy from the kernel and the parse
/// both stay in the CPU's cache.
const SERIAL_SLICE: usize = 256 << 10;

/// Adds every readable file under `paths` to `summary`, in order. Returns one message per path
/// that could not be read; the others are still summarized.
pub fn summarize_paths(paths: &[PathBuf], options: Options, summary: &mut Summary) -> Vec<String> {
    let mut problems = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            add(summary, "<stdin>", io::stdin(), options, &mut problems);
            continue;
        }
        let mut files = Vec::new();
        collect(path, &mut files, &mut HashSet::new(), &mut problems);
        for file in files {
            match File::open(&file) {
                Ok(f) => add(summary, &file.to_string_lossy(), f, options, &mut problems),
                Err(e) => problems.push(format!("{}: {}", file.display(), reason(&e))),
            }
        }
    }
    problems
}

/// Lists the files at `path`: itself, or everything below it in sorted order.
/// `seen` holds the directories already listed, so that a symlink loop is listed once.
fn collect(
    path: &Path,
    files: &mut Vec<PathBuf>,
    seen: &mut HashSet<PathBuf>,
    problems: &mut Vec<String>,
) {
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

fn add(
    summary: &mut Summary,
    name: &str,
    reader: impl Read + Send,
    options: Options,
    problems: &mut Vec<String>,
) {
    let mut parser = FileParser::new(name, options);
    match feed(&mut parser, reader) {
        Ok(()) => summary
            .merge(parser.finish())
            .expect("every file is parsed with the same name mode"),
        Err(e) => problems.push(format!("{name}: {}", reason(&e))),
    }
}

/// Reads the next slice while the current one is parsed, so reading overlaps the work.
fn feed(parser: &mut FileParser, mut reader: impl Read + Send) -> io::Result<()> {
    let slice = if rayon::current_num_threads() > 1 {
        PARALLEL_SLICE
    } else {
        SERIAL_SLICE
    };
    let mut current = vec![0; slice];
    let mut next = vec![0; slice];
    let mut n = read_full(&mut reader, &mut current)?;
    while n > 0 {
        let (read, ()) = rayon::join(
            || read_full(&mut reader, &mut next),
            || parser.feed(&current[..n]),
        );
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
