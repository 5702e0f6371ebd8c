//! The three markers a log is read by (docs/design.md §1.2): `Test: `, `Result: ` and
//! `Iteration ` by default, or a user's own, matched case-sensitively or, for ASCII letters, not.
//!
//! A [`Markers`] value holds the markers and their substring finders, built once: building a
//! finder costs more than a short search. It is cheap to clone (the finders are shared).

use std::fmt;
use std::sync::{Arc, LazyLock};

use memchr::memmem::Finder;

/// The default markers' texts.
pub const DEFAULT_TEST_MARKER: &str = "Test: ";
/// See [`DEFAULT_TEST_MARKER`].
pub const DEFAULT_RESULT_MARKER: &str = "Result: ";
/// See [`DEFAULT_TEST_MARKER`].
pub const DEFAULT_ITERATION_MARKER: &str = "Iteration ";

/// A marker may be at most this long, so that a line cut at the line limit still shows a marker
/// that straddles the cut.
pub const MAX_MARKER_LEN: usize = 256;

/// The markers of a log, and how they are matched.
#[derive(Clone)]
pub struct Markers(Arc<Compiled>);

struct Compiled {
    test: Box<str>,
    result: Box<str>,
    iteration: Box<str>,
    ignore_case: bool,
    /// These are the default markers, matched case-sensitively: the scan has code of its own
    /// for them, chosen once per block.
    default: bool,
    /// Finders over the markers as matched: ASCII-lowercased when the case is ignored.
    test_finder: Finder<'static>,
    result_finder: Finder<'static>,
    iteration_finder: Finder<'static>,
    /// The end that the test and result markers share, when it is long enough to be rare (the
    /// default `Test: ` and `Result: ` both end in `t: `): the scan's first stage probes for it,
    /// then a look back tells the two markers apart, for the cost of one probe.
    shared_end: Option<Box<[u8]>>,
}

static DEFAULT: LazyLock<Markers> = LazyLock::new(|| {
    Markers::new(DEFAULT_TEST_MARKER, DEFAULT_RESULT_MARKER, DEFAULT_ITERATION_MARKER, false)
        .expect("the default markers are valid")
});

impl Default for Markers {
    fn default() -> Markers {
        DEFAULT.clone()
    }
}

impl PartialEq for Markers {
    fn eq(&self, other: &Markers) -> bool {
        self.spec() == other.spec()
    }
}

impl Eq for Markers {}

impl fmt::Debug for Markers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Markers")
            .field("test", &self.test())
            .field("result", &self.result())
            .field("iteration", &self.iteration())
            .field("ignore_case", &self.ignore_case())
            .finish()
    }
}

impl Markers {
    /// Markers with these texts. Each must be non-empty, at most [`MAX_MARKER_LEN`] bytes, and
    /// hold no line break; the three must differ.
    pub fn new(test: &str, result: &str, iteration: &str, ignore_case: bool) -> Result<Markers, String> {
        for (what, m) in [("test", test), ("result", result), ("iteration", iteration)] {
            if m.is_empty() {
                return Err(format!("the {what} marker is empty"));
            }
            if m.len() > MAX_MARKER_LEN {
                return Err(format!("the {what} marker is longer than {MAX_MARKER_LEN} bytes"));
            }
            if m.contains(['\n', '\r']) {
                return Err(format!("the {what} marker holds a line break"));
            }
        }
        let folded = |m: &str| if ignore_case { m.to_ascii_lowercase() } else { m.to_owned() };
        let (t, r, i) = (folded(test), folded(result), folded(iteration));
        if t == r || t == i || r == i {
            return Err("the test, result and iteration markers must differ".to_owned());
        }
        let finder = |m: &str| Finder::new(m.as_bytes()).into_owned();
        Ok(Markers(Arc::new(Compiled {
            test: test.into(),
            result: result.into(),
            iteration: iteration.into(),
            ignore_case,
            default: !ignore_case
                && (test, result, iteration) == (DEFAULT_TEST_MARKER, DEFAULT_RESULT_MARKER, DEFAULT_ITERATION_MARKER),
            test_finder: finder(&t),
            result_finder: finder(&r),
            iteration_finder: finder(&i),
            shared_end: shared_end(t.as_bytes(), r.as_bytes()).map(Box::from),
        })))
    }

