//! The engine worker's side of the page: it keeps the summary ([`Session`]) and answers the
//! page's [`lra_protocol::Request`]s with only what the page shows, so that a million tests never
//! cross to the page's main thread. Files are read into a [`Batch`] first, then added at once.
//!
//! Nothing here touches the web: the wasm engine wraps it, and the tests run natively.

mod batch;
mod charts;
mod history;
pub mod lines;
mod pool;
mod report;
pub mod rescan;
mod rows;
mod session;
mod suites;

pub use batch::{Batch, segment_parser};
pub use pool::{Job, Outcome, Pool, Work};
pub use report::report_html;
pub use session::Session;

/// ECharts 5.6.0 (Apache-2.0: `assets/echarts-LICENSE`, `assets/echarts-NOTICE`), the same file
/// npm pins for the page (`package.json`; `tests/e2e/report.test.mjs` checks they are one), for
/// [`report_html`] where no page serves it.
#[cfg(feature = "bundled-echarts")]
pub const BUNDLED_ECHARTS: &str = include_str!("../assets/echarts-5.6.0.min.js");
