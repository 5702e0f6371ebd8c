//! The one budget on the texts a summary keeps (docs/design.md §1, "Names shown and kept"): a
//! test's name, a result word, an iteration's label, a failure's reason and a file's name over
//! [`CUT_BYTES`] keep their first bytes (whole characters) and the length and SHA-256 of the
//! whole, so that a log cannot make a summary hold megabytes per name, and two names that differ
//! past the cut stay two.
//!
//! Inside a [`crate::Summary`] a cut text is one string, its *cut form*: the kept text followed by
//! ` … (cut: N bytes, sha256 H)`. Every entry point (the parser, a saved summary read back, a
//! file's name) cuts what is over the budget, so any text longer than [`CUT_BYTES`] in a summary
//! is a cut form, and the tables, which know texts by their strings, keep two names that differ
//! past the cut apart without knowing of cuts. The JSON writes the kept text and a `cut` object
//! beside it ([`split_cut`]).

use std::borrow::Cow;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// Texts longer than this many bytes (of their UTF-8) are cut: 4 KiB.
pub const CUT_BYTES: usize = 4096;

/// What was cut from a text: the whole text's length in bytes and its SHA-256.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cut {
    /// The whole text's length in bytes (of its UTF-8).
    pub bytes: u64,
    /// The SHA-256 of the whole text's UTF-8.
    pub sha256: [u8; 32],
}

impl Cut {
    /// The hash as 64 lowercase hex digits.
    pub fn sha256_hex(&self) -> String {
        let mut hex = String::with_capacity(64);
        for b in self.sha256 {
            let _ = write!(hex, "{b:02x}");
        }
        hex
    }

    /// Reads 64 lowercase hex digits.
    pub fn parse_sha256(hex: &str) -> Option<[u8; 32]> {
        let digit = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        let b = hex.as_bytes();
        if b.len() != 64 {
            return None;
        }
        let mut out = [0; 32];
        for (i, o) in out.iter_mut().enumerate() {
            *o = digit(b[2 * i])? << 4 | digit(b[2 * i + 1])?;
        }
        Some(out)
    }
}

/// The longest prefix of `s` that is at most `max` bytes and ends at a character's end.
pub(crate) fn floor_boundary(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    (0..=max).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

const OPEN: &str = " … (cut: ";
const BYTES: &str = " bytes, sha256 ";

/// The cut form of the text whose first bytes are `kept` and whose whole is `cut`.
pub(crate) fn cut_form(kept: &str, cut: &Cut) -> String {
    format!("{kept}{OPEN}{}{BYTES}{})", cut.bytes, cut.sha256_hex())
}

/// `text` as a summary keeps it: itself when at most [`CUT_BYTES`] long, else its cut form.
pub fn cut_text(text: &str) -> Cow<'_, str> {
    if text.len() <= CUT_BYTES {
        return Cow::Borrowed(text);
    }
    let cut = Cut { bytes: text.len() as u64, sha256: Sha256::digest(text.as_bytes()).into() };
    Cow::Owned(cut_form(&text[..floor_boundary(text, CUT_BYTES)], &cut))
}

/// [`cut_text`] of an owned text, which it returns when it is short enough.
pub(crate) fn cut_string(text: String) -> String {
    match cut_text(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(c) => c,
    }
}

/// A text kept by a summary as its kept text and what was cut, if anything: the inverse of
/// [`cut_form`]. A text over the budget that is not a cut form (which a summary never holds) is
/// returned whole.
pub fn split_cut(text: &str) -> (&str, Option<Cut>) {
    if text.len() <= CUT_BYTES {
        return (text, None);
    }
    let parsed = (|| {
        let rest = text.strip_suffix(')')?;
        let (kept, rest) = rest.rsplit_once(OPEN)?;
        let (bytes, hex) = rest.split_once(BYTES)?;
        let bytes: u64 = bytes.parse().ok().filter(|_| bytes.bytes().all(|b| b.is_ascii_digit()))?;
        let sha256 = Cut::parse_sha256(hex)?;
        (kept.len() <= CUT_BYTES && bytes > kept.len() as u64).then_some((kept, Cut { bytes, sha256 }))
    })();
    match parsed {
        Some((kept, cut)) => (kept, Some(cut)),
        None => (text, None),
    }
}

/// The text a saved summary gives as `kept` and `cut`, as a summary keeps it; `Err` when they
/// cannot be one text cut at [`CUT_BYTES`]. A text over the budget with no `cut` (saved before
/// cuts, or by hand) is cut here, its length and hash those of the text that is there.
pub(crate) fn read_cut(kept: String, cut: Option<&CutJsonParts>) -> Result<String, String> {
    let Some(c) = cut else { return Ok(cut_string(kept)) };
    if kept.len() > CUT_BYTES {
        return Err(format!("a cut text keeps {} bytes, over the {CUT_BYTES} a cut keeps", kept.len()));
    }
    if c.bytes <= kept.len() as u64 {
        return Err(format!("a cut text of {} bytes keeps {} bytes of it: nothing was cut", c.bytes, kept.len()));
    }
    if kept.len() + 4 <= CUT_BYTES {
        // A cut keeps as many whole characters as fit: at most 3 bytes short of the budget.
        return Err(format!("a cut text keeps only {} bytes, where a cut keeps {CUT_BYTES}", kept.len()));
    }
    let sha256 = Cut::parse_sha256(&c.sha256)
        .ok_or_else(|| format!("a cut's sha256 {:?} is not 64 lowercase hex digits", c.sha256))?;
    Ok(cut_form(&kept, &Cut { bytes: c.bytes, sha256 }))
}

