// What the engine worker (worker.js) and its parsers (parser.js) share: reading a Blob in
// slices, and the words for what stopped them.

export const SLICE = 8 << 20; // bytes per read

/** Reads a Blob in slices from byte `from`, at most two in flight, calling `use(bytes, end)` on
 * each in order (`end`: the offset just past it); stops early when `stop()` says so. */
export async function readSlices(file, use, stop, from = 0) {
  let offset = from;
  let next = file.size > from ? file.slice(from, from + SLICE).arrayBuffer() : null;
  while (next && !stop()) {
    const buffer = await next;
    const end = offset + buffer.byteLength;
    next = end < file.size ? file.slice(end, end + SLICE).arrayBuffer() : null;
    use(new Uint8Array(buffer), end);
    offset = end;
  }
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
