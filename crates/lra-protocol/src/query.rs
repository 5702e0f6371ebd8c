//! Typed requests: each request that has one reply shape is a type whose [`Query::Answer`] is
//! what its reply says, so that the page asks and gets a typed answer, never matching a
//! [`Reply`]'s variants itself. The wire is untouched: a query becomes the [`Request`] the worker
//! has always read ([`Query::request`]), and its answer is taken out of the [`Reply`] the worker
//! has always sent ([`Query::answer`]). Batches ([`Request::Analyze`]: progress, then the end)
//! are not queries.

use std::fmt;

use crate::{
    ChartSet, Comparison, Export, FailureList, FilesPage, FilesQuery, FlakyList, HeatmapSet, HistoryQuery,
    HistoryWindow, LinesQuery, Overview, Place, Reply, Request, RunAt, SlowestList, SuiteLevel, TestDetail, TestsPage,
    TestsQuery, ViewerLines,
};

/// A request with one reply shape.
pub trait Query {
    /// What its reply says.
    type Answer;
    /// As the worker is asked it.
    fn request(self) -> Request;
    /// The answer a reply carries, or why it carries none.
    fn answer(reply: Reply) -> Result<Self::Answer, NoAnswer>;
}

/// Why a reply carries no answer.
#[derive(Debug)]
pub enum NoAnswer {
    /// The worker could not answer ([`Reply::Failed`]), for this reason.
    Failed(String),
    /// The worker answered with another request's shape: the two sides disagree.
    Unexpected(Box<Reply>),
}

impl NoAnswer {
    /// The reply that is not the answer: why the worker failed, or the reply of another shape.
    fn of(reply: Reply) -> NoAnswer {
        match reply {
            Reply::Failed { message } => NoAnswer::Failed(message),
            other => NoAnswer::Unexpected(Box::new(other)),
        }
    }
}

impl fmt::Display for NoAnswer {
    /// The worker's reason, or what it answered instead.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoAnswer::Failed(message) => f.write_str(message),
            NoAnswer::Unexpected(reply) => write!(f, "the engine answered {reply:?}"),
        }
    }
}

/// The header's figures and the anomalies ([`Request::Overview`]).
#[derive(Clone, Debug, PartialEq)]
pub struct OverviewQuery;

/// The index of the file of this name ([`Request::FileNamed`]).
#[derive(Clone, Debug, PartialEq)]
pub struct FileNamedQuery {
    pub name: String,
}

/// One test, in full ([`Request::Test`]).
#[derive(Clone, Debug, PartialEq)]
pub struct TestQuery {
    pub name: String,
}

/// The flaky tests ([`Request::Flaky`]).
#[derive(Clone, Debug, PartialEq)]
pub struct FlakyQuery;

/// The tests with a timed run ([`Request::Slowest`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SlowestQuery;

/// Failed runs grouped by reason ([`Request::Failures`]).
#[derive(Clone, Debug, PartialEq)]
pub struct FailuresQuery;

/// The charts' options and tables ([`Request::Charts`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ChartsQuery;

/// The heatmap ([`Request::Heatmap`]).
#[derive(Clone, Debug, PartialEq)]
pub struct HeatmapQuery;

/// The suites inside the suite at `path` ([`Request::Suites`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SuitesQuery {
    pub path: Vec<String>,
}

/// The comparison with the baseline ([`Request::Compare`]).
#[derive(Clone, Debug, PartialEq)]
pub struct CompareQuery;

/// `text` in `file` after or before byte `from` ([`Request::Search`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SearchQuery {
    pub file: u32,
    pub from: u64,
    pub text: String,
    pub forward: bool,
}

/// The nearest kept failed run after or before `place` ([`Request::NextFailure`]).
#[derive(Clone, Debug, PartialEq)]
pub struct NextFailureQuery {
    pub place: Place,
    pub forward: bool,
}

