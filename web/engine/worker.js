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
// pool's size (benchmarks, tests).

const SLICE = 8 << 20; // bytes per read
const PROGRESS_EVERY_MS = 100;

const params = new URL(self.location.href).searchParams;
const forced = params.get("build");
const threaded = forced ? forced === "mt" : self.crossOriginIsolated;

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
  const text = error && error.message ? error.message : String(error);
  return panic ? `the engine stopped: ${panic}` : text;
}

function safe(f) {
  try {
    return f();
  } catch {
    return "";
  }
}

/** Reads a Blob in slices, at most two in flight, calling `use` on each in order; stops early
 * when `stop()` says so. */
async function readSlices(file, use, stop) {
  let offset = 0;
  let next = file.size > 0 ? file.slice(0, SLICE).arrayBuffer() : null;
  while (next && !stop()) {
    const buffer = await next;
    const end = offset + buffer.byteLength;
    next = end < file.size ? file.slice(end, end + SLICE).arrayBuffer() : null;
    use(new Uint8Array(buffer), end);
    offset = end;
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
  for (let i = 0; i < files.length && !stop(); i++) {
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
      engine.cut_file_short(error && error.message ? error.message : String(error));
    }
    progress(id, i, file.size, file.size, true);
  }
  const reply = stop() ? engine.cancel_batch() : engine.end_batch((performance.now() - started) / 1000);
  self.postMessage({ id, reply });
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
    self.postMessage({ id: null, reply: module.Engine.ready(self.crossOriginIsolated) });
    pump();
  } catch (error) {
    self.postMessage({ id: null, fatal: `the engine could not start: ${describe(error)}` });
  }
}

start();
