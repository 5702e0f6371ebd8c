//! The hash map used to intern names: FxHash, with its result mixed into all 64 bits; and an
//! index of names that are kept once, in the vector they index.
//!
//! On 32-bit targets (wasm32) FxHash yields a 32-bit value, so the top bits of the `u64` are
//! zero. hashbrown takes its 7-bit tag from those top bits, so every key would get the same tag
//! and a lookup would compare the keys of every slot it probes instead of about one. One
//! multiply-xorshift spreads the bits.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::Arc;

use rustc_hash::FxHasher;

use crate::base::text::lossy;

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
        mix(self.0.finish())
    }
}

/// Spreads a hash's bits over all 64: one multiply (which carries the low bits up) and a
/// xorshift (which brings the high bits back down for the bucket index).
fn mix(h: u64) -> u64 {
    let h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 29)
}

fn hash(name: &str) -> u64 {
    BuildHasherDefault::<MixedFxHasher>::default().hash_one(name)
}

/// A name's hash as the index keeps it: 32 bits, enough to tell most names apart without
/// reading them.
fn short_hash(name: &str) -> u32 {
    let h = hash(name);
    (h ^ (h >> 32)) as u32
}

/// The table's hash of a kept 32-bit hash, mixed again so that hashbrown's tag (the top 7 bits)
/// and bucket (the low bits) both vary.
fn table_hash(short: u32) -> u64 {
    mix(u64::from(short))
}

/// The positions of names in a vector that holds them (tests, iterations), by name. A map from
/// name to position would hold each name twice; this holds positions only, and asks the vector
/// (`names`) for the name at a position. Each position keeps its name's hash beside it, so that
/// growing the table never reads a name (with a million tests, reading them all again at each
/// growth was a quarter of the parse, in cache misses), and a lookup reads only names whose hash
/// is equal.
#[derive(Clone, Debug, Default)]
pub(crate) struct NameIndex(hashbrown::HashTable<(u32, u32)>);

impl NameIndex {
    /// The position of `name`, or `Err(next)` once `name` is recorded at position `next`
    /// (where the caller then puts it). The name is hashed once for both.
    pub(crate) fn get_or_insert<'a>(
        &mut self,
        name: &str,
        next: u32,
        names: impl Fn(u32) -> &'a str,
    ) -> Result<u32, u32> {
        let short = short_hash(name);
        let entry = self.0.entry(table_hash(short), |&(i, h)| h == short && names(i) == name, |&(_, h)| table_hash(h));
        match entry {
            hashbrown::hash_table::Entry::Occupied(e) => Ok(e.get().0),
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert((next, short));
                Err(next)
            }
        }
    }

    /// Makes room for `more` names.
    pub(crate) fn reserve(&mut self, more: usize) {
        self.0.reserve(more, |&(_, h)| table_hash(h));
    }
}

/// The texts of result words, each kept once: a million tests that passed share one `PASS`.
#[derive(Clone, Debug, Default)]
pub(crate) struct WordTexts(FastMap<Box<[u8]>, Arc<str>>);

impl WordTexts {
    /// The text of the word written as `raw` (see `base::text::Text`).
    pub(crate) fn get(&mut self, raw: &[u8]) -> Arc<str> {
        if let Some(w) = self.0.get(raw) {
            return Arc::clone(w);
        }
        let text: Arc<str> = lossy(raw).into();
        self.0.insert(raw.into(), Arc::clone(&text));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// hashbrown's tag: the top 7 bits.
    fn tag(h: u64) -> u64 {
        h >> 57
    }

    /// What FxHash gives on wasm32: only the low 32 bits set. The test runs on 64-bit hosts too,
    /// where FxHash itself fills the top bits, so it gives the mix such values directly.
    #[test]
    fn hashes_of_32_bits_get_varied_tags() {
        let fx = |i: u32| {
            let mut h = FxHasher::default();
            h.write(format!("Apples{i}").as_bytes());
            h.finish() & u64::from(u32::MAX)
        };
        let raw: std::collections::HashSet<u64> = (0..1000).map(|i| tag(fx(i))).collect();
        assert_eq!(raw.len(), 1, "32-bit hashes all have the tag 0 before the mix");
        let mixed: std::collections::HashSet<u64> = (0..1000).map(|i| tag(mix(fx(i)))).collect();
        assert!(mixed.len() > 100, "only {} distinct 7-bit tags", mixed.len());
        // Small integers too (the index's kept 32-bit hashes are mixed by `table_hash`).
        let small: std::collections::HashSet<u64> = (0..1000u32).map(|i| tag(table_hash(i))).collect();
        assert!(small.len() > 100, "only {} distinct tags for small hashes", small.len());
    }

    #[test]
    fn the_top_bits_vary_between_similar_names() {
        let build = BuildHasherDefault::<MixedFxHasher>::default();
        let tags: std::collections::HashSet<u64> =
            (0..1000).map(|i| build.hash_one(format!("Apples{i}")) >> 57).collect();
        assert!(tags.len() > 100, "only {} distinct 7-bit tags", tags.len());
    }
}
