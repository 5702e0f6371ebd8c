//! The wasm face of the engine, loaded by `web/engine/worker.js` inside a module Web Worker. It
//! keeps the page's summary (`lra_session::Session`) and answers the page's requests.
//!
//! The worker reads each File in slices and feeds them here. In the threaded build
//! (feature `threads`), each slice is parsed on a rayon pool of Web Workers sharing this module's
//! memory; the single-threaded build serves pages that are not cross-origin isolated. Both give
//! the same Summary.

// The hook that tells memory exhausted from other traps (see `start`): nightly, as every wasm
// build is (build-std); native builds do without it.
#![cfg_attr(target_arch = "wasm32", feature(alloc_error_hook))]

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use lra_protocol::{Reply, Request};
use lra_session::lines::Source;
use lra_session::{Batch, Outcome, Pool, Session};
use wasm_bindgen::prelude::*;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

#[cfg(feature = "fault-injection")]
mod fault;
mod pipeline;

use pipeline::Step;

/// The last panic's message: with `panic = "abort"` the call that panicked throws a bare
/// `RuntimeError: unreachable`, so the worker asks for the reason here.
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// The size of the allocation that could not be had, when memory was exhausted: that also
/// ends in a bare `unreachable`, without a panic.
static FAILED_ALLOCATION: AtomicUsize = AtomicUsize::new(0);

/// Installs the hooks that keep why the instance stopped: the panic's message for
/// [`last_panic`], and the failed allocation's size for [`failed_allocation`] (kept without
/// allocating, since memory is exhausted then; the instance aborts after the hook).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        pipeline::A_THREAD_STOPPED.store(true, Ordering::Release);
        if let Ok(mut last) = LAST_PANIC.lock() {
            // One line, for the page's message: what, then where.
            let payload = info.payload();
            let what = (payload.downcast_ref::<&str>().copied())
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("a panic");
            *last = match info.location() {
                Some(at) => format!("{what} (at {at})"),
                None => what.to_owned(),
            };
        }
    }));
    #[cfg(target_arch = "wasm32")]
    std::alloc::set_alloc_error_hook(|layout| {
        FAILED_ALLOCATION.store(layout.size(), Ordering::Relaxed);
        pipeline::A_THREAD_STOPPED.store(true, Ordering::Release);
    });
}

/// The message of the last panic, or an empty string.
#[wasm_bindgen]
pub fn last_panic() -> String {
    LAST_PANIC.lock().map(|s| s.clone()).unwrap_or_default()
}

/// The bytes of the allocation that failed when memory was exhausted, or 0. A number, so that
/// asking costs no memory.
#[wasm_bindgen]
pub fn failed_allocation() -> f64 {
    FAILED_ALLOCATION.load(Ordering::Relaxed) as f64
}

/// `"threaded"` or `"single"`: which build this is.
#[wasm_bindgen]
pub fn build_kind() -> String {
    if cfg!(feature = "threads") { "threaded" } else { "single" }.to_owned()
}

/// The implementation of the markers' first stage compiled into this build (`lra_core::FIRST_STAGE`):
/// `…, wasm32 simd128` when the vector compares are the browser's SIMD instructions.
#[wasm_bindgen]
pub fn first_stage() -> String {
    lra_core::FIRST_STAGE.to_owned()
}

/// How many threads parse a slice.
#[wasm_bindgen]
pub fn threads() -> usize {
    #[cfg(feature = "threads")]
    return rayon::current_num_threads();
    #[cfg(not(feature = "threads"))]
    1
}