/// `test`'s first failed run in `file` after `after`, read again ([`Request::NextRun`]).
#[derive(Clone, Debug, PartialEq)]
pub struct NextRunQuery {
    pub test: String,
    pub file: u32,
    pub after: u64,
}

/// Forgets the summary ([`Request::Clear`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Clear;

/// Makes the summary the baseline and empties the page ([`Request::SummaryAsBaseline`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryAsBaseline;

/// Makes the saved summary sent beside it the baseline ([`Request::Baseline`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Baseline {
    pub name: String,
}

/// A generated log ([`Request::Sample`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub iterations: u32,
    pub tests: u32,
    pub seed: u32,
}

/// The answer to a [`LinesQuery`]: the lines, or how far the decoding of a compressed file
/// got on its way to them (ask again to go on).
#[derive(Debug, PartialEq)]
pub enum LinesAnswer {
    Lines(Box<ViewerLines>),
    Decoding { file: u32, done: u64, size: u64 },
}

/// The answer to a [`SearchQuery`]: the start of the hit's line, or `None` with where the
/// search stopped (`next`) or that the file ended (`done`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub offset: Option<u64>,
    pub next: u64,
    pub done: bool,
}

/// The answer to a [`NextRunQuery`]: the run, or `None` with where the rescan stopped (`next`)
/// or that the file ended (`done`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunFound {
    pub run: Option<RunAt>,
    pub next: u64,
    pub done: bool,
}

/// The answer to an [`Export`] or a [`Sample`]: the name and type of the file sent beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MadeFile {
    pub name: String,
    pub mime: String,
}

/// Implements [`Query`] for each request type: the request it is, and the reply's shape that
/// carries its answer.
macro_rules! queries {
    ($($query:ty: |$q:pat_param| $request:expr => $answer:ty { $reply:pat => $value:expr })*) => {$(
        impl Query for $query {
            type Answer = $answer;

            fn request(self) -> Request {
                let $q = self;
                $request
            }

            fn answer(reply: Reply) -> Result<$answer, NoAnswer> {
                match reply {
                    $reply => Ok($value),
                    other => Err(NoAnswer::of(other)),
                }
            }
        }
    )*};
}

queries! {
    OverviewQuery: |_| Request::Overview => Option<Overview> { Reply::Overview(o) => o }
    FilesQuery: |q| Request::Files(q) => FilesPage { Reply::Files(page) => page }
    FileNamedQuery: |FileNamedQuery { name }| Request::FileNamed { name } => Option<u32> { Reply::FileNamed(k) => k }
    TestsQuery: |q| Request::Tests(q) => TestsPage { Reply::Tests(page) => page }
    HistoryQuery: |q| Request::History(q) => HistoryWindow { Reply::History(window) => window }
    TestQuery: |TestQuery { name }| Request::Test { name } => Option<TestDetail> { Reply::Test(t) => t }
    FlakyQuery: |_| Request::Flaky => FlakyList { Reply::Flaky(list) => list }
    SlowestQuery: |_| Request::Slowest => SlowestList { Reply::Slowest(list) => list }
    FailuresQuery: |_| Request::Failures => FailureList { Reply::Failures(list) => list }
    ChartsQuery: |_| Request::Charts => Option<Box<ChartSet>> { Reply::Charts(c) => c }
    HeatmapQuery: |_| Request::Heatmap => Option<Box<HeatmapSet>> { Reply::Heatmap(h) => h }
    SuitesQuery: |SuitesQuery { path }| Request::Suites { path } => SuiteLevel { Reply::Suites(level) => level }
    CompareQuery: |_| Request::Compare => Comparison { Reply::Compare(c) => c }
    SearchQuery: |SearchQuery { file, from, text, forward }| Request::Search { file, from, text, forward }
        => Found { Reply::Found { offset, next, done } => Found { offset, next, done } }
    NextFailureQuery: |NextFailureQuery { place, forward }| Request::NextFailure { place, forward }
        => Option<(String, RunAt)> { Reply::NextFailure(found) => found }
    NextRunQuery: |NextRunQuery { test, file, after }| Request::NextRun { test, file, after }
        => RunFound { Reply::NextRun { run, next, done } => RunFound { run, next, done } }
    Clear: |_| Request::Clear => () { Reply::Done => () }
    SummaryAsBaseline: |_| Request::SummaryAsBaseline => () { Reply::Done => () }
    Baseline: |Baseline { name }| Request::Baseline { name } => () { Reply::Done => () }
    Export: |export| Request::Export(export) => MadeFile { Reply::File { name, mime } => MadeFile { name, mime } }
    Sample: |Sample { iterations, tests, seed }| Request::Sample { iterations, tests, seed }
        => MadeFile { Reply::File { name, mime } => MadeFile { name, mime } }
}