    /// The text that opens a test.
    pub fn test(&self) -> &str {
        &self.0.test
    }

    /// The text that closes a test with a result word.
    pub fn result(&self) -> &str {
        &self.0.result
    }

    /// The text that starts an iteration.
    pub fn iteration(&self) -> &str {
        &self.0.iteration
    }

    /// Whether ASCII letters match in either case.
    pub fn ignore_case(&self) -> bool {
        self.0.ignore_case
    }

    /// Whether these are the default markers, matched case-sensitively.
    pub fn is_default(&self) -> bool {
        self.0.default
    }

    /// The markers for people: `"Test: " / "Result: " / "Iteration "`, and whether the case is
    /// ignored.
    pub fn describe(&self) -> String {
        let case = if self.ignore_case() { ", any case" } else { "" };
        format!("{:?} / {:?} / {:?}{case}", self.test(), self.result(), self.iteration())
    }

    fn spec(&self) -> (&str, &str, &str, bool) {
        (self.test(), self.result(), self.iteration(), self.ignore_case())
    }

    pub(crate) fn test_finder(&self) -> &Finder<'static> {
        &self.0.test_finder
    }

    pub(crate) fn result_finder(&self) -> &Finder<'static> {
        &self.0.result_finder
    }

    pub(crate) fn iteration_finder(&self) -> &Finder<'static> {
        &self.0.iteration_finder
    }

    pub(crate) fn shared_end(&self) -> Option<&[u8]> {
        self.0.shared_end.as_deref()
    }

    /// The longest marker's length.
    pub(crate) fn longest(&self) -> usize {
        self.test().len().max(self.result().len()).max(self.iteration().len())
    }

    /// `hay` as the finders match it: ASCII-lowercased into `scratch` when the case is ignored.
    pub(crate) fn matchable<'a>(&self, hay: &'a [u8], scratch: &'a mut Vec<u8>) -> &'a [u8] {
        if !self.ignore_case() {
            return hay;
        }
        scratch.clear();
        scratch.extend(hay.iter().map(u8::to_ascii_lowercase));
        scratch
    }

    /// Whether any marker occurs in `hay`.
    pub(crate) fn any_in(&self, hay: &[u8]) -> bool {
        let mut scratch = Vec::new();
        let hay = self.matchable(hay, &mut scratch);
        self.iteration_finder().find(hay).is_some()
            || self.test_finder().find(hay).is_some()
            || self.result_finder().find(hay).is_some()
    }
}

/// The end that `a` and `b` share, if it is at least three bytes (rare enough in text) and
/// neither marker is the other's end (then one position could hold both).
fn shared_end<'a>(a: &'a [u8], b: &[u8]) -> Option<&'a [u8]> {
    let n = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    (n >= 3 && n < a.len() && n < b.len()).then(|| &a[a.len() - n..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_markers_share_their_end() {
        let m = Markers::default();
        assert!(m.is_default());
        assert_eq!(m.shared_end(), Some(&b"t: "[..]));
    }

    #[test]
    fn markers_that_are_ends_of_each_other_do_not_share() {
        assert_eq!(shared_end(b"Result: ", b"SubResult: "), None);
        assert_eq!(shared_end(b"TEST:", b"STATUS:"), None);
    }

    #[test]
    fn bad_markers_are_refused_with_a_reason() {
        assert!(Markers::new("", "R", "I", false).unwrap_err().contains("test marker is empty"));
        assert!(Markers::new("T\n", "R", "I", false).unwrap_err().contains("line break"));
        assert!(Markers::new("T", "t", "I", true).unwrap_err().contains("must differ"));
        assert!(Markers::new("T", "t", "I", false).is_ok());
    }
}
