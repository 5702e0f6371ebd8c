//! The result of parsing a run of whole lines, possibly with no knowledge of what came before.
//!
//! A segment in the middle of a file does not know the iteration it starts in, nor whether a test
//! is open at its start. So it records what happened before its first `Test: ` line (`head_results`,
//! `has_test`), the runs it could not attribute to an iteration (`incoming`), and the state it ends
//! in (`open`, `iteration`). [`Partial::absorb`] resolves the left side's end state against the
//! right side's head, which makes the merge associative: any split and any merge tree give the
//! same result as one sequential pass.

use serde::{Deserialize, Serialize};

use crate::base::cut::{CUT_BYTES, cut_text};
use crate::base::location::{LineStart, Location, Shift};
use crate::base::log_format::LogFormat;
use crate::base::options::Options;
use crate::base::text::{lossy, same_bytes};
use crate::model::cells::Cell;
use crate::model::class::{Class, Counts};
use crate::model::durations::Timed;
use crate::model::runs::FailedRun;
use crate::model::stats::AnomalyKind;
use crate::model::summary::{FileStats, Summary};
use crate::model::tables::{RunResult, Tables};
use crate::read::extract::{Hits, LineEvents, Plain, extract_at, plain};
use crate::read::stamps::{Between, Stamp};

/// The iteration a run counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum IterationAt {
    /// Whatever iteration is current where this partial starts: resolved by the merge.
    Incoming,
    /// No `Iteration ` line yet in this file.
    Outside,
    /// An index into the partial's iterations.
    Label(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct OpenTest {
    test: u32,
    iteration: IterationAt,
    line: LineStart,
    /// The timestamp its opening line starts with.
    stamp: Option<Stamp>,
}

/// How a run ended, as a runner's result says: its word, the text after it (a failure's reason),
/// its class, and its duration in microseconds, if stated.
pub(crate) struct RunEnded<'a> {
    pub(crate) word: &'a [u8],
    pub(crate) detail: &'a [u8],
    pub(crate) class: Class,
    pub(crate) duration: Option<u64>,
}

/// What a run's closing line says of its duration: stated, or a timestamp to count from the
/// opening line's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct RunEnd {
    duration: Option<u64>,
    stamp: Option<Stamp>,
}

impl RunEnd {
    /// A run that never ended: no duration.
    const MISSING: RunEnd = RunEnd { duration: None, stamp: None };
}

/// Whether a test is open at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Open {
    /// No `Test: ` and no `Result: ` yet: whatever was open at the start still is.
    Unknown,
    /// No test is open.
    Closed,
    /// This test is open.
    Test(OpenTest),
}

/// A result before any `Test: `: it closes the test open at the start, if any, or else it is an
/// orphan. Only the merge can tell. A result that names its test (GoogleTest) closes only the
/// open test of that name, and leaves any other open: a partial keeps each of these, in order,
/// until its first test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct HeadResult {
    word: Box<[u8]>,
    detail: Box<[u8]>,
    class: Class,
    line: LineStart,
    end: RunEnd,
    /// The test the result names (see `LineEvents::names`).
    name: Option<Box<[u8]>>,
}

impl HeadResult {
    /// Whether, read when no test is open, the result is an orphan. A result that names its
    /// test and states no duration is not: GoogleTest's end-of-run lists name failed and
    /// skipped tests that way, and with `--gtest_print_time=0` so does every result.
    fn orphan_when_closed(&self) -> bool {
        orphan_when_closed(self.name.is_some(), self.end)
    }
}

/// See [`HeadResult::orphan_when_closed`].
fn orphan_when_closed(named: bool, end: RunEnd) -> bool {
    !named || end.duration.is_some()
}

