// The engine's module Web Worker. It keeps the page's summary (in the wasm engine) and answers
// the page's requests with only what the page shows; the page's main thread never parses and
// never holds the summary.
//
// This script only routes an envelope and reads Blobs in slices. The requests and replies
// inside are JSON made and read by Rust (crates/lra-protocol), never built here:
//   in:  {id, request, files?}   a request; `files` are the Blobs an `analyze` or `baseline`
//                                request reads, in order
//        {cancel: id}            stop reading that request's files after the slice in hand
//        {lifeline: name}        take the Web Lock `name` and hold it for as long as this worker
//                                lives, then answer {held: name}: the page asks for the same
//                                lock, and is given it when this worker ends, however it ended
//        {id, read: [Blob]}      read the Blobs' slices and nothing else (the benchmarks'
//                                baseline); answered {id, seconds}
//   out: {id, reply, blob?}      a reply; `blob` is the file an export or a sample made
//                                (the first message, `ready`, has id null)
//        {id, fatal}             the engine itself stopped (a trap, memory exhausted, or it
//                                could not start): the page must start a fresh worker
//
// It loads the threaded build when the page is cross-origin isolated (shared memory is then
// available), else the single-threaded one. `?build=st|mt` forces one and `?threads=N` sets the
// thread pool's size (benchmarks, tests). The threaded build's pool parses while this worker's
// own thread reads the next slices (lra-engine, `pipeline.rs`), so the pool has one thread less
// than the cores: reading takes a core of its own (benches/browser.mjs: on two cores, one thread
// parsing behind the reads was 1.15x two).
//
// Without threads, the files of a request are read at once by a pool of parsers (parser.js),
// one module worker per core (`?pool=N` sets how many, and gives the threaded build one too;
// 1: none), each with a single-threaded engine of its own; a large plain log is cut into parts
// for them. The engine plans what each reads and adds what they send in file order
// (crates/lra-session, `Pool`). A single-threaded engine that parses, this worker's or a
// parser's, has a reader worker beside it (reader.js) when a core is spare for it (slices.js).

import { message as textOf, readSlices, readSlicesHere, stopped } from "./slices.js";

const PROGRESS_EVERY_MS = 100;

const params = new URL(self.location.href).searchParams;
const forced = params.get("build");
const threaded = forced ? forced === "mt" : self.crossOriginIsolated;
const CORES = navigator.hardwareConcurrency || 1;
const POOL = Number(params.get("pool")) || (threaded ? 1 : Math.max(1, Math.min(CORES, 8)));
// A plain log this large is cut into one part per parser (`?split=BYTES` sets it); the first
// bytes of a file (`engine.head_len()`, as many as the CLI looks at) tell whether it can be.
const SPLIT_MIN = Number(params.get("split")) || 64 << 20;

let wasm; // the wasm-bindgen module
let engine; // its Engine: the page's summary
const queue = [];
const cancelled = new Set();
let busy = false;

self.onmessage = (event) => {
  const message = event.data;
  if (message && message.lifeline) {
    // Without Web Locks (not a secure context) the page cannot tell when this worker ends.
    navigator.locks?.request(message.lifeline, () => {
      self.postMessage({ held: message.lifeline });
      return new Promise(() => {});
    });
    return;
  }
  // A cancel acts at once, between two slices of the request it names.
  if (message && message.cancel !== undefined) {
    cancelled.add(message.cancel);
    for (const abort of aborts) abort();
    return;
  }
  queue.push(message);
  pump();
};

async function pump() {
  if (busy || !engine) return;
  busy = true;
  while (queue.length > 0) {
    const message = queue.shift();
    try {
      await handle(message);
    } catch (error) {
      // A trap (a panic, or memory exhausted) leaves the wasm instance unusable, and any other
      // throw here is a bug: either way the page starts a fresh worker.
      self.postMessage({ id: message.id, fatal: describe(error) });
      engine = null;
      return;
    } finally {
      cancelled.delete(message.id);
    }
  }
  busy = false;
}

function describe(error) {
  return wasm ? stopped(wasm, "the engine", error) : textOf(error);
}

let lastProgress = 0;
function progress(id, file, done, size, force) {
  const now = performance.now();
  if (force || now - lastProgress >= PROGRESS_EVERY_MS) {
    lastProgress = now;
    self.postMessage({ id, reply: wasm.Engine.progress(file, done, size) });
  }
}

