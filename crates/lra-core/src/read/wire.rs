//! The exact encoding of a segment's partial result, so that the parts of one file can be parsed
//! in workers that share no memory (the browser's pool of parsers) and appended in order where
//! the file's summary is kept. Both sides are the same build: this is not a stable format, and
//! saved summaries are `lra-summary/1` JSON, never this.

use crate::read::parser::Segment;

impl Segment {
    /// The segment as bytes, for [`Segment::from_bytes`].
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a segment is plain data")
    }

    /// The segment [`Segment::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<Segment, String> {
        let mut segment: Segment = serde_json::from_slice(bytes).map_err(|e| format!("not a segment: {e}"))?;
        segment.partial.tables.reindex();
        Ok(segment)
    }
}

#[cfg(test)]
mod tests {
    use crate::{FileParser, Options, Segment};

    #[test]
    fn a_segment_read_back_finds_its_own_tests_and_iterations_again() {
        let mut p = FileParser::for_segment(Options::default());
        p.feed(b"Iteration 7\nTest: a\nResult: FAIL boom 1\nTest: b\nResult: PASS\n");
        let mut back = Segment::from_bytes(&p.into_segment().to_bytes()).unwrap();
        let tables = &mut back.partial.tables;
        assert_eq!((tables.test("b"), tables.test("a"), tables.iteration("7")), (1, 0, 0));
        assert_eq!((tables.tests.len(), tables.iterations.len()), (2, 1));
        // The two tests' words are one text.
        let words: Vec<_> = tables.tests.iter().map(|t| t.results.as_slice()[0].0.clone()).collect();
        assert_eq!(&*words[0], "FAIL");
        let line = crate::LineStart { line: 9, offset: 80 };
        let run = crate::FailedRun { file: 0, opened: 70, closed: 80 };
        let result = crate::model::tables::RunResult {
            word: b"FAIL",
            class: crate::Class::Failed,
            detail: b"boom 2",
            duration: Some(1_500),
        };
        tables.record(1, None, result, Some(run), crate::Location::at(0, line));
        assert_eq!(tables.failure_groups.len(), 1, "the reason's group is found again");
    }
}
