//! `lra history`: which inputs are builds, in which order, and what each is called.
//!
//! Each argument is one build (a log, an archive, a saved summary, an object), except a folder or
//! an object prefix, which gives one build per entry in it: a file, an archive, a subfolder (a
//! prefix's next path segment), each read as one. A saved history contributes its own builds.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use lra_core::natural;

use crate::input::{self, StoreConfig};
use crate::object_url::url_of;

/// The order of a folder's or prefix's entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Order {
    /// Numbers in names compared as numbers: `build-9` before `build-10`.
    Natural,
    /// As the bytes of the names sort (`build-10` before `build-9`).
    Given,
}

/// A build: its label (its name) and the input that holds it.
#[derive(Debug, PartialEq, Eq)]
pub struct Build {
    pub label: String,
    pub path: PathBuf,
}

/// The builds `paths` name, in order; what could not be listed is a problem.
pub fn builds(paths: &[PathBuf], order: Order, store: &StoreConfig) -> (Vec<Build>, Vec<String>) {
    let (mut builds, mut problems) = (Vec::new(), Vec::new());
    for path in paths {
        match entries(path, store) {
            Ok(None) => builds.push(Build { label: name_of(path), path: path.clone() }),
            Ok(Some(mut inside)) => {
                inside.sort_by(|a, b| match order {
                    Order::Natural => natural(&a.label, &b.label),
                    Order::Given => a.label.cmp(&b.label),
                });
                builds.extend(inside);
            }
            Err(e) => problems.push(e),
        }
    }
    (builds, problems)
}

/// The entries of a folder or a prefix, each a build; `None` when `path` is one build itself.
fn entries(path: &Path, store: &StoreConfig) -> Result<Option<Vec<Build>>, String> {
    if let Some(url) = url_of(path) {
        if !url.ends_with('/') {
            return Ok(None);
        }
        let (names, problems) = input::list(&[path.to_owned()], store);
        if let Some(p) = problems.into_iter().next() {
            return Err(p);
        }
        // One build per next path segment: an object, or a sub-prefix read whole.
        let mut builds: Vec<Build> = Vec::new();
        for name in names {
            let name = name.to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(url) else { continue };
            let (segment, deeper) = match rest.split_once('/') {
                Some((segment, _)) => (segment, true),
                None => (rest, false),
            };
            if builds.last().is_some_and(|b| b.label == segment) {
                continue;
            }
            let path = if deeper { format!("{url}{segment}/") } else { format!("{url}{segment}") };
            builds.push(Build { label: segment.to_owned(), path: PathBuf::from(path) });
        }
        return Ok(Some(builds));
    }
    if !path.is_dir() {
        return Ok(None);
    }
    let read = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut builds = Vec::new();
    for entry in read {
        let entry = entry.map_err(|e| format!("{}: {e}", path.display()))?;
        let label = entry.file_name().to_string_lossy().into_owned();
        // Hidden entries (`.git`, `.DS_Store`) are no builds.
        if !label.starts_with('.') {
            builds.push(Build { label, path: entry.path() });
        }
    }
    Ok(Some(builds))
}

/// A build's label: the last part of its path or URL.
fn name_of(path: &Path) -> String {
    match url_of(path) {
        Some(url) => url.trim_end_matches('/').rsplit('/').next().unwrap_or(url).to_owned(),
        None => {
            path.file_name().map_or_else(|| path.to_string_lossy().into_owned(), |n| n.to_string_lossy().into_owned())
        }
    }
}