async function handle(message) {
  const { id, files } = message;
  const started = performance.now();
  const stop = () => cancelled.has(id);
  if (message.read) {
    // The raw read rate: this thread reads, and nothing else is done.
    for (const file of message.read) await readSlicesHere(file, () => {}, stop);
    self.postMessage({ id, seconds: (performance.now() - started) / 1000 });
    return;
  }
  if (!files) {
    const { reply, blob } = engine.answer(message.request);
    self.postMessage(blob ? { id, reply, blob } : { id, reply });
    return;
  }
  const refused = engine.begin_batch(message.request);
  if (refused) {
    self.postMessage({ id, reply: refused });
    return;
  }
  // Kept for the run viewer, which reads the lines it shows from them later.
  files.forEach((file, i) => engine.give_file(i, file));
  let parsers = 1;
  if (engine.plan_pool(POOL, SPLIT_MIN, files.map((file) => file.size))) {
    parsers = await readInPool(id, files, stop);
  } else {
    for (let i = 0; i < files.length && !stop(); i++) await readHere(id, files, i, stop);
  }
  const reply = stop() ? engine.cancel_batch() : engine.end_batch((performance.now() - started) / 1000, parsers);
  self.postMessage({ id, reply });
}

/** Reads file `i` of a request in this worker's engine. */
async function readHere(id, files, i, stop) {
  const file = files[i];
  engine.begin_file(i);
  try {
    await readSlices(
      file,
      (bytes, done) => {
        engine.feed(bytes);
        progress(id, i, done, file.size, false);
      },
      stop,
      0,
      !threaded && CORES > 1,
    );
    engine.end_file();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) throw error;
    // The file could not be read to its end: what was read counts, flagged; say why, go on.
    engine.cut_file_short(textOf(error));
  }
  progress(id, i, file.size, file.size, true);
}

/** The pool's parsers, made when first needed; one that stopped is made again. */
const parsers = [];
/** What stops the parsers at work, when their request is cancelled. */
const aborts = new Set();

/** Runs `job` ({request} or {segment}) on parser `k` with `file`, read `beside` (slices.js) or
 * not: resolves with {part}, {part, damage}, {fatal} or {cancelled}; `onDone(bytes)` as it goes. */
function parseOn(k, job, file, beside, onDone) {
  return new Promise((resolve) => {
    const worker = (parsers[k] ??= new Worker(new URL("./parser.js", import.meta.url), { type: "module" }));
    const end = (result, stopped) => {
      aborts.delete(abort);
      worker.onmessage = worker.onerror = null;
      if (stopped) {
        worker.terminate();
        parsers[k] = null;
      }
      resolve(result);
    };
    const abort = () => end({ cancelled: true }, true);
    aborts.add(abort);
    worker.onmessage = ({ data }) => {
      if (data.done !== undefined) onDone(data.done);
      else end(data, Boolean(data.fatal));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      end({ fatal: event.message || "the parser could not start" }, true);
    };
    worker.postMessage({ ...job, file, beside });
  });
}

/** Reads a request's files on the pool as the engine's plan says (crates/lra-session, `Pool`): this
 * script gives it the files' first bytes it asks for, runs each job it hands out on a free
 * parser and hands back what the parser sent; the engine adds the files in order. Returns how
 * many parsers worked. */
async function readInPool(id, files, stop) {
  for (let i; (i = engine.pool_head_wanted()) !== undefined; ) {
    engine.pool_head(i, new Uint8Array(await files[i].slice(0, engine.head_len()).arrayBuffer()));
  }
  const lane = async (k) => {
    for (let job; !stop() && (job = engine.pool_next_job()) !== undefined; ) {
      const { file, part, work } = JSON.parse(job);
      const size = files[file].size;
      const done = (bytes) => progress(id, file, engine.pool_read(file, part, bytes), size, false);
      const got = await parseOn(k, work, files[file], beside, done);
      if (got.cancelled || stop()) return;
      for (const i of engine.pool_outcome(file, part, got.part, got.damage, got.fatal)) {
        progress(id, i, files[i].size, files[i].size, true);
      }
    }
  };
  const lanes = engine.pool_lanes();
  // Each parser gets a reader of its own only when the cores allow both.
  const beside = lanes * 2 <= CORES;
  await Promise.all(Array.from({ length: lanes }, (_, k) => lane(k)));
  return lanes;
}

async function start() {
  try {
    // `engine` is set only once the module and its threads are ready: messages wait until then.
    const module = threaded ? await import("./mt/lra_engine.js") : await import("./st/lra_engine.js");
    await module.default();
    if (threaded) {
      await module.initThreadPool(Number(params.get("threads")) || Math.max(1, Math.min(CORES, 16) - 1));
    }
    wasm = module;
    engine = new module.Engine();
    self.postMessage({ id: null, reply: module.Engine.ready(self.crossOriginIsolated, POOL) });
    pump();
  } catch (error) {
    self.postMessage({ id: null, fatal: `the engine could not start: ${describe(error)}` });
  }
}

start();