/// The page's summary, kept in this worker, and the reading of a request's files. The worker's
/// script routes the envelope (see `lra_protocol`) and reads Blobs in slices; every message's
/// content is made and read here.
#[wasm_bindgen]
pub struct Engine {
    session: Session,
    batch: Option<Batch>,
    /// The batch's files, by their index in it, for the run viewer to read again.
    given: std::collections::BTreeMap<usize, std::rc::Rc<dyn Source>>,
    /// The plan of the pool of parsers reading the batch, when one does.
    pool: Option<Pool>,
    /// The batch while the threaded build reads its files behind the worker's reads: `batch`
    /// is then `None` until [`Engine::settle`] takes it back.
    #[cfg(feature = "threads")]
    pipeline: Option<pipeline::Pipeline>,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

#[wasm_bindgen]
impl Engine {
    /// An empty page.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine {
            session: Session::new(cfg!(feature = "threads")),
            batch: None,
            given: Default::default(),
            pool: None,
            #[cfg(feature = "threads")]
            pipeline: None,
        }
    }

    /// The reply saying that the engine is loaded; `parsers`: the size of the worker's pool of
    /// parsers, which read the files of a batch at once.
    pub fn ready(isolated: bool, parsers: u32) -> String {
        // The threaded build's worker reads while its pool parses: one thread more.
        let reading = u32::from(cfg!(feature = "threads"));
        Reply::Ready { build: build_kind(), threads: (threads() as u32 + reading).max(parsers), isolated }.to_text()
    }

    /// The reply saying how far the reading of a request's file is.
    pub fn progress(file: u32, done: f64, size: f64) -> String {
        Reply::Progress { file, done, size }.to_text()
    }

    /// Starts reading the files of `request` (an `analyze` or `baseline` request, as JSON).
    /// Returns the reply when it cannot: then no file is read.
    pub fn begin_batch(&mut self, request: &str) -> Option<String> {
        self.settle();
        let begun = Request::from_text(request).and_then(|r| self.session.begin(&r));
        match begun {
            Ok(batch) => {
                self.batch = Some(batch);
                self.pool = None;
                self.given.clear();
                None
            }
            Err(message) => Some(Reply::Failed { message }.to_text()),
        }
    }

    /// Keeps the batch's file `index`, so that the run viewer can read its lines later (only
    /// the ranges it shows are read, when it shows them).
    pub fn give_file(&mut self, index: u32, file: web_sys::Blob) -> Result<(), JsError> {
        // A file is given only within a batch.
        self.batch_mut()?;
        self.given.insert(index as usize, std::rc::Rc::new(BlobSource(file)));
        Ok(())
    }

    /// Starts the batch's file `index`, in its request's order.
    pub fn begin_file(&mut self, index: u32) -> Result<(), JsError> {
        self.step(Step::Begin(index as usize))
    }

    /// Reads the file's next bytes (the threaded build: hands them to the pool and returns).
    pub fn feed(&mut self, bytes: Vec<u8>) -> Result<(), JsError> {
        #[cfg(feature = "fault-injection")]
        fault::inject(&bytes);
        self.step(Step::Feed(bytes))
    }

    /// Ends the file.
    pub fn end_file(&mut self) -> Result<(), JsError> {
        self.step(Step::End)
    }

    /// Ends the file early: it could not be read to its end, for `reason`. What was read of it
    /// still counts, flagged.
    pub fn cut_file_short(&mut self, reason: &str) -> Result<(), JsError> {
        self.step(Step::CutShort(reason.to_owned()))
    }

    /// Ends the batch of a parser of the pool: what it read, for [`Engine::add_part`].
    pub fn take_part(&mut self) -> Result<Vec<u8>, JsError> {
        self.settle();
        let batch = self.batch.take().ok_or_else(|| JsError::new("no files were being read"))?;
        Ok(batch.into_part())
    }

    /// How many of a file's first bytes tell its format: the head [`Engine::pool_head`] takes,
    /// the same size the CLI reads.
    pub fn head_len(&self) -> u32 {
        lra_core::DETECT_LEN as u32
    }

    /// Whether the batch's files, of these `sizes`, are read by the worker's pool of `parsers`
    /// (a file of `split_min` bytes or more may be cut into parts); if so, the pool's plan is
    /// made (`lra_session::Pool`), and the worker follows it: the heads it asks for
    /// ([`Engine::pool_head_wanted`]), then its jobs ([`Engine::pool_next_job`]).
    pub fn plan_pool(&mut self, parsers: u32, split_min: f64, sizes: Vec<f64>) -> bool {
        self.settle();
        let sizes: Vec<u64> = sizes.into_iter().map(|s| s as u64).collect();
        let wanted = self.batch.is_some() && Pool::wanted(parsers as usize, split_min as u64, &sizes);
        self.pool = wanted.then(|| Pool::new(parsers as usize, split_min as u64, &sizes));
        wanted
    }

    /// The file whose first [`Engine::head_len`] bytes the plan needs next.
    pub fn pool_head_wanted(&self) -> Option<u32> {
        self.pool.as_ref()?.head_wanted().map(|i| i as u32)
    }

    /// The first bytes of the batch's file `index`, as the plan asked.
    pub fn pool_head(&mut self, index: u32, head: &[u8]) -> Result<(), JsError> {
        let (pool, batch) = self.pool_and_batch()?;
        pool.give_head(batch, index as usize, head);
        Ok(())
    }

    /// How many parsers of the pool the plan keeps busy.
    pub fn pool_lanes(&mut self) -> Result<u32, JsError> {
        let (pool, batch) = self.pool_and_batch()?;
        Ok(pool.lanes(batch) as u32)
    }

    /// The next job for a free parser, as JSON `{file, part, work}`, `work` being what
    /// `web/engine/parser.js` takes: `{request}` (a whole file) or `{segment: {reading, start,
    /// end}}` (the lines that start in that byte range); none when all are handed out.
    pub fn pool_next_job(&mut self) -> Result<Option<String>, JsError> {
        let (pool, batch) = self.pool_and_batch()?;
        Ok(pool.next_job(batch).map(|job| serde_json::to_string(&job).expect("a job is JSON")))
    }

    /// A job of file `index` has read `bytes` of it: the bytes of the file read so far.
    pub fn pool_read(&mut self, index: u32, part: u32, bytes: f64) -> f64 {
        self.pool.as_mut().map_or(0.0, |pool| pool.read(index as usize, part as usize, bytes as u64) as f64)
    }

    /// What a job sent: what it `read`, and the `damage` that cut it short, or why its parser
    /// `stopped`. Returns the files this completed, added to the batch in order.
    pub fn pool_outcome(
        &mut self,
        index: u32,
        part: u32,
        read: Option<Vec<u8>>,
        damage: Option<String>,
        stopped: Option<String>,
    ) -> Result<Vec<u32>, JsError> {
        let outcome = match (read, damage, stopped) {
            (_, _, Some(why)) => Outcome::Stopped(why),
            (Some(read), Some(damage), None) => Outcome::Damaged(read, damage),
            (Some(read), None, None) => Outcome::Read(read),
            (None, _, None) => Outcome::Stopped("the parser sent nothing".to_owned()),
        };
        let (pool, batch) = self.pool_and_batch()?;
        Ok(pool.outcome(batch, index as usize, part as usize, outcome).map(|i| i as u32).collect())
    }

    /// Adds the batch's files to the summary, which took `seconds` and `parsers` workers (the
    /// pool's, or 1: this one); the reply to its request.
    pub fn end_batch(&mut self, seconds: f64, parsers: u32) -> String {
        self.settle();
        self.pool = None;
        match self.batch.take() {
            Some(batch) => {
                let mut reply = self.session.finish(batch, seconds, std::mem::take(&mut self.given));
                if let Reply::Analyzed { parsers: p, .. } = &mut reply {
                    *p = parsers.max(1);
                }
                reply.to_text()
            }
            None => Reply::Failed { message: "no files were being read".to_owned() }.to_text(),
        }
    }

    /// Drops the batch: its request was cancelled, and adds nothing.
    pub fn cancel_batch(&mut self) -> String {
        self.settle();
        self.batch = None;
        self.pool = None;
        self.given.clear();
        Reply::Cancelled.to_text()
    }

    /// Answers a request that comes without files: `{reply}`, with `blob` when the reply is a
    /// file (an export, a sample log), built in parts so that no string holds it whole.
    pub fn answer(&mut self, request: &str) -> Result<JsValue, JsError> {
        let mut parts = BlobParts::default();
        let reply = match Request::from_text(request) {
            Ok(request) => self.session.answer(request, &mut parts),
            Err(message) => Reply::Failed { message },
        };
        let answer = js_sys::Object::new();
        if let Reply::File { mime, .. } = &reply {
            js_sys::Reflect::set(&answer, &"blob".into(), &parts.into_blob(mime)?.into())
                .map_err(|_| JsError::new("could not build the answer"))?;
        }
        js_sys::Reflect::set(&answer, &"reply".into(), &reply.to_text().into())
            .map_err(|_| JsError::new("could not build the answer"))?;
        Ok(answer.into())
    }

    /// Does `step` to the batch: in the threaded build on the pool, behind the worker's reads,
    /// lending it the batch first if it does not hold it yet.
    fn step(&mut self, step: Step) -> Result<(), JsError> {
        #[cfg(feature = "threads")]
        {
            let pipeline = match &mut self.pipeline {
                Some(pipeline) => pipeline,
                None => {
                    let batch = self.batch.take().ok_or_else(no_batch)?;
                    self.pipeline.insert(pipeline::Pipeline::start(batch))
                }
            };
            pipeline.send(step);
            Ok(())
        }
        #[cfg(not(feature = "threads"))]
        {
            step.apply(self.batch_mut()?);
            Ok(())
        }
    }

    /// Takes the batch back from the pool, once every step handed over is done: whatever reads
    /// or ends it comes after this.
    fn settle(&mut self) {
        #[cfg(feature = "threads")]
        if let Some(pipeline) = self.pipeline.take() {
            self.batch = Some(pipeline.finish());
        }
    }

    fn pool_and_batch(&mut self) -> Result<(&mut Pool, &mut Batch), JsError> {
        self.settle();
        match (&mut self.pool, &mut self.batch) {
            (Some(pool), Some(batch)) => Ok((pool, batch)),
            _ => Err(JsError::new("no files are being read by the pool")),
        }
    }

    fn batch_mut(&mut self) -> Result<&mut Batch, JsError> {
        self.settle();
        self.batch.as_mut().ok_or_else(no_batch)
    }
}