/// Serialized as a segment's part (`crate::read::wire`); what is not part of the result is skipped.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Partial {
    pub(crate) tables: Tables,
    totals: Counts,
    orphan_results: u64,
    long_lines: u64,
    /// Durations computed from timestamps that were negative or over a day, and dropped.
    dropped_durations: u64,
    /// Lines ended by `\n` so far. Locations are 1-based and relative to the partial's start.
    pub(crate) lines: u64,
    /// The bytes of those lines: where the next line starts, relative to the partial's start.
    pub(crate) offset: u64,
    iteration: IterationAt,
    open: Open,
    has_test: bool,
    /// The results before the first test, while what was open at the start is unknown: at most
    /// one that does not name its test (it settles what is open), any number that do.
    head_results: Vec<HeadResult>,
    /// The first line of output of the open test, for formats that print a failure's message
    /// between a test's start and its result (docs/design.md, "A failure's reason"): the
    /// reason of a failure whose result line gives none.
    message: Option<Box<[u8]>>,
    /// The same, for lines before this partial's first test or result: they belong to the
    /// test open at its start, if any,
    head_message: Option<Box<[u8]>>,
    /// unless one of the first this many `head_results` closed it.
    head_message_at: u32,
    /// Runs counted in the iteration that is current at the start.
    incoming: Counts,
    /// Their durations.
    incoming_timed: Timed,
    /// The same runs per test (by index; shorter when the last tests had none), for their
    /// iteration cells.
    incoming_cells: Vec<Cell>,
    /// Logs repeat their tests in the same order, so the test that followed the previous one
    /// last time is checked before the name is hashed. Not part of the result.
    #[serde(skip)]
    previous_test: Option<u32>,
    #[serde(skip)]
    followed_by: Vec<u32>,
    /// For formats with no iteration lines, whose iterations are each test's k-th run in the
    /// file: each test's runs here (by index), in run order, run-length encoded by class. The
    /// merge appends the right side's after the left's, so that a segment need not know how many
    /// runs came before it; `finish` numbers them.
    occurrences: Option<Vec<Vec<Occurrence>>>,
    /// The file is one iteration: iteration lines are ignored, and `occurrences` all count in
    /// the iteration labelled by the file's name.
    per_file: bool,
}

impl PartialEq for Partial {
    fn eq(&self, other: &Partial) -> bool {
        type State<'p> = (&'p Tables, Counts, [u64; 5], IterationAt, Open, bool, Counts, &'p [HeadResult], u32);
        type Messages<'p> = [&'p Option<Box<[u8]>>; 2];
        fn state(p: &Partial) -> (State<'_>, Messages<'_>) {
            let n = [p.orphan_results, p.long_lines, p.dropped_durations, p.lines, p.offset];
            let state = (
                &p.tables,
                p.totals,
                n,
                p.iteration,
                p.open,
                p.has_test,
                p.incoming,
                &p.head_results[..],
                p.head_message_at,
            );
            (state, [&p.message, &p.head_message])
        }
        fn cells(p: &Partial) -> Vec<(usize, Cell)> {
            p.incoming_cells.iter().copied().enumerate().filter(|(_, c)| !c.is_empty()).collect()
        }
        state(self) == state(other)
            && self.incoming_timed == other.incoming_timed
            && cells(self) == cells(other)
            && self.occurrences == other.occurrences
    }
}

impl Partial {
    /// The state at the start of a file: no iteration, no open test.
    pub(crate) fn at_file_start() -> Partial {
        Partial::new(IterationAt::Outside, Open::Closed)
    }

    /// The state at the start of a segment in the middle of a file: nothing known.
    pub(crate) fn at_segment_start() -> Partial {
        Partial::new(IterationAt::Incoming, Open::Unknown)
    }

    fn new(iteration: IterationAt, open: Open) -> Partial {
        Partial {
            tables: Tables::default(),
            totals: Counts::default(),
            orphan_results: 0,
            long_lines: 0,
            dropped_durations: 0,
            lines: 0,
            offset: 0,
            iteration,
            open,
            has_test: false,
            head_results: Vec::new(),
            message: None,
            head_message: None,
            head_message_at: 0,
            incoming: Counts::default(),
            incoming_timed: Timed::default(),
            incoming_cells: Vec::new(),
            previous_test: None,
            followed_by: Vec::new(),
            occurrences: None,
            per_file: false,
        }
    }

    /// Counts every run of the file in one iteration, labelled by the file's name.
    pub(crate) fn one_iteration(&mut self) {
        self.number_runs();
        self.per_file = true;
    }

