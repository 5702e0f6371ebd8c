//! The reading of a batch's files by the page's pool of parsers, planned here so that it has
//! native tests: which parser job reads what (a whole file, or one part of a large plain log),
//! in which order, and how what the parsers send is added to the [`Batch`] in file order, or
//! what is done when a parser stopped. The worker's script (`web/engine/worker.js`) only moves
//! Blobs and bytes: it gives the files' heads the plan asks for, runs each job the plan hands
//! out on a free parser, and hands each outcome back.

use std::collections::VecDeque;
use std::ops::Range;

use serde::Serialize;

use crate::Batch;

/// A job for a parser of the pool: the file it reads and, for a file read in parts, which part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    /// The file's index in the batch.
    pub file: usize,
    /// Which of the file's parts, in order (0 for a file read whole).
    pub part: usize,
    /// What the parser does.
    pub work: Work,
}

/// What a parser does (`web/engine/parser.js` takes it as it is serialized).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Work {
    /// Reads the whole file as this request (JSON) says, with an engine of its own, and sends
    /// its [`Batch::into_part`].
    Request(String),
    /// Reads the lines that start in the byte range ([`lra_input::LinesInRange`]) as `reading`
    /// ([`Batch::segment_reading`]) says, and sends their segment.
    Segment {
        /// The reading of every part of the file (its format told by its head).
        reading: String,
        /// The range's first byte.
        start: u64,
        /// The byte after the range.
        end: u64,
    },
}

/// What came back from a job.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// What the parser read, encoded.
    Read(Vec<u8>),
    /// What the parser read before the file could not be read on, and why.
    Damaged(Vec<u8>, String),
    /// The parser stopped (a trap, memory exhausted), for this reason.
    Stopped(String),
}

/// How one file is read.
struct Planned {
    size: u64,
    /// The reading of its parts, when it is read in parts.
    reading: Option<String>,
    /// Its jobs' outcomes, by part, as they come.
    outcomes: Vec<Option<Outcome>>,
    /// Bytes read so far by each of its jobs.
    read: Vec<u64>,
}

/// The pool's plan for a batch's files.
pub struct Pool {
    parsers: usize,
    split_min: u64,
    files: Vec<Planned>,
    /// The files whose first bytes the plan waits for, in order.
    heads_wanted: VecDeque<usize>,
    /// The jobs not handed out yet, in file order.
    jobs: VecDeque<Job>,
    /// How many jobs the plan has in all, once made (after the heads).
    planned: Option<usize>,
    /// How many files have been added to the batch.
    added: usize,
}

impl Pool {
    /// Whether files of these sizes are read by a pool of `parsers`: there are several parsers,
    /// and several files or one of at least `split_min` bytes, which is cut into parts.
    pub fn wanted(parsers: usize, split_min: u64, sizes: &[u64]) -> bool {
        parsers > 1 && (sizes.len() > 1 || sizes.iter().any(|&s| s >= split_min))
    }

    /// The plan for files of `sizes` on `parsers` parsers, where a file of `split_min` bytes or
    /// more may be cut into one part per parser. Before any job, the plan asks for the first
    /// bytes of each such file ([`Pool::head_wanted`]), which tell whether it can be.
    pub fn new(parsers: usize, split_min: u64, sizes: &[u64]) -> Pool {
        let files =
            sizes.iter().map(|&size| Planned { size, reading: None, outcomes: Vec::new(), read: Vec::new() }).collect();
        let heads_wanted = (0..sizes.len()).filter(|&i| sizes[i] >= split_min).collect();
        Pool { parsers: parsers.max(1), split_min, files, heads_wanted, jobs: VecDeque::new(), planned: None, added: 0 }
    }

    /// The file whose first bytes ([`lra_core::DETECT_LEN`] of them) the plan needs next.
    pub fn head_wanted(&self) -> Option<usize> {
        self.heads_wanted.front().copied()
    }

    /// The first bytes of file `index`, as [`Pool::head_wanted`] asked.
    pub fn give_head(&mut self, batch: &Batch, index: usize, head: &[u8]) {
        self.heads_wanted.retain(|&i| i != index);
        if let Some(file) = self.files.get_mut(index)
            && file.size >= self.split_min
        {
            file.reading = batch.segment_reading(head);
        }
    }

