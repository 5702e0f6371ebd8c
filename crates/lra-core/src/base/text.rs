//! Text helpers every layer shares: bytes taken from a log as text, decoding them, comparing
//! short names fast, and counting lines.

use std::borrow::Cow;

/// Text taken from a line, as bytes whose lossy UTF-8 decoding is the text. Borrowed bytes may
/// still need repair; owned bytes are already valid. Keeping bytes lets the hot path compare and
/// look up names and words without decoding them.
pub(crate) type Text<'a> = Cow<'a, [u8]>;

/// Decodes bytes, each invalid UTF-8 sequence becoming U+FFFD.
pub(crate) fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// `a == b`, for the short names and words compared once per run: a few fixed-size loads,
/// where `==` on slices calls `memcmp` (8% of a parse of the seed's logs).
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let u32_at = |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().expect("four bytes"));
    let u64_at = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("eight bytes"));
    match n {
        0 => true,
        // Overlapping loads cover every byte.
        1..4 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..8 => u32_at(a, 0) == u32_at(b, 0) && u32_at(a, n - 4) == u32_at(b, n - 4),
        8..=16 => u64_at(a, 0) == u64_at(b, 0) && u64_at(a, n - 8) == u64_at(b, n - 8),
        _ => a == b,
    }
}

/// Where `needle` first is in `hay`. Searches in markup mostly end within a few bytes (an
/// attribute's `=`, the `<` right after a `>`), where a plain loop beats the set-up cost of the
/// SIMD routine; past those bytes, the routine.
pub(crate) fn find_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    const NEAR: usize = 16;
    match hay[..hay.len().min(NEAR)].iter().position(|&b| b == needle) {
        Some(i) => Some(i),
        None if hay.len() > NEAR => memchr::memchr(needle, &hay[NEAR..]).map(|i| i + NEAR),
        None => None,
    }
}

/// The lines `bytes` ends: its `\n` bytes.
pub(crate) fn count_lines(bytes: &[u8]) -> u64 {
    // Gaps between marker lines are usually a few short lines, where a plain loop (which the
    // compiler vectorizes) beats the set-up cost of the SIMD routine.
    if bytes.len() < 128 {
        bytes.iter().filter(|&&b| b == b'\n').count() as u64
    } else {
        memchr::memchr_iter(b'\n', bytes).count() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_is_equality_at_every_length() {
        let a: Vec<u8> = (0..40).collect();
        for n in 0..=a.len() {
            let copy = a[..n].to_vec();
            assert!(same_bytes(&a[..n], &copy));
            for i in 0..n {
                let mut b = a[..n].to_vec();
                b[i] ^= 0x20;
                assert!(!same_bytes(&a[..n], &b), "a byte {i} of {n} differs");
            }
            assert!(n == 0 || !same_bytes(&a[..n], &a[..n - 1]));
        }
    }

    #[test]
    fn find_byte_finds_what_memchr_finds_near_and_far() {
        for len in 0..48 {
            for at in 0..=len {
                let mut hay = vec![b'a'; len];
                if at < len {
                    hay[at] = b'=';
                }
                // A second one after the first: the first is the one found.
                if at + 3 < len {
                    hay[at + 3] = b'=';
                }
                assert_eq!(find_byte(b'=', &hay), memchr::memchr(b'=', &hay), "{len} {at}");
            }
        }
    }
}
