//! The hash map used to intern names: FxHash, with its result mixed into all 64 bits; and an
//! index of names that are kept once, in the vector they index.
//!
//! On 32-bit targets (wasm32) FxHash yields a 32-bit value, so the top bits of the `u64` are
//! zero. hashbrown takes its 7-bit tag from those top bits, so every key would get the same tag
//! and a lookup would compare the keys of every slot it probes instead of about one. One
//! multiply-xorshift spreads the bits.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

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

fn hash(name: &str) -> u64 {
    BuildHasherDefault::<MixedFxHasher>::default().hash_one(name)
}

/// The positions of names in a vector that holds them (tests, iterations), by name. A map from
/// name to position would hold each name twice; this holds positions only, and asks the vector
/// (`names`) for the name at a position.
#[derive(Clone, Debug, Default)]
pub(crate) struct NameIndex(hashbrown::HashTable<u32>);

impl NameIndex {
    /// The position of `name`.
    pub(crate) fn get<'a>(&self, name: &str, names: impl Fn(u32) -> &'a str) -> Option<u32> {
        self.0.find(hash(name), |&i| names(i) == name).copied()
    }

    /// Records that `name`, not in the index yet, is at position `i`.
    pub(crate) fn insert<'a>(&mut self, name: &str, i: u32, names: impl Fn(u32) -> &'a str) {
        self.0.insert_unique(hash(name), i, |&j| hash(names(j)));
    }

    /// Makes room for `more` names.
    pub(crate) fn reserve<'a>(&mut self, more: usize, names: impl Fn(u32) -> &'a str) {
        self.0.reserve(more, |&j| hash(names(j)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_bits_vary_between_similar_names() {
        let build = BuildHasherDefault::<MixedFxHasher>::default();
        let tags: std::collections::HashSet<u64> =
            (0..1000).map(|i| build.hash_one(format!("Apples{i}")) >> 57).collect();
        assert!(tags.len() > 100, "only {} distinct 7-bit tags", tags.len());
    }
}
