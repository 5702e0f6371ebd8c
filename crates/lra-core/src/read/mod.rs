//! Reading logs into the model: the push parser, the scan of whole lines, the partial result of
//! a run of lines and its merge, and `format/` (one reader per input format, and telling which
//! one a file is in). Built on `model` and `base`.

pub(crate) mod extract;
pub(crate) mod format;
pub(crate) mod parser;
pub(crate) mod partial;
pub(crate) mod scan;
pub(crate) mod stamps;
pub(crate) mod wire;
