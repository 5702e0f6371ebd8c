// The engine's module Web Worker. The page's main thread never parses: it posts File objects
// here and gets back progress and the summary as lra-summary/1 JSON.
//
// It loads the threaded build when the page is cross-origin isolated (shared memory is then
// available), else the single-threaded one. `?build=st|mt` forces one and `?threads=N` sets the
// pool's size (benchmarks, tests).
//
// Messages in:  {type: "analyze", job, files: [File|Blob], names: [string], nameMode,
//                markers: {test, result, iteration, ignoreCase}, logFormat, iterationPerFile}
//                (markers may be left out; logFormat "auto" or a format's name, default "auto")
//               {type: "read", job, files}     read the slices only (benchmark baseline)
//               {type: "sample", job, iterations, tests}
// Messages out: {type: "ready", build, threads, isolated}
//               {type: "progress", job, file, done, size}
//               {type: "summary", job, json, errors: [string], seconds}
//               {type: "sample", job, bytes: Uint8Array}
//               {type: "error", job, message, fatal}   fatal: the worker must be replaced

const SLICE = 8 << 20; // bytes per read
const PROGRESS_EVERY_MS = 100;

const params = new URL(self.location.href).searchParams;
const forced = params.get("build");
const threaded = forced ? forced === "mt" : self.crossOriginIsolated;

let engine; // the wasm-bindgen module
const queue = [];
let busy = false;

self.onmessage = (event) => {
  queue.push(event.data);
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
      // A trap (a panic, or memory exhausted) leaves the wasm instance unusable: say so, so that
      // the page starts a fresh worker.
      const fatal = error instanceof WebAssembly.RuntimeError;
      self.postMessage({ type: "error", job: message.job, message: describe(error), fatal });
    }
  }
  busy = false;
}

function describe(error) {
  const panic = engine && engine.last_panic ? safe(() => engine.last_panic()) : "";
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

/** Reads a Blob in slices, at most two in flight, calling `use` on each in order. */
async function readSlices(file, use) {
  let offset = 0;
  let next = file.size > 0 ? file.slice(0, SLICE).arrayBuffer() : null;
  while (next) {
    const buffer = await next;
    const end = offset + buffer.byteLength;
    next = end < file.size ? file.slice(end, end + SLICE).arrayBuffer() : null;
    use(new Uint8Array(buffer), end);
    offset = end;
  }
}

function progress(job, file, done, size, force) {
  const now = performance.now();
  if (force || now - (progress.last || 0) >= PROGRESS_EVERY_MS) {
    progress.last = now;
    self.postMessage({ type: "progress", job, file, done, size });
  }
}

async function handle(message) {
  const { type, job } = message;
  if (type === "sample") {
    const bytes = engine.sample_log(message.iterations, message.tests, message.seed || 1);
    self.postMessage({ type: "sample", job, bytes }, [bytes.buffer]);
    return;
  }
  const files = message.files;
  const started = performance.now();
  if (type === "read") {
    for (let i = 0; i < files.length; i++) {
      await readSlices(files[i], (bytes, done) => progress(job, i, done, files[i].size, false));
    }
    self.postMessage({ type: "summary", job, json: null, errors: [], seconds: (performance.now() - started) / 1000 });
    return;
  }
  if (type !== "analyze") throw new Error(`unknown message ${type}`);
  const m = message.markers || {};
  const run = new engine.Engine(
    message.nameMode || "line",
    m.test || "Test: ",
    m.result || "Result: ",
    m.iteration || "Iteration ",
    Boolean(m.ignoreCase),
    message.logFormat || "auto",
    Boolean(message.iterationPerFile),
  );
  const errors = [];
  try {
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      const name = message.names[i];
      run.begin_file(name);
      try {
        await readSlices(file, (bytes, done) => {
          run.feed(bytes);
          progress(job, i, done, file.size, false);
        });
        run.end_file();
      } catch (error) {
        if (error instanceof WebAssembly.RuntimeError) throw error;
        // The file could not be read to its end: what was read counts, flagged; say why, go on.
        run.cut_file_short(error && error.message ? error.message : String(error));
      }
      // Damaged archive members and files, one message each.
      errors.push(...run.take_problems());
      progress(job, i, file.size, file.size, true);
    }
    const json = run.summary_json();
    self.postMessage({ type: "summary", job, json, errors, seconds: (performance.now() - started) / 1000 });
  } finally {
    safe(() => run.free());
  }
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
    engine = module;
    self.postMessage({
      type: "ready",
      build: engine.build_kind(),
      threads: engine.threads(),
      isolated: self.crossOriginIsolated,
    });
    pump();
  } catch (error) {
    self.postMessage({ type: "error", job: null, message: `the engine could not start: ${describe(error)}` });
  }
}

start();
