//! The bottom layer: small shared types and text helpers that every layer above uses and that
//! use nothing of the crate's above them.

pub(crate) mod cut;
pub(crate) mod hash;
pub(crate) mod markers;
