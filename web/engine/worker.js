// The engine's module Web Worker. It keeps the page's summary (in the wasm engine) and answers
// the page's requests with only what the page shows; the page's main thread never parses and
// never holds the summary.
//
// This script only routes an envelope and reads Blobs in slices. The requests and replies
// inside are JSON made and read by Rust (crates/lra-protocol), never built here:
//   in:  {id, request, files?}   a request; `files` are the Blobs an `analyze` or `baseline`
//                                request reads, in order
//        {cancel: id}            stop reading that request's files after the slice in hand
//        {id, read: [Blob]}      read the Blobs' slices and nothing else (the benchmarks'
//                                baseline); answered {id, seconds}
//   out: {id, reply, blob?}      a reply; `blob` is the file an export or a sample made
//                                (the first message, `ready`, has id null)
//        {id, fatal}             the engine itself stopped (a trap, memory exhausted, or it
//                                could not start): the page must start a fresh worker
//
// It loads the threaded build when the page is cross-origin isolated (shared memory is then
// available), else the single-threaded one. `?build=st|mt` forces one and `?threads=N` sets the
// thread pool's size (benchmarks, tests).
//
// Without threads, the files of a request are read at once by a pool of parsers (parser.js),
// one module worker per core (`?pool=N` sets how many; 1: none), each with a single-threaded
// engine of its own; their parts are added here in file order.

import { message as textOf, readSlices } from "./slices.js";

const PROGRESS_EVERY_MS = 100;

const params = new URL(self.location.href).searchParams;
const forced = params.get("build");
const threaded = forced ? forced === "mt" : self.crossOriginIsolated;
const POOL = threaded ? 1 : Number(params.get("pool")) || Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8));

let wasm; // the wasm-bindgen module
let engine; // its Engine: the page's summary
const queue = [];
const cancelled = new Set();
let busy = false;

self.onmessage = (event) => {
  const message = event.data;
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
  const panic = wasm && wasm.last_panic ? safe(() => wasm.last_panic()) : "";
  const text = textOf(error);
  return panic ? `the engine stopped: ${panic}` : text;
}

function safe(f) {
  try {
    return f();
  } catch {
    return "";
  }
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
    for (const file of message.read) await readSlices(file, () => {}, stop);
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
  let parsers = 1;
  if (POOL > 1 && files.length > 1) {
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

/** Reads `file` on parser `k` as `request` (JSON) says: resolves with {part} or {fatal}, or
 * {cancelled}; `onDone(bytes)` as it goes. */
function parseOn(k, request, file, onDone) {
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
    worker.postMessage({ request, file });
  });
}

/** Reads a request's files on the pool, each whole on one parser, and adds their parts in file
 * order as they come. Returns how many parsers read one at least. */
async function readInPool(id, files, stop) {
  const results = new Array(files.length);
  let next = 0;
  let added = 0;
  const addReady = () => {
    while (added < files.length && results[added] !== undefined && !stop()) {
      const { part, fatal } = results[added];
      results[added] = null;
      try {
        if (part) engine.add_part(part);
        else engine.lose_file(added, fatal);
      } catch (error) {
        if (error instanceof WebAssembly.RuntimeError) throw error;
        engine.lose_file(added, textOf(error));
      }
      progress(id, added, files[added].size, files[added].size, true);
      added++;
    }
  };
  const used = new Set();
  const lane = async (k) => {
    while (next < files.length && !stop()) {
      used.add(k);
      const i = next++;
      const file = files[i];
      results[i] = await parseOn(k, engine.part_request(i), file, (done) => progress(id, i, done, file.size, false));
      addReady();
    }
  };
  await Promise.all(Array.from({ length: Math.min(POOL, files.length) }, (_, k) => lane(k)));
  return used.size;
}

async function start() {
  try {
    // `engine` is set only once the module and its threads are ready: messages wait until then.
    const module = threaded ? await import("./mt/lra_engine.js") : await import("./st/lra_engine.js");
    await module.default();
    if (threaded) {
      const cores = Number(params.get("threads")) || Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 16));
      await module.initThreadPool(cores);
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
