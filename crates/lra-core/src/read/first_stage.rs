//! The first stage of the markers' scan: each 64 bytes are classified once, with SIMD compares,
//! into bitmasks of their newlines and of the positions where a marker may start (the way
//! simdjson's first stage and SIMD CSV readers work). The scan then walks the set bits in order:
//! a newline bit ends a line (line numbers are counted by popcount, so every line's number is
//! known for free), a candidate bit is confirmed against the marker's whole text, and only a line
//! holding a confirmed marker is read. No search restarts per hit, and no byte is read twice.
//!
//! `std::simd` compiles to 16-byte SSE2 compares and `pmovmskb` on x86-64 and to `i8x16.eq` and
//! `i8x16.bitmask` on wasm32 with simd128 (the engine's build), from the same safe code.

use std::simd::cmp::SimdPartialEq;
use std::simd::{Mask, Simd};

/// Bytes classified at a time: one bit each in a `u64`.
pub(crate) const LANES: usize = 64;

/// The first stage's implementation, as the engine reports it: which vector instructions the
/// compares compile to in this build (16-byte ones, whatever wider registers the target has).
pub const FIRST_STAGE: &str = if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
    "std::simd, 64-byte bitmasks, wasm32 simd128"
} else if cfg!(all(target_arch = "x86_64", target_feature = "sse2")) {
    "std::simd, 64-byte bitmasks, x86-64 SSE2"
} else if cfg!(target_arch = "aarch64") {
    "std::simd, 64-byte bitmasks, aarch64 NEON"
} else {
    "std::simd, 64-byte bitmasks, scalar fallback"
};

/// The first (up to) three bytes of a text a candidate position must start with: a marker's
/// start, or, for markers that share an end, that end's. Rare in text once three bytes long.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Probe {
    bytes: [u8; 3],
    len: usize,
}

impl Probe {
    /// The probe for a text (not empty); longer texts are probed by their first three bytes.
    pub(crate) fn new(text: &[u8]) -> Probe {
        let len = text.len().min(3);
        let mut bytes = [0; 3];
        bytes[..len].copy_from_slice(&text[..len]);
        Probe { bytes, len }
    }
}

/// What 64 bytes hold: bit `i` stands for the byte `i` places after the chunk's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Chunk {
    pub(crate) newlines: u64,
    /// Where any probe's bytes start: which one is for the confirmation to tell, from the bytes
    /// (one mask instead of one per probe saves a move-mask per probe per 16 bytes).
    pub(crate) candidates: u64,
}

/// Classifies `hay[at..at + 64]`. The probes look up to two bytes further: `hay` must hold
/// `at + 66` bytes (see [`Classifier`] for the last ones).
#[inline(always)]
fn classify<const N: usize>(hay: &[u8], at: usize, probes: &[Probe; N]) -> Chunk {
    let mut chunk = Chunk { newlines: 0, candidates: 0 };
    // Sixteen bytes at a time, the width of an SSE2 or simd128 register: a 64-lane mask's
    // `to_bitmask` does not lower to `pmovmskb` without AVX-512.
    for quarter in 0..LANES / WIDTH {
        let shift = quarter * WIDTH;
        let (newlines, candidates) = classify16(hay, at + shift, probes);
        chunk.newlines |= u64::from(newlines) << shift;
        chunk.candidates |= u64::from(candidates) << shift;
    }
    chunk
}

/// The bytes one vector holds.
const WIDTH: usize = 16;

/// [`classify`] for the 16 bytes at `at`: their newlines and candidates.
#[inline(always)]
fn classify16<const N: usize>(hay: &[u8], at: usize, probes: &[Probe; N]) -> (u16, u16) {
    type V = Simd<u8, WIDTH>;
    let load = |from: usize| V::from_slice(&hay[from..from + WIDTH]);
    let (b0, b1, b2) = (load(at), load(at + 1), load(at + 2));
    let newlines = b0.simd_eq(V::splat(b'\n')).to_bitmask() as u16;
    let mut candidates = Mask::splat(false);
    for p in probes {
        let mut m = b0.simd_eq(V::splat(p.bytes[0]));
        if p.len > 1 {
            m &= b1.simd_eq(V::splat(p.bytes[1]));
        }
        if p.len > 2 {
            m &= b2.simd_eq(V::splat(p.bytes[2]));
        }
        candidates |= m;
    }
    (newlines, candidates.to_bitmask() as u16)
}

/// Classifies a slice's bytes, 64 at a time, in order.
pub(crate) struct Classifier<'h, const N: usize> {
    hay: &'h [u8],
    probes: [Probe; N],
    at: usize,
    /// The last bytes, copied and padded with zeros so that the probes' look-ahead stays in
    /// bounds.
    tail: [u8; 2 * LANES + 2],
}