    /// The next job, in file order; none while a head is wanted, or when all are handed out.
    pub fn next_job(&mut self, batch: &Batch) -> Option<Job> {
        self.plan(batch);
        self.jobs.pop_front()
    }

    /// How many parsers the plan keeps busy: one per job, at most the pool's size (none while a
    /// head is wanted).
    pub fn lanes(&mut self, batch: &Batch) -> usize {
        self.plan(batch);
        self.parsers.min(self.planned.unwrap_or(0))
    }

    /// Makes the jobs, once every head wanted has been given.
    fn plan(&mut self, batch: &Batch) {
        if self.planned.is_some() || self.head_wanted().is_some() {
            return;
        }
        for (index, file) in self.files.iter_mut().enumerate() {
            let parts = if file.reading.is_some() { self.parsers } else { 1 };
            file.outcomes = vec![None; parts];
            file.read = vec![0; parts];
            match &file.reading {
                Some(reading) => {
                    for (part, Range { start, end }) in
                        lra_input::byte_ranges(file.size, parts as u64).into_iter().enumerate()
                    {
                        let work = Work::Segment { reading: reading.clone(), start, end };
                        self.jobs.push_back(Job { file: index, part, work });
                    }
                }
                None => {
                    let work = Work::Request(batch.request_for(index).to_text());
                    self.jobs.push_back(Job { file: index, part: 0, work });
                }
            }
        }
        self.planned = Some(self.jobs.len());
    }

    /// A job of file `index` has read `bytes` of it: the bytes of the file read so far.
    pub fn read(&mut self, index: usize, part: usize, bytes: u64) -> u64 {
        let Some(file) = self.files.get_mut(index) else { return 0 };
        if let Some(read) = file.read.get_mut(part) {
            *read = bytes;
        }
        file.read.iter().sum()
    }

    /// What a job sent. The files whose every job has come back are added to `batch`, in file
    /// order, as far as they can be: returned, so that their progress can be said.
    pub fn outcome(&mut self, batch: &mut Batch, index: usize, part: usize, outcome: Outcome) -> Range<usize> {
        if let Some(slot) = self.files.get_mut(index).and_then(|f| f.outcomes.get_mut(part)) {
            *slot = Some(outcome);
        }
        let from = self.added;
        while self.added < self.files.len() && self.files[self.added].outcomes.iter().all(Option::is_some) {
            self.add(batch, self.added);
            self.added += 1;
        }
        from..self.added
    }

    /// Whether every file has been added.
    pub fn is_done(&self) -> bool {
        self.added == self.files.len()
    }

    fn add(&mut self, batch: &mut Batch, index: usize) {
        let file = &mut self.files[index];
        let outcomes: Vec<Outcome> = file.outcomes.iter_mut().filter_map(Option::take).collect();
        let Some(reading) = &file.reading else {
            // A file read whole: its part, or the reason it was lost.
            match outcomes.into_iter().next() {
                Some(Outcome::Read(part) | Outcome::Damaged(part, _)) => {
                    if let Err(why) = batch.add_part(index, &part) {
                        batch.lose_file(index, &why);
                    }
                }
                Some(Outcome::Stopped(why)) => batch.lose_file(index, &why),
                None => {}
            }
            return;
        };
        if let Err(why) = batch.begin_segments(index, reading) {
            return batch.lose_file(index, &why);
        }
        // Its parts in order; what follows a part that stopped or was cut short is not added.
        for outcome in outcomes {
            let (segment, damage) = match outcome {
                Outcome::Stopped(why) => {
                    return batch.cut_file_short(&format!("the parser of one of its parts stopped: {why}"));
                }
                Outcome::Read(segment) => (segment, None),
                Outcome::Damaged(segment, damage) => (segment, Some(damage)),
            };
            if let Err(why) = batch.add_segment(&segment) {
                return batch.cut_file_short(&why);
            }
            if let Some(damage) = damage {
                return batch.cut_file_short(&damage);
            }
        }
        batch.end_file();
    }
}