    /// Counts each test's k-th run in iteration `k` (formats with no iteration lines).
    pub(crate) fn number_runs(&mut self) {
        self.occurrences.get_or_insert_with(Vec::new);
    }

    /// The index of the test named by `name` (see `base::text::Text`).
    fn intern_test(&mut self, name: &[u8]) -> u32 {
        const NONE: u32 = u32::MAX;
        let guess = self.previous_test.and_then(|p| self.followed_by.get(p as usize).copied());
        let test = match guess {
            // Equal bytes decode to the same name; unequal ones may still, so they take the slow path.
            // A name over the budget is kept cut, and its bytes are no kept name's.
            Some(g)
                if g != NONE
                    && name.len() <= CUT_BYTES
                    && same_bytes(self.tables.tests[g as usize].name.as_bytes(), name) =>
            {
                g
            }
            _ => {
                let t = self.tables.test(&cut_text(&lossy(name)));
                if let Some(p) = self.previous_test {
                    if self.followed_by.len() <= p as usize {
                        self.followed_by.resize(self.tables.tests.len(), NONE);
                    }
                    self.followed_by[p as usize] = t;
                }
                t
            }
        };
        self.previous_test = Some(test);
        test
    }

    /// Applies one line of markers (without its `\n`) whose first marker positions are `hits`.
    pub(crate) fn line(&mut self, bytes: &[u8], hits: Hits, line: LineStart, options: &Options) {
        match plain(bytes, hits, options) {
            // The two commonest lines skip the general event, and reach the same rules.
            Some((Plain::Test(name), stamp)) => self.open_test(name, None, stamp, line, line),
            Some((Plain::Result { word, detail, class }, stamp)) => {
                self.result(word, detail, class, None, RunEnd { duration: None, stamp }, line)
            }
            None => self.apply_at(extract_at(bytes, hits, options), None, line),
        }
    }

    /// [`Partial::line`] without its short paths: every line read as the general event, for
    /// the tests that check that both read alike.
    pub(crate) fn line_in_general(&mut self, bytes: &[u8], hits: Hits, line: LineStart, options: &Options) {
        self.apply_at(extract_at(bytes, hits, options), None, line);
    }

    /// Applies what line `line` (relative to the partial's start) says, in the order
    /// iteration, test, result.
    pub(crate) fn apply(&mut self, events: LineEvents<'_>, line: LineStart) {
        self.apply_at(events, None, line);
    }

    /// [`Partial::apply`] for a run whose test opened on the earlier line `opened`, not on
    /// this one: a runner that prints a run's start and its result apart, with other runs
    /// between (`go test`'s `=== RUN`).
    pub(crate) fn apply_run(&mut self, events: LineEvents<'_>, opened: Option<LineStart>, line: LineStart) {
        self.apply_at(events, opened, line);
    }

    /// A run of the test `name` that opened on line `opened` (this one, when `None`) and ended on
    /// `line` as `ended`: [`Partial::apply_run`] of an event that holds the test and its result
    /// and nothing else, without making the event (the runners' commonest line).
    pub(crate) fn run(&mut self, name: &[u8], opened: Option<LineStart>, ended: RunEnded<'_>, line: LineStart) {
        self.open_test(name, None, None, opened.unwrap_or(line), line);
        let RunEnded { word, detail, class, duration } = ended;
        self.result(word, detail, class, None, RunEnd { duration, stamp: None }, line);
    }

    /// The line after the lines read so far, which starts `at` bytes after them.
    pub(crate) fn next_line(&self, at: usize) -> LineStart {
        LineStart { line: self.lines + 1, offset: self.offset + at as u64 }
    }

