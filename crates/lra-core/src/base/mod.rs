//! The bottom layer: small types and helpers that every layer above shares, and that use nothing
//! above them: how logs are read (`options`, `builds` (files as builds), `log_format`, `markers`; `link`, the reading as a link's pairs), where things are
//! (`location`), how sure a rate is (`statistics`), and text (`text`; `cut`, the budget on kept texts; `hash`, for interning).

pub(crate) mod builds;
pub(crate) mod cut;
pub(crate) mod hash;
pub(crate) mod link;
pub(crate) mod location;
pub(crate) mod log_format;
pub(crate) mod markers;
pub(crate) mod options;
pub(crate) mod statistics;
pub(crate) mod text;