fn no_batch() -> JsError {
    JsError::new("a file outside of a batch")
}

/// The parser of one part of a file, in a parser worker of the pool: the lines that start in
/// a byte range of the file ([`lra_input::LinesInRange`]), fed the file's bytes from
/// [`SegmentParser::read_from`] on; their segment's partial result out, as bytes for the pool's
/// plan.
#[wasm_bindgen]
pub struct SegmentParser {
    parser: lra_core::FileParser,
    lines: lra_input::LinesInRange,
}

#[wasm_bindgen]
impl SegmentParser {
    /// A parser of the lines that start in `[start, end)`, read as `reading` (the plan's) says.
    #[wasm_bindgen(constructor)]
    pub fn new(reading: &str, start: f64, end: f64) -> Result<SegmentParser, JsError> {
        let parser = lra_session::segment_parser(reading).map_err(|e| JsError::new(&e))?;
        Ok(SegmentParser { parser, lines: lra_input::LinesInRange::new(start as u64..end as u64) })
    }

    /// Where to start reading the file.
    pub fn read_from(&self) -> f64 {
        self.lines.read_from() as f64
    }

    /// The file's next bytes; what belongs to the range's lines is parsed.
    pub fn feed(&mut self, bytes: &[u8]) {
        let lines = self.lines.take(bytes);
        #[cfg(feature = "fault-injection")]
        fault::inject(lines);
        self.parser.feed(lines);
    }