    fn apply_at(&mut self, events: LineEvents<'_>, opened: Option<LineStart>, line: LineStart) {
        let LineEvents { iteration, test, test_kept, result, names, cut_marker, duration, stamp } = events;
        if cut_marker {
            self.long_lines += 1;
            self.tables.anomaly(AnomalyKind::LongLine, at(line), "".into());
        }
        if let Some(label) = iteration.filter(|_| !self.per_file) {
            self.iteration = IterationAt::Label(self.tables.iteration(&cut_text(&lossy(&label))));
        }
        if let Some(name) = test {
            // A run opened and closed on one line has no duration between its stamps.
            let opening = stamp.filter(|_| result.is_none() && opened.is_none());
            self.open_test(&name, test_kept.as_deref(), opening, opened.unwrap_or(line), line);
        }
        if let Some((word, detail, class)) = result {
            self.result(&word, &detail, class, names.as_deref(), RunEnd { duration, stamp }, line);
        }
    }

    /// Opens a run of the test `name` (or `kept`, a name read past the line limit and kept cut
    /// already) that opened on line `opened` with `stamp`, read on line `line`: the run open
    /// before is missing its result.
    fn open_test(&mut self, name: &[u8], kept: Option<&str>, stamp: Option<Stamp>, opened: LineStart, line: LineStart) {
        if let Open::Test(open) = self.open {
            self.close(open, b"", b"", Class::Missing, RunEnd::MISSING, line);
        }
        self.has_test = true;
        self.message = None;
        let test = match kept {
            Some(kept) => {
                let t = self.tables.test(kept);
                self.previous_test = Some(t);
                t
            }
            None => self.intern_test(name),
        };
        self.open = Open::Test(OpenTest { test, iteration: self.iteration, line: opened, stamp });
    }

    /// A line of the open test's output (trimmed, not empty): the first is kept as the reason
    /// of a failure whose result gives none.
    pub(crate) fn message(&mut self, text: &[u8]) {
        let keep = |m: &mut Option<Box<[u8]>>| {
            m.get_or_insert_with(|| text[..floor_char_boundary(text, MESSAGE_MAX)].into());
        };
        match self.open {
            Open::Test(_) => keep(&mut self.message),
            Open::Unknown => {
                if self.head_message.is_none() {
                    self.head_message_at = self.head_results.len() as u32;
                }
                keep(&mut self.head_message)
            }
            Open::Closed => {}
        }
    }

    /// Whether a line of output now would be kept by [`Partial::message`].
    pub(crate) fn wants_message(&self) -> bool {
        match self.open {
            Open::Test(_) => self.message.is_none(),
            Open::Unknown => self.head_message.is_none(),
            Open::Closed => false,
        }
    }

    /// A result, which closes the open test, unless it `names` another.
    fn result(&mut self, word: &[u8], detail: &[u8], class: Class, names: Option<&[u8]>, end: RunEnd, line: LineStart) {
        match self.open {
            Open::Test(open) => {
                if names.is_none_or(|name| self.is_named(open.test, name)) {
                    self.close(open, word, detail, class, end, line)
                }
            }
            Open::Closed => {
                if orphan_when_closed(names.is_some(), end) {
                    self.orphan(word, line)
                }
            }
            Open::Unknown => {
                let name = names.map(Box::from);
                // A result that names its test may leave open what was open.
                if name.is_none() {
                    self.open = Open::Closed;
                }
                self.head_results.push(HeadResult { word: word.into(), detail: detail.into(), class, line, end, name });
            }
        }
    }

    /// Whether `name`, a result's bytes, names `test`: decoded and kept as a test's name is.
    fn is_named(&self, test: u32, name: &[u8]) -> bool {
        let kept = &self.tables.tests[test as usize].name;
        if same_bytes(kept.as_bytes(), name) {
            return true;
        }
        // Equal bytes decide, unless the name is one that decoding or cutting changes.
        let plain = name.len() <= CUT_BYTES && std::str::from_utf8(name).is_ok();
        !plain && *cut_text(&lossy(name)) == **kept
    }

