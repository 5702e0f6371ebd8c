//! The engine worker's side of the page: it keeps the summary ([`Session`]) and answers the
//! page's [`lra_protocol::Request`]s with only what the page shows, so that a million tests never
//! cross to the page's main thread. Files are read into a [`Batch`] first, then added at once.
//!
//! Nothing here touches the web: the wasm engine wraps it, and the tests run natively.

mod batch;
mod charts;
pub mod lines;
mod pool;
mod report;
pub mod rescan;
mod rows;
mod session;
mod suites;

pub use batch::{Batch, segment_parser};
pub use pool::{Job, Outcome, Pool, Work};
pub use session::Session;