    /// Whether the range's lines are all read.
    pub fn is_finished(&self) -> bool {
        self.lines.is_finished()
    }

    /// Ends the part: its segment, as bytes.
    pub fn finish(self) -> Vec<u8> {
        self.parser.into_segment().to_bytes()
    }
}

/// A Blob the page gave, read where the run viewer asks, synchronously: the engine runs in a
/// worker, where `FileReaderSync` may block, and one request reads at most a few MiB.
struct BlobSource(web_sys::Blob);

impl Source for BlobSource {
    fn size(&self) -> u64 {
        self.0.size() as u64
    }

    fn read(&self, offset: u64, len: u64) -> Result<Vec<u8>, String> {
        let end = offset.saturating_add(len).min(self.size());
        let start = offset.min(end);
        let part = self.0.slice_with_f64_and_f64(start as f64, end as f64).map_err(|e| format!("{e:?}"))?;
        let reader = web_sys::FileReaderSync::new().map_err(|e| format!("{e:?}"))?;
        let buffer = reader
            .read_as_array_buffer(&part)
            .map_err(|_| "the file could not be read again (was it changed or removed?)".to_owned())?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }
}

/// A file built as a Blob of parts of [`PART`] bytes, copied out of wasm memory as they fill.
#[derive(Default)]
struct BlobParts {
    parts: Vec<js_sys::Uint8Array>,
    buffer: Vec<u8>,
}

/// Bytes per part of an exported Blob.
const PART: usize = 4 << 20;

impl BlobParts {
    fn flush(&mut self) {
        if !self.buffer.is_empty() {
            self.parts.push(js_sys::Uint8Array::from(&self.buffer[..]));
            self.buffer.clear();
        }
    }

    fn into_blob(mut self, mime: &str) -> Result<web_sys::Blob, JsError> {
        self.flush();
        let parts: js_sys::Array = self.parts.into_iter().collect();
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            .map_err(|_| JsError::new("could not build the file"))
    }
}

impl std::io::Write for BlobParts {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= PART {
            self.flush();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