    /// Closes `open` with `word` of `class` (missing: no word) and the text after it, found at
    /// `line`, which says `end` of the run's duration.
    fn close(&mut self, open: OpenTest, word: &[u8], detail: &[u8], class: Class, end: RunEnd, line: LineStart) {
        let message = self.message.take();
        let detail = match &message {
            Some(m) if detail.is_empty() && class == Class::Failed => m,
            _ => detail,
        };
        let label = match open.iteration {
            IterationAt::Label(i) => Some(i),
            _ => None,
        };
        let failed =
            (class == Class::Failed).then_some(FailedRun { file: 0, opened: open.line.offset, closed: line.offset });
        // Only a run that closed with a result has a duration (design rule 9): an empty word
        // closes it as missing, whatever its stamps say.
        let duration = match class {
            Class::Missing => None,
            _ => self.duration(open.stamp, end),
        };
        let result = RunResult { word, class, detail, duration };
        self.tables.record(open.test, label, result, failed, at(line));
        self.totals.add(class);
        match open.iteration {
            IterationAt::Label(i) => {
                let iteration = &mut self.tables.iterations[i as usize];
                iteration.counts.add(class);
                if let Some(us) = duration {
                    iteration.timed.add(us);
                }
            }
            IterationAt::Incoming => {
                self.incoming.add(class);
                if let Some(us) = duration {
                    self.incoming_timed.add(us);
                }
                if let Some(cell) = Cell::of(class) {
                    self.add_incoming_cell(open.test, cell);
                }
            }
            IterationAt::Outside => {}
        }
        if class == Class::Missing {
            let name = self.tables.tests[open.test as usize].name.clone();
            self.tables.anomaly(AnomalyKind::MissingResult, at(open.line), name);
        }
        if let Some(occurrences) = &mut self.occurrences {
            push_runs(occurrences, open.test, Occurrence { class, runs: 1, took: duration });
        }
        self.open = Open::Closed;
    }

    /// A run's duration: the one its result states, else the time between the stamps of its
    /// opening and closing lines, unless that is negative or over a day (dropped, and counted).
    fn duration(&mut self, opened: Option<Stamp>, end: RunEnd) -> Option<u64> {
        if cfg!(feature = "bare-runs") {
            return None;
        }
        if end.duration.is_some() {
            return end.duration;
        }
        match opened?.until(end.stamp?) {
            Between::Took(us) => Some(us),
            Between::Dropped => {
                self.dropped_durations += 1;
                None
            }
            Between::Unknown => None,
        }
    }

    fn add_incoming_cell(&mut self, test: u32, cell: Cell) {
        let t = test as usize;
        if self.incoming_cells.len() <= t {
            self.incoming_cells.resize(t + 1, Cell::default());
        }
        self.incoming_cells[t] = self.incoming_cells[t].plus(cell);
    }

    fn orphan(&mut self, word: &[u8], line: LineStart) {
        self.orphan_results += 1;
        self.tables.anomaly(AnomalyKind::OrphanResult, at(line), cut_text(&lossy(word)).into());
    }

