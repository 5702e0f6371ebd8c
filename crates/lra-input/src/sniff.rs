//! What a stream of bytes is, by its first bytes: the one classifier of an input (saved summary,
//! compressed, archive, plain log) that the CLI, the browser engine and the unpacker share.

/// The kinds of input the unpacker tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Anything else: read as a log.
    Plain,
    /// gzip (RFC 1952), one member or several.
    Gzip,
    /// Zstandard frames.
    Zstd,
    /// A ZIP archive.
    Zip,
    /// A POSIX (ustar, pax) or GNU tar archive.
    Tar,
    /// bzip2: recognised, not decoded.
    Bzip2,
    /// xz: recognised, not decoded.
    Xz,
}

/// Bytes enough to tell every kind apart (a tar header's magic ends at byte 263), and a saved
/// summary from a log: the head an input is held back by until [`classify`] can tell.
pub const HEAD_LEN: usize = 512;

/// What an input holds, told by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// A summary saved by `lra` (see [`is_saved_summary`]): merged, not parsed.
    SavedSummary,
    /// Compressed or archived (or a compression recognised and refused): for the [`Unpacker`].
    ///
    /// [`Unpacker`]: crate::Unpacker
    Packed(Kind),
    /// A plain log, whose format its first MiB tells (`lra_core::detect_reading`).
    Log,
}

impl Content {
    /// Whether the input must be decoded before its bytes are a log's.
    pub fn is_packed(self) -> bool {
        matches!(self, Content::Packed(_))
    }
}

/// What the input whose first bytes are `head` holds: its first [`HEAD_LEN`] bytes, or all of
/// it when it is shorter. A head that says nothing else is a plain log's.
pub fn classify(head: &[u8]) -> Content {
    if is_saved_summary(head) {
        return Content::SavedSummary;
    }
    match sniff(head, true).unwrap_or(Kind::Plain) {
        Kind::Plain => Content::Log,
        kind => Content::Packed(kind),
    }
}

/// The kind of a stream whose first bytes are `head`. `None` when more bytes are needed to
/// tell; when `complete`, `head` is the whole stream and the answer is never `None`.
pub(crate) fn sniff(head: &[u8], complete: bool) -> Option<Kind> {
    let signatures: [(&[u8], Kind); 6] = [
        (b"\x1f\x8b", Kind::Gzip),
        (b"\x28\xb5\x2f\xfd", Kind::Zstd),
        (b"PK\x03\x04", Kind::Zip),
        (b"PK\x05\x06", Kind::Zip),
        (b"BZh", Kind::Bzip2),
        (b"\xfd7zXZ\x00", Kind::Xz),
    ];
    for (magic, kind) in signatures {
        if head.starts_with(magic) {
            return Some(kind);
        }
        // Could still become this magic.
        if head.len() < magic.len() && magic.starts_with(head) && !complete {
            return None;
        }
    }
    match head.get(257..263) {
        Some(m) if m == b"ustar\0" || m == b"ustar " => Some(Kind::Tar),
        Some(_) => Some(Kind::Plain),
        None if complete => Some(Kind::Plain),
        None => None,
    }
}

/// Whether `head`, a stream's first bytes, opens a summary saved by `lra` (`lra-summary/N`
/// JSON): an object whose first member is `"schema"` with a value that starts `lra-summary/`,
/// after an optional byte order mark and white space. The schema comes first in what `lra`
/// writes, and stays first through `jq` and most rewriters; a summary whose keys were sorted is
/// read as a log. 64 bytes are enough to tell.
fn is_saved_summary(head: &[u8]) -> bool {
    let rest = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let mut rest = rest.trim_ascii_start();
    for token in [&b"{"[..], b"\"schema\"", b":", b"\"lra-summary/"] {
        match rest.strip_prefix(token) {
            Some(after) => rest = after.trim_ascii_start(),
            None => return false,
        }
    }
    true
}

impl Kind {
    /// Its name for people.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Plain => "plain text",
            Kind::Gzip => "gzip",
            Kind::Zstd => "zstd",
            Kind::Zip => "zip",
            Kind::Tar => "tar",
            Kind::Bzip2 => "bzip2",
            Kind::Xz => "xz",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_their_first_bytes() {
        assert_eq!(sniff(b"\x1f\x8b\x08\0", false), Some(Kind::Gzip));
        assert_eq!(sniff(b"\x28\xb5\x2f\xfd\x04", false), Some(Kind::Zstd));
        assert_eq!(sniff(b"PK\x03\x04....", false), Some(Kind::Zip));
        assert_eq!(sniff(b"BZh91AY", false), Some(Kind::Bzip2));
        let mut tar = vec![0u8; 512];
        tar[257..263].copy_from_slice(b"ustar\0");
        assert_eq!(sniff(&tar, false), Some(Kind::Tar));
        assert_eq!(sniff(&[b'x'; 600], false), Some(Kind::Plain));
    }

    #[test]
    fn saved_summaries_are_told_by_their_schema_member() {
        assert!(is_saved_summary(b"{\n  \"schema\": \"lra-summary/1\",\n  \"name_mode\": \"line\""));
        assert!(is_saved_summary(b"\xef\xbb\xbf {\"schema\":\"lra-summary/1\"}"));
        assert!(is_saved_summary(b"{ \"schema\" : \"lra-summary/2\""));
        // Other JSON, and our schema further in: logs.
        assert!(!is_saved_summary(b"{\"Time\":\"2026-11-27T10:00:00Z\",\"Action\":\"run\"}"));
        assert!(!is_saved_summary(b"{\"anomalies\": [], \"schema\": \"lra-summary/1\"}"));
        assert!(!is_saved_summary(b"{\"schema\": \"lra-diff/1\"}"));
        assert!(!is_saved_summary(b"Test: schema lra-summary/1"));
        assert!(!is_saved_summary(b""));
    }

    #[test]
    fn an_input_is_a_saved_summary_a_packed_one_or_a_log() {
        assert_eq!(classify(b"{\"schema\": \"lra-summary/1\"}"), Content::SavedSummary);
        assert_eq!(classify(b"\x1f\x8b\x08\0"), Content::Packed(Kind::Gzip));
        assert_eq!(classify(b"BZh91AY"), Content::Packed(Kind::Bzip2));
        let mut tar = vec![0u8; HEAD_LEN];
        tar[257..263].copy_from_slice(b"ustar ");
        assert_eq!(classify(&tar), Content::Packed(Kind::Tar));
        // Too short to be anything else, or a magic's first byte only: a log.
        for head in [&b"Test: a\n"[..], b"\x1f", b"PK\x03", b"", b"{\"Action\":\"run\"}"] {
            assert_eq!(classify(head), Content::Log, "{head:?}");
        }
    }

    #[test]
    fn short_streams_wait_for_more_unless_complete() {
        assert_eq!(sniff(b"\x1f", false), None);
        assert_eq!(sniff(b"Test: a\n", false), None);
        assert_eq!(sniff(b"Test: a\n", true), Some(Kind::Plain));
        assert_eq!(sniff(b"\x1f", true), Some(Kind::Plain));
        assert_eq!(sniff(b"", true), Some(Kind::Plain));
        assert_eq!(sniff(b"Test", false), None);
    }
}