/// Two shapes answer the lines: the lines, or how far decoding got.
impl Query for LinesQuery {
    type Answer = LinesAnswer;

    fn request(self) -> Request {
        Request::Lines(self)
    }

    fn answer(reply: Reply) -> Result<LinesAnswer, NoAnswer> {
        match reply {
            Reply::Lines(lines) => Ok(LinesAnswer::Lines(lines)),
            Reply::Decoding { file, done, size } => Ok(LinesAnswer::Decoding { file, done, size }),
            other => Err(NoAnswer::of(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Column, LinesWindow};

    /// A query's request as the worker reads it, and the answer of the reply as the worker
    /// writes it, both through the wire's JSON text.
    fn round_trip<Q: Query>(query: Q, reply: &Reply) -> (String, Result<Q::Answer, NoAnswer>) {
        let request = query.request().to_text();
        (request, Q::answer(Reply::from_text(&reply.to_text()).expect("a reply reads back")))
    }

    #[test]
    fn each_query_is_the_request_the_worker_reads() {
        // The texts the worker has always been sent: the wire did not change.
        let place = Place { file: 1, line: Some(7), offset: None };
        let cases: Vec<(Request, &str)> = vec![
            (OverviewQuery.request(), r#"{"type":"overview"}"#),
            (FilesQuery { first: 50, count: 50 }.request(), r#"{"type":"files","body":{"first":50,"count":50}}"#),
            (FileNamedQuery { name: "a.log".into() }.request(), r#"{"type":"file-named","body":{"name":"a.log"}}"#),
            (TestQuery { name: "a b".into() }.request(), r#"{"type":"test","body":{"name":"a b"}}"#),
            (FlakyQuery.request(), r#"{"type":"flaky"}"#),
            (SlowestQuery.request(), r#"{"type":"slowest"}"#),
            (FailuresQuery.request(), r#"{"type":"failures"}"#),
            (ChartsQuery.request(), r#"{"type":"charts"}"#),
            (HeatmapQuery.request(), r#"{"type":"heatmap"}"#),
            (SuitesQuery { path: vec!["x".into()] }.request(), r#"{"type":"suites","body":{"path":["x"]}}"#),
            (CompareQuery.request(), r#"{"type":"compare"}"#),
            (
                SearchQuery { file: 2, from: 10, text: "boom".into(), forward: false }.request(),
                r#"{"type":"search","body":{"file":2,"from":10,"text":"boom","forward":false}}"#,
            ),
            (
                NextFailureQuery { place: place.clone(), forward: true }.request(),
                r#"{"type":"next-failure","body":{"place":{"file":1,"line":7,"offset":null},"forward":true}}"#,
            ),
            (
                NextRunQuery { test: "t".into(), file: 0, after: 99 }.request(),
                r#"{"type":"next-run","body":{"test":"t","file":0,"after":99}}"#,
            ),
            (Clear.request(), r#"{"type":"clear"}"#),
            (SummaryAsBaseline.request(), r#"{"type":"summary-as-baseline"}"#),
            (Baseline { name: "old.json".into() }.request(), r#"{"type":"baseline","body":{"name":"old.json"}}"#),
            (Export::Csv.request(), r#"{"type":"export","body":{"kind":"csv"}}"#),
            (
                Sample { iterations: 12, tests: 40, seed: 1 }.request(),
                r#"{"type":"sample","body":{"iterations":12,"tests":40,"seed":1}}"#,
            ),
        ];
        for (request, text) in cases {
            assert_eq!(request.to_text(), text);
            assert_eq!(Request::from_text(text), Ok(request));
        }
        let tests = TestsQuery { filter: "f".into(), sort: Column::Failed, descending: true, page: 0, page_size: 100 };
        assert_eq!(tests.clone().request(), Request::Tests(tests));
        let lines = LinesQuery { at: place, before: 1, after: 2, test: None };
        assert_eq!(lines.clone().request(), Request::Lines(lines));
    }

    #[test]
    fn each_answer_is_taken_out_of_its_reply() {
        let (_, flaky) = round_trip(FlakyQuery, &Reply::Flaky(FlakyList::default()));
        assert_eq!(flaky.unwrap(), FlakyList::default());
        let (_, named) = round_trip(FileNamedQuery { name: "a.log".into() }, &Reply::FileNamed(Some(3)));
        assert_eq!(named.unwrap(), Some(3));
        let (_, test) = round_trip(TestQuery { name: "t".into() }, &Reply::Test(None));
        assert_eq!(test.unwrap(), None);
        let (_, found) = round_trip(
            SearchQuery { file: 0, from: 0, text: "x".into(), forward: true },
            &Reply::Found { offset: None, next: 64, done: false },
        );
        assert_eq!(found.unwrap(), Found { offset: None, next: 64, done: false });
        let run = RunAt { file: 0, opened: 3, closed: 9 };
        let (_, rescan) = round_trip(
            NextRunQuery { test: "t".into(), file: 0, after: 0 },
            &Reply::NextRun { run: Some(run.clone()), next: 9, done: true },
        );
        assert_eq!(rescan.unwrap(), RunFound { run: Some(run), next: 9, done: true });
        let (_, file) = round_trip(Export::Csv, &Reply::File { name: "a.csv".into(), mime: "text/csv".into() });
        assert_eq!(file.unwrap(), MadeFile { name: "a.csv".into(), mime: "text/csv".into() });
        let (_, done) = round_trip(Clear, &Reply::Done);
        assert!(done.is_ok());
        let query = LinesQuery { at: Place { file: 0, line: Some(1), offset: None }, before: 0, after: 0, test: None };
        let (_, decoding) = round_trip(query.clone(), &Reply::Decoding { file: 0, done: 5, size: 10 });
        assert_eq!(decoding.unwrap(), LinesAnswer::Decoding { file: 0, done: 5, size: 10 });
        let window = LinesWindow { first_line: 1, lines: Vec::new(), anchor: 0, at_start: true, at_end: true };
        let shown =
            ViewerLines { file: 0, name: "a".into(), window, test: None, runs: Vec::new(), seen: 0, decoded: false };
        let (_, lines) = round_trip(query, &Reply::Lines(Box::new(shown.clone())));
        assert_eq!(lines.unwrap(), LinesAnswer::Lines(Box::new(shown)));
    }

    #[test]
    fn a_failure_or_another_shape_is_no_answer() {
        let (_, failed) = round_trip(FlakyQuery, &Reply::Failed { message: "no summary".into() });
        let failed = failed.unwrap_err();
        assert!(matches!(&failed, NoAnswer::Failed(m) if m == "no summary"));
        assert_eq!(failed.to_string(), "no summary");
        let (_, other) = round_trip(FlakyQuery, &Reply::Done);
        let other = other.unwrap_err();
        assert!(matches!(&other, NoAnswer::Unexpected(r) if matches!(**r, Reply::Done)));
        assert_eq!(other.to_string(), "the engine answered Done");
    }
}