    /// Appends `right`, which starts where `self` ends.
    pub(crate) fn absorb(&mut self, mut right: Partial) {
        let shift = Shift { file: 0, line: self.lines, offset: self.offset };
        // Settle the boundary first, so that a first failure found here comes before the right
        // side's own.
        match self.open {
            Open::Test(open) => {
                // The first of the right side's head results that closes the open test; those
                // before it name other tests, and those after it are read with nothing open.
                let closing = right
                    .head_results
                    .iter()
                    .position(|h| h.name.as_deref().is_none_or(|n| self.is_named(open.test, n)));
                if self.message.is_none() && closing.is_none_or(|i| right.head_message_at as usize <= i) {
                    self.message = right.head_message.clone();
                }
                if let Some(i) = closing {
                    let head = &right.head_results[i];
                    self.close(open, &head.word, &head.detail, head.class, head.end, shift.line(head.line));
                    for head in right.head_results[i + 1..].iter().filter(|h| h.orphan_when_closed()) {
                        self.orphan(&head.word, shift.line(head.line));
                    }
                } else if right.has_test {
                    self.close(open, b"", b"", Class::Missing, RunEnd::MISSING, NOWHERE);
                }
            }
            Open::Closed => {
                for head in right.head_results.iter().filter(|h| h.orphan_when_closed()) {
                    self.orphan(&head.word, shift.line(head.line));
                }
            }
            Open::Unknown => {
                if self.head_message.is_none() && right.head_message.is_some() {
                    self.head_message = right.head_message.clone();
                    self.head_message_at = self.head_results.len() as u32 + right.head_message_at;
                }
                let heads = std::mem::take(&mut right.head_results);
                self.head_results.extend(heads.into_iter().map(|h| HeadResult { line: shift.line(h.line), ..h }));
            }
        }
        match self.iteration {
            IterationAt::Label(i) => {
                let iteration = &mut self.tables.iterations[i as usize];
                iteration.counts.add_all(&right.incoming);
                iteration.timed.add_all(right.incoming_timed);
            }
            IterationAt::Incoming => {
                self.incoming.add_all(&right.incoming);
                self.incoming_timed.add_all(right.incoming_timed);
            }
            IterationAt::Outside => {}
        }
        // The right side's runs before its first `Iteration ` line count in the iteration this
        // side ends in.
        let incoming = match self.iteration {
            IterationAt::Label(i) => Some((i, &right.incoming_cells[..])),
            _ => None,
        };
        let (tests, iterations) = self.tables.absorb(right.tables, shift, incoming);
        if let (Some(mine), Some(theirs)) = (&mut self.occurrences, right.occurrences) {
            for (t, runs) in theirs.into_iter().enumerate() {
                for run in runs {
                    push_runs(mine, tests[t], run);
                }
            }
        }
        if self.iteration == IterationAt::Incoming {
            for (t, &cell) in right.incoming_cells.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
                self.add_incoming_cell(tests[t], cell);
            }
        }
        let carry = |it: IterationAt, left: IterationAt| match it {
            IterationAt::Incoming => left,
            IterationAt::Outside => IterationAt::Outside,
            IterationAt::Label(i) => IterationAt::Label(iterations[i as usize]),
        };
        match right.open {
            Open::Unknown => {}
            Open::Closed => self.open = Open::Closed,
            Open::Test(t) => {
                self.message = right.message;
                self.open = Open::Test(OpenTest {
                    test: tests[t.test as usize],
                    iteration: carry(t.iteration, self.iteration),
                    line: shift.line(t.line),
                    stamp: t.stamp,
                })
            }
        }
        self.iteration = carry(right.iteration, self.iteration);
        self.has_test |= right.has_test;
        self.totals.add_all(&right.totals);
        self.orphan_results += right.orphan_results;
        self.long_lines += right.long_lines;
        self.dropped_durations += right.dropped_durations;
        self.lines += right.lines;
        self.offset += right.offset;
    }

    /// Ends the file: an open test is closed as missing. `self` must have started at the file's
    /// start.
    pub(crate) fn finish(
        mut self,
        name: Box<str>,
        bytes: u64,
        binary: bool,
        format: LogFormat,
        options: &Options,
    ) -> Summary {
        debug_assert!(self.head_results.is_empty() && self.incoming == Counts::default());
        debug_assert!(self.incoming_cells.iter().all(Cell::is_empty) && self.incoming_timed == Timed::default());
        if let Open::Test(open) = self.open {
            self.close(open, b"", b"", Class::Missing, RunEnd::MISSING, NOWHERE);
        }
        if let Some(occurrences) = self.occurrences.take() {
            if self.per_file {
                self.file_iteration(&name, occurrences);
            } else {
                self.number_iterations(occurrences);
            }
        }
        for t in &mut self.tables.tests {
            t.by_iteration.settle();
        }
        let file = FileStats {
            name,
            bytes,
            totals: self.totals,
            orphan_results: self.orphan_results,
            long_lines: self.long_lines,
            dropped_durations: self.dropped_durations,
            binary,
            damage: None,
            from_summary: false,
            reading: None,
            format,
        };
        Summary {
            name_mode: options.name_mode,
            markers: options.markers.clone(),
            files: vec![file],
            tables: self.tables,
            history: None,
        }
    }
}