/// A `cut` object as read from a saved summary.
pub(crate) struct CutJsonParts {
    pub(crate) bytes: u64,
    pub(crate) sha256: String,
}

/// Builds a text's kept form from its pieces as they come, never holding more than
/// [`CUT_BYTES`] of it: the hash runs over every piece.
#[derive(Clone, Default)]
pub(crate) struct CutBuilder {
    kept: String,
    bytes: u64,
    hash: Sha256,
}

impl std::fmt::Debug for CutBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CutBuilder").field("kept", &self.kept).field("bytes", &self.bytes).finish()
    }
}

impl CutBuilder {
    /// Appends a piece of the text.
    pub(crate) fn push(&mut self, piece: &str) {
        if self.kept.len() as u64 == self.bytes && self.kept.len() < CUT_BYTES + 4 {
            // Keep a few bytes past the budget, so that `finish` can tell a text of exactly the
            // budget from a longer one and cut at a character's end.
            let room = floor_boundary(piece, CUT_BYTES + 4 - self.kept.len());
            self.kept.push_str(&piece[..room]);
        }
        self.bytes += piece.len() as u64;
        self.hash.update(piece.as_bytes());
    }

    /// Bytes pushed so far.
    #[cfg(test)]
    pub(crate) fn len(&self) -> u64 {
        self.bytes
    }

    /// The text as a summary keeps it: the same as [`cut_text`] of all the pieces joined.
    pub(crate) fn finish(self) -> String {
        if self.bytes <= CUT_BYTES as u64 {
            return self.kept;
        }
        let cut = Cut { bytes: self.bytes, sha256: self.hash.finalize().into() };
        cut_form(&self.kept[..floor_boundary(&self.kept, CUT_BYTES)], &cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_kept_whole() {
        let exact = "é".repeat(CUT_BYTES / 2);
        assert_eq!(cut_text(&exact), exact);
        assert_eq!(split_cut(&exact), (&exact[..], None));
    }

    #[test]
    fn a_long_text_keeps_its_first_whole_characters_its_length_and_hash() {
        // 4095 ASCII bytes then a 3-byte character: 4098 bytes, and the character does not fit.
        let text = format!("{}€tail", "x".repeat(CUT_BYTES - 1));
        let kept = cut_text(&text);
        let (head, cut) = split_cut(&kept);
        assert_eq!(head, "x".repeat(CUT_BYTES - 1));
        let cut = cut.unwrap();
        assert_eq!(cut.bytes, (CUT_BYTES - 1 + 3 + 4) as u64);
        assert_eq!(cut.sha256, <[u8; 32]>::from(Sha256::digest(text.as_bytes())));
    }

    #[test]
    fn the_hash_is_sha256_of_the_whole_text() {
        let text = "a".repeat(5000);
        let kept = cut_text(&text);
        let (head, cut) = split_cut(&kept);
        assert_eq!(head, &text[..CUT_BYTES]);
        // `printf 'a%.0s' $(seq 5000) | sha256sum`
        let cut = cut.unwrap();
        assert_eq!(cut.sha256_hex(), "c526c6222044dab5674de9c4ac7f4566ebb5e4d8bf9d8ea34c9cc8a7cc3c869c");
        assert_eq!(cut.bytes, 5000);
    }

    #[test]
    fn texts_that_differ_past_the_cut_stay_apart() {
        let a = format!("{}a", "n".repeat(CUT_BYTES));
        let b = format!("{}b", "n".repeat(CUT_BYTES));
        assert_ne!(cut_text(&a), cut_text(&b));
        assert_eq!(split_cut(&cut_text(&a)).0, split_cut(&cut_text(&b)).0);
    }

    #[test]
    fn the_builder_agrees_with_cutting_the_whole() {
        for len in [0, 1, CUT_BYTES - 1, CUT_BYTES, CUT_BYTES + 1, CUT_BYTES + 3, 3 * CUT_BYTES] {
            let text: String = "aé€😀"
                .chars()
                .cycle()
                .scan(0, |n, c| {
                    (*n < len).then(|| {
                        *n += c.len_utf8();
                        c
                    })
                })
                .collect();
            for piece in [1, 7, 4096, usize::MAX] {
                let mut b = CutBuilder::default();
                let mut rest = &text[..];
                while !rest.is_empty() {
                    let at = floor_boundary(rest, piece).max(rest.chars().next().map_or(0, char::len_utf8));
                    b.push(&rest[..at]);
                    rest = &rest[at..];
                }
                assert_eq!(b.len(), text.len() as u64);
                assert_eq!(b.finish(), cut_text(&text), "{len} bytes in pieces of {piece}");
            }
        }
    }

    #[test]
    fn what_is_not_a_cut_form_is_returned_whole() {
        let long = "z".repeat(CUT_BYTES + 10);
        assert_eq!(split_cut(&long), (&long[..], None));
        let bad_hash = format!("{}{OPEN}9999{BYTES}{})", "z".repeat(CUT_BYTES), "G".repeat(64));
        assert_eq!(split_cut(&bad_hash).1, None);
    }
}
