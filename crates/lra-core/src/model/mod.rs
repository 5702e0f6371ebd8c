//! What a summary is: its counts, cells, durations, kept runs, tables and the [`crate::Summary`]
//! itself, with their exact merge. Built on `base`; knows nothing of how logs are read or how a
//! summary is written.

pub(crate) mod cells;
pub(crate) mod class;
pub(crate) mod durations;
pub(crate) mod results;
pub(crate) mod runs;
pub(crate) mod summary;
pub(crate) mod tables;
