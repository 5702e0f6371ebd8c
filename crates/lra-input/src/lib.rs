//! Bytes from where they live to the LogResultAccumulator parser.
//!
//! Logs arrive compressed and archived: `.gz` CI artifacts, `.zst`, `.zip` downloads, `.tar.gz`
//! bundles of a job's logs. An [`Unpacker`] takes a file's bytes in slices cut anywhere, tells
//! what they are by their first bytes (not by the name), decodes them as a stream, and hands each
//! member to a [`Sink`] as a file of its own, named `build.zip/job-3/test.log`. A member that is
//! itself compressed or archived is unpacked too. Memory stays flat in the file's size: nothing is
//! decompressed whole.
//!
//! Damage is reported, never fatal: a corrupt or truncated member ends with the reason, after
//! the bytes read before the damage, and the other members still count.
//!
//! [`SummarySink`] is the sink that parses each member into a `lra_core::Summary`, recording each
//! file's [`Origin`] (which input, which member, its checkpoints) when it begins. [`classify`]
//! tells what an input holds by its first bytes. A large plain log is read as parts at once,
//! cut by [`byte_ranges`] and [`LinesInRange`]. [`lines`] reads a file's lines back at the
//! offsets a summary keeps, from any [`lines::Source`]; [`Decoded`] is a compressed file's or an
//! archive member's decoded bytes as one.
//!
//! Every decoder is pure Rust, so that the browser engine (wasm32) unpacks exactly as the CLI
//! does.

mod decoded;
mod gzip;
mod inflate;
mod layer;
pub mod lines;
mod parts;
mod sniff;
mod summary_sink;
mod tar;
mod unpack;
mod zip;
mod zstd;

pub use decoded::Decoded;
pub use layer::{MAX_MEMBER_NAME_BYTES, MAX_MEMBERS, Sink};
pub use parts::{LinesInRange, byte_ranges};
pub use sniff::{Content, HEAD_LEN, Kind, classify};
pub use summary_sink::{Member, Origin, SummarySink};
pub use unpack::Unpacker;
