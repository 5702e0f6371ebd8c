//! The hash map used to intern names: FxHash, with its result mixed into all 64 bits.
//!
//! On 32-bit targets (wasm32) FxHash yields a 32-bit value, so the top bits of the `u64` are
//! zero. hashbrown takes its 7-bit tag from those top bits, so every key would get the same tag
//! and a lookup would compare the keys of every slot it probes instead of about one. One
//! multiply-xorshift spreads the bits.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rustc_hash::FxHasher;

/// A `HashMap` with [`MixedFxHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<MixedFxHasher>>;

/// FxHash with a final mix, so that the high bits vary on every target.
#[derive(Default)]
pub(crate) struct MixedFxHasher(FxHasher);

impl Hasher for MixedFxHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }

    fn write_u8(&mut self, i: u8) {
        self.0.write_u8(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.0.write_usize(i);
    }

    fn finish(&self) -> u64 {
        let h = self.0.finish().wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 29)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn the_top_bits_vary_between_similar_names() {
        let build = BuildHasherDefault::<MixedFxHasher>::default();
        let tags: std::collections::HashSet<u64> =
            (0..1000).map(|i| build.hash_one(format!("Apples{i}")) >> 57).collect();
        assert!(tags.len() > 100, "only {} distinct 7-bit tags", tags.len());
    }
}
