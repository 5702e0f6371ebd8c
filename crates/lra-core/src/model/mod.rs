//! What a summary is: result classes and counts, per-iteration cells, durations, result words and
//! kept failed runs, the rows a summary holds (`stats`), the interned tables that hold them, and
//! the [`crate::Summary`] itself, each with its exact merge. Built on `base` only: it knows
//! nothing of how logs are read or how a summary is written.

pub(crate) mod cells;
pub(crate) mod class;
pub(crate) mod durations;
pub(crate) mod history;
pub(crate) mod results;
pub(crate) mod runs;
pub(crate) mod stats;
pub(crate) mod summary;
pub(crate) mod tables;
