//! What is made from a summary: its `lra-summary/1` JSON (read back too), CSV, a JUnit report,
//! text as people are shown it, the heatmap's grid, the diff of two runs, the rerun plan and the quarantine; and
//! sample logs.
//! The top layer: may use every layer below, and none uses it.

pub(crate) mod csv;
pub(crate) mod diff;
pub(crate) mod generate;
pub(crate) mod grid;
pub(crate) mod json;
pub(crate) mod junit_report;
pub(crate) mod plan;
pub(crate) mod quarantine;
pub(crate) mod shown;