impl Partial {
    /// Counts each test's k-th run in the iteration labelled `k`, for a whole file.
    fn number_iterations(&mut self, occurrences: Vec<Vec<Occurrence>>) {
        let most = occurrences.iter().map(|runs| runs.iter().map(|r| u64::from(r.runs)).sum::<u64>()).max();
        // Labels in order, so that iteration `k` has index `k - 1`.
        let most = most.unwrap_or(0);
        self.tables.reserve_iterations(most as usize);
        let mut label = DecimalCounter::default();
        for _ in 1..=most {
            self.tables.iteration(label.next());
        }
        for (t, runs) in occurrences.into_iter().enumerate() {
            let mut k = 0u32;
            for Occurrence { class, runs: n, took } in runs {
                for i in k..k + n {
                    self.tables.iterations[i as usize].counts.add(class);
                }
                if let Some(us) = took {
                    self.tables.iterations[k as usize].timed.add(us);
                }
                if let Some(cell) = Cell::of(class) {
                    self.tables.tests[t].by_iteration.add(k, n, cell);
                }
                k += n;
            }
        }
    }
}

impl Partial {
    /// Counts every run of a whole file in the one iteration labelled `name`.
    fn file_iteration(&mut self, name: &str, occurrences: Vec<Vec<Occurrence>>) {
        if occurrences.iter().all(Vec::is_empty) {
            return;
        }
        let i = self.tables.iteration(name);
        for (t, runs) in occurrences.into_iter().enumerate() {
            let mut cell = Cell::default();
            for Occurrence { class, runs: n, took } in runs {
                let iteration = &mut self.tables.iterations[i as usize];
                for _ in 0..n {
                    iteration.counts.add(class);
                }
                if let Some(us) = took {
                    iteration.timed.add(us);
                }
                if let Some(c) = Cell::of(class) {
                    cell = cell.plus(c.times(n.into()));
                }
            }
            self.tables.tests[t].by_iteration.add(i, 1, cell);
        }
    }
}

/// The labels `1`, `2`, `3`, … in turn, each the one before with one added to its digits: a
/// file of 300,000 numbered iterations formats none of them.
#[derive(Default)]
struct DecimalCounter {
    digits: String,
}

impl DecimalCounter {
    /// The next label.
    fn next(&mut self) -> &str {
        // ASCII digits only, so each is changed in place as a byte would be.
        let mut digits = std::mem::take(&mut self.digits).into_bytes();
        match digits.iter().rposition(|&d| d != b'9') {
            Some(at) => {
                digits[at] += 1;
                digits[at + 1..].fill(b'0');
            }
            None => {
                digits.fill(b'0');
                digits.insert(0, b'1');
            }
        }
        self.digits = String::from_utf8(digits).expect("ASCII digits");
        &self.digits
    }
}

/// Runs of a test in a format with no iteration lines, one after another, all of one class:
/// several, with no duration, or one with its duration (which counts in its own iteration).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Occurrence {
    class: Class,
    runs: u32,
    took: Option<u64>,
}

/// Appends `run` to test `t`'s runs, joined to the last ones if they are alike and untimed.
fn push_runs(occurrences: &mut Vec<Vec<Occurrence>>, t: u32, run: Occurrence) {
    let t = t as usize;
    if occurrences.len() <= t {
        occurrences.resize_with(t + 1, Vec::new);
    }
    match occurrences[t].last_mut() {
        Some(last) if last.class == run.class && last.took.is_none() && run.took.is_none() => last.runs += run.runs,
        _ => occurrences[t].push(run),
    }
}

/// A message is kept to at most this many bytes: a reason is one line, not a dump.
const MESSAGE_MAX: usize = 512;

/// The largest `i <= max` at which `text` (UTF-8, perhaps broken) can be cut without splitting
/// a character.
fn floor_char_boundary(text: &[u8], max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    (0..=max).rev().find(|&i| text[i] & 0xC0 != 0x80).unwrap_or(0)
}

fn at(line: LineStart) -> Location {
    Location::at(0, line)
}

/// The line a missing result is read at: none, since a missing result is located at the test's
/// own line.
const NOWHERE: LineStart = LineStart { line: 0, offset: 0 };

#[cfg(test)]
mod tests {
    use super::DecimalCounter;

    #[test]
    fn numbered_iterations_are_labelled_as_their_numbers_are_written() {
        let mut counter = DecimalCounter::default();
        for k in 1..=100_500u64 {
            assert_eq!(counter.next(), k.to_string());
        }
    }
}