impl<'h, const N: usize> Classifier<'h, N> {
    pub(crate) fn new(hay: &'h [u8], probes: [Probe; N]) -> Classifier<'h, N> {
        Classifier { hay, probes, at: 0, tail: [0; 2 * LANES + 2] }
    }
}

impl<const N: usize> Iterator for Classifier<'_, N> {
    /// A chunk's start in the slice, and what it holds. Bits past the slice's end are clear. A
    /// candidate near the end may have been matched against the padding: it is only a candidate,
    /// and the confirmation reads the slice itself.
    type Item = (usize, Chunk);

    #[inline(always)]
    fn next(&mut self) -> Option<(usize, Chunk)> {
        let (at, len) = (self.at, self.hay.len());
        if at >= len {
            return None;
        }
        self.at += LANES;
        if at + LANES + 2 <= len {
            return Some((at, classify(self.hay, at, &self.probes)));
        }
        let rest = &self.hay[at..];
        self.tail[..rest.len()].copy_from_slice(rest);
        self.tail[rest.len()..].fill(0);
        let mut chunk = classify(&self.tail, 0, &self.probes);
        if rest.len() < LANES {
            let valid = (1u64 << rest.len()) - 1;
            chunk.newlines &= valid;
            chunk.candidates &= valid;
        }
        Some((at, chunk))
    }
}

/// The positions of the newlines in a slice, in order, from the first stage's masks: the line
/// splitter of the formats whose every line is read, where a `memchr` per line of a few dozen
/// bytes costs a call and a set-up for each.
pub(crate) struct Newlines<'h> {
    chunks: Classifier<'h, 0>,
    at: usize,
    mask: u64,
}

impl<'h> Newlines<'h> {
    pub(crate) fn new(hay: &'h [u8]) -> Newlines<'h> {
        Newlines { chunks: Classifier::new(hay, []), at: 0, mask: 0 }
    }
}

impl Iterator for Newlines<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            let (at, chunk) = self.chunks.next()?;
            (self.at, self.mask) = (at, chunk.newlines);
        }
        let found = self.at + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(found)
    }
}

/// A simple reading of the same masks, byte by byte, that the vector code is checked against.
fn classify_bytewise<const N: usize>(hay: &[u8], at: usize, probes: &[Probe; N]) -> Chunk {
    let mut chunk = Chunk { newlines: 0, candidates: 0 };
    for i in 0..LANES.min(hay.len().saturating_sub(at)) {
        let p = at + i;
        if hay[p] == b'\n' {
            chunk.newlines |= 1 << i;
        }
        if probes.iter().any(|probe| hay[p..].starts_with(&probe.bytes[..probe.len])) {
            chunk.candidates |= 1 << i;
        }
    }
    chunk
}

/// Checks the classifier against [`classify_bytewise`] on `hay` cut to every length, with the
/// default markers' probes (`t: `, `Ite`) and `probe`: the unit tests run it natively and the
/// engine's tests in the browser, on the code the engine ships.
pub(crate) fn check_against_bytewise(hay: &[u8], probe: &[u8]) -> Result<(), String> {
    let probes = [Probe::new(b"t: "), Probe::new(b"Iteration "), Probe::new(probe)];
    for len in 0..=hay.len() {
        let hay = &hay[..len];
        let fast: Vec<_> = Classifier::new(hay, probes).collect();
        let slow: Vec<_> = (0..len).step_by(LANES).map(|at| (at, classify_bytewise(hay, at, &probes))).collect();
        if fast != slow {
            return Err(format!("the first stage misreads {} bytes: {fast:?}, byte by byte {slow:?}", hay.len()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_agree_with_a_bytewise_reading_at_every_length_and_offset() {
        let line = b"Iteration 7\nTest: a\r\nResult: PASS\nIt: t:  Test: x Result: y\n\nt:";
        for shift in 0..70 {
            let mut hay = vec![b'x'; shift];
            for _ in 0..4 {
                hay.extend_from_slice(line);
            }
            check_against_bytewise(&hay, b"Res").unwrap();
        }
    }

    #[test]
    fn newlines_are_memchrs_at_every_length_and_offset() {
        let text = b"a\nbc\n\n\r\nlonger line of text that crosses a 64-byte edge, or two\n\nx".repeat(5);
        for start in 0..70 {
            for end in start..text.len() {
                let hay = &text[start..end];
                let fast: Vec<usize> = Newlines::new(hay).collect();
                assert_eq!(fast, memchr::memchr_iter(b'\n', hay).collect::<Vec<_>>(), "{start}..{end}");
            }
        }
    }

    #[test]
    fn short_probes_match_fewer_bytes() {
        let hay = b"ab\nabc\na\n".repeat(20);
        for text in [&b"a"[..], b"ab", b"abc", b"\n"] {
            check_against_bytewise(&hay, text).unwrap();
        }
    }

    #[test]
    fn a_probe_never_matches_past_the_end() {
        // The padding is zeros: a probe of zeros must still not match a byte past the end.
        let hay = b"\0\0\0\0";
        let chunks: Vec<_> = Classifier::new(hay, [Probe::new(b"\0")]).collect();
        assert_eq!(chunks, vec![(0, Chunk { newlines: 0, candidates: 0b1111 })]);
        check_against_bytewise(hay, b"\0").unwrap();
    }
}
