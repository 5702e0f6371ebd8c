// What the engine worker (worker.js), its parsers (parser.js) and the reader (reader.js) share:
// reading a Blob in slices, and the words for what stopped them.

export const SLICE = 8 << 20; // bytes per read

/** A file with at least this many bytes to read is read `beside` (below); a smaller one is read
 * here, a reader's start costing more than it saves. */
const BESIDE_MIN = 2 * SLICE;

/** Reads a Blob in slices from byte `from`, calling `use(bytes, end)` on each in order (`end`:
 * the offset just past it); stops early when `stop()` says so. Throws what the browser threw
 * when it could not read on, and what `use` threw. `beside`: a reader worker (reader.js) reads
 * while this worker parses, which, busy in wasm, would read nothing meanwhile: worth a core of
 * its own when one is spare (benches/browser.mjs: single-threaded 1.34x; with two parsers on two
 * cores, each with a reader, 0.85x). */
export function readSlices(file, use, stop, from = 0, beside = false) {
  return beside && file.size - from >= BESIDE_MIN
    ? readBeside(file, use, stop, from)
    : readSlicesHere(file, use, stop, from);
}

/** `readSlices` on this thread, at most two slices in flight; `use` may be async. */
export async function readSlicesHere(file, use, stop, from = 0) {
  let offset = from;
  let next = file.size > from ? file.slice(from, from + SLICE).arrayBuffer() : null;
  while (next && !stop()) {
    const buffer = await next;
    const end = offset + buffer.byteLength;
    next = end < file.size ? file.slice(end, end + SLICE).arrayBuffer() : null;
    // Should it fail while `use` is awaited, the failure is thrown by the `await` above, on the
    // next turn; until then it must not count as unhandled (a page error).
    next?.catch(() => {});
    await use(new Uint8Array(buffer), end);
    offset = end;
  }
}

/** This worker's reader (reader.js), made when first needed, and its reads so far. */
let reader = null;
let reads = 0;

/** `readSlices` by the reader worker: it reads the next slices while `use` works on this one. */
function readBeside(file, use, stop, from) {
  const worker = (reader ??= new Worker(new URL("./reader.js", import.meta.url), { type: "module" }));
  const id = ++reads;
  return new Promise((resolve, reject) => {
    const end = (settle) => {
      worker.onmessage = worker.onerror = null;
      settle();
    };
    worker.onmessage = ({ data }) => {
      if (data.id !== id) return; // a slice of a read that was stopped
      if (data.error) {
        const error = new Error(data.error.message);
        error.name = data.error.name;
        return end(() => reject(error));
      }
      if (data.done) return end(resolve);
      if (stop()) {
        worker.postMessage({ stop: id });
        return end(resolve);
      }
      worker.postMessage({ took: id });
      try {
        use(data.bytes, data.end);
      } catch (error) {
        worker.postMessage({ stop: id });
        end(() => reject(error));
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reader = null;
      end(() => reject(new Error("the file reader could not start")));
    };
    worker.postMessage({ id, file, from });
  });
}

/** The text of what was thrown; a file the browser can no longer read is said in a user's words
 * (Chromium's own message blames permissions). */
export function message(error) {
  const name = error && error.name;
  if (name === "NotReadableError") {
    return "the file was changed or removed after it was chosen, so the browser could not read the rest (choose it again to read it whole)";
  }
  if (name === "NotFoundError") return "the file was removed or moved after it was chosen";
  return error && error.message ? error.message : String(error);
}

/** Why an engine (`wasm`, its module) stopped on `error`, said as `who` ("the engine", "the
 * parser") did: its memory was exhausted, it panicked, or the error's own text. */
export function stopped(wasm, who, error) {
  const bytes = ask(() => wasm.failed_allocation());
  if (bytes) {
    return `${who} ran out of memory: the browser would not give it ${Math.ceil(bytes / 2 ** 20)} MB more`;
  }
  const panic = ask(() => wasm.last_panic());
  return panic ? `${who} stopped: ${panic}` : message(error);
}

/** What an engine that may have stopped answers, or nothing (it may not have loaded). */
function ask(f) {
  try {
    return f();
  } catch {
    return "";
  }
}
