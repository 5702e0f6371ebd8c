//! A test's result words, each with its count. Most tests give one word: it is kept inline, with
//! no allocation of its own, which a million tests that ran once would each pay.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::base::hash::WordTexts;
use crate::base::text::same_bytes;

/// Every uppercased result word of a test with its count, sorted by word. Each word's text is
/// shared by every test that gave it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultWords(Repr);

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
enum Repr {
    #[default]
    None,
    One([(Arc<str>, u64); 1]),
    /// Two or more.
    Many(Vec<(Arc<str>, u64)>),
}

impl ResultWords {
    /// The words and their counts, sorted by word.
    pub fn as_slice(&self) -> &[(Arc<str>, u64)] {
        match &self.0 {
            Repr::None => &[],
            Repr::One(one) => one,
            Repr::Many(many) => many,
        }
    }

    /// The words and their counts, sorted by word.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.as_slice().iter().map(|(w, n)| (&**w, *n))
    }

    /// No word yet.
    pub fn is_empty(&self) -> bool {
        matches!(self.0, Repr::None)
    }

    fn as_mut_slice(&mut self) -> &mut [(Arc<str>, u64)] {
        match &mut self.0 {
            Repr::None => &mut [],
            Repr::One(one) => one,
            Repr::Many(many) => many,
        }
    }

    /// Counts `n` runs with the word written as `raw` (bytes of an uppercased word; see
    /// `base::text::Text`), whose text is kept once in `texts`.
    pub(crate) fn add_raw(&mut self, raw: &[u8], n: u64, texts: &mut WordTexts) {
        // Most tests give one word: it is checked first.
        if let Repr::One([(only, count)]) = &mut self.0
            && same_bytes(only.as_bytes(), raw)
        {
            *count += n;
            return;
        }
        match self.as_slice().binary_search_by(|(w, _)| w.as_bytes().cmp(raw)) {
            Ok(i) => self.as_mut_slice()[i].1 += n,
            // Unequal bytes may still decode to an equal word: looked for again as text.
            Err(_) => self.add(texts.get(raw), n),
        }
    }

    /// Counts `n` runs with the word `word`.
    pub(crate) fn add(&mut self, word: Arc<str>, n: u64) {
        // Kept sorted by word, so that the order does not depend on which run came first.
        let at = match self.as_slice().binary_search_by(|(w, _)| (**w).cmp(&*word)) {
            Ok(i) => return self.as_mut_slice()[i].1 += n,
            Err(i) => i,
        };
        self.0 = match std::mem::take(&mut self.0) {
            Repr::None => Repr::One([(word, n)]),
            Repr::One([only]) => {
                let mut many = Vec::with_capacity(2);
                many.push(only);
                many.insert(at, (word, n));
                Repr::Many(many)
            }
            Repr::Many(mut many) => {
                many.insert(at, (word, n));
                Repr::Many(many)
            }
        };
    }

    /// Takes each word's text from `texts`, so that equal words share one.
    pub(crate) fn share(&mut self, texts: &mut WordTexts) {
        for (word, _) in self.as_mut_slice() {
            *word = texts.get(word.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stay_sorted_and_counted_as_they_grow_past_one() {
        let mut texts = WordTexts::default();
        let mut words = ResultWords::default();
        assert!(words.is_empty());
        for (word, n) in [("PASS", 2), ("FAIL", 1), ("PASS", 3), ("OK", 1), ("FAIL", 1)] {
            words.add_raw(word.as_bytes(), n, &mut texts);
        }
        assert_eq!(words.iter().collect::<Vec<_>>(), [("FAIL", 2), ("OK", 1), ("PASS", 5)]);
        let mut one = ResultWords::default();
        one.add_raw(b"PASS", 1, &mut texts);
        one.add_raw(b"PASS", 1, &mut texts);
        assert_eq!(one.iter().collect::<Vec<_>>(), [("PASS", 2)]);
        assert!(matches!(one.0, Repr::One(_)), "one word takes no allocation");
    }
}
