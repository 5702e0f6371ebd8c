//! Reading logs into the model. The push parser (`parser`) takes a file's bytes in any slices and
//! hands whole lines to `scan` (the markers' fast path, and the formats read line by line) or to
//! a format's ordered reader; `format/` holds one file per input format and `detect`, which tells
//! the format from a file's head. Below the formats: what a markers line says (`extract`, which
//! also defines the events every format gives), a run's timestamps and stated durations
//! (`stamps`), and a runner's line without its CI timestamp and colour codes (`prefix`). Events
//! are applied to the partial result of a run of lines (`partial`), which merges in order into a
//! Summary; `wire` carries a segment's partial result between workers. Built on `model` and
//! `base`.

pub(crate) mod extract;
pub(crate) mod first_stage;
pub(crate) mod format;
pub(crate) mod parser;
pub(crate) mod partial;
pub(crate) mod prefix;
pub(crate) mod scan;
pub(crate) mod stamps;
pub(crate) mod wire;
