//! Where things are in the logs: a line of a file, a location in a summary's files, and how
//! locations move when one side is appended to another.

use serde::{Deserialize, Serialize};

/// Where something is: a file (an index into [`crate::Summary::files`]), a 1-based line number, and
/// the byte offset of that line's first byte, so that the line can be read back from the file
/// without counting lines to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Index into the summary's files.
    pub file: u32,
    /// 1-based line number within that file.
    pub line: u64,
    /// The byte offset of the line's start in the file (its decoded bytes, for an archive
    /// member); `None` only in a summary saved before offsets were kept.
    pub offset: Option<u64>,
}

impl Location {
    /// The line `at` of file `file`.
    pub fn at(file: u32, at: LineStart) -> Location {
        Location { file, line: at.line, offset: Some(at.offset) }
    }
}

/// A line of a file: its 1-based number and the byte offset of its first byte.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LineStart {
    /// 1-based line number.
    pub line: u64,
    /// Byte offset of the line's first byte.
    pub offset: u64,
}

/// How the locations of a right-hand side move when it is appended to a left-hand side.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shift {
    pub(crate) file: u32,
    pub(crate) line: u64,
    pub(crate) offset: u64,
}

impl Shift {
    /// Files only: the right side's files follow the left side's.
    pub(crate) fn files(file: u32) -> Shift {
        Shift { file, line: 0, offset: 0 }
    }

    pub(crate) fn apply(self, loc: Location) -> Location {
        Location { file: loc.file + self.file, line: loc.line + self.line, offset: loc.offset.map(|o| o + self.offset) }
    }

    /// A line of the same file.
    pub(crate) fn line(self, at: LineStart) -> LineStart {
        LineStart { line: at.line + self.line, offset: at.offset + self.offset }
    }
}
